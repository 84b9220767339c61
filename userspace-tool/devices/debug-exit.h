/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_DEBUG_EXIT_H
#define MINIVM_RUN_DEBUG_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#include "ioport.h"

/* QEMU's isa-debug-exit default: iobase=0xf4, iosize=1. */
#define DEBUG_EXIT_PORT		0xf4
#define DEBUG_EXIT_NR_PORTS	1

struct debug_exit {
	bool triggered;		/* the guest asked to end the run */
	uint8_t value;		/* the byte it wrote */
};

void debug_exit_init(struct debug_exit *dx);

extern const struct ioport_ops debug_exit_ops;

#endif /* MINIVM_RUN_DEBUG_EXIT_H */
