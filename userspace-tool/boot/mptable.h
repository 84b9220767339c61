/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An Intel MultiProcessor Specification 1.4 table, how a guest without
 * ACPI learns its CPUs and interrupt controllers: the floating pointer and
 * the configuration table in the EBDA (its first KiB, also the last KiB
 * of base memory: both places an OS searches), the BIOS data area
 * pointing at the EBDA.
 *
 * What it describes is what the in-kernel interrupt controllers provide:
 * one local APIC per vCPU at 0xfee00000 (APIC ID = vCPU id), one I/O APIC
 * at 0xfec00000 with 24 pins, APIC ID 0 and version 0x20 (minivm's, api.rst
 * 6.11; KVM's also has ID 0, and reports version 0x11 in its own register,
 * which is what Linux reads), an ISA bus whose IRQs 0-15 are wired to I/O
 * APIC pins 0-15 (identity, edge triggered, active high, as ISA conforms),
 * the 8259's INTR on every LINT0 (ExtINT) and NMI on every LINT1.
 *
 * The I/O APIC's ID is the one its ID register holds at reset, so the
 * guest has no reason to renumber it. That it equals the BSP's APIC ID
 * mattered only on the serial APIC bus of P6-era machines; 64-bit Linux
 * checks I/O APIC IDs only against each other.
 */
#ifndef MINIVM_RUN_BOOT_MPTABLE_H
#define MINIVM_RUN_BOOT_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "guest-mem.h"

#define MP_LAPIC_ADDR		0xfee00000U
#define MP_IOAPIC_ADDR		0xfec00000U
#define MP_IOAPIC_PINS		24
#define MP_ISA_IRQS		16
#define MP_LAPIC_VERSION	0x14	/* an integrated APIC, as KVM's */
#define MP_IOAPIC_ID		0	/* minivm's and KVM's I/O APIC at reset */
#define MP_IOAPIC_VERSION	0x20	/* minivm's (KVM's: 0x11, an 82093AA) */
#define MP_MAX_CPUS		255	/* xAPIC IDs 0-254; 0xff is broadcast */

#define MP_FP_SIZE		16
#define MP_HDR_SIZE		44
#define MP_CPU_ENTRY_SIZE	20
#define MP_ENTRY_SIZE		8	/* bus, I/O APIC, interrupt entries */

/* Entry types. */
#define MP_PROCESSOR		0
#define MP_BUS			1
#define MP_IOAPIC		2
#define MP_INTSRC		3
#define MP_LINTSRC		4

/* Interrupt types, and processor flags. */
#define MP_INT_INT		0
#define MP_INT_NMI		1
#define MP_INT_EXTINT		3
#define MP_CPU_ENABLED		0x01
#define MP_CPU_BSP		0x02

#define MP_ISA_BUS_ID		0

struct mptable_info {
	uint64_t fp_addr;	/* the floating pointer */
	uint64_t table_addr;	/* the configuration table */
	uint32_t table_len;
	unsigned int entries;
};

/* Bytes of configuration table for @nr_cpus vCPUs. */
uint32_t mptable_size(unsigned int nr_cpus);

/*
 * Write the MP table for @nr_cpus vCPUs (vCPU 0 the bootstrap processor)
 * into the EBDA of @gm, and the BIOS data area's EBDA pointer and base
 * memory size. Returns 0, or -EINVAL with one line in @err.
 */
int mptable_write(struct guest_mem *gm, unsigned int nr_cpus,
		  struct mptable_info *info, char *err, size_t errlen);

#endif /* MINIVM_RUN_BOOT_MPTABLE_H */
