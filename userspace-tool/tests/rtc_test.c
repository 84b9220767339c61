// SPDX-License-Identifier: GPL-2.0
/*
 * The CMOS RTC against a fake host clock: time and date in every format,
 * UIP, setting the time, the stopped clock, CMOS RAM and the memory-size
 * bytes, register C's flags and IRQ 8.
 */
#include "ioport.h"
#include "devices/rtc.h"
#include "test.h"

#define NS	1000000000ll
#define MIB	(1024ull * 1024)

/* 2024-02-29 23:59:58 UTC, a Thursday in a leap year. */
#define LEAP_EVE	1709251198ll

static int64_t host_ns;
static struct rtc rtc;
static int raises, lowers;

static int64_t fake_clock(void *ctx)
{
	(void)ctx;
	return host_ns;
}

static void pic_raise(void *ctx, unsigned int irq)
{
	(void)ctx;
	CHECK_INT(irq, RTC_IRQ);
	raises++;
}

static void pic_lower(void *ctx, unsigned int irq)
{
	(void)ctx;
	(void)irq;
	lowers++;
}

static void setup_at(int64_t ns, uint64_t mem)
{
	host_ns = ns;
	raises = 0;
	lowers = 0;
	rtc_init(&rtc, fake_clock, NULL, mem);
	irq_line_connect(&rtc.irq, RTC_IRQ, pic_raise, pic_lower, NULL);
}

static uint8_t rd(uint8_t index)
{
	rtc_ops.write(&rtc, 0, index);
	return rtc_ops.read(&rtc, 1);
}

static void wr(uint8_t index, uint8_t val)
{
	rtc_ops.write(&rtc, 0, index);
	rtc_ops.write(&rtc, 1, val);
}

/* Seconds, minutes, hours, weekday, day, month, year, century. */
static void check_time(int line, const uint8_t want[8])
{
	static const uint8_t idx[8] = { 0x00, 0x02, 0x04, 0x06, 0x07, 0x08,
					0x09, 0x32 };
	unsigned int i;
	uint8_t got;

	for (i = 0; i < 8; i++) {
		got = rd(idx[i]);
		if (got != want[i])
			check_failed(__FILE__, line,
				     "register 0x%02x: 0x%02x != 0x%02x",
				     idx[i], got, want[i]);
	}
}

#define CHECK_TIME(...)							\
	do {								\
		const uint8_t _w[8] = { __VA_ARGS__ };			\
									\
		check_time(__LINE__, _w);				\
	} while (0)

static void rtc_reset_state(void)
{
	setup_at(LEAP_EVE * NS + NS / 2, 0);
	/* BCD, 24 hours, Thursday = 5. */
	CHECK_TIME(0x58, 0x59, 0x23, 0x05, 0x29, 0x02, 0x24, 0x20);
	CHECK_HEX(rd(RTC_REG_A), 0x26);
	CHECK_HEX(rd(RTC_REG_B), 0x02);
	CHECK_HEX(rd(RTC_REG_C), 0x00);
	CHECK_HEX(rd(RTC_REG_D), 0x80);
	/* rtc-cmos's probe: register D bit 6 clear, 24-hour mode. */
	CHECK(!(rd(RTC_REG_D) & 0x40));
	CHECK(rd(RTC_REG_B) & RTC_B_24H);
}

static void rtc_ticks_with_host(void)
{
	setup_at(LEAP_EVE * NS + NS / 2, 0);
	host_ns += NS;		/* 23:59:59.5 */
	CHECK_TIME(0x59, 0x59, 0x23, 0x05, 0x29, 0x02, 0x24, 0x20);
	host_ns += NS;		/* the leap day ends: Friday, March 1st */
	CHECK_TIME(0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x24, 0x20);

	/* The century rolls over too. */
	setup_at(4102444799ll * NS, 0);	/* 2099-12-31 23:59:59 */
	CHECK_TIME(0x59, 0x59, 0x23, 0x05, 0x31, 0x12, 0x99, 0x20);
	host_ns += NS;
	CHECK_TIME(0x00, 0x00, 0x00, 0x06, 0x01, 0x01, 0x00, 0x21);
}

