// SPDX-License-Identifier: GPL-2.0
/*
 * Register state: struct minivm_regs / minivm_sregs to and from the VMCS,
 * and the control registers, whose guest-visible values (read shadows)
 * differ from what the CPU runs with.
 */
#include <asm/vmx.h>

#include "vmcs.h"
#include "vmx.h"

/*
 * CR0 bits the guest does not own, so that writing them exits: CD, NW and
 * the VMX fixed bits (NE) run differently from what the guest asked for,
 * and PE/PG changes must update EFER.LMA and the IA-32e entry control.
 * TS, MP, EM, WP, AM and ET are the guest's own.
 */
#define CR0_GUEST_OWNED	(X86_CR0_TS | X86_CR0_MP | X86_CR0_EM | X86_CR0_WP | \
			 X86_CR0_AM | X86_CR0_ET)

void vmx_set_cr0(struct vmx_vcpu *vmx, unsigned long cr0)
{
	unsigned long hw = (cr0 & ~(X86_CR0_CD | X86_CR0_NW)) |
			   (vmx_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG));
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	u32 entry = vmcs_read32(VM_ENTRY_CONTROLS);

	vmcs_writel(CR0_GUEST_HOST_MASK, ~(unsigned long)CR0_GUEST_OWNED);
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, hw);

	/* Paging on with EFER.LME set activates long mode (SDM 10.8.5). */
	if ((cr0 & X86_CR0_PG) && (efer & EFER_LME)) {
		efer |= EFER_LMA;
		entry |= VM_ENTRY_IA32E_MODE;
	} else {
		efer &= ~EFER_LMA;
		entry &= ~VM_ENTRY_IA32E_MODE;
	}
	vmcs_write64(GUEST_IA32_EFER, efer);
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
}

/*
 * The guest owns no CR4 bit: every change exits, so it can only turn on
 * features minivm checked (MINIVM_CR4_VALID; e.g. not PKE, whose PKRU
 * would be the VMM thread's). CR4.VMXE must be set in VMX non-root
 * operation; the guest sees it clear.
 */
void vmx_set_cr4(struct vmx_vcpu *vmx, unsigned long cr4)
{
	vmcs_writel(CR4_GUEST_HOST_MASK, ~0UL);
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(GUEST_CR4, cr4 | vmx_caps.cr4_fixed0);
}

/*
 * A guest MOV to CR0 or CR4 (or LMSW), checked as the CPU checks it
 * (SDM Vol. 2B, MOV to control registers): false means #GP(0) and no
 * change.
 */
