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
#include <linux/percpu.h>
#include <asm/debugreg.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "trace.h"
#include "vmcs.h"
#include "vmx.h"

/* Not in every kernel's <asm/vmx.h>. */
#define EXIT_REASON_GETSEC	11

void skip_instruction(void)
{
	vmcs_writel(GUEST_RIP, vmcs_readl(GUEST_RIP) +
		    vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	vmx_instruction_retired();
}

/*
 * minivm has completed an instruction for the guest, as the CPU would
 * have. An STI or MOV SS shadow covers only that instruction, so it is
 * over (else an "STI; HLT" would keep interrupts blocked after the HLT).
 * With RFLAGS.TF set the CPU would now take the single-step trap: the BS
 * bit of the pending debug exceptions makes VM entry deliver that #DB,
 * with DR6.BS, before the next instruction (SDM Vol. 3, 17.3.1.4 and
 * 27.7.3), so a debugger in the guest can step over CPUID or an OUT.
 */
void vmx_instruction_retired(void)
{
	u32 state = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	if (state & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     state & ~(GUEST_INTR_STATE_STI |
				       GUEST_INTR_STATE_MOV_SS));
	if (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_TF)
		vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS,
			    vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS) | DR_STEP);
}

/* The guest did something minivm cannot handle: the VM is dead. */
int internal_error(struct vmx_vcpu *vmx, u32 suberror, u32 exit_reason)
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
	/* #DB and #AC are the only exceptions in the bitmap (vmcs.c). */
	if ((info & INTR_INFO_VECTOR_MASK) == X86_TRAP_DB ||
	    (info & INTR_INFO_VECTOR_MASK) == X86_TRAP_AC)
		return vmx_reflect_exception(vmx, info);
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
		return vmx_handle_string_io(vmx, IO_PORT(qual), size,
					    qual & IO_IN);

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
static void complete_in(struct vmx_vcpu *vmx)
{
	struct minivm_run *run = vmx->vcpu->run;
	unsigned long *rax = &vmx->regs[VCPU_RAX];
	u8 *data = (u8 *)run + RUN_IO_DATA_OFFSET;
	u32 val = 0;

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
}

/*
 * Finish what the last exit to userspace left open, before the guest
 * runs again. Returns 1 to enter the guest, 0 when the completion itself
 * needs userspace again (an emulated instruction's next MMIO access), or
 * a negative errno.
 */
int vmx_complete_pending(struct vmx_vcpu *vmx)
{
	struct minivm_run *run = vmx->vcpu->run;
	enum vmx_pending pending = vmx->pending;

	vmx->pending = VMX_PENDING_NONE;
	switch (pending) {
	case VMX_PENDING_NONE:
		return 1;
	case VMX_PENDING_IN:
		complete_in(vmx);
		return 1;
	case VMX_PENDING_INS:
		return vmx_complete_ins(vmx);
	case VMX_PENDING_MMIO_READ:
		return vmx_complete_mmio(vmx);
	case VMX_PENDING_RDMSR:
		if (run->msr.error) {
			vmx_inject_gp(vmx);
			return 1;
		}
		vmx->regs[VCPU_RAX] = lower_32_bits(run->msr.data);
		vmx->regs[VCPU_RDX] = upper_32_bits(run->msr.data);
		skip_instruction();
		return 1;
	case VMX_PENDING_WRMSR:
		if (run->msr.error)
			vmx_inject_gp(vmx);
		else
			skip_instruction();
		return 1;
	}
	return 1;
}

/* Exit qualification for control-register accesses (SDM Table 28-3). */
#define CR_NUM(q)	((q) & 15)
#define CR_ACCESS(q)	(((q) >> 4) & 3)
#define CR_ACCESS_MOV_TO 0
#define CR_ACCESS_MOV_FROM 1
#define CR_ACCESS_LMSW	3
#define CR_GPR(q)	(((q) >> 8) & 15)
#define CR_LMSW_DATA(q)	(((q) >> 16) & 0xffff)

/* LMSW loads CR0[3:0] but can only set PE, never clear it (SDM Vol. 2). */
static unsigned long lmsw_result(unsigned long cr0, unsigned long src)
{
	return (cr0 & ~0xeUL) | (src & 0xf) | (cr0 & X86_CR0_PE);
}

static unsigned long gpr_read(struct vmx_vcpu *vmx, unsigned int reg)
{
	return reg == VCPU_RSP ? vmcs_readl(GUEST_RSP) : vmx->regs[reg];
}

