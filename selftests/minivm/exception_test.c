// SPDX-License-Identifier: GPL-2.0
/*
 * minivm exception tests: every exception a 64-bit guest can raise is
 * delivered through the guest's own IDT with the right vector, error code
 * and RIP (and CR2 for #PF). Each trigger is a small asm function with a
 * label at the instruction that raises the exception (guest_X_insn) and
 * one where the handler resumes (guest_X_fix), so the host knows the
 * expected RIP from the binary's own symbols.
 */
#include "kselftest_harness.h"
#include "minivm_util.h"
#include "processor.h"

#define GUEST_TRIGGER(name, body)					\
	extern const uint8_t guest_##name##_insn[], guest_##name##_fix[]; \
	void guest_##name(void);					\
	asm(".pushsection .text\n"					\
	    ".globl guest_" #name "\n"					\
	    "guest_" #name ":\n" body "\n"				\
	    ".popsection\n")

/* div by 0 */
GUEST_TRIGGER(de,
	      "xor %ecx, %ecx\n mov $1, %eax\n xor %edx, %edx\n"
	      "guest_de_insn: div %ecx\n"
	      "guest_de_fix: ret\n");
/* POPF sets TF: the trap comes after the instruction that follows it. */
GUEST_TRIGGER(db_tf,
	      "pushf\n orq $0x100, (%rsp)\n popf\n"
	      "guest_db_tf_insn: nop\n"
	      "guest_db_tf_fix: ret\n");
/*
 * The same over CPUID, which minivm emulates: its single-step trap must
 * come as the CPU's would, after the CPUID (DR6.BS is checked too).
 */
GUEST_TRIGGER(db_cpuid,
	      "push %rbx\n xor %eax, %eax\n"
	      "pushf\n orq $0x100, (%rsp)\n popf\n"
	      "guest_db_cpuid_insn: cpuid\n"
	      "guest_db_cpuid_fix: pop %rbx\n ret\n");
/*
 * Single-stepping an OUT, which exits to userspace; the host either lets
 * the guest go on (the trap is delivered after the OUT) or sets new
 * registers first (then no trap may come from the old instruction).
 */
#define DB_OUT_PORT	0x99
GUEST_TRIGGER(db_out,
	      "pushf\n orq $0x100, (%rsp)\n popf\n"
	      "guest_db_out_insn: out %al, $0x99\n"
	      "guest_db_out_fix: ret\n");
/*
 * #AC: CR0.AM, then IRETQ to CPL 3 with RFLAGS.AC (and IOPL 3, so that
 * the ucall's OUT works there) on a user stack, and a misaligned load.
 * The handler resumes at guest_ac_fix, still at CPL 3, which is done.
 */
#define AC_USER_STACK	0x3f0000
GUEST_TRIGGER(ac,
	      "mov %cr0, %rax\n bts $18, %rax\n mov %rax, %cr0\n"
	      "pushq $0x3b\n pushq $0x3f0000\n pushq $0x43202\n"
	      "pushq $0x43\n leaq guest_ac_user(%rip), %rax\n pushq %rax\n"
	      "iretq\n"
	      "guest_ac_user:\n"
	      "guest_ac_insn: movl 1(%rsp), %eax\n"
	      "guest_ac_fix: call guest_done\n");
/* INT1 (ICEBP, 0xf1): a trap, RIP after the one byte. */
GUEST_TRIGGER(int1,
	      "guest_int1_insn: .byte 0xf1\n"
	      "guest_int1_fix: ret\n");
GUEST_TRIGGER(bp,
	      "guest_bp_insn: int3\n"
	      "guest_bp_fix: ret\n");
/* INTO (0xce) does not exist in 64-bit mode: #UD, not #OF. */
GUEST_TRIGGER(into,
	      "guest_into_insn: .byte 0xce\n"
	      "guest_into_fix: ret\n");
