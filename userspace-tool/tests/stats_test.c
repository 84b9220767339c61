// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c: binary statistics files (minivm's and KVM's layout) decoded
 * and printed from their descriptors alone, malformed files refused
 * before anything is read out of bounds, units, histograms.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/minivm.h>

#include "fake-stats.h"
#include "stats.h"
#include "test.h"

#define COUNTER	(MINIVM_STATS_TYPE_CUMULATIVE | MINIVM_STATS_UNIT_NONE | \
		 MINIVM_STATS_BASE_POW10)
#define NS	(MINIVM_STATS_TYPE_CUMULATIVE | MINIVM_STATS_UNIT_SECONDS | \
		 MINIVM_STATS_BASE_POW10)

static const uint64_t hist_values[] = { 0, 3, 0, 1 };

static const struct fake_stat sample[] = {
	{ .name = "exits", .flags = COUNTER, .value = 42 },
	{ .name = "io_exits", .flags = COUNTER, .value = 0 },
	{ .name = "pages_mapped", .flags = MINIVM_STATS_TYPE_INSTANT, .value = 7 },
	{ .name = "halt_wait_ns", .flags = NS, .exponent = -9, .value = 1500 },
	{ .name = "wait_hist", .flags = MINIVM_STATS_TYPE_LOG_HIST | NS,
	  .exponent = -9, .size = 4, .values = hist_values },
	{ .name = "size_hist", .flags = MINIVM_STATS_TYPE_LINEAR_HIST,
	  .size = 4, .bucket_size = 10, .values = hist_values },
	{ .name = "dead", .flags = MINIVM_STATS_TYPE_INSTANT |
	  MINIVM_STATS_UNIT_BOOLEAN, .value = 1 },
};

static uint8_t file[8192];
static size_t file_len;
static struct stats_set set;
static char why[256];

static void build(void)
{
	file_len = fake_stats_image(file, sizeof(file), "minivm-12-3/vcpu-0",
				    sample, ARRAY_SIZE(sample));
}

static int parse(size_t len)
{
	why[0] = '\0';
	stats_free(&set);
	return stats_parse(file, len, &set, why, sizeof(why));
}

static struct minivm_stats_header *hdr(void)
{
	return (struct minivm_stats_header *)file;
}

static struct minivm_stats_desc *desc(unsigned int i)
{
	return (struct minivm_stats_desc *)(file + hdr()->desc_offset +
		i * (sizeof(struct minivm_stats_desc) + hdr()->name_size));
}

static void stats_parse_good(void)
{
	build();
	CHECK_INT(parse(file_len), 0);
	CHECK_STR(set.id, "minivm-12-3/vcpu-0");
	CHECK_INT(set.nr, ARRAY_SIZE(sample));
	CHECK_STR(set.items[0].name, "exits");
	CHECK_INT(set.items[0].values[0], 42);
	CHECK_INT(set.items[0].size, 1);
	CHECK_STR(set.items[3].name, "halt_wait_ns");
	CHECK_HEX(set.items[3].flags, NS);
	CHECK_INT(set.items[3].exponent, -9);
	CHECK_INT(set.items[4].size, 4);
	CHECK_INT(set.items[4].values[1], 3);
	CHECK_INT(set.items[4].values[3], 1);
	CHECK_INT(set.items[5].bucket_size, 10);
	stats_free(&set);
	CHECK(!set.items && !set.nr);
}

/* KVM puts the data where its header says, not right after: follow it. */
static void stats_parse_follows_offsets(void)
{
	uint8_t moved[sizeof(file) + 64];
	struct minivm_stats_header *h = (struct minivm_stats_header *)moved;

	build();
	memcpy(moved, file, hdr()->data_offset);
	memset(moved + hdr()->data_offset, 0xee, 40);
	memcpy(moved + hdr()->data_offset + 40, file + hdr()->data_offset,
	       file_len - hdr()->data_offset);
	h->data_offset += 40;
	stats_free(&set);
	CHECK_INT(stats_parse(moved, file_len + 40, &set, why, sizeof(why)), 0);
	CHECK_INT(set.items[0].values[0], 42);
	CHECK_INT(set.items[6].values[0], 1);
}

