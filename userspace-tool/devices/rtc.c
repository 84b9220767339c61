// SPDX-License-Identifier: GPL-2.0
/*
 * The CMOS RTC of a PC: an MC146818 behind index port 0x70 and data port
 * 0x71, with 128 bytes of battery-backed RAM.
 *
 * The clock is host time plus an offset, computed when the guest reads a
 * time register, so it never drifts from the host and costs nothing in
 * between. A guest that writes a time register moves the offset (as
 * QEMU does); the host clock is never touched. While register B's SET bit
 * is on, or register A's divider is held in reset, the clock stands
 * still and the time registers are plain RAM holding what the guest
 * wrote; when both are released the clock runs on from those values.
 * That is the sequence Linux's mc146818_set_time() uses.
 *
 * Values are in BCD or binary and 12- or 24-hour form as register B says
 * at the time of the read. (The chip converts nothing when B changes,
 * and the guest is expected to rewrite the time; converting is the more
 * useful answer and a correct guest cannot tell.) The day of the week is
 * computed from the date; the century is register 0x32, where PC BIOSes
 * and ACPI's FADT keep it.
 *
 * Register A's UIP bit is set for the last 244 us of each second, the
 * window in which the chip warns of the coming update: the registers
 * change at the second's end, after UIP has been seen set, so a guest
 * that waits for UIP to clear (Linux's mc146818_avoid_UIP(), older
 * kernels' busy loop) waits at most that long and then reads a stable
 * time. Register D always reports valid RAM and time.
 *
 * Register C's flags (update-ended each second, alarm, periodic at
 * register A's rate) are computed from the clock when C or the timer is
 * looked at, and IRQ 8 is asserted while a flag whose interrupt register
 * B enables is set, until C is read; rtc_next_event_ns() tells the VMM
 * when that will next happen. No flag is set while the clock stands
 * still, and the periodic flag follows the RTC's time, so setting the
 * time shifts its phase.
 */
#include <string.h>

#include "devices/rtc.h"

#define NSEC_PER_SEC		1000000000ll
#define SECS_PER_DAY		86400
#define RTC_HZ			32768
/* Eight periods of the 32.768 kHz time base, as the datasheet's 244 us. */
#define UIP_NS			(8 * NSEC_PER_SEC / RTC_HZ)

struct rtc_tm {
	int64_t year;
	int64_t mon, mday, hour, min, sec;	/* wide: registers may hold nonsense */
	int wday;				/* 0 = Sunday */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b < 0) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

/* Days from 1970-01-01 to a proleptic Gregorian date; any month or day. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	/* Month 13 is January of the next year, month 0 December before. */
	y += floor_div(m - 1, 12);
	m = floor_mod(m - 1, 12) + 1;
	/* Count years from March, so that the leap day ends the year. */
	if (m <= 2)
		y--;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static struct rtc_tm tm_from_seconds(int64_t secs)
{
	int64_t days = floor_div(secs, SECS_PER_DAY);
	int64_t sod = secs - days * SECS_PER_DAY;
	int64_t z = days + 719468, era, doe, yoe, doy, mp;
	struct rtc_tm tm;

	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm.mday = doy - (153 * mp + 2) / 5 + 1;
	tm.mon = mp < 10 ? mp + 3 : mp - 9;
	tm.year = yoe + era * 400 + (tm.mon <= 2);
	tm.hour = sod / 3600;
	tm.min = sod / 60 % 60;
	tm.sec = sod % 60;
	tm.wday = floor_mod(days + 4, 7);	/* 1970-01-01 was a Thursday */
	return tm;
}

static int64_t tm_to_seconds(const struct rtc_tm *tm)
{
	return days_from_civil(tm->year, tm->mon, tm->mday) * SECS_PER_DAY +
	       tm->hour * 3600 + tm->min * 60 + tm->sec;
}

static bool is_time_index(uint8_t index)
{
	switch (index) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		return true;
	}
	return false;
}

static bool binary_mode(const struct rtc *rtc)
{
	return rtc->cmos[RTC_REG_B] & RTC_B_DM_BINARY;
}

static uint8_t to_reg(const struct rtc *rtc, int64_t v)
{
	if (binary_mode(rtc))
		return v;
	return (v / 10 % 10) << 4 | (v % 10);
}

/* Nibbles above 9 are taken at face value, as a sum of digits. */
static int64_t from_reg(const struct rtc *rtc, uint8_t r)
{
	if (binary_mode(rtc))
		return r;
	return (r >> 4) * 10 + (r & 0xf);
}

