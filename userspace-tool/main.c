// SPDX-License-Identifier: GPL-2.0
/*
 * minivm-run: a thin VMM for /dev/minivm (or /dev/kvm, through the same
 * driver seam, accel/). Loads a flat real-mode binary, or a kernel (a
 * Linux bzImage or a Multiboot kernel, boot/), gives it the devices of
 * pc.h, and runs it on one vCPU; a kernel's devices get time and input
 * from a second thread (iothread.h).
 *
 * The order of the steps is deliberate: everything the user controls
 * (command line, image) is checked before the device is touched, so those
 * mistakes are reported the same way on a host without the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/minivm.h>

#include "accel/accel.h"
#include "boot/flat.h"
#include "boot/kernel.h"
#include "console.h"
#include "debug-io.h"
#include "exitcode.h"
#include "file.h"
#include "iothread.h"
#include "options.h"
#include "pc.h"
#include "stats-dump.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

static void load_flat(struct vm *vm, const char *path, struct boot_cpu *cpu)
{
	uint64_t mem_size = vm->mem.size;
	char sz[32];
	struct stat st;
	uint64_t loaded;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(STATUS_NO_IMAGE, "cannot open '%s': %s", path, strerror(errno));

	/* Refuse a regular file by its size first: the message can say more. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    flat_check(mem_size, st.st_size) == -EFBIG)
		die(STATUS_BAD_IMAGE,
		    "'%s' is %llu bytes, but only %llu fit between the load address 0x%llx and the end of guest memory (%s); use a larger -m",
		    path, (unsigned long long)st.st_size,
		    (unsigned long long)flat_room(mem_size),
		    (unsigned long long)FLAT_LOAD_ADDR,
		    format_size(mem_size, sz, sizeof(sz)));

	ret = flat_load_fd(fd, vm->mem.host, mem_size, &loaded);
	if (ret == -ENODATA)
		die(STATUS_BAD_IMAGE, "'%s' is empty", path);
	if (ret == -EFBIG)
		die(STATUS_BAD_IMAGE,
		    "'%s' is larger than the %llu bytes between the load address 0x%llx and the end of guest memory (%s); use a larger -m",
		    path, (unsigned long long)flat_room(mem_size),
		    (unsigned long long)FLAT_LOAD_ADDR,
		    format_size(mem_size, sz, sizeof(sz)));
	if (ret < 0)
		die(STATUS_NO_IMAGE, "cannot read '%s': %s", path, strerror(-ret));
	close(fd);

	pr_verbose("loaded '%s': %llu bytes at 0x%llx, %s of guest memory",
		   path, (unsigned long long)loaded,
		   (unsigned long long)FLAT_LOAD_ADDR,
		   format_size(mem_size, sz, sizeof(sz)));
	flat_boot_cpu(cpu);
}

/* Read a whole --kernel or --initrd file, or say why not and exit. */
static void read_kernel_file(const char *path, const char *what,
			     uint64_t mem_size, uint8_t **data, size_t *size)
{
	char sz[32];
	int ret = file_read_all(path, mem_size, data, size);

	if (ret == -ENODATA)
		die(STATUS_BAD_IMAGE, "%s '%s' is empty", what, path);
	if (ret == -EFBIG)
		die(STATUS_BAD_IMAGE,
		    "%s '%s' is larger than guest memory (%s); use a larger -m",
		    what, path, format_size(mem_size, sz, sizeof(sz)));
	if (ret == -ENOMEM)
		die(STATUS_OS_ERROR, "cannot allocate memory to read %s '%s'", what, path);
	if (ret < 0)
		die(STATUS_NO_IMAGE, "cannot read %s '%s': %s", what, path, strerror(-ret));
}

/*
 * --kernel: a bzImage or a Multiboot kernel, with its initrd, into guest
 * memory. Returns what the driver must support to start it.
 */
static unsigned int load_kernel(struct vm *vm, const struct options *opts,
				struct boot_cpu *cpu)
{
	struct kernel_args args = { .cmdline = opts->append, .nr_cpus = 1 };
	struct kernel_loaded out;
	uint8_t *kernel, *initrd = NULL;
	size_t kernel_size, initrd_size = 0;
	char err[512], sz[32];

	read_kernel_file(opts->kernel, "kernel", vm->mem.size, &kernel, &kernel_size);
	if (opts->initrd)
		read_kernel_file(opts->initrd, "initrd", vm->mem.size, &initrd, &initrd_size);

	args.kernel = kernel;
	args.kernel_size = kernel_size;
	args.initrd = initrd;
	args.initrd_size = initrd_size;
	args.initrd_name = opts->initrd;
	if (kernel_load(&vm->mem, &args, cpu, &out, err, sizeof(err)))
		die(STATUS_BAD_IMAGE, "cannot boot '%s': %s", opts->kernel, err);
	free(kernel);
	free(initrd);

	pr_verbose("loaded '%s': %s; %s of guest memory", opts->kernel, out.summary,
		   format_size(vm->mem.size, sz, sizeof(sz)));
	/* A kernel always gets the in-kernel local APIC and I/O APIC. */
	return ACCEL_NEED_IRQCHIP | (out.long_mode ? ACCEL_NEED_LONG_MODE : 0);
}

/* --debug-io: the buses' hooks for accesses no device claims. */
static void log_unclaimed_port(void *ctx, uint16_t port, unsigned int size,
			       bool is_write, uint32_t val)
{
	char line[128];

	(void)ctx;
	debug_io_port_line(line, sizeof(line), port, size, is_write, val);
	pr_err("%s", line);
}