static void stats_parse_malformed(void)
{
	build();
	CHECK_INT(parse(sizeof(struct minivm_stats_header) - 1), -EPROTO);
	CHECK_CONTAINS(why, "shorter than the 24-byte header");

	/* cut anywhere: refused, never read past the end */
	CHECK_INT(parse(hdr()->id_offset + 10), -EPROTO);
	CHECK_CONTAINS(why, "the id string");
	CHECK_INT(parse(hdr()->desc_offset + 70), -EPROTO);
	CHECK_CONTAINS(why, "descriptors");
	CHECK_INT(parse(file_len - 1), -EPROTO);
	CHECK_CONTAINS(why, "values of 'dead'");

	build();
	hdr()->name_size = 0;
	CHECK_INT(parse(file_len), -EPROTO);
	CHECK_CONTAINS(why, "name size 0");

	build();
	memset(file + hdr()->id_offset, 'x', hdr()->name_size);
	CHECK_INT(parse(file_len), -EPROTO);
	CHECK_CONTAINS(why, "id string is not NUL-terminated");

	build();
	memset(desc(2)->name, 'x', hdr()->name_size);
	CHECK_INT(parse(file_len), -EPROTO);
	CHECK_CONTAINS(why, "descriptor 2 is not NUL-terminated");

	build();
	desc(1)->offset = 0xfffffff0;
	CHECK_INT(parse(file_len), -EPROTO);
	CHECK_CONTAINS(why, "'io_exits'");

	build();
	desc(4)->size = 0xffff;
	CHECK_INT(parse(file_len), -EPROTO);

	build();
	hdr()->num_desc = 0xffffffff;
	CHECK_INT(parse(file_len), -EPROTO);

	build();
	hdr()->data_offset = file_len + 1;
	CHECK_INT(parse(file_len), -EPROTO);
	CHECK_CONTAINS(why, "data");

	/* a file without statistics is fine, and prints nothing */
	file_len = fake_stats_image(file, sizeof(file), "kvm-1", NULL, 0);
	CHECK_INT(parse(file_len), 0);
	CHECK_INT(set.nr, 0);
	stats_free(&set);
}

static const char *unit(uint32_t flags, int exponent)
{
	static char buf[64];

	stats_unit(flags, exponent, buf, sizeof(buf));
	return buf;
}

static void stats_units(void)
{
	CHECK_STR(unit(MINIVM_STATS_UNIT_NONE, 0), "");
	CHECK_STR(unit(MINIVM_STATS_UNIT_SECONDS, 0), "s");
	CHECK_STR(unit(MINIVM_STATS_UNIT_SECONDS, -9), "ns");
	CHECK_STR(unit(MINIVM_STATS_UNIT_SECONDS, -6), "us");
	CHECK_STR(unit(MINIVM_STATS_UNIT_SECONDS, -3), "ms");
	CHECK_STR(unit(MINIVM_STATS_UNIT_SECONDS, -2), "x10^-2 s");
	CHECK_STR(unit(MINIVM_STATS_UNIT_BYTES, 0), "B");
	CHECK_STR(unit(MINIVM_STATS_UNIT_BYTES | MINIVM_STATS_BASE_POW2, 10), "KiB");
	CHECK_STR(unit(MINIVM_STATS_UNIT_BYTES | MINIVM_STATS_BASE_POW2, 12), "x2^12 B");
	CHECK_STR(unit(MINIVM_STATS_UNIT_BYTES, 6), "MB");
	CHECK_STR(unit(MINIVM_STATS_UNIT_CYCLES, 0), "cycles");
	CHECK_STR(unit(MINIVM_STATS_UNIT_CYCLES, 3), "kcycles");
	CHECK_STR(unit(MINIVM_STATS_UNIT_NONE, 3), "x10^3");
	CHECK_STR(unit(MINIVM_STATS_UNIT_BOOLEAN, 0), "");
	CHECK_STR(unit(9U << MINIVM_STATS_UNIT_SHIFT, 0), "(unit 9)");
	CHECK_STR(unit(MINIVM_STATS_UNIT_SECONDS | 5U << MINIVM_STATS_BASE_SHIFT, -9),
		  "(base 5, exponent -9) s");
}

