// SPDX-License-Identifier: GPL-2.0
/*
 * minivm guest tests: real-mode guests under MINIVM_RUN. Port I/O of each
 * size in both directions, HLT, triple fault, memory shared between guest
 * and host, two VMs at once, signals and immediate_exit, failed VM entry,
 * an unhandled exit (the VM dies), and a long I/O loop while the vCPU
 * thread is moved between host CPUs and preempted.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/time.h>

#include "kselftest_harness.h"
#include "minivm_util.h"

FIXTURE(guest) {
	struct minivm_vm *vm, *vm2;
	struct minivm_vcpu *vcpu;
};

FIXTURE_SETUP(guest)
{
	MINIVM_REQUIRE();
}

FIXTURE_TEARDOWN(guest)
{
	vm_free(self->vm);
	vm_free(self->vm2);
}

/* ---- OUT of 1, 2 and 4 bytes, through DX and through an imm8 port ---- */

GUEST_CODE16(out_sizes,
	     "	mov $0x10, %dx\n\t"
	     "	mov $0x5a, %al\n\t"
	     "	out %al, %dx\n\t"
	     "	mov $0x1234, %ax\n\t"
	     "	out %ax, %dx\n\t"
	     "	mov $0x89abcdef, %eax\n\t"
	     "	out %eax, %dx\n\t"
	     "	mov $0xa5, %al\n\t"
	     "	out %al, $0x80\n\t"
	     "	mov $0xbeef, %ax\n\t"
	     "	out %ax, $0x81\n\t"
	     "	mov $0xfeedf00d, %eax\n\t"
	     "	out %eax, $0x82\n\t"
	     "	mov $0xffff, %dx\n\t"
	     "	mov $0x3c, %al\n\t"
	     "	out %al, %dx\n\t"
	     "guest_out_sizes_hlt:\n\t"
	     "	hlt\n\t");
GUEST_LABEL(out_sizes, hlt);

TEST_F(guest, out_sizes)
{
	static const struct { uint16_t port; uint8_t size; uint32_t data; } outs[] = {
		{ 0x10, 1, 0x5a },
		{ 0x10, 2, 0x1234 },
		{ 0x10, 4, 0x89abcdef },
		{ 0x80, 1, 0xa5 },
		{ 0x81, 2, 0xbeef },
		{ 0x82, 4, 0xfeedf00d },
		{ 0xffff, 1, 0x3c },
	};
	unsigned int i;

	self->vm = vm_create_guest(GUEST(out_sizes), &self->vcpu);
	for (i = 0; i < ARRAY_SIZE(outs); i++) {
		ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, outs[i].port, outs[i].size);
		EXPECT_EQ(outs[i].data, vcpu_io_data(self->vcpu))
			TH_LOG("OUT #%u (port 0x%x, %u bytes)", i, outs[i].port, outs[i].size);
	}
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
	EXPECT_EQ(GUEST_GPA(out_sizes, hlt) + 1, vcpu_get_rip(self->vcpu));
}

/*
 * ---- IN of each size; the guest echoes EAX with a 4-byte OUT ----
 * RAX starts as 0x1122334455667788: 1- and 2-byte INs keep the other bits
 * of RAX, a 4-byte IN zero-extends into RAX (as hardware does).
 */
GUEST_CODE16(in_sizes,
	     "	mov $0x20, %dx\n\t"
	     "	in (%dx), %al\n\t"
	     "	out %eax, $0x21\n\t"
	     "	in (%dx), %ax\n\t"
	     "	out %eax, $0x21\n\t"
	     "	in (%dx), %eax\n\t"
	     "	out %eax, $0x21\n\t"
	     "	in $0x22, %al\n\t"
	     "	out %eax, $0x21\n\t"
	     "	in $0x23, %ax\n\t"
	     "	out %eax, $0x21\n\t"
	     "	in $0x24, %eax\n\t"
	     "	out %eax, $0x21\n\t"
	     "	hlt\n\t");