/*
 * The source of a MOV to CR or DR: outside 64-bit mode the instruction
 * takes the register's low 32 bits, whatever bits 63:32 hold (SET_REGS,
 * or an earlier stay in 64-bit mode, may have left them set).
 */
static unsigned long gpr_read_mov_src(struct vmx_vcpu *vmx, unsigned int reg)
{
	unsigned long val = gpr_read(vmx, reg);

	if (!(vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) ||
	    !(vmcs_read32(GUEST_CS_AR_BYTES) & BIT(13)))
		val = lower_32_bits(val);
	return val;
}

/* A 32-bit write outside 64-bit mode still writes the whole register. */
static void gpr_write(struct vmx_vcpu *vmx, unsigned int reg,
		      unsigned long val)
{
	if (reg == VCPU_RSP)
		vmcs_writel(GUEST_RSP, val);
	else
		vmx->regs[reg] = val;
}

/*
 * MOV to CR0/CR4 that changes a host-owned bit, LMSW, and every MOV to
 * or from CR8 exit (state.c). A value the CPU would refuse is #GP(0),
 * as on hardware.
 */
static int handle_cr(struct vmx_vcpu *vmx, u32 exit_reason)
{
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	unsigned long val;
	bool ok;

	switch (CR_ACCESS(qual)) {
	case CR_ACCESS_LMSW:
		ok = vmx_guest_write_cr0(vmx, lmsw_result(vmx_guest_cr0(),
							  CR_LMSW_DATA(qual)));
		break;
	case CR_ACCESS_MOV_FROM:
		if (CR_NUM(qual) != 8)
			goto unhandled;
		gpr_write(vmx, CR_GPR(qual), vmx_get_cr8(vmx));
		ok = true;
		break;
	case CR_ACCESS_MOV_TO:
		val = gpr_read_mov_src(vmx, CR_GPR(qual));
		switch (CR_NUM(qual)) {
		case 0:
			ok = vmx_guest_write_cr0(vmx, val);
			break;
		case 4:
			ok = vmx_guest_write_cr4(vmx, val);
			break;
		case 8:
			ok = val <= 15;
			if (ok)
				vmx_set_cr8(vmx, val);
			break;
		default:
			goto unhandled;
		}
		break;
	default:
		goto unhandled;
	}
	if (!ok) {
		vmx_inject_gp(vmx);
		return 1;
	}
	skip_instruction();
	return 1;

unhandled:
	return internal_error(vmx, MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT,
			      exit_reason);
}

/* Answered from the vCPU's table (cpuid.c), never by the host's CPUID. */
static int handle_cpuid(struct vmx_vcpu *vmx, u32 exit_reason)
{
	unsigned long *r = vmx->regs;
	u32 out[4];

	minivm_cpuid(vmx->vcpu, r[VCPU_RAX], r[VCPU_RCX],
		     vmx_guest_cr4() & X86_CR4_OSXSAVE, vmx->xcr0, out);
	r[VCPU_RAX] = out[0];
	r[VCPU_RBX] = out[1];
	r[VCPU_RCX] = out[2];
	r[VCPU_RDX] = out[3];
	skip_instruction();
	return 1;
}

/*
 * An MSR access minivm refuses: #GP in the guest, or, where userspace
 * asked for it (MINIVM_ENABLE_CAP), an exit for the VMM to decide.
 */
static int msr_refused(struct vmx_vcpu *vmx, int err, bool write, u32 index,
		       u64 data)
{
	struct minivm_run *run = vmx->vcpu->run;
	u32 kind = err == -ENOENT ? MINIVM_MSR_EXIT_UNKNOWN :
				    MINIVM_MSR_EXIT_INVAL;

	if (!(READ_ONCE(vmx->vcpu->vm->user_msr_exits) & kind)) {
		vmx_inject_gp(vmx);
		return 1;
	}
	run->exit_reason = write ? MINIVM_EXIT_X86_WRMSR :
				   MINIVM_EXIT_X86_RDMSR;
	run->msr.error = 0;
	run->msr.reason = kind;
	run->msr.index = index;
	run->msr.data = write ? data : 0;
	vmx->pending = write ? VMX_PENDING_WRMSR : VMX_PENDING_RDMSR;
	/* The instruction completes (or faults) on the next RUN. */
	return 0;
}

static int handle_rdmsr(struct vmx_vcpu *vmx, u32 exit_reason)
{
	u32 index = vmx->regs[VCPU_RCX];
	u64 data;
	int err;

	err = minivm_get_msr(vmx->vcpu, index, &data);
	if (err)
		return msr_refused(vmx, err, false, index, 0);
	vmx->regs[VCPU_RAX] = lower_32_bits(data);
	vmx->regs[VCPU_RDX] = upper_32_bits(data);
	skip_instruction();
	return 1;
}

