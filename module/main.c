// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/minivm: module entry points, the system ioctls, and the count of
 * live VMs that decides when the CPUs are in VMX operation.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/reboot.h>

#include "minivm.h"

const struct minivm_backend_ops *minivm_backend;

/*
 * Hardware virtualization is switched on when the first VM is created and
 * off when the last one is destroyed, as kvm_intel does on 6.1: a host
 * with no VMs does not keep VMX to itself, so KVM can still be used.
 */
static DEFINE_MUTEX(hardware_lock);
static unsigned int hardware_users;	/* live VMs; protected by hardware_lock */
/* The host is going down: no VM is created any more. Under hardware_lock. */
static bool host_shutting_down;

int minivm_hardware_get(void)
{
	int ret = 0;

	mutex_lock(&hardware_lock);
	if (host_shutting_down) {
		ret = -EBUSY;
	} else if (!hardware_users) {
		ret = minivm_backend->hardware_enable();
		if (!ret)
			minivm_emergency_vmx(true);
	}
	if (!ret)
		hardware_users++;
	mutex_unlock(&hardware_lock);
	return ret;
}

void minivm_hardware_put(void)
{
	mutex_lock(&hardware_lock);
	if (!--hardware_users) {
		minivm_emergency_vmx(false);
		minivm_backend->hardware_disable();
	}
	mutex_unlock(&hardware_lock);
}

/*
 * Reboot, halt, power-off and kexec all run the reboot notifiers, in
 * process context, before the devices and the other CPUs are stopped:
 * the place to take every CPU out of VMX operation, which the kernel
 * itself does only through one callback, on an emergency restart or a
 * crash (emergency.c). Processes may still be running
 * VMs; their ioctls fail from now on.
 */
static int minivm_reboot_notify(struct notifier_block *nb,
				unsigned long action, void *unused)
{
	mutex_lock(&hardware_lock);
	host_shutting_down = true;
	if (hardware_users) {
		pr_info(MINIVM_PREFIX "host going down with %u VM%s: leaving VMX operation on every CPU\n",
			hardware_users, hardware_users == 1 ? "" : "s");
		minivm_backend->hardware_shutdown();
	}
	mutex_unlock(&hardware_lock);
	return NOTIFY_DONE;
}

static struct notifier_block minivm_reboot_notifier = {
	.notifier_call = minivm_reboot_notify,
};

long minivm_check_extension(unsigned long cap)
{
	switch (cap) {
	case MINIVM_CAP_USER_MEMORY:
	case MINIVM_CAP_UNRESTRICTED_GUEST:
	case MINIVM_CAP_IMMEDIATE_EXIT:
	case MINIVM_CAP_LONG_MODE:
	case MINIVM_CAP_MMIO:
	case MINIVM_CAP_READONLY_MEM:
	case MINIVM_CAP_CPUID:
	case MINIVM_CAP_MSRS:
	case MINIVM_CAP_XSAVE:
	case MINIVM_CAP_DEBUGREGS:
	case MINIVM_CAP_VCPU_EVENTS:
	case MINIVM_CAP_STRING_IO:
	case MINIVM_CAP_IRQCHIP:
	case MINIVM_CAP_USER_INTERRUPT:
	case MINIVM_CAP_BINARY_STATS_FD:
	case MINIVM_CAP_SYNC_MMU:
		return 1;
	case MINIVM_CAP_X86_USER_SPACE_MSR:
		return MINIVM_MSR_EXIT_UNKNOWN | MINIVM_MSR_EXIT_INVAL;
	case MINIVM_CAP_NR_MEMSLOTS:
		return MINIVM_MAX_MEMSLOTS;
	case MINIVM_CAP_MAX_VCPUS:
		return MINIVM_MAX_VCPUS;
	default:
		return 0;
	}
}

static long minivm_dev_ioctl(struct file *filp, unsigned int ioctl,
			     unsigned long arg)
{
	switch (ioctl) {
	case MINIVM_GET_API_VERSION:
		return arg ? -EINVAL : MINIVM_API_VERSION;
	case MINIVM_CREATE_VM:
		return arg ? -EINVAL : minivm_create_vm();
	case MINIVM_CHECK_EXTENSION:
		return minivm_check_extension(arg);
	case MINIVM_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : PAGE_SIZE;
	case MINIVM_GET_SUPPORTED_CPUID:
		return minivm_get_supported_cpuid((void __user *)arg);
	case MINIVM_GET_MSR_INDEX_LIST:
		return minivm_get_msr_index_list((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations minivm_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= minivm_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice minivm_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "minivm",
	.fops	= &minivm_dev_fops,
	.mode	= 0600,	/* root only; the udev rule gives group minivm 0660 */
};

static int __init minivm_init(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct minivm_run) > PAGE_SIZE / 2);

	minivm_backend = minivm_vmx_probe();
	if (!minivm_backend)
		return -ENODEV;

	ret = minivm_cpuid_init();
	if (ret)
		goto err_backend_exit;

	/* The statistics' names include the backend's exit classes. */
	ret = minivm_stats_init();
	if (ret)
		goto err_cpuid_exit;
	minivm_debugfs_init();

	/* Before /dev/minivm: no VM may exist without the notifiers. */
	register_reboot_notifier(&minivm_reboot_notifier);
	minivm_emergency_init();

	ret = misc_register(&minivm_dev);
	if (ret) {
		pr_err(MINIVM_PREFIX "cannot register /dev/minivm: %d\n", ret);
		goto err_unregister_reboot;
	}
	return 0;

err_unregister_reboot:
	minivm_emergency_exit();
	unregister_reboot_notifier(&minivm_reboot_notifier);
	minivm_debugfs_exit();
	minivm_stats_exit();
err_cpuid_exit:
	minivm_cpuid_exit();
err_backend_exit:
	minivm_backend->exit();
	return ret;
}

static void __exit minivm_exit(void)
{
	/*
	 * Every VM holds a module reference, so none is left here and the
	 * CPUs are already out of VMX operation.
	 */
	misc_deregister(&minivm_dev);
	minivm_emergency_exit();
	unregister_reboot_notifier(&minivm_reboot_notifier);
	minivm_debugfs_exit();
	minivm_stats_exit();
	minivm_cpuid_exit();
	minivm_backend->exit();
}

module_init(minivm_init);
module_exit(minivm_exit);

MODULE_DESCRIPTION("minivm: a small hypervisor; needs Intel VMX with EPT and unrestricted guest");
MODULE_AUTHOR("The minivm authors");
MODULE_VERSION(MINIVM_VERSION);
MODULE_LICENSE("GPL");
