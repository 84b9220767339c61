// SPDX-License-Identifier: GPL-2.0
/*
 * minivm host-state probes: after every kind of exit, the VMM thread
 * finds its CPU as it left it. VM exit loads only part of the host's
 * state from the VMCS (SDM Vol. 3, 28.5: the GDT and IDT limits become
 * 0xffff, LDTR unusable, DS/ES/FS/GS null, TR's limit 0x67, DR7 0x400)
 * and minivm restores the rest, some of it lazily on the way back to
 * userspace (the IDT limit, the user GS base, the SYSCALL MSRs); the
 * IDT limit was not restored at all until this test. Each test makes a
 * guest cause one kind of exit many times, and after every RUN the VMM
 * thread, pinned to one CPU, compares what userspace can see of that
 * CPU with what it saw before the VM existed: GDTR and IDTR (SGDT,
 * SIDT), LDTR and TR (SLDT, STR), CR0's low word (SMSW), its segment
 * selectors, its FS and GS bases (arch_prctl reads the CPU's), a TLS
 * variable through FS, XCR0, the TSS's I/O bitmap (an OUT to a port
 * ioperm() allowed: with TR's limit left at 0x67 it would #GP), and a
 * hardware watchpoint of its own (perf: while a guest with breakpoints
 * armed runs, DR0-3 and DR7 are the guest's).
 */
#include <asm/prctl.h>
#include <cpuid.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

#define ROUNDS		20
/* Port 0x80 (POST codes, harmless) is what ioperm() opens. */
#define HOST_PORT	0x80
/* Identity-mapped by the guest's page tables, past its memory: MMIO. */
#define MMIO_GPA	(256ULL << 20)
#define DB_VECTOR	1

enum exit_kind {
	KIND_IO, KIND_CPUID, KIND_MSR, KIND_HLT, KIND_MMIO, KIND_EPT,
	KIND_DR, KIND_DB, KIND_WBINVD, KIND_INTERRUPTS,
};

static volatile uint64_t guest_watched;

static void guest_cpuid(void)
{
	uint32_t a = 0, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
}

static void guest_wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val),
		     "d"((uint32_t)(val >> 32)));
}

/* INT1 (ICEBP): a #DB trap, which minivm intercepts and reinjects. */
extern const char guest_int1_done[];
static void __attribute__((noinline)) guest_int1(void)
{
	asm volatile(".byte 0xf1\n\t"
		     ".globl guest_int1_done\n"
		     "guest_int1_done:");
}

static void __attribute__((noinline)) guest_action(uint64_t kind,
						   uint64_t round)
{
	uint64_t t0, t;

	switch (kind) {
	case KIND_IO:
		break;		/* the ucall itself */
	case KIND_CPUID:
		guest_cpuid();
		break;
	case KIND_MSR:
		/* The lazily switched ones: the host's come back on return. */
		guest_wrmsr(0xc0000102, 0xffff888812340000ULL);	/* KERNEL_GS_BASE */
		guest_wrmsr(0xc0000082, 0xffffffff81234560ULL);	/* LSTAR */
		guest_wrmsr(0xc0000084, 0x47700);			/* SFMASK */
		guest_wrmsr(0xc0000103, round);				/* TSC_AUX */
		break;
	case KIND_HLT:
		asm volatile("hlt");
		break;
	case KIND_MMIO:
		(void)*(volatile uint32_t *)MMIO_GPA;
		break;
	case KIND_EPT:
		/* A page never touched before: an EPT violation each round. */
		*(volatile uint64_t *)(VM64_HIGH_GPA + round * 4096 * 3) = round;
		break;
	case KIND_DR:
		/* A write watchpoint of the guest's own, armed while it runs. */
		asm volatile("mov %0, %%dr0" : : "r"(&guest_watched));
		asm volatile("mov %0, %%dr7" : : "r"(0xd0001UL));
		break;
	case KIND_DB:
		guest_int1();
		break;
	case KIND_WBINVD:
		asm volatile("wbinvd; invd" : : : "memory");
		break;
	case KIND_INTERRUPTS:
		/* Long enough for host timer ticks to exit the guest. */
		asm volatile("rdtsc; shl $32, %%rdx; or %%rdx, %0"
			     : "=a"(t0) : : "rdx");
		do {
			asm volatile("rdtsc; shl $32, %%rdx; or %%rdx, %0"
				     : "=a"(t) : : "rdx");
		} while (t - t0 < 3000000);
		break;
	}
}