static int handle_wrmsr(struct vmx_vcpu *vmx, u32 exit_reason)
{
	u32 index = vmx->regs[VCPU_RCX];
	u64 data = (u64)(u32)vmx->regs[VCPU_RDX] << 32 |
		   (u32)vmx->regs[VCPU_RAX];
	int err;

	err = minivm_set_msr(vmx->vcpu, index, data, false);
	if (err)
		return msr_refused(vmx, err, true, index, data);
	skip_instruction();
	return 1;
}

/* XSETBV: only XCR0, only at CPL 0, only what the guest's CPUID offers. */
static int handle_xsetbv(struct vmx_vcpu *vmx, u32 exit_reason)
{
	u64 val = (u64)(u32)vmx->regs[VCPU_RDX] << 32 |
		  (u32)vmx->regs[VCPU_RAX];

	if (!(vmx_guest_cr4() & X86_CR4_OSXSAVE)) {
		vmx_inject_ud(vmx);
		return 1;
	}
	if ((u32)vmx->regs[VCPU_RCX] != 0 || vmx_cpl() != 0 ||
	    vmx_set_xcr0(vmx->vcpu, val)) {
		vmx_inject_gp(vmx);
		return 1;
	}
	skip_instruction();
	return 1;
}

/* Exit qualification for MOV DR (SDM Table 28-4). */
#define DR_NUM(q)	((q) & 7)
#define DR_FROM		BIT(4)
#define DR_GPR(q)	(((q) >> 8) & 15)

static int handle_dr(struct vmx_vcpu *vmx, u32 exit_reason)
{
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	unsigned int dr = DR_NUM(qual);
	unsigned long val;

	/* DR4/DR5 are DR6/DR7, unless CR4.DE makes them #UD. */
	if (dr == 4 || dr == 5) {
		if (vmx_guest_cr4() & X86_CR4_DE) {
			vmx_inject_ud(vmx);
			return 1;
		}
		dr += 2;
	}
	if (qual & DR_FROM) {
		val = dr < 4 ? vmx->db[dr] : dr == 6 ? vmx->dr6 :
		      vmcs_readl(GUEST_DR7);
		gpr_write(vmx, DR_GPR(qual), val);
	} else {
		val = gpr_read_mov_src(vmx, DR_GPR(qual));
		if (dr >= 6 && upper_32_bits(val)) {
			vmx_inject_gp(vmx);
			return 1;
		}
		if (dr < 4)
			vmx->db[dr] = val;
		else if (dr == 6)
			vmx->dr6 = val | 0xffff0ff0UL;
		else
			vmcs_writel(GUEST_DR7, (val & ~0x2000UL) | 0x400);
	}
	skip_instruction();
	return 1;
}

/* VMX instructions, GETSEC, MONITOR/MWAIT: not offered (CPUID), so #UD. */
static int handle_ud(struct vmx_vcpu *vmx, u32 exit_reason)
{
	vmx_inject_ud(vmx);
	return 1;
}

/* RDPMC: there is no PMU for the guest (CPUID leaf 0xA is empty). */
static int handle_rdpmc(struct vmx_vcpu *vmx, u32 exit_reason)
{
	vmx_inject_gp(vmx);
	return 1;
}

/*
 * WBINVD and INVD act on every cache of the host; a guest without
 * assigned devices never needs them, so they do nothing (as in KVM).
 */
static int handle_nop(struct vmx_vcpu *vmx, u32 exit_reason)
{
	skip_instruction();
	return 1;
}

/* EPT-violation exit qualification (SDM Table 28-7). */
#define EPT_QUAL_WRITE		BIT(1)

/*
 * A guest access to a frame with no EPT entry (never mapped, or zapped
 * since by the MMU notifier), or a write to one mapped read-only because
 * the host maps the page read-only: map it from its memory slot (ept.c;
 * EFAULT for MINIVM_RUN when the host has no page there, or only a
 * read-only one for a write). A frame no slot backs, or a write to a
 * read-only slot (mapped without write permission), is MMIO: the
 * instruction is emulated (mmio.c).
 */
