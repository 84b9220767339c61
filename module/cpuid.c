// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID: what minivm can offer a guest on this host, and each vCPU's own
 * table.
 *
 * The supported table is built once, at module load, from the host's
 * CPUID with every feature minivm does not virtualize taken out (VMX
 * itself, the PMU, MONITOR/MWAIT, PT, SGX, TSX, PCID, PKU, x2APIC, the
 * speculation-control MSRs, XSAVES, ...) and the hypervisor bit and
 * leaves added. The local APIC and its TSC-deadline timer are offered;
 * a vCPU of a VM without an in-kernel irqchip starts without them.
 *
 * Time: leaf 0x15 tells the guest its TSC frequency exactly (the host
 * kernel's tsc_khz) and that the APIC timer runs at the same "core
 * crystal clock", so Linux needs no calibration against a PIT (which,
 * in an emulator whose TSC follows the instruction count, would give a
 * wrong clock). The hypervisor leaf 0x40000010 says the same in kHz. A guest's
 * CPUID exit is answered from its vCPU's table, never by running CPUID on
 * the exit path; only the bits that follow the guest's own state
 * (CR4.OSXSAVE, the XSAVE area size for its XCR0) are filled in then.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#include "minivm.h"

/* The feature registers of the leaves SET_CPUID checks, and what may stay. */
struct cpuid_mask {
	u32 function, index;
	u32 reg;		/* 0 eax, 1 ebx, 2 ecx, 3 edx */
	u32 keep;
};

#define R_EAX 0
#define R_EBX 1
#define R_ECX 2
#define R_EDX 3

/* CPUID.1:ECX */
#define F1C_SSE3	BIT(0)
#define F1C_PCLMUL	BIT(1)
#define F1C_SSSE3	BIT(9)
#define F1C_FMA		BIT(12)
#define F1C_CX16	BIT(13)
#define F1C_SSE41	BIT(19)
#define F1C_SSE42	BIT(20)
#define F1C_MOVBE	BIT(22)
#define F1C_POPCNT	BIT(23)
#define F1C_AES		BIT(25)
#define F1C_XSAVE	BIT(26)
#define F1C_OSXSAVE	BIT(27)
#define F1C_AVX		BIT(28)
#define F1C_F16C	BIT(29)
#define F1C_RDRAND	BIT(30)
#define F1C_TSC_DEADLINE BIT(24)
#define F1C_HYPERVISOR	BIT(31)
/*
 * CPUID.1:EDX: everything up to SSE2 but the APIC, MCE/MCA, PSN, DS,
 * ACPI, SS, HTT, TM and PBE.
 */
#define F1D_KEEP	(BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | \
			 BIT(6) | BIT(8) | BIT(11) | BIT(12) | BIT(13) | \
			 BIT(15) | BIT(16) | BIT(17) | BIT(19) | BIT(23) | \
			 BIT(24) | BIT(25) | BIT(26))
#define F1D_APIC	BIT(9)
/*
 * CPUID.7.0:EBX: FSGSBASE, TSC_ADJUST (emulated, whatever the host has),
 * BMI1, AVX2, FDP_EXCPTN_ONLY, BMI2, ERMS,
 * FPU CS/DS deprecation, AVX-512 (F, DQ, IFMA, PF, ER, CD, BW, VL),
 * RDSEED, ADX, CLFLUSHOPT, CLWB, SHA.
 */
#define F7B_TSC_ADJUST	BIT(1)
#define F7B_KEEP	(BIT(0) | BIT(3) | BIT(5) | BIT(6) | BIT(8) | BIT(9) | \
			 BIT(13) | BIT(16) | BIT(17) | BIT(18) | BIT(19) | \
			 BIT(21) | BIT(23) | BIT(24) | BIT(26) | BIT(27) | \
			 BIT(28) | BIT(29) | BIT(30) | BIT(31))
#define F7B_AVX512	(BIT(16) | BIT(17) | BIT(21) | BIT(26) | BIT(27) | \
			 BIT(28) | BIT(30) | BIT(31))
