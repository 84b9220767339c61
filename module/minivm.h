/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivm internals shared by the generic code (main.c, vm.c, memslot.c,
 * vcpu.c) and a hardware backend (vmx/). The backend is reached only
 * through struct minivm_backend_ops, so a second one (AMD SVM) can be added
 * without touching the generic files.
 */
#ifndef MINIVM_H
#define MINIVM_H

#include <linux/kref.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/mm_types.h>
#include <linux/minivm.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "stats.h"

#define MINIVM_PREFIX "minivm: "

/*
 * Control-register and EFER bits a guest may have, whether set through
 * MINIVM_SET_SREGS or by the guest itself: the features minivm lets a
 * guest use. Anything else is refused (EINVAL, or an internal error when
 * the guest writes it).
 */
#define MINIVM_CR0_VALID	(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | \
				 X86_CR0_TS | X86_CR0_ET | X86_CR0_NE | \
				 X86_CR0_WP | X86_CR0_AM | X86_CR0_NW | \
				 X86_CR0_CD | X86_CR0_PG)
#define MINIVM_CR4_VALID	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | \
				 X86_CR4_DE | X86_CR4_PSE | X86_CR4_PAE | \
				 X86_CR4_MCE | X86_CR4_PGE | X86_CR4_PCE | \
				 X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | \
				 X86_CR4_FSGSBASE | X86_CR4_OSXSAVE)
#define MINIVM_EFER_VALID	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

static inline bool minivm_cr0_valid(u64 cr0)
{
	return !(cr0 & ~(u64)MINIVM_CR0_VALID) &&
	       !((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE));
}

static inline bool minivm_cr4_valid(u64 cr4)
{
	return !(cr4 & ~(u64)MINIVM_CR4_VALID);
}

struct minivm;
struct minivm_vcpu;
struct minivm_irqchip;
struct minivm_lapic;

/*
 * One memory slot: guest-physical [base_gfn, base_gfn + npages) backed by
 * the VM owner's memory at userspace_addr. Slots never overlap. A slot is
 * immutable once published; changes replace or delete it under slots_lock
 * and mmu_lock both, so either lock is enough to read the slot array.
 */
struct minivm_memslot {
	u64 base_gfn;
	u64 npages;
	unsigned long userspace_addr;
	u32 id;
	u32 flags;			/* MINIVM_MEM_* */
};

/*
 * A VM. Created by MINIVM_CREATE_VM; the VM fd holds one reference and each
 * vCPU holds one, so the VM lives until its fd and all its vCPU fds are
 * closed. The VM holds a reference on the creating mm (not its address
 * space users), on which it has an MMU notifier (mmu_notifier.c) from its
 * creation to its destruction.
 */
struct minivm {
	struct kref ref;
	struct mm_struct *mm;		/* creator's mm; ioctls from others: EIO */

	/*
	 * slots_lock serialises memslot changes against each other and
	 * against second-level faults, which look slots up and get pages
	 * (sleeping) before they install a mapping. It is never taken by
	 * the MMU notifier, which may run with the mm's locks held.
	 */
	struct mutex slots_lock;
	struct minivm_memslot *slots[MINIVM_MAX_MEMSLOTS];

	/*
	 * mmu_lock guards the backend's second-level page tables and the
	 * invalidation state below, and is also held to publish or remove a
	 * slot pointer so that the notifier can read slots[] under it. A
	 * spinlock: the notifier may be called where it cannot sleep. Taken
	 * after slots_lock, never with interrupts off; nothing is allocated
	 * under it. The protocol (KVM's):
	 *  - invalidate_range_start: in_progress++ and the range added to
	 *    [range_start, range_end) (the union of the ranges in progress),
	 *    then the mappings of the range are zapped and flushed, all under
	 *    mmu_lock;
	 *  - invalidate_range_end: seq++, then in_progress--;
	 *  - a fault reads seq (minivm_mmu_invalidate_seq()) before it looks
	 *    up the host page, and installs the mapping under mmu_lock only if
	 *    minivm_mmu_invalidate_retry() says nothing intervened.
	 * mmu_released is set once, by the notifier's release (the mm is
	 * going away): every mapping is zapped and no fault installs one.
	 */
	spinlock_t mmu_lock;
	unsigned long mmu_invalidate_seq;
	long mmu_invalidate_in_progress;
	unsigned long mmu_invalidate_range_start, mmu_invalidate_range_end;
	bool mmu_released;
	struct mmu_notifier mmu_notifier;

