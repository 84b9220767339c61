/* SPDX-License-Identifier: GPL-2.0 */
/* Guest page-table walk: linear -> guest-physical, as the guest's MMU does. */
#ifndef MINIVM_X86_WALK_H
#define MINIVM_X86_WALK_H

#include "types.h"

struct x86_emu_ctxt;

/* Access kinds for the walk (the bits of the #PF error code). */
#define X86_WALK_WRITE	BIT(1)
#define X86_WALK_USER	BIT(2)	/* CPL 3 */
#define X86_WALK_FETCH	BIT(4)

/* #PF error code bits the walk sets besides the access kind */
#define X86_WALK_PF_PRESENT	BIT(0)
#define X86_WALK_PF_RSVD	BIT(3)

/*
 * Translate @linear to a guest-physical address the way the CPU would
 * under the ctxt's CR0/CR4/EFER/CR3 (paging off: gpa = linear, truncated
 * to 32 bits outside long mode; 32-bit paging incl. 4 MiB PSE pages; PAE
 * with the ctxt's pdpte[]; 4-level long mode with 2 MiB/1 GiB pages).
 * Checks P, R/W (CR0.WP for supervisor), U/S, NX (EFER.NXE) on fetch,
 * SMEP/SMAP, and the reserved bits that need no MAXPHYADDR. Page-table
 * entries are read with ops->read_ram; a table that is not RAM, and
 * 5-level paging, are X86EMU_UNHANDLED. Returns X86EMU_OK with *gpa, or
 * X86EMU_FAULT with ctxt->fault_* set to #PF (vector 14, error code,
 * fault_addr = @linear).
 *
 * Accessed and dirty bits are not set: the CPU's own walk, the one that
 * ended in the EPT violation we are emulating, has normally set them
 * already, and nothing in a guest's MMIO path depends on them.
 */
enum x86_emu_result x86_walk(struct x86_emu_ctxt *ctxt, u64 linear,
			     unsigned int access, u64 *gpa);

#endif /* MINIVM_X86_WALK_H */