/*
 * CPUID.7.0:ECX: PREFETCHWT1, AVX512_VBMI, VBMI2, GFNI, VAES,
 * VPCLMULQDQ, VNNI, BITALG, VPOPCNTDQ, RDPID (if RDTSCP works),
 * CLDEMOTE, MOVDIRI, MOVDIR64B.
 */
#define F7C_KEEP	(BIT(0) | BIT(1) | BIT(6) | BIT(8) | BIT(9) | BIT(10) | \
			 BIT(11) | BIT(12) | BIT(14) | BIT(25) | BIT(27) | \
			 BIT(28))
#define F7C_RDPID	BIT(22)
/*
 * CPUID.7.0:EDX: AVX512_4VNNIW/4FMAPS, FSRM, VP2INTERSECT, MD_CLEAR,
 * SERIALIZE, AVX512_FP16, ARCH_CAPABILITIES (read-only, see msr).
 */
#define F7D_KEEP	(BIT(2) | BIT(3) | BIT(4) | BIT(8) | BIT(10) | \
			 BIT(14) | BIT(23) | BIT(29))
/*
 * CPUID.0x80000001: LAHF, LZCNT, PREFETCHW; SYSCALL, NX, 1G pages,
 * RDTSCP (if it works), LM.
 */
#define F81C_KEEP	(BIT(0) | BIT(5) | BIT(8))
#define F81D_KEEP	(BIT(11) | BIT(20) | BIT(26) | BIT(29))
#define F81D_RDTSCP	BIT(27)
/* CPUID.0xD.1:EAX: XSAVEOPT, XSAVEC (if the host kernel uses it), XGETBV1. */
#define FD1A_XSAVEOPT	BIT(0)
#define FD1A_XSAVEC	BIT(1)
#define FD1A_XGETBV1	BIT(2)

/* XCR0 components a guest may enable: x87, SSE, AVX, AVX-512. */
#define XCR0_GUEST_ALLOWED	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | \
				 XFEATURE_MASK_YMM | XFEATURE_MASK_OPMASK | \
				 XFEATURE_MASK_ZMM_Hi256 | \
				 XFEATURE_MASK_Hi16_ZMM)

/*
 * The guest's core crystal clock (CPUID 0x15 ECX), which also drives its
 * APIC timer: the TSC's own rate, halved until it fits 32 bits, so that
 * TSC = crystal * EBX / EAX stays exact (and Linux's 32-bit product
 * crystal_kHz * EBX cannot overflow: EBX is 1, 2, 4 or 8).
 */
u32 minivm_crystal_hz(u32 *ratio)
{
	u64 hz = (u64)tsc_khz * 1000;
	u32 r = 1;

	while (hz > U32_MAX && r < 8) {
		hz >>= 1;
		r <<= 1;
	}
	if (ratio)
		*ratio = r;
	return hz ? min_t(u64, hz, U32_MAX) : 1000000000u;
}

static struct minivm_cpuid_entry *supported;
static u32 supported_nent;
u64 minivm_supported_xcr0;
/* Whether the backend lets the guest run RDTSCP/RDPID. */
bool minivm_cpuid_rdtscp;

static struct minivm_cpuid_entry *find_entry(struct minivm_cpuid_entry *e,
					     u32 nent, u32 function, u32 index)
{
	u32 i;

	for (i = 0; i < nent; i++)
		if (e[i].function == function &&
		    (!(e[i].flags & MINIVM_CPUID_FLAG_SIGNIFICANT_INDEX) ||
		     e[i].index == index))
			return &e[i];
	return NULL;
}

static u32 *reg_of(struct minivm_cpuid_entry *e, u32 reg)
{
	switch (reg) {
	case R_EAX: return &e->eax;
	case R_EBX: return &e->ebx;
	case R_ECX: return &e->ecx;
	default:    return &e->edx;
	}
}

/* A leaf that is present but says nothing: EAX..EDX zero. */
static void clear_regs(struct minivm_cpuid_entry *e)
{
	e->eax = 0;
	e->ebx = 0;
	e->ecx = 0;
	e->edx = 0;
}

