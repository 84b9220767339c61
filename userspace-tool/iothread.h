/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O thread: time and input for the devices of a kernel guest.
 *
 * The vCPU thread spends its life in RUN, asleep in the kernel while the
 * guest is idle in HLT, so whatever happens without the guest asking
 * (a key on stdin, the PIT's next tick, the RTC's next update) must come
 * from another thread: this one polls stdin and two timerfds (the PIT's
 * next IRQ 0 edge on CLOCK_MONOTONIC, the RTC's next flag on
 * CLOCK_REALTIME, the clocks the two models count in), runs the device
 * models, and their IRQ lines call the accelerator's irq_line(), which
 * wakes the vCPU in the kernel.
 *
 * One mutex covers every device: the vCPU thread takes it around each
 * port I/O and MMIO exit (vcpu.c), this thread around each event. Exits
 * to userspace are rare once Linux has booted, so one lock costs nothing
 * and leaves nothing to get wrong between devices.
 */
#ifndef MINIVM_RUN_IOTHREAD_H
#define MINIVM_RUN_IOTHREAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "iodispatch.h"

/* How often KVM's vCPU is kicked to see whether it halted for good. */
#define IOTHREAD_KICK_NS	(500 * 1000 * 1000LL)

struct iothread {
	pthread_mutex_t lock;		/* dev and every device it points to */
	struct io_devices dev;
	int in_fd;			/* stdin, or -1: no input */
	bool in_paused;			/* the rx queue was full: not polling in_fd */
	struct io_timer pit_timer, rtc_timer;
	int wake_fd;			/* eventfd: poll again (room, or stop) */
	pthread_t thread;
	pthread_t vcpu;			/* for the quit command and the kicks */
	int64_t kick_interval;		/* ns; 0: no kicks */
	int64_t last_kick;
	atomic_bool stop;
	bool started;
};

/*
 * Set @io up for the devices in @dev (copied), reading host input from
 * @in_fd (-1: none), with Ctrl-A commands if @escape, and kicking the
 * calling thread (the vCPU's) every @kick_interval ns if not 0. Creates
 * the timerfds and the eventfd, or exits with status 71.
 */
void iothread_init(struct iothread *io, const struct io_devices *dev,
		   int in_fd, bool escape, int64_t kick_interval);

/* Start the thread, with SIGINT, SIGTERM and SIGUSR1 blocked in it. */
void iothread_start(struct iothread *io);

/* Stop the thread and wait for it; then close its descriptors. */
void iothread_stop(struct iothread *io);

/*
 * For the vCPU thread, around its device accesses; each accepts NULL
 * (a flat binary: no thread, no lock). iothread_devices_changed(), with
 * the lock held, brings the rest of the world up to date with what the
 * guest just did: queued input into a FIFO the guest may have drained,
 * timers re-armed for a PIT or RTC it may have reprogrammed.
 */
void iothread_lock(struct iothread *io);
void iothread_unlock(struct iothread *io);
void iothread_devices_changed(struct iothread *io);

#endif /* MINIVM_RUN_IOTHREAD_H */
