// SPDX-License-Identifier: GPL-2.0
/*
 * VMX on the host CPUs: what the processor supports (read once, at module
 * load) and entering/leaving VMX operation on every CPU (VMXON/VMXOFF),
 * which main.c asks for while at least one VM exists.
 */
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <asm/tsc.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>

#include "vmx.h"

struct vmx_caps vmx_caps;

static DEFINE_PER_CPU(void *, vmxon_region);
static DEFINE_PER_CPU(bool, in_vmx_operation);

/*
 * Set for good when the host shuts down with VMs alive (reboot, halt,
 * power-off, kexec: vmx_hardware_shutdown()). From then on no CPU enters
 * VMX operation again, and a VMX instruction that faults because its CPU
 * left is expected (vmx_insn_fault()).
 */
bool vmx_shut_down;

/*
 * Controls minivm cannot work without, and the ones it would like. A
 * control the CPU cannot set makes the probe fail; see adjust_controls().
 */
#define PIN_REQUIRED	(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING)
/* Virtual NMIs: the CPU tracks the guest's NMI blocking (NMI window). */
#define PIN_OPTIONAL	(PIN_BASED_VMX_PREEMPTION_TIMER | PIN_BASED_VIRTUAL_NMIS)
/*
 * CR8 accesses must exit: without a TPR shadow, a 64-bit guest's MOV to
 * CR8 would write the host's APIC task priority.
 */
#define PROC_REQUIRED	(CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING | \
			 CPU_BASED_MOV_DR_EXITING | CPU_BASED_MWAIT_EXITING | \
			 CPU_BASED_MONITOR_EXITING | \
			 CPU_BASED_CR8_LOAD_EXITING | \
			 CPU_BASED_CR8_STORE_EXITING | \
			 CPU_BASED_RDPMC_EXITING | \
			 CPU_BASED_USE_MSR_BITMAPS | \
			 CPU_BASED_USE_TSC_OFFSETTING | \
			 CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
#define PROC2_REQUIRED	(SECONDARY_EXEC_ENABLE_EPT | \
			 SECONDARY_EXEC_UNRESTRICTED_GUEST)
/*
 * RDTSCP: without it the guest's RDTSCP/RDPID are #UD and CPUID hides
 * them. WBINVD exiting keeps a guest from flushing the host's caches.
 */
#define PROC2_OPTIONAL	(SECONDARY_EXEC_ENABLE_RDTSCP | \
			 SECONDARY_EXEC_WBINVD_EXITING)
#define EXIT_REQUIRED	(VM_EXIT_HOST_ADDR_SPACE_SIZE | \
			 VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER)
#define EXIT_OPTIONAL	(VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT)
#define ENTRY_REQUIRED	(VM_ENTRY_LOAD_IA32_EFER)
#define ENTRY_OPTIONAL	(VM_ENTRY_LOAD_IA32_PAT)

/*
 * A VMX capability MSR says in its low half which control bits must be 1
 * and in its high half which may be 1 (SDM Vol. 3, Appendix A.3-A.5).
 * Start from the must-be-1 bits, add what we require or would like, and
 * fail if the CPU cannot set all that is required. Bits we did not ask
 * for stay at their minimum.
 */
static bool adjust_controls(u32 required, u32 optional, u32 msr, u32 *result)
{
	u32 must_be_one, may_be_one;

	rdmsr(msr, must_be_one, may_be_one);
	*result = (must_be_one | required | optional) & may_be_one;
	return (*result & required) == required &&
	       (*result & must_be_one) == must_be_one;
}

/*
 * The VMX-preemption timer counts down at the TSC rate divided by
 * 2^IA32_VMX_MISC[4:0] and is reloaded from the VMCS on every entry.
 */
#define VMX_MISC_TIMER_RATE_SHIFT	GENMASK_ULL(4, 0)

static u32 preemption_timer_ticks(unsigned int usecs)
{
	u64 misc, ticks;

	rdmsrl(MSR_IA32_VMX_MISC, misc);
	ticks = ((u64)tsc_khz * usecs / 1000) >>
		(misc & VMX_MISC_TIMER_RATE_SHIFT);
	return clamp_t(u64, ticks, 1, U32_MAX);
}

