// SPDX-License-Identifier: GPL-2.0
/*
 * The command line:
 *   minivm-run [-v] [--debug-io] [--stats] [-m SIZE] [--accel NAME] FLAT_BINARY
 *   minivm-run [-v] [--debug-io] [--stats] [-m SIZE] [--accel NAME]
 *              --kernel FILE [--initrd FILE] [--append CMDLINE]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "guest-mem.h"
#include "options.h"
#include "size.h"

const char options_usage[] =
"Usage: minivm-run [OPTION]... FLAT_BINARY\n"
"  or:  minivm-run [OPTION]... --kernel FILE [--initrd FILE] [--append CMDLINE]\n"
"Run a guest in a minivm virtual machine (/dev/minivm), or under KVM.\n"
"\n"
"A flat binary is loaded at guest-physical 0x10000 and entered in real mode\n"
"at 1000:0000 with DS=ES=FS=GS=SS=0x1000 and SP=0. A kernel is a Linux\n"
"bzImage (64-bit boot protocol 2.12 or later) or a Multiboot kernel (ELF32,\n"
"or the a.out kludge), started as its boot protocol says, with an e820 or\n"
"Multiboot memory map and an MP table. COM1 (0x3f8) output goes to stdout.\n"
"A kernel also gets the in-kernel local APIC and I/O APIC, and COM1's input\n"
"from stdin, with an RTC, a PIT, an i8042 and empty PCI configuration space.\n"
"When stdin is a terminal it is put in raw mode: Ctrl-C goes to the guest,\n"
"Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A h lists these.\n"
"\n"
"      --kernel=FILE   boot FILE, a bzImage or a Multiboot kernel\n"
"      --initrd=FILE   with --kernel: the initrd (Linux) or module (Multiboot)\n"
"      --append=CMDLINE  with --kernel: the kernel command line\n"
"      --accel=NAME    run on minivm (/dev/minivm, the default) or kvm (/dev/kvm)\n"
"  -m, --memory=SIZE   guest memory: bytes, or a number with a K, M or G\n"
"                      suffix; a multiple of 4K from 128K to 64G (63G with\n"
"                      --kernel); default 16M, 256M with --kernel\n"
"  -v, --verbose       trace every exit on stderr\n"
"      --debug-io      log every port or MMIO access no device claims on\n"
"                      stderr, and their number at the end\n"
"      --stats         when the guest ends, print the VM's and the vCPU's\n"
"                      non-zero statistics on stderr, named as the driver\n"
"                      names them (its binary statistics files)\n"
"  -h, --help          print this help and exit\n"
"  -V, --version       print the version and the minivm API version and exit\n"
"\n"
"Exit status:\n"
"  0           the guest executed HLT (a kernel: with interrupts off, as\n"
"              Linux's halt and poweroff do without ACPI), or powered off\n"
"  2           the guest reset the machine (the i8042: Linux's reboot)\n"
"  (v<<1)|1    the guest wrote v to the debug-exit port 0xf4 (low 8 bits)\n"
"  64          bad command line\n"
"  65          bad image: empty, does not fit guest memory, not a kernel\n"
"              minivm-run can boot, or refused by its boot protocol\n"
"  66          cannot open or read the image or the initrd\n"
"  69          cannot open /dev/minivm (is minivm.ko loaded?) or /dev/kvm\n"
"  70          the guest crashed (triple fault, failed entry, internal error)\n"
"  71          system or ioctl error, API version mismatch, missing capability\n"
"minivm-run's own errors print one line on stderr starting with \"minivm-run: \";\n"
"a debug-exit never does (65, 69, 71 are also (v<<1)|1 for v = 32, 34, 35).\n"
"SIGINT or SIGTERM stops the guest, and minivm-run dies of that signal;\n"
"Ctrl-A x is a SIGINT (status 130 in a shell).\n"
"See Documentation/minivm-run.rst.\n";

/* getopt values of the options that have no short form. */
enum {
	OPT_ACCEL = 256,
	OPT_KERNEL,
	OPT_INITRD,
	OPT_APPEND,
	OPT_DEBUG_IO,
	OPT_STATS,
};

static const struct option long_options[] = {
	{ "kernel",	required_argument,	NULL, OPT_KERNEL },
	{ "initrd",	required_argument,	NULL, OPT_INITRD },
	{ "append",	required_argument,	NULL, OPT_APPEND },
	{ "accel",	required_argument,	NULL, OPT_ACCEL },
	{ "memory",	required_argument,	NULL, 'm' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "debug-io",	no_argument,		NULL, OPT_DEBUG_IO },
	{ "stats",	no_argument,		NULL, OPT_STATS },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 },
};

static const char *size_error_str(enum size_error e)
{
	switch (e) {
	case SIZE_ERR_SYNTAX:
		return "expected a number with an optional K, M or G suffix";
	case SIZE_ERR_ZERO:
		return "must not be zero";
	case SIZE_ERR_TOO_SMALL:
		return "must be at least 128K (the load address 0x10000 plus 64K)";
	case SIZE_ERR_TOO_LARGE:
		return "must be at most 64G";
	case SIZE_ERR_ALIGN:
		return "must be a multiple of 4K";
	case SIZE_OK:
		break;
	}
	return "invalid";
}

