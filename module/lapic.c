// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel local APIC of a vCPU: the register model of x86/lapic.c
 * bound to a clock, an hrtimer, the vCPU's run loop and the other vCPUs.
 *
 * Threads. The model is touched only by the vCPU's own thread (under
 * vcpu->mutex: MMIO, CR8 and MSR exits, and the sync before each entry).
 * Everything that comes from elsewhere is posted instead and moved into
 * the model by minivm_lapic_sync():
 *  - interrupts from the I/O APIC, from another vCPU's IPI or from
 *    MINIVM_NMI set bits in @posted / @nmi (atomic bit operations);
 *  - the hrtimer (hard interrupt context) sets @timer_fired.
 * Each poster then kicks the vCPU: a halted one is woken, one in guest
 * mode on another CPU gets a reschedule IPI, which makes the CPU leave
 * the guest (external-interrupt exiting) and come back through sync.
 *
 * The race between "post, then kick" and "check, then enter" is closed
 * the way KVM closes it: the vCPU writes mode = IN_GUEST, then (full
 * barrier) checks has_work(); the poster sets its bit, then (full
 * barrier) reads mode. Either the vCPU sees the bit, or the poster sees
 * IN_GUEST and sends the IPI, which the CPU takes as soon as it is in the
 * guest with interrupts off no longer.
 */
#include <linux/hrtimer.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <asm/tsc.h>

#include "minivm.h"
#include "trace.h"
#include "x86/lapic.h"

struct minivm_lapic {
	struct minivm_vcpu *vcpu;
	struct x86_lapic model;		/* the vCPU thread's */
	struct hrtimer timer;
	u64 timer_deadline;		/* ns; what timer holds, 0 none */

	/* posted by anyone, taken by sync */
	unsigned long posted[BITS_TO_LONGS(256)];
	unsigned long posted_level[BITS_TO_LONGS(256)];
	unsigned long flags;		/* LAPIC_F_* bits */

	/*
	 * The model's destination registers, for other threads' delivery
	 * (minivm_lapic_match): rewritten by the vCPU thread after each
	 * APIC write, read with READ_ONCE.
	 */
	u32 dest_id, dest_ldr, dest_dfr;
	bool dest_enabled;
};

#define LAPIC_F_POSTED		0	/* something in @posted */
#define LAPIC_F_TIMER		1	/* the hrtimer fired */
#define LAPIC_F_NMI		2	/* an NMI to inject */

static struct minivm_lapic *to_lapic(void *opaque)
{
	return opaque;
}

static u64 lapic_now_ns(void *opaque)
{
	return ktime_get_ns();
}

static u64 lapic_tsc(void *opaque)
{
	return minivm_backend->guest_tsc(to_lapic(opaque)->vcpu);
}

static void lapic_timer_arm(void *opaque, u64 deadline_ns)
{
	struct minivm_lapic *apic = to_lapic(opaque);

	apic->timer_deadline = deadline_ns;
	if (!deadline_ns) {
		hrtimer_try_to_cancel(&apic->timer);
		return;
	}
	hrtimer_start(&apic->timer, ns_to_ktime(deadline_ns),
		      HRTIMER_MODE_ABS_HARD);
}

/*
 * An IPI the guest sent: routed like an I/O APIC message (irqchip.c),
 * the shorthands as the destination "all" (0xff physical), without the
 * sender for all-but-self. INIT and SIPI (starting application
 * processors) are not implemented yet: dropped there. IPIs are edge
 * triggered (the xAPIC ignores the ICR's trigger mode for them).
 */
static void lapic_ipi(void *opaque, u32 icr_low, u32 icr_high)
{
	struct minivm_lapic *apic = to_lapic(opaque);
	unsigned int sh = X86_LAPIC_ICR_SHORTHAND(icr_low);
	u32 dest = X86_LAPIC_ICR_DEST(icr_high);
	bool logical = icr_low & X86_LAPIC_ICR_LOGICAL;

	if (sh != X86_LAPIC_SH_NONE) {
		dest = 0xff;
		logical = false;
	}
	minivm_stat_inc(&apic->vcpu->stats.ipis_sent);
	minivm_deliver_irq(apic->vcpu->vm, dest, logical,
			   X86_LAPIC_ICR_VECTOR(icr_low),
			   X86_LAPIC_ICR_DM(icr_low), false,
			   sh == X86_LAPIC_SH_OTHERS ? apic->vcpu : NULL);
}

static void lapic_eoi(void *opaque, u8 vector)
{
	minivm_ioapic_eoi(to_lapic(opaque)->vcpu->vm, vector);
}

static const struct x86_lapic_ops lapic_ops = {
	.now_ns		= lapic_now_ns,
	.tsc		= lapic_tsc,
	.timer_arm	= lapic_timer_arm,
	.ipi		= lapic_ipi,
	.eoi		= lapic_eoi,
};

