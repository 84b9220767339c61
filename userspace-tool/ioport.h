/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_IOPORT_H
#define MINIVM_RUN_IOPORT_H

#include <stdbool.h>
#include <stdint.h>

#define IOPORT_SPACE		0x10000	/* ports 0x0000 .. 0xffff */
#define IOPORT_MAX_REGIONS	16

/*
 * A device's port handlers, @offset counting from the start of the
 * device's range.
 *
 * An 8-bit device provides @read and @write: the bus splits every wider
 * access into bytes (see ioport.c for why).
 *
 * A device with registers wider than a byte (PCI configuration at 0xcf8)
 * provides @in and @out instead, and sees each access whole: @size is 1, 2
 * or 4, the value little-endian in the low @size bytes. They return false
 * for an access the device does not decode, which then behaves as one to
 * an unclaimed port. An access that straddles the end of such a device
 * still reaches it one byte at a time, through @in/@out with size 1.
 */
struct ioport_ops {
	uint8_t (*read)(void *dev, uint16_t offset);
	void (*write)(void *dev, uint16_t offset, uint8_t val);
	bool (*in)(void *dev, uint16_t offset, unsigned int size, uint32_t *val);
	bool (*out)(void *dev, uint16_t offset, unsigned int size, uint32_t val);
};

struct ioport_region {
	uint32_t base;
	uint32_t len;
	const struct ioport_ops *ops;
	void *dev;
	const char *name;
};

/*
 * Called for every access that touched a port no device claimed (at least
 * one of its bytes), after the access: @val is what the guest wrote, or
 * what it reads (all ones in the unclaimed bytes). For a --debug-io log.
 */
typedef void (*ioport_unclaimed_fn)(void *ctx, uint16_t port,
				    unsigned int size, bool is_write,
				    uint32_t val);

struct ioport_bus {
	struct ioport_region regions[IOPORT_MAX_REGIONS];
	unsigned int nr;
	/* Accesses that touched an unclaimed port, as counted for the hook. */
	uint64_t unclaimed_reads;
	uint64_t unclaimed_writes;
	ioport_unclaimed_fn unclaimed_hook;
	void *unclaimed_ctx;
};

/* An empty bus: no regions, counters at 0, no hook. */
void ioport_bus_init(struct ioport_bus *bus);

/* Call @fn (NULL: nothing) for each unclaimed access from now on. */
void ioport_set_unclaimed_hook(struct ioport_bus *bus, ioport_unclaimed_fn fn,
			       void *ctx);

/*
 * Claim ports [@base, @base + @len) for a device. Returns 0, -EINVAL for an
 * empty range or one past port 0xffff, or ops with neither byte nor sized
 * handlers, -EBUSY if it overlaps a claimed range, -ENOSPC when the bus is
 * full.
 */
int ioport_register(struct ioport_bus *bus, uint32_t base, uint32_t len,
		    const struct ioport_ops *ops, void *dev, const char *name);

/* The region that claims @port, or NULL. */
const struct ioport_region *ioport_find(const struct ioport_bus *bus,
					uint32_t port);

/*
 * One guest IN or OUT of @size (1, 2 or 4) bytes at @port, data
 * little-endian in @data. Bytes at unclaimed ports read as 0xff and writes
 * to them are dropped. Returns true if a device claimed every byte.
 */
bool ioport_in(struct ioport_bus *bus, uint16_t port, unsigned int size,
	       uint8_t *data);
bool ioport_out(struct ioport_bus *bus, uint16_t port, unsigned int size,
		const uint8_t *data);

#endif /* MINIVM_RUN_IOPORT_H */
