// SPDX-License-Identifier: GPL-2.0
/*
 * Local APIC (xAPIC) model: registers, interrupt priority, IPIs sent
 * through the caller, and the timer on the caller's clock. The contract
 * of each function is in lapic.h.
 */
#include "lapic.h"

#define NS_PER_S	1000000000ull
#define NS_PER_MS	1000000ull
#define U64_MAX_	(~0ull)

/* Writable bits of each LVT entry (SDM Figure "Local Vector Table") */
static const u32 lvt_writable[X86_LAPIC_NR_LVT] = {
	/* timer: vector, mask, mode (18:17) */
	[X86_LAPIC_LVT_IDX_TIMER]	= 0x000700ff,
	/* thermal, perf: vector, delivery mode, mask */
	[X86_LAPIC_LVT_IDX_THERMAL]	= 0x000107ff,
	[X86_LAPIC_LVT_IDX_PERF]	= 0x000107ff,
	/* LINT0/1: + polarity, trigger mode (remote IRR is read-only) */
	[X86_LAPIC_LVT_IDX_LINT0]	= 0x0001a7ff,
	[X86_LAPIC_LVT_IDX_LINT1]	= 0x0001a7ff,
	/* error: vector, mask */
	[X86_LAPIC_LVT_IDX_ERROR]	= 0x000100ff,
};

/* ICR low: vector, delivery mode, dest mode, level, trigger, shorthand */
#define ICR_LOW_WRITABLE	0x000ccfffu

/* ---- 256-bit vector registers (ISR, TMR, IRR) ---- */

static bool vec_test(const u32 *r, unsigned int v)
{
	return r[v >> 5] & (1u << (v & 31));
}

static void vec_set(u32 *r, unsigned int v)
{
	r[v >> 5] |= 1u << (v & 31);
}

static void vec_clear(u32 *r, unsigned int v)
{
	r[v >> 5] &= ~(1u << (v & 31));
}

