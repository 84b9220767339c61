// SPDX-License-Identifier: GPL-2.0
/*
 * Memory slots: which guest-physical ranges are backed by which userspace
 * memory. Slots only describe the mapping; the backend builds its
 * second-level page tables lazily, on the guest's first touch, from what
 * the owner's address space maps then, and the MMU notifier
 * (mmu_notifier.c) zaps a mapping whenever the address space changes
 * under it. No mapping holds a reference on its page.
 *
 * slots[] changes under slots_lock and mmu_lock both: faults and the
 * ioctls read it under slots_lock, the notifier under mmu_lock.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/processor.h>

#include "minivm.h"

/* Caller holds vm->slots_lock. */
const struct minivm_memslot *minivm_gfn_to_memslot(struct minivm *vm, u64 gfn)
{
	int i;

	for (i = 0; i < MINIVM_MAX_MEMSLOTS; i++) {
		const struct minivm_memslot *slot = vm->slots[i];

		if (slot && gfn >= slot->base_gfn &&
		    gfn - slot->base_gfn < slot->npages)
			return slot;
	}
	return NULL;
}

static bool overlaps_other_slot(struct minivm *vm, u64 gfn, u64 npages)
{
	int i;

	for (i = 0; i < MINIVM_MAX_MEMSLOTS; i++) {
		const struct minivm_memslot *slot = vm->slots[i];

		if (slot && gfn < slot->base_gfn + slot->npages &&
		    slot->base_gfn < gfn + npages)
			return true;
	}
	return false;
}

/*
 * The range must be ordinary memory the guest can share with userspace:
 * every page mapped (EFAULT otherwise), and no VM_IO/VM_PFNMAP mapping,
 * whose pages have no struct page to map (EINVAL). Later changes of the
 * mapping are followed (mmu_notifier.c); the fault path refuses such
 * pages again (EFAULT from MINIVM_RUN) if one is mapped there later.
 */
static int check_user_range(struct mm_struct *mm, unsigned long start,
			    unsigned long size)
{
	unsigned long addr = start, end = start + size;
	struct vm_area_struct *vma;
	int ret = 0;

	mmap_read_lock(mm);
	while (addr < end) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr) {
			ret = -EFAULT;
			break;
		}
		if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
			ret = -EINVAL;
			break;
		}
		addr = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return ret;
}

static int check_region(const struct minivm_userspace_memory_region *mem)
{
	u64 gpa_limit = 1ULL << min_t(unsigned int,
				      boot_cpu_data.x86_phys_bits,
				      minivm_backend->gpa_bits);

	if (mem->slot >= MINIVM_MAX_MEMSLOTS ||
	    (mem->flags & ~MINIVM_MEM_READONLY) ||
	    mem->reserved[0] || mem->reserved[1])
		return -EINVAL;
	if (!PAGE_ALIGNED(mem->guest_phys_addr) ||
	    !PAGE_ALIGNED(mem->memory_size) ||
	    !PAGE_ALIGNED(mem->userspace_addr))
		return -EINVAL;
	if (!mem->memory_size)
		return 0;
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr ||
	    mem->guest_phys_addr + mem->memory_size > gpa_limit)
		return -EINVAL;
	if (mem->userspace_addr != (unsigned long)mem->userspace_addr ||
	    !access_ok((void __user *)(unsigned long)mem->userspace_addr,
		       mem->memory_size))
		return -EINVAL;
	return 0;
}

/*
 * The mappings go first, with the slot still published: the notifier
 * must find every slot that still has mappings, or an invalidation of the
 * slot's memory could return while the guest can still reach the page.
 * No fault can map the slot again meanwhile (slots_lock is held), and
 * once it is unpublished the notifier no longer looks at it.
 */
static int delete_slot(struct minivm *vm, u32 id)
{
	struct minivm_memslot *slot = vm->slots[id];

	if (!slot)
		return -ENOENT;
	spin_lock(&vm->mmu_lock);
	minivm_backend->zap_gfn_range(vm, slot->base_gfn, slot->npages, true);
	vm->slots[id] = NULL;
	spin_unlock(&vm->mmu_lock);
	minivm_stat_add(&vm->stats.memslots, -1);
	kfree(slot);
	return 0;
}

int minivm_set_memory_region(struct minivm *vm,
			     const struct minivm_userspace_memory_region *mem)
{
	struct minivm_memslot *slot;
	int ret;

	ret = check_region(mem);
	if (ret)
		return ret;

	mutex_lock(&vm->slots_lock);
	if (!mem->memory_size) {
		ret = delete_slot(vm, mem->slot);
		goto out_unlock;
	}

	ret = -EEXIST;
	if (vm->slots[mem->slot] ||
	    overlaps_other_slot(vm, mem->guest_phys_addr >> PAGE_SHIFT,
				mem->memory_size >> PAGE_SHIFT))
		goto out_unlock;

	ret = check_user_range(vm->mm, mem->userspace_addr, mem->memory_size);
	if (ret)
		goto out_unlock;

	ret = -ENOMEM;
	slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
	if (!slot)
		goto out_unlock;
	slot->id = mem->slot;
	slot->base_gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	slot->npages = mem->memory_size >> PAGE_SHIFT;
	slot->userspace_addr = mem->userspace_addr;
	slot->flags = mem->flags;
	spin_lock(&vm->mmu_lock);
	vm->slots[mem->slot] = slot;
	spin_unlock(&vm->mmu_lock);
	minivm_stat_inc(&vm->stats.memslots);
	ret = 0;

out_unlock:
	mutex_unlock(&vm->slots_lock);
	return ret;
}

/* VM teardown: no notifier and no mapping is left, no lock is needed. */
void minivm_free_memslots(struct minivm *vm)
{
	int i;

	for (i = 0; i < MINIVM_MAX_MEMSLOTS; i++) {
		kfree(vm->slots[i]);
		vm->slots[i] = NULL;
	}
}
