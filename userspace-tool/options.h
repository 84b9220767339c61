/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_OPTIONS_H
#define MINIVM_RUN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The package version, ../VERSION (the Makefile defines MINIVM_VERSION). */
#define MINIVM_RUN_VERSION	MINIVM_VERSION

struct options {
	uint64_t mem_size;	/* bytes of guest memory */
	const char *image;	/* the flat binary to run, or NULL */
	const char *kernel;	/* --kernel, or NULL */
	const char *initrd;	/* --initrd, or NULL */
	const char *append;	/* --append, or NULL */
	const char *accel;	/* "minivm" or "kvm" */
	bool verbose;		/* trace exits on stderr */
	bool debug_io;		/* log accesses no device claims on stderr */
	bool stats;		/* print the driver's statistics at the end */
};

enum options_action {
	OPTIONS_RUN,
	OPTIONS_HELP,
	OPTIONS_VERSION,
	OPTIONS_ERROR,		/* @err holds the one-line reason */
};

/*
 * Parse the command line. Pure: no output and no exit, so it can be
 * tested; main() prints @err and picks the status. May be called again
 * (getopt is reset on every call).
 */
enum options_action options_parse(int argc, char *argv[], struct options *opts,
				  char *err, size_t errlen);

/* The --help text. */
extern const char options_usage[];

#endif /* MINIVM_RUN_OPTIONS_H */