static bool feature_control_allows_vmx(void)
{
	u64 feat_ctl;

	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat_ctl))
		return false;
	return (feat_ctl & FEAT_CTL_LOCKED) &&
	       (feat_ctl & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX);
}

bool vmx_probe_caps(void)
{
	u64 basic, ept_cap;
	bool true_ctls;
	u32 lo, hi;

	if (!boot_cpu_has(X86_FEATURE_VMX) || !feature_control_allows_vmx())
		return false;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	vmx_caps.revision_id = basic & 0x7fffffff;
	vmx_caps.vmcs_size = (basic >> 32) & 0x1fff;
	true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	if (vmx_caps.vmcs_size > PAGE_SIZE)
		return false;

	if (!adjust_controls(PIN_REQUIRED, PIN_OPTIONAL, true_ctls ?
			     MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			     MSR_IA32_VMX_PINBASED_CTLS, &vmx_caps.pin_ctls) ||
	    !adjust_controls(PROC_REQUIRED, 0, true_ctls ?
			     MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			     MSR_IA32_VMX_PROCBASED_CTLS, &vmx_caps.proc_ctls) ||
	    !adjust_controls(PROC2_REQUIRED, PROC2_OPTIONAL,
			     MSR_IA32_VMX_PROCBASED_CTLS2,
			     &vmx_caps.proc_ctls2) ||
	    !adjust_controls(EXIT_REQUIRED, EXIT_OPTIONAL, true_ctls ?
			     MSR_IA32_VMX_TRUE_EXIT_CTLS :
			     MSR_IA32_VMX_EXIT_CTLS, &vmx_caps.exit_ctls) ||
	    !adjust_controls(ENTRY_REQUIRED, ENTRY_OPTIONAL, true_ctls ?
			     MSR_IA32_VMX_TRUE_ENTRY_CTLS :
			     MSR_IA32_VMX_ENTRY_CTLS, &vmx_caps.entry_ctls))
		return false;

	/*
	 * The window exits are switched on and off per entry (irq.c): only
	 * remember whether they may be set. Interrupt-window exiting exists
	 * on every VMX CPU; NMI-window exiting needs virtual NMIs.
	 */
	rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
	      MSR_IA32_VMX_PROCBASED_CTLS, lo, hi);
	if (!(hi & CPU_BASED_INTR_WINDOW_EXITING))
		return false;
	vmx_caps.nmi_window = (hi & CPU_BASED_NMI_WINDOW_EXITING) &&
			      (vmx_caps.pin_ctls & PIN_BASED_VIRTUAL_NMIS);

	/* PAT in the VMCS only with all three controls, else emulated. */
	vmx_caps.pat = (vmx_caps.exit_ctls & EXIT_OPTIONAL) == EXIT_OPTIONAL &&
		       (vmx_caps.entry_ctls & ENTRY_OPTIONAL);
	if (!vmx_caps.pat) {
		vmx_caps.exit_ctls &= ~EXIT_OPTIONAL;
		vmx_caps.entry_ctls &= ~ENTRY_OPTIONAL;
	}
	vmx_caps.rdtscp = boot_cpu_has(X86_FEATURE_RDTSCP) &&
			  (vmx_caps.proc_ctls2 & SECONDARY_EXEC_ENABLE_RDTSCP);
	if (!vmx_caps.rdtscp)
		vmx_caps.proc_ctls2 &= ~SECONDARY_EXEC_ENABLE_RDTSCP;
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		vmx_caps.host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);

	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, ept_cap);
	if (!(ept_cap & VMX_EPT_PAGE_WALK_4_BIT) ||
	    !(ept_cap & VMX_EPTP_WB_BIT) || !(ept_cap & VMX_EPT_INVEPT_BIT) ||
	    !(ept_cap & (VMX_EPT_EXTENT_CONTEXT_BIT |
			 VMX_EPT_EXTENT_GLOBAL_BIT)))
		return false;
	vmx_caps.invept_single = ept_cap & VMX_EPT_EXTENT_CONTEXT_BIT;

	/* Without a known TSC rate there is no sensible slice: go without. */
	if (!tsc_khz)
		vmx_caps.pin_ctls &= ~PIN_BASED_VMX_PREEMPTION_TIMER;
	if (vmx_caps.pin_ctls & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmx_caps.preemption_timer =
			preemption_timer_ticks(VMX_GUEST_SLICE_US);

	rdmsr(MSR_IA32_VMX_CR0_FIXED0, lo, hi);
	vmx_caps.cr0_fixed0 = lo | (u64)hi << 32;
	rdmsr(MSR_IA32_VMX_CR0_FIXED1, lo, hi);
	vmx_caps.cr0_fixed1 = lo | (u64)hi << 32;
	rdmsr(MSR_IA32_VMX_CR4_FIXED0, lo, hi);
	vmx_caps.cr4_fixed0 = lo | (u64)hi << 32;
	rdmsr(MSR_IA32_VMX_CR4_FIXED1, lo, hi);
	vmx_caps.cr4_fixed1 = lo | (u64)hi << 32;
	return true;
}

