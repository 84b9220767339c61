// SPDX-License-Identifier: GPL-2.0
/* --debug-io's lines, and the MMIO bus's counters and hook behind them. */
#include "debug-io.h"
#include "test.h"

static void debug_io_lines(void)
{
	struct ioport_bus io;
	struct mmio_bus mmio;
	uint8_t d[8] = { 0xef, 0xbe, 0xad, 0xde };
	char line[256];

	debug_io_port_line(line, sizeof(line), 0x2f9, 1, false, 0xff);
	CHECK_STR(line, "debug-io: unclaimed in port 0x02f9 size 1 data 0xff");
	debug_io_port_line(line, sizeof(line), 0xcfb, 1, true, 0x01);
	CHECK_STR(line, "debug-io: unclaimed out port 0x0cfb size 1 data 0x01");
	debug_io_port_line(line, sizeof(line), 0x4000, 4, false, 0xffffffff);
	CHECK_STR(line, "debug-io: unclaimed in port 0x4000 size 4 data 0xffffffff");
	debug_io_mmio_line(line, sizeof(line), 0xfed00000, 4, true, d);
	CHECK_STR(line, "debug-io: unclaimed MMIO write 0xfed00000 size 4 data 0xdeadbeef");

	ioport_bus_init(&io);
	mmio_bus_init(&mmio);
	io.unclaimed_reads = 1;
	io.unclaimed_writes = 2;
	mmio.unclaimed_reads = 0;
	mmio.unclaimed_writes = 1;
	debug_io_summary_line(line, sizeof(line), &io, &mmio);
	CHECK_STR(line, "debug-io: unclaimed accesses: 1 port read, 2 port writes, 0 MMIO reads, 1 MMIO write");
}

static unsigned int hook_calls;
static uint64_t hook_addr;

static void hook(void *ctx, uint64_t addr, uint32_t len, bool is_write,
		 const uint8_t *data)
{
	(void)ctx;
	(void)len;
	(void)is_write;
	(void)data;
	hook_calls++;
	hook_addr = addr;
}

static void debug_io_mmio_counted(void)
{
	struct mmio_bus mmio;
	uint8_t d[4] = { 0 };

	mmio_bus_init(&mmio);
	CHECK(!mmio_access(&mmio, 0xfed00000, d, 4, false));
	CHECK_HEX(d[0] & d[3], 0xff);
	CHECK_INT(mmio.unclaimed_reads, 1);
	mmio_set_unclaimed_hook(&mmio, hook, NULL);
	CHECK(!mmio_access(&mmio, 0xfed00010, d, 4, true));
	CHECK_INT(mmio.unclaimed_writes, 1);
	CHECK_INT(hook_calls, 1);
	CHECK_HEX(hook_addr, 0xfed00010);
}

const struct test debug_io_tests[] = {
	{ "debug-io: the port, MMIO and summary lines", debug_io_lines },
	{ "debug-io: unclaimed MMIO counted and hooked", debug_io_mmio_counted },
	{ NULL, NULL },
};
