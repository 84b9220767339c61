// SPDX-License-Identifier: GPL-2.0
/*
 * minivm CPU-mode tests: a vCPU started directly in 64-bit mode by
 * SET_SREGS runs C code of this binary; one started by SET_SREGS in 32-bit
 * protected mode (flat, paged, PAE) runs there; and a guest walks itself
 * from real mode up to 64-bit mode and back down to real mode, with
 * GET_SREGS checked at every step.
 */
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

#define STEP(n)							\
	"mov $" #n ", %eax\n\t"					\
	"mov $" __stringify(UCALL_PORT) ", %dx\n\t"		\
	"out %eax, %dx\n\t"

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

/*
 * ---- Mode transitions done by the guest itself ----
 * Low memory (the 64 KiB default guest): GDT and GDTR, a 32-bit page
 * directory with one 4 MiB page, PAE's PDPT + PD with one 2 MiB page, a
 * PML4 + PDPT that reuse that PD. All identity mapped.
 */
#define T_GDT		0x5000
#define T_GDTR		0x5800
#define T_PD32		0x6000
#define T_PDPT_PAE	0x8000
#define T_PD		0x9000
#define T_PML4		0xa000
#define T_PDPT_LM	0xb000
#define T_CS32		0x08
#define T_DS32		0x10
#define T_CS64		0x18
#define T_CS16		0x20
#define T_DS16		0x28
#define T_ABS(label)	"(" __stringify(GUEST_CODE_GPA) " + " label " - guest_walk_start)"

GUEST_CODE16(walk,
	     "	cli\n\t"
	     "	lgdtl " __stringify(T_GDTR) "\n\t"
	     STEP(1)					/* real mode */
	     "	mov %cr0, %eax\n\t"
	     "	or $1, %eax\n\t"
	     "	mov %eax, %cr0\n\t"
	     "	ljmpl $" __stringify(T_CS32) ", $" T_ABS("guest_walk_pm32") "\n\t"
	     ".code32\n\t"
	     "guest_walk_pm32:\n\t"
	     "	mov $" __stringify(T_DS32) ", %ax\n\t"
	     "	mov %ax, %ds\n\t"
	     "	mov %ax, %es\n\t"
	     "	mov %ax, %ss\n\t"
	     "	mov $0xf000, %esp\n\t"
	     STEP(2)					/* 32-bit, no paging */
	     "	mov %cr4, %eax\n\t"
	     "	or $0x10, %eax\n\t"			/* PSE */
	     "	mov %eax, %cr4\n\t"
	     "	mov $" __stringify(T_PD32) ", %eax\n\t"
	     "	mov %eax, %cr3\n\t"
	     "	mov %cr0, %eax\n\t"
	     "	or $0x80000000, %eax\n\t"
	     "	mov %eax, %cr0\n\t"
	     STEP(3)					/* 32-bit paging */
	     "	mov %cr0, %eax\n\t"
	     "	and $0x7fffffff, %eax\n\t"
	     "	mov %eax, %cr0\n\t"
	     "	mov %cr4, %eax\n\t"
	     "	or $0x20, %eax\n\t"			/* PAE */
	     "	mov %eax, %cr4\n\t"
	     "	mov $" __stringify(T_PDPT_PAE) ", %eax\n\t"
	     "	mov %eax, %cr3\n\t"
	     "	mov %cr0, %eax\n\t"
	     "	or $0x80000000, %eax\n\t"
	     "	mov %eax, %cr0\n\t"
	     STEP(4)					/* PAE paging */
	     "	mov %cr0, %eax\n\t"
	     "	and $0x7fffffff, %eax\n\t"
	     "	mov %eax, %cr0\n\t"
	     "	mov $" __stringify(T_PML4) ", %eax\n\t"
	     "	mov %eax, %cr3\n\t"
	     "	mov $0xc0000080, %ecx\n\t"
	     "	rdmsr\n\t"
	     "	or $0x100, %eax\n\t"			/* LME */
	     "	wrmsr\n\t"
	     "	mov %cr0, %eax\n\t"
	     "	or $0x80000000, %eax\n\t"
	     "	mov %eax, %cr0\n\t"
	     STEP(5)					/* compatibility mode */
	     "	ljmp $" __stringify(T_CS64) ", $" T_ABS("guest_walk_lm64") "\n\t"
	     ".code64\n\t"
	     "guest_walk_lm64:\n\t"
	     "	mov $0x600000000, %rax\n\t"		/* 64-bit arithmetic */
	     "	shr $32, %rax\n\t"
	     "	mov $" __stringify(UCALL_PORT) ", %dx\n\t"
	     "	out %eax, %dx\n\t"			/* step 6 */
	     "	pushq $" __stringify(T_CS32) "\n\t"
	     "	pushq $" T_ABS("guest_walk_compat") "\n\t"
	     "	lretq\n\t"
	     ".code32\n\t"
	     "guest_walk_compat:\n\t"
	     STEP(7)					/* back in compatibility mode */
	     "	mov %cr0, %eax\n\t"
	     "	and $0x7fffffff, %eax\n\t"		/* leaves long mode */
	     "	mov %eax, %cr0\n\t"
	     "	mov $0xc0000080, %ecx\n\t"
	     "	rdmsr\n\t"
	     "	and $~0x100, %eax\n\t"
	     "	wrmsr\n\t"
	     "	mov %cr4, %eax\n\t"
	     "	and $~0x30, %eax\n\t"
	     "	mov %eax, %cr4\n\t"
	     STEP(8)					/* 32-bit, no paging */
	     "	ljmp $" __stringify(T_CS16) ", $" T_ABS("guest_walk_pm16") "\n\t"
	     ".code16\n\t"
	     "guest_walk_pm16:\n\t"
	     "	mov $" __stringify(T_DS16) ", %ax\n\t"
	     "	mov %ax, %ds\n\t"
	     "	mov %ax, %es\n\t"
	     "	mov %ax, %ss\n\t"
	     "	mov %cr0, %eax\n\t"
	     "	and $0xfffffffe, %eax\n\t"
	     "	mov %eax, %cr0\n\t"
	     "	ljmp $0, $" T_ABS("guest_walk_real") "\n\t"
	     "guest_walk_real:\n\t"
	     "	xor %ax, %ax\n\t"
	     "	mov %ax, %ds\n\t"
	     "	mov %ax, %es\n\t"
	     "	mov %ax, %ss\n\t"
	     STEP(9)					/* real mode again */
	     "	hlt\n\t");

