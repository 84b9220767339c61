// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM loop: MINIVM_RUN, act on the exit, repeat.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>

#include "exitcode.h"
#include "exits.h"
#include "util.h"
#include "vcpu.h"

/*
 * Set by stop_handler(), read by the loop: a lock-free atomic, which C11
 * makes safe to share with a signal handler.
 */
static atomic_int stop_signal;
/* Written once before the handlers are installed, then only read. */
static struct minivm_run *signal_run;

/*
 * A signal that arrives while the vCPU is in the guest makes RUN return
 * EINTR, and the loop sees stop_signal. One that arrives just before the
 * ioctl would be missed until the next exit, which for a spinning guest is
 * never: immediate_exit closes that window, as with KVM, by making the
 * coming RUN return EINTR at once.
 */
static void stop_handler(int sig)
{
	stop_signal = sig;
	if (signal_run)
		signal_run->immediate_exit = 1;
}

void vcpu_catch_signals(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = stop_handler };

	/* No SA_RESTART: the kernel must not restart MINIVM_RUN for us. */
	sigemptyset(&sa.sa_mask);
	if (vm->immediate_exit)
		signal_run = vm->run;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void trace_exit(const struct minivm_run *run,
		       const struct exit_result *result)
{
	const uint8_t *data;
	uint32_t val = 0;
	unsigned int i;

	if (!verbose)
		return;
	if (run->exit_reason != MINIVM_EXIT_IO) {
		pr_verbose("exit %s", minivm_exit_name(run->exit_reason));
		return;
	}

	/* Only called after handle_exit() checked size and data_offset. */
	data = (const uint8_t *)run + run->io.data_offset;
	for (i = 0; i < run->io.size; i++)
		val |= (uint32_t)data[i] << (8 * i);
	pr_verbose("exit IO %s port 0x%04x size %u data 0x%0*x%s",
		   run->io.direction == MINIVM_EXIT_IO_OUT ? "out" : "in",
		   run->io.port, run->io.size, run->io.size * 2, val,
		   result->unclaimed ? " (unclaimed port)" : "");
}

/* The guest crashed: say why on one line, with CS:IP if we can read it. */
static void report_crash(struct vm *vm)
{
	struct minivm_sregs sregs;
	struct minivm_regs regs;
	bool have_regs;
	char line[400];

	have_regs = ioctl(vm->vcpu_fd, MINIVM_GET_REGS, &regs) == 0 &&
		    ioctl(vm->vcpu_fd, MINIVM_GET_SREGS, &sregs) == 0;
	format_crash(line, sizeof(line), vm->run,
		     have_regs ? &regs : NULL, have_regs ? &sregs : NULL);
	pr_err("%s", line);
}

int vcpu_run(struct vm *vm, struct ioport_bus *bus, struct debug_exit *dx)
{
	struct minivm_run *run = vm->run;
	struct exit_result result;

	for (;;) {
		if (stop_signal) {
			pr_verbose("stopped by signal %d (%s)", stop_signal,
				   strsignal(stop_signal));
			return -stop_signal;
		}

		if (ioctl(vm->vcpu_fd, MINIVM_RUN, 0) < 0) {
			/*
			 * A signal: the loop's top decides whether it was one
			 * that stops us. immediate_exit is never cleared: only
			 * stop_handler() sets it, and then we stop anyway.
			 */
			if (errno == EINTR)
				continue;
			die(STATUS_OS_ERROR, "MINIVM_RUN: %s", strerror(errno));
		}

		switch (handle_exit(bus, dx, run, vm->run_size, &result)) {
		case EXIT_RESUME:
			trace_exit(run, &result);
			break;
		case EXIT_STOP:
			trace_exit(run, &result);
			if (result.status == STATUS_GUEST_CRASH &&
			    run->exit_reason != MINIVM_EXIT_IO)
				report_crash(vm);
			return result.status;
		case EXIT_MALFORMED:
			die(STATUS_OS_ERROR,
			    "malformed I/O exit from the module: direction %u port 0x%x size %u count %u data_offset %llu",
			    run->io.direction, run->io.port, run->io.size,
			    run->io.count, (unsigned long long)run->io.data_offset);
		}
	}
}
