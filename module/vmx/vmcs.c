// SPDX-License-Identifier: GPL-2.0
/*
 * VMCS contents (controls, host state, the guest's reset state) and the
 * VMCS's residence: a VMCS is "active" on at most one CPU at a time, and
 * moving it means VMCLEAR on the old CPU before VMPTRLD on the new one
 * (SDM Vol. 3, 25.11.1 "Software Use of the VMCS and Related Structures").
 */
#include <linux/smp.h>
#include <asm/debugreg.h>
#include <asm/trapnr.h>
#include <asm/desc.h>
#include <asm/fpu/types.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>

#include "vmcs.h"
#include "vmx.h"

/* The VMCS that is current (last VMPTRLD) on each CPU, or NULL. */
static DEFINE_PER_CPU(void *, current_vmcs);
/*
 * Every VMCS active on each CPU (vmx_vcpu.loaded_link), for the host's
 * shutdown to VMCLEAR them. Changed only on its own CPU with interrupts
 * off, which the shutdown's IPI needs too.
 */
static DEFINE_PER_CPU(struct list_head, loaded_vmcss);

void vmx_vmcs_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(&per_cpu(loaded_vmcss, cpu));
}

void minivm_vmx_vmwrite_error(unsigned long field, unsigned long value)
{
	pr_err_ratelimited(MINIVM_PREFIX "vmwrite %#lx = %#lx failed: error %u\n",
			   field, value, vmcs_read32(VM_INSTRUCTION_ERROR));
}

/* A VMX instruction raised #UD: see vmcs.h. */
void vmx_insn_fault(const char *insn)
{
	WARN_ONCE(!READ_ONCE(vmx_shut_down),
		  MINIVM_PREFIX "%s outside VMX operation\n", insn);
}

/*
 * Runs on the CPU where @info's VMCS is active, interrupts off. A CPU
 * that has left VMX operation (the host's shutdown) cleared it already.
 */
static void vmclear_local(void *info)
{
	struct vmx_vcpu *vmx = info;
	u64 phys = __pa(vmx->vmcs);

	if (vmx_this_cpu_ready() && !vmcs_clear(phys))
		pr_err_ratelimited(MINIVM_PREFIX "vmclear failed\n");
	list_del_init(&vmx->loaded_link);
	if (this_cpu_read(current_vmcs) == vmx->vmcs)
		this_cpu_write(current_vmcs, NULL);
}

/* The host's shutdown (cpu.c): this CPU's VMCSs to memory, interrupts off. */
void vmx_clear_loaded_vmcss(void)
{
	struct vmx_vcpu *vmx, *tmp;

	list_for_each_entry_safe(vmx, tmp, this_cpu_ptr(&loaded_vmcss),
				 loaded_link) {
		if (!vmcs_clear(__pa(vmx->vmcs)))
			pr_err_ratelimited(MINIVM_PREFIX "vmclear failed\n");
		list_del_init(&vmx->loaded_link);
	}
	this_cpu_write(current_vmcs, NULL);
}

/* Make the VMCS active on no CPU, so it can be freed or moved. */
void vmx_vcpu_clear(struct vmx_vcpu *vmx)
{
	if (vmx->cpu < 0)
		return;
	smp_call_function_single(vmx->cpu, vmclear_local, vmx, 1);
	vmx->cpu = -1;
	vmx->launched = false;
}

static unsigned long tss_base_of_this_cpu(void)
{
	struct desc_ptr gdt;
	struct ldttss_desc *tss;

	native_store_gdt(&gdt);
	tss = (struct ldttss_desc *)(gdt.address + GDT_ENTRY_TSS * 8);
	return tss->base0 | ((unsigned long)tss->base1 << 16) |
	       ((unsigned long)tss->base2 << 24) |
	       ((unsigned long)tss->base3 << 32);
}

/* Host fields that differ between CPUs; written when the VMCS moves. */
static void write_per_cpu_host_state(void)
{
	struct desc_ptr gdt;
	u64 sysenter_esp, gs_base;

	native_store_gdt(&gdt);
	vmcs_writel(HOST_GDTR_BASE, gdt.address);
	vmcs_writel(HOST_TR_BASE, tss_base_of_this_cpu());
	rdmsrl(MSR_IA32_SYSENTER_ESP, sysenter_esp);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, sysenter_esp);
	rdmsrl(MSR_GS_BASE, gs_base);	/* this CPU's per-cpu area */
	vmcs_writel(HOST_GS_BASE, gs_base);
}