static void walk_tables(struct minivm_vm *vm)
{
	uint64_t *gdt = vm_gpa2hva(vm, T_GDT);
	uint8_t *gdtr = vm_gpa2hva(vm, T_GDTR);
	uint32_t base = T_GDT;
	uint16_t limit = 6 * 8 - 1;

	gdt[T_CS32 / 8] = 0x00cf9a000000ffffULL;	/* flat 32-bit code */
	gdt[T_DS32 / 8] = 0x00cf92000000ffffULL;	/* flat data */
	gdt[T_CS64 / 8] = 0x00af9a000000ffffULL;	/* 64-bit code */
	gdt[T_CS16 / 8] = 0x00009a000000ffffULL;	/* 16-bit code, 64 KiB */
	gdt[T_DS16 / 8] = 0x000092000000ffffULL;	/* 16-bit data, 64 KiB */
	memcpy(gdtr, &limit, 2);
	memcpy(gdtr + 2, &base, 4);
	*(uint32_t *)vm_gpa2hva(vm, T_PD32) = 0x83;	/* 4 MiB page at 0 */
	*(uint64_t *)vm_gpa2hva(vm, T_PDPT_PAE) = T_PD | 1;
	*(uint64_t *)vm_gpa2hva(vm, T_PD) = 0x83;	/* 2 MiB page at 0 */
	*(uint64_t *)vm_gpa2hva(vm, T_PML4) = T_PDPT_LM | 3;
	*(uint64_t *)vm_gpa2hva(vm, T_PDPT_LM) = T_PD | 3;
}

/* What GET_SREGS must say at each step of the walk. */
struct walk_step {
	uint64_t cr0_set, cr0_clear, cr4_set, cr4_clear, efer_set, efer_clear;
	uint16_t cs;
	int cs_l, cs_db;
	uint64_t cr3;		/* 0: not checked */
};

#define PG	X86_CR0_PG
#define PE	X86_CR0_PE
#define PSE	X86_CR4_PSE
#define PAE	X86_CR4_PAE
#define LMEA	(EFER_LME | EFER_LMA)

