/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM: one host mapping, shown to the guest at guest-physical 0
 * and, when it does not fit below the PCI hole, continued above 4 GiB.
 *
 *   guest-physical                     host
 *   0 .. low_size                      host[0 .. low_size)
 *   4G .. 4G + high_size               host[low_size .. size)
 *
 * A PC keeps the top of the 32-bit address space for devices (the I/O
 * APIC at 0xfec00000, the local APIC at 0xfee00000, PCI BARs, firmware),
 * so RAM below 4 GiB stops at GUEST_PCI_HOLE_START and the rest is moved
 * above 4 GiB, where the e820 map and the Multiboot memory map describe
 * it. A flat binary gets no hole: it sees all its RAM at 0, as before.
 */
#ifndef MINIVM_RUN_GUEST_MEM_H
#define MINIVM_RUN_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "size.h"

/*
 * -m: at least 128 KiB, what a flat binary needs (its load segment at
 * 0x10000 and the 64 KiB above it, so its stack is always backed); at
 * most 64 GiB (2^36), below the physical-address width of every x86-64
 * CPU with VMX, so no driver refuses a size for its width. The default
 * is 16 MiB for a flat binary and 256 MiB for a kernel, which needs room
 * to decompress itself and its initramfs.
 */
#define GUEST_MEM_MIN		SZ_128K
#define GUEST_MEM_MAX		SZ_64G
#define GUEST_MEM_DEFAULT	SZ_16M
#define GUEST_MEM_KERNEL_DEFAULT (256 * SZ_1M)
#define GUEST_MEM_ALIGN		SZ_4K

#define GUEST_PCI_HOLE_START	0xc0000000ULL	/* 3 GiB */
#define GUEST_HIGH_BASE		0x100000000ULL	/* 4 GiB */

/*
 * With the hole, the top of guest-physical RAM is size + 1 GiB; keeping
 * it at or below 64 GiB (as without the hole) keeps it below every VMX
 * CPU's physical-address width (see GUEST_MEM_MAX).
 */
#define GUEST_MEM_HOLE_MAX	(SZ_64G - (GUEST_HIGH_BASE - GUEST_PCI_HOLE_START))

struct guest_mem {
	uint8_t *host;		/* the mapping */
	uint64_t size;		/* bytes of RAM */
	uint64_t low_size;	/* at guest-physical 0 */
	uint64_t high_size;	/* at GUEST_HIGH_BASE, host + low_size */
};

/* Split @size bytes of RAM, with or without the PCI hole. host is NULL. */
void guest_mem_layout(struct guest_mem *gm, uint64_t size, bool pci_hole);

/*
 * The host address of guest-physical [@gpa, @gpa + @len), or NULL unless
 * RAM backs all of it (in one piece: a range never spans the hole).
 */
void *guest_mem_ptr(const struct guest_mem *gm, uint64_t gpa, uint64_t len);

#endif /* MINIVM_RUN_GUEST_MEM_H */