/*
 * Make the vCPU's VMCS current on @cpu (the calling CPU, preemption off).
 * Returns false if this CPU is not in VMX operation (see cpu.c).
 */
bool vmx_vcpu_load_on(struct vmx_vcpu *vmx, int cpu)
{
	struct vmx_vm *vmx_vm = to_vmx_vm(vmx->vcpu->vm);
	unsigned long flags;
	bool moved = false;

	if (!vmx_this_cpu_ready())
		return false;

	if (this_cpu_read(current_vmcs) != vmx->vmcs)
		vmx_spec_vcpu_switch();
	if (vmx->cpu != cpu) {
		vmx_vcpu_clear(vmx);
		moved = true;
	}
	/*
	 * Interrupts off from the check to the list: the host's shutdown
	 * (an IPI) must find every VMCS it has to clear on this CPU's list.
	 */
	local_irq_save(flags);
	if (!vmx_this_cpu_ready()) {
		local_irq_restore(flags);
		return false;
	}
	if (moved || this_cpu_read(current_vmcs) != vmx->vmcs) {
		if (!vmcs_load(__pa(vmx->vmcs))) {
			local_irq_restore(flags);
			pr_err_ratelimited(MINIVM_PREFIX "vmptrld failed\n");
			return false;
		}
		this_cpu_write(current_vmcs, vmx->vmcs);
	}
	if (moved) {
		list_add(&vmx->loaded_link, this_cpu_ptr(&loaded_vmcss));
		vmx->cpu = cpu;
	}
	local_irq_restore(flags);

	if (moved) {
		write_per_cpu_host_state();
		/* Drop what this CPU may remember of an older EPT state. */
		vmx_invept_local(vmx_vm->eptp);
	}
	return true;
}

/*
 * Host fields that can change between two entries on the same CPU: CR3
 * (PCID bits), CR4 (per-task bits) and the user FS base. Called with
 * interrupts off, right before entry.
 */
void vmx_update_host_state(struct vmx_vcpu *vmx)
{
	unsigned long cr3 = __read_cr3(), cr4 = __read_cr4(), fs_base;

	if (cr3 != vmx->host_cr3) {
		vmcs_writel(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (cr4 != vmx->host_cr4) {
		vmcs_writel(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
	rdmsrl(MSR_FS_BASE, fs_base);
	if (fs_base != vmx->host_fs_base) {
		vmcs_writel(HOST_FS_BASE, fs_base);
		vmx->host_fs_base = fs_base;
	}
}

static void setup_host_state(struct vmx_vcpu *vmx)
{
	struct desc_ptr idt;
	u64 val;

	vmcs_writel(HOST_CR0, read_cr0());
	/* Force the first vmx_update_host_state() to write all three. */
	vmx->host_cr3 = ~0UL;
	vmx->host_cr4 = ~0UL;
	vmx->host_fs_base = ~0UL;

	/*
	 * VM exit loads these selectors; DS, ES, FS and GS get null ones
	 * and vmx.c puts back what the thread had (64-bit allows null SS
	 * too, but SS must stay a kernel one for IRET).
	 */
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);

	store_idt(&idt);
	vmcs_writel(HOST_IDTR_BASE, idt.address);

	rdmsrl(MSR_IA32_SYSENTER_CS, val);
	vmcs_write32(HOST_IA32_SYSENTER_CS, val);
	rdmsrl(MSR_IA32_SYSENTER_EIP, val);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, val);
	rdmsrl(MSR_EFER, val);
	vmcs_write64(HOST_IA32_EFER, val);
	if (vmx_caps.pat) {
		rdmsrl(MSR_IA32_CR_PAT, val);
		vmcs_write64(HOST_IA32_PAT, val);
	}

	vmcs_writel(HOST_RIP, (unsigned long)vmx_vmexit);
	/* HOST_RSP is written by vmenter.S, per entry. */
}

static void setup_controls(struct vmx_vcpu *vmx)
{
	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, vmx_caps.pin_ctls);
	if (vmx_caps.pin_ctls & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE,
			     vmx_caps.preemption_timer);
	vmx->proc_ctls = vmx_caps.proc_ctls;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vmx->proc_ctls);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, vmx_caps.proc_ctls2);
	vmcs_write32(VM_EXIT_CONTROLS, vmx_caps.exit_ctls);
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_caps.entry_ctls);

	/*
	 * Every guest exception is delivered in the guest; #DB and #AC pass
	 * through minivm on the way (events.c says why).
	 */
	vmcs_write32(EXCEPTION_BITMAP, BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC));
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write64(VMCS_LINK_POINTER, -1ULL);
	vmcs_write64(EPT_POINTER, to_vmx_vm(vmx->vcpu->vm)->eptp);
	/* What the guest may touch directly: see msr.c. */
	vmcs_write64(MSR_BITMAP, vmx_msr_bitmap_pa());
}

