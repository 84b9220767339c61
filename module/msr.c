// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs that are plain per-vCPU state, the same for every backend, and the
 * MSR ioctls. Guest RDMSR/WRMSR exits reach minivm_get_msr() and
 * minivm_set_msr() from the backend's exit handler; MSRs that live in
 * hardware state (EFER, the SYSCALL family, FS/GS bases, PAT, TSC, ...)
 * are handed on to the backend. Documentation/api.rst lists each MSR and
 * how it is handled.
 *
 * None of these has an effect on the host: MTRRs do not change the
 * memory type the second-level tables map (always write-back, as KVM
 * does without assigned devices), APIC_BASE moves no APIC (there is none
 * yet), MISC_ENABLE changes nothing the guest could use against the host.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr-index.h>
#include <asm/processor.h>

#include "minivm.h"

#define MTRR_CAP_VALUE		(8 | BIT(8) | BIT(10))	/* 8 var, fixed, WC */
#define MTRR_NR_VAR		8
#define MTRR_DEF_TYPE_VALID	(0xffULL | BIT(10) | BIT(11))
#define MTRR_VAR_MASK_VALID	BIT(11)
#define APIC_BASE_BSP		BIT(8)
#define APIC_BASE_EXTD		BIT(10)
#define APIC_BASE_ENABLE	BIT(11)
#define APIC_BASE_DEFAULT	0xfee00000ULL
#define MISC_ENABLE_DEFAULT	(MSR_IA32_MISC_ENABLE_FAST_STRING | \
				 MSR_IA32_MISC_ENABLE_BTS_UNAVAIL | \
				 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)
/* Microcode revision "1" in bits 63:32, as a guest expects a real one. */
#define UCODE_REV_VALUE		BIT_ULL(32)

static const u32 fixed_mtrrs[11] = {
	MSR_MTRRfix64K_00000, MSR_MTRRfix16K_80000, MSR_MTRRfix16K_A0000,
	MSR_MTRRfix4K_C0000, MSR_MTRRfix4K_C8000, MSR_MTRRfix4K_D0000,
	MSR_MTRRfix4K_D8000, MSR_MTRRfix4K_E0000, MSR_MTRRfix4K_E8000,
	MSR_MTRRfix4K_F0000, MSR_MTRRfix4K_F8000,
};

/* The generic MSRs, in GET_MSR_INDEX_LIST order (the backend's follow). */
static const u32 generic_msrs[] = {
	MSR_IA32_APICBASE, MSR_IA32_MISC_ENABLE, MSR_MTRRcap,
	MSR_MTRRdefType,
	MSR_MTRRfix64K_00000, MSR_MTRRfix16K_80000, MSR_MTRRfix16K_A0000,
	MSR_MTRRfix4K_C0000, MSR_MTRRfix4K_C8000, MSR_MTRRfix4K_D0000,
	MSR_MTRRfix4K_D8000, MSR_MTRRfix4K_E0000, MSR_MTRRfix4K_E8000,
	MSR_MTRRfix4K_F0000, MSR_MTRRfix4K_F8000,
	0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207,
	0x208, 0x209, 0x20a, 0x20b, 0x20c, 0x20d, 0x20e, 0x20f,
	MSR_IA32_MCG_CAP, MSR_IA32_MCG_STATUS,
	MSR_IA32_FEAT_CTL, MSR_IA32_UCODE_REV, MSR_IA32_PLATFORM_ID,
	MSR_PLATFORM_INFO, MSR_IA32_TSC_DEADLINE,
};

void minivm_msrs_reset(struct minivm_vcpu *vcpu)
{
	struct minivm_msr_state *m = &vcpu->msrs;

	memset(m, 0, sizeof(*m));
	m->apic_base = APIC_BASE_DEFAULT | APIC_BASE_ENABLE |
		       (vcpu->id == 0 ? APIC_BASE_BSP : 0);
	m->misc_enable = MISC_ENABLE_DEFAULT;
}

static int fixed_mtrr_slot(u32 index)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(fixed_mtrrs); i++)
		if (fixed_mtrrs[i] == index)
			return i;
	return -1;
}

/* UC, WC, WT, WP, WB: the memory types an MTRR may hold. */
static bool mtrr_type_valid(u64 type)
{
	return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
}

static bool phys_addr_valid(u64 addr)
{
	return !(addr >> boot_cpu_data.x86_phys_bits);
}

static bool mtrr_value_valid(u32 index, u64 data)
{
	int i;

	if (index == MSR_MTRRdefType)
		return !(data & ~MTRR_DEF_TYPE_VALID) &&
		       mtrr_type_valid(data & 0xff);
	if (fixed_mtrr_slot(index) >= 0) {
		for (i = 0; i < 8; i++)
			if (!mtrr_type_valid((data >> (8 * i)) & 0xff))
				return false;
		return true;
	}
	if (index & 1)	/* variable-range mask */
		return !(data & 0x7ff) && phys_addr_valid(data & PAGE_MASK);
	return !(data & 0xf00) && mtrr_type_valid(data & 0xff) &&
	       phys_addr_valid(data & PAGE_MASK);
}