static int vec_highest(const u32 *r)
{
	for (int i = 7; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return -1;
}

/* ---- priorities ---- */

/* SDM 11.8.3.1: PPR is TPR, or ISRV's class if that is higher */
static u32 ppr(const struct x86_lapic *a)
{
	int isrv = vec_highest(a->isr);
	u32 isr_class = isrv < 0 ? 0 : (u32)isrv & 0xf0;

	return (a->tpr & 0xf0) >= isr_class ? a->tpr : isr_class;
}

u8 x86_lapic_ppr(const struct x86_lapic *a)
{
	return ppr(a);
}

int x86_lapic_highest_pending(const struct x86_lapic *a)
{
	int irrv = vec_highest(a->irr);

	if (irrv < 0 || ((u32)irrv & 0xf0) <= (ppr(a) & 0xf0))
		return -1;
	return irrv;
}

void x86_lapic_ack(struct x86_lapic *a, u8 vector)
{
	if (!vec_test(a->irr, vector))
		return;
	vec_clear(a->irr, vector);
	vec_set(a->isr, vector);
}

u8 x86_lapic_get_cr8(const struct x86_lapic *a)
{
	return (a->tpr >> 4) & 15;
}

void x86_lapic_set_cr8(struct x86_lapic *a, u8 cr8)
{
	a->tpr = (cr8 & 15u) << 4;
}

u8 x86_lapic_id(const struct x86_lapic *a)
{
	return a->id >> 24;
}

bool x86_lapic_enabled(const struct x86_lapic *a)
{
	return a->svr & X86_LAPIC_SVR_ENABLE;
}

/* ---- acceptance and errors ---- */

/*
 * Record errors; the error LVT interrupts only for bits not already
 * pending. That also ends the recursion when the error vector itself is
 * illegal: its own "received illegal vector" is then already pending.
 */
static void lapic_error(struct x86_lapic *a, u32 bits)
{
	u32 fresh = bits & ~a->esr_pending;
	u32 lvt = a->lvt[X86_LAPIC_LVT_IDX_ERROR];

	a->esr_pending |= bits;
	if (fresh && !(lvt & X86_LAPIC_LVT_MASKED))
		x86_lapic_accept(a, X86_LAPIC_LVT_VEC(lvt), false);
}

bool x86_lapic_accept(struct x86_lapic *a, u8 vector, bool level)
{
	if (vector < 16) {
		lapic_error(a, X86_LAPIC_ESR_RECV_ILLEGAL);
		return false;
	}
	if (!x86_lapic_enabled(a))
		return false;
	vec_set(a->irr, vector);
	if (level)
		vec_set(a->tmr, vector);
	else
		vec_clear(a->tmr, vector);
	return true;
}

int x86_lapic_lvt_mode(const struct x86_lapic *a, enum x86_lapic_lvt lvt)
{
	u32 v;

	if ((unsigned int)lvt >= X86_LAPIC_NR_LVT)
		return -1;
	v = a->lvt[lvt];
	if (v & X86_LAPIC_LVT_MASKED)
		return -1;
	/* the timer and error entries have no delivery mode field */
	if (lvt == X86_LAPIC_LVT_IDX_TIMER || lvt == X86_LAPIC_LVT_IDX_ERROR)
		return X86_APIC_DM_FIXED;
	return X86_LAPIC_LVT_DM(v);
}

int x86_lapic_lvt_fire(struct x86_lapic *a, enum x86_lapic_lvt lvt)
{
	int mode = x86_lapic_lvt_mode(a, lvt);

	if (mode == X86_APIC_DM_FIXED)
		x86_lapic_accept(a, X86_LAPIC_LVT_VEC(a->lvt[lvt]), false);
	return mode;
}

bool x86_lapic_match_dest(const struct x86_lapic *a, u32 dest, bool logical)
{
	u32 ldr = a->ldr >> 24;

	dest &= 0xff;
	if (dest == 0xff)
		return true;
	if (!logical)
		return dest == x86_lapic_id(a);
	switch (a->dfr >> 28) {
	case 0xf:	/* flat: one bit per APIC */
		return (ldr & dest) != 0;
	case 0x0:	/* cluster: 4-bit cluster ID, 4 APICs in each */
		return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf) != 0;
	default:
		return false;
	}
}

/* ---- time arithmetic, overflow-free for counts up to 2^32 * 128 ---- */

static u64 sat_add(u64 a, u64 b)
{
	return b > U64_MAX_ - a ? U64_MAX_ : a + b;
}

/*
 * @ticks of the input clock in ns, rounded down. ticks = q * hz + r with
 * r < hz <= 2^32, so r * 10^9 < 2^62 and only q * 10^9 can overflow.
 */
static u64 ticks_to_ns(const struct x86_lapic *a, u64 ticks)
{
	u64 hz = a->timer_hz;
	u64 q = x86_div64(ticks, hz);
	u64 r = ticks - q * hz;

	if (q > x86_div64(U64_MAX_, NS_PER_S) - 1)
		return U64_MAX_;
	return q * NS_PER_S + x86_div64(r * NS_PER_S, hz);
}

/* How many whole input-clock ticks fit in @ns */
static u64 ns_to_ticks(const struct x86_lapic *a, u64 ns)
{
	u64 hz = a->timer_hz;
	u64 q = x86_div64(ns, NS_PER_S);
	u64 r = ns - q * NS_PER_S;

	if (q > x86_div64(U64_MAX_, hz) - 1)
		return U64_MAX_;
	return q * hz + x86_div64(r * hz, NS_PER_S);
}

/* @delta TSC cycles in ns, rounded up (r * 10^6 < 2^52 for khz < 2^32) */
static u64 tsc_to_ns(const struct x86_lapic *a, u64 delta)
{
	u64 khz = a->tsc_khz ? a->tsc_khz : 1000000;
	u64 q = x86_div64(delta, khz);
	u64 r = delta - q * khz;

	if (q > x86_div64(U64_MAX_, NS_PER_MS) - 1)
		return U64_MAX_;
	return q * NS_PER_MS + x86_div64(r * NS_PER_MS + khz - 1, khz);
}

