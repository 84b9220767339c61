// SPDX-License-Identifier: GPL-2.0
/*
 * boot/bzimage.c against crafted bzImages: a setup header with just the
 * fields the protocol defines, and a "kernel" of recognisable bytes.
 */
#include <stdlib.h>

#include "boot/bzimage.h"
#include "boot/e820.h"
#include "boot/layout.h"
#include "boot/le.h"
#include "test.h"

#define SETUP_SECTS	3
#define SETUP_SIZE	((SETUP_SECTS + 1) * 512)
#define PM_SIZE		0x3000

static uint8_t image[SETUP_SIZE + PM_SIZE];
static struct guest_mem gm;
static struct boot_cpu cpu;
static struct bzimage_info info;
static struct bzimage_args args;
static char err[512];

/* A 2.15 relocatable kernel preferring 16 MiB, needing 8 MiB there. */
static void make_image(void)
{
	size_t i;

	memset(image, 0, sizeof(image));
	image[BZ_SETUP_SECTS] = SETUP_SECTS;
	put_le32(image + BZ_SYSSIZE, PM_SIZE / 16);
	put_le16(image + BZ_BOOT_FLAG, 0xaa55);
	image[BZ_JUMP] = 0xeb;
	image[BZ_JUMP + 1] = 0x6a;		/* header ends at 0x26c */
	put_le32(image + BZ_HEADER, 0x53726448);
	put_le16(image + BZ_VERSION, 0x020f);
	image[BZ_LOADFLAGS] = BZ_LOADED_HIGH;
	put_le32(image + BZ_CODE32_START, 0x100000);
	put_le32(image + BZ_INITRD_ADDR_MAX, 0x7fffffff);
	put_le32(image + BZ_KERNEL_ALIGNMENT, 0x200000);
	image[BZ_RELOCATABLE] = 1;
	put_le16(image + BZ_XLOADFLAGS, 0x1b);
	put_le32(image + BZ_CMDLINE_SIZE, 2047);
	put_le64(image + BZ_PREF_ADDRESS, 0x1000000);
	put_le32(image + BZ_INIT_SIZE, 0x800000);
	for (i = 0; i < PM_SIZE; i++)
		image[SETUP_SIZE + i] = (uint8_t)(i * 7 + 1);

	memset(&args, 0, sizeof(args));
	args.kernel = image;
	args.kernel_size = sizeof(image);
}

static void mem(uint64_t size)
{
	free(gm.host);
	guest_mem_layout(&gm, size, true);
	/* Tests never touch the part above 4 GiB, so a low-only buffer will do. */
	gm.host = calloc(1, gm.low_size);
}

static uint8_t *at(uint64_t gpa)
{
	return guest_mem_ptr(&gm, gpa, 1);
}

static int load(void)
{
	err[0] = '\0';
	return bzimage_load(&gm, &args, &cpu, &info, err, sizeof(err));
}

static void bz_probe(void)
{
	make_image();
	CHECK(bzimage_probe(image, sizeof(image)));
	CHECK(!bzimage_probe(image, 0x205));
	put_le32(image + BZ_HEADER, 0);
	CHECK(bzimage_probe(image, sizeof(image)));	/* still the boot flag */
	put_le16(image + BZ_BOOT_FLAG, 0);
	CHECK(!bzimage_probe(image, sizeof(image)));
}

