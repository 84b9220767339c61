// SPDX-License-Identifier: GPL-2.0
/* Identity page tables for the 64-bit entry (see pagetable.h). */
#include <errno.h>
#include <string.h>

#include "layout.h"
#include "le.h"
#include "pagetable.h"

#define PTE_PRESENT	(1ULL << 0)
#define PTE_WRITE	(1ULL << 1)
#define PTE_LARGE	(1ULL << 7)	/* a 2 MiB page in a page directory */

#define PAGE_SIZE_2M	0x200000ULL
#define PT_ENTRIES	512

int boot_identity_map(struct guest_mem *gm, struct boot_cpu *cpu)
{
	uint8_t *pml4 = guest_mem_ptr(gm, BOOT_PML4_ADDR, 0x1000);
	uint8_t *pdpt = guest_mem_ptr(gm, BOOT_PDPT_ADDR, 0x1000);
	uint8_t *pd = guest_mem_ptr(gm, BOOT_PD_ADDR, BOOT_PD_PAGES * 0x1000);
	unsigned int i;

	if (!pml4 || !pdpt || !pd)
		return -EINVAL;
	memset(pml4, 0, 0x1000);
	memset(pdpt, 0, 0x1000);

	put_le64(pml4, BOOT_PDPT_ADDR | PTE_PRESENT | PTE_WRITE);
	for (i = 0; i < BOOT_PD_PAGES; i++)
		put_le64(pdpt + 8 * i, (BOOT_PD_ADDR + 0x1000 * i) | PTE_PRESENT | PTE_WRITE);
	for (i = 0; i < BOOT_PD_PAGES * PT_ENTRIES; i++)
		put_le64(pd + 8 * i, (uint64_t)i * PAGE_SIZE_2M |
			 PTE_PRESENT | PTE_WRITE | PTE_LARGE);

	cpu->cr3 = BOOT_PML4_ADDR;
	cpu->cr4 = X86_CR4_PAE;
	cpu->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_PG;
	/* LMA too: KVM refuses LME with paging on but LMA clear. */
	cpu->efer = X86_EFER_LME | X86_EFER_LMA;
	return 0;
}
