// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM accelerator: /dev/kvm behind the driver seam (accel.h), so a
 * guest that runs on minivm can be run on kvm_intel (or kvm_amd) and the
 * two compared. Only what minivm-run needs. A kernel gets KVM's
 * in-kernel irqchip, as it gets minivm's: local APIC, I/O APIC and (which
 * minivm lacks) the two 8259 PICs; KVM_IRQ_LINE drives a PIC input and
 * the I/O APIC pin of the same number, and a Linux guest that finds the
 * I/O APIC in the MP table uses it and masks the PICs. The PIT stays in
 * minivm-run (no KVM_CREATE_PIT2), as with minivm. A flat binary gets no
 * irqchip, so its HLT still comes to userspace.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/minivm.h>

#include "accel.h"
#include "exitcode.h"
#include "kvm-xlate.h"
#include "util.h"

#define KVM_DEV		"/dev/kvm"

/*
 * kvm_intel needs three pages for the real-mode TSS and one for the
 * identity page table it uses for guests in real mode on CPUs without
 * unrestricted guest; both must be unbacked guest-physical addresses.
 * These are the usual ones (QEMU, kvmtool): just below the BIOS at the
 * top of 4 GiB, inside the PCI hole that --kernel leaves.
 */
#define KVM_IDENTITY_MAP_ADDR	0xfffbc000ULL
#define KVM_TSS_ADDR		0xfffbd000UL

/* KVM_GET_SUPPORTED_CPUID: start here, double on E2BIG. */
#define KVM_CPUID_FIRST_NENT	64
#define KVM_CPUID_MAX_NENT	4096

static int check_extension(struct accel *a, int cap, const char *name)
{
	int ret = ioctl(a->sys_fd, KVM_CHECK_EXTENSION, cap);

	if (ret < 0)
		die(STATUS_OS_ERROR, "KVM_CHECK_EXTENSION(%s): %s", name, strerror(errno));
	return ret;
}

