// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for /dev/minivm, so that minivm-run's setup, VMM loop and
 * error paths run on a host without VMX or the module. It is linked into
 * a copy of minivm-run (tests/minivm-run-fake) with
 *   -Wl,--wrap=open,--wrap=ioctl,--wrap=mmap
 * and plays the module's side of the contract (uapi/linux/minivm.h and
 * notes in Documentation/api.rst): it checks what minivm-run passes in and
 * replies with the exits of the scenario named by $MINIVM_FAKE. Anything
 * minivm-run gets wrong is reported as a "fake-minivm:" line on stderr,
 * which the tests treat as a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/minivm.h>

#include "accel/minivm-xlate.h"
#include "compiler.h"
#include "fake-boot.h"
#include "fake-minivm.h"
#include "fake-stats.h"

static int sys_fd = -1, vm_fd = -1, vcpu_fd = -1;
static struct fake_guest_mem guest;
static struct minivm_regs regs;
static struct minivm_sregs sregs;
static struct minivm_run *run;
static unsigned int nr_runs;
static uint32_t pending_in;	/* expected IN data, checked on the next RUN */
static unsigned int pending_in_size;
static bool pending_in_any;	/* any value will do: the scenario looks at it */
static uint32_t last_in;	/* what the last IN completed with */
static bool irqchip;
/* What RUN returned, for the statistics (api.rst 6.12) */
static unsigned int nr_userspace_exits, nr_io_exits, nr_hlt_exits;
/*
 * The I/O APIC pins as MINIVM_IRQ_LINE last drove them, and how often
 * each went from 0 to 1. minivm-run's I/O thread drives them while RUN
 * waits here, so they are atomics.
 */
static atomic_int irq_level[MINIVM_IOAPIC_PINS];
static atomic_uint irq_raises[MINIVM_IOAPIC_PINS];

static _Alignas(4096) uint8_t run_page[4096];

#define DATA_OFF	0x100

static const char *scenario(void)
{
	const char *s = getenv("MINIVM_FAKE");

	return s ? s : "";
}

static bool is(const char *name)
{
	return !strcmp(scenario(), name);
}

