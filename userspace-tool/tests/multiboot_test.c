// SPDX-License-Identifier: GPL-2.0
/*
 * boot/multiboot.c against crafted images: a small ELF32 executable with
 * a Multiboot header, and a raw image loaded by the a.out-kludge fields.
 */
#include <stdlib.h>

#include "boot/e820.h"
#include "boot/layout.h"
#include "boot/le.h"
#include "boot/multiboot.h"
#include "test.h"

#define IMG_SIZE	0x3000
#define HDR_OFF		0x1000		/* the ELF's first segment starts here */
#define TEXT_ADDR	0x100000
#define DATA_ADDR	0x200000

static uint8_t image[IMG_SIZE];
static struct guest_mem gm;
static struct boot_cpu cpu;
static struct multiboot_info info;
static struct multiboot_args args;
static char err[512];

static void put_header(size_t off, uint32_t flags)
{
	put_le32(image + off, MB_HEADER_MAGIC);
	put_le32(image + off + MB_HDR_FLAGS, flags);
	put_le32(image + off + MB_HDR_CHECKSUM, -(MB_HEADER_MAGIC + flags));
}

static void put_phdr(unsigned int i, uint32_t type, uint32_t off, uint32_t paddr,
		     uint32_t filesz, uint32_t memsz)
{
	uint8_t *ph = image + 52 + 32 * i;

	put_le32(ph, type);
	put_le32(ph + 4, off);
	put_le32(ph + 8, paddr + 0xc0000000);	/* vaddr: not what we load by */
	put_le32(ph + 12, paddr);
	put_le32(ph + 16, filesz);
	put_le32(ph + 20, memsz);
}

/*
 * An ELF32 i386 executable: text (0x1000 bytes, the Multiboot header at
 * its start) at 1 MiB, data (0x800 bytes + 0x1800 of bss) at 2 MiB, and a
 * PT_NOTE that must be ignored.
 */
static void make_elf(uint32_t flags)
{
	size_t i;

	memset(image, 0, sizeof(image));
	memcpy(image, "\177ELF", 4);
	image[4] = 1;			/* ELFCLASS32 */
	image[5] = 1;			/* little-endian */
	image[6] = 1;
	put_le16(image + 16, 2);	/* ET_EXEC */
	put_le16(image + 18, 3);	/* EM_386 */
	put_le32(image + 24, TEXT_ADDR + 0x10);
	put_le32(image + 28, 52);	/* e_phoff */
	put_le16(image + 42, 32);
	put_le16(image + 44, 3);
	put_phdr(0, 1, 0x1000, TEXT_ADDR, 0x1000, 0x1000);
	put_phdr(1, 1, 0x2000, DATA_ADDR, 0x800, 0x2000);
	put_phdr(2, 4, 0x100, 0x5000, 0x10, 0x10);
	for (i = 0x1000; i < IMG_SIZE; i++)
		image[i] = (uint8_t)(i ^ 0x5a);
	put_header(HDR_OFF, flags);

	memset(&args, 0, sizeof(args));
	args.kernel = image;
	args.kernel_size = sizeof(image);
}

static void mem(uint64_t size)
{
	free(gm.host);
	guest_mem_layout(&gm, size, true);
	gm.host = calloc(1, gm.low_size);
	/* What the loader must overwrite: the bss. */
	if (gm.host && gm.low_size > DATA_ADDR + 0x2000)
		memset(gm.host + DATA_ADDR, 0xcc, 0x2000);
}

static uint8_t *at(uint64_t gpa)
{
	return guest_mem_ptr(&gm, gpa, 1);
}

static int load(void)
{
	err[0] = '\0';
	return multiboot_load(&gm, &args, &cpu, &info, err, sizeof(err));
}