TEST_F(guest, in_sizes)
{
	static const struct {
		uint16_t port;
		uint8_t size;
		uint32_t data;
		uint64_t rax;		/* after the IN */
	} ins[] = {
		{ 0x20, 1, 0x5a,	0x112233445566775aULL },
		{ 0x20, 2, 0xbeef,	0x112233445566beefULL },
		{ 0x20, 4, 0xcafef00d,	0x00000000cafef00dULL },
		{ 0x22, 1, 0x11,	0x00000000cafef011ULL },
		{ 0x23, 2, 0x2233,	0x00000000cafe2233ULL },
		{ 0x24, 4, 0x8badf00d,	0x000000008badf00dULL },
	};
	struct minivm_vcpu *vcpu;
	struct minivm_regs regs;
	unsigned int i;

	self->vm = vm_create_guest(GUEST(in_sizes), &vcpu);
	vcpu_get_regs(vcpu, &regs);
	regs.rax = 0x1122334455667788ULL;
	vcpu_set_regs(vcpu, &regs);

	for (i = 0; i < ARRAY_SIZE(ins); i++) {
		struct minivm_run *run = vcpu->run;

		ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_IN, ins[i].port, ins[i].size);
		/* Junk after the IN's bytes must not reach the guest. */
		if (run->io.data_offset + 4 <= vcpu->run_size)
			memset((uint8_t *)run + run->io.data_offset, 0xee, 4);
		vcpu_io_set_data(vcpu, ins[i].data);

		ASSERT_RUN_IO(vcpu, MINIVM_EXIT_IO_OUT, 0x21, 4);
		EXPECT_EQ((uint32_t)ins[i].rax, vcpu_io_data(vcpu))
			TH_LOG("EAX after IN #%u (%u bytes of 0x%x): expected 0x%x, got 0x%x",
			       i, ins[i].size, ins[i].data, (uint32_t)ins[i].rax,
			       vcpu_io_data(vcpu));
		vcpu_get_regs(vcpu, &regs);
		EXPECT_EQ(ins[i].rax, regs.rax)
			TH_LOG("RAX after IN #%u (%u bytes of 0x%x): expected 0x%llx, got 0x%llx",
			       i, ins[i].size, ins[i].data, (unsigned long long)ins[i].rax,
			       (unsigned long long)regs.rax);
	}
	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_HLT);
}

/* ---- HLT: exits with RIP past the HLT; the next RUN continues there ---- */

GUEST_CODE16(hlt,
	     "	hlt\n\t"
	     "guest_hlt_after:\n\t"
	     GUEST_SYNC(0x42)
	     "	hlt\n\t");
GUEST_LABEL(hlt, after);

TEST_F(guest, hlt)
{
	self->vm = vm_create_guest(GUEST(hlt), &self->vcpu);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
	EXPECT_EQ(GUEST_GPA(hlt, after), vcpu_get_rip(self->vcpu));
	ASSERT_RUN_SYNC(self->vcpu, 0x42);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
}

/*
 * ---- Triple fault -> SHUTDOWN ----
 * With IDTR.limit 0 no vector can be delivered in real mode: INT3 finds
 * vector 3 beyond the limit (#GP), #GP cannot be delivered either (#DF),
 * nor can #DF: triple fault.
 */
GUEST_CODE16(triple_fault,
	     "	movw $0, " GUEST_DATA "\n\t"
	     "	movl $0, " GUEST_DATA "+2\n\t"
	     "	lidt " GUEST_DATA "\n\t"
	     "	int3\n\t"
	     GUEST_FAIL(3));

TEST_F(guest, triple_fault)
{
	self->vm = vm_create_guest(GUEST(triple_fault), &self->vcpu);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_SHUTDOWN);
}

/* ---- Memory shared between guest and host ---- */

#define HIGH_SLOT_GPA	0x80000		/* slot 1, reached through ES = 0x8000 */

GUEST_CODE16(memory,
	     "	movb $0x11, " GUEST_DATA "\n\t"
	     "	movw $0x2233, " GUEST_DATA "+2\n\t"
	     "	movl $0x44556677, " GUEST_DATA "+4\n\t"
	     "	mov $0x8000, %ax\n\t"
	     "	mov %ax, %es\n\t"
	     "	movl $0x8899aabb, %es:0\n\t"
	     GUEST_SYNC(1)
	     /* what the host stored meanwhile */
	     "	cmpl $0xdeadbeef, " GUEST_DATA "+0x10\n\t"
	     "	jne 1f\n\t"
	     "	mov " GUEST_DATA "+0x10, %eax\n\t"
	     "	out %eax, $0x30\n\t"
	     "	mov %es:0x10, %eax\n\t"
	     "	out %eax, $0x30\n\t"
	     "	mov 0x5000, %eax\n\t"
	     "	out %eax, $0x30\n\t"
	     "	hlt\n\t"
	     "1:\n\t"
	     GUEST_FAIL(0x10));