int minivm_get_msr(struct minivm_vcpu *vcpu, u32 index, u64 *data)
{
	struct minivm_msr_state *m = &vcpu->msrs;
	int slot;

	switch (index) {
	case MSR_IA32_APICBASE:
		*data = m->apic_base;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		/* Without an in-kernel APIC: reads 0, writes ignored (KVM) */
		*data = vcpu->apic ? minivm_lapic_get_tscdeadline(vcpu) : 0;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*data = m->misc_enable;
		return 0;
	case MSR_MTRRcap:
		*data = MTRR_CAP_VALUE;
		return 0;
	case MSR_MTRRdefType:
		*data = m->mtrr_def_type;
		return 0;
	case 0x200 ... 0x200 + 2 * MTRR_NR_VAR - 1:
		*data = m->mtrr_var[index - 0x200];
		return 0;
	case MSR_IA32_MCG_CAP:		/* no banks, no MCG_CTL */
		*data = 0;
		return 0;
	case MSR_IA32_MCG_STATUS:
		*data = m->mcg_status;
		return 0;
	case MSR_IA32_FEAT_CTL:		/* locked, VMX and SMX off */
		*data = FEAT_CTL_LOCKED;
		return 0;
	case MSR_IA32_UCODE_REV:
		*data = UCODE_REV_VALUE;
		return 0;
	case MSR_IA32_PLATFORM_ID:
	case MSR_PLATFORM_INFO:
		*data = 0;
		return 0;
	}
	slot = fixed_mtrr_slot(index);
	if (slot >= 0) {
		*data = m->mtrr_fixed[slot];
		return 0;
	}
	return minivm_backend->get_msr(vcpu, index, data);
}

/* No x2APIC mode (CPUID hides it) and no reserved bits. */
bool minivm_apic_base_valid(u64 data)
{
	return !(data & (0xffULL | BIT(9) | APIC_BASE_EXTD)) &&
	       phys_addr_valid(data & PAGE_MASK);
}

int minivm_set_msr(struct minivm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	struct minivm_msr_state *m = &vcpu->msrs;
	int slot;

	switch (index) {
	case MSR_IA32_APICBASE:
		if (!minivm_apic_base_valid(data))
			return -EINVAL;
		m->apic_base = data;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		if (vcpu->apic)
			minivm_lapic_set_tscdeadline(vcpu, data);
		return 0;
	case MSR_IA32_MISC_ENABLE:
		/* The "unavailable" bits are facts, not settings. */
		m->misc_enable = (data & ~(MSR_IA32_MISC_ENABLE_BTS_UNAVAIL |
					   MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)) |
				 MSR_IA32_MISC_ENABLE_BTS_UNAVAIL |
				 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL;
		return 0;
	case MSR_MTRRcap:
	case MSR_IA32_MCG_CAP:
	case MSR_IA32_FEAT_CTL:
	case MSR_IA32_PLATFORM_ID:
	case MSR_PLATFORM_INFO:
		/* Read-only; userspace may write back what it read. */
		if (host) {
			u64 cur;

			minivm_get_msr(vcpu, index, &cur);
			return data == cur ? 0 : -EINVAL;
		}
		return -EINVAL;
	case MSR_IA32_UCODE_REV:
		/* Linux writes 0 before CPUID to read the revision: no-op. */
		return 0;
	case MSR_IA32_MCG_STATUS:
		m->mcg_status = data;
		return 0;
	case MSR_MTRRdefType:
	case 0x200 ... 0x200 + 2 * MTRR_NR_VAR - 1:
		if (!mtrr_value_valid(index, data))
			return -EINVAL;
		if (index == MSR_MTRRdefType)
			m->mtrr_def_type = data;
		else
			m->mtrr_var[index - 0x200] = data;
		return 0;
	}
	slot = fixed_mtrr_slot(index);
	if (slot >= 0) {
		if (!mtrr_value_valid(index, data))
			return -EINVAL;
		m->mtrr_fixed[slot] = data;
		return 0;
	}
	return minivm_backend->set_msr(vcpu, index, data, host);
}

/*
 * GET/SET_MSRS: entries are processed in order and the count done is
 * returned, stopping at the first MSR that is unknown or refused, as
 * with KVM. A malformed request (too many entries, non-zero reserved
 * fields) fails as a whole before anything is done.
 */
long minivm_msrs_ioctl(struct minivm_vcpu *vcpu, unsigned int ioctl,
		       void __user *argp)
{
	struct minivm_msrs hdr;
	struct minivm_msr_entry *e;
	size_t size;
	long ret;
	u32 i;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.padding || hdr.nmsrs > MINIVM_MAX_MSR_ENTRIES)
		return -EINVAL;
	size = hdr.nmsrs * sizeof(*e);
	e = memdup_user(argp + sizeof(hdr), size);
	if (IS_ERR(e))
		return PTR_ERR(e);
	for (i = 0; i < hdr.nmsrs; i++) {
		if (e[i].reserved) {
			ret = -EINVAL;
			goto out_free;
		}
	}
	for (i = 0; i < hdr.nmsrs; i++) {
		if (ioctl == MINIVM_GET_MSRS)
			ret = minivm_get_msr(vcpu, e[i].index, &e[i].data);
		else
			ret = minivm_set_msr(vcpu, e[i].index, e[i].data, true);
		if (ret)
			break;
	}
	ret = i;
	if (ioctl == MINIVM_GET_MSRS &&
	    copy_to_user(argp + sizeof(hdr), e, size))
		ret = -EFAULT;
out_free:
	kfree(e);
	return ret;
}

long minivm_get_msr_index_list(void __user *argp)
{
	unsigned int n = ARRAY_SIZE(generic_msrs) +
			 minivm_backend->nr_msr_indices;
	struct minivm_msr_list __user *list = argp;
	u32 room;

	if (get_user(room, &list->nmsrs))
		return -EFAULT;
	if (put_user(n, &list->nmsrs))
		return -EFAULT;
	if (room < n)
		return -E2BIG;
	if (copy_to_user(list->indices, generic_msrs, sizeof(generic_msrs)) ||
	    copy_to_user(list->indices + ARRAY_SIZE(generic_msrs),
			 minivm_backend->msr_indices,
			 minivm_backend->nr_msr_indices * sizeof(u32)))
		return -EFAULT;
	return 0;
}
