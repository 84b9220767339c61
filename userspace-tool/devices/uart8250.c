// SPDX-License-Identifier: GPL-2.0
/*
 * An 8250/16550A UART, as a PC's COM port.
 *
 * Transmission is instantaneous: a byte written to THR leaves at once, so
 * LSR always reports THRE and TEMT and a polling guest never waits. The
 * THRE interrupt follows from that: it is pending again right after each
 * THR write, and, as on a 16550 (and in QEMU, which Windows needs),
 * whenever IER's THRI bit is turned on. Linux's startup test for UARTs
 * that fail to reassert THRE relies on the latter.
 *
 * Received bytes come from the VMM (uart8250_receive()) into a 16-byte
 * FIFO, or a single holding register while FCR disables the FIFOs. The
 * VMM offers bytes only while there is room, so the line never overruns;
 * only loopback, where the guest itself fills the FIFO (Linux's FIFO size
 * probe writes 256 bytes), can set OE.
 *
 * Interrupts are identified in IIR by the 16550's priorities: line status
 * (OE), then received data, then THRE, then modem status. With the FIFOs
 * enabled, data below the trigger level is reported as a character
 * timeout (IIR 0x0c) at once: no character times are modelled, and
 * waiting for the trigger level would leave a single typed key unseen.
 * Linux handles both identifications the same way.
 *
 * The IRQ line is asserted while an enabled interrupt is pending and MCR's
 * OUT2 is set, as a PC wires OUT2 to gate the UART's interrupt onto the
 * ISA bus (Linux sets OUT2 for this). In loopback OUT2 is cut off from
 * the pin like the other outputs, so no IRQ reaches the bus.
 *
 * Everything else holds what the guest wrote, as on hardware, because
 * drivers probe for a UART by writing a register and reading it back.
 * Linux's autoconfig finds a 16550A: IER keeps exactly its low four bits,
 * loopback wires MCR to MSR, IIR shows 0xc0 with the FIFOs on and neither
 * bit 5 (a 16750) nor bit 4, offset 2 reads IIR whatever LCR holds (no
 * EFR), and the receive FIFO holds 16 bytes.
 */
#include <string.h>

#include "devices/uart8250.h"

/* Without a modem, DCD, DSR and CTS say a terminal is ready (as kvmtool). */
#define UART_MSR_LINES_IDLE	(UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

void uart8250_init(struct uart8250 *uart, uart_tx_fn tx, void *tx_ctx)
{
	memset(uart, 0, sizeof(*uart));
	uart->tx = tx;
	uart->tx_ctx = tx_ctx;
}

static bool fifo_enabled(const struct uart8250 *uart)
{
	return uart->fcr & UART_FCR_ENABLE;
}

static unsigned int rx_capacity(const struct uart8250 *uart)
{
	return fifo_enabled(uart) ? UART_FIFO_SIZE : 1;
}

static unsigned int rx_trigger(const struct uart8250 *uart)
{
	static const unsigned int levels[] = { 1, 4, 8, 14 };

	return levels[(uart->fcr & UART_FCR_TRIGGER) >> 6];
}

/*
 * The modem-status inputs. In loopback mode the modem-control outputs are
 * wired back to them: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
 */
static uint8_t msr_lines(uint8_t mcr)
{
	if (!(mcr & UART_MCR_LOOP))
		return UART_MSR_LINES_IDLE;

	return ((mcr & UART_MCR_DTR) << 5) |	/* DTR  -> DSR */
	       ((mcr & UART_MCR_RTS) << 3) |	/* RTS  -> CTS */
	       ((mcr & UART_MCR_OUT1) << 4) |	/* OUT1 -> RI  */
	       ((mcr & UART_MCR_OUT2) << 4);	/* OUT2 -> DCD */
}

/*
 * The highest-priority interrupt pending that IER enables, as IIR bits
 * 0-3 (UART_IIR_NO_INT if none).
 */
