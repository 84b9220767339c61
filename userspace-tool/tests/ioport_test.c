// SPDX-License-Identifier: GPL-2.0
/* The port I/O bus: claiming ranges, byte splitting, unclaimed ports. */
#include <errno.h>

#include "ioport.h"
#include "test.h"

/* A device that logs every byte access and reads back 0x10 + offset. */
struct fake_dev {
	int nr;
	char kind[16];		/* 'r' or 'w' */
	uint16_t offset[16];
	uint8_t val[16];
};

static uint8_t fake_read(void *dev, uint16_t offset)
{
	struct fake_dev *f = dev;

	if (f->nr < 16) {
		f->kind[f->nr] = 'r';
		f->offset[f->nr] = offset;
		f->val[f->nr] = 0x10 + offset;
		f->nr++;
	}
	return 0x10 + offset;
}

static void fake_write(void *dev, uint16_t offset, uint8_t val)
{
	struct fake_dev *f = dev;

	if (f->nr < 16) {
		f->kind[f->nr] = 'w';
		f->offset[f->nr] = offset;
		f->val[f->nr] = val;
		f->nr++;
	}
}

static const struct ioport_ops fake_ops = {
	.read	= fake_read,
	.write	= fake_write,
};

static void ioport_register_ranges(void)
{
	struct ioport_bus bus;
	struct fake_dev d = { 0 };

	ioport_bus_init(&bus);
	CHECK_INT(ioport_register(&bus, 0x3f8, 8, &fake_ops, &d, "a"), 0);
	/* Overlaps: same, start inside, end inside, containing. */
	CHECK_INT(ioport_register(&bus, 0x3f8, 8, &fake_ops, &d, "b"), -EBUSY);
	CHECK_INT(ioport_register(&bus, 0x3ff, 1, &fake_ops, &d, "b"), -EBUSY);
	CHECK_INT(ioport_register(&bus, 0x3f0, 9, &fake_ops, &d, "b"), -EBUSY);
	CHECK_INT(ioport_register(&bus, 0x300, 0x200, &fake_ops, &d, "b"), -EBUSY);
	/* Adjacent on both sides is fine. */
	CHECK_INT(ioport_register(&bus, 0x3f0, 8, &fake_ops, &d, "c"), 0);
	CHECK_INT(ioport_register(&bus, 0x400, 1, &fake_ops, &d, "d"), 0);
	/* Empty, or past the 64K port space. */
	CHECK_INT(ioport_register(&bus, 0x500, 0, &fake_ops, &d, "e"), -EINVAL);
	CHECK_INT(ioport_register(&bus, 0xfff0, 0x11, &fake_ops, &d, "e"), -EINVAL);
	CHECK_INT(ioport_register(&bus, 0x10000, 1, &fake_ops, &d, "e"), -EINVAL);
	CHECK_INT(ioport_register(&bus, 0xffff, 1, &fake_ops, &d, "e"), 0);
	CHECK_INT(bus.nr, 4);
}

static void ioport_full(void)
{
	struct ioport_bus bus;
	struct fake_dev d = { 0 };
	unsigned int i;

	ioport_bus_init(&bus);
	for (i = 0; i < IOPORT_MAX_REGIONS; i++)
		CHECK_INT(ioport_register(&bus, i * 2, 1, &fake_ops, &d, "x"), 0);
	CHECK_INT(ioport_register(&bus, 0x1000, 1, &fake_ops, &d, "x"), -ENOSPC);
}

static void ioport_lookup(void)
{
	struct ioport_bus bus;
	struct fake_dev a = { 0 }, b = { 0 };

	ioport_bus_init(&bus);
	ioport_register(&bus, 0x3f8, 8, &fake_ops, &a, "a");
	ioport_register(&bus, 0xf4, 1, &fake_ops, &b, "b");
	CHECK(!ioport_find(&bus, 0x3f7));
	CHECK(ioport_find(&bus, 0x3f8)->dev == &a);
	CHECK(ioport_find(&bus, 0x3ff)->dev == &a);
	CHECK(!ioport_find(&bus, 0x400));
	CHECK(ioport_find(&bus, 0xf4)->dev == &b);
	CHECK(!ioport_find(&bus, 0xf5));
	CHECK(!ioport_find(&bus, 0x10000));
}

