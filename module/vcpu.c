// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU file descriptor: creation, the shared run area, the RUN loop
 * and the register-state ioctls. Everything hardware-specific is behind
 * minivm_backend.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <asm/processor-flags.h>

#include "minivm.h"

/* This file instantiates the generic tracepoints (trace.h). */
#define CREATE_TRACE_POINTS
#include "trace.h"

/* vm_flags became read-only (vm_flags_mod()) in 6.3. */
static void minivm_vma_set_flags(struct vm_area_struct *vma,
				 unsigned long set, unsigned long clear)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

/* RFLAGS bits that are reserved and must be zero (SDM Vol. 1, 3.4.3). */
#define RFLAGS_RESERVED_ZERO	(~0x3fffffULL | BIT_ULL(15) | BIT_ULL(5) | \
				 BIT_ULL(3))

/*
 * The exit protocol of MINIVM_RUN. Generic code owns the loop and the
 * reasons to stop that are not the guest's doing (signals, immediate_exit,
 * a dead VM); the backend enters the guest and handles one exit per call.
 */
static int minivm_vcpu_run(struct minivm_vcpu *vcpu)
{
	struct minivm_run *run = vcpu->run;
	int ret;

	if (READ_ONCE(vcpu->vm->dead))
		return -EIO;

	ret = minivm_backend->vcpu_run_begin(vcpu);
	while (ret > 0) {
		if (READ_ONCE(run->immediate_exit) ||
		    signal_pending(current)) {
			run->exit_reason = MINIVM_EXIT_INTR;
			ret = -EINTR;
			break;
		}
		if (READ_ONCE(vcpu->vm->dead)) {
			ret = -EIO;
			break;
		}
		if (vcpu->halted) {
			minivm_vcpu_block(vcpu);
			continue;
		}
		ret = minivm_backend->vcpu_run_once(vcpu);
		if (ret > 0)
			cond_resched();
	}
	minivm_backend->vcpu_run_end(vcpu);
	minivm_stats_run_return(vcpu, ret);
	trace_minivm_userspace_exit(vcpu, ret);
	return ret;
}

static bool segment_padding_ok(const struct minivm_segment *seg)
{
	return !seg->padding;
}

/* 48-bit canonical: guests get no 5-level paging. */
static bool sregs_base_canonical(u64 base)
{
	return (u64)((s64)(base << 16) >> 16) == base;
}

static bool dtable_padding_ok(const struct minivm_dtable *dt)
{
	return !dt->padding[0] && !dt->padding[1] && !dt->padding[2];
}

/*
 * What the architecture forbids in any CPU state (SDM Vol. 3, 10.8.5 and
 * VM entry's checks of 27.3.1 that follow from it): refused with EINVAL
 * before anything changes. The backend then checks what its hardware
 * cannot run. A segment state that VM entry still refuses is reported by
 * the next RUN as FAIL_ENTRY, exactly as the hardware judged it.
 */
static int check_sregs_arch(const struct minivm_sregs *s)
{
	bool long_mode = (s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG);

	if ((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD))
		return -EINVAL;
	if (long_mode && !(s->cr4 & X86_CR4_PAE))
		return -EINVAL;
	/*
	 * L and D together are reserved for a 64-bit code segment. Outside
	 * long mode L is ignored, and a CPU keeps it as loaded (a far jump
	 * to such a descriptor in protected mode), so GET_SREGS can return
	 * it: accepted, or the round trip would fail.
	 */
	if (long_mode && !s->cs.unusable && s->cs.l && s->cs.db)
		return -EINVAL;
	/* TR is always a busy TSS: 64-bit in long mode. */
	if (s->tr.unusable || !s->tr.present || s->tr.s ||
	    (s->tr.type != 11 && (long_mode || s->tr.type != 3)))
		return -EINVAL;
	if (s->cr8 > 15 || !minivm_apic_base_valid(s->apic_base))
		return -EINVAL;
	/*
	 * No instruction leaves a non-canonical FS, GS, TR, LDTR, GDTR or
	 * IDTR base (VM entry checks them too), and the FS and GS bases
	 * are MSRs that SET_MSRS refuses non-canonical: refusing them here
	 * keeps every GET_SREGS/GET_MSRS result one that SET takes back.
	 */
	if (!sregs_base_canonical(s->fs.base) ||
	    !sregs_base_canonical(s->gs.base) ||
	    !sregs_base_canonical(s->tr.base) ||
	    (!s->ldt.unusable && !sregs_base_canonical(s->ldt.base)) ||
	    !sregs_base_canonical(s->gdt.base) ||
	    !sregs_base_canonical(s->idt.base))
		return -EINVAL;
	return 0;
}