GUEST_TRIGGER(ud,
	      "guest_ud_insn: ud2\n"
	      "guest_ud_fix: ret\n");
/* CR0.TS (guest owned: no exit) then an SSE instruction: #NM. */
GUEST_TRIGGER(nm,
	      "mov %cr0, %rax\n or $8, %rax\n mov %rax, %cr0\n"
	      "guest_nm_insn: movaps %xmm0, %xmm1\n"
	      "guest_nm_fix: clts\n ret\n");
/* A non-canonical address through DS: #GP(0). */
GUEST_TRIGGER(gp,
	      "movabs $0x8000000000000000, %rax\n"
	      "guest_gp_insn: mov (%rax), %rax\n"
	      "guest_gp_fix: ret\n");
/* The same through RBP, which addresses SS: #SS(0). */
GUEST_TRIGGER(ss,
	      "push %rbp\n movabs $0x8000000000000000, %rbp\n"
	      "guest_ss_insn: mov (%rbp), %rax\n"
	      "guest_ss_fix: pop %rbp\n ret\n");
/* Read of a not-present page (RDI = address): error code 0. */
GUEST_TRIGGER(pf_read,
	      "guest_pf_read_insn: mov (%rdi), %rax\n"
	      "guest_pf_read_fix: ret\n");
/* Write to a present read-only page with CR0.WP: error code P|W = 3. */
GUEST_TRIGGER(pf_write,
	      "guest_pf_write_insn: movl $1, (%rdi)\n"
	      "guest_pf_write_fix: ret\n");
/* Unmasked x87 zero-divide: #MF at the next waiting x87 instruction. */
GUEST_TRIGGER(mf,
	      "fninit\n sub $8, %rsp\n movw $0x37b, (%rsp)\n fldcw (%rsp)\n add $8, %rsp\n"
	      "fld1\n pushq $0\n fdivs (%rsp)\n add $8, %rsp\n" /* 1 / 0.0f: ZE pending */
	      "guest_mf_insn: fwait\n"
	      "guest_mf_fix: fninit\n ret\n");
/* Unmasked SSE zero-divide with CR4.OSXMMEXCPT: #XM. */
GUEST_TRIGGER(xm,
	      "sub $8, %rsp\n movl $0x1d80, (%rsp)\n ldmxcsr (%rsp)\n"
	      "mov $1, %eax\n cvtsi2ss %eax, %xmm0\n xorps %xmm1, %xmm1\n"
	      "guest_xm_insn: divss %xmm1, %xmm0\n"
	      "guest_xm_fix: movl $0x1f80, (%rsp)\n ldmxcsr (%rsp)\n add $8, %rsp\n ret\n");
/* Software interrupt above the exceptions: RIP after the INT. */
GUEST_TRIGGER(int80,
	      "guest_int80_insn: int $0x80\n"
	      "guest_int80_fix: ret\n");

/*
 * What minivm refuses in the guest, as the CPU would: VMX instructions
 * are #UD (CPUID hides VMX), an MSR it does not know is #GP(0), so is a
 * CR4 bit it does not offer (VMXE), a CR0 value with bits 63:32 set, a
 * non-canonical LSTAR, and an XCR0 without x87 state.
 */
GUEST_TRIGGER(vmcall,
	      "guest_vmcall_insn: vmcall\n"
	      "guest_vmcall_fix: ret\n");
GUEST_TRIGGER(vmxon,
	      "push $0\n"
	      "guest_vmxon_insn: vmxon (%rsp)\n"
	      "guest_vmxon_fix: pop %rax\n ret\n");
GUEST_TRIGGER(rdmsr_unknown,
	      "mov $0x12345678, %ecx\n"
	      "guest_rdmsr_unknown_insn: rdmsr\n"
	      "guest_rdmsr_unknown_fix: ret\n");
