/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Typed VMCS accessors and the VMX instructions that act on a VMCS.
 *
 * A field's encoding says its width (SDM Vol. 3, Appendix B: bits 14:13),
 * so each accessor checks at compile time that it is used on a field of
 * its own width: a 16-bit read of a natural-width field does not build.
 * Field numbers and control bits come from the kernel's <asm/vmx.h>.
 */
#ifndef MINIVM_VMX_VMCS_H
#define MINIVM_VMX_VMCS_H

#include <linux/build_bug.h>
#include <linux/printk.h>
#include <linux/types.h>
#include <asm/vmx.h>

#define VMCS_FIELD_WIDTH(field)	(((field) >> 13) & 3)
#define VMCS_WIDTH_16		0
#define VMCS_WIDTH_64		1
#define VMCS_WIDTH_32		2
#define VMCS_WIDTH_NATURAL	3

/* At build time: a constant field has the accessor's width, no high half. */
static __always_inline void vmcs_check_width(unsigned long field,
					     unsigned int width)
{
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) &&
			 (VMCS_FIELD_WIDTH(field) != width || (field & 1)),
			 "VMCS field used with an accessor of the wrong width");
}

void minivm_vmx_vmwrite_error(unsigned long field, unsigned long value);

static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;

	asm volatile("vmread %1, %0" : "=rm"(value) : "r"(field) : "cc");
	return value;
}

static __always_inline void __vmcs_write(unsigned long field,
					 unsigned long value)
{
	bool failed;

	asm volatile("vmwrite %2, %1\n\t"
		     "setna %0"
		     : "=qm"(failed) : "r"(field), "rm"(value) : "cc");
	if (unlikely(failed))
		minivm_vmx_vmwrite_error(field, value);
}

static __always_inline u16 vmcs_read16(unsigned long field)
{
	vmcs_check_width(field, VMCS_WIDTH_16);
	return __vmcs_read(field);
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	vmcs_check_width(field, VMCS_WIDTH_32);
	return __vmcs_read(field);
}

static __always_inline u64 vmcs_read64(unsigned long field)
{
	vmcs_check_width(field, VMCS_WIDTH_64);
	return __vmcs_read(field);
}

static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	vmcs_check_width(field, VMCS_WIDTH_NATURAL);
	return __vmcs_read(field);
}

static __always_inline void vmcs_write16(unsigned long field, u16 value)
{
	vmcs_check_width(field, VMCS_WIDTH_16);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write32(unsigned long field, u32 value)
{
	vmcs_check_width(field, VMCS_WIDTH_32);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write64(unsigned long field, u64 value)
{
	vmcs_check_width(field, VMCS_WIDTH_64);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_writel(unsigned long field,
					unsigned long value)
{
	vmcs_check_width(field, VMCS_WIDTH_NATURAL);
	__vmcs_write(field, value);
}

/* VMCLEAR/VMPTRLD: return false on VMfail (a bug, logged by the caller). */
static inline bool vmcs_clear(u64 phys)
{
	bool failed;

	asm volatile("vmclear %1\n\tsetna %0"
		     : "=qm"(failed) : "m"(phys) : "cc", "memory");
	return !failed;
}

static inline bool vmcs_load(u64 phys)
{
	bool failed;

	asm volatile("vmptrld %1\n\tsetna %0"
		     : "=qm"(failed) : "m"(phys) : "cc", "memory");
	return !failed;
}

/* Invalidate EPT-derived translations; descriptor per SDM Vol. 3, 30.3. */
static inline void invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp, reserved;
	} desc = { eptp, 0 };

	asm volatile("invept %0, %1"
		     : : "m"(desc), "r"(type) : "cc", "memory");
}

#endif /* MINIVM_VMX_VMCS_H */
