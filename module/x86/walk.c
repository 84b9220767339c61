// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page-table walk for the MMIO emulator.
 *
 * An EPT violation gives us the guest-physical address of the data access
 * but not of the instruction, and a string instruction touches addresses
 * the exit never named: both need the guest's own translation. The walk
 * reads the guest's tables with ops->read_ram and applies the checks the
 * CPU would, so that a guest that maps MMIO badly gets the #PF it would
 * get on bare metal instead of an access it is not allowed.
 *
 * Not done: setting accessed/dirty bits (see walk.h), protection keys,
 * the reserved bits between the guest's MAXPHYADDR and bit 51 (we do not
 * know its MAXPHYADDR), 5-level paging (X86EMU_UNHANDLED).
 */
#include "emulate.h"

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_PS		BIT_ULL(7)
#define PTE_NX		BIT_ULL(63)
#define PTE_ADDR	0x000ffffffffff000ULL

/* PAE PDPTEs have no R/W, U/S, A, PS; those bits (1,2,5-8) must be 0 */
#define PDPTE_PAE_RSVD	(0x1e6ULL | PTE_NX)

static enum x86_emu_result page_fault(struct x86_emu_ctxt *ctxt, u64 linear,
				      u32 error_code)
{
	ctxt->fault_vector = X86EMU_VEC_PF;
	ctxt->fault_has_error_code = true;
	ctxt->fault_error_code = error_code;
	ctxt->fault_addr = linear;
	return X86EMU_FAULT;
}

/* A 4- or 8-byte little-endian table entry; false if not in RAM. */
static bool read_entry(struct x86_emu_ctxt *ctxt, u64 gpa, unsigned int size,
		       u64 *entry)
{
	u8 b[8];
	unsigned int i;

	if (ctxt->ops->read_ram(ctxt->opaque, gpa, b, size))
		return false;
	*entry = 0;
	for (i = 0; i < size; i++)
		*entry |= (u64)b[i] << (8 * i);
	return true;
}

/* The access rights the walk collected, checked once at the end. */
struct rights {
	bool write, user, exec;
};

static bool allowed(const struct x86_emu_ctxt *ctxt, const struct rights *r,
		    unsigned int access)
{
	bool user = access & X86_WALK_USER;
	bool fetch = access & X86_WALK_FETCH;

	if (fetch && !r->exec)
		return false;
	if (user)
		return r->user && (!(access & X86_WALK_WRITE) || r->write);
	/* supervisor writes to read-only pages fault only with CR0.WP */
	if ((access & X86_WALK_WRITE) && !r->write && (ctxt->cr0 & X86EMU_CR0_WP))
		return false;
	if (r->user && fetch && (ctxt->cr4 & X86EMU_CR4_SMEP))
		return false;
	if (r->user && !fetch && (ctxt->cr4 & X86EMU_CR4_SMAP) &&
	    !(ctxt->rflags & X86EMU_FLAG_AC))
		return false;
	return true;
}

/* 32-bit paging: two levels of 4-byte entries, optional 4 MiB pages. */
static enum x86_emu_result walk32(struct x86_emu_ctxt *ctxt, u64 linear,
				  u32 err, struct rights *r, u64 *gpa)
{
	u64 pde, pte;

	if (!read_entry(ctxt, (ctxt->cr3 & 0xfffff000) +
			((linear >> 22) & 0x3ff) * 4, 4, &pde))
		return X86EMU_UNHANDLED;
	if (!(pde & PTE_P))
		return page_fault(ctxt, linear, err);
	r->write = pde & PTE_RW;
	r->user = pde & PTE_US;
	if ((pde & PTE_PS) && (ctxt->cr4 & X86EMU_CR4_PSE)) {
		/* PSE-36: PDE bits 20:13 are physical bits 39:32; 21 is rsvd */
		if (pde & BIT_ULL(21))
			return page_fault(ctxt, linear,
					  err | X86_WALK_PF_PRESENT | X86_WALK_PF_RSVD);
		*gpa = (pde & 0xffc00000) | (((pde >> 13) & 0xff) << 32) |
		       (linear & 0x3fffff);
		return X86EMU_OK;
	}
	if (!read_entry(ctxt, (pde & 0xfffff000) +
			((linear >> 12) & 0x3ff) * 4, 4, &pte))
		return X86EMU_UNHANDLED;
	if (!(pte & PTE_P))
		return page_fault(ctxt, linear, err);
	r->write = r->write && (pte & PTE_RW);
	r->user = r->user && (pte & PTE_US);
	*gpa = (pte & 0xfffff000) | (linear & 0xfff);
	return X86EMU_OK;
}