static void rtc_binary_and_12_hour(void)
{
	setup_at(LEAP_EVE * NS, 0);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_DM_BINARY);
	CHECK_TIME(58, 59, 23, 5, 29, 2, 24, 20);
	wr(RTC_REG_B, 0);	/* BCD, 12 hours: 11 PM */
	CHECK_TIME(0x58, 0x59, 0x91, 0x05, 0x29, 0x02, 0x24, 0x20);
	wr(RTC_REG_B, RTC_B_DM_BINARY);
	CHECK_HEX(rd(RTC_HOURS), 0x80 | 11);
	host_ns += 2 * NS;	/* midnight is 12 AM */
	CHECK_HEX(rd(RTC_HOURS), 12);
	wr(RTC_REG_B, 0);
	CHECK_HEX(rd(RTC_HOURS), 0x12);
	host_ns += 12 * 3600 * NS;	/* noon is 12 PM */
	CHECK_HEX(rd(RTC_HOURS), 0x92);
	host_ns += 3600 * NS;
	CHECK_HEX(rd(RTC_HOURS), 0x81);
	/* Written in 12-hour form: 3 AM and 3 PM. */
	wr(RTC_HOURS, 0x03);
	wr(RTC_REG_B, RTC_B_24H);
	CHECK_HEX(rd(RTC_HOURS), 0x03);
	wr(RTC_REG_B, 0);
	wr(RTC_HOURS, 0x83);
	wr(RTC_REG_B, RTC_B_24H);
	CHECK_HEX(rd(RTC_HOURS), 0x15);
}

static void rtc_uip(void)
{
	int loops;

	setup_at(LEAP_EVE * NS, 0);
	CHECK(!(rd(RTC_REG_A) & RTC_A_UIP));
	host_ns = LEAP_EVE * NS + NS - 244141;
	CHECK(!(rd(RTC_REG_A) & RTC_A_UIP));
	host_ns++;		/* the last 244 us of the second */
	CHECK(rd(RTC_REG_A) & RTC_A_UIP);
	CHECK_HEX(rd(RTC_REG_A), 0xa6);
	CHECK_HEX(rd(RTC_SECONDS), 0x58);	/* not updated yet */
	host_ns = (LEAP_EVE + 1) * NS;
	CHECK(!(rd(RTC_REG_A) & RTC_A_UIP));
	CHECK_HEX(rd(RTC_SECONDS), 0x59);

	/* mc146818_avoid_UIP(): seconds, UIP, seconds again, 100 us apart. */
	host_ns = (LEAP_EVE + 1) * NS + NS - 200000;
	for (loops = 0; loops < 10; loops++) {
		uint8_t sec = rd(RTC_SECONDS);

		if (rd(RTC_REG_A) & RTC_A_UIP) {
			host_ns += 100000;
			continue;
		}
		if (sec != rd(RTC_SECONDS))
			continue;
		break;
	}
	CHECK(loops < 10);
	CHECK_HEX(rd(RTC_SECONDS), 0x00);

	/* A stopped clock never shows UIP, so such a loop ends too. */
	wr(RTC_REG_B, RTC_B_SET | RTC_B_24H);
	host_ns = (LEAP_EVE + 5) * NS - 1;
	CHECK(!(rd(RTC_REG_A) & RTC_A_UIP));
	/* Writes cannot set UIP. */
	wr(RTC_REG_A, 0xa6);
	CHECK_HEX(rd(RTC_REG_A), 0x26);
}

static void rtc_write_moves_offset(void)
{
	int64_t before;

	setup_at(LEAP_EVE * NS + NS / 4, 0);
	before = host_ns;
	wr(RTC_MINUTES, 0x30);		/* 23:30:58 */
	CHECK_INT(host_ns, before);	/* the host clock is left alone */
	CHECK_TIME(0x58, 0x30, 0x23, 0x05, 0x29, 0x02, 0x24, 0x20);
	host_ns += NS / 2;
	CHECK_HEX(rd(RTC_SECONDS), 0x58);	/* the fraction carried on */
	host_ns += NS / 4;
	CHECK_HEX(rd(RTC_SECONDS), 0x59);
	/* Century and year: 1999. */
	wr(RTC_CENTURY, 0x19);
	wr(RTC_YEAR, 0x99);
	wr(RTC_MONTH, 0x12);
	wr(RTC_DAY_OF_MONTH, 0x31);
	CHECK_TIME(0x59, 0x30, 0x23, 0x06, 0x31, 0x12, 0x99, 0x19);
	/* The weekday is the date's, whatever is written. */
	wr(RTC_DAY_OF_WEEK, 0x02);
	CHECK_HEX(rd(RTC_DAY_OF_WEEK), 0x06);
	/* Out-of-range values roll into the next field: 99 minutes. */
	wr(RTC_MINUTES, 0x99);
	CHECK_HEX(rd(RTC_HOURS), 0x00);
	CHECK_HEX(rd(RTC_MINUTES), 0x39);
	CHECK_HEX(rd(RTC_YEAR), 0x00);
	CHECK_HEX(rd(RTC_CENTURY), 0x20);
}

