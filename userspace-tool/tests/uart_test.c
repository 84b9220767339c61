// SPDX-License-Identifier: GPL-2.0
/* The 8250 UART's transmit side and register file. */
#include "ioport.h"
#include "devices/uart8250.h"
#include "test.h"

static char txbuf[64];
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

static void setup(void)
{
	txlen = 0;
	txbuf[0] = '\0';
	calls = 0;
	uart8250_init(&uart, capture, &calls);
}

static uint8_t rd(uint16_t off)
{
	return uart8250_ops.read(&uart, off);
}

static void wr(uint16_t off, uint8_t v)
{
	uart8250_ops.write(&uart, off, v);
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
	CHECK_HEX(rd(UART_LSR), 0x60);
	wr(UART_LSR, 0x00);	/* read-only */
	CHECK_HEX(rd(UART_LSR), 0x60);
	CHECK_HEX(rd(UART_RX), 0);	/* nothing received */
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
	wr(UART_LCR, 0);
	CHECK_HEX(rd(UART_IER), 0x05);
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
	wr(UART_FCR, 0x00);
	CHECK_HEX(rd(UART_IIR), 0x01);
}

static void uart_msr_loopback(void)
{
	setup();
	CHECK_HEX(rd(UART_MSR), 0xb0);	/* DCD | DSR | CTS */
	wr(UART_MCR, UART_MCR_LOOP | 0x0a);	/* Linux's probe: RTS | OUT2 */
	CHECK_HEX(rd(UART_MSR) & 0xf0, 0x90);
	wr(UART_MCR, UART_MCR_LOOP | 0x01);	/* DTR */
	CHECK_HEX(rd(UART_MSR), 0x20);
	wr(UART_MCR, UART_MCR_LOOP | 0x04);	/* OUT1 */
	CHECK_HEX(rd(UART_MSR), 0x40);
	wr(UART_MCR, UART_MCR_LOOP | 0x0f);
	CHECK_HEX(rd(UART_MSR), 0xf0);
	wr(UART_MSR, 0x00);	/* read-only */
	CHECK_HEX(rd(UART_MSR), 0xf0);

	/* Loopback keeps bytes off the line. */
	wr(UART_TX, 'X');
	CHECK_INT(calls, 0);
	wr(UART_MCR, 0x03);
	wr(UART_TX, 'Y');
	CHECK_STR(txbuf, "Y");
}

static void uart_no_sink(void)
{
	struct uart8250 u;

	uart8250_init(&u, NULL, NULL);
	uart8250_ops.write(&u, UART_TX, 'z');	/* must not crash */
	CHECK_HEX(uart8250_ops.read(&u, UART_LSR), 0x60);
}

static void uart_on_bus(void)
{
	struct ioport_bus bus;
	uint8_t d[2] = { 0 };

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
}

const struct test uart_tests[] = {
	{ "uart: THR writes reach the sink in order", uart_transmit },
	{ "uart: LSR always reports THRE|TEMT", uart_lsr },
	{ "uart: DLAB switches offsets 0-1 to the divisor latch", uart_dlab },
	{ "uart: SCR, IER, MCR, LCR keep written values", uart_registers_hold_values },
	{ "uart: IIR reports no interrupt and the FIFO state", uart_iir_fcr },
	{ "uart: MSR, loopback wiring and loopback transmit", uart_msr_loopback },
	{ "uart: no output sink is safe", uart_no_sink },
	{ "uart: COM1 through the bus, wide accesses", uart_on_bus },
	{ NULL, NULL },
};
