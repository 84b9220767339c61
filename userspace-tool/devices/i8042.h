/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_I8042_H
#define MINIVM_RUN_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq-line.h"
#include "ioport.h"

#define I8042_DATA_PORT		0x60
#define I8042_COMMAND_PORT	0x64	/* status when read */
#define I8042_KBD_IRQ		1
#define I8042_AUX_IRQ		12

/* Status register bits (names as in Linux's i8042.h). */
#define I8042_STR_OBF		0x01	/* output buffer full */
#define I8042_STR_IBF		0x02	/* input buffer full: never, we are quick */
#define I8042_STR_SYSFLAG	0x04	/* the CTR's system flag */
#define I8042_STR_CMDDAT	0x08	/* the last write was a command */
#define I8042_STR_KEYLOCK	0x10	/* set: the keyboard is not inhibited */
#define I8042_STR_AUXDATA	0x20	/* the output byte came from the AUX port */
#define I8042_STR_TIMEOUT	0x40
#define I8042_STR_PARITY	0x80

/* Controller configuration byte (CTR). */
#define I8042_CTR_KBDINT	0x01
#define I8042_CTR_AUXINT	0x02
#define I8042_CTR_SYSFLAG	0x04
#define I8042_CTR_KBDDIS	0x10
#define I8042_CTR_AUXDIS	0x20
#define I8042_CTR_XLATE		0x40

/* Output port bits. */
#define I8042_OUT_RESET		0x01	/* the CPU's reset line, active low */
#define I8042_OUT_A20		0x02	/* kept; A20 is always on */

/* What the controller answers for a device that is not there. */
#define I8042_RET_NO_DEVICE	0xfe

/* The guest asked the controller to reset the CPU. */
typedef void (*i8042_reset_fn)(void *ctx);

struct i8042 {
	uint8_t ram[32];	/* internal RAM; byte 0 is the CTR */
	uint8_t status;		/* OBF, CMDDAT and the output byte's flags */
	uint8_t out;		/* the output buffer: kept after it is read */
	uint8_t outport;
	uint8_t pending;	/* a command waiting for its data byte, or 0 */
	i8042_reset_fn reset;
	void *reset_ctx;
	/* IRQ 1 and 12; connect with irq_line_connect() after init. */
	struct irq_line kbd_irq;
	struct irq_line aux_irq;
};

/*
 * A controller as a BIOS leaves it, with no keyboard or mouse attached:
 * CTR 0x65 (translation, AUX disabled, system flag, keyboard interrupt),
 * output port 0x03. @reset (may be NULL) is called for the pulse-reset
 * commands (0xfe: Linux's reboot=k) and for an output port write that
 * drops bit 0.
 */
void i8042_init(struct i8042 *i8042, i8042_reset_fn reset, void *reset_ctx);

extern const struct ioport_ops i8042_data_ops;		/* I8042_DATA_PORT */
extern const struct ioport_ops i8042_command_ops;	/* I8042_COMMAND_PORT */

#endif /* MINIVM_RUN_I8042_H */
