// SPDX-License-Identifier: GPL-2.0
/*
 * The port I/O bus: claiming ranges, byte splitting, sized handlers,
 * unclaimed ports and their counters and hook.
 */
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

static void ioport_register_needs_handlers(void)
{
	static const struct ioport_ops none = { 0 };
	struct ioport_bus bus;
	struct fake_dev d = { 0 };

	ioport_bus_init(&bus);
	CHECK_INT(ioport_register(&bus, 0x100, 1, NULL, &d, "x"), -EINVAL);
	CHECK_INT(ioport_register(&bus, 0x100, 1, &none, &d, "x"), -EINVAL);
	CHECK_INT(bus.nr, 0);
}

/* What the unclaimed hook saw, last call first. */
static struct {
	int calls;
	uint16_t port;
	unsigned int size;
	bool is_write;
	uint32_t val;
	void *ctx;
} seen;

static void record_unclaimed(void *ctx, uint16_t port, unsigned int size,
			     bool is_write, uint32_t val)
{
	seen.calls++;
	seen.port = port;
	seen.size = size;
	seen.is_write = is_write;
	seen.val = val;
	seen.ctx = ctx;
}

static void ioport_unclaimed_counted(void)
{
	struct ioport_bus bus;
	struct fake_dev d = { 0 };
	uint8_t data[4] = { 0x11, 0x22, 0x33, 0x44 };
	int ctx;

	memset(&seen, 0, sizeof(seen));
	ioport_bus_init(&bus);
	ioport_register(&bus, 0x100, 2, &fake_ops, &d, "d");
	CHECK_INT(bus.unclaimed_reads, 0);
	CHECK_INT(bus.unclaimed_writes, 0);

	/* Counted without a hook. */
	CHECK(!ioport_in(&bus, 0x80, 1, data));
	CHECK(!ioport_out(&bus, 0x80, 1, data));
	CHECK_INT(bus.unclaimed_reads, 1);
	CHECK_INT(bus.unclaimed_writes, 1);

	ioport_set_unclaimed_hook(&bus, record_unclaimed, &ctx);

	/* A claimed access is neither counted nor reported. */
	CHECK(ioport_in(&bus, 0x100, 2, data));
	CHECK(ioport_out(&bus, 0x100, 2, data));
	CHECK_INT(seen.calls, 0);
	CHECK_INT(bus.unclaimed_reads, 1);

	/* One access, one count, however many of its bytes missed. */
	data[0] = 0x11;
	data[1] = 0x22;
	data[2] = 0x33;
	data[3] = 0x44;
	CHECK(!ioport_out(&bus, 0x80, 4, data));
	CHECK_INT(bus.unclaimed_writes, 2);
	CHECK_INT(seen.calls, 1);
	CHECK_INT(seen.port, 0x80);
	CHECK_INT(seen.size, 4);
	CHECK(seen.is_write);
	CHECK_HEX(seen.val, 0x44332211);
	CHECK(seen.ctx == &ctx);

	/* A read reports what the guest gets: the device's byte, then 0xff. */
	CHECK(!ioport_in(&bus, 0x101, 2, data));
	CHECK_INT(bus.unclaimed_reads, 2);
	CHECK_INT(seen.calls, 2);
	CHECK_INT(seen.port, 0x101);
	CHECK_INT(seen.size, 2);
	CHECK(!seen.is_write);
	CHECK_HEX(seen.val, 0xff11);

	/* No hook again: still counted. */
	ioport_set_unclaimed_hook(&bus, NULL, NULL);
	CHECK(!ioport_in(&bus, 0xffff, 2, data));
	CHECK_INT(bus.unclaimed_reads, 3);
	CHECK_INT(seen.calls, 2);
}

/*
 * A device with sized handlers: logs each call, decodes only 32-bit
 * accesses at offset 0 and anything at offsets 4 and up.
 */
struct sized_dev {
	int nr;
	uint16_t offset;
	unsigned int size;
	uint32_t val;
	uint32_t reg;
};

static bool sized_decodes(uint16_t offset, unsigned int size)
{
	return offset >= 4 || (offset == 0 && size == 4);
}

static bool sized_in(void *dev, uint16_t offset, unsigned int size,
		     uint32_t *val)
{
	struct sized_dev *s = dev;

	s->nr++;
	s->offset = offset;
	s->size = size;
	if (!sized_decodes(offset, size))
		return false;
	*val = offset ? 0xa0u + offset : s->reg;
	return true;
}

