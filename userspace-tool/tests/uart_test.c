// SPDX-License-Identifier: GPL-2.0
/*
 * The 8250/16550A UART: transmit and receive, FIFOs, interrupt
 * identification and the IRQ line, loopback, and the probes Linux's 8250
 * driver runs on it.
 */
#include "ioport.h"
#include "devices/uart8250.h"
#include "test.h"

static char txbuf[300];
static int txlen;

static void capture(void *ctx, uint8_t byte)
{
	int *calls = ctx;

	(*calls)++;
	if (txlen < (int)sizeof(txbuf) - 1)
		txbuf[txlen++] = byte;
	txbuf[txlen] = '\0';
}

static struct uart8250 uart;
static int calls;

/* The IRQ line as the interrupt controller sees it. */
static struct {
	int raises, lowers;
	unsigned int irq;
	bool level;
} pic;

static void pic_raise(void *ctx, unsigned int irq)
{
	(void)ctx;
	pic.raises++;
	pic.irq = irq;
	pic.level = true;
}

static void pic_lower(void *ctx, unsigned int irq)
{
	(void)ctx;
	pic.lowers++;
	pic.irq = irq;
	pic.level = false;
}

static void setup(void)
{
	txlen = 0;
	txbuf[0] = '\0';
	calls = 0;
	memset(&pic, 0, sizeof(pic));
	uart8250_init(&uart, capture, &calls);
	irq_line_connect(&uart.irq, COM1_IRQ, pic_raise, pic_lower, NULL);
}

static uint8_t rd(uint16_t off)
{
	return uart8250_ops.read(&uart, off);
}

static void wr(uint16_t off, uint8_t v)
{
	uart8250_ops.write(&uart, off, v);
}

static size_t rx(const char *s)
{
	return uart8250_receive(&uart, (const uint8_t *)s, strlen(s));
}

static void uart_transmit(void)
{
	setup();
	wr(UART_TX, 'H');
	wr(UART_TX, 'i');
	wr(UART_TX, '\n');
	CHECK_STR(txbuf, "Hi\n");
	CHECK_INT(calls, 3);
	/* Writing other registers transmits nothing. */
	wr(UART_IER, 'x');
	wr(UART_SCR, 'x');
	wr(UART_LCR, 0x03);
	CHECK_INT(calls, 3);
}

static void uart_lsr(void)
{
	setup();
	CHECK_HEX(rd(UART_LSR), 0x60);
	wr(UART_TX, 'a');
	CHECK_HEX(rd(UART_LSR), 0x60);	/* the byte left at once */
	wr(UART_LSR, 0x00);		/* read-only */
	CHECK_HEX(rd(UART_LSR), 0x60);
	CHECK_HEX(rd(UART_RX), 0);	/* nothing received yet */
	rx("z");
	CHECK_HEX(rd(UART_LSR), 0x61);	/* DR */
	CHECK_HEX(rd(UART_LSR), 0x61);	/* reading LSR does not consume it */
	CHECK_HEX(rd(UART_RX), 'z');
	CHECK_HEX(rd(UART_LSR), 0x60);
}

static void uart_dlab(void)
{
	setup();
	wr(UART_LCR, UART_LCR_DLAB | 0x03);
	wr(UART_DLL, 0x0c);
	wr(UART_DLM, 0x01);
	CHECK_INT(calls, 0);		/* DLL is not THR */
	CHECK_HEX(rd(UART_DLL), 0x0c);
	CHECK_HEX(rd(UART_DLM), 0x01);
	CHECK_HEX(rd(UART_LCR), 0x83);

	wr(UART_LCR, 0x03);
	CHECK_HEX(rd(UART_LCR), 0x03);
	CHECK_HEX(rd(UART_IER), 0x00);	/* DLM did not land in IER */
	CHECK_HEX(rd(UART_RX), 0x00);
	wr(UART_IER, 0x05);
	wr(UART_LCR, UART_LCR_DLAB);
	CHECK_HEX(rd(UART_DLM), 0x01);	/* IER did not land in DLM */
	CHECK_HEX(rd(UART_DLL), 0x0c);

	/* Received data waits behind DLAB: DLL reads do not consume it. */
	wr(UART_LCR, 0);
	rx("r");
	wr(UART_LCR, UART_LCR_DLAB);
	CHECK_HEX(rd(UART_DLL), 0x0c);
	CHECK_HEX(rd(UART_LSR), 0x61);
	wr(UART_LCR, 0);
	CHECK_HEX(rd(UART_IER), 0x05);
	CHECK_HEX(rd(UART_RX), 'r');
}