static struct minivm_cpuid_entry *add(u32 function, u32 index, bool indexed)
{
	struct minivm_cpuid_entry *e;

	if (supported_nent >= MINIVM_MAX_CPUID_ENTRIES)
		return NULL;
	e = &supported[supported_nent++];
	memset(e, 0, sizeof(*e));
	e->function = function;
	e->index = index;
	e->flags = indexed ? MINIVM_CPUID_FLAG_SIGNIFICANT_INDEX : 0;
	cpuid_count(function, index, &e->eax, &e->ebx, &e->ecx, &e->edx);
	return e;
}

static void filter_leaf1(struct minivm_cpuid_entry *e)
{
	u32 keep = F1C_SSE3 | F1C_PCLMUL | F1C_SSSE3 | F1C_FMA | F1C_CX16 |
		   F1C_SSE41 | F1C_SSE42 | F1C_MOVBE | F1C_POPCNT | F1C_AES |
		   F1C_F16C | F1C_RDRAND;
	u32 tsc_deadline = F1C_TSC_DEADLINE;

	/* XSAVE and AVX only as the host kernel uses them. */
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		keep |= F1C_XSAVE;
	if (minivm_supported_xcr0 & XFEATURE_MASK_YMM)
		keep |= F1C_AVX | F1C_FMA | F1C_F16C;
	else
		keep &= ~(F1C_FMA | F1C_F16C);
	e->ecx = (e->ecx & keep) | F1C_HYPERVISOR | tsc_deadline;
	e->edx = (e->edx & F1D_KEEP) | F1D_APIC;
	/* One logical processor, APIC ID filled in per vCPU. */
	e->ebx &= 0xffff;
}

