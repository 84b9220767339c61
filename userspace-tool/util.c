// SPDX-License-Identifier: GPL-2.0
/*
 * Messages on stderr. Each is exactly one line with the program's name in
 * front, so a script (or the in-guest tests) can tell minivm-run's own
 * complaints from whatever the guest printed on stdout.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

bool verbose;

static void vmsg(const char *fmt, va_list ap)
{
	/* Build the line first: one write, never interleaved mid-line. */
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s: %s\n", PROG_NAME, line);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void pr_verbose(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}
