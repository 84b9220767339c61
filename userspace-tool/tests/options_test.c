// SPDX-License-Identifier: GPL-2.0
/* The command line parser. */
#include <stdarg.h>

#include "boot/flat.h"
#include "options.h"
#include "test.h"

#define MAX_ARGS	8

static char err[256];
static struct options opts;

/* getopt permutes argv, so give it a writable copy each time. */
static enum options_action parse(const char *a0, ...)
{
	static char storage[MAX_ARGS][64];
	char *argv[MAX_ARGS + 1];
	const char *arg;
	int argc = 0;
	va_list ap;

	err[0] = '\0';
	va_start(ap, a0);
	for (arg = a0; arg && argc < MAX_ARGS; arg = va_arg(ap, const char *)) {
		snprintf(storage[argc], sizeof(storage[argc]), "%s", arg);
		argv[argc] = storage[argc];
		argc++;
	}
	va_end(ap);
	argv[argc] = NULL;
	return options_parse(argc, argv, &opts, err, sizeof(err));
}

static void options_defaults(void)
{
	CHECK_INT(parse("minivm-run", "guest.bin", NULL), OPTIONS_RUN);
	CHECK_STR(opts.image, "guest.bin");
	CHECK_HEX(opts.mem_size, GUEST_MEM_DEFAULT);
	CHECK_HEX(GUEST_MEM_DEFAULT, 16ULL << 20);
	CHECK(!opts.verbose);
	CHECK_STR(opts.accel, "minivm");
}

