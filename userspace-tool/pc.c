// SPDX-License-Identifier: GPL-2.0
/* The machine's devices, their ports, IRQs and host sides (see pc.h). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/port-sink.h"
#include "exitcode.h"
#include "pc.h"
#include "util.h"

/*
 * COM1's transmitter writes straight to fd 1, a byte at a time: stdio
 * buffering would lose the tail of the output when the guest ends the run
 * with debug-exit, and the per-byte write() is cheap next to the VM exit
 * that produced the byte.
 */
static void stdout_tx(void *ctx, uint8_t byte)
{
	bool *failed = ctx;
	ssize_t n;

	if (*failed)
		return;
	do {
		n = write(STDOUT_FILENO, &byte, 1);
	} while (n < 0 && errno == EINTR);

	/* Keep the guest running, as a serial line with no one listening. */
	if (n < 0) {
		pr_err("cannot write guest output to stdout: %s; discarding the rest",
		       strerror(errno));
		*failed = true;
	}
}

static int64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The PIT counts host time that never jumps: its ticks are the guest's. */
static uint64_t pit_clock(void *ctx)
{
	(void)ctx;
	return clock_ns(CLOCK_MONOTONIC);
}

/* The RTC is the host's wall clock, in UTC, as a PC's CMOS clock is. */
static int64_t rtc_clock(void *ctx)
{
	(void)ctx;
	return clock_ns(CLOCK_REALTIME);
}

static void i8042_reset(void *ctx)
{
	struct pc *pc = ctx;

	pc->reset = true;
}

/*
 * The device's line level is the I/O APIC pin's: edge-triggered ISA pins
 * interrupt on the rise, so the models' raise/lower (and the PIT's pulse)
 * are passed on as they come.
 */
static void irq_set(struct pc *pc, unsigned int irq, bool level)
{
	const struct accel_ops *ops = pc->accel->ops;
	int ret = ops->irq_line(pc->accel, irq, level);

	if (ret)
		die(STATUS_OS_ERROR, "%sIRQ_LINE (irq %u, level %d): %s",
		    ops->ioctl_prefix, irq, level, strerror(-ret));
}

static void irq_raise(void *ctx, unsigned int irq)
{
	irq_set(ctx, irq, true);
}

static void irq_lower(void *ctx, unsigned int irq)
{
	irq_set(ctx, irq, false);
}

static void connect(struct pc *pc, struct irq_line *line, unsigned int irq)
{
	irq_line_connect(line, irq, irq_raise, irq_lower, pc);
}

static void add(struct pc *pc, uint16_t base, uint16_t len,
		const struct ioport_ops *ops, void *dev, const char *name)
{
	int ret = ioport_register(&pc->bus, base, len, ops, dev, name);

	/* Only a bug here can make this fail: the device map is fixed. */
	if (ret)
		die(STATUS_OS_ERROR, "cannot register %s at port 0x%x: %s",
		    name, base, strerror(-ret));
}

void pc_init_flat(struct pc *pc)
{
	memset(pc, 0, sizeof(*pc));
	ioport_bus_init(&pc->bus);
	mmio_bus_init(&pc->mmio);
	uart8250_init(&pc->com1, stdout_tx, &pc->stdout_failed);
	add(pc, COM1_BASE, UART8250_NR_PORTS, &uart8250_ops, &pc->com1, "COM1");
	debug_exit_init(&pc->dx);
	add(pc, DEBUG_EXIT_PORT, DEBUG_EXIT_NR_PORTS, &debug_exit_ops, &pc->dx,
	    "debug-exit");
}

void pc_init_kernel(struct pc *pc, struct accel *accel, uint64_t mem_below_4g)
{
	pc_init_flat(pc);
	pc->accel = accel;
	connect(pc, &pc->com1.irq, COM1_IRQ);

	rtc_init(&pc->rtc, rtc_clock, NULL, mem_below_4g);
	connect(pc, &pc->rtc.irq, RTC_IRQ);
	add(pc, RTC_BASE, RTC_NR_PORTS, &rtc_ops, &pc->rtc, "RTC");

	i8042_init(&pc->i8042, i8042_reset, pc);
	connect(pc, &pc->i8042.kbd_irq, I8042_KBD_IRQ);
	connect(pc, &pc->i8042.aux_irq, I8042_AUX_IRQ);
	add(pc, I8042_DATA_PORT, 1, &i8042_data_ops, &pc->i8042, "i8042");
	add(pc, I8042_COMMAND_PORT, 1, &i8042_command_ops, &pc->i8042, "i8042");

	pci_none_init(&pc->pci);
	add(pc, PCI_CONFIG_ADDRESS, PCI_CONFIG_NR_PORTS, &pci_none_address_ops,
	    &pc->pci, "PCI config address");
	add(pc, PCI_CONFIG_DATA, PCI_CONFIG_NR_PORTS, &pci_none_data_ops,
	    &pc->pci, "PCI config data");

	pit_init(&pc->pit, pit_clock, NULL);
	connect(pc, &pc->pit.irq, PIT_IRQ);
	add(pc, PIT_BASE, PIT_NR_PORTS, &pit_ops, &pc->pit, "PIT");
	add(pc, PIT_PORT_B, PIT_PORT_B_NR_PORTS, &pit_port_b_ops, &pc->pit, "port B");

	add(pc, IO_DELAY_PORT, IO_DELAY_NR_PORTS, &port_sink_ops, NULL, "I/O delay");
	add(pc, PIC_MASTER_BASE, PIC_NR_PORTS, &port_sink_ops, NULL, "no PIC");
	add(pc, PIC_SLAVE_BASE, PIC_NR_PORTS, &port_sink_ops, NULL, "no PIC");
}