TEST_F(guest, memory_shared_with_host)
{
	uint8_t *data, *high, *untouched;
	unsigned int i;

	self->vm = vm_create_guest(GUEST(memory), &self->vcpu);
	high = vm_add_memory(self->vm, 1, HIGH_SLOT_GPA, 0x10000);
	data = vm_gpa2hva(self->vm, GUEST_DATA_GPA);
	untouched = vm_gpa2hva(self->vm, 0x5000);

	/* guest stores -> host */
	ASSERT_RUN_SYNC(self->vcpu, 1);
	EXPECT_EQ(0x11, data[0]);
	EXPECT_EQ(0, data[1]);
	EXPECT_EQ(0x2233, *(uint16_t *)(data + 2));
	EXPECT_EQ(0x44556677, *(uint32_t *)(data + 4));
	EXPECT_EQ(0x8899aabb, *(uint32_t *)high);
	for (i = 8; i < MINIVM_PAGE_SIZE; i++)
		ASSERT_EQ(0, data[i]) TH_LOG("stray guest store at 0x%x", GUEST_DATA_GPA + i);

	/* host stores -> guest, on pages it has and has not touched */
	*(uint32_t *)(data + 0x10) = 0xdeadbeef;
	*(uint32_t *)(high + 0x10) = 0xcafe1234;
	*(uint32_t *)untouched = 0x600dd00d;
	ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x30, 4);
	EXPECT_EQ(0xdeadbeef, vcpu_io_data(self->vcpu));
	ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x30, 4);
	EXPECT_EQ(0xcafe1234, vcpu_io_data(self->vcpu));
	ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x30, 4);
	EXPECT_EQ(0x600dd00d, vcpu_io_data(self->vcpu));
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
}

/* ---- Two VMs at once, same guest-physical addresses, own memory ---- */

GUEST_CODE16(two_vms,
	     "	mov " GUEST_DATA ", %eax\n\t"
	     "	out %eax, $0x30\n\t"
	     "	not %eax\n\t"
	     "	mov %eax, " GUEST_DATA "+4\n\t"
	     GUEST_SYNC(2)
	     "	hlt\n\t");

TEST_F(guest, two_vms)
{
	struct minivm_vcpu *a, *b;
	uint32_t *mem_a, *mem_b;

	self->vm = vm_create_guest(GUEST(two_vms), &a);
	self->vm2 = vm_create_guest(GUEST(two_vms), &b);
	mem_a = vm_gpa2hva(self->vm, GUEST_DATA_GPA);
	mem_b = vm_gpa2hva(self->vm2, GUEST_DATA_GPA);
	mem_a[0] = 0x11111111;
	mem_b[0] = 0x22222222;

	ASSERT_RUN_IO(a, MINIVM_EXIT_IO_OUT, 0x30, 4);
	EXPECT_EQ(0x11111111, vcpu_io_data(a));
	ASSERT_RUN_IO(b, MINIVM_EXIT_IO_OUT, 0x30, 4);
	EXPECT_EQ(0x22222222, vcpu_io_data(b));

	/* A stores; B's page at the same gpa stays as it was. */
	ASSERT_RUN_SYNC(a, 2);
	EXPECT_EQ(~0x11111111U, mem_a[1]);
	EXPECT_EQ(0, mem_b[1]);

	ASSERT_RUN_SYNC(b, 2);
	EXPECT_EQ(~0x22222222U, mem_b[1]);
	EXPECT_EQ(~0x11111111U, mem_a[1]);

	ASSERT_RUN_EXIT(a, MINIVM_EXIT_HLT);
	ASSERT_RUN_EXIT(b, MINIVM_EXIT_HLT);
}

/* ---- A signal interrupts RUN (EINTR, exit INTR); the vCPU goes on ---- */

GUEST_CODE16(spin,
	     "1:	cmpl $0, " GUEST_DATA "\n\t"
	     "	je 1b\n\t"
	     "guest_spin_done:\n\t"
	     "	mov " GUEST_DATA ", %eax\n\t"
	     "	out %eax, $0x30\n\t"
	     "	hlt\n\t");
