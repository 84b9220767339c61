// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions for the guest: those the exit handlers raise (#GP for a
 * refused MSR or CR value, #UD for VMX instructions) and those userspace
 * queues with MINIVM_SET_VCPU_EVENTS. Both are VM-entry event injection
 * (SDM Vol. 3, 27.6): the CPU delivers the exception through the guest's
 * own IDT as the next entry completes, exactly as if the instruction had
 * raised it.
 */
#include <asm/vmx.h>

#include "trace.h"
#include "vmcs.h"
#include "vmx.h"

void vmx_inject_exception(unsigned int vector, bool has_error_code,
			  u32 error_code)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	/* VM entry refuses an error code in real mode (SDM 27.2.1.3). */
	if (has_error_code && (vmx_guest_cr0() & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
	trace_minivm_inj_exception(vector, info & INTR_INFO_DELIVER_CODE_MASK,
				   error_code, false);
}

void vmx_inject_gp(void)
{
	vmx_inject_exception(13, true, 0);
}

void vmx_inject_ud(void)
{
	vmx_inject_exception(6, false, 0);
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
	vmx_inject_exception(ev->exception.nr, ev->exception.has_error_code,
			     ev->exception.error_code);
}
