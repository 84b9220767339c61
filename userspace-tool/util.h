/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_UTIL_H
#define MINIVM_RUN_UTIL_H

#include <stdbool.h>

#include "compiler.h"

/* Every message minivm-run writes to stderr starts with this. */
#define PROG_NAME	"minivm-run"

extern bool verbose;

/*
 * Print "minivm-run: <message>" as one line on stderr and exit with
 * @status (a sysexits.h value; Documentation/minivm-run.rst has the table).
 */
void die(int status, const char *fmt, ...)
	__printf(2, 3) __noreturn;

/* One line on stderr, with the prefix, always. */
void pr_err(const char *fmt, ...) __printf(1, 2);

/* One line on stderr, with the prefix, only with -v. */
void pr_verbose(const char *fmt, ...) __printf(1, 2);

#endif /* MINIVM_RUN_UTIL_H */