GUEST_LABEL(spin, done);

static volatile sig_atomic_t nr_signals;

static void count_signal(int sig)
{
	(void)sig;
	nr_signals++;
}

TEST_F(guest, signal_interrupts_run)
{
	struct sigaction sa = { .sa_handler = count_signal };	/* no SA_RESTART */
	struct itimerval tv = {
		.it_interval = { .tv_usec = 10000 },
		.it_value = { .tv_usec = 10000 },
	};
	struct itimerval off = {};
	uint32_t *flag;
	uint64_t rip;
	int i;

	self->vm = vm_create_guest(GUEST(spin), &self->vcpu);
	flag = vm_gpa2hva(self->vm, GUEST_DATA_GPA);

	ASSERT_EQ(0, sigemptyset(&sa.sa_mask));
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &tv, NULL));
	for (i = 0; i < 3; i++) {
		ASSERT_RUN_ERRNO(self->vcpu, EINTR, MINIVM_EXIT_INTR);
		rip = vcpu_get_rip(self->vcpu);
		EXPECT_TRUE(rip >= GUEST_CODE_GPA && rip < GUEST_GPA(spin, done))
			TH_LOG("RIP 0x%llx outside the spin loop", (unsigned long long)rip);
	}
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &off, NULL));
	EXPECT_GE(nr_signals, 3);

	/* Let the guest out of its loop; it finishes normally. */
	*flag = 0x1234;
	ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x30, 4);
	EXPECT_EQ(0x1234, vcpu_io_data(self->vcpu));
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
}

/* ---- immediate_exit ---- */

GUEST_CODE16(sync_hlt,
	     GUEST_SYNC(7)
	     "	hlt\n\t");

TEST_F(guest, immediate_exit)
{
	self->vm = vm_create_guest(GUEST(sync_hlt), &self->vcpu);
	self->vcpu->run->immediate_exit = 1;
	ASSERT_RUN_ERRNO(self->vcpu, EINTR, MINIVM_EXIT_INTR);
	ASSERT_RUN_ERRNO(self->vcpu, EINTR, MINIVM_EXIT_INTR);
	/* The guest did not run. */
	EXPECT_EQ(GUEST_CODE_GPA, vcpu_get_rip(self->vcpu));

	self->vcpu->run->immediate_exit = 0;
	ASSERT_RUN_SYNC(self->vcpu, 7);
	/* also between two exits of a running guest */
	self->vcpu->run->immediate_exit = 1;
	ASSERT_RUN_ERRNO(self->vcpu, EINTR, MINIVM_EXIT_INTR);
	self->vcpu->run->immediate_exit = 0;
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
}

/* ---- A state VM entry rejects: FAIL_ENTRY, then fixed and run ---- */

static void fail_entry(struct __test_metadata *_metadata,
		       FIXTURE_DATA(guest) *self,
		       void (*breakit)(struct minivm_sregs *))
{
	struct minivm_sregs good, bad;
	struct minivm_run *run;
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);

	self->vm = vm_create_guest(GUEST(sync_hlt), &self->vcpu);
	run = self->vcpu->run;
	vcpu_get_sregs(self->vcpu, &good);
	bad = good;
	breakit(&bad);
	vcpu_set_sregs(self->vcpu, &bad);

	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_FAIL_ENTRY);
	/* basic reason 33 (invalid guest state), bit 31: VM-entry failure */
	EXPECT_EQ(VMX_EXIT_REASONS_FAILED_VMENTRY | EXIT_REASON_INVALID_STATE,
		  run->fail_entry.hardware_entry_failure_reason);
	EXPECT_LT(run->fail_entry.cpu, ncpus);
	EXPECT_EQ(0, run->fail_entry.padding);

	/* Not fatal: with a good state the guest runs. */
	vcpu_set_sregs(self->vcpu, &good);
	ASSERT_RUN_SYNC(self->vcpu, 7);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
}

static void tr_unusable(struct minivm_sregs *s)
{
	s->tr.unusable = 1;
}

static void cs_data_segment(struct minivm_sregs *s)
{
	s->cs.type = 1;		/* read-only data: never valid for CS */
}

