// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes on the command line. Written by hand rather than with strtoull(),
 * which accepts leading blanks, a sign ("-1" wraps to 2^64-1), and
 * hexadecimal or octal prefixes; none of those is a size a user meant.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>

#include "compiler.h"
#include "size.h"

static const struct {
	char suffix;
	unsigned int shift;
} suffixes[] = {
	{ 'G', 30 },
	{ 'M', 20 },
	{ 'K', 10 },
};

enum size_error parse_size(const char *s, uint64_t min, uint64_t max,
			   uint64_t align, uint64_t *out)
{
	uint64_t val = 0;
	unsigned int shift = 0;
	bool overflow = false;
	const char *p = s;
	size_t i;

	if (*p < '0' || *p > '9')
		return SIZE_ERR_SYNTAX;

	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned int digit = *p - '0';

		/*
		 * Keep scanning after an overflow so that "99999999999999999999X"
		 * is still reported as a syntax error, not as too large.
		 */
		if (val > (UINT64_MAX - digit) / 10)
			overflow = true;
		else
			val = val * 10 + digit;
	}

	if (*p) {
		for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
			if (toupper((unsigned char)*p) == suffixes[i].suffix) {
				shift = suffixes[i].shift;
				break;
			}
		}
		if (!shift || p[1])
			return SIZE_ERR_SYNTAX;
	}

	if (overflow || (val && val > (UINT64_MAX >> shift)))
		return SIZE_ERR_TOO_LARGE;
	val <<= shift;

	if (!val)
		return SIZE_ERR_ZERO;
	if (val > max)
		return SIZE_ERR_TOO_LARGE;
	if (val < min)
		return SIZE_ERR_TOO_SMALL;
	if (val & (align - 1))
		return SIZE_ERR_ALIGN;

	*out = val;
	return SIZE_OK;
}

char *format_size(uint64_t size, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
		uint64_t unit = 1ULL << suffixes[i].shift;

		if (size && !(size & (unit - 1))) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(size >> suffixes[i].shift),
				 suffixes[i].suffix);
			return buf;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)size);
	return buf;
}
