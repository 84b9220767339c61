// SPDX-License-Identifier: GPL-2.0
/*
 * accel/minivm-xlate.c: minivm's run area and register structures to the
 * VMM's, against crafted run areas. A malformed run area must be refused
 * before the VMM follows any pointer into it.
 */
#include <errno.h>

#include "accel/minivm-xlate.h"
#include "test.h"

#define RUN_SIZE	4096
#define DATA_OFF	0x200

static union {
	struct minivm_run run;
	uint8_t bytes[RUN_SIZE];
} area;

static struct vmm_exit ex;
static char why[256];

static int xlate(void)
{
	why[0] = '\0';
	return minivm_translate_exit(&area.run, RUN_SIZE, &ex, why, sizeof(why));
}

static void io_exit(uint8_t dir, uint16_t port, uint8_t size, uint32_t count,
		    uint64_t offset)
{
	memset(&area, 0, sizeof(area));
	area.run.exit_reason = MINIVM_EXIT_IO;
	area.run.io.direction = dir;
	area.run.io.port = port;
	area.run.io.size = size;
	area.run.io.count = count;
	area.run.io.data_offset = offset;
}

static void minivm_xlate_io(void)
{
	io_exit(MINIVM_EXIT_IO_OUT, 0x3f8, 1, 3, DATA_OFF);
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_IO);
	CHECK_INT(ex.raw_reason, MINIVM_EXIT_IO);
	CHECK_STR(ex.raw_name, "IO");
	CHECK(ex.io.out);
	CHECK_HEX(ex.io.port, 0x3f8);
	CHECK_INT(ex.io.size, 1);
	CHECK_INT(ex.io.count, 3);
	CHECK(ex.io.data == area.bytes + DATA_OFF);

	io_exit(MINIVM_EXIT_IO_IN, 0x3fd, 2, 1, RUN_SIZE - 2);
	CHECK_INT(xlate(), 0);
	CHECK(!ex.io.out);
	CHECK(ex.io.data == area.bytes + RUN_SIZE - 2);	/* the last bytes are fine */
}

static void minivm_xlate_malformed(void)
{
	io_exit(MINIVM_EXIT_IO_OUT, 0x3f8, 3, 1, DATA_OFF);
	CHECK_INT(xlate(), -EPROTO);
	CHECK_STR(why, "malformed I/O exit from the module: direction 1 port 0x3f8 size 3 count 1 data_offset 512");
	io_exit(MINIVM_EXIT_IO_OUT, 0x3f8, 0, 1, DATA_OFF);
	CHECK_INT(xlate(), -EPROTO);
	io_exit(MINIVM_EXIT_IO_OUT, 0x3f8, 1, 0, DATA_OFF);
	CHECK_INT(xlate(), -EPROTO);
	io_exit(2, 0x3f8, 1, 1, DATA_OFF);
	CHECK_INT(xlate(), -EPROTO);
	io_exit(MINIVM_EXIT_IO_IN, 0x3f8, 1, 1, RUN_SIZE);
	CHECK_INT(xlate(), -EPROTO);
	io_exit(MINIVM_EXIT_IO_IN, 0x3f8, 2, 1, RUN_SIZE - 1);
	CHECK_INT(xlate(), -EPROTO);
	io_exit(MINIVM_EXIT_IO_IN, 0x3f8, 1, 2, RUN_SIZE - 1);
	CHECK_INT(xlate(), -EPROTO);
	io_exit(MINIVM_EXIT_IO_IN, 0x3f8, 4, 0x40000000, 0);
	CHECK_INT(xlate(), -EPROTO);
	io_exit(MINIVM_EXIT_IO_IN, 0x3f8, 1, 1, ~0ULL);
	CHECK_INT(xlate(), -EPROTO);
	CHECK(!strchr(why, '\n'));

	memset(&area, 0, sizeof(area));
	area.run.exit_reason = MINIVM_EXIT_MMIO;
	area.run.mmio.phys_addr = 0xfee00000;
	area.run.mmio.len = 3;
	CHECK_INT(xlate(), -EPROTO);
	CHECK_STR(why, "malformed MMIO exit from the module: address 0xfee00000 length 3");
}