/* DCR bits 3,1:0 -> log2 of the divisor: 000 = 2 ... 110 = 128, 111 = 1 */
static unsigned int div_shift(const struct x86_lapic *a)
{
	u32 e = ((a->timer_dcr >> 1) & 4) | (a->timer_dcr & 3);

	return e == 7 ? 0 : e + 1;
}

/* ---- the timer ---- */

static u64 now_ns(struct x86_lapic *a)
{
	return a->ops->now_ns(a->opaque);
}

static unsigned int timer_mode(const struct x86_lapic *a)
{
	u32 m = X86_LAPIC_TIMER_MODE(a->lvt[X86_LAPIC_LVT_IDX_TIMER]);

	return m == 3 ? X86_LAPIC_TIMER_ONESHOT : m;
}

static void timer_arm(struct x86_lapic *a, u64 deadline)
{
	if (!deadline)		/* 0 means "cancel" to ops->timer_arm */
		deadline = 1;
	a->timer_armed = true;
	a->timer_deadline = deadline;
	a->ops->timer_arm(a->opaque, deadline);
}

static void timer_disarm(struct x86_lapic *a)
{
	if (!a->timer_armed)
		return;
	a->timer_armed = false;
	a->ops->timer_arm(a->opaque, 0);
}

/* A full period of the initial count, clamped (see MIN_PERIOD_NS) */
static u64 period_ns(const struct x86_lapic *a)
{
	u64 ns = ticks_to_ns(a, (u64)a->timer_icr << div_shift(a));

	return ns < X86_LAPIC_MIN_PERIOD_NS ? X86_LAPIC_MIN_PERIOD_NS : ns;
}

/*
 * Count down from @count, starting at @start. Only a full period is
 * clamped: a short remainder after a divide change is no interrupt storm.
 */
static void timer_start(struct x86_lapic *a, u32 count, u64 start, bool full)
{
	u64 ns = ticks_to_ns(a, (u64)count << div_shift(a));

	if (full && timer_mode(a) == X86_LAPIC_TIMER_PERIODIC)
		ns = period_ns(a);
	a->timer_start = start;
	a->timer_start_count = count;
	timer_arm(a, sat_add(start, ns));
}

static u32 current_count(const struct x86_lapic *a, u64 now)
{
	unsigned int mode = timer_mode(a);
	u64 elapsed, done;
	u32 from;

	if (!a->timer_armed || mode == X86_LAPIC_TIMER_TSC_DEADLINE)
		return 0;
	if (now >= a->timer_deadline) {
		if (mode != X86_LAPIC_TIMER_PERIODIC)
			return 0;
		/* reloaded at the deadline; timer_fired has not run yet */
		elapsed = now - a->timer_deadline;
		elapsed -= x86_div64(elapsed, period_ns(a)) * period_ns(a);
		from = a->timer_icr;
	} else {
		elapsed = now > a->timer_start ? now - a->timer_start : 0;
		from = a->timer_start_count;
	}
	done = ns_to_ticks(a, elapsed) >> div_shift(a);
	return done >= from ? 0 : from - (u32)done;
}

/* The timer's input rate changes: a running count goes on from where it is */
static void timer_set_rate(struct x86_lapic *a, u32 hz, u32 dcr)
{
	bool running = a->timer_armed &&
		       timer_mode(a) != X86_LAPIC_TIMER_TSC_DEADLINE;
	u64 now = 0;
	u32 cur = 0;

	if (running) {
		now = now_ns(a);
		/* past the deadline: let timer_fired reload at the new rate */
		running = now < a->timer_deadline;
		cur = current_count(a, now);
	}
	a->timer_hz = hz;
	a->timer_dcr = dcr;
	if (running)
		timer_start(a, cur, now, false);
}

void x86_lapic_set_timer_hz(struct x86_lapic *a, u32 hz)
{
	timer_set_rate(a, hz < 1000 ? 1000 : hz, a->timer_dcr);
}

void x86_lapic_set_tsc_khz(struct x86_lapic *a, u32 khz)
{
	a->tsc_khz = khz;
}

