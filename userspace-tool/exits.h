/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_EXITS_H
#define MINIVM_RUN_EXITS_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/minivm.h>

#include "devices/debug-exit.h"
#include "ioport.h"

enum exit_action {
	EXIT_RESUME,		/* handled: run the vCPU again */
	EXIT_STOP,		/* the run is over: exit with result.status */
	EXIT_MALFORMED,		/* the run area makes no sense: a module bug */
};

struct exit_result {
	int status;		/* for EXIT_STOP */
	bool unclaimed;		/* an I/O exit touched a port no device has */
};

/*
 * Act on the exit MINIVM_RUN just reported in @run (@run_size bytes are
 * mapped): port I/O goes to @bus (an IN's data is left in the run area for
 * the next RUN to complete), a debug-exit write or HLT ends the run, and
 * so does anything this VMM cannot continue from.
 */
enum exit_action handle_exit(struct ioport_bus *bus, struct debug_exit *dx,
			     struct minivm_run *run, size_t run_size,
			     struct exit_result *result);

#endif /* MINIVM_RUN_EXITS_H */
