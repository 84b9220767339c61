/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 64 KiB + 1 byte of HLT: one byte more than fits in the smallest guest
 * memory (-m 128K puts 64 KiB above the load address), and it fits
 * with -m 132K (the next multiple of 4K), where its first HLT ends the
 * run with status 0.
 */
	.code16
	/*
	 * .text, not .text.start: clang's assembler gives the (otherwise
	 * empty) .text a 4-byte alignment, and placed after .text.start it
	 * would pad the image to 64K + 4 bytes.
	 */
	.text
	.globl	_start
_start:
	.fill	0x10001, 1, 0xf4
