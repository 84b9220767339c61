// SPDX-License-Identifier: GPL-2.0
/*
 * The bzImage loader: the 64-bit boot protocol of Linux/x86 (see
 * bzimage.h). Every field is read from the image and written to
 * boot_params a byte at a time (le.h), at the offsets the protocol gives.
 */
#include <errno.h>
#include <string.h>

#include "bzimage.h"
#include "e820.h"
#include "layout.h"
#include "le.h"
#include "pagetable.h"
#include "size.h"

#define SECTOR		512
#define PAGE		0x1000ULL

/* The setup header runs from 0x1f1 to 0x202 + the byte at 0x201. */
#define BZ_HDR_START	BZ_SETUP_SECTS
#define BZ_MIN_SIZE	(BZ_HEADER + 4)

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

bool bzimage_probe(const uint8_t *image, size_t size)
{
	if (size < BZ_MIN_SIZE)
		return false;
	return get_le32(image + BZ_HEADER) == BZ_MAGIC_HDRS ||
	       get_le16(image + BZ_BOOT_FLAG) == BZ_MAGIC_BOOT_FLAG;
}

/* The parts of the setup header the loader decides with. */
struct bz_header {
	uint16_t protocol;
	uint32_t setup_size;		/* boot sector + setup, bytes */
	uint32_t hdr_end;		/* end of the setup header */
	uint32_t syssize;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	bool relocatable;
	uint32_t cmdline_size;
	uint64_t pref_address;
	uint32_t init_size;
};

static int parse_header(const struct bzimage_args *a, struct bz_header *h,
			char *err, size_t errlen)
{
	const uint8_t *img = a->kernel;
	unsigned int setup_sects;

	memset(h, 0, sizeof(*h));
	if (a->kernel_size < BZ_MIN_SIZE || !bzimage_probe(img, a->kernel_size) ||
	    get_le32(img + BZ_HEADER) != BZ_MAGIC_HDRS ||
	    get_le16(img + BZ_BOOT_FLAG) != BZ_MAGIC_BOOT_FLAG)
		return boot_err(err, errlen,
				"not a bzImage: no Linux boot protocol header (\"HdrS\" at 0x202 and boot flag 0xAA55 at 0x1fe)");

	h->protocol = get_le16(img + BZ_VERSION);
	if (h->protocol < BZIMAGE_MIN_PROTOCOL)
		return boot_err(err, errlen,
				"boot protocol %u.%02u is too old: minivm-run enters the kernel at its 64-bit entry point, which needs protocol 2.12 (Linux 3.8) or later",
				h->protocol >> 8, h->protocol & 0xff);

	/* The header's own length: a jump over it, then its end. */
	h->hdr_end = BZ_HEADER + img[BZ_JUMP + 1];
	setup_sects = img[BZ_SETUP_SECTS] ? img[BZ_SETUP_SECTS] : 4;
	h->setup_size = (setup_sects + 1) * SECTOR;
	if (h->hdr_end < BZ_INIT_SIZE + 4 || h->hdr_end > BP_HDR_END ||
	    h->hdr_end > h->setup_size)
		return boot_err(err, errlen,
				"corrupt setup header: it ends at 0x%x, outside 0x%x-0x%x or past the %u bytes of setup code",
				h->hdr_end, BZ_INIT_SIZE + 4, BP_HDR_END, h->setup_size);
	if (a->kernel_size <= h->setup_size)
		return boot_err(err, errlen,
				"truncated bzImage: %zu bytes, but the setup code alone takes %u",
				a->kernel_size, h->setup_size);

	h->syssize = get_le32(img + BZ_SYSSIZE);
	h->loadflags = img[BZ_LOADFLAGS];
	h->xloadflags = get_le16(img + BZ_XLOADFLAGS);
	h->initrd_addr_max = get_le32(img + BZ_INITRD_ADDR_MAX);
	h->kernel_alignment = get_le32(img + BZ_KERNEL_ALIGNMENT);
	h->relocatable = img[BZ_RELOCATABLE];
	h->cmdline_size = get_le32(img + BZ_CMDLINE_SIZE);
	h->pref_address = get_le64(img + BZ_PREF_ADDRESS);
	h->init_size = get_le32(img + BZ_INIT_SIZE);

	if (!(h->loadflags & BZ_LOADED_HIGH))
		return boot_err(err, errlen,
				"a zImage (loaded below 1 MiB), not a bzImage: minivm-run loads only bzImage kernels");
	if (!(h->xloadflags & BZ_XLF_KERNEL_64))
		return boot_err(err, errlen,
				"the kernel has no 64-bit entry point (XLF_KERNEL_64 is clear in xloadflags): a 32-bit kernel?");
	/* syssize counts 16-byte paragraphs, rounded up. */
	if ((uint64_t)h->syssize * 16 > a->kernel_size - h->setup_size + 15)
		return boot_err(err, errlen,
				"truncated bzImage: the header promises %llu bytes of kernel after the setup code, the file has %zu",
				(unsigned long long)h->syssize * 16,
				a->kernel_size - h->setup_size);
	return 0;
}

