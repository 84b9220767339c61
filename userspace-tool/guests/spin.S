/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loop forever without a single exit: only a signal can end the run.
 * Tests that SIGTERM stops minivm-run while the vCPU is in the guest.
 */
#include "guest.h"

	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	jmp	_start
