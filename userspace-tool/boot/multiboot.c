// SPDX-License-Identifier: GPL-2.0
/*
 * The Multiboot (v1) loader (see multiboot.h). Kernels must load at or
 * above 1 MiB: the first MiB holds this loader's own structures
 * (layout.h), the EBDA and the ROM area.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "e820.h"
#include "layout.h"
#include "le.h"
#include "multiboot.h"
#include "size.h"

#define PAGE		0x1000ULL

/* ELF32, as far as a loader needs it (the System V ABI's numbers). */
#define ELF_EHDR_SIZE	52
#define ELF_PHDR_SIZE	32
#define EI_CLASS	4
#define EI_DATA		5
#define ELFCLASS32	1
#define ELFDATA2LSB	1
#define ET_EXEC		2
#define EM_386		3
#define PT_LOAD		1
#define E_TYPE		16
#define E_MACHINE	18
#define E_ENTRY		24
#define E_PHOFF		28
#define E_PHENTSIZE	42
#define E_PHNUM		44
#define P_TYPE		0
#define P_OFFSET	4
#define P_PADDR		12
#define P_FILESZ	16
#define P_MEMSZ		20

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool checksum_ok(const uint8_t *hdr)
{
	return (uint32_t)(get_le32(hdr) + get_le32(hdr + MB_HDR_FLAGS) +
			  get_le32(hdr + MB_HDR_CHECKSUM)) == 0;
}

long multiboot_probe(const uint8_t *image, size_t size)
{
	size_t off;

	for (off = 0; off + 12 <= size && off + 12 <= MB_SEARCH; off += MB_HEADER_ALIGN)
		if (get_le32(image + off) == MB_HEADER_MAGIC)
			return off;
	return -1;
}

/* The first header with a good checksum; the spec allows only one. */
static int find_header(const struct multiboot_args *a, uint32_t *offset,
		       char *err, size_t errlen)
{
	long first = multiboot_probe(a->kernel, a->kernel_size);
	size_t off;

	if (first < 0)
		return boot_err(err, errlen,
				"not a Multiboot kernel: no header magic 0x1BADB002 in the first 8192 bytes");
	for (off = first; off + 12 <= a->kernel_size && off + 12 <= MB_SEARCH;
	     off += MB_HEADER_ALIGN) {
		if (get_le32(a->kernel + off) == MB_HEADER_MAGIC &&
		    checksum_ok(a->kernel + off)) {
			*offset = off;
			return 0;
		}
	}
	return boot_err(err, errlen,
			"bad Multiboot header at offset 0x%lx: magic + flags + checksum is not 0 (checksum 0x%08x)",
			first, get_le32(a->kernel + first + MB_HDR_CHECKSUM));
}

static int check_flags(uint32_t flags, char *err, size_t errlen)
{
	uint32_t unknown = flags & MB_FLAGS_REQUIRED &
			   ~(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY | MB_FLAG_VIDEO);

	if (flags & MB_FLAG_VIDEO)
		return boot_err(err, errlen,
				"the kernel requires a video mode (Multiboot flag bit 2), which minivm-run cannot provide: it has no display");
	if (unknown)
		return boot_err(err, errlen,
				"the kernel requires Multiboot features minivm-run does not know (flags 0x%08x, unknown required bits 0x%04x)",
				flags, unknown);
	return 0;
}

/* Is [@start, @end) in RAM above the first MiB, below the PCI hole? */
static int check_range(const struct guest_mem *gm, const char *what,
		       uint64_t start, uint64_t end, char *err, size_t errlen)
{
	char have[32];

	if (start < BOOT_HIGH_MEM)
		return boot_err(err, errlen,
				"%s at 0x%llx-0x%llx is below 1 MiB, where minivm-run keeps the boot information",
				what, (unsigned long long)start, (unsigned long long)end);
	if (end > gm->low_size)
		return boot_err(err, errlen,
				"not enough guest memory: %s at 0x%llx-0x%llx ends beyond the %s of RAM below the PCI hole; use a larger -m",
				what, (unsigned long long)start, (unsigned long long)end,
				format_size(gm->low_size, have, sizeof(have)));
	return 0;
}

/* Copy @filesz bytes from @off of the image to @addr, zero up to @memsz. */
static void load_bytes(struct guest_mem *gm, const struct multiboot_args *a,
		       uint64_t off, uint64_t addr, uint64_t filesz, uint64_t memsz)
{
	uint8_t *dst = guest_mem_ptr(gm, addr, memsz);

	memcpy(dst, a->kernel + off, filesz);
	memset(dst + filesz, 0, memsz - filesz);
}