/*
 * Where the protected-mode kernel goes, and how far up it needs memory.
 * A relocatable kernel goes at its preferred address, which is also
 * where it runs (it is aligned), so init_size is counted from there. A
 * non-relocatable one is loaded at 1 MiB, as the protocol says, and moves
 * itself to pref_address to run.
 */
static int place_kernel(const struct guest_mem *gm, const struct bz_header *h,
			uint64_t pm_size, struct bzimage_info *info,
			char *err, size_t errlen)
{
	uint64_t load = BOOT_HIGH_MEM, runtime = BOOT_HIGH_MEM, end;
	uint64_t align = h->kernel_alignment;
	char need[32], have[32];

	if (h->relocatable) {
		if (!is_pow2(align))
			return boot_err(err, errlen,
					"relocatable kernel with a bad kernel_alignment 0x%llx",
					(unsigned long long)align);
		if (h->pref_address >= BOOT_HIGH_MEM && !(h->pref_address & (align - 1)))
			load = h->pref_address;
		runtime = align_up(load, align);
	} else if (h->pref_address) {
		runtime = h->pref_address;
	}

	end = load + pm_size;
	if (runtime + h->init_size > end)
		end = runtime + h->init_size;

	if (end > gm->low_size)
		return boot_err(err, errlen,
				"not enough guest memory for the kernel: it needs RAM up to %s (loaded at 0x%llx, %llu bytes, init_size %u), but -m gives %s below the PCI hole; use a larger -m",
				format_size(align_up(end, SZ_1M), need, sizeof(need)),
				(unsigned long long)load, (unsigned long long)pm_size,
				h->init_size, format_size(gm->low_size, have, sizeof(have)));

	info->load_addr = load;
	info->kernel_size = pm_size;
	info->kernel_end = end;
	info->entry = load + 0x200;
	info->relocatable = h->relocatable;
	return 0;
}

/*
 * The initrd goes as high as it can: below initrd_addr_max (the highest
 * byte it may occupy) and the end of RAM below the hole, page-aligned,
 * and above everything the kernel needs, as boot.rst recommends.
 */
static int place_initrd(const struct guest_mem *gm, const struct bz_header *h,
			const struct bzimage_args *a, struct bzimage_info *info,
			char *err, size_t errlen)
{
	uint64_t top = (uint64_t)h->initrd_addr_max + 1, bottom, addr;
	char have[32];

	if (!a->initrd_size)
		return 0;
	if (top > gm->low_size)
		top = gm->low_size;
	bottom = align_up(info->kernel_end, PAGE);

	if (a->initrd_size > top || align_down(top - a->initrd_size, PAGE) < bottom)
		return boot_err(err, errlen,
				"not enough guest memory for the kernel and the initrd: %zu bytes of initrd must fit between the kernel's end 0x%llx and 0x%llx (initrd_addr_max 0x%x, %s of RAM below the PCI hole); use a larger -m",
				a->initrd_size, (unsigned long long)bottom,
				(unsigned long long)top, h->initrd_addr_max,
				format_size(gm->low_size, have, sizeof(have)));

	addr = align_down(top - a->initrd_size, PAGE);
	info->initrd_addr = addr;
	info->initrd_size = a->initrd_size;
	return 0;
}

static int check_cmdline(const struct bz_header *h, const char *cmdline,
			 char *err, size_t errlen)
{
	uint64_t max = h->cmdline_size;
	size_t len = strlen(cmdline);

	if (max > BOOT_CMDLINE_MAX - 1)
		max = BOOT_CMDLINE_MAX - 1;
	if (len > max)
		return boot_err(err, errlen,
				"the command line is %zu bytes, but this kernel takes at most %llu",
				len, (unsigned long long)max);
	return 0;
}

