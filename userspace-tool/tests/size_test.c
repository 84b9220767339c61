// SPDX-License-Identifier: GPL-2.0
/* parse_size() and format_size(), with minivm-run's real limits. */
#include "compiler.h"
#include "boot/flat.h"
#include "size.h"
#include "test.h"

static enum size_error mem(const char *s, uint64_t *out)
{
	return parse_size(s, GUEST_MEM_MIN, GUEST_MEM_MAX, GUEST_MEM_ALIGN, out);
}

static void size_valid(void)
{
	uint64_t v = 0;

	CHECK_INT(mem("131072", &v), SIZE_OK);
	CHECK_HEX(v, 0x20000);
	CHECK_INT(mem("128K", &v), SIZE_OK);
	CHECK_HEX(v, 0x20000);
	CHECK_INT(mem("132k", &v), SIZE_OK);
	CHECK_HEX(v, 0x21000);
	CHECK_INT(mem("16M", &v), SIZE_OK);
	CHECK_HEX(v, 16ULL << 20);
	CHECK_INT(mem("2m", &v), SIZE_OK);
	CHECK_HEX(v, 2ULL << 20);
	CHECK_INT(mem("1G", &v), SIZE_OK);
	CHECK_HEX(v, 1ULL << 30);
	CHECK_INT(mem("64g", &v), SIZE_OK);
	CHECK_HEX(v, 64ULL << 30);
	CHECK_INT(mem("0016M", &v), SIZE_OK);	/* leading zeros are decimal */
	CHECK_HEX(v, 16ULL << 20);
}

static void size_generic_limits(void)
{
	uint64_t v = 0;

	/* The brief's examples, with limits that admit them. */
	CHECK_INT(parse_size("65536", 1, ~0ULL, 1, &v), SIZE_OK);
	CHECK_HEX(v, 65536);
	CHECK_INT(parse_size("64K", 1, ~0ULL, 1, &v), SIZE_OK);
	CHECK_HEX(v, 65536);
	CHECK_INT(parse_size("1", 1, ~0ULL, 1, &v), SIZE_OK);
	CHECK_HEX(v, 1);
	CHECK_INT(parse_size("18446744073709551615", 1, ~0ULL, 1, &v), SIZE_OK);
	CHECK_HEX(v, ~0ULL);
	CHECK_INT(parse_size("17179869183G", 1, ~0ULL, 1, &v), SIZE_OK);
	CHECK_HEX(v, 17179869183ULL << 30);
}

static void size_syntax(void)
{
	static const char *const bad[] = {
		"", "abc", "12X", "16MB", "16Mi", "1.5G", " 16M", "16M ",
		"+16M", "-1", "0x1000", "16 M", "M", "K16", "1T", "1e6",
		"99999999999999999999999X",
	};
	uint64_t v = 12345;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (mem(bad[i], &v) != SIZE_ERR_SYNTAX)
			check_failed(__FILE__, __LINE__, "\"%s\" is not a syntax error", bad[i]);
	}
	CHECK_HEX(v, 12345);	/* untouched on error */
}

static void size_zero(void)
{
	uint64_t v = 12345;

	CHECK_INT(mem("0", &v), SIZE_ERR_ZERO);
	CHECK_INT(mem("000", &v), SIZE_ERR_ZERO);
	CHECK_INT(mem("0K", &v), SIZE_ERR_ZERO);
	CHECK_INT(mem("0g", &v), SIZE_ERR_ZERO);
	CHECK_HEX(v, 12345);
}

static void size_too_large(void)
{
	uint64_t v = 12345;

	CHECK_INT(mem("65G", &v), SIZE_ERR_TOO_LARGE);
	CHECK_INT(mem("68719476737", &v), SIZE_ERR_TOO_LARGE);	/* 64G + 1 */
	CHECK_INT(mem("68719480832", &v), SIZE_ERR_TOO_LARGE);	/* 64G + 4K */
	CHECK_INT(mem("65537M", &v), SIZE_ERR_TOO_LARGE);
	/* Beyond 64 bits, in the digits and in the suffix multiplication. */
	CHECK_INT(mem("18446744073709551616", &v), SIZE_ERR_TOO_LARGE);
	CHECK_INT(mem("99999999999999999999999", &v), SIZE_ERR_TOO_LARGE);
	CHECK_INT(mem("17179869184G", &v), SIZE_ERR_TOO_LARGE);
	CHECK_INT(mem("18014398509481984K", &v), SIZE_ERR_TOO_LARGE);
	CHECK_INT(parse_size("18446744073709551616", 1, ~0ULL, 1, &v),
		  SIZE_ERR_TOO_LARGE);
	CHECK_INT(parse_size("17179869184G", 1, ~0ULL, 1, &v), SIZE_ERR_TOO_LARGE);
	CHECK_HEX(v, 12345);
}

static void size_too_small(void)
{
	uint64_t v = 12345;

	CHECK_INT(mem("1", &v), SIZE_ERR_TOO_SMALL);
	CHECK_INT(mem("4096", &v), SIZE_ERR_TOO_SMALL);
	CHECK_INT(mem("64K", &v), SIZE_ERR_TOO_SMALL);
	CHECK_INT(mem("124K", &v), SIZE_ERR_TOO_SMALL);
	CHECK_INT(mem("131071", &v), SIZE_ERR_TOO_SMALL);
	CHECK_HEX(v, 12345);
}

static void size_alignment(void)
{
	uint64_t v = 12345;

	CHECK_INT(mem("131073", &v), SIZE_ERR_ALIGN);
	CHECK_INT(mem("200000", &v), SIZE_ERR_ALIGN);
	CHECK_INT(mem("129K", &v), SIZE_ERR_ALIGN);
	CHECK_INT(mem("135168", &v), SIZE_OK);	/* 132K */
	CHECK_HEX(v, 135168);
}

static void size_format(void)
{
	char buf[32];

	CHECK_STR(format_size(0x20000, buf, sizeof(buf)), "128K");
	CHECK_STR(format_size(16ULL << 20, buf, sizeof(buf)), "16M");
	CHECK_STR(format_size(1ULL << 30, buf, sizeof(buf)), "1G");
	CHECK_STR(format_size(64ULL << 30, buf, sizeof(buf)), "64G");
	CHECK_STR(format_size(1536ULL << 10, buf, sizeof(buf)), "1536K");
	CHECK_STR(format_size(4096, buf, sizeof(buf)), "4K");
	CHECK_STR(format_size(65537, buf, sizeof(buf)), "65537");
	CHECK_STR(format_size(0, buf, sizeof(buf)), "0");
}

const struct test size_tests[] = {
	{ "size: valid sizes with and without suffixes", size_valid },
	{ "size: generic limits, 64-bit edge", size_generic_limits },
	{ "size: malformed strings are syntax errors", size_syntax },
	{ "size: zero is refused", size_zero },
	{ "size: above 64G or 64 bits is refused", size_too_large },
	{ "size: below 128K is refused", size_too_small },
	{ "size: must be a multiple of 4K", size_alignment },
	{ "size: format_size picks the largest exact suffix", size_format },
	{ NULL, NULL },
};
