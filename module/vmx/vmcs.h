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
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/extable_fixup_types.h>
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
void vmx_insn_fault(const char *insn);

/*
 * Every VMX instruction here carries an exception-table entry: outside
 * VMX operation it raises #UD, and the CPU can leave VMX operation under
 * a vCPU ioctl that runs with interrupts on, when the host shuts down
 * (cpu.c, vmx_hardware_shutdown). vmx_insn_fault() stays quiet in that
 * case and WARNs in any other, which would be a minivm bug. The two
 * accessors of the exit path add nothing to the path that does not
 * fault: a VMREAD that faults reads 0 (the fixup zeroes its register, and
 * reports nothing: whatever runs outside VMX operation by mistake also
 * writes or loads a VMCS, which reports), and VMWRITE's fixup is a jump.
 */
static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;

	asm volatile("1: vmread %[field], %[value]\n"
		     "2:\n\t"
		     _ASM_EXTABLE_TYPE_REG(1b, 2b, EX_TYPE_ZERO_REG, %[value])
		     : [value] "=r"(value) : [field] "r"(field) : "cc");
	return value;
}

static __always_inline void __vmcs_write(unsigned long field,
					 unsigned long value)
{
	asm goto("1: vmwrite %[value], %[field]\n\t"
		 "jna %l[vmfail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [field] "r"(field), [value] "rm"(value)
		 : "cc" : vmfail, fault);
	return;
vmfail:
	minivm_vmx_vmwrite_error(field, value);
	return;
fault:
	vmx_insn_fault("vmwrite");
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

/*
 * VMCLEAR and VMPTRLD of the VMCS at @phys: false on VMfail (a bug, logged
 * by the caller) and on a fault (see above). Neither is on the exit path.
 */
#define vmcs_phys_insn(insn, phys)					\
({									\
	bool __failed;							\
	int __err;							\
									\
	asm volatile("1: " insn " %[pa]\n\t"				\
		     "setna %[failed]\n\t"				\
		     "xor %[err], %[err]\n"				\
		     "2:\n\t"						\
		     _ASM_EXTABLE_TYPE_REG(1b, 2b, EX_TYPE_EFAULT_REG, %[err]) \
		     : [failed] "=qm"(__failed), [err] "=r"(__err)	\
		     : [pa] "m"(phys) : "cc", "memory");		\
	if (unlikely(__err))						\
		vmx_insn_fault(insn);					\
	!__err && !__failed;						\
})

static inline bool vmcs_clear(u64 phys)
{
	return vmcs_phys_insn("vmclear", phys);
}

static inline bool vmcs_load(u64 phys)
{
	return vmcs_phys_insn("vmptrld", phys);
}

/* Invalidate EPT-derived translations; descriptor per SDM Vol. 3, 30.3. */
static inline void invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp, reserved;
	} desc = { eptp, 0 };
	int err;

	asm volatile("1: invept %[desc], %[type]\n\t"
		     "xor %[err], %[err]\n"
		     "2:\n\t"
		     _ASM_EXTABLE_TYPE_REG(1b, 2b, EX_TYPE_EFAULT_REG, %[err])
		     : [err] "=r"(err)
		     : [desc] "m"(desc), [type] "r"(type) : "cc", "memory");
	if (unlikely(err))
		vmx_insn_fault("invept");
}

#endif /* MINIVM_VMX_VMCS_H */
