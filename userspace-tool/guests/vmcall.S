/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMCALL: an exit the module does not handle, so RUN reports
 * INTERNAL_ERROR (VMX exit reason 18). minivm-run must print one line
 * naming VMCALL and exit with 70.
 */
#include "guest.h"

	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	vmcall
	hlt				/* not reached: would give status 0 */
