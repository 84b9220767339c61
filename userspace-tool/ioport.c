// SPDX-License-Identifier: GPL-2.0
/*
 * The port I/O bus: routes a guest's IN/OUT to the device that claimed
 * the port.
 *
 * Almost every device behind it (8250 UART, RTC, PIT, i8042, debug-exit)
 * is an 8-bit ISA device. On a PC the chipset splits a 16- or 32-bit
 * access to such a device into byte accesses at consecutive ports, lowest
 * port first, and QEMU does the same; so the bus splits, and such a device
 * handles only single bytes. "in ax, dx" at COM1's LSR therefore returns
 * LSR in AL and the next register (MSR) in AH, as on hardware.
 *
 * PCI configuration mechanism #1 is different: its address register at
 * 0xcf8 exists only for 32-bit accesses (a narrower one passes through to
 * the ISA bus), so such a device registers sized handlers and gets each
 * access whole.
 *
 * Nothing drives the ISA data bus at a port no device decodes, and its
 * pull-ups make such a read return all ones; a write goes nowhere. Guests
 * probe for hardware that way, so unclaimed ports behave like that here.
 * They are also counted, and reported to an optional hook, because a
 * guest that keeps touching a port we lack is the first thing to look at
 * when it misbehaves.
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

void ioport_set_unclaimed_hook(struct ioport_bus *bus, ioport_unclaimed_fn fn,
			       void *ctx)
{
	bus->unclaimed_hook = fn;
	bus->unclaimed_ctx = ctx;
}

int ioport_register(struct ioport_bus *bus, uint32_t base, uint32_t len,
		    const struct ioport_ops *ops, void *dev, const char *name)
{
	struct ioport_region *r;
	unsigned int i;

	if (!len || base >= IOPORT_SPACE || len > IOPORT_SPACE - base)
		return -EINVAL;
	if (!ops || (!ops->read && !ops->write && !ops->in && !ops->out))
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

static uint32_t le_value(const uint8_t *data, unsigned int size)
{
	uint32_t val = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		val |= (uint32_t)data[i] << (8 * i);
	return val;
}

static void le_store(uint8_t *data, unsigned int size, uint32_t val)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		data[i] = val >> (8 * i);
}

/*
 * The region that can take the whole access at once: it has sized
 * handlers for this direction and holds every byte of it.
 */
static const struct ioport_region *whole_region(const struct ioport_bus *bus,
						uint16_t port,
						unsigned int size, bool out)
{
	const struct ioport_region *r = ioport_find(bus, port);

	if (!r || (out ? !r->ops->out : !r->ops->in))
		return NULL;
	if ((uint32_t)port + size > r->base + r->len)
		return NULL;
	return r;
}

static void unclaimed(struct ioport_bus *bus, uint16_t port, unsigned int size,
		      bool is_write, const uint8_t *data)
{
	if (is_write)
		bus->unclaimed_writes++;
	else
		bus->unclaimed_reads++;
	if (bus->unclaimed_hook)
		bus->unclaimed_hook(bus->unclaimed_ctx, port, size, is_write,
				    le_value(data, size));
}

/*
 * Byte i of a split access goes to port + i. The result is kept in 32
 * bits: a word at 0xffff reaches past the I/O space, and that byte is
 * treated as unclaimed rather than wrapped onto port 0.
 */
static bool read_byte(const struct ioport_bus *bus, uint32_t port,
		      uint8_t *byte)
{
	const struct ioport_region *r = ioport_find(bus, port);
	uint32_t val;

	if (r && r->ops->read) {
		*byte = r->ops->read(r->dev, port - r->base);
		return true;
	}
	if (r && r->ops->in && r->ops->in(r->dev, port - r->base, 1, &val)) {
		*byte = val;
		return true;
	}
	*byte = 0xff;
	return false;
}

static bool write_byte(const struct ioport_bus *bus, uint32_t port,
		       uint8_t byte)
{
	const struct ioport_region *r = ioport_find(bus, port);

	if (r && r->ops->write) {
		r->ops->write(r->dev, port - r->base, byte);
		return true;
	}
	return r && r->ops->out && r->ops->out(r->dev, port - r->base, 1, byte);
}

bool ioport_in(struct ioport_bus *bus, uint16_t port, unsigned int size,
	       uint8_t *data)
{
	const struct ioport_region *r = whole_region(bus, port, size, false);
	bool claimed = true;
	unsigned int i;
	uint32_t val;

	if (r) {
		claimed = r->ops->in(r->dev, port - r->base, size, &val);
		le_store(data, size, claimed ? val : 0xffffffff);
	} else {
		for (i = 0; i < size; i++)
			if (!read_byte(bus, (uint32_t)port + i, &data[i]))
				claimed = false;
	}

	if (!claimed)
		unclaimed(bus, port, size, false, data);
	return claimed;
}

bool ioport_out(struct ioport_bus *bus, uint16_t port, unsigned int size,
		const uint8_t *data)
{
	const struct ioport_region *r = whole_region(bus, port, size, true);
	bool claimed = true;
	unsigned int i;

	if (r) {
		claimed = r->ops->out(r->dev, port - r->base, size,
				      le_value(data, size));
	} else {
		for (i = 0; i < size; i++)
			if (!write_byte(bus, (uint32_t)port + i, data[i]))
				claimed = false;
	}

	if (!claimed)
		unclaimed(bus, port, size, true, data);
	return claimed;
}