static void minivm_xlate_mmio(void)
{
	memset(&area, 0, sizeof(area));
	area.run.exit_reason = MINIVM_EXIT_MMIO;
	area.run.mmio.phys_addr = 0xfec00010;
	area.run.mmio.len = 4;
	area.run.mmio.is_write = 1;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_MMIO);
	CHECK_HEX(ex.mmio.addr, 0xfec00010);
	CHECK_INT(ex.mmio.len, 4);
	CHECK(ex.mmio.write);
	CHECK(ex.mmio.data == area.run.mmio.data);
}

static void minivm_xlate_simple(void)
{
	memset(&area, 0, sizeof(area));
	area.run.exit_reason = MINIVM_EXIT_HLT;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_HLT);
	area.run.exit_reason = MINIVM_EXIT_SHUTDOWN;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_SHUTDOWN);
	area.run.exit_reason = MINIVM_EXIT_INTR;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_INTR);

	area.run.exit_reason = MINIVM_EXIT_FAIL_ENTRY;
	area.run.fail_entry.hardware_entry_failure_reason = 0x80000021;
	area.run.fail_entry.qualification = 3;
	area.run.fail_entry.cpu = 1;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_FAIL_ENTRY);
	CHECK_HEX(ex.fail_entry.hw_reason, 0x80000021);
	CHECK_INT(ex.fail_entry.qualification, 3);
	CHECK_INT(ex.fail_entry.cpu, 1);

	/* Never enabled, so unknown to the loop, but named. */
	area.run.exit_reason = MINIVM_EXIT_X86_RDMSR;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_UNKNOWN);
	CHECK_STR(ex.raw_name, "X86_RDMSR");
	area.run.exit_reason = 99;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_UNKNOWN);
	CHECK_INT(ex.raw_reason, 99);
	CHECK(!ex.raw_name);
}

static void minivm_xlate_internal(void)
{
	memset(&area, 0, sizeof(area));
	area.run.exit_reason = MINIVM_EXIT_INTERNAL_ERROR;
	area.run.internal.suberror = MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT;
	area.run.internal.ndata = 6;
	area.run.internal.data[0] = 48;
	area.run.internal.data[1] = 0x181;
	area.run.internal.data[2] = 0x1234;
	area.run.internal.data[3] = 3;
	area.run.internal.data[4] = 0x80000b0e;
	area.run.internal.data[5] = 0xfee00030;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_INTERNAL_ERROR);
	CHECK_INT(ex.internal.kind, VMM_INTERNAL_UNHANDLED_EXIT);
	CHECK(ex.internal.have_vmx);
	CHECK_INT(ex.internal.vmx_reason, 48);
	CHECK_HEX(ex.internal.vmx_qualification, 0x181);
	CHECK_HEX(ex.internal.rip, 0x1234);
	CHECK_INT(ex.internal.vmx_insn_len, 3);
	CHECK_HEX(ex.internal.vmx_idt_vectoring, 0x80000b0e);
	CHECK(ex.internal.have_gpa);
	CHECK_HEX(ex.internal.gpa, 0xfee00030);

	area.run.internal.suberror = MINIVM_INTERNAL_ERROR_DELIVERY_EV;
	area.run.internal.ndata = 5;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.internal.kind, VMM_INTERNAL_DELIVERY_EV);
	CHECK(ex.internal.have_vmx);
	CHECK(!ex.internal.have_gpa);

	/* Emulation: RIP, GPA, then up to 15 bytes packed in data[3..4]. */
	memset(&area.run.internal, 0, sizeof(area.run.internal));
	area.run.internal.suberror = MINIVM_INTERNAL_ERROR_EMULATION;
	area.run.internal.ndata = 5;
	area.run.internal.data[0] = 0x1000;
	area.run.internal.data[1] = 0xfec00000;
	area.run.internal.data[2] = 9;
	area.run.internal.data[3] = 0x0706050403020100ULL;
	area.run.internal.data[4] = 0x08;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.internal.kind, VMM_INTERNAL_EMULATION);
	CHECK(!ex.internal.have_vmx);
	CHECK_HEX(ex.internal.rip, 0x1000);
	CHECK_HEX(ex.internal.gpa, 0xfec00000);
	CHECK_INT(ex.internal.insn_len, 9);
	CHECK_HEX(ex.internal.insn[0], 0x00);
	CHECK_HEX(ex.internal.insn[7], 0x07);
	CHECK_HEX(ex.internal.insn[8], 0x08);
	area.run.internal.data[2] = 200;	/* a bogus count is capped */
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.internal.insn_len, 15);

	/* Unknown suberror, bogus ndata: raw words, at most 16. */
	area.run.internal.suberror = 42;
	area.run.internal.ndata = 1000;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.internal.kind, VMM_INTERNAL_OTHER);
	CHECK_INT(ex.internal.ndata, 16);
	CHECK_INT(ex.internal.suberror, 42);
}