static bool sized_out(void *dev, uint16_t offset, unsigned int size,
		      uint32_t val)
{
	struct sized_dev *s = dev;

	s->nr++;
	s->offset = offset;
	s->size = size;
	s->val = val;
	if (!sized_decodes(offset, size))
		return false;
	if (!offset)
		s->reg = val;
	return true;
}

static const struct ioport_ops sized_ops = {
	.in	= sized_in,
	.out	= sized_out,
};

static void ioport_sized_handlers(void)
{
	struct ioport_bus bus;
	struct sized_dev s = { 0 };
	uint8_t out[4] = { 0x04, 0x03, 0x02, 0x81 };
	uint8_t in[4] = { 0 };

	ioport_bus_init(&bus);
	CHECK_INT(ioport_register(&bus, 0xcf8, 8, &sized_ops, &s, "s"), 0);

	/* A dword is one call, not four. */
	CHECK(ioport_out(&bus, 0xcf8, 4, out));
	CHECK_INT(s.nr, 1);
	CHECK_INT(s.size, 4);
	CHECK_HEX(s.reg, 0x81020304);
	CHECK(ioport_in(&bus, 0xcf8, 4, in));
	CHECK_INT(s.nr, 2);
	CHECK_HEX(in[0], 0x04);
	CHECK_HEX(in[3], 0x81);

	/* Declined: all ones, unclaimed, and only the one call. */
	CHECK(!ioport_in(&bus, 0xcf8, 2, in));
	CHECK_INT(s.nr, 3);
	CHECK_INT(s.size, 2);
	CHECK_HEX(in[0] & in[1], 0xff);
	CHECK_HEX(in[2], 0x02);	/* only @size bytes written */
	CHECK(!ioport_out(&bus, 0xcf9, 1, out));
	CHECK_INT(s.offset, 1);
	CHECK_HEX(s.reg, 0x81020304);
	CHECK_INT(bus.unclaimed_reads, 1);
	CHECK_INT(bus.unclaimed_writes, 1);

	/* A word inside the device at any offset is still one call. */
	s.nr = 0;
	CHECK(ioport_in(&bus, 0xcfd, 2, in));
	CHECK_INT(s.nr, 1);
	CHECK_INT(s.offset, 5);
	CHECK_INT(s.size, 2);
	CHECK_HEX(in[0], 0xa5);

	/* Straddling its end: byte calls for its part, 0xff past it. */
	s.nr = 0;
	CHECK(!ioport_in(&bus, 0xcfe, 4, in));
	CHECK_INT(s.nr, 2);
	CHECK_INT(s.offset, 7);
	CHECK_INT(s.size, 1);
	CHECK_HEX(in[0], 0xa6);
	CHECK_HEX(in[1], 0xa7);
	CHECK_HEX(in[2] & in[3], 0xff);
	s.nr = 0;
	CHECK(!ioport_out(&bus, 0xcff, 2, out));
	CHECK_INT(s.nr, 1);
	CHECK_INT(s.size, 1);
	CHECK_HEX(s.val, 0x04);
}

static void ioport_straddle_into_sized(void)
{
	struct ioport_bus bus;
	struct fake_dev f = { 0 };
	struct sized_dev s = { 0 };
	uint8_t in[2] = { 0 };

	ioport_bus_init(&bus);
	ioport_register(&bus, 0xcf0, 8, &fake_ops, &f, "bytes");
	ioport_register(&bus, 0xcf8, 8, &sized_ops, &s, "sized");
	/* Offset 0 of the sized device declines a byte: 0xff there. */
	CHECK(!ioport_in(&bus, 0xcf7, 2, in));
	CHECK_HEX(in[0], 0x17);
	CHECK_HEX(in[1], 0xff);
	CHECK_INT(s.nr, 1);
	CHECK_INT(s.size, 1);
}

const struct test ioport_tests[] = {
	{ "ioport: register refuses overlaps and bad ranges", ioport_register_ranges },
	{ "ioport: register refuses past the table size", ioport_full },
	{ "ioport: find the claiming region", ioport_lookup },
	{ "ioport: unclaimed ports read all-ones", ioport_unclaimed },
	{ "ioport: wide accesses split into bytes, low first", ioport_byte_split },
	{ "ioport: accesses straddling a device or port 0xffff", ioport_straddle },
	{ "ioport: a device without a read handler reads all-ones", ioport_missing_ops },
	{ "ioport: register refuses a device without handlers", ioport_register_needs_handlers },
	{ "ioport: unclaimed accesses counted, reported to the hook", ioport_unclaimed_counted },
	{ "ioport: sized handlers see accesses whole and may decline them", ioport_sized_handlers },
	{ "ioport: a split access reaching a sized device", ioport_straddle_into_sized },
	{ NULL, NULL },
};
