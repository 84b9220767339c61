// SPDX-License-Identifier: GPL-2.0
/*
 * The MSRs the VMX backend owns, and how each reaches the hardware:
 *
 *   VMCS guest-state fields, switched by VM entry and exit:
 *	EFER, PAT (when the CPU can load and save it), DEBUGCTL,
 *	SYSENTER_CS/ESP/EIP, FS_BASE, GS_BASE; TSC through the TSC offset
 *   lazily switched (enum vmx_lazy_msr): the guest's values are written
 *	before the first entry of a RUN, the host's put back when the
 *	thread is scheduled out or RUN returns, never per exit:
 *	STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE, TSC_AUX
 *   plain state, emulated: PAT (without the VMCS controls),
 *	ARCH_CAPABILITIES (read-only)
 *
 * The MSR bitmap lets the guest read and write directly only MSRs whose
 * guest value is in the hardware while it runs and which nothing on the
 * host uses meanwhile: FS/GS base, KERNEL_GS_BASE, SYSENTER_*. Every
 * other RDMSR/WRMSR exits (exits.c) and ends in msr.c's
 * minivm_get_msr()/minivm_set_msr().
 */
#include <linux/gfp.h>
#include <linux/preempt.h>
#include <asm/msr.h>

#include "vmcs.h"
#include "vmx.h"

static unsigned long *msr_bitmap;

static const u32 lazy_index[NR_LAZY_MSRS] = {
	[LAZY_STAR]		= MSR_STAR,
	[LAZY_LSTAR]		= MSR_LSTAR,
	[LAZY_CSTAR]		= MSR_CSTAR,
	[LAZY_SFMASK]		= MSR_SYSCALL_MASK,
	[LAZY_KERNEL_GS_BASE]	= MSR_KERNEL_GS_BASE,
	[LAZY_TSC_AUX]		= MSR_TSC_AUX,
};

const u32 vmx_msr_indices[VMX_NR_MSR_INDICES] = {
	MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_KERNEL_GS_BASE, MSR_FS_BASE, MSR_GS_BASE, MSR_TSC_AUX,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_IA32_CR_PAT, MSR_IA32_TSC, MSR_IA32_DEBUGCTLMSR,
	MSR_IA32_ARCH_CAPABILITIES, MSR_IA32_TSC_ADJUST,
};

#define PAT_DEFAULT	0x0007040600070406ULL
/* ARCH_CAPABILITIES bits that describe the CPU and are true in a guest. */
#define ARCH_CAP_GUEST	(ARCH_CAP_RDCL_NO | ARCH_CAP_SSB_NO | \
			 ARCH_CAP_MDS_NO | ARCH_CAP_PSCHANGE_MC_NO | \
			 ARCH_CAP_TAA_NO | ARCH_CAP_SKIP_VMENTRY_L1DFLUSH)

/* Let the guest access @msr directly (clear its read and write bits). */
static void pass_through(u32 msr)
{
	unsigned int base = (msr & 0xc0000000) ? 1024 * 8 : 0;
	unsigned int bit = msr & 0x1fff;

	__clear_bit(base + bit, msr_bitmap);		/* read */
	__clear_bit(2048 * 8 + base + bit, msr_bitmap);	/* write */
}

int vmx_msr_init(void)
{
	u64 cap;

	msr_bitmap = (unsigned long *)__get_free_page(GFP_KERNEL);
	if (!msr_bitmap)
		return -ENOMEM;
	memset(msr_bitmap, 0xff, PAGE_SIZE);
	pass_through(MSR_FS_BASE);
	pass_through(MSR_GS_BASE);
	pass_through(MSR_KERNEL_GS_BASE);
	pass_through(MSR_IA32_SYSENTER_CS);
	pass_through(MSR_IA32_SYSENTER_ESP);
	pass_through(MSR_IA32_SYSENTER_EIP);

	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES) &&
	    !rdmsrl_safe(MSR_IA32_ARCH_CAPABILITIES, &cap))
		vmx_caps.arch_capabilities = cap & ARCH_CAP_GUEST;
	return 0;
}