static void note_range(struct multiboot_info *info, uint64_t start, uint64_t end)
{
	if (start < info->load_start)
		info->load_start = start;
	if (end > info->load_end)
		info->load_end = end;
}

/* The a.out kludge: the header says where the image and its bss go. */
static int load_aout(struct guest_mem *gm, const struct multiboot_args *a,
		     uint32_t hoff, struct multiboot_info *info,
		     char *err, size_t errlen)
{
	const uint8_t *h = a->kernel + hoff;
	uint32_t header_addr, load_addr, load_end, bss_end;
	uint64_t file_off, filesz;
	int ret;

	if (hoff + MB_HDR_AOUT_SIZE > a->kernel_size)
		return boot_err(err, errlen,
				"truncated Multiboot header: flag bit 16 needs its address fields");
	header_addr = get_le32(h + MB_HDR_HEADER_ADDR);
	load_addr = get_le32(h + MB_HDR_LOAD_ADDR);
	load_end = get_le32(h + MB_HDR_LOAD_END_ADDR);
	bss_end = get_le32(h + MB_HDR_BSS_END_ADDR);
	info->entry = get_le32(h + MB_HDR_ENTRY_ADDR);

	/* The header itself is loaded too: it tells where the load starts. */
	if (load_addr > header_addr || header_addr - load_addr > hoff)
		return boot_err(err, errlen,
				"bad Multiboot address fields: load_addr 0x%x and header_addr 0x%x do not match the header's offset 0x%x in the file",
				load_addr, header_addr, hoff);
	file_off = hoff - (header_addr - load_addr);
	filesz = load_end ? (uint64_t)load_end - load_addr : a->kernel_size - file_off;
	if (load_end && load_end < load_addr)
		return boot_err(err, errlen,
				"bad Multiboot address fields: load_end_addr 0x%x is below load_addr 0x%x",
				load_end, load_addr);
	if (file_off + filesz > a->kernel_size)
		return boot_err(err, errlen,
				"truncated kernel: the Multiboot header loads %llu bytes from offset 0x%llx, the file has %zu",
				(unsigned long long)filesz, (unsigned long long)file_off,
				a->kernel_size);
	if (bss_end && bss_end < load_addr + filesz)
		return boot_err(err, errlen,
				"bad Multiboot address fields: bss_end_addr 0x%x is below the end of the loaded image 0x%llx",
				bss_end, (unsigned long long)(load_addr + filesz));

	info->aout_kludge = true;
	info->load_start = load_addr;
	info->load_end = bss_end ? bss_end : load_addr + filesz;
	ret = check_range(gm, "the kernel image", info->load_start, info->load_end,
			  err, errlen);
	if (ret)
		return ret;
	load_bytes(gm, a, file_off, load_addr, filesz, info->load_end - load_addr);
	return 0;
}

static int check_elf_header(const struct multiboot_args *a, char *err, size_t errlen)
{
	const uint8_t *e = a->kernel;

	/* Octal: "\x7fELF" would read as the hex escape \x7fE. */
	if (a->kernel_size < ELF_EHDR_SIZE || memcmp(e, "\177ELF", 4))
		return boot_err(err, errlen,
				"the Multiboot kernel is not an ELF file, and its header has no address fields (flag bit 16) to load it by");
	if (e[EI_CLASS] != ELFCLASS32 || e[EI_DATA] != ELFDATA2LSB ||
	    get_le16(e + E_MACHINE) != EM_386)
		return boot_err(err, errlen,
				"the Multiboot kernel is not a 32-bit x86 ELF (class %u, data %u, machine %u)",
				e[EI_CLASS], e[EI_DATA], get_le16(e + E_MACHINE));
	if (get_le16(e + E_TYPE) != ET_EXEC)
		return boot_err(err, errlen,
				"the Multiboot kernel is an ELF file of type %u, not an executable",
				get_le16(e + E_TYPE));
	return 0;
}

/* An ELF32 executable: each PT_LOAD segment at its physical address. */
static int load_elf(struct guest_mem *gm, const struct multiboot_args *a,
		    struct multiboot_info *info, char *err, size_t errlen)
{
	const uint8_t *e = a->kernel;
	uint32_t phoff, phentsize, phnum, i;
	unsigned int loads = 0;
	char what[32];
	int ret;

	ret = check_elf_header(a, err, errlen);
	if (ret)
		return ret;
	phoff = get_le32(e + E_PHOFF);
	phentsize = get_le16(e + E_PHENTSIZE);
	phnum = get_le16(e + E_PHNUM);
	if (phentsize < ELF_PHDR_SIZE ||
	    (uint64_t)phoff + (uint64_t)phnum * phentsize > a->kernel_size)
		return boot_err(err, errlen,
				"corrupt ELF file: %u program headers of %u bytes at 0x%x do not fit in its %zu bytes",
				phnum, phentsize, phoff, a->kernel_size);

