// SPDX-License-Identifier: GPL-2.0
/* Loading a --kernel, whatever its kind (see kernel.h). */
#include <stdio.h>
#include <string.h>

#include "bzimage.h"
#include "kernel.h"
#include "le.h"
#include "mptable.h"
#include "multiboot.h"

enum kernel_kind kernel_detect(const uint8_t *image, size_t size)
{
	if (size >= BZ_HEADER + 4 && get_le32(image + BZ_HEADER) == BZ_MAGIC_HDRS)
		return KERNEL_BZIMAGE;
	if (multiboot_probe(image, size) >= 0)
		return KERNEL_MULTIBOOT;
	if (bzimage_probe(image, size))
		return KERNEL_BZIMAGE;
	return KERNEL_UNKNOWN;
}

static int load_bzimage(struct guest_mem *gm, const struct kernel_args *a,
			struct boot_cpu *cpu, struct kernel_loaded *out,
			char *err, size_t errlen)
{
	struct bzimage_args args = {
		.kernel = a->kernel, .kernel_size = a->kernel_size,
		.initrd = a->initrd, .initrd_size = a->initrd_size,
		.cmdline = a->cmdline,
	};
	struct bzimage_info info;
	int ret;

	ret = bzimage_load(gm, &args, cpu, &info, err, errlen);
	if (ret)
		return ret;
	out->long_mode = true;
	snprintf(out->summary, sizeof(out->summary),
		 "bzImage, boot protocol %u.%02u, %s kernel of %llu bytes at 0x%llx (entry 0x%llx), initrd of %llu bytes at 0x%llx",
		 info.protocol >> 8, info.protocol & 0xff,
		 info.relocatable ? "relocatable" : "fixed",
		 (unsigned long long)info.kernel_size,
		 (unsigned long long)info.load_addr, (unsigned long long)info.entry,
		 (unsigned long long)info.initrd_size,
		 (unsigned long long)info.initrd_addr);
	return 0;
}

static int load_multiboot(struct guest_mem *gm, const struct kernel_args *a,
			  struct boot_cpu *cpu, struct kernel_loaded *out,
			  char *err, size_t errlen)
{
	struct multiboot_args args = {
		.kernel = a->kernel, .kernel_size = a->kernel_size,
		.module = a->initrd, .module_size = a->initrd_size,
		.module_string = a->initrd_name, .cmdline = a->cmdline,
	};
	struct multiboot_info info;
	int ret;

	ret = multiboot_load(gm, &args, cpu, &info, err, errlen);
	if (ret)
		return ret;
	out->long_mode = false;
	snprintf(out->summary, sizeof(out->summary),
		 "Multiboot kernel (%s), header at 0x%x, loaded at 0x%llx-0x%llx (entry 0x%llx), module of %llu bytes at 0x%llx",
		 info.aout_kludge ? "a.out kludge" : "ELF", info.header_offset,
		 (unsigned long long)info.load_start, (unsigned long long)info.load_end,
		 (unsigned long long)info.entry,
		 (unsigned long long)(info.module_end - info.module_start),
		 (unsigned long long)info.module_start);
	return 0;
}

int kernel_load(struct guest_mem *gm, const struct kernel_args *a,
		struct boot_cpu *cpu, struct kernel_loaded *out,
		char *err, size_t errlen)
{
	struct mptable_info mp;
	int ret;

	memset(out, 0, sizeof(*out));
	out->kind = kernel_detect(a->kernel, a->kernel_size);
	switch (out->kind) {
	case KERNEL_BZIMAGE:
		ret = load_bzimage(gm, a, cpu, out, err, errlen);
		break;
	case KERNEL_MULTIBOOT:
		ret = load_multiboot(gm, a, cpu, out, err, errlen);
		break;
	default:
		return boot_err(err, errlen,
				"neither a Linux bzImage (no \"HdrS\" boot header at 0x202) nor a Multiboot kernel (no magic 0x1BADB002 in the first 8192 bytes)");
	}
	if (ret)
		return ret;

	/* Both kinds may look for CPUs and interrupt routing there. */
	return mptable_write(gm, a->nr_cpus, &mp, err, errlen);
}