static int check_sregs(const struct minivm_sregs *s)
{
	const struct minivm_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (!segment_padding_ok(segs[i]))
			return -EINVAL;
	if (!dtable_padding_ok(&s->gdt) || !dtable_padding_ok(&s->idt))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(s->reserved); i++)
		if (s->reserved[i])
			return -EINVAL;
	if (!minivm_cr0_valid(s->cr0) || !minivm_cr4_valid(s->cr4) ||
	    (s->efer & ~(u64)MINIVM_EFER_VALID))
		return -EINVAL;
	return check_sregs_arch(s);
}

static long get_set_regs(struct minivm_vcpu *vcpu, unsigned int ioctl,
			 void __user *argp)
{
	struct minivm_regs regs;

	if (ioctl == MINIVM_GET_REGS) {
		minivm_backend->get_regs(vcpu, &regs);
		return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
	}
	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	if (regs.rflags & RFLAGS_RESERVED_ZERO)
		return -EINVAL;
	regs.rflags |= X86_EFLAGS_FIXED;
	minivm_backend->set_regs(vcpu, &regs);
	/* New registers: whatever HLT the vCPU sat in is over. */
	vcpu->halted = false;
	return 0;
}

static long get_set_sregs(struct minivm_vcpu *vcpu, unsigned int ioctl,
			  void __user *argp)
{
	struct minivm_sregs sregs;
	long ret;

	if (ioctl == MINIVM_GET_SREGS) {
		memset(&sregs, 0, sizeof(sregs));
		minivm_backend->get_sregs(vcpu, &sregs);
		sregs.apic_base = vcpu->msrs.apic_base;
		return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
	}
	if (copy_from_user(&sregs, argp, sizeof(sregs)))
		return -EFAULT;
	ret = check_sregs(&sregs);
	if (!ret)
		ret = minivm_backend->set_sregs(vcpu, &sregs);
	if (!ret)
		vcpu->msrs.apic_base = sregs.apic_base;
	return ret;
}

static long get_set_xsave(struct minivm_vcpu *vcpu, unsigned int ioctl,
			  void __user *argp)
{
	struct minivm_xsave *xs;
	long ret = 0;

	xs = kzalloc(sizeof(*xs), GFP_KERNEL_ACCOUNT);
	if (!xs)
		return -ENOMEM;
	if (ioctl == MINIVM_GET_XSAVE) {
		minivm_backend->get_xsave(vcpu, xs);
		if (copy_to_user(argp, xs, sizeof(*xs)))
			ret = -EFAULT;
	} else if (copy_from_user(xs, argp, sizeof(*xs))) {
		ret = -EFAULT;
	} else {
		ret = minivm_backend->set_xsave(vcpu, xs);
	}
	kfree(xs);
	return ret;
}

static long get_set_xcrs(struct minivm_vcpu *vcpu, unsigned int ioctl,
			 void __user *argp)
{
	struct minivm_xcrs xcrs;
	u32 i;

	if (ioctl == MINIVM_GET_XCRS) {
		memset(&xcrs, 0, sizeof(xcrs));
		xcrs.nr_xcrs = 1;
		xcrs.xcrs[0].xcr = 0;
		xcrs.xcrs[0].value = minivm_backend->get_xcr0(vcpu);
		return copy_to_user(argp, &xcrs, sizeof(xcrs)) ? -EFAULT : 0;
	}
	if (copy_from_user(&xcrs, argp, sizeof(xcrs)))
		return -EFAULT;
	if (xcrs.flags || xcrs.nr_xcrs > MINIVM_MAX_XCRS ||
	    memchr_inv(xcrs.padding, 0, sizeof(xcrs.padding)))
		return -EINVAL;
	for (i = 0; i < xcrs.nr_xcrs; i++)
		if (xcrs.xcrs[i].xcr != 0 || xcrs.xcrs[i].reserved)
			return -EINVAL;
	/* Check all, then set: only XCR0 exists, so at most one to set. */
	for (i = 0; i < xcrs.nr_xcrs; i++)
		if (minivm_backend->set_xcr0(vcpu, xcrs.xcrs[i].value))
			return -EINVAL;
	return 0;
}

static long get_set_debugregs(struct minivm_vcpu *vcpu, unsigned int ioctl,
			      void __user *argp)
{
	struct minivm_debugregs dbg;

	if (ioctl == MINIVM_GET_DEBUGREGS) {
		memset(&dbg, 0, sizeof(dbg));
		minivm_backend->get_debugregs(vcpu, &dbg);
		return copy_to_user(argp, &dbg, sizeof(dbg)) ? -EFAULT : 0;
	}
	if (copy_from_user(&dbg, argp, sizeof(dbg)))
		return -EFAULT;
	/* DR6 and DR7 are 32 bits wide; a MOV of more is #GP. */
	if (dbg.flags || memchr_inv(dbg.reserved, 0, sizeof(dbg.reserved)) ||
	    upper_32_bits(dbg.dr6) || upper_32_bits(dbg.dr7))
		return -EINVAL;
	minivm_backend->set_debugregs(vcpu, &dbg);
	return 0;
}

