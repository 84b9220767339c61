// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for /dev/kvm, as tests/fake-minivm.c is for /dev/minivm: it
 * is linked into tests/minivm-run-fake-kvm with
 *   -Wl,--wrap=open,--wrap=ioctl,--wrap=mmap
 * and plays KVM's side of <linux/kvm.h> for accel/kvm.c, which cannot be
 * run for real on a host without KVM. It checks what minivm-run passes
 * in (the order KVM requires, memory slots, CPUID, the boot state) and
 * replies with the exits of the scenario named by $MINIVM_FAKE. Anything
 * minivm-run gets wrong is a "fake-kvm:" line on stderr, which the tests
 * treat as a failure.
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
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "accel/kvm-xlate.h"
#include "compiler.h"
#include "fake-boot.h"
#include "fake-minivm.h"
#include "fake-stats.h"

static int sys_fd = -1, vm_fd = -1, vcpu_fd = -1;
static struct kvm_regs regs;
static struct kvm_sregs sregs;
static struct kvm_run *run;
static unsigned int nr_runs;
static bool tss_set, identity_set, cpuid_set, irqchip;
/* As in fake-minivm.c: pins as KVM_IRQ_LINE left them, and their 0->1 edges. */
#define FAKE_KVM_PINS	24
static atomic_int irq_level[FAKE_KVM_PINS];
static atomic_uint irq_raises[FAKE_KVM_PINS];
static atomic_int mp_state = KVM_MP_STATE_RUNNABLE;
static uint32_t pending_in;	/* expected IN/MMIO read data, checked on the next RUN */
static unsigned int pending_in_size;
static uint8_t *pending_in_data;
static struct fake_guest_mem guest;

/* KVM puts I/O data on the run area's second page (KVM_PIO_PAGE_OFFSET). */
#define RUN_SIZE	8192
#define DATA_OFF	4096
static _Alignas(4096) uint8_t run_page[RUN_SIZE];

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

	fprintf(stderr, "fake-kvm: ");
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
	if (strcmp(path, "/dev/kvm"))
		return __real_open(path, flags, mode);

	if (is("absent"))
		return fail(ENOENT);
	if (is("eacces"))
		return fail(EACCES);
	sys_fd = __real_open("/dev/null", O_RDWR);
	return sys_fd;
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (fd < 0 || fd != vcpu_fd)
		return __real_mmap(addr, len, prot, flags, fd, off);
	if (len != RUN_SIZE || off || !(flags & MAP_SHARED)) {
		complain("bad run area mmap: len %zu off %lld", len, (long long)off);
		errno = EINVAL;
		return MAP_FAILED;
	}
	run = (struct kvm_run *)run_page;
	return run_page;
}

static int supported_cpuid(struct kvm_cpuid2 *c)
{
	/* Pretend the table has 100 entries: the caller must grow its room. */
	const uint32_t n = 100;
	uint32_t i;

	if (c->nent < n) {
		c->nent = n;
		return fail(E2BIG);
	}
	c->nent = n;
	for (i = 0; i < n; i++)
		c->entries[i] = (struct kvm_cpuid_entry2) { .function = i,
			.eax = 0x11, .ebx = 0xff000800 | i, .edx = 0x77 };
	return 0;
}

static int sys_ioctl(unsigned long req, unsigned long arg)
{
	switch (req) {
	case KVM_GET_API_VERSION:
		return is("version") ? 11 : KVM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		if (arg == KVM_CAP_USER_MEMORY)
			return is("nocap") ? 0 : 1;
		if (arg == KVM_CAP_EXT_CPUID || arg == KVM_CAP_IMMEDIATE_EXIT ||
		    arg == KVM_CAP_SET_TSS_ADDR || arg == KVM_CAP_SET_IDENTITY_MAP_ADDR ||
		    arg == KVM_CAP_TSC_DEADLINE_TIMER)
			return 1;
		if (arg == KVM_CAP_IRQCHIP)
			return is("noirqchip") ? 0 : 1;
		if (arg == KVM_CAP_BINARY_STATS_FD)
			return is("nostats") ? 0 : 1;
		return 0;
	case KVM_GET_VCPU_MMAP_SIZE:
		return RUN_SIZE;
	case KVM_GET_SUPPORTED_CPUID:
		return supported_cpuid((struct kvm_cpuid2 *)arg);
	case KVM_CREATE_VM:
		if (is("busy"))
			return fail(EBUSY);
		if (arg)
			return fail(EINVAL);
		vm_fd = __real_open("/dev/null", O_RDWR);
		return vm_fd;
	}
	return fail(ENOTTY);
}