/*
 * 8-byte entries from @table at level @shift (39: PML4, 30: PDPT, 21: PD,
 * 12: PT) down to the page.
 */
static enum x86_emu_result walk64(struct x86_emu_ctxt *ctxt, u64 linear,
				  u32 err, struct rights *r, u64 table,
				  unsigned int shift, u64 *gpa)
{
	u64 rsvd = (ctxt->efer & X86EMU_EFER_NXE) ? 0 : PTE_NX;
	u64 pte;

	for (;; shift -= 9) {
		if (!read_entry(ctxt, table + ((linear >> shift) & 0x1ff) * 8,
				8, &pte))
			return X86EMU_UNHANDLED;
		if (!(pte & PTE_P))
			return page_fault(ctxt, linear, err);
		if (pte & rsvd)
			goto rsvd;
		r->write = r->write && (pte & PTE_RW);
		r->user = r->user && (pte & PTE_US);
		if (pte & PTE_NX)
			r->exec = false;
		if (shift == 12) {
			*gpa = (pte & PTE_ADDR) | (linear & 0xfff);
			return X86EMU_OK;
		}
		if (pte & PTE_PS) {
			u64 page_mask = (1ULL << shift) - 1;

			/* no PML4 pages; bit 12 of a large page is PAT */
			if (shift == 39 || (pte & page_mask & ~0x1fffULL))
				goto rsvd;
			*gpa = (pte & PTE_ADDR & ~page_mask) |
			       (linear & page_mask);
			return X86EMU_OK;
		}
		table = pte & PTE_ADDR;
	}
rsvd:
	return page_fault(ctxt, linear, err | X86_WALK_PF_PRESENT | X86_WALK_PF_RSVD);
}

enum x86_emu_result x86_walk(struct x86_emu_ctxt *ctxt, u64 linear,
			     unsigned int access, u64 *gpa)
{
	bool lma = ctxt->efer & X86EMU_EFER_LMA;
	bool pae = ctxt->cr4 & X86EMU_CR4_PAE;
	struct rights r = { true, true, true };
	enum x86_emu_result ret;
	u32 err = access & (X86_WALK_WRITE | X86_WALK_USER | X86_WALK_FETCH);
	u64 pdpte;

	if (!(ctxt->cr0 & X86EMU_CR0_PG)) {
		*gpa = lma ? linear : (linear & 0xffffffff);
		return X86EMU_OK;
	}
	/* the error code reports fetches only where NX or SMEP exist */
	if (!(((ctxt->efer & X86EMU_EFER_NXE) && (lma || pae)) ||
	      (ctxt->cr4 & X86EMU_CR4_SMEP)))
		err &= ~X86_WALK_FETCH;

	if (lma) {
		if (ctxt->cr4 & X86EMU_CR4_LA57)
			return X86EMU_UNHANDLED;
		ret = walk64(ctxt, linear, err, &r, ctxt->cr3 & PTE_ADDR, 39,
			     gpa);
	} else if (pae) {
		/* the PDPTEs were loaded with CR3: use the CPU's copies */
		linear &= 0xffffffff;
		pdpte = ctxt->pdpte[(linear >> 30) & 3];
		if (!(pdpte & PTE_P))
			return page_fault(ctxt, linear, err);
		if (pdpte & PDPTE_PAE_RSVD)
			return page_fault(ctxt, linear,
					  err | X86_WALK_PF_PRESENT | X86_WALK_PF_RSVD);
		ret = walk64(ctxt, linear, err, &r, pdpte & PTE_ADDR, 21, gpa);
	} else {
		linear &= 0xffffffff;
		ret = walk32(ctxt, linear, err, &r, gpa);
	}
	if (ret != X86EMU_OK)
		return ret;
	if (!allowed(ctxt, &r, access))
		return page_fault(ctxt, linear, err | X86_WALK_PF_PRESENT);
	return X86EMU_OK;
}
