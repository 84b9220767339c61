// SPDX-License-Identifier: GPL-2.0
/*
 * EPT: the guest-physical to host-physical page tables of one VM.
 *
 * Built lazily: a guest access to an unmapped frame exits with an EPT
 * violation, and vmx_ept_map() looks the frame up in the memory slots,
 * gets the page the owner's address space maps there (get_user_pages,
 * no long-term pin), installs a 4 KiB write-back leaf and drops the page
 * reference again. A leaf holds no reference: the MMU notifier
 * (../mmu_notifier.c) zaps it before the host unmaps, replaces, moves or
 * frees the page, so pages under a slot can be swapped, migrated, merged
 * and collapsed like any other.
 *
 * All table changes happen under vm->mmu_lock, a spinlock, since the
 * notifier may zap where it cannot sleep: nothing is allocated under it
 * (a fault takes its table pages from the vCPU's cache, filled before),
 * and a zap sleeps only when its caller allows it, with the lock dropped.
 * The hardware walks the tables concurrently, so entries are written
 * whole (WRITE_ONCE), and removed leaves are flushed by INVEPT on every
 * CPU before the lock is dropped, so that whoever finds a leaf gone can
 * count on no CPU still using it. Intermediate tables stay until the VM
 * is destroyed.
 */
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/pfn.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <asm/vmx.h>

#include "vmcs.h"
#include "vmx.h"

#define EPT_LEVELS		4
#define EPT_ENTRIES		512
#define EPT_RWX			(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK | \
				 VMX_EPT_EXECUTABLE_MASK)
#define EPT_RX			(VMX_EPT_READABLE_MASK | VMX_EPT_EXECUTABLE_MASK)
#define EPT_LEAF_WB		(6ULL << VMX_EPT_MT_EPTE_SHIFT)
#define EPT_ADDR_MASK		GENMASK_ULL(51, 12)

static unsigned int ept_index(u64 gfn, int level)
{
	return (gfn >> (9 * (level - 1))) & (EPT_ENTRIES - 1);
}

static u64 *ept_table(u64 entry)
{
	return __va(entry & EPT_ADDR_MASK);
}

static bool ept_present(u64 entry)
{
	return entry & EPT_RWX;
}

static void invept_this_cpu(void *info)
{
	vmx_invept_local(*(u64 *)info);
}

void vmx_invept_local(u64 eptp)
{
	if (!vmx_this_cpu_ready())
		return;
	if (vmx_caps.invept_single)
		invept(VMX_EPT_EXTENT_CONTEXT, eptp);
	else
		invept(VMX_EPT_EXTENT_GLOBAL, 0);
}

static void invept_all_cpus(struct minivm *vm)
{
	on_each_cpu(invept_this_cpu, &to_vmx_vm(vm)->eptp, 1);
	minivm_stat_inc(&vm->stats.remote_tlb_flush);
}

int vmx_ept_init(struct minivm *vm)
{
	struct vmx_vm *vmx_vm;

	vmx_vm = kzalloc(sizeof(*vmx_vm), GFP_KERNEL_ACCOUNT);
	if (!vmx_vm)
		return -ENOMEM;
	vmx_vm->ept_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx_vm->ept_root) {
		kfree(vmx_vm);
		return -ENOMEM;
	}
	/* EPTP: write-back paging structures, 4-level walk (SDM 25.6.11). */
	vmx_vm->eptp = __pa(vmx_vm->ept_root) | VMX_EPTP_PWL_4 | 6;
	vm->arch = vmx_vm;
	/* The VM is not visible yet: no lock needed for the statistics. */
	vm->stats.mmu_table_pages = 1;
	return 0;
}

/*
 * Clear one leaf. A writable one's page may have been written by the
 * guest, which the host's page tables do not know: mark it dirty, as KVM
 * does, so that reclaim writes it back instead of dropping it. The page
 * is still mapped by the owner (the notifier zaps before the host
 * unmaps), so it is alive without a reference of ours.
 */
static void zap_leaf(u64 *leaf)
{
	u64 entry = *leaf;

	WRITE_ONCE(*leaf, 0);
	if (entry & VMX_EPT_WRITABLE_MASK) {
		struct page *page = pfn_to_page((entry & EPT_ADDR_MASK) >>
						PAGE_SHIFT);

		if (!PageReserved(page))
			SetPageDirty(page);
	}
}

/* Leaves are all gone by now (the notifier's release zapped them). */
static void free_table(u64 *table, int level)
{
	int i;

	for (i = 0; level > 1 && i < EPT_ENTRIES; i++)
		if (ept_present(table[i]))
			free_table(ept_table(table[i]), level - 1);
	free_page((unsigned long)table);
}