static int set_memory(const struct kvm_userspace_memory_region *r)
{
	if (r->flags || !r->memory_size || (r->memory_size & 4095) ||
	    (r->userspace_addr & 4095) || (r->guest_phys_addr & 4095) ||
	    fake_add_slot(&guest, r->slot, r->guest_phys_addr, r->memory_size,
			  (uint8_t *)(uintptr_t)r->userspace_addr)) {
		complain("bad memory region: slot %u flags %u gpa 0x%llx size 0x%llx",
			 r->slot, r->flags, (unsigned long long)r->guest_phys_addr,
			 (unsigned long long)r->memory_size);
		return fail(EINVAL);
	}
	return 0;
}

/* KVM's reset state, which minivm-run starts from. */
static void reset_state(void)
{
	struct kvm_segment data = { .limit = 0xffff, .type = 3, .present = 1, .s = 1 };

	memset(&sregs, 0, sizeof(sregs));
	sregs.cs = (struct kvm_segment) { .base = 0xffff0000, .limit = 0xffff,
		.selector = 0xf000, .type = 11, .present = 1, .s = 1 };
	sregs.ds = data;
	sregs.es = data;
	sregs.fs = data;
	sregs.gs = data;
	sregs.ss = data;
	sregs.tr = (struct kvm_segment) { .limit = 0xffff, .type = 11, .present = 1 };
	sregs.ldt = (struct kvm_segment) { .limit = 0xffff, .type = 2, .present = 1 };
	sregs.gdt.limit = 0xffff;
	sregs.idt.limit = 0xffff;
	sregs.cr0 = 0x60000010;
	sregs.apic_base = 0xfee00900;
	memset(&regs, 0, sizeof(regs));
	regs.rip = 0xfff0;
	regs.rflags = 2;
}

static void set_io(uint8_t dir, uint16_t port, uint8_t size, uint32_t val)
{
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = dir;
	run->io.port = port;
	run->io.size = size;
	run->io.count = 1;
	run->io.data_offset = DATA_OFF;
	memset(run_page + DATA_OFF, 0xee, 4);
	if (dir == KVM_EXIT_IO_OUT)
		memcpy(run_page + DATA_OFF, &val, size);
}

