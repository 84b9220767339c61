/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINIVM_RUN_FILE_H
#define MINIVM_RUN_FILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Read all of @path into a new buffer (free() it), pipes and character
 * devices included, but no more than @max bytes. Returns 0, -ENODATA for
 * an empty file, -EFBIG past @max, or -errno from open() or read().
 */
int file_read_all(const char *path, uint64_t max, uint8_t **data, size_t *size);

#endif /* MINIVM_RUN_FILE_H */