/*
 * No vCPU is left and the MMU notifier is unregistered (its release
 * zapped every leaf), so no CPU and no callback can reach these tables.
 */
void vmx_ept_destroy(struct minivm *vm)
{
	struct vmx_vm *vmx_vm = to_vmx_vm(vm);

	if (!vmx_vm)
		return;
	WARN_ON_ONCE(READ_ONCE(vm->stats.pages_mapped));
	free_table(vmx_vm->ept_root, EPT_LEVELS);
	kfree(vmx_vm);
	vm->arch = NULL;
}

#define ZAP_BATCH	64

/*
 * Clear the leaves for [gfn, end) below @table, counting them in @nr,
 * until ZAP_BATCH are cleared; returns the frame to resume at (@end when
 * done). A non-present entry is stepped over whole, so the walk costs
 * what is mapped, not the size of the range: a slot the width of
 * guest-physical space with two pages touched is two leaves and a few
 * hundred entries.
 */
static u64 zap_range(u64 *table, int level, u64 gfn, u64 end,
		     unsigned int *nr)
{
	u64 span = 1ULL << (9 * (level - 1));	/* frames per entry */

	while (gfn < end) {
		unsigned int i = ept_index(gfn, level);
		u64 next = min((gfn & ~(span - 1)) + span, end);
		u64 entry = table[i];

		if (*nr == ZAP_BATCH)
			return gfn;
		if (ept_present(entry)) {
			if (level == 1) {
				zap_leaf(&table[i]);
				(*nr)++;
			} else {
				u64 stop = zap_range(ept_table(entry),
						     level - 1, gfn, next, nr);

				if (stop < next)
					return stop;
			}
		}
		gfn = next;
	}
	return end;
}

/* What was zapped must be flushed before mmu_lock is dropped. */
static void flush_zapped(struct minivm *vm, unsigned int *nr)
{
	if (!*nr)
		return;
	invept_all_cpus(vm);
	minivm_stats_mapped(vm, -(long)*nr);
	*nr = 0;
}

/*
 * Remove the mappings of [gfn, gfn + npages): a deleted slot, a range the
 * MMU notifier invalidates, or everything at the notifier's release.
 * Called with mmu_lock held. With @may_block the walk yields between
 * batches when the scheduler or another mmu_lock waiter wants the CPU (a
 * slot can hold millions of mapped pages), after flushing what it zapped;
 * without, it runs to the end without sleeping.
 */
void vmx_ept_zap(struct minivm *vm, u64 gfn, u64 npages, bool may_block)
{
	struct vmx_vm *vmx_vm = to_vmx_vm(vm);
	u64 end = gfn + npages;
	unsigned int nr = 0;

	lockdep_assert_held(&vm->mmu_lock);
	while (gfn < end) {
		unsigned int batch = 0;

		gfn = zap_range(vmx_vm->ept_root, EPT_LEVELS, gfn, end, &batch);
		nr += batch;
		if (gfn < end && may_block &&
		    (need_resched() || spin_needbreak(&vm->mmu_lock))) {
			flush_zapped(vm, &nr);
			cond_resched_lock(&vm->mmu_lock);
		}
	}
	flush_zapped(vm, &nr);
}

/*
 * The table pages one fault may need (every level below the root), taken
 * before mmu_lock, which nothing may allocate under: what a fault does
 * not use stays for the vCPU's next one (KVM's memory caches).
 */
static int mmu_cache_topup(struct vmx_vcpu *vmx)
{
	while (vmx->mmu_cache_nr < VMX_MMU_CACHE_PAGES) {
		void *page = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

		if (!page)
			return -ENOMEM;
		vmx->mmu_cache[vmx->mmu_cache_nr++] = page;
	}
	return 0;
}

void vmx_mmu_cache_free(struct vmx_vcpu *vmx)
{
	while (vmx->mmu_cache_nr)
		free_page((unsigned long)vmx->mmu_cache[--vmx->mmu_cache_nr]);
}

/*
 * Find the leaf slot for @gfn, adding intermediate tables from the
 * vCPU's cache (topped up before: EPT_LEVELS - 1 pages are enough).
 */
static u64 *walk_alloc(struct minivm *vm, struct vmx_vcpu *vmx, u64 gfn)
{
	u64 *table = to_vmx_vm(vm)->ept_root;
	int level;

	lockdep_assert_held(&vm->mmu_lock);
	for (level = EPT_LEVELS; level > 1; level--) {
		u64 *entry = &table[ept_index(gfn, level)];

		if (!ept_present(*entry)) {
			u64 *child = vmx->mmu_cache[--vmx->mmu_cache_nr];

			WRITE_ONCE(*entry, __pa(child) | EPT_RWX);
			minivm_stat_inc(&vm->stats.mmu_table_pages);
		}
		table = ept_table(*entry);
	}
	return &table[ept_index(gfn, 1)];
}

