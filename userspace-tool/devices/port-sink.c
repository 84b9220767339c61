// SPDX-License-Identifier: GPL-2.0
/*
 * A claimed port range with nothing behind it (see port-sink.h).
 *
 * Port 0x80: Linux's outb_p()/inb_p() write it after each access as an
 * I/O delay (CONFIG_IO_DELAY_0X80, Debian's choice), hundreds of times
 * during boot; a PC's POST card would show the byte, nothing answers.
 *
 * The 8259A PICs at 0x20-0x21 and 0xa0-0xa1: minivm has none (api.rst
 * 6.11: the guest uses the I/O APIC). Linux's probe_8259A() masks the
 * slave (0xff to 0xa1), writes 0xfb to the master's mask register 0x21
 * and reads it back; reading all ones instead, it prints "Using NULL
 * legacy PIC" (KERN_INFO) and never touches the ports again, with no
 * timeout and no warning. Answering all ones is what an absent chip on
 * the ISA bus does, so that is all a "no PIC" device has to do. (The
 * probe is skipped only when ACPI's MADT sets PCAT_COMPAT; there is no
 * MADT here.)
 */
#include "devices/port-sink.h"

static uint8_t sink_read(void *dev, uint16_t offset)
{
	(void)dev;
	(void)offset;
	return 0xff;
}

static void sink_write(void *dev, uint16_t offset, uint8_t val)
{
	(void)dev;
	(void)offset;
	(void)val;
}

const struct ioport_ops port_sink_ops = {
	.read	= sink_read,
	.write	= sink_write,
};