static uint8_t hour_to_reg(const struct rtc *rtc, int64_t hour)
{
	int64_t h12;

	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		return to_reg(rtc, hour);
	h12 = hour % 12 ? hour % 12 : 12;
	return to_reg(rtc, h12) | (hour >= 12 ? 0x80 : 0);
}

static int64_t hour_from_reg(const struct rtc *rtc, uint8_t r)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		return from_reg(rtc, r);
	return from_reg(rtc, r & 0x7f) % 12 + (r & 0x80 ? 12 : 0);
}

static void store_tm(struct rtc *rtc, const struct rtc_tm *tm)
{
	rtc->cmos[RTC_SECONDS] = to_reg(rtc, tm->sec);
	rtc->cmos[RTC_MINUTES] = to_reg(rtc, tm->min);
	rtc->cmos[RTC_HOURS] = hour_to_reg(rtc, tm->hour);
	rtc->cmos[RTC_DAY_OF_WEEK] = to_reg(rtc, tm->wday + 1);
	rtc->cmos[RTC_DAY_OF_MONTH] = to_reg(rtc, tm->mday);
	rtc->cmos[RTC_MONTH] = to_reg(rtc, tm->mon);
	rtc->cmos[RTC_YEAR] = to_reg(rtc, floor_mod(tm->year, 100));
	rtc->cmos[RTC_CENTURY] = to_reg(rtc, floor_div(tm->year, 100));
}

/* The time the registers hold; the day of the week is not consulted. */
static int64_t stored_seconds(const struct rtc *rtc)
{
	struct rtc_tm tm = {
		.year	= from_reg(rtc, rtc->cmos[RTC_CENTURY]) * 100 +
			  from_reg(rtc, rtc->cmos[RTC_YEAR]),
		.mon	= from_reg(rtc, rtc->cmos[RTC_MONTH]),
		.mday	= from_reg(rtc, rtc->cmos[RTC_DAY_OF_MONTH]),
		.hour	= hour_from_reg(rtc, rtc->cmos[RTC_HOURS]),
		.min	= from_reg(rtc, rtc->cmos[RTC_MINUTES]),
		.sec	= from_reg(rtc, rtc->cmos[RTC_SECONDS]),
	};

	return tm_to_seconds(&tm);
}

static bool running(const struct rtc *rtc)
{
	return !(rtc->cmos[RTC_REG_B] & RTC_B_SET) &&
	       (rtc->cmos[RTC_REG_A] & RTC_A_DV_RESET) != RTC_A_DV_RESET;
}

static int64_t guest_ns(const struct rtc *rtc)
{
	return rtc->clock(rtc->clock_ctx) + rtc->offset_ns;
}

/* Register A's periodic rate as a period of the 32.768 kHz base; 0: off. */
static int64_t periodic_ticks(const struct rtc *rtc)
{
	unsigned int rs = rtc->cmos[RTC_REG_A] & RTC_A_RS_MASK;

	if (!rs)
		return 0;
	if (rs <= 2)
		return 64 << rs;	/* 256 Hz and 128 Hz */
	return 1 << (rs - 1);		/* 8192 Hz down to 2 Hz */
}

static int64_t ns_to_rtc_ticks(int64_t ns)
{
	return floor_div(ns, NSEC_PER_SEC) * RTC_HZ +
	       floor_mod(ns, NSEC_PER_SEC) * RTC_HZ / NSEC_PER_SEC;
}

/* The first nanosecond at or after 32.768 kHz tick @ticks. */
static int64_t rtc_ticks_to_ns(int64_t ticks)
{
	return floor_div(ticks, RTC_HZ) * NSEC_PER_SEC +
	       (floor_mod(ticks, RTC_HZ) * NSEC_PER_SEC + RTC_HZ - 1) / RTC_HZ;
}

static int64_t periodic_index(const struct rtc *rtc, int64_t g)
{
	int64_t per = periodic_ticks(rtc);

	return per ? floor_div(ns_to_rtc_ticks(g), per) : 0;
}

/* Alarm bytes of 0xc0 and up match any value. */
static bool alarm_matches(const struct rtc *rtc, int64_t secs)
{
	int64_t sod = floor_mod(secs, SECS_PER_DAY);
	uint8_t a_sec = rtc->cmos[RTC_SECONDS_ALARM];
	uint8_t a_min = rtc->cmos[RTC_MINUTES_ALARM];
	uint8_t a_hour = rtc->cmos[RTC_HOURS_ALARM];

	return (a_sec >= 0xc0 || a_sec == to_reg(rtc, sod % 60)) &&
	       (a_min >= 0xc0 || a_min == to_reg(rtc, sod / 60 % 60)) &&
	       (a_hour >= 0xc0 || a_hour == hour_to_reg(rtc, sod / 3600));
}