static void log_unclaimed_mmio(void *ctx, uint64_t addr, uint32_t len,
			       bool is_write, const uint8_t *data)
{
	char line[128];

	(void)ctx;
	debug_io_mmio_line(line, sizeof(line), addr, len, is_write, data);
	pr_err("%s", line);
}

/*
 * A kernel's time and input come from the I/O thread. Its console is
 * stdin, in raw mode if a terminal. On KVM, whose in-kernel APIC keeps a
 * vCPU halted with interrupts off inside KVM_RUN, the thread also kicks
 * the vCPU now and then so that the loop can see it (accel.h).
 */
static void start_iothread(struct iothread *io, struct pc *pc, struct vm *vm)
{
	struct io_devices dev = { .uart = &pc->com1, .pit = &pc->pit, .rtc = &pc->rtc };
	int64_t kick = vm->accel.ops->halted_irqs_off ? IOTHREAD_KICK_NS : 0;
	bool raw;
	int in_fd = console_input(STDIN_FILENO, &raw);

	iothread_init(io, &dev, in_fd, raw, kick);
	iothread_start(io);
	if (kick)
		pr_verbose("I/O thread: COM1 input %s, PIT and RTC timers, halt probe every %lld ms",
			   in_fd < 0 ? "none" : raw ? "from the terminal (raw; Ctrl-A h for help)" :
			   "from stdin", (long long)(kick / 1000000));
	else
		pr_verbose("I/O thread: COM1 input %s, PIT and RTC timers",
			   in_fd < 0 ? "none" : raw ? "from the terminal (raw; Ctrl-A h for help)" :
			   "from stdin");
}

int main(int argc, char *argv[])
{
	/* Shared with the I/O thread for the whole run: not on a stack. */
	static struct iothread io;
	static struct pc pc;
	static struct stats_dump stats;
	struct vmm_devices devs;
	struct options opts;
	struct boot_cpu cpu;
	unsigned int needs;
	char err[256];
	struct vm vm;
	int status;

	switch (options_parse(argc, argv, &opts, err, sizeof(err))) {
	case OPTIONS_HELP:
		fputs(options_usage, stdout);
		return fflush(stdout) ? STATUS_OS_ERROR : 0;
	case OPTIONS_VERSION:
		printf("minivm-run %s (minivm API version %d)\n",
		       MINIVM_RUN_VERSION, MINIVM_API_VERSION);
		return fflush(stdout) ? STATUS_OS_ERROR : 0;
	case OPTIONS_ERROR:
		die(STATUS_USAGE, "%s", err);
	case OPTIONS_RUN:
		break;
	}
	verbose = opts.verbose;

	/* A closed pipe must end in a write error, not kill the VMM. */
	signal(SIGPIPE, SIG_IGN);

	vm_init(&vm, accel_find(opts.accel));
	if (opts.kernel) {
		vm_alloc_mem(&vm, opts.mem_size, true);
		needs = load_kernel(&vm, &opts, &cpu);
	} else {
		/* Flat binaries see all their RAM at 0, as always. */
		vm_alloc_mem(&vm, opts.mem_size, false);
		load_flat(&vm, opts.image, &cpu);
		needs = ACCEL_NEED_REAL_MODE;
	}

	vm_create(&vm, needs);
	vm_set_boot_state(&vm, &cpu);

	if (opts.kernel)
		pc_init_kernel(&pc, &vm.accel, vm.mem.low_size);
	else
		pc_init_flat(&pc);
	if (opts.debug_io) {
		ioport_set_unclaimed_hook(&pc.bus, log_unclaimed_port, NULL);
		mmio_set_unclaimed_hook(&pc.mmio, log_unclaimed_mmio, NULL);
	}
	devs = (struct vmm_devices) {
		.io = &pc.bus, .mmio = &pc.mmio, .dx = &pc.dx,
		.reset = opts.kernel ? &pc.reset : NULL,
		.thread = opts.kernel ? &io : NULL,
	};

	/* Before the I/O thread, which kicks with SIGUSR1 and quits with SIGINT. */
	vcpu_catch_signals(&vm);
	if (opts.kernel)
		start_iothread(&io, &pc, &vm);
	pr_verbose("running the guest: 1 vCPU, COM1 at 0x%x, debug-exit at 0x%x%s",
		   COM1_BASE, DEBUG_EXIT_PORT,
		   opts.kernel ? ", in-kernel irqchip, RTC, PIT, i8042, PCI" : "");
	status = vcpu_run(&vm, &devs);
	if (opts.kernel)
		iothread_stop(&io);
	/* Read while the VM exists; print once the terminal is itself again. */
	if (opts.stats)
		stats_dump_collect(&vm, &stats);
	vm_destroy(&vm);
	console_restore();
	if (opts.stats)
		stats_dump_print(&stats);

	if (opts.debug_io) {
		char line[256];

		debug_io_summary_line(line, sizeof(line), &pc.bus, &pc.mmio);
		pr_err("%s", line);
	}

	if (status < 0) {
		/*
		 * Die of the signal that stopped us, so the parent sees
		 * what happened (a shell reports 128 + signo) and no exit
		 * status is taken from the debug-exit range.
		 */
		signal(-status, SIG_DFL);
		raise(-status);
		return 128 - status;
	}

	pr_verbose("exit status %d", status);
	return status;
}
