// SPDX-License-Identifier: GPL-2.0
/* guest-mem.c: RAM below the PCI hole and above 4 GiB; the MMIO bus. */
#include <errno.h>

#include "guest-mem.h"
#include "mmio.h"
#include "test.h"

static void guest_mem_flat(void)
{
	struct guest_mem gm;

	/* No hole: all RAM at 0, whatever its size. */
	guest_mem_layout(&gm, 8ULL << 30, false);
	CHECK_HEX(gm.low_size, 8ULL << 30);
	CHECK_HEX(gm.high_size, 0);
	guest_mem_layout(&gm, 16ULL << 20, true);
	CHECK_HEX(gm.low_size, 16ULL << 20);
	CHECK_HEX(gm.high_size, 0);
	/* Exactly up to the hole: nothing moves. */
	guest_mem_layout(&gm, 3ULL << 30, true);
	CHECK_HEX(gm.low_size, 3ULL << 30);
	CHECK_HEX(gm.high_size, 0);
}

static void guest_mem_hole(void)
{
	struct guest_mem gm;

	guest_mem_layout(&gm, 5ULL << 30, true);
	CHECK_HEX(gm.low_size, 0xc0000000);
	CHECK_HEX(gm.high_size, 2ULL << 30);
	CHECK_HEX(gm.size, 5ULL << 30);
	CHECK_HEX(GUEST_MEM_HOLE_MAX, 63ULL << 30);
}

static void guest_mem_ptrs(void)
{
	struct guest_mem gm;

	guest_mem_layout(&gm, 5ULL << 30, true);
	gm.host = (uint8_t *)0x10000000;	/* never dereferenced */

	CHECK(guest_mem_ptr(&gm, 0, 1) == gm.host);
	CHECK(guest_mem_ptr(&gm, 0xbffff000, 0x1000) == gm.host + 0xbffff000);
	CHECK(!guest_mem_ptr(&gm, 0xbffff000, 0x1001));	/* into the hole */
	CHECK(!guest_mem_ptr(&gm, 0xfec00000, 4));
	CHECK(guest_mem_ptr(&gm, 0x100000000ULL, 8) == gm.host + 0xc0000000);
	CHECK(guest_mem_ptr(&gm, 0x17ffff000ULL, 0x1000) == gm.host + (5ULL << 30) - 0x1000);
	CHECK(!guest_mem_ptr(&gm, 0x180000000ULL, 1));	/* past the end */
	CHECK(!guest_mem_ptr(&gm, ~0ULL, 2));		/* no wrap */
	CHECK(!guest_mem_ptr(&gm, 16, ~0ULL));
}

static uint8_t dev_byte;

static void dev_read(void *dev, uint64_t offset, uint8_t *data, uint32_t len)
{
	(void)dev;
	memset(data, dev_byte + offset, len);
}

static const struct mmio_ops ro_ops = { .read = dev_read };

static void mmio_bus_rules(void)
{
	struct mmio_bus bus;
	uint8_t d[8];
	unsigned int i;

	mmio_bus_init(&bus);
	CHECK_INT(mmio_register(&bus, 0xfed00000, 0x400, &ro_ops, NULL, "a"), 0);
	CHECK_INT(mmio_register(&bus, 0xfed003ff, 1, &ro_ops, NULL, "b"), -EBUSY);
	CHECK_INT(mmio_register(&bus, 0xfecfffff, 2, &ro_ops, NULL, "b"), -EBUSY);
	CHECK_INT(mmio_register(&bus, 0xfed00400, 1, &ro_ops, NULL, "b"), 0);
	CHECK_INT(mmio_register(&bus, 0, 0, &ro_ops, NULL, "c"), -EINVAL);
	CHECK_INT(mmio_register(&bus, ~0ULL, 2, &ro_ops, NULL, "c"), -EINVAL);
	CHECK_INT(mmio_register(&bus, ~0ULL, 1, &ro_ops, NULL, "top"), 0);
	for (i = 3; i < MMIO_MAX_REGIONS; i++)
		CHECK_INT(mmio_register(&bus, i << 12, 1, &ro_ops, NULL, "n"), 0);
	CHECK_INT(mmio_register(&bus, 0x80000000, 1, &ro_ops, NULL, "full"), -ENOSPC);

	CHECK_STR(mmio_find(&bus, 0xfed00010, 4)->name, "a");
	CHECK(!mmio_find(&bus, 0xfed003fe, 4));	/* straddles a and b */
	CHECK_STR(mmio_find(&bus, ~0ULL, 1)->name, "top");
	CHECK(!mmio_find(&bus, ~0ULL, 2));

	dev_byte = 0x40;
	CHECK(mmio_access(&bus, 0xfed00002, d, 2, false));
	CHECK_HEX(d[0], 0x42);
	/* A read-only device: writes go nowhere, and say so. */
	CHECK(!mmio_access(&bus, 0xfed00002, d, 2, true));
	CHECK(!mmio_access(&bus, 0xe0000000, d, 8, false));
	CHECK_HEX(d[0] & d[7], 0xff);
}

const struct test guest_mem_tests[] = {
	{ "guest-mem: no hole for flat binaries or up to 3G", guest_mem_flat },
	{ "guest-mem: RAM above 3G moves to 4G", guest_mem_hole },
	{ "guest-mem: pointers only for RAM, never across the hole", guest_mem_ptrs },
	{ "mmio: registration, lookup, unclaimed accesses", mmio_bus_rules },
	{ NULL, NULL },
};
