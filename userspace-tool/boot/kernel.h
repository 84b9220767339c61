/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --kernel: tell a Linux bzImage from a Multiboot kernel, load it with
 * its loader, and add the MP table that both kinds of kernel may look
 * for. Pure, like the loaders it calls.
 */
#ifndef MINIVM_RUN_BOOT_KERNEL_H
#define MINIVM_RUN_BOOT_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot.h"
#include "guest-mem.h"

enum kernel_kind {
	KERNEL_UNKNOWN,
	KERNEL_BZIMAGE,
	KERNEL_MULTIBOOT,
};

struct kernel_args {
	const uint8_t *kernel;
	size_t kernel_size;
	const uint8_t *initrd;		/* NULL: none */
	size_t initrd_size;
	const char *initrd_name;	/* the Multiboot module's string */
	const char *cmdline;		/* NULL: empty */
	unsigned int nr_cpus;		/* for the MP table */
};

struct kernel_loaded {
	enum kernel_kind kind;
	bool long_mode;			/* entered in 64-bit mode */
	char summary[256];		/* what went where, for -v */
};

/*
 * Which loader takes @image: a Linux boot-protocol header ("HdrS" at
 * 0x202) makes it a bzImage; else a Multiboot header magic in the first
 * 8 KiB a Multiboot kernel; else a boot flag 0xAA55 at 0x1fe an old Linux
 * kernel (which the bzImage loader refuses with a reason).
 */
enum kernel_kind kernel_detect(const uint8_t *image, size_t size);

/* Load @a into @gm and fill @cpu. 0, or -EINVAL with one line in @err. */
int kernel_load(struct guest_mem *gm, const struct kernel_args *a,
		struct boot_cpu *cpu, struct kernel_loaded *out,
		char *err, size_t errlen);

#endif /* MINIVM_RUN_BOOT_KERNEL_H */
