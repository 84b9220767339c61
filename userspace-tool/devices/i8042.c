// SPDX-License-Identifier: GPL-2.0
/*
 * The i8042 PS/2 controller ("keyboard controller") of a PC, with nothing
 * plugged into either port.
 *
 * A guest needs it even without a keyboard: Linux probes it at boot
 * (flush, self-test, CTR read and write, the AUX port's loopback) and
 * resets the machine through it (reboot=k pulses the reset line with
 * command 0xfe, and Linux's default reboot tries it early). So the
 * controller itself is complete enough for those, and the devices behind
 * it are absent.
 *
 * Commands (port 0x64): 0x20-0x3f read internal RAM (0x20: the CTR),
 * 0x60-0x7f write it (0x60: the CTR), 0xa7/0xa8 disable/enable the AUX
 * port, 0xa9 AUX interface test (0x00, fine), 0xaa self-test (0x55),
 * 0xab keyboard interface test (0x00), 0xad/0xae disable/enable the
 * keyboard port, 0xd0/0xd1 read/write the output port (bit 0 low resets),
 * 0xd2/0xd3 write the keyboard/AUX output buffer (the AUX loopback
 * Linux's i8042_check_aux() uses), 0xd4 write to the AUX device, and
 * 0xf0-0xff pulse output port bits (bit 0, the reset line, for 0xfe and
 * every other even one). Other commands are ignored.
 *
 * A byte for a device (written to port 0x60 with no command waiting, or
 * after 0xd4) finds nobody: the controller answers 0xfe with the status
 * register's timeout bit, as a PS/2 controller reports a device that does
 * not clock the byte in, and Linux's libps2 takes that as a NAK and gives
 * up at once instead of waiting for its timeout.
 *
 * There is one output byte, as on the chip: a new one overwrites it. A
 * read of port 0x60 with nothing waiting returns the last byte again.
 * IRQ 1 is asserted while the output buffer holds a keyboard-side byte
 * and the CTR enables keyboard interrupts, IRQ 12 likewise for AUX bytes.
 */
#include <string.h>

#include "devices/i8042.h"

#define CMD_READ_RAM		0x20	/* .. 0x3f */
#define CMD_WRITE_RAM		0x60	/* .. 0x7f */
#define CMD_AUX_DISABLE		0xa7
#define CMD_AUX_ENABLE		0xa8
#define CMD_AUX_TEST		0xa9
#define CMD_SELF_TEST		0xaa
#define CMD_KBD_TEST		0xab
#define CMD_KBD_DISABLE		0xad
#define CMD_KBD_ENABLE		0xae
#define CMD_READ_OUTPORT	0xd0
#define CMD_WRITE_OUTPORT	0xd1
#define CMD_WRITE_KBD_OUT	0xd2
#define CMD_WRITE_AUX_OUT	0xd3
#define CMD_WRITE_AUX		0xd4
#define CMD_PULSE		0xf0	/* .. 0xff: low nibble's 0 bits pulse */

#define SELF_TEST_OK		0x55
#define INTERFACE_OK		0x00

static uint8_t *ctr(struct i8042 *k)
{
	return &k->ram[0];
}

static void update_irqs(struct i8042 *k)
{
	bool full = k->status & I8042_STR_OBF;
	bool aux = k->status & I8042_STR_AUXDATA;

	irq_line_set(&k->kbd_irq, full && !aux && (*ctr(k) & I8042_CTR_KBDINT));
	irq_line_set(&k->aux_irq, full && aux && (*ctr(k) & I8042_CTR_AUXINT));
}

/* Put a byte in the output buffer, with the flags that describe it. */
static void output(struct i8042 *k, uint8_t byte, bool aux, bool timeout)
{
	k->out = byte;
	k->status &= ~(I8042_STR_AUXDATA | I8042_STR_TIMEOUT |
		       I8042_STR_PARITY);
	k->status |= I8042_STR_OBF;
	if (aux)
		k->status |= I8042_STR_AUXDATA;
	if (timeout)
		k->status |= I8042_STR_TIMEOUT;
}

static void request_reset(struct i8042 *k)
{
	if (k->reset)
		k->reset(k->reset_ctx);
}