static void mb_probe(void)
{
	make_elf(0);
	CHECK_INT(multiboot_probe(image, sizeof(image)), HDR_OFF);
	/* Only at 4-byte alignment, only in the first 8 KiB. */
	memset(image + HDR_OFF, 0, 12);
	put_header(0x1002, 0);
	CHECK_INT(multiboot_probe(image, sizeof(image)), -1);
	put_header(0x2000 - 12, 0);
	CHECK_INT(multiboot_probe(image, sizeof(image)), 0x2000 - 12);
	memset(image + 0x2000 - 12, 0, 12);
	put_header(0x2000 - 8, 0);
	CHECK_INT(multiboot_probe(image, sizeof(image)), -1);
	CHECK_INT(multiboot_probe(image, 8), -1);
}

static void mb_load_elf(void)
{
	static const uint8_t initrd[3000] = { 'm', 'o', 'd', [2999] = 0x99 };
	const uint8_t *mbi, *mm, *mod;

	make_elf(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY);
	mem(32 * SZ_1M);
	args.module = initrd;
	args.module_size = sizeof(initrd);
	args.module_string = "/boot/initrd.img";
	args.cmdline = "hello world";
	CHECK_INT(load(), 0);
	CHECK_STR(err, "");
	CHECK(!info.aout_kludge);
	CHECK_HEX(info.header_offset, HDR_OFF);

	/* Segments at their physical addresses, bss zeroed. */
	CHECK(!memcmp(at(TEXT_ADDR), image + 0x1000, 0x1000));
	CHECK(!memcmp(at(DATA_ADDR), image + 0x2000, 0x800));
	CHECK_HEX(*at(DATA_ADDR + 0x800), 0);
	CHECK_HEX(*at(DATA_ADDR + 0x1fff), 0);
	CHECK_HEX(*at(0x5000), 0);		/* PT_NOTE not loaded */
	CHECK_HEX(info.load_start, TEXT_ADDR);
	CHECK_HEX(info.load_end, DATA_ADDR + 0x2000);

	/* The entry state the spec prescribes. */
	CHECK_HEX(cpu.regs.rax, 0x2badb002);
	CHECK_HEX(cpu.regs.rbx, MB_INFO_ADDR);
	CHECK_HEX(cpu.regs.rip, TEXT_ADDR + 0x10);
	CHECK_HEX(cpu.regs.rflags, 0x2);
	CHECK_HEX(cpu.cr0, 0x11);
	CHECK_HEX(cpu.cr3 | cpu.cr4 | cpu.efer, 0);
	CHECK_INT(cpu.cs.db, 1);
	CHECK_INT(cpu.cs.l, 0);
	CHECK_HEX(cpu.cs.limit, 0xffffffff);
	CHECK_HEX(cpu.cs.base, 0);
	CHECK_INT(cpu.ss.selector, 0x18);
	CHECK_HEX(get_le64(at(BOOT_GDT_ADDR + 0x10)), 0x00cf9b000000ffffULL);

	/* The information structure. */
	mbi = at(MB_INFO_ADDR);
	CHECK_HEX(get_le32(mbi + MBI_FLAGS), MBI_MEMORY | MBI_CMDLINE | MBI_MODS |
		  MBI_MEM_MAP | MBI_LOADER_NAME);
	CHECK_INT(get_le32(mbi + MBI_MEM_LOWER), 639);
	CHECK_INT(get_le32(mbi + MBI_MEM_UPPER), 31 * 1024);
	CHECK_STR((const char *)at(get_le32(mbi + MBI_CMDLINE_PTR)), "hello world");
	CHECK_STR((const char *)at(get_le32(mbi + MBI_LOADER_NAME_PTR)), "minivm-run");

	/* mmap: each entry's size field does not count itself. */
	CHECK_INT(get_le32(mbi + MBI_MMAP_LENGTH), 3 * 24);
	mm = at(get_le32(mbi + MBI_MMAP_ADDR));
	CHECK_INT(get_le32(mm), 20);
	CHECK_HEX(get_le64(mm + 4), 0);
	CHECK_HEX(get_le64(mm + 12), 0x9fc00);
	CHECK_INT(get_le32(mm + 20), 1);
	CHECK_INT(get_le32(mm + 24 + 20), 2);
	CHECK_HEX(get_le64(mm + 48 + 4), 0x100000);
	CHECK_HEX(get_le64(mm + 48 + 12), 31 * SZ_1M);

	/* The module: page-aligned after the kernel, with its string. */
	CHECK_INT(get_le32(mbi + MBI_MODS_COUNT), 1);
	mod = at(get_le32(mbi + MBI_MODS_ADDR));
	CHECK_HEX(get_le32(mod), DATA_ADDR + 0x2000);
	CHECK_HEX(get_le32(mod + 4), DATA_ADDR + 0x2000 + 3000);
	CHECK_STR((const char *)at(get_le32(mod + 8)), "/boot/initrd.img");
	CHECK_HEX(get_le32(mod + 12), 0);
	CHECK(!memcmp(at(DATA_ADDR + 0x2000), initrd, sizeof(initrd)));
}