static enum hrtimer_restart lapic_timer_fn(struct hrtimer *t)
{
	struct minivm_lapic *apic = container_of(t, struct minivm_lapic, timer);

	trace_minivm_apic_timer(apic->vcpu);
	set_bit(LAPIC_F_TIMER, &apic->flags);
	minivm_vcpu_kick(apic->vcpu);
	return HRTIMER_NORESTART;
}

static void lapic_update_dest(struct minivm_lapic *apic)
{
	WRITE_ONCE(apic->dest_id, x86_lapic_id(&apic->model));
	WRITE_ONCE(apic->dest_ldr, x86_lapic_read(&apic->model, X86_LAPIC_LDR));
	WRITE_ONCE(apic->dest_dfr, x86_lapic_read(&apic->model, X86_LAPIC_DFR));
	WRITE_ONCE(apic->dest_enabled, x86_lapic_enabled(&apic->model));
}

int minivm_lapic_create(struct minivm_vcpu *vcpu)
{
	struct minivm_lapic *apic;

	apic = kzalloc(sizeof(*apic), GFP_KERNEL_ACCOUNT);
	if (!apic)
		return -ENOMEM;
	apic->vcpu = vcpu;
	hrtimer_init(&apic->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	apic->timer.function = lapic_timer_fn;
	x86_lapic_init(&apic->model, &lapic_ops, apic, vcpu->id, vcpu->id == 0);
	/* the core crystal clock CPUID 0x15 reports (cpuid.c) */
	x86_lapic_set_timer_hz(&apic->model, minivm_crystal_hz(NULL));
	x86_lapic_set_tsc_khz(&apic->model, tsc_khz);
	lapic_update_dest(apic);
	vcpu->apic = apic;
	return 0;
}

/* The vCPU is unreachable (out of vm->vcpus): nobody posts any more. */
void minivm_lapic_free(struct minivm_vcpu *vcpu)
{
	if (!vcpu->apic)
		return;
	hrtimer_cancel(&vcpu->apic->timer);
	kfree(vcpu->apic);
	vcpu->apic = NULL;
}

/*
 * The reschedule IPI: its handler does nothing a running guest would
 * notice, but the interrupt makes the CPU leave VMX non-root mode. 6.3
 * put a tracepoint into smp_send_reschedule() that a module cannot use;
 * the x86 function underneath is the same IPI.
 */
static void kick_cpu(int cpu)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	arch_smp_send_reschedule(cpu);
#else
	smp_send_reschedule(cpu);
#endif
}

void minivm_vcpu_kick(struct minivm_vcpu *vcpu)
{
	int cpu;

	wake_up(&vcpu->wait);
	/* Pairs with the barrier between mode = IN_GUEST and has_work(). */
	smp_mb();
	if (READ_ONCE(vcpu->mode) != MINIVM_IN_GUEST)
		return;
	cpu = READ_ONCE(vcpu->cpu);
	if (cpu != raw_smp_processor_id() && cpu_online(cpu))
		kick_cpu(cpu);
}

void minivm_lapic_post(struct minivm_vcpu *vcpu, u8 vector, bool level)
{
	struct minivm_lapic *apic = vcpu->apic;

	if (level)
		set_bit(vector, apic->posted_level);
	set_bit(vector, apic->posted);
	set_bit(LAPIC_F_POSTED, &apic->flags);
	minivm_vcpu_kick(vcpu);
}

void minivm_lapic_post_nmi(struct minivm_vcpu *vcpu)
{
	set_bit(LAPIC_F_NMI, &vcpu->apic->flags);
	minivm_vcpu_kick(vcpu);
}

bool minivm_lapic_match(struct minivm_vcpu *vcpu, u32 dest, bool logical)
{
	struct minivm_lapic *apic = vcpu->apic;
	u32 ldr, dfr;

	if (!logical)
		return dest == 0xff || dest == READ_ONCE(apic->dest_id);
	if (!READ_ONCE(apic->dest_enabled))
		return false;
	ldr = READ_ONCE(apic->dest_ldr) >> 24;
	dfr = READ_ONCE(apic->dest_dfr) >> 28;
	if (dest == 0xff)
		return true;
	if (dfr == 0xf)				/* flat */
		return ldr & dest;
	/* cluster: the high nibble names the cluster, the low one members */
	return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);
}

void minivm_lapic_sync(struct minivm_vcpu *vcpu)
{
	struct minivm_lapic *apic = vcpu->apic;
	unsigned int vec;

	if (!apic)
		return;
	if (test_and_clear_bit(LAPIC_F_TIMER, &apic->flags))
		x86_lapic_timer_fired(&apic->model);
	if (!test_and_clear_bit(LAPIC_F_POSTED, &apic->flags))
		return;
	for_each_set_bit(vec, apic->posted, 256) {
		if (!test_and_clear_bit(vec, apic->posted))
			continue;
		x86_lapic_accept(&apic->model, vec,
				 test_and_clear_bit(vec, apic->posted_level));
	}
}

