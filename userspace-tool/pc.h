/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine's devices and where they sit: the port map, the IRQ wiring
 * to the accelerator's in-kernel I/O APIC, the host side of each device
 * (stdout for COM1's transmitter, host clocks for the PIT and the RTC).
 *
 *   ports      device                    IRQ   flat binary  kernel
 *   0x3f8-3ff  COM1, 16550A              4     yes (no IRQ) yes
 *   0xf4       debug-exit                -     yes          yes
 *   0x70-71    CMOS RTC                  8                  yes
 *   0x60,64    i8042, no keyboard/mouse  1,12               yes
 *   0xcf8-cff  PCI config #1, no devices -                  yes
 *   0x40-43    8254 PIT                  0                  yes
 *   0x61       port B (PIT gate 2, OUT2) -                  yes
 *   0x80       I/O delay: a sink         -                  yes
 *   0x20-21,   no 8259A PICs: a sink     -                  yes
 *   0xa0-a1
 *
 * A flat binary keeps the two devices it always had and no irqchip. A
 * kernel gets everything, its IRQ n on I/O APIC pin n as the MP table
 * says (boot/mptable.h).
 */
#ifndef MINIVM_RUN_PC_H
#define MINIVM_RUN_PC_H

#include <stdbool.h>
#include <stdint.h>

#include "accel/accel.h"
#include "devices/debug-exit.h"
#include "devices/i8042.h"
#include "devices/pci-none.h"
#include "devices/pit.h"
#include "devices/rtc.h"
#include "devices/uart8250.h"
#include "ioport.h"
#include "mmio.h"

struct pc {
	struct ioport_bus bus;
	struct mmio_bus mmio;
	struct uart8250 com1;
	struct debug_exit dx;
	struct rtc rtc;
	struct i8042 i8042;
	struct pci_none pci;
	struct pit pit;
	bool reset;		/* the i8042 pulled the CPU's reset line */
	bool stdout_failed;	/* COM1's output is being discarded */
	struct accel *accel;	/* the IRQ lines' controller; NULL: none */
};

/* COM1 and debug-exit, no interrupt lines: a flat binary's machine. */
void pc_init_flat(struct pc *pc);

/*
 * Every device, IRQ lines to @accel's in-kernel irqchip (which must
 * exist); @mem_below_4g is the RAM the RTC's CMOS reports. Exits with 71
 * if a line cannot be driven later.
 */
void pc_init_kernel(struct pc *pc, struct accel *accel, uint64_t mem_below_4g);

#endif /* MINIVM_RUN_PC_H */