static void uart_registers_hold_values(void)
{
	setup();
	wr(UART_SCR, 0xa5);
	CHECK_HEX(rd(UART_SCR), 0xa5);
	wr(UART_SCR, 0x5a);
	CHECK_HEX(rd(UART_SCR), 0x5a);
	wr(UART_IER, 0xff);
	CHECK_HEX(rd(UART_IER), 0x0f);
	wr(UART_MCR, 0xff);
	CHECK_HEX(rd(UART_MCR), 0x1f);
	wr(UART_LCR, 0x1b);
	CHECK_HEX(rd(UART_LCR), 0x1b);
}

static void uart_iir_fcr(void)
{
	setup();
	CHECK_HEX(rd(UART_IIR), 0x01);
	wr(UART_FCR, 0x07);	/* enable + reset both FIFOs */
	CHECK_HEX(rd(UART_IIR), 0xc1);
	CHECK_HEX(uart.fcr, 0x01);	/* the reset bits clear themselves */
	wr(UART_FCR, 0xf9);	/* trigger 14, DMA mode, reserved 4-5 */
	CHECK_HEX(uart.fcr, 0xc9);
	CHECK_HEX(rd(UART_IIR), 0xc1);	/* bit 5 stays clear: not a 16750 */
	wr(UART_FCR, 0xc6);	/* without FCR0 nothing else is programmed */
	CHECK_HEX(uart.fcr, 0x00);
	CHECK_HEX(rd(UART_IIR), 0x01);
	/* IIR is at offset 2 whatever LCR says (no EFR banking). */
	wr(UART_FCR, 0x01);
	wr(UART_LCR, 0xbf);
	CHECK_HEX(rd(UART_IIR), 0xc1);
	wr(UART_LCR, UART_LCR_DLAB);
	CHECK_HEX(rd(UART_IIR), 0xc1);
	wr(UART_FCR, 0x00);	/* FCR is not banked either */
	wr(UART_LCR, 0);
	CHECK_HEX(rd(UART_IIR), 0x01);
}

static void uart_msr_loopback(void)
{
	setup();
	CHECK_HEX(rd(UART_MSR), 0xb0);	/* DCD | DSR | CTS */
	/* Entering loopback switches the inputs without deltas. */
	wr(UART_MCR, UART_MCR_LOOP | 0x0a);	/* Linux's probe: RTS | OUT2 */
	CHECK_HEX(rd(UART_MSR), 0x90);
	/* Changes inside loopback set the deltas, until MSR is read. */
	wr(UART_MCR, UART_MCR_LOOP | 0x01);	/* DTR */
	CHECK_HEX(rd(UART_MSR), 0x20 | UART_MSR_DCTS | UART_MSR_DDSR |
				UART_MSR_DDCD);
	CHECK_HEX(rd(UART_MSR), 0x20);
	wr(UART_MCR, UART_MCR_LOOP | 0x04);	/* OUT1 -> RI rises: no TERI */
	CHECK_HEX(rd(UART_MSR), 0x40 | UART_MSR_DDSR);
	wr(UART_MCR, UART_MCR_LOOP | 0x0f);
	CHECK_HEX(rd(UART_MSR), 0xf0 | UART_MSR_DCTS | UART_MSR_DDSR |
				UART_MSR_DDCD);
	wr(UART_MCR, UART_MCR_LOOP | 0x0b);	/* RI falls: TERI */
	CHECK_HEX(rd(UART_MSR), 0xb0 | UART_MSR_TERI);
	wr(UART_MSR, 0x00);	/* read-only */
	CHECK_HEX(rd(UART_MSR), 0xb0);

	/* Loopback keeps bytes off the line, and leaving it records nothing. */
	wr(UART_TX, 'X');
	CHECK_INT(calls, 0);
	wr(UART_MCR, 0x03);
	CHECK_HEX(rd(UART_MSR), 0xb0);
	wr(UART_TX, 'Y');
	CHECK_STR(txbuf, "Y");
}