static void kvm_open(struct accel *a, unsigned int needs)
{
	int version, ret;

	/* Real and long mode: KVM on x86-64 runs both, nothing to check. */
	a->sys_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (a->sys_fd < 0) {
		int err = errno;

		if (err == ENOENT || err == ENODEV || err == ENXIO)
			die(STATUS_NO_DEVICE,
			    "cannot open %s: %s (is KVM loaded? try 'modprobe kvm_intel')",
			    KVM_DEV, strerror(err));
		if (err == EACCES)
			die(STATUS_NO_DEVICE,
			    "cannot open %s: %s (run as root or as a member of the kvm group)",
			    KVM_DEV, strerror(err));
		die(STATUS_NO_DEVICE, "cannot open %s: %s", KVM_DEV, strerror(err));
	}

	version = ioctl(a->sys_fd, KVM_GET_API_VERSION, 0);
	if (version < 0)
		die(STATUS_OS_ERROR, "KVM_GET_API_VERSION: %s", strerror(errno));
	if (version != KVM_API_VERSION)
		die(STATUS_OS_ERROR,
		    "KVM API version mismatch: the kernel has %d, minivm-run was built for %d",
		    version, KVM_API_VERSION);

	if (check_extension(a, KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY") <= 0)
		die(STATUS_OS_ERROR, "KVM lacks KVM_CAP_USER_MEMORY");
	if (check_extension(a, KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID") <= 0)
		die(STATUS_OS_ERROR, "KVM lacks KVM_CAP_EXT_CPUID (KVM_SET_CPUID2)");
	a->immediate_exit = check_extension(a, KVM_CAP_IMMEDIATE_EXIT,
					    "KVM_CAP_IMMEDIATE_EXIT") > 0;
	if ((needs & ACCEL_NEED_IRQCHIP) &&
	    check_extension(a, KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP") <= 0)
		die(STATUS_OS_ERROR, "KVM lacks KVM_CAP_IRQCHIP (an in-kernel interrupt controller), which a kernel needs");

	ret = ioctl(a->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ret < 0)
		die(STATUS_OS_ERROR, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	if ((size_t)ret < sizeof(struct kvm_run))
		die(STATUS_OS_ERROR,
		    "KVM_GET_VCPU_MMAP_SIZE is %d, smaller than struct kvm_run (%zu)",
		    ret, sizeof(struct kvm_run));
	a->run_size = ret;
}

static void kvm_create_vm(struct accel *a)
{
	uint64_t identity = KVM_IDENTITY_MAP_ADDR;

	a->vm_fd = ioctl(a->sys_fd, KVM_CREATE_VM, 0);
	if (a->vm_fd < 0) {
		if (errno == EBUSY)
			die(STATUS_OS_ERROR,
			    "KVM_CREATE_VM: %s (VMX is in use by another hypervisor; is a minivm VM running?)",
			    strerror(errno));
		die(STATUS_OS_ERROR, "KVM_CREATE_VM: %s", strerror(errno));
	}

	/* Both before the first vCPU, as the KVM API requires. */
	if (check_extension(a, KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR") > 0 &&
	    ioctl(a->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0)
		die(STATUS_OS_ERROR, "KVM_SET_TSS_ADDR: %s", strerror(errno));
	if (check_extension(a, KVM_CAP_SET_IDENTITY_MAP_ADDR,
			    "KVM_CAP_SET_IDENTITY_MAP_ADDR") > 0 &&
	    ioctl(a->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity) < 0)
		die(STATUS_OS_ERROR, "KVM_SET_IDENTITY_MAP_ADDR: %s", strerror(errno));
}

/* Before the vCPU: KVM gives a vCPU its local APIC only if this came first. */
static void kvm_create_irqchip(struct accel *a)
{
	if (ioctl(a->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		die(STATUS_OS_ERROR, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
	a->irqchip = true;
}

static int kvm_irq_line(struct accel *a, unsigned int irq, bool level)
{
	struct kvm_irq_level line = { .irq = irq, .level = level };

	return ioctl(a->vm_fd, KVM_IRQ_LINE, &line) < 0 ? -errno : 0;
}

/*
 * KVM halts a vCPU with an in-kernel local APIC inside KVM_RUN, whatever
 * RFLAGS.IF says: a guest that stopped for good (Linux's halt and
 * poweroff without ACPI: cli; hlt) never comes back, where minivm exits
 * with MINIVM_EXIT_HLT. The VMM kicks the vCPU now and then and asks
 * this: halted, and nothing but an NMI (which nobody sends) can wake it.
 */
static bool kvm_halted_irqs_off(struct accel_vcpu *vcpu)
{
	struct kvm_mp_state mp;
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp) < 0 ||
	    mp.mp_state != KVM_MP_STATE_HALTED)
		return false;
	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0)
		return false;
	return !(regs.rflags & X86_RFLAGS_IF);
}

static void kvm_set_memory(struct accel *a, unsigned int slot, uint64_t gpa,
			   uint64_t size, void *host)
{
	struct kvm_userspace_memory_region region = {
		.slot		 = slot,
		.guest_phys_addr = gpa,
		.memory_size	 = size,
		.userspace_addr	 = (uintptr_t)host,
	};

	if (ioctl(a->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die(STATUS_OS_ERROR,
		    "KVM_SET_USER_MEMORY_REGION (slot %u, %llu bytes at 0x%llx): %s",
		    slot, (unsigned long long)size, (unsigned long long)gpa,
		    strerror(errno));
}

static void kvm_create_vcpu(struct accel *a, struct accel_vcpu *vcpu,
			    unsigned int id)
{
	vcpu->fd = ioctl(a->vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		die(STATUS_OS_ERROR, "KVM_CREATE_VCPU: %s", strerror(errno));
	vcpu->id = id;
}

static void kvm_map_run(struct accel *a, struct accel_vcpu *vcpu)
{
	void *run;

	run = mmap(NULL, a->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED)
		die(STATUS_OS_ERROR, "cannot mmap the vCPU run area: %s", strerror(errno));
	vcpu->run = run;
	vcpu->run_size = a->run_size;
}

/*
 * A KVM vCPU starts with an empty CPUID table, unlike minivm's: give it
 * everything KVM can virtualise on this host, as kvmtool does, with the
 * vCPU's own APIC ID.
 */
static void kvm_set_cpuid(struct accel *a, struct accel_vcpu *vcpu)
{
	struct kvm_cpuid2 *cpuid = NULL;
	uint32_t nent;

	for (nent = KVM_CPUID_FIRST_NENT; ; nent *= 2) {
		free(cpuid);
		cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			die(STATUS_OS_ERROR, "cannot allocate the CPUID table");
		cpuid->nent = nent;
		if (ioctl(a->sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			break;
		if (errno != E2BIG || nent >= KVM_CPUID_MAX_NENT)
			die(STATUS_OS_ERROR, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	}

	kvm_cpuid_set_apic_id(cpuid, vcpu->id);
	/*
	 * KVM emulates the TSC-deadline timer with its in-kernel APIC but
	 * leaves the bit out of the supported table (QEMU adds it the same
	 * way). minivm's APIC has it, and with it a Linux guest needs no PIT
	 * for its timer: the same guest behaves the same on both.
	 */
	if (a->irqchip && check_extension(a, KVM_CAP_TSC_DEADLINE_TIMER,
					  "KVM_CAP_TSC_DEADLINE_TIMER") > 0)
		kvm_cpuid_set_tsc_deadline(cpuid);
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid) < 0)
		die(STATUS_OS_ERROR, "KVM_SET_CPUID2: %s", strerror(errno));
	free(cpuid);
}

static int kvm_run(struct accel_vcpu *vcpu)
{
	return ioctl(vcpu->fd, KVM_RUN, 0) < 0 ? -errno : 0;
}

static int kvm_get_exit(struct accel_vcpu *vcpu, struct vmm_exit *exit,
			char *why, size_t whylen)
{
	return kvm_translate_exit(vcpu->run, vcpu->run_size, exit, why, whylen);
}

static void kvm_set_immediate_exit(struct accel_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	run->immediate_exit = 1;
}

static int kvm_get_regs(struct accel_vcpu *vcpu, struct vcpu_regs *regs)
{
	struct kvm_regs r;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0)
		return -errno;
	kvm_regs_to_vcpu(&r, regs);
	return 0;
}

static int kvm_set_regs(struct accel_vcpu *vcpu, const struct vcpu_regs *regs)
{
	struct kvm_regs r;

	kvm_regs_from_vcpu(regs, &r);
	return ioctl(vcpu->fd, KVM_SET_REGS, &r) < 0 ? -errno : 0;
}

static int kvm_get_sregs(struct accel_vcpu *vcpu, struct vcpu_sregs *sregs)
{
	struct kvm_sregs s;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	kvm_sregs_to_vcpu(&s, sregs);
	return 0;
}

static int kvm_set_sregs(struct accel_vcpu *vcpu, const struct vcpu_sregs *sregs)
{
	struct kvm_sregs s;

	kvm_sregs_from_vcpu(sregs, &s);
	return ioctl(vcpu->fd, KVM_SET_SREGS, &s) < 0 ? -errno : 0;
}

/*
 * KVM_GET_STATS_FD, the same ioctl on the VM and the vCPU. Its file has
 * minivm's layout (minivm copied KVM's), which stats.c reads; held to it
 * here, so that a header that changed would not build.
 */
#define SAME(kvm, minivm)	((kvm) == (minivm))
static_assert(SAME(sizeof(struct kvm_stats_header),
		   sizeof(struct minivm_stats_header)) &&
	      SAME(offsetof(struct kvm_stats_header, data_offset),
		   offsetof(struct minivm_stats_header, data_offset)),
	      "KVM's stats header is minivm's");
static_assert(SAME(sizeof(struct kvm_stats_desc),
		   sizeof(struct minivm_stats_desc)) &&
	      SAME(offsetof(struct kvm_stats_desc, exponent),
		   offsetof(struct minivm_stats_desc, exponent)) &&
	      SAME(offsetof(struct kvm_stats_desc, size),
		   offsetof(struct minivm_stats_desc, size)) &&
	      SAME(offsetof(struct kvm_stats_desc, offset),
		   offsetof(struct minivm_stats_desc, offset)) &&
	      SAME(offsetof(struct kvm_stats_desc, bucket_size),
		   offsetof(struct minivm_stats_desc, bucket_size)) &&
	      SAME(offsetof(struct kvm_stats_desc, name),
		   offsetof(struct minivm_stats_desc, name)),
	      "KVM's stats descriptor is minivm's");
static_assert(SAME(KVM_STATS_TYPE_MASK, MINIVM_STATS_TYPE_MASK) &&
	      SAME(KVM_STATS_TYPE_PEAK, MINIVM_STATS_TYPE_PEAK) &&
	      SAME(KVM_STATS_TYPE_LINEAR_HIST, MINIVM_STATS_TYPE_LINEAR_HIST) &&
	      SAME(KVM_STATS_TYPE_LOG_HIST, MINIVM_STATS_TYPE_LOG_HIST) &&
	      SAME(KVM_STATS_UNIT_MASK, MINIVM_STATS_UNIT_MASK) &&
	      SAME(KVM_STATS_UNIT_SECONDS, MINIVM_STATS_UNIT_SECONDS) &&
	      SAME(KVM_STATS_UNIT_BOOLEAN, MINIVM_STATS_UNIT_BOOLEAN) &&
	      SAME(KVM_STATS_BASE_MASK, MINIVM_STATS_BASE_MASK) &&
	      SAME(KVM_STATS_BASE_POW2, MINIVM_STATS_BASE_POW2),
	      "KVM's stats flags are minivm's");

static int kvm_stats_fd(struct accel *a, struct accel_vcpu *vcpu)
{
	int fd;

	if (ioctl(a->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) <= 0)
		return -EOPNOTSUPP;
	fd = ioctl(vcpu ? vcpu->fd : a->vm_fd, KVM_GET_STATS_FD, 0);
	return fd < 0 ? -errno : fd;
}

static void kvm_destroy(struct accel *a, struct accel_vcpu *vcpu)
{
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

const struct accel_ops kvm_accel_ops = {
	.name			= "kvm",
	.dev_path		= KVM_DEV,
	.ioctl_prefix		= "KVM_",
	.run_ioctl		= "KVM_RUN",
	.open			= kvm_open,
	.create_vm		= kvm_create_vm,
	.create_irqchip		= kvm_create_irqchip,
	.set_memory		= kvm_set_memory,
	.create_vcpu		= kvm_create_vcpu,
	.map_run		= kvm_map_run,
	.set_cpuid		= kvm_set_cpuid,
	.run			= kvm_run,
	.get_exit		= kvm_get_exit,
	.set_immediate_exit	= kvm_set_immediate_exit,
	.get_regs		= kvm_get_regs,
	.set_regs		= kvm_set_regs,
	.get_sregs		= kvm_get_sregs,
	.set_sregs		= kvm_set_sregs,
	.irq_line		= kvm_irq_line,
	.halted_irqs_off	= kvm_halted_irqs_off,
	.stats_fd		= kvm_stats_fd,
	.destroy		= kvm_destroy,
};
