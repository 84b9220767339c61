// SPDX-License-Identifier: GPL-2.0
/*
 * An 8250/16550A UART, transmit side only.
 *
 * A guest's serial driver polls LSR until THRE says the transmitter can
 * take a byte, then writes THR. Here the byte leaves at once, so LSR always
 * reports THRE and TEMT and a polling guest never waits. Nothing is ever
 * received: RBR reads 0 and LSR never sets DR. No interrupt is raised (no
 * interrupt controller exists yet), so IIR always says none is pending.
 *
 * The other registers hold what the guest wrote, as on hardware, because
 * drivers probe for a UART by writing a register and reading it back
 * (Linux's autoconfig uses SCR, IER and loopback MSR; SeaBIOS uses IER).
 */
#include "devices/uart8250.h"

void uart8250_init(struct uart8250 *uart, uart_tx_fn tx, void *tx_ctx)
{
	*uart = (struct uart8250) {
		.tx	= tx,
		.tx_ctx	= tx_ctx,
	};
}

/*
 * In loopback mode the modem-control outputs are wired back to the
 * modem-status inputs: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
 */
static uint8_t uart_msr(const struct uart8250 *uart)
{
	uint8_t mcr = uart->mcr;

	if (!(mcr & UART_MCR_LOOP))
		/* A terminal is attached and ready, as kvmtool reports. */
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;

	return ((mcr & 0x01) << 5) |	/* DTR  -> DSR */
	       ((mcr & 0x02) << 3) |	/* RTS  -> CTS */
	       ((mcr & 0x04) << 4) |	/* OUT1 -> RI  */
	       ((mcr & 0x08) << 4);	/* OUT2 -> DCD */
}

static uint8_t uart_read(void *dev, uint16_t offset)
{
	struct uart8250 *uart = dev;
	bool dlab = uart->lcr & UART_LCR_DLAB;

	switch (offset) {
	case UART_RX:
		return dlab ? uart->dll : 0;
	case UART_IER:
		return dlab ? uart->dlm : uart->ier;
	case UART_IIR:
		return UART_IIR_NO_INT |
		       (uart->fcr & UART_FCR_ENABLE ? UART_IIR_FIFO : 0);
	case UART_LCR:
		return uart->lcr;
	case UART_MCR:
		return uart->mcr;
	case UART_LSR:
		return UART_LSR_TEMT | UART_LSR_THRE;
	case UART_MSR:
		return uart_msr(uart);
	case UART_SCR:
		return uart->scr;
	}
	return 0xff;
}

static void uart_write(void *dev, uint16_t offset, uint8_t val)
{
	struct uart8250 *uart = dev;
	bool dlab = uart->lcr & UART_LCR_DLAB;

	switch (offset) {
	case UART_TX:
		if (dlab)
			uart->dll = val;
		/*
		 * In loopback the transmitter's output is cut off from the
		 * line; the byte would reappear at RBR, which we lack.
		 */
		else if (!(uart->mcr & UART_MCR_LOOP) && uart->tx)
			uart->tx(uart->tx_ctx, val);
		break;
	case UART_IER:
		if (dlab)
			uart->dlm = val;
		else
			uart->ier = val & 0x0f;	/* upper four bits read as 0 */
		break;
	case UART_FCR:
		/* Bits 1-2 reset the FIFOs and clear themselves. */
		uart->fcr = val & 0xc9;
		break;
	case UART_LCR:
		uart->lcr = val;
		break;
	case UART_MCR:
		uart->mcr = val & 0x1f;	/* upper three bits read as 0 */
		break;
	case UART_SCR:
		uart->scr = val;
		break;
	/* LSR and MSR are status registers: writes change nothing. */
	}
}

const struct ioport_ops uart8250_ops = {
	.read	= uart_read,
	.write	= uart_write,
};