static const struct walk_step walk_steps[] = {
	[1] = { 0, PE | PG, 0, PAE, 0, LMEA, 0, 0, 0, 0 },
	[2] = { PE, PG, 0, PAE, 0, LMEA, T_CS32, 0, 1, 0 },
	[3] = { PE | PG, 0, PSE, PAE, 0, LMEA, T_CS32, 0, 1, T_PD32 },
	[4] = { PE | PG, 0, PAE, 0, 0, LMEA, T_CS32, 0, 1, T_PDPT_PAE },
	[5] = { PE | PG, 0, PAE, 0, LMEA, 0, T_CS32, 0, 1, T_PML4 },
	[6] = { PE | PG, 0, PAE, 0, LMEA, 0, T_CS64, 1, 0, T_PML4 },
	[7] = { PE | PG, 0, PAE, 0, LMEA, 0, T_CS32, 0, 1, T_PML4 },
	[8] = { PE, PG, 0, PAE | PSE, 0, LMEA, T_CS32, 0, 1, 0 },
	[9] = { 0, PE | PG, 0, PAE, 0, LMEA, 0, 0, 0, 0 },
};

TEST_F(modes, guest_walks_real_to_long_and_back)
{
	struct minivm_sregs s;
	unsigned int i;

	self->vm = vm_create_guest(GUEST(walk), &self->vcpu);
	walk_tables(self->vm);
	for (i = 1; i <= 9; i++) {
		const struct walk_step *w = &walk_steps[i];

		ASSERT_RUN_SYNC(self->vcpu, i);
		vcpu_get_sregs(self->vcpu, &s);
		TH_LOG("step %u: cr0 %#llx cr4 %#llx efer %#llx cs %#x l %u db %u",
		       i, (unsigned long long)s.cr0, (unsigned long long)s.cr4,
		       (unsigned long long)s.efer, s.cs.selector, s.cs.l, s.cs.db);
		EXPECT_EQ(w->cr0_set, s.cr0 & w->cr0_set);
		EXPECT_EQ(0, s.cr0 & w->cr0_clear);
		EXPECT_EQ(w->cr4_set, s.cr4 & w->cr4_set);
		EXPECT_EQ(0, s.cr4 & w->cr4_clear);
		EXPECT_EQ(w->efer_set, s.efer & w->efer_set);
		EXPECT_EQ(0, s.efer & w->efer_clear);
		EXPECT_EQ(w->cs, s.cs.selector);
		EXPECT_EQ(w->cs_l, s.cs.l);
		EXPECT_EQ(w->cs_db, s.cs.db);
		if (w->cr3)
			EXPECT_EQ(w->cr3, s.cr3);
		/* the guest never sees VMXE, whatever the CPU runs with */
		EXPECT_EQ(0, s.cr4 & (1UL << 13));
	}
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
}

/*
 * ---- Started by SET_SREGS in 32-bit protected mode ----
 * A 32-bit guest (flat, with or without paging, or PAE) counts with
 * 32-bit arithmetic and reports through the ucall port.
 */
GUEST_CODE16(pm32,
	     ".code32\n\t"
	     "	mov $0x10000, %eax\n\t"
	     "	add %eax, %eax\n\t"			/* 0x20000: needs 32 bits */
	     "	shr $16, %eax\n\t"
	     "	mov $" __stringify(UCALL_PORT) ", %dx\n\t"
	     "	out %eax, %dx\n\t"
	     "	hlt\n\t"
	     ".code16\n\t");

static void set_pm32(struct minivm_vcpu *vcpu, struct minivm_vm *vm,
		     uint64_t cr0_extra, uint64_t cr4, uint64_t cr3)
{
	struct minivm_sregs s;
	struct minivm_regs r;

	walk_tables(vm);
	vcpu_get_sregs(vcpu, &s);
	s.cs = (struct minivm_segment){ .base = 0, .limit = 0xffffffff,
		.selector = T_CS32, .type = 11, .present = 1, .s = 1,
		.db = 1, .g = 1 };
	s.ds = (struct minivm_segment){ .base = 0, .limit = 0xffffffff,
		.selector = T_DS32, .type = 3, .present = 1, .s = 1,
		.db = 1, .g = 1 };
	s.es = s.ds;
	s.ss = s.ds;
	s.fs = s.ds;
	s.gs = s.ds;
	s.gdt.base = T_GDT;
	s.gdt.limit = 6 * 8 - 1;
	s.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | cr0_extra;
	s.cr4 = cr4;
	s.cr3 = cr3;
	s.efer = 0;
	vcpu_set_sregs(vcpu, &s);
	vcpu_get_regs(vcpu, &r);
	r.rip = GUEST_CODE_GPA;
	r.rsp = 0xf000;
	vcpu_set_regs(vcpu, &r);
}