/* Expect @val in @data when the next RUN completes this read. */
static void expect_read(uint8_t *data, unsigned int size, uint32_t val)
{
	pending_in_data = data;
	pending_in = val;
	pending_in_size = size;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Scenario "pit", as in fake-minivm.c: a one-shot of 1 ms on channel 0
 * gives exactly one IRQ 0 edge, through KVM_IRQ_LINE.
 */
static int pit_run(unsigned int step)
{
	static unsigned int base;
	int64_t end;

	switch (step) {
	case 0:
		set_io(KVM_EXIT_IO_OUT, 0x43, 1, 0x30);
		return 0;
	case 1:
		base = atomic_load(&irq_raises[0]);
		set_io(KVM_EXIT_IO_OUT, 0x40, 1, 0xa9);
		return 0;
	case 2:
		set_io(KVM_EXIT_IO_OUT, 0x40, 1, 0x04);
		return 0;
	}
	for (end = mono_ms() + 3000; atomic_load(&irq_raises[0]) <= base && mono_ms() < end; )
		usleep(1000);
	usleep(100000);
	if (atomic_load(&irq_raises[0]) != base + 1)
		complain("%u IRQ 0 edges from one one-shot count",
			 atomic_load(&irq_raises[0]) - base);
	set_io(KVM_EXIT_IO_OUT, 0xf4, 1, 0);	/* debug-exit: status 1 */
	return 0;
}

/*
 * Scenarios "halt-irqs-off" and "halt-irqs-on": the guest halts (with
 * RFLAGS.IF clear, or set) and KVM's in-kernel APIC keeps it asleep in
 * KVM_RUN until a signal: the I/O thread's kick. Halted with IF clear,
 * the run is over (status 0); with IF set, the guest must be run on, and
 * then ends through debug-exit (85).
 */
static int halt_run(unsigned int step, bool irqs_on)
{
	if (step == 0) {
		regs.rflags = irqs_on ? 0x202 : 0x2;
		atomic_store(&mp_state, KVM_MP_STATE_HALTED);
		pause();
		run->exit_reason = KVM_EXIT_INTR;
		return fail(EINTR);
	}
	if (!irqs_on)
		complain("RUN again, halted with interrupts disabled");
	atomic_store(&mp_state, KVM_MP_STATE_RUNNABLE);
	set_io(KVM_EXIT_IO_OUT, 0xf4, 1, 42);
	return 0;
}

static int scenario_run(unsigned int step)
{
	if (is("pit"))
		return pit_run(step);
	if (is("halt-irqs-off") || is("halt-irqs-on"))
		return halt_run(step, is("halt-irqs-on"));
	if (is("reboot")) {
		if (step) {
			complain("RUN again after the reset");
			run->exit_reason = KVM_EXIT_HLT;
		} else {
			set_io(KVM_EXIT_IO_OUT, 0x64, 1, 0xfe);
		}
		return 0;
	}
	if (is("io")) {
		switch (step) {
		case 0:
			set_io(KVM_EXIT_IO_IN, 0x3fd, 1, 0);
			expect_read(run_page + DATA_OFF, 1, 0x60);
			return 0;
		case 1:
		case 2:
		case 3:
			set_io(KVM_EXIT_IO_OUT, 0x3f8, 1, "ok\n"[step - 1]);
			return 0;
		case 4:
			/* An MMIO read nothing claims: all ones. */
			run->exit_reason = KVM_EXIT_MMIO;
			run->mmio.phys_addr = 0xfed00000;
			run->mmio.len = 4;
			run->mmio.is_write = 0;
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
			expect_read(run->mmio.data, 4, 0xffffffff);
			return 0;
		}
		run->exit_reason = KVM_EXIT_HLT;
		return 0;
	}
	if (is("debug-exit")) {
		if (step == 0) {
			set_io(KVM_EXIT_IO_OUT, 0xf4, 1, 42);
			return 0;
		}
	}
	if (is("sigterm")) {
		if (step == 0) {
			raise(SIGTERM);
			if (!run->immediate_exit)
				complain("the SIGTERM handler did not set immediate_exit");
			run->exit_reason = KVM_EXIT_INTR;
			return fail(EINTR);
		}
		complain("RUN called again after SIGTERM");
	}
	if (is("shutdown")) {
		run->exit_reason = KVM_EXIT_SHUTDOWN;
		regs.rip = 0x1234;
		return 0;
	}
	if (is("fail-entry")) {
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = 0x80000021;
		run->fail_entry.cpu = 3;
		return 0;
	}
	if (is("internal")) {
		run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
		run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
		run->emulation_failure.ndata = 3;
		run->emulation_failure.flags =
			KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
		run->emulation_failure.insn_size = 3;
		memcpy(run->emulation_failure.insn_bytes, "\x0f\x01\xc1", 3);
		return 0;
	}
	if (is("poweroff") || is("crash")) {
		run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
		run->system_event.type = is("crash") ? KVM_SYSTEM_EVENT_CRASH :
						       KVM_SYSTEM_EVENT_SHUTDOWN;
		return 0;
	}
	if (is("malformed")) {
		set_io(KVM_EXIT_IO_IN, 0x3f8, 4, 0);
		run->io.data_offset = RUN_SIZE - 2;
		return 0;
	}
	if (is("hypercall")) {
		run->exit_reason = KVM_EXIT_HYPERCALL;
		return 0;
	}
	run->exit_reason = KVM_EXIT_HLT;
	return 0;
}

static void check_boot_state(void)
{
	struct vcpu_sregs s;
	struct vcpu_regs r;

	if (!tss_set || !identity_set)
		complain("KVM_SET_TSS_ADDR/KVM_SET_IDENTITY_MAP_ADDR not set");
	if (!cpuid_set)
		complain("RUN before KVM_SET_CPUID2");
	kvm_regs_to_vcpu(&regs, &r);
	kvm_sregs_to_vcpu(&sregs, &s);
	fake_check_boot("fake-kvm", &guest, &r, &s, irqchip);
}

static int vcpu_run(void)
{
	if (!run) {
		complain("RUN before the run area was mapped");
		return fail(EINVAL);
	}
	if (run->immediate_exit) {
		run->exit_reason = KVM_EXIT_INTR;
		return fail(EINTR);
	}
	if (nr_runs == 0)
		check_boot_state();
	if (pending_in_size) {
		uint32_t got = 0;

		memcpy(&got, pending_in_data, pending_in_size);
		if (got != pending_in)
			complain("read completed with 0x%x, want 0x%x", got, pending_in);
		pending_in_size = 0;
	}
	return scenario_run(nr_runs++);
}

static int set_cpuid(const struct kvm_cpuid2 *c)
{
	uint32_t i;

	if (c->nent != 100) {
		complain("KVM_SET_CPUID2 with %u entries, not the 100 supported", c->nent);
		return fail(EINVAL);
	}
	for (i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != 1)
			continue;
		if (e->ebx >> 24)
			complain("leaf 1 EBX has APIC ID %u, want 0", e->ebx >> 24);
		/* The TSC-deadline timer comes with the in-kernel APIC. */
		if (!!(e->ecx & (1U << 24)) != irqchip)
			complain("leaf 1 ECX 0x%x: TSC-deadline bit %s the irqchip",
				 e->ecx, irqchip ? "missing with" : "set without");
	}
	cpuid_set = true;
	return 0;
}