static void uart_no_sink(void)
{
	struct uart8250 u;

	uart8250_init(&u, NULL, NULL);
	uart8250_ops.write(&u, UART_IER, UART_IER_THRI | UART_IER_RDI);
	uart8250_ops.write(&u, UART_MCR, UART_MCR_OUT2);
	uart8250_ops.write(&u, UART_TX, 'z');	/* no sink, no IRQ line: fine */
	CHECK_HEX(uart8250_ops.read(&u, UART_LSR), 0x60);
	CHECK_INT(uart8250_receive(&u, (const uint8_t *)"q", 1), 1);
	CHECK_HEX(uart8250_ops.read(&u, UART_IIR), 0x04);
}

static void uart_on_bus(void)
{
	struct ioport_bus bus;
	uint8_t d[4] = { 0 };

	setup();
	ioport_bus_init(&bus);
	CHECK_INT(ioport_register(&bus, COM1_BASE, UART8250_NR_PORTS,
				  &uart8250_ops, &uart, "COM1"), 0);
	d[0] = 'Q';
	CHECK(ioport_out(&bus, 0x3f8, 1, d));
	CHECK_STR(txbuf, "Q");
	/* "in ax, dx" at LSR: LSR in AL, MSR in AH. */
	CHECK(ioport_in(&bus, 0x3fd, 2, d));
	CHECK_HEX(d[0], 0x60);
	CHECK_HEX(d[1], 0xb0);
	/* A word at MSR writes SCR with its high byte. */
	d[0] = 0x00;
	d[1] = 0x77;
	CHECK(ioport_out(&bus, 0x3fe, 2, d));
	CHECK_HEX(uart.scr, 0x77);
	/* A dword at the base: RBR (consumed), IER, IIR, LCR. */
	rx("a");
	wr(UART_LCR, 0x03);
	CHECK(ioport_in(&bus, 0x3f8, 4, d));
	CHECK_HEX(d[0], 'a');
	CHECK_HEX(d[1], 0x00);
	CHECK_HEX(d[2], 0x01);
	CHECK_HEX(d[3], 0x03);
	CHECK_INT(uart.rx_count, 0);
	rx("b");
	/* A dword OUT at the base: THR, IER, FCR, LCR in turn. */
	d[0] = 'W';
	d[1] = 0x00;
	d[2] = 0x07;
	d[3] = 0x13;
	CHECK(ioport_out(&bus, 0x3f8, 4, d));
	CHECK_STR(txbuf, "QW");
	CHECK_HEX(uart.fcr, 0x01);
	CHECK_HEX(uart.lcr, 0x13);
	CHECK_INT(uart.rx_count, 0);	/* FCR cleared the receiver */
}

static void uart_receive_fifo(void)
{
	uint8_t all[UART_FIFO_SIZE + 4];
	unsigned int i;

	setup();
	/* Without FIFOs the receiver holds one byte. */
	CHECK_INT(uart8250_rx_room(&uart), 1);
	CHECK_INT(rx("xy"), 1);
	CHECK_INT(uart8250_rx_room(&uart), 0);
	CHECK_INT(rx("y"), 0);
	CHECK_HEX(rd(UART_RX), 'x');
	CHECK_HEX(rd(UART_RX), 'x');	/* empty: the last byte again */
	CHECK_HEX(rd(UART_LSR), 0x60);	/* and no overrun from the host */

	/* With them, 16 bytes in order, the rest left to the caller. */
	wr(UART_FCR, UART_FCR_ENABLE);
	CHECK_INT(uart8250_rx_room(&uart), UART_FIFO_SIZE);
	for (i = 0; i < sizeof(all); i++)
		all[i] = 'A' + i;
	CHECK_INT(uart8250_receive(&uart, all, sizeof(all)), UART_FIFO_SIZE);
	CHECK_INT(uart8250_rx_room(&uart), 0);
	CHECK_HEX(rd(UART_RX), 'A');
	CHECK_INT(uart8250_rx_room(&uart), 1);
	CHECK_INT(uart8250_receive(&uart, all + UART_FIFO_SIZE, 4), 1);
	for (i = 1; i <= UART_FIFO_SIZE; i++)
		CHECK_HEX(rd(UART_RX), 'A' + i);
	CHECK_HEX(rd(UART_LSR), 0x60);
	CHECK_INT(uart8250_receive(&uart, all, 0), 0);

	/* FCR's receiver reset, and turning the FIFOs off, empty it. */
	rx("abc");
	wr(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_XMIT);
	CHECK_INT(uart.rx_count, 3);
	wr(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR);
	CHECK_INT(uart.rx_count, 0);
	rx("abc");
	wr(UART_FCR, 0);
	CHECK_INT(uart.rx_count, 0);
	CHECK_HEX(rd(UART_LSR), 0x60);

	/* In loopback the host side is disconnected. */
	wr(UART_MCR, UART_MCR_LOOP);
	CHECK_INT(uart8250_rx_room(&uart), 0);
	CHECK_INT(rx("q"), 0);
}

