/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Binary statistics files as a driver hands them out (minivm's layout,
 * which is KVM's: api.rst 6.12), built from a table, for the unit tests
 * of stats.c and for the fake drivers' MINIVM_GET_STATS_FD and
 * KVM_GET_STATS_FD.
 */
#ifndef MINIVM_RUN_FAKE_STATS_H
#define MINIVM_RUN_FAKE_STATS_H

#include <stddef.h>
#include <stdint.h>

struct fake_stat {
	const char *name;
	uint32_t flags;
	int16_t exponent;
	uint16_t size;			/* values; 0 is taken as 1 */
	uint32_t bucket_size;
	const uint64_t *values;		/* @size of them; NULL: all zero */
	uint64_t value;			/* the value when @values is NULL */
};

#define FAKE_STATS_NAME_SIZE	48

/*
 * The file for @n statistics with id @id: header, id, descriptors, data,
 * back to back (as minivm lays it out). Writes at most @room bytes of it
 * to @buf and returns its whole size.
 */
size_t fake_stats_image(uint8_t *buf, size_t room, const char *id,
			const struct fake_stat *st, unsigned int n);
/* The same as a file descriptor that pread() reads (a memfd), or -1. */
int fake_stats_fd(const char *id, const struct fake_stat *st, unsigned int n);
/* @len bytes of @buf as such a descriptor, or -1. */
int fake_stats_fd_of(const uint8_t *buf, size_t len);

#endif /* MINIVM_RUN_FAKE_STATS_H */
