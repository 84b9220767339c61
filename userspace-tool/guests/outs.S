/* SPDX-License-Identifier: GPL-2.0 */
/*
 * REP OUTSB: string port I/O, an exit the module does not handle yet,
 * so RUN reports INTERNAL_ERROR (VMX exit reason 30). minivm-run must
 * print one line naming IO_INSTRUCTION and exit with 70.
 */
#include "guest.h"

	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	mov	$0x3f8, %dx
	mov	$4, %cx
	xor	%si, %si
	rep outsb
	hlt				/* not reached: would give status 0 */
