/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernel loaders put things in guest-physical memory. All of it
 * lies in the first MiB, below the kernel, in RAM that the e820 map and
 * the Multiboot memory map still report as usable (the kernel may reuse
 * it once it has read what is there), except the EBDA and ROM area:
 *
 *   0x00000  real-mode IVT and BIOS data area (only the EBDA pointer and
 *            the base memory size are filled in)
 *   0x00500  boot GDT (32 bytes)
 *   0x01000  page tables for the 64-bit entry: PML4, PDPT, 4 PDs
 *            (0x1000-0x6fff), identity-mapping 0-4 GiB in 2 MiB pages
 *   0x07000  struct boot_params, the "zero page" (bzImage)
 *   0x08000  stack for the 64-bit entry (grows down from 0x9000)
 *   0x09000  Multiboot information, memory map, module list, strings
 *   0x20000  kernel command line (at most 64 KiB with its NUL)
 *   0x9fc00  EBDA, reserved in the memory maps: the MP table
 *   0xa0000  VGA and ROM area, reserved (backed by RAM, unused)
 *   0x100000 the kernel
 */
#ifndef MINIVM_RUN_BOOT_LAYOUT_H
#define MINIVM_RUN_BOOT_LAYOUT_H

#define BOOT_BDA_EBDA_SEG	0x40e	/* word: the EBDA's segment */
#define BOOT_BDA_BASE_MEM_KB	0x413	/* word: KiB of base memory */

#define BOOT_GDT_ADDR		0x500ULL
#define BOOT_PML4_ADDR		0x1000ULL
#define BOOT_PDPT_ADDR		0x2000ULL
#define BOOT_PD_ADDR		0x3000ULL	/* 4 pages: 0-4 GiB */
#define BOOT_PD_PAGES		4
#define BOOT_PARAMS_ADDR	0x7000ULL
#define BOOT_STACK_TOP		0x9000ULL
#define BOOT_MB_INFO_ADDR	0x9000ULL
#define BOOT_MB_INFO_END	0x20000ULL
#define BOOT_CMDLINE_ADDR	0x20000ULL
#define BOOT_CMDLINE_MAX	0x10000ULL	/* bytes, the NUL included */

#define BOOT_EBDA_ADDR		0x9fc00ULL	/* 639 KiB of base memory */
#define BOOT_EBDA_SIZE		0x400ULL
#define BOOT_HIGH_MEM		0x100000ULL	/* the first MiB ends here */

#endif /* MINIVM_RUN_BOOT_LAYOUT_H */
