/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM entry and exit.
 *
 * int vmx_vmenter(unsigned long *regs, bool launched)
 *
 *   %rdi  regs: the guest GPRs, unsigned long[16] indexed by x86 register
 *         number (enum vmx_gpr in vmx.h): RAX RCX RDX RBX RSP RBP RSI RDI
 *         R8 ... R15. The RSP slot is ignored: the guest's RSP is in the
 *         VMCS (GUEST_RSP) and the hardware switches it.
 *   %sil  launched: 0 for VMLAUNCH (first entry on a clear VMCS),
 *         1 for VMRESUME.
 *
 * Returns 0 after a VM exit (guest GPRs saved back into regs) and 1 when
 * VMLAUNCH/VMRESUME itself failed (VM_INSTRUCTION_ERROR says why). Called
 * with interrupts disabled and the vCPU's VMCS current.
 *
 * Stack while the guest runs, from HOST_RSP (written here, per entry,
 * since the caller's stack depth varies) upwards:
 *
 *	HOST_RSP + 0	regs pointer (pushed %rdi)
 *	HOST_RSP + 8	host %rbx, %r12, %r13, %r14, %r15 (callee-saved)
 *	...		host %rbp, return address
 *
 * VM exit resumes at vmx_vmexit (HOST_RIP) with RSP = HOST_RSP and every
 * GPR still holding guest values; the host's callee-saved registers are
 * popped from the frame above.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

/* VMCS field encoding of HOST_RSP (SDM Vol. 3, Appendix B.4.4). */
#define VMCS_HOST_RSP	0x6c14

#define VCPU_RAX	(0 * 8)
#define VCPU_RCX	(1 * 8)
#define VCPU_RDX	(2 * 8)
#define VCPU_RBX	(3 * 8)
#define VCPU_RBP	(5 * 8)
#define VCPU_RSI	(6 * 8)
#define VCPU_RDI	(7 * 8)
#define VCPU_R8		(8 * 8)
#define VCPU_R9		(9 * 8)
#define VCPU_R10	(10 * 8)
#define VCPU_R11	(11 * 8)
#define VCPU_R12	(12 * 8)
#define VCPU_R13	(13 * 8)
#define VCPU_R14	(14 * 8)
#define VCPU_R15	(15 * 8)

	.text

SYM_FUNC_START(vmx_vmenter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* regs, for the exit path */

	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lfail

	/* Decide VMLAUNCH vs VMRESUME now: the loads below keep the flags. */
	test	%sil, %sil

	mov	VCPU_RAX(%rdi), %rax
	mov	VCPU_RCX(%rdi), %rcx
	mov	VCPU_RDX(%rdi), %rdx
	mov	VCPU_RBX(%rdi), %rbx
	mov	VCPU_RBP(%rdi), %rbp
	mov	VCPU_RSI(%rdi), %rsi
	mov	VCPU_R8(%rdi), %r8
	mov	VCPU_R9(%rdi), %r9
	mov	VCPU_R10(%rdi), %r10
	mov	VCPU_R11(%rdi), %r11
	mov	VCPU_R12(%rdi), %r12
	mov	VCPU_R13(%rdi), %r13
	mov	VCPU_R14(%rdi), %r14
	mov	VCPU_R15(%rdi), %r15
	mov	VCPU_RDI(%rdi), %rdi

	jz	.Llaunch
	vmresume
	jmp	.Lfail
.Llaunch:
	vmlaunch
	/*
	 * VMLAUNCH only falls through on failure (CF or ZF set), so this
	 * jump is always taken; falling into vmx_vmexit below never
	 * happens, but it shows objtool that the exit path is reachable
	 * with this very stack layout.
	 */
	jbe	.Lfail

SYM_INNER_LABEL(vmx_vmexit, SYM_L_GLOBAL)
	ENDBR
	push	%rdi			/* guest RDI */
	mov	8(%rsp), %rdi		/* regs */
	mov	%rax, VCPU_RAX(%rdi)
	mov	%rcx, VCPU_RCX(%rdi)
	mov	%rdx, VCPU_RDX(%rdi)
	mov	%rbx, VCPU_RBX(%rdi)
	mov	%rbp, VCPU_RBP(%rdi)
	mov	%rsi, VCPU_RSI(%rdi)
	mov	%r8, VCPU_R8(%rdi)
	mov	%r9, VCPU_R9(%rdi)
	mov	%r10, VCPU_R10(%rdi)
	mov	%r11, VCPU_R11(%rdi)
	mov	%r12, VCPU_R12(%rdi)
	mov	%r13, VCPU_R13(%rdi)
	mov	%r14, VCPU_R14(%rdi)
	mov	%r15, VCPU_R15(%rdi)
	pop	VCPU_RDI(%rdi)

	/*
	 * Overwrite the guest's return addresses in the RSB before any
	 * host RET can consume them (a no-op without the mitigation).
	 */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT

	xor	%eax, %eax
	jmp	.Lout

.Lfail:
	mov	$1, %eax

.Lout:
	/* Leave no guest value in a caller-saved register. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	pop	%rdi
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(vmx_vmenter)