/* A locally generated LVT interrupt (timer, error): edge, unless masked */
static void lvt_deliver(struct x86_lapic *a, enum x86_lapic_lvt lvt)
{
	u32 v = a->lvt[lvt];

	if (!(v & X86_LAPIC_LVT_MASKED))
		x86_lapic_accept(a, X86_LAPIC_LVT_VEC(v), false);
}

static void tsc_arm(struct x86_lapic *a, u64 tsc_now)
{
	timer_arm(a, sat_add(now_ns(a),
			     tsc_to_ns(a, a->tsc_deadline - tsc_now)));
}

void x86_lapic_timer_fired(struct x86_lapic *a)
{
	unsigned int mode = timer_mode(a);
	u64 now, p, next, tsc;

	if (!a->timer_armed)
		return;
	now = now_ns(a);
	if (now < a->timer_deadline) {
		a->ops->timer_arm(a->opaque, a->timer_deadline);
		return;
	}
	switch (mode) {
	case X86_LAPIC_TIMER_TSC_DEADLINE:
		tsc = a->ops->tsc(a->opaque);
		if (tsc < a->tsc_deadline) {
			tsc_arm(a, tsc);
			return;
		}
		a->timer_armed = false;
		a->tsc_deadline = 0;
		break;
	case X86_LAPIC_TIMER_PERIODIC:
		p = period_ns(a);
		next = sat_add(a->timer_deadline, p);
		if (next <= now)	/* late: skip the periods missed */
			next = sat_add(next,
				       (x86_div64(now - next, p) + 1) * p);
		a->timer_start = next - p;
		a->timer_start_count = a->timer_icr;
		timer_arm(a, next);
		break;
	default:
		a->timer_armed = false;
		break;
	}
	lvt_deliver(a, X86_LAPIC_LVT_IDX_TIMER);
}

u64 x86_lapic_tscdeadline(const struct x86_lapic *a)
{
	if (timer_mode(a) != X86_LAPIC_TIMER_TSC_DEADLINE)
		return 0;
	return a->tsc_deadline;
}

void x86_lapic_set_tscdeadline(struct x86_lapic *a, u64 deadline)
{
	u64 tsc;

	if (timer_mode(a) != X86_LAPIC_TIMER_TSC_DEADLINE)
		return;
	a->tsc_deadline = deadline;
	if (!deadline) {
		timer_disarm(a);
		return;
	}
	tsc = a->ops->tsc(a->opaque);
	if (deadline <= tsc) {
		timer_disarm(a);
		a->tsc_deadline = 0;
		lvt_deliver(a, X86_LAPIC_LVT_IDX_TIMER);
		return;
	}
	tsc_arm(a, tsc);
}

/* ---- registers ---- */

static void write_lvt(struct x86_lapic *a, enum x86_lapic_lvt lvt, u32 val)
{
	val &= lvt_writable[lvt];
	if (!x86_lapic_enabled(a))
		val |= X86_LAPIC_LVT_MASKED;
	if (lvt == X86_LAPIC_LVT_IDX_TIMER &&
	    X86_LAPIC_TIMER_MODE(val) !=
	    X86_LAPIC_TIMER_MODE(a->lvt[X86_LAPIC_LVT_IDX_TIMER])) {
		/* SDM 11.5.4.1: a mode change disarms the timer */
		timer_disarm(a);
		a->timer_icr = 0;
		a->tsc_deadline = 0;
	}
	a->lvt[lvt] = val;
	/*
	 * The SDM lets an illegal fixed vector be flagged as soon as it is
	 * written; only unmasked entries are, so that masking an entry with
	 * vector 0 (as Linux does) is no error.
	 */
	if (!(val & X86_LAPIC_LVT_MASKED) && X86_LAPIC_LVT_VEC(val) < 16 &&
	    (lvt == X86_LAPIC_LVT_IDX_TIMER || lvt == X86_LAPIC_LVT_IDX_ERROR ||
	     X86_LAPIC_LVT_DM(val) == X86_APIC_DM_FIXED))
		lapic_error(a, X86_LAPIC_ESR_RECV_ILLEGAL);
}

