// SPDX-License-Identifier: GPL-2.0
/* The port sink: port 0x80 and the absent 8259A PICs. */
#include "devices/port-sink.h"
#include "ioport.h"
#include "test.h"

static struct ioport_bus bus;

static void setup(void)
{
	ioport_bus_init(&bus);
	CHECK_INT(ioport_register(&bus, IO_DELAY_PORT, IO_DELAY_NR_PORTS,
				  &port_sink_ops, NULL, "io-delay"), 0);
	CHECK_INT(ioport_register(&bus, PIC_MASTER_BASE, PIC_NR_PORTS,
				  &port_sink_ops, NULL, "no-pic"), 0);
	CHECK_INT(ioport_register(&bus, PIC_SLAVE_BASE, PIC_NR_PORTS,
				  &port_sink_ops, NULL, "no-pic"), 0);
}

/* Linux's outb_p() delay: claimed, silent, nothing counted. */
static void port_sink_io_delay(void)
{
	uint8_t b = 0x12, w[2] = { 0xaa, 0xbb };

	setup();
	CHECK(ioport_out(&bus, 0x80, 1, &b));
	CHECK(ioport_in(&bus, 0x80, 1, &b));
	CHECK_HEX(b, 0xff);
	/* A word at 0x80 reaches 0x81, which nobody claims. */
	CHECK(!ioport_out(&bus, 0x80, 2, w));
	CHECK_INT(bus.unclaimed_writes, 1);
	CHECK_INT(bus.unclaimed_reads, 0);
}

/*
 * probe_8259A() (arch/x86/kernel/i8259.c): mask the slave, write 0xfb to
 * the master's IMR, read it back; anything but 0xfb means no PIC.
 */
static void port_sink_no_pic_probe(void)
{
	uint8_t mask_all = 0xff, probe = 0xfb, got = 0;

	setup();
	CHECK(ioport_out(&bus, 0xa1, 1, &mask_all));
	CHECK(ioport_out(&bus, 0x21, 1, &probe));
	CHECK(ioport_in(&bus, 0x21, 1, &got));
	CHECK(got != probe);
	CHECK_HEX(got, 0xff);
	/* The command ports too: ICW1 and OCW3 go nowhere, reads all ones. */
	CHECK(ioport_out(&bus, 0x20, 1, &mask_all));
	CHECK(ioport_in(&bus, 0xa0, 1, &got));
	CHECK_HEX(got, 0xff);
	CHECK_INT(bus.unclaimed_reads + bus.unclaimed_writes, 0);
}

const struct test port_sink_tests[] = {
	{ "port-sink: port 0x80 claimed, silent, reads 0xff", port_sink_io_delay },
	{ "port-sink: Linux's probe_8259A() reads 0xff: no PIC, nothing unclaimed",
	  port_sink_no_pic_probe },
	{ NULL, NULL },
};
