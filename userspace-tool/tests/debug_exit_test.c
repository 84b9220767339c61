// SPDX-License-Identifier: GPL-2.0
/* The debug-exit device. */
#include "devices/debug-exit.h"
#include "ioport.h"
#include "test.h"

static void debug_exit_records_first_write(void)
{
	struct debug_exit dx;

	debug_exit_init(&dx);
	CHECK(!dx.triggered);
	debug_exit_ops.write(&dx, 0, 42);
	CHECK(dx.triggered);
	CHECK_INT(dx.value, 42);
	debug_exit_ops.write(&dx, 0, 7);
	CHECK_INT(dx.value, 42);
}

static void debug_exit_reads_zero(void)
{
	struct debug_exit dx;

	debug_exit_init(&dx);
	CHECK_HEX(debug_exit_ops.read(&dx, 0), 0);
	CHECK(!dx.triggered);
}

static void debug_exit_port(void)
{
	CHECK_HEX(DEBUG_EXIT_PORT, 0xf4);
	CHECK_INT(DEBUG_EXIT_NR_PORTS, 1);
}

/* A wider OUT is split: its low byte is the value, the rest goes nowhere. */
static void debug_exit_wide_access(void)
{
	struct ioport_bus bus;
	struct debug_exit dx;
	uint8_t d[4] = { 0x2a, 0x07, 0x00, 0x00 };

	debug_exit_init(&dx);
	ioport_bus_init(&bus);
	ioport_register(&bus, DEBUG_EXIT_PORT, DEBUG_EXIT_NR_PORTS,
			&debug_exit_ops, &dx, "debug-exit");
	CHECK(!ioport_in(&bus, DEBUG_EXIT_PORT, 2, d));
	CHECK_HEX(d[0], 0x00);
	CHECK_HEX(d[1], 0xff);
	CHECK(!dx.triggered);
	d[0] = 0x2a;
	d[1] = 0x07;
	CHECK(!ioport_out(&bus, DEBUG_EXIT_PORT, 4, d));
	CHECK(dx.triggered);
	CHECK_INT(dx.value, 0x2a);
	CHECK_INT(bus.unclaimed_writes, 1);
}

const struct test debug_exit_tests[] = {
	{ "debug-exit: a write triggers it, the first value wins", debug_exit_records_first_write },
	{ "debug-exit: reads return 0 and do not trigger", debug_exit_reads_zero },
	{ "debug-exit: QEMU's port 0xf4, one port wide", debug_exit_port },
	{ "debug-exit: a wide OUT ends the run with its low byte", debug_exit_wide_access },
	{ NULL, NULL },
};
