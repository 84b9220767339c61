// SPDX-License-Identifier: GPL-2.0
/*
 * The debug-exit port, after QEMU's isa-debug-exit: a guest ends the run
 * by writing a value v to port 0xf4, and minivm-run exits with status
 * (v << 1) | 1 (see exit_status_debug_exit()). Test guests written for
 * QEMU report pass/fail this way, and they run here unchanged.
 *
 * The device only records the write; the run loop notices it after the
 * OUT is dispatched and stops, so a device never calls exit() itself.
 */
#include "devices/debug-exit.h"

void debug_exit_init(struct debug_exit *dx)
{
	dx->triggered = false;
	dx->value = 0;
}

/* QEMU's device reads as 0. */
static uint8_t debug_exit_read(void *dev, uint16_t offset)
{
	(void)dev;
	(void)offset;
	return 0;
}

static void debug_exit_write(void *dev, uint16_t offset, uint8_t val)
{
	struct debug_exit *dx = dev;

	(void)offset;
	/* The first value wins: the run ends right after this access. */
	if (!dx->triggered) {
		dx->triggered = true;
		dx->value = val;
	}
}

const struct ioport_ops debug_exit_ops = {
	.read	= debug_exit_read,
	.write	= debug_exit_write,
};