static void run_pm32(struct __test_metadata *_metadata,
		     FIXTURE_DATA(modes) *self, uint64_t cr0_extra,
		     uint64_t cr4, uint64_t cr3)
{
	struct minivm_sregs s;

	self->vm = vm_create_guest(GUEST(pm32), &self->vcpu);
	set_pm32(self->vcpu, self->vm, cr0_extra, cr4, cr3);
	ASSERT_RUN_SYNC(self->vcpu, 2);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
	vcpu_get_sregs(self->vcpu, &s);
	EXPECT_EQ(cr0_extra, s.cr0 & X86_CR0_PG);
	EXPECT_EQ(cr4, s.cr4 & (X86_CR4_PAE | X86_CR4_PSE));
	EXPECT_EQ(1, s.cs.db);
	EXPECT_EQ(0, s.efer & EFER_LMA);
}

TEST_F(modes, start_pm32_flat)
{
	run_pm32(_metadata, self, 0, 0, 0);
}

TEST_F(modes, start_pm32_paging)
{
	run_pm32(_metadata, self, X86_CR0_PG, X86_CR4_PSE, T_PD32);
}

/* SET_SREGS with CR0.PG and CR4.PAE loads the PDPTEs from guest memory. */
TEST_F(modes, start_pm32_pae)
{
	run_pm32(_metadata, self, X86_CR0_PG, X86_CR4_PAE, T_PDPT_PAE);
}

/*
 * A far jump in 32-bit protected mode to a descriptor with L set (the
 * 64-bit code segment, D clear: 16-bit code outside long mode) leaves
 * CS.L set: the CPU ignores it there but keeps it, so GET_SREGS returns
 * it and SET_SREGS must take it back (api.rst 6.9, the round trip).
 * Found by fuzz_test; SET_SREGS used to refuse L outside long mode.
 */
GUEST_CODE16(pm32_cs_l,
	     ".code32\n\t"
	     "	ljmpl $" __stringify(T_CS64) ", $(" __stringify(GUEST_CODE_GPA)
	     " + guest_pm32_cs_l_16 - guest_pm32_cs_l_start)\n\t"
	     ".code16\n\t"
	     "guest_pm32_cs_l_16:\n\t"
	     "	hlt\n\t"
	     "	hlt\n\t");

TEST_F(modes, pm32_cs_l_round_trip)
{
	struct minivm_sregs s;

	self->vm = vm_create_guest(GUEST(pm32_cs_l), &self->vcpu);
	set_pm32(self->vcpu, self->vm, 0, 0, 0);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
	vcpu_get_sregs(self->vcpu, &s);
	EXPECT_EQ(T_CS64, s.cs.selector);
	EXPECT_EQ(1, s.cs.l);
	EXPECT_EQ(0, s.efer & EFER_LMA);
	ASSERT_OK(ioctl(self->vcpu->fd, MINIVM_SET_SREGS, &s));
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
}

/*
 * Activating IA-32e mode (CR0.PG set with EFER.LME) while CS.L is set
 * takes #GP (SDM Vol. 3A, "Initializing IA-32e Mode"; KVM's kvm_set_cr0
 * does the same): the CPU would
 * otherwise start decoding the legacy-mode code as 64-bit. minivm used
 * to let it through; found by fuzz_test. The #GP handler, a 32-bit
 * interrupt gate, reports its vector.
 */
#define T_IDT		0xc000
#define T_IDTR		0xc800
#define CSL_ABS(label)	"(" __stringify(GUEST_CODE_GPA) " + guest_pm32_cs_l_paging_" label \
			" - guest_pm32_cs_l_paging_start)"
