// SPDX-License-Identifier: GPL-2.0
/*
 * minivm CPU tests for 64-bit guests: what CPUID tells a guest, that the
 * SYSCALL MSRs a guest sees and uses are its own (never the host's entry
 * points), userspace MSR exits, MMIO reads and writes through the
 * in-kernel decoder, and the run area's mapping rules.
 */
#include <sys/mman.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

#define MMIO_GPA	0x3f000000UL	/* mapped by the guest, no slot */

static void guest_cpuid(uint32_t fn, uint32_t *a, uint32_t *b, uint32_t *c,
			uint32_t *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(fn), "c"(0));
}

static void __attribute__((used)) guest_cpuid_main(void)
{
	uint32_t a, b, c, d;

	guest_cpuid(0x40000000, &a, &b, &c, &d);
	GUEST_SYNC(a);
	GUEST_SYNC(((uint64_t)c << 32) | b);
	GUEST_SYNC(d);
	guest_cpuid(1, &a, &b, &c, &d);
	GUEST_SYNC(c);
	GUEST_DONE();
}

static uint64_t guest_rdmsr(uint32_t idx)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(idx));
	return ((uint64_t)hi << 32) | lo;
}

static void guest_wrmsr(uint32_t idx, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(idx), "a"((uint32_t)v),
		     "d"((uint32_t)(v >> 32)));
}

/* SYSCALL lands here, at CPL 0 with the guest's own CS/SS from STAR. */
extern const uint8_t guest_syscall_entry[];
asm(
	".pushsection .text\n"
	".globl guest_syscall_entry\n"
	"guest_syscall_entry:\n"
	"	mov $0x5c, %eax\n"
	"	jmp *%rcx\n"
	".popsection\n");

static void __attribute__((used)) guest_syscall_main(void)
{
	uint64_t rax;

	/* A new vCPU's SYSCALL MSRs are zero, not the host's. */
	GUEST_SYNC(guest_rdmsr(0xc0000082));	/* LSTAR */
	GUEST_SYNC(guest_rdmsr(0xc0000081));	/* STAR */
	guest_wrmsr(0xc0000081, 0x0008ULL << 32);
	guest_wrmsr(0xc0000084, 0);		/* SFMASK */
	guest_wrmsr(0xc0000082, (uint64_t)guest_syscall_entry);
	GUEST_SYNC(guest_rdmsr(0xc0000082));
	/* SYSCALL is #UD until EFER.SCE: set it, LMA must stay set. */
	guest_wrmsr(0xc0000080, guest_rdmsr(0xc0000080) | 1);
	GUEST_ASSERT_EQ(guest_rdmsr(0xc0000080) & 0x501, 0x501);
	asm volatile("syscall" : "=a"(rax) : "a"(0) : "rcx", "r11", "memory");
	GUEST_SYNC(rax);
	GUEST_DONE();
}

static void __attribute__((used)) guest_user_msr_main(void)
{
	GUEST_SYNC(guest_rdmsr(0x12345678));
	guest_wrmsr(0x12345678, 0xfeed0000beefULL);
	GUEST_DONE();
}

static void __attribute__((used)) guest_mmio_main(void)
{
	volatile uint32_t *mmio = (volatile uint32_t *)MMIO_GPA;

	mmio[1] = 0xa5a5f00d;
	GUEST_SYNC(mmio[2]);
	mmio[3] |= 0x10;		/* read-modify-write: read, then write */
	GUEST_DONE();
}

FIXTURE(cpu) {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
};

FIXTURE_SETUP(cpu)
{
	MINIVM_REQUIRE();
}

FIXTURE_TEARDOWN(cpu)
{
	vm_free(self->vm);
}