static uint8_t pending_interrupt(const struct uart8250 *uart)
{
	if ((uart->ier & UART_IER_RLSI) && uart->lsr_errors)
		return UART_IIR_RLSI;
	if ((uart->ier & UART_IER_RDI) && uart->rx_count) {
		if (fifo_enabled(uart) && uart->rx_count < rx_trigger(uart))
			return UART_IIR_RX_TIMEOUT;
		return UART_IIR_RDI;
	}
	if ((uart->ier & UART_IER_THRI) && uart->thr_ipending)
		return UART_IIR_THRI;
	if ((uart->ier & UART_IER_MSI) && uart->msr_deltas)
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

static void update_irq(struct uart8250 *uart)
{
	bool gate = (uart->mcr & (UART_MCR_OUT2 | UART_MCR_LOOP)) ==
		    UART_MCR_OUT2;

	irq_line_set(&uart->irq,
		     gate && pending_interrupt(uart) != UART_IIR_NO_INT);
}

static void rx_clear(struct uart8250 *uart)
{
	uart->rx_head = 0;
	uart->rx_count = 0;
}

/*
 * A byte reaching the receiver. A full FIFO keeps its contents and loses
 * the new byte; the single holding register of FIFO-less operation is
 * overwritten instead. Either way that is an overrun.
 */
static void rx_push(struct uart8250 *uart, uint8_t byte)
{
	unsigned int cap = rx_capacity(uart);

	if (uart->rx_count == cap) {
		uart->lsr_errors |= UART_LSR_OE;
		if (cap > 1)
			return;
		rx_clear(uart);
	}
	uart->rx[(uart->rx_head + uart->rx_count) % UART_FIFO_SIZE] = byte;
	uart->rx_count++;
}

static uint8_t rx_pop(struct uart8250 *uart)
{
	if (uart->rx_count) {
		uart->rbr = uart->rx[uart->rx_head];
		uart->rx_head = (uart->rx_head + 1) % UART_FIFO_SIZE;
		uart->rx_count--;
	}
	/* An empty RBR reads as the last byte it held, as on hardware. */
	return uart->rbr;
}

size_t uart8250_rx_room(const struct uart8250 *uart)
{
	if (uart->mcr & UART_MCR_LOOP)
		return 0;
	return rx_capacity(uart) - uart->rx_count;
}

size_t uart8250_receive(struct uart8250 *uart, const uint8_t *buf, size_t len)
{
	size_t n = uart8250_rx_room(uart);
	size_t i;

	if (n > len)
		n = len;
	for (i = 0; i < n; i++)
		rx_push(uart, buf[i]);
	update_irq(uart);
	return n;
}

static uint8_t read_iir(struct uart8250 *uart)
{
	uint8_t id = pending_interrupt(uart);

	/*
	 * Reading IIR is what acknowledges THRE; the other sources clear
	 * when their own register is read.
	 */
	if (id == UART_IIR_THRI)
		uart->thr_ipending = false;
	return id | (fifo_enabled(uart) ? UART_IIR_FIFO : 0);
}

static uint8_t read_lsr(struct uart8250 *uart)
{
	uint8_t lsr = UART_LSR_TEMT | UART_LSR_THRE | uart->lsr_errors;

	if (uart->rx_count)
		lsr |= UART_LSR_DR;
	uart->lsr_errors = 0;
	return lsr;
}

static uint8_t read_msr(struct uart8250 *uart)
{
	uint8_t msr = msr_lines(uart->mcr) | uart->msr_deltas;

	uart->msr_deltas = 0;
	return msr;
}

static uint8_t uart_read(void *dev, uint16_t offset)
{
	struct uart8250 *uart = dev;
	bool dlab = uart->lcr & UART_LCR_DLAB;
	uint8_t val = 0xff;

	switch (offset) {
	case UART_RX:
		val = dlab ? uart->dll : rx_pop(uart);
		break;
	case UART_IER:
		val = dlab ? uart->dlm : uart->ier;
		break;
	case UART_IIR:
		/* Not banked by DLAB: a 16550A has no EFR behind it. */
		val = read_iir(uart);
		break;
	case UART_LCR:
		val = uart->lcr;
		break;
	case UART_MCR:
		val = uart->mcr;
		break;
	case UART_LSR:
		val = read_lsr(uart);
		break;
	case UART_MSR:
		val = read_msr(uart);
		break;
	case UART_SCR:
		val = uart->scr;
		break;
	}
	update_irq(uart);
	return val;
}

static void write_thr(struct uart8250 *uart, uint8_t val)
{
	uart->thr_ipending = false;
	/* In loopback the transmitter's output goes to the receiver only. */
	if (uart->mcr & UART_MCR_LOOP)
		rx_push(uart, val);
	else if (uart->tx)
		uart->tx(uart->tx_ctx, val);
	/* The byte has left: THR is empty again. */
	uart->thr_ipending = true;
}

static void write_ier(struct uart8250 *uart, uint8_t val)
{
	uint8_t old = uart->ier;

	uart->ier = val & 0x0f;	/* the upper four bits read as 0 */
	if ((old ^ uart->ier) & UART_IER_THRI)
		uart->thr_ipending = uart->ier & UART_IER_THRI;
}

static void write_fcr(struct uart8250 *uart, uint8_t val)
{
	/* Turning the FIFOs on or off empties them. */
	if ((val ^ uart->fcr) & UART_FCR_ENABLE)
		rx_clear(uart);
	if (!(val & UART_FCR_ENABLE)) {
		/* The other bits are only programmed along with FCR0. */
		uart->fcr = 0;
		return;
	}
	if (val & UART_FCR_CLEAR_RCVR)
		rx_clear(uart);
	/*
	 * Clearing the transmit FIFO has nothing to do: it is always empty.
	 * Bits 1-2 clear themselves, bits 4-5 are reserved.
	 */
	uart->fcr = val & (UART_FCR_ENABLE | UART_FCR_DMA_SELECT |
			   UART_FCR_TRIGGER);
}

/*
 * In loopback the modem-status inputs follow MCR, and a change there sets
 * the delta bits as a change on the pins would (the 16550's diagnostic
 * mode keeps modem-status interrupts working). Entering or leaving
 * loopback switches the inputs' source without recording deltas, as QEMU
 * does: probes (Linux's, the io-check guest's) read MSR right after and
 * expect the lines alone.
 */
static void write_mcr(struct uart8250 *uart, uint8_t val)
{
	uint8_t old_lines = msr_lines(uart->mcr);
	bool was_loop = uart->mcr & UART_MCR_LOOP;
	uint8_t lines, changed;

	uart->mcr = val & 0x1f;	/* the upper three bits read as 0 */
	if (!was_loop || !(uart->mcr & UART_MCR_LOOP))
		return;

	lines = msr_lines(uart->mcr);
	changed = old_lines ^ lines;
	if (changed & UART_MSR_CTS)
		uart->msr_deltas |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		uart->msr_deltas |= UART_MSR_DDSR;
	if (changed & UART_MSR_DCD)
		uart->msr_deltas |= UART_MSR_DDCD;
	if ((old_lines & UART_MSR_RI) && !(lines & UART_MSR_RI))
		uart->msr_deltas |= UART_MSR_TERI;
}

static void uart_write(void *dev, uint16_t offset, uint8_t val)
{
	struct uart8250 *uart = dev;
	bool dlab = uart->lcr & UART_LCR_DLAB;

	switch (offset) {
	case UART_TX:
		if (dlab)
			uart->dll = val;
		else
			write_thr(uart, val);
		break;
	case UART_IER:
		if (dlab)
			uart->dlm = val;
		else
			write_ier(uart, val);
		break;
	case UART_FCR:
		write_fcr(uart, val);
		break;
	case UART_LCR:
		uart->lcr = val;
		break;
	case UART_MCR:
		write_mcr(uart, val);
		break;
	case UART_SCR:
		uart->scr = val;
		break;
	/* LSR and MSR are status registers: writes change nothing. */
	}
	update_irq(uart);
}

const struct ioport_ops uart8250_ops = {
	.read	= uart_read,
	.write	= uart_write,
};