static void complain(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fake-minivm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int fail(int err)
{
	errno = err;
	return -1;
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (strcmp(path, "/dev/minivm"))
		return __real_open(path, flags, mode);

	if (is("absent"))
		return fail(ENOENT);
	sys_fd = __real_open("/dev/null", O_RDWR);
	return sys_fd;
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (fd < 0 || fd != vcpu_fd)
		return __real_mmap(addr, len, prot, flags, fd, off);
	if (len > sizeof(run_page) || off || !(flags & MAP_SHARED)) {
		complain("bad run area mmap: len %zu off %lld", len, (long long)off);
		errno = EINVAL;
		return MAP_FAILED;
	}
	run = (struct minivm_run *)run_page;
	return run_page;
}

static int sys_ioctl(unsigned long req, unsigned long arg)
{
	switch (req) {
	case MINIVM_GET_API_VERSION:
		return is("version") ? 2 : MINIVM_API_VERSION;
	case MINIVM_CHECK_EXTENSION:
		if (arg == MINIVM_CAP_USER_MEMORY)
			return is("nocap") ? 0 : 1;
		if (arg == MINIVM_CAP_UNRESTRICTED_GUEST)
			return is("noreal") ? 0 : 1;
		if (arg == MINIVM_CAP_LONG_MODE)
			return is("nolong") ? 0 : 1;
		if (arg == MINIVM_CAP_IMMEDIATE_EXIT)
			return 1;
		if (arg == MINIVM_CAP_IRQCHIP)
			return is("noirqchip") ? 0 : 1;
		if (arg == MINIVM_CAP_BINARY_STATS_FD)
			return is("nostats") ? 0 : 1;
		return 0;
	case MINIVM_GET_VCPU_MMAP_SIZE:
		return sizeof(run_page);
	case MINIVM_CREATE_VM:
		if (is("busy"))
			return fail(EBUSY);
		if (arg)
			return fail(EINVAL);
		vm_fd = __real_open("/dev/null", O_RDWR);
		return vm_fd;
	}
	return fail(ENOTTY);
}

static int set_memory(const struct minivm_userspace_memory_region *r)
{
	if (r->flags || r->reserved[0] || r->reserved[1] || !r->memory_size ||
	    (r->memory_size & 4095) || (r->userspace_addr & 4095) ||
	    (r->guest_phys_addr & 4095) ||
	    fake_add_slot(&guest, r->slot, r->guest_phys_addr, r->memory_size,
			  (uint8_t *)(uintptr_t)r->userspace_addr)) {
		complain("bad memory region: slot %u flags %u gpa 0x%llx size 0x%llx",
			 r->slot, r->flags, (unsigned long long)r->guest_phys_addr,
			 (unsigned long long)r->memory_size);
		return fail(EINVAL);
	}
	return 0;
}

/* api.rst 6.11: the errors the module gives, and a complaint: a VMM bug. */
static int create_irqchip(unsigned long arg)
{
	if (arg || vcpu_fd >= 0) {
		complain("MINIVM_CREATE_IRQCHIP with argument %lu, %s a vCPU", arg,
			 vcpu_fd >= 0 ? "after" : "before");
		return fail(EINVAL);
	}
	if (irqchip) {
		complain("MINIVM_CREATE_IRQCHIP twice");
		return fail(EEXIST);
	}
	irqchip = true;
	return 0;
}

static int irq_line(const struct minivm_irq_level *l)
{
	if (!irqchip) {
		complain("MINIVM_IRQ_LINE without an irqchip");
		return fail(ENXIO);
	}
	if (l->irq >= MINIVM_IOAPIC_PINS || l->level > 1) {
		complain("MINIVM_IRQ_LINE irq %u level %u", l->irq, l->level);
		return fail(EINVAL);
	}
	if (l->level && !atomic_exchange(&irq_level[l->irq], 1))
		atomic_fetch_add(&irq_raises[l->irq], 1);
	else if (!l->level)
		atomic_store(&irq_level[l->irq], 0);
	return 0;
}

static void reset_state(void)
{
	struct minivm_segment data = { .limit = 0xffff, .type = 3, .present = 1, .s = 1 };

	memset(&sregs, 0, sizeof(sregs));
	sregs.cs = (struct minivm_segment) { .base = 0xffff0000, .limit = 0xffff,
		.selector = 0xf000, .type = 11, .present = 1, .s = 1 };
	sregs.ds = data;
	sregs.es = data;
	sregs.fs = data;
	sregs.gs = data;
	sregs.ss = data;
	sregs.tr = (struct minivm_segment) { .limit = 0xffff, .type = 11, .present = 1 };
	sregs.ldt = (struct minivm_segment) { .limit = 0xffff, .type = 2, .present = 1 };
	sregs.gdt.limit = 0xffff;
	sregs.idt.limit = 0xffff;
	sregs.cr0 = 0x60000010;
	memset(&regs, 0, sizeof(regs));
	regs.rip = 0xfff0;
	regs.rflags = 2;
}

static void set_io(uint8_t dir, uint16_t port, uint8_t size, uint32_t val)
{
	run->exit_reason = MINIVM_EXIT_IO;
	run->io.direction = dir;
	run->io.port = port;
	run->io.size = size;
	run->io.count = 1;
	run->io.data_offset = DATA_OFF;
	memset(run_page + DATA_OFF, 0xee, 4);
	if (dir == MINIVM_EXIT_IO_OUT)
		memcpy(run_page + DATA_OFF, &val, size);
}

/* Expect @val in the run area when the next RUN completes this IN. */
static void set_in(uint16_t port, uint8_t size, uint32_t val)
{
	set_io(MINIVM_EXIT_IO_IN, port, size, 0);
	pending_in = val;
	pending_in_size = size;
}

static void set_internal_vmcall(void)
{
	run->exit_reason = MINIVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT;
	run->internal.ndata = 5;
	run->internal.data[0] = 18;
	run->internal.data[1] = 0;
	run->internal.data[2] = 0x3;
	run->internal.data[3] = 3;
	run->internal.data[4] = 0;
}

/*
 * Scenario "io": a polling guest printing "ok\n", probing an unclaimed
 * port, reading a word across LSR/MSR, writing to nowhere, then HLT. For
 * an IN, val is what minivm-run must leave in the run area.
 */
static const struct io_step {
	uint8_t dir;
	uint16_t port;
	uint8_t size;
	uint32_t val;
} io_steps[] = {
	{ MINIVM_EXIT_IO_IN,  0x3fd,  1, 0x60 },
	{ MINIVM_EXIT_IO_OUT, 0x3f8,  1, 'o' },
	{ MINIVM_EXIT_IO_OUT, 0x3f8,  1, 'k' },
	{ MINIVM_EXIT_IO_OUT, 0x3f8,  1, '\n' },
	{ MINIVM_EXIT_IO_IN,  0x4000, 4, 0xffffffff },
	{ MINIVM_EXIT_IO_IN,  0x3fd,  2, 0xb060 },
	{ MINIVM_EXIT_IO_OUT, 0x80,   2, 0x1234 },
};

/* An IN whose value the scenario looks at itself (last_in). */
static void set_in_any(uint16_t port, uint8_t size)
{
	set_in(port, size, 0);
	pending_in_any = true;
}

static void set_out(uint16_t port, uint8_t val)
{
	set_io(MINIVM_EXIT_IO_OUT, port, 1, val);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * The vCPU asleep in HLT until the I/O thread raises @irq (as the module
 * sleeps until its I/O APIC has an interrupt): false after @ms.
 */
static bool wait_irq(unsigned int irq, unsigned int raises, int ms)
{
	int64_t end = mono_ms() + ms;

	while (atomic_load(&irq_raises[irq]) < raises) {
		if (mono_ms() > end)
			return false;
		usleep(1000);
	}
	return true;
}

/* $MINIVM_FAKE_TYPE written to fd $MINIVM_FAKE_INPUT_FD: a user typing. */
static void type_input(void)
{
	const char *fd = getenv("MINIVM_FAKE_INPUT_FD");
	const char *text = getenv("MINIVM_FAKE_TYPE");

	if (fd && text && write(atoi(fd), text, strlen(text)) != (ssize_t)strlen(text))
		complain("cannot type the input");
}

/*
 * Scenario "console": a guest that runs COM1 with interrupts, as Linux's
 * 8250 driver does: enable the receive interrupt and OUT2, sleep until
 * IRQ 4, then read while LSR says data is ready, until it has
 * $MINIVM_FAKE_RECV; IRQ 4 must be down once the FIFO is empty. What it
 * gets is typed ($MINIVM_FAKE_TYPE) while it sleeps.
 */
static int console_run(unsigned int step)
{
	static const char *want;
	static size_t got;
	static bool reading_rbr;
	static int64_t deadline;

	if (step == 0) {
		want = getenv("MINIVM_FAKE_RECV");
		if (!want)
			want = "";
		set_out(0x3f9, 0x01);		/* IER: received data */
		return 0;
	}
	if (step == 1) {
		set_out(0x3fc, 0x08);		/* MCR: OUT2 */
		return 0;
	}
	if (step == 2) {
		type_input();
		if (*want && !wait_irq(4, 1, 5000))
			complain("no IRQ 4 for the input");
		deadline = mono_ms() + 5000;
		set_in_any(0x3fd, 1);
		return 0;
	}
	/* From here on, alternate LSR and RBR reads. */
	if (reading_rbr) {
		reading_rbr = false;
		if (got < strlen(want) && (uint8_t)want[got] != (uint8_t)last_in)
			complain("COM1 received 0x%02x, want 0x%02x at byte %zu",
				 last_in, (uint8_t)want[got], got);
		got++;
		set_in_any(0x3fd, 1);
		return 0;
	}
	if (last_in & 0x01) {			/* LSR.DR */
		if (got >= strlen(want))
			complain("COM1 has more than the %zu bytes typed", got);
		reading_rbr = true;
		set_in_any(0x3f8, 1);
		return 0;
	}
	if (got < strlen(want)) {
		/* More is on its way from the I/O thread: poll LSR again. */
		if (mono_ms() > deadline) {
			complain("COM1 received %zu of %zu bytes", got, strlen(want));
			run->exit_reason = MINIVM_EXIT_HLT;
			return 0;
		}
		usleep(1000);
		set_in_any(0x3fd, 1);
		return 0;
	}
	if (atomic_load(&irq_level[4]))
		complain("IRQ 4 still up with the receive FIFO empty");
	run->exit_reason = MINIVM_EXIT_HLT;
	return 0;
}

/*
 * Scenario "pit": channel 0 in mode 0 (one shot) with a count of 1193,
 * 1 ms: exactly one IRQ 0 edge comes, from the I/O thread's timer.
 */
static int pit_run(unsigned int step)
{
	static unsigned int base;

	switch (step) {
	case 0:
		set_out(0x43, 0x30);		/* channel 0, LSB then MSB, mode 0 */
		return 0;
	case 1:
		/* From the control word on, OUT0 is low until the count runs out. */
		base = atomic_load(&irq_raises[0]);
		set_out(0x40, 0xa9);
		return 0;
	case 2:
		set_out(0x40, 0x04);
		return 0;
	}
	if (!wait_irq(0, base + 1, 3000))
		complain("no IRQ 0 edge from the PIT's one-shot");
	usleep(100000);
	if (atomic_load(&irq_raises[0]) != base + 1)
		complain("%u IRQ 0 edges from one one-shot count",
			 atomic_load(&irq_raises[0]) - base);
	run->exit_reason = MINIVM_EXIT_HLT;
	return 0;
}

/*
 * Scenario "rtc": the update-ended interrupt on, IRQ 8 within a second or
 * so (the I/O thread's realtime timer), register C reads UF and IRQF and
 * takes IRQ 8 down.
 */
static int rtc_run(unsigned int step)
{
	switch (step) {
	case 0:
		set_out(0x70, 0x0b);
		return 0;
	case 1:
		set_out(0x71, 0x12);		/* register B: UIE, 24 hours, BCD */
		return 0;
	case 2:
		if (!wait_irq(8, 1, 3000))
			complain("no IRQ 8 for the RTC's update interrupt");
		set_out(0x70, 0x0c);
		return 0;
	case 3:
		set_in_any(0x71, 1);
		return 0;
	}
	/* IRQF and UF; PF too, which register A's rate sets whether enabled or not. */
	if ((last_in & 0xb0) != 0x90)
		complain("register C reads 0x%02x, want IRQF | UF", last_in);
	if (atomic_load(&irq_level[8]))
		complain("IRQ 8 still up after register C was read");
	run->exit_reason = MINIVM_EXIT_HLT;
	return 0;
}

/*
 * Scenario "quit": stdin is a terminal in raw mode; the user types
 * $MINIVM_FAKE_TYPE (Ctrl-A x, say) while the guest runs, which must
 * stop RUN as a SIGINT does.
 */
static int quit_run(unsigned int step)
{
	sigset_t sigint, old;
	struct termios t;

	/* The SIGINT may come before we sleep: hold it until sigsuspend(). */
	sigemptyset(&sigint);
	sigaddset(&sigint, SIGINT);
	sigprocmask(SIG_BLOCK, &sigint, &old);
	if (step == 0) {
		if (tcgetattr(STDIN_FILENO, &t))
			complain("stdin is not a terminal");
		else if (t.c_lflag & (ICANON | ECHO | ISIG) || t.c_iflag & ICRNL)
			complain("stdin is not in raw mode: lflag 0x%x iflag 0x%x",
				 t.c_lflag, t.c_iflag);
		type_input();
	}
	/* Asleep in the guest until a signal, as in "spin". */
	sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	run->exit_reason = MINIVM_EXIT_INTR;
	return fail(EINTR);
}

/* Fills the run area for RUN number @step of the scenario. */
static int scenario_run(unsigned int step)
{
	if (is("console"))
		return console_run(step);
	if (is("pit"))
		return pit_run(step);
	if (is("rtc"))
		return rtc_run(step);
	if (is("quit"))
		return quit_run(step);
	if (is("reboot")) {
		if (step == 0) {
			set_out(0x64, 0xfe);	/* i8042: pulse the reset line */
		} else {
			complain("RUN again after the reset");
			run->exit_reason = MINIVM_EXIT_HLT;
		}
		return 0;
	}
	if (is("unclaimed")) {
		/* A kernel's probes: a PIC and port 0x80 (claimed), COM2 (not). */
		static const struct io_step steps[] = {
			{ MINIVM_EXIT_IO_OUT, 0xa1, 1, 0xff },
			{ MINIVM_EXIT_IO_OUT, 0x21, 1, 0xfb },
			{ MINIVM_EXIT_IO_IN,  0x21, 1, 0xff },
			{ MINIVM_EXIT_IO_OUT, 0x80, 1, 0x00 },
			{ MINIVM_EXIT_IO_IN,  0x2f9, 1, 0xff },
			{ MINIVM_EXIT_IO_OUT, 0x2fb, 1, 0x03 },
			{ MINIVM_EXIT_IO_IN,  0x70, 1, 0xff },
		};

		if (step < ARRAY_SIZE(steps)) {
			const struct io_step *io = &steps[step];

			if (io->dir == MINIVM_EXIT_IO_IN)
				set_in(io->port, io->size, io->val);
			else
				set_io(MINIVM_EXIT_IO_OUT, io->port, io->size, io->val);
			return 0;
		}
		run->exit_reason = MINIVM_EXIT_HLT;
		return 0;
	}
	if (is("io")) {
		if (step < ARRAY_SIZE(io_steps)) {
			const struct io_step *io = &io_steps[step];

			if (io->dir == MINIVM_EXIT_IO_IN)
				set_in(io->port, io->size, io->val);
			else
				set_io(MINIVM_EXIT_IO_OUT, io->port, io->size, io->val);
			return 0;
		}
		run->exit_reason = MINIVM_EXIT_HLT;
		return 0;
	}
	if (is("debug-exit")) {
		if (step == 0)
			set_io(MINIVM_EXIT_IO_OUT, 0xf4, 1, 42);
		else
			run->exit_reason = MINIVM_EXIT_HLT;
		return 0;
	}
	if (is("eintr")) {
		/* Signals the VMM does not stop for: RUN is simply retried. */
		if (step < 3) {
			run->exit_reason = MINIVM_EXIT_INTR;
			return fail(EINTR);
		}
		run->exit_reason = MINIVM_EXIT_HLT;
		return 0;
	}
	if (is("sigterm")) {
		/* SIGTERM arrives while the vCPU is in the guest. */
		if (step == 0) {
			raise(SIGTERM);
			if (!run->immediate_exit)
				complain("the SIGTERM handler did not set immediate_exit");
			run->exit_reason = MINIVM_EXIT_INTR;
			return fail(EINTR);
		}
		complain("RUN called again after SIGTERM");
		run->exit_reason = MINIVM_EXIT_HLT;
		return 0;
	}
	if (is("spin")) {
		/*
		 * A guest that never exits: RUN returns only when a signal
		 * is pending, as the module's does.
		 */
		pause();
		run->exit_reason = MINIVM_EXIT_INTR;
		return fail(EINTR);
	}
	if (is("shutdown")) {
		run->exit_reason = MINIVM_EXIT_SHUTDOWN;
		regs.rip = 0x1234;
		return 0;
	}
	if (is("fail-entry")) {
		run->exit_reason = MINIVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = 0x80000021;
		run->fail_entry.qualification = 0;
		run->fail_entry.cpu = 0;
		return 0;
	}
	if (is("internal")) {
		set_internal_vmcall();
		return 0;
	}
	if (is("eio"))
		return fail(EIO);
	if (is("malformed")) {
		set_io(MINIVM_EXIT_IO_IN, 0x3f8, 4, 0);
		run->io.data_offset = 4094;
		return 0;
	}
	if (is("unknown-exit")) {
		run->exit_reason = 99;
		return 0;
	}
	run->exit_reason = MINIVM_EXIT_HLT;
	return 0;
}

static int vcpu_run(void)
{
	int ret;

	if (!run) {
		complain("RUN before the run area was mapped");
		return fail(EINVAL);
	}
	if (run->immediate_exit) {
		run->exit_reason = MINIVM_EXIT_INTR;
		return fail(EINTR);
	}
	if (nr_runs == 0) {
		struct vcpu_sregs s;
		struct vcpu_regs r;

		minivm_regs_to_vcpu(&regs, &r);
		minivm_sregs_to_vcpu(&sregs, &s);
		fake_check_boot("fake-minivm", &guest, &r, &s, irqchip);
	}
	if (pending_in_size) {
		uint32_t got = 0;

		memcpy(&got, run_page + DATA_OFF, pending_in_size);
		if (got != pending_in && !pending_in_any)
			complain("IN port 0x%x completed with 0x%x, want 0x%x",
				 run->io.port, got, pending_in);
		last_in = got;
		pending_in_size = 0;
		pending_in_any = false;
	}
	ret = scenario_run(nr_runs++);
	if (!ret) {
		nr_userspace_exits++;
		if (run->exit_reason == MINIVM_EXIT_IO)
			nr_io_exits++;
		else if (run->exit_reason == MINIVM_EXIT_HLT)
			nr_hlt_exits++;
	}
	return ret;
}

#define FAKE_COUNTER	(MINIVM_STATS_TYPE_CUMULATIVE | MINIVM_STATS_UNIT_NONE)
#define FAKE_INSTANT	(MINIVM_STATS_TYPE_INSTANT | MINIVM_STATS_UNIT_NONE)

/* The module's statistics files, as far as the fake knows them. */
static int stats_fd(bool vcpu, unsigned long arg)
{
	const struct fake_stat vm_stats[] = {
		{ .name = "dead", .flags = MINIVM_STATS_TYPE_INSTANT | MINIVM_STATS_UNIT_BOOLEAN },
		{ .name = "vcpus", .flags = FAKE_INSTANT, .value = 1 },
		{ .name = "pages_mapped", .flags = FAKE_INSTANT, .value = 5 },
		{ .name = "pages_mapped_peak", .flags = MINIVM_STATS_TYPE_PEAK, .value = 5 },
	};
	const struct fake_stat vcpu_stats[] = {
		{ .name = "exits", .flags = FAKE_COUNTER, .value = 2 * nr_runs },
		{ .name = "userspace_exits", .flags = FAKE_COUNTER, .value = nr_userspace_exits },
		{ .name = "io_exits", .flags = FAKE_COUNTER, .value = nr_io_exits },
		{ .name = "mmio_exits", .flags = FAKE_COUNTER },
		{ .name = "hlt_exits", .flags = FAKE_COUNTER, .value = nr_hlt_exits },
		{ .name = "halt_wait_ns", .flags = MINIVM_STATS_TYPE_CUMULATIVE |
		  MINIVM_STATS_UNIT_SECONDS, .exponent = -9 },
	};

	if (arg) {
		complain("GET_%sSTATS_FD with argument %lu", vcpu ? "VCPU_" : "", arg);
		return fail(EINVAL);
	}
	if (is("nostats"))
		complain("GET_%sSTATS_FD without MINIVM_CAP_BINARY_STATS_FD",
			 vcpu ? "VCPU_" : "");
	if (vcpu)
		return fake_stats_fd("minivm-1-1/vcpu-0", vcpu_stats,
				     ARRAY_SIZE(vcpu_stats));
	return fake_stats_fd("minivm-1-1", vm_stats, ARRAY_SIZE(vm_stats));
}

static int vcpu_ioctl(unsigned long req, void *argp)
{
	const struct minivm_sregs *s = argp;
	unsigned int i;

	switch (req) {
	case MINIVM_RUN:
		return vcpu_run();
	case MINIVM_GET_VCPU_STATS_FD:
		return stats_fd(true, (unsigned long)argp);
	case MINIVM_GET_REGS:
		memcpy(argp, &regs, sizeof(regs));
		return 0;
	case MINIVM_SET_REGS:
		memcpy(&regs, argp, sizeof(regs));
		return 0;
	case MINIVM_GET_SREGS:
		memcpy(argp, &sregs, sizeof(sregs));
		return 0;
	case MINIVM_SET_SREGS:
		/* As the module: reserved and padding must be zero. */
		for (i = 0; i < ARRAY_SIZE(s->reserved); i++)
			if (s->reserved[i])
				return fail(EINVAL);
		if (s->cs.padding || s->tr.padding || s->gdt.padding[0])
			return fail(EINVAL);
		sregs = *s;
		return 0;
	}
	return fail(ENOTTY);
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, unsigned long);
	va_end(ap);

	if (fd < 0)
		return fail(EBADF);
	if (fd == sys_fd)
		return sys_ioctl(req, arg);
	if (fd == vm_fd) {
		if (req == MINIVM_SET_USER_MEMORY_REGION)
			return set_memory((void *)arg);
		if (req == MINIVM_CREATE_VCPU) {
			if (arg)
				return fail(EINVAL);
			vcpu_fd = __real_open("/dev/null", O_RDWR);
			reset_state();
			return vcpu_fd;
		}
		if (req == MINIVM_CHECK_EXTENSION)
			return sys_ioctl(req, arg);
		if (req == MINIVM_CREATE_IRQCHIP)
			return create_irqchip(arg);
		if (req == MINIVM_IRQ_LINE)
			return irq_line((void *)arg);
		if (req == MINIVM_GET_STATS_FD)
			return stats_fd(false, arg);
		return fail(ENOTTY);
	}
	if (fd == vcpu_fd)
		return vcpu_ioctl(req, (void *)arg);
	return __real_ioctl(fd, req, arg);
}
