/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel VMX backend internals.
 */
#ifndef MINIVM_VMX_H
#define MINIVM_VMX_H

#include <linux/preempt.h>
#include <linux/types.h>
#include <asm/fpu/api.h>

#include "../minivm.h"

/*
 * Guest general-purpose registers saved by vmenter.S, indexed by the
 * x86 register number so that exit qualifications (which name registers
 * by number) index this array directly. RSP lives in the VMCS; its slot
 * here is unused by vmenter.S and filled from GUEST_RSP when needed.
 */
enum vmx_gpr {
	VCPU_RAX, VCPU_RCX, VCPU_RDX, VCPU_RBX,
	VCPU_RSP, VCPU_RBP, VCPU_RSI, VCPU_RDI,
	VCPU_R8,  VCPU_R9,  VCPU_R10, VCPU_R11,
	VCPU_R12, VCPU_R13, VCPU_R14, VCPU_R15,
	VCPU_NR_GPRS,
};

/* VMX capabilities read once at probe time; constant afterwards. */
struct vmx_caps {
	u32 revision_id;
	u32 vmcs_size;
	u32 pin_ctls, proc_ctls, proc_ctls2, exit_ctls, entry_ctls;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool invept_single;	/* else INVEPT all-context */
	u32 preemption_timer;	/* VMCS value for VMX_GUEST_SLICE_US, or 0 */
	bool pat;		/* VM entry/exit load and save IA32_PAT */
	bool rdtscp;		/* the guest may run RDTSCP/RDPID */
	bool nmi_window;	/* NMI-window exiting (with virtual NMIs) */
	u64 host_xcr0;		/* XCR0 as the host kernel set it */
	u64 arch_capabilities;	/* what the guest reads, 0 if hidden */
};

/*
 * The longest a guest runs before the host looks at signals and the
 * scheduler again, enforced with the VMX-preemption timer where the CPU
 * has one. External-interrupt exiting alone should be enough, but an
 * emulated CPU may hold interrupts back while the guest runs with
 * RFLAGS.IF clear (under Bochs 2.7 a real-mode guest spinning with IF=0
 * never exited without this), and a guest must never keep a host CPU.
 */
#define VMX_GUEST_SLICE_US	10000

/* DR7 after reset and after every VM exit: only bit 10, which reads as 1. */
#define DR7_RESET_VALUE		0x400

/* A 4-level EPT maps 48 bits of guest-physical address space. */
#define VMX_EPT_GPA_BITS	48

extern struct vmx_caps vmx_caps;

/* Per-VM state: the EPT. */
struct vmx_vm {
	u64 *ept_root;		/* PML4 page; tables changed under vm->mmu_lock */
	u64 eptp;
};

/* EPT table pages a fault may add below the root (ept.c's cache). */
#define VMX_MMU_CACHE_PAGES	3

/* Why the vCPU last went to userspace with work left to finish. */
enum vmx_pending {
	VMX_PENDING_NONE,
	VMX_PENDING_IN,		/* complete an IN from run->io data */
	VMX_PENDING_INS,	/* store an INS's elements from run->io data */
	VMX_PENDING_MMIO_READ,	/* re-run the emulator with run->mmio data */
	VMX_PENDING_RDMSR,	/* complete an RDMSR from run->msr */
	VMX_PENDING_WRMSR,	/* complete (or #GP) a WRMSR after userspace */
};

/*
 * MSRs that only matter once the CPU is back in host userspace (SYSCALL
 * entry points and masks, the user GS base, TSC_AUX for RDTSCP/RDPID in
 * the vDSO). The guest's are loaded before the first entry of a RUN and
 * the host's put back when the thread leaves the CPU or RUN returns, so
 * an exit handled in the kernel costs no MSR writes (see msr.c).
 */
enum vmx_lazy_msr {
	LAZY_STAR, LAZY_LSTAR, LAZY_CSTAR, LAZY_SFMASK, LAZY_KERNEL_GS_BASE,
	LAZY_TSC_AUX, NR_LAZY_MSRS,
};