bool vmx_guest_write_cr0(struct vmx_vcpu *vmx, unsigned long val)
{
	unsigned long old = vmx_guest_cr0(), cr4 = vmx_guest_cr4();
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	bool cs_l = vmcs_read32(GUEST_CS_AR_BYTES) & BIT(13);

	if (upper_32_bits(val))
		return false;
	/* Reserved low bits are ignored, ET is hardwired to 1. */
	val = (val & MINIVM_CR0_VALID) | X86_CR0_ET;
	if (((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return false;
	/*
	 * Activating IA-32e mode needs PAE, and CS.L clear: a legacy-mode
	 * CS with L set would otherwise go straight to 64-bit code (SDM
	 * Vol. 3A, "Initializing IA-32e Mode"; KVM raises #GP too).
	 */
	if ((val & X86_CR0_PG) && !(old & X86_CR0_PG) && (efer & EFER_LME) &&
	    (!(cr4 & X86_CR4_PAE) || cs_l))
		return false;
	/* Paging cannot be turned off in 64-bit mode, only compat mode. */
	if (!(val & X86_CR0_PG) && (efer & EFER_LMA) && cs_l)
		return false;
	if (vmx_pae_paging(val, cr4, efer) &&
	    ((val ^ old) & (X86_CR0_PG | X86_CR0_CD | X86_CR0_NW)) &&
	    !vmx_load_pdptrs(vmx, vmcs_readl(GUEST_CR3)))
		return false;
	vmx_set_cr0(vmx, val);
	return true;
}

bool vmx_guest_write_cr4(struct vmx_vcpu *vmx, unsigned long val)
{
	unsigned long old = vmx_guest_cr4(), cr0 = vmx_guest_cr0();
	u64 efer = vmcs_read64(GUEST_IA32_EFER);

	/* VMXE, PCIDE, PKE, SMEP, ... are not the guest's to set. */
	if (!minivm_cr4_valid(val) || (val & ~vmx_caps.cr4_fixed1))
		return false;
	if ((efer & EFER_LMA) && !(val & X86_CR4_PAE))
		return false;
	if (vmx_pae_paging(cr0, val, efer) &&
	    ((val ^ old) & (X86_CR4_PAE | X86_CR4_PSE | X86_CR4_PGE)) &&
	    !vmx_load_pdptrs(vmx, vmcs_readl(GUEST_CR3)))
		return false;
	vmx_set_cr4(vmx, val);
	return true;
}

/* What the guest reads: its own bits from the CPU, the rest from the shadow. */
static unsigned long guest_visible_cr(unsigned long hw_field,
				      unsigned long shadow_field,
				      unsigned long mask_field)
{
	unsigned long mask = __vmcs_read(mask_field);

	return (__vmcs_read(hw_field) & ~mask) |
	       (__vmcs_read(shadow_field) & mask);
}

unsigned long vmx_guest_cr0(void)
{
	return guest_visible_cr(GUEST_CR0, CR0_READ_SHADOW,
				CR0_GUEST_HOST_MASK);
}

unsigned long vmx_guest_cr4(void)
{
	return guest_visible_cr(GUEST_CR4, CR4_READ_SHADOW,
				CR4_GUEST_HOST_MASK);
}

/* PAE paging, the mode whose PDPTEs live in the VMCS (SDM 4.4.1). */
bool vmx_pae_paging(unsigned long cr0, unsigned long cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LME);
}

/* PDPTE bits that must be zero when P is set: 2:1, 8:5, above MAXPHYADDR. */
static bool pdpte_valid(u64 pdpte)
{
	return !(pdpte & 1) ||
	       !((pdpte & (0x1e6ULL)) ||
		 (pdpte >> boot_cpu_data.x86_phys_bits));
}

static bool read_pdptrs(struct minivm *vm, unsigned long cr3, u64 pdpte[4])
{
	int i;

	if (minivm_read_guest(vm, cr3 & 0xffffffe0UL, pdpte, 4 * sizeof(u64)))
		return false;
	for (i = 0; i < 4; i++)
		if (!pdpte_valid(pdpte[i]))
			return false;
	return true;
}

static void write_pdptrs(const u64 pdpte[4])
{
	vmcs_write64(GUEST_PDPTR0, pdpte[0]);
	vmcs_write64(GUEST_PDPTR1, pdpte[1]);
	vmcs_write64(GUEST_PDPTR2, pdpte[2]);
	vmcs_write64(GUEST_PDPTR3, pdpte[3]);
}

/*
 * Under EPT the CPU loads the PDPTEs itself on a guest MOV to CR3, but
 * VM entry takes them from the VMCS: when minivm completes a CR0/CR4
 * write (or SET_SREGS) that enters PAE paging, it loads them as the CPU
 * would have.
 */
bool vmx_load_pdptrs(struct vmx_vcpu *vmx, unsigned long cr3)
{
	u64 pdpte[4];

	if (!read_pdptrs(vmx->vcpu->vm, cr3, pdpte))
		return false;
	write_pdptrs(pdpte);
	return true;
}

/*
 * New register state from userspace replaces the instruction stream the
 * guest was in: a single-step #DB or an event queued for the old RIP,
 * and an STI/MOV SS shadow of the old instruction, no longer apply (and
 * a stale shadow with IF now clear would fail VM entry).
 */
static void drop_stale_events(void)
{
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
}

void vmx_get_regs(struct minivm_vcpu *vcpu, struct minivm_regs *regs)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned long *r = vmx->regs;

	regs->rax = r[VCPU_RAX];
	regs->rbx = r[VCPU_RBX];
	regs->rcx = r[VCPU_RCX];
	regs->rdx = r[VCPU_RDX];
	regs->rsi = r[VCPU_RSI];
	regs->rdi = r[VCPU_RDI];
	regs->rbp = r[VCPU_RBP];
	regs->r8 = r[VCPU_R8];
	regs->r9 = r[VCPU_R9];
	regs->r10 = r[VCPU_R10];
	regs->r11 = r[VCPU_R11];
	regs->r12 = r[VCPU_R12];
	regs->r13 = r[VCPU_R13];
	regs->r14 = r[VCPU_R14];
	regs->r15 = r[VCPU_R15];
	regs->rsp = vmcs_readl(GUEST_RSP);
	regs->rip = vmcs_readl(GUEST_RIP);
	regs->rflags = vmcs_readl(GUEST_RFLAGS);
}

void vmx_set_regs(struct minivm_vcpu *vcpu, const struct minivm_regs *regs)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned long *r = vmx->regs;

	r[VCPU_RAX] = regs->rax;
	r[VCPU_RBX] = regs->rbx;
	r[VCPU_RCX] = regs->rcx;
	r[VCPU_RDX] = regs->rdx;
	r[VCPU_RSI] = regs->rsi;
	r[VCPU_RDI] = regs->rdi;
	r[VCPU_RBP] = regs->rbp;
	r[VCPU_R8] = regs->r8;
	r[VCPU_R9] = regs->r9;
	r[VCPU_R10] = regs->r10;
	r[VCPU_R11] = regs->r11;
	r[VCPU_R12] = regs->r12;
	r[VCPU_R13] = regs->r13;
	r[VCPU_R14] = regs->r14;
	r[VCPU_R15] = regs->r15;
	vmcs_writel(GUEST_RSP, regs->rsp);
	vmcs_writel(GUEST_RIP, regs->rip);
	vmcs_writel(GUEST_RFLAGS, regs->rflags);
	/* A pending IN would overwrite the RAX userspace just set. */
	vmx->pending = VMX_PENDING_NONE;
	drop_stale_events();
}

