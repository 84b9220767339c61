// SPDX-License-Identifier: GPL-2.0
/*
 * minivm CPU-mode tests. So far: a vCPU started directly in 64-bit mode
 * by SET_SREGS runs C code of this binary, syncs values, and GET_SREGS
 * reads back the long-mode state it runs in. (The 32-bit protected-mode
 * and guest-driven transition tests are still to be written.)
 */
#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

static uint64_t guest_counter = 5;

static uint64_t __attribute__((noinline)) guest_fib(uint64_t n)
{
	return n < 2 ? n : guest_fib(n - 1) + guest_fib(n - 2);
}

static void __attribute__((used)) guest_main64(uint64_t a, uint64_t b)
{
	uint64_t cr0, cr4, efer_lma_cs;

	GUEST_SYNC(a + b);
	GUEST_SYNC(guest_fib(20));
	/* A global of the image, written by the host before this run. */
	GUEST_SYNC(guest_counter);
	guest_counter = 0xc0ffee;
	cr0 = guest_read_cr0();
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	GUEST_ASSERT_EQ(cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE | X86_CR0_PG);
	GUEST_ASSERT_EQ(cr4 & X86_CR4_PAE, X86_CR4_PAE);
	/* A 64-bit address: only long mode computes this without truncation. */
	efer_lma_cs = (uint64_t)&guest_counter + (1ULL << 32);
	GUEST_SYNC(efer_lma_cs >> 32);
	GUEST_DONE();
}

FIXTURE(modes) {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
};

FIXTURE_SETUP(modes)
{
	MINIVM_REQUIRE();
}

FIXTURE_TEARDOWN(modes)
{
	vm_free(self->vm);
}

TEST_F(modes, long_mode_c_guest)
{
	struct minivm_sregs s;
	struct ucall uc;

	self->vm = vm_create_64(&self->vcpu, guest_main64);
	vcpu_args_set(self->vcpu, 40, 2);
	write_guest_global(self->vm, guest_counter, 77);

	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(42, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(6765, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(77, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_SYNC);
	EXPECT_EQ(1, uc.args[0]);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);

	/* The guest's copy changed, the host's did not. */
	EXPECT_EQ(0xc0ffee, *(uint64_t *)vm_gpa2hva(self->vm, (uint64_t)&guest_counter));
	EXPECT_EQ(5, guest_counter);

	vcpu_get_sregs(self->vcpu, &s);
	EXPECT_EQ(VM64_CR0, s.cr0 & VM64_CR0);
	EXPECT_EQ(VM64_PML4_GPA, s.cr3);
	EXPECT_EQ(VM64_CR4, s.cr4);
	EXPECT_EQ(VM64_EFER, s.efer & VM64_EFER);
	EXPECT_EQ(VM64_SEL_CODE64, s.cs.selector);
	EXPECT_EQ(1, s.cs.l);
	EXPECT_EQ(0, s.cs.db);
	EXPECT_EQ(11, s.cs.type);
	EXPECT_EQ(VM64_SEL_TSS, s.tr.selector);
	EXPECT_EQ(11, s.tr.type);
	EXPECT_EQ(VM64_TSS_GPA, s.tr.base);
	EXPECT_EQ(VM64_IDT_GPA, s.idt.base);
}

TEST_HARNESS_MAIN