/* A state the architecture forbids is refused up front, unchanged. */
TEST_F(guest, set_sregs_tr_unusable_einval)
{
	struct minivm_sregs good, bad, now;

	self->vm = vm_create_guest(GUEST(sync_hlt), &self->vcpu);
	vcpu_get_sregs(self->vcpu, &good);
	bad = good;
	tr_unusable(&bad);
	EXPECT_ERRNO(EINVAL, ioctl(self->vcpu->fd, MINIVM_SET_SREGS, &bad));
	vcpu_get_sregs(self->vcpu, &now);
	EXPECT_EQ(0, memcmp(&good, &now, sizeof(now)));
	ASSERT_RUN_SYNC(self->vcpu, 7);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
}

TEST_F(guest, fail_entry_cs_type)
{
	fail_entry(_metadata, self, cs_data_segment);
}

/* ---- Real-mode string I/O: one exit carries all four bytes ---- */

GUEST_CODE16(outs,
	     "	mov $0x3f8, %dx\n\t"
	     "	mov $4, %cx\n\t"
	     "	mov $" __stringify(GUEST_CODE_GPA) " + guest_outs_data - guest_outs_start, %si\n\t"
	     "	rep outsb\n\t"
	     "	xor %eax, %eax\n\t"
	     "	mov %cx, %ax\n\t"
	     "	mov $" __stringify(UCALL_PORT) ", %dx\n\t"
	     "	out %eax, %dx\n\t"
	     "	hlt\n\t"
	     "guest_outs_data:\n\t"
	     "	.ascii \"mVm!\"\n\t");

TEST_F(guest, rep_outsb_real_mode)
{
	struct minivm_run *run;

	self->vm = vm_create_guest(GUEST(outs), &self->vcpu);
	run = self->vcpu->run;
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_IO);
	EXPECT_EQ(MINIVM_EXIT_IO_OUT, run->io.direction);
	EXPECT_EQ(0x3f8, run->io.port);
	EXPECT_EQ(1, run->io.size);
	EXPECT_EQ(4, run->io.count);
	EXPECT_EQ(0, memcmp((uint8_t *)run + run->io.data_offset, "mVm!", 4));
	ASSERT_RUN_SYNC(self->vcpu, 0);		/* CX counted down to 0 */
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
}

/* ---- An instruction the emulator cannot do: INTERNAL_ERROR, the VM is dead ---- */

/* String I/O whose buffer is not RAM (DS:SI = 0x20000, past the slot). */
GUEST_CODE16(outs_mmio,
	     "	mov $0x2000, %ax\n\t"
	     "	mov %ax, %ds\n\t"
	     "	mov $0x3f8, %dx\n\t"
	     "	mov $4, %cx\n\t"
	     "	xor %si, %si\n\t"
	     "guest_outs_mmio_insn:\n\t"
	     "	rep outsb\n\t"
	     GUEST_FAIL(18));
GUEST_LABEL(outs_mmio, insn);

