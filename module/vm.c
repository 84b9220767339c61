// SPDX-License-Identifier: GPL-2.0
/*
 * The VM file descriptor: creation, the VM ioctls and the VM's lifetime.
 *
 * Lifetime: the VM fd holds one reference and every vCPU holds one, so
 * any close order is safe. The last reference unregisters the MMU
 * notifier (which zaps every guest mapping), tears down the backend's
 * state, frees the slots and, if this was the last VM, takes the CPUs out
 * of VMX operation.
 */
#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "minivm.h"

/* The last VM id handed out (minivm.id): never reused, so never 0. */
static atomic64_t minivm_last_vm_id = ATOMIC64_INIT(0);

void minivm_vm_get(struct minivm *vm)
{
	kref_get(&vm->ref);
}

static void minivm_vm_release(struct kref *ref)
{
	struct minivm *vm = container_of(ref, struct minivm, ref);

	/* First: it waits for debugfs readers, which look at the VM. */
	minivm_debugfs_vm_remove(vm);
	/* Zaps every mapping; no callback runs after it, so tables can go. */
	minivm_mmu_notifier_unregister(vm);
	minivm_backend->vm_destroy(vm);
	minivm_irqchip_free(vm);
	minivm_free_memslots(vm);
	minivm_hardware_put();
	mmdrop(vm->mm);
	kfree(vm);
}

void minivm_vm_put(struct minivm *vm)
{
	kref_put(&vm->ref, minivm_vm_release);
}

void minivm_vm_mark_dead(struct minivm *vm)
{
	WRITE_ONCE(vm->dead, true);
	WRITE_ONCE(vm->stats.dead, 1);
}

static long minivm_enable_cap(struct minivm *vm, void __user *argp)
{
	struct minivm_enable_cap cap;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;
	if (cap.flags || cap.args[1] || cap.args[2] || cap.args[3] ||
	    memchr_inv(cap.reserved, 0, sizeof(cap.reserved)))
		return -EINVAL;
	switch (cap.cap) {
	case MINIVM_CAP_X86_USER_SPACE_MSR:
		if (cap.args[0] & ~(u64)(MINIVM_MSR_EXIT_UNKNOWN |
					 MINIVM_MSR_EXIT_INVAL))
			return -EINVAL;
		WRITE_ONCE(vm->user_msr_exits, cap.args[0]);
		return 0;
	default:
		return -EINVAL;
	}
}

static long minivm_vm_ioctl(struct file *filp, unsigned int ioctl,
			    unsigned long arg)
{
	struct minivm *vm = filp->private_data;
	struct minivm_userspace_memory_region mem;

	/* Guest memory is the creator's; nobody else may reshape it. */
	if (current->mm != vm->mm)
		return -EIO;

	switch (ioctl) {
	case MINIVM_CREATE_VCPU:
		return minivm_create_vcpu(vm, arg);
	case MINIVM_SET_USER_MEMORY_REGION:
		if (copy_from_user(&mem, (void __user *)arg, sizeof(mem)))
			return -EFAULT;
		return minivm_set_memory_region(vm, &mem);
	case MINIVM_CHECK_EXTENSION:
		return minivm_check_extension(arg);
	case MINIVM_ENABLE_CAP:
		return minivm_enable_cap(vm, (void __user *)arg);
	case MINIVM_CREATE_IRQCHIP:
		if (arg)
			return -EINVAL;
		return minivm_create_irqchip(vm);
	case MINIVM_IRQ_LINE:
		return minivm_irq_line(vm, (void __user *)arg);
	case MINIVM_GET_STATS_FD:
		if (arg)
			return -EINVAL;
		return minivm_vm_stats_fd(vm);
	default:
		return -ENOTTY;
	}
}

static int minivm_vm_fd_release(struct inode *inode, struct file *filp)
{
	minivm_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations minivm_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= minivm_vm_fd_release,
	.unlocked_ioctl	= minivm_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

int minivm_create_vm(void)
{
	struct minivm *vm;
	int ret;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	mutex_init(&vm->slots_lock);
	spin_lock_init(&vm->mmu_lock);
	mutex_init(&vm->vcpus_lock);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	vm->pid = task_tgid_nr(current);
	vm->id = atomic64_inc_return(&minivm_last_vm_id);

	ret = minivm_hardware_get();
	if (ret)
		goto err_drop_mm;

	ret = minivm_backend->vm_init(vm);
	if (ret)
		goto err_put_hardware;

	/* After vm_init: a callback may zap the (empty) tables at once. */
	ret = minivm_mmu_notifier_register(vm);
	if (ret)
		goto err_destroy_backend;

	/* Never fails: a VM without debugfs is still a VM. */
	minivm_debugfs_vm_add(vm);

	ret = anon_inode_getfd("minivm-vm", &minivm_vm_fops, vm,
			       O_RDWR | O_CLOEXEC);
	if (ret < 0)
		goto err_destroy_vm;
	return ret;

err_destroy_vm:
	minivm_debugfs_vm_remove(vm);
	minivm_mmu_notifier_unregister(vm);
err_destroy_backend:
	minivm_backend->vm_destroy(vm);
err_put_hardware:
	minivm_hardware_put();
err_drop_mm:
	mmdrop(vm->mm);
	kfree(vm);
	return ret;
}