/* VMX access-rights layout (SDM Vol. 3, Table 25-2). */
#define VMX_AR_TYPE(ar)	((ar) & 0xf)
#define VMX_AR_S		BIT(4)
#define VMX_AR_DPL_SHIFT	5
#define VMX_AR_P		BIT(7)
#define VMX_AR_AVL		BIT(12)
#define VMX_AR_L		BIT(13)
#define VMX_AR_DB		BIT(14)
#define VMX_AR_G		BIT(15)
#define VMX_AR_UNUSABLE	BIT(16)

/* Offset of a segment's field from the ES one; all groups share it. */
enum seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

static void get_segment(enum seg seg, struct minivm_segment *s)
{
	unsigned long idx = seg * 2;
	u32 ar = __vmcs_read(GUEST_ES_AR_BYTES + idx);

	s->selector = __vmcs_read(GUEST_ES_SELECTOR + idx);
	s->base = __vmcs_read(GUEST_ES_BASE + idx);
	s->limit = __vmcs_read(GUEST_ES_LIMIT + idx);
	s->type = VMX_AR_TYPE(ar);
	s->s = !!(ar & VMX_AR_S);
	s->dpl = (ar >> VMX_AR_DPL_SHIFT) & 3;
	s->present = !!(ar & VMX_AR_P);
	s->avl = !!(ar & VMX_AR_AVL);
	s->l = !!(ar & VMX_AR_L);
	s->db = !!(ar & VMX_AR_DB);
	s->g = !!(ar & VMX_AR_G);
	s->unusable = !!(ar & VMX_AR_UNUSABLE);
	s->padding = 0;
}

