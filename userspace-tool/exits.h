/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_EXITS_H
#define MINIVM_RUN_EXITS_H

#include <stdbool.h>

#include "devices/debug-exit.h"
#include "ioport.h"
#include "mmio.h"
#include "vmm-exit.h"

struct iothread;

/* What the exits reach: the buses and the devices that can end the run. */
struct vmm_devices {
	struct ioport_bus *io;
	struct mmio_bus *mmio;
	struct debug_exit *dx;
	/*
	 * Set by the device that pulled the CPU's reset line (the i8042's
	 * reset callback); NULL where no device can.
	 */
	const bool *reset;
	/*
	 * The thread that shares the devices (iothread.h), for the VMM loop:
	 * NULL where there is none (flat binaries), and nothing to lock.
	 */
	struct iothread *thread;
};

enum exit_action {
	EXIT_RESUME,		/* handled: run the vCPU again */
	EXIT_STOP,		/* the run is over: exit with result.status */
};

struct exit_result {
	int status;		/* for EXIT_STOP */
	bool unclaimed;		/* an I/O or MMIO access no device claimed */
};

/*
 * Act on the exit the accelerator just reported (already checked by its
 * translation): port I/O and MMIO go to the buses (a read's data is left
 * where @exit points, for the next RUN to complete), a debug-exit write, a
 * reset or HLT ends the run, and so does anything this VMM cannot continue
 * from. The caller holds the devices' lock, if there is one.
 */
enum exit_action handle_exit(const struct vmm_devices *devs,
			     const struct vmm_exit *exit,
			     struct exit_result *result);

#endif /* MINIVM_RUN_EXITS_H */