TEST_F(cpu, cpuid_hypervisor_leaf_and_no_vmx)
{
	struct ucall uc;

	self->vm = vm_create_64(&self->vcpu, guest_cpuid_main);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(MINIVM_CPUID_TIMING, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(((uint64_t)MINIVM_CPUID_SIGNATURE_ECX << 32) |
		  MINIVM_CPUID_SIGNATURE_EBX, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(MINIVM_CPUID_SIGNATURE_EDX, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(0, uc.args[0] & (1U << 5)) TH_LOG("VMX visible");
	EXPECT_NE(0, uc.args[0] & (1U << 31)) TH_LOG("no hypervisor bit");
	EXPECT_EQ(0, uc.args[0] & (1U << 27)) TH_LOG("OSXSAVE with CR4.OSXSAVE clear");
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

TEST_F(cpu, syscall_uses_guest_lstar)
{
	/* A header and one entry (a union: the header ends in a flexible array). */
	union {
		struct minivm_msrs hdr;
		char buf[sizeof(struct minivm_msrs) + sizeof(struct minivm_msr_entry)];
	} msrs = { .hdr.nmsrs = 1 };
	struct ucall uc;
	int i;

	msrs.hdr.entries[0].index = 0xc0000082;	/* LSTAR */

	/* Twice: the second RUN finds the guest's values loaded again. */
	for (i = 0; i < 2; i++) {
		vm_free(self->vm);
		self->vm = vm_create_64(&self->vcpu, guest_syscall_main);
		ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
		EXPECT_EQ(0, uc.args[0]) TH_LOG("guest read LSTAR 0x%llx",
						(unsigned long long)uc.args[0]);
		ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
		EXPECT_EQ(0, uc.args[0]) TH_LOG("guest read STAR");
		ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
		EXPECT_EQ((uint64_t)guest_syscall_entry, uc.args[0]);
		ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
		EXPECT_EQ(0x5c, uc.args[0]) TH_LOG("SYSCALL did not reach the guest's LSTAR");
		ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
		/*
		 * The host's own system calls still work (this one), and
		 * userspace reads the guest's value.
		 */
		ASSERT_EQ(1, ioctl(self->vcpu->fd, MINIVM_GET_MSRS, &msrs));
		EXPECT_EQ((uint64_t)guest_syscall_entry, msrs.hdr.entries[0].data);
	}
}

TEST_F(cpu, user_space_msr_exits)
{
	struct minivm_enable_cap cap = {
		.cap = MINIVM_CAP_X86_USER_SPACE_MSR,
		.args[0] = MINIVM_MSR_EXIT_UNKNOWN,
	};
	struct minivm_run *run;
	struct ucall uc;

	self->vm = vm_create_64(&self->vcpu, guest_user_msr_main);
	run = self->vcpu->run;
	cap.args[1] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->vm->fd, MINIVM_ENABLE_CAP, &cap));
	cap.args[1] = 0;
	ASSERT_OK(ioctl(self->vm->fd, MINIVM_ENABLE_CAP, &cap));

	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_X86_RDMSR);
	EXPECT_EQ(0x12345678, run->msr.index);
	EXPECT_EQ(MINIVM_MSR_EXIT_UNKNOWN, run->msr.reason);
	run->msr.data = 0x1122334455667788ULL;
	run->msr.error = 0;
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(0x1122334455667788ULL, uc.args[0]);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_X86_WRMSR);
	EXPECT_EQ(0x12345678, run->msr.index);
	EXPECT_EQ(0xfeed0000beefULL, run->msr.data);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

TEST_F(cpu, mmio_read_write_rmw)
{
	struct minivm_run *run;
	struct ucall uc;
	uint32_t v;

	self->vm = vm_create_64(&self->vcpu, guest_mmio_main);
	run = self->vcpu->run;

	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_MMIO);
	EXPECT_EQ(MMIO_GPA + 4, run->mmio.phys_addr);
	EXPECT_EQ(4, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	memcpy(&v, run->mmio.data, 4);
	EXPECT_EQ(0xa5a5f00d, v);

	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_MMIO);
	EXPECT_EQ(MMIO_GPA + 8, run->mmio.phys_addr);
	EXPECT_EQ(0, run->mmio.is_write);
	v = 0x13572468;
	memcpy(run->mmio.data, &v, 4);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(0x13572468, uc.args[0]);

	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_MMIO);
	EXPECT_EQ(MMIO_GPA + 12, run->mmio.phys_addr);
	EXPECT_EQ(0, run->mmio.is_write);
	v = 0x01;
	memcpy(run->mmio.data, &v, 4);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_MMIO);
	EXPECT_EQ(MMIO_GPA + 12, run->mmio.phys_addr);
	EXPECT_EQ(1, run->mmio.is_write);
	memcpy(&v, run->mmio.data, 4);
	EXPECT_EQ(0x11, v);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

/* The run area: shared only, never executable, and it survives DONTNEED. */
TEST_F(cpu, run_area_mapping_rules)
{
	struct minivm_run *run;
	void *p;

	self->vm = vm_create_64(&self->vcpu, guest_cpuid_main);
	EXPECT_ERRNO(EINVAL, mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE, self->vcpu->fd, 0));
	EXPECT_ERRNO(EINVAL, mmap(NULL, 4096, PROT_READ | PROT_EXEC,
				  MAP_SHARED, self->vcpu->fd, 0));
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		   self->vcpu->fd, 0);
	ASSERT_NE(MAP_FAILED, run);
	EXPECT_ERRNO(EACCES, mprotect(run, 4096, PROT_READ | PROT_EXEC));
	p = mremap(run, 4096, 8192, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, p);
	ASSERT_EQ(0, madvise(run, 4096, MADV_DONTNEED));
	ASSERT_EQ(0, __vcpu_run(self->vcpu));
	/* The re-faulted page is the run area: it shows the exit. */
	EXPECT_EQ(MINIVM_EXIT_IO, run->exit_reason);
	EXPECT_EQ(self->vcpu->run->exit_reason, run->exit_reason);
	munmap(run, 4096);
}

TEST_HARNESS_MAIN