	struct mutex vcpus_lock;	/* protects vcpus[] */
	struct minivm_vcpu *vcpus[MINIVM_MAX_VCPUS];

	/*
	 * Set once, by the first vCPU that hits an internal error; a dead
	 * VM never runs again. Read without a lock: only ever 0 -> 1.
	 */
	bool dead;

	/*
	 * MINIVM_MSR_EXIT_* kinds of guest MSR access that exit to
	 * userspace (MINIVM_ENABLE_CAP). Written by the VM ioctl, read by
	 * the vCPUs' exit handlers: a plain word, any value is consistent.
	 */
	u32 user_msr_exits;

	/*
	 * The in-kernel I/O APIC (irqchip.c), NULL until
	 * MINIVM_CREATE_IRQCHIP, then set once (under vcpus_lock, before
	 * any vCPU exists) and never changed: read without a lock.
	 */
	struct minivm_irqchip *irqchip;

	/*
	 * Statistics (stats.h). @pid (the creator's process) and @id (never
	 * reused while the module is loaded) name the VM in its statistics
	 * files and in debugfs (@debugfs, an error pointer when absent).
	 */
	struct minivm_vm_stats stats;
	pid_t pid;
	u64 id;
	struct dentry *debugfs;

	void *arch;			/* backend state (EPT root, ...) */
};

/*
 * MSRs that are plain state, the same for every backend (msr.c). The
 * backend owns the ones the hardware switches or uses (EFER, the SYSCALL
 * family, FS/GS bases, PAT, TSC, ...).
 */
struct minivm_msr_state {
	u64 apic_base;
	u64 misc_enable;
	u64 mtrr_def_type;
	u64 mtrr_fixed[11];
	u64 mtrr_var[16];		/* base, mask, base, mask, ... */
	u64 mcg_status;
};

/*
 * A vCPU. Its fd holds the only reference; the vCPU holds its VM. All
 * vCPU ioctls are serialised by @mutex, so the backend never sees two
 * calls on one vCPU at once; every field below is the vCPU's own and
 * changes only under @mutex.
 */
struct minivm_vcpu {
	struct minivm *vm;
	u32 id;
	struct mutex mutex;		/* serialises this vCPU's ioctls */
	struct minivm_run *run;		/* one zeroed page, mmap()ed by userspace */
	void *arch;			/* backend state (VMCS, GPRs, ...) */

	/* The guest's CPUID table (cpuid.c): nent entries, kmalloc()ed. */
	struct minivm_cpuid_entry *cpuid;
	u32 cpuid_nent;
	struct minivm_msr_state msrs;

	/*
	 * The in-kernel local APIC (lapic.c), when the VM has an irqchip.
	 * Its register model is the vCPU thread's (under @mutex); other
	 * threads only post interrupts to it and kick the vCPU.
	 */
	struct minivm_lapic *apic;
	/*
	 * For kicks (lapic.c): @mode is IN_GUEST from just before VM entry
	 * (interrupts off) to just after the exit, on CPU @cpu. Written by
	 * the vCPU thread only, read by any thread that kicks it.
	 */
	int mode;
	int cpu;
	/* HLT with interrupts enabled: the thread sleeps here (lapic.c). */
	wait_queue_head_t wait;
	bool halted;			/* under @mutex */
	/*
	 * Without an APIC: the vector MINIVM_INTERRUPT queued, -1 for none;
	 * the backend injects it when the guest can take it. Under @mutex.
	 */
	int user_irq;

	/* Written by the vCPU thread only; read by anyone (stats.h). */
	struct minivm_vcpu_stats stats;
};

/* minivm_vcpu.mode */
#define MINIVM_OUTSIDE_GUEST	0
#define MINIVM_IN_GUEST		1

/*
 * What a backend provides. Every callback except the hardware ones is
 * called with the vCPU's mutex held (for vcpu_*) or with the VM not yet
 * visible to userspace (vm_init) / no longer reachable (vm_destroy).
 */
struct minivm_backend_ops {
	const char *name;
	/* Guest-physical address bits the second-level tables can map. */
	unsigned int gpa_bits;

	/* Module unload: undo what the probe set up. */
	void (*exit)(void);