static void options_accel(void)
{
	CHECK_INT(parse("minivm-run", "--accel", "kvm", "g.bin", NULL), OPTIONS_RUN);
	CHECK_STR(opts.accel, "kvm");
	CHECK_INT(parse("minivm-run", "--accel=minivm", "g.bin", NULL), OPTIONS_RUN);
	CHECK_STR(opts.accel, "minivm");
	CHECK_INT(parse("minivm-run", "--accel", "qemu", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "unknown accelerator 'qemu': use minivm or kvm");
	CHECK_INT(parse("minivm-run", "g.bin", "--accel", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "option --accel needs a NAME argument (minivm or kvm)");
}

static void options_memory(void)
{
	CHECK_INT(parse("minivm-run", "-m", "1G", "g.bin", NULL), OPTIONS_RUN);
	CHECK_HEX(opts.mem_size, 1ULL << 30);
	CHECK_INT(parse("minivm-run", "-m64M", "g.bin", NULL), OPTIONS_RUN);
	CHECK_HEX(opts.mem_size, 64ULL << 20);
	CHECK_INT(parse("minivm-run", "--memory=128K", "g.bin", NULL), OPTIONS_RUN);
	CHECK_HEX(opts.mem_size, 128ULL << 10);
	CHECK_INT(parse("minivm-run", "--memory", "2M", "g.bin", NULL), OPTIONS_RUN);
	CHECK_HEX(opts.mem_size, 2ULL << 20);
	/* Options may follow the file; the last -m wins. */
	CHECK_INT(parse("minivm-run", "g.bin", "-m", "1M", "-m", "4M", NULL), OPTIONS_RUN);
	CHECK_HEX(opts.mem_size, 4ULL << 20);
	CHECK_STR(opts.image, "g.bin");
}

static void options_bad_memory(void)
{
	CHECK_INT(parse("minivm-run", "-m", "12X", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "invalid memory size '12X': expected a number with an optional K, M or G suffix");
	CHECK_INT(parse("minivm-run", "-m", "0", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_CONTAINS(err, "must not be zero");
	CHECK_INT(parse("minivm-run", "-m", "64K", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_CONTAINS(err, "at least 128K");
	CHECK_INT(parse("minivm-run", "-m", "65G", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_CONTAINS(err, "at most 64G");
	CHECK_INT(parse("minivm-run", "-m", "99999999999999999999999", "g.bin", NULL),
		  OPTIONS_ERROR);
	CHECK_CONTAINS(err, "at most 64G");
	CHECK_INT(parse("minivm-run", "-m", "131073", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_CONTAINS(err, "multiple of 4K");
	CHECK_INT(parse("minivm-run", "g.bin", "-m", NULL), OPTIONS_ERROR);
	CHECK_CONTAINS(err, "needs a SIZE argument");
	CHECK_INT(parse("minivm-run", "g.bin", "--memory", NULL), OPTIONS_ERROR);
	CHECK_CONTAINS(err, "needs a SIZE argument");
	CHECK(!strchr(err, '\n'));
}

static void options_help_version(void)
{
	CHECK_INT(parse("minivm-run", "--help", NULL), OPTIONS_HELP);
	CHECK_INT(parse("minivm-run", "-h", NULL), OPTIONS_HELP);
	CHECK_INT(parse("minivm-run", "--version", NULL), OPTIONS_VERSION);
	CHECK_INT(parse("minivm-run", "-V", NULL), OPTIONS_VERSION);
	/* Help needs no image and wins over what follows it. */
	CHECK_INT(parse("minivm-run", "--help", "a", "b", "-m", "0", NULL), OPTIONS_HELP);
	CHECK_CONTAINS(options_usage, "Usage: minivm-run");
	CHECK_CONTAINS(options_usage, "FLAT_BINARY");
	CHECK_CONTAINS(options_usage, "0x10000");
	CHECK_CONTAINS(options_usage, "--kernel FILE [--initrd FILE] [--append CMDLINE]");
	CHECK_CONTAINS(options_usage, "--accel=NAME");
}

static void options_verbose(void)
{
	CHECK_INT(parse("minivm-run", "-v", "g.bin", NULL), OPTIONS_RUN);
	CHECK(opts.verbose);
	CHECK_INT(parse("minivm-run", "--verbose", "g.bin", NULL), OPTIONS_RUN);
	CHECK(opts.verbose);
	/* A second parse starts from scratch. */
	CHECK_INT(parse("minivm-run", "g.bin", NULL), OPTIONS_RUN);
	CHECK(!opts.verbose);
}

static void options_debug_io(void)
{
	CHECK_INT(parse("minivm-run", "g.bin", NULL), OPTIONS_RUN);
	CHECK(!opts.debug_io);
	CHECK_INT(parse("minivm-run", "--debug-io", "--kernel", "bz", NULL), OPTIONS_RUN);
	CHECK(opts.debug_io);
	CHECK(!opts.verbose);
	CHECK_INT(parse("minivm-run", "--debug-io", "g.bin", NULL), OPTIONS_RUN);
	CHECK(opts.debug_io);
	CHECK_INT(parse("minivm-run", "--debug-io=1", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "option '--debug-io' takes no argument (see --help)");
	CHECK_CONTAINS(options_usage, "--debug-io");
	CHECK_CONTAINS(options_usage, "Ctrl-A x");
	CHECK_CONTAINS(options_usage, "  2           the guest reset the machine");
}

static void options_stats(void)
{
	CHECK_INT(parse("minivm-run", "g.bin", NULL), OPTIONS_RUN);
	CHECK(!opts.stats);
	CHECK_INT(parse("minivm-run", "--stats", "--accel", "kvm", "g.bin", NULL),
		  OPTIONS_RUN);
	CHECK(opts.stats);
	CHECK_STR(opts.accel, "kvm");
	CHECK_INT(parse("minivm-run", "--stats", "--kernel", "bz", NULL), OPTIONS_RUN);
	CHECK(opts.stats);
	CHECK_INT(parse("minivm-run", "--stats=all", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "option '--stats' takes no argument (see --help)");
	CHECK_CONTAINS(options_usage, "--stats");
}

static void options_arguments(void)
{
	CHECK_INT(parse("minivm-run", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "missing FLAT_BINARY or --kernel FILE (see --help)");
	CHECK_INT(parse("minivm-run", "-v", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "missing FLAT_BINARY or --kernel FILE (see --help)");
	CHECK_INT(parse("minivm-run", "a.bin", "b.bin", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "unexpected argument 'b.bin': one FLAT_BINARY only");
	/* "--" lets an image name start with a dash. */
	CHECK_INT(parse("minivm-run", "--", "-odd.bin", NULL), OPTIONS_RUN);
	CHECK_STR(opts.image, "-odd.bin");
}

static void options_kernel(void)
{
	CHECK_INT(parse("minivm-run", "--kernel", "bzImage", NULL), OPTIONS_RUN);
	CHECK_STR(opts.kernel, "bzImage");
	CHECK(!opts.image);
	CHECK(!opts.initrd);
	CHECK(!opts.append);
	/* A kernel gets more memory by default than a flat binary. */
	CHECK_HEX(opts.mem_size, 256ULL << 20);

	CHECK_INT(parse("minivm-run", "--kernel=vmlinuz", "--initrd", "initrd.img",
			"--append", "console=ttyS0 quiet", "-m", "1G", NULL), OPTIONS_RUN);
	CHECK_STR(opts.kernel, "vmlinuz");
	CHECK_STR(opts.initrd, "initrd.img");
	CHECK_STR(opts.append, "console=ttyS0 quiet");
	CHECK_HEX(opts.mem_size, 1ULL << 30);
	/* An explicit -m is kept, however small: the loader judges. */
	CHECK_INT(parse("minivm-run", "-m", "128K", "--kernel", "k", NULL), OPTIONS_RUN);
	CHECK_HEX(opts.mem_size, 128ULL << 10);
	CHECK_INT(parse("minivm-run", "--kernel", "k", "--append=", NULL), OPTIONS_RUN);
	CHECK_STR(opts.append, "");
	CHECK_INT(parse("minivm-run", "--kernel", "k", "-m", "63G", NULL), OPTIONS_RUN);
	CHECK_HEX(opts.mem_size, 63ULL << 30);
	/* Without --kernel, a flat binary still gets all of 64G. */
	CHECK_INT(parse("minivm-run", "-m", "64G", "g.bin", NULL), OPTIONS_RUN);
}

static void options_kernel_errors(void)
{
	CHECK_INT(parse("minivm-run", "--kernel", "k", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "unexpected argument 'g.bin': --kernel and a FLAT_BINARY exclude each other");
	CHECK_INT(parse("minivm-run", "--initrd", "i", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "option --initrd needs --kernel (a flat binary takes neither --initrd nor --append)");
	CHECK_INT(parse("minivm-run", "--append", "quiet", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_CONTAINS(err, "option --append needs --kernel");
	CHECK_INT(parse("minivm-run", "--initrd", "i", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "missing FLAT_BINARY or --kernel FILE (see --help)");
	CHECK_INT(parse("minivm-run", "--kernel", "k", "-m", "64G", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "invalid memory size '64G': with --kernel, must be at most 63G (RAM above 3G moves above 4G, and guest-physical memory ends at 64G)");
	CHECK_INT(parse("minivm-run", "--kernel", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "option --kernel needs a FILE argument (see --help)");
	CHECK_INT(parse("minivm-run", "--kernel", "k", "--initrd", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "option --initrd needs a FILE argument (see --help)");
	CHECK_INT(parse("minivm-run", "--kernel", "k", "--append", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "option --append needs a CMDLINE argument (see --help)");
	CHECK_INT(parse("minivm-run", "--kernel", "k", "-m", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "option -m/--memory needs a SIZE argument (see --help)");
}

static void options_unknown(void)
{
	CHECK_INT(parse("minivm-run", "-x", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "unknown option '-x' (see --help)");
	CHECK_INT(parse("minivm-run", "-vx", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "unknown option '-x' (see --help)");
	CHECK_INT(parse("minivm-run", "--bogus", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "unknown option '--bogus' (see --help)");
	CHECK_INT(parse("minivm-run", "--help=yes", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "option '--help' takes no argument (see --help)");
	CHECK_INT(parse("minivm-run", "--verbose=1", "g.bin", NULL), OPTIONS_ERROR);
	CHECK_STR(err, "option '--verbose' takes no argument (see --help)");
}

const struct test options_tests[] = {
	{ "options: defaults (16M, not verbose)", options_defaults },
	{ "options: --accel minivm|kvm", options_accel },
	{ "options: -m/--memory forms", options_memory },
	{ "options: bad or missing -m values", options_bad_memory },
	{ "options: --help and --version", options_help_version },
	{ "options: -v/--verbose", options_verbose },
	{ "options: --debug-io, and the help text on the console and statuses", options_debug_io },
	{ "options: --stats", options_stats },
	{ "options: missing and extra arguments", options_arguments },
	{ "options: --kernel, --initrd, --append, their -m default and limit", options_kernel },
	{ "options: --kernel with a flat binary, --initrd alone, missing arguments",
	  options_kernel_errors },
	{ "options: unknown options", options_unknown },
	{ NULL, NULL },
};
