/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Binary statistics files, as MINIVM_GET_STATS_FD / MINIVM_GET_VCPU_STATS_FD
 * (Documentation/api.rst, 6.12) and KVM's KVM_GET_STATS_FD give them: one
 * layout for both (accel/kvm.c checks that KVM's structures are minivm's),
 * so one reader serves both drivers. Everything a statistic is comes from
 * its descriptor: this code knows no statistic by name.
 *
 * Pure apart from stats_read_fd(), which only pread()s a descriptor it is
 * given: the unit tests feed it crafted files.
 */
#ifndef MINIVM_RUN_STATS_H
#define MINIVM_RUN_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The longest name (id string or statistic) kept, NUL included. */
#define STATS_NAME_MAX		256
/* Larger files are refused (a real one is a few KiB). */
#define STATS_FILE_MAX		(16U << 20)

struct stats_item {
	char name[STATS_NAME_MAX];
	uint32_t flags;			/* MINIVM_STATS_TYPE_* | UNIT_* | BASE_* */
	int16_t exponent;
	uint32_t size;			/* values: 1, or a histogram's buckets */
	uint32_t bucket_size;		/* linear histograms */
	const uint64_t *values;		/* into stats_set.values */
};

struct stats_set {
	char id[STATS_NAME_MAX];
	unsigned int nr;
	struct stats_item *items;
	uint64_t *values;
};

/*
 * Read a whole statistics file from offset 0 until pread() returns 0:
 * 0 with a malloc()ed @buf of @len bytes, or -errno (-EFBIG past
 * STATS_FILE_MAX).
 */
int stats_read_fd(int fd, uint8_t **buf, size_t *len);

/*
 * Check and decode a file read whole. 0, or -EPROTO with the reason in
 * @why when a part lies outside the file or a name is not NUL-terminated
 * (a driver bug: nothing of it is used), or -ENOMEM.
 */
int stats_parse(const uint8_t *buf, size_t len, struct stats_set *set,
		char *why, size_t whylen);
void stats_free(struct stats_set *set);

/*
 * The unit of a value as its descriptor gives it, for a reader ("ns",
 * "KiB", "x10^3", ...); "" for a plain number or a boolean.
 */
void stats_unit(uint32_t flags, int16_t exponent, char *out, size_t len);

/*
 * One line per non-zero value, "SCOPE NAME VALUE[ UNIT]"; a histogram
 * gives one line per non-zero bucket, "SCOPE NAME[LOW,HIGH) COUNT" (HIGH
 * "inf" for the last bucket; other statistics of several values
 * "NAME[i]"). @emit gets each line without a newline. Returns how many.
 */
typedef void (*stats_emit_fn)(void *ctx, const char *line);
unsigned int stats_lines(const struct stats_set *set, const char *scope,
			 stats_emit_fn emit, void *ctx);

#endif /* MINIVM_RUN_STATS_H */