	/* Enter/leave hardware virtualization on every online CPU. */
	int (*hardware_enable)(void);
	void (*hardware_disable)(void);
	/*
	 * The host reboots, halts, powers off or kexecs while VMs exist:
	 * leave hardware virtualization on every CPU now and for good,
	 * with vCPUs possibly loaded or in the guest. Their ioctls fail
	 * afterwards (EIO); hardware_disable still follows the last VM.
	 */
	void (*hardware_shutdown)(void);
	/*
	 * A crash dump or an emergency restart, in NMI context or on the
	 * crashing CPU with interrupts off: leave hardware virtualization
	 * on this CPU if it is on, taking no lock (emergency.c).
	 */
	void (*emergency_disable_cpu)(void);

	int (*vm_init)(struct minivm *vm);
	void (*vm_destroy)(struct minivm *vm);
	/*
	 * Drop the second-level mappings of guest frames [gfn, gfn+npages)
	 * and flush them from every CPU before returning. Called with
	 * vm->mmu_lock held and returns with it held; never sleeps unless
	 * @may_block, and then only with mmu_lock dropped, after flushing
	 * what it zapped so far (so another zapper finding those entries
	 * gone can rely on them being flushed).
	 */
	void (*zap_gfn_range)(struct minivm *vm, u64 gfn, u64 npages,
			      bool may_block);

	int (*vcpu_create)(struct minivm_vcpu *vcpu);
	void (*vcpu_free)(struct minivm_vcpu *vcpu);

	/*
	 * Bracket every vCPU ioctl: between the two the vCPU's hardware
	 * state is loaded on whichever CPU the thread runs on, following
	 * it across preemption and migration.
	 */
	void (*vcpu_load)(struct minivm_vcpu *vcpu);
	void (*vcpu_put)(struct minivm_vcpu *vcpu);

	/*
	 * Enter the guest once and handle the exit.
	 * Returns 1 to enter the guest again, 0 when run->exit_reason and its
	 * data are filled in for userspace, or a negative errno.
	 */
	int (*vcpu_run_once)(struct minivm_vcpu *vcpu);
	/*
	 * Called before the first and after the last vcpu_run_once of a
	 * RUN. run_begin finishes what the last exit to userspace left open
	 * and returns like vcpu_run_once (0: userspace has work again).
	 */
	int (*vcpu_run_begin)(struct minivm_vcpu *vcpu);
	void (*vcpu_run_end)(struct minivm_vcpu *vcpu);

	void (*get_regs)(struct minivm_vcpu *vcpu, struct minivm_regs *regs);
	void (*set_regs)(struct minivm_vcpu *vcpu, const struct minivm_regs *regs);
	void (*get_sregs)(struct minivm_vcpu *vcpu, struct minivm_sregs *sregs);
	/* May refuse (EINVAL) what VM entry would; then nothing changed. */
	int (*set_sregs)(struct minivm_vcpu *vcpu,
			 const struct minivm_sregs *sregs);

	/*
	 * MSRs the backend owns. 0, -ENOENT for an MSR it does not know,
	 * -EINVAL for a value it refuses. @host: userspace (GET/SET_MSRS),
	 * which may set what the guest may not (e.g. read-only MSRs).
	 */
	int (*get_msr)(struct minivm_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct minivm_vcpu *vcpu, u32 index, u64 data,
		       bool host);
	/* The MSRs get_msr/set_msr know, for MINIVM_GET_MSR_INDEX_LIST. */
	const u32 *msr_indices;
	unsigned int nr_msr_indices;

	void (*get_xsave)(struct minivm_vcpu *vcpu, struct minivm_xsave *xs);
	int (*set_xsave)(struct minivm_vcpu *vcpu,
			 const struct minivm_xsave *xs);
	u64 (*get_xcr0)(struct minivm_vcpu *vcpu);
	int (*set_xcr0)(struct minivm_vcpu *vcpu, u64 xcr0);
	void (*get_debugregs)(struct minivm_vcpu *vcpu,
			      struct minivm_debugregs *dbg);
	void (*set_debugregs)(struct minivm_vcpu *vcpu,
			      const struct minivm_debugregs *dbg);
	void (*get_events)(struct minivm_vcpu *vcpu,
			   struct minivm_vcpu_events *ev);
	/* Checked by the caller against minivm_exception_valid(). */
	void (*set_events)(struct minivm_vcpu *vcpu,
			   const struct minivm_vcpu_events *ev);
	/* CR0.PE as the guest sees it (error codes need protected mode). */
	bool (*protected_mode)(struct minivm_vcpu *vcpu);
	/* The guest's TSC now (host TSC + offset), for TSC-deadline. */
	u64 (*guest_tsc)(struct minivm_vcpu *vcpu);

