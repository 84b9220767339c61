/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Triple fault: with an IDT limit of 0, INT3 cannot be delivered (#GP),
 * nor can the #GP, nor the double fault that follows, so the CPU shuts
 * down. minivm-run must report SHUTDOWN on stderr and exit with 70.
 */
#include "guest.h"

	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	lidt	null_idt
	int3
	hlt				/* not reached: would give status 0 */

	.section .rodata
null_idt:
	.word	0			/* limit */
	.long	0			/* base */
