// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit handlers.
 *
 * The contract, for every handler in vmx_exit_handlers[]:
 *   - it runs in the vCPU's thread, preemptible, with the vCPU's VMCS
 *     loaded (it may VMREAD/VMWRITE and sleep);
 *   - it returns 1 to enter the guest again, 0 to return to userspace
 *     with run->exit_reason and its union member filled in, or a negative
 *     errno that MINIVM_RUN returns;
 *   - an instruction it emulates is skipped with skip_instruction()
 *     before it returns, so the guest never executes it twice.
 * Exits with no handler end in MINIVM_EXIT_INTERNAL_ERROR and a dead VM.
 */
#include <asm/vmx.h>

#include "vmcs.h"
#include "vmx.h"

static void skip_instruction(void)
{
	vmcs_writel(GUEST_RIP, vmcs_readl(GUEST_RIP) +
		    vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

/* The guest did something minivm cannot handle: the VM is dead. */
static int internal_error(struct vmx_vcpu *vmx, u32 suberror, u32 exit_reason)
{
	struct minivm_run *run = vmx->vcpu->run;
	u64 gpa = 0;

	if (exit_reason == EXIT_REASON_EPT_VIOLATION ||
	    exit_reason == EXIT_REASON_EPT_MISCONFIG)
		gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);

	run->exit_reason = MINIVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 6;
	run->internal.data[0] = exit_reason;
	run->internal.data[1] = vmcs_readl(EXIT_QUALIFICATION);
	run->internal.data[2] = vmcs_readl(GUEST_RIP);
	run->internal.data[3] = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	run->internal.data[4] = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	run->internal.data[5] = gpa;
	minivm_vm_mark_dead(vmx->vcpu->vm);
	return 0;
}

/* The host handled the interrupt or NMI when vmx.c re-enabled them. */
static int handle_host_event(struct vmx_vcpu *vmx, u32 exit_reason)
{
	u32 info;

	if (exit_reason == EXIT_REASON_EXTERNAL_INTERRUPT)
		return 1;
	info = vmcs_read32(VM_EXIT_INTR_INFO);
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		return 1;
	/* The exception bitmap is empty, so nothing else should exit here. */
	return internal_error(vmx, MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT,
			      exit_reason);
}

/* The guest's time slice is over; the run loop checks for signals. */
static int handle_preemption_timer(struct vmx_vcpu *vmx, u32 exit_reason)
{
	return 1;
}

static int handle_triple_fault(struct vmx_vcpu *vmx, u32 exit_reason)
{
	vmx->vcpu->run->exit_reason = MINIVM_EXIT_SHUTDOWN;
	return 0;
}

static int handle_hlt(struct vmx_vcpu *vmx, u32 exit_reason)
{
	skip_instruction();
	vmx->vcpu->run->exit_reason = MINIVM_EXIT_HLT;
	return 0;
}

/* Where OUT data and IN results live in the run area: right after it. */
#define RUN_IO_DATA_OFFSET	ALIGN(sizeof(struct minivm_run), 8)

/* Exit qualification for I/O instructions (SDM Vol. 3, Table 28-5). */
#define IO_SIZE(q)	(((q) & 7) + 1)
#define IO_IN		BIT(3)
#define IO_STRING	BIT(4)
#define IO_PORT(q)	(((q) >> 16) & 0xffff)

static int handle_io(struct vmx_vcpu *vmx, u32 exit_reason)
{
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	struct minivm_run *run = vmx->vcpu->run;
	u8 *data = (u8 *)run + RUN_IO_DATA_OFFSET;
	unsigned int size = IO_SIZE(qual);

	if (qual & IO_STRING)
		return internal_error(vmx, MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT,
				      exit_reason);

	run->exit_reason = MINIVM_EXIT_IO;
	run->io.size = size;
	run->io.port = IO_PORT(qual);
	run->io.count = 1;
	run->io.data_offset = RUN_IO_DATA_OFFSET;
	if (qual & IO_IN) {
		run->io.direction = MINIVM_EXIT_IO_IN;
		memset(data, 0, size);
		vmx->pending = VMX_PENDING_IN;
		vmx->pending_in_size = size;
	} else {
		run->io.direction = MINIVM_EXIT_IO_OUT;
		memcpy(data, &vmx->regs[VCPU_RAX], size);
	}
	skip_instruction();
	return 0;
}

/*
 * Finish what the last exit to userspace left open. An IN writes AL, AX
 * or EAX; like hardware, a 32-bit IN zero-extends into RAX and narrower
 * ones keep the upper bits.
 */
void vmx_complete_pending(struct vmx_vcpu *vmx)
{
	struct minivm_run *run = vmx->vcpu->run;
	unsigned long *rax = &vmx->regs[VCPU_RAX];
	u8 *data = (u8 *)run + RUN_IO_DATA_OFFSET;
	u32 val = 0;

	if (vmx->pending != VMX_PENDING_IN)
		return;
	memcpy(&val, data, vmx->pending_in_size);
	switch (vmx->pending_in_size) {
	case 1:
		*rax = (*rax & ~0xffUL) | (val & 0xff);
		break;
	case 2:
		*rax = (*rax & ~0xffffUL) | (val & 0xffff);
		break;
	default:
		*rax = val;
		break;
	}
	vmx->pending = VMX_PENDING_NONE;
}

/* Exit qualification for control-register accesses (SDM Table 28-3). */
#define CR_NUM(q)	((q) & 15)
#define CR_ACCESS(q)	(((q) >> 4) & 3)
#define CR_ACCESS_MOV_TO 0
#define CR_ACCESS_LMSW	3
#define CR_GPR(q)	(((q) >> 8) & 15)
#define CR_LMSW_DATA(q)	(((q) >> 16) & 0xffff)

/* LMSW loads CR0[3:0] but can only set PE, never clear it (SDM Vol. 2). */
static unsigned long lmsw_result(unsigned long cr0, unsigned long src)
{
	return (cr0 & ~0xeUL) | (src & 0xf) | (cr0 & X86_CR0_PE);
}

/*
 * Only MOV to CR0/CR4 that changes a host-owned bit exits (state.c).
 * CR0 keeps the guest-owned bits it has; @val carries all of them.
 */
static int handle_cr(struct vmx_vcpu *vmx, u32 exit_reason)
{
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	unsigned long val;

	if (CR_ACCESS(qual) == CR_ACCESS_LMSW) {
		vmx_set_cr0(vmx, lmsw_result(vmx_guest_cr0(),
					     CR_LMSW_DATA(qual)));
		skip_instruction();
		return 1;
	}
	if (CR_ACCESS(qual) != CR_ACCESS_MOV_TO)
		goto unhandled;
	val = CR_GPR(qual) == VCPU_RSP ? vmcs_readl(GUEST_RSP) :
					 vmx->regs[CR_GPR(qual)];
	/* A value the guest may not have would need a #GP: not emulated. */
	switch (CR_NUM(qual)) {
	case 0:
		if (!minivm_cr0_valid(val))
			goto unhandled;
		vmx_set_cr0(vmx, val);
		break;
	case 4:
		/* Also what this CPU can run, or the next entry would fail. */
		if (!minivm_cr4_valid(val) || (val & ~vmx_caps.cr4_fixed1))
			goto unhandled;
		vmx_set_cr4(vmx, val);
		break;
	default:
		goto unhandled;
	}
	skip_instruction();
	return 1;

unhandled:
	return internal_error(vmx, MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT,
			      exit_reason);
}

/*
 * A guest access to a frame with no EPT entry yet: map it from its
 * memory slot. A frame no slot backs would be MMIO, which is not
 * emulated yet.
 */
static int handle_ept_violation(struct vmx_vcpu *vmx, u32 exit_reason)
{
	int ret = vmx_ept_map(vmx->vcpu->vm,
			      vmcs_read64(GUEST_PHYSICAL_ADDRESS));

	if (ret)
		return ret;
	return internal_error(vmx, MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT,
			      exit_reason);
}

typedef int (*exit_handler_t)(struct vmx_vcpu *vmx, u32 exit_reason);

static const exit_handler_t vmx_exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]	= handle_host_event,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_host_event,
	[EXIT_REASON_TRIPLE_FAULT]	= handle_triple_fault,
	[EXIT_REASON_HLT]		= handle_hlt,
	[EXIT_REASON_IO_INSTRUCTION]	= handle_io,
	[EXIT_REASON_CR_ACCESS]		= handle_cr,
	[EXIT_REASON_EPT_VIOLATION]	= handle_ept_violation,
	[EXIT_REASON_PREEMPTION_TIMER]	= handle_preemption_timer,
};