static void guest_main(uint64_t kind)
{
	uint64_t round;

	for (round = 0; round < ROUNDS; round++) {
		guest_action(kind, round);
		GUEST_SYNC(round);
	}
	GUEST_DONE();
}

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* What the VMM thread can see of its CPU from userspace. */
struct host_view {
	struct dtr gdt, idt;
	uint16_t ldt, tr, msw, cs, ss, ds, es, fs, gs;
	unsigned long fs_base, gs_base;
	uint64_t xcr0;
	int tls;
};

static __thread int tls_probe = 0x7e57;

static void read_view(struct host_view *v)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	memset(v, 0, sizeof(*v));
	asm volatile("sgdt %0" : "=m"(v->gdt));
	asm volatile("sidt %0" : "=m"(v->idt));
	asm volatile("sldt %0" : "=r"(v->ldt));
	asm volatile("str %0" : "=r"(v->tr));
	asm volatile("smsw %0" : "=r"(v->msw));
	asm volatile("mov %%cs, %0" : "=r"(v->cs));
	asm volatile("mov %%ss, %0" : "=r"(v->ss));
	asm volatile("mov %%ds, %0" : "=r"(v->ds));
	asm volatile("mov %%es, %0" : "=r"(v->es));
	asm volatile("mov %%fs, %0" : "=r"(v->fs));
	asm volatile("mov %%gs, %0" : "=r"(v->gs));
	syscall(SYS_arch_prctl, ARCH_GET_FS, &v->fs_base);
	syscall(SYS_arch_prctl, ARCH_GET_GS, &v->gs_base);
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE)) {
		asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		v->xcr0 = (uint64_t)hi << 32 | lo;
	}
	v->tls = tls_probe;
}

FIXTURE(host) {
	struct host_view before;
	int watch_fd;
	volatile uint64_t watched;
	uint64_t hits;
};

static uint64_t watch_count(FIXTURE_DATA(host) *self)
{
	uint64_t n = 0;

	if (read(self->watch_fd, &n, sizeof(n)) != sizeof(n))
		return ~0ULL;
	return n;
}

FIXTURE_SETUP(host)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = (uint64_t)&self->watched,
		.bp_len = HW_BREAKPOINT_LEN_8,
		.exclude_kernel = 1,
	};
	cpu_set_t cpu0;

	MINIVM_REQUIRE();
	/* One CPU throughout: the GDT is per CPU. */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu0), &cpu0));
	ASSERT_EQ(0, ioperm(HOST_PORT, 1, 1));
	self->watch_fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	ASSERT_LE(0, self->watch_fd) TH_LOG("perf_event_open(breakpoint): %s",
					    strerror(errno));
	/* The watchpoint works before any VM exists. */
	self->watched++;
	self->hits = watch_count(self);
	ASSERT_EQ(1, self->hits);
	read_view(&self->before);
	/*
	 * The kernel's IDT has 256 16-byte gates; VM exit sets the limit to
	 * 0xffff, so another limit means an earlier exit on this CPU left
	 * it behind.
	 */
	ASSERT_EQ(256 * 16 - 1, self->before.idt.limit);
	TH_LOG("GDT %#lx/%#x IDT %#lx/%#x TR %#x LDT %#x MSW %#x XCR0 %#lx",
	       (unsigned long)self->before.gdt.base, self->before.gdt.limit,
	       (unsigned long)self->before.idt.base, self->before.idt.limit,
	       self->before.tr, self->before.ldt, self->before.msw,
	       (unsigned long)self->before.xcr0);
}

FIXTURE_TEARDOWN(host)
{
	if (self->watch_fd >= 0)
		close(self->watch_fd);
}

