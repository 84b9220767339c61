// SPDX-License-Identifier: GPL-2.0
/* The MP table (see mptable.h), written field by field. */
#include <string.h>

#include "boot.h"
#include "layout.h"
#include "le.h"
#include "mptable.h"

/* Family 6, and CPUID.1:EDX FPU | APIC: informational, OSes use the APIC ID. */
#define MP_CPU_SIGNATURE	0x600
#define MP_CPU_FEATURES		((1U << 0) | (1U << 9))

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return -sum;
}

uint32_t mptable_size(unsigned int nr_cpus)
{
	/* CPUs, the ISA bus, the I/O APIC, 16 ISA IRQs, LINT0 and LINT1. */
	return MP_HDR_SIZE + nr_cpus * MP_CPU_ENTRY_SIZE +
	       (2 + MP_ISA_IRQS + 2) * MP_ENTRY_SIZE;
}

static uint8_t *put_irq(uint8_t *p, uint8_t entry, uint8_t type, uint8_t irq,
			uint8_t dest, uint8_t pin)
{
	p[0] = entry;
	p[1] = type;
	put_le16(p + 2, 0);		/* polarity and trigger: as the bus */
	p[4] = MP_ISA_BUS_ID;
	p[5] = irq;
	p[6] = dest;
	p[7] = pin;
	return p + MP_ENTRY_SIZE;
}

int mptable_write(struct guest_mem *gm, unsigned int nr_cpus,
		  struct mptable_info *info, char *err, size_t errlen)
{
	uint64_t fp_addr = BOOT_EBDA_ADDR, table_addr = BOOT_EBDA_ADDR + MP_FP_SIZE;
	uint32_t len = mptable_size(nr_cpus);
	uint8_t ioapic_id = MP_IOAPIC_ID;
	uint8_t *fp, *t, *p, *bda;
	unsigned int i;

	if (!nr_cpus || nr_cpus > MP_MAX_CPUS)
		return boot_err(err, errlen, "an MP table for %u vCPUs: 1 to %u are possible",
				nr_cpus, MP_MAX_CPUS);
	if (MP_FP_SIZE + len > BOOT_EBDA_SIZE)
		return boot_err(err, errlen,
				"the MP table for %u vCPUs (%u bytes) does not fit in the 1 KiB EBDA",
				nr_cpus, len);
	fp = guest_mem_ptr(gm, fp_addr, MP_FP_SIZE + len);
	bda = guest_mem_ptr(gm, 0x400, 0x100);
	if (!fp || !bda)
		return boot_err(err, errlen,
				"guest memory too small for the MP table in the EBDA at 0x%llx",
				(unsigned long long)fp_addr);
	memset(fp, 0, MP_FP_SIZE + len);
	t = fp + MP_FP_SIZE;

	/* The BIOS data area: where the EBDA is, and base memory below it. */
	put_le16(bda + (BOOT_BDA_EBDA_SEG - 0x400), BOOT_EBDA_ADDR >> 4);
	put_le16(bda + (BOOT_BDA_BASE_MEM_KB - 0x400), BOOT_EBDA_ADDR / 1024);

	/* The configuration table's header. */
	memcpy(t, "PCMP", 4);
	put_le16(t + 4, len);
	t[6] = 4;			/* spec 1.4 */
	memcpy(t + 8, "MINIVM  ", 8);
	memcpy(t + 16, "minivm-run  ", 12);
	put_le16(t + 34, nr_cpus + 2 + MP_ISA_IRQS + 2);
	put_le32(t + 36, MP_LAPIC_ADDR);

	p = t + MP_HDR_SIZE;
	for (i = 0; i < nr_cpus; i++) {
		p[0] = MP_PROCESSOR;
		p[1] = i;		/* local APIC ID = vCPU id */
		p[2] = MP_LAPIC_VERSION;
		p[3] = MP_CPU_ENABLED | (i == 0 ? MP_CPU_BSP : 0);
		put_le32(p + 4, MP_CPU_SIGNATURE);
		put_le32(p + 8, MP_CPU_FEATURES);
		p += MP_CPU_ENTRY_SIZE;
	}

	p[0] = MP_BUS;
	p[1] = MP_ISA_BUS_ID;
	memcpy(p + 2, "ISA   ", 6);
	p += MP_ENTRY_SIZE;

	p[0] = MP_IOAPIC;
	p[1] = ioapic_id;
	p[2] = MP_IOAPIC_VERSION;
	p[3] = 0x01;			/* enabled */
	put_le32(p + 4, MP_IOAPIC_ADDR);
	p += MP_ENTRY_SIZE;

	for (i = 0; i < MP_ISA_IRQS; i++)
		p = put_irq(p, MP_INTSRC, MP_INT_INT, i, ioapic_id, i);

	/* To every local APIC (0xff): the 8259 on LINT0, NMI on LINT1. */
	p = put_irq(p, MP_LINTSRC, MP_INT_EXTINT, 0, 0xff, 0);
	p = put_irq(p, MP_LINTSRC, MP_INT_NMI, 0, 0xff, 1);

	t[7] = checksum(t, len);

	/* The floating pointer, in the EBDA's first KiB. */
	memcpy(fp, "_MP_", 4);
	put_le32(fp + 4, table_addr);
	fp[8] = 1;			/* 16 bytes */
	fp[9] = 4;			/* spec 1.4 */
	fp[11] = 0;			/* a configuration table follows */
	fp[12] = 0;			/* virtual wire mode, no IMCR */
	fp[10] = checksum(fp, MP_FP_SIZE);

	info->fp_addr = fp_addr;
	info->table_addr = table_addr;
	info->table_len = len;
	info->entries = get_le16(t + 34);
	return 0;
}