static void write_eoi(struct x86_lapic *a)
{
	int v = vec_highest(a->isr);

	if (v < 0)
		return;
	vec_clear(a->isr, v);
	if (vec_test(a->tmr, v) && a->ops->eoi)
		a->ops->eoi(a->opaque, v);
}

static void send_ipi(struct x86_lapic *a)
{
	u32 lo = a->icr_low;
	u32 dm = X86_LAPIC_ICR_DM(lo);
	u8 vec = X86_LAPIC_ICR_VECTOR(lo);

	/* SIPI's vector is a page number: 0..15 are fine there */
	if ((dm == X86_APIC_DM_FIXED || dm == X86_APIC_DM_LOWEST) && vec < 16) {
		lapic_error(a, X86_LAPIC_ESR_SEND_ILLEGAL);
		return;
	}
	if (X86_LAPIC_ICR_SHORTHAND(lo) == X86_LAPIC_SH_SELF) {
		if (dm == X86_APIC_DM_FIXED)
			x86_lapic_accept(a, vec, false);
		return;
	}
	if (a->ops->ipi)
		a->ops->ipi(a->opaque, lo, a->icr_high);
}

static void write_svr(struct x86_lapic *a, u32 val)
{
	/* vector, enable, focus; bit 12 (EOI suppression) not supported */
	a->svr = val & 0x3ff;
	if (!x86_lapic_enabled(a))
		for (int i = 0; i < X86_LAPIC_NR_LVT; i++)
			a->lvt[i] |= X86_LAPIC_LVT_MASKED;
}

static void write_timer_icr(struct x86_lapic *a, u32 val)
{
	/* SDM 11.5.4.1: ignored in TSC-deadline mode */
	if (timer_mode(a) == X86_LAPIC_TIMER_TSC_DEADLINE)
		return;
	a->timer_icr = val;
	if (!val) {
		timer_disarm(a);
		return;
	}
	timer_start(a, val, now_ns(a), true);
}

u32 x86_lapic_read(struct x86_lapic *a, u32 offset)
{
	offset &= 0xffc;
	if (offset & 0xf)
		return 0;	/* bytes 4..15 of a 16-byte register slot */

	if (offset >= X86_LAPIC_ISR && offset < X86_LAPIC_ISR + 0x80)
		return a->isr[(offset - X86_LAPIC_ISR) >> 4];
	if (offset >= X86_LAPIC_TMR && offset < X86_LAPIC_TMR + 0x80)
		return a->tmr[(offset - X86_LAPIC_TMR) >> 4];
	if (offset >= X86_LAPIC_IRR && offset < X86_LAPIC_IRR + 0x80)
		return a->irr[(offset - X86_LAPIC_IRR) >> 4];
	if (offset >= X86_LAPIC_LVT_TIMER && offset <= X86_LAPIC_LVT_ERROR)
		return a->lvt[(offset - X86_LAPIC_LVT_TIMER) >> 4];

	switch (offset) {
	case X86_LAPIC_ID:
		return a->id;
	case X86_LAPIC_VERSION:
		return X86_LAPIC_VERSION_VAL;
	case X86_LAPIC_TPR:
		return a->tpr;
	case X86_LAPIC_APR:	/* lowest-priority arbitration: not modelled */
	case X86_LAPIC_EOI:	/* write-only */
	case X86_LAPIC_RRD:	/* remote read: no APIC bus */
		return 0;
	case X86_LAPIC_PPR:
		return ppr(a);
	case X86_LAPIC_LDR:
		return a->ldr;
	case X86_LAPIC_DFR:
		return a->dfr;
	case X86_LAPIC_SVR:
		return a->svr;
	case X86_LAPIC_ESR:
		return a->esr;
	case X86_LAPIC_ICR_LOW:
		return a->icr_low;
	case X86_LAPIC_ICR_HIGH:
		return a->icr_high;
	case X86_LAPIC_TIMER_ICR:
		return a->timer_icr;
	case X86_LAPIC_TIMER_CCR:
		if (!a->timer_armed)
			return 0;
		return current_count(a, now_ns(a));
	case X86_LAPIC_TIMER_DCR:
		return a->timer_dcr;
	default:
		lapic_error(a, X86_LAPIC_ESR_ILLEGAL_REG);
		return 0;
	}
}

