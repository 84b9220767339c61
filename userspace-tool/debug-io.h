/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --debug-io: one line on stderr for every port or MMIO access no device
 * claims (the buses' unclaimed hooks), and their numbers when the run
 * ends. A guest that keeps touching hardware we lack is the first thing
 * to look at when it misbehaves. The lines are made here, pure; main()
 * prints them with the "minivm-run: " prefix.
 */
#ifndef MINIVM_RUN_DEBUG_IO_H
#define MINIVM_RUN_DEBUG_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ioport.h"
#include "mmio.h"

/* "debug-io: unclaimed in port 0x02f9 size 1 data 0xff" */
void debug_io_port_line(char *buf, size_t len, uint16_t port, unsigned int size,
			bool is_write, uint32_t val);

/* "debug-io: unclaimed MMIO read 0xfed00000 size 4 data 0xffffffff" */
void debug_io_mmio_line(char *buf, size_t len, uint64_t addr, uint32_t size,
			bool is_write, const uint8_t *data);

/* "debug-io: unclaimed accesses: 3 port reads, 1 port write, 0 MMIO reads, ..." */
void debug_io_summary_line(char *buf, size_t len, const struct ioport_bus *io,
			   const struct mmio_bus *mmio);

#endif /* MINIVM_RUN_DEBUG_IO_H */
