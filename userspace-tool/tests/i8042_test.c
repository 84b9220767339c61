// SPDX-License-Identifier: GPL-2.0
/*
 * The i8042 controller with no devices: status, commands, CTR, output
 * port and reset, IRQ 1 and 12, the absent keyboard and mouse, and the
 * sequences Linux's i8042 driver and reboot code run.
 */
#include "ioport.h"
#include "devices/i8042.h"
#include "test.h"

static struct i8042 kbc;
static int resets;
static bool irq1, irq12;

static void on_reset(void *ctx)
{
	CHECK(ctx == &kbc);
	resets++;
}

static void pic_raise(void *ctx, unsigned int irq)
{
	(void)ctx;
	if (irq == I8042_KBD_IRQ)
		irq1 = true;
	else if (irq == I8042_AUX_IRQ)
		irq12 = true;
	else
		CHECK(!"unexpected IRQ");
}

static void pic_lower(void *ctx, unsigned int irq)
{
	(void)ctx;
	if (irq == I8042_KBD_IRQ)
		irq1 = false;
	else
		irq12 = false;
}

static void setup(void)
{
	resets = 0;
	irq1 = false;
	irq12 = false;
	i8042_init(&kbc, on_reset, &kbc);
	irq_line_connect(&kbc.kbd_irq, I8042_KBD_IRQ, pic_raise, pic_lower, NULL);
	irq_line_connect(&kbc.aux_irq, I8042_AUX_IRQ, pic_raise, pic_lower, NULL);
}

static uint8_t status(void)
{
	return i8042_command_ops.read(&kbc, 0);
}

static void cmd(uint8_t c)
{
	i8042_command_ops.write(&kbc, 0, c);
}

static uint8_t rd(void)
{
	return i8042_data_ops.read(&kbc, 0);
}

static void wr(uint8_t v)
{
	i8042_data_ops.write(&kbc, 0, v);
}

/* A command with a one-byte answer, as i8042_command() runs it. */
static int ask(uint8_t c)
{
	cmd(c);
	if (!(status() & I8042_STR_OBF))
		return -1;
	return rd();
}

static void i8042_reset_state(void)
{
	setup();
	CHECK_HEX(status(), I8042_STR_SYSFLAG | I8042_STR_KEYLOCK);
	CHECK_HEX(rd(), 0x00);		/* nothing was ever output */
	CHECK_HEX(status() & I8042_STR_OBF, 0);
	CHECK_INT(ask(0x20), 0x65);
	CHECK_INT(ask(0xd0), 0x03);
	CHECK(!irq1 && !irq12);
}

/* i8042_controller_check(), _selftest() and _init(). */
static void i8042_linux_probe(void)
{
	int i, ctr, ctr2;

	setup();
	/* i8042_flush(): nothing to flush. */
	for (i = 0; i < 16 && (status() & I8042_STR_OBF); i++)
		rd();
	CHECK_INT(i, 0);

	CHECK_INT(ask(0xaa), 0x55);
	CHECK(status() & I8042_STR_CMDDAT);	/* the last write was a command */
	CHECK(!(status() & I8042_STR_OBF));	/* consumed */

	/* A stable CTR read, then KBDDIS on, KBDINT off, written back. */
	ctr = ask(0x20);
	ctr2 = ask(0x20);
	CHECK_INT(ctr, ctr2);
	CHECK(status() & I8042_STR_KEYLOCK);	/* no "Keylock active" */
	ctr = (ctr | I8042_CTR_KBDDIS) & ~I8042_CTR_KBDINT;
	cmd(0x60);
	wr(ctr);
	CHECK(!(status() & I8042_STR_CMDDAT));
	CHECK(!(status() & I8042_STR_OBF));	/* a CTR write answers nothing */
	CHECK_INT(ask(0x20), ctr);

	/* i8042_check_aux(): AUX loopback, then toggling the AUX port. */
	cmd(0xd3);
	wr(0x5a);
	CHECK_HEX(status() & (I8042_STR_OBF | I8042_STR_AUXDATA),
		  I8042_STR_OBF | I8042_STR_AUXDATA);
	CHECK_HEX(rd(), 0x5a);
	cmd(0x60);
	wr(ctr | I8042_CTR_AUXDIS);
	CHECK(ask(0x20) & I8042_CTR_AUXDIS);
	cmd(0x60);
	wr(ctr & ~I8042_CTR_AUXDIS);
	CHECK(!(ask(0x20) & I8042_CTR_AUXDIS));
	CHECK_INT(resets, 0);
}