struct vmx_vcpu {
	struct minivm_vcpu *vcpu;

	/*
	 * The VMCS and where it is active. @cpu is -1 when the VMCS is
	 * clear (on no CPU); otherwise it is active on @cpu and must be
	 * VMCLEARed there before it can be loaded anywhere else. Only the
	 * vCPU's own thread (under vcpu->mutex) or its final free changes it.
	 */
	void *vmcs;
	int cpu;
	bool launched;		/* VMRESUME, not VMLAUNCH, for the next entry */
	/*
	 * On @cpu's list of active VMCSs (vmcs.c) while @cpu >= 0; off it
	 * once the host's shutdown has cleared them all (cpu.c).
	 */
	struct list_head loaded_link;

	unsigned long regs[VCPU_NR_GPRS];	/* guest GPRs, see enum vmx_gpr */
	u32 proc_ctls;		/* CPU_BASED_VM_EXEC_CONTROL as in the VMCS */
	bool nmi_pending;	/* an NMI to inject once not blocked (irq.c) */
	unsigned long cr2;			/* not switched by hardware */

	enum vmx_pending pending;
	u8 pending_in_size;
	u32 pending_ins_count;	/* VMX_PENDING_INS: elements userspace read */
	/* VMX_PENDING_MMIO_READ: the read userspace answers, the exit's GPA */
	u64 mmio_gpa, mmio_fault_gpa;
	u32 mmio_len;

	/* MSRs the VMCS does not hold; the lazy ones as loaded, see above */
	u64 guest_msrs[NR_LAZY_MSRS];
	u64 host_msrs[NR_LAZY_MSRS];
	bool guest_msrs_loaded;	/* on vmx->cpu, with preemption off */
	u64 pat;		/* when the VMCS cannot hold it */
	u64 tsc_offset;
	u64 tsc_adjust;		/* IA32_TSC_ADJUST, virtual: see msr.c */

	u64 xcr0;		/* guest XCR0, loaded around entry if != host */
	unsigned long db[4], dr6;	/* guest DR0-3 and DR6 */
	u8 cr8;			/* guest TPR[7:4]; no APIC reads it yet */

	struct fpu_guest guest_fpu;
	struct preempt_notifier preempt_notifier;	/* see vmx.c */

	/*
	 * Zeroed EPT table pages for the next fault (ept.c), filled before
	 * mmu_lock is taken since nothing is allocated under it.
	 */
	void *mmu_cache[VMX_MMU_CACHE_PAGES];
	unsigned int mmu_cache_nr;

	/* Host state cached to avoid VMWRITEs when unchanged. */
	unsigned long host_cr3, host_cr4, host_fs_base;
};

static inline struct vmx_vcpu *to_vmx(struct minivm_vcpu *vcpu)
{
	return vcpu->arch;
}

static inline struct vmx_vm *to_vmx_vm(struct minivm *vm)
{
	return vm->arch;
}

/* msr.c: MSRs in the VMCS and the lazily switched ones */
int vmx_msr_init(void);
void vmx_msr_exit(void);
u64 vmx_msr_bitmap_pa(void);
void vmx_msrs_reset(struct vmx_vcpu *vmx);
void vmx_load_guest_msrs(struct vmx_vcpu *vmx);
void vmx_put_guest_msrs(struct vmx_vcpu *vmx);
int vmx_get_msr(struct minivm_vcpu *vcpu, u32 index, u64 *data);
int vmx_set_msr(struct minivm_vcpu *vcpu, u32 index, u64 data, bool host);
#define VMX_NR_MSR_INDICES	17
extern const u32 vmx_msr_indices[VMX_NR_MSR_INDICES];
int vmx_set_efer(struct vmx_vcpu *vmx, u64 efer);

/* events.c: exceptions for the guest */
void vmx_inject_exception(struct vmx_vcpu *vmx, unsigned int vector,
			  bool has_error_code, u32 error_code);