/*
 * An exception that VM entry can deliver: a vector below 32 but not NMI
 * (2), an error code exactly when the vector has one and the vCPU is in
 * protected mode, and the error code's reserved bits 31:16 clear (SDM
 * Vol. 3, 27.2.1.3).
 */
static bool exception_valid(struct minivm_vcpu *vcpu,
			    const struct minivm_vcpu_events *ev)
{
	bool want_code = minivm_exception_has_error_code(ev->exception.nr) &&
			 minivm_backend->protected_mode(vcpu);

	if (ev->exception.injected > 1 || ev->exception.has_error_code > 1)
		return false;
	if (!ev->exception.injected)
		return !ev->exception.nr && !ev->exception.has_error_code &&
		       !ev->exception.error_code;
	return ev->exception.nr < 32 && ev->exception.nr != 2 &&
	       ev->exception.has_error_code == want_code &&
	       (want_code || !ev->exception.error_code) &&
	       !(ev->exception.error_code >> 16);
}

static long get_set_events(struct minivm_vcpu *vcpu, unsigned int ioctl,
			   void __user *argp)
{
	struct minivm_vcpu_events ev;

	if (ioctl == MINIVM_GET_VCPU_EVENTS) {
		memset(&ev, 0, sizeof(ev));
		minivm_backend->get_events(vcpu, &ev);
		return copy_to_user(argp, &ev, sizeof(ev)) ? -EFAULT : 0;
	}
	if (copy_from_user(&ev, argp, sizeof(ev)))
		return -EFAULT;
	if (ev.exception.padding || ev.flags || ev.padding ||
	    memchr_inv(ev.reserved, 0, sizeof(ev.reserved)) ||
	    !exception_valid(vcpu, &ev))
		return -EINVAL;
	minivm_backend->set_events(vcpu, &ev);
	return 0;
}

/* Called with vcpu->mutex held and the vCPU loaded. */
/*
 * MINIVM_INTERRUPT: the VMM's own interrupt controller has a vector for
 * a vCPU without the in-kernel APIC. One at a time, as on the INTR pin
 * of a CPU whose PIC waits for the acknowledge: the next one only after
 * this one went in (ready_for_interrupt_injection tells when).
 */
static int minivm_vcpu_interrupt(struct minivm_vcpu *vcpu,
				 struct minivm_interrupt __user *argp)
{
	struct minivm_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.padding || irq.irq > 255)
		return -EINVAL;
	if (vcpu->apic)
		return -ENXIO;
	if (vcpu->user_irq >= 0)
		return -EBUSY;
	vcpu->user_irq = irq.irq;
	return 0;
}

static long minivm_vcpu_ioctl_locked(struct minivm_vcpu *vcpu,
				     unsigned int ioctl, void __user *argp,
				     unsigned long arg)
{
	switch (ioctl) {
	case MINIVM_RUN:
		return arg ? -EINVAL : minivm_vcpu_run(vcpu);
	case MINIVM_GET_REGS:
	case MINIVM_SET_REGS:
		return get_set_regs(vcpu, ioctl, argp);
	case MINIVM_GET_SREGS:
	case MINIVM_SET_SREGS:
		return get_set_sregs(vcpu, ioctl, argp);
	case MINIVM_GET_MSRS:
	case MINIVM_SET_MSRS:
		return minivm_msrs_ioctl(vcpu, ioctl, argp);
	case MINIVM_SET_CPUID:
		return minivm_set_cpuid(vcpu, argp);
	case MINIVM_GET_CPUID:
		return minivm_get_cpuid(vcpu, argp);
	case MINIVM_GET_XSAVE:
	case MINIVM_SET_XSAVE:
		return get_set_xsave(vcpu, ioctl, argp);
	case MINIVM_GET_XCRS:
	case MINIVM_SET_XCRS:
		return get_set_xcrs(vcpu, ioctl, argp);
	case MINIVM_GET_DEBUGREGS:
	case MINIVM_SET_DEBUGREGS:
		return get_set_debugregs(vcpu, ioctl, argp);
	case MINIVM_GET_VCPU_EVENTS:
	case MINIVM_SET_VCPU_EVENTS:
		return get_set_events(vcpu, ioctl, argp);
	case MINIVM_NMI:
		if (arg)
			return -EINVAL;
		if (!vcpu->apic)
			return -ENXIO;
		minivm_lapic_post_nmi(vcpu);
		return 0;
	case MINIVM_INTERRUPT:
		return minivm_vcpu_interrupt(vcpu, argp);
	default:
		return -ENOTTY;
	}
}