/* mc146818_set_time(): SET, divider reset, the time, then both restored. */
static void rtc_linux_set_time(void)
{
	uint8_t save_control, save_freq;

	setup_at(LEAP_EVE * NS, 0);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
	save_control = rd(RTC_REG_B);
	wr(RTC_REG_B, save_control | RTC_B_SET);
	CHECK(!(rd(RTC_REG_B) & RTC_B_UIE));	/* SET clears UIE */
	save_control &= ~RTC_B_UIE;
	save_freq = rd(RTC_REG_A);
	wr(RTC_REG_A, save_freq | 0x60);
	wr(RTC_YEAR, 0x30);
	wr(RTC_MONTH, 0x06);
	wr(RTC_DAY_OF_MONTH, 0x15);
	wr(RTC_HOURS, 0x12);
	wr(RTC_MINUTES, 0x34);
	wr(RTC_SECONDS, 0x56);
	/* Stopped: the registers hold what was written, time passes. */
	host_ns += 10 * NS;
	CHECK_HEX(rd(RTC_SECONDS), 0x56);
	CHECK_HEX(rd(RTC_HOURS), 0x12);
	wr(RTC_REG_B, save_control);
	host_ns += 3 * NS;	/* the divider is still in reset */
	CHECK_HEX(rd(RTC_SECONDS), 0x56);
	wr(RTC_REG_A, save_freq);
	CHECK_HEX(rd(RTC_SECONDS), 0x56);
	host_ns += 2 * NS;
	CHECK_TIME(0x58, 0x34, 0x12, 0x07, 0x15, 0x06, 0x30, 0x20);
	/* Flags since it runs again: updates, and the 1024 Hz periodic one. */
	CHECK_HEX(rd(RTC_REG_C), RTC_C_UF | RTC_C_PF);
}

static void rtc_cmos_ram_and_index(void)
{
	uint8_t d[2];
	struct ioport_bus bus;
	unsigned int i;

	setup_at(LEAP_EVE * NS, 0);
	for (i = 0x0e; i < RTC_CMOS_SIZE; i++) {
		if (i == RTC_CENTURY)
			continue;
		wr(i, i ^ 0xa5);
	}
	for (i = 0x0e; i < RTC_CMOS_SIZE; i++)
		if (i != RTC_CENTURY)
			CHECK_HEX(rd(i), i ^ 0xa5);
	/* Alarm bytes are RAM too. */
	wr(RTC_SECONDS_ALARM, 0x12);
	CHECK_HEX(rd(RTC_SECONDS_ALARM), 0x12);
	/* C and D cannot be written. */
	wr(RTC_REG_C, 0xff);
	wr(RTC_REG_D, 0x00);
	CHECK_HEX(rd(RTC_REG_C), 0x00);
	CHECK_HEX(rd(RTC_REG_D), 0x80);

	/* Bit 7 of the index disables NMIs: kept, and not part of it. */
	rtc_ops.write(&rtc, 0, 0x80 | 0x40);
	CHECK(rtc.nmi_disabled);
	CHECK_HEX(rtc_ops.read(&rtc, 1), 0x40 ^ 0xa5);
	rtc_ops.write(&rtc, 0, 0x40);
	CHECK(!rtc.nmi_disabled);
	CHECK_HEX(rtc_ops.read(&rtc, 0), 0xff);	/* write-only */
	/* The index stays put across data accesses. */
	CHECK_HEX(rtc_ops.read(&rtc, 1), 0x40 ^ 0xa5);
	CHECK_HEX(rtc_ops.read(&rtc, 1), 0x40 ^ 0xa5);

	/* "out 0x70, ax": index in AL, data in AH; a word IN likewise. */
	ioport_bus_init(&bus);
	ioport_register(&bus, RTC_BASE, RTC_NR_PORTS, &rtc_ops, &rtc, "rtc");
	d[0] = 0x50;
	d[1] = 0x3c;
	CHECK(ioport_out(&bus, 0x70, 2, d));
	CHECK_HEX(rtc.cmos[0x50], 0x3c);
	CHECK(ioport_in(&bus, 0x70, 2, d));
	CHECK_HEX(d[0], 0xff);
	CHECK_HEX(d[1], 0x3c);
}

