// SPDX-License-Identifier: GPL-2.0
/*
 * The minivm accelerator: /dev/minivm and uapi/linux/minivm.h behind the
 * driver seam (accel.h). Documentation/api.rst is the contract.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/minivm.h>

#include "accel.h"
#include "exitcode.h"
#include "minivm-xlate.h"
#include "util.h"

#define MINIVM_DEV	"/dev/minivm"

static int check_extension(struct accel *a, int cap, const char *name)
{
	int ret = ioctl(a->sys_fd, MINIVM_CHECK_EXTENSION, cap);

	if (ret < 0)
		die(STATUS_OS_ERROR, "MINIVM_CHECK_EXTENSION(%s): %s",
		    name, strerror(errno));
	return ret;
}

static void minivm_open(struct accel *a, unsigned int needs)
{
	int version, ret;

	a->sys_fd = open(MINIVM_DEV, O_RDWR | O_CLOEXEC);
	if (a->sys_fd < 0) {
		int err = errno;

		/*
		 * ENOENT: no node, the module never registered one.
		 * ENODEV/ENXIO: a stale node with no driver behind it.
		 */
		if (err == ENOENT || err == ENODEV || err == ENXIO)
			die(STATUS_NO_DEVICE,
			    "cannot open %s: %s (is the minivm module loaded? try 'insmod minivm.ko')",
			    MINIVM_DEV, strerror(err));
		die(STATUS_NO_DEVICE, "cannot open %s: %s", MINIVM_DEV, strerror(err));
	}

	version = ioctl(a->sys_fd, MINIVM_GET_API_VERSION, 0);
	if (version < 0)
		die(STATUS_OS_ERROR, "MINIVM_GET_API_VERSION: %s", strerror(errno));
	if (version != MINIVM_API_VERSION)
		die(STATUS_OS_ERROR,
		    "minivm API version mismatch: the module has %d, minivm-run was built for %d",
		    version, MINIVM_API_VERSION);

	if (check_extension(a, MINIVM_CAP_USER_MEMORY, "MINIVM_CAP_USER_MEMORY") <= 0)
		die(STATUS_OS_ERROR, "the minivm module lacks MINIVM_CAP_USER_MEMORY");

	/* A flat binary starts the vCPU in real mode: unrestricted guest. */
	if ((needs & ACCEL_NEED_REAL_MODE) &&
	    check_extension(a, MINIVM_CAP_UNRESTRICTED_GUEST,
			    "MINIVM_CAP_UNRESTRICTED_GUEST") <= 0)
		die(STATUS_OS_ERROR,
		    "the minivm module cannot run real-mode guests (no MINIVM_CAP_UNRESTRICTED_GUEST)");

	/* A bzImage is entered in 64-bit mode, set up by SET_SREGS. */
	if ((needs & ACCEL_NEED_LONG_MODE) &&
	    check_extension(a, MINIVM_CAP_LONG_MODE, "MINIVM_CAP_LONG_MODE") <= 0)
		die(STATUS_OS_ERROR,
		    "the minivm module cannot run 64-bit guests (no MINIVM_CAP_LONG_MODE)");

	/* A kernel gets the in-kernel local APIC and I/O APIC. */
	if ((needs & ACCEL_NEED_IRQCHIP) &&
	    check_extension(a, MINIVM_CAP_IRQCHIP, "MINIVM_CAP_IRQCHIP") <= 0)
		die(STATUS_OS_ERROR,
		    "the minivm module has no in-kernel interrupt controller (no MINIVM_CAP_IRQCHIP), which a kernel needs");

	/* Optional: without it, stopping on a signal has a small race. */
	a->immediate_exit = check_extension(a, MINIVM_CAP_IMMEDIATE_EXIT,
					    "MINIVM_CAP_IMMEDIATE_EXIT") > 0;

	ret = ioctl(a->sys_fd, MINIVM_GET_VCPU_MMAP_SIZE, 0);
	if (ret < 0)
		die(STATUS_OS_ERROR, "MINIVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	if ((size_t)ret < sizeof(struct minivm_run))
		die(STATUS_OS_ERROR,
		    "MINIVM_GET_VCPU_MMAP_SIZE is %d, smaller than struct minivm_run (%zu)",
		    ret, sizeof(struct minivm_run));
	a->run_size = ret;
}

static void minivm_create_vm(struct accel *a)
{
	a->vm_fd = ioctl(a->sys_fd, MINIVM_CREATE_VM, 0);
	if (a->vm_fd < 0) {
		if (errno == EBUSY)
			die(STATUS_OS_ERROR,
			    "MINIVM_CREATE_VM: %s (VMX is in use by another hypervisor; unload kvm_intel)",
			    strerror(errno));
		die(STATUS_OS_ERROR, "MINIVM_CREATE_VM: %s", strerror(errno));
	}
}

/* api.rst 6.11: before the first vCPU, which then gets its local APIC. */
static void minivm_create_irqchip(struct accel *a)
{
	if (ioctl(a->vm_fd, MINIVM_CREATE_IRQCHIP, 0) < 0)
		die(STATUS_OS_ERROR, "MINIVM_CREATE_IRQCHIP: %s", strerror(errno));
	a->irqchip = true;
}

static int minivm_irq_line(struct accel *a, unsigned int irq, bool level)
{
	struct minivm_irq_level line = { .irq = irq, .level = level };

	return ioctl(a->vm_fd, MINIVM_IRQ_LINE, &line) < 0 ? -errno : 0;
}