void x86_lapic_write(struct x86_lapic *a, u32 offset, u32 val)
{
	offset &= 0xffc;
	if (offset & 0xf)
		return;

	if ((offset >= X86_LAPIC_ISR && offset < X86_LAPIC_IRR + 0x80) ||
	    offset == X86_LAPIC_VERSION || offset == X86_LAPIC_APR ||
	    offset == X86_LAPIC_PPR || offset == X86_LAPIC_RRD ||
	    offset == X86_LAPIC_TIMER_CCR)
		return;		/* read-only */
	if (offset >= X86_LAPIC_LVT_TIMER && offset <= X86_LAPIC_LVT_ERROR) {
		write_lvt(a, (offset - X86_LAPIC_LVT_TIMER) >> 4, val);
		return;
	}

	switch (offset) {
	case X86_LAPIC_ID:
		/* writable in xAPIC mode on many CPUs, as in KVM */
		a->id = val & 0xff000000;
		break;
	case X86_LAPIC_TPR:
		a->tpr = val & 0xff;
		break;
	case X86_LAPIC_EOI:
		write_eoi(a);
		break;
	case X86_LAPIC_LDR:
		a->ldr = val & 0xff000000;
		break;
	case X86_LAPIC_DFR:
		a->dfr = (val & 0xf0000000) | 0x0fffffff;
		break;
	case X86_LAPIC_SVR:
		write_svr(a, val);
		break;
	case X86_LAPIC_ESR:
		a->esr = a->esr_pending;
		a->esr_pending = 0;
		break;
	case X86_LAPIC_ICR_LOW:
		a->icr_low = val & ICR_LOW_WRITABLE;
		send_ipi(a);
		break;
	case X86_LAPIC_ICR_HIGH:
		a->icr_high = val & 0xff000000;
		break;
	case X86_LAPIC_TIMER_ICR:
		write_timer_icr(a, val);
		break;
	case X86_LAPIC_TIMER_DCR:
		val &= 0xb;
		if (val != a->timer_dcr)
			timer_set_rate(a, a->timer_hz, val);
		break;
	default:
		lapic_error(a, X86_LAPIC_ESR_ILLEGAL_REG);
		break;
	}
}

/* ---- reset ---- */

void x86_lapic_reset(struct x86_lapic *a, u32 apic_id, bool bsp)
{
	const struct x86_lapic_ops *ops = a->ops;
	void *opaque = a->opaque;
	u32 hz = a->timer_hz, khz = a->tsc_khz;

	timer_disarm(a);
	memset(a, 0, sizeof(*a));
	a->ops = ops;
	a->opaque = opaque;
	a->timer_hz = hz;
	a->tsc_khz = khz;

	a->id = (apic_id & 0xff) << 24;
	a->dfr = 0xffffffff;
	a->svr = 0xff;
	for (int i = 0; i < X86_LAPIC_NR_LVT; i++)
		a->lvt[i] = X86_LAPIC_LVT_MASKED;
	if (bsp) {
		a->lvt[X86_LAPIC_LVT_IDX_LINT0] = X86_APIC_DM_EXTINT << 8;
		a->lvt[X86_LAPIC_LVT_IDX_LINT1] = X86_APIC_DM_NMI << 8;
	}
}

void x86_lapic_init(struct x86_lapic *a, const struct x86_lapic_ops *ops,
		    void *opaque, u32 apic_id, bool bsp)
{
	memset(a, 0, sizeof(*a));
	a->ops = ops;
	a->opaque = opaque;
	a->timer_hz = X86_LAPIC_DEFAULT_TIMER_HZ;
	x86_lapic_reset(a, apic_id, bsp);
}