static void uart_loopback_receive(void)
{
	unsigned int i;

	setup();
	wr(UART_MCR, UART_MCR_LOOP);
	wr(UART_TX, 'L');
	CHECK_HEX(rd(UART_LSR), 0x61);
	CHECK_HEX(rd(UART_RX), 'L');
	/* FIFO-less: a second byte overwrites the first, OE until LSR read. */
	wr(UART_TX, '1');
	wr(UART_TX, '2');
	CHECK_HEX(rd(UART_LSR), 0x63);
	CHECK_HEX(rd(UART_LSR), 0x61);
	CHECK_HEX(rd(UART_RX), '2');

	/* With FIFOs: the first 16 stay, the rest are lost. */
	wr(UART_FCR, UART_FCR_ENABLE);
	for (i = 0; i < 20; i++)
		wr(UART_TX, 'a' + i);
	CHECK_HEX(rd(UART_LSR), 0x63);
	for (i = 0; i < UART_FIFO_SIZE; i++)
		CHECK_HEX(rd(UART_RX), 'a' + i);
	CHECK_HEX(rd(UART_LSR), 0x60);
	CHECK_INT(calls, 0);
}

static void uart_iir_priorities(void)
{
	int i;

	setup();
	wr(UART_FCR, UART_FCR_ENABLE);
	wr(UART_IER, 0x0f);
	CHECK_HEX(rd(UART_IIR), 0xc2);	/* THRE, from turning THRI on */

	/* All four sources at once. */
	wr(UART_MCR, UART_MCR_LOOP);
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);	/* MSR delta */
	for (i = 0; i < 17; i++)			/* data and OE */
		wr(UART_TX, 'x');
	CHECK_HEX(rd(UART_IIR), 0xc6);	/* line status first */
	CHECK_HEX(rd(UART_IIR), 0xc6);	/* IIR does not clear it */
	rd(UART_LSR);
	CHECK_HEX(rd(UART_IIR), 0xc4);	/* then received data */
	while (rd(UART_LSR) & UART_LSR_DR)
		rd(UART_RX);
	CHECK_HEX(rd(UART_IIR), 0xc2);	/* then THRE, cleared by that read */
	CHECK_HEX(rd(UART_IIR), 0xc0);	/* then modem status */
	CHECK_HEX(rd(UART_IIR), 0xc0);
	rd(UART_MSR);
	CHECK_HEX(rd(UART_IIR), 0xc1);

	/* A disabled source is not identified. */
	wr(UART_IER, 0);
	wr(UART_TX, 'y');
	CHECK_HEX(rd(UART_IIR), 0xc1);
	CHECK_HEX(rd(UART_LSR), 0x61);
}

static void uart_rx_trigger_and_timeout(void)
{
	setup();
	wr(UART_IER, UART_IER_RDI);
	/* FIFO-less: any byte is received data. */
	rx("a");
	CHECK_HEX(rd(UART_IIR), 0x04);
	rd(UART_RX);
	CHECK_HEX(rd(UART_IIR), 0x01);

	/* Trigger level 4: below it, a character timeout at once. */
	wr(UART_FCR, UART_FCR_ENABLE | 0x40);
	rx("abc");
	CHECK_HEX(rd(UART_IIR), 0xcc);
	rx("d");
	CHECK_HEX(rd(UART_IIR), 0xc4);
	rd(UART_RX);
	CHECK_HEX(rd(UART_IIR), 0xcc);	/* back below the trigger */
	rd(UART_RX);
	rd(UART_RX);
	rd(UART_RX);
	CHECK_HEX(rd(UART_IIR), 0xc1);

	/* Levels 8 and 14. */
	wr(UART_FCR, UART_FCR_ENABLE | 0x80);
	rx("1234567");
	CHECK_HEX(rd(UART_IIR), 0xcc);
	rx("8");
	CHECK_HEX(rd(UART_IIR), 0xc4);
	wr(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR | 0xc0);
	rx("1234567890abc");
	CHECK_HEX(rd(UART_IIR), 0xcc);
	rx("d");
	CHECK_HEX(rd(UART_IIR), 0xc4);
}

