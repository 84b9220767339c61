// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration mechanism #1 with no devices: the address register's
 * width and reserved bits, all-ones data, and Linux's type 1 and type 2
 * probes failing cleanly.
 */
#include "ioport.h"
#include "devices/pci-none.h"
#include "test.h"

static struct ioport_bus bus;
static struct pci_none pci;

static void setup(void)
{
	pci_none_init(&pci);
	ioport_bus_init(&bus);
	CHECK_INT(ioport_register(&bus, PCI_CONFIG_ADDRESS, PCI_CONFIG_NR_PORTS,
				  &pci_none_address_ops, &pci, "pci addr"), 0);
	CHECK_INT(ioport_register(&bus, PCI_CONFIG_DATA, PCI_CONFIG_NR_PORTS,
				  &pci_none_data_ops, &pci, "pci data"), 0);
}

static bool out(uint16_t port, unsigned int size, uint32_t val)
{
	uint8_t d[4] = { val, val >> 8, val >> 16, val >> 24 };

	return ioport_out(&bus, port, size, d);
}

static uint32_t in(uint16_t port, unsigned int size)
{
	uint8_t d[4] = { 0 };

	ioport_in(&bus, port, size, d);
	return d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24;
}

static void pci_address_register(void)
{
	setup();
	CHECK_HEX(in(0xcf8, 4), 0);
	CHECK(out(0xcf8, 4, 0x80000000));
	CHECK_HEX(in(0xcf8, 4), 0x80000000);
	/* Reserved bits 30-24 and 1-0 read as 0. */
	CHECK(out(0xcf8, 4, 0xffffffff));
	CHECK_HEX(in(0xcf8, 4), 0x80fffffc);
	CHECK(out(0xcf8, 4, 0x8001f80b));
	CHECK_HEX(in(0xcf8, 4), 0x8001f808);

	/* Bytes and words pass through to nothing, and are counted. */
	CHECK(!out(0xcf8, 1, 0x00));
	CHECK(!out(0xcfa, 2, 0x0000));
	CHECK(!out(0xcfb, 1, 0x01));
	CHECK_HEX(in(0xcf8, 4), 0x8001f808);
	CHECK_HEX(in(0xcf8, 1), 0xff);
	CHECK_HEX(in(0xcf8, 2), 0xffff);
	CHECK_HEX(in(0xcf9, 1), 0xff);
	CHECK_INT(bus.unclaimed_writes, 3);
	CHECK_INT(bus.unclaimed_reads, 3);
	/* A dword at 0xcf9 reaches 0xcfc: bytes, none of them decoded. */
	CHECK_HEX(in(0xcf9, 4), 0xffffffff);
}

static void pci_data_all_ones(void)
{
	unsigned int off;

	setup();
	/* Enabled: claimed, all ones at every width and offset. */
	out(0xcf8, 4, 0x80000000);
	for (off = 0; off < 4; off++) {
		CHECK_HEX(in(0xcfc + off, 1), 0xff);
		if (off <= 2)
			CHECK_HEX(in(0xcfc + off, 2), 0xffff);
	}
	CHECK_HEX(in(0xcfc, 4), 0xffffffff);
	CHECK(out(0xcfc, 4, 0x12345678));	/* dropped */
	CHECK(out(0xcfe, 2, 0x1234));
	CHECK(out(0xcff, 1, 0x12));
	CHECK_HEX(in(0xcfc, 4), 0xffffffff);
	CHECK_INT(bus.unclaimed_reads, 0);
	CHECK_INT(bus.unclaimed_writes, 0);
	/* Every bus, device and function. */
	out(0xcf8, 4, 0x80ff0000 | 31 << 11 | 7 << 8 | 0xfc);
	CHECK_HEX(in(0xcfc, 4), 0xffffffff);

	/* Past the data port's end, a dword is split: 0xd00 is not ours. */
	CHECK_HEX(in(0xcfe, 4), 0xffffffff);
	CHECK_INT(bus.unclaimed_reads, 1);

	/* Enable bit clear: ordinary ISA cycles, unclaimed, all ones. */
	out(0xcf8, 4, 0x00000000);
	CHECK_HEX(in(0xcfc, 4), 0xffffffff);
	CHECK(!out(0xcfc, 4, 0));
	CHECK_INT(bus.unclaimed_reads, 2);
	CHECK_INT(bus.unclaimed_writes, 1);
}

/* arch/x86/pci/direct.c: pci_check_type1() and pci_sanity_check(). */
static void pci_linux_type1_probe(void)
{
	uint32_t tmp, class, vendor;
	bool works = false, sane = false;
	unsigned int devfn;

	setup();
	out(0xcfb, 1, 0x01);
	tmp = in(0xcf8, 4);
	out(0xcf8, 4, 0x80000000);
	if (in(0xcf8, 4) == 0x80000000) {
		works = true;
		for (devfn = 0; devfn < 0x100; devfn++) {
			/* Class at 0x0a, vendor at 0x00: word reads. */
			out(0xcf8, 4, 0x80000000 | devfn << 8 | 0x08);
			class = in(0xcfc + 2, 2);
			if (class == 0x0600 || class == 0x0300)
				sane = true;
			out(0xcf8, 4, 0x80000000 | devfn << 8 | 0x00);
			vendor = in(0xcfc, 2);
			if (vendor == 0x8086 || vendor == 0x0e11)
				sane = true;
		}
	}
	out(0xcf8, 4, tmp);
	CHECK(works);		/* the address register is there ... */
	CHECK(!sane);		/* ... but no host bridge: type 1 is not used */
	CHECK_HEX(in(0xcf8, 4), 0);	/* restored */
}

/* pci_check_type2(): bytes at 0xcf8 and 0xcfa must read back 0. */
static void pci_linux_type2_probe(void)
{
	setup();
	out(0xcfb, 1, 0x00);
	out(0xcf8, 1, 0x00);
	out(0xcfa, 1, 0x00);
	CHECK(!(in(0xcf8, 1) == 0x00 && in(0xcfa, 1) == 0x00));
}

const struct test pci_none_tests[] = {
	{ "pci-none: CONFIG_ADDRESS is 32-bit only, reserved bits 0", pci_address_register },
	{ "pci-none: CONFIG_DATA reads all ones, drops writes", pci_data_all_ones },
	{ "pci-none: Linux's type 1 probe finds no host bridge", pci_linux_type1_probe },
	{ "pci-none: Linux's type 2 probe fails at once", pci_linux_type2_probe },
	{ NULL, NULL },
};
