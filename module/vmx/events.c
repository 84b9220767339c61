// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions for the guest: those the exit handlers raise (#GP for a
 * refused MSR or CR value, #UD for VMX instructions) and those userspace
 * queues with MINIVM_SET_VCPU_EVENTS. Both are VM-entry event injection
 * (SDM Vol. 3, 27.6): the CPU delivers the exception through the guest's
 * own IDT as the next entry completes, exactly as if the instruction had
 * raised it.
 */
#include <linux/percpu.h>
#include <asm/debugreg.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "trace.h"
#include "vmcs.h"
#include "vmx.h"

void vmx_inject_exception(struct vmx_vcpu *vmx, unsigned int vector,
			  bool has_error_code, u32 error_code)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	minivm_stat_inc(&vmx->vcpu->stats.exception_injections);
	/* VM entry refuses an error code in real mode (SDM 27.2.1.3). */
	if (has_error_code && (vmx_guest_cr0() & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
	trace_minivm_inj_exception(vector, info & INTR_INFO_DELIVER_CODE_MASK,
				   error_code, false);
}

void vmx_inject_gp(struct vmx_vcpu *vmx)
{
	vmx_inject_exception(vmx, 13, true, 0);
}

void vmx_inject_ud(struct vmx_vcpu *vmx)
{
	vmx_inject_exception(vmx, 6, false, 0);
}

/*
 * #DB and #AC exit instead of going straight to the guest. A guest whose
 * #AC (or #DB) handler raises the same exception again while it is being
 * delivered keeps some processors' microcode in an endless delivery loop
 * that no interrupt breaks, hanging the host CPU (CVE-2015-5307 for #AC,
 * CVE-2015-8104 for #DB); with the exception intercepted each round is a
 * VM exit, the loop costs the guest its own CPU time only, and signals
 * and the preemption timer still end RUN. KVM intercepts both for the
 * same reason.
 *
 * Intercepting #DB has two more effects, both wanted: the CPU does not
 * write DR6 for a #DB that exits (SDM Vol. 3, 27.1), so a guest's single
 * step no longer leaves its bits in the host's DR6; and minivm keeps the
 * guest's DR6 itself, from the exit qualification, which has DR6's
 * layout for the bits a #DB sets.
 *
 * The exception is then injected as the CPU would have delivered it. If
 * it arose while another event was being delivered, that event is
 * dropped when it was an exception or software interrupt (the guest's
 * handler returns to the instruction, which raises it again; KVM does
 * the same); an external interrupt or NMI cannot be regenerated, so that
 * case stays the internal error it was before (MINIVM_INTERNAL_ERROR_DELIVERY_EV).
 */
/* DR6.BD: a MOV DR met DR7.GD (not in every kernel's <asm/debugreg.h>). */
#define DR6_BD		BIT(13)

int vmx_reflect_exception(struct vmx_vcpu *vmx, u32 intr_info)
{
	u32 vector = intr_info & INTR_INFO_VECTOR_MASK;
	u32 vectoring = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	u32 type = vectoring & VECTORING_INFO_TYPE_MASK;
	unsigned long qual;

	if ((vectoring & VECTORING_INFO_VALID_MASK) &&
	    (type == INTR_TYPE_EXT_INTR || type == INTR_TYPE_NMI_INTR))
		return internal_error(vmx, MINIVM_INTERNAL_ERROR_DELIVERY_EV,
				      EXIT_REASON_EXCEPTION_NMI);

	if (vector == X86_TRAP_AC) {
		vmx_inject_exception(vmx, X86_TRAP_AC, true,
				     vmcs_read32(VM_EXIT_INTR_ERROR_CODE));
		return 1;
	}

	qual = vmcs_readl(EXIT_QUALIFICATION);
	vmx->dr6 = (vmx->dr6 & ~DR_TRAP_BITS) |
		   (qual & (DR_TRAP_BITS | DR_STEP | DR6_BD));
	if ((intr_info & INTR_INFO_INTR_TYPE_MASK) ==
	    INTR_TYPE_PRIV_SW_EXCEPTION) {
		/*
		 * ICEBP (INT1) exits on the instruction itself; its #DB is a
		 * trap, so the guest sees RIP after it. No single-step
		 * check: ICEBP's #DB comes first.
		 */
		vmcs_writel(GUEST_RIP, vmcs_readl(GUEST_RIP) +
			    vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
			     ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	} else if ((vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_TF) &&
		   (vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
		    (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))) {
		/*
		 * A #DB that exits leaves BS clear, but VM entry in an STI
		 * or MOV SS shadow with TF set insists on it (SDM Vol. 3,
		 * 27.3.1.5): the single step is still owed.
		 */
		vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS,
			    vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS) | DR_STEP);
	}
	vmx_inject_exception(vmx, X86_TRAP_DB, false, 0);
	return 1;
}

/* In VMX the CPL is SS.DPL (SDM Vol. 3, 27.3.1.2). */
unsigned int vmx_cpl(void)
{
	return (vmcs_read32(GUEST_SS_AR_BYTES) >> 5) & 3;
}

bool vmx_protected_mode(struct minivm_vcpu *vcpu)
{
	return vmx_guest_cr0() & X86_CR0_PE;
}

void vmx_get_events(struct minivm_vcpu *vcpu, struct minivm_vcpu_events *ev)
{
	u32 info = vmcs_read32(VM_ENTRY_INTR_INFO_FIELD);

	if ((info & INTR_INFO_VALID_MASK) &&
	    (info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_HARD_EXCEPTION) {
		ev->exception.injected = 1;
		ev->exception.nr = info & INTR_INFO_VECTOR_MASK;
		if (info & INTR_INFO_DELIVER_CODE_MASK) {
			ev->exception.has_error_code = 1;
			ev->exception.error_code =
				vmcs_read32(VM_ENTRY_EXCEPTION_ERROR_CODE);
		}
	}
}

void vmx_set_events(struct minivm_vcpu *vcpu,
		    const struct minivm_vcpu_events *ev)
{
	if (!ev->exception.injected) {
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
		return;
	}
	vmx_inject_exception(to_vmx(vcpu), ev->exception.nr,
			     ev->exception.has_error_code,
			     ev->exception.error_code);
}
