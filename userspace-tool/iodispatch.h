/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the I/O thread (iothread.c) does with each event, as pure
 * functions over the device models, so that the unit tests drive them
 * with fake clocks and interrupt lines: host input through the Ctrl-A
 * escape into the UART's receive FIFO, expired timers into the PIT and
 * the RTC, and the deadlines to arm next. iothread.c adds only poll(),
 * read(), the timerfds and the lock.
 */
#ifndef MINIVM_RUN_IODISPATCH_H
#define MINIVM_RUN_IODISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "devices/pit.h"
#include "devices/rtc.h"
#include "devices/uart8250.h"

#define IO_RX_QUEUE_SIZE	4096
#define IO_NO_DEADLINE		INT64_MAX

/*
 * Host bytes the UART had no room for yet. The UART model takes what its
 * FIFO holds and never overruns; the rest waits here, and the I/O thread
 * stops reading stdin while this is full, so a paste is not lost.
 */
struct io_rx_queue {
	uint8_t buf[IO_RX_QUEUE_SIZE];
	size_t len;
};

/* The devices the I/O thread drives; any of them may be NULL. */
struct io_devices {
	struct uart8250 *uart;
	struct pit *pit;
	struct rtc *rtc;
	struct io_rx_queue rx;
	bool escape;			/* input is a terminal: Ctrl-A commands */
	struct console_escape esc;
};

/* What the input asked of minivm-run itself: a mask, one read may hold both. */
#define IO_CMD_QUIT	(1U << 0)	/* Ctrl-A x */
#define IO_CMD_HELP	(1U << 1)	/* Ctrl-A h */

/* Room in the queue: how many bytes the I/O thread may read now. */
size_t io_rx_room(const struct io_devices *d);

/*
 * Move queued bytes into the UART's FIFO, as many as it takes. Returns
 * how many moved. Done after input arrives and after every guest access
 * to the devices (which may have emptied the FIFO).
 */
size_t io_rx_feed(struct io_devices *d);

/*
 * @len bytes read from the host (at most io_rx_room()): through the
 * escape when @d->escape, into the queue, then into the UART. Stops at a
 * quit command, dropping the rest. Returns the IO_CMD_* commands seen.
 */
unsigned int io_input(struct io_devices *d, const uint8_t *in, size_t len);

/* A timer expired: bring the PIT's IRQ 0 and the RTC's flags up to now. */
void io_timers_expired(struct io_devices *d);

/*
 * The PIT's next IRQ 0 edge (CLOCK_MONOTONIC ns) and the RTC's next flag
 * (CLOCK_REALTIME ns), or IO_NO_DEADLINE for either.
 */
int64_t io_pit_deadline(struct io_devices *d);
int64_t io_rtc_deadline(struct io_devices *d);

/*
 * A timer armed for an absolute deadline, or disarmed (IO_NO_DEADLINE).
 * The VMM asks after every device access what the deadline is now; only a
 * change costs a timerfd_settime().
 */
struct io_timer {
	int fd;
	int64_t armed;
};

/* Record @next as armed; true if that is a change the timer must get. */
bool io_timer_update(struct io_timer *t, int64_t next);

/* The timer fired: a timerfd is disarmed afterwards. */
static inline void io_timer_fired(struct io_timer *t)
{
	t->armed = IO_NO_DEADLINE;
}

/*
 * Kicking the vCPU for the accelerator's halt probe (accel.h,
 * halted_irqs_off) every @interval ns: the poll() timeout in ms until the
 * next kick at @now (-1: never, @interval 0), and whether it is due.
 */
int io_kick_timeout_ms(int64_t now, int64_t last, int64_t interval);
bool io_kick_due(int64_t now, int64_t last, int64_t interval);

#endif /* MINIVM_RUN_IODISPATCH_H */