static void i8042_commands(void)
{
	unsigned int i;

	setup();
	CHECK_INT(ask(0xab), 0x00);
	CHECK_INT(ask(0xa9), 0x00);
	cmd(0xad);
	CHECK(ask(0x20) & I8042_CTR_KBDDIS);
	cmd(0xae);
	CHECK(!(ask(0x20) & I8042_CTR_KBDDIS));
	cmd(0xa7);
	CHECK(ask(0x20) & I8042_CTR_AUXDIS);
	cmd(0xa8);
	CHECK(!(ask(0x20) & I8042_CTR_AUXDIS));

	/* The rest of internal RAM: 0x61-0x7f write, 0x21-0x3f read. */
	for (i = 1; i < 32; i++) {
		cmd(0x60 + i);
		wr(0xc0 + i);
	}
	for (i = 1; i < 32; i++)
		CHECK_INT(ask(0x20 + i), 0xc0 + i);
	CHECK_INT(ask(0x20), 0x65 & ~I8042_CTR_AUXDIS);	/* 0xa8 above */

	/* The self-test sets the system flag. */
	cmd(0x60);
	wr(0x00);
	CHECK(!(status() & I8042_STR_SYSFLAG));
	CHECK_INT(ask(0xaa), 0x55);
	CHECK(status() & I8042_STR_SYSFLAG);
	CHECK_INT(ask(0x20), I8042_CTR_SYSFLAG);

	/* Unknown commands answer nothing and change nothing. */
	cmd(0xc0);
	cmd(0xe0);
	cmd(0x05);
	CHECK(!(status() & I8042_STR_OBF));
	CHECK_INT(ask(0x20), I8042_CTR_SYSFLAG);
	CHECK_INT(resets, 0);
}

static void i8042_output_port_and_reset(void)
{
	int i;

	setup();
	/* Linux's boot code enables A20 with 0xd1, 0xdf: no reset. */
	cmd(0xd1);
	wr(0xdf);
	CHECK_INT(resets, 0);
	CHECK_INT(ask(0xd0), 0xdf);
	/* Dropping bit 0 is the reset line. */
	cmd(0xd1);
	wr(0xde);
	CHECK_INT(resets, 1);

	/* reboot=k: wait for IBF to clear, pulse 0xfe, ten times. */
	for (i = 0; i < 10; i++) {
		CHECK(!(status() & I8042_STR_IBF));
		cmd(0xfe);
	}
	CHECK_INT(resets, 11);
	/* 0xff pulses nothing; any even pulse command includes bit 0. */
	cmd(0xff);
	cmd(0xf1);
	CHECK_INT(resets, 11);
	cmd(0xf0);
	cmd(0xfc);
	CHECK_INT(resets, 13);
	CHECK(!(status() & I8042_STR_OBF));

	/* No callback: nothing happens. */
	i8042_init(&kbc, NULL, NULL);
	cmd(0xfe);
	cmd(0xd1);
	wr(0x00);
	CHECK_INT(resets, 13);
}

static void i8042_no_keyboard(void)
{
	setup();
	/* KBDINT is on in the reset CTR: the answer raises IRQ 1. */
	wr(0xf2);		/* atkbd's GET ID */
	CHECK_HEX(status() & (I8042_STR_OBF | I8042_STR_TIMEOUT |
			      I8042_STR_AUXDATA),
		  I8042_STR_OBF | I8042_STR_TIMEOUT);
	CHECK(irq1);
	CHECK(!irq12);
	CHECK_HEX(rd(), I8042_RET_NO_DEVICE);
	CHECK(!irq1);
	CHECK(!(status() & I8042_STR_OBF));
	CHECK_HEX(rd(), I8042_RET_NO_DEVICE);	/* read again: the same byte */

	/* Without KBDINT: the answer, no IRQ. */
	cmd(0x60);
	wr(0x00);
	wr(0xff);
	CHECK(status() & I8042_STR_OBF);
	CHECK(!irq1);
	/* Enabling KBDINT with a byte waiting asserts IRQ 1 at once. */
	cmd(0x60);
	wr(I8042_CTR_KBDINT);
	CHECK(irq1);
	rd();
	CHECK(!irq1);

	/* A byte without a device error clears the timeout flag. */
	cmd(0xd2);
	wr(0x41);
	CHECK_HEX(status() & (I8042_STR_OBF | I8042_STR_TIMEOUT),
		  I8042_STR_OBF);
	CHECK(irq1);
	CHECK_HEX(rd(), 0x41);
}