/*
 * An exit that interrupted the delivery of an event (IDT-vectoring info
 * valid) must deliver that event again on the next entry, or the guest
 * loses it. Only host events and EPT violations are resolved without
 * userspace, so only they may resume with an event in flight (SDM Vol. 3,
 * 28.2.4 and 29.2).
 */
static bool reinject_event(void)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	u32 type = info & VECTORING_INFO_TYPE_MASK;

	if (!(info & VECTORING_INFO_VALID_MASK))
		return false;
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD,
		     info & (VECTORING_INFO_VECTOR_MASK |
			     VECTORING_INFO_TYPE_MASK |
			     VECTORING_INFO_DELIVER_CODE_MASK |
			     VECTORING_INFO_VALID_MASK));
	if (info & VECTORING_INFO_DELIVER_CODE_MASK)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(IDT_VECTORING_ERROR_CODE));
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN,
			     vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	return true;
}

int vmx_handle_exit(struct vmx_vcpu *vmx, u32 exit_reason)
{
	if (reinject_event() && exit_reason != EXIT_REASON_EPT_VIOLATION &&
	    exit_reason != EXIT_REASON_EXTERNAL_INTERRUPT &&
	    exit_reason != EXIT_REASON_EXCEPTION_NMI &&
	    exit_reason != EXIT_REASON_PREEMPTION_TIMER &&
	    exit_reason != EXIT_REASON_TRIPLE_FAULT)
		return internal_error(vmx, MINIVM_INTERNAL_ERROR_DELIVERY_EV,
				      exit_reason);

	if (exit_reason < ARRAY_SIZE(vmx_exit_handlers) &&
	    vmx_exit_handlers[exit_reason])
		return vmx_exit_handlers[exit_reason](vmx, exit_reason);

	return internal_error(vmx, MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT,
			      exit_reason);
}
