// SPDX-License-Identifier: GPL-2.0
/*
 * The exit dispatcher against accel-neutral exits, wired to the real
 * devices as main() wires them: what minivm-run does after each RUN.
 */
#include "devices/debug-exit.h"
#include "devices/i8042.h"
#include "exitcode.h"
#include "exits.h"
#include "devices/uart8250.h"
#include "test.h"

static uint8_t data[64];
static struct ioport_bus bus;
static struct mmio_bus mmio;
static struct uart8250 com1;
static struct debug_exit dx;
static struct vmm_devices devs = { .io = &bus, .mmio = &mmio, .dx = &dx };
static char out[64];
static int outlen;
static struct exit_result res;
static struct vmm_exit ex;

static void sink(void *ctx, uint8_t byte)
{
	(void)ctx;
	if (outlen < (int)sizeof(out) - 1)
		out[outlen++] = byte;
	out[outlen] = '\0';
}

/* A toy MMIO device: 8 bytes of storage at 0xd0000000. */
static uint8_t regs[8];

static void toy_read(void *dev, uint64_t offset, uint8_t *d, uint32_t len)
{
	(void)dev;
	memcpy(d, regs + offset, len);
}

static void toy_write(void *dev, uint64_t offset, const uint8_t *d, uint32_t len)
{
	(void)dev;
	memcpy(regs + offset, d, len);
}

static const struct mmio_ops toy_ops = { .read = toy_read, .write = toy_write };

static void setup(void)
{
	memset(data, 0, sizeof(data));
	memset(regs, 0, sizeof(regs));
	outlen = 0;
	out[0] = '\0';
	ioport_bus_init(&bus);
	mmio_bus_init(&mmio);
	uart8250_init(&com1, sink, NULL);
	debug_exit_init(&dx);
	ioport_register(&bus, COM1_BASE, UART8250_NR_PORTS, &uart8250_ops, &com1, "COM1");
	ioport_register(&bus, DEBUG_EXIT_PORT, DEBUG_EXIT_NR_PORTS, &debug_exit_ops, &dx, "dx");
	mmio_register(&mmio, 0xd0000000, sizeof(regs), &toy_ops, NULL, "toy");
}

static void io_exit(bool out_dir, uint16_t port, uint8_t size, uint32_t count)
{
	memset(&ex, 0, sizeof(ex));
	ex.reason = VMM_EXIT_IO;
	ex.io.out = out_dir;
	ex.io.port = port;
	ex.io.size = size;
	ex.io.count = count;
	ex.io.data = data;
}

static void mmio_exit(bool write, uint64_t addr, uint32_t len)
{
	memset(&ex, 0, sizeof(ex));
	ex.reason = VMM_EXIT_MMIO;
	ex.mmio.write = write;
	ex.mmio.addr = addr;
	ex.mmio.len = len;
	ex.mmio.data = data;
}

static enum exit_action dispatch(void)
{
	return handle_exit(&devs, &ex, &res);
}

static void exits_out_to_uart(void)
{
	setup();
	io_exit(true, 0x3f8, 1, 1);
	data[0] = 'H';
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK_STR(out, "H");
	CHECK(!res.unclaimed);

	/* count > 1: consecutive elements of @size bytes. */
	io_exit(true, 0x3f8, 1, 3);
	memcpy(data, "abc", 3);
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK_STR(out, "Habc");
}

static void exits_in_fills_data(void)
{
	setup();
	io_exit(false, 0x3fd, 1, 1);
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK_HEX(data[0], 0x60);

	io_exit(false, 0x4000, 4, 1);
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK(res.unclaimed);
	CHECK_HEX(data[0] & data[3], 0xff);
	CHECK_HEX(data[4], 0);	/* no further */
}

static void exits_debug_exit(void)
{
	setup();
	io_exit(true, 0xf4, 1, 1);
	data[0] = 42;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 85);

	/* A word write: the low byte goes to 0xf4 (QEMU: same status). */
	setup();
	io_exit(true, 0xf4, 2, 1);
	data[0] = 0x00;
	data[1] = 0x01;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 1);

	/* Reading the port does not end the run. */
	setup();
	io_exit(false, 0xf4, 1, 1);
	CHECK_INT(dispatch(), EXIT_RESUME);
}

static bool reset;

static void reset_cb(void *ctx)
{
	*(bool *)ctx = true;
}

/* Linux's reboot=k: 0xfe to the i8042's command port ends the run with 2. */
static void exits_i8042_reset(void)
{
	struct i8042 kbd;

	setup();
	reset = false;
	i8042_init(&kbd, reset_cb, &reset);
	ioport_register(&bus, I8042_COMMAND_PORT, 1, &i8042_command_ops, &kbd, "i8042");
	devs.reset = &reset;
	io_exit(true, 0x64, 1, 1);
	data[0] = 0xaa;			/* self-test: the run goes on */
	CHECK_INT(dispatch(), EXIT_RESUME);
	data[0] = 0xfe;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 2);
	devs.reset = NULL;
}

static void exits_mmio(void)
{
	setup();
	mmio_exit(true, 0xd0000004, 4);
	memcpy(data, "\x11\x22\x33\x44", 4);
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK(!res.unclaimed);
	CHECK_HEX(regs[4], 0x11);
	CHECK_HEX(regs[7], 0x44);

	mmio_exit(false, 0xd0000004, 2);
	memset(data, 0, sizeof(data));
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK_HEX(data[0], 0x11);
	CHECK_HEX(data[1], 0x22);
	CHECK_HEX(data[2], 0);

	/* Nothing there: reads all ones, writes vanish, the guest goes on. */
	mmio_exit(false, 0xfed00000, 8);
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK(res.unclaimed);
	CHECK_HEX(data[0] & data[7], 0xff);
	mmio_exit(true, 0xfed00000, 4);
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK(res.unclaimed);

	/* Straddling the device's end is not the device's access. */
	mmio_exit(false, 0xd0000006, 4);
	CHECK_INT(dispatch(), EXIT_RESUME);
	CHECK(res.unclaimed);
}

static void exits_other_reasons(void)
{
	setup();
	memset(&ex, 0, sizeof(ex));
	ex.reason = VMM_EXIT_HLT;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 0);
	ex.reason = VMM_EXIT_SHUTDOWN;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 70);
	ex.reason = VMM_EXIT_FAIL_ENTRY;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 70);
	ex.reason = VMM_EXIT_INTERNAL_ERROR;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 70);
	ex.reason = VMM_EXIT_UNKNOWN;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 70);
	ex.reason = VMM_EXIT_SYSTEM_EVENT;
	ex.system_event.type = VMM_SYSTEM_EVENT_SHUTDOWN;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 0);
	ex.system_event.type = VMM_SYSTEM_EVENT_RESET;
	CHECK_INT(dispatch(), EXIT_STOP);
	CHECK_INT(res.status, 2);
	ex.reason = VMM_EXIT_INTR;
	CHECK_INT(dispatch(), EXIT_RESUME);
}

const struct test exits_tests[] = {
	{ "exits: OUT to COM1 reaches stdout's sink", exits_out_to_uart },
	{ "exits: IN leaves its data for the next RUN", exits_in_fills_data },
	{ "exits: debug-exit ends the run with (v << 1) | 1", exits_debug_exit },
	{ "exits: the i8042's reset line ends the run with status 2", exits_i8042_reset },
	{ "exits: MMIO reaches a device; unclaimed reads all ones", exits_mmio },
	{ "exits: HLT, crashes, power-off, signals, unknown reasons", exits_other_reasons },
	{ NULL, NULL },
};
