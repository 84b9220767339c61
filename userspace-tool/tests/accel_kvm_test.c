// SPDX-License-Identifier: GPL-2.0
/*
 * accel/kvm-xlate.c: struct kvm_run and KVM's register structures to the
 * VMM's, against crafted run areas (this host need not have /dev/kvm).
 */
#include <errno.h>
#include <stdlib.h>

#include "accel/kvm-xlate.h"
#include "test.h"

#define RUN_SIZE	8192
#define DATA_OFF	4096

static union {
	struct kvm_run run;
	uint8_t bytes[RUN_SIZE];
} area;

static struct vmm_exit ex;
static char why[256];

static int xlate(void)
{
	why[0] = '\0';
	return kvm_translate_exit(&area.run, RUN_SIZE, &ex, why, sizeof(why));
}

static void io_exit(uint8_t dir, uint16_t port, uint8_t size, uint32_t count,
		    uint64_t offset)
{
	memset(&area, 0, sizeof(area));
	area.run.exit_reason = KVM_EXIT_IO;
	area.run.io.direction = dir;
	area.run.io.port = port;
	area.run.io.size = size;
	area.run.io.count = count;
	area.run.io.data_offset = offset;
}

static void kvm_xlate_io(void)
{
	io_exit(KVM_EXIT_IO_OUT, 0x3f8, 1, 4, DATA_OFF);
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_IO);
	CHECK_INT(ex.raw_reason, KVM_EXIT_IO);
	CHECK(ex.io.out);
	CHECK_HEX(ex.io.port, 0x3f8);
	CHECK_INT(ex.io.count, 4);
	CHECK(ex.io.data == area.bytes + DATA_OFF);

	io_exit(KVM_EXIT_IO_IN, 0x60, 4, 1, RUN_SIZE - 4);
	CHECK_INT(xlate(), 0);
	CHECK(!ex.io.out);

	io_exit(KVM_EXIT_IO_IN, 0x60, 4, 1, RUN_SIZE - 3);
	CHECK_INT(xlate(), -EPROTO);
	CHECK_STR(why, "malformed I/O exit from KVM: direction 0 port 0x60 size 4 count 1 data_offset 8189");
	io_exit(KVM_EXIT_IO_IN, 0x60, 8, 1, DATA_OFF);
	CHECK_INT(xlate(), -EPROTO);
	io_exit(7, 0x60, 1, 1, DATA_OFF);
	CHECK_INT(xlate(), -EPROTO);
	io_exit(KVM_EXIT_IO_OUT, 0x60, 2, 0x80000000, DATA_OFF);
	CHECK_INT(xlate(), -EPROTO);
}

static void kvm_xlate_mmio(void)
{
	memset(&area, 0, sizeof(area));
	area.run.exit_reason = KVM_EXIT_MMIO;
	area.run.mmio.phys_addr = 0xfee000f0;
	area.run.mmio.len = 3;		/* a fragment of a page-crossing access */
	area.run.mmio.is_write = 1;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_MMIO);
	CHECK_HEX(ex.mmio.addr, 0xfee000f0);
	CHECK_INT(ex.mmio.len, 3);
	CHECK(ex.mmio.write);
	CHECK(ex.mmio.data == area.run.mmio.data);

	area.run.mmio.len = 9;
	CHECK_INT(xlate(), -EPROTO);
	CHECK_CONTAINS(why, "malformed MMIO exit from KVM");
	area.run.mmio.len = 0;
	CHECK_INT(xlate(), -EPROTO);
}