static void command(struct i8042 *k, uint8_t cmd)
{
	k->pending = 0;

	if (cmd >= CMD_READ_RAM && cmd < CMD_READ_RAM + 0x20) {
		output(k, k->ram[cmd - CMD_READ_RAM], false, false);
		return;
	}
	if (cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + 0x20) {
		k->pending = cmd;
		return;
	}
	if (cmd >= CMD_PULSE) {
		if (!(cmd & I8042_OUT_RESET))
			request_reset(k);
		return;
	}

	switch (cmd) {
	case CMD_AUX_DISABLE:
		*ctr(k) |= I8042_CTR_AUXDIS;
		break;
	case CMD_AUX_ENABLE:
		*ctr(k) &= ~I8042_CTR_AUXDIS;
		break;
	case CMD_AUX_TEST:
	case CMD_KBD_TEST:
		output(k, INTERFACE_OK, false, false);
		break;
	case CMD_SELF_TEST:
		*ctr(k) |= I8042_CTR_SYSFLAG;
		output(k, SELF_TEST_OK, false, false);
		break;
	case CMD_KBD_DISABLE:
		*ctr(k) |= I8042_CTR_KBDDIS;
		break;
	case CMD_KBD_ENABLE:
		*ctr(k) &= ~I8042_CTR_KBDDIS;
		break;
	case CMD_READ_OUTPORT:
		output(k, k->outport, false, false);
		break;
	case CMD_WRITE_OUTPORT:
	case CMD_WRITE_KBD_OUT:
	case CMD_WRITE_AUX_OUT:
	case CMD_WRITE_AUX:
		k->pending = cmd;
		break;
	}
}

static void data(struct i8042 *k, uint8_t val)
{
	uint8_t cmd = k->pending;

	k->pending = 0;
	if (cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + 0x20) {
		k->ram[cmd - CMD_WRITE_RAM] = val;
		return;
	}

	switch (cmd) {
	case CMD_WRITE_OUTPORT:
		k->outport = val;
		if (!(val & I8042_OUT_RESET))
			request_reset(k);
		break;
	case CMD_WRITE_KBD_OUT:
		output(k, val, false, false);
		break;
	case CMD_WRITE_AUX_OUT:
		output(k, val, true, false);
		break;
	case CMD_WRITE_AUX:
		output(k, I8042_RET_NO_DEVICE, true, true);
		break;
	default:
		/* For the keyboard, which is not there. */
		output(k, I8042_RET_NO_DEVICE, false, true);
		break;
	}
}

static uint8_t read_status(struct i8042 *k)
{
	uint8_t st = k->status | I8042_STR_KEYLOCK;

	if (*ctr(k) & I8042_CTR_SYSFLAG)
		st |= I8042_STR_SYSFLAG;
	return st;
}

static uint8_t data_read(void *dev, uint16_t offset)
{
	struct i8042 *k = dev;

	(void)offset;
	k->status &= ~I8042_STR_OBF;
	update_irqs(k);
	return k->out;
}

static void data_write(void *dev, uint16_t offset, uint8_t val)
{
	struct i8042 *k = dev;

	(void)offset;
	k->status &= ~I8042_STR_CMDDAT;
	data(k, val);
	update_irqs(k);
}

static uint8_t command_read(void *dev, uint16_t offset)
{
	(void)offset;
	return read_status(dev);
}

static void command_write(void *dev, uint16_t offset, uint8_t val)
{
	struct i8042 *k = dev;

	(void)offset;
	k->status |= I8042_STR_CMDDAT;
	command(k, val);
	update_irqs(k);
}

void i8042_init(struct i8042 *i8042, i8042_reset_fn reset, void *reset_ctx)
{
	memset(i8042, 0, sizeof(*i8042));
	i8042->ram[0] = I8042_CTR_XLATE | I8042_CTR_AUXDIS |
			I8042_CTR_SYSFLAG | I8042_CTR_KBDINT;
	i8042->outport = I8042_OUT_RESET | I8042_OUT_A20;
	i8042->reset = reset;
	i8042->reset_ctx = reset_ctx;
}

const struct ioport_ops i8042_data_ops = {
	.read	= data_read,
	.write	= data_write,
};

const struct ioport_ops i8042_command_ops = {
	.read	= command_read,
	.write	= command_write,
};