static int handle_ept_violation(struct vmx_vcpu *vmx, u32 exit_reason)
{
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	int kind = minivm_gpa_kind(vmx->vcpu->vm, gpa);
	bool write = qual & EPT_QUAL_WRITE;
	int ret;

	trace_minivm_ept_violation(gpa, qual, kind);
	if (kind == 1 || (kind == 2 && !write)) {
		ret = vmx_ept_map(vmx, gpa, write);
		if (ret)
			return ret;
		/* The slot went away meanwhile: MMIO after all. */
	}
	ret = vmx_handle_mmio(vmx, gpa);
	if (ret == -EOPNOTSUPP)
		return internal_error(vmx, MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT,
				      exit_reason);
	return ret;
}

const char *const vmx_exit_class_names[VMX_NR_EXIT_CLASSES] = {
	[VMX_EXIT_OTHER]		= "other",
	[VMX_EXIT_EXTERNAL_INTERRUPT]	= "external_interrupt",
	[VMX_EXIT_EXCEPTION_NMI]	= "exception_nmi",
	[VMX_EXIT_TRIPLE_FAULT]		= "triple_fault",
	[VMX_EXIT_INTERRUPT_WINDOW]	= "interrupt_window",
	[VMX_EXIT_NMI_WINDOW]		= "nmi_window",
	[VMX_EXIT_PREEMPTION_TIMER]	= "preemption_timer",
	[VMX_EXIT_HLT]			= "hlt",
	[VMX_EXIT_IO]			= "io_instruction",
	[VMX_EXIT_EPT_VIOLATION]	= "ept_violation",
	[VMX_EXIT_EPT_MISCONFIG]	= "ept_misconfig",
	[VMX_EXIT_CPUID]		= "cpuid",
	[VMX_EXIT_CR]			= "cr_access",
	[VMX_EXIT_DR]			= "dr_access",
	[VMX_EXIT_MSR_READ]		= "msr_read",
	[VMX_EXIT_MSR_WRITE]		= "msr_write",
	[VMX_EXIT_XSETBV]		= "xsetbv",
	[VMX_EXIT_CACHE_FLUSH]		= "wbinvd",
	[VMX_EXIT_UNSUPPORTED]		= "unsupported_instruction",
};

static_assert(VMX_NR_EXIT_CLASSES <= MINIVM_MAX_EXIT_CLASSES);

/* Each basic exit reason's class; 0 (VMX_EXIT_OTHER) where not listed. */
static const u8 vmx_exit_classes[] = {
	[EXIT_REASON_EXCEPTION_NMI]	= VMX_EXIT_EXCEPTION_NMI,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = VMX_EXIT_EXTERNAL_INTERRUPT,
	[EXIT_REASON_TRIPLE_FAULT]	= VMX_EXIT_TRIPLE_FAULT,
	[EXIT_REASON_INTERRUPT_WINDOW]	= VMX_EXIT_INTERRUPT_WINDOW,
	[EXIT_REASON_NMI_WINDOW]	= VMX_EXIT_NMI_WINDOW,
	[EXIT_REASON_CPUID]		= VMX_EXIT_CPUID,
	[EXIT_REASON_HLT]		= VMX_EXIT_HLT,
	[EXIT_REASON_VMCALL]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_VMCLEAR]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_VMLAUNCH]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_VMPTRLD]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_VMPTRST]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_VMREAD]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_VMRESUME]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_VMWRITE]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_VMOFF]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_VMON]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_CR_ACCESS]		= VMX_EXIT_CR,
	[EXIT_REASON_DR_ACCESS]		= VMX_EXIT_DR,
	[EXIT_REASON_IO_INSTRUCTION]	= VMX_EXIT_IO,
	[EXIT_REASON_MSR_READ]		= VMX_EXIT_MSR_READ,
	[EXIT_REASON_MSR_WRITE]		= VMX_EXIT_MSR_WRITE,
	[EXIT_REASON_MWAIT_INSTRUCTION]	= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_MONITOR_INSTRUCTION] = VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_EPT_VIOLATION]	= VMX_EXIT_EPT_VIOLATION,
	[EXIT_REASON_EPT_MISCONFIG]	= VMX_EXIT_EPT_MISCONFIG,
	[EXIT_REASON_INVEPT]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_PREEMPTION_TIMER]	= VMX_EXIT_PREEMPTION_TIMER,
	[EXIT_REASON_INVVPID]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_XSETBV]		= VMX_EXIT_XSETBV,
	[EXIT_REASON_WBINVD]		= VMX_EXIT_CACHE_FLUSH,
	[EXIT_REASON_INVD]		= VMX_EXIT_CACHE_FLUSH,
	[EXIT_REASON_GETSEC]		= VMX_EXIT_UNSUPPORTED,
	[EXIT_REASON_VMFUNC]		= VMX_EXIT_UNSUPPORTED,
};

typedef int (*exit_handler_t)(struct vmx_vcpu *vmx, u32 exit_reason);

