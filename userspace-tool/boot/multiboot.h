/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot, version 1 (the Multiboot Specification 0.6.96): an OS image
 * carries a header in its first 8 KiB; minivm-run loads it (an ELF32
 * executable by its program headers, or any image by the header's
 * a.out-kludge address fields), passes a Multiboot information structure
 * (memory sizes and map, command line, the --initrd file as one module)
 * and enters it in 32-bit protected mode with paging off.
 */
#ifndef MINIVM_RUN_BOOT_MULTIBOOT_H
#define MINIVM_RUN_BOOT_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot.h"
#include "guest-mem.h"
#include "layout.h"

#define MB_HEADER_MAGIC		0x1badb002
#define MB_BOOTLOADER_MAGIC	0x2badb002	/* in EAX at entry */
#define MB_SEARCH		8192		/* the header lies in here */
#define MB_HEADER_ALIGN		4

/* Header flags: bits 0-15 are requirements, 16-31 optional. */
#define MB_FLAG_PAGE_ALIGN	(1U << 0)	/* modules page-aligned */
#define MB_FLAG_MEMORY		(1U << 1)	/* mem_* (and mmap_*) wanted */
#define MB_FLAG_VIDEO		(1U << 2)	/* a video mode wanted */
#define MB_FLAG_AOUT_KLUDGE	(1U << 16)	/* the address fields are valid */
#define MB_FLAGS_REQUIRED	0xffffU

/* Header fields, at offsets from the magic. */
#define MB_HDR_FLAGS		4
#define MB_HDR_CHECKSUM		8
#define MB_HDR_HEADER_ADDR	12
#define MB_HDR_LOAD_ADDR	16
#define MB_HDR_LOAD_END_ADDR	20
#define MB_HDR_BSS_END_ADDR	24
#define MB_HDR_ENTRY_ADDR	28
#define MB_HDR_AOUT_SIZE	32

/* The information structure: flags, and what each flag makes valid. */
#define MBI_MEMORY		(1U << 0)
#define MBI_CMDLINE		(1U << 2)
#define MBI_MODS		(1U << 3)
#define MBI_MEM_MAP		(1U << 6)
#define MBI_LOADER_NAME		(1U << 9)

#define MBI_FLAGS		0
#define MBI_MEM_LOWER		4
#define MBI_MEM_UPPER		8
#define MBI_CMDLINE_PTR		16
#define MBI_MODS_COUNT		20
#define MBI_MODS_ADDR		24
#define MBI_MMAP_LENGTH		44
#define MBI_MMAP_ADDR		48
#define MBI_LOADER_NAME_PTR	64
#define MBI_SIZE		120	/* with the framebuffer fields, all zero */

#define MB_MMAP_ENTRY_SIZE	24	/* its size field says 20: not itself */
#define MB_MODULE_SIZE		16	/* mod_start, mod_end, string, reserved */

/* Where the pieces of the information go, inside BOOT_MB_INFO_*. */
#define MB_INFO_ADDR		BOOT_MB_INFO_ADDR
#define MB_MMAP_ADDR		(BOOT_MB_INFO_ADDR + 0x100)
#define MB_MODS_ADDR		(BOOT_MB_INFO_ADDR + 0x200)
#define MB_LOADER_NAME_ADDR	(BOOT_MB_INFO_ADDR + 0x300)
#define MB_MOD_STRING_ADDR	(BOOT_MB_INFO_ADDR + 0x400)

#define MB_LOADER_NAME		"minivm-run"

struct multiboot_args {
	const uint8_t *kernel;
	size_t kernel_size;
	const uint8_t *module;		/* NULL: none */
	size_t module_size;
	const char *module_string;	/* the module's command line */
	const char *cmdline;		/* NULL: empty */
};

/* What the loader did, for -v and the tests. */
struct multiboot_info {
	uint32_t header_offset;
	uint32_t header_flags;
	bool aout_kludge;		/* loaded by the header's addresses */
	uint64_t load_start, load_end;	/* lowest and highest byte (+1) */
	uint64_t entry;
	uint64_t module_start, module_end;
	uint32_t mem_lower, mem_upper;	/* KiB, as passed */
};

/*
 * Is there a Multiboot header magic in the first 8 KiB of @image (with a
 * good checksum or not)? The offset of the first one, or -1.
 */
long multiboot_probe(const uint8_t *image, size_t size);

/*
 * Check the image, load it, its module, command line and information
 * into @gm, and fill @cpu with the entry state: EAX = 0x2BADB002, EBX =
 * the information, flat 4 GiB code and data segments, CR0.PE, no paging.
 * Returns 0, or -EINVAL with one line in @err.
 */
int multiboot_load(struct guest_mem *gm, const struct multiboot_args *args,
		   struct boot_cpu *cpu, struct multiboot_info *info,
		   char *err, size_t errlen);

#endif /* MINIVM_RUN_BOOT_MULTIBOOT_H */
