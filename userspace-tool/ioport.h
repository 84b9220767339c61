/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_IOPORT_H
#define MINIVM_RUN_IOPORT_H

#include <stdbool.h>
#include <stdint.h>

#define IOPORT_SPACE		0x10000	/* ports 0x0000 .. 0xffff */
#define IOPORT_MAX_REGIONS	16

/*
 * A device's port handlers. Accesses arrive one byte at a time, @offset
 * counting from the start of the device's range (see ioport.c for why).
 */
struct ioport_ops {
	uint8_t (*read)(void *dev, uint16_t offset);
	void (*write)(void *dev, uint16_t offset, uint8_t val);
};

struct ioport_region {
	uint32_t base;
	uint32_t len;
	const struct ioport_ops *ops;
	void *dev;
	const char *name;
};

struct ioport_bus {
	struct ioport_region regions[IOPORT_MAX_REGIONS];
	unsigned int nr;
};

void ioport_bus_init(struct ioport_bus *bus);

/*
 * Claim ports [@base, @base + @len) for a device. Returns 0, -EINVAL for an
 * empty range or one past port 0xffff, -EBUSY if it overlaps a claimed
 * range, -ENOSPC when the bus is full.
 */
int ioport_register(struct ioport_bus *bus, uint32_t base, uint32_t len,
		    const struct ioport_ops *ops, void *dev, const char *name);

/* The region that claims @port, or NULL. */
const struct ioport_region *ioport_find(const struct ioport_bus *bus,
					uint32_t port);

/*
 * One guest IN or OUT of @size bytes at @port, data little-endian in
 * @data. Bytes at unclaimed ports read as 0xff and writes to them are
 * dropped. Returns true if a device claimed every byte.
 */
bool ioport_in(struct ioport_bus *bus, uint16_t port, unsigned int size,
	       uint8_t *data);
bool ioport_out(struct ioport_bus *bus, uint16_t port, unsigned int size,
		const uint8_t *data);

#endif /* MINIVM_RUN_IOPORT_H */
