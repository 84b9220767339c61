/* SPDX-License-Identifier: GPL-2.0 */
/*
 * End the run through the debug-exit port with value 42: minivm-run must
 * exit with status (42 << 1) | 1 = 85. The HLT after it would give 0, so
 * a status of 0 means the write was ignored.
 */
#include "guest.h"

#define EXIT_VALUE	42

	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	mov	$EXIT_VALUE, %al
	out	%al, $DEBUG_EXIT_PORT
	hlt