static char lines[4096];

static void collect(void *ctx, const char *line)
{
	size_t used = strlen(lines);

	(void)ctx;
	snprintf(lines + used, sizeof(lines) - used, "%s\n", line);
}

static void stats_printed_lines(void)
{
	build();
	CHECK_INT(parse(file_len), 0);
	lines[0] = '\0';
	CHECK_INT(stats_lines(&set, "vcpu0", collect, NULL), 8);
	CHECK_STR(lines,
		  "vcpu0 exits 42\n"
		  "vcpu0 pages_mapped 7\n"
		  "vcpu0 halt_wait_ns 1500 ns\n"
		  "vcpu0 wait_hist[1,2) 3\n"
		  "vcpu0 wait_hist[4,inf) 1\n"
		  "vcpu0 size_hist[10,20) 3\n"
		  "vcpu0 size_hist[30,inf) 1\n"
		  "vcpu0 dead 1\n");
	stats_free(&set);
}

/* Several values that are not a histogram: by index. */
static void stats_printed_arrays(void)
{
	static const uint64_t v[] = { 5, 0, 6 };
	static const struct fake_stat arr[] = {
		{ .name = "per_level", .flags = MINIVM_STATS_TYPE_INSTANT,
		  .size = 3, .values = v },
		{ .name = "log0", .flags = MINIVM_STATS_TYPE_LOG_HIST,
		  .size = 2, .values = v },
	};

	file_len = fake_stats_image(file, sizeof(file), "x", arr, ARRAY_SIZE(arr));
	CHECK_INT(parse(file_len), 0);
	lines[0] = '\0';
	CHECK_INT(stats_lines(&set, "vm", collect, NULL), 3);
	CHECK_STR(lines, "vm per_level[0] 5\nvm per_level[2] 6\nvm log0[0,1) 5\n");
	stats_free(&set);
}

/* Read whole through pread(), however large, and errors as -errno. */
static void stats_read_whole(void)
{
	static struct fake_stat many[200];
	static char names[200][16];
	uint8_t *buf;
	size_t len;
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(many); i++) {
		snprintf(names[i], sizeof(names[i]), "stat%u", i);
		many[i] = (struct fake_stat){ .name = names[i], .flags = COUNTER,
					      .value = i };
	}
	fd = fake_stats_fd("minivm-1-1", many, ARRAY_SIZE(many));
	CHECK(fd >= 0);
	CHECK_INT(stats_read_fd(fd, &buf, &len), 0);
	CHECK_INT(len, fake_stats_image(NULL, 0, "minivm-1-1", many,
					ARRAY_SIZE(many)));
	CHECK(len > 8192);
	CHECK_INT(stats_parse(buf, len, &set, why, sizeof(why)), 0);
	CHECK_INT(set.nr, 200);
	CHECK_STR(set.items[199].name, "stat199");
	CHECK_INT(set.items[199].values[0], 199);
	stats_free(&set);
	free(buf);
	close(fd);

	CHECK_INT(stats_read_fd(-1, &buf, &len), -EBADF);
}

const struct test stats_tests[] = {
	{ "stats: a file decoded from its descriptors", stats_parse_good },
	{ "stats: the header's offsets are followed, gaps and all", stats_parse_follows_offsets },
	{ "stats: malformed files refused with the reason", stats_parse_malformed },
	{ "stats: units from unit, base and exponent", stats_units },
	{ "stats: non-zero values one per line, histograms by bucket", stats_printed_lines },
	{ "stats: several values by index, a log histogram's first bucket", stats_printed_arrays },
	{ "stats: a file read whole with pread(), errors as -errno", stats_read_whole },
	{ NULL, NULL },
};
