/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Multiboot header and entry of the Multiboot test kernel. The
 * loader enters _start in 32-bit protected mode, paging off, with EAX =
 * 0x2BADB002 and EBX = the Multiboot information; ESP is undefined, so
 * the first thing is a stack of our own.
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003	/* modules page-aligned, memory info */
#define STACK_SIZE	0x4000

	.section .multiboot, "a"
	.balign	4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.text
	.globl	_start
_start:
	mov	$stack_top, %esp
	push	%ebx			/* mb_main(magic, info) */
	push	%eax
	call	mb_main
1:	hlt				/* mb_main ends the run; just in case */
	jmp	1b

/*
 * Interrupt entries (irq.c): the C handler gets the vector and does the
 * EOI; a spurious or unexpected vector gets neither.
 */
	.macro	irq_stub name, vector
	.globl	\name
\name:
	pusha
	cld
	push	$\vector
	call	irq_handle
	add	$4, %esp
	popa
	iret
	.endm

	irq_stub irq_stub_timer, 0x30
	irq_stub irq_stub_uart, 0x34

	.globl	irq_stub_spurious
irq_stub_spurious:
	iret

	.bss
	.balign	16
	.skip	STACK_SIZE
stack_top:
