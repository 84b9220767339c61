/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Print a greeting on COM1 the way a BIOS or early kernel does (wait for
 * THRE in LSR before each byte), then HLT, which ends minivm-run with
 * status 0.
 */
#include "guest.h"

	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	cld
	mov	$greeting, %si
1:	lodsb				/* AL = DS:[SI++] */
	test	%al, %al
	jz	2f
	call	putc
	jmp	1b
2:	hlt
	jmp	2b			/* HLT ends the run; just in case */

/* Send AL to COM1 once the transmitter can take it. Clobbers AH, DX. */
putc:
	mov	%al, %ah
	mov	$COM1_LSR, %dx
3:	in	%dx, %al
	test	$LSR_THRE, %al
	jz	3b
	mov	$COM1_THR, %dx
	mov	%ah, %al
	out	%al, %dx
	ret

	.section .rodata
greeting:
	.asciz	"Hello from a minivm guest!\n"