/*
 * KVM_GET_STATS_FD, with some of the names KVM's files have, and one of
 * its logarithmic histograms (halt_wait_hist: nanoseconds, 32 buckets).
 */
static int stats_fd(bool vcpu, unsigned long arg)
{
	static uint64_t wait_hist[32] = { [11] = 2, [31] = 1 };
	const struct fake_stat vm_stats[] = {
		{ .name = "remote_tlb_flush", .flags = KVM_STATS_TYPE_CUMULATIVE, .value = 3 },
		{ .name = "pages_4k", .flags = KVM_STATS_TYPE_INSTANT, .value = 17 },
		{ .name = "max_mmu_page_hash_collisions", .flags = KVM_STATS_TYPE_PEAK },
	};
	const struct fake_stat vcpu_stats[] = {
		{ .name = "halt_exits", .flags = KVM_STATS_TYPE_CUMULATIVE, .value = 1 },
		{ .name = "halt_wait_ns", .flags = KVM_STATS_TYPE_CUMULATIVE |
		  KVM_STATS_UNIT_SECONDS, .exponent = -9, .value = 2500 },
		{ .name = "halt_wait_hist", .flags = KVM_STATS_TYPE_LOG_HIST |
		  KVM_STATS_UNIT_SECONDS, .exponent = -9, .size = 32, .values = wait_hist },
		{ .name = "io_exits", .flags = KVM_STATS_TYPE_CUMULATIVE, .value = nr_runs - 1 },
		{ .name = "mmio_exits", .flags = KVM_STATS_TYPE_CUMULATIVE },
		{ .name = "exits", .flags = KVM_STATS_TYPE_CUMULATIVE, .value = nr_runs },
	};

	if (arg) {
		complain("KVM_GET_STATS_FD with argument %lu", arg);
		return fail(EINVAL);
	}
	if (is("nostats"))
		complain("KVM_GET_STATS_FD without KVM_CAP_BINARY_STATS_FD");
	if (vcpu)
		return fake_stats_fd("kvm-1/vcpu-0", vcpu_stats, ARRAY_SIZE(vcpu_stats));
	return fake_stats_fd("kvm-1", vm_stats, ARRAY_SIZE(vm_stats));
}