static const exit_handler_t vmx_exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]	= handle_host_event,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_host_event,
	[EXIT_REASON_TRIPLE_FAULT]	= handle_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW]	= vmx_handle_window,
	[EXIT_REASON_NMI_WINDOW]	= vmx_handle_window,
	[EXIT_REASON_CPUID]		= handle_cpuid,
	[EXIT_REASON_HLT]		= vmx_handle_hlt,
	[EXIT_REASON_INVD]		= handle_nop,
	[EXIT_REASON_RDPMC]		= handle_rdpmc,
	[EXIT_REASON_VMCALL]		= handle_ud,
	[EXIT_REASON_VMCLEAR]		= handle_ud,
	[EXIT_REASON_VMLAUNCH]		= handle_ud,
	[EXIT_REASON_VMPTRLD]		= handle_ud,
	[EXIT_REASON_VMPTRST]		= handle_ud,
	[EXIT_REASON_VMREAD]		= handle_ud,
	[EXIT_REASON_VMRESUME]		= handle_ud,
	[EXIT_REASON_VMWRITE]		= handle_ud,
	[EXIT_REASON_VMOFF]		= handle_ud,
	[EXIT_REASON_VMON]		= handle_ud,
	[EXIT_REASON_CR_ACCESS]		= handle_cr,
	[EXIT_REASON_DR_ACCESS]		= handle_dr,
	[EXIT_REASON_IO_INSTRUCTION]	= handle_io,
	[EXIT_REASON_MSR_READ]		= handle_rdmsr,
	[EXIT_REASON_MSR_WRITE]		= handle_wrmsr,
	[EXIT_REASON_MWAIT_INSTRUCTION]	= handle_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION] = handle_ud,
	[EXIT_REASON_EPT_VIOLATION]	= handle_ept_violation,
	[EXIT_REASON_INVEPT]		= handle_ud,
	[EXIT_REASON_PREEMPTION_TIMER]	= handle_preemption_timer,
	[EXIT_REASON_INVVPID]		= handle_ud,
	[EXIT_REASON_WBINVD]		= handle_nop,
	[EXIT_REASON_XSETBV]		= handle_xsetbv,
	[EXIT_REASON_GETSEC]		= handle_ud,
	[EXIT_REASON_VMFUNC]		= handle_ud,
};

/* The event reinject_event() queued again, as the injection it is. */
static void trace_reinjection(u32 info, u32 error_code)
{
	u32 vector = info & VECTORING_INFO_VECTOR_MASK;

	switch (info & VECTORING_INFO_TYPE_MASK) {
	case INTR_TYPE_EXT_INTR:
		trace_minivm_inj_virq(vector, true);
		break;
	case INTR_TYPE_NMI_INTR:
		trace_minivm_inj_nmi(true);
		break;
	default:
		trace_minivm_inj_exception(vector,
					   info & VECTORING_INFO_DELIVER_CODE_MASK,
					   error_code, true);
		break;
	}
}

/*
 * An exit that interrupted the delivery of an event (IDT-vectoring info
 * valid) must deliver that event again on the next entry, or the guest
 * loses it. Only host events and EPT violations are resolved without
 * userspace, so only they may resume with an event in flight (SDM Vol. 3,
 * 28.2.4 and 29.2).
 */
static bool reinject_event(struct vmx_vcpu *vmx)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	u32 type = info & VECTORING_INFO_TYPE_MASK;
	u32 error_code = 0;

	if (!(info & VECTORING_INFO_VALID_MASK))
		return false;
	minivm_stat_inc(&vmx->vcpu->stats.event_reinjections);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD,
		     info & (VECTORING_INFO_VECTOR_MASK |
			     VECTORING_INFO_TYPE_MASK |
			     VECTORING_INFO_DELIVER_CODE_MASK |
			     VECTORING_INFO_VALID_MASK));
	if (info & VECTORING_INFO_DELIVER_CODE_MASK) {
		error_code = vmcs_read32(IDT_VECTORING_ERROR_CODE);
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	}
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN,
			     vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	trace_reinjection(info, error_code);
	return true;
}

int vmx_handle_exit(struct vmx_vcpu *vmx, u32 exit_reason)
{
	minivm_stats_vmexit(&vmx->vcpu->stats,
			    exit_reason < ARRAY_SIZE(vmx_exit_classes) ?
			    vmx_exit_classes[exit_reason] : VMX_EXIT_OTHER);

	if (reinject_event(vmx) && exit_reason != EXIT_REASON_EPT_VIOLATION &&
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
