// SPDX-License-Identifier: GPL-2.0
/*
 * boot/kernel.c (telling bzImage from Multiboot, the MP table added) and
 * file.c (reading a kernel or initrd whole).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "boot/bzimage.h"
#include "boot/kernel.h"
#include "boot/layout.h"
#include "boot/le.h"
#include "boot/multiboot.h"
#include "file.h"
#include "images.h"
#include "test.h"

static uint8_t image[0x3000];
static struct guest_mem gm;
static struct boot_cpu cpu;
static struct kernel_loaded out;
static char err[512];

static void mem(uint64_t size)
{
	free(gm.host);
	guest_mem_layout(&gm, size, true);
	gm.host = calloc(1, gm.low_size);
}

static void make_multiboot(size_t hdr_off)
{
	make_test_multiboot(image, sizeof(image), hdr_off);
}

static void make_bzimage(void)
{
	make_test_bzimage(image, sizeof(image));
}

static void kernel_detects(void)
{
	make_bzimage();
	CHECK_INT(kernel_detect(image, sizeof(image)), KERNEL_BZIMAGE);
	/* No HdrS, only the boot flag: still the bzImage loader's to refuse. */
	put_le32(image + BZ_HEADER, 0);
	CHECK_INT(kernel_detect(image, sizeof(image)), KERNEL_BZIMAGE);
	make_multiboot(0x40);
	CHECK_INT(kernel_detect(image, sizeof(image)), KERNEL_MULTIBOOT);
	/* An ELF that happens to have 55 aa at 0x1fe is still Multiboot. */
	put_le16(image + BZ_BOOT_FLAG, 0xaa55);
	CHECK_INT(kernel_detect(image, sizeof(image)), KERNEL_MULTIBOOT);
	memset(image, 0, sizeof(image));
	CHECK_INT(kernel_detect(image, sizeof(image)), KERNEL_UNKNOWN);
	CHECK_INT(kernel_detect(image, 3), KERNEL_UNKNOWN);
}

static void kernel_loads(void)
{
	struct kernel_args a = { .kernel = image, .kernel_size = sizeof(image),
				 .nr_cpus = 1, .cmdline = "x" };

	mem(32 * SZ_1M);
	make_bzimage();
	CHECK_INT(kernel_load(&gm, &a, &cpu, &out, err, sizeof(err)), 0);
	CHECK_INT(out.kind, KERNEL_BZIMAGE);
	CHECK(out.long_mode);
	CHECK_CONTAINS(out.summary, "bzImage, boot protocol 2.12, fixed kernel of 11264 bytes at 0x100000 (entry 0x100200)");
	CHECK(!memcmp(gm.host + BOOT_EBDA_ADDR, "_MP_", 4));

	mem(32 * SZ_1M);
	make_multiboot(0x40);
	CHECK_INT(kernel_load(&gm, &a, &cpu, &out, err, sizeof(err)), 0);
	CHECK_INT(out.kind, KERNEL_MULTIBOOT);
	CHECK(!out.long_mode);
	CHECK_CONTAINS(out.summary, "Multiboot kernel (a.out kludge), header at 0x40, loaded at 0x100000-0x103000 (entry 0x100060)");
	CHECK_HEX(cpu.regs.rax, MB_BOOTLOADER_MAGIC);
	CHECK(!memcmp(gm.host + BOOT_EBDA_ADDR, "_MP_", 4));
}

static void kernel_errors(void)
{
	struct kernel_args a = { .kernel = image, .kernel_size = sizeof(image),
				 .nr_cpus = 1 };

	mem(32 * SZ_1M);
	memset(image, 0x90, sizeof(image));
	CHECK_INT(kernel_load(&gm, &a, &cpu, &out, err, sizeof(err)), -22);
	CHECK_STR(err, "neither a Linux bzImage (no \"HdrS\" boot header at 0x202) nor a Multiboot kernel (no magic 0x1BADB002 in the first 8192 bytes)");

	/* A loader's own error comes through as it is. */
	make_multiboot(0x40);
	put_le32(image + 0x48, 1);
	CHECK_INT(kernel_load(&gm, &a, &cpu, &out, err, sizeof(err)), -22);
	CHECK_CONTAINS(err, "bad Multiboot header at offset 0x40");

	make_bzimage();
	a.nr_cpus = 0;
	CHECK_INT(kernel_load(&gm, &a, &cpu, &out, err, sizeof(err)), -22);
	CHECK_CONTAINS(err, "an MP table for 0 vCPUs");
}

static int write_tmp(char *path, size_t len)
{
	uint8_t *buf = calloc(1, len + 1);
	int ret = buf ? write_test_file(path, buf, len) : -1;

	free(buf);
	if (ret)
		check_failed(__FILE__, __LINE__, "cannot write %s", path);
	return ret;
}

static void file_reads(void)
{
	char path[] = "/tmp/minivm-run-file-XXXXXX";
	char empty[] = "/tmp/minivm-run-file-XXXXXX";
	uint8_t *data = NULL;
	size_t size = 0;
	int p[2];

	/* More than one chunk, exactly to the limit, then one byte over. */
	if (write_tmp(path, (1 << 20) + 5))
		return;
	CHECK_INT(file_read_all(path, (1 << 20) + 5, &data, &size), 0);
	CHECK_INT(size, (1 << 20) + 5);
	free(data);
	CHECK_INT(file_read_all(path, (1 << 20) + 4, &data, &size), -EFBIG);
	unlink(path);

	if (write_tmp(empty, 0))
		return;
	CHECK_INT(file_read_all(empty, 100, &data, &size), -ENODATA);
	unlink(empty);

	CHECK_INT(file_read_all("/nonexistent/initrd", 100, &data, &size), -ENOENT);
	CHECK_INT(file_read_all("/", 100, &data, &size), -EISDIR);
	/* An endless character device stops at the limit. */
	CHECK_INT(file_read_all("/dev/zero", 4096, &data, &size), -EFBIG);

	/* A pipe, whose size nothing says. */
	if (pipe(p) == 0) {
		char dev[32];

		CHECK_INT(write(p[1], "abc", 3), 3);
		close(p[1]);
		snprintf(dev, sizeof(dev), "/dev/fd/%d", p[0]);
		CHECK_INT(file_read_all(dev, 100, &data, &size), 0);
		CHECK_INT(size, 3);
		CHECK(size == 3 && !memcmp(data, "abc", 3));
		free(data);
		close(p[0]);
	}
}

const struct test kernel_tests[] = {
	{ "kernel: bzImage, Multiboot or neither", kernel_detects },
	{ "kernel: each kind loaded, MP table added, -v summary", kernel_loads },
	{ "kernel: unknown image, loader and MP table errors", kernel_errors },
	{ "file: whole files, limits, empty, missing, pipes", file_reads },
	{ NULL, NULL },
};
