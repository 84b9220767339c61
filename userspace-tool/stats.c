// SPDX-License-Identifier: GPL-2.0
/*
 * Reading binary statistics files (stats.h): minivm's and KVM's, which
 * share one layout. The file is trusted for nothing: every offset is
 * checked against its size before anything is read there.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/minivm.h>

#include "compiler.h"
#include "stats.h"

int stats_read_fd(int fd, uint8_t **bufp, size_t *lenp)
{
	size_t room = 4096, len = 0;
	uint8_t *buf = malloc(room), *bigger;
	ssize_t n;
	int err;

	for (;;) {
		if (!buf)
			return -ENOMEM;
		if (len == room) {
			if (room >= STATS_FILE_MAX) {
				free(buf);
				return -EFBIG;
			}
			room *= 2;
			bigger = realloc(buf, room);
			if (!bigger)
				free(buf);
			buf = bigger;
			continue;
		}
		n = pread(fd, buf + len, room - len, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			free(buf);
			return err;
		}
		if (!n)
			break;
		len += n;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

/* -EPROTO, with "malformed statistics file: " and the reason in @why. */
static int __printf(3, 4) bad(char *why, size_t whylen, const char *fmt, ...)
{
	int n = snprintf(why, whylen, "malformed statistics file: ");
	va_list ap;

	if (n > 0 && (size_t)n < whylen) {
		va_start(ap, fmt);
		vsnprintf(why + n, whylen - n, fmt, ap);
		va_end(ap);
	}
	return -EPROTO;
}

/* Every part inside the file; the names NUL-terminated. */
static int check_file(const uint8_t *buf, size_t len,
		      const struct minivm_stats_header *h, uint64_t *nr_values,
		      char *why, size_t whylen)
{
	uint64_t dsize = sizeof(struct minivm_stats_desc) + (uint64_t)h->name_size;
	struct minivm_stats_desc d;
	const uint8_t *p;
	uint32_t i;

	if (!h->name_size || h->name_size > STATS_FILE_MAX)
		return bad(why, whylen, "name size %u", h->name_size);
	if ((uint64_t)h->id_offset + h->name_size > len)
		return bad(why, whylen,
			   "the id string (%u bytes at %u) ends past the file's %zu bytes",
			   h->name_size, h->id_offset, len);
	if (!memchr(buf + h->id_offset, '\0', h->name_size))
		return bad(why, whylen, "the id string is not NUL-terminated");
	if ((uint64_t)h->desc_offset + dsize * h->num_desc > len)
		return bad(why, whylen,
			   "%u descriptors of %" PRIu64 " bytes at %u end past the file's %zu bytes",
			   h->num_desc, dsize, h->desc_offset, len);
	if (h->data_offset > len)
		return bad(why, whylen,
			   "the data (at %u) starts past the file's %zu bytes",
			   h->data_offset, len);

	*nr_values = 0;
	for (i = 0; i < h->num_desc; i++) {
		p = buf + h->desc_offset + i * dsize;
		memcpy(&d, p, sizeof(d));
		if (!memchr(p + sizeof(d), '\0', h->name_size))
			return bad(why, whylen,
				   "the name of descriptor %u is not NUL-terminated", i);
		if ((uint64_t)h->data_offset + d.offset + 8ULL * d.size > len)
			return bad(why, whylen,
				   "the %u values of '%.*s' (at data offset %u) end past the file's %zu bytes",
				   d.size, (int)h->name_size,
				   (const char *)p + sizeof(d), d.offset, len);
		*nr_values += d.size;
	}
	return 0;
}

int stats_parse(const uint8_t *buf, size_t len, struct stats_set *set,
		char *why, size_t whylen)
{
	struct minivm_stats_header h;
	struct minivm_stats_desc d;
	uint64_t nr_values = 0, dsize;
	uint64_t *v;
	uint32_t i;
	int ret;

	memset(set, 0, sizeof(*set));
	if (len < sizeof(h))
		return bad(why, whylen, "%zu bytes, shorter than the %zu-byte header",
			   len, sizeof(h));
	memcpy(&h, buf, sizeof(h));
	ret = check_file(buf, len, &h, &nr_values, why, whylen);
	if (ret)
		return ret;

	set->items = calloc(h.num_desc ? h.num_desc : 1, sizeof(*set->items));
	set->values = calloc(nr_values ? nr_values : 1, sizeof(*set->values));
	if (!set->items || !set->values) {
		stats_free(set);
		snprintf(why, whylen, "cannot allocate the statistics");
		return -ENOMEM;
	}
	snprintf(set->id, sizeof(set->id), "%s", (const char *)buf + h.id_offset);
	dsize = sizeof(d) + (uint64_t)h.name_size;
	v = set->values;
	for (i = 0; i < h.num_desc; i++) {
		const uint8_t *p = buf + h.desc_offset + i * dsize;
		struct stats_item *it = &set->items[i];

		memcpy(&d, p, sizeof(d));
		snprintf(it->name, sizeof(it->name), "%s", (const char *)p + sizeof(d));
		it->flags = d.flags;
		it->exponent = d.exponent;
		it->size = d.size;
		it->bucket_size = d.bucket_size;
		/* The data need not be aligned in @buf: copied out. */
		memcpy(v, buf + h.data_offset + d.offset, 8ULL * d.size);
		it->values = v;
		v += d.size;
	}
	set->nr = h.num_desc;
	return 0;
}

