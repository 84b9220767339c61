/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_BOOT_PAGETABLE_H
#define MINIVM_RUN_BOOT_PAGETABLE_H

#include "boot.h"
#include "guest-mem.h"

/*
 * Page tables that identity-map guest-physical 0-4 GiB with 2 MiB pages
 * (PML4, PDPT and four page directories at BOOT_PML4_ADDR), and the
 * control registers for long mode that use them: CR0.PE|PG, CR4.PAE,
 * EFER.LME|LMA, CR3. 2 MiB pages, not 1 GiB ones, since not every CPU
 * (nor every emulated one) has 1 GiB pages. Returns 0, or -EINVAL if guest
 * RAM does not back the tables' place.
 */
int boot_identity_map(struct guest_mem *gm, struct boot_cpu *cpu);

#endif /* MINIVM_RUN_BOOT_PAGETABLE_H */
