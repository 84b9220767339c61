// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel VMX backend: its ops table, vCPU lifetime, and one trip into
 * the guest and back (vmx_vcpu_run_once).
 */
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>

#include "vmcs.h"
#include "vmx.h"

/* This file instantiates the VMX tracepoints (trace.h). */
#define CREATE_TRACE_POINTS
#include "trace.h"

/* The host's IDT, the same on every CPU: see put_lazy_host_state(). */
static struct desc_ptr host_idt;

/*
 * Host state put back on the way out of the guest's CPU, not per exit:
 * when the thread leaves the CPU or RUN returns. The lazily switched
 * MSRs (msr.c), and the IDT limit, which every VM exit sets to 0xffff
 * (SDM Vol. 3, 28.5.2): the kernel never delivers a vector past 255, so
 * the limit matters only to what the CPU runs next (SIDT in a user
 * process shows it). Both are due exactly while the guest's MSRs are
 * loaded, since every entry loads them first.
 */
static void put_lazy_host_state(struct vmx_vcpu *vmx)
{
	if (vmx->guest_msrs_loaded)
		load_idt(&host_idt);
	vmx_put_guest_msrs(vmx);
}

/*
 * Preempt notifiers keep the VMCS on the CPU the vCPU thread runs on:
 * whenever the scheduler puts the thread on a CPU inside a vCPU ioctl,
 * the VMCS follows it (VMCLEAR on the old CPU, VMPTRLD on the new).
 */
static void vmx_sched_in(struct preempt_notifier *pn, int cpu)
{
	vmx_vcpu_load_on(container_of(pn, struct vmx_vcpu, preempt_notifier),
			 cpu);
}

/* Another task gets this CPU: it must find the host's state as it was. */
static void vmx_sched_out(struct preempt_notifier *pn,
			  struct task_struct *next)
{
	put_lazy_host_state(container_of(pn, struct vmx_vcpu,
					 preempt_notifier));
}

static struct preempt_ops vmx_preempt_ops = {
	.sched_in	= vmx_sched_in,
	.sched_out	= vmx_sched_out,
};

static void vmx_vcpu_load(struct minivm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int cpu = get_cpu();

	preempt_notifier_register(&vmx->preempt_notifier);
	vmx_vcpu_load_on(vmx, cpu);
	put_cpu();
}

static void vmx_vcpu_put(struct minivm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	preempt_disable();
	preempt_notifier_unregister(&vmx->preempt_notifier);
	preempt_enable();
}

static int vmx_vcpu_create(struct minivm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx;
	int ret = -ENOMEM;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return -ENOMEM;
	vmx->vcpu = vcpu;
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded_link);

	vmx->vmcs = vmx_alloc_vmcs();
	if (!vmx->vmcs)
		goto err_free_vmx;
	if (!fpu_alloc_guest_fpstate(&vmx->guest_fpu))
		goto err_free_vmcs;

	preempt_notifier_inc();
	preempt_notifier_init(&vmx->preempt_notifier, &vmx_preempt_ops);
	vcpu->arch = vmx;

	ret = -EIO;
	if (!vmx_vcpu_load_on(vmx, get_cpu())) {
		put_cpu();
		goto err_free_fpu;
	}
	vmx_vmcs_setup(vmx);
	put_cpu();
	return 0;

err_free_fpu:
	vmx_vcpu_clear(vmx);
	preempt_notifier_dec();
	fpu_free_guest_fpstate(&vmx->guest_fpu);
err_free_vmcs:
	vmx_free_vmcs(vmx->vmcs);
err_free_vmx:
	kfree(vmx);
	vcpu->arch = NULL;
	return ret;
}

static void vmx_vcpu_free(struct minivm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_vcpu_clear(vmx);
	preempt_notifier_dec();
	fpu_free_guest_fpstate(&vmx->guest_fpu);
	vmx_free_vmcs(vmx->vmcs);
	vmx_mmu_cache_free(vmx);
	kfree(vmx);
	vcpu->arch = NULL;
}