/* Restart the flags' bookkeeping at guest time @g: no flag for the past. */
static void flags_restart(struct rtc *rtc, int64_t g)
{
	rtc->flags_second = floor_div(g, NSEC_PER_SEC);
	rtc->flags_period = periodic_index(rtc, g);
}

static bool irqf(const struct rtc *rtc)
{
	uint8_t b = rtc->cmos[RTC_REG_B];

	return ((rtc->flags & RTC_C_PF) && (b & RTC_B_PIE)) ||
	       ((rtc->flags & RTC_C_AF) && (b & RTC_B_AIE)) ||
	       ((rtc->flags & RTC_C_UF) && (b & RTC_B_UIE));
}

/* Set the flags for the updates and periods that passed, then IRQ 8. */
static void update_flags(struct rtc *rtc)
{
	int64_t g, s, i, k, updates;

	if (running(rtc)) {
		g = guest_ns(rtc);
		s = floor_div(g, NSEC_PER_SEC);
		updates = s - rtc->flags_second;
		if (updates > 0)
			rtc->flags |= RTC_C_UF;
		/* Each update compares the alarm; a day covers them all. */
		if (updates > SECS_PER_DAY)
			updates = SECS_PER_DAY;
		for (i = 1; i <= updates; i++) {
			if (alarm_matches(rtc, rtc->flags_second + i)) {
				rtc->flags |= RTC_C_AF;
				break;
			}
		}
		rtc->flags_second = s;

		k = periodic_index(rtc, g);
		if (periodic_ticks(rtc) && k > rtc->flags_period)
			rtc->flags |= RTC_C_PF;
		rtc->flags_period = k;
	}
	irq_line_set(&rtc->irq, irqf(rtc));
}

/*
 * Register writes that may stop or start the clock: freeze the time into
 * the registers when it stops, run on from them when it starts.
 */
static void write_control(struct rtc *rtc, uint8_t index, uint8_t val)
{
	bool was_running = running(rtc);
	struct rtc_tm tm;
	int64_t g;

	if (was_running) {
		tm = tm_from_seconds(floor_div(guest_ns(rtc), NSEC_PER_SEC));
		store_tm(rtc, &tm);
	}

	if (index == RTC_REG_A) {
		rtc->cmos[RTC_REG_A] = val & ~RTC_A_UIP;
	} else {
		/* Setting SET clears UIE, as on the chip. */
		if (val & RTC_B_SET)
			val &= ~RTC_B_UIE;
		rtc->cmos[RTC_REG_B] = val;
	}

	if (!was_running && running(rtc)) {
		g = stored_seconds(rtc) * NSEC_PER_SEC;
		rtc->offset_ns = g - rtc->clock(rtc->clock_ctx);
	}
	if (running(rtc))
		flags_restart(rtc, guest_ns(rtc));
}

/*
 * A time register written while the clock runs: the other registers keep
 * the current time, and the fraction of the second carries on.
 */
static void write_time(struct rtc *rtc, uint8_t index, uint8_t val)
{
	struct rtc_tm tm;
	int64_t g, frac;

	if (!running(rtc)) {
		rtc->cmos[index] = val;
		return;
	}
	g = guest_ns(rtc);
	frac = floor_mod(g, NSEC_PER_SEC);
	tm = tm_from_seconds(floor_div(g, NSEC_PER_SEC));
	store_tm(rtc, &tm);
	rtc->cmos[index] = val;
	g = stored_seconds(rtc) * NSEC_PER_SEC + frac;
	rtc->offset_ns = g - rtc->clock(rtc->clock_ctx);
	flags_restart(rtc, g);
}

static uint8_t read_time(struct rtc *rtc, uint8_t index)
{
	struct rtc_tm tm;

	if (running(rtc)) {
		tm = tm_from_seconds(floor_div(guest_ns(rtc), NSEC_PER_SEC));
		store_tm(rtc, &tm);
	}
	return rtc->cmos[index];
}

static uint8_t read_reg_a(struct rtc *rtc)
{
	uint8_t a = rtc->cmos[RTC_REG_A];

	if (running(rtc) &&
	    floor_mod(guest_ns(rtc), NSEC_PER_SEC) >= NSEC_PER_SEC - UIP_NS)
		a |= RTC_A_UIP;
	return a;
}

static uint8_t read_reg_c(struct rtc *rtc)
{
	uint8_t c = rtc->flags | (irqf(rtc) ? RTC_C_IRQF : 0);

	rtc->flags = 0;
	return c;
}

