// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts for the guest from its in-kernel local APIC (../lapic.c):
 * VM-entry injection of external interrupts and NMIs, interrupt- and
 * NMI-window exiting when the guest cannot take one yet, HLT that sleeps
 * in the kernel, and CR8 as the APIC's task priority.
 *
 * An interrupt is injected only when the guest could take it at this
 * instruction boundary (SDM Vol. 3, 6.8.1 and 27.6): RFLAGS.IF set, no
 * STI or MOV SS shadow, and no other event already queued for this entry
 * (a re-injection or an exception). Otherwise the interrupt-window
 * control makes the CPU exit the moment the guest can, and the next
 * entry injects. The APIC moves the vector from IRR to ISR as it is
 * injected; if the delivery is cut short by an exit, the IDT-vectoring
 * information re-injects the same event (exits.c), so it is not lost.
 *
 * A vCPU without an APIC gets its interrupts from the VMM instead, in
 * KVM's model: MINIVM_INTERRUPT queues one vector, injected under the
 * same rules, and run->request_interrupt_window asks for an exit to
 * userspace (MINIVM_EXIT_IRQ_WINDOW_OPEN) once the guest can take one,
 * through the same interrupt-window control.
 */
#include <asm/irq_vectors.h>
#include <asm/vmx.h>

#include "trace.h"
#include "vmcs.h"
#include "vmx.h"

#define BLOCKED_BY_STI_MOVSS	(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)

static void set_exec_ctl(struct vmx_vcpu *vmx, u32 bit, bool on)
{
	u32 ctl = vmx->proc_ctls;

	ctl = on ? ctl | bit : ctl & ~bit;
	if (ctl == vmx->proc_ctls)
		return;
	vmx->proc_ctls = ctl;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, ctl);
}

/*
 * NMIs: one pending at a time, as on hardware; blocked from delivery
 * until the guest's IRET. True when one was queued for this entry.
 */
static bool inject_nmi(struct vmx_vcpu *vmx)
{
	u32 state;

	if (!vmx->nmi_pending)
		return false;
	state = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	if (state & (GUEST_INTR_STATE_NMI | BLOCKED_BY_STI_MOVSS)) {
		/* Blocked: exit once it is not, and let interrupts by. */
		if (vmx_caps.nmi_window)
			set_exec_ctl(vmx, CPU_BASED_NMI_WINDOW_EXITING, true);
		return false;
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, NMI_VECTOR | INTR_TYPE_NMI_INTR |
		     INTR_INFO_VALID_MASK);
	trace_minivm_inj_nmi(false);
	vmx->nmi_pending = false;
	minivm_stat_inc(&vmx->vcpu->stats.nmi_injections);
	return true;
}

/*
 * Just before VM entry, interrupts off, for a vCPU with an APIC: queue
 * what the APIC has for the guest, or ask for the exit that comes when
 * it can take it.
 */
void vmx_inject_interrupts(struct vmx_vcpu *vmx)
{
	struct minivm_vcpu *vcpu = vmx->vcpu;
	int vector;

	if (minivm_lapic_take_nmi(vcpu))
		vmx->nmi_pending = true;
	vector = minivm_lapic_pending(vcpu);
	if (vector < 0 && !vmx->nmi_pending) {
		set_exec_ctl(vmx, CPU_BASED_INTR_WINDOW_EXITING, false);
		return;
	}
	/* An event is queued already (re-injection, exception): after it. */
	if (vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK) {
		set_exec_ctl(vmx, CPU_BASED_INTR_WINDOW_EXITING, true);
		return;
	}
	if (inject_nmi(vmx) || vector < 0)
		return;
	if (!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) ||
	    (vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & BLOCKED_BY_STI_MOVSS)) {
		set_exec_ctl(vmx, CPU_BASED_INTR_WINDOW_EXITING, true);
		return;
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, vector | INTR_TYPE_EXT_INTR |
		     INTR_INFO_VALID_MASK);
	trace_minivm_inj_virq(vector, false);
	minivm_lapic_ack(vcpu, vector);
	minivm_stat_inc(&vcpu->stats.irq_injections);
	/* another one may be waiting behind it */
	set_exec_ctl(vmx, CPU_BASED_INTR_WINDOW_EXITING,
		     minivm_lapic_pending(vcpu) >= 0);
}