/*
 * The page the owner's address space maps at @hva, with a reference the
 * caller drops once the leaf is in (never a long-term pin). A writable
 * slot's page is got for writing whenever the mapping allows it, even for
 * a read: the guest may write it next, and a read-only lookup of a
 * private page could be the shared zero page or a page about to be
 * copied on write. Where the mapping is not writable (mprotect(PROT_READ),
 * a read-only file mapping) a read gets the page read-only and a write
 * fails with EFAULT. A read-only slot's page is got for reading only.
 * EFAULT also for no mapping, PROT_NONE, an I/O or PFN mapping and a
 * shared file page beyond the end of its file (no SIGBUS: GUP raises no
 * signal); other errors (ENOMEM, EHWPOISON, EINTR with a fatal signal) as
 * get_user_pages_fast() returns them.
 */
static int get_host_page(unsigned long hva, bool rw_slot, bool write,
			 struct page **page, bool *writable)
{
	int got;

	if (rw_slot) {
		got = get_user_pages_fast(hva, 1, FOLL_WRITE, page);
		if (got == 1) {
			*writable = true;
			return 0;
		}
		if (write || got != -EFAULT)
			return got < 0 ? got : -EFAULT;
	}
	*writable = false;
	got = get_user_pages_fast(hva, 1, 0, page);
	if (got == 1)
		return 0;
	return got < 0 ? got : -EFAULT;
}

/*
 * A guest access (@write: a write) to a frame whose leaf is missing, or
 * read-only while the access writes. KVM's fault protocol (minivm.h):
 * read the invalidation sequence, get the host page, then under mmu_lock
 * install the leaf only if no invalidation of the page runs and none
 * ended meanwhile; else drop the page and let the guest fault again.
 */
int vmx_ept_map(struct vmx_vcpu *vmx, u64 gpa, bool write)
{
	struct minivm *vm = vmx->vcpu->vm;
	const struct minivm_memslot *slot;
	u64 gfn = gpa >> PAGE_SHIFT;
	unsigned long hva, mmu_seq;
	bool writable;
	struct page *page;
	u64 *leaf, old, new;
	int ret;

	ret = mmu_cache_topup(vmx);
	if (ret)
		return ret;

	mutex_lock(&vm->slots_lock);
	slot = minivm_gfn_to_memslot(vm, gfn);
	if (!slot) {
		ret = 0;
		goto out_unlock;
	}
	hva = slot->userspace_addr + ((gfn - slot->base_gfn) << PAGE_SHIFT);

	mmu_seq = minivm_mmu_invalidate_seq(vm);
	ret = get_host_page(hva, !(slot->flags & MINIVM_MEM_READONLY), write,
			    &page, &writable);
	if (ret)
		goto out_unlock;

	ret = 1;
	spin_lock(&vm->mmu_lock);
	if (vm->mmu_released) {
		/* The mm is gone: nothing may be mapped any more. */
		ret = -EFAULT;
		goto out_put;
	}
	if (minivm_mmu_invalidate_retry(vm, mmu_seq, hva))
		goto out_put;

	/*
	 * A read-only slot is mapped R+X, so its guest writes fault and
	 * become MMIO writes; a writable slot RWX, or R+X while the host
	 * maps the page read-only.
	 */
	new = PFN_PHYS(page_to_pfn(page)) | EPT_LEAF_WB |
	      (writable ? EPT_RWX : EPT_RX);
	leaf = walk_alloc(vm, vmx, gfn);
	old = *leaf;
	if (!ept_present(old)) {
		WRITE_ONCE(*leaf, new);
		minivm_stats_mapped(vm, 1);
	} else if ((old ^ new) & EPT_ADDR_MASK) {
		/*
		 * Another page than the leaf has: the host changed the
		 * mapping, which it never does without invalidating it
		 * first, so this should not happen; if it does, the old
		 * translation must go from every CPU.
		 */
		zap_leaf(leaf);
		WRITE_ONCE(*leaf, new);
		invept_all_cpus(vm);
	} else if (writable && !(old & VMX_EPT_WRITABLE_MASK)) {
		/* More permission for the same page: no flush needed. */
		WRITE_ONCE(*leaf, new);
	}
	/* else another vCPU of this VM mapped it meanwhile. */

out_put:
	spin_unlock(&vm->mmu_lock);
	put_page(page);
out_unlock:
	mutex_unlock(&vm->slots_lock);
	return ret;
}
