/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's physical memory map, as a PC BIOS reports it through
 * INT 15h E820: the bzImage loader copies it into boot_params, the
 * Multiboot loader turns it into the Multiboot memory map.
 */
#ifndef MINIVM_RUN_BOOT_E820_H
#define MINIVM_RUN_BOOT_E820_H

#include <stdint.h>

#include "guest-mem.h"

#define E820_RAM	1
#define E820_RESERVED	2

/* Room for the longest map e820_build() makes. */
#define E820_MAX_ENTRIES	4

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

/*
 * The map of @gm: RAM from 0 to the EBDA, the EBDA and the VGA/ROM area
 * (0x9fc00-0x100000) reserved, RAM from 1 MiB to the end of low RAM, and
 * RAM above 4 GiB if the PCI hole moved some there. Entries are sorted
 * and do not overlap; ranges beyond guest RAM are left out. Returns the
 * number of entries in @map.
 */
unsigned int e820_build(const struct guest_mem *gm,
			struct e820_entry map[E820_MAX_ENTRIES]);

#endif /* MINIVM_RUN_BOOT_E820_H */
