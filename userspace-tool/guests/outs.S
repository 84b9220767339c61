/* SPDX-License-Identifier: GPL-2.0 */
/*
 * REP OUTSB: a whole line to COM1 with one string instruction, which
 * minivm hands to minivm-run as one I/O exit carrying every byte
 * (io.count > 1); then HLT, status 0.
 */
#include "guest.h"

	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	cld
	mov	$COM1_THR, %dx
	mov	$(line_end - line), %cx
	mov	$line, %si
	rep outsb
	hlt

	.section .rodata
line:
	.ascii	"a string of bytes from one REP OUTSB\n"
line_end:
