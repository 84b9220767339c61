// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 PIT and port B against a fake clock: modes, access modes,
 * latches, read-back, gates, BCD, channel 0's IRQ timing, and the
 * sequences Linux's TSC calibration runs on channel 2.
 */
#include "ioport.h"
#include "devices/pit.h"
#include "test.h"

#define NSEC_PER_SEC	1000000000ull

static uint64_t fake_ns;
static struct pit pit;
static struct ioport_bus bus;
static int pulses;

static uint64_t fake_clock(void *ctx)
{
	(void)ctx;
	return fake_ns;
}

/* The first nanosecond of PIT tick @t. */
static uint64_t tick_ns(uint64_t t)
{
	return (uint64_t)(((unsigned __int128)t * NSEC_PER_SEC + PIT_HZ - 1) /
			  PIT_HZ);
}

static void at(uint64_t t)
{
	fake_ns = tick_ns(t);
}

static void pic_raise(void *ctx, unsigned int irq)
{
	(void)ctx;
	CHECK_INT(irq, PIT_IRQ);
	pulses++;
}

static void pic_lower(void *ctx, unsigned int irq)
{
	(void)ctx;
	(void)irq;
}

static void setup(void)
{
	fake_ns = 0;
	pulses = 0;
	pit_init(&pit, fake_clock, NULL);
	irq_line_connect(&pit.irq, PIT_IRQ, pic_raise, pic_lower, NULL);
	ioport_bus_init(&bus);
	ioport_register(&bus, PIT_BASE, PIT_NR_PORTS, &pit_ops, &pit, "pit");
	ioport_register(&bus, PIT_PORT_B, PIT_PORT_B_NR_PORTS, &pit_port_b_ops,
			&pit, "port b");
}

static void outb(uint8_t v, uint16_t port)
{
	ioport_out(&bus, port, 1, &v);
}

static uint8_t inb(uint16_t port)
{
	uint8_t v;

	ioport_in(&bus, port, 1, &v);
	return v;
}

/* Latch channel @c and read its 16-bit count (LSB then MSB mode). */
static unsigned int latched(unsigned int c)
{
	unsigned int v;

	outb(c << 6, 0x43);
	v = inb(0x40 + c);
	return v | inb(0x40 + c) << 8;
}

static bool out2(void)
{
	return inb(0x61) & PIT_PORT_B_OUT2;
}

static void pit_clock_conversion(void)
{
	setup();
	/* Reset: channel 0 in mode 3, count 65536, loaded on tick 1. */
	CHECK_INT(pit_next_irq_ns(&pit), tick_ns(1 + 65536));
	/* 18.2 Hz: 65536 ticks (54.925 ms) after the load tick. */
	CHECK_INT(pit_next_irq_ns(&pit) / 1000, 54926);
	/* The edge is due at exactly that nanosecond, not one before. */
	fake_ns = pit_next_irq_ns(&pit) - 1;
	CHECK_INT(pit_run_timer(&pit), 0);
	CHECK_INT(pulses, 0);
	fake_ns++;
	CHECK_INT(pit_run_timer(&pit), 1);
	CHECK_INT(pulses, 1);
	CHECK_INT(pit_next_irq_ns(&pit), tick_ns(1 + 2 * 65536));

	/* Hours into the clock, the split arithmetic stays exact. */
	fake_ns = 7200 * NSEC_PER_SEC;
	pit_run_timer(&pit);
	outb(0x30, 0x43);	/* channel 0, mode 0, count 0x1000 */
	outb(0x00, 0x40);
	outb(0x10, 0x40);
	CHECK_INT(pit_next_irq_ns(&pit), tick_ns(7200ull * PIT_HZ + 1 + 0x1000));
	fake_ns += 1000000;	/* 1 ms: 1193 ticks, the first loads */
	CHECK_INT(latched(0), 0x1000 - 1192);
}

/* arch/x86/kernel/tsc.c pit_calibrate_tsc(): mode 0, poll OUT2. */
static void pit_linux_calibrate_tsc(void)
{
	const unsigned int latch = PIT_HZ / (1000 / 10);	/* 10 ms */
	uint64_t t0 = 1000, t;

	setup();
	at(t0);
	CHECK(out2());		/* mode 3, gate low: OUT high */
	outb((inb(0x61) & ~0x02) | 0x01, 0x61);
	outb(0xb0, 0x43);	/* channel 2, LSB/MSB, mode 0, binary */
	CHECK(!out2());		/* mode 0: OUT low at once */
	outb(latch & 0xff, 0x42);
	outb(latch >> 8, 0x42);

	/* Low for N ticks after the load tick, high from then on. */
	at(t0 + latch);
	CHECK(!out2());
	at(t0 + latch + 1);
	CHECK(out2());
	at(t0 + latch + 1000);
	CHECK(out2());

	/* The loop Linux runs: its length is the latch time, to a tick. */
	at(t0 + 20000);
	outb(0xb0, 0x43);
	outb(latch & 0xff, 0x42);
	outb(latch >> 8, 0x42);
	for (t = t0 + 20000; !out2(); t++)
		at(t + 1);
	CHECK_INT(t - (t0 + 20000), latch + 1);
	CHECK_INT(pulses, 0);	/* channel 2 raises no IRQ */
}

/* quick_pit_calibrate(): mode 0 from 0xffff, MSB read without a latch. */
static void pit_linux_quick_calibrate(void)
{
	uint64_t t0 = 777;
	unsigned int i;

	setup();
	at(t0);
	outb((inb(0x61) & ~0x02) | 0x01, 0x61);
	outb(0xb0, 0x43);
	outb(0xff, 0x42);
	outb(0xff, 0x42);
	/* pit_verify_msb(): LSB then MSB, alternating. */
	at(t0 + 1);
	CHECK_HEX(inb(0x42), 0xff);
	CHECK_HEX(inb(0x42), 0xff);
	for (i = 1; i < 40; i++) {
		/* The MSB changes every 256 ticks, exactly on time. */
		at(t0 + 1 + 256 * i - 1);
		inb(0x42);
		CHECK_HEX(inb(0x42), 0xff - (i - 1));
		CHECK_HEX(pit.ch[2].read_msb, 0);
		at(t0 + 1 + 256 * i);
		CHECK_HEX(inb(0x42), 0xff);	/* LSB */
		CHECK_HEX(inb(0x42), 0xff - i);	/* MSB */
	}
}

static void pit_mode0_gate_and_rewrite(void)
{
	setup();
	outb(0x01, 0x61);	/* gate 2 high */
	outb(0xb0, 0x43);
	outb(100, 0x42);
	outb(0, 0x42);		/* loaded on tick 1 */
	at(41);
	CHECK_INT(latched(2), 60);
	/* Gate low: counting pauses, OUT stays low. */
	outb(0x00, 0x61);
	at(500);
	CHECK_INT(latched(2), 60);
	CHECK(!out2());
	outb(0x01, 0x61);
	at(559);
	CHECK_INT(latched(2), 1);
	CHECK(!out2());
	/* OUT rises as the count reaches 0, N ticks after it resumed. */
	at(560);
	CHECK_INT(latched(2), 0);
	CHECK(out2());
	/* Past terminal count it wraps and OUT stays high. */
	at(562);
	CHECK_INT(latched(2), 0xfffe);
	CHECK(out2());
	/* A new count's first byte stops the count and drops OUT ... */
	outb(50, 0x42);
	CHECK(!out2());
	at(600);
	CHECK_INT(latched(2), 0xfffe);
	/* ... the second byte loads it on the next tick. */
	outb(0, 0x42);
	at(601);
	CHECK_INT(latched(2), 50);
	at(651);
	CHECK(out2());

	/* Loaded with the gate low, which rises in the same tick. */
	outb(0x00, 0x61);
	outb(0xb0, 0x43);
	outb(30, 0x42);
	outb(0, 0x42);
	outb(0x01, 0x61);
	at(652);
	CHECK_INT(latched(2), 30);
	at(681);
	CHECK_INT(latched(2), 1);
	CHECK(!out2());
}

/* Linux's periodic clockevent: 0x34, then LSB and MSB of LATCH. */
static void pit_mode2_periodic_irq(void)
{
	const unsigned int n = (PIT_HZ + 500) / 1000;	/* HZ = 1000 */
	uint64_t t0 = 100;

	setup();
	at(t0);
	pit_run_timer(&pit);
	outb(0x34, 0x43);
	outb(n & 0xff, 0x40);
	outb(n >> 8, 0x40);
	CHECK_INT(pit_next_irq_ns(&pit), tick_ns(t0 + 1 + n));
	CHECK_INT(pulses, 0);

	/* Counts N .. 1, reloading; IRQ 0 rises at each reload. */
	at(t0 + 1);
	CHECK_INT(latched(0), n);
	at(t0 + n);
	CHECK_INT(latched(0), 1);
	outb(0xe2, 0x43);	/* read back channel 0's status */
	CHECK_HEX(inb(0x40), 0x34);	/* OUT low while the count is 1 */
	at(t0 + 1 + n);
	CHECK_INT(latched(0), n);
	CHECK_INT(pulses, 1);	/* the access delivered the due edge */
	CHECK_INT(pit_run_timer(&pit), 0);
	CHECK_INT(pit_next_irq_ns(&pit), tick_ns(t0 + 1 + 2 * n));

	/* A late timer: three edges, one pulse, the count returned. */
	at(t0 + 1 + 4 * n + 10);
	CHECK_INT(pit_run_timer(&pit), 3);
	CHECK_INT(pulses, 2);
	CHECK_INT(pit_next_irq_ns(&pit), tick_ns(t0 + 1 + 5 * n));
}

static void pit_mode3_square_wave(void)
{
	unsigned int i, high;

	setup();
	outb(0x01, 0x61);
	/* Even count: high 5, low 5, values 10 8 6 4 2 in each half. */
	outb(0xb6, 0x43);
	outb(10, 0x42);
	outb(0, 0x42);
	for (i = 0, high = 0; i < 10; i++) {
		at(1 + i);
		high += out2();
		CHECK_INT(latched(2), 10 - 2 * (i % 5));
	}
	CHECK_INT(high, 5);
	at(11);
	CHECK(out2());

	/* Odd count: high (N + 1) / 2 ticks, low (N - 1) / 2. */
	at(100);
	outb(0xb6, 0x43);
	outb(7, 0x42);
	outb(0, 0x42);
	for (i = 0, high = 0; i < 7; i++) {
		at(101 + i);
		high += out2();
		CHECK_INT(out2(), i < 4);
	}
	CHECK_INT(high, 4);

	/* Gate low forces OUT high and stops; rising restarts a period. */
	at(105);
	CHECK(!out2());
	outb(0x00, 0x61);
	CHECK(out2());
	at(300);
	CHECK(out2());
	outb(0x01, 0x61);
	at(301);
	CHECK_INT(latched(2), 7);
	at(305);
	CHECK(!out2());
}

/* Linux's oneshot clockevent: 0x38 once, then counts; IRQ at N + 1. */
static void pit_mode4_oneshot(void)
{
	setup();
	at(10);
	pit_run_timer(&pit);
	outb(0x38, 0x43);
	CHECK(pit_next_irq_ns(&pit) == PIT_NO_IRQ);	/* no count yet */
	outb(100, 0x40);
	outb(0, 0x40);
	CHECK_INT(pit_next_irq_ns(&pit), tick_ns(10 + 1 + 100 + 1));
	at(111);	/* terminal count: OUT low for this tick */
	outb(0xe2, 0x43);
	CHECK_HEX(inb(0x40), 0x38);
	at(112);
	CHECK_INT(pit_run_timer(&pit), 1);
	CHECK_INT(pulses, 1);
	CHECK(pit_next_irq_ns(&pit) == PIT_NO_IRQ);	/* once */
	at(5000);
	CHECK_INT(pit_run_timer(&pit), 0);

	/* Writing a new count rearms it without a control word. */
	outb(50, 0x40);
	CHECK(pit_next_irq_ns(&pit) == PIT_NO_IRQ);	/* first byte only */
	outb(0, 0x40);
	CHECK_INT(pit_next_irq_ns(&pit), tick_ns(5000 + 1 + 50 + 1));
	at(5052);
	CHECK_INT(pit_run_timer(&pit), 1);
	CHECK_INT(pulses, 2);
}

static void pit_mode0_irq_once(void)
{
	setup();
	pit_run_timer(&pit);
	outb(0x30, 0x43);	/* channel 0, mode 0 */
	CHECK(pit_next_irq_ns(&pit) == PIT_NO_IRQ);
	outb(20, 0x40);
	outb(0, 0x40);
	CHECK_INT(pit_next_irq_ns(&pit), tick_ns(21));
	at(100000);
	CHECK_INT(pit_run_timer(&pit), 1);
	CHECK(pit_next_irq_ns(&pit) == PIT_NO_IRQ);
	CHECK_INT(pulses, 1);
}

static void pit_modes_1_and_5_gate_triggered(void)
{
	setup();
	outb(0xb2, 0x43);	/* channel 2, mode 1 */
	outb(10, 0x42);
	outb(0, 0x42);
	at(50);
	CHECK(out2());		/* waits for a trigger */
	outb(0x01, 0x61);	/* trigger on tick 50 */
	at(51);
	CHECK(!out2());
	CHECK_INT(latched(2), 10);
	/* Gate low does not stop a one-shot. */
	outb(0x00, 0x61);
	at(60);
	CHECK(!out2());
	at(61);
	CHECK(out2());
	/* Retrigger: a new count waits for the trigger. */
	outb(20, 0x42);
	outb(0, 0x42);
	outb(0xe8, 0x43);	/* status of channel 2 */
	CHECK_HEX(inb(0x42), 0xc0 | 0x32);	/* OUT high, null count */
	outb(0x01, 0x61);
	at(62);
	CHECK(!out2());
	CHECK_INT(latched(2), 20);
	outb(0xe8, 0x43);
	CHECK_HEX(inb(0x42), 0x32);	/* loaded: null count clear */

	/* Mode 5: a strobe N ticks after the trigger. */
	at(100);
	outb(0x00, 0x61);
	outb(0xba, 0x43);
	outb(5, 0x42);
	outb(0, 0x42);
	outb(0x01, 0x61);
	at(105);
	CHECK(out2());
	at(106);
	CHECK(!out2());
	at(107);
	CHECK(out2());
}

static void pit_mode2_reload_at_period_end(void)
{
	setup();
	at(0);
	pit_run_timer(&pit);
	outb(0x34, 0x43);
	outb(100, 0x40);
	outb(0, 0x40);		/* loaded on tick 1, edges at 101, 201, ... */
	at(150);
	outb(10, 0x40);
	outb(0, 0x40);		/* takes effect at tick 201 */
	outb(0xe2, 0x43);
	CHECK_HEX(inb(0x40) & 0x40, 0x40);	/* null count until then */
	CHECK_INT(pulses, 1);
	CHECK_INT(pit_next_irq_ns(&pit), tick_ns(201));
	at(200);
	CHECK_INT(latched(0), 1);
	/* Across the reload: 201 (old period), 211, 221 (new). */
	at(221);
	CHECK_INT(pit_run_timer(&pit), 3);
	CHECK_INT(latched(0), 10);
	outb(0xe2, 0x43);
	CHECK_HEX(inb(0x40) & 0x40, 0);
}

static void pit_latch_and_read_back(void)
{
	setup();
	outb(0x34, 0x43);
	outb(0x00, 0x40);
	outb(0x10, 0x40);	/* 0x1000, loaded on tick 1 */
	at(0x11);
	outb(0x00, 0x43);	/* latch channel 0: 0x0ff0 */
	at(0x51);
	outb(0x00, 0x43);	/* ignored: still latched */
	CHECK_HEX(inb(0x40), 0xf0);
	at(0x81);
	CHECK_HEX(inb(0x40), 0x0f);	/* the latched MSB, not the live one */
	CHECK_HEX(inb(0x40), 0x80);	/* live again: LSB of 0x0f80 */
	CHECK_HEX(inb(0x40), 0x0f);

	/* Read-back, count and status: status first, then the count. */
	outb(0xc2, 0x43);
	CHECK_HEX(inb(0x40), 0x80 | 0x34);	/* OUT high, count loaded */
	CHECK_HEX(inb(0x40), 0x80);
	CHECK_HEX(inb(0x40), 0x0f);
	/* Status only, of channels 0 and 2; a second one is ignored. */
	outb(0xea, 0x43);
	outb(0xea, 0x43);
	CHECK_HEX(inb(0x42), 0x80 | 0x36);	/* reset: mode 3, OUT high */
	CHECK_HEX(inb(0x40), 0x80 | 0x34);
	CHECK_HEX(inb(0x40), 0x80);	/* then live count again */
	/* Count only, of channel 1 (mode 3, from 65536 down by 2). */
	outb(0xd4, 0x43);
	CHECK_HEX(inb(0x41) | inb(0x41) << 8, 0x10000 - 2 * 0x80);

	/* Null count right after a control word and a count write. */
	outb(0x34, 0x43);
	outb(0xe2, 0x43);
	CHECK_HEX(inb(0x40), 0xc0 | 0x34);
	outb(5, 0x40);
	outb(0, 0x40);
	outb(0xe2, 0x43);
	CHECK_HEX(inb(0x40), 0xc0 | 0x34);
	at(0x82);
	outb(0xe2, 0x43);
	CHECK_HEX(inb(0x40), 0x80 | 0x34);
}

static void pit_access_modes(void)
{
	setup();
	/* LSB only: count 0x0042. */
	outb(0x14, 0x43);	/* channel 0, LSB, mode 2 */
	outb(0x42, 0x40);
	at(1);
	CHECK_HEX(inb(0x40), 0x42);
	CHECK_HEX(inb(0x40), 0x42);	/* no flip-flop */
	at(2);
	CHECK_HEX(inb(0x40), 0x41);
	outb(0x00, 0x43);
	CHECK_HEX(inb(0x40), 0x41);	/* a latch is one byte here */
	CHECK_HEX(inb(0x40), 0x41);
	/* MSB only: count 0x4200. */
	outb(0x24, 0x43);
	outb(0x42, 0x40);
	at(3);
	CHECK_HEX(inb(0x40), 0x42);
	at(4);
	CHECK_HEX(inb(0x40), 0x41);	/* 0x41ff */
	/* Reading and writing two-byte counts use separate flip-flops. */
	outb(0x34, 0x43);
	outb(0x34, 0x40);
	at(10);
	outb(0x12, 0x40);	/* 0x1234, loaded on tick 11 */
	at(11);
	CHECK_HEX(inb(0x40), 0x34);
	outb(0x00, 0x40);
	CHECK_HEX(inb(0x40), 0x12);
	outb(0x10, 0x40);	/* 0x1000: a reload at the period's end */
	CHECK_HEX(inb(0x40), 0x34);
	/* The control word register reads as nothing. */
	CHECK_HEX(inb(0x43), 0xff);
}

static void pit_bcd(void)
{
	setup();
	outb(0x01, 0x61);
	outb(0xb1, 0x43);	/* channel 2, mode 0, BCD */
	outb(0x00, 0x42);
	outb(0x10, 0x42);	/* 1000 decimal */
	at(1 + 1);
	CHECK_HEX(latched(2), 0x0999);
	at(1 + 1000);
	CHECK_HEX(latched(2), 0x0000);
	CHECK(out2());
	at(1 + 1001);
	CHECK_HEX(latched(2), 0x9999);	/* wraps in BCD */

	/* Count 0 is 10000; mode 2 in BCD. */
	outb(0xb5, 0x43);
	outb(0x00, 0x42);
	outb(0x00, 0x42);	/* at tick 1002: loaded on 1003 */
	at(1003);
	CHECK_HEX(latched(2), 0x0000);	/* 10000 reads as 0000 */
	at(1004);
	CHECK_HEX(latched(2), 0x9999);
	at(1003 + 1234);
	CHECK_HEX(latched(2), 0x8766);
}

static void pit_mode_aliases(void)
{
	setup();
	outb(0x01, 0x61);
	outb(0xbc, 0x43);	/* mode 6: behaves as 2 */
	outb(4, 0x42);
	outb(0, 0x42);
	at(4);
	CHECK(!out2());
	at(5);
	CHECK(out2());
	outb(0xe8, 0x43);
	CHECK_HEX(inb(0x42), (0xbc & 0x3f) | 0x80);	/* as written */
	outb(0xbe, 0x43);	/* mode 7: behaves as 3 */
	outb(4, 0x42);
	outb(0, 0x42);
	at(7);
	CHECK(out2());
	at(8);
	CHECK(!out2());
}

static void pit_port_b(void)
{
	unsigned int toggles = 0, i;
	uint8_t prev;

	setup();
	CHECK_HEX(inb(0x61) & ~PIT_PORT_B_REFRESH, PIT_PORT_B_OUT2);
	outb(0xff, 0x61);	/* bits 4-7 are read-only */
	CHECK_HEX(inb(0x61) & 0xcf, 0x0f);
	outb(0x0c, 0x61);
	CHECK_HEX(inb(0x61) & 0xcf, 0x0c);	/* NMI reason bits 6-7 clear */
	/* The refresh bit flips every 18 ticks. */
	prev = inb(0x61) & PIT_PORT_B_REFRESH;
	for (i = 1; i <= 18 * 10; i++) {
		at(i);
		if ((inb(0x61) & PIT_PORT_B_REFRESH) != prev)
			toggles++;
		prev = inb(0x61) & PIT_PORT_B_REFRESH;
	}
	CHECK_INT(toggles, 10);
}

static void pit_wide_accesses(void)
{
	uint8_t d[2];

	setup();
	/* A word at 0x42: channel 2's byte, then the control word. */
	d[0] = 0x55;
	d[1] = 0xb0;
	ioport_out(&bus, 0x42, 2, d);
	CHECK_HEX(pit.ch[2].ctrl, 0x30);
	CHECK_HEX(pit.ch[2].cr & 0xff, 0x00);	/* 0x55 hit the old mode */
	/* A word at 0x40: channel 0's byte and channel 1's. */
	outb(0x10, 0x43);	/* channel 0, LSB, mode 0 */
	outb(0x99, 0x40);
	outb(0x50, 0x43);	/* channel 1, LSB, mode 0 */
	outb(0x77, 0x41);
	at(1);
	ioport_in(&bus, 0x40, 2, d);
	CHECK_HEX(d[0], 0x99);
	CHECK_HEX(d[1], 0x77);
	/* A dword from 0x40 reaches 0x43: 0xff there. */
	{
		uint8_t q[4];

		ioport_in(&bus, 0x40, 4, q);
		CHECK_HEX(q[3], 0xff);
	}
}

static void pit_reprogram_delivers_due_edge(void)
{
	setup();
	/* Channel 0's reset period ends at tick 65537; nobody ran the timer. */
	at(65537 + 5);
	outb(0x30, 0x43);	/* reprogram: the due edge is delivered first */
	CHECK_INT(pulses, 1);
	CHECK_INT(pit_run_timer(&pit), 0);
	CHECK(pit_next_irq_ns(&pit) == PIT_NO_IRQ);
	at(70000000);
	CHECK_INT(pit_run_timer(&pit), 0);	/* mode 0 without a count */
	CHECK_INT(pulses, 1);
}

static void pit_clock_backwards_and_no_line(void)
{
	struct pit p;

	setup();
	at(1000);
	CHECK_INT(latched(1), 65536 - 2 * 999 % 65536);
	at(10);		/* a clock that steps back is held where it was */
	CHECK_INT(latched(1), 65536 - 2 * 999 % 65536);

	/* No IRQ line connected: edges are counted, nothing is called. */
	fake_ns = 0;
	pit_init(&p, fake_clock, NULL);
	fake_ns = tick_ns(65536 * 3);	/* edges at 65537 and 131073 */
	CHECK_INT(pit_run_timer(&p), 2);
}

const struct test pit_tests[] = {
	{ "pit: ticks at 1193182 Hz of the clock, exact IRQ times", pit_clock_conversion },
	{ "pit: Linux's pit_calibrate_tsc() loop on channel 2", pit_linux_calibrate_tsc },
	{ "pit: Linux's quick_pit_calibrate() MSB reads", pit_linux_quick_calibrate },
	{ "pit: mode 0 gate pause, wrap, two-byte rewrite", pit_mode0_gate_and_rewrite },
	{ "pit: mode 2 periodic IRQ 0, late timers coalesce", pit_mode2_periodic_irq },
	{ "pit: mode 3 square wave, odd counts, gate", pit_mode3_square_wave },
	{ "pit: mode 4 oneshot IRQ 0 and rearming", pit_mode4_oneshot },
	{ "pit: mode 0 IRQ 0 once", pit_mode0_irq_once },
	{ "pit: modes 1 and 5 triggered by gate 2", pit_modes_1_and_5_gate_triggered },
	{ "pit: mode 2 new count at the period's end", pit_mode2_reload_at_period_end },
	{ "pit: counter latch, read-back, null count", pit_latch_and_read_back },
	{ "pit: LSB-only, MSB-only, two-byte flip-flops", pit_access_modes },
	{ "pit: BCD counting", pit_bcd },
	{ "pit: modes 6 and 7 are 2 and 3", pit_mode_aliases },
	{ "pit: port B bits, refresh toggle, OUT2", pit_port_b },
	{ "pit: word and dword accesses split across ports", pit_wide_accesses },
	{ "pit: reprogramming delivers the edge already due", pit_reprogram_delivers_due_edge },
	{ "pit: clock stepping back, no IRQ line connected", pit_clock_backwards_and_no_line },
	{ NULL, NULL },
};
