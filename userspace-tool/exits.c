// SPDX-License-Identifier: GPL-2.0
/*
 * What to do with each exit MINIVM_RUN returns. Only reads and writes the
 * run area and the devices, so it is tested without /dev/minivm.
 */
#include "exitcode.h"
#include "exits.h"

static enum exit_action handle_io(struct ioport_bus *bus, struct debug_exit *dx,
				  struct minivm_run *run, size_t run_size,
				  struct exit_result *result)
{
	unsigned int size = run->io.size;
	uint64_t offset = run->io.data_offset;
	uint64_t count = run->io.count;
	uint8_t *data;
	uint64_t i;

	/*
	 * The data must lie inside the mapping: trusting the offset would
	 * let a broken module make us scribble over our own memory.
	 */
	if ((size != 1 && size != 2 && size != 4) || !count ||
	    offset > run_size || count > (run_size - offset) / size)
		return EXIT_MALFORMED;
	if (run->io.direction != MINIVM_EXIT_IO_IN &&
	    run->io.direction != MINIVM_EXIT_IO_OUT)
		return EXIT_MALFORMED;

	data = (uint8_t *)run + offset;
	for (i = 0; i < count; i++, data += size) {
		bool claimed;

		if (run->io.direction == MINIVM_EXIT_IO_OUT)
			claimed = ioport_out(bus, run->io.port, size, data);
		else
			claimed = ioport_in(bus, run->io.port, size, data);
		if (!claimed)
			result->unclaimed = true;

		if (dx->triggered) {
			result->status = exit_status_debug_exit(dx->value);
			return EXIT_STOP;
		}
	}
	return EXIT_RESUME;
}

enum exit_action handle_exit(struct ioport_bus *bus, struct debug_exit *dx,
			     struct minivm_run *run, size_t run_size,
			     struct exit_result *result)
{
	result->status = 0;
	result->unclaimed = false;

	if (run->exit_reason == MINIVM_EXIT_IO)
		return handle_io(bus, dx, run, run_size, result);

	result->status = exit_status_for_reason(run->exit_reason);
	return result->status < 0 ? EXIT_RESUME : EXIT_STOP;
}