static void bz_load_relocatable(void)
{
	static const uint8_t initrd[5000] = { 0x1f, 0x8b, [4999] = 0x42 };
	const uint8_t *bp;

	make_image();
	mem(64 * SZ_1M);
	args.initrd = initrd;
	args.initrd_size = sizeof(initrd);
	args.cmdline = "console=ttyS0 earlyprintk=serial";
	CHECK_INT(load(), 0);
	CHECK_STR(err, "");

	/* The kernel at its preferred address, entered at +0x200. */
	CHECK_HEX(info.protocol, 0x020f);
	CHECK_HEX(info.load_addr, 0x1000000);
	CHECK_HEX(info.kernel_end, 0x1800000);
	CHECK_HEX(info.entry, 0x1000200);
	CHECK(!memcmp(at(0x1000000), image + SETUP_SIZE, PM_SIZE));

	/* The initrd as high as RAM goes, page-aligned. */
	CHECK_HEX(info.initrd_addr, (64 * SZ_1M - 5000) & ~0xfffULL);
	CHECK_INT(info.initrd_size, 5000);
	CHECK(!memcmp(at(info.initrd_addr), initrd, sizeof(initrd)));

	/* boot_params: the header copied, then what a loader writes. */
	bp = at(BOOT_PARAMS_ADDR);
	CHECK(!memcmp(bp + 0x1f1, image + 0x1f1, BZ_VID_MODE - 0x1f1));
	CHECK(!memcmp(bp + 0x1fc, image + 0x1fc, BZ_TYPE_OF_LOADER - 0x1fc));
	CHECK_HEX(get_le32(bp + BZ_HEADER), 0x53726448);
	CHECK_HEX(get_le16(bp + BZ_VERSION), 0x020f);
	CHECK_HEX(bp[BZ_TYPE_OF_LOADER], 0xff);
	CHECK_HEX(bp[BZ_LOADFLAGS], BZ_LOADED_HIGH);
	CHECK_HEX(get_le16(bp + BZ_VID_MODE), 0xffff);
	CHECK_HEX(get_le32(bp + BZ_CODE32_START), 0x1000000);
	CHECK_HEX(get_le32(bp + BZ_CMD_LINE_PTR), 0x20000);
	CHECK_STR((const char *)at(0x20000), "console=ttyS0 earlyprintk=serial");
	CHECK_HEX(get_le32(bp + BZ_RAMDISK_IMAGE), info.initrd_addr);
	CHECK_HEX(get_le32(bp + BZ_RAMDISK_SIZE), 5000);
	CHECK_HEX(get_le32(bp + BP_EXT_RAMDISK_IMAGE) | get_le32(bp + BP_EXT_CMD_LINE_PTR), 0);
	CHECK_HEX(get_le32(bp + BZ_INIT_SIZE), 0x800000);
	CHECK_HEX(get_le64(bp + BZ_PREF_ADDRESS), 0x1000000);
	CHECK_HEX(bp[BP_SENTINEL], 0);
	CHECK_HEX(get_le32(bp + BP_ALT_MEM_K), 63 * 1024);
	CHECK_HEX(get_le32(bp + 0x26c), 0);		/* nothing past the header */

	/* The e820 map: low RAM, the EBDA/ROM hole, RAM from 1 MiB. */
	CHECK_INT(bp[BP_E820_ENTRIES], 3);
	CHECK_HEX(get_le64(bp + BP_E820_TABLE), 0);
	CHECK_HEX(get_le64(bp + BP_E820_TABLE + 8), 0x9fc00);
	CHECK_INT(get_le32(bp + BP_E820_TABLE + 16), 1);
	CHECK_HEX(get_le64(bp + BP_E820_TABLE + 20), 0x9fc00);
	CHECK_HEX(get_le64(bp + BP_E820_TABLE + 28), 0x100000 - 0x9fc00);
	CHECK_INT(get_le32(bp + BP_E820_TABLE + 36), 2);
	CHECK_HEX(get_le64(bp + BP_E820_TABLE + 40), 0x100000);
	CHECK_HEX(get_le64(bp + BP_E820_TABLE + 48), 63 * SZ_1M);
	CHECK_INT(get_le32(bp + BP_E820_TABLE + 56), 1);
	CHECK_HEX(get_le64(bp + BP_E820_TABLE + 60), 0);	/* no fourth */
}