static void mb_no_module(void)
{
	const uint8_t *mbi;

	make_elf(0);
	mem(5ULL << 30);
	CHECK_INT(load(), 0);
	mbi = at(MB_INFO_ADDR);
	CHECK_HEX(get_le32(mbi + MBI_FLAGS) & MBI_MODS, 0);
	CHECK_INT(get_le32(mbi + MBI_MODS_COUNT), 0);
	CHECK_STR((const char *)at(get_le32(mbi + MBI_CMDLINE_PTR)), "");
	/* Upper memory stops at the hole; the map goes on above 4 GiB. */
	CHECK_INT(get_le32(mbi + MBI_MEM_UPPER), (0xc0000000 - 0x100000) / 1024);
	CHECK_INT(get_le32(mbi + MBI_MMAP_LENGTH), 4 * 24);
	CHECK_HEX(get_le64(at(MB_MMAP_ADDR + 72 + 4)), 0x100000000ULL);
	CHECK_HEX(get_le64(at(MB_MMAP_ADDR + 72 + 12)), 2ULL << 30);
}

/*
 * A raw image: 0x400 bytes of padding, then the header (with address
 * fields) at file offset 0x400, loaded so that the file's start lands at
 * 0x180000 and the header at 0x180400; 0x2000 bytes loaded, bss to
 * 0x184000, entry at 0x180500.
 */
static void make_aout(void)
{
	uint8_t *h = image + 0x400;
	size_t i;

	memset(image, 0, sizeof(image));
	for (i = 0; i < IMG_SIZE; i++)
		image[i] = (uint8_t)(i * 3);
	put_header(0x400, MB_FLAG_AOUT_KLUDGE | MB_FLAG_MEMORY);
	put_le32(h + MB_HDR_HEADER_ADDR, 0x180400);
	put_le32(h + MB_HDR_LOAD_ADDR, 0x180000);
	put_le32(h + MB_HDR_LOAD_END_ADDR, 0x182000);
	put_le32(h + MB_HDR_BSS_END_ADDR, 0x184000);
	put_le32(h + MB_HDR_ENTRY_ADDR, 0x180500);

	memset(&args, 0, sizeof(args));
	args.kernel = image;
	args.kernel_size = sizeof(image);
}