static void rtc_memory_size_bytes(void)
{
	unsigned int sum = 0, i;

	setup_at(0, 128 * MIB);
	CHECK_HEX(rd(0x15) | rd(0x16) << 8, 640);
	CHECK_HEX(rd(0x17) | rd(0x18) << 8, 0xffff);	/* 127M KiB: capped */
	CHECK_HEX(rd(0x30) | rd(0x31) << 8, 0xffff);
	CHECK_HEX(rd(0x34) | rd(0x35) << 8, (128 - 16) * 16);
	for (i = 0x10; i <= 0x2d; i++)
		sum += rd(i);
	CHECK_HEX(rd(0x2e) << 8 | rd(0x2f), sum);

	setup_at(0, 8 * MIB);
	CHECK_HEX(rd(0x17) | rd(0x18) << 8, 7 * 1024);
	CHECK_HEX(rd(0x30) | rd(0x31) << 8, 7 * 1024);
	CHECK_HEX(rd(0x34) | rd(0x35) << 8, 0);

	setup_at(0, 512 * 1024);
	CHECK_HEX(rd(0x15) | rd(0x16) << 8, 512);
	CHECK_HEX(rd(0x17) | rd(0x18) << 8, 0);

	setup_at(0, 4096 * MIB);
	CHECK_HEX(rd(0x34) | rd(0x35) << 8, 0xff00);
	setup_at(0, 8192 * MIB);
	CHECK_HEX(rd(0x34) | rd(0x35) << 8, 0xffff);
}

static void rtc_update_flag_and_irq(void)
{
	setup_at(LEAP_EVE * NS + NS / 2, 0);
	wr(RTC_REG_A, 0x20);		/* no periodic flag */
	wr(RTC_HOURS_ALARM, 0x12);	/* no alarm at midnight */
	CHECK(rtc_next_event_ns(&rtc) == RTC_NO_EVENT);	/* nothing enabled */
	/* UF is set every second, enabled or not; no IRQ without UIE. */
	host_ns += NS;
	rtc_run_timer(&rtc);
	CHECK_INT(raises, 0);
	CHECK_HEX(rd(RTC_REG_C), RTC_C_UF);
	CHECK_HEX(rd(RTC_REG_C), 0x00);	/* read clears */

	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
	CHECK_INT(rtc_next_event_ns(&rtc), (LEAP_EVE + 2) * NS);
	host_ns = (LEAP_EVE + 2) * NS - 1;
	rtc_run_timer(&rtc);
	CHECK_INT(raises, 0);
	host_ns++;
	rtc_run_timer(&rtc);
	CHECK_INT(raises, 1);
	CHECK(rtc_next_event_ns(&rtc) == RTC_NO_EVENT);	/* until C is read */
	host_ns += 3 * NS;
	rtc_run_timer(&rtc);
	CHECK_INT(raises, 1);		/* level: still the one assertion */
	CHECK_HEX(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_UF);
	CHECK_INT(lowers, 1);
	CHECK_INT(rtc_next_event_ns(&rtc), (LEAP_EVE + 6) * NS);

	/* Enabling an interrupt whose flag is already set asserts at once. */
	wr(RTC_REG_B, RTC_B_24H);
	host_ns += NS;
	rtc_run_timer(&rtc);
	CHECK_INT(raises, 1);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
	CHECK_INT(raises, 2);
	rd(RTC_REG_C);
	CHECK_INT(lowers, 2);
}