static int vcpu_ioctl(unsigned long req, void *argp)
{
	switch (req) {
	case KVM_RUN:
		return vcpu_run();
	case KVM_GET_STATS_FD:
		return stats_fd(true, (unsigned long)argp);
	case KVM_SET_CPUID2:
		return set_cpuid(argp);
	case KVM_GET_REGS:
		memcpy(argp, &regs, sizeof(regs));
		return 0;
	case KVM_SET_REGS:
		memcpy(&regs, argp, sizeof(regs));
		return 0;
	case KVM_GET_SREGS:
		memcpy(argp, &sregs, sizeof(sregs));
		return 0;
	case KVM_GET_MP_STATE:
		((struct kvm_mp_state *)argp)->mp_state = atomic_load(&mp_state);
		return 0;
	case KVM_SET_SREGS: {
		const struct kvm_sregs *s = argp;
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(s->interrupt_bitmap); i++)
			if (s->interrupt_bitmap[i])
				complain("SET_SREGS queues an interrupt");
		memcpy(&sregs, argp, sizeof(sregs));
		return 0;
	}
	}
	return fail(ENOTTY);
}

static int irq_line(const struct kvm_irq_level *l)
{
	if (!irqchip) {
		complain("KVM_IRQ_LINE without an irqchip");
		return fail(ENXIO);
	}
	if (l->irq >= FAKE_KVM_PINS || l->level > 1) {
		complain("KVM_IRQ_LINE irq %u level %u", l->irq, l->level);
		return fail(EINVAL);
	}
	if (l->level && !atomic_exchange(&irq_level[l->irq], 1))
		atomic_fetch_add(&irq_raises[l->irq], 1);
	else if (!l->level)
		atomic_store(&irq_level[l->irq], 0);
	return 0;
}

static int vm_ioctl(unsigned long req, unsigned long arg)
{
	switch (req) {
	case KVM_CREATE_IRQCHIP:
		if (vcpu_fd >= 0 || irqchip) {
			complain("KVM_CREATE_IRQCHIP %s", irqchip ? "twice" : "after a vCPU");
			return fail(irqchip ? EEXIST : EINVAL);
		}
		irqchip = true;
		return 0;
	case KVM_IRQ_LINE:
		return irq_line((void *)arg);
	case KVM_SET_USER_MEMORY_REGION:
		return set_memory((void *)arg);
	case KVM_SET_TSS_ADDR:
		if (vcpu_fd >= 0 || arg != 0xfffbd000)
			complain("KVM_SET_TSS_ADDR 0x%lx, after a vCPU: %d", arg, vcpu_fd >= 0);
		tss_set = true;
		return 0;
	case KVM_SET_IDENTITY_MAP_ADDR:
		if (vcpu_fd >= 0 || *(uint64_t *)arg != 0xfffbc000)
			complain("KVM_SET_IDENTITY_MAP_ADDR 0x%llx, after a vCPU: %d",
				 (unsigned long long)*(uint64_t *)arg, vcpu_fd >= 0);
		identity_set = true;
		return 0;
	case KVM_CREATE_VCPU:
		if (arg)
			return fail(EINVAL);
		vcpu_fd = __real_open("/dev/null", O_RDWR);
		reset_state();
		return vcpu_fd;
	case KVM_CHECK_EXTENSION:
		return sys_ioctl(req, arg);
	case KVM_GET_STATS_FD:
		return stats_fd(false, arg);
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
	if (fd == vm_fd)
		return vm_ioctl(req, arg);
	if (fd == vcpu_fd)
		return vcpu_ioctl(req, (void *)arg);
	return __real_ioctl(fd, req, arg);
}