GUEST_TRIGGER(wrmsr_lstar_noncanonical,
	      "mov $0xc0000082, %ecx\n mov $0x80000000, %edx\n xor %eax, %eax\n"
	      "guest_wrmsr_lstar_noncanonical_insn: wrmsr\n"
	      "guest_wrmsr_lstar_noncanonical_fix: ret\n");
GUEST_TRIGGER(cr4_vmxe,
	      "mov %cr4, %rax\n or $0x2000, %rax\n"
	      "guest_cr4_vmxe_insn: mov %rax, %cr4\n"
	      "guest_cr4_vmxe_fix: ret\n");
GUEST_TRIGGER(cr0_high,
	      "mov %cr0, %rax\n bts $32, %rax\n"
	      "guest_cr0_high_insn: mov %rax, %cr0\n"
	      "guest_cr0_high_fix: ret\n");
GUEST_TRIGGER(rdpmc,
	      "xor %ecx, %ecx\n"
	      "guest_rdpmc_insn: rdpmc\n"
	      "guest_rdpmc_fix: ret\n");

/* GUEST_DONE, from anywhere (a trigger that does not return, new RIP). */
void guest_done(void);
__attribute__((used)) void guest_done(void)
{
	GUEST_DONE();
}

/* Run trigger(arg), then GUEST_DONE. */
static void __attribute__((used)) guest_run_trigger(void (*trigger)(uint64_t),
						    uint64_t arg)
{
	trigger(arg);
	GUEST_DONE();
}

struct exc_case {
	const char *name;
	void *trigger;
	uint8_t vector;
	uint64_t error_code;
	const uint8_t *rip, *fix;
};

#define CASE(n, vec, err, rip_label)					\
	{ #n, guest_##n, vec, err, guest_##n##_##rip_label, guest_##n##_fix }

static const struct exc_case cases[] = {
	CASE(de, DE_VECTOR, 0, insn),
	CASE(db_tf, DB_VECTOR, 0, fix),
	CASE(int1, DB_VECTOR, 0, fix),
	CASE(bp, BP_VECTOR, 0, fix),
	CASE(into, UD_VECTOR, 0, insn),
	CASE(ud, UD_VECTOR, 0, insn),
	CASE(nm, NM_VECTOR, 0, insn),
	CASE(gp, GP_VECTOR, 0, insn),
	CASE(ss, SS_VECTOR, 0, insn),
	CASE(mf, MF_VECTOR, 0, insn),
	CASE(xm, XM_VECTOR, 0, insn),
	CASE(int80, 0x80, 0, fix),
	CASE(vmcall, UD_VECTOR, 0, insn),
	CASE(vmxon, UD_VECTOR, 0, insn),
	CASE(rdmsr_unknown, GP_VECTOR, 0, insn),
	CASE(wrmsr_lstar_noncanonical, GP_VECTOR, 0, insn),
	CASE(cr4_vmxe, GP_VECTOR, 0, insn),
	CASE(cr0_high, GP_VECTOR, 0, insn),
	CASE(rdpmc, GP_VECTOR, 0, insn),
	CASE(db_cpuid, DB_VECTOR, 0, fix),
};

FIXTURE(exc) {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
};

FIXTURE_SETUP(exc)
{
	MINIVM_REQUIRE();
}

FIXTURE_TEARDOWN(exc)
{
	vm_free(self->vm);
}

FIXTURE_VARIANT(exc) {
	unsigned int idx;
};

#define VARIANT(n, i) FIXTURE_VARIANT_ADD(exc, n) { .idx = i }
VARIANT(de, 0);
VARIANT(db_single_step, 1);
VARIANT(db_int1, 2);
VARIANT(bp_int3, 3);
VARIANT(into_is_ud, 4);
VARIANT(ud2, 5);
VARIANT(nm_cr0_ts, 6);
VARIANT(gp_noncanonical, 7);
VARIANT(ss_noncanonical, 8);
VARIANT(mf_x87, 9);
VARIANT(xm_sse, 10);
VARIANT(int_0x80, 11);
VARIANT(vmcall_is_ud, 12);
VARIANT(vmxon_is_ud, 13);
VARIANT(rdmsr_unknown_gp, 14);
VARIANT(wrmsr_lstar_noncanonical_gp, 15);
VARIANT(mov_cr4_vmxe_gp, 16);
VARIANT(mov_cr0_high_bits_gp, 17);
VARIANT(rdpmc_gp, 18);
VARIANT(db_single_step_cpuid, 19);

/* The reported exception must be exactly the expected one. */
#define ASSERT_EXCEPTION(uc, vec, err, rip_) do {			\
	EXPECT_EQ((uint64_t)(vec), (uc).args[0]) TH_LOG("vector");	\
	EXPECT_EQ((uint64_t)(err), (uc).args[1]) TH_LOG("error code");	\
	EXPECT_EQ((uint64_t)(rip_), (uc).args[2])			\
		TH_LOG("RIP 0x%llx, expected 0x%llx",			\
		       (unsigned long long)(uc).args[2],		\
		       (unsigned long long)(uint64_t)(rip_));		\
} while (0)

