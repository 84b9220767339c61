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
	u64 *ept_root;		/* PML4 page; tables changed under slots_lock */
	u64 eptp;
};

/* Why the vCPU last went to userspace with work left to finish. */
enum vmx_pending {
	VMX_PENDING_NONE,
	VMX_PENDING_IN,		/* complete an IN from run->io data */
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

	unsigned long regs[VCPU_NR_GPRS];	/* guest GPRs, see enum vmx_gpr */
	unsigned long cr2;			/* not switched by hardware */

	enum vmx_pending pending;
	u8 pending_in_size;

	struct fpu_guest guest_fpu;
	struct preempt_notifier preempt_notifier;	/* see vmx.c */

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

/* cpu.c: VMX operation on the host CPUs */
bool vmx_probe_caps(void);
int vmx_cpuhp_init(void);
void vmx_cpuhp_exit(void);
int vmx_hardware_enable(void);
void vmx_hardware_disable(void);
bool vmx_this_cpu_ready(void);
void *vmx_alloc_vmcs(void);
void vmx_free_vmcs(void *vmcs);

/* vmcs.c: VMCS contents and which CPU holds it */
void vmx_vmcs_setup(struct vmx_vcpu *vmx);
void vmx_vmcs_reset_guest(struct vmx_vcpu *vmx);
bool vmx_vcpu_load_on(struct vmx_vcpu *vmx, int cpu);
void vmx_vcpu_clear(struct vmx_vcpu *vmx);
void vmx_update_host_state(struct vmx_vcpu *vmx);

/* ept.c: second-level page tables over memory slots */
int vmx_ept_init(struct minivm *vm);
void vmx_ept_destroy(struct minivm *vm);
void vmx_ept_zap(struct minivm *vm, u64 gfn, u64 npages);
/* 1: mapped, resume guest; 0: no slot backs @gpa; <0: errno */
int vmx_ept_map(struct minivm *vm, u64 gpa);
void vmx_invept_local(u64 eptp);

/* state.c: register-state ioctls */
void vmx_get_regs(struct minivm_vcpu *vcpu, struct minivm_regs *regs);
void vmx_set_regs(struct minivm_vcpu *vcpu, const struct minivm_regs *regs);
void vmx_get_sregs(struct minivm_vcpu *vcpu, struct minivm_sregs *sregs);
void vmx_set_sregs(struct minivm_vcpu *vcpu, const struct minivm_sregs *sregs);
void vmx_set_cr0(struct vmx_vcpu *vmx, unsigned long cr0);
unsigned long vmx_guest_cr0(void);
void vmx_set_cr4(struct vmx_vcpu *vmx, unsigned long cr4);

/* exits.c */
int vmx_handle_exit(struct vmx_vcpu *vmx, u32 exit_reason);
void vmx_complete_pending(struct vmx_vcpu *vmx);

/* vmenter.S: 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed */
int vmx_vmenter(unsigned long *regs, bool launched);
void vmx_vmexit(void);

#endif /* MINIVM_VMX_H */