static void filter_leaf7(struct minivm_cpuid_entry *e)
{
	e->eax = 0;		/* no subleaf 1 and above */
	/*
	 * TSC_ADJUST always: with it and an invariant TSC (0x80000007 EDX
	 * bit 8, the host's), Linux trusts the TSC and does not check it
	 * against a jiffies watchdog, which under a hypervisor's delayed
	 * ticks marks it unstable; the guest then keeps time with jiffies
	 * and, with a one-shot-only timer, runs twice as fast.
	 */
	e->ebx = (e->ebx & F7B_KEEP) | F7B_TSC_ADJUST;
	if (!(minivm_supported_xcr0 & XFEATURE_MASK_YMM))
		e->ebx &= ~BIT(5);
	if ((minivm_supported_xcr0 & XFEATURE_MASK_AVX512) !=
	    XFEATURE_MASK_AVX512)
		e->ebx &= ~F7B_AVX512;
	e->ecx &= F7C_KEEP | (minivm_cpuid_rdtscp ? F7C_RDPID : 0);
	e->edx &= F7D_KEEP;
	if (!boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		e->edx &= ~BIT(29);
}

/* The biggest standard-format XSAVE area for @xcr0, from leaf 0xD. */
static u32 xsave_size(struct minivm_cpuid_entry *t, u32 nent, u64 xcr0)
{
	u32 size = 512 + 64;	/* legacy area and XSAVE header */
	int i;

	for (i = 2; i < 64; i++) {
		struct minivm_cpuid_entry *e;

		if (!(xcr0 & BIT_ULL(i)))
			continue;
		e = find_entry(t, nent, 0xd, i);
		if (e && e->eax && e->ebx + e->eax > size)
			size = e->ebx + e->eax;
	}
	return size;
}

/* Leaf 0xD: subleaf 0 and 1, and one per component the guest may use. */
static void add_xsave_leaves(void)
{
	struct minivm_cpuid_entry *e;
	int i;

	e = add(0xd, 0, true);
	if (!e)
		return;
	e->eax = lower_32_bits(minivm_supported_xcr0);
	e->edx = upper_32_bits(minivm_supported_xcr0);
	e = add(0xd, 1, true);
	if (!e)
		return;
	e->eax &= FD1A_XSAVEOPT | FD1A_XGETBV1 |
		  (boot_cpu_has(X86_FEATURE_XSAVEC) ? FD1A_XSAVEC : 0);
	e->ebx = 0;
	e->ecx = 0;
	e->edx = 0;
	for (i = 2; i < 64; i++)
		if (minivm_supported_xcr0 & BIT_ULL(i))
			add(0xd, i, true);
	/* The largest area any guest XCR0 needs, not the host's. */
	e = find_entry(supported, supported_nent, 0xd, 0);
	e->ecx = xsave_size(supported, supported_nent, minivm_supported_xcr0);
}

int minivm_cpuid_init(void)
{
	struct minivm_cpuid_entry *e;
	u32 max, i, eax, ebx, ecx, edx;

	supported = kcalloc(MINIVM_MAX_CPUID_ENTRIES, sizeof(*supported),
			    GFP_KERNEL);
	if (!supported)
		return -ENOMEM;

	if (boot_cpu_has(X86_FEATURE_XSAVE))
		minivm_supported_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK) &
					XCR0_GUEST_ALLOWED;
	else
		minivm_supported_xcr0 = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	/* AVX-512 state is all three components or none. */
	if ((minivm_supported_xcr0 & XFEATURE_MASK_AVX512) !=
	    XFEATURE_MASK_AVX512)
		minivm_supported_xcr0 &= ~XFEATURE_MASK_AVX512;

	cpuid(0, &max, &ebx, &ecx, &edx);
	max = min_t(u32, max, 0xd);
	e = add(0, 0, false);
	e->eax = 0x15;			/* up to the timing leaf, see below */
	for (i = 1; i <= 0x15; i++) {
		if (i > max && i != 0x15) {
			e = add(i, 0, false);	/* the host has none: empty */
			if (e)
				clear_regs(e);
			continue;
		}
		switch (i) {
		case 0x15:
			e = add(i, 0, false);
			if (!e)
				break;
			/* TSC Hz = ECX * EBX / EAX; the APIC timer at ECX Hz */
			e->ecx = minivm_crystal_hz(&e->ebx);
			e->eax = 1;
			e->edx = 0;
			break;
		case 1:
			filter_leaf1(add(1, 0, false));
			break;
		case 2:
		case 4:
			/* Cache descriptors and parameters, as the host's. */
			if (i == 2) {
				add(2, 0, false);
				break;
			}
			for (ecx = 0; ecx < 8; ecx++) {
				e = add(4, ecx, true);
				if (!e || !(e->eax & 0x1f))
					break;
				/* One core, one thread sharing each cache. */
				e->eax &= 0x3fff;
			}
			break;
		case 6:
			/*
			 * Thermal and power: only ARAT, the APIC timer keeps
			 * running in deep C-states (ours is an hrtimer)
			 */
			e = add(6, 0, false);
			if (e) {
				e->eax = BIT(2);
				e->ebx = 0;
				e->ecx = 0;
				e->edx = 0;
			}
			break;
		case 7:
			filter_leaf7(add(7, 0, true));
			break;
		case 0xd:
			if (boot_cpu_has(X86_FEATURE_XSAVE))
				add_xsave_leaves();
			break;
		default:
			/*
			 * MONITOR (5), power (6), DCA (9), the PMU (0xa),
			 * topology (0xb, with x2APIC): present but empty.
			 */
			e = add(i, 0, false);
			if (e)
				clear_regs(e);
			break;
		}
	}

	e = add(MINIVM_CPUID_SIGNATURE, 0, false);
	if (e) {
		e->eax = MINIVM_CPUID_TIMING;
		e->ebx = MINIVM_CPUID_SIGNATURE_EBX;
		e->ecx = MINIVM_CPUID_SIGNATURE_ECX;
		e->edx = MINIVM_CPUID_SIGNATURE_EDX;
	}
	e = add(MINIVM_CPUID_SIGNATURE + 1, 0, false);
	if (e)
		clear_regs(e);
	/* The timing leaf: TSC and APIC timer frequencies in kHz. */
	e = add(MINIVM_CPUID_TIMING, 0, false);
	if (e) {
		e->eax = tsc_khz;
		e->ebx = minivm_crystal_hz(NULL) / 1000;
		e->ecx = 0;
		e->edx = 0;
	}

	cpuid(0x80000000, &max, &ebx, &ecx, &edx);
	max = min_t(u32, max, 0x80000008);
	e = add(0x80000000, 0, false);
	if (e)
		e->eax = max;
	for (i = 0x80000001; i <= max; i++) {
		e = add(i, 0, false);
		if (!e)
			break;
		switch (i) {
		case 0x80000001:
			e->ecx &= F81C_KEEP;
			e->edx &= F81D_KEEP |
				  (minivm_cpuid_rdtscp ? F81D_RDTSCP : 0);
			break;
		case 0x80000002 ... 0x80000006:
			break;		/* brand string, caches */
		case 0x80000007:
			e->eax = 0;
			e->ebx = 0;
			e->ecx = 0;
			e->edx &= BIT(8);	/* invariant TSC */
			break;
		case 0x80000008:
			/* EPT maps 48 bits of guest-physical space. */
			eax = e->eax & 0xff;
			e->eax = (e->eax & 0xff00) |
				 min_t(u32, eax, minivm_backend->gpa_bits);
			e->ebx = 0;
			e->ecx = 0;
			e->edx = 0;
			break;
		default:
			clear_regs(e);
			break;
		}
	}
	return 0;
}

