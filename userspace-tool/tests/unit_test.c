// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every unit test case and prints TAP, then "N passed, N failed".
 * Exits 1 if anything failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "test.h"

static const struct test *const suites[] = {
	size_tests,
	options_tests,
	ioport_tests,
	uart_tests,
	pit_tests,
	rtc_tests,
	i8042_tests,
	pci_none_tests,
	debug_exit_tests,
	port_sink_tests,
	console_tests,
	iodispatch_tests,
	debug_io_tests,
	loader_tests,
	boot_tests,
	bzimage_tests,
	multiboot_tests,
	mptable_tests,
	kernel_tests,
	guest_mem_tests,
	exitcode_tests,
	accel_minivm_tests,
	accel_kvm_tests,
	stats_tests,
	exits_tests,
	vmm_tests,
};

#define NR_SUITES	ARRAY_SIZE(suites)

static int case_failures;
char test_dir[4096];

void check_failed(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	case_failures++;
	printf("# %s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int main(int argc, char *argv[])
{
	int total = 0, passed = 0, failed = 0;
	const struct test *t;
	unsigned int s;
	char *slash;

	/* Programs under test are found relative to this binary. */
	snprintf(test_dir, sizeof(test_dir), "%s", argc > 0 ? argv[0] : "x");
	slash = strrchr(test_dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(test_dir, sizeof(test_dir), ".");

	for (s = 0; s < NR_SUITES; s++)
		for (t = suites[s]; t->name; t++)
			total++;

	printf("TAP version 13\n1..%d\n", total);
	for (s = 0; s < NR_SUITES; s++) {
		for (t = suites[s]; t->name; t++) {
			case_failures = 0;
			t->fn();
			if (case_failures) {
				failed++;
				printf("not ok %d %s\n", passed + failed, t->name);
			} else {
				passed++;
				printf("ok %d %s\n", passed + failed, t->name);
			}
			fflush(stdout);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
