// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a kernel or an initrd whole: the loaders want the image in one
 * buffer, to check it before anything is written to guest memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

#define FILE_CHUNK	(1U << 20)

int file_read_all(const char *path, uint64_t max, uint8_t **data, size_t *size)
{
	size_t len = 0, room = 0;
	uint8_t *buf = NULL, *bigger;
	struct stat st;
	int fd, err = 0;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	/* A regular file's size is a good first guess; pipes grow. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}

	for (;;) {
		if (len == room) {
			if (room >= max) {
				/* Full: one more byte means too big. */
				uint8_t extra;

				n = read(fd, &extra, 1);
				if (n < 0 && errno == EINTR)
					continue;
				err = n > 0 ? -EFBIG : n < 0 ? -errno : 0;
				break;
			}
			room += FILE_CHUNK;
			if (room > max)
				room = max;
			bigger = realloc(buf, room);
			if (!bigger) {
				err = -ENOMEM;
				break;
			}
			buf = bigger;
		}
		n = read(fd, buf + len, room - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);

	if (!err && !len)
		err = -ENODATA;
	if (err) {
		free(buf);
		return err;
	}
	*data = buf;
	*size = len;
	return 0;
}
