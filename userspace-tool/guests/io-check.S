/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port I/O checks from inside the guest, through the module's IN/OUT
 * exits and minivm-run's devices. Success is HLT (status 0); check N
 * failing writes N to debug-exit, so minivm-run exits with (N << 1) | 1
 * and the test script can name the check. The guest prints nothing: any
 * byte on stdout means a register write leaked out as a transmitted byte.
 */
#include "guest.h"

/* Fail with check number \n unless the flags say "equal". */
	.macro	expect n
	mov	$\n, %bl		/* MOV leaves the flags alone */
	jne	fail
	.endm

/* AL = IN from \port (8 bits); fail as check \n unless AL == \val. */
	.macro	inb_expect port, val, n
	mov	$\port, %dx
	in	%dx, %al
	cmp	$\val, %al
	expect	\n
	.endm

	.macro	outb port, val
	mov	$\port, %dx
	mov	$\val, %al
	out	%al, %dx
	.endm

	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	/* 1: LSR says the transmitter is empty. */
	inb_expect COM1_LSR, 0x60, 1

	/* 2, 3: the scratch register keeps what was written. */
	outb	COM1_SCR, 0xa5
	inb_expect COM1_SCR, 0xa5, 2
	outb	COM1_SCR, 0x5a
	inb_expect COM1_SCR, 0x5a, 3

	/* 4-8: with DLAB set, offsets 0 and 1 are the divisor latch. */
	outb	COM1_LCR, 0x83
	outb	COM1_DLL, 0x0c		/* not a transmitted byte */
	outb	COM1_DLM, 0x01		/* not IER */
	inb_expect COM1_DLL, 0x0c, 4
	inb_expect COM1_DLM, 0x01, 5
	inb_expect COM1_LCR, 0x83, 6
	outb	COM1_LCR, 0x03
	inb_expect COM1_LCR, 0x03, 7
	inb_expect COM1_IER, 0x00, 8

	/*
	 * 9-11: an unclaimed port reads all ones, and IN replaces only
	 * AL or AX, but zero-extends into all of EAX for 32 bits.
	 */
	mov	$UNUSED_PORT, %dx
	mov	$0x12345678, %eax
	in	%dx, %al
	cmp	$0x123456ff, %eax
	expect	9
	mov	$0x12345678, %eax
	in	%dx, %ax
	cmp	$0x1234ffff, %eax
	expect	10
	xor	%eax, %eax
	in	%dx, %eax
	cmp	$0xffffffff, %eax
	expect	11

	/* An OUT to it goes nowhere and the guest carries on. */
	out	%al, %dx
	out	%ax, %dx
	out	%eax, %dx

	/* 12: a word at LSR is LSR (AL) and MSR (AH): 8-bit ISA splitting. */
	mov	$COM1_LSR, %dx
	in	%dx, %ax
	cmp	$0xb060, %ax
	expect	12

	/* 13: a word at MSR lands its high byte in SCR. */
	mov	$COM1_MSR, %dx
	mov	$0x7700, %ax
	out	%ax, %dx
	inb_expect COM1_SCR, 0x77, 13

	/* 14: loopback wires RTS|OUT2 back to CTS|DCD; THR is cut off. */
	outb	COM1_MCR, 0x1a
	inb_expect COM1_MSR, 0x90, 14
	outb	COM1_THR, 'X'		/* must not reach stdout */
	outb	COM1_MCR, 0x03

	/* 15, 16: IIR: no interrupt pending; FIFO bits follow FCR. */
	inb_expect COM1_IIR, 0x01, 15
	outb	COM1_FCR, 0x07
	inb_expect COM1_IIR, 0xc1, 16

	/* 17: a 32-bit IN at the UART: LSR, MSR, SCR and the next port. */
	mov	$COM1_LSR, %dx
	in	%dx, %eax
	cmp	$0xff77b060, %eax
	expect	17

	hlt
	jmp	fail

fail:
	mov	%bl, %al
	out	%al, $DEBUG_EXIT_PORT
	hlt
