// SPDX-License-Identifier: GPL-2.0
/* The e820 memory map of guest RAM (see e820.h). */
#include "e820.h"
#include "layout.h"

static void add(struct e820_entry *map, unsigned int *n, uint64_t start,
		uint64_t end, uint32_t type)
{
	if (end > start)
		map[(*n)++] = (struct e820_entry) {
			.addr = start, .size = end - start, .type = type,
		};
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

unsigned int e820_build(const struct guest_mem *gm,
			struct e820_entry map[E820_MAX_ENTRIES])
{
	uint64_t low = gm->low_size;
	unsigned int n = 0;

	/*
	 * The EBDA and the legacy VGA/ROM window are backed by RAM like the
	 * rest, but a PC has firmware and devices there, and the MP table
	 * lives in the EBDA: the guest must not take them for free memory.
	 */
	add(map, &n, 0, min_u64(low, BOOT_EBDA_ADDR), E820_RAM);
	add(map, &n, BOOT_EBDA_ADDR, min_u64(low, BOOT_HIGH_MEM), E820_RESERVED);
	add(map, &n, BOOT_HIGH_MEM, low, E820_RAM);
	if (gm->high_size)
		add(map, &n, GUEST_HIGH_BASE, GUEST_HIGH_BASE + gm->high_size, E820_RAM);
	return n;
}
