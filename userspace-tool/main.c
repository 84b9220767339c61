// SPDX-License-Identifier: GPL-2.0
/*
 * minivm-run: a thin VMM for /dev/minivm (or /dev/kvm, through the same
 * driver seam, accel/). Loads a flat real-mode binary, or a kernel (a
 * Linux bzImage or a Multiboot kernel, boot/), gives it a COM1 UART and a
 * debug-exit port, and runs it on one vCPU.
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
#include "devices/debug-exit.h"
#include "exitcode.h"
#include "file.h"
#include "ioport.h"
#include "mmio.h"
#include "options.h"
#include "devices/uart8250.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

/*
 * COM1's transmitter writes straight to fd 1, a byte at a time: stdio
 * buffering would lose the tail of the output when the guest ends the run
 * with debug-exit, and the per-byte write() is cheap next to the VM exit
 * that produced the byte.
 */
static void stdout_tx(void *ctx, uint8_t byte)
{
	bool *failed = ctx;
	ssize_t n;

	if (*failed)
		return;
	do {
		n = write(STDOUT_FILENO, &byte, 1);
	} while (n < 0 && errno == EINTR);

	/* Keep the guest running, as a serial line with no one listening. */
	if (n < 0) {
		pr_err("cannot write guest output to stdout: %s; discarding the rest",
		       strerror(errno));
		*failed = true;
	}
}

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

static void register_device(struct ioport_bus *bus, uint16_t base,
			    uint16_t len, const struct ioport_ops *ops,
			    void *dev, const char *name)
{
	int ret = ioport_register(bus, base, len, ops, dev, name);

	/* Only a bug here can make this fail: the device map is fixed. */
	if (ret)
		die(STATUS_OS_ERROR, "cannot register %s at port 0x%x: %s",
		    name, base, strerror(-ret));
}

int main(int argc, char *argv[])
{
	bool stdout_failed = false;
	struct vmm_devices devs;
	struct mmio_bus mmio;
	struct ioport_bus bus;
	struct uart8250 com1;
	struct debug_exit dx;
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

	ioport_bus_init(&bus);
	uart8250_init(&com1, stdout_tx, &stdout_failed);
	register_device(&bus, COM1_BASE, UART8250_NR_PORTS, &uart8250_ops,
			&com1, "COM1");
	debug_exit_init(&dx);
	register_device(&bus, DEBUG_EXIT_PORT, DEBUG_EXIT_NR_PORTS,
			&debug_exit_ops, &dx, "debug-exit");
	mmio_bus_init(&mmio);
	devs = (struct vmm_devices) { .io = &bus, .mmio = &mmio, .dx = &dx };

	vcpu_catch_signals(&vm);
	pr_verbose("running the guest: 1 vCPU, COM1 at 0x%x, debug-exit at 0x%x",
		   COM1_BASE, DEBUG_EXIT_PORT);
	status = vcpu_run(&vm, &devs);
	vm_destroy(&vm);

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