void minivm_cpuid_exit(void)
{
	kfree(supported);
	supported = NULL;
}

int minivm_vcpu_cpuid_init(struct minivm_vcpu *vcpu)
{
	struct minivm_cpuid_entry *e;

	vcpu->cpuid = kmemdup(supported, supported_nent * sizeof(*supported),
			      GFP_KERNEL_ACCOUNT);
	if (!vcpu->cpuid)
		return -ENOMEM;
	vcpu->cpuid_nent = supported_nent;
	e = find_entry(vcpu->cpuid, vcpu->cpuid_nent, 1, 0);
	if (e) {
		e->ebx |= vcpu->id << 24;
		/* No in-kernel irqchip: no local APIC to offer. */
		if (!READ_ONCE(vcpu->vm->irqchip)) {
			e->edx &= ~F1D_APIC;
			e->ecx &= ~F1C_TSC_DEADLINE;
		}
	}
	return 0;
}

void minivm_vcpu_cpuid_free(struct minivm_vcpu *vcpu)
{
	kfree(vcpu->cpuid);
	vcpu->cpuid = NULL;
}

static long copy_table_out(void __user *argp, struct minivm_cpuid_entry *t,
			   u32 nent)
{
	struct minivm_cpuid __user *c = argp;
	u32 room;

	if (get_user(room, &c->nent))
		return -EFAULT;
	if (put_user(nent, &c->nent))
		return -EFAULT;
	if (room < nent)
		return -E2BIG;
	if (copy_to_user(c->entries, t, nent * sizeof(*t)))
		return -EFAULT;
	return 0;
}

long minivm_get_supported_cpuid(void __user *argp)
{
	return copy_table_out(argp, supported, supported_nent);
}

long minivm_get_cpuid(struct minivm_vcpu *vcpu, void __user *argp)
{
	return copy_table_out(argp, vcpu->cpuid, vcpu->cpuid_nent);
}

/* Feature registers whose bits must be in the supported table. */
static const struct { u32 function, index, reg; } checked_regs[] = {
	{ 1, 0, R_ECX }, { 1, 0, R_EDX },
	{ 7, 0, R_EBX }, { 7, 0, R_ECX }, { 7, 0, R_EDX },
	{ 0xd, 0, R_EAX }, { 0xd, 0, R_EDX }, { 0xd, 1, R_EAX },
	{ 0x80000001, 0, R_ECX }, { 0x80000001, 0, R_EDX },
};

