/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux/x86 boot protocol (Documentation/arch/x86/boot.rst in Linux),
 * its 64-bit entry: no real-mode setup code runs. minivm-run fills in
 * boot_params itself, loads the protected-mode kernel and the initrd, and
 * starts the vCPU in long mode at the kernel's 64-bit entry point.
 *
 * Protocol 2.12 (Linux 3.8) or later is required, since that is where
 * xloadflags, and with it the XLF_KERNEL_64 promise of an entry point at
 * load address + 0x200, first appears; every kernel with the 64-bit
 * entry point has it.
 */
#ifndef MINIVM_RUN_BOOT_BZIMAGE_H
#define MINIVM_RUN_BOOT_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot.h"
#include "guest-mem.h"

#define BZIMAGE_MIN_PROTOCOL	0x020c	/* 2.12 */

/* Setup header fields (offsets in the image and in boot_params). */
#define BZ_SETUP_SECTS		0x1f1
#define BZ_SYSSIZE		0x1f4
#define BZ_VID_MODE		0x1fa
#define BZ_BOOT_FLAG		0x1fe
#define BZ_JUMP			0x200
#define BZ_HEADER		0x202
#define BZ_VERSION		0x206
#define BZ_TYPE_OF_LOADER	0x210
#define BZ_LOADFLAGS		0x211
#define BZ_CODE32_START		0x214
#define BZ_RAMDISK_IMAGE	0x218
#define BZ_RAMDISK_SIZE		0x21c
#define BZ_CMD_LINE_PTR		0x228
#define BZ_INITRD_ADDR_MAX	0x22c
#define BZ_KERNEL_ALIGNMENT	0x230
#define BZ_RELOCATABLE		0x234
#define BZ_XLOADFLAGS		0x236
#define BZ_CMDLINE_SIZE		0x238
#define BZ_PREF_ADDRESS		0x258
#define BZ_INIT_SIZE		0x260

/* boot_params fields outside the setup header (zero-page.rst). */
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_ALT_MEM_K		0x1e0
#define BP_E820_ENTRIES		0x1e8
#define BP_SENTINEL		0x1ef
#define BP_HDR_END		0x290	/* where the header's room ends */
#define BP_E820_TABLE		0x2d0
#define BP_SIZE			0x1000

#define BZ_MAGIC_HDRS		0x53726448	/* "HdrS" */
#define BZ_MAGIC_BOOT_FLAG	0xaa55
#define BZ_LOADED_HIGH		0x01	/* loadflags bit 0 */
#define BZ_XLF_KERNEL_64	0x01	/* xloadflags bit 0 */
#define BZ_LOADER_UNDEFINED	0xff	/* type_of_loader without an id */

struct bzimage_args {
	const uint8_t *kernel;
	size_t kernel_size;
	const uint8_t *initrd;		/* NULL: none */
	size_t initrd_size;
	const char *cmdline;		/* NULL: empty */
};

/* What the loader did, for -v and the tests. */
struct bzimage_info {
	uint16_t protocol;
	bool relocatable;
	uint64_t load_addr;		/* the protected-mode kernel */
	uint64_t kernel_size;		/* its bytes in the file */
	uint64_t kernel_end;		/* end of what it needs (init_size) */
	uint64_t entry;
	uint64_t initrd_addr;		/* 0: none */
	uint64_t initrd_size;
	unsigned int e820_entries;
};

/* Does @image start with what a Linux boot-protocol header starts with? */
bool bzimage_probe(const uint8_t *image, size_t size);

/*
 * Check the image, then load it into @gm: the protected-mode kernel, the
 * initrd (placed as high as the kernel and RAM below 4 GiB allow), the
 * command line, boot_params, page tables and GDT; fill @cpu with the
 * 64-bit entry state. Returns 0, or -EINVAL with one line in @err
 * (nothing useful is left in guest memory then).
 */
int bzimage_load(struct guest_mem *gm, const struct bzimage_args *args,
		 struct boot_cpu *cpu, struct bzimage_info *info,
		 char *err, size_t errlen);

#endif /* MINIVM_RUN_BOOT_BZIMAGE_H */
