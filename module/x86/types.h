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

#endif /* MINIVM_X86_TYPES_H */