/*
 * getopt_long() returns '?' for three mistakes; optopt tells them apart.
 * @last is the argument getopt_long() last consumed.
 */
static void unknown_option(const char *last, char *err, size_t errlen)
{
	const struct option *o;

	/* An unknown long option: optopt is 0 and @last is the culprit. */
	if (!optopt) {
		snprintf(err, errlen, "unknown option '%s' (see --help)", last);
		return;
	}

	/* A known long option given "=value" although it takes none. */
	for (o = long_options; o->name; o++) {
		if (o->val == optopt && o->has_arg == no_argument) {
			snprintf(err, errlen, "option '--%s' takes no argument (see --help)",
				 o->name);
			return;
		}
	}

	/* An unknown short option, maybe inside a cluster like -vx. */
	snprintf(err, errlen, "unknown option '-%c' (see --help)", optopt);
}

/* getopt_long() returns ':' for an option whose argument is missing. */
static void missing_argument(char *err, size_t errlen)
{
	switch (optopt) {
	case OPT_ACCEL:
		snprintf(err, errlen, "option --accel needs a NAME argument (minivm or kvm)");
		break;
	case OPT_KERNEL:
	case OPT_INITRD:
		snprintf(err, errlen, "option --%s needs a FILE argument (see --help)",
			 optopt == OPT_KERNEL ? "kernel" : "initrd");
		break;
	case OPT_APPEND:
		snprintf(err, errlen, "option --append needs a CMDLINE argument (see --help)");
		break;
	default:
		snprintf(err, errlen, "option -m/--memory needs a SIZE argument (see --help)");
	}
}

/* What is only known once every option is read. */
static enum options_action check_combination(struct options *opts,
					     const char *mem_arg,
					     char *err, size_t errlen)
{
	if (!opts->kernel) {
		if (opts->initrd || opts->append) {
			snprintf(err, errlen, "option --%s needs --kernel (a flat binary takes neither --initrd nor --append)",
				 opts->initrd ? "initrd" : "append");
			return OPTIONS_ERROR;
		}
		return OPTIONS_RUN;
	}
	if (opts->image) {
		snprintf(err, errlen, "unexpected argument '%s': --kernel and a FLAT_BINARY exclude each other",
			 opts->image);
		return OPTIONS_ERROR;
	}
	if (!mem_arg) {
		opts->mem_size = GUEST_MEM_KERNEL_DEFAULT;
	} else if (opts->mem_size > GUEST_MEM_HOLE_MAX) {
		snprintf(err, errlen,
			 "invalid memory size '%s': with --kernel, must be at most 63G (RAM above 3G moves above 4G, and guest-physical memory ends at 64G)",
			 mem_arg);
		return OPTIONS_ERROR;
	}
	return OPTIONS_RUN;
}

enum options_action options_parse(int argc, char *argv[], struct options *opts,
				  char *err, size_t errlen)
{
	const char *mem_arg = NULL;
	enum size_error serr;
	int c;

	*opts = (struct options) {
		.mem_size = GUEST_MEM_DEFAULT,
		.accel = "minivm",
	};

	/* 0, not 1: makes glibc reinitialise getopt fully. */
	optind = 0;
	opterr = 0;	/* we word the errors ourselves */

	while ((c = getopt_long(argc, argv, ":m:vhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'm':
			serr = parse_size(optarg, GUEST_MEM_MIN, GUEST_MEM_MAX,
					  GUEST_MEM_ALIGN, &opts->mem_size);
			if (serr) {
				snprintf(err, errlen, "invalid memory size '%s': %s",
					 optarg, size_error_str(serr));
				return OPTIONS_ERROR;
			}
			mem_arg = optarg;
			break;
		case OPT_KERNEL:
			opts->kernel = optarg;
			break;
		case OPT_INITRD:
			opts->initrd = optarg;
			break;
		case OPT_APPEND:
			opts->append = optarg;
			break;
		case OPT_ACCEL:
			if (strcmp(optarg, "minivm") && strcmp(optarg, "kvm")) {
				snprintf(err, errlen,
					 "unknown accelerator '%s': use minivm or kvm", optarg);
				return OPTIONS_ERROR;
			}
			opts->accel = optarg;
			break;
		case 'v':
			opts->verbose = true;
			break;
		case OPT_DEBUG_IO:
			opts->debug_io = true;
			break;
		case OPT_STATS:
			opts->stats = true;
			break;
		case 'h':
			return OPTIONS_HELP;
		case 'V':
			return OPTIONS_VERSION;
		case ':':
			missing_argument(err, errlen);
			return OPTIONS_ERROR;
		default:
			unknown_option(argv[optind - 1], err, errlen);
			return OPTIONS_ERROR;
		}
	}

	if (optind >= argc && !opts->kernel) {
		snprintf(err, errlen, "missing FLAT_BINARY or --kernel FILE (see --help)");
		return OPTIONS_ERROR;
	}
	if (optind + 1 < argc) {
		snprintf(err, errlen, "unexpected argument '%s': one FLAT_BINARY only",
			 argv[optind + 1]);
		return OPTIONS_ERROR;
	}
	if (optind < argc)
		opts->image = argv[optind];
	return check_combination(opts, mem_arg, err, errlen);
}