TEST_F(exc, delivered)
{
	const struct exc_case *c = &cases[variant->idx];
	struct ucall uc;

	self->vm = vm_create_64(&self->vcpu, guest_run_trigger);
	vcpu_args_set(self->vcpu, (uint64_t)c->trigger, 0);
	vm_handle_exception(self->vm, c->vector, true, (uint64_t)c->fix);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_EXCEPTION);
	TH_LOG("%s: vector %llu error 0x%llx rip 0x%llx", c->name,
	       (unsigned long long)uc.args[0], (unsigned long long)uc.args[1],
	       (unsigned long long)uc.args[2]);
	ASSERT_EXCEPTION(uc, c->vector, c->error_code, c->rip);
	/* The handler resumed at the fixup and the guest carried on. */
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

/* The tests below run once: a fixture without variants. */
FIXTURE(exc1) {
	struct minivm_vm *vm;
	struct minivm_vcpu *vcpu;
};

FIXTURE_SETUP(exc1)
{
	MINIVM_REQUIRE();
}

FIXTURE_TEARDOWN(exc1)
{
	vm_free(self->vm);
}

#define PF_RO_GVA	0x300000	/* in the scratch area */
#define PF_NP_GVA	0x301000

/*
 * #AC from CPL 3 passes through minivm (it is intercepted, against the
 * microcode delivery loop of CVE-2015-5307) and reaches the guest's
 * handler as the CPU delivers it: vector 17, error code 0, the RIP of
 * the misaligned load.
 */
TEST_F(exc1, alignment_check_from_cpl3)
{
	struct ucall uc;

	self->vm = vm_create_64(&self->vcpu, guest_run_trigger);
	vm_enable_user_mode(self->vm, self->vcpu);
	vcpu_args_set(self->vcpu, (uint64_t)guest_ac, 0);
	vm_handle_exception(self->vm, AC_VECTOR, true, (uint64_t)guest_ac_fix);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_EXCEPTION);
	ASSERT_EXCEPTION(uc, AC_VECTOR, 0, guest_ac_insn);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

/* The guest's DR6 when its #DB handler ran (db_single_step_out). */
static uint64_t guest_dr6_after;

static void __attribute__((used)) guest_step_out(void)
{
	guest_db_out();
	asm volatile("mov %%dr6, %0" : "=r"(guest_dr6_after));
	GUEST_DONE();
}

#define DR6_BS	(1UL << 14)

/*
 * Stepping over an OUT that userspace completes: left alone, the guest
 * gets its #DB after the OUT, with DR6.BS set.
 */
