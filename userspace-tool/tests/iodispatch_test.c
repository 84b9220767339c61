// SPDX-License-Identifier: GPL-2.0
/*
 * iodispatch.c: the I/O thread's events against the real device models,
 * with fake clocks and recorded interrupt lines: input through the
 * escape into COM1's FIFO and the queue behind it, expired timers into
 * the PIT's IRQ 0 and the RTC's IRQ 8, the deadlines to arm, the kicks.
 */
#include "iodispatch.h"
#include "test.h"

#define NS_PER_SEC	1000000000LL

static uint64_t mono_ns;
static int64_t real_ns;
static struct uart8250 uart;
static struct pit pit;
static struct rtc rtc;
static struct io_devices dev;
static unsigned int raises[16];
static bool level[16];

static uint64_t mono_clock(void *ctx)
{
	(void)ctx;
	return mono_ns;
}

static int64_t real_clock(void *ctx)
{
	(void)ctx;
	return real_ns;
}

static void raise_line(void *ctx, unsigned int irq)
{
	(void)ctx;
	raises[irq]++;
	level[irq] = true;
}

static void lower_line(void *ctx, unsigned int irq)
{
	(void)ctx;
	level[irq] = false;
}

static void setup(bool escape)
{
	memset(raises, 0, sizeof(raises));
	memset(level, 0, sizeof(level));
	mono_ns = 1000 * NS_PER_SEC;
	real_ns = 1700000000 * NS_PER_SEC + NS_PER_SEC / 2;
	uart8250_init(&uart, NULL, NULL);
	irq_line_connect(&uart.irq, 4, raise_line, lower_line, NULL);
	pit_init(&pit, mono_clock, NULL);
	irq_line_connect(&pit.irq, 0, raise_line, lower_line, NULL);
	rtc_init(&rtc, real_clock, NULL, 256 << 20);
	irq_line_connect(&rtc.irq, 8, raise_line, lower_line, NULL);
	dev = (struct io_devices) { .uart = &uart, .pit = &pit, .rtc = &rtc,
				    .escape = escape };
}

/* What the guest reads from COM1 until LSR says the FIFO is empty. */
static size_t drain_uart(char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && (uart8250_ops.read(&uart, UART_LSR) & UART_LSR_DR)) {
		buf[n++] = uart8250_ops.read(&uart, UART_RX);
		/* As vcpu.c after every access: refill from the queue. */
		io_rx_feed(&dev);
	}
	return n;
}

/* Linux's 8250 driver: FIFOs on, receive interrupt, OUT2 gates IRQ 4. */
static void guest_opens_com1(void)
{
	uart8250_ops.write(&uart, UART_FCR, UART_FCR_ENABLE);
	uart8250_ops.write(&uart, UART_IER, UART_IER_RDI);
	uart8250_ops.write(&uart, UART_MCR, UART_MCR_OUT2);
}