static void fill_boot_params(uint8_t *bp, const struct bzimage_args *a,
			     const struct bz_header *h,
			     const struct guest_mem *gm, struct bzimage_info *info)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	uint64_t above_1m = gm->low_size > BOOT_HIGH_MEM ? gm->low_size - BOOT_HIGH_MEM : 0;
	unsigned int i, n;

	/*
	 * All zero, then the setup header exactly as the image has it, as
	 * the 64-bit protocol says; then the fields a loader writes. The
	 * sentinel at 0x1ef stays 0, so the kernel trusts what it finds.
	 */
	memset(bp, 0, BP_SIZE);
	memcpy(bp + BZ_HDR_START, a->kernel + BZ_HDR_START, h->hdr_end - BZ_HDR_START);

	put_le16(bp + BZ_VID_MODE, 0xffff);		/* "normal" */
	bp[BZ_TYPE_OF_LOADER] = BZ_LOADER_UNDEFINED;
	put_le32(bp + BZ_CODE32_START, info->load_addr);
	put_le32(bp + BZ_CMD_LINE_PTR, BOOT_CMDLINE_ADDR);
	put_le32(bp + BZ_RAMDISK_IMAGE, info->initrd_addr);
	put_le32(bp + BZ_RAMDISK_SIZE, info->initrd_size);
	/* Everything lies below 4 GiB: the high halves are 0. */
	put_le32(bp + BP_EXT_RAMDISK_IMAGE, 0);
	put_le32(bp + BP_EXT_RAMDISK_SIZE, 0);
	put_le32(bp + BP_EXT_CMD_LINE_PTR, 0);
	put_le32(bp + BP_ALT_MEM_K, above_1m / 1024 > UINT32_MAX ? UINT32_MAX : above_1m / 1024);

	n = e820_build(gm, map);
	bp[BP_E820_ENTRIES] = n;
	for (i = 0; i < n; i++) {
		uint8_t *e = bp + BP_E820_TABLE + 20 * i;

		put_le64(e, map[i].addr);
		put_le64(e + 8, map[i].size);
		put_le32(e + 16, map[i].type);
	}
	info->e820_entries = n;
}

int bzimage_load(struct guest_mem *gm, const struct bzimage_args *a,
		 struct boot_cpu *cpu, struct bzimage_info *info,
		 char *err, size_t errlen)
{
	const char *cmdline = a->cmdline ? a->cmdline : "";
	uint8_t *bp, *cl, *gdt, *dst;
	struct bz_header h;
	uint64_t pm_size;
	int ret;

	memset(info, 0, sizeof(*info));
	memset(cpu, 0, sizeof(*cpu));

	ret = parse_header(a, &h, err, errlen);
	if (ret)
		return ret;
	info->protocol = h.protocol;
	pm_size = a->kernel_size - h.setup_size;

	ret = place_kernel(gm, &h, pm_size, info, err, errlen);
	if (!ret)
		ret = place_initrd(gm, &h, a, info, err, errlen);
	if (!ret)
		ret = check_cmdline(&h, cmdline, err, errlen);
	if (ret)
		return ret;

	bp = guest_mem_ptr(gm, BOOT_PARAMS_ADDR, BP_SIZE);
	cl = guest_mem_ptr(gm, BOOT_CMDLINE_ADDR, strlen(cmdline) + 1);
	gdt = guest_mem_ptr(gm, BOOT_GDT_ADDR, BOOT_GDT_SIZE);
	dst = guest_mem_ptr(gm, info->load_addr, pm_size);
	if (!bp || !cl || !gdt || !dst || boot_identity_map(gm, cpu))
		return boot_err(err, errlen, "guest memory too small for the boot structures");

	memcpy(dst, a->kernel + h.setup_size, pm_size);
	if (info->initrd_size)
		memcpy(guest_mem_ptr(gm, info->initrd_addr, info->initrd_size),
		       a->initrd, info->initrd_size);
	memcpy(cl, cmdline, strlen(cmdline) + 1);
	fill_boot_params(bp, a, &h, gm, info);

	/*
	 * The 64-bit entry: long mode with the identity map, flat
	 * __BOOT_CS/__BOOT_DS, interrupts off, RSI = boot_params; RBP,
	 * RDI and RBX zero as the 32-bit protocol asks, to be safe.
	 */
	boot_gdt_setup(gdt, BOOT_GDT_ADDR, 1, cpu);
	cpu->regs.rip = info->entry;
	cpu->regs.rsi = BOOT_PARAMS_ADDR;
	cpu->regs.rsp = BOOT_STACK_TOP;
	cpu->regs.rflags = X86_RFLAGS_FIXED;
	return 0;
}
