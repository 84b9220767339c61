/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Little-endian fields in guest memory and in image headers, read and
 * written a byte at a time: no struct layout, alignment or host byte
 * order is assumed.
 */
#ifndef MINIVM_RUN_BOOT_LE_H
#define MINIVM_RUN_BOOT_LE_H

#include <stdint.h>

static inline uint16_t get_le16(const uint8_t *p)
{
	return p[0] | (uint16_t)p[1] << 8;
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return get_le16(p) | (uint32_t)get_le16(p + 2) << 16;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, v);
	put_le16(p + 2, v >> 16);
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, v);
	put_le32(p + 4, v >> 32);
}

#endif /* MINIVM_RUN_BOOT_LE_H */
