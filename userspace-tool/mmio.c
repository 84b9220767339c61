// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO bus: routes a guest access to guest-physical memory that no
 * memory slot backs (the drivers report it as an MMIO exit) to the device
 * that claimed the address. Nothing claims any yet: the interrupt
 * controllers live in the kernel, and a Linux guest's probes of other
 * addresses (an absent HPET, ROM scans) must read as an empty bus.
 */
#include <errno.h>
#include <string.h>

#include "mmio.h"

void mmio_bus_init(struct mmio_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

void mmio_set_unclaimed_hook(struct mmio_bus *bus, mmio_unclaimed_fn fn,
			     void *ctx)
{
	bus->unclaimed_hook = fn;
	bus->unclaimed_ctx = ctx;
}

static bool unclaimed(struct mmio_bus *bus, uint64_t addr, uint8_t *data,
		      uint32_t len, bool write)
{
	if (write) {
		bus->unclaimed_writes++;
	} else {
		memset(data, 0xff, len);
		bus->unclaimed_reads++;
	}
	if (bus->unclaimed_hook)
		bus->unclaimed_hook(bus->unclaimed_ctx, addr, len, write, data);
	return false;
}

int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t len,
		  const struct mmio_ops *ops, void *dev, const char *name)
{
	struct mmio_region *r;
	unsigned int i;

	if (!len || base + len - 1 < base)
		return -EINVAL;

	for (i = 0; i < bus->nr; i++) {
		r = &bus->regions[i];
		if (base <= r->base + r->len - 1 && r->base <= base + len - 1)
			return -EBUSY;
	}

	if (bus->nr == MMIO_MAX_REGIONS)
		return -ENOSPC;

	r = &bus->regions[bus->nr++];
	r->base = base;
	r->len = len;
	r->ops = ops;
	r->dev = dev;
	r->name = name;
	return 0;
}

const struct mmio_region *mmio_find(const struct mmio_bus *bus,
				    uint64_t addr, uint32_t len)
{
	unsigned int i;

	if (!len)
		return NULL;
	for (i = 0; i < bus->nr; i++) {
		const struct mmio_region *r = &bus->regions[i];

		/* Written so that nothing overflows near 2^64. */
		if (addr >= r->base && addr - r->base < r->len &&
		    len - 1 <= r->len - 1 - (addr - r->base))
			return r;
	}
	return NULL;
}

bool mmio_access(struct mmio_bus *bus, uint64_t addr, uint8_t *data,
		 uint32_t len, bool write)
{
	const struct mmio_region *r = mmio_find(bus, addr, len);

	if (write) {
		if (!r || !r->ops->write)
			return unclaimed(bus, addr, data, len, true);
		r->ops->write(r->dev, addr - r->base, data, len);
		return true;
	}
	if (!r || !r->ops->read)
		return unclaimed(bus, addr, data, len, false);
	r->ops->read(r->dev, addr - r->base, data, len);
	return true;
}
