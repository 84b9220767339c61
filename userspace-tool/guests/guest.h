/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared constants for the sample guests: flat real-mode binaries that
 * minivm-run loads at 1000:0000 with DS=ES=SS=0x1000 and SP=0, so a guest
 * linked at offset 0 uses its own labels without any segment setup.
 */
#ifndef MINIVM_GUEST_H
#define MINIVM_GUEST_H

#define COM1		0x3f8
#define COM1_THR	(COM1 + 0)
#define COM1_DLL	(COM1 + 0)
#define COM1_IER	(COM1 + 1)
#define COM1_DLM	(COM1 + 1)
#define COM1_IIR	(COM1 + 2)
#define COM1_FCR	(COM1 + 2)
#define COM1_LCR	(COM1 + 3)
#define COM1_MCR	(COM1 + 4)
#define COM1_LSR	(COM1 + 5)
#define COM1_MSR	(COM1 + 6)
#define COM1_SCR	(COM1 + 7)
#define LSR_THRE	0x20

/* QEMU's isa-debug-exit: writing v exits with status (v << 1) | 1. */
#define DEBUG_EXIT_PORT	0xf4

/* A port no minivm-run device will claim: reads must return all ones. */
#define UNUSED_PORT	0x4000

#endif /* MINIVM_GUEST_H */