GUEST_CODE16(pm32_cs_l_paging,
	     ".code32\n\t"
	     "	lidtl " __stringify(T_IDTR) "\n\t"
	     "	mov $0x20, %eax\n\t"	/* CR4.PAE */
	     "	mov %eax, %cr4\n\t"
	     "	mov $" __stringify(T_PML4) ", %eax\n\t"
	     "	mov %eax, %cr3\n\t"
	     "	mov $0xc0000080, %ecx\n\t"
	     "	mov $0x100, %eax\n\t"	/* EFER.LME */
	     "	xor %edx, %edx\n\t"
	     "	wrmsr\n\t"
	     "	ljmpl $" __stringify(T_CS64) ", $" CSL_ABS("16") "\n\t"
	     ".code16\n\t"
	     "guest_pm32_cs_l_paging_16:\n\t"
	     "	mov $0x80000011, %eax\n\t"
	     "	mov %eax, %cr0\n\t"
	     "	hlt\n\t"
	     ".code32\n\t"
	     "guest_pm32_cs_l_paging_gp:\n\t"
	     "	mov $13, %eax\n\t"
	     "	mov $" __stringify(UCALL_PORT) ", %dx\n\t"
	     "	out %eax, %dx\n\t"
	     "	hlt\n\t");
GUEST_LABEL(pm32_cs_l_paging, gp);

TEST_F(modes, pm32_paging_on_with_cs_l_is_gp)
{
	uint8_t *idtr;
	uint64_t handler, *gate;
	uint32_t base = T_IDT;
	uint16_t limit = 32 * 8 - 1;
	struct minivm_sregs s;

	self->vm = vm_create_guest(GUEST(pm32_cs_l_paging), &self->vcpu);
	set_pm32(self->vcpu, self->vm, 0, 0, 0);
	handler = GUEST_GPA(pm32_cs_l_paging, gp);
	gate = vm_gpa2hva(self->vm, T_IDT + GP_VECTOR * 8);
	/* present, DPL 0, 32-bit interrupt gate to T_CS32:handler */
	*gate = (handler & 0xffff) | (uint64_t)T_CS32 << 16 |
		0x8e00ULL << 32 | (handler >> 16) << 48;
	idtr = vm_gpa2hva(self->vm, T_IDTR);
	memcpy(idtr, &limit, 2);
	memcpy(idtr + 2, &base, 4);
	ASSERT_RUN_SYNC(self->vcpu, GP_VECTOR);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
	vcpu_get_sregs(self->vcpu, &s);
	EXPECT_EQ(0, s.cr0 & X86_CR0_PG);
	EXPECT_EQ(EFER_LME, s.efer & (EFER_LME | EFER_LMA));
}

/*
 * Outside 64-bit mode MOV to CR0, CR4 and DR7 take the low 32 bits of
 * the register (SDM Vol. 2B, MOV): bits 63:32, which SET_REGS or an
 * earlier 64-bit mode left there, do not count. Found while writing
 * fuzz_test, whose guests start with random values in RAX.
 */
GUEST_CODE16(mov_cr_32,
	     "	mov %eax, %cr0\n\t"
	     "	mov %ebx, %cr4\n\t"
	     "	mov %ecx, %dr7\n\t"
	     "	mov $" __stringify(UCALL_PORT) ", %dx\n\t"
	     "	mov %cr0, %eax\n\t"
	     "	out %eax, %dx\n\t"
	     "	mov %cr4, %eax\n\t"
	     "	out %eax, %dx\n\t"
	     "	mov %dr7, %eax\n\t"
	     "	out %eax, %dx\n\t"
	     "	hlt\n\t"
	     "guest_mov_cr_32_gp:\n\t"
	     GUEST_FAIL(13));
GUEST_LABEL(mov_cr_32, gp);

TEST_F(modes, real_mode_mov_to_cr_dr_ignores_bits_63_32)
{
	struct minivm_regs r;
	uint32_t *ivt;

	self->vm = vm_create_guest(GUEST(mov_cr_32), &self->vcpu);
	/* #GP (vector 13) reports itself instead of running zeros */
	ivt = vm_gpa2hva(self->vm, 0);
	ivt[GP_VECTOR] = GUEST_GPA(mov_cr_32, gp);
	vcpu_get_regs(self->vcpu, &r);
	r.rax = 0xffffffff00000010ULL;	/* CR0: CD and NW cleared, an exit */
	r.rbx = 0xdead000000000010ULL;	/* CR4: PSE, every CR4 write exits */
	r.rcx = 0x8000000000000401ULL;	/* DR7: the fixed bit only */
	vcpu_set_regs(self->vcpu, &r);
	ASSERT_RUN_SYNC(self->vcpu, 0x10);
	ASSERT_RUN_SYNC(self->vcpu, 0x10);
	ASSERT_RUN_SYNC(self->vcpu, 0x401);
	ASSERT_RUN_EXIT(self->vcpu, MINIVM_EXIT_HLT);
}

TEST_HARNESS_MAIN