	/*
	 * Statistics: the backend sorts each VM exit it handles into one of
	 * @nr_exit_classes classes of its own (minivm_stats_vmexit()),
	 * which the statistics files name "vmexit_" + @exit_class_names[i].
	 * At most MINIVM_MAX_EXIT_CLASSES.
	 */
	const char *const *exit_class_names;
	unsigned int nr_exit_classes;
};

extern const struct minivm_backend_ops *minivm_backend;

/* main.c */
int minivm_hardware_get(void);
void minivm_hardware_put(void);

/* emergency.c */
void minivm_emergency_init(void);
void minivm_emergency_exit(void);
void minivm_emergency_vmx(bool on);

/* vm.c */
int minivm_create_vm(void);
void minivm_vm_get(struct minivm *vm);
void minivm_vm_put(struct minivm *vm);
void minivm_vm_mark_dead(struct minivm *vm);

/* mmu_notifier.c: the VM's second-level mappings follow vm->mm */
int minivm_mmu_notifier_register(struct minivm *vm);
void minivm_mmu_notifier_unregister(struct minivm *vm);

/* Before a fault looks the host page up: the sequence to check later. */
static inline unsigned long minivm_mmu_invalidate_seq(struct minivm *vm)
{
	unsigned long seq = READ_ONCE(vm->mmu_invalidate_seq);

	/* The host page tables are read after the sequence (KVM's rmb). */
	smp_rmb();
	return seq;
}

/*
 * Under mmu_lock, before installing a mapping of the page at @hva looked
 * up after minivm_mmu_invalidate_seq() returned @seq: true if an
 * invalidation of @hva is running, or any invalidation ended meanwhile,
 * so the page may already be on its way out and the fault must be
 * retried (the guest faults again). One that runs elsewhere does not
 * matter: if it reaches @hva later, it zaps what the fault installs.
 */
static inline bool minivm_mmu_invalidate_retry(struct minivm *vm,
					       unsigned long seq,
					       unsigned long hva)
{
	lockdep_assert_held(&vm->mmu_lock);
	if (unlikely(vm->mmu_invalidate_in_progress) &&
	    hva >= vm->mmu_invalidate_range_start &&
	    hva < vm->mmu_invalidate_range_end)
		return true;
	return vm->mmu_invalidate_seq != seq;
}

/* memslot.c */
int minivm_set_memory_region(struct minivm *vm,
			     const struct minivm_userspace_memory_region *mem);
void minivm_free_memslots(struct minivm *vm);
const struct minivm_memslot *minivm_gfn_to_memslot(struct minivm *vm, u64 gfn);

/* vcpu.c */
int minivm_create_vcpu(struct minivm *vm, unsigned long id);
long minivm_check_extension(unsigned long cap);

/* guest-mem.c: guest-physical memory through the slots, for emulation */
int minivm_read_guest(struct minivm *vm, u64 gpa, void *buf, unsigned int len);
int minivm_write_guest(struct minivm *vm, u64 gpa, const void *buf,
		       unsigned int len);
/* The slot for @gpa: 1 RAM, 2 read-only RAM, 0 none (MMIO). */
int minivm_gpa_kind(struct minivm *vm, u64 gpa);

/* cpuid.c */
int minivm_cpuid_init(void);
void minivm_cpuid_exit(void);
int minivm_vcpu_cpuid_init(struct minivm_vcpu *vcpu);
void minivm_vcpu_cpuid_free(struct minivm_vcpu *vcpu);
long minivm_get_supported_cpuid(void __user *argp);
long minivm_set_cpuid(struct minivm_vcpu *vcpu, void __user *argp);
long minivm_get_cpuid(struct minivm_vcpu *vcpu, void __user *argp);
/* Answer a guest CPUID; @osxsave is CR4.OSXSAVE, @xcr0 the guest's. */
void minivm_cpuid(struct minivm_vcpu *vcpu, u32 function, u32 index,
		  bool osxsave, u64 xcr0, u32 out[4]);
