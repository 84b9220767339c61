// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 programmable interval timer, and port B of the PC's system
 * control logic, which holds channel 2's gate and reads back its output.
 *
 * Nothing here runs by itself. Each channel's counting element is kept as
 * "loaded with count N, counting since tick S", and its value and output
 * are computed from the VMM's clock whenever the guest reads them, so a
 * guest that polls the PIT (Linux calibrating its TSC: channel 2 in mode
 * 0, polling OUT2 in port B bit 5, or reading the counter's MSB as it
 * falls) sees a counter that moves exactly at 1193182 Hz of that clock.
 * Channel 0's interrupt is the same computation asked the other way
 * round: pit_next_irq_ns() says when its output next rises, and the VMM
 * calls pit_run_timer() then.
 *
 * Modes 0-5 are emulated with their gate, reload and output rules, LSB,
 * MSB and two-byte access, the counter latch and read-back commands
 * (status byte with OUT and null count), and BCD counting. Simplified:
 * in mode 3 the counter's value within a half period is approximate for
 * odd counts (the output timing is exact), and a count written while
 * counting in mode 3 takes effect at the end of the period, not of the
 * half period. A new count or gate edge takes effect on the next clock
 * tick, as the counter only loads on a CLK pulse.
 *
 * Channels 0 and 1 have their gates tied high, as on a PC; channel 1 (RAM
 * refresh on old PCs) counts like the others and drives nothing. Port B
 * bit 4, the refresh toggle, flips every 18 ticks (15 us) of the clock,
 * as it did when BIOSes programmed channel 1 that way and old delay loops
 * polled it.
 */
#include "devices/pit.h"

#define NSEC_PER_SEC		1000000000ull
#define TICKS_PER_REFRESH	18

#define PIT_RW_LATCH		0	/* in a control word: the latch command */
#define PIT_RW_LSB		1
#define PIT_RW_MSB		2
#define PIT_RW_WORD		3

#define PIT_CTRL_READ_BACK	0xc0	/* SC = 3 */
#define PIT_READ_BACK_NO_COUNT	0x20	/* both active low */
#define PIT_READ_BACK_NO_STATUS	0x10

#define PIT_STATUS_OUT		0x80
#define PIT_STATUS_NULL_COUNT	0x40

#define NEVER			UINT64_MAX

/* floor(ns * PIT_HZ / 10^9), split so that it cannot overflow. */
static uint64_t ns_to_tick(uint64_t ns)
{
	return ns / NSEC_PER_SEC * PIT_HZ +
	       ns % NSEC_PER_SEC * PIT_HZ / NSEC_PER_SEC;
}