static int check_table(struct minivm_cpuid_entry *t, u32 nent)
{
	u32 i, j;

	for (i = 0; i < nent; i++) {
		if (t[i].padding ||
		    (t[i].flags & ~MINIVM_CPUID_FLAG_SIGNIFICANT_INDEX))
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (t[j].function == t[i].function &&
			    t[j].index == t[i].index)
				return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(checked_regs); i++) {
		struct minivm_cpuid_entry *g, *s;
		u32 allowed;

		g = find_entry(t, nent, checked_regs[i].function,
			       checked_regs[i].index);
		if (!g)
			continue;
		s = find_entry(supported, supported_nent,
			       checked_regs[i].function, checked_regs[i].index);
		allowed = s ? *reg_of(s, checked_regs[i].reg) : 0;
		/* OSXSAVE follows CR4; the hypervisor bit is the guest's. */
		if (checked_regs[i].function == 1 &&
		    checked_regs[i].reg == R_ECX)
			allowed |= F1C_OSXSAVE | F1C_HYPERVISOR;
		if (*reg_of(g, checked_regs[i].reg) & ~allowed)
			return -EINVAL;
	}
	return 0;
}

/* The XCR0 bits a table offers the guest (leaf 0xD.0); x87 always. */
static u64 table_xcr0(struct minivm_cpuid_entry *t, u32 nent)
{
	struct minivm_cpuid_entry *e = find_entry(t, nent, 0xd, 0);

	if (!e)
		return XFEATURE_MASK_FP;
	return (((u64)e->edx << 32 | e->eax) & minivm_supported_xcr0) |
	       XFEATURE_MASK_FP;
}

long minivm_set_cpuid(struct minivm_vcpu *vcpu, void __user *argp)
{
	struct minivm_cpuid hdr;
	struct minivm_cpuid_entry *t;
	long ret;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.padding || hdr.nent > MINIVM_MAX_CPUID_ENTRIES)
		return -EINVAL;
	/* Kept for the vCPU's life: charged to the caller's memory cgroup. */
	t = kmalloc_array(hdr.nent, sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	if (copy_from_user(t, argp + sizeof(hdr), hdr.nent * sizeof(*t))) {
		kfree(t);
		return -EFAULT;
	}
	ret = check_table(t, hdr.nent);
	if (ret) {
		kfree(t);
		return ret;
	}
	/*
	 * XCR0 is the one piece of vCPU state checked against the table: a
	 * table that no longer offers a state component the guest (or
	 * SET_XCRS) enabled would leave an XCR0 that SET_XCRS refuses, so
	 * that a GET/SET round trip of the vCPU's state fails.
	 */
	if (minivm_backend->get_xcr0(vcpu) & ~table_xcr0(t, hdr.nent)) {
		kfree(t);
		return -EINVAL;
	}
	kfree(vcpu->cpuid);
	vcpu->cpuid = t;
	vcpu->cpuid_nent = hdr.nent;
	return 0;
}

u64 minivm_guest_supported_xcr0(struct minivm_vcpu *vcpu)
{
	return table_xcr0(vcpu->cpuid, vcpu->cpuid_nent);
}

void minivm_cpuid(struct minivm_vcpu *vcpu, u32 function, u32 index,
		  bool osxsave, u64 xcr0, u32 out[4])
{
	struct minivm_cpuid_entry *e, *max_basic;
	struct minivm_cpuid_entry *t = vcpu->cpuid;
	u32 nent = vcpu->cpuid_nent;

	e = find_entry(t, nent, function, index);
	if (!e && function < 0x40000000) {
		/*
		 * Intel answers a leaf above the maximum basic leaf like
		 * the highest basic leaf (SDM Vol. 2A, CPUID).
		 */
		max_basic = find_entry(t, nent, 0, 0);
		if (max_basic && function > max_basic->eax)
			e = find_entry(t, nent, max_basic->eax, index);
	}
	if (!e) {
		out[0] = 0;
		out[1] = 0;
		out[2] = 0;
		out[3] = 0;
		return;
	}
	out[0] = e->eax;
	out[1] = e->ebx;
	out[2] = e->ecx;
	out[3] = e->edx;

	if (e->function == 1) {
		out[2] &= ~F1C_OSXSAVE;
		if (osxsave && (e->ecx & F1C_XSAVE))
			out[2] |= F1C_OSXSAVE;
	} else if (e->function == 0xd && e->index == 0) {
		out[1] = xsave_size(t, nent, xcr0);
	}
}
