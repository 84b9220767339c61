/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 emulator is pure code: it compiles into minivm.ko and into the
 * host unit tests (module/x86/tests). This shim gives both the kernel's
 * fixed-width names.
 */
#ifndef MINIVM_X86_TYPES_H
#define MINIVM_X86_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/bits.h>
#include <linux/math64.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#endif

/*
 * 64-bit by 64-bit division: a 32-bit kernel has no '/' for u64 (no
 * libgcc), so the kernel build goes through div64_u64().
 */
static inline u64 x86_div64(u64 a, u64 b)
{
#ifdef __KERNEL__
	return div64_u64(a, b);
#else
	return a / b;
#endif
}

#endif /* MINIVM_X86_TYPES_H */