/*
 * The guest's FPU/SSE state lives in the registers for the whole of a
 * RUN (and the kernel's FPU code saves it there on preemption), so the
 * guest can never see or clobber the VMM thread's own FPU state.
 */
static int vmx_vcpu_run_begin(struct minivm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	fpu_swap_kvm_fpstate(&vmx->guest_fpu, true);
	return vmx_complete_pending(vmx);
}

static void vmx_vcpu_run_end(struct minivm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_report_interrupt_state(vmx);
	preempt_disable();
	put_lazy_host_state(vmx);
	preempt_enable();
	fpu_swap_kvm_fpstate(&vmx->guest_fpu, false);
}

/*
 * The guest's XCR0 while it runs, when it differs from the host's (a
 * guest that enabled less, or a host with PKRU, which no guest gets).
 * Interrupts are off from here to switch_xcr0_host(): nothing on the host
 * can run XSAVE in between.
 */
static bool switch_xcr0_guest(struct vmx_vcpu *vmx)
{
	if (!(vmx_guest_cr4() & X86_CR4_OSXSAVE) ||
	    vmx->xcr0 == vmx_caps.host_xcr0)
		return false;
	xsetbv(XCR_XFEATURE_ENABLED_MASK, vmx->xcr0);
	return true;
}

static void switch_xcr0_host(bool switched)
{
	if (switched)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vmx_caps.host_xcr0);
}

/*
 * Guest breakpoints need the guest's DR0-3 and DR6 in the hardware; only
 * then are they loaded, and the host's put back after the exit.
 */
static bool switch_dr_guest(struct vmx_vcpu *vmx)
{
	if (!(vmcs_readl(GUEST_DR7) & 0xff))
		return false;
	set_debugreg(vmx->db[0], 0);
	set_debugreg(vmx->db[1], 1);
	set_debugreg(vmx->db[2], 2);
	set_debugreg(vmx->db[3], 3);
	set_debugreg(vmx->dr6, 6);
	return true;
}

static void switch_dr_host(struct vmx_vcpu *vmx, bool switched)
{
	if (!switched)
		return;
	get_debugreg(vmx->dr6, 6);
	hw_breakpoint_restore();
}

/*
 * Host state that VM exit does not restore the way the thread had it
 * (SDM Vol. 3, 28.5): data segment selectors (loaded as null), FS/GS
 * selectors (null; their bases come from the VMCS), the LDT (unusable),
 * the GDT limit (0xffff), DR7 (0x400) and IA32_DEBUGCTL (0). The user GS
 * base (IA32_KERNEL_GS_BASE while in the kernel) is the guest's while it
 * runs and is put back lazily with the other user-return MSRs (msr.c).
 */
struct host_segments {
	u16 ds, es, fs, gs, ldt;
	unsigned long dr7;
	u64 debugctl;
	struct desc_ptr gdt;
};

static void save_host_segments(struct host_segments *s)
{
	savesegment(ds, s->ds);
	savesegment(es, s->es);
	savesegment(fs, s->fs);
	savesegment(gs, s->gs);
	store_ldt(s->ldt);
	native_store_gdt(&s->gdt);
	get_debugreg(s->dr7, 7);
	rdmsrl(MSR_IA32_DEBUGCTLMSR, s->debugctl);
}

static void restore_host_segments(struct vmx_vcpu *vmx,
				  const struct host_segments *s)
{
	native_load_gdt(&s->gdt);
	if (s->ldt)
		asm volatile("lldt %0" : : "rm"(s->ldt));
	if (s->ds)
		loadsegment(ds, s->ds);
	if (s->es)
		loadsegment(es, s->es);
	if (s->fs) {
		loadsegment(fs, s->fs);
		wrmsrl(MSR_FS_BASE, vmx->host_fs_base);
	}
	if (s->gs)
		load_gs_index(s->gs);
	if (s->dr7 != DR7_RESET_VALUE)
		set_debugreg(s->dr7, 7);
	if (s->debugctl)
		wrmsrl(MSR_IA32_DEBUGCTLMSR, s->debugctl);
	/* VM exit left TR's limit at 0x67, hiding the I/O bitmap. */
	invalidate_tss_limit();
}

