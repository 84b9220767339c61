// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's second-level mappings follow the VM owner's address space:
 * an MMU notifier on vm->mm, as KVM has (virt/kvm/kvm_main.c).
 *
 * A second-level (EPT) mapping holds no reference on its page. Whenever
 * the kernel is about to change what a range of the owner's address
 * space maps (munmap, mremap, mmap MAP_FIXED, madvise(MADV_DONTNEED),
 * mprotect, truncation of a shared file, copy-on-write, swap-out,
 * migration, KSM, THP collapse, fork's write protection, ...) it calls
 * invalidate_range_start, which zaps the guest frames of every slot that
 * overlaps the range and flushes them from every CPU before it returns;
 * only then does the kernel change its page tables and free the old page.
 * A fault that looked a page up while an invalidation ran retries
 * (the protocol in minivm.h, at mmu_lock). So the guest always sees the
 * page the owner's mapping has, and never a page that was freed.
 *
 * The callbacks are about vm->mm only, but may run in any thread (the
 * owner's, reclaim, the OOM reaper, khugepaged, kcompactd, ...), with the
 * mm's locks held, and invalidate_range_start may be called where it must
 * not sleep (mmu_notifier_range_blockable() false: the OOM reaper).
 * So they take only mmu_lock, a spinlock, never slots_lock; the backend
 * zaps without allocating, and sleeps only when the range is blockable.
 * minivm never returns -EAGAIN: the zap never needs to sleep.
 */
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/version.h>

#include "minivm.h"

#if !IS_ENABLED(CONFIG_MMU_NOTIFIER)
#error "minivm needs CONFIG_MMU_NOTIFIER (CONFIG_KVM selects it)"
#endif

static struct minivm *to_vm(struct mmu_notifier *mn)
{
	return container_of(mn, struct minivm, mmu_notifier);
}

/*
 * Zap the guest frames that [start, end) of the owner's address space
 * backs, in every slot (slots may alias: one host page, several frames).
 * Called with mmu_lock held. Each slot is looked up again after each zap,
 * which may have dropped the lock (@may_block): a slot deleted meanwhile
 * was zapped by its deletion, and a slot created meanwhile has no
 * mappings in the range (faults there retry while it is in progress).
 */
static void zap_hva_range(struct minivm *vm, unsigned long start,
			  unsigned long end, bool may_block)
{
	int i;

	lockdep_assert_held(&vm->mmu_lock);
	for (i = 0; i < MINIVM_MAX_MEMSLOTS; i++) {
		const struct minivm_memslot *slot = vm->slots[i];
		unsigned long s_start, s_end, from, to;

		if (!slot)
			continue;
		s_start = slot->userspace_addr;
		s_end = s_start + (slot->npages << PAGE_SHIFT);
		from = max(start, s_start);
		to = min(end, s_end);
		if (from >= to)
			continue;
		from = (from - s_start) >> PAGE_SHIFT;
		to = (to - s_start + PAGE_SIZE - 1) >> PAGE_SHIFT;
		minivm_backend->zap_gfn_range(vm, slot->base_gfn + from,
					      to - from, may_block);
	}
}

static int minivm_mn_invalidate_range_start(struct mmu_notifier *mn,
					    const struct mmu_notifier_range *range)
{
	struct minivm *vm = to_vm(mn);

	spin_lock(&vm->mmu_lock);
	/*
	 * Visible to every fault that takes mmu_lock after us. Ranges that
	 * overlap in time are merged into one (KVM's simplification): it
	 * shrinks only when none is left in progress.
	 */
	if (!vm->mmu_invalidate_in_progress++) {
		vm->mmu_invalidate_range_start = range->start;
		vm->mmu_invalidate_range_end = range->end;
	} else {
		vm->mmu_invalidate_range_start =
			min(vm->mmu_invalidate_range_start, range->start);
		vm->mmu_invalidate_range_end =
			max(vm->mmu_invalidate_range_end, range->end);
	}
	zap_hva_range(vm, range->start, range->end,
		      mmu_notifier_range_blockable(range));
	spin_unlock(&vm->mmu_lock);
	return 0;
}

static void minivm_mn_invalidate_range_end(struct mmu_notifier *mn,
					   const struct mmu_notifier_range *range)
{
	struct minivm *vm = to_vm(mn);

	spin_lock(&vm->mmu_lock);
	/* A fault that looked its page up before this sees it and retries. */
	vm->mmu_invalidate_seq++;
	/* The sequence before the count, for lockless readers (KVM's wmb). */
	smp_wmb();
	vm->mmu_invalidate_in_progress--;
	spin_unlock(&vm->mmu_lock);
}

/*
 * The mm is going away (exit_mmap(), before its pages are freed), or the
 * VM is being destroyed (mmu_notifier_unregister() calls this if the mm
 * did not already). Zap everything; no fault may map anything afterwards.
 * Both callers may sleep.
 */
static void minivm_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct minivm *vm = to_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_released = true;
	minivm_backend->zap_gfn_range(vm, 0,
				      1ULL << (minivm_backend->gpa_bits -
					       PAGE_SHIFT), true);
	spin_unlock(&vm->mmu_lock);
}

/*
 * Accessed bits: minivm does not use EPT accessed/dirty flags, so it
 * cannot tell whether the guest touched a page since the last call and
 * says "not young". Page reclaim and idle-page tracking then judge guest
 * pages by the owner's own accesses only: a page only the guest uses may
 * be reclaimed while in use, and the guest's next access faults it back
 * in (through the notifier and the fault path, so correctly, only slower).
 */
static int minivm_mn_clear_flush_young(struct mmu_notifier *mn,
				       struct mm_struct *mm,
				       unsigned long start, unsigned long end)
{
	return 0;
}

static int minivm_mn_clear_young(struct mmu_notifier *mn,
				 struct mm_struct *mm,
				 unsigned long start, unsigned long end)
{
	return 0;
}

static int minivm_mn_test_young(struct mmu_notifier *mn, struct mm_struct *mm,
				unsigned long address)
{
	return 0;
}

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
/*
 * A PTE changed in place to another page (KSM, copy-on-write); Linux 6.10
 * removed the callback. The kernel brackets it with invalidate_range_start
 * and _end, which have zapped the page already; zapping it again (under
 * the PTE lock: no sleeping) keeps that true even if a caller did not.
 */
static void minivm_mn_change_pte(struct mmu_notifier *mn,
				 struct mm_struct *mm, unsigned long address,
				 pte_t pte)
{
	struct minivm *vm = to_vm(mn);

	spin_lock(&vm->mmu_lock);
	zap_hva_range(vm, address & PAGE_MASK, (address & PAGE_MASK) + PAGE_SIZE,
		      false);
	spin_unlock(&vm->mmu_lock);
}
#endif

static const struct mmu_notifier_ops minivm_mmu_notifier_ops = {
	.invalidate_range_start	= minivm_mn_invalidate_range_start,
	.invalidate_range_end	= minivm_mn_invalidate_range_end,
	.release		= minivm_mn_release,
	.clear_flush_young	= minivm_mn_clear_flush_young,
	.clear_young		= minivm_mn_clear_young,
	.test_young		= minivm_mn_test_young,
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
	.change_pte		= minivm_mn_change_pte,
#endif
};

/*
 * At VM creation, from the creator's thread (vm->mm is current->mm and
 * alive), after the backend's vm_init: a callback may run at once.
 * mmu_notifier_register() takes the mm's mmap lock for writing and a
 * reference on the mm_struct of its own; 0, -ENOMEM, or -EINTR when a
 * signal is pending (mm_take_all_locks()).
 */
int minivm_mmu_notifier_register(struct minivm *vm)
{
	vm->mmu_notifier.ops = &minivm_mmu_notifier_ops;
	return mmu_notifier_register(&vm->mmu_notifier, vm->mm);
}

/*
 * At VM destruction, before the backend's vm_destroy: calls release (so
 * zaps everything) unless the mm's exit already did, and waits for any
 * callback still running; afterwards none can run. Works whether or not
 * the mm still has users, since the VM holds the mm_struct (mmgrab).
 */
void minivm_mmu_notifier_unregister(struct minivm *vm)
{
	mmu_notifier_unregister(&vm->mmu_notifier, vm->mm);
}
