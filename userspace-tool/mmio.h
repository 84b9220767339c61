/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_MMIO_H
#define MINIVM_RUN_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#define MMIO_MAX_REGIONS	16

/*
 * A device's MMIO handlers: one guest access of @len bytes (1, 2, 4 or
 * 8), little-endian in @data, @offset counting from the start of the
 * device's range. Unlike port I/O, accesses are not split: a memory-mapped
 * register is as wide as the device says it is.
 */
struct mmio_ops {
	void (*read)(void *dev, uint64_t offset, uint8_t *data, uint32_t len);
	void (*write)(void *dev, uint64_t offset, const uint8_t *data, uint32_t len);
};

struct mmio_region {
	uint64_t base;
	uint64_t len;
	const struct mmio_ops *ops;
	void *dev;
	const char *name;
};

/*
 * As for ports (ioport.h): called after every access no device claims,
 * @data holding what was written or what the guest reads (all ones).
 */
typedef void (*mmio_unclaimed_fn)(void *ctx, uint64_t addr, uint32_t len,
				  bool is_write, const uint8_t *data);

struct mmio_bus {
	struct mmio_region regions[MMIO_MAX_REGIONS];
	unsigned int nr;
	uint64_t unclaimed_reads;
	uint64_t unclaimed_writes;
	mmio_unclaimed_fn unclaimed_hook;
	void *unclaimed_ctx;
};

void mmio_bus_init(struct mmio_bus *bus);

/* Call @fn (NULL: nothing) for each unclaimed access from now on. */
void mmio_set_unclaimed_hook(struct mmio_bus *bus, mmio_unclaimed_fn fn,
			     void *ctx);

/*
 * Claim guest-physical [@base, @base + @len) for a device. Returns 0,
 * -EINVAL for an empty range or one that wraps, -EBUSY if it overlaps a
 * claimed range, -ENOSPC when the bus is full.
 */
int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t len,
		  const struct mmio_ops *ops, void *dev, const char *name);

/* The region that holds all of [@addr, @addr + @len), or NULL. */
const struct mmio_region *mmio_find(const struct mmio_bus *bus,
				    uint64_t addr, uint32_t len);

/*
 * One guest access. An access no device claims (whole) reads as all ones,
 * as an unclaimed bus does on a PC, and a write to it goes nowhere; it is
 * counted and passed to the hook. Returns true if a device claimed it.
 */
bool mmio_access(struct mmio_bus *bus, uint64_t addr, uint8_t *data,
		 uint32_t len, bool write);

#endif /* MINIVM_RUN_MMIO_H */
