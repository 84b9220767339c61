// SPDX-License-Identifier: GPL-2.0
/* Crafted kernel images for the loader and VMM tests (see images.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/bzimage.h"
#include "boot/le.h"
#include "boot/multiboot.h"
#include "images.h"

void make_test_bzimage(uint8_t *image, size_t len)
{
	memset(image, 0, len);
	image[BZ_SETUP_SECTS] = 1;
	put_le32(image + BZ_SYSSIZE, (len - 1024) / 16);
	put_le16(image + BZ_BOOT_FLAG, 0xaa55);
	image[BZ_JUMP] = 0xeb;
	image[BZ_JUMP + 1] = 0x66;
	put_le32(image + BZ_HEADER, BZ_MAGIC_HDRS);
	put_le16(image + BZ_VERSION, 0x020c);
	image[BZ_LOADFLAGS] = BZ_LOADED_HIGH;
	put_le32(image + BZ_INITRD_ADDR_MAX, 0x7fffffff);
	put_le16(image + BZ_XLOADFLAGS, BZ_XLF_KERNEL_64);
	put_le32(image + BZ_CMDLINE_SIZE, 255);
	put_le32(image + BZ_INIT_SIZE, 0x10000);
	image[1024 + 0x200] = 0xf4;	/* HLT at the 64-bit entry */
}

void make_test_multiboot(uint8_t *image, size_t len, size_t hdr_off)
{
	uint8_t *h = image + hdr_off;
	uint32_t flags = MB_FLAG_AOUT_KLUDGE;

	memset(image, 0, len);
	put_le32(h, MB_HEADER_MAGIC);
	put_le32(h + MB_HDR_FLAGS, flags);
	put_le32(h + MB_HDR_CHECKSUM, -(MB_HEADER_MAGIC + flags));
	put_le32(h + MB_HDR_HEADER_ADDR, 0x100000 + hdr_off);
	put_le32(h + MB_HDR_LOAD_ADDR, 0x100000);
	put_le32(h + MB_HDR_ENTRY_ADDR, 0x100000 + hdr_off + MB_HDR_AOUT_SIZE);
	h[MB_HDR_AOUT_SIZE] = 0xf4;
}

int write_test_file(char *tmpl, const void *data, size_t len)
{
	int fd = mkstemp(tmpl);

	if (fd < 0)
		return -1;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		unlink(tmpl);
		return -1;
	}
	close(fd);
	return 0;
}