static void rtc_periodic_flag(void)
{
	int64_t next;

	setup_at(LEAP_EVE * NS, 0);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
	/* Register A's 0x26: 1024 Hz, 32 ticks of 32768 Hz. */
	next = rtc_next_event_ns(&rtc);
	CHECK_INT(next, LEAP_EVE * NS + 976563);
	host_ns = next - 1;
	rtc_run_timer(&rtc);
	CHECK_INT(raises, 0);
	host_ns = next;
	rtc_run_timer(&rtc);
	CHECK_INT(raises, 1);
	CHECK_HEX(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_PF);
	CHECK_INT(rtc_next_event_ns(&rtc), LEAP_EVE * NS + 1953125);

	/* Rate 15: 2 Hz. Rate 0: off. */
	wr(RTC_REG_A, 0x2f);
	CHECK_INT(rtc_next_event_ns(&rtc), LEAP_EVE * NS + NS / 2);
	wr(RTC_REG_A, 0x21);	/* 256 Hz */
	CHECK_INT(rtc_next_event_ns(&rtc), LEAP_EVE * NS + 3906250);
	wr(RTC_REG_A, 0x20);
	CHECK(rtc_next_event_ns(&rtc) == RTC_NO_EVENT);
	host_ns += NS;
	CHECK_HEX(rd(RTC_REG_C) & RTC_C_PF, 0);
}

static void rtc_alarm_flag(void)
{
	setup_at(LEAP_EVE * NS, 0);	/* 23:59:58 */
	wr(RTC_REG_A, 0x20);		/* no periodic flag */
	wr(RTC_HOURS_ALARM, 0x00);
	wr(RTC_MINUTES_ALARM, 0x00);
	wr(RTC_SECONDS_ALARM, 0x05);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_AIE);
	/* The next match is 00:00:05, seven seconds on. */
	CHECK_INT(rtc_next_event_ns(&rtc), (LEAP_EVE + 7) * NS);
	host_ns += 6 * NS;
	rtc_run_timer(&rtc);
	CHECK_INT(raises, 0);
	host_ns += NS;
	rtc_run_timer(&rtc);
	CHECK_INT(raises, 1);
	CHECK_HEX(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);

	/* 0xc0 and up match anything: every second. */
	wr(RTC_HOURS_ALARM, 0xff);
	wr(RTC_MINUTES_ALARM, 0xc0);
	wr(RTC_SECONDS_ALARM, 0xff);
	CHECK_INT(rtc_next_event_ns(&rtc), (LEAP_EVE + 8) * NS);
	/* A timer that comes late still finds the match it slept through. */
	wr(RTC_SECONDS_ALARM, 0x30);
	host_ns += 3600 * NS;
	rtc_run_timer(&rtc);
	CHECK_HEX(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
	/* An alarm that never matches (minute 0x77): no event. */
	wr(RTC_MINUTES_ALARM, 0x77);
	CHECK(rtc_next_event_ns(&rtc) == RTC_NO_EVENT);
	/* Stopped: no events at all. */
	wr(RTC_MINUTES_ALARM, 0xff);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_AIE | RTC_B_SET);
	CHECK(rtc_next_event_ns(&rtc) == RTC_NO_EVENT);
}

const struct test rtc_tests[] = {
	{ "rtc: reset state is the host's time, BCD, 24 hours", rtc_reset_state },
	{ "rtc: time follows the host across leap day and century", rtc_ticks_with_host },
	{ "rtc: binary and 12-hour forms, read and written", rtc_binary_and_12_hour },
	{ "rtc: UIP in the last 244 us, Linux's UIP loop ends", rtc_uip },
	{ "rtc: writing the time moves an offset, not the host", rtc_write_moves_offset },
	{ "rtc: Linux's set_time sequence, the stopped clock", rtc_linux_set_time },
	{ "rtc: CMOS RAM, read-only C and D, index and NMI bit", rtc_cmos_ram_and_index },
	{ "rtc: memory-size bytes and their checksum", rtc_memory_size_bytes },
	{ "rtc: update-ended flag, IRQ 8 and its next event", rtc_update_flag_and_irq },
	{ "rtc: periodic flag at register A's rates", rtc_periodic_flag },
	{ "rtc: alarm flag, don't-care bytes, late timers", rtc_alarm_flag },
	{ NULL, NULL },
};