static bool interruptible(void)
{
	return (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	       !(vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & BLOCKED_BY_STI_MOVSS);
}

/*
 * Just before VM entry, interrupts off, for a vCPU without an APIC:
 * inject the vector userspace queued if the guest can take it now, and
 * exit at the window if it cannot or if userspace asked for the window.
 */
void vmx_inject_user_interrupt(struct vmx_vcpu *vmx)
{
	struct minivm_vcpu *vcpu = vmx->vcpu;
	bool window = READ_ONCE(vcpu->run->request_interrupt_window);

	if (vcpu->user_irq >= 0) {
		if (!(vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) &
		      INTR_INFO_VALID_MASK) && interruptible()) {
			vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, vcpu->user_irq |
				     INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK);
			vcpu->user_irq = -1;
			minivm_stat_inc(&vcpu->stats.irq_injections);
		} else {
			window = true;
		}
	}
	set_exec_ctl(vmx, CPU_BASED_INTR_WINDOW_EXITING, window);
}

/* What the run area tells userspace about interrupts when RUN returns. */
void vmx_report_interrupt_state(struct vmx_vcpu *vmx)
{
	struct minivm_vcpu *vcpu = vmx->vcpu;
	struct minivm_run *run = vcpu->run;

	run->if_flag = !!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = vcpu->apic ||
		(vcpu->user_irq < 0 && interruptible() &&
		 !(vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK));
}

/*
 * The guest can take an interrupt (or an NMI) now: the next entry does;
 * or, for a VMM that asked for the window, RUN returns.
 */
int vmx_handle_window(struct vmx_vcpu *vmx, u32 exit_reason)
{
	struct minivm_vcpu *vcpu = vmx->vcpu;

	if (!vcpu->apic && exit_reason == EXIT_REASON_INTERRUPT_WINDOW &&
	    vcpu->user_irq < 0 && READ_ONCE(vcpu->run->request_interrupt_window)) {
		set_exec_ctl(vmx, CPU_BASED_INTR_WINDOW_EXITING, false);
		vcpu->run->exit_reason = MINIVM_EXIT_IRQ_WINDOW_OPEN;
		return 0;
	}

	set_exec_ctl(vmx, exit_reason == EXIT_REASON_NMI_WINDOW ?
		     CPU_BASED_NMI_WINDOW_EXITING :
		     CPU_BASED_INTR_WINDOW_EXITING, false);
	return 1;
}

/*
 * HLT. With an in-kernel APIC and RFLAGS.IF set, the vCPU sleeps in the
 * kernel until an interrupt is due (../lapic.c); the RUN loop does the
 * waiting. With interrupts off nothing but an NMI could wake it: the
 * guest has stopped for good (Linux's halt without ACPI), and userspace
 * hears of it as MINIVM_EXIT_HLT, as it does for every HLT of a VM
 * without an irqchip.
 */
int vmx_handle_hlt(struct vmx_vcpu *vmx, u32 exit_reason)
{
	struct minivm_vcpu *vcpu = vmx->vcpu;

	skip_instruction();
	if (vcpu->apic && (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF)) {
		vcpu->halted = true;
		minivm_stat_inc(&vcpu->stats.halts_in_kernel);
		return 1;
	}
	vcpu->run->exit_reason = MINIVM_EXIT_HLT;
	return 0;
}

/* CR8 is TPR[7:4]: the APIC's when there is one, else plain state. */
unsigned long vmx_get_cr8(struct vmx_vcpu *vmx)
{
	if (vmx->vcpu->apic)
		return minivm_lapic_get_cr8(vmx->vcpu);
	return vmx->cr8;
}

void vmx_set_cr8(struct vmx_vcpu *vmx, unsigned long cr8)
{
	if (vmx->vcpu->apic)
		minivm_lapic_set_cr8(vmx->vcpu, cr8);
	else
		vmx->cr8 = cr8;
}

u64 vmx_guest_tsc(struct minivm_vcpu *vcpu)
{
	return rdtsc() + vmcs_read64(TSC_OFFSET);
}