/* The XCR0 bits the guest's CPUID offers (always x87). */
u64 minivm_guest_supported_xcr0(struct minivm_vcpu *vcpu);
/* What minivm can give any guest on this host (XCR0 bits). */
extern u64 minivm_supported_xcr0;
/* The guest's crystal clock (CPUID 0x15) and APIC timer, in Hz. */
u32 minivm_crystal_hz(u32 *ratio);
/* Set by the backend before minivm_cpuid_init(): RDTSCP/RDPID work. */
extern bool minivm_cpuid_rdtscp;

/* msr.c */
void minivm_msrs_reset(struct minivm_vcpu *vcpu);
bool minivm_apic_base_valid(u64 data);
int minivm_get_msr(struct minivm_vcpu *vcpu, u32 index, u64 *data);
int minivm_set_msr(struct minivm_vcpu *vcpu, u32 index, u64 data, bool host);
long minivm_msrs_ioctl(struct minivm_vcpu *vcpu, unsigned int ioctl,
		       void __user *argp);
long minivm_get_msr_index_list(void __user *argp);

/* Exceptions with an error code (protected mode only), SDM Vol. 3 6.13. */
static inline bool minivm_exception_has_error_code(unsigned int vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 ||
	       vector == 21;
}

/* irqchip.c: the VM's I/O APIC and interrupt routing */
long minivm_create_irqchip(struct minivm *vm);
void minivm_irqchip_free(struct minivm *vm);
long minivm_irq_line(struct minivm *vm, void __user *argp);
/*
 * Deliver an interrupt message (an I/O APIC entry or an IPI) to the vCPUs
 * that @dest names (0xff physical: all) but @except. Sleeps (vcpus_lock).
 */
bool minivm_deliver_irq(struct minivm *vm, u32 dest, bool logical, u8 vector,
			u8 delivery_mode, bool level,
			const struct minivm_vcpu *except);
void minivm_ioapic_eoi(struct minivm *vm, u8 vector);

/* lapic.c: the vCPU's local APIC */
int minivm_lapic_create(struct minivm_vcpu *vcpu);
void minivm_lapic_free(struct minivm_vcpu *vcpu);
/* Post @vector (or an NMI) from any thread, and kick the vCPU. */
void minivm_lapic_post(struct minivm_vcpu *vcpu, u8 vector, bool level);
void minivm_lapic_post_nmi(struct minivm_vcpu *vcpu);
bool minivm_lapic_match(struct minivm_vcpu *vcpu, u32 dest, bool logical);
void minivm_vcpu_kick(struct minivm_vcpu *vcpu);
/*
 * The backend's side, on the vCPU thread. Before entry: sync() moves
 * posted interrupts and timer expiries into the APIC (may sleep);
 * has_work() says whether something arrived after that (checked again
 * with interrupts off, once mode is IN_GUEST); pending() is the vector
 * to inject (-1: none) and ack() tells the APIC the CPU took it.
 */
void minivm_lapic_sync(struct minivm_vcpu *vcpu);
bool minivm_lapic_has_work(struct minivm_vcpu *vcpu);
int minivm_lapic_pending(struct minivm_vcpu *vcpu);
void minivm_lapic_ack(struct minivm_vcpu *vcpu, u8 vector);
bool minivm_lapic_take_nmi(struct minivm_vcpu *vcpu);
/* Guest accesses: the APIC page, CR8, IA32_TSC_DEADLINE. */
bool minivm_irqchip_mmio(struct minivm_vcpu *vcpu, u64 gpa, void *data,
			 unsigned int len, bool write);
u8 minivm_lapic_get_cr8(struct minivm_vcpu *vcpu);
void minivm_lapic_set_cr8(struct minivm_vcpu *vcpu, u8 cr8);
u64 minivm_lapic_get_tscdeadline(struct minivm_vcpu *vcpu);
void minivm_lapic_set_tscdeadline(struct minivm_vcpu *vcpu, u64 tsc);
/*
 * A halted vCPU (vcpu->halted: HLT with interrupts enabled): sleep until
 * an interrupt is due (which clears halted) or a signal arrives.
 */
void minivm_vcpu_block(struct minivm_vcpu *vcpu);
bool minivm_ioapic_mmio(struct minivm *vm, u64 gpa, void *data,
			unsigned int len, bool write);

/* vmx/ */
const struct minivm_backend_ops *minivm_vmx_probe(void);

#endif /* MINIVM_H */