static void ioport_unclaimed(void)
{
	struct ioport_bus bus;
	uint8_t data[4] = { 1, 2, 3, 4 };

	ioport_bus_init(&bus);
	CHECK(!ioport_in(&bus, 0x80, 1, data));
	CHECK_HEX(data[0], 0xff);
	CHECK_HEX(data[1], 2);	/* only @size bytes are written */
	CHECK(!ioport_in(&bus, 0x80, 4, data));
	CHECK_HEX(data[0] & data[1] & data[2] & data[3], 0xff);
	CHECK(!ioport_out(&bus, 0x80, 2, data));
}

static void ioport_byte_split(void)
{
	struct ioport_bus bus;
	struct fake_dev d = { 0 };
	uint8_t out[4] = { 0x78, 0x56, 0x34, 0x12 };	/* 0x12345678 */
	uint8_t in[4] = { 0 };

	ioport_bus_init(&bus);
	ioport_register(&bus, 0x100, 8, &fake_ops, &d, "d");

	CHECK(ioport_out(&bus, 0x102, 4, out));
	CHECK_INT(d.nr, 4);
	CHECK(d.kind[0] == 'w' && d.kind[3] == 'w');
	/* Lowest port first, low byte first. */
	CHECK_INT(d.offset[0], 2);
	CHECK_HEX(d.val[0], 0x78);
	CHECK_INT(d.offset[1], 3);
	CHECK_HEX(d.val[1], 0x56);
	CHECK_INT(d.offset[3], 5);
	CHECK_HEX(d.val[3], 0x12);

	d.nr = 0;
	CHECK(ioport_in(&bus, 0x100, 2, in));
	CHECK_INT(d.nr, 2);
	CHECK_HEX(in[0], 0x10);
	CHECK_HEX(in[1], 0x11);
}

static void ioport_straddle(void)
{
	struct ioport_bus bus;
	struct fake_dev d = { 0 }, low = { 0 };
	uint8_t in[4] = { 0 };
	uint8_t out[2] = { 0xaa, 0xbb };

	ioport_bus_init(&bus);
	ioport_register(&bus, 0x100, 2, &fake_ops, &d, "d");

	/* Half inside the device: that half is the device's, the rest is 0xff. */
	CHECK(!ioport_in(&bus, 0x101, 4, in));
	CHECK_HEX(in[0], 0x11);
	CHECK_HEX(in[1], 0xff);
	CHECK_HEX(in[3], 0xff);
	CHECK_INT(d.nr, 1);

	/* A word at 0xffff does not wrap around onto port 0. */
	ioport_register(&bus, 0xffff, 1, &fake_ops, &d, "top");
	ioport_register(&bus, 0x0000, 1, &fake_ops, &low, "low");
	d.nr = 0;
	CHECK(!ioport_out(&bus, 0xffff, 2, out));
	CHECK_INT(d.nr, 1);
	CHECK_HEX(d.val[0], 0xaa);
	CHECK_INT(low.nr, 0);
}

static void ioport_missing_ops(void)
{
	static const struct ioport_ops write_only = { .write = fake_write };
	struct ioport_bus bus;
	struct fake_dev d = { 0 };
	uint8_t v = 0;

	ioport_bus_init(&bus);
	ioport_register(&bus, 0x200, 1, &write_only, &d, "wo");
	CHECK(!ioport_in(&bus, 0x200, 1, &v));
	CHECK_HEX(v, 0xff);
	CHECK(ioport_out(&bus, 0x200, 1, &v));
	CHECK_INT(d.nr, 1);
}

const struct test ioport_tests[] = {
	{ "ioport: register refuses overlaps and bad ranges", ioport_register_ranges },
	{ "ioport: register refuses past the table size", ioport_full },
	{ "ioport: find the claiming region", ioport_lookup },
	{ "ioport: unclaimed ports read all-ones", ioport_unclaimed },
	{ "ioport: wide accesses split into bytes, low first", ioport_byte_split },
	{ "ioport: accesses straddling a device or port 0xffff", ioport_straddle },
	{ "ioport: a device without a read handler reads all-ones", ioport_missing_ops },
	{ NULL, NULL },
};
