// SPDX-License-Identifier: GPL-2.0
/* Binary statistics files from a table (fake-stats.h). */
#define _GNU_SOURCE	/* memfd_create() */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/minivm.h>

#include "fake-stats.h"

static void put(uint8_t *buf, size_t room, size_t at, const void *src,
		size_t len)
{
	if (at < room)
		memcpy(buf + at, src, len < room - at ? len : room - at);
}

size_t fake_stats_image(uint8_t *buf, size_t room, const char *id,
			const struct fake_stat *st, unsigned int n)
{
	size_t dsize = sizeof(struct minivm_stats_desc) + FAKE_STATS_NAME_SIZE;
	struct minivm_stats_header h = {
		.name_size	= FAKE_STATS_NAME_SIZE,
		.num_desc	= n,
		.id_offset	= sizeof(h),
		.desc_offset	= sizeof(h) + FAKE_STATS_NAME_SIZE,
	};
	char name[FAKE_STATS_NAME_SIZE];
	uint32_t data = 0;
	unsigned int i, j;

	h.data_offset = h.desc_offset + n * dsize;
	if (room)
		memset(buf, 0, room);
	put(buf, room, 0, &h, sizeof(h));
	memset(name, 0, sizeof(name));
	strncpy(name, id, sizeof(name) - 1);
	put(buf, room, h.id_offset, name, sizeof(name));
	for (i = 0; i < n; i++) {
		struct minivm_stats_desc d = {
			.flags		= st[i].flags,
			.exponent	= st[i].exponent,
			.size		= st[i].size ? st[i].size : 1,
			.offset		= data,
			.bucket_size	= st[i].bucket_size,
		};

		memset(name, 0, sizeof(name));
		strncpy(name, st[i].name, sizeof(name) - 1);
		put(buf, room, h.desc_offset + i * dsize, &d, sizeof(d));
		put(buf, room, h.desc_offset + i * dsize + sizeof(d), name,
		    sizeof(name));
		for (j = 0; j < d.size; j++) {
			uint64_t v = st[i].values ? st[i].values[j] : st[i].value;

			put(buf, room, h.data_offset + data + 8 * j, &v, sizeof(v));
		}
		data += 8 * d.size;
	}
	return h.data_offset + data;
}

int fake_stats_fd_of(const uint8_t *buf, size_t len)
{
	int fd = memfd_create("fake-stats", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

int fake_stats_fd(const char *id, const struct fake_stat *st, unsigned int n)
{
	size_t len = fake_stats_image(NULL, 0, id, st, n);
	uint8_t *buf = malloc(len);
	int fd;

	if (!buf)
		return -1;
	fake_stats_image(buf, len, id, st, n);
	fd = fake_stats_fd_of(buf, len);
	free(buf);
	return fd;
}
