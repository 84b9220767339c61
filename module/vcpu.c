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
#include <asm/processor-flags.h>

#include "minivm.h"

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

	minivm_backend->vcpu_run_begin(vcpu);
	for (;;) {
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
		ret = minivm_backend->vcpu_run_once(vcpu);
		if (ret <= 0)
			break;
		cond_resched();
	}
	minivm_backend->vcpu_run_end(vcpu);
	return ret;
}

static bool segment_padding_ok(const struct minivm_segment *seg)
{
	return !seg->padding;
}

static bool dtable_padding_ok(const struct minivm_dtable *dt)
{
	return !dt->padding[0] && !dt->padding[1] && !dt->padding[2];
}

/*
 * Only what the API itself forbids is rejected here; a segment state that
 * VM entry refuses is reported by the next RUN as FAIL_ENTRY, exactly as
 * the hardware judged it.
 */
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
	return 0;
}

static long minivm_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			      unsigned long arg)
{
	struct minivm_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	struct minivm_sregs sregs;
	struct minivm_regs regs;
	long ret;

	if (current->mm != vcpu->vm->mm)
		return -EIO;

	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	minivm_backend->vcpu_load(vcpu);

	switch (ioctl) {
	case MINIVM_RUN:
		ret = arg ? -EINVAL : minivm_vcpu_run(vcpu);
		break;
	case MINIVM_GET_REGS:
		minivm_backend->get_regs(vcpu, &regs);
		ret = copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
		break;
	case MINIVM_SET_REGS:
		ret = -EFAULT;
		if (copy_from_user(&regs, argp, sizeof(regs)))
			break;
		ret = -EINVAL;
		if (regs.rflags & RFLAGS_RESERVED_ZERO)
			break;
		regs.rflags |= X86_EFLAGS_FIXED;
		minivm_backend->set_regs(vcpu, &regs);
		ret = 0;
		break;
	case MINIVM_GET_SREGS:
		memset(&sregs, 0, sizeof(sregs));
		minivm_backend->get_sregs(vcpu, &sregs);
		ret = copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
		break;
	case MINIVM_SET_SREGS:
		ret = -EFAULT;
		if (copy_from_user(&sregs, argp, sizeof(sregs)))
			break;
		ret = check_sregs(&sregs);
		if (!ret)
			minivm_backend->set_sregs(vcpu, &sregs);
		break;
	default:
		ret = -ENOTTY;
		break;
	}

	minivm_backend->vcpu_put(vcpu);
	mutex_unlock(&vcpu->mutex);
	return ret;
}

static int minivm_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct minivm_vcpu *vcpu = filp->private_data;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start > PAGE_SIZE)
		return -EINVAL;
	return vm_insert_page(vma, vma->vm_start, virt_to_page(vcpu->run));
}

static void minivm_vcpu_destroy(struct minivm_vcpu *vcpu)
{
	minivm_backend->vcpu_free(vcpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

static int minivm_vcpu_fd_release(struct inode *inode, struct file *filp)
{
	struct minivm_vcpu *vcpu = filp->private_data;
	struct minivm *vm = vcpu->vm;

	mutex_lock(&vm->vcpus_lock);
	vm->vcpus[vcpu->id] = NULL;
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

	ret = -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run)
		goto err_free_vcpu;

	ret = minivm_backend->vcpu_create(vcpu);
	if (ret)
		goto err_free_run;

	mutex_lock(&vm->vcpus_lock);
	ret = -EEXIST;
	if (vm->vcpus[id])
		goto err_unlock;

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
	mutex_unlock(&vm->vcpus_lock);
	return ret;

err_unlock:
	mutex_unlock(&vm->vcpus_lock);
err_free_backend:
	minivm_backend->vcpu_free(vcpu);
err_free_run:
	free_page((unsigned long)vcpu->run);
err_free_vcpu:
	kfree(vcpu);
	return ret;
}
