/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_RTC_H
#define MINIVM_RUN_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq-line.h"
#include "ioport.h"

#define RTC_BASE		0x70	/* index, then data */
#define RTC_NR_PORTS		2
#define RTC_IRQ			8
#define RTC_CMOS_SIZE		128
#define RTC_NO_EVENT		INT64_MAX

/* CMOS indexes of the MC146818's registers and what BIOSes keep there. */
#define RTC_SECONDS		0x00
#define RTC_SECONDS_ALARM	0x01
#define RTC_MINUTES		0x02
#define RTC_MINUTES_ALARM	0x03
#define RTC_HOURS		0x04
#define RTC_HOURS_ALARM		0x05
#define RTC_DAY_OF_WEEK		0x06
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d
#define RTC_CENTURY		0x32	/* as ACPI's FADT names it on PCs */

#define RTC_A_UIP		0x80	/* update in progress */
#define RTC_A_DV_MASK		0x70	/* divider: 010 is 32.768 kHz, 11x reset */
#define RTC_A_DV_RESET		0x60
#define RTC_A_RS_MASK		0x0f	/* periodic rate */
#define RTC_B_SET		0x80	/* updates inhibited while set */
#define RTC_B_PIE		0x40
#define RTC_B_AIE		0x20
#define RTC_B_UIE		0x10
#define RTC_B_DM_BINARY		0x04	/* else BCD */
#define RTC_B_24H		0x02	/* else 12 hours with bit 7 = PM */
#define RTC_C_IRQF		0x80
#define RTC_C_PF		0x40
#define RTC_C_AF		0x20
#define RTC_C_UF		0x10
#define RTC_D_VRT		0x80	/* valid RAM and time: the battery is fine */

/* Host time: nanoseconds since the Unix epoch, UTC (CLOCK_REALTIME). */
typedef int64_t (*rtc_clock_fn)(void *ctx);

struct rtc {
	uint8_t cmos[RTC_CMOS_SIZE];	/* RAM; time bytes only count while stopped */
	uint8_t index;			/* port 0x70, bits 0-6 */
	bool nmi_disabled;		/* port 0x70 bit 7: kept, nothing to mask */
	rtc_clock_fn clock;
	void *clock_ctx;
	int64_t offset_ns;		/* guest time = host time + offset, while running */
	uint8_t flags;			/* register C's PF, AF, UF, until C is read */
	int64_t flags_second;		/* guest second the flags were last brought to */
	int64_t flags_period;		/* periodic interval likewise */
	/* IRQ 8; connect with irq_line_connect() after init. */
	struct irq_line irq;
};

/*
 * The state a PC BIOS leaves: the host's time (UTC) in BCD, 24-hour mode,
 * register A 0x26 (32.768 kHz, 1024 Hz periodic rate), VRT set, and the
 * memory-size bytes filled in from @mem_below_4g, the guest RAM below 4G.
 */
void rtc_init(struct rtc *rtc, rtc_clock_fn clock, void *clock_ctx,
	      uint64_t mem_below_4g);

/*
 * When register C's next flag whose interrupt is enabled will be set, in
 * the host clock's nanoseconds, or RTC_NO_EVENT if none (or IRQ 8 is
 * already asserted: nothing can change until C is read). The VMM arms a
 * timer for it and calls rtc_run_timer() then.
 */
int64_t rtc_next_event_ns(struct rtc *rtc);

/* Bring the flags and IRQ 8 up to the current time. */
void rtc_run_timer(struct rtc *rtc);

extern const struct ioport_ops rtc_ops;

#endif /* MINIVM_RUN_RTC_H */