static void minivm_set_memory(struct accel *a, unsigned int slot, uint64_t gpa,
			      uint64_t size, void *host)
{
	struct minivm_userspace_memory_region region = {
		.slot		 = slot,
		.guest_phys_addr = gpa,
		.memory_size	 = size,
		.userspace_addr	 = (uintptr_t)host,
	};

	if (ioctl(a->vm_fd, MINIVM_SET_USER_MEMORY_REGION, &region) < 0)
		die(STATUS_OS_ERROR,
		    "MINIVM_SET_USER_MEMORY_REGION (slot %u, %llu bytes at 0x%llx): %s",
		    slot, (unsigned long long)size, (unsigned long long)gpa,
		    strerror(errno));
}

static void minivm_create_vcpu(struct accel *a, struct accel_vcpu *vcpu,
			       unsigned int id)
{
	vcpu->fd = ioctl(a->vm_fd, MINIVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		die(STATUS_OS_ERROR, "MINIVM_CREATE_VCPU: %s", strerror(errno));
	vcpu->id = id;
}

static void minivm_map_run(struct accel *a, struct accel_vcpu *vcpu)
{
	void *run;

	run = mmap(NULL, a->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED)
		die(STATUS_OS_ERROR, "cannot mmap the vCPU run area: %s", strerror(errno));
	vcpu->run = run;
	vcpu->run_size = a->run_size;
}

static int minivm_run(struct accel_vcpu *vcpu)
{
	return ioctl(vcpu->fd, MINIVM_RUN, 0) < 0 ? -errno : 0;
}

static int minivm_get_exit(struct accel_vcpu *vcpu, struct vmm_exit *exit,
			   char *why, size_t whylen)
{
	return minivm_translate_exit(vcpu->run, vcpu->run_size, exit, why, whylen);
}

static void minivm_set_immediate_exit(struct accel_vcpu *vcpu)
{
	struct minivm_run *run = vcpu->run;

	run->immediate_exit = 1;
}

static int minivm_get_regs(struct accel_vcpu *vcpu, struct vcpu_regs *regs)
{
	struct minivm_regs r;

	if (ioctl(vcpu->fd, MINIVM_GET_REGS, &r) < 0)
		return -errno;
	minivm_regs_to_vcpu(&r, regs);
	return 0;
}

static int minivm_set_regs(struct accel_vcpu *vcpu, const struct vcpu_regs *regs)
{
	struct minivm_regs r;

	minivm_regs_from_vcpu(regs, &r);
	return ioctl(vcpu->fd, MINIVM_SET_REGS, &r) < 0 ? -errno : 0;
}

static int minivm_get_sregs(struct accel_vcpu *vcpu, struct vcpu_sregs *sregs)
{
	struct minivm_sregs s;

	if (ioctl(vcpu->fd, MINIVM_GET_SREGS, &s) < 0)
		return -errno;
	minivm_sregs_to_vcpu(&s, sregs);
	return 0;
}

static int minivm_set_sregs(struct accel_vcpu *vcpu, const struct vcpu_sregs *sregs)
{
	struct minivm_sregs s;

	minivm_sregs_from_vcpu(sregs, &s);
	return ioctl(vcpu->fd, MINIVM_SET_SREGS, &s) < 0 ? -errno : 0;
}

/* api.rst 6.12: a file each for the VM and its vCPUs. */
static int minivm_stats_fd(struct accel *a, struct accel_vcpu *vcpu)
{
	int fd;

	if (ioctl(a->sys_fd, MINIVM_CHECK_EXTENSION, MINIVM_CAP_BINARY_STATS_FD) <= 0)
		return -EOPNOTSUPP;
	if (vcpu)
		fd = ioctl(vcpu->fd, MINIVM_GET_VCPU_STATS_FD, 0);
	else
		fd = ioctl(a->vm_fd, MINIVM_GET_STATS_FD, 0);
	return fd < 0 ? -errno : fd;
}

static void minivm_destroy(struct accel *a, struct accel_vcpu *vcpu)
{
	/* Any order is safe (api.rst, section 3). */
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	if (a->vm_fd >= 0)
		close(a->vm_fd);
	if (a->sys_fd >= 0)
		close(a->sys_fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
	a->vm_fd = -1;
	a->sys_fd = -1;
}

const struct accel_ops minivm_accel_ops = {
	.name			= "minivm",
	.dev_path		= MINIVM_DEV,
	.ioctl_prefix		= "MINIVM_",
	.run_ioctl		= "MINIVM_RUN",
	.open			= minivm_open,
	.create_vm		= minivm_create_vm,
	.create_irqchip		= minivm_create_irqchip,
	.set_memory		= minivm_set_memory,
	.create_vcpu		= minivm_create_vcpu,
	.map_run		= minivm_map_run,
	.set_cpuid		= NULL,	/* a new vCPU has the supported table */
	.run			= minivm_run,
	.get_exit		= minivm_get_exit,
	.set_immediate_exit	= minivm_set_immediate_exit,
	.get_regs		= minivm_get_regs,
	.set_regs		= minivm_set_regs,
	.get_sregs		= minivm_get_sregs,
	.set_sregs		= minivm_set_sregs,
	.irq_line		= minivm_irq_line,
	.halted_irqs_off	= NULL,	/* MINIVM_EXIT_HLT says so itself */
	.stats_fd		= minivm_stats_fd,
	.destroy		= minivm_destroy,
};
