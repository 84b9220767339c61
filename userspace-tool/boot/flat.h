/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_BOOT_FLAT_H
#define MINIVM_RUN_BOOT_FLAT_H

#include <stdint.h>

#include "boot.h"
#include "guest-mem.h"

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

/*
 * The vCPU state to enter a flat binary with: real mode at 1000:0000, as
 * after RESET but for the segments (CR0 is the reset value 0x60000010).
 */
void flat_boot_cpu(struct boot_cpu *cpu);

#endif /* MINIVM_RUN_BOOT_FLAT_H */
