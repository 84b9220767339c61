/* SPDX-License-Identifier: GPL-2.0 */
/* Crafted kernel images the tests share (tests/images.c). */
#ifndef MINIVM_RUN_TEST_IMAGES_H
#define MINIVM_RUN_TEST_IMAGES_H

#include <stddef.h>
#include <stdint.h>

/*
 * A bzImage of @len bytes (at least 0x1000): one setup sector, protocol
 * 2.12, not relocatable (loaded at 1 MiB, entry 0x100200), 64 KiB of
 * init_size, a 255-byte command line.
 */
void make_test_bzimage(uint8_t *image, size_t len);

/*
 * A Multiboot kernel of @len bytes loaded by the a.out-kludge fields: the
 * header at @hdr_off, the file loaded at 1 MiB, entry right after the
 * header (an HLT).
 */
void make_test_multiboot(uint8_t *image, size_t len, size_t hdr_off);

/* Write @len bytes of @data to a new file named from @tmpl; 0 or -1. */
int write_test_file(char *tmpl, const void *data, size_t len);

#endif /* MINIVM_RUN_TEST_IMAGES_H */