void vmx_inject_gp(struct vmx_vcpu *vmx);
void vmx_inject_ud(struct vmx_vcpu *vmx);
int vmx_reflect_exception(struct vmx_vcpu *vmx, u32 intr_info);
void vmx_get_events(struct minivm_vcpu *vcpu, struct minivm_vcpu_events *ev);
void vmx_set_events(struct minivm_vcpu *vcpu,
		    const struct minivm_vcpu_events *ev);
bool vmx_protected_mode(struct minivm_vcpu *vcpu);
unsigned int vmx_cpl(void);

/* cpu.c: VMX operation on the host CPUs */
bool vmx_probe_caps(void);
int vmx_cpuhp_init(void);
void vmx_cpuhp_exit(void);
int vmx_hardware_enable(void);
void vmx_hardware_disable(void);
void vmx_hardware_shutdown(void);
void vmx_emergency_disable_cpu(void);
bool vmx_this_cpu_ready(void);
extern bool vmx_shut_down;
void *vmx_alloc_vmcs(void);
void vmx_free_vmcs(void *vmcs);

/* vmcs.c: VMCS contents and which CPU holds it */
void vmx_vmcs_setup(struct vmx_vcpu *vmx);
void vmx_vmcs_reset_guest(struct vmx_vcpu *vmx);
bool vmx_vcpu_load_on(struct vmx_vcpu *vmx, int cpu);
void vmx_vcpu_clear(struct vmx_vcpu *vmx);
void vmx_vmcs_init(void);
void vmx_clear_loaded_vmcss(void);
void vmx_update_host_state(struct vmx_vcpu *vmx);

/* ept.c: second-level page tables over memory slots */
int vmx_ept_init(struct minivm *vm);
void vmx_ept_destroy(struct minivm *vm);
/* Under vm->mmu_lock; see minivm_backend_ops.zap_gfn_range. */
void vmx_ept_zap(struct minivm *vm, u64 gfn, u64 npages, bool may_block);
/*
 * 1: mapped (or to be retried), resume the guest; 0: no slot backs @gpa;
 * <0: errno for MINIVM_RUN (EFAULT: no page, or @write to a page the host
 * maps read-only).
 */
int vmx_ept_map(struct vmx_vcpu *vmx, u64 gpa, bool write);
void vmx_mmu_cache_free(struct vmx_vcpu *vmx);
void vmx_invept_local(u64 eptp);

/* state.c: register-state ioctls */
void vmx_get_regs(struct minivm_vcpu *vcpu, struct minivm_regs *regs);
void vmx_set_regs(struct minivm_vcpu *vcpu, const struct minivm_regs *regs);
void vmx_get_sregs(struct minivm_vcpu *vcpu, struct minivm_sregs *sregs);
int vmx_set_sregs(struct minivm_vcpu *vcpu, const struct minivm_sregs *sregs);
void vmx_set_cr0(struct vmx_vcpu *vmx, unsigned long cr0);
unsigned long vmx_guest_cr0(void);
unsigned long vmx_guest_cr4(void);
void vmx_set_cr4(struct vmx_vcpu *vmx, unsigned long cr4);
/* Load GUEST_PDPTRn from guest memory at @cr3; false if one is invalid. */
bool vmx_load_pdptrs(struct vmx_vcpu *vmx, unsigned long cr3);
bool vmx_guest_write_cr0(struct vmx_vcpu *vmx, unsigned long val);
bool vmx_guest_write_cr4(struct vmx_vcpu *vmx, unsigned long val);
bool vmx_pae_paging(unsigned long cr0, unsigned long cr4, u64 efer);