/* The first nanosecond that ns_to_tick() maps to @tick or later. */
static uint64_t tick_to_ns(uint64_t tick)
{
	return tick / PIT_HZ * NSEC_PER_SEC +
	       (tick % PIT_HZ * NSEC_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

static uint64_t now_tick(struct pit *pit)
{
	uint64_t t = ns_to_tick(pit->clock(pit->clock_ctx));

	if (t < pit->last_tick)
		t = pit->last_tick;
	pit->last_tick = t;
	return t;
}

static uint32_t modulus(const struct pit_channel *ch)
{
	return ch->bcd ? 10000 : 65536;
}

/*
 * A count register as a binary number. Digits above 9 in BCD are
 * undefined on the chip; they are taken at face value, modulo 10000.
 */
static uint32_t count_to_bin(const struct pit_channel *ch, uint16_t count)
{
	if (!ch->bcd)
		return count;
	return ((count >> 12) * 1000 + ((count >> 8) & 0xf) * 100 +
		((count >> 4) & 0xf) * 10 + (count & 0xf)) % 10000;
}

static uint16_t bin_to_count(const struct pit_channel *ch, uint32_t v)
{
	if (!ch->bcd)
		return v;
	return (v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 |
	       (v % 10);
}

/* N, the period or terminal count: a count of 0 is the largest one. */
static uint32_t period(const struct pit_channel *ch)
{
	return ch->initial ? ch->initial : modulus(ch);
}

/* Ticks the counting element has counted, at tick @t. */
static uint64_t elapsed(const struct pit_channel *ch, uint64_t t)
{
	if (!ch->counting || t <= ch->start)
		return ch->base;
	return ch->base + t - ch->start;
}

/* Load the counting element with @initial, counting from tick @start. */
static void load(struct pit_channel *ch, uint32_t initial, uint64_t start)
{
	ch->initial = initial;
	ch->armed = true;
	ch->start = start;
	ch->base = 0;
	ch->counting = ch->gate || ch->mode == 1 || ch->mode == 5;
	ch->reload_pending = false;
}

/* Apply a mode 2/3 reload that is due by tick @t. */
static void normalize(struct pit_channel *ch, uint64_t t)
{
	if (ch->reload_pending && t >= ch->reload_at)
		load(ch, ch->reload_initial, ch->reload_at);
}

static uint16_t counter_value(const struct pit_channel *ch, uint64_t t)
{
	uint32_t m = modulus(ch), n = period(ch), v, r;
	uint64_t e;

	if (!ch->armed)
		return ch->frozen;

	e = elapsed(ch, t);
	switch (ch->mode) {
	case 2:
		v = n - e % n;
		break;
	case 3:
		/* Counts down by two, each half of the period. */
		r = e % n;
		if (r < (n + 1) / 2)
			v = n - 2 * r;
		else
			v = n - 2 * (r - (n + 1) / 2);
		break;
	default:
		/* Modes 0, 1, 4, 5 count down past 0 and wrap. */
		v = (ch->initial + m - e % m) % m;
		break;
	}
	return bin_to_count(ch, v % m);
}

static bool counter_out(const struct pit_channel *ch, uint64_t t)
{
	uint32_t n = period(ch);
	uint64_t e;

	/* After a control word: low in mode 0, high in the others. */
	if (!ch->armed)
		return ch->mode != 0;

	e = elapsed(ch, t);
	switch (ch->mode) {
	case 0:
	case 1:
		return e >= n;
	case 2:
		return !ch->counting || e % n != n - 1;
	case 3:
		return !ch->counting || e % n < (n + 1) / 2;
	default:
		/* Modes 4 and 5 strobe low for one tick at terminal count. */
		return e != n;
	}
}

/* How many times the output has risen by elapsed count @e of this run. */
static uint64_t rises_by(const struct pit_channel *ch, uint64_t e)
{
	uint32_t n = period(ch);

	switch (ch->mode) {
	case 0:
	case 1:
		return e >= n;
	case 2:
	case 3:
		return e / n;
	default:
		return e >= (uint64_t)n + 1;
	}
}

/*
 * Rising edges of the output in ticks (@a, @b], across at most one
 * pending reload. Gate changes are not followed: this is for channel 0,
 * whose gate is tied high.
 */
static uint64_t rises_between(const struct pit_channel *ch, uint64_t a,
			      uint64_t b)
{
	struct pit_channel next;
	uint64_t n;

	if (!ch->armed || !ch->counting || b <= a)
		return 0;
	if (!ch->reload_pending || b < ch->reload_at)
		return rises_by(ch, elapsed(ch, b)) - rises_by(ch, elapsed(ch, a));

	n = rises_by(ch, elapsed(ch, ch->reload_at)) -
	    rises_by(ch, elapsed(ch, a));
	next = *ch;
	load(&next, ch->reload_initial, ch->reload_at);
	return n + rises_by(&next, elapsed(&next, b));
}

/* The first tick after @a at which the output rises, or NEVER. */
static uint64_t next_rise(const struct pit_channel *ch, uint64_t a)
{
	uint32_t n = period(ch);
	uint64_t e;

	if (!ch->armed || !ch->counting)
		return NEVER;
	if (a < ch->start)
		a = ch->start;

	e = elapsed(ch, a);
	switch (ch->mode) {
	case 0:
	case 1:
		return e < n ? a + (n - e) : NEVER;
	case 2:
	case 3:
		/* Never past a pending reload: that lands on a period end. */
		return a + (n - e % n);
	default:
		return e < (uint64_t)n + 1 ? a + (n + 1 - e) : NEVER;
	}
}

/*
 * Bring the PIT to tick @t: deliver channel 0's edges up to it with the
 * programming they were due under, then apply the reloads that are due.
 * Every access and timer call starts here.
 */
static unsigned int sync(struct pit *pit, uint64_t t)
{
	uint64_t edges = rises_between(&pit->ch[0], pit->irq_tick, t);
	unsigned int i;

	pit->irq_tick = t;
	if (edges)
		irq_line_pulse(&pit->irq);
	for (i = 0; i < 3; i++)
		normalize(&pit->ch[i], t);
	return edges > UINT32_MAX ? UINT32_MAX : edges;
}

static void set_gate(struct pit_channel *ch, bool gate, uint64_t t)
{
	bool rising = gate && !ch->gate;

	if (gate == ch->gate)
		return;
	ch->gate = gate;

	switch (ch->mode) {
	case 0:
	case 4:
		/* The gate pauses counting and resumes it where it was. */
		if (!ch->armed)
			break;
		if (rising) {
			/* A count loaded but not yet counted starts as loaded. */
			if (t > ch->start)
				ch->start = t;
			ch->counting = true;
		} else {
			ch->base = elapsed(ch, t);
			ch->counting = false;
		}
		break;
	case 1:
	case 5:
		/* A rising edge triggers (or retriggers) the count. */
		if (rising && ch->cr_valid) {
			load(ch, count_to_bin(ch, ch->cr), t + 1);
			ch->loaded_at = t + 1;
		}
		break;
	default:
		/*
		 * Modes 2 and 3 stop while the gate is low, output high, and
		 * restart from the latest count on its rising edge.
		 */
		if (!ch->armed)
			break;
		if (rising) {
			load(ch, ch->reload_pending ? ch->reload_initial :
						      ch->initial, t + 1);
			ch->loaded_at = t + 1;
		} else {
			ch->counting = false;
		}
		break;
	}
}

/* The count register is complete: load it as the mode says. */
static void count_written(struct pit_channel *ch, uint64_t t)
{
	uint32_t count = count_to_bin(ch, ch->cr);
	uint32_t n;

	ch->cr_valid = true;
	switch (ch->mode) {
	case 1:
	case 5:
		/* Loaded by the next trigger; until then, null count. */
		ch->loaded_at = NEVER;
		break;
	case 2:
	case 3:
		if (ch->armed && ch->counting) {
			n = period(ch);
			ch->reload_pending = true;
			ch->reload_initial = count;
			ch->reload_at = ch->start +
					(elapsed(ch, t) / n + 1) * n;
			ch->loaded_at = ch->reload_at;
			break;
		}
		load(ch, count, t + 1);
		ch->loaded_at = t + 1;
		break;
	default:
		load(ch, count, t + 1);
		ch->loaded_at = t + 1;
		break;
	}
}

static void control_word(struct pit_channel *ch, uint8_t val, uint64_t t)
{
	uint8_t mode = (val >> 1) & 7;

	ch->frozen = counter_value(ch, t);
	ch->ctrl = val & 0x3f;
	ch->mode = mode > 5 ? mode - 4 : mode;
	ch->rw = (val >> 4) & 3;
	ch->bcd = val & 1;
	ch->write_msb = false;
	ch->read_msb = false;
	ch->latched_bytes = 0;
	ch->status_latched = false;
	ch->armed = false;
	ch->counting = false;
	ch->reload_pending = false;
	ch->cr_valid = false;
	ch->loaded_at = NEVER;
}

static void latch_count(struct pit_channel *ch, uint64_t t)
{
	/* A second latch before the first is read is ignored. */
	if (ch->latched_bytes)
		return;
	ch->latch = counter_value(ch, t);
	ch->latched_bytes = ch->rw == PIT_RW_WORD ? 2 : 1;
}

static void latch_status(struct pit_channel *ch, uint64_t t)
{
	if (ch->status_latched)
		return;
	ch->status = ch->ctrl;
	if (counter_out(ch, t))
		ch->status |= PIT_STATUS_OUT;
	if (t < ch->loaded_at)
		ch->status |= PIT_STATUS_NULL_COUNT;
	ch->status_latched = true;
}

static void read_back(struct pit *pit, uint8_t val, uint64_t t)
{
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (!(val & (2 << i)))
			continue;
		if (!(val & PIT_READ_BACK_NO_COUNT))
			latch_count(&pit->ch[i], t);
		if (!(val & PIT_READ_BACK_NO_STATUS))
			latch_status(&pit->ch[i], t);
	}
}

static uint8_t channel_read(struct pit_channel *ch, uint64_t t)
{
	uint16_t v;

	if (ch->status_latched) {
		ch->status_latched = false;
		return ch->status;
	}
	if (ch->latched_bytes) {
		v = ch->latch;
		ch->latched_bytes--;
		if (ch->rw == PIT_RW_MSB ||
		    (ch->rw == PIT_RW_WORD && !ch->latched_bytes))
			return v >> 8;
		return v;
	}

	v = counter_value(ch, t);
	switch (ch->rw) {
	case PIT_RW_LSB:
		return v;
	case PIT_RW_MSB:
		return v >> 8;
	default:
		ch->read_msb = !ch->read_msb;
		return ch->read_msb ? v : v >> 8;
	}
}

static void channel_write(struct pit_channel *ch, uint8_t val, uint64_t t)
{
	switch (ch->rw) {
	case PIT_RW_LSB:
		ch->cr = val;
		break;
	case PIT_RW_MSB:
		ch->cr = val << 8;
		break;
	default:
		if (!ch->write_msb) {
			ch->cr_lsb = val;
			ch->write_msb = true;
			/* Mode 0: the first byte stops the count, OUT low. */
			if (ch->mode == 0 && ch->armed) {
				ch->frozen = counter_value(ch, t);
				ch->armed = false;
			}
			return;
		}
		ch->cr = ch->cr_lsb | val << 8;
		ch->write_msb = false;
		break;
	}
	count_written(ch, t);
}

static uint8_t pit_read(void *dev, uint16_t offset)
{
	struct pit *pit = dev;
	uint64_t t = now_tick(pit);

	sync(pit, t);
	if (offset > 2)
		return 0xff;	/* the control word register cannot be read */
	return channel_read(&pit->ch[offset], t);
}

static void pit_write(void *dev, uint16_t offset, uint8_t val)
{
	struct pit *pit = dev;
	uint64_t t = now_tick(pit);

	sync(pit, t);
	if (offset <= 2)
		channel_write(&pit->ch[offset], val, t);
	else if ((val & 0xc0) == PIT_CTRL_READ_BACK)
		read_back(pit, val, t);
	else if (((val >> 4) & 3) == PIT_RW_LATCH)
		latch_count(&pit->ch[val >> 6], t);
	else
		control_word(&pit->ch[val >> 6], val, t);
}

static uint8_t port_b_read(void *dev, uint16_t offset)
{
	struct pit *pit = dev;
	uint64_t t = now_tick(pit);
	uint8_t val = pit->port_b;

	(void)offset;
	sync(pit, t);
	if ((t / TICKS_PER_REFRESH) & 1)
		val |= PIT_PORT_B_REFRESH;
	if (counter_out(&pit->ch[2], t))
		val |= PIT_PORT_B_OUT2;
	return val;
}

static void port_b_write(void *dev, uint16_t offset, uint8_t val)
{
	struct pit *pit = dev;
	uint64_t t = now_tick(pit);

	(void)offset;
	sync(pit, t);
	/* Bits 4-7 are status: writes to them are dropped. */
	pit->port_b = val & PIT_PORT_B_WRITABLE;
	set_gate(&pit->ch[2], val & PIT_PORT_B_GATE2, t);
}

void pit_init(struct pit *pit, pit_clock_fn clock, void *clock_ctx)
{
	uint64_t t;
	unsigned int i;

	*pit = (struct pit) {
		.clock		= clock,
		.clock_ctx	= clock_ctx,
	};
	t = now_tick(pit);
	pit->irq_tick = t;
	for (i = 0; i < 3; i++) {
		struct pit_channel *ch = &pit->ch[i];

		ch->gate = i != 2;
		/* Mode 3, LSB then MSB, binary; then a count of 0. */
		control_word(ch, 0x36, t);
		ch->cr = 0;
		count_written(ch, t);
	}
}

uint64_t pit_next_irq_ns(struct pit *pit)
{
	uint64_t tick = next_rise(&pit->ch[0], pit->irq_tick);

	return tick == NEVER ? PIT_NO_IRQ : tick_to_ns(tick);
}

unsigned int pit_run_timer(struct pit *pit)
{
	return sync(pit, now_tick(pit));
}

const struct ioport_ops pit_ops = {
	.read	= pit_read,
	.write	= pit_write,
};

const struct ioport_ops pit_port_b_ops = {
	.read	= port_b_read,
	.write	= port_b_write,
};
