// SPDX-License-Identifier: GPL-2.0
/* boot/mptable.c: the MP table, parsed back the way an OS reads it. */
#include <stdlib.h>

#include "boot/layout.h"
#include "boot/le.h"
#include "boot/mptable.h"
#include "test.h"

static struct guest_mem gm;
static struct mptable_info info;
static char err[256];

static void mem(uint64_t size)
{
	free(gm.host);
	guest_mem_layout(&gm, size, true);
	gm.host = calloc(1, gm.low_size);
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* Find the floating pointer as Linux does: 16-byte steps in the EBDA. */
static const uint8_t *find_fp(void)
{
	uint64_t ebda = (uint64_t)get_le16(gm.host + 0x40e) << 4;
	uint64_t a;

	for (a = ebda; a < ebda + 1024; a += 16)
		if (!memcmp(gm.host + a, "_MP_", 4) && !sum(gm.host + a, 16))
			return gm.host + a;
	return NULL;
}

static void mp_table_one_cpu(void)
{
	const uint8_t *fp, *t, *p;
	unsigned int i;

	mem(16 * SZ_1M);
	CHECK_INT(mptable_write(&gm, 1, &info, err, sizeof(err)), 0);
	CHECK_HEX(get_le16(gm.host + 0x40e), 0x9fc0);
	CHECK_INT(get_le16(gm.host + 0x413), 639);

	fp = find_fp();
	CHECK(fp);
	if (!fp)
		return;
	CHECK_HEX(get_le32(fp + 4), 0x9fc10);
	CHECK_INT(fp[8], 1);
	CHECK_INT(fp[9], 4);
	CHECK_INT(fp[11], 0);

	t = gm.host + get_le32(fp + 4);
	CHECK(!memcmp(t, "PCMP", 4));
	CHECK_INT(get_le16(t + 4), mptable_size(1));
	CHECK_INT(get_le16(t + 4), 44 + 20 + 20 * 8);
	CHECK_INT(sum(t, get_le16(t + 4)), 0);
	CHECK_INT(t[6], 4);
	CHECK_INT(get_le16(t + 34), 1 + 1 + 1 + 16 + 2);
	CHECK_HEX(get_le32(t + 36), 0xfee00000);
	CHECK_INT(get_le16(t + 40), 0);		/* no extended table */

	p = t + 44;
	CHECK_INT(p[0], MP_PROCESSOR);
	CHECK_INT(p[1], 0);
	CHECK_HEX(p[2], 0x14);
	CHECK_HEX(p[3], MP_CPU_ENABLED | MP_CPU_BSP);
	p += 20;
	CHECK_INT(p[0], MP_BUS);
	CHECK(!memcmp(p + 2, "ISA   ", 6));
	p += 8;
	CHECK_INT(p[0], MP_IOAPIC);
	CHECK_INT(p[1], 0);			/* the I/O APIC's ID at reset */
	CHECK_HEX(p[2], 0x20);			/* minivm's version */
	CHECK_INT(p[3], 1);
	CHECK_HEX(get_le32(p + 4), 0xfec00000);
	p += 8;
	for (i = 0; i < 16; i++, p += 8) {
		CHECK_INT(p[0], MP_INTSRC);
		CHECK_INT(p[1], MP_INT_INT);
		CHECK_INT(get_le16(p + 2), 0);
		CHECK_INT(p[4], 0);
		CHECK_INT(p[5], i);
		CHECK_INT(p[6], 0);		/* to I/O APIC 0 */
		CHECK_INT(p[7], i);
	}
	CHECK_INT(p[0], MP_LINTSRC);
	CHECK_INT(p[1], MP_INT_EXTINT);
	CHECK_HEX(p[6], 0xff);
	CHECK_INT(p[7], 0);
	p += 8;
	CHECK_INT(p[0], MP_LINTSRC);
	CHECK_INT(p[1], MP_INT_NMI);
	CHECK_INT(p[7], 1);
	p += 8;
	CHECK(p == t + get_le16(t + 4));
}

static void mp_table_many_cpus(void)
{
	const uint8_t *t, *p;
	unsigned int i;

	mem(16 * SZ_1M);
	CHECK_INT(mptable_write(&gm, 16, &info, err, sizeof(err)), 0);
	t = gm.host + info.table_addr;
	CHECK_INT(sum(t, info.table_len), 0);
	CHECK_INT(info.entries, 16 + 20);
	for (i = 0, p = t + 44; i < 16; i++, p += 20) {
		CHECK_INT(p[1], i);
		CHECK_HEX(p[3], i ? MP_CPU_ENABLED : MP_CPU_ENABLED | MP_CPU_BSP);
	}
	CHECK_INT(p[8 + 1], 0);			/* the I/O APIC's ID, whatever the CPUs */

	/* The most that fit in the EBDA's KiB. */
	CHECK_INT(mptable_write(&gm, 40, &info, err, sizeof(err)), 0);
	CHECK_INT(mptable_write(&gm, 41, &info, err, sizeof(err)), -22);
	CHECK_STR(err, "the MP table for 41 vCPUs (1024 bytes) does not fit in the 1 KiB EBDA");
	CHECK_INT(mptable_write(&gm, 0, &info, err, sizeof(err)), -22);
	CHECK_STR(err, "an MP table for 0 vCPUs: 1 to 255 are possible");
}

static void mp_table_no_room(void)
{
	mem(0x80000);
	CHECK_INT(mptable_write(&gm, 1, &info, err, sizeof(err)), -22);
	CHECK_STR(err, "guest memory too small for the MP table in the EBDA at 0x9fc00");
}

const struct test mptable_tests[] = {
	{ "mptable: one vCPU: floating pointer, header, entries, checksums", mp_table_one_cpu },
	{ "mptable: 16 vCPUs, the BSP flag, I/O APIC ID, size limits", mp_table_many_cpus },
	{ "mptable: guest memory without an EBDA", mp_table_no_room },
	{ NULL, NULL },
};
