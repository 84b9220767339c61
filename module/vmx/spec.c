// SPDX-License-Identifier: GPL-2.0
/*
 * Speculative-execution mitigations around VM entry, chosen once at load
 * from what the host kernel decided for itself (its X86_FEATURE_* and
 * X86_BUG_* bits, so "mitigations=off" on the host's command line turns
 * them off here too), as kvm_intel does:
 *
 *   l1d_flush  L1 Terminal Fault: a guest can read whatever the host left
 *              in the L1 data cache through a not-present guest PTE. On
 *              an affected CPU with the IA32_FLUSH_CMD MSR, every entry
 *              flushes L1D (kvm_intel's vmentry_l1d_flush=always; its
 *              default "cond" skips entries it judges safe). Not when a
 *              hypervisor beneath us says it flushes for us
 *              (ARCH_CAP_SKIP_VMENTRY_L1DFLUSH).
 *   verw       MDS/TAA: the CPU buffers are cleared with VERW right
 *              before entry when the host clears them on its own return
 *              to user mode (X86_FEATURE_CLEAR_CPU_BUF) or before VM
 *              entry (X86_FEATURE_CLEAR_CPU_BUF_VM). An L1D flush clears
 *              them as well, so it replaces the VERW.
 *   ibpb       Spectre v2 between guests: an indirect branch predictor
 *              barrier whenever a CPU switches to another vCPU's VMCS,
 *              when the host uses IBPB at all (X86_FEATURE_USE_IBPB).
 *
 * The return stack buffer is refilled on every exit (vmenter.S). Guests
 * get no IA32_SPEC_CTRL (it is not in the MSR list: RDMSR/WRMSR #GP), so
 * the host's value stays in force while they run and there is nothing
 * to switch. What each choice came to is readable, read-only, in
 * /sys/module/minivm/parameters/{l1d_flush,verw,ibpb}.
 */
#include <linux/cpu.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>

#include "vmx.h"

static bool l1d_flush, verw, ibpb;
module_param(l1d_flush, bool, 0444);
MODULE_PARM_DESC(l1d_flush, "L1D flush before every VM entry (read-only: chosen at load from the host's L1TF state)");
module_param(verw, bool, 0444);
MODULE_PARM_DESC(verw, "CPU buffers cleared with VERW before VM entry (read-only: MDS/TAA)");
module_param(ibpb, bool, 0444);
MODULE_PARM_DESC(ibpb, "IBPB when a CPU switches vCPUs (read-only: Spectre v2)");

void vmx_spec_init(void)
{
	u64 arch_cap = 0;

	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		rdmsrl(MSR_IA32_ARCH_CAPABILITIES, arch_cap);
	l1d_flush = boot_cpu_has_bug(X86_BUG_L1TF) &&
		    boot_cpu_has(X86_FEATURE_FLUSH_L1D) &&
		    !cpu_mitigations_off() &&
		    !(arch_cap & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH);
	verw = !l1d_flush &&
	       (cpu_feature_enabled(X86_FEATURE_CLEAR_CPU_BUF) ||
		cpu_feature_enabled(X86_FEATURE_CLEAR_CPU_BUF_VM));
	ibpb = cpu_feature_enabled(X86_FEATURE_USE_IBPB);
	if (boot_cpu_has_bug(X86_BUG_L1TF) && !l1d_flush &&
	    !cpu_mitigations_off() &&
	    !(arch_cap & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH))
		pr_info(MINIVM_PREFIX "CPU has L1TF but no L1D flush MSR (microcode update needed): guests may read host L1D data\n");
}

/* Interrupts off, nothing left to touch memory the guest must not see. */
void vmx_spec_before_entry(void)
{
	if (l1d_flush)
		wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
	else if (verw)
		x86_clear_cpu_buffers();
}

/* A different VMCS is about to become current on this CPU. */
void vmx_spec_vcpu_switch(void)
{
	if (ibpb)
		indirect_branch_prediction_barrier();
}