static void kvm_xlate_simple(void)
{
	memset(&area, 0, sizeof(area));
	area.run.exit_reason = KVM_EXIT_HLT;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_HLT);
	area.run.exit_reason = KVM_EXIT_SHUTDOWN;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_SHUTDOWN);
	area.run.exit_reason = KVM_EXIT_INTR;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_INTR);

	area.run.exit_reason = KVM_EXIT_FAIL_ENTRY;
	area.run.fail_entry.hardware_entry_failure_reason = 7;
	area.run.fail_entry.cpu = 2;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_FAIL_ENTRY);
	CHECK_INT(ex.fail_entry.hw_reason, 7);
	CHECK_INT(ex.fail_entry.qualification, 0);
	CHECK_INT(ex.fail_entry.cpu, 2);

	area.run.exit_reason = KVM_EXIT_HYPERCALL;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_UNKNOWN);
	CHECK_STR(ex.raw_name, "HYPERCALL");
	area.run.exit_reason = 1000;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_UNKNOWN);
	CHECK(!ex.raw_name);
}

static void kvm_xlate_system_event(void)
{
	static const struct {
		uint32_t kvm;
		enum vmm_system_event vmm;
	} map[] = {
		{ KVM_SYSTEM_EVENT_SHUTDOWN, VMM_SYSTEM_EVENT_SHUTDOWN },
		{ KVM_SYSTEM_EVENT_RESET, VMM_SYSTEM_EVENT_RESET },
		{ KVM_SYSTEM_EVENT_CRASH, VMM_SYSTEM_EVENT_CRASH },
		{ KVM_SYSTEM_EVENT_SEV_TERM, VMM_SYSTEM_EVENT_OTHER },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(map); i++) {
		memset(&area, 0, sizeof(area));
		area.run.exit_reason = KVM_EXIT_SYSTEM_EVENT;
		area.run.system_event.type = map[i].kvm;
		CHECK_INT(xlate(), 0);
		CHECK_INT(ex.reason, VMM_EXIT_SYSTEM_EVENT);
		CHECK_INT(ex.system_event.type, map[i].vmm);
		CHECK_INT(ex.system_event.raw_type, map[i].kvm);
	}
}

static void kvm_xlate_internal(void)
{
	memset(&area, 0, sizeof(area));
	area.run.exit_reason = KVM_EXIT_INTERNAL_ERROR;
	area.run.emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	area.run.emulation_failure.ndata = 3;
	area.run.emulation_failure.flags = KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	area.run.emulation_failure.insn_size = 2;
	area.run.emulation_failure.insn_bytes[0] = 0x0f;
	area.run.emulation_failure.insn_bytes[1] = 0x0b;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.reason, VMM_EXIT_INTERNAL_ERROR);
	CHECK_INT(ex.internal.kind, VMM_INTERNAL_EMULATION);
	CHECK_INT(ex.internal.insn_len, 2);
	CHECK_HEX(ex.internal.insn[1], 0x0b);
	CHECK(!ex.internal.have_vmx);

	/* Without the flag (older KVM), only the raw words. */
	area.run.emulation_failure.flags = 0;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.internal.insn_len, 0);
	CHECK_INT(ex.internal.ndata, 3);

	area.run.internal.suberror = KVM_INTERNAL_ERROR_DELIVERY_EV;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.internal.kind, VMM_INTERNAL_DELIVERY_EV);
	area.run.internal.suberror = KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.internal.kind, VMM_INTERNAL_UNHANDLED_EXIT);
	area.run.internal.suberror = KVM_INTERNAL_ERROR_SIMUL_EX;
	area.run.internal.ndata = 99;
	CHECK_INT(xlate(), 0);
	CHECK_INT(ex.internal.kind, VMM_INTERNAL_OTHER);
	CHECK_INT(ex.internal.ndata, 16);
}

