// SPDX-License-Identifier: GPL-2.0
/*
 * What to do with each exit. Works on the accel-neutral struct vmm_exit
 * and the devices only, so it is tested without any driver.
 */
#include "exitcode.h"
#include "exits.h"

static enum exit_action handle_io(const struct vmm_devices *devs,
				  const struct vmm_exit *exit,
				  struct exit_result *result)
{
	unsigned int size = exit->io.size;
	uint8_t *data = exit->io.data;
	uint32_t i;

	/* count > 1 (string I/O): consecutive elements of @size bytes. */
	for (i = 0; i < exit->io.count; i++, data += size) {
		bool claimed;

		if (exit->io.out)
			claimed = ioport_out(devs->io, exit->io.port, size, data);
		else
			claimed = ioport_in(devs->io, exit->io.port, size, data);
		if (!claimed)
			result->unclaimed = true;

		if (devs->dx->triggered) {
			result->status = exit_status_debug_exit(devs->dx->value);
			return EXIT_STOP;
		}
		/* A reset: the rest of a string OUT would go to a new machine. */
		if (devs->reset && *devs->reset) {
			result->status = STATUS_REBOOT;
			return EXIT_STOP;
		}
	}
	return EXIT_RESUME;
}

enum exit_action handle_exit(const struct vmm_devices *devs,
			     const struct vmm_exit *exit,
			     struct exit_result *result)
{
	result->status = 0;
	result->unclaimed = false;

	switch (exit->reason) {
	case VMM_EXIT_IO:
		return handle_io(devs, exit, result);
	case VMM_EXIT_MMIO:
		if (!mmio_access(devs->mmio, exit->mmio.addr, exit->mmio.data,
				 exit->mmio.len, exit->mmio.write))
			result->unclaimed = true;
		return EXIT_RESUME;
	default:
		break;
	}

	result->status = exit_status_for_exit(exit);
	return result->status < 0 ? EXIT_RESUME : EXIT_STOP;
}