static void mb_load_aout(void)
{
	make_aout();
	mem(16 * SZ_1M);
	memset(at(0x182000), 0xcc, 0x2000);
	CHECK_INT(load(), 0);
	CHECK(info.aout_kludge);
	CHECK(!memcmp(at(0x180000), image, 0x2000));
	CHECK_HEX(*at(0x182000), 0);
	CHECK_HEX(*at(0x183fff), 0);
	CHECK_HEX(info.load_end, 0x184000);
	CHECK_HEX(cpu.regs.rip, 0x180500);

	/* load_end_addr 0: to the end of the file; bss_end_addr 0: none. */
	put_le32(image + 0x400 + MB_HDR_LOAD_END_ADDR, 0);
	put_le32(image + 0x400 + MB_HDR_BSS_END_ADDR, 0);
	CHECK_INT(load(), 0);
	CHECK_HEX(info.load_end, 0x180000 + IMG_SIZE);
	CHECK(!memcmp(at(0x180000), image, IMG_SIZE));

	/* Bit 16 wins over the ELF headers of an ELF file. */
	make_elf(MB_FLAG_AOUT_KLUDGE);
	put_le32(image + HDR_OFF + MB_HDR_HEADER_ADDR, 0x301000);
	put_le32(image + HDR_OFF + MB_HDR_LOAD_ADDR, 0x300000);
	put_le32(image + HDR_OFF + MB_HDR_LOAD_END_ADDR, 0);
	put_le32(image + HDR_OFF + MB_HDR_BSS_END_ADDR, 0);
	put_le32(image + HDR_OFF + MB_HDR_ENTRY_ADDR, 0x301020);
	CHECK_INT(load(), 0);
	CHECK_STR(err, "");
	CHECK(info.aout_kludge);
	CHECK_HEX(info.load_start, 0x300000);
	CHECK(!memcmp(at(0x300000), image, IMG_SIZE));
}

static void mb_header_errors(void)
{
	make_elf(0);
	mem(16 * SZ_1M);
	memset(image + HDR_OFF, 0, 12);
	CHECK_INT(load(), -22);
	CHECK_STR(err, "not a Multiboot kernel: no header magic 0x1BADB002 in the first 8192 bytes");

	make_elf(0);
	put_le32(image + HDR_OFF + MB_HDR_CHECKSUM, 0x12345678);
	CHECK_INT(load(), -22);
	CHECK_STR(err, "bad Multiboot header at offset 0x1000: magic + flags + checksum is not 0 (checksum 0x12345678)");

	/* A stray magic before the real header is skipped. */
	make_elf(0);
	put_le32(image + 0x800, MB_HEADER_MAGIC);
	CHECK_INT(load(), 0);
	CHECK_HEX(info.header_offset, HDR_OFF);

	make_elf(MB_FLAG_VIDEO);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "requires a video mode (Multiboot flag bit 2)");
	make_elf(1U << 5);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "unknown required bits 0x0020");
	/* Unknown optional bits are ignored, as the spec says. */
	make_elf(1U << 20);
	CHECK_INT(load(), 0);
}

static void mb_elf_errors(void)
{
	mem(16 * SZ_1M);

	make_elf(0);
	image[1] = 'X';
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "not an ELF file, and its header has no address fields (flag bit 16)");

	make_elf(0);
	image[4] = 2;			/* ELFCLASS64 */
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "not a 32-bit x86 ELF (class 2, data 1, machine 3)");
	make_elf(0);
	put_le16(image + 18, 62);	/* EM_X86_64 */
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "machine 62");
	make_elf(0);
	put_le16(image + 16, 3);	/* ET_DYN */
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "ELF file of type 3, not an executable");

	make_elf(0);
	put_le16(image + 44, 400);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "400 program headers");

	make_elf(0);
	put_phdr(1, 1, 0x2000, DATA_ADDR, 0x2000, 0x1000);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "corrupt ELF file: segment 1");
	make_elf(0);
	put_phdr(1, 1, 0x2800, DATA_ADDR, 0x1000, 0x1000);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "corrupt ELF file: segment 1");

	make_elf(0);
	put_phdr(0, 1, 0x1000, 0x8000, 0x1000, 0x1000);
	CHECK_INT(load(), -22);
	CHECK_STR(err, "ELF segment 0 at 0x8000-0x9000 is below 1 MiB, where minivm-run keeps the boot information");

	mem(16 * SZ_1M);
	make_elf(0);
	put_phdr(1, 1, 0x2000, 15 * SZ_1M, 0x800, 0x200000);
	CHECK_INT(load(), -22);
	CHECK_STR(err, "not enough guest memory: ELF segment 1 at 0xf00000-0x1100000 ends beyond the 16M of RAM below the PCI hole; use a larger -m");
	/* Nothing was loaded when a later segment failed. */
	CHECK_HEX(*at(TEXT_ADDR), 0);

	make_elf(0);
	put_phdr(0, 6, 0, 0, 0, 0);
	put_phdr(1, 1, 0x2000, DATA_ADDR, 0, 0);
	CHECK_INT(load(), -22);
	CHECK_STR(err, "the ELF file has nothing to load (no PT_LOAD segment)");

	make_elf(0);
	put_le32(image + 24, 0x400000);
	CHECK_INT(load(), -22);
	CHECK_STR(err, "the kernel's entry point 0x400000 is outside what it loads (0x100000-0x202000)");
}