static long minivm_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			      unsigned long arg)
{
	struct minivm_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (current->mm != vcpu->vm->mm)
		return -EIO;

	/*
	 * Not under the mutex: a monitor must get the statistics of a vCPU
	 * that sits in RUN, and nothing here touches the vCPU's state.
	 */
	if (ioctl == MINIVM_GET_VCPU_STATS_FD)
		return arg ? -EINVAL : minivm_vcpu_stats_fd(vcpu, filp);

	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	minivm_backend->vcpu_load(vcpu);

	ret = minivm_vcpu_ioctl_locked(vcpu, ioctl, argp, arg);
	minivm_backend->vcpu_put(vcpu);
	mutex_unlock(&vcpu->mutex);
	return ret;
}

/*
 * The run area is faulted in on demand, so it survives MADV_DONTNEED
 * (the next access maps the same page again, as with KVM).
 */
static vm_fault_t minivm_run_fault(struct vm_fault *vmf)
{
	struct minivm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct minivm_run_vm_ops = {
	.fault = minivm_run_fault,
};

/*
 * One shared, never executable page at offset 0: a private mapping would
 * stop seeing the kernel's writes after a copy-on-write, and mremap()
 * may not grow it past the page (VM_DONTEXPAND).
 */
static int minivm_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start > PAGE_SIZE)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED) || (vma->vm_flags & VM_EXEC))
		return -EINVAL;
	minivm_vma_set_flags(vma, VM_DONTEXPAND | VM_DONTDUMP,
			     VM_MAYEXEC);
	vma->vm_ops = &minivm_run_vm_ops;
	return 0;
}

static void minivm_vcpu_destroy(struct minivm_vcpu *vcpu)
{
	minivm_lapic_free(vcpu);
	minivm_backend->vcpu_free(vcpu);
	minivm_vcpu_cpuid_free(vcpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

static int minivm_vcpu_fd_release(struct inode *inode, struct file *filp)
{
	struct minivm_vcpu *vcpu = filp->private_data;
	struct minivm *vm = vcpu->vm;

	mutex_lock(&vm->vcpus_lock);
	vm->vcpus[vcpu->id] = NULL;
	minivm_stat_add(&vm->stats.vcpus, -1);
	mutex_unlock(&vm->vcpus_lock);

	minivm_vcpu_destroy(vcpu);
	minivm_vm_put(vm);
	return 0;
}

static const struct file_operations minivm_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= minivm_vcpu_fd_release,
	.unlocked_ioctl	= minivm_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= minivm_vcpu_mmap,
	.llseek		= noop_llseek,
};

int minivm_create_vcpu(struct minivm *vm, unsigned long id)
{
	struct minivm_vcpu *vcpu;
	int ret;

	if (id >= MINIVM_MAX_VCPUS)
		return -EINVAL;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->mutex);
	init_waitqueue_head(&vcpu->wait);
	vcpu->user_irq = -1;
	vcpu->cpu = -1;
	minivm_msrs_reset(vcpu);

	ret = -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run)
		goto err_free_vcpu;

	ret = minivm_vcpu_cpuid_init(vcpu);
	if (ret)
		goto err_free_run;

	ret = minivm_backend->vcpu_create(vcpu);
	if (ret)
		goto err_free_cpuid;

	mutex_lock(&vm->vcpus_lock);
	ret = -EEXIST;
	if (vm->vcpus[id])
		goto err_unlock;
	/* Under vcpus_lock: MINIVM_CREATE_IRQCHIP checks for vCPUs there. */
	if (vm->irqchip) {
		ret = minivm_lapic_create(vcpu);
		if (ret)
			goto err_unlock;
	}

	/*
	 * Take the VM reference before the fd exists: userspace may close
	 * it the moment anon_inode_getfd() installs it.
	 */
	minivm_vm_get(vm);
	vm->vcpus[id] = vcpu;
	ret = anon_inode_getfd("minivm-vcpu", &minivm_vcpu_fops, vcpu,
			       O_RDWR | O_CLOEXEC);
	if (ret < 0) {
		vm->vcpus[id] = NULL;
		mutex_unlock(&vm->vcpus_lock);
		minivm_vm_put(vm);
		goto err_free_backend;
	}
	minivm_stat_inc(&vm->stats.vcpus);
	mutex_unlock(&vm->vcpus_lock);
	return ret;

err_unlock:
	mutex_unlock(&vm->vcpus_lock);
err_free_backend:
	minivm_lapic_free(vcpu);
	minivm_backend->vcpu_free(vcpu);
err_free_cpuid:
	minivm_vcpu_cpuid_free(vcpu);
err_free_run:
	free_page((unsigned long)vcpu->run);
err_free_vcpu:
	kfree(vcpu);
	return ret;
}
