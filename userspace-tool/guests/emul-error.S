/* SPDX-License-Identifier: GPL-2.0 */
/*
 * REP OUTSB whose buffer is not RAM (DS:SI = 3000:0000, past the 128 KiB
 * the test gives the guest): an instruction the in-kernel emulator will
 * not do, so RUN reports INTERNAL_ERROR (emulation). minivm-run must
 * print one line naming the instruction and exit with 70.
 */
#include "guest.h"

	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	mov	$0x3000, %ax
	mov	%ax, %ds
	mov	$COM1_THR, %dx
	mov	$4, %cx
	xor	%si, %si
	rep outsb
	hlt				/* not reached: would give status 0 */