static void mb_aout_errors(void)
{
	mem(16 * SZ_1M);

	make_aout();
	put_le32(image + 0x400 + MB_HDR_LOAD_ADDR, 0x180500);	/* above the header */
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "bad Multiboot address fields: load_addr 0x180500 and header_addr 0x180400");
	make_aout();
	put_le32(image + 0x400 + MB_HDR_LOAD_ADDR, 0x170000);	/* before the file */
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "do not match the header's offset 0x400");
	make_aout();
	put_le32(image + 0x400 + MB_HDR_LOAD_END_ADDR, 0x190000);
	put_le32(image + 0x400 + MB_HDR_BSS_END_ADDR, 0);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "truncated kernel: the Multiboot header loads 65536 bytes from offset 0x0, the file has 12288");
	make_aout();
	put_le32(image + 0x400 + MB_HDR_BSS_END_ADDR, 0x181000);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "bss_end_addr 0x181000 is below the end of the loaded image 0x182000");
	make_aout();
	put_le32(image + 0x400 + MB_HDR_HEADER_ADDR, 0x80400);
	put_le32(image + 0x400 + MB_HDR_LOAD_ADDR, 0x80000);
	put_le32(image + 0x400 + MB_HDR_LOAD_END_ADDR, 0x82000);
	put_le32(image + 0x400 + MB_HDR_BSS_END_ADDR, 0);
	put_le32(image + 0x400 + MB_HDR_ENTRY_ADDR, 0x80500);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "the kernel image at 0x80000-0x82000 is below 1 MiB");
	make_aout();
	args.kernel_size = 0x410;
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "truncated Multiboot header: flag bit 16 needs its address fields");
}

static void mb_too_little_memory(void)
{
	static uint8_t initrd[0x100000];
	static char line[BOOT_CMDLINE_MAX + 1];

	make_elf(0);
	mem(0x202000 + 0x100000 - 1);		/* one byte short... */
	args.module = initrd;
	args.module_size = sizeof(initrd);
	CHECK_INT(load(), -22);
	CHECK_CONTAINS(err, "not enough guest memory for the kernel and the initrd: 1048576 bytes of module from 0x202000");
	mem(0x302000);				/* ...and exactly enough */
	CHECK_INT(load(), 0);
	CHECK_HEX(info.module_end, 0x302000);

	memset(line, 'x', BOOT_CMDLINE_MAX);
	args.cmdline = line;
	CHECK_INT(load(), -22);
	CHECK_STR(err, "the command line is 65536 bytes, but at most 65535 fit");
	line[BOOT_CMDLINE_MAX - 1] = '\0';
	CHECK_INT(load(), 0);
}

const struct test multiboot_tests[] = {
	{ "multiboot: header found 4-aligned in the first 8 KiB", mb_probe },
	{ "multiboot: ELF segments, bss, info, mmap, module, entry state", mb_load_elf },
	{ "multiboot: no module; -m above 3G in mem_upper and mmap", mb_no_module },
	{ "multiboot: a.out-kludge address fields, defaults, precedence", mb_load_aout },
	{ "multiboot: no magic, bad checksum, video and unknown flags", mb_header_errors },
	{ "multiboot: not ELF, wrong class/machine/type, bad segments, entry", mb_elf_errors },
	{ "multiboot: bad a.out-kludge address fields", mb_aout_errors },
	{ "multiboot: module or command line that does not fit", mb_too_little_memory },
	{ NULL, NULL },
};
