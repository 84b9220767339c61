// SPDX-License-Identifier: GPL-2.0
/*
 * The port I/O bus: routes a guest's IN/OUT to the device that claimed
 * the port.
 *
 * Every device behind it today (8250 UART, debug-exit) is an 8-bit ISA
 * device. On a PC the chipset splits a 16- or 32-bit access to such a
 * device into byte accesses at consecutive ports, lowest port first, and
 * QEMU does the same; so the bus always splits, and a device handles only
 * single bytes. "in ax, dx" at COM1's LSR therefore returns LSR in AL and
 * the next register (MSR) in AH, as on hardware. A device with wider
 * registers (PCI configuration at 0xcf8) will need an access width in
 * struct ioport_ops; none exists yet.
 *
 * Nothing drives the ISA data bus at a port no device decodes, and its
 * pull-ups make such a read return all ones; a write goes nowhere. Guests
 * probe for hardware that way, so unclaimed ports behave like that here.
 *
 * A linear table is enough: a handful of devices, and every access already
 * cost a VM exit that dwarfs the lookup.
 */
#include <errno.h>
#include <string.h>

#include "ioport.h"

void ioport_bus_init(struct ioport_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

int ioport_register(struct ioport_bus *bus, uint32_t base, uint32_t len,
		    const struct ioport_ops *ops, void *dev, const char *name)
{
	struct ioport_region *r;
	unsigned int i;

	if (!len || base >= IOPORT_SPACE || len > IOPORT_SPACE - base)
		return -EINVAL;

	for (i = 0; i < bus->nr; i++) {
		r = &bus->regions[i];
		if (base < r->base + r->len && r->base < base + len)
			return -EBUSY;
	}

	if (bus->nr == IOPORT_MAX_REGIONS)
		return -ENOSPC;

	r = &bus->regions[bus->nr++];
	r->base = base;
	r->len = len;
	r->ops = ops;
	r->dev = dev;
	r->name = name;
	return 0;
}

const struct ioport_region *ioport_find(const struct ioport_bus *bus,
					uint32_t port)
{
	unsigned int i;

	for (i = 0; i < bus->nr; i++) {
		const struct ioport_region *r = &bus->regions[i];

		if (port >= r->base && port - r->base < r->len)
			return r;
	}
	return NULL;
}

/*
 * Byte i of a wide access goes to port + i. The result is kept in 32 bits:
 * a word at 0xffff reaches past the I/O space, and that byte is treated as
 * unclaimed rather than wrapped onto port 0.
 */
bool ioport_in(struct ioport_bus *bus, uint16_t port, unsigned int size,
	       uint8_t *data)
{
	bool claimed = true;
	unsigned int i;

	for (i = 0; i < size; i++) {
		const struct ioport_region *r = ioport_find(bus, port + i);

		if (r && r->ops->read) {
			data[i] = r->ops->read(r->dev, port + i - r->base);
		} else {
			data[i] = 0xff;
			claimed = false;
		}
	}
	return claimed;
}

bool ioport_out(struct ioport_bus *bus, uint16_t port, unsigned int size,
		const uint8_t *data)
{
	bool claimed = true;
	unsigned int i;

	for (i = 0; i < size; i++) {
		const struct ioport_region *r = ioport_find(bus, port + i);

		if (r && r->ops->write)
			r->ops->write(r->dev, port + i - r->base, data[i]);
		else
			claimed = false;
	}
	return claimed;
}