/* Real mode segment: selector, base = selector << 4, 64 KiB limit. */
static void set_real_mode_segment(unsigned long sel_field, u16 sel, u32 ar)
{
	/* Field groups are laid out identically for ES..GS, LDTR, TR. */
	unsigned long idx = sel_field - GUEST_ES_SELECTOR;

	vmcs_write16(GUEST_ES_SELECTOR + idx, sel);
	vmcs_writel(GUEST_ES_BASE + idx, (unsigned long)sel << 4);
	vmcs_write32(GUEST_ES_LIMIT + idx, 0xffff);
	vmcs_write32(GUEST_ES_AR_BYTES + idx, ar);
}

#define AR_DATA_RW_ACCESSED	0x93	/* present, S, type 3 */
#define AR_CODE_RX_ACCESSED	0x9b	/* present, S, type 11 */
#define AR_LDT			0x82	/* present, type 2 */
#define AR_TSS_BUSY		0x8b	/* present, type 11 */

/* The architectural state after RESET (SDM Vol. 3, Table 10-1). */
void vmx_vmcs_reset_guest(struct vmx_vcpu *vmx)
{
	set_real_mode_segment(GUEST_ES_SELECTOR, 0, AR_DATA_RW_ACCESSED);
	set_real_mode_segment(GUEST_SS_SELECTOR, 0, AR_DATA_RW_ACCESSED);
	set_real_mode_segment(GUEST_DS_SELECTOR, 0, AR_DATA_RW_ACCESSED);
	set_real_mode_segment(GUEST_FS_SELECTOR, 0, AR_DATA_RW_ACCESSED);
	set_real_mode_segment(GUEST_GS_SELECTOR, 0, AR_DATA_RW_ACCESSED);
	set_real_mode_segment(GUEST_LDTR_SELECTOR, 0, AR_LDT);
	set_real_mode_segment(GUEST_TR_SELECTOR, 0, AR_TSS_BUSY);
	/* CS is special: selector 0xf000 but base 0xffff0000. */
	vmcs_write16(GUEST_CS_SELECTOR, 0xf000);
	vmcs_writel(GUEST_CS_BASE, 0xffff0000);
	vmcs_write32(GUEST_CS_LIMIT, 0xffff);
	vmcs_write32(GUEST_CS_AR_BYTES, AR_CODE_RX_ACCESSED);

	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);

	vmcs_writel(GUEST_RIP, 0xfff0);
	vmcs_writel(GUEST_RSP, 0);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	memset(vmx->regs, 0, sizeof(vmx->regs));
	vmx->cr2 = 0;

	vmcs_write64(GUEST_IA32_EFER, 0);
	vmx_set_cr0(vmx, X86_CR0_CD | X86_CR0_NW | X86_CR0_ET);
	vmx_set_cr4(vmx, 0);
	vmcs_writel(GUEST_CR3, 0);

	vmcs_writel(GUEST_DR7, DR7_RESET_VALUE);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);

	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);

	memset(vmx->db, 0, sizeof(vmx->db));
	vmx->dr6 = 0xffff0ff0UL;
	vmx->cr8 = 0;
	vmx->xcr0 = XFEATURE_MASK_FP;
	vmx_msrs_reset(vmx);
}

/* Fill a fresh VMCS; it is current on this CPU (vmx_vcpu_load_on). */
void vmx_vmcs_setup(struct vmx_vcpu *vmx)
{
	setup_controls(vmx);
	setup_host_state(vmx);
	vmx_vmcs_reset_guest(vmx);
}