static void minivm_xlate_regs(void)
{
	struct minivm_regs m = { .rax = 1, .rbx = 2, .rsi = 5, .r15 = 16,
				 .rip = 0xfff0, .rflags = 2 };
	struct minivm_regs back;
	struct vcpu_regs v;

	minivm_regs_to_vcpu(&m, &v);
	CHECK_INT(v.rax, 1);
	CHECK_INT(v.rbx, 2);
	CHECK_INT(v.rsi, 5);
	CHECK_INT(v.r15, 16);
	CHECK_HEX(v.rip, 0xfff0);
	minivm_regs_from_vcpu(&v, &back);
	CHECK(!memcmp(&m, &back, sizeof(m)));
}

static void minivm_xlate_sregs(void)
{
	struct minivm_sregs m, back;
	struct vcpu_sregs v;

	memset(&m, 0, sizeof(m));
	m.cs = (struct minivm_segment) { .base = 0xffff0000, .limit = 0xffff,
		.selector = 0xf000, .type = 11, .present = 1, .s = 1 };
	m.ss = (struct minivm_segment) { .limit = 0xffffffff, .selector = 0x18,
		.type = 3, .present = 1, .db = 1, .s = 1, .g = 1 };
	m.tr = (struct minivm_segment) { .limit = 0xffff, .type = 11, .present = 1 };
	m.ldt.unusable = 1;
	m.gdt.base = 0x500;
	m.gdt.limit = 31;
	m.idt.limit = 0xffff;
	m.cr0 = 0x80000011;
	m.cr3 = 0x1000;
	m.cr4 = 0x20;
	m.cr8 = 15;
	m.efer = 0x500;
	m.apic_base = 0xfee00900;

	minivm_sregs_to_vcpu(&m, &v);
	CHECK_HEX(v.cs.base, 0xffff0000);
	CHECK_HEX(v.cs.selector, 0xf000);
	CHECK_INT(v.ss.db, 1);
	CHECK_INT(v.ss.g, 1);
	CHECK_INT(v.tr.type, 11);
	CHECK_INT(v.ldt.unusable, 1);
	CHECK_HEX(v.gdt.base, 0x500);
	CHECK_INT(v.gdt.limit, 31);
	CHECK_HEX(v.cr0, 0x80000011);
	CHECK_HEX(v.cr8, 15);
	CHECK_HEX(v.efer, 0x500);
	CHECK_HEX(v.apic_base, 0xfee00900);

	/* Back again: padding and reserved come out zero, as SET_SREGS wants. */
	memset(&back, 0xa5, sizeof(back));
	minivm_sregs_from_vcpu(&v, &back);
	CHECK(!memcmp(&m, &back, sizeof(m)));
}

const struct test accel_minivm_tests[] = {
	{ "accel minivm: I/O exits point into the run area", minivm_xlate_io },
	{ "accel minivm: malformed I/O and MMIO exits are refused", minivm_xlate_malformed },
	{ "accel minivm: MMIO exits", minivm_xlate_mmio },
	{ "accel minivm: HLT, SHUTDOWN, FAIL_ENTRY, INTR, unknown", minivm_xlate_simple },
	{ "accel minivm: internal errors decoded as api.rst lays them out", minivm_xlate_internal },
	{ "accel minivm: registers both ways", minivm_xlate_regs },
	{ "accel minivm: special registers both ways, padding zeroed", minivm_xlate_sregs },
	{ NULL, NULL },
};
