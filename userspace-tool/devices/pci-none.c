// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration mechanism #1 with nothing behind it: a host bridge's
 * two registers, and no device on any bus, not even the bridge itself.
 *
 * Linux's pci_check_type1() writes 0x80000000 to CONFIG_ADDRESS with a
 * 32-bit OUT and expects to read it back; it then reads the vendor and
 * class of every function on bus 0 (pci_sanity_check()) and, finding
 * all ones, no host bridge, no VGA and no Intel or Compaq vendor, gives
 * up on mechanism #1. Mechanism #2 fails its first test too (below), so
 * the kernel settles, after some 500 config reads, on "no PCI" instead
 * of probing buses that do not exist.
 *
 * CONFIG_ADDRESS exists only for 32-bit accesses at 0xcf8: a byte or
 * word access to 0xcf8-0xcfb passes through to the ISA bus as on Intel's
 * chipsets, here unclaimed (all ones, and counted). That is also what
 * makes mechanism #2's probe, which writes bytes at 0xcf8 and 0xcfa and
 * expects to read back 0, fail at once. The reserved bits (30-24, 1-0)
 * read as 0. Port 0xcf9's reset control register of PIIX/ICH chipsets is
 * not emulated.
 *
 * CONFIG_DATA reads all ones at any width and offset, and drops writes,
 * while CONFIG_ADDRESS's enable bit is set; with it clear the accesses
 * pass through to the ISA bus too (unclaimed: the same all ones, but
 * counted).
 */
#include "devices/pci-none.h"

void pci_none_init(struct pci_none *pci)
{
	pci->address = 0;
}

static bool address_in(void *dev, uint16_t offset, unsigned int size,
		       uint32_t *val)
{
	struct pci_none *pci = dev;

	if (offset != 0 || size != 4)
		return false;
	*val = pci->address;
	return true;
}

static bool address_out(void *dev, uint16_t offset, unsigned int size,
			uint32_t val)
{
	struct pci_none *pci = dev;

	if (offset != 0 || size != 4)
		return false;
	pci->address = val & PCI_CONFIG_ADDRESS_MASK;
	return true;
}

static bool data_in(void *dev, uint16_t offset, unsigned int size,
		    uint32_t *val)
{
	struct pci_none *pci = dev;

	(void)offset;
	(void)size;
	if (!(pci->address & PCI_CONFIG_ENABLE))
		return false;
	/* No function anywhere: a read of its config space is all ones. */
	*val = 0xffffffff;
	return true;
}

static bool data_out(void *dev, uint16_t offset, unsigned int size,
		     uint32_t val)
{
	struct pci_none *pci = dev;

	(void)offset;
	(void)size;
	(void)val;
	return pci->address & PCI_CONFIG_ENABLE;
}

const struct ioport_ops pci_none_address_ops = {
	.in	= address_in,
	.out	= address_out,
};

const struct ioport_ops pci_none_data_ops = {
	.in	= data_in,
	.out	= data_out,
};
