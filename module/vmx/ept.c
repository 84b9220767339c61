// SPDX-License-Identifier: GPL-2.0
/*
 * EPT: the guest-physical to host-physical page tables of one VM.
 *
 * Built lazily: a guest access to an unmapped frame exits with an EPT
 * violation, and vmx_ept_map() looks the frame up in the memory slots,
 * pins the backing user page and installs a 4 KiB, write-back, RWX leaf.
 * The pin is the EPT entry's: it is dropped exactly when the entry is
 * zapped (slot deleted) or the tables are destroyed (VM destroyed).
 *
 * All table changes happen under vm->slots_lock. The hardware walks the
 * tables concurrently, so entries are written whole (WRITE_ONCE) and a
 * removed entry is followed by INVEPT on every CPU before its page is
 * unpinned.
 */
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/slab.h>
#include <linux/smp.h>
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

static void unpin_leaf(u64 entry)
{
	struct page *page = pfn_to_page((entry & EPT_ADDR_MASK) >> PAGE_SHIFT);

	/*
	 * The guest may have written a writable page: mark it dirty so no
	 * data is lost. A read-only slot's page it cannot have written.
	 */
	unpin_user_pages_dirty_lock(&page, 1, entry & VMX_EPT_WRITABLE_MASK);
}

static void free_table(u64 *table, int level)
{
	int i;

	for (i = 0; i < EPT_ENTRIES; i++) {
		if (!ept_present(table[i]))
			continue;
		if (level == 1)
			unpin_leaf(table[i]);
		else
			free_table(ept_table(table[i]), level - 1);
	}
	free_page((unsigned long)table);
}

/* No vCPU is left, so no CPU can walk these tables any more. */
void vmx_ept_destroy(struct minivm *vm)
{
	struct vmx_vm *vmx_vm = to_vmx_vm(vm);

	if (!vmx_vm)
		return;
	free_table(vmx_vm->ept_root, EPT_LEVELS);
	kfree(vmx_vm);
	vm->arch = NULL;
}

#define ZAP_BATCH	64

/*
 * Clear the leaves for [gfn, end) below @table into @zapped until it holds
 * ZAP_BATCH of them; returns the frame to resume at (@end when done). A
 * non-present entry is stepped over whole, so the walk costs what is
 * mapped, not the size of the range: a slot the width of guest-physical
 * space with two pages touched is two leaves and a few hundred entries.
 */
static u64 zap_range(u64 *table, int level, u64 gfn, u64 end,
		     u64 *zapped, unsigned int *nr)
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
				WRITE_ONCE(table[i], 0);
				zapped[(*nr)++] = entry;
			} else {
				u64 stop = zap_range(ept_table(entry),
						     level - 1, gfn, next,
						     zapped, nr);

				if (stop < next)
					return stop;
			}
		}
		gfn = next;
	}
	return end;
}

/*
 * Remove the mappings of a deleted slot, a batch of leaves at a time.
 * Leaves are unpinned only after INVEPT on every CPU, so no CPU can still
 * reach a page we gave back. The caller holds slots_lock; the loop yields
 * between batches, since a slot can hold millions of mapped pages.
 */
void vmx_ept_zap(struct minivm *vm, u64 gfn, u64 npages)
{
	struct vmx_vm *vmx_vm = to_vmx_vm(vm);
	u64 zapped[ZAP_BATCH], end = gfn + npages;
	unsigned int i, nr;

	while (gfn < end) {
		nr = 0;
		gfn = zap_range(vmx_vm->ept_root, EPT_LEVELS, gfn, end,
				zapped, &nr);
		if (nr)
			invept_all_cpus(vm);
		for (i = 0; i < nr; i++)
			unpin_leaf(zapped[i]);
		minivm_stats_mapped(vm, -(long)nr);
		cond_resched();
	}
}

/* Find the leaf slot for @gfn, allocating intermediate tables. */
static u64 *walk_alloc(struct minivm *vm, u64 *table, u64 gfn)
{
	int level;

	for (level = EPT_LEVELS; level > 1; level--) {
		u64 *entry = &table[ept_index(gfn, level)];

		if (!ept_present(*entry)) {
			u64 *child = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

			if (!child)
				return NULL;
			WRITE_ONCE(*entry, __pa(child) | EPT_RWX);
			minivm_stat_inc(&vm->stats.mmu_table_pages);
		}
		table = ept_table(*entry);
	}
	return &table[ept_index(gfn, 1)];
}

int vmx_ept_map(struct minivm *vm, u64 gpa)
{
	struct vmx_vm *vmx_vm = to_vmx_vm(vm);
	const struct minivm_memslot *slot;
	u64 gfn = gpa >> PAGE_SHIFT;
	unsigned long hva;
	struct page *page;
	u64 *leaf;
	long pinned;
	int ret = 1;
	bool rw;

	mutex_lock(&vm->slots_lock);
	slot = minivm_gfn_to_memslot(vm, gfn);
	if (!slot) {
		ret = 0;
		goto out_unlock;
	}

	leaf = walk_alloc(vm, vmx_vm->ept_root, gfn);
	if (!leaf) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	/* Another vCPU of this VM may have mapped it meanwhile. */
	if (ept_present(*leaf))
		goto out_unlock;

	hva = slot->userspace_addr + ((gfn - slot->base_gfn) << PAGE_SHIFT);
	/*
	 * A writable slot is pinned for writing: the page is mapped RWX, and
	 * a read-only pin of a private page could be a shared zero or COW
	 * page. A read-only slot is mapped R+X, so its guest writes fault
	 * and become MMIO writes, and pinned for reading, so that a VMM can
	 * back it with a read-only mapping (a ROM image, a file).
	 */
	rw = !(slot->flags & MINIVM_MEM_READONLY);
	pinned = pin_user_pages_fast(hva, 1, (rw ? FOLL_WRITE : 0) |
				     FOLL_LONGTERM, &page);
	if (pinned != 1) {
		ret = pinned < 0 ? pinned : -EFAULT;
		goto out_unlock;
	}
	WRITE_ONCE(*leaf, PFN_PHYS(page_to_pfn(page)) | EPT_LEAF_WB |
		   (rw ? EPT_RWX : EPT_RX));
	minivm_stats_mapped(vm, 1);

out_unlock:
	mutex_unlock(&vm->slots_lock);
	return ret;
}
