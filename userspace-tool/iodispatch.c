// SPDX-License-Identifier: GPL-2.0
/* The I/O thread's event handling, pure (see iodispatch.h). */
#include <string.h>

#include "iodispatch.h"

size_t io_rx_room(const struct io_devices *d)
{
	return sizeof(d->rx.buf) - d->rx.len;
}

size_t io_rx_feed(struct io_devices *d)
{
	size_t n;

	if (!d->uart || !d->rx.len)
		return 0;
	n = uart8250_receive(d->uart, d->rx.buf, d->rx.len);
	if (n) {
		d->rx.len -= n;
		memmove(d->rx.buf, d->rx.buf + n, d->rx.len);
	}
	return n;
}

unsigned int io_input(struct io_devices *d, const uint8_t *in, size_t len)
{
	unsigned int cmd = 0;
	size_t i;

	for (i = 0; i < len && d->rx.len < sizeof(d->rx.buf); i++) {
		uint8_t c = in[i];

		if (d->escape) {
			switch (console_escape_feed(&d->esc, in[i], &c)) {
			case CONSOLE_KEY_NONE:
				continue;
			case CONSOLE_KEY_QUIT:
				/* What follows was typed for a guest that is going away. */
				io_rx_feed(d);
				return cmd | IO_CMD_QUIT;
			case CONSOLE_KEY_HELP:
				cmd |= IO_CMD_HELP;
				continue;
			case CONSOLE_KEY_SEND:
				break;
			}
		}
		d->rx.buf[d->rx.len++] = c;
	}
	io_rx_feed(d);
	return cmd;
}

void io_timers_expired(struct io_devices *d)
{
	if (d->pit)
		pit_run_timer(d->pit);
	if (d->rtc)
		rtc_run_timer(d->rtc);
}

int64_t io_pit_deadline(struct io_devices *d)
{
	uint64_t next;

	if (!d->pit)
		return IO_NO_DEADLINE;
	next = pit_next_irq_ns(d->pit);
	return next >= (uint64_t)IO_NO_DEADLINE ? IO_NO_DEADLINE : (int64_t)next;
}

int64_t io_rtc_deadline(struct io_devices *d)
{
	int64_t next;

	if (!d->rtc)
		return IO_NO_DEADLINE;
	next = rtc_next_event_ns(d->rtc);
	return next == RTC_NO_EVENT ? IO_NO_DEADLINE : next;
}

bool io_timer_update(struct io_timer *t, int64_t next)
{
	if (t->armed == next)
		return false;
	t->armed = next;
	return true;
}

int io_kick_timeout_ms(int64_t now, int64_t last, int64_t interval)
{
	int64_t left;

	if (interval <= 0)
		return -1;
	left = last + interval - now;
	if (left <= 0)
		return 0;
	/* Round up: waking a little late is fine, early means a busy loop. */
	return (int)((left + 999999) / 1000000);
}

bool io_kick_due(int64_t now, int64_t last, int64_t interval)
{
	return interval > 0 && now - last >= interval;
}