static void kvm_xlate_state(void)
{
	struct kvm_regs kr = { .rax = 0x2badb002, .rbx = 0x9000, .rip = 0x100000,
			       .rflags = 2 }, kr2;
	struct kvm_sregs ks, ks2;
	struct vcpu_sregs vs;
	struct vcpu_regs vr;

	kvm_regs_to_vcpu(&kr, &vr);
	CHECK_HEX(vr.rax, 0x2badb002);
	CHECK_HEX(vr.rbx, 0x9000);
	kvm_regs_from_vcpu(&vr, &kr2);
	CHECK(!memcmp(&kr, &kr2, sizeof(kr)));

	memset(&ks, 0, sizeof(ks));
	ks.cs = (struct kvm_segment) { .limit = 0xffffffff, .selector = 0x10,
		.type = 11, .present = 1, .s = 1, .l = 1, .g = 1 };
	ks.tr = (struct kvm_segment) { .limit = 0xffff, .type = 11, .present = 1 };
	ks.gdt.base = 0x500;
	ks.gdt.limit = 31;
	ks.cr0 = 0x80000011;
	ks.cr3 = 0x1000;
	ks.cr4 = 0x20;
	ks.cr8 = 2;
	ks.efer = 0x500;
	ks.apic_base = 0xfee00900;
	kvm_sregs_to_vcpu(&ks, &vs);
	CHECK_INT(vs.cs.l, 1);
	CHECK_HEX(vs.cs.limit, 0xffffffff);
	CHECK_HEX(vs.cr3, 0x1000);
	CHECK_HEX(vs.cr8, 2);
	CHECK_HEX(vs.efer, 0x500);
	CHECK_HEX(vs.apic_base, 0xfee00900);

	/* Back: no interrupt left pending in interrupt_bitmap. */
	memset(&ks2, 0xff, sizeof(ks2));
	kvm_sregs_from_vcpu(&vs, &ks2);
	CHECK(!memcmp(&ks, &ks2, sizeof(ks)));
}

static void kvm_cpuid_apic_id(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 4 * sizeof(c->entries[0]));

	if (!c) {
		check_failed(__FILE__, __LINE__, "calloc failed");
		return;
	}
	c->nent = 4;
	c->entries[0] = (struct kvm_cpuid_entry2) { .function = 0, .ebx = 0x756e6547 };
	c->entries[1] = (struct kvm_cpuid_entry2) { .function = 1, .ebx = 0xff010800 };
	c->entries[2] = (struct kvm_cpuid_entry2) { .function = 0xb, .index = 1, .edx = 9 };
	c->entries[3] = (struct kvm_cpuid_entry2) { .function = 0x1f, .edx = 9 };
	kvm_cpuid_set_apic_id(c, 3);
	CHECK_HEX(c->entries[0].ebx, 0x756e6547);
	CHECK_HEX(c->entries[1].ebx, 0x03010800);
	CHECK_HEX(c->entries[2].edx, 3);
	CHECK_HEX(c->entries[3].edx, 3);
	free(c);
}

static void kvm_cpuid_tsc_deadline(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 2 * sizeof(c->entries[0]));

	if (!c) {
		check_failed(__FILE__, __LINE__, "calloc failed");
		return;
	}
	c->nent = 2;
	c->entries[0] = (struct kvm_cpuid_entry2) { .function = 0, .ecx = 0x6c65746e };
	c->entries[1] = (struct kvm_cpuid_entry2) { .function = 1, .ecx = 0x80202001 };
	kvm_cpuid_set_tsc_deadline(c);
	CHECK_HEX(c->entries[0].ecx, 0x6c65746e);
	CHECK_HEX(c->entries[1].ecx, 0x81202001);
	free(c);
}

const struct test accel_kvm_tests[] = {
	{ "accel kvm: I/O exits, inside the run area or refused", kvm_xlate_io },
	{ "accel kvm: MMIO exits of 1 to 8 bytes", kvm_xlate_mmio },
	{ "accel kvm: HLT, SHUTDOWN, FAIL_ENTRY, INTR, unknown", kvm_xlate_simple },
	{ "accel kvm: system events: power-off, reset, crash", kvm_xlate_system_event },
	{ "accel kvm: internal errors and emulation-failure bytes", kvm_xlate_internal },
	{ "accel kvm: registers and special registers both ways", kvm_xlate_state },
	{ "accel kvm: CPUID table gets the vCPU's APIC ID", kvm_cpuid_apic_id },
	{ "accel kvm: CPUID leaf 1 gets the TSC-deadline bit", kvm_cpuid_tsc_deadline },
	{ NULL, NULL },
};