void vmx_msr_exit(void)
{
	free_page((unsigned long)msr_bitmap);
	msr_bitmap = NULL;
}

u64 vmx_msr_bitmap_pa(void)
{
	return __pa(msr_bitmap);
}

/* The VMCS is current. Architectural reset values (SDM Vol. 3, 10.1). */
void vmx_msrs_reset(struct vmx_vcpu *vmx)
{
	memset(vmx->guest_msrs, 0, sizeof(vmx->guest_msrs));
	vmx->pat = PAT_DEFAULT;
	if (vmx_caps.pat)
		vmcs_write64(GUEST_IA32_PAT, PAT_DEFAULT);
	/* The guest's TSC starts at 0, as after RESET. */
	vmx->tsc_offset = -rdtsc();
	vmx->tsc_adjust = 0;
	vmcs_write64(TSC_OFFSET, vmx->tsc_offset);
}

/*
 * Interrupts off, right before entry. Host values are read here, not
 * once: KERNEL_GS_BASE is the thread's user GS base and TSC_AUX names
 * the CPU.
 */
void vmx_load_guest_msrs(struct vmx_vcpu *vmx)
{
	int i;

	if (vmx->guest_msrs_loaded)
		return;
	for (i = 0; i < NR_LAZY_MSRS; i++) {
		if (i == LAZY_TSC_AUX && !vmx_caps.rdtscp)
			continue;
		rdmsrl(lazy_index[i], vmx->host_msrs[i]);
		if (vmx->host_msrs[i] != vmx->guest_msrs[i])
			wrmsrl(lazy_index[i], vmx->guest_msrs[i]);
	}
	vmx->guest_msrs_loaded = true;
}

/* Preemption off, on the CPU that loaded them. */
void vmx_put_guest_msrs(struct vmx_vcpu *vmx)
{
	int i;

	if (!vmx->guest_msrs_loaded)
		return;
	/* The guest writes this one directly (SWAPGS, WRMSR). */
	rdmsrl(MSR_KERNEL_GS_BASE, vmx->guest_msrs[LAZY_KERNEL_GS_BASE]);
	for (i = 0; i < NR_LAZY_MSRS; i++) {
		if (i == LAZY_TSC_AUX && !vmx_caps.rdtscp)
			continue;
		if (i == LAZY_KERNEL_GS_BASE ||
		    vmx->host_msrs[i] != vmx->guest_msrs[i])
			wrmsrl(lazy_index[i], vmx->host_msrs[i]);
	}
	vmx->guest_msrs_loaded = false;
}

static int lazy_slot(u32 index)
{
	int i;

	for (i = 0; i < NR_LAZY_MSRS; i++)
		if (lazy_index[i] == index)
			return i;
	return -1;
}

/* 48-bit canonical: the guest never has LA57 (CPUID hides it). */
static bool canonical(u64 addr)
{
	return (u64)((s64)(addr << 16) >> 16) == addr;
}

int vmx_set_efer(struct vmx_vcpu *vmx, u64 efer)
{
	u64 cur = vmcs_read64(GUEST_IA32_EFER);

	if (efer & ~(u64)MINIVM_EFER_VALID)
		return -EINVAL;
	/* LME cannot change while paging is on (SDM Vol. 3, 10.8.5). */
	if (((efer ^ cur) & EFER_LME) && (vmx_guest_cr0() & X86_CR0_PG))
		return -EINVAL;
	/* LMA is the CPU's to set: keep it, vmx_set_cr0() recomputes it. */
	vmcs_write64(GUEST_IA32_EFER, (efer & ~EFER_LMA) | (cur & EFER_LMA));
	vmx_set_cr0(vmx, vmx_guest_cr0());
	return 0;
}