static void i8042_no_mouse(void)
{
	setup();
	cmd(0x60);
	wr(I8042_CTR_KBDINT | I8042_CTR_AUXINT);
	/* AUX loopback raises IRQ 12, not IRQ 1. */
	cmd(0xd3);
	wr(0xa5);
	CHECK(irq12);
	CHECK(!irq1);
	CHECK_HEX(rd(), 0xa5);
	CHECK(!irq12);
	/* A byte for the mouse: 0xfe from the AUX side, with a timeout. */
	cmd(0xd4);
	wr(0xff);		/* psmouse's reset */
	CHECK_HEX(status() & (I8042_STR_OBF | I8042_STR_TIMEOUT |
			      I8042_STR_AUXDATA),
		  I8042_STR_OBF | I8042_STR_TIMEOUT | I8042_STR_AUXDATA);
	CHECK(irq12);
	CHECK_HEX(rd(), I8042_RET_NO_DEVICE);
	CHECK(!irq12);
	/* Without AUXINT: no IRQ 12. */
	cmd(0x60);
	wr(I8042_CTR_KBDINT);
	cmd(0xd3);
	wr(0x01);
	CHECK(!irq12 && !irq1);
}

static void i8042_pending_and_overwrite(void)
{
	setup();
	/* A command replaces one still waiting for its data byte ... */
	cmd(0x60);
	cmd(0xaa);
	CHECK_HEX(rd(), 0x55);
	/* ... so this byte goes to the (absent) keyboard, not the CTR. */
	wr(0x00);
	CHECK_HEX(rd(), I8042_RET_NO_DEVICE);
	CHECK_INT(ask(0x20), 0x65);
	/* One output byte: a second answer before a read replaces it. */
	cmd(0xaa);
	cmd(0xab);
	CHECK_HEX(rd(), 0x00);
	CHECK(!(status() & I8042_STR_OBF));
}

static void i8042_on_bus(void)
{
	struct ioport_bus bus;
	uint8_t d[2];

	setup();
	ioport_bus_init(&bus);
	CHECK_INT(ioport_register(&bus, I8042_DATA_PORT, 1, &i8042_data_ops,
				  &kbc, "i8042 data"), 0);
	CHECK_INT(ioport_register(&bus, I8042_COMMAND_PORT, 1,
				  &i8042_command_ops, &kbc, "i8042 cmd"), 0);
	/* A word to 0x64: the command, then 0x65, which nobody decodes. */
	d[0] = 0xaa;
	d[1] = 0x00;
	CHECK(!ioport_out(&bus, 0x64, 2, d));
	/* A word from 0x60: the data byte, then port 0x61 (unclaimed here). */
	CHECK(!ioport_in(&bus, 0x60, 2, d));
	CHECK_HEX(d[0], 0x55);
	CHECK_HEX(d[1], 0xff);
	CHECK(ioport_in(&bus, 0x64, 1, d));
	CHECK_HEX(d[0], I8042_STR_CMDDAT | I8042_STR_KEYLOCK |
			I8042_STR_SYSFLAG);
}

const struct test i8042_tests[] = {
	{ "i8042: reset state, empty output buffer", i8042_reset_state },
	{ "i8042: Linux's flush, self-test, CTR and AUX probe", i8042_linux_probe },
	{ "i8042: port enables, tests, internal RAM, unknown commands", i8042_commands },
	{ "i8042: output port, A20 write, reset pulses (reboot=k)", i8042_output_port_and_reset },
	{ "i8042: absent keyboard answers 0xfe with a timeout, IRQ 1", i8042_no_keyboard },
	{ "i8042: AUX loopback and absent mouse, IRQ 12", i8042_no_mouse },
	{ "i8042: commands replace pending ones, one output byte", i8042_pending_and_overwrite },
	{ "i8042: through the bus, wide accesses", i8042_on_bus },
	{ NULL, NULL },
};