void *vmx_alloc_vmcs(void)
{
	u32 *vmcs = (u32 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (vmcs)
		*vmcs = vmx_caps.revision_id;
	return vmcs;
}

void vmx_free_vmcs(void *vmcs)
{
	free_page((unsigned long)vmcs);
}

/* Results of the per-CPU VMXON calls, gathered by vmx_hardware_enable(). */
static atomic_t vmxon_busy, vmxon_failed;

static void vmxon_this_cpu(void *unused)
{
	u64 phys = __pa(this_cpu_read(vmxon_region));
	unsigned long cr0 = read_cr0();
	bool failed;

	/*
	 * CR4.VMXE already set means another hypervisor (kvm_intel) is in
	 * VMX operation here; VMXON would fail or, worse, share the CPU.
	 */
	if (__read_cr4() & X86_CR4_VMXE) {
		atomic_inc(&vmxon_busy);
		return;
	}
	if ((cr0 & vmx_caps.cr0_fixed0) != vmx_caps.cr0_fixed0 ||
	    (cr0 & ~vmx_caps.cr0_fixed1)) {
		atomic_inc(&vmxon_failed);
		return;
	}

	cr4_set_bits(X86_CR4_VMXE);
	asm volatile("vmxon %1\n\tsetna %0"
		     : "=qm"(failed) : "m"(phys) : "cc", "memory");
	if (failed) {
		cr4_clear_bits(X86_CR4_VMXE);
		atomic_inc(&vmxon_failed);
		return;
	}
	this_cpu_write(in_vmx_operation, true);
}

static void vmxoff_this_cpu(void *unused)
{
	if (!this_cpu_read(in_vmx_operation))
		return;
	asm volatile("vmxoff" : : : "cc", "memory");
	cr4_clear_bits(X86_CR4_VMXE);
	this_cpu_write(in_vmx_operation, false);
}

static void free_vmxon_regions(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		vmx_free_vmcs(per_cpu(vmxon_region, cpu));
		per_cpu(vmxon_region, cpu) = NULL;
	}
}

/*
 * Whether the CPUs are in VMX operation. Changed only with the CPU
 * hotplug lock held for reading, and read by the hotplug callbacks, which
 * run with it held for writing, so every online CPU agrees with it.
 */
static bool vmx_enabled;

/* A CPU coming online while VMs exist joins VMX operation first. */
static int vmx_cpu_online(unsigned int cpu)
{
	if (!vmx_enabled)
		return 0;
	vmxon_this_cpu(NULL);
	return this_cpu_read(in_vmx_operation) ? 0 : -EIO;
}

/*
 * VMCSs may be active on any CPU while VMs exist, and a CPU cannot leave
 * with one: refuse to take CPUs offline until the last VM is gone.
 */
static int vmx_cpu_offline(unsigned int cpu)
{
	return vmx_enabled ? -EBUSY : 0;
}

static enum cpuhp_state vmx_cpuhp_state;