int vmx_get_msr(struct minivm_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int slot = lazy_slot(index);

	if (slot >= 0) {
		preempt_disable();
		if (vmx->guest_msrs_loaded && slot == LAZY_KERNEL_GS_BASE)
			rdmsrl(MSR_KERNEL_GS_BASE, vmx->guest_msrs[slot]);
		*data = vmx->guest_msrs[slot];
		preempt_enable();
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		*data = vmcs_read64(GUEST_IA32_EFER);
		return 0;
	case MSR_FS_BASE:
		*data = vmcs_readl(GUEST_FS_BASE);
		return 0;
	case MSR_GS_BASE:
		*data = vmcs_readl(GUEST_GS_BASE);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*data = vmcs_read32(GUEST_SYSENTER_CS);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcs_readl(GUEST_SYSENTER_ESP);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcs_readl(GUEST_SYSENTER_EIP);
		return 0;
	case MSR_IA32_CR_PAT:
		*data = vmx_caps.pat ? vmcs_read64(GUEST_IA32_PAT) : vmx->pat;
		return 0;
	case MSR_IA32_TSC:
		*data = rdtsc() + vmx->tsc_offset;
		return 0;
	case MSR_IA32_TSC_ADJUST:
		*data = vmx->tsc_adjust;
		return 0;
	case MSR_IA32_DEBUGCTLMSR:
		*data = vmcs_read64(GUEST_IA32_DEBUGCTL);
		return 0;
	case MSR_IA32_ARCH_CAPABILITIES:
		*data = vmx_caps.arch_capabilities;
		return 0;
	}
	return -ENOENT;
}

/* Every byte one of UC, WC, WT, WP, WB, UC- (SDM Vol. 3, 13.12.2). */
static bool pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (8 * i);

		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

int vmx_set_msr(struct minivm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int slot = lazy_slot(index);

	if (slot >= 0) {
		/* A non-canonical entry point would #GP in the host's WRMSR. */
		if ((slot == LAZY_LSTAR || slot == LAZY_CSTAR ||
		     slot == LAZY_KERNEL_GS_BASE) && !canonical(data))
			return -EINVAL;
		if ((slot == LAZY_SFMASK || slot == LAZY_TSC_AUX) &&
		    upper_32_bits(data))
			return -EINVAL;
		preempt_disable();
		vmx->guest_msrs[slot] = data;
		if (vmx->guest_msrs_loaded)
			wrmsrl(index, data);
		preempt_enable();
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		return vmx_set_efer(vmx, data);
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!canonical(data))
			return -EINVAL;
		if (index == MSR_FS_BASE)
			vmcs_writel(GUEST_FS_BASE, data);
		else if (index == MSR_GS_BASE)
			vmcs_writel(GUEST_GS_BASE, data);
		else if (index == MSR_IA32_SYSENTER_ESP)
			vmcs_writel(GUEST_SYSENTER_ESP, data);
		else
			vmcs_writel(GUEST_SYSENTER_EIP, data);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, data);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!pat_valid(data))
			return -EINVAL;
		vmx->pat = data;
		if (vmx_caps.pat)
			vmcs_write64(GUEST_IA32_PAT, data);
		return 0;
	case MSR_IA32_TSC:
		/* A write of the TSC moves TSC_ADJUST by as much (SDM 17.17.3). */
		vmx->tsc_adjust += data - (rdtsc() + vmx->tsc_offset);
		vmx->tsc_offset = data - rdtsc();
		vmcs_write64(TSC_OFFSET, vmx->tsc_offset);
		return 0;
	case MSR_IA32_TSC_ADJUST:
		/* ... and a write of TSC_ADJUST moves the TSC. */
		vmx->tsc_offset += data - vmx->tsc_adjust;
		vmx->tsc_adjust = data;
		vmcs_write64(TSC_OFFSET, vmx->tsc_offset);
		return 0;
	case MSR_IA32_DEBUGCTLMSR:
		/* BTF only: LBRs, BTS and the PMU are not virtualized. */
		if (data & ~DEBUGCTLMSR_BTF)
			return -EINVAL;
		vmcs_write64(GUEST_IA32_DEBUGCTL, data);
		return 0;
	case MSR_IA32_ARCH_CAPABILITIES:
		return host && data == vmx_caps.arch_capabilities ? 0 : -EINVAL;
	}
	return -ENOENT;
}