static void iodispatch_input_to_uart(void)
{
	static const char text[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char got[64];

	setup(false);
	guest_opens_com1();
	CHECK_INT(io_rx_room(&dev), IO_RX_QUEUE_SIZE);
	CHECK_INT(io_input(&dev, (const uint8_t *)text, 36), 0);
	CHECK_INT(raises[4], 1);
	CHECK(level[4]);
	/* The FIFO holds 16, the queue the rest: nothing is lost. */
	CHECK_INT(uart8250_rx_room(&uart), 0);
	CHECK_INT(dev.rx.len, 20);
	CHECK_INT(io_rx_room(&dev), IO_RX_QUEUE_SIZE - 20);
	CHECK_INT(drain_uart(got, sizeof(got)), 36);
	CHECK(!memcmp(got, text, 36));
	CHECK_INT(dev.rx.len, 0);
	CHECK(!level[4]);

	/* Not a terminal: Ctrl-A is a byte like any other. */
	CHECK_INT(io_input(&dev, (const uint8_t *)"\x01x\x01\x01", 4), 0);
	CHECK_INT(drain_uart(got, sizeof(got)), 4);
	CHECK(!memcmp(got, "\x01x\x01\x01", 4));
}

static void iodispatch_escape(void)
{
	char got[16];

	setup(true);
	guest_opens_com1();
	CHECK_INT(io_input(&dev, (const uint8_t *)"a\001\001b", 4), 0);
	CHECK_INT(drain_uart(got, sizeof(got)), 3);
	CHECK(!memcmp(got, "a\001b", 3));

	CHECK_INT(io_input(&dev, (const uint8_t *)"\x01h", 2), IO_CMD_HELP);
	CHECK_INT(io_input(&dev, (const uint8_t *)"\x01", 1), 0);
	CHECK_INT(io_input(&dev, (const uint8_t *)"h", 1), IO_CMD_HELP);

	/* Quit: what came before is delivered, what follows is not. */
	CHECK_INT(io_input(&dev, (const uint8_t *)"q\x01h\x01xyz", 7),
		  IO_CMD_HELP | IO_CMD_QUIT);
	CHECK_INT(drain_uart(got, sizeof(got)), 1);
	CHECK_INT(got[0], 'q');
	CHECK_INT(dev.rx.len, 0);
}

/* A full queue takes nothing more; the I/O thread then stops reading. */
static void iodispatch_queue_full(void)
{
	static uint8_t big[IO_RX_QUEUE_SIZE + 100];

	setup(false);
	memset(big, 'z', sizeof(big));
	io_input(&dev, big, sizeof(big));
	/* FIFOs off: the UART holds one byte, the queue one less than full. */
	CHECK_INT(uart8250_rx_room(&uart), 0);
	CHECK_INT(dev.rx.len, IO_RX_QUEUE_SIZE - 1);
	CHECK_INT(io_rx_room(&dev), 1);
	uart8250_ops.read(&uart, UART_RX);
	CHECK_INT(io_rx_feed(&dev), 1);
	CHECK_INT(io_rx_room(&dev), 2);
}

/* The PIT at reset: 18.2 Hz on IRQ 0, a pulse per timer expiry. */
static void iodispatch_pit_timer(void)
{
	int64_t next, period = 65536LL * NS_PER_SEC / PIT_HZ;

	setup(false);
	next = io_pit_deadline(&dev);
	CHECK(next > (int64_t)mono_ns);
	/* A period, and the tick or two a count takes to load. */
	CHECK(next - (int64_t)mono_ns <= period + 2 * NS_PER_SEC / PIT_HZ + 1);
	mono_ns = next;
	io_timers_expired(&dev);
	CHECK_INT(raises[0], 1);
	CHECK(!level[0]);			/* a pulse */
	CHECK(io_pit_deadline(&dev) > next);

	/* Linux's clockevent_i8253_disable(): mode 0, count 0, no more edges... */
	pit_ops.write(&pit, 3, 0x30);
	pit_ops.write(&pit, 0, 0);
	pit_ops.write(&pit, 0, 0);
	next = io_pit_deadline(&dev);
	mono_ns = next;
	io_timers_expired(&dev);
	CHECK_INT(raises[0], 2);		/* ...but the one at the count's end */
	CHECK_INT(io_pit_deadline(&dev), IO_NO_DEADLINE);

	dev.pit = NULL;
	CHECK_INT(io_pit_deadline(&dev), IO_NO_DEADLINE);
}

/* The RTC's update interrupt: due at the next second, none while IRQ 8 is up. */
static void iodispatch_rtc_timer(void)
{
	int64_t next;

	setup(false);
	CHECK_INT(io_rtc_deadline(&dev), IO_NO_DEADLINE);	/* nothing enabled */
	rtc_ops.write(&rtc, 0, RTC_REG_B);
	rtc_ops.write(&rtc, 1, RTC_B_24H | RTC_B_UIE);
	next = io_rtc_deadline(&dev);
	CHECK_INT(next, 1700000001 * NS_PER_SEC);
	real_ns = next;
	io_timers_expired(&dev);
	CHECK(level[8]);
	CHECK_INT(io_rtc_deadline(&dev), IO_NO_DEADLINE);
	/* The guest reads C: IRQ 8 goes down, the next second is due. */
	rtc_ops.write(&rtc, 0, RTC_REG_C);
	CHECK(rtc_ops.read(&rtc, 1) & RTC_C_UF);
	CHECK(!level[8]);
	CHECK_INT(io_rtc_deadline(&dev), 1700000002 * NS_PER_SEC);
}

static void iodispatch_timer_and_kick(void)
{
	struct io_timer t = { .fd = -1, .armed = IO_NO_DEADLINE };

	CHECK(!io_timer_update(&t, IO_NO_DEADLINE));
	CHECK(io_timer_update(&t, 5));
	CHECK(!io_timer_update(&t, 5));		/* no timerfd_settime() */
	CHECK(io_timer_update(&t, 7));
	io_timer_fired(&t);
	CHECK_INT(t.armed, IO_NO_DEADLINE);
	CHECK(io_timer_update(&t, 7));		/* the same deadline again: re-arm */

	CHECK_INT(io_kick_timeout_ms(100, 0, 0), -1);
	CHECK(!io_kick_due(100, 0, 0));
	CHECK_INT(io_kick_timeout_ms(0, 0, 500000000), 500);
	CHECK_INT(io_kick_timeout_ms(1, 0, 500000000), 500);	/* rounded up */
	CHECK_INT(io_kick_timeout_ms(499999999, 0, 500000000), 1);
	CHECK_INT(io_kick_timeout_ms(500000000, 0, 500000000), 0);
	CHECK(!io_kick_due(499999999, 0, 500000000));
	CHECK(io_kick_due(500000000, 0, 500000000));
}

const struct test iodispatch_tests[] = {
	{ "iodispatch: input to COM1 with IRQ 4, the queue behind the FIFO",
	  iodispatch_input_to_uart },
	{ "iodispatch: a terminal's Ctrl-A commands; quit drops the rest", iodispatch_escape },
	{ "iodispatch: a full queue stops taking input until the guest reads",
	  iodispatch_queue_full },
	{ "iodispatch: PIT deadlines and IRQ 0 pulses, Linux's PIT shutdown",
	  iodispatch_pit_timer },
	{ "iodispatch: RTC update deadlines and IRQ 8", iodispatch_rtc_timer },
	{ "iodispatch: timers re-armed only on change, vCPU kicks", iodispatch_timer_and_kick },
	{ NULL, NULL },
};
