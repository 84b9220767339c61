// SPDX-License-Identifier: GPL-2.0
/* The lines --debug-io prints (see debug-io.h). */
#include <stdio.h>

#include "debug-io.h"

void debug_io_port_line(char *buf, size_t len, uint16_t port, unsigned int size,
			bool is_write, uint32_t val)
{
	/* The -v exit trace's wording, so the two can be grepped alike. */
	snprintf(buf, len, "debug-io: unclaimed %s port 0x%04x size %u data 0x%0*x",
		 is_write ? "out" : "in", port, size, (int)size * 2, val);
}

void debug_io_mmio_line(char *buf, size_t len, uint64_t addr, uint32_t size,
			bool is_write, const uint8_t *data)
{
	uint64_t val = 0;
	uint32_t i;

	for (i = 0; i < size && i < 8; i++)
		val |= (uint64_t)data[i] << (8 * i);
	snprintf(buf, len, "debug-io: unclaimed MMIO %s 0x%llx size %u data 0x%0*llx",
		 is_write ? "write" : "read", (unsigned long long)addr, size,
		 (int)size * 2, (unsigned long long)val);
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void debug_io_summary_line(char *buf, size_t len, const struct ioport_bus *io,
			   const struct mmio_bus *mmio)
{
	snprintf(buf, len,
		 "debug-io: unclaimed accesses: %llu port read%s, %llu port write%s, %llu MMIO read%s, %llu MMIO write%s",
		 (unsigned long long)io->unclaimed_reads, plural(io->unclaimed_reads),
		 (unsigned long long)io->unclaimed_writes, plural(io->unclaimed_writes),
		 (unsigned long long)mmio->unclaimed_reads, plural(mmio->unclaimed_reads),
		 (unsigned long long)mmio->unclaimed_writes, plural(mmio->unclaimed_writes));
}
