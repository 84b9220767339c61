// SPDX-License-Identifier: GPL-2.0
/*
 * The exit dispatcher against a fake run area, wired to the real devices
 * as main() wires them: what minivm-run does after each MINIVM_RUN.
 */
#include "devices/debug-exit.h"
#include "exitcode.h"
#include "exits.h"
#include "devices/uart8250.h"
#include "test.h"

#define RUN_SIZE	4096
#define DATA_OFF	0x200

static union {
	struct minivm_run run;
	uint8_t bytes[RUN_SIZE];
} area;

static struct ioport_bus bus;
static struct uart8250 com1;
static struct debug_exit dx;
static char out[64];
static int outlen;
static struct exit_result res;

static void sink(void *ctx, uint8_t byte)
{
	(void)ctx;
	if (outlen < (int)sizeof(out) - 1)
		out[outlen++] = byte;
	out[outlen] = '\0';
}

static void setup(void)
{
	memset(&area, 0, sizeof(area));
	outlen = 0;
	out[0] = '\0';
	ioport_bus_init(&bus);
	uart8250_init(&com1, sink, NULL);
	debug_exit_init(&dx);
	ioport_register(&bus, COM1_BASE, UART8250_NR_PORTS, &uart8250_ops, &com1, "COM1");
	ioport_register(&bus, DEBUG_EXIT_PORT, DEBUG_EXIT_NR_PORTS, &debug_exit_ops, &dx, "dx");
}

static void io_exit(uint8_t dir, uint16_t port, uint8_t size, uint32_t count,
		    uint64_t offset)
{
	area.run.exit_reason = MINIVM_EXIT_IO;
	area.run.io.direction = dir;
	area.run.io.port = port;
	area.run.io.size = size;
	area.run.io.count = count;
	area.run.io.data_offset = offset;
}

static enum exit_action dispatch(void)
{
	return handle_exit(&bus, &dx, &area.run, RUN_SIZE, &res);
}

static void exits_out_to_uart(void)
{
	setup();
	io_exit(MINIVM_EXIT_IO_OUT, 0x3f8, 1, 1, DATA_OFF);
	area.bytes[DATA_OFF] = 'H';
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK_STR(out, "H");
	CHECK(!res.unclaimed);

	/* count > 1: consecutive elements of @size bytes. */
	io_exit(MINIVM_EXIT_IO_OUT, 0x3f8, 1, 3, DATA_OFF);
	memcpy(area.bytes + DATA_OFF, "abc", 3);
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK_STR(out, "Habc");
}

static void exits_in_fills_run_area(void)
{
	setup();
	io_exit(MINIVM_EXIT_IO_IN, 0x3fd, 1, 1, DATA_OFF);
	area.bytes[DATA_OFF] = 0;
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK_HEX(area.bytes[DATA_OFF], 0x60);

	io_exit(MINIVM_EXIT_IO_IN, 0x4000, 4, 1, DATA_OFF);
	memset(area.bytes + DATA_OFF, 0, 4);
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK(res.unclaimed);
	CHECK_HEX(area.bytes[DATA_OFF] & area.bytes[DATA_OFF + 3], 0xff);
	CHECK_HEX(area.bytes[DATA_OFF + 4], 0);	/* no further */
}

static void exits_debug_exit(void)
{
	setup();
	io_exit(MINIVM_EXIT_IO_OUT, 0xf4, 1, 1, DATA_OFF);
	area.bytes[DATA_OFF] = 42;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 85);

	/* A word write: the low byte goes to 0xf4 (QEMU: same status). */
	setup();
	io_exit(MINIVM_EXIT_IO_OUT, 0xf4, 2, 1, DATA_OFF);
	area.bytes[DATA_OFF] = 0x00;
	area.bytes[DATA_OFF + 1] = 0x01;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 1);

	/* Reading the port does not end the run. */
	setup();
	io_exit(MINIVM_EXIT_IO_IN, 0xf4, 1, 1, DATA_OFF);
	CHECK_INT(dispatch(), EXIT_RESUME);
}

static void exits_other_reasons(void)
{
	setup();
	area.run.exit_reason = MINIVM_EXIT_HLT;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 0);
	area.run.exit_reason = MINIVM_EXIT_SHUTDOWN;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 70);
	area.run.exit_reason = MINIVM_EXIT_FAIL_ENTRY;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 70);
	area.run.exit_reason = MINIVM_EXIT_INTERNAL_ERROR;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 70);
	area.run.exit_reason = 77;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 70);
	area.run.exit_reason = MINIVM_EXIT_INTR;
	CHECK_INT(dispatch(), EXIT_RESUME);
}

static void exits_malformed(void)
{
	setup();
	io_exit(MINIVM_EXIT_IO_OUT, 0x3f8, 3, 1, DATA_OFF);
	CHECK_INT(dispatch(), EXIT_MALFORMED);
	io_exit(MINIVM_EXIT_IO_OUT, 0x3f8, 0, 1, DATA_OFF);
	CHECK_INT(dispatch(), EXIT_MALFORMED);
	io_exit(MINIVM_EXIT_IO_OUT, 0x3f8, 1, 0, DATA_OFF);
	CHECK_INT(dispatch(), EXIT_MALFORMED);
	io_exit(2, 0x3f8, 1, 1, DATA_OFF);
	CHECK_INT(dispatch(), EXIT_MALFORMED);
	io_exit(MINIVM_EXIT_IO_IN, 0x3f8, 1, 1, RUN_SIZE);
	CHECK_INT(dispatch(), EXIT_MALFORMED);
	io_exit(MINIVM_EXIT_IO_IN, 0x3f8, 2, 1, RUN_SIZE - 1);
	CHECK_INT(dispatch(), EXIT_MALFORMED);
	io_exit(MINIVM_EXIT_IO_IN, 0x3f8, 1, 2, RUN_SIZE - 1);
	CHECK_INT(dispatch(), EXIT_MALFORMED);
	io_exit(MINIVM_EXIT_IO_IN, 0x3f8, 4, 0x40000000, 0);
	CHECK_INT(dispatch(), EXIT_MALFORMED);
	io_exit(MINIVM_EXIT_IO_IN, 0x3f8, 1, 1, ~0ULL);
	CHECK_INT(dispatch(), EXIT_MALFORMED);
	CHECK_STR(out, "");

	/* The last bytes of the area are fine. */
	io_exit(MINIVM_EXIT_IO_IN, 0x3fd, 2, 1, RUN_SIZE - 2);
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK_HEX(area.bytes[RUN_SIZE - 2], 0x60);
}

const struct test exits_tests[] = {
	{ "exits: OUT to COM1 reaches stdout's sink", exits_out_to_uart },
	{ "exits: IN leaves its data in the run area", exits_in_fills_run_area },
	{ "exits: debug-exit ends the run with (v << 1) | 1", exits_debug_exit },
	{ "exits: HLT, crashes, signals, unknown reasons", exits_other_reasons },
	{ "exits: a malformed I/O exit is refused", exits_malformed },
	{ NULL, NULL },
};
