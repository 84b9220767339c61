// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-physical memory as the emulation code sees it: reads and writes
 * go through the memory slots to the VMM's own mapping with the ordinary
 * user-copy functions, so they see exactly what the guest and the VMM
 * see, and a hole in the VMM's mapping is an error here, not an oops.
 *
 * Only the VM owner's threads get here (every vCPU ioctl checks that
 * current->mm is the VM's), so userspace_addr is valid in current->mm.
 */
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "minivm.h"

/* Copy one piece that stays within a page; slots_lock is held. */
static int guest_copy_page(struct minivm *vm, u64 gpa, void *buf,
			   unsigned int len, bool write)
{
	const struct minivm_memslot *slot;
	void __user *hva;

	slot = minivm_gfn_to_memslot(vm, gpa >> PAGE_SHIFT);
	if (!slot)
		return -EFAULT;
	hva = (void __user *)(slot->userspace_addr +
			      ((gpa >> PAGE_SHIFT) - slot->base_gfn) *
			      PAGE_SIZE + offset_in_page(gpa));
	if (write)
		return copy_to_user(hva, buf, len) ? -EFAULT : 0;
	return copy_from_user(buf, hva, len) ? -EFAULT : 0;
}

static int guest_copy(struct minivm *vm, u64 gpa, void *buf, unsigned int len,
		      bool write)
{
	int ret = 0;

	mutex_lock(&vm->slots_lock);
	while (len && !ret) {
		unsigned int chunk = min_t(u64, len,
					   PAGE_SIZE - offset_in_page(gpa));

		ret = guest_copy_page(vm, gpa, buf, chunk, write);
		gpa += chunk;
		buf += chunk;
		len -= chunk;
	}
	mutex_unlock(&vm->slots_lock);
	return ret;
}

/* 0, or -EFAULT when part of the range is not backed by a slot. */
int minivm_read_guest(struct minivm *vm, u64 gpa, void *buf, unsigned int len)
{
	return guest_copy(vm, gpa, buf, len, false);
}

/*
 * Writes go to read-only slots too: this is the emulator storing what
 * the *guest* may store to RAM, and callers check minivm_gpa_kind()
 * first where the slot's flags matter.
 */
int minivm_write_guest(struct minivm *vm, u64 gpa, const void *buf,
		       unsigned int len)
{
	return guest_copy(vm, gpa, (void *)buf, len, true);
}

int minivm_gpa_kind(struct minivm *vm, u64 gpa)
{
	const struct minivm_memslot *slot;
	int kind = 0;

	mutex_lock(&vm->slots_lock);
	slot = minivm_gfn_to_memslot(vm, gpa >> PAGE_SHIFT);
	if (slot)
		kind = (slot->flags & MINIVM_MEM_READONLY) ? 2 : 1;
	mutex_unlock(&vm->slots_lock);
	return kind;
}
