// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's extended state: its XSAVE area (kept by the kernel's FPU
 * code in vmx->guest_fpu, in the registers only during RUN), its XCR0
 * (loaded around each entry when it differs from the host's, vmx.c) and
 * its debug registers (DR7 in the VMCS; DR0-3 and DR6 here, in the
 * hardware only while a guest breakpoint is enabled).
 */
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>

#include "vmcs.h"
#include "vmx.h"

void vmx_get_xsave(struct minivm_vcpu *vcpu, struct minivm_xsave *xs)
{
	fpu_copy_guest_fpstate_to_uabi(&to_vmx(vcpu)->guest_fpu, xs->region,
				       sizeof(xs->region),
				       minivm_supported_xcr0, 0);
}

/* EINVAL for a malformed header or a component minivm does not offer. */
int vmx_set_xsave(struct minivm_vcpu *vcpu, const struct minivm_xsave *xs)
{
	u32 pkru = 0;

	return fpu_copy_uabi_to_guest_fpstate(&to_vmx(vcpu)->guest_fpu,
					      xs->region, minivm_supported_xcr0,
					      &pkru);
}

u64 vmx_get_xcr0(struct minivm_vcpu *vcpu)
{
	return to_vmx(vcpu)->xcr0;
}

/* The rules XSETBV checks (SDM Vol. 2C, XSETBV), against the guest's CPUID. */
bool vmx_xcr0_valid(struct minivm_vcpu *vcpu, u64 xcr0)
{
	if (!(xcr0 & XFEATURE_MASK_FP))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if ((xcr0 & XFEATURE_MASK_AVX512) &&
	    ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	     !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	return !(xcr0 & ~minivm_guest_supported_xcr0(vcpu));
}

int vmx_set_xcr0(struct minivm_vcpu *vcpu, u64 xcr0)
{
	if (!boot_cpu_has(X86_FEATURE_XSAVE) || !vmx_xcr0_valid(vcpu, xcr0))
		return -EINVAL;
	to_vmx(vcpu)->xcr0 = xcr0;
	return 0;
}

/* DR6 bits that always read as 1, and DR7's bit 10 (SDM Vol. 3, 18.2). */
#define DR6_FIXED_1	0xffff0ff0UL
#define DR7_FIXED_1	0x400UL

void vmx_get_debugregs(struct minivm_vcpu *vcpu, struct minivm_debugregs *dbg)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	memcpy(dbg->db, vmx->db, sizeof(dbg->db));
	dbg->dr6 = vmx->dr6;
	dbg->dr7 = vmcs_readl(GUEST_DR7);
}

/* The caller checked that DR6 and DR7 have no bit set above 31. */
void vmx_set_debugregs(struct minivm_vcpu *vcpu,
		       const struct minivm_debugregs *dbg)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	memcpy(vmx->db, dbg->db, sizeof(vmx->db));
	vmx->dr6 = dbg->dr6 | DR6_FIXED_1;
	vmcs_writel(GUEST_DR7, dbg->dr7 | DR7_FIXED_1);
}
