/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_UART8250_H
#define MINIVM_RUN_UART8250_H

#include <stddef.h>
#include <stdint.h>

#include "devices/irq-line.h"
#include "ioport.h"

#define COM1_BASE		0x3f8
#define COM1_IRQ		4
#define UART8250_NR_PORTS	8
#define UART_FIFO_SIZE		16	/* the 16550A's receive FIFO */

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

#define UART_IER_RDI		0x01	/* received data available */
#define UART_IER_THRI		0x02	/* transmit holding register empty */
#define UART_IER_RLSI		0x04	/* receiver line status */
#define UART_IER_MSI		0x08	/* modem status */

#define UART_IIR_NO_INT		0x01
#define UART_IIR_ID		0x0e
#define UART_IIR_MSI		0x00
#define UART_IIR_THRI		0x02
#define UART_IIR_RDI		0x04
#define UART_IIR_RLSI		0x06
#define UART_IIR_RX_TIMEOUT	0x0c
#define UART_IIR_FIFO		0xc0	/* FIFOs enabled (16550A) */

#define UART_FCR_ENABLE		0x01
#define UART_FCR_CLEAR_RCVR	0x02
#define UART_FCR_CLEAR_XMIT	0x04
#define UART_FCR_DMA_SELECT	0x08
#define UART_FCR_TRIGGER	0xc0	/* receive trigger: 1, 4, 8, 14 bytes */

#define UART_LCR_DLAB		0x80

#define UART_MCR_DTR		0x01
#define UART_MCR_RTS		0x02
#define UART_MCR_OUT1		0x04
#define UART_MCR_OUT2		0x08	/* on a PC, gates the IRQ onto the bus */
#define UART_MCR_LOOP		0x10

#define UART_LSR_DR		0x01	/* data ready */
#define UART_LSR_OE		0x02	/* overrun error */
#define UART_LSR_THRE		0x20	/* transmit holding register empty */
#define UART_LSR_TEMT		0x40	/* transmitter empty */

#define UART_MSR_DCTS		0x01
#define UART_MSR_DDSR		0x02
#define UART_MSR_TERI		0x04	/* RI went from on to off */
#define UART_MSR_DDCD		0x08
#define UART_MSR_DELTAS		0x0f
#define UART_MSR_CTS		0x10
#define UART_MSR_DSR		0x20
#define UART_MSR_RI		0x40
#define UART_MSR_DCD		0x80

/* Receives each byte the guest transmits. */
typedef void (*uart_tx_fn)(void *ctx, uint8_t byte);

struct uart8250 {
	uint8_t dll, dlm;	/* divisor latch: kept, a baud rate means nothing here */
	uint8_t ier, fcr, lcr, mcr, scr;
	uint8_t lsr_errors;	/* OE until LSR is read */
	uint8_t msr_deltas;	/* MSR bits 0-3 until MSR is read */
	uint8_t rbr;		/* the last byte the guest read from RX */
	bool thr_ipending;	/* THRE interrupt, until IIR reports it or THR is written */

	/* Receive FIFO (one byte deep while FCR disables the FIFOs). */
	uint8_t rx[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;

	uart_tx_fn tx;
	void *tx_ctx;
	/* IRQ 4 for COM1; connect with irq_line_connect() after init. */
	struct irq_line irq;
};

/* Reset state, transmitting to @tx (NULL: bytes are dropped), no IRQ line. */
void uart8250_init(struct uart8250 *uart, uart_tx_fn tx, void *tx_ctx);

/*
 * Bytes from the host side of the line (the VMM's stdin reader): queues
 * as many of @len as the receive FIFO has room for and returns that
 * number; the caller keeps the rest and offers it again later. Returns 0
 * in loopback mode, where the receiver listens only to the transmitter.
 */
size_t uart8250_receive(struct uart8250 *uart, const uint8_t *buf, size_t len);

/* How many bytes uart8250_receive() would take now. */
size_t uart8250_rx_room(const struct uart8250 *uart);

extern const struct ioport_ops uart8250_ops;

#endif /* MINIVM_RUN_UART8250_H */