bool minivm_lapic_has_work(struct minivm_vcpu *vcpu)
{
	struct minivm_lapic *apic = vcpu->apic;

	return apic && (READ_ONCE(apic->flags) &
			(BIT(LAPIC_F_POSTED) | BIT(LAPIC_F_TIMER)));
}

int minivm_lapic_pending(struct minivm_vcpu *vcpu)
{
	return vcpu->apic ? x86_lapic_highest_pending(&vcpu->apic->model) : -1;
}

void minivm_lapic_ack(struct minivm_vcpu *vcpu, u8 vector)
{
	x86_lapic_ack(&vcpu->apic->model, vector);
}

bool minivm_lapic_take_nmi(struct minivm_vcpu *vcpu)
{
	return vcpu->apic && test_and_clear_bit(LAPIC_F_NMI, &vcpu->apic->flags);
}

u8 minivm_lapic_get_cr8(struct minivm_vcpu *vcpu)
{
	return x86_lapic_get_cr8(&vcpu->apic->model);
}

void minivm_lapic_set_cr8(struct minivm_vcpu *vcpu, u8 cr8)
{
	x86_lapic_set_cr8(&vcpu->apic->model, cr8);
}

u64 minivm_lapic_get_tscdeadline(struct minivm_vcpu *vcpu)
{
	return x86_lapic_tscdeadline(&vcpu->apic->model);
}

void minivm_lapic_set_tscdeadline(struct minivm_vcpu *vcpu, u64 tsc)
{
	x86_lapic_set_tscdeadline(&vcpu->apic->model, tsc);
}

/*
 * The APIC page, when IA32_APIC_BASE enables the APIC at its default
 * address (relocating it is not supported: the page stays at
 * MINIVM_LAPIC_GPA). Registers are 32 bits wide at 16-byte strides;
 * narrower or unaligned accesses read as zeros and are ignored, wider
 * ones see the register in their low half.
 */
static bool lapic_mmio(struct minivm_vcpu *vcpu, u64 gpa, void *data,
		       unsigned int len, bool write)
{
	struct minivm_lapic *apic = vcpu->apic;
	u64 base = vcpu->msrs.apic_base;
	u32 off = gpa & 0xfff, val = 0;

	if (!(base & MSR_IA32_APICBASE_ENABLE) ||
	    (gpa & PAGE_MASK) != MINIVM_LAPIC_GPA)
		return false;
	if (write) {
		if (len >= 4 && !(off & 3)) {
			memcpy(&val, data, 4);
			x86_lapic_write(&apic->model, off, val);
			lapic_update_dest(apic);
		}
		return true;
	}
	memset(data, 0, len);
	if (len >= 4 && !(off & 3)) {
		val = x86_lapic_read(&apic->model, off);
		memcpy(data, &val, 4);
	}
	return true;
}

bool minivm_irqchip_mmio(struct minivm_vcpu *vcpu, u64 gpa, void *data,
			 unsigned int len, bool write)
{
	if (!vcpu->apic)
		return false;
	if (!lapic_mmio(vcpu, gpa, data, len, write) &&
	    !minivm_ioapic_mmio(vcpu->vm, gpa, data, len, write))
		return false;
	minivm_stat_inc(&vcpu->stats.mmio_in_kernel);
	return true;
}

/*
 * A halted vCPU (HLT with RFLAGS.IF set): sleep until the APIC has an
 * interrupt to give or an NMI is posted, which ends the halt (the backend
 * injects it on the way in), or until a signal, which leaves the vCPU
 * halted: the RUN loop returns EINTR and the next RUN sleeps again.
 */
void minivm_vcpu_block(struct minivm_vcpu *vcpu)
{
	struct minivm_lapic *apic = vcpu->apic;
	u64 start;

	minivm_lapic_sync(vcpu);
	if (minivm_lapic_pending(vcpu) >= 0 ||
	    test_bit(LAPIC_F_NMI, &apic->flags)) {
		vcpu->halted = false;
		minivm_stat_inc(&vcpu->stats.halt_wakeup);
		trace_minivm_halt_wake(vcpu);
		return;
	}
	trace_minivm_halt_sleep(vcpu);
	/* Only a halt that sleeps pays for the clock. */
	start = ktime_get_ns();
	wait_event_interruptible(vcpu->wait, minivm_lapic_has_work(vcpu) ||
				 test_bit(LAPIC_F_NMI, &apic->flags));
	minivm_stat_add(&vcpu->stats.halt_wait_ns, ktime_get_ns() - start);
}
