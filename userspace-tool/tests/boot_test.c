// SPDX-License-Identifier: GPL-2.0
/* boot/boot.c: the boot GDT and applying a loader's state to sregs. */
#include "boot/boot.h"
#include "boot/e820.h"
#include "boot/le.h"
#include "test.h"

static void boot_gdt_long(void)
{
	uint8_t gdt[BOOT_GDT_SIZE + 8];
	struct boot_cpu cpu;

	memset(gdt, 0xee, sizeof(gdt));
	memset(&cpu, 0, sizeof(cpu));
	boot_gdt_setup(gdt, 0x500, 1, &cpu);

	/* Null descriptors, then the flat 64-bit code and data segments. */
	CHECK_HEX(get_le64(gdt), 0);
	CHECK_HEX(get_le64(gdt + 8), 0);
	CHECK_HEX(get_le64(gdt + BOOT_CS), 0x00af9b000000ffffULL);
	CHECK_HEX(get_le64(gdt + BOOT_DS), 0x00cf93000000ffffULL);
	CHECK_HEX(gdt[BOOT_GDT_SIZE], 0xee);	/* nothing past it */

	CHECK_HEX(cpu.gdt.base, 0x500);
	CHECK_INT(cpu.gdt.limit, 31);
	CHECK_INT(cpu.cs.selector, 0x10);
	CHECK_INT(cpu.cs.l, 1);
	CHECK_INT(cpu.cs.db, 0);
	CHECK_INT(cpu.cs.type, 11);
	CHECK_HEX(cpu.cs.limit, 0xffffffff);
	CHECK_INT(cpu.cs.g, 1);
	CHECK_INT(cpu.ss.selector, 0x18);
	CHECK_INT(cpu.ss.type, 3);
	CHECK_INT(cpu.ss.db, 1);
	CHECK_INT(cpu.ds.selector, 0x18);
	CHECK_INT(cpu.fs.selector, 0x18);
	CHECK_INT(cpu.idt.limit, 0);
}

static void boot_gdt_32(void)
{
	uint8_t gdt[BOOT_GDT_SIZE];
	struct boot_cpu cpu;

	boot_gdt_setup(gdt, 0x1000, 0, &cpu);
	CHECK_HEX(get_le64(gdt + BOOT_CS), 0x00cf9b000000ffffULL);
	CHECK_HEX(get_le64(gdt + BOOT_DS), 0x00cf93000000ffffULL);
	CHECK_INT(cpu.cs.l, 0);
	CHECK_INT(cpu.cs.db, 1);
	CHECK_HEX(cpu.cs.base, 0);
	CHECK_HEX(cpu.ds.limit, 0xffffffff);
}

static void boot_apply(void)
{
	uint8_t gdt[BOOT_GDT_SIZE];
	struct vcpu_sregs s;
	struct boot_cpu cpu;

	memset(&s, 0, sizeof(s));
	s.tr = (struct vcpu_segment) { .limit = 0xffff, .type = 11, .present = 1 };
	s.ldt = (struct vcpu_segment) { .limit = 0xffff, .type = 2, .present = 1 };
	s.cr2 = 0x1234;
	s.cr8 = 3;
	s.apic_base = 0xfee00900;

	memset(&cpu, 0, sizeof(cpu));
	boot_gdt_setup(gdt, 0x500, 1, &cpu);
	cpu.cr0 = 0x80000011;
	cpu.cr3 = 0x9000;
	cpu.cr4 = 0x20;
	cpu.efer = 0x500;
	boot_cpu_apply(&cpu, &s);

	CHECK_INT(s.cs.selector, 0x10);
	CHECK_INT(s.gs.selector, 0x18);
	CHECK_HEX(s.gdt.base, 0x500);
	CHECK_HEX(s.cr0, 0x80000011);
	CHECK_HEX(s.cr3, 0x9000);
	CHECK_HEX(s.cr4, 0x20);
	CHECK_HEX(s.efer, 0x500);
	/* What loaders do not set is the driver's. */
	CHECK_INT(s.tr.type, 11);
	CHECK_INT(s.ldt.type, 2);
	CHECK_HEX(s.cr2, 0x1234);
	CHECK_INT(s.cr8, 3);
	CHECK_HEX(s.apic_base, 0xfee00900);
}

static void boot_err_line(void)
{
	char err[16];

	CHECK_INT(boot_err(err, sizeof(err), "%s %d", "too long a line", 42), -22);
	CHECK_STR(err, "too long a line");
}

static void boot_e820(void)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	struct guest_mem gm;

	/* Smaller than base memory: one RAM entry, clipped. */
	guest_mem_layout(&gm, 0x40000, true);
	CHECK_INT(e820_build(&gm, map), 1);
	CHECK_HEX(map[0].size, 0x40000);

	/* Inside the ROM area: RAM, then a clipped reserved entry. */
	guest_mem_layout(&gm, 0xc0000, true);
	CHECK_INT(e820_build(&gm, map), 2);
	CHECK_HEX(map[1].addr, 0x9fc00);
	CHECK_HEX(map[1].size, 0xc0000 - 0x9fc00);
	CHECK_INT(map[1].type, E820_RESERVED);

	/* Exactly 3 GiB: nothing above 4 GiB. */
	guest_mem_layout(&gm, 3ULL << 30, true);
	CHECK_INT(e820_build(&gm, map), 3);
	CHECK_HEX(map[2].addr + map[2].size, 3ULL << 30);

	guest_mem_layout(&gm, 63ULL << 30, true);
	CHECK_INT(e820_build(&gm, map), 4);
	CHECK_HEX(map[3].addr, 4ULL << 30);
	CHECK_HEX(map[3].addr + map[3].size, 64ULL << 30);
}

const struct test boot_tests[] = {
	{ "boot: 64-bit GDT at BOOT_CS/BOOT_DS, flat segments", boot_gdt_long },
	{ "boot: 32-bit GDT for protected-mode entry", boot_gdt_32 },
	{ "boot: applying a boot state keeps TR, LDT, CR2, CR8, APIC base", boot_apply },
	{ "boot: error messages are truncated, not overrun", boot_err_line },
	{ "boot: e820 maps of tiny, 3G and 63G guests", boot_e820 },
	{ NULL, NULL },
};
