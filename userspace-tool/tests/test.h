/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal TAP harness for the host-side unit tests: each test case is a
 * function with any number of CHECKs and becomes one "ok"/"not ok" line;
 * every failed CHECK adds a "# file:line: ..." diagnostic.
 */
#ifndef MINIVM_RUN_TEST_H
#define MINIVM_RUN_TEST_H

#include <stdio.h>
#include <string.h>

#include "compiler.h"

struct test {
	const char *name;
	void (*fn)(void);
};

/* Count a failed check in the current case and print why, as "# ...". */
void check_failed(const char *file, int line, const char *fmt, ...)
	__printf(3, 4);

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			check_failed(__FILE__, __LINE__, "%s", #cond);	\
	} while (0)

#define CHECK_INT(a, b)							\
	do {								\
		long long _a = (a), _b = (b);				\
									\
		if (_a != _b)						\
			check_failed(__FILE__, __LINE__,		\
				     "%s == %s: %lld != %lld",		\
				     #a, #b, _a, _b);			\
	} while (0)

#define CHECK_HEX(a, b)							\
	do {								\
		unsigned long long _a = (a), _b = (b);			\
									\
		if (_a != _b)						\
			check_failed(__FILE__, __LINE__,		\
				     "%s == %s: 0x%llx != 0x%llx",	\
				     #a, #b, _a, _b);			\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *_a = (a), *_b = (b);			\
									\
		if (!_a || strcmp(_a, _b))				\
			check_failed(__FILE__, __LINE__,		\
				     "%s: \"%s\" != \"%s\"",		\
				     #a, _a ? _a : "(null)", _b);	\
	} while (0)

#define CHECK_CONTAINS(hay, needle)					\
	do {								\
		const char *_h = (hay), *_n = (needle);			\
									\
		if (!_h || !strstr(_h, _n))				\
			check_failed(__FILE__, __LINE__,		\
				     "%s: \"%s\" lacks \"%s\"",		\
				     #hay, _h ? _h : "(null)", _n);	\
	} while (0)

/* Each file's cases, terminated by { NULL, NULL }. */
extern const struct test size_tests[];
extern const struct test options_tests[];
extern const struct test ioport_tests[];
extern const struct test uart_tests[];
extern const struct test pit_tests[];
extern const struct test rtc_tests[];
extern const struct test i8042_tests[];
extern const struct test pci_none_tests[];
extern const struct test debug_exit_tests[];
extern const struct test port_sink_tests[];
extern const struct test console_tests[];
extern const struct test iodispatch_tests[];
extern const struct test debug_io_tests[];
extern const struct test loader_tests[];
extern const struct test exitcode_tests[];
extern const struct test exits_tests[];
extern const struct test vmm_tests[];
extern const struct test accel_minivm_tests[];
extern const struct test accel_kvm_tests[];
extern const struct test stats_tests[];
extern const struct test boot_tests[];
extern const struct test bzimage_tests[];
extern const struct test multiboot_tests[];
extern const struct test mptable_tests[];
extern const struct test kernel_tests[];
extern const struct test guest_mem_tests[];

/* The directory holding the test binaries (tests/ of the build tree). */
extern char test_dir[];

#endif /* MINIVM_RUN_TEST_H */