static void bz_entry_state(void)
{
	const uint8_t *pd = at(BOOT_PD_ADDR);

	make_image();
	mem(64 * SZ_1M);
	CHECK_INT(load(), 0);

	/* 64-bit mode, paging on, flat __BOOT_CS/__BOOT_DS, IF clear. */
	CHECK_HEX(cpu.regs.rip, 0x1000200);
	CHECK_HEX(cpu.regs.rsi, BOOT_PARAMS_ADDR);
	CHECK_HEX(cpu.regs.rflags, 0x2);
	CHECK_HEX(cpu.regs.rbp | cpu.regs.rdi | cpu.regs.rbx, 0);
	CHECK_INT(cpu.cs.selector, 0x10);
	CHECK_INT(cpu.cs.l, 1);
	CHECK_INT(cpu.cs.db, 0);
	CHECK_INT(cpu.ds.selector, 0x18);
	CHECK_INT(cpu.ss.selector, 0x18);
	CHECK_HEX(cpu.gdt.base, BOOT_GDT_ADDR);
	CHECK_HEX(get_le64(at(BOOT_GDT_ADDR + 0x10)), 0x00af9b000000ffffULL);
	CHECK_HEX(cpu.cr0, 0x80000011);
	CHECK_HEX(cpu.cr4, 0x20);
	CHECK_HEX(cpu.efer, 0x500);
	CHECK_HEX(cpu.cr3, BOOT_PML4_ADDR);

	/* The identity map of 0-4 GiB in 2 MiB pages. */
	CHECK_HEX(get_le64(at(BOOT_PML4_ADDR)), BOOT_PDPT_ADDR | 3);
	CHECK_HEX(get_le64(at(BOOT_PML4_ADDR + 8)), 0);
	CHECK_HEX(get_le64(at(BOOT_PDPT_ADDR)), BOOT_PD_ADDR | 3);
	CHECK_HEX(get_le64(at(BOOT_PDPT_ADDR + 24)), (BOOT_PD_ADDR + 0x3000) | 3);
	CHECK_HEX(get_le64(at(BOOT_PDPT_ADDR + 32)), 0);
	CHECK_HEX(get_le64(pd), 0x83);
	CHECK_HEX(get_le64(pd + 8), 0x200083);
	CHECK_HEX(get_le64(pd + 8 * 2047), 0xffe00083ULL);
}

static void bz_load_fixed(void)
{
	make_image();
	mem(64 * SZ_1M);
	/* Not relocatable: at 1 MiB, but it runs (and needs room) at 16 MiB. */
	image[BZ_RELOCATABLE] = 0;
	CHECK_INT(load(), 0);
	CHECK_HEX(info.load_addr, 0x100000);
	CHECK_HEX(info.entry, 0x100200);
	CHECK_HEX(info.kernel_end, 0x1800000);
	CHECK(!memcmp(at(0x100000), image + SETUP_SIZE, PM_SIZE));

	/* Relocatable, but the preferred address is unusable: 1 MiB. */
	image[BZ_RELOCATABLE] = 1;
	put_le64(image + BZ_PREF_ADDRESS, 0x1234);
	CHECK_INT(load(), 0);
	CHECK_HEX(info.load_addr, 0x100000);
	CHECK_HEX(info.kernel_end, 0x200000 + 0x800000);	/* runs aligned up */

	/* setup_sects 0 means 4. */
	make_image();
	image[BZ_SETUP_SECTS] = 0;
	args.kernel_size = 5 * 512 + 0x1000;
	put_le32(image + BZ_SYSSIZE, 0x100);
	CHECK_INT(load(), 0);
	CHECK_HEX(info.kernel_size, 0x1000);
}

static void bz_high_memory(void)
{
	static const uint8_t initrd[100] = { 1 };
	const uint8_t *bp;

	make_image();
	mem(5ULL << 30);
	args.initrd = initrd;
	args.initrd_size = sizeof(initrd);
	CHECK_INT(load(), 0);
	/* initrd_addr_max is 2 GiB - 1: below it, not at the end of RAM. */
	CHECK_HEX(info.initrd_addr, 0x80000000 - 0x1000);
	bp = at(BOOT_PARAMS_ADDR);
	CHECK_INT(bp[BP_E820_ENTRIES], 4);
	CHECK_HEX(get_le64(bp + BP_E820_TABLE + 48), 0xc0000000 - 0x100000);
	CHECK_HEX(get_le64(bp + BP_E820_TABLE + 60), 0x100000000ULL);
	CHECK_HEX(get_le64(bp + BP_E820_TABLE + 68), 2ULL << 30);
	CHECK_INT(get_le32(bp + BP_E820_TABLE + 76), 1);
	CHECK_HEX(get_le32(bp + BP_ALT_MEM_K), (0xc0000000 - 0x100000) / 1024);
}

static void bz_not_bzimage(void)
{
	make_image();
	mem(64 * SZ_1M);
	put_le32(image + BZ_HEADER, 0x12345678);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "not a bzImage: no Linux boot protocol header");

	make_image();
	put_le16(image + BZ_BOOT_FLAG, 0x55aa);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "not a bzImage");

	make_image();
	args.kernel_size = 0x100;
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "not a bzImage");
}

