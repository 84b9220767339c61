// SPDX-License-Identifier: GPL-2.0
/*
 * Guest exception entry: one stub per IDT vector and a C dispatcher.
 * Runs in the guest, built with -mgeneral-regs-only: a handler that used
 * SSE would itself fault under CR0.TS (#NM tests) and would clobber the
 * registers an #XM/#MF test left behind.
 */
#include <stdint.h>

#include "processor.h"

struct ex_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

uint8_t guest_exc_report[VM64_NR_VECTORS];
uint64_t guest_exc_fixup[VM64_NR_VECTORS];
volatile struct exc_record guest_exc_last;

/*
 * 16 bytes per stub, so that vm_create_64() finds stub n at
 * minivm_idt_stubs + 16 * n. A stub makes every frame look alike: a
 * dummy error code where the CPU pushes none, then the vector.
 */
asm(
	".pushsection .text\n"
	".globl minivm_idt_stubs\n"
	".align 16\n"
	"minivm_idt_stubs:\n"
	".set vec, 0\n"
	".rept 256\n"
	".align 16\n"
	".if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)\n"
	".else\n"
	"	pushq $0\n"
	".endif\n"
	"	pushq $vec\n"
	"	jmp minivm_exc_common\n"
	".set vec, vec + 1\n"
	".endr\n"
	"minivm_exc_common:\n"
	"	push %rax\n push %rbx\n push %rcx\n push %rdx\n"
	"	push %rsi\n push %rdi\n push %rbp\n push %r8\n"
	"	push %r9\n push %r10\n push %r11\n push %r12\n"
	"	push %r13\n push %r14\n push %r15\n"
	/* 22 quadwords on a 16-byte aligned entry stack: aligned again. */
	"	mov %rsp, %rdi\n"
	"	call minivm_guest_exception\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n"
	"	pop %r11\n pop %r10\n pop %r9\n pop %r8\n"
	"	pop %rbp\n pop %rdi\n pop %rsi\n pop %rdx\n"
	"	pop %rcx\n pop %rbx\n pop %rax\n"
	"	add $16, %rsp\n"
	"	iretq\n"
	".popsection\n");

void minivm_guest_exception(struct ex_regs *regs);

__attribute__((used)) void minivm_guest_exception(struct ex_regs *regs)
{
	uint64_t v = regs->vector & 0xff, cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	guest_exc_last.vector = v;
	guest_exc_last.error_code = regs->error_code;
	guest_exc_last.rip = regs->rip;
	guest_exc_last.cr2 = cr2;
	guest_exc_last.count++;

	/* A single step must not go on stepping the handler's resume point. */
	if (v == DB_VECTOR)
		regs->rflags &= ~X86_EFLAGS_TF;

	if (guest_exc_report[v])
		ucall(UCALL_EXCEPTION, 4, v, regs->error_code, regs->rip, cr2);
	else if (!guest_exc_fixup[v])
		__guest_assert(__FILE__, __LINE__,
			       "unexpected exception (vector, RIP)", 2, v,
			       regs->rip);
	if (guest_exc_fixup[v])
		regs->rip = guest_exc_fixup[v];
}
