/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_UART8250_H
#define MINIVM_RUN_UART8250_H

#include <stdint.h>

#include "ioport.h"

#define COM1_BASE		0x3f8
#define UART8250_NR_PORTS	8

/* Register offsets from the base port (names as in Linux's serial_reg.h). */
#define UART_RX		0	/* in:  receive buffer (DLAB=0) */
#define UART_TX		0	/* out: transmit holding (DLAB=0) */
#define UART_DLL	0	/* divisor latch, low byte (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLM	1	/* divisor latch, high byte (DLAB=1) */
#define UART_IIR	2	/* in:  interrupt identification */
#define UART_FCR	2	/* out: FIFO control */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define UART_MSR	6	/* modem status */
#define UART_SCR	7	/* scratch */

#define UART_LCR_DLAB	0x80
#define UART_MCR_LOOP	0x10
#define UART_LSR_TEMT	0x40	/* transmitter empty */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_IIR_NO_INT	0x01
#define UART_IIR_FIFO	0xc0	/* FIFOs enabled (16550A) */
#define UART_FCR_ENABLE	0x01
#define UART_MSR_DCD	0x80
#define UART_MSR_RI	0x40
#define UART_MSR_DSR	0x20
#define UART_MSR_CTS	0x10

/* Receives each byte the guest transmits. */
typedef void (*uart_tx_fn)(void *ctx, uint8_t byte);

struct uart8250 {
	uint8_t dll, dlm;	/* divisor latch: kept, a baud rate means nothing here */
	uint8_t ier, fcr, lcr, mcr, scr;
	uart_tx_fn tx;
	void *tx_ctx;
};

void uart8250_init(struct uart8250 *uart, uart_tx_fn tx, void *tx_ctx);

extern const struct ioport_ops uart8250_ops;

#endif /* MINIVM_RUN_UART8250_H */