TEST_F(exc1, db_single_step_out)
{
	struct ucall uc;

	self->vm = vm_create_64(&self->vcpu, guest_step_out);
	vm_handle_exception(self->vm, DB_VECTOR, true, 0);
	ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, DB_OUT_PORT, 1);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_EXCEPTION);
	ASSERT_EXCEPTION(uc, DB_VECTOR, 0, guest_db_out_fix);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
	sync_global_from_guest(self->vm, guest_dr6_after);
	EXPECT_TRUE(guest_dr6_after & DR6_BS)
		TH_LOG("DR6 0x%llx", (unsigned long long)guest_dr6_after);
}

/*
 * The same OUT, but userspace then sets new registers (TF clear) and
 * sregs, as a VMM resetting the vCPU does: the trap pending for the old
 * instruction must not reach the new state (KVM drops it too).
 */
TEST_F(exc1, set_regs_drops_pending_single_step)
{
	struct minivm_sregs sregs;
	struct minivm_regs regs;
	struct ucall uc;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		self->vm = vm_create_64(&self->vcpu, guest_step_out);
		vm_handle_exception(self->vm, DB_VECTOR, true, 0);
		ASSERT_RUN_IO(self->vcpu, MINIVM_EXIT_IO_OUT, DB_OUT_PORT, 1);
		vcpu_get_regs(self->vcpu, &regs);
		regs.rip = (uint64_t)guest_done;
		regs.rflags = 0x2;
		vcpu_set_regs(self->vcpu, &regs);
		if (pass == 1) {	/* and SET_SREGS after it */
			vcpu_get_sregs(self->vcpu, &sregs);
			vcpu_set_sregs(self->vcpu, &sregs);
		}
		/* An exception ucall here would be the stale trap. */
		ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
		vm_free(self->vm);
		self->vm = NULL;
	}
}

TEST_F(exc1, pf_not_present)
{
	struct ucall uc;

	self->vm = vm_create_64(&self->vcpu, guest_run_trigger);
	vm_map_page(self->vm, PF_NP_GVA, PF_NP_GVA, 0);
	vcpu_args_set(self->vcpu, (uint64_t)guest_pf_read, PF_NP_GVA + 8);
	vm_handle_exception(self->vm, PF_VECTOR, true, (uint64_t)guest_pf_read_fix);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_EXCEPTION);
	ASSERT_EXCEPTION(uc, PF_VECTOR, 0, guest_pf_read_insn);
	EXPECT_EQ(PF_NP_GVA + 8, uc.args[3]) TH_LOG("CR2");
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
}

TEST_F(exc1, pf_write_read_only)
{
	struct ucall uc;

	self->vm = vm_create_64(&self->vcpu, guest_run_trigger);
	vm_map_page(self->vm, PF_RO_GVA, PF_RO_GVA, PTE_P);
	vcpu_args_set(self->vcpu, (uint64_t)guest_pf_write, PF_RO_GVA + 0x10);
	vm_handle_exception(self->vm, PF_VECTOR, true, (uint64_t)guest_pf_write_fix);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_EXCEPTION);
	ASSERT_EXCEPTION(uc, PF_VECTOR, PTE_P | PTE_W, guest_pf_write_insn);
	EXPECT_EQ(PF_RO_GVA + 0x10, uc.args[3]) TH_LOG("CR2");
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_DONE);
	EXPECT_EQ(0, *(uint32_t *)vm_gpa2hva(self->vm, PF_RO_GVA + 0x10));
}

/* No handler configured: the guest's dispatcher turns it into an abort. */
TEST_F(exc1, unexpected_is_abort)
{
	struct ucall uc;

	self->vm = vm_create_64(&self->vcpu, guest_run_trigger);
	vcpu_args_set(self->vcpu, (uint64_t)guest_ud, 0);
	ASSERT_RUN_UCALL(self->vcpu, &uc, UCALL_ABORT);
	EXPECT_EQ(2, uc.nargs);
	EXPECT_EQ(UD_VECTOR, uc.args[0]);
	EXPECT_EQ((uint64_t)guest_ud_insn, uc.args[1]);
}

TEST_HARNESS_MAIN
