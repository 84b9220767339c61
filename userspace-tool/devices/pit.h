/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_PIT_H
#define MINIVM_RUN_PIT_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq-line.h"
#include "ioport.h"

#define PIT_BASE		0x40	/* channels 0-2, then the control word */
#define PIT_NR_PORTS		4
#define PIT_PORT_B		0x61	/* system control port B: gate 2, speaker, OUT2 */
#define PIT_PORT_B_NR_PORTS	1
#define PIT_IRQ			0
#define PIT_HZ			1193182	/* the PC's 14.31818 MHz / 12 */
#define PIT_NO_IRQ		UINT64_MAX

/* Port B bits. */
#define PIT_PORT_B_GATE2	0x01	/* channel 2's gate */
#define PIT_PORT_B_SPEAKER	0x02	/* speaker data enable: kept, silent */
#define PIT_PORT_B_WRITABLE	0x0f	/* bits 2-3: parity/IOCHK checks, kept */
#define PIT_PORT_B_REFRESH	0x10	/* toggles every 15 us */
#define PIT_PORT_B_OUT2		0x20	/* channel 2's output */

/*
 * The VMM's clock, in nanoseconds: monotonic, any origin. The channels
 * count 1193182 times per second of it.
 */
typedef uint64_t (*pit_clock_fn)(void *ctx);

struct pit_channel {
	uint8_t ctrl;		/* RW, mode and BCD bits as last programmed */
	uint8_t mode;		/* 0-5 (6 and 7 are 2 and 3) */
	uint8_t rw;		/* 1 LSB only, 2 MSB only, 3 LSB then MSB */
	bool bcd;
	bool gate;

	uint16_t cr;		/* the count register, as written */
	bool cr_valid;		/* a whole count was written since the control word */
	uint8_t cr_lsb;		/* a two-byte write's first byte */
	bool write_msb;		/* a two-byte write's second byte is next */
	bool read_msb;		/* a two-byte read's second byte is next */

	uint8_t latched_bytes;	/* latched count bytes still to be read */
	uint16_t latch;
	bool status_latched;
	uint8_t status;

	/*
	 * The counting element: @armed once a count is loaded (modes 1 and
	 * 5: once triggered). It has counted @base ticks in earlier runs
	 * and, while @counting, the ticks since @start.
	 */
	bool armed;
	bool counting;
	uint64_t start;
	uint64_t base;
	uint32_t initial;	/* the count it started from, in binary (0 .. 9999 BCD) */
	uint16_t frozen;	/* its value while not armed */
	uint64_t loaded_at;	/* tick the count register reaches it (null count before) */

	/* Modes 2 and 3: a count written while counting waits for the period's end. */
	bool reload_pending;
	uint32_t reload_initial;
	uint64_t reload_at;
};

struct pit {
	struct pit_channel ch[3];
	uint8_t port_b;		/* the bits of port B that were written (0-3) */
	pit_clock_fn clock;
	void *clock_ctx;
	uint64_t last_tick;	/* the clock never runs backwards here */
	/* IRQ 0; connect with irq_line_connect() after init. */
	struct irq_line irq;
	uint64_t irq_tick;	/* channel 0's edges up to this tick were delivered */
};

/*
 * The state a PC BIOS leaves (as QEMU resets it): every channel in mode 3
 * with count 0 (65536), channel 0 giving IRQ 0 at 18.2 Hz, channel 2's
 * gate low.
 */
void pit_init(struct pit *pit, pit_clock_fn clock, void *clock_ctx);

/*
 * When channel 0's output next rises (the IRQ 0 edge), in the clock's
 * nanoseconds, or PIT_NO_IRQ if it will not without reprogramming. The
 * VMM arms a timer for it and calls pit_run_timer() when it fires; a time
 * already past means an edge is due now. Ask again after every PIT
 * access and timer run: the guest may have reprogrammed channel 0.
 */
uint64_t pit_next_irq_ns(struct pit *pit);

/*
 * Deliver IRQ 0 if channel 0's output rose since the last delivery: one
 * pulse however many edges passed (as one edge-triggered PIC input
 * latches them). Returns the number of edges, for a VMM that wants to
 * count lost ticks. Every PIT access does the same first, so an edge due
 * before channel 0 is reprogrammed is delivered, not lost; the IRQ
 * callbacks may therefore run from inside a port access.
 */
unsigned int pit_run_timer(struct pit *pit);

extern const struct ioport_ops pit_ops;		/* PIT_BASE, PIT_NR_PORTS */
extern const struct ioport_ops pit_port_b_ops;	/* PIT_PORT_B */

#endif /* MINIVM_RUN_PIT_H */