static int fail_entry(struct minivm_vcpu *vcpu, u64 reason, u64 qual,
		      int cpu)
{
	struct minivm_run *run = vcpu->run;

	run->exit_reason = MINIVM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = reason;
	run->fail_entry.qualification = qual;
	run->fail_entry.cpu = cpu;
	return 0;
}

static int vmx_vcpu_run_once(struct minivm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct host_segments segs;
	u32 exit_reason = 0;
	bool xcr0_switched, dr_switched;
	unsigned long rip = 0;
	int failed, cpu, ret;

	minivm_lapic_sync(vcpu);
	preempt_disable();
	cpu = smp_processor_id();
	local_irq_disable();
	/*
	 * The VMCS could not follow the thread here, or this CPU has left
	 * VMX operation (the host's shutdown, cpu.c; with interrupts off it
	 * cannot happen before the entry below): give up.
	 */
	if (unlikely(vmx->cpu != cpu || !vmx_this_cpu_ready())) {
		local_irq_enable();
		preempt_enable();
		return -EIO;
	}

	/*
	 * From here a kick (../lapic.c) sends this CPU an IPI, which exits
	 * the guest at once; what was posted before, has_work() sees. Only
	 * a vCPU with an APIC is ever kicked: the others skip the barrier.
	 */
	if (vcpu->apic) {
		WRITE_ONCE(vcpu->cpu, cpu);
		/* Pairs with the kick's barrier between posting and reading mode. */
		smp_store_mb(vcpu->mode, MINIVM_IN_GUEST);
		if (minivm_lapic_has_work(vcpu)) {
			WRITE_ONCE(vcpu->mode, MINIVM_OUTSIDE_GUEST);
			local_irq_enable();
			preempt_enable();
			return 1;
		}
		vmx_inject_interrupts(vmx);
	} else {
		vmx_inject_user_interrupt(vmx);
	}
	/* Before any guest state is loaded: a probe runs ordinary host code. */
	trace_minivm_entry(vcpu);
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	vmx_update_host_state(vmx);
	vmx_load_guest_msrs(vmx);
	save_host_segments(&segs);
	xcr0_switched = switch_xcr0_guest(vmx);
	dr_switched = switch_dr_guest(vmx);
	if (native_read_cr2() != vmx->cr2)
		native_write_cr2(vmx->cr2);

	vmx_spec_before_entry();
	failed = vmx_vmenter(vmx->regs, vmx->launched);

	vmx->cr2 = native_read_cr2();
	switch_dr_host(vmx, dr_switched);
	switch_xcr0_host(xcr0_switched);
	restore_host_segments(vmx, &segs);
	if (!failed) {
		exit_reason = vmcs_read32(VM_EXIT_REASON);
		/*
		 * Only now, before the thread can move: a migration clears
		 * the VMCS and "launched" with it (vmx_vcpu_clear).
		 */
		if (!(exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
			vmx->launched = true;
		/*
		 * An NMI that arrived in the guest exited to us unhandled;
		 * hand it to the host's NMI handler before anything else.
		 */
		if ((u16)exit_reason == EXIT_REASON_EXCEPTION_NMI &&
		    (vmcs_read32(VM_EXIT_INTR_INFO) & INTR_INFO_INTR_TYPE_MASK) ==
		    INTR_TYPE_NMI_INTR)
			asm volatile("int $2");
	}
	WRITE_ONCE(vcpu->mode, MINIVM_OUTSIDE_GUEST);
	/* A pending host interrupt (external-interrupt exit) is taken here. */
	local_irq_enable();
	preempt_enable();

	if (failed)
		return fail_entry(vcpu, vmcs_read32(VM_INSTRUCTION_ERROR), 0,
				  cpu);
	if (exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
		return fail_entry(vcpu, exit_reason,
				  vmcs_readl(EXIT_QUALIFICATION), cpu);

	/* Not on the hot path: only minivm_exit needs the RIP of the exit. */
	if (trace_minivm_exit_enabled())
		rip = vmcs_readl(GUEST_RIP);
	ret = vmx_handle_exit(vmx, (u16)exit_reason);
	trace_minivm_exit(vcpu, (u16)exit_reason, rip, ret);
	/* The host shut down under the handler: its VMREADs saw zeros. */
	if (unlikely(READ_ONCE(vmx_shut_down)))
		return -EIO;
	return ret;
}

static int vmx_vm_init(struct minivm *vm)
{
	return vmx_ept_init(vm);
}

static void vmx_exit(void)
{
	vmx_cpuhp_exit();
	vmx_msr_exit();
}

static const struct minivm_backend_ops vmx_ops = {
	.name			= "vmx",
	.gpa_bits		= VMX_EPT_GPA_BITS,
	.exit			= vmx_exit,
	.hardware_enable	= vmx_hardware_enable,
	.hardware_disable	= vmx_hardware_disable,
	.hardware_shutdown	= vmx_hardware_shutdown,
	.emergency_disable_cpu	= vmx_emergency_disable_cpu,
	.vm_init		= vmx_vm_init,
	.vm_destroy		= vmx_ept_destroy,
	.zap_gfn_range		= vmx_ept_zap,
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_free		= vmx_vcpu_free,
	.vcpu_load		= vmx_vcpu_load,
	.vcpu_put		= vmx_vcpu_put,
	.vcpu_run_begin		= vmx_vcpu_run_begin,
	.vcpu_run_end		= vmx_vcpu_run_end,
	.vcpu_run_once		= vmx_vcpu_run_once,
	.get_regs		= vmx_get_regs,
	.set_regs		= vmx_set_regs,
	.get_sregs		= vmx_get_sregs,
	.set_sregs		= vmx_set_sregs,
	.get_msr		= vmx_get_msr,
	.set_msr		= vmx_set_msr,
	.msr_indices		= vmx_msr_indices,
	.nr_msr_indices		= VMX_NR_MSR_INDICES,
	.get_xsave		= vmx_get_xsave,
	.set_xsave		= vmx_set_xsave,
	.get_xcr0		= vmx_get_xcr0,
	.set_xcr0		= vmx_set_xcr0,
	.get_debugregs		= vmx_get_debugregs,
	.set_debugregs		= vmx_set_debugregs,
	.get_events		= vmx_get_events,
	.set_events		= vmx_set_events,
	.protected_mode		= vmx_protected_mode,
	.guest_tsc		= vmx_guest_tsc,
	.exit_class_names	= vmx_exit_class_names,
	.nr_exit_classes	= VMX_NR_EXIT_CLASSES,
};

const struct minivm_backend_ops *minivm_vmx_probe(void)
{
	if (!vmx_probe_caps()) {
		pr_err(MINIVM_PREFIX "VMX not supported by this CPU (needs VMX with EPT and unrestricted guest, enabled by firmware); not loading\n");
		return NULL;
	}
	if (vmx_msr_init())
		return NULL;
	vmx_spec_init();
	vmx_vmcs_init();
	store_idt(&host_idt);
	if (vmx_cpuhp_init()) {
		pr_err(MINIVM_PREFIX "cannot register for CPU hotplug\n");
		vmx_msr_exit();
		return NULL;
	}
	minivm_cpuid_rdtscp = vmx_caps.rdtscp;
	return &vmx_ops;
}