static uint8_t rtc_read(void *dev, uint16_t offset)
{
	struct rtc *rtc = dev;
	uint8_t val;

	/* The index register cannot be read back. */
	if (offset == 0)
		return 0xff;

	update_flags(rtc);
	if (is_time_index(rtc->index))
		val = read_time(rtc, rtc->index);
	else if (rtc->index == RTC_REG_A)
		val = read_reg_a(rtc);
	else if (rtc->index == RTC_REG_C)
		val = read_reg_c(rtc);
	else if (rtc->index == RTC_REG_D)
		val = RTC_D_VRT;
	else
		val = rtc->cmos[rtc->index];
	update_flags(rtc);
	return val;
}

static void rtc_write(void *dev, uint16_t offset, uint8_t val)
{
	struct rtc *rtc = dev;

	if (offset == 0) {
		rtc->index = val & 0x7f;
		rtc->nmi_disabled = val & 0x80;
		return;
	}

	update_flags(rtc);
	if (is_time_index(rtc->index))
		write_time(rtc, rtc->index, val);
	else if (rtc->index == RTC_REG_A || rtc->index == RTC_REG_B)
		write_control(rtc, rtc->index, val);
	else if (rtc->index != RTC_REG_C && rtc->index != RTC_REG_D)
		rtc->cmos[rtc->index] = val;	/* C and D are read-only */
	update_flags(rtc);
}

/* The BIOS's memory-size bytes, in little-endian 16-bit pairs. */
static void set_word(struct rtc *rtc, uint8_t index, uint64_t val)
{
	if (val > 0xffff)
		val = 0xffff;
	rtc->cmos[index] = val;
	rtc->cmos[index + 1] = val >> 8;
}

static void fill_memory_size(struct rtc *rtc, uint64_t mem)
{
	const uint64_t kib = 1024, mib = 1024 * 1024;
	unsigned int sum = 0, i;

	/* Base memory in KiB (640 at most), extended above 1M in KiB. */
	set_word(rtc, 0x15, mem < 640 * kib ? mem / kib : 640);
	set_word(rtc, 0x17, mem > mib ? (mem - mib) / kib : 0);
	set_word(rtc, 0x30, mem > mib ? (mem - mib) / kib : 0);
	/* Memory above 16M in 64K blocks. */
	set_word(rtc, 0x34, mem > 16 * mib ? (mem - 16 * mib) / (64 * kib) : 0);

	/* The AT checksum of bytes 0x10-0x2d, big-endian at 0x2e. */
	for (i = 0x10; i <= 0x2d; i++)
		sum += rtc->cmos[i];
	rtc->cmos[0x2e] = sum >> 8;
	rtc->cmos[0x2f] = sum;
}

void rtc_init(struct rtc *rtc, rtc_clock_fn clock, void *clock_ctx,
	      uint64_t mem_below_4g)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->clock = clock;
	rtc->clock_ctx = clock_ctx;
	rtc->cmos[RTC_REG_A] = 0x26;
	rtc->cmos[RTC_REG_B] = RTC_B_24H;
	fill_memory_size(rtc, mem_below_4g);
	flags_restart(rtc, guest_ns(rtc));
}

/* The first second after @s whose update sets AF, or RTC_NO_EVENT. */
static int64_t next_alarm_second(const struct rtc *rtc, int64_t s)
{
	int64_t i;

	for (i = 1; i <= SECS_PER_DAY; i++)
		if (alarm_matches(rtc, s + i))
			return s + i;
	return RTC_NO_EVENT;
}

int64_t rtc_next_event_ns(struct rtc *rtc)
{
	uint8_t b = rtc->cmos[RTC_REG_B];
	int64_t next = RTC_NO_EVENT, t, s;

	update_flags(rtc);
	if (!running(rtc) || rtc->irq.level)
		return RTC_NO_EVENT;

	if (b & RTC_B_UIE)
		next = (rtc->flags_second + 1) * NSEC_PER_SEC;
	if (b & RTC_B_AIE) {
		s = next_alarm_second(rtc, rtc->flags_second);
		if (s != RTC_NO_EVENT && s * NSEC_PER_SEC < next)
			next = s * NSEC_PER_SEC;
	}
	if ((b & RTC_B_PIE) && periodic_ticks(rtc)) {
		t = rtc_ticks_to_ns((rtc->flags_period + 1) * periodic_ticks(rtc));
		if (t < next)
			next = t;
	}
	return next == RTC_NO_EVENT ? RTC_NO_EVENT : next - rtc->offset_ns;
}

void rtc_run_timer(struct rtc *rtc)
{
	update_flags(rtc);
}

const struct ioport_ops rtc_ops = {
	.read	= rtc_read,
	.write	= rtc_write,
};