TEST_F(guest, internal_error_emulation)
{
	struct minivm_vcpu *vcpu, *vcpu1, *other;
	struct minivm_run *run;

	self->vm = vm_create_guest(GUEST(outs_mmio), &vcpu);
	vcpu1 = vm_vcpu_add(self->vm, 1);
	run = vcpu->run;

	ASSERT_RUN_EXIT(vcpu, MINIVM_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(MINIVM_INTERNAL_ERROR_EMULATION, run->internal.suberror);
	ASSERT_GE(run->internal.ndata, 4);	/* data[0..3] as documented */
	EXPECT_EQ(GUEST_GPA(outs_mmio, insn), run->internal.data[0]); /* RIP */
	EXPECT_EQ(2, run->internal.data[2]);		/* length */
	EXPECT_EQ(0x6ef3, run->internal.data[3]);	/* f3 6e */

	/* Every later RUN on any of the VM's vCPUs: EIO. */
	ASSERT_RUN_ERRNO(vcpu, EIO, -1);
	ASSERT_RUN_ERRNO(vcpu, EIO, -1);
	ASSERT_RUN_ERRNO(vcpu1, EIO, -1);

	/* The host carries on: another VM runs. */
	self->vm2 = vm_create_guest(GUEST(sync_hlt), &other);
	ASSERT_RUN_SYNC(other, 7);
	ASSERT_RUN_EXIT(other, MINIVM_EXIT_HLT);
}

/*
 * ---- Many exits while the vCPU thread moves between host CPUs ----
 * Phase 1: NR_OUTS OUTs; every BOUNCE_EVERY exits the thread is moved to
 * the other CPU (when there are two), so the vCPU's VMCS must follow it.
 * Phase 2: long guest loops between OUTs while hog threads keep every CPU
 * busy, so the vCPU is preempted inside RUN and may move while there.
 */
#define NR_OUTS		10000
#define BOUNCE_EVERY	50
#define NR_SPINS	20

GUEST_CODE16(count,
	     "	xor %ecx, %ecx\n\t"
	     "	mov $0x40, %dx\n\t"
	     "1:	inc %ecx\n\t"
	     "	mov %ecx, %eax\n\t"
	     "	out %eax, %dx\n\t"
	     "	cmp $" __stringify(NR_OUTS) ", %ecx\n\t"
	     "	jb 1b\n\t"
	     "	xor %ebx, %ebx\n\t"
	     "2:	mov $16, %dx\n\t"
	     "3:	mov $0xffff, %cx\n\t"
	     "4:	loop 4b\n\t"
	     "	dec %dx\n\t"
	     "	jnz 3b\n\t"
	     "	inc %ebx\n\t"
	     "	mov %ebx, %eax\n\t"
	     "	out %eax, $0x41\n\t"
	     "	cmp $" __stringify(NR_SPINS) ", %ebx\n\t"
	     "	jb 2b\n\t"
	     "	hlt\n\t");

static volatile int hogs_stop;

static void *hog(void *arg)
{
	(void)arg;
	while (!hogs_stop)
		;
	return NULL;
}

TEST_F_TIMEOUT(guest, many_outs_migrate, 120)
{
	cpu_set_t allowed, one;
	int cpus[2], nr_cpus = 0, cpu, moves = 0, last_cpu, i;
	pthread_t hogs[2];
	struct minivm_regs regs;

	ASSERT_EQ(0, sched_getaffinity(0, sizeof(allowed), &allowed));
	for (cpu = 0; cpu < CPU_SETSIZE && nr_cpus < 2; cpu++)
		if (CPU_ISSET(cpu, &allowed))
			cpus[nr_cpus++] = cpu;
	TH_LOG("%d CPU(s) to run on%s", nr_cpus,
	       nr_cpus < 2 ? ": no migrations, preemption only" : "");

	self->vm = vm_create_guest(GUEST(count), &self->vcpu);

	last_cpu = sched_getcpu();
	for (i = 1; i <= NR_OUTS; i++) {
		if (nr_cpus == 2 && i % BOUNCE_EVERY == 0) {
			CPU_ZERO(&one);
			CPU_SET(cpus[(i / BOUNCE_EVERY) % 2], &one);
			ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
		}
		ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x40, 4);
		ASSERT_EQ((uint32_t)i, vcpu_io_data(self->vcpu));
		cpu = sched_getcpu();
		if (cpu != last_cpu)
			moves++;
		last_cpu = cpu;
	}
	TH_LOG("phase 1: %d exits, vCPU thread changed CPU %d times", NR_OUTS, moves);
	if (nr_cpus == 2)
		EXPECT_GT(moves, 0);

	/* Phase 2: free to run anywhere, competing with a hog on each CPU. */
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(allowed), &allowed));
	for (i = 0; i < nr_cpus; i++) {
		CPU_ZERO(&one);
		CPU_SET(cpus[i], &one);
		ASSERT_EQ(0, pthread_create(&hogs[i], NULL, hog, NULL));
		ASSERT_EQ(0, pthread_setaffinity_np(hogs[i], sizeof(one), &one));
	}
	moves = 0;
	for (i = 1; i <= NR_SPINS; i++) {
		ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, 0x41, 4);
		ASSERT_EQ((uint32_t)i, vcpu_io_data(self->vcpu));
		cpu = sched_getcpu();
		if (cpu != last_cpu)
			moves++;
		last_cpu = cpu;
	}
	hogs_stop = 1;
	for (i = 0; i < nr_cpus; i++)
		pthread_join(hogs[i], NULL);
	TH_LOG("phase 2: %d long exits, vCPU thread changed CPU %d times", NR_SPINS, moves);

	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
	vcpu_get_regs(self->vcpu, &regs);
	EXPECT_EQ(NR_SPINS, (uint32_t)regs.rbx);
}

TEST_HARNESS_MAIN
