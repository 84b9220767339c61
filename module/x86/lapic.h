/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A local APIC in xAPIC mode (Intel SDM Vol. 3A, ch. 11 "Advanced
 * Programmable Interrupt Controller"), as pure code: no kernel
 * dependencies (see types.h), no locking, no clock of its own. The
 * caller (the integrator's glue in the module, or the host unit tests)
 * owns one struct x86_lapic per vCPU and:
 *
 *  - serialises every call on one APIC (one thread at a time; a callback
 *    may call back into the same APIC, see struct x86_lapic_ops);
 *  - gives it time through ops->now_ns and ops->tsc, and a one-shot
 *    timer through ops->timer_arm; when that deadline passes it calls
 *    x86_lapic_timer_fired();
 *  - forwards the guest's accesses to the APIC page (x86_lapic_read/
 *    write), to CR8 (x86_lapic_get_cr8/set_cr8) and to the
 *    IA32_TSC_DEADLINE MSR (x86_lapic_tscdeadline/set_tscdeadline);
 *  - routes interrupts: x86_lapic_accept() for a fixed or lowest-priority
 *    interrupt aimed at this APIC (x86_lapic_match_dest() says which
 *    APICs a destination names), ops->ipi for the IPIs this APIC sends;
 *  - before each VM entry asks x86_lapic_highest_pending() for the
 *    vector to inject and, once the CPU has taken it, x86_lapic_ack().
 *
 * What is emulated: ID, version, TPR, APR (reads 0), PPR, EOI, LDR, DFR,
 * SVR, ISR/TMR/IRR, ESR, ICR, the six LVT entries (timer, thermal,
 * performance counters, LINT0, LINT1, error), and the timer in one-shot,
 * periodic and TSC-deadline mode.
 *
 * What is not: x2APIC mode (the MSR interface; IA32_APIC_BASE is the
 * caller's, and this model is only ever in xAPIC mode), the CMCI LVT
 * (the version register says 6 LVT entries, so 0x2f0 is reserved),
 * EOI-broadcast suppression (version bit 24 clear, SVR bit 12 reserved),
 * focus processor checking (SVR bit 9 is stored but has no effect),
 * lowest-priority arbitration (the caller picks a target, see
 * x86_lapic_ppr()), the remote IRR of level-triggered LINT0/LINT1 (fixed
 * LINT interrupts are taken as edge-triggered), the P6/Pentium APIC-bus
 * ESR bits, the remote read register (reads 0), SMI, and the spurious
 * vector (the caller only injects what x86_lapic_highest_pending()
 * returned and acks it at once, so an interrupt never vanishes between
 * the two). Delivery status bits (ICR, LVT) always read idle: the model
 * hands every message on at once.
 */
#ifndef MINIVM_X86_LAPIC_H
#define MINIVM_X86_LAPIC_H

#include "types.h"

/* Register offsets in the 4 KiB APIC page (SDM Table 11-1) */
#define X86_LAPIC_ID		0x020
#define X86_LAPIC_VERSION	0x030
#define X86_LAPIC_TPR		0x080
#define X86_LAPIC_APR		0x090
#define X86_LAPIC_PPR		0x0a0
#define X86_LAPIC_EOI		0x0b0
#define X86_LAPIC_RRD		0x0c0
#define X86_LAPIC_LDR		0x0d0
#define X86_LAPIC_DFR		0x0e0
#define X86_LAPIC_SVR		0x0f0
#define X86_LAPIC_ISR		0x100	/* 8 registers, 0x10 apart: */
#define X86_LAPIC_TMR		0x180	/* vectors 32*i..32*i+31 in */
#define X86_LAPIC_IRR		0x200	/* register i */
#define X86_LAPIC_ESR		0x280
#define X86_LAPIC_LVT_CMCI	0x2f0	/* not implemented: reserved */
#define X86_LAPIC_ICR_LOW	0x300
#define X86_LAPIC_ICR_HIGH	0x310
#define X86_LAPIC_LVT_TIMER	0x320
#define X86_LAPIC_LVT_THERMAL	0x330
#define X86_LAPIC_LVT_PERF	0x340
#define X86_LAPIC_LVT_LINT0	0x350
#define X86_LAPIC_LVT_LINT1	0x360
#define X86_LAPIC_LVT_ERROR	0x370
#define X86_LAPIC_TIMER_ICR	0x380	/* initial count */
#define X86_LAPIC_TIMER_CCR	0x390	/* current count */
#define X86_LAPIC_TIMER_DCR	0x3e0	/* divide configuration */

/*
 * Version register: an integrated APIC (0x14, as every CPU since the P6)
 * with 6 LVT entries (max LVT entry 5: timer, thermal, perf, LINT0,
 * LINT1, error), no EOI-broadcast suppression (bit 24 clear).
 */
#define X86_LAPIC_VERSION_VAL	0x00050014u

#define X86_LAPIC_SVR_VECTOR	0xffu
#define X86_LAPIC_SVR_ENABLE	BIT(8)	/* APIC software enable */
#define X86_LAPIC_SVR_NO_FOCUS	BIT(9)	/* focus processor checking off */

/* Delivery modes: ICR bits 10:8, LVT bits 10:8, I/O APIC RTE bits 10:8 */
#define X86_APIC_DM_FIXED	0
#define X86_APIC_DM_LOWEST	1
#define X86_APIC_DM_SMI		2
#define X86_APIC_DM_NMI		4
#define X86_APIC_DM_INIT	5
#define X86_APIC_DM_SIPI	6
#define X86_APIC_DM_EXTINT	7

/* ICR low word */
#define X86_LAPIC_ICR_VECTOR(lo)	((lo) & 0xffu)
#define X86_LAPIC_ICR_DM(lo)		(((lo) >> 8) & 7u)
#define X86_LAPIC_ICR_LOGICAL		BIT(11)	/* destination mode */
#define X86_LAPIC_ICR_BUSY		BIT(12)	/* delivery status: always 0 */
#define X86_LAPIC_ICR_ASSERT		BIT(14)	/* level: 0 = INIT de-assert */
#define X86_LAPIC_ICR_LEVEL		BIT(15)	/* trigger mode */
#define X86_LAPIC_ICR_SHORTHAND(lo)	(((lo) >> 18) & 3u)
#define X86_LAPIC_SH_NONE		0	/* the destination field */
#define X86_LAPIC_SH_SELF		1
#define X86_LAPIC_SH_ALL		2	/* all including self */
#define X86_LAPIC_SH_OTHERS		3	/* all excluding self */
/* ICR high word: the destination in bits 31:24 */
#define X86_LAPIC_ICR_DEST(hi)		((hi) >> 24)

/* LVT entries */
#define X86_LAPIC_LVT_VEC(v)		((v) & 0xffu)
#define X86_LAPIC_LVT_DM(v)		(((v) >> 8) & 7u)
#define X86_LAPIC_LVT_PENDING		BIT(12)	/* delivery status: always 0 */
#define X86_LAPIC_LVT_ACTIVE_LOW	BIT(13)	/* LINT0/1 input polarity */
#define X86_LAPIC_LVT_REMOTE_IRR	BIT(14)	/* LINT0/1: always 0 */
#define X86_LAPIC_LVT_LEVEL		BIT(15)	/* LINT0/1 trigger mode */
#define X86_LAPIC_LVT_MASKED		BIT(16)
#define X86_LAPIC_TIMER_MODE(v)		(((v) >> 17) & 3u)
#define X86_LAPIC_TIMER_ONESHOT		0
#define X86_LAPIC_TIMER_PERIODIC	1
#define X86_LAPIC_TIMER_TSC_DEADLINE	2	/* 3 is reserved: acts as one-shot */

/* ESR bits this model sets (SDM 11.5.3) */
#define X86_LAPIC_ESR_SEND_ILLEGAL	BIT(5)	/* ICR write, vector < 16 */
#define X86_LAPIC_ESR_RECV_ILLEGAL	BIT(6)	/* accepted/LVT vector < 16 */
#define X86_LAPIC_ESR_ILLEGAL_REG	BIT(7)	/* access to a reserved offset */

/* The LVT entries, in register order from 0x320 */
enum x86_lapic_lvt {
	X86_LAPIC_LVT_IDX_TIMER,
	X86_LAPIC_LVT_IDX_THERMAL,
	X86_LAPIC_LVT_IDX_PERF,
	X86_LAPIC_LVT_IDX_LINT0,
	X86_LAPIC_LVT_IDX_LINT1,
	X86_LAPIC_LVT_IDX_ERROR,
	X86_LAPIC_NR_LVT
};

/*
 * The timer's input clock until x86_lapic_set_timer_hz() says otherwise:
 * 1 GHz, KVM's default APIC bus frequency.
 */
#define X86_LAPIC_DEFAULT_TIMER_HZ	1000000000u
/*
 * A periodic timer never runs faster than this (KVM clamps at 200 us): a
 * guest that programs a 1-tick period would otherwise keep the host busy
 * with nothing but timer interrupts. One-shot and TSC-deadline timers
 * take one guest write per interrupt and are not clamped.
 */
#define X86_LAPIC_MIN_PERIOD_NS		100000u

/*
 * The caller's side. Every op gets the opaque pointer given to
 * x86_lapic_init(). The model calls ops only after its own state is
 * consistent, so an op may call back into this APIC (e.g. ipi or eoi
 * ending in x86_lapic_accept() on it) - but not x86_lapic_reset().
 */
struct x86_lapic_ops {
	/* required: a monotonic clock in ns, the one timer_arm uses */
	u64 (*now_ns)(void *opaque);
	/* the guest's TSC now; required once the guest uses TSC-deadline */
	u64 (*tsc)(void *opaque);
	/*
	 * required: (re)program the one timer to call x86_lapic_timer_fired()
	 * once now_ns() >= @deadline_ns; a new call replaces the previous
	 * deadline, 0 cancels it. Called from x86_lapic_timer_fired() too,
	 * for the next period. The deadline is never 0 otherwise.
	 */
	void (*timer_arm)(void *opaque, u64 deadline_ns);
	/*
	 * may be NULL (IPIs dropped): the guest wrote ICR low and the IPI
	 * must go out. @icr_low and @icr_high are the register values (see
	 * X86_LAPIC_ICR_*): destination shorthand none, all-including-self
	 * (deliver to this APIC too) or all-excluding-self, with any
	 * delivery mode. Fixed and lowest-priority IPIs with a vector < 16
	 * never get here (the model sets ESR "send illegal vector"), nor
	 * does the self shorthand: the model takes a fixed self-IPI itself
	 * and drops self with other delivery modes (invalid: SDM table
	 * "Valid Combinations for the Pentium 4 and Intel Xeon Processors'
	 * Local xAPIC Interrupt Command Register"). Deliver every IPI as
	 * edge-triggered whatever ICR_LEVEL says: that table's note 2 says
	 * the xAPIC overrides level to edge. INIT level de-assert (delivery
	 * mode INIT, ICR_ASSERT clear, ICR_LEVEL set) is passed on too; it
	 * is a no-op on these CPUs, ignore it.
	 */
	void (*ipi)(void *opaque, u32 icr_low, u32 icr_high);
	/*
	 * may be NULL: the guest EOI'd a level-triggered vector (its TMR bit
	 * was set): tell the I/O APIC (x86_ioapic_eoi()).
	 */
	void (*eoi)(void *opaque, u8 vector);
};

struct x86_lapic {
	const struct x86_lapic_ops *ops;
	void *opaque;
	u32 timer_hz;		/* the timer's input clock (before divide) */
	u32 tsc_khz;		/* the guest's TSC rate */

	/* registers, as the guest reads them (reserved bits 0) */
	u32 id;			/* APIC ID in bits 31:24 */
	u32 tpr, ldr, dfr, svr;
	u32 isr[8], tmr[8], irr[8];
	u32 esr;		/* what ESR reads: latched by an ESR write */
	u32 esr_pending;	/* errors seen since the last ESR write */
	u32 icr_low, icr_high;
	u32 lvt[X86_LAPIC_NR_LVT];
	u32 timer_icr;		/* initial count */
	u32 timer_dcr;		/* divide configuration (bits 3, 1:0) */

	/* timer state */
	bool timer_armed;	/* ops->timer_arm holds timer_deadline */
	u64 timer_deadline;	/* ns: count 0, or the TSC deadline due */
	u64 timer_start;	/* ns: when the count was timer_start_count */
	u32 timer_start_count;
	u64 tsc_deadline;	/* IA32_TSC_DEADLINE (0: disarmed) */
};

/*
 * Set up @a once, before any other call: no op is called. Then does
 * x86_lapic_reset(@a, @apic_id, @bsp). The timer clock is
 * X86_LAPIC_DEFAULT_TIMER_HZ and the TSC rate unknown (treated as 1 GHz)
 * until the setters below say otherwise.
 */
void x86_lapic_init(struct x86_lapic *a, const struct x86_lapic_ops *ops,
		    void *opaque, u32 apic_id, bool bsp);

/*
 * Power-on reset, and INIT (pass the current x86_lapic_id() for INIT: the
 * SDM keeps the ID across INIT). Cancels the timer (ops->timer_arm(0) if
 * it was armed). Afterwards: ID = @apic_id (0..255, bits 7:0 used) in
 * bits 31:24, version X86_LAPIC_VERSION_VAL, TPR/LDR/ISR/TMR/IRR/ESR/ICR
 * 0, DFR 0xffffffff (flat), SVR 0xff (software-disabled), every LVT
 * entry 0x10000 (masked), timer initial count, divide configuration and
 * IA32_TSC_DEADLINE 0, timer stopped.
 *
 * @bsp: instead of the power-on LINT0/LINT1 entries, leave what firmware
 * leaves the OS on the bootstrap processor (MP spec 3.6.2.2 "virtual
 * wire mode"): LINT0 ExtINT (0x700) and LINT1 NMI (0x400), unmasked, so
 * that a PIC's INTR reaches the CPU (x86_lapic_lvt_mode()) with no BIOS
 * to program it. KVM's reset does the same for LINT0 (its LINT0_REENABLED
 * quirk); like KVM the APIC stays software-disabled until the OS writes
 * SVR. Use false for APs and for INIT.
 *
 * The timer frequency, the TSC rate, ops and opaque survive a reset.
 */
void x86_lapic_reset(struct x86_lapic *a, u32 apic_id, bool bsp);

/*
 * The timer's input clock in Hz (1 kHz .. 4.29 GHz; below 1 kHz is taken
 * as 1 kHz): the count runs at @hz / divide. The integrator tells the
 * guest the same number (CPUID 0x15 core crystal clock: Linux then sets
 * its APIC timer period from it instead of calibrating). Meant for setup;
 * if a count is running it goes on from its current value at the new rate.
 */
void x86_lapic_set_timer_hz(struct x86_lapic *a, u32 hz);

/*
 * The guest's TSC rate in kHz (what CPUID 0x15/0x16 tell the guest), to
 * turn a TSC deadline into ns. 0 = unknown: treated as 1 GHz. Takes
 * effect the next time a TSC deadline is armed.
 */
void x86_lapic_set_tsc_khz(struct x86_lapic *a, u32 khz);

/*
 * A guest read of the 32-bit register at @offset in the APIC page (masked
 * to 0..0xffc, 4-byte aligned). Reserved offsets read 0 and set ESR
 * "illegal register address"; write-only EOI and the remote read register
 * read 0, as do bytes 4..15 of each 16-byte register slot (the registers
 * are the first 4 bytes of each). A 1- or 2-byte guest read is a read of
 * the dword at (offset & ~3) and the caller picks the bytes. Reading the
 * current count calls ops->now_ns.
 */
u32 x86_lapic_read(struct x86_lapic *a, u32 offset);

/*
 * A guest write of the 32-bit register at @offset (as for read). Reserved
 * bits are dropped, read-only registers (version, APR, PPR, ISR, TMR,
 * IRR, current count) ignore writes, reserved offsets set ESR "illegal
 * register address". Side effects:
 *  - EOI (any value): clears the highest ISR bit; if that vector's TMR
 *    bit is set, ops->eoi(vector). Nothing if the ISR is empty.
 *  - ESR (any value): ESR reads the errors seen since the previous ESR
 *    write; those are cleared (SDM: write, then read).
 *  - SVR: clearing the enable bit masks every LVT entry; while it is
 *    clear, LVT writes keep the mask bit set.
 *  - ICR low: sends the IPI (see ops->ipi); ICR high only stores.
 *  - LVT entries: an unmasked entry with delivery mode fixed and a vector
 *    < 16 sets ESR "received illegal vector" (the SDM allows that at
 *    write time; masked ones don't, Linux writes vector 0 masked).
 *  - LVT timer: changing the mode (bits 18:17) disarms the timer and
 *    clears the initial count and IA32_TSC_DEADLINE (SDM 11.5.4.1).
 *  - Initial count: ignored in TSC-deadline mode; else 0 stops the timer
 *    and any other value restarts the count from it, now.
 *  - Divide configuration: a running count goes on from its current
 *    value at the new rate.
 * An unmasked error LVT entry interrupts (x86_lapic_accept of its vector)
 * when an error bit not already pending is set.
 */
void x86_lapic_write(struct x86_lapic *a, u32 offset, u32 val);

/*
 * A fixed or lowest-priority interrupt aimed at this APIC arrives (an IPI,
 * an I/O APIC or MSI message): its IRR bit is set and its TMR bit set for
 * @level (level-triggered), cleared otherwise. Returns false, changing
 * nothing else, if the vector is < 16 (ESR "received illegal vector" is
 * set, the interrupt is dropped, SDM 11.5.3) or the APIC is
 * software-disabled (SVR bit 8 clear: fixed interrupts are not accepted).
 * NMI, INIT, SIPI, SMI and ExtINT never come here: the caller handles them.
 * Afterwards ask x86_lapic_highest_pending() (and kick a halted vCPU).
 */
bool x86_lapic_accept(struct x86_lapic *a, u8 vector, bool level);

/*
 * The vector the CPU should take now: the highest IRR vector whose
 * priority class (vector[7:4]) is above PPR[7:4], or -1. Held IRR bits
 * are still delivered while the APIC is software-disabled (SDM 11.4.7.2).
 * The caller injects it only when the guest can take an interrupt
 * (RFLAGS.IF, no interrupt shadow), and then calls x86_lapic_ack(). Pure:
 * call it as often as needed, e.g. to decide whether HLT should wake.
 */
int x86_lapic_highest_pending(const struct x86_lapic *a);

/*
 * The CPU took @vector (as returned by x86_lapic_highest_pending()):
 * IRR bit -> ISR bit, which raises PPR. Does nothing if @vector's IRR bit
 * is clear.
 */
void x86_lapic_ack(struct x86_lapic *a, u8 vector);

/*
 * The deadline last given to ops->timer_arm has passed: call it from the
 * timer's callback. In one-shot and TSC-deadline mode the timer is then
 * disarmed (TSC-deadline also clears IA32_TSC_DEADLINE); in periodic mode
 * the next deadline is the previous one plus the period (never computed
 * from now, so periods do not drift; periods already missed are skipped,
 * their interrupts merge into one IRR bit) and ops->timer_arm is called
 * with it. Then the LVT timer's vector is accepted as an edge-triggered
 * interrupt unless the entry is masked. Harmless when stale: does
 * nothing if the timer is not armed; if now_ns() (or, in TSC-deadline
 * mode, the guest TSC) has not reached the deadline yet, it only re-arms.
 */
void x86_lapic_timer_fired(struct x86_lapic *a);

/* IA32_TSC_DEADLINE (MSR 0x6e0) read: 0 unless armed in TSC-deadline mode */
u64 x86_lapic_tscdeadline(const struct x86_lapic *a);

/*
 * IA32_TSC_DEADLINE write. Ignored unless the LVT timer is in TSC-deadline
 * mode (SDM 11.5.4.1). 0 disarms; a deadline the guest TSC (ops->tsc)
 * has reached fires at once (as x86_lapic_timer_fired would); a later one
 * arms ops->timer_arm at now + (deadline - TSC) converted with the TSC
 * rate, rounded up so the interrupt never comes before the TSC reaches it.
 */
void x86_lapic_set_tscdeadline(struct x86_lapic *a, u64 tsc);

/* CR8 (MOV from CR8) = TPR[7:4] */
u8 x86_lapic_get_cr8(const struct x86_lapic *a);

/*
 * MOV to CR8: TPR = (@cr8 & 15) << 4 (TPR[3:0] cleared, SDM 11.8.6.1).
 * Lowering it can make an interrupt deliverable: re-check
 * x86_lapic_highest_pending().
 */
void x86_lapic_set_cr8(struct x86_lapic *a, u8 cr8);

/* The processor priority (PPR), e.g. to pick a lowest-priority target */
u8 x86_lapic_ppr(const struct x86_lapic *a);

/* The APIC ID (ID register bits 31:24) */
u8 x86_lapic_id(const struct x86_lapic *a);

/* SVR bit 8: the APIC is software-enabled */
bool x86_lapic_enabled(const struct x86_lapic *a);

/*
 * Does @dest (8 bits of an ICR or I/O APIC destination, the rest ignored)
 * name this APIC? Physical (@logical false): dest == APIC ID, or 0xff
 * (broadcast). Logical: 0xff (broadcast) always; else with DFR flat
 * (bits 31:28 = 0xf) LDR[31:24] & dest != 0; with DFR cluster (0x0) the
 * high nibbles (cluster) equal and the low nibbles share a bit; any other
 * DFR model matches nothing. Independent of the software-enable bit
 * (x86_lapic_accept() checks that).
 */
bool x86_lapic_match_dest(const struct x86_lapic *a, u32 dest, bool logical);

/*
 * The delivery mode of LVT entry @lvt (X86_APIC_DM_*; always FIXED for
 * the timer and error entries), or -1 if it is masked. For the caller's
 * own interrupt sources: a PIC's INTR output reaches the CPU when LINT0
 * says X86_APIC_DM_EXTINT (take the vector from the PIC, bypassing IRR
 * and TPR). When IA32_APIC_BASE disables the APIC altogether, LINT0 is
 * INTR and LINT1 is NMI whatever this says: that is the caller's call.
 */
int x86_lapic_lvt_mode(const struct x86_lapic *a, enum x86_lapic_lvt lvt);

/*
 * A local source signals LVT entry @lvt (an edge on LINT0/LINT1, a
 * thermal or perf-counter event): -1 if the entry is masked; for fixed
 * delivery the vector is accepted here (edge-triggered) and
 * X86_APIC_DM_FIXED returned; otherwise the delivery mode is returned
 * for the caller to deliver (NMI: inject an NMI, ExtINT: take the PIC's
 * vector, SMI/INIT: the caller's choice).
 */
int x86_lapic_lvt_fire(struct x86_lapic *a, enum x86_lapic_lvt lvt);

#endif /* MINIVM_X86_LAPIC_H */
