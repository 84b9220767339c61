/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_SIZE_H
#define MINIVM_RUN_SIZE_H

#include <stddef.h>
#include <stdint.h>

#define SZ_4K	0x1000ULL
#define SZ_64K	0x10000ULL
#define SZ_128K	0x20000ULL
#define SZ_1M	0x100000ULL
#define SZ_16M	0x1000000ULL
#define SZ_1G	0x40000000ULL
#define SZ_64G	0x1000000000ULL

/* Why parse_size() refused a string; 0 means it did not. */
enum size_error {
	SIZE_OK = 0,
	SIZE_ERR_SYNTAX,	/* not <digits>[K|M|G] */
	SIZE_ERR_ZERO,
	SIZE_ERR_TOO_SMALL,	/* below @min */
	SIZE_ERR_TOO_LARGE,	/* above @max, or beyond 64 bits */
	SIZE_ERR_ALIGN,		/* not a multiple of @align */
};

/*
 * Parse a byte count written as decimal digits with an optional binary
 * suffix K, M or G (either case): "65536", "64K", "16M", "1G". The result
 * must lie in [@min, @max] and be a multiple of @align (a power of two).
 */
enum size_error parse_size(const char *s, uint64_t min, uint64_t max,
			   uint64_t align, uint64_t *out);

/*
 * Write @size the way a user would type it: with the largest suffix that
 * divides it exactly ("128K", "16M", "65537"). Returns @buf.
 */
char *format_size(uint64_t size, char *buf, size_t len);

#endif /* MINIVM_RUN_SIZE_H */