/* fpu.c: XSAVE state, XCR0 and the debug registers */
void vmx_get_xsave(struct minivm_vcpu *vcpu, struct minivm_xsave *xs);
int vmx_set_xsave(struct minivm_vcpu *vcpu, const struct minivm_xsave *xs);
u64 vmx_get_xcr0(struct minivm_vcpu *vcpu);
int vmx_set_xcr0(struct minivm_vcpu *vcpu, u64 xcr0);
bool vmx_xcr0_valid(struct minivm_vcpu *vcpu, u64 xcr0);
void vmx_get_debugregs(struct minivm_vcpu *vcpu, struct minivm_debugregs *dbg);
void vmx_set_debugregs(struct minivm_vcpu *vcpu,
		       const struct minivm_debugregs *dbg);

/* mmio.c: MMIO and string I/O through the instruction emulator */
int vmx_handle_mmio(struct vmx_vcpu *vmx, u64 gpa);
int vmx_complete_mmio(struct vmx_vcpu *vmx);
/* irq.c */
void vmx_inject_interrupts(struct vmx_vcpu *vmx);
int vmx_handle_window(struct vmx_vcpu *vmx, u32 exit_reason);
void vmx_inject_user_interrupt(struct vmx_vcpu *vmx);
void vmx_report_interrupt_state(struct vmx_vcpu *vmx);
int vmx_handle_hlt(struct vmx_vcpu *vmx, u32 exit_reason);
unsigned long vmx_get_cr8(struct vmx_vcpu *vmx);
void vmx_set_cr8(struct vmx_vcpu *vmx, unsigned long cr8);
u64 vmx_guest_tsc(struct minivm_vcpu *vcpu);

int vmx_handle_string_io(struct vmx_vcpu *vmx, unsigned int port,
			 unsigned int size, bool in);
int vmx_complete_ins(struct vmx_vcpu *vmx);

/* Where I/O data lives in the run area: right after the structure. */
#define RUN_IO_DATA_OFFSET	ALIGN(sizeof(struct minivm_run), 8)
#define RUN_IO_DATA_SIZE	(PAGE_SIZE - RUN_IO_DATA_OFFSET)

/* spec.c */
void vmx_spec_init(void);
void vmx_spec_before_entry(void);
void vmx_spec_vcpu_switch(void);

/*
 * exits.c. The statistics sort VM exits into these classes (the
 * statistics files call them vmexit_NAME, vmx_exit_class_names[]); an
 * exit reason that none names is "other".
 */
enum vmx_exit_class {
	VMX_EXIT_OTHER,
	VMX_EXIT_EXTERNAL_INTERRUPT,
	VMX_EXIT_EXCEPTION_NMI,
	VMX_EXIT_TRIPLE_FAULT,
	VMX_EXIT_INTERRUPT_WINDOW,
	VMX_EXIT_NMI_WINDOW,
	VMX_EXIT_PREEMPTION_TIMER,
	VMX_EXIT_HLT,
	VMX_EXIT_IO,
	VMX_EXIT_EPT_VIOLATION,
	VMX_EXIT_EPT_MISCONFIG,
	VMX_EXIT_CPUID,
	VMX_EXIT_CR,
	VMX_EXIT_DR,
	VMX_EXIT_MSR_READ,
	VMX_EXIT_MSR_WRITE,
	VMX_EXIT_XSETBV,
	VMX_EXIT_CACHE_FLUSH,	/* WBINVD, INVD: never run on the host */
	VMX_EXIT_UNSUPPORTED,	/* instructions the guest gets #UD for */
	VMX_NR_EXIT_CLASSES,
};

extern const char *const vmx_exit_class_names[VMX_NR_EXIT_CLASSES];
int vmx_handle_exit(struct vmx_vcpu *vmx, u32 exit_reason);
int vmx_complete_pending(struct vmx_vcpu *vmx);
void skip_instruction(void);
void vmx_instruction_retired(void);
int internal_error(struct vmx_vcpu *vmx, u32 suberror, u32 exit_reason);

/* vmenter.S: 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed */
int vmx_vmenter(unsigned long *regs, bool launched);
void vmx_vmexit(void);

#endif /* MINIVM_VMX_H */