static void uart_thre_interrupt(void)
{
	setup();
	/* Turning THRI on with THR empty makes THRE pending ... */
	wr(UART_IER, UART_IER_THRI);
	CHECK_HEX(rd(UART_IIR), 0x02);
	/* ... reading IIR acknowledges it ... */
	CHECK_HEX(rd(UART_IIR), 0x01);
	/* ... rewriting the same IER does not bring it back ... */
	wr(UART_IER, UART_IER_THRI);
	CHECK_HEX(rd(UART_IIR), 0x01);
	/* ... a transmitted byte does ... */
	wr(UART_TX, 'a');
	CHECK_HEX(rd(UART_IIR), 0x02);
	/* ... and so does turning THRI off and on again. */
	wr(UART_IER, 0);
	CHECK_HEX(rd(UART_IIR), 0x01);
	wr(UART_IER, UART_IER_THRI);
	CHECK_HEX(rd(UART_IIR), 0x02);
	/* Turning it off drops a pending one. */
	wr(UART_IER, 0);
	wr(UART_IER, UART_IER_RDI);
	CHECK_HEX(rd(UART_IIR), 0x01);
}

static void uart_irq_line(void)
{
	setup();
	wr(UART_FCR, UART_FCR_ENABLE);
	CHECK_INT(pic.raises, 0);
	CHECK(!uart.irq.level);

	/* Pending and enabled, but OUT2 is clear: nothing on the bus. */
	wr(UART_IER, UART_IER_RDI);
	rx("a");
	CHECK_INT(pic.raises, 0);
	/* OUT2 gates it through, on IRQ 4. */
	wr(UART_MCR, UART_MCR_OUT2);
	CHECK_INT(pic.raises, 1);
	CHECK_INT(pic.irq, COM1_IRQ);
	CHECK(pic.level);
	/* Level: repeated accesses while pending do not raise it again. */
	rd(UART_LSR);
	rd(UART_IIR);
	rx("b");
	CHECK_INT(pic.raises, 1);
	/* It drops when the last pending source is served. */
	rd(UART_RX);
	CHECK(pic.level);
	rd(UART_RX);
	CHECK(!pic.level);
	CHECK_INT(pic.lowers, 1);

	/* THRE: raised by enabling it, lowered by the IIR read. */
	wr(UART_IER, UART_IER_THRI);
	CHECK(pic.level);
	CHECK_HEX(rd(UART_IIR), 0xc2);
	CHECK(!pic.level);
	/* Each transmitted byte raises it again, as Linux's TX path expects. */
	wr(UART_TX, 'x');
	CHECK(pic.level);
	CHECK_INT(pic.raises, 3);
	/* Disabling the source lowers it. */
	wr(UART_IER, 0);
	CHECK(!pic.level);

	/* In loopback the IRQ does not reach the bus, even with OUT2. */
	wr(UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
	wr(UART_IER, UART_IER_RDI);
	wr(UART_TX, 'l');
	CHECK(!pic.level);
	CHECK_HEX(rd(UART_IIR), 0xc4);
	wr(UART_MCR, UART_MCR_OUT2);
	CHECK(pic.level);
	wr(UART_MCR, 0);
	CHECK(!pic.level);
	CHECK_INT(pic.raises, pic.lowers);
}

/* The steps of Linux's autoconfig() and autoconfig_16550a() that decide. */
static void uart_linux_autoconfig(void)
{
	uint8_t scratch2, scratch3, save_mcr, iir, status1, status2, iersave;
	int count;

	setup();
	/* The IER test: only the low four bits, and they stick. */
	wr(UART_IER, 0);
	scratch2 = rd(UART_IER) & 0x0f;
	wr(UART_IER, 0x0f);
	scratch3 = rd(UART_IER) & 0x0f;
	wr(UART_IER, 0);
	CHECK_HEX(scratch2, 0);
	CHECK_HEX(scratch3, 0x0f);

	/* The loopback test. */
	save_mcr = rd(UART_MCR);
	wr(UART_MCR, UART_MCR_LOOP | 0x0a);
	CHECK_HEX(rd(UART_MSR) & 0xf0, 0x90);
	wr(UART_MCR, save_mcr);

	/* EFR (at offset 2 under LCR 0xbf) cleared, then the FIFO bits. */
	wr(UART_LCR, 0xbf);
	wr(UART_FCR, 0);
	wr(UART_LCR, 0);
	wr(UART_FCR, UART_FCR_ENABLE);
	iir = rd(UART_IIR);
	CHECK_INT(iir >> 6, 3);		/* 16550A or later */

	/* No EFR under LCR 0x80 or 0xbf: offset 2 does not read 0. */
	wr(UART_LCR, 0x80);
	CHECK(rd(UART_IIR) != 0);
	wr(UART_LCR, 0xbf);
	CHECK(rd(UART_IIR) != 0);

	/* Not a National SuperIO: the LOOP bit is not mirrored at offset 2. */
	wr(UART_LCR, 0);
	status1 = rd(UART_MCR);
	wr(UART_LCR, 0xe0);
	status2 = rd(UART_IIR);
	CHECK(!((status1 ^ status2) & UART_MCR_LOOP));
	wr(UART_LCR, 0);
	wr(UART_MCR, status1 ^ UART_MCR_LOOP);
	wr(UART_LCR, 0xe0);
	status2 = rd(UART_IIR);
	wr(UART_LCR, 0);
	wr(UART_MCR, status1);
	CHECK(!((status1 ^ status2) & UART_MCR_LOOP));

	/* Not a TI16750: no IIR bit 5 with or without DLAB. */
	wr(UART_FCR, UART_FCR_ENABLE | 0x20);
	status1 = rd(UART_IIR) >> 5;
	wr(UART_FCR, UART_FCR_ENABLE);
	wr(UART_LCR, 0x80);
	wr(UART_FCR, UART_FCR_ENABLE | 0x20);
	status2 = rd(UART_IIR) >> 5;
	wr(UART_FCR, UART_FCR_ENABLE);
	wr(UART_LCR, 0);
	CHECK_INT(status1, 6);
	CHECK_INT(status2, 6);

	/* Not an XScale: IER bit 6 (UUE) does not stick. */
	iersave = rd(UART_IER);
	wr(UART_IER, iersave | 0x40);
	CHECK(!(rd(UART_IER) & 0x40));
	wr(UART_IER, iersave);

	/* size_fifo(): 256 bytes in loopback, count what arrives. */
	wr(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR |
		     UART_FCR_CLEAR_XMIT);
	wr(UART_MCR, UART_MCR_LOOP);
	wr(UART_LCR, 0x80);
	wr(UART_DLL, 1);
	wr(UART_DLM, 0);
	wr(UART_LCR, 0x03);
	for (count = 0; count < 256; count++)
		wr(UART_TX, count);
	for (count = 0; (rd(UART_LSR) & UART_LSR_DR) && count < 256; count++)
		rd(UART_RX);
	CHECK_INT(count, UART_FIFO_SIZE);	/* 16: a plain 16550A */
	CHECK_INT(calls, 0);
}

/* serial8250_do_startup()'s THRE and TXEN tests must find no bugs. */
static void uart_linux_startup_tests(void)
{
	uint8_t iir1, iir, lsr;

	setup();
	/* UART_BUG_THRE: THRE must be reasserted after IER 0 -> THRI. */
	CHECK((rd(UART_LSR) & UART_LSR_THRE));
	wr(UART_IER, UART_IER_THRI);
	iir1 = rd(UART_IIR);
	wr(UART_IER, 0);
	wr(UART_IER, UART_IER_THRI);
	iir = rd(UART_IIR);
	wr(UART_IER, 0);
	CHECK(!(iir1 & UART_IIR_NO_INT));
	CHECK(!(iir & UART_IIR_NO_INT));

	/* UART_BUG_TXEN: enabling THRI must show an interrupt at once. */
	wr(UART_LCR, 0x03);
	wr(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	wr(UART_IER, UART_IER_THRI);
	lsr = rd(UART_LSR);
	iir = rd(UART_IIR);
	wr(UART_IER, 0);
	CHECK(lsr & UART_LSR_TEMT);
	CHECK(!(iir & UART_IIR_NO_INT));
	/* No LSR safety-check trip (0xff means "no UART"). */
	CHECK(rd(UART_LSR) != 0xff);
}

/*
 * guests/io-check.S runs these UART checks through the real module in the
 * rig; the same accesses here catch a model change that would fail it.
 */
static void uart_io_check_guest(void)
{
	struct ioport_bus bus;
	uint8_t d[4];

	setup();
	ioport_bus_init(&bus);
	ioport_register(&bus, COM1_BASE, UART8250_NR_PORTS, &uart8250_ops,
			&uart, "COM1");
#define OUTB(port, v)	do { d[0] = (v); ioport_out(&bus, (port), 1, d); } while (0)
#define INB(port)	(ioport_in(&bus, (port), 1, d), d[0])
	CHECK_HEX(INB(0x3fd), 0x60);			/* 1 */
	OUTB(0x3ff, 0xa5);
	CHECK_HEX(INB(0x3ff), 0xa5);			/* 2 */
	OUTB(0x3ff, 0x5a);
	CHECK_HEX(INB(0x3ff), 0x5a);			/* 3 */
	OUTB(0x3fb, 0x83);
	OUTB(0x3f8, 0x0c);
	OUTB(0x3f9, 0x01);
	CHECK_HEX(INB(0x3f8), 0x0c);			/* 4 */
	CHECK_HEX(INB(0x3f9), 0x01);			/* 5 */
	CHECK_HEX(INB(0x3fb), 0x83);			/* 6 */
	OUTB(0x3fb, 0x03);
	CHECK_HEX(INB(0x3fb), 0x03);			/* 7 */
	CHECK_HEX(INB(0x3f9), 0x00);			/* 8 */
	ioport_in(&bus, 0x3fd, 2, d);
	CHECK_HEX(d[0] | d[1] << 8, 0xb060);		/* 12 */
	d[0] = 0x00;
	d[1] = 0x77;
	ioport_out(&bus, 0x3fe, 2, d);
	CHECK_HEX(INB(0x3ff), 0x77);			/* 13 */
	OUTB(0x3fc, 0x1a);
	CHECK_HEX(INB(0x3fe), 0x90);			/* 14 */
	OUTB(0x3f8, 'X');
	OUTB(0x3fc, 0x03);
	CHECK_HEX(INB(0x3fa), 0x01);			/* 15 */
	OUTB(0x3fa, 0x07);
	CHECK_HEX(INB(0x3fa), 0xc1);			/* 16 */
	ioport_in(&bus, 0x3fd, 4, d);
	CHECK_HEX(d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24,
		  0xff77b060);				/* 17 */
#undef OUTB
#undef INB
	CHECK_INT(calls, 0);	/* nothing leaked onto the line */
}

const struct test uart_tests[] = {
	{ "uart: THR writes reach the sink in order", uart_transmit },
	{ "uart: LSR reports THRE|TEMT always, DR while data waits", uart_lsr },
	{ "uart: DLAB switches offsets 0-1 to the divisor latch", uart_dlab },
	{ "uart: SCR, IER, MCR, LCR keep written values", uart_registers_hold_values },
	{ "uart: FCR bits, IIR FIFO bits, no EFR or 64-byte mode", uart_iir_fcr },
	{ "uart: MSR, loopback wiring and deltas, loopback transmit", uart_msr_loopback },
	{ "uart: no output sink or IRQ line is safe", uart_no_sink },
	{ "uart: COM1 through the bus, wide accesses", uart_on_bus },
	{ "uart: receive FIFO, holding register, room, resets", uart_receive_fifo },
	{ "uart: loopback feeds the receiver, overruns set OE", uart_loopback_receive },
	{ "uart: IIR priorities and what clears each source", uart_iir_priorities },
	{ "uart: data available vs timeout by trigger level", uart_rx_trigger_and_timeout },
	{ "uart: THRE interrupt set, acknowledged and reasserted", uart_thre_interrupt },
	{ "uart: IRQ 4 line is level, gated by OUT2, off in loopback", uart_irq_line },
	{ "uart: Linux's 8250 autoconfig sees a 16550A", uart_linux_autoconfig },
	{ "uart: Linux's startup THRE and TXEN tests find no bug", uart_linux_startup_tests },
	{ "uart: the io-check guest's UART checks still hold", uart_io_check_guest },
	{ NULL, NULL },
};