static void set_segment(enum seg seg, const struct minivm_segment *s)
{
	unsigned long idx = seg * 2;
	u32 ar = (s->type & 0xf) | (s->s ? VMX_AR_S : 0) |
		 ((s->dpl & 3) << VMX_AR_DPL_SHIFT) | (s->present ? VMX_AR_P : 0) |
		 (s->avl ? VMX_AR_AVL : 0) | (s->l ? VMX_AR_L : 0) |
		 (s->db ? VMX_AR_DB : 0) | (s->g ? VMX_AR_G : 0) |
		 (s->unusable ? VMX_AR_UNUSABLE : 0);

	__vmcs_write(GUEST_ES_SELECTOR + idx, s->selector);
	__vmcs_write(GUEST_ES_BASE + idx, s->base);
	__vmcs_write(GUEST_ES_LIMIT + idx, s->limit);
	__vmcs_write(GUEST_ES_AR_BYTES + idx, ar);
}

void vmx_get_sregs(struct minivm_vcpu *vcpu, struct minivm_sregs *sregs)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	get_segment(SEG_CS, &sregs->cs);
	get_segment(SEG_DS, &sregs->ds);
	get_segment(SEG_ES, &sregs->es);
	get_segment(SEG_FS, &sregs->fs);
	get_segment(SEG_GS, &sregs->gs);
	get_segment(SEG_SS, &sregs->ss);
	get_segment(SEG_TR, &sregs->tr);
	get_segment(SEG_LDTR, &sregs->ldt);
	sregs->gdt.base = vmcs_readl(GUEST_GDTR_BASE);
	sregs->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	sregs->idt.base = vmcs_readl(GUEST_IDTR_BASE);
	sregs->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	sregs->cr0 = vmx_guest_cr0();
	sregs->cr2 = vmx->cr2;
	sregs->cr3 = vmcs_readl(GUEST_CR3);
	sregs->cr4 = vmx_guest_cr4();
	sregs->efer = vmcs_read64(GUEST_IA32_EFER);
	sregs->cr8 = vmx_get_cr8(vmx);
}

/*
 * The generic code checked what the architecture forbids; here, what
 * this CPU's VMX cannot run. Everything is checked before anything is
 * written, so a refused state leaves the vCPU as it was.
 */
int vmx_set_sregs(struct minivm_vcpu *vcpu, const struct minivm_sregs *sregs)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	bool pae = vmx_pae_paging(sregs->cr0, sregs->cr4, sregs->efer);
	u64 pdpte[4];

	if (sregs->cr4 & ~vmx_caps.cr4_fixed1)
		return -EINVAL;
	if (pae && !read_pdptrs(vcpu->vm, sregs->cr3, pdpte))
		return -EINVAL;

	set_segment(SEG_CS, &sregs->cs);
	set_segment(SEG_DS, &sregs->ds);
	set_segment(SEG_ES, &sregs->es);
	set_segment(SEG_FS, &sregs->fs);
	set_segment(SEG_GS, &sregs->gs);
	set_segment(SEG_SS, &sregs->ss);
	set_segment(SEG_TR, &sregs->tr);
	set_segment(SEG_LDTR, &sregs->ldt);
	vmcs_writel(GUEST_GDTR_BASE, sregs->gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, sregs->gdt.limit);
	vmcs_writel(GUEST_IDTR_BASE, sregs->idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, sregs->idt.limit);
	vmx->cr2 = sregs->cr2;
	vmx_set_cr8(vmx, sregs->cr8);
	vmcs_writel(GUEST_CR3, sregs->cr3);
	/* Events queued for the old state belong to the state replaced. */
	drop_stale_events();
	/* EFER first: set_cr0 derives LMA from EFER.LME and CR0.PG. */
	vmcs_write64(GUEST_IA32_EFER, sregs->efer);
	vmx_set_cr4(vmx, sregs->cr4);
	vmx_set_cr0(vmx, sregs->cr0);
	if (pae)
		write_pdptrs(pdpte);
	return 0;
}