#define EXPECT_SAME(field, what)					\
	EXPECT_EQ(self->before.field, now.field)			\
		TH_LOG("%s: " #field " changed after %s", what, exit_desc)

/* After one RUN: the host as before, I/O bitmap and watchpoint working. */
static void check_host(struct __test_metadata *_metadata,
		       FIXTURE_DATA(host) *self, const char *what,
		       const char *exit_desc)
{
	struct host_view now;

	read_view(&now);
	EXPECT_SAME(gdt.base, what);
	EXPECT_SAME(gdt.limit, what);
	EXPECT_SAME(idt.base, what);
	EXPECT_SAME(idt.limit, what);
	EXPECT_SAME(ldt, what);
	EXPECT_SAME(tr, what);
	EXPECT_SAME(msw, what);
	EXPECT_SAME(cs, what);
	EXPECT_SAME(ss, what);
	EXPECT_SAME(ds, what);
	EXPECT_SAME(es, what);
	EXPECT_SAME(fs, what);
	EXPECT_SAME(gs, what);
	EXPECT_SAME(fs_base, what);
	EXPECT_SAME(gs_base, what);
	EXPECT_SAME(xcr0, what);
	EXPECT_SAME(tls, what);
	/* A #GP here (TR limit 0x67, no I/O bitmap) kills the test. */
	outb(0, HOST_PORT);
	self->watched++;
	EXPECT_EQ(++self->hits, watch_count(self))
		TH_LOG("%s: the host's watchpoint missed a write after %s",
		       what, exit_desc);
}

/*
 * Run the guest's ROUNDS actions of @kind, checking the host after every
 * RUN, whatever it returned for: ucalls, HLT, MMIO reads (answered 0).
 */
static void run_kind(struct __test_metadata *_metadata,
		     FIXTURE_DATA(host) *self, enum exit_kind kind,
		     const char *what)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	unsigned int syncs = 0, runs = 0;
	char desc[1024];
	struct ucall uc;
	uint64_t cmd;

	vm = vm_create_64(&vcpu, guest_main);
	vcpu_args_set(vcpu, kind, 0);
	/* The guest's #DB handler resumes after the INT1. */
	vm_handle_exception(vm, DB_VECTOR, false, (uint64_t)guest_int1_done);
	for (;;) {
		ASSERT_EQ(0, __vcpu_run(vcpu)) {
			vcpu_describe_exit(vcpu, desc, sizeof(desc));
			TH_LOG("%s: RUN failed: %s; %s", what,
			       errno_name(vcpu->run_errno), desc);
		}
		runs++;
		vcpu_describe_exit(vcpu, desc, sizeof(desc));
		check_host(_metadata, self, what, desc);
		cmd = get_ucall(vcpu, &uc);
		if (cmd == UCALL_DONE)
			break;
		if (cmd == UCALL_SYNC) {
			ASSERT_EQ(syncs, uc.args[0]);
			syncs++;
			continue;
		}
		ASSERT_EQ(UCALL_NONE, cmd) {
			ucall_describe_abort(vcpu, &uc, desc, sizeof(desc));
			TH_LOG("%s: guest: %s", what, desc);
		}
		if (vcpu->run->exit_reason == MINIVM_EXIT_MMIO &&
		    !vcpu->run->mmio.is_write) {
			memset(vcpu->run->mmio.data, 0, sizeof(vcpu->run->mmio.data));
			continue;
		}
		ASSERT_EQ(MINIVM_EXIT_HLT, vcpu->run->exit_reason)
			TH_LOG("%s: unexpected exit %s", what, desc);
	}
	EXPECT_EQ(ROUNDS, syncs);
	TH_LOG("%s: %u RUNs, the host checked after each", what, runs);
	vm_free(vm);
}

TEST_F(host, after_io_exits)
{
	run_kind(_metadata, self, KIND_IO, "OUT to userspace");
}

TEST_F(host, after_cpuid_exits)
{
	run_kind(_metadata, self, KIND_CPUID, "CPUID (in the kernel)");
}

TEST_F(host, after_msr_writes)
{
	run_kind(_metadata, self, KIND_MSR,
		 "WRMSR of KERNEL_GS_BASE, LSTAR, SFMASK, TSC_AUX");
}

TEST_F(host, after_hlt_exits)
{
	run_kind(_metadata, self, KIND_HLT, "HLT (to userspace)");
}

TEST_F(host, after_mmio_exits)
{
	run_kind(_metadata, self, KIND_MMIO, "MMIO reads");
}

TEST_F(host, after_ept_violations)
{
	run_kind(_metadata, self, KIND_EPT, "EPT violations (first touches)");
}

TEST_F(host, after_guest_debug_registers)
{
	run_kind(_metadata, self, KIND_DR,
		 "MOV to DR0/DR7 (a guest watchpoint armed while it runs)");
}

TEST_F(host, after_intercepted_db)
{
	run_kind(_metadata, self, KIND_DB, "INT1 (#DB, intercepted, reinjected)");
}

TEST_F(host, after_wbinvd_invd)
{
	run_kind(_metadata, self, KIND_WBINVD, "WBINVD and INVD");
}

TEST_F(host, after_external_interrupts)
{
	run_kind(_metadata, self, KIND_INTERRUPTS,
		 "a guest spinning through host timer interrupts");
}

/* An IDT of limit 0 and a #UD: the triple fault ends the guest. */
static void guest_triple_fault(void)
{
	struct dtr none = { 0, 0 };

	asm volatile("lidt %0; ud2" : : "m"(none));
}

TEST_F(host, after_triple_fault)
{
	struct minivm_vcpu *vcpu;
	struct minivm_vm *vm;
	char desc[1024];

	vm = vm_create_64(&vcpu, guest_triple_fault);
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_SHUTDOWN);
	vcpu_describe_exit(vcpu, desc, sizeof(desc));
	check_host(_metadata, self, "a triple fault", desc);
	vm_free(vm);
}

TEST_HARNESS_MAIN