void stats_free(struct stats_set *set)
{
	free(set->items);
	free(set->values);
	memset(set, 0, sizeof(*set));
}

static const char *pow10_prefix(int exponent)
{
	switch (exponent) {
	case -9: return "n";
	case -6: return "u";
	case -3: return "m";
	case 3: return "k";
	case 6: return "M";
	case 9: return "G";
	}
	return NULL;
}

static const char *pow2_prefix(int exponent)
{
	switch (exponent) {
	case 10: return "Ki";
	case 20: return "Mi";
	case 30: return "Gi";
	case 40: return "Ti";
	}
	return NULL;
}

void stats_unit(uint32_t flags, int16_t exponent, char *out, size_t len)
{
	uint32_t unit = flags & MINIVM_STATS_UNIT_MASK;
	uint32_t base = flags & MINIVM_STATS_BASE_MASK;
	const char *sym, *prefix;

	switch (unit) {
	case MINIVM_STATS_UNIT_NONE:
		sym = "";
		break;
	case MINIVM_STATS_UNIT_BYTES:
		sym = "B";
		break;
	case MINIVM_STATS_UNIT_SECONDS:
		sym = "s";
		break;
	case MINIVM_STATS_UNIT_CYCLES:
		sym = "cycles";
		break;
	case MINIVM_STATS_UNIT_BOOLEAN:
		snprintf(out, len, "%s", "");
		return;
	default:
		snprintf(out, len, "(unit %u)", unit >> MINIVM_STATS_UNIT_SHIFT);
		return;
	}
	if (!exponent) {
		snprintf(out, len, "%s", sym);
		return;
	}
	if (base != MINIVM_STATS_BASE_POW10 && base != MINIVM_STATS_BASE_POW2) {
		snprintf(out, len, "(base %u, exponent %d)%s%s",
			 base >> MINIVM_STATS_BASE_SHIFT, exponent,
			 *sym ? " " : "", sym);
		return;
	}
	prefix = base == MINIVM_STATS_BASE_POW2 ? pow2_prefix(exponent) :
						  pow10_prefix(exponent);
	if (prefix && *sym)
		snprintf(out, len, "%s%s", prefix, sym);
	else
		snprintf(out, len, "x%d^%d%s%s",
			 base == MINIVM_STATS_BASE_POW2 ? 2 : 10, exponent,
			 *sym ? " " : "", sym);
}

/* "[LOW,HIGH)" of bucket @b of a histogram of @size buckets. */
static void bucket_range(const struct stats_item *it, uint32_t b, char *out,
			 size_t len)
{
	uint32_t type = it->flags & MINIVM_STATS_TYPE_MASK;
	bool last = b + 1 == it->size;
	uint64_t lo, hi;

	if (type == MINIVM_STATS_TYPE_LINEAR_HIST) {
		lo = (uint64_t)b * it->bucket_size;
		hi = lo + it->bucket_size;
	} else {
		/* bucket 0: [0, 1); bucket b: [2^(b-1), 2^b) */
		lo = !b ? 0 : b - 1 < 64 ? 1ULL << (b - 1) : UINT64_MAX;
		hi = b < 64 ? 1ULL << b : UINT64_MAX;
		if (b >= 64)
			last = true;
	}
	if (last)
		snprintf(out, len, "[%" PRIu64 ",inf)", lo);
	else
		snprintf(out, len, "[%" PRIu64 ",%" PRIu64 ")", lo, hi);
}

unsigned int stats_lines(const struct stats_set *set, const char *scope,
			 stats_emit_fn emit, void *ctx)
{
	char line[2 * STATS_NAME_MAX + 128], unit[64], which[64];
	unsigned int i, n = 0;
	uint32_t b, type;

	for (i = 0; i < set->nr; i++) {
		const struct stats_item *it = &set->items[i];

		type = it->flags & MINIVM_STATS_TYPE_MASK;
		if (it->size == 1 && type != MINIVM_STATS_TYPE_LINEAR_HIST &&
		    type != MINIVM_STATS_TYPE_LOG_HIST) {
			if (!it->values[0])
				continue;
			stats_unit(it->flags, it->exponent, unit, sizeof(unit));
			snprintf(line, sizeof(line), "%s %s %" PRIu64 "%s%s",
				 scope, it->name, it->values[0],
				 *unit ? " " : "", unit);
			emit(ctx, line);
			n++;
			continue;
		}
		for (b = 0; b < it->size; b++) {
			if (!it->values[b])
				continue;
			if (type == MINIVM_STATS_TYPE_LINEAR_HIST ||
			    type == MINIVM_STATS_TYPE_LOG_HIST)
				bucket_range(it, b, which, sizeof(which));
			else
				snprintf(which, sizeof(which), "[%u]", b);
			snprintf(line, sizeof(line), "%s %s%s %" PRIu64, scope,
				 it->name, which, it->values[b]);
			emit(ctx, line);
			n++;
		}
	}
	return n;
}
