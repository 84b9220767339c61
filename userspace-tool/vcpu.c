// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM loop: RUN, translate the exit, act on it, repeat. Only the
 * driver seam (accel/) is called here, so the loop is the same whichever
 * accelerator runs the guest.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include "exitcode.h"
#include "exits.h"
#include "iothread.h"
#include "util.h"
#include "vcpu.h"

/*
 * Set by stop_handler(), read by the loop: a lock-free atomic, which C11
 * makes safe to share with a signal handler.
 */
static atomic_int stop_signal;
/* Written once before the handlers are installed, then only read. */
static struct accel_vcpu *signal_vcpu;

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
	if (signal_vcpu)
		signal_vcpu->accel->ops->set_immediate_exit(signal_vcpu);
}

/*
 * SIGUSR1, the I/O thread's kick: only to make RUN return EINTR (both
 * drivers return EINTR, which no SA_RESTART restarts), so that the loop
 * can ask the driver whether the vCPU halted for good. SA_RESTART keeps
 * a kick from failing anything else the thread is doing.
 */
static void kick_handler(int sig)
{
	(void)sig;
}

void vcpu_catch_signals(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = stop_handler };
	struct sigaction kick = { .sa_handler = kick_handler, .sa_flags = SA_RESTART };

	/* No SA_RESTART: the kernel must not restart RUN for us. */
	sigemptyset(&sa.sa_mask);
	if (vm->accel.immediate_exit)
		signal_vcpu = &vm->vcpu;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&kick.sa_mask);
	sigaction(SIGUSR1, &kick, NULL);
}

static uint64_t le_value(const uint8_t *data, unsigned int len)
{
	uint64_t val = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		val |= (uint64_t)data[i] << (8 * i);
	return val;
}

static void trace_exit(const struct vmm_exit *exit,
		       const struct exit_result *result)
{
	if (!verbose)
		return;

	switch (exit->reason) {
	case VMM_EXIT_IO:
		pr_verbose("exit IO %s port 0x%04x size %u data 0x%0*llx%s",
			   exit->io.out ? "out" : "in", exit->io.port,
			   exit->io.size, exit->io.size * 2,
			   (unsigned long long)le_value(exit->io.data, exit->io.size),
			   result->unclaimed ? " (unclaimed port)" : "");
		break;
	case VMM_EXIT_MMIO:
		pr_verbose("exit MMIO %s 0x%llx size %u data 0x%0*llx%s",
			   exit->mmio.write ? "write" : "read",
			   (unsigned long long)exit->mmio.addr, exit->mmio.len,
			   exit->mmio.len * 2,
			   (unsigned long long)le_value(exit->mmio.data, exit->mmio.len),
			   result->unclaimed ? " (unclaimed address)" : "");
		break;
	default:
		pr_verbose("exit %s", vmm_exit_name(exit->reason));
	}
}

/* The guest crashed: say why on one line, with CS:IP if we can read it. */
static void report_crash(struct vm *vm, const struct vmm_exit *exit)
{
	const struct accel_ops *ops = vm->accel.ops;
	struct vcpu_sregs sregs;
	struct vcpu_regs regs;
	bool have_regs;
	char line[400];

	have_regs = !ops->get_regs(&vm->vcpu, &regs) &&
		    !ops->get_sregs(&vm->vcpu, &sregs);
	format_crash(line, sizeof(line), exit, ops->run_ioctl,
		     have_regs ? &regs : NULL, have_regs ? &sregs : NULL);
	pr_err("%s", line);
}

/*
 * Devices are shared with the I/O thread: port I/O and MMIO run under its
 * lock, and it learns what the guest changed before the lock is dropped.
 */
static enum exit_action dispatch(const struct vmm_devices *devs,
				 const struct vmm_exit *exit,
				 struct exit_result *result)
{
	enum exit_action action;

	if (exit->reason != VMM_EXIT_IO && exit->reason != VMM_EXIT_MMIO)
		return handle_exit(devs, exit, result);
	iothread_lock(devs->thread);
	action = handle_exit(devs, exit, result);
	iothread_devices_changed(devs->thread);
	iothread_unlock(devs->thread);
	return action;
}

/*
 * After EINTR: has the vCPU halted with interrupts off? Only KVM with an
 * in-kernel APIC needs the question (accel.h); minivm says so with an
 * exit of its own.
 */
static bool halted_for_good(struct vm *vm)
{
	const struct accel_ops *ops = vm->accel.ops;

	return vm->accel.irqchip && ops->halted_irqs_off &&
	       ops->halted_irqs_off(&vm->vcpu);
}

int vcpu_run(struct vm *vm, const struct vmm_devices *devs)
{
	const struct accel_ops *ops = vm->accel.ops;
	struct exit_result result;
	struct vmm_exit exit;
	char why[256];
	int ret;

	for (;;) {
		if (stop_signal) {
			pr_verbose("stopped by signal %d (%s)", stop_signal,
				   strsignal(stop_signal));
			return -stop_signal;
		}

		ret = ops->run(&vm->vcpu);
		if (ret) {
			/*
			 * A signal: the loop's top decides whether it was one
			 * that stops us. immediate_exit is never cleared: only
			 * stop_handler() sets it, and then we stop anyway.
			 */
			if (ret == -EINTR && !stop_signal && halted_for_good(vm)) {
				exit = (struct vmm_exit) { .reason = VMM_EXIT_HLT };
				pr_verbose("the vCPU is halted with interrupts disabled");
				handle_exit(devs, &exit, &result);
				trace_exit(&exit, &result);
				return result.status;
			}
			if (ret == -EINTR)
				continue;
			die(STATUS_OS_ERROR, "%s: %s", ops->run_ioctl, strerror(-ret));
		}

		if (ops->get_exit(&vm->vcpu, &exit, why, sizeof(why)))
			die(STATUS_OS_ERROR, "%s", why);

		if (dispatch(devs, &exit, &result) == EXIT_RESUME) {
			trace_exit(&exit, &result);
			continue;
		}

		trace_exit(&exit, &result);
		if (result.status == STATUS_GUEST_CRASH && exit.reason != VMM_EXIT_IO)
			report_crash(vm, &exit);
		return result.status;
	}
}