	info->load_start = UINT64_MAX;
	/* Check every segment before loading any, so nothing is half done. */
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (uint64_t)i * phentsize;
		uint64_t off = get_le32(ph + P_OFFSET), paddr = get_le32(ph + P_PADDR);
		uint64_t filesz = get_le32(ph + P_FILESZ), memsz = get_le32(ph + P_MEMSZ);

		if (get_le32(ph + P_TYPE) != PT_LOAD || !memsz)
			continue;
		snprintf(what, sizeof(what), "ELF segment %u", i);
		if (filesz > memsz || off + filesz > a->kernel_size)
			return boot_err(err, errlen,
					"corrupt ELF file: segment %u has %llu bytes at offset 0x%llx (%llu in memory), the file %zu",
					i, (unsigned long long)filesz, (unsigned long long)off,
					(unsigned long long)memsz, a->kernel_size);
		ret = check_range(gm, what, paddr, paddr + memsz, err, errlen);
		if (ret)
			return ret;
		note_range(info, paddr, paddr + memsz);
		loads++;
	}
	if (!loads)
		return boot_err(err, errlen, "the ELF file has nothing to load (no PT_LOAD segment)");

	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (uint64_t)i * phentsize;

		if (get_le32(ph + P_TYPE) == PT_LOAD && get_le32(ph + P_MEMSZ))
			load_bytes(gm, a, get_le32(ph + P_OFFSET), get_le32(ph + P_PADDR),
				   get_le32(ph + P_FILESZ), get_le32(ph + P_MEMSZ));
	}
	info->entry = get_le32(e + E_ENTRY);
	return 0;
}

static int place_module(const struct guest_mem *gm, const struct multiboot_args *a,
			struct multiboot_info *info, char *err, size_t errlen)
{
	char have[32];

	if (!a->module_size)
		return 0;
	/* Page-aligned whether the kernel asks (flag bit 0) or not. */
	info->module_start = align_up(info->load_end, PAGE);
	info->module_end = info->module_start + a->module_size;
	if (info->module_end > gm->low_size)
		return boot_err(err, errlen,
				"not enough guest memory for the kernel and the initrd: %zu bytes of module from 0x%llx end beyond the %s of RAM below the PCI hole; use a larger -m",
				a->module_size, (unsigned long long)info->module_start,
				format_size(gm->low_size, have, sizeof(have)));
	return 0;
}

/* Put a NUL-terminated @s at @gpa, within [@gpa, @limit). */
static int put_string(struct guest_mem *gm, uint64_t gpa, uint64_t limit,
		      const char *s)
{
	size_t len = strlen(s) + 1;
	uint8_t *dst;

	if (len > limit - gpa)
		return -1;
	dst = guest_mem_ptr(gm, gpa, len);
	if (!dst)
		return -1;
	memcpy(dst, s, len);
	return 0;
}

static int write_info(struct guest_mem *gm, const struct multiboot_args *a,
		      struct multiboot_info *info, char *err, size_t errlen)
{
	const char *cmdline = a->cmdline ? a->cmdline : "";
	struct e820_entry map[E820_MAX_ENTRIES];
	uint32_t flags = MBI_MEMORY | MBI_CMDLINE | MBI_MEM_MAP | MBI_LOADER_NAME;
	uint8_t *mbi = guest_mem_ptr(gm, MB_INFO_ADDR, MBI_SIZE);
	uint8_t *mmap = guest_mem_ptr(gm, MB_MMAP_ADDR, E820_MAX_ENTRIES * MB_MMAP_ENTRY_SIZE);
	uint8_t *mod = guest_mem_ptr(gm, MB_MODS_ADDR, MB_MODULE_SIZE);
	unsigned int i, n;

	if (!mbi || !mmap || !mod)
		return boot_err(err, errlen, "guest memory too small for the Multiboot information");
	if (put_string(gm, BOOT_CMDLINE_ADDR, BOOT_CMDLINE_ADDR + BOOT_CMDLINE_MAX, cmdline))
		return boot_err(err, errlen, "the command line is %zu bytes, but at most %llu fit",
				strlen(cmdline), (unsigned long long)BOOT_CMDLINE_MAX - 1);
	if (put_string(gm, MB_LOADER_NAME_ADDR, MB_MOD_STRING_ADDR, MB_LOADER_NAME))
		return boot_err(err, errlen, "guest memory too small for the Multiboot information");
	memset(mbi, 0, MBI_SIZE);

