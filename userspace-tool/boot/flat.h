/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_BOOT_FLAT_H
#define MINIVM_RUN_BOOT_FLAT_H

#include <stdint.h>

#include <linux/minivm.h>

#include "size.h"

/*
 * Flat binaries follow kvmtool's convention: the image is loaded at
 * 1000:0000 (guest-physical 0x10000) and entered there in real mode,
 * leaving the low 64 KiB free for the real-mode IVT and BIOS data area
 * a guest may want to set up.
 */
#define FLAT_SEGMENT		0x1000
#define FLAT_LOAD_ADDR		((uint64_t)FLAT_SEGMENT << 4)
#define FLAT_ENTRY_IP		0x0000

/*
 * SP 0: the first push wraps SP to 0xfffe, so the stack grows down from
 * the top of the image's own 64 KiB segment (guest-physical 0x1fffe) and
 * is as far from the image as a 16-bit stack can be.
 */
#define FLAT_ENTRY_SP		0x0000

/*
 * Guest memory: at least the load segment and the 64 KiB above it, so
 * the stack is always backed; at most 64 GiB (2^36), below the physical
 * address width of every x86-64 CPU with VMX, so the module never refuses
 * a size for its width.
 */
#define GUEST_MEM_MIN		(FLAT_LOAD_ADDR + SZ_64K)
#define GUEST_MEM_MAX		SZ_64G
#define GUEST_MEM_DEFAULT	SZ_16M
#define GUEST_MEM_ALIGN		SZ_4K

/* Bytes of guest memory from the load address to the end of memory. */
uint64_t flat_room(uint64_t mem_size);

/*
 * Can an image of @image_size bytes be loaded into @mem_size bytes of
 * guest memory? 0, -ENODATA for an empty image, -EFBIG if it is too big.
 */
int flat_check(uint64_t mem_size, uint64_t image_size);

/*
 * Read the whole image from @fd into guest memory @mem. Reads until end of
 * file, so it also works for pipes whose size is not known beforehand.
 * On success returns 0 and the image size in @loaded; otherwise
 * -ENODATA, -EFBIG (more data than flat_room()) or -errno from read().
 */
int flat_load_fd(int fd, void *mem, uint64_t mem_size, uint64_t *loaded);

/* The vCPU state to enter a flat binary with, given the reset state. */
void flat_init_regs(struct minivm_regs *regs);
void flat_init_sregs(struct minivm_sregs *sregs);

#endif /* MINIVM_RUN_BOOT_FLAT_H */