static void bz_old_or_unfit(void)
{
	make_image();
	mem(64 * SZ_1M);
	put_le16(image + BZ_VERSION, 0x0206);
	CHECK_INT(load(), -22);
	CHECK_STR(err, "boot protocol 2.06 is too old: minivm-run enters the kernel at its 64-bit entry point, which needs protocol 2.12 (Linux 3.8) or later");
	put_le16(image + BZ_VERSION, 0x020b);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "boot protocol 2.11 is too old");

	make_image();
	image[BZ_LOADFLAGS] = 0;
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "a zImage (loaded below 1 MiB), not a bzImage");

	make_image();
	put_le16(image + BZ_XLOADFLAGS, 0x2);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "no 64-bit entry point (XLF_KERNEL_64 is clear");

	make_image();
	put_le32(image + BZ_KERNEL_ALIGNMENT, 0x300000);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "bad kernel_alignment 0x300000");
}

static void bz_truncated(void)
{
	make_image();
	mem(64 * SZ_1M);
	args.kernel_size = SETUP_SIZE;
	CHECK_INT(load(), -22);
	CHECK_STR(err, "truncated bzImage: 2048 bytes, but the setup code alone takes 2048");

	make_image();
	args.kernel_size = SETUP_SIZE + 0x1000;
	CHECK_INT(load(), -22);
	CHECK_STR(err, "truncated bzImage: the header promises 12288 bytes of kernel after the setup code, the file has 4096");

	make_image();
	image[BZ_JUMP + 1] = 0x10;		/* a header ending at 0x212 */
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "corrupt setup header: it ends at 0x212");
	image[BZ_JUMP + 1] = 0xff;		/* past boot_params' room */
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "corrupt setup header: it ends at 0x301");
}

static void bz_too_little_memory(void)
{
	static uint8_t initrd[0x400000];

	/* 16 MiB preferred + 8 MiB init_size do not fit in 16 MiB. */
	make_image();
	mem(16 * SZ_1M);
	CHECK_INT(load(), -22);
	CHECK_STR(err, "not enough guest memory for the kernel: it needs RAM up to 24M (loaded at 0x1000000, 12288 bytes, init_size 8388608), but -m gives 16M below the PCI hole; use a larger -m");

	/* The kernel fits in 26 MiB, a 4 MiB initrd does not as well. */
	mem(26 * SZ_1M);
	CHECK_INT(load(), 0);
	args.initrd = initrd;
	args.initrd_size = sizeof(initrd);
	CHECK_INT(load(), -22);
	CHECK_STR(err, "not enough guest memory for the kernel and the initrd: 4194304 bytes of initrd must fit between the kernel's end 0x1800000 and 0x1a00000 (initrd_addr_max 0x7fffffff, 26M of RAM below the PCI hole); use a larger -m");
	mem(28 * SZ_1M);
	CHECK_INT(load(), 0);
	CHECK_HEX(info.initrd_addr, 0x1800000);

	/* initrd_addr_max below the kernel's end. */
	put_le32(image + BZ_INITRD_ADDR_MAX, 0xffffff);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "initrd_addr_max 0xffffff");
}

static void bz_cmdline_too_long(void)
{
	static char line[3000];

	make_image();
	mem(64 * SZ_1M);
	memset(line, 'a', 2047);
	args.cmdline = line;
	CHECK_INT(load(), 0);
	CHECK_INT(strlen((const char *)at(0x20000)), 2047);
	line[2047] = 'b';
	CHECK_INT(load(), -22);
	CHECK_STR(err, "the command line is 2048 bytes, but this kernel takes at most 2047");
	CHECK(!strchr(err, '\n'));
}

const struct test bzimage_tests[] = {
	{ "bzimage: probe by HdrS or the boot flag", bz_probe },
	{ "bzimage: relocatable kernel, initrd, cmdline, boot_params, e820", bz_load_relocatable },
	{ "bzimage: 64-bit entry state and identity page tables", bz_entry_state },
	{ "bzimage: non-relocatable at 1 MiB, unusable pref_address, setup_sects 0",
	  bz_load_fixed },
	{ "bzimage: -m above 3G: RAM above 4G in e820, initrd below initrd_addr_max",
	  bz_high_memory },
	{ "bzimage: not a bzImage (no HdrS, no 0xAA55, too short)", bz_not_bzimage },
	{ "bzimage: protocol < 2.12, zImage, no 64-bit entry, bad alignment", bz_old_or_unfit },
	{ "bzimage: truncated image, corrupt header length", bz_truncated },
	{ "bzimage: too little memory for the kernel, then for the initrd", bz_too_little_memory },
	{ "bzimage: command line longer than cmdline_size", bz_cmdline_too_long },
	{ NULL, NULL },
};