	/* Base memory up to the EBDA, upper memory from 1 MiB to the hole. */
	info->mem_lower = (gm->low_size < BOOT_EBDA_ADDR ? gm->low_size : BOOT_EBDA_ADDR) / 1024;
	info->mem_upper = gm->low_size > BOOT_HIGH_MEM ?
			  (gm->low_size - BOOT_HIGH_MEM) / 1024 : 0;
	put_le32(mbi + MBI_MEM_LOWER, info->mem_lower);
	put_le32(mbi + MBI_MEM_UPPER, info->mem_upper);
	put_le32(mbi + MBI_CMDLINE_PTR, BOOT_CMDLINE_ADDR);
	put_le32(mbi + MBI_LOADER_NAME_PTR, MB_LOADER_NAME_ADDR);

	n = e820_build(gm, map);
	for (i = 0; i < n; i++) {
		uint8_t *e = mmap + i * MB_MMAP_ENTRY_SIZE;

		put_le32(e, MB_MMAP_ENTRY_SIZE - 4);
		put_le64(e + 4, map[i].addr);
		put_le64(e + 12, map[i].size);
		put_le32(e + 20, map[i].type);
	}
	put_le32(mbi + MBI_MMAP_LENGTH, n * MB_MMAP_ENTRY_SIZE);
	put_le32(mbi + MBI_MMAP_ADDR, MB_MMAP_ADDR);

	if (a->module_size) {
		if (put_string(gm, MB_MOD_STRING_ADDR, BOOT_MB_INFO_END,
			       a->module_string ? a->module_string : ""))
			return boot_err(err, errlen,
					"the initrd's name is too long for its Multiboot module string (at most %llu bytes)",
					(unsigned long long)(BOOT_MB_INFO_END -
							     MB_MOD_STRING_ADDR - 1));
		memcpy(guest_mem_ptr(gm, info->module_start, a->module_size),
		       a->module, a->module_size);
		put_le32(mod, info->module_start);
		put_le32(mod + 4, info->module_end);
		put_le32(mod + 8, MB_MOD_STRING_ADDR);
		put_le32(mod + 12, 0);
		put_le32(mbi + MBI_MODS_COUNT, 1);
		put_le32(mbi + MBI_MODS_ADDR, MB_MODS_ADDR);
		flags |= MBI_MODS;
	}
	put_le32(mbi + MBI_FLAGS, flags);
	return 0;
}

int multiboot_load(struct guest_mem *gm, const struct multiboot_args *a,
		   struct boot_cpu *cpu, struct multiboot_info *info,
		   char *err, size_t errlen)
{
	uint8_t *gdt;
	uint32_t hoff;
	int ret;

	memset(info, 0, sizeof(*info));
	memset(cpu, 0, sizeof(*cpu));

	ret = find_header(a, &hoff, err, errlen);
	if (ret)
		return ret;
	info->header_offset = hoff;
	info->header_flags = get_le32(a->kernel + hoff + MB_HDR_FLAGS);
	ret = check_flags(info->header_flags, err, errlen);
	if (ret)
		return ret;

	/* Bit 16 wins even for an ELF file: the spec says to use it. */
	if (info->header_flags & MB_FLAG_AOUT_KLUDGE)
		ret = load_aout(gm, a, hoff, info, err, errlen);
	else
		ret = load_elf(gm, a, info, err, errlen);
	if (ret)
		return ret;
	if (info->entry < info->load_start || info->entry >= info->load_end)
		return boot_err(err, errlen,
				"the kernel's entry point 0x%llx is outside what it loads (0x%llx-0x%llx)",
				(unsigned long long)info->entry,
				(unsigned long long)info->load_start,
				(unsigned long long)info->load_end);

	ret = place_module(gm, a, info, err, errlen);
	if (!ret)
		ret = write_info(gm, a, info, err, errlen);
	if (ret)
		return ret;

	gdt = guest_mem_ptr(gm, BOOT_GDT_ADDR, BOOT_GDT_SIZE);
	if (!gdt)
		return boot_err(err, errlen, "guest memory too small for the boot GDT");

	/*
	 * The spec's machine state: EAX magic, EBX the information, flat
	 * 4 GiB 32-bit code and data, protected mode without paging, IF and
	 * VM clear. ESP is the OS's business; the GDT is ours (the spec
	 * lets the OS assume nothing of it, but loads none itself).
	 */
	boot_gdt_setup(gdt, BOOT_GDT_ADDR, 0, cpu);
	cpu->regs.rax = MB_BOOTLOADER_MAGIC;
	cpu->regs.rbx = MB_INFO_ADDR;
	cpu->regs.rip = info->entry;
	cpu->regs.rflags = X86_RFLAGS_FIXED;
	cpu->cr0 = X86_CR0_PE | X86_CR0_ET;
	return 0;
}
