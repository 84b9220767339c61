// SPDX-License-Identifier: GPL-2.0
/* What the loaders share: the boot GDT, applying a boot state, errors. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boot.h"
#include "le.h"

void boot_cpu_apply(const struct boot_cpu *cpu, struct vcpu_sregs *sregs)
{
	sregs->cs = cpu->cs;
	sregs->ds = cpu->ds;
	sregs->es = cpu->es;
	sregs->fs = cpu->fs;
	sregs->gs = cpu->gs;
	sregs->ss = cpu->ss;
	sregs->gdt = cpu->gdt;
	sregs->idt = cpu->idt;
	sregs->cr0 = cpu->cr0;
	sregs->cr3 = cpu->cr3;
	sregs->cr4 = cpu->cr4;
	sregs->efer = cpu->efer;
}

/*
 * A GDT descriptor: base 0, limit 0xfffff in 4 KiB units (4 GiB), present,
 * DPL 0, code or data (S = 1), with the access type and the L/D bits.
 */
static uint64_t flat_descriptor(uint8_t type, int l, int db)
{
	return 0xffffULL |			/* limit 15:0 */
	       ((uint64_t)(0x90 | type) << 40) |	/* P, S, type */
	       (0xfULL << 48) |			/* limit 19:16 */
	       ((uint64_t)l << 53) | ((uint64_t)db << 54) |
	       (1ULL << 55);			/* G: 4 KiB units */
}

static struct vcpu_segment flat_segment(uint16_t selector, uint8_t type,
					int l, int db)
{
	return (struct vcpu_segment) {
		.base = 0, .limit = 0xffffffff, .selector = selector,
		.type = type, .present = 1, .dpl = 0, .db = db, .s = 1,
		.l = l, .g = 1,
	};
}

void boot_gdt_setup(void *gdt, uint64_t gdt_gpa, int long_mode,
		    struct boot_cpu *cpu)
{
	struct vcpu_segment data = flat_segment(BOOT_DS, 0x3, 0, 1);
	uint8_t *p = gdt;

	/* Type 0xb: execute/read, accessed; 0x3: read/write, accessed. */
	memset(p, 0, BOOT_GDT_SIZE);
	put_le64(p + BOOT_CS, flat_descriptor(0xb, long_mode, !long_mode));
	put_le64(p + BOOT_DS, flat_descriptor(0x3, 0, 1));

	cpu->cs = flat_segment(BOOT_CS, 0xb, long_mode, !long_mode);
	cpu->ds = data;
	cpu->es = data;
	cpu->fs = data;
	cpu->gs = data;
	cpu->ss = data;
	cpu->gdt.base = gdt_gpa;
	cpu->gdt.limit = BOOT_GDT_SIZE - 1;
	cpu->idt.base = 0;
	cpu->idt.limit = 0;
}

void boot_msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