int vmx_cpuhp_init(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "minivm:online",
					vmx_cpu_online, vmx_cpu_offline);
	if (ret < 0)
		return ret;
	vmx_cpuhp_state = ret;
	return 0;
}

void vmx_cpuhp_exit(void)
{
	cpuhp_remove_state_nocalls(vmx_cpuhp_state);
}

int vmx_hardware_enable(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		per_cpu(vmxon_region, cpu) = vmx_alloc_vmcs();
		if (!per_cpu(vmxon_region, cpu)) {
			free_vmxon_regions();
			return -ENOMEM;
		}
	}

	atomic_set(&vmxon_busy, 0);
	atomic_set(&vmxon_failed, 0);
	cpus_read_lock();
	on_each_cpu(vmxon_this_cpu, NULL, 1);
	if (atomic_read(&vmxon_busy) || atomic_read(&vmxon_failed)) {
		on_each_cpu(vmxoff_this_cpu, NULL, 1);
		cpus_read_unlock();
		free_vmxon_regions();
		if (atomic_read(&vmxon_busy)) {
			pr_err_ratelimited(MINIVM_PREFIX "VMX is in use by another hypervisor (kvm_intel?); unload it to use minivm\n");
			return -EBUSY;
		}
		pr_err_ratelimited(MINIVM_PREFIX "VMXON failed\n");
		return -EIO;
	}
	vmx_enabled = true;
	cpus_read_unlock();
	return 0;
}

void vmx_hardware_disable(void)
{
	cpus_read_lock();
	vmx_enabled = false;
	on_each_cpu(vmxoff_this_cpu, NULL, 1);
	cpus_read_unlock();
	free_vmxon_regions();
}

bool vmx_this_cpu_ready(void)
{
	return this_cpu_read(in_vmx_operation);
}

/* Runs on every CPU with interrupts off, so no vCPU is in the guest. */
static void vmx_shutdown_this_cpu(void *unused)
{
	if (!this_cpu_read(in_vmx_operation))
		return;
	vmx_clear_loaded_vmcss();
	vmxoff_this_cpu(NULL);
}

/*
 * A crash dump's NMI to every CPU, or an emergency restart (emergency.c):
 * leave VMX operation here if this CPU is in it, from NMI context, so
 * with no lock, no IPI and no VMCLEAR (the list of active VMCSs may be
 * mid-change under the NMI; a crash kernel runs in memory reserved for
 * it, which no VMCS page is in). CR4.VMXE is the test, as it can only
 * have been set by minivm: with kvm_intel loaded, its callback serves
 * instead. The fixup covers a VMXOFF that races another NMI's.
 */
void vmx_emergency_disable_cpu(void)
{
	if (!(__read_cr4() & X86_CR4_VMXE))
		return;
	WRITE_ONCE(vmx_shut_down, true);
	asm volatile("1: vmxoff\n2:\n\t" _ASM_EXTABLE(1b, 2b)
		     : : : "cc", "memory");
	cr4_clear_bits(X86_CR4_VMXE);
	this_cpu_write(in_vmx_operation, false);
}

/*
 * The host is going down with VMs alive: every CPU leaves VMX operation
 * now, for good. A CPU left in it would block INIT (the next kernel of a
 * kexec could not start the other CPUs) and fault on the first write of
 * CR4 without VMXE, which every kernel's early boot makes, and a VMCS
 * still active could be written back over the next kernel's memory: so
 * each VMCS active on a CPU is VMCLEARed there first. vCPU threads may be
 * anywhere in an ioctl: the IPI takes those in the guest out of it (VM
 * exit), the entry path checks, with interrupts off, that its CPU is
 * still in VMX operation, and every other VMX instruction has a fixup
 * (vmcs.h), so what they do afterwards fails with EIO. The VMXON regions
 * stay until the last VM is gone (vmx_hardware_disable()).
 */
void vmx_hardware_shutdown(void)
{
	cpus_read_lock();
	WRITE_ONCE(vmx_shut_down, true);
	vmx_enabled = false;
	on_each_cpu(vmx_shutdown_this_cpu, NULL, 1);
	cpus_read_unlock();
}
