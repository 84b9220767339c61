/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics of a VM and of each vCPU: the counters, and the helpers that
 * change them. stats.c turns them into the binary statistics files of
 * MINIVM_GET_STATS_FD and MINIVM_GET_VCPU_STATS_FD, debugfs.c into the
 * debugfs summary.
 *
 * Writers. A vCPU's counters are written only by the thread that runs
 * the vCPU (under vcpu->mutex, or in its RUN), so a plain increment is
 * enough: no atomics on the exit path. The VM's counters are written
 * under the lock that already serialises what they count (mmu_lock for
 * mapped pages, table pages and flushes, slots_lock for memory slots,
 * vcpus_lock for vCPUs and interrupt delivery), so they need no atomics
 * either.
 *
 * Readers (a stats file, debugfs) take no lock: they read each counter
 * with READ_ONCE() while it may change. The writers store each counter
 * whole with WRITE_ONCE(), and an aligned 64-bit store and load are
 * single-copy atomic on x86-64, so a reader sees every u64 either before
 * or after an update, never torn; two counters read one after the other
 * may be from different moments.
 */
#ifndef MINIVM_STATS_H
#define MINIVM_STATS_H

#include <linux/compiler.h>
#include <linux/types.h>

struct minivm;
struct minivm_vcpu;
struct file;

/* The most exit classes a backend may have (minivm_backend_ops). */
#define MINIVM_MAX_EXIT_CLASSES		24

/*
 * A vCPU's counters. Every member is a u64 and the data block of a vCPU
 * statistics file is this structure as it is, so the descriptors' offsets
 * are offsetof() (stats.c). exits_by_class[] comes last: only the
 * backend's nr_exit_classes entries of it are in the file.
 */
struct minivm_vcpu_stats {
	u64 exits;			/* VM exits, whatever the reason */
	/* RUN returned 0, and for which exit reason */
	u64 userspace_exits;
	u64 io_exits;
	u64 mmio_exits;
	u64 hlt_exits;
	u64 msr_exits;
	u64 shutdown_exits;
	u64 fail_entry_exits;
	u64 internal_error_exits;
	/* RUN returned EINTR (a signal, immediate_exit) */
	u64 signal_exits;
	/* in-kernel HLT (irqchip, RFLAGS.IF set): sleeps, wakeups, time */
	u64 halts_in_kernel;
	u64 halt_wakeup;
	u64 halt_wait_ns;
	/* events put into VM entry */
	u64 irq_injections;
	u64 nmi_injections;
	u64 exception_injections;
	u64 event_reinjections;
	/* guest accesses to the in-kernel local APIC and I/O APIC pages */
	u64 mmio_in_kernel;
	/* IPIs routed to vCPUs (a self-IPI stays in the local APIC) */
	u64 ipis_sent;
	u64 exits_by_class[MINIVM_MAX_EXIT_CLASSES];
};

/* A VM's counters; the data block of a VM statistics file, as above. */
struct minivm_vm_stats {
	u64 dead;			/* 1 once the VM is dead */
	u64 vcpus;			/* vCPUs that exist now */
	u64 memslots;			/* memory slots that exist now */
	u64 pages_mapped;		/* guest pages mapped in EPT now */
	u64 pages_mapped_peak;
	u64 mmu_table_pages;		/* second-level page-table pages */
	u64 remote_tlb_flush;		/* flushes of every CPU's TLB */
	u64 irq_deliveries;		/* interrupt messages some vCPU took */
};

/* One writer (see above): a whole-word store, for the lockless readers. */
static inline void minivm_stat_add(u64 *stat, s64 delta)
{
	WRITE_ONCE(*stat, *stat + delta);
}

static inline void minivm_stat_inc(u64 *stat)
{
	minivm_stat_add(stat, 1);
}

/*
 * A VM exit, which the backend sorts into its class @class (below its
 * nr_exit_classes, minivm_backend_ops). Inline: it is on every exit.
 */
static inline void minivm_stats_vmexit(struct minivm_vcpu_stats *s,
				       unsigned int class)
{
	minivm_stat_inc(&s->exits);
	minivm_stat_inc(&s->exits_by_class[class]);
}

/* stats.c */
int minivm_stats_init(void);
void minivm_stats_exit(void);
/* What MINIVM_RUN returns (@ret) and the exit it leaves in the run area. */
void minivm_stats_run_return(struct minivm_vcpu *vcpu, int ret);
/*
 * Guest pages mapped in the second-level tables (no reference held on
 * them): @delta more (or fewer); under mmu_lock.
 */
void minivm_stats_mapped(struct minivm *vm, long delta);
long minivm_vm_stats_fd(struct minivm *vm);
long minivm_vcpu_stats_fd(struct minivm_vcpu *vcpu, struct file *vcpu_file);

/*
 * The statistics by name, for debugfs: @vcpu selects the vCPU set (else
 * the VM's); descriptor @i of minivm_stats_count() has a name and, read
 * from the counters at @stats, a value.
 */
unsigned int minivm_stats_count(bool vcpu);
const char *minivm_stats_name(bool vcpu, unsigned int i);
u64 minivm_stats_value(bool vcpu, const void *stats, unsigned int i);

/* debugfs.c: /sys/kernel/debug/minivm/PID-VMID/summary */
void minivm_debugfs_init(void);
void minivm_debugfs_exit(void);
void minivm_debugfs_vm_add(struct minivm *vm);
void minivm_debugfs_vm_remove(struct minivm *vm);

#endif /* MINIVM_STATS_H */
