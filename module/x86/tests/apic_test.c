// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the local APIC and I/O APIC models (module/x86/
 * lapic.c, ioapic.c): a fake clock and TSC, recorded timer_arm/ipi/eoi/
 * deliver callbacks, and the register, priority, timer, IPI, destination
 * and pin rules the models promise in their headers.
 */
#include <stdio.h>
#include <stdarg.h>
#include "../lapic.h"
#include "../ioapic.h"

/* ---- TAP ---- */

static int ntest, nfail;

static bool ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	ntest++;
	if (!cond)
		nfail++;
	printf("%sok %d - ", cond ? "" : "not ", ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

/* ---- the fake vCPU around one local APIC ---- */

#define T0	1000000000ull	/* the fake clock's start: 1 s */

static u64 now, tsc;
static u64 armed;		/* the last timer_arm deadline (0: cancelled) */
static int narm;		/* timer_arm calls */
static struct { u32 lo, hi; } ipis[16];
static int nipi;
static u8 eois[16];
static int neoi;
static struct x86_lapic *ipi_loopback;	/* accept all-incl-self IPIs here */
static struct x86_ioapic *eoi_to;	/* forward level EOIs to it */

static u64 f_now(void *o) { (void)o; return now; }
static u64 f_tsc(void *o) { (void)o; return tsc; }

static void f_timer_arm(void *o, u64 d)
{
	(void)o;
	armed = d;
	narm++;
}

static void f_ipi(void *o, u32 lo, u32 hi)
{
	(void)o;
	if (nipi < 16)
		ipis[nipi] = (typeof(ipis[0])){ lo, hi };
	nipi++;
	if (ipi_loopback && X86_LAPIC_ICR_SHORTHAND(lo) == X86_LAPIC_SH_ALL)
		x86_lapic_accept(ipi_loopback, X86_LAPIC_ICR_VECTOR(lo), false);
}

static void f_eoi(void *o, u8 v)
{
	(void)o;
	if (neoi < 16)
		eois[neoi] = v;
	neoi++;
	if (eoi_to)
		x86_ioapic_eoi(eoi_to, v);
}

static const struct x86_lapic_ops lops = {
	.now_ns = f_now, .tsc = f_tsc, .timer_arm = f_timer_arm,
	.ipi = f_ipi, .eoi = f_eoi,
};

static void clear_log(void)
{
	armed = 0;
	narm = 0;
	nipi = 0;
	neoi = 0;
}

/* A fresh, software-enabled APIC (SVR 0x1ff) with ID @id */
static void fresh(struct x86_lapic *a, u32 id)
{
	now = T0;
	tsc = 5000000;
	ipi_loopback = NULL;
	eoi_to = NULL;
	x86_lapic_init(a, &lops, NULL, id, false);
	x86_lapic_write(a, X86_LAPIC_SVR, 0x1ff);
	clear_log();
}

static bool irr(struct x86_lapic *a, unsigned int v)
{
	return x86_lapic_read(a, X86_LAPIC_IRR + (v / 32) * 0x10) &
	       (1u << (v % 32));
}

static bool isr(struct x86_lapic *a, unsigned int v)
{
	return x86_lapic_read(a, X86_LAPIC_ISR + (v / 32) * 0x10) &
	       (1u << (v % 32));
}

static bool tmr(struct x86_lapic *a, unsigned int v)
{
	return x86_lapic_read(a, X86_LAPIC_TMR + (v / 32) * 0x10) &
	       (1u << (v % 32));
}

static bool vectors_empty(struct x86_lapic *a)
{
	for (int i = 0; i < 8; i++)
		if (x86_lapic_read(a, X86_LAPIC_ISR + i * 0x10) ||
		    x86_lapic_read(a, X86_LAPIC_TMR + i * 0x10) ||
		    x86_lapic_read(a, X86_LAPIC_IRR + i * 0x10))
			return false;
	return true;
}

/* ESR, the SDM way: write, then read */
static u32 esr(struct x86_lapic *a)
{
	x86_lapic_write(a, X86_LAPIC_ESR, 0);
	return x86_lapic_read(a, X86_LAPIC_ESR);
}

/* Take the highest pending interrupt, as the CPU would */
static int take(struct x86_lapic *a)
{
	int v = x86_lapic_highest_pending(a);

	if (v >= 0)
		x86_lapic_ack(a, v);
	return v;
}

/* ---- reset ---- */

static const u32 lvt_regs[X86_LAPIC_NR_LVT] = {
	X86_LAPIC_LVT_TIMER, X86_LAPIC_LVT_THERMAL, X86_LAPIC_LVT_PERF,
	X86_LAPIC_LVT_LINT0, X86_LAPIC_LVT_LINT1, X86_LAPIC_LVT_ERROR,
};

static void test_reset(void)
{
	static const struct { u32 off, val; const char *name; } want[] = {
		{ X86_LAPIC_ID, 0x07000000, "ID" },
		{ X86_LAPIC_VERSION, 0x00050014, "version" },
		{ X86_LAPIC_TPR, 0, "TPR" },
		{ X86_LAPIC_APR, 0, "APR" },
		{ X86_LAPIC_PPR, 0, "PPR" },
		{ X86_LAPIC_LDR, 0, "LDR" },
		{ X86_LAPIC_DFR, 0xffffffff, "DFR" },
		{ X86_LAPIC_SVR, 0xff, "SVR" },
		{ X86_LAPIC_ESR, 0, "ESR" },
		{ X86_LAPIC_ICR_LOW, 0, "ICR low" },
		{ X86_LAPIC_ICR_HIGH, 0, "ICR high" },
		{ X86_LAPIC_LVT_TIMER, 0x10000, "LVT timer" },
		{ X86_LAPIC_LVT_THERMAL, 0x10000, "LVT thermal" },
		{ X86_LAPIC_LVT_PERF, 0x10000, "LVT perf" },
		{ X86_LAPIC_LVT_LINT0, 0x10000, "LVT LINT0" },
		{ X86_LAPIC_LVT_LINT1, 0x10000, "LVT LINT1" },
		{ X86_LAPIC_LVT_ERROR, 0x10000, "LVT error" },
		{ X86_LAPIC_TIMER_ICR, 0, "initial count" },
		{ X86_LAPIC_TIMER_CCR, 0, "current count" },
		{ X86_LAPIC_TIMER_DCR, 0, "divide configuration" },
	};
	struct x86_lapic a;

	now = T0;
	clear_log();
	x86_lapic_init(&a, &lops, NULL, 7, false);
	ok(narm == 0, "init calls no op");
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		u32 v = x86_lapic_read(&a, want[i].off);

		ok(v == want[i].val, "reset: %s = %#x (got %#x)", want[i].name,
		   want[i].val, v);
	}
	ok(vectors_empty(&a), "reset: ISR, TMR, IRR all 0");
	ok(!x86_lapic_enabled(&a) && x86_lapic_id(&a) == 7 &&
	   x86_lapic_tscdeadline(&a) == 0 && x86_lapic_get_cr8(&a) == 0,
	   "reset: software-disabled, ID 7, TSC deadline 0, CR8 0");
	for (int i = 0; i < X86_LAPIC_NR_LVT; i++)
		ok(x86_lapic_lvt_mode(&a, i) == -1, "reset: LVT %d masked", i);

	x86_lapic_init(&a, &lops, NULL, 0, true);
	ok(x86_lapic_read(&a, X86_LAPIC_LVT_LINT0) == 0x700 &&
	   x86_lapic_read(&a, X86_LAPIC_LVT_LINT1) == 0x400 &&
	   x86_lapic_read(&a, X86_LAPIC_LVT_TIMER) == 0x10000 &&
	   x86_lapic_read(&a, X86_LAPIC_SVR) == 0xff,
	   "bsp reset: virtual wire (LINT0 ExtINT, LINT1 NMI), others masked, SVR 0xff");
	ok(x86_lapic_lvt_mode(&a, X86_LAPIC_LVT_IDX_LINT0) == X86_APIC_DM_EXTINT &&
	   x86_lapic_lvt_mode(&a, X86_LAPIC_LVT_IDX_LINT1) == X86_APIC_DM_NMI,
	   "bsp reset: a PIC reaches the CPU through LINT0, NMI through LINT1");

	/* dirty everything, then reset again */
	fresh(&a, 1);
	x86_lapic_set_timer_hz(&a, 25000000);
	x86_lapic_set_tsc_khz(&a, 3000000);
	x86_lapic_write(&a, X86_LAPIC_TPR, 0x20);
	x86_lapic_write(&a, X86_LAPIC_LDR, 0x01000000);
	x86_lapic_write(&a, X86_LAPIC_DFR, 0);
	x86_lapic_write(&a, X86_LAPIC_LVT_TIMER, 0x20030);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1000);
	x86_lapic_accept(&a, 0x40, true);
	take(&a);
	x86_lapic_accept(&a, 0x50, false);
	x86_lapic_write(&a, X86_LAPIC_LVT_ERROR, 0xfe);
	x86_lapic_read(&a, 0x10);	/* an error pending */
	clear_log();
	x86_lapic_reset(&a, 1, false);
	ok(narm == 1 && armed == 0, "reset cancels a running timer");
	ok(vectors_empty(&a) && x86_lapic_read(&a, X86_LAPIC_TPR) == 0 &&
	   x86_lapic_read(&a, X86_LAPIC_LDR) == 0 &&
	   x86_lapic_read(&a, X86_LAPIC_DFR) == 0xffffffff &&
	   x86_lapic_read(&a, X86_LAPIC_LVT_TIMER) == 0x10000 &&
	   x86_lapic_read(&a, X86_LAPIC_TIMER_ICR) == 0 && esr(&a) == 0,
	   "reset clears vectors, TPR, LDR, DFR, LVTs, count, pending errors");
	ok(a.timer_hz == 25000000 && a.tsc_khz == 3000000 && a.ops == &lops,
	   "reset keeps the timer and TSC rates and the ops");
	clear_log();
	x86_lapic_reset(&a, 1, false);
	ok(narm == 0, "reset with the timer stopped calls no op");
}

/* ---- register read/write rules ---- */

static void test_registers(void)
{
	static const struct {
		u32 off, write, read;
		const char *name;
	} rw[] = {
		{ X86_LAPIC_ID, 0xffffffff, 0xff000000, "ID: bits 31:24" },
		{ X86_LAPIC_ID, 0x00ffffff, 0x00000000, "ID: low bits reserved" },
		{ X86_LAPIC_TPR, 0xffffffff, 0xff, "TPR: bits 7:0" },
		{ X86_LAPIC_LDR, 0x12345678, 0x12000000, "LDR: bits 31:24" },
		{ X86_LAPIC_DFR, 0x00000000, 0x0fffffff, "DFR: cluster, 27:0 read 1" },
		{ X86_LAPIC_DFR, 0x12345678, 0x1fffffff, "DFR: only 31:28 writable" },
		{ X86_LAPIC_SVR, 0xffffffff, 0x3ff, "SVR: vector, enable, focus" },
		{ X86_LAPIC_SVR, 0x1ff, 0x1ff, "SVR: 0x1ff" },
		{ X86_LAPIC_ICR_HIGH, 0xffffffff, 0xff000000, "ICR high: destination" },
		{ X86_LAPIC_LVT_TIMER, 0xffffffff, 0x000700ff, "LVT timer: vector, mask, mode" },
		{ X86_LAPIC_LVT_THERMAL, 0xffffffff, 0x000107ff,
		  "LVT thermal: vector, mode, mask" },
		{ X86_LAPIC_LVT_PERF, 0xffffffff, 0x000107ff, "LVT perf: vector, mode, mask" },
		{ X86_LAPIC_LVT_LINT0, 0xffffffff, 0x0001a7ff, "LVT LINT0: + polarity, trigger" },
		{ X86_LAPIC_LVT_LINT1, 0xffffffff, 0x0001a7ff, "LVT LINT1: + polarity, trigger" },
		{ X86_LAPIC_LVT_ERROR, 0xffffffff, 0x000100ff, "LVT error: vector, mask" },
		{ X86_LAPIC_LVT_LINT0, 0x00004000, 0x00000000, "LVT LINT0: remote IRR read-only" },
		{ X86_LAPIC_LVT_THERMAL, 0x00001000, 0x00000000, "LVT: delivery status read-only" },
		{ X86_LAPIC_TIMER_DCR, 0xffffffff, 0xb, "DCR: bits 3, 1:0" },
		{ X86_LAPIC_TIMER_ICR, 0x12345678, 0x12345678, "initial count: 32 bits" },
	};
	static const struct { u32 off; const char *name; } ro[] = {
		{ X86_LAPIC_VERSION, "version" }, { X86_LAPIC_APR, "APR" },
		{ X86_LAPIC_PPR, "PPR" }, { X86_LAPIC_RRD, "remote read" },
		{ X86_LAPIC_ISR, "ISR 0" }, { X86_LAPIC_ISR + 0x70, "ISR 7" },
		{ X86_LAPIC_TMR, "TMR 0" }, { X86_LAPIC_TMR + 0x70, "TMR 7" },
		{ X86_LAPIC_IRR, "IRR 0" }, { X86_LAPIC_IRR + 0x70, "IRR 7" },
		{ X86_LAPIC_TIMER_CCR, "current count" },
	};
	static const u32 reserved[] = {
		0x000, 0x010, 0x040, 0x050, 0x060, 0x070, 0x290, 0x2e0,
		X86_LAPIC_LVT_CMCI, 0x3a0, 0x3d0, 0x3f0, 0x400, 0x800, 0xff0,
	};
	struct x86_lapic a;

	for (size_t i = 0; i < ARRAY_SIZE(rw); i++) {
		u32 v;

		fresh(&a, 0);
		x86_lapic_write(&a, rw[i].off, rw[i].write);
		v = x86_lapic_read(&a, rw[i].off);
		ok(v == rw[i].read, "%s: write %#x reads %#x (got %#x)",
		   rw[i].name, rw[i].write, rw[i].read, v);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
		u32 before, after;

		fresh(&a, 0);
		before = x86_lapic_read(&a, ro[i].off);
		x86_lapic_write(&a, ro[i].off, 0xffffffff);
		after = x86_lapic_read(&a, ro[i].off);
		ok(before == after && vectors_empty(&a) && esr(&a) == 0,
		   "%s is read-only (%#x), no error", ro[i].name, after);
	}
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
		u32 v, e1, e2;

		fresh(&a, 0);
		v = x86_lapic_read(&a, reserved[i]);
		e1 = esr(&a);
		x86_lapic_write(&a, reserved[i], 0xffffffff);
		e2 = esr(&a);
		ok(v == 0 && e1 == X86_LAPIC_ESR_ILLEGAL_REG &&
		   e2 == X86_LAPIC_ESR_ILLEGAL_REG && x86_lapic_read(&a, reserved[i]) == 0,
		   "reserved %#x: reads 0, read and write set ESR illegal register (%#x %#x)",
		   reserved[i], e1, e2);
	}

	fresh(&a, 0);
	x86_lapic_write(&a, X86_LAPIC_TPR, 0x55);
	ok(x86_lapic_read(&a, X86_LAPIC_TPR + 4) == 0 &&
	   x86_lapic_read(&a, X86_LAPIC_TPR + 0xc) == 0 && esr(&a) == 0,
	   "bytes 4..15 of a register slot read 0, no error");
	x86_lapic_write(&a, X86_LAPIC_TPR + 4, 0x11);
	ok(x86_lapic_read(&a, X86_LAPIC_TPR) == 0x55,
	   "a write to bytes 4..15 of a slot is ignored");
	ok(x86_lapic_read(&a, 0x1000 + X86_LAPIC_TPR) == 0x55,
	   "the offset is taken within the 4 KiB page");
	ok(x86_lapic_read(&a, X86_LAPIC_EOI) == 0 && esr(&a) == 0,
	   "EOI (write-only) reads 0, no error");
	x86_lapic_write(&a, X86_LAPIC_ID, 0x05000000);
	ok(x86_lapic_id(&a) == 5 && x86_lapic_match_dest(&a, 5, false),
	   "an ID write changes the ID used for physical destinations");
	x86_lapic_write(&a, X86_LAPIC_ICR_LOW, 0xffffffff);
	ok(x86_lapic_read(&a, X86_LAPIC_ICR_LOW) == 0x000ccfff,
	   "ICR low: reserved bits and delivery status read 0 (%#x)",
	   x86_lapic_read(&a, X86_LAPIC_ICR_LOW));
}

/* ---- ESR ---- */

static void test_esr(void)
{
	struct x86_lapic a;

	fresh(&a, 0);
	ok(!x86_lapic_accept(&a, 5, false) && vectors_empty(&a),
	   "accept of vector 5 fails, no IRR bit below 16");
	ok(x86_lapic_read(&a, X86_LAPIC_ESR) == 0,
	   "ESR reads 0 until it is written");
	ok(esr(&a) == X86_LAPIC_ESR_RECV_ILLEGAL,
	   "write-then-read: received illegal vector");
	ok(x86_lapic_read(&a, X86_LAPIC_ESR) == X86_LAPIC_ESR_RECV_ILLEGAL,
	   "ESR keeps reading it");
	ok(esr(&a) == 0, "back-to-back writes clear it");

	for (unsigned int v = 0; v < 16; v++)
		x86_lapic_accept(&a, v, v & 1);
	ok(vectors_empty(&a) && esr(&a) == X86_LAPIC_ESR_RECV_ILLEGAL,
	   "vectors 0..15 are all illegal, edge or level");
	ok(x86_lapic_accept(&a, 16, false) && irr(&a, 16) && esr(&a) == 0,
	   "vector 16 is legal");

	/* the error interrupt */
	fresh(&a, 0);
	x86_lapic_write(&a, X86_LAPIC_LVT_ERROR, 0xfe);
	x86_lapic_accept(&a, 3, false);
	ok(irr(&a, 0xfe), "an error interrupts through the LVT error entry");
	ok(take(&a) == 0xfe, "... and is deliverable");
	x86_lapic_accept(&a, 3, false);
	ok(!irr(&a, 0xfe), "the same error again, still pending: no new interrupt");
	ok(esr(&a) == X86_LAPIC_ESR_RECV_ILLEGAL, "ESR has it");
	x86_lapic_accept(&a, 3, false);
	ok(irr(&a, 0xfe), "after the ESR write the same error interrupts again");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	x86_lapic_write(&a, X86_LAPIC_LVT_ERROR, 0x100fe);
	esr(&a);
	esr(&a);
	take(&a);
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	x86_lapic_accept(&a, 3, false);
	ok(!irr(&a, 0xfe) && esr(&a) == X86_LAPIC_ESR_RECV_ILLEGAL,
	   "a masked error entry: error logged, no interrupt");

	/* LVT writes with illegal vectors */
	static const struct {
		u32 off, val, esr;
		const char *name;
	} lvt[] = {
		{ X86_LAPIC_LVT_TIMER, 0x00003, X86_LAPIC_ESR_RECV_ILLEGAL, "timer vector 3" },
		{ X86_LAPIC_LVT_TIMER, 0x10003, 0, "masked timer vector 3" },
		{ X86_LAPIC_LVT_TIMER, 0x10000, 0, "masked timer vector 0 (Linux)" },
		{ X86_LAPIC_LVT_LINT0, 0x0000f, X86_LAPIC_ESR_RECV_ILLEGAL,
		  "LINT0 fixed vector 15" },
		{ X86_LAPIC_LVT_LINT0, 0x00700, 0, "LINT0 ExtINT vector 0" },
		{ X86_LAPIC_LVT_LINT1, 0x00400, 0, "LINT1 NMI vector 0" },
		{ X86_LAPIC_LVT_THERMAL, 0x00001, X86_LAPIC_ESR_RECV_ILLEGAL,
		  "thermal fixed vector 1" },
		{ X86_LAPIC_LVT_PERF, 0x00400, 0, "perf NMI vector 0" },
		{ X86_LAPIC_LVT_PERF, 0x00010, 0, "perf fixed vector 16" },
		{ X86_LAPIC_LVT_ERROR, 0x00000, X86_LAPIC_ESR_RECV_ILLEGAL, "error vector 0" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(lvt); i++) {
		u32 e;

		fresh(&a, 0);
		x86_lapic_write(&a, lvt[i].off, lvt[i].val);
		e = esr(&a);
		ok(e == lvt[i].esr && vectors_empty(&a),
		   "LVT write, %s: ESR %#x (got %#x)", lvt[i].name, lvt[i].esr, e);
	}

	/* an illegal error vector must not loop: the test returning says so */
	fresh(&a, 0);
	x86_lapic_write(&a, X86_LAPIC_LVT_ERROR, 0x2);
	x86_lapic_accept(&a, 1, false);
	x86_lapic_read(&a, 0x10);
	ok(esr(&a) == (X86_LAPIC_ESR_RECV_ILLEGAL | X86_LAPIC_ESR_ILLEGAL_REG) &&
	   vectors_empty(&a), "an illegal error vector: errors logged, no loop");

	/* local interrupts with illegal vectors */
	fresh(&a, 0);
	x86_lapic_write(&a, X86_LAPIC_LVT_LINT0, 0x10008);
	a.lvt[X86_LAPIC_LVT_IDX_LINT0] &= ~X86_LAPIC_LVT_MASKED; /* as if */
	esr(&a);
	ok(x86_lapic_lvt_fire(&a, X86_LAPIC_LVT_IDX_LINT0) == X86_APIC_DM_FIXED &&
	   vectors_empty(&a) && esr(&a) == X86_LAPIC_ESR_RECV_ILLEGAL,
	   "a local interrupt with vector 8: dropped, received illegal vector");
}

/* ---- priorities: TPR, PPR, ISR, IRR ---- */

static void test_priority(void)
{
	/* highest_pending for one in-service and one requested vector */
	static const struct {
		u8 tpr;
		int in_service;	/* -1: none */
		u8 request;
		int want;
	} cls[] = {
		{ 0x00, -1, 0x20, 0x20 },
		{ 0x00, -1, 0x10, 0x10 },
		{ 0x1f, -1, 0x20, 0x20 },	/* class 2 > 1 */
		{ 0x20, -1, 0x2f, -1 },		/* same class as TPR: held */
		{ 0x2f, -1, 0x30, 0x30 },	/* TPR[3:0] does not matter */
		{ 0xf0, -1, 0xff, -1 },
		{ 0xef, -1, 0xf0, 0xf0 },
		{ 0x00, 0x31, 0x35, -1 },	/* same class as in service */
		{ 0x00, 0x31, 0x30, -1 },
		{ 0x00, 0x31, 0x41, 0x41 },	/* higher class nests */
		{ 0x00, 0x41, 0x31, -1 },	/* lower class waits */
		{ 0x50, 0x41, 0x55, -1 },	/* TPR above ISR */
		{ 0x50, 0x41, 0x61, 0x61 },
		{ 0x20, 0x71, 0x61, -1 },	/* ISR above TPR */
		{ 0x20, 0x71, 0x81, 0x81 },
	};
	struct x86_lapic a;

	for (size_t i = 0; i < ARRAY_SIZE(cls); i++) {
		int got;

		fresh(&a, 0);
		if (cls[i].in_service >= 0) {
			x86_lapic_accept(&a, cls[i].in_service, false);
			take(&a);
		}
		x86_lapic_write(&a, X86_LAPIC_TPR, cls[i].tpr);
		x86_lapic_accept(&a, cls[i].request, false);
		got = x86_lapic_highest_pending(&a);
		ok(got == cls[i].want,
		   "TPR %#x, in service %#x, request %#x: pending %d (got %d)",
		   cls[i].tpr, cls[i].in_service, cls[i].request, cls[i].want, got);
	}

	/* PPR */
	static const struct { u8 tpr; int in_service; u8 ppr; } pp[] = {
		{ 0x00, -1, 0x00 }, { 0x25, -1, 0x25 }, { 0x25, 0x31, 0x30 },
		{ 0x35, 0x31, 0x35 }, { 0x30, 0x3f, 0x30 }, { 0x2f, 0x3f, 0x30 },
		{ 0x45, 0x31, 0x45 }, { 0x00, 0xfe, 0xf0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(pp); i++) {
		u32 got;

		fresh(&a, 0);
		if (pp[i].in_service >= 0) {
			x86_lapic_accept(&a, pp[i].in_service, false);
			take(&a);
		}
		x86_lapic_write(&a, X86_LAPIC_TPR, pp[i].tpr);
		got = x86_lapic_read(&a, X86_LAPIC_PPR);
		ok(got == pp[i].ppr && x86_lapic_ppr(&a) == got,
		   "TPR %#x, ISR %#x: PPR %#x (got %#x)", pp[i].tpr,
		   pp[i].in_service, pp[i].ppr, got);
	}

	/* the highest of several */
	fresh(&a, 0);
	x86_lapic_accept(&a, 0x20, false);
	x86_lapic_accept(&a, 0xe0, false);
	x86_lapic_accept(&a, 0x80, false);
	x86_lapic_accept(&a, 0x9f, false);
	ok(take(&a) == 0xe0 && isr(&a, 0xe0) && !irr(&a, 0xe0),
	   "the highest IRR vector goes first; ack moves IRR to ISR");
	ok(x86_lapic_highest_pending(&a) == -1, "the rest wait below it");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	ok(take(&a) == 0x9f && take(&a) == -1,
	   "EOI: the next (0x9f), which then blocks 0x80");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	ok(take(&a) == 0x80, "then 0x80");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	ok(take(&a) == 0x20, "then 0x20");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	ok(vectors_empty(&a) && x86_lapic_read(&a, X86_LAPIC_PPR) == 0 && neoi == 0,
	   "all done: nothing left, PPR 0, no EOI callback for edge vectors");

	/* nested EOI */
	fresh(&a, 0);
	x86_lapic_accept(&a, 0x31, false);
	take(&a);
	x86_lapic_accept(&a, 0x35, false);
	x86_lapic_accept(&a, 0x41, false);
	ok(take(&a) == 0x41 && isr(&a, 0x31) && isr(&a, 0x41) &&
	   x86_lapic_read(&a, X86_LAPIC_PPR) == 0x40,
	   "nested: 0x41 interrupts 0x31, both in service, PPR 0x40");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	ok(!isr(&a, 0x41) && isr(&a, 0x31) &&
	   x86_lapic_read(&a, X86_LAPIC_PPR) == 0x30 &&
	   x86_lapic_highest_pending(&a) == -1,
	   "EOI clears the highest ISR bit only: 0x31 still blocks 0x35");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0x12345678);
	ok(!isr(&a, 0x31) && take(&a) == 0x35,
	   "second EOI (any value) clears 0x31: 0x35 is delivered");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	ok(vectors_empty(&a) && neoi == 0, "EOI with nothing in service does nothing");

	/* level-triggered EOI */
	fresh(&a, 0);
	ok(x86_lapic_accept(&a, 0x50, true) && tmr(&a, 0x50) && irr(&a, 0x50),
	   "a level-triggered interrupt sets IRR and TMR");
	ok(take(&a) == 0x50, "taken");
	x86_lapic_accept(&a, 0x60, false);
	ok(take(&a) == 0x60, "edge 0x60 nests above it");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	ok(neoi == 0, "EOI of edge 0x60: no callback");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	ok(neoi == 1 && eois[0] == 0x50, "EOI of level 0x50: ops->eoi(0x50)");
	x86_lapic_accept(&a, 0x50, false);
	ok(!tmr(&a, 0x50), "accepting it edge-triggered clears TMR");
	take(&a);
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	ok(neoi == 1, "... and its EOI no longer calls back");

	/* ack of a vector not requested */
	fresh(&a, 0);
	x86_lapic_ack(&a, 0x77);
	ok(vectors_empty(&a), "ack of a vector not in IRR does nothing");

	/* CR8 */
	fresh(&a, 0);
	x86_lapic_set_cr8(&a, 3);
	ok(x86_lapic_read(&a, X86_LAPIC_TPR) == 0x30 && x86_lapic_get_cr8(&a) == 3,
	   "CR8 3 is TPR 0x30");
	x86_lapic_write(&a, X86_LAPIC_TPR, 0x9c);
	ok(x86_lapic_get_cr8(&a) == 9, "TPR 0x9c reads as CR8 9");
	x86_lapic_set_cr8(&a, 0x1f);
	ok(x86_lapic_read(&a, X86_LAPIC_TPR) == 0xf0, "CR8 keeps 4 bits");
	x86_lapic_accept(&a, 0xfe, false);
	ok(x86_lapic_highest_pending(&a) == -1, "CR8 15 holds everything");
	x86_lapic_set_cr8(&a, 0);
	ok(x86_lapic_highest_pending(&a) == 0xfe, "CR8 0 lets it through");
}

/* ---- the timer ---- */

/* ns of @ticks at @hz, exactly, rounded down */
static u64 exact_ns(u64 ticks, u64 hz)
{
	return (u64)((__uint128_t)ticks * 1000000000u / hz);
}

/* counts done after @ns at @hz / @div */
static u64 exact_counts(u64 ns, u64 hz, u64 div)
{
	return (u64)((__uint128_t)ns * hz / 1000000000u / div);
}

static void timer_setup(struct x86_lapic *a, u32 hz, u32 lvtt)
{
	fresh(a, 0);
	x86_lapic_set_timer_hz(a, hz);
	x86_lapic_write(a, X86_LAPIC_LVT_TIMER, lvtt);
	clear_log();
}

static u32 ccr(struct x86_lapic *a)
{
	return x86_lapic_read(a, X86_LAPIC_TIMER_CCR);
}

static void test_timer_oneshot(void)
{
	static const struct { u32 dcr, div; } divs[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
	};
	struct x86_lapic a;
	u64 d;

	/* every divide encoding at 100 MHz (10 ns a tick) */
	for (size_t i = 0; i < ARRAY_SIZE(divs); i++) {
		u64 tick = 10ull * divs[i].div;
		bool good;

		timer_setup(&a, 100000000, 0xec);
		x86_lapic_write(&a, X86_LAPIC_TIMER_DCR, divs[i].dcr);
		x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1000);
		d = T0 + 1000 * tick;
		good = narm == 1 && armed == d && ccr(&a) == 1000;
		now = T0 + 250 * tick;
		good = good && ccr(&a) == 750;
		now = T0 + 250 * tick + tick - 1;
		good = good && ccr(&a) == 750;
		now = d - 1;
		good = good && ccr(&a) == 1;
		x86_lapic_timer_fired(&a);	/* early: only re-arms */
		good = good && !irr(&a, 0xec) && armed == d;
		now = d;
		good = good && ccr(&a) == 0;
		narm = 0;
		x86_lapic_timer_fired(&a);
		good = good && irr(&a, 0xec) && narm == 0 && ccr(&a) == 0;
		now += 10 * tick;
		good = good && ccr(&a) == 0 && x86_lapic_read(&a, X86_LAPIC_TIMER_ICR) == 1000;
		ok(good, "one-shot, divide by %u (DCR %#x): deadline, count down, fire once",
		   divs[i].div, divs[i].dcr);
	}

	/* large counts: no overflow, exact to the ns */
	static const struct { u32 hz, dcr, div, count; } big[] = {
		{ 1000, 0xa, 128, 0xffffffff },		/* 2^39 ticks at 1 kHz */
		{ 4294967295u, 0xa, 128, 0xffffffff },
		{ 1000000000, 0xa, 128, 0xffffffff },
		{ 24000000, 0x3, 16, 0xfffffffe },
		{ 14318180, 0xb, 1, 0xffffffff },
		{ 3333333, 0x9, 64, 123456789 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(big); i++) {
		u64 ticks = (u64)big[i].count * big[i].div;
		u64 total = exact_ns(ticks, big[i].hz);
		u64 mid = total / 3;
		u64 want = big[i].count - exact_counts(mid, big[i].hz, big[i].div);
		u32 got;

		timer_setup(&a, big[i].hz, 0x30);
		x86_lapic_write(&a, X86_LAPIC_TIMER_DCR, big[i].dcr);
		x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, big[i].count);
		d = armed;
		now = T0 + mid;
		got = ccr(&a);
		ok(d == T0 + total && got == want,
		   "%u Hz / %u, count %#x: deadline +%llu ns, count at 1/3 %u (want %llu)",
		   big[i].hz, big[i].div, big[i].count, (unsigned long long)total,
		   got, (unsigned long long)want);
	}

	/* re-arm, stop, mask */
	timer_setup(&a, 1000000, 0x30);		/* 1 us a tick, divide 2 */
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 100);
	ok(armed == T0 + 200000, "count 100 / 2 at 1 MHz: 200 us");
	now = T0 + 50000;
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 100);
	ok(narm == 2 && armed == T0 + 250000 && ccr(&a) == 100,
	   "writing the initial count again restarts from now");
	now = T0 + 100000;
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 0);
	ok(narm == 3 && armed == 0 && ccr(&a) == 0,
	   "initial count 0 stops the timer (timer_arm(0))");
	now = T0 + 300000;
	x86_lapic_timer_fired(&a);
	ok(!irr(&a, 0x30) && narm == 3, "a stale fire after the stop does nothing");

	timer_setup(&a, 1000000, 0x10030);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 100);
	now = T0 + 100000;
	ok(ccr(&a) == 50, "masked: the count still runs");
	now = T0 + 200000;
	x86_lapic_timer_fired(&a);
	ok(!irr(&a, 0x30) && vectors_empty(&a) && ccr(&a) == 0,
	   "masked: it expires without an interrupt");

	/* the divide changes under a running count */
	timer_setup(&a, 1000000, 0x30);
	x86_lapic_write(&a, X86_LAPIC_TIMER_DCR, 0);	/* / 2 */
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1000);
	now = T0 + 1000000;				/* 500 counts done */
	x86_lapic_write(&a, X86_LAPIC_TIMER_DCR, 1);	/* / 4 */
	ok(ccr(&a) == 500 && armed == now + 500 * 4000,
	   "a divide change: the count goes on from 500 at the new rate");
	now += 4000 * 100;
	ok(ccr(&a) == 400, "... 4 us a count now");
	x86_lapic_set_timer_hz(&a, 2000000);
	ok(ccr(&a) == 400 && armed == now + 400 * 2000,
	   "a timer_hz change likewise");
	now = armed;
	x86_lapic_timer_fired(&a);
	ok(irr(&a, 0x30), "and it fires at the new deadline");
	x86_lapic_set_timer_hz(&a, 10);
	ok(a.timer_hz == 1000, "timer_hz below 1 kHz is taken as 1 kHz");

	/* mode 3 (reserved) acts as one-shot */
	timer_setup(&a, 1000000, 0x60030);
	x86_lapic_write(&a, X86_LAPIC_TIMER_DCR, 0xb);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 10);
	now = armed;
	narm = 0;
	x86_lapic_timer_fired(&a);
	ok(irr(&a, 0x30) && narm == 0 && ccr(&a) == 0,
	   "reserved mode 3 counts and fires as one-shot");
}

static void test_timer_periodic(void)
{
	struct x86_lapic a;
	bool good = true;
	u64 p, d0;

	timer_setup(&a, 1000000, 0x20031);	/* periodic, 1 us a tick */
	x86_lapic_write(&a, X86_LAPIC_TIMER_DCR, 0xb);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1000);
	ok(armed == T0 + 1000000, "periodic, 1000 counts at 1 MHz: 1 ms");
	now = armed;
	x86_lapic_timer_fired(&a);
	ok(irr(&a, 0x31) && armed == T0 + 2000000 && narm == 2,
	   "fire: interrupt, re-armed one period later");
	ok(ccr(&a) == 1000, "the count reloads from the initial count");
	now += 250000;
	ok(ccr(&a) == 750, "and counts down again");
	take(&a);
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);

	/* late fires: the next deadline comes from the previous one */
	now = T0 + 2000000 + 300000;
	ok(ccr(&a) == 700, "past the deadline, not yet fired: the count has reloaded");
	x86_lapic_timer_fired(&a);
	ok(armed == T0 + 3000000 && ccr(&a) == 700,
	   "fired 300 us late: next deadline + 1 ms from the last, not from now");
	now = T0 + 3000000 + 3500000;
	x86_lapic_timer_fired(&a);
	ok(armed == T0 + 7000000 && irr(&a, 0x31),
	   "fired 3.5 periods late: the missed periods are skipped, phase kept");
	ok(ccr(&a) == 500, "count in phase: 500");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);

	/* many periods, random lateness: no drift */
	timer_setup(&a, 14318180, 0x20031);	/* a period that is no whole ns */
	x86_lapic_write(&a, X86_LAPIC_TIMER_DCR, 0xb);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 12345);
	p = exact_ns(12345, 14318180);
	d0 = T0;
	ok(armed == d0 + p, "periodic at 14.31818 MHz: period %llu ns",
	   (unsigned long long)p);
	for (u64 k = 1, r = 12345; k <= 1000; k++) {
		r = r * 1103515245 + 12345;
		now = d0 + k * p + (r >> 16) % p;	/* up to a period late */
		x86_lapic_timer_fired(&a);
		good = good && armed == d0 + (k + 1) * p;
		good = good && irr(&a, 0x31);
		take(&a);
		x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	}
	ok(good, "1000 late fires: deadline k is start + k * period exactly");

	/* masked periodic: re-arms, no interrupts */
	timer_setup(&a, 1000000, 0x30031);
	x86_lapic_write(&a, X86_LAPIC_TIMER_DCR, 0xb);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1000);
	now = armed;
	x86_lapic_timer_fired(&a);
	ok(!irr(&a, 0x31) && armed == T0 + 2000000,
	   "masked periodic: re-armed, no interrupt");
	x86_lapic_write(&a, X86_LAPIC_LVT_TIMER, 0x20031);
	now = armed;
	x86_lapic_timer_fired(&a);
	ok(irr(&a, 0x31) && armed == T0 + 3000000,
	   "unmasked (same mode): keeps running, interrupts again");

	/* the minimum period */
	timer_setup(&a, 1000000000, 0x20031);
	x86_lapic_write(&a, X86_LAPIC_TIMER_DCR, 0xb);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1);
	ok(armed == T0 + X86_LAPIC_MIN_PERIOD_NS,
	   "a 1 ns period is clamped to %u ns", X86_LAPIC_MIN_PERIOD_NS);
	now = armed;
	x86_lapic_timer_fired(&a);
	ok(armed == T0 + 2 * X86_LAPIC_MIN_PERIOD_NS, "and re-armed as clamped");
	timer_setup(&a, 1000000000, 0x31);
	x86_lapic_write(&a, X86_LAPIC_TIMER_DCR, 0xb);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1);
	ok(armed == T0 + 1, "one-shot is not clamped");

	/* stop while periodic */
	timer_setup(&a, 1000000, 0x20031);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1000);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 0);
	ok(armed == 0 && ccr(&a) == 0, "periodic: initial count 0 stops it");
}

static void test_timer_modes(void)
{
	struct x86_lapic a;
	int before;

	/* a mode change disarms */
	timer_setup(&a, 1000000, 0x30);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1000);
	x86_lapic_write(&a, X86_LAPIC_LVT_TIMER, 0x20030);
	ok(narm == 2 && armed == 0 && ccr(&a) == 0 &&
	   x86_lapic_read(&a, X86_LAPIC_TIMER_ICR) == 0,
	   "one-shot -> periodic disarms (timer_arm(0)), count and initial count 0");
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1000);
	x86_lapic_write(&a, X86_LAPIC_LVT_TIMER, 0x20031);
	ok(armed != 0, "the same mode with another vector keeps it running");
	x86_lapic_write(&a, X86_LAPIC_LVT_TIMER, 0x31);
	ok(armed == 0, "periodic -> one-shot disarms");

	/* TSC-deadline */
	timer_setup(&a, 1000000, 0x40032);
	x86_lapic_set_tsc_khz(&a, 2000000);		/* 2 GHz */
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1000);
	ok(narm == 0 && x86_lapic_read(&a, X86_LAPIC_TIMER_ICR) == 0 && ccr(&a) == 0,
	   "TSC-deadline: initial count writes ignored, current count 0");
	x86_lapic_set_tscdeadline(&a, tsc + 1000);
	ok(narm == 1 && armed == T0 + 500 && x86_lapic_tscdeadline(&a) == tsc + 1000,
	   "deadline TSC + 1000 at 2 GHz: armed at +500 ns, MSR reads it");
	x86_lapic_set_tscdeadline(&a, tsc + 1001);
	ok(narm == 2 && armed == T0 + 501, "TSC + 1001: 500.5 ns rounds up to 501");
	now = T0 + 501;
	tsc += 1000;		/* the guest TSC lags the clock */
	x86_lapic_timer_fired(&a);
	ok(!irr(&a, 0x32) && narm == 3 && armed == T0 + 501 + 1,
	   "the clock says due but the TSC has not reached it: re-armed for the rest");
	now = armed;
	tsc += 1;
	x86_lapic_timer_fired(&a);
	ok(irr(&a, 0x32) && x86_lapic_tscdeadline(&a) == 0 && narm == 3,
	   "TSC reached: interrupt, MSR cleared, disarmed");
	before = narm;
	x86_lapic_timer_fired(&a);
	ok(narm == before && vectors_empty(&a) == false && x86_lapic_tscdeadline(&a) == 0,
	   "a second fire does nothing");
	take(&a);
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);

	x86_lapic_set_tscdeadline(&a, tsc);
	ok(irr(&a, 0x32) && x86_lapic_tscdeadline(&a) == 0 && narm == before,
	   "a deadline already reached fires at once, arms nothing");
	take(&a);
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	x86_lapic_set_tscdeadline(&a, tsc + 2000000);
	ok(armed == now + 1000000, "TSC + 2M: 1 ms");
	x86_lapic_set_tscdeadline(&a, tsc + 4000000);
	ok(armed == now + 2000000 && x86_lapic_tscdeadline(&a) == tsc + 4000000,
	   "a new deadline replaces the armed one");
	x86_lapic_set_tscdeadline(&a, 0);
	ok(armed == 0 && x86_lapic_tscdeadline(&a) == 0, "writing 0 disarms");
	x86_lapic_set_tscdeadline(&a, tsc + (1ull << 62));
	ok(armed > now && x86_lapic_tscdeadline(&a) == tsc + (1ull << 62),
	   "a far deadline (2^62 cycles) arms without overflow (+%llu ns)",
	   (unsigned long long)(armed - now));
	x86_lapic_set_tsc_khz(&a, 1);
	x86_lapic_set_tscdeadline(&a, ~0ull);
	ok(armed == ~0ull, "deadline 2^64-1 at 1 kHz saturates");
	x86_lapic_set_tsc_khz(&a, 0);
	x86_lapic_set_tscdeadline(&a, tsc + 777);
	ok(armed == now + 777, "TSC rate unknown: 1 GHz");

	x86_lapic_set_tscdeadline(&a, tsc + 1000);
	x86_lapic_write(&a, X86_LAPIC_LVT_TIMER, 0x30);
	ok(armed == 0 && x86_lapic_tscdeadline(&a) == 0,
	   "TSC-deadline -> one-shot disarms, MSR reads 0");
	before = narm;
	x86_lapic_set_tscdeadline(&a, tsc + 1000);
	ok(narm == before && x86_lapic_tscdeadline(&a) == 0,
	   "IA32_TSC_DEADLINE writes are ignored in one-shot mode");
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 100);
	x86_lapic_write(&a, X86_LAPIC_LVT_TIMER, 0x40032);
	ok(armed == 0 && x86_lapic_read(&a, X86_LAPIC_TIMER_ICR) == 0 &&
	   x86_lapic_tscdeadline(&a) == 0,
	   "one-shot -> TSC-deadline disarms the count and clears it");

	timer_setup(&a, 1000000, 0x50032);		/* masked TSC-deadline */
	x86_lapic_set_tscdeadline(&a, tsc + 100);
	now = armed;
	tsc += 100;
	x86_lapic_timer_fired(&a);
	ok(vectors_empty(&a) && x86_lapic_tscdeadline(&a) == 0,
	   "masked TSC-deadline: expires and clears the MSR, no interrupt");
}

/* ---- ICR ---- */

static void test_icr(void)
{
	static const struct {
		u32 lo, hi;
		bool sent;	/* reaches ops->ipi */
		int local;	/* vector set in this IRR, or -1 */
		u32 esr;
		const char *name;
	} icr[] = {
		{ 0x00040040, 0, false, 0x40, 0, "self, fixed: taken locally" },
		{ 0x0004c040, 0, false, 0x40, 0, "self, fixed, level: locally, edge" },
		{ 0x00040440, 0, false, -1, 0, "self, NMI: invalid, dropped" },
		{ 0x00040140, 0, false, -1, 0, "self, lowest priority: dropped" },
		{ 0x00040500, 0, false, -1, 0, "self, INIT: dropped" },
		{ 0x00040005, 0, false, -1, X86_LAPIC_ESR_SEND_ILLEGAL,
		  "self, vector 5: send illegal" },
		{ 0x00000041, 0x03000000, true, -1, 0, "physical 3, fixed" },
		{ 0x00000841, 0x0f000000, true, -1, 0, "logical 0x0f, fixed" },
		{ 0x00000141, 0x01000000, true, -1, 0, "lowest priority" },
		{ 0x00000400, 0x02000000, true, -1, 0, "NMI (vector ignored)" },
		{ 0x0000c500, 0x02000000, true, -1, 0, "INIT assert" },
		{ 0x00008500, 0x02000000, true, -1, 0, "INIT de-assert" },
		{ 0x00000608, 0x02000000, true, -1, 0, "SIPI vector 8 (page 0x8000) is legal" },
		{ 0x00080042, 0, true, -1, 0, "all including self" },
		{ 0x000c0043, 0, true, -1, 0, "all excluding self" },
		{ 0x000c0600, 0, true, -1, 0, "all excluding self, SIPI" },
		{ 0x0000000f, 0x01000000, false, -1, X86_LAPIC_ESR_SEND_ILLEGAL,
		  "fixed vector 15: not sent" },
		{ 0x00000100, 0x01000000, false, -1, X86_LAPIC_ESR_SEND_ILLEGAL,
		  "lowest vector 0: not sent" },
		{ 0x000c0001, 0, false, -1, X86_LAPIC_ESR_SEND_ILLEGAL,
		  "others, vector 1: not sent" },
	};
	struct x86_lapic a;

	for (size_t i = 0; i < ARRAY_SIZE(icr); i++) {
		bool good;
		u32 e;

		fresh(&a, 0);
		x86_lapic_write(&a, X86_LAPIC_ICR_HIGH, icr[i].hi);
		ok(nipi == 0, "%s: an ICR high write sends nothing", icr[i].name);
		x86_lapic_write(&a, X86_LAPIC_ICR_LOW, icr[i].lo);
		good = icr[i].sent ? nipi == 1 && ipis[0].lo == icr[i].lo &&
				     ipis[0].hi == icr[i].hi
				   : nipi == 0;
		if (icr[i].local >= 0)
			good = good && irr(&a, icr[i].local) && !tmr(&a, icr[i].local);
		else
			good = good && vectors_empty(&a);
		e = esr(&a);
		ok(good && e == icr[i].esr &&
		   x86_lapic_read(&a, X86_LAPIC_ICR_LOW) == icr[i].lo &&
		   x86_lapic_read(&a, X86_LAPIC_ICR_HIGH) == icr[i].hi,
		   "ICR %#x/%#x, %s (ESR %#x)", icr[i].lo, icr[i].hi, icr[i].name, e);
	}

	fresh(&a, 0);
	x86_lapic_write(&a, X86_LAPIC_ICR_LOW, 0x1000 | 0x41);
	ok(!(x86_lapic_read(&a, X86_LAPIC_ICR_LOW) & X86_LAPIC_ICR_BUSY),
	   "delivery status always reads idle");

	/* an ipi callback that comes back into the same APIC */
	fresh(&a, 0);
	ipi_loopback = &a;
	x86_lapic_write(&a, X86_LAPIC_ICR_LOW, 0x00080042);
	ok(nipi == 1 && irr(&a, 0x42),
	   "ops->ipi may accept into the sending APIC (all including self)");

	/* self-IPI while software-disabled */
	fresh(&a, 0);
	x86_lapic_write(&a, X86_LAPIC_SVR, 0xff);
	x86_lapic_write(&a, X86_LAPIC_ICR_LOW, 0x00040040);
	ok(vectors_empty(&a), "a software-disabled APIC does not accept its self-IPI");
	x86_lapic_write(&a, X86_LAPIC_ICR_LOW, 0x00000041);
	ok(nipi == 1, "but can still send IPIs (SDM 11.4.7.2)");
}

/* ---- destinations ---- */

static void test_dest(void)
{
	static const struct {
		u8 id;
		u32 ldr, dfr, dest;
		bool logical, match;
	} t[] = {
		/* physical */
		{ 3, 0, 0xffffffff, 3, false, true },
		{ 3, 0, 0xffffffff, 4, false, false },
		{ 3, 0, 0xffffffff, 0xff, false, true },
		{ 0, 0, 0xffffffff, 0, false, true },
		{ 3, 0, 0xffffffff, 0x103, false, true },	/* 8 bits only */
		{ 3, 0x03000000, 0xffffffff, 0x01, false, false }, /* LDR not used */
		/* logical flat */
		{ 0, 0x01000000, 0xffffffff, 0x01, true, true },
		{ 0, 0x01000000, 0xffffffff, 0x03, true, true },
		{ 0, 0x01000000, 0xffffffff, 0x02, true, false },
		{ 0, 0x80000000, 0xffffffff, 0x80, true, true },
		{ 0, 0x01000000, 0xffffffff, 0xff, true, true },
		{ 0, 0x00000000, 0xffffffff, 0x0f, true, false },
		{ 0, 0x00000000, 0xffffffff, 0xff, true, true },	/* broadcast */
		{ 1, 0x02000000, 0xffffffff, 0x00, true, false },
		{ 1, 0x02000000, 0xffffffff, 0x01, true, false },	/* not the ID */
		/* logical cluster: cluster 2, member bit 0 */
		{ 0, 0x21000000, 0x0fffffff, 0x21, true, true },
		{ 0, 0x21000000, 0x0fffffff, 0x23, true, true },
		{ 0, 0x21000000, 0x0fffffff, 0x2f, true, true },
		{ 0, 0x21000000, 0x0fffffff, 0x22, true, false },
		{ 0, 0x21000000, 0x0fffffff, 0x11, true, false },
		{ 0, 0x21000000, 0x0fffffff, 0x01, true, false },
		{ 0, 0x21000000, 0x0fffffff, 0xff, true, true },
		{ 0, 0xe8000000, 0x0fffffff, 0xe8, true, true },
		{ 0, 0xe8000000, 0x0fffffff, 0xf8, true, false },
		/* a DFR model that is neither */
		{ 0, 0x01000000, 0x5fffffff, 0x01, true, false },
		{ 0, 0x01000000, 0x5fffffff, 0xff, true, true },
	};
	struct x86_lapic a;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		bool m;

		fresh(&a, t[i].id);
		x86_lapic_write(&a, X86_LAPIC_LDR, t[i].ldr);
		x86_lapic_write(&a, X86_LAPIC_DFR, t[i].dfr);
		m = x86_lapic_match_dest(&a, t[i].dest, t[i].logical);
		ok(m == t[i].match, "ID %u LDR %#x DFR %#x: %s dest %#x %s",
		   t[i].id, t[i].ldr, t[i].dfr,
		   t[i].logical ? "logical" : "physical", t[i].dest,
		   t[i].match ? "matches" : "does not match");
	}
	fresh(&a, 2);
	x86_lapic_write(&a, X86_LAPIC_SVR, 0xff);
	ok(x86_lapic_match_dest(&a, 2, false),
	   "matching does not depend on the software-enable bit");
}

/* ---- software disable and local interrupts ---- */

static void test_swdisable(void)
{
	struct x86_lapic a;
	bool masked = true;

	fresh(&a, 0);
	x86_lapic_write(&a, X86_LAPIC_LVT_TIMER, 0x20030);
	x86_lapic_write(&a, X86_LAPIC_LVT_LINT0, 0x700);
	x86_lapic_write(&a, X86_LAPIC_LVT_LINT1, 0x400);
	x86_lapic_write(&a, X86_LAPIC_LVT_ERROR, 0xfe);
	x86_lapic_write(&a, X86_LAPIC_LVT_THERMAL, 0x40);
	x86_lapic_write(&a, X86_LAPIC_LVT_PERF, 0x400);
	x86_lapic_write(&a, X86_LAPIC_TIMER_DCR, 0xb);
	x86_lapic_write(&a, X86_LAPIC_TIMER_ICR, 1000000);
	x86_lapic_accept(&a, 0x80, false);
	x86_lapic_write(&a, X86_LAPIC_SVR, 0x0ff);
	for (int i = 0; i < X86_LAPIC_NR_LVT; i++)
		masked = masked && (x86_lapic_read(&a, lvt_regs[i]) & X86_LAPIC_LVT_MASKED) &&
			 x86_lapic_lvt_mode(&a, i) == -1;
	ok(masked, "clearing SVR enable masks every LVT entry");
	ok(x86_lapic_read(&a, X86_LAPIC_LVT_TIMER) == 0x30030 &&
	   x86_lapic_read(&a, X86_LAPIC_LVT_LINT0) == 0x10700,
	   "... keeping the rest of each entry");
	x86_lapic_write(&a, X86_LAPIC_LVT_LINT0, 0x700);
	x86_lapic_write(&a, X86_LAPIC_LVT_TIMER, 0x20030);
	ok(x86_lapic_read(&a, X86_LAPIC_LVT_LINT0) == 0x10700 &&
	   x86_lapic_read(&a, X86_LAPIC_LVT_TIMER) == 0x30030,
	   "while disabled, LVT writes cannot clear the mask");
	ok(!x86_lapic_accept(&a, 0x90, false) && !irr(&a, 0x90),
	   "while disabled, fixed interrupts are not accepted");
	ok(x86_lapic_highest_pending(&a) == 0x80,
	   "an IRR bit held from before is still delivered");
	ok(armed != 0 && ccr(&a) == 1000000, "the timer still counts");
	now = armed;
	x86_lapic_timer_fired(&a);
	ok(!irr(&a, 0x30) && armed != 0, "and expires masked (periodic: re-armed)");
	x86_lapic_write(&a, X86_LAPIC_SVR, 0x1ff);
	ok(x86_lapic_read(&a, X86_LAPIC_LVT_LINT0) == 0x10700,
	   "re-enabling leaves the entries masked");
	x86_lapic_write(&a, X86_LAPIC_LVT_LINT0, 0x700);
	ok(x86_lapic_lvt_mode(&a, X86_LAPIC_LVT_IDX_LINT0) == X86_APIC_DM_EXTINT,
	   "until software unmasks them");
	x86_lapic_write(&a, X86_LAPIC_SVR, 0x0ff);
	x86_lapic_write(&a, X86_LAPIC_SVR, 0x0ff);
	ok(x86_lapic_lvt_mode(&a, X86_LAPIC_LVT_IDX_LINT0) == -1,
	   "every SVR write with enable clear masks");

	/* x86_lapic_lvt_fire */
	static const struct {
		u32 off, val;
		enum x86_lapic_lvt lvt;
		int ret, vec;
		const char *name;
	} lf[] = {
		{ X86_LAPIC_LVT_LINT0, 0x00033, X86_LAPIC_LVT_IDX_LINT0, 0, 0x33, "LINT0 fixed" },
		{ X86_LAPIC_LVT_LINT0, 0x0a033, X86_LAPIC_LVT_IDX_LINT0, 0, 0x33,
		  "LINT0 fixed level, active low" },
		{ X86_LAPIC_LVT_LINT0, 0x10033, X86_LAPIC_LVT_IDX_LINT0, -1, -1, "LINT0 masked" },
		{ X86_LAPIC_LVT_LINT0, 0x00700, X86_LAPIC_LVT_IDX_LINT0, 7, -1, "LINT0 ExtINT" },
		{ X86_LAPIC_LVT_LINT1, 0x00400, X86_LAPIC_LVT_IDX_LINT1, 4, -1, "LINT1 NMI" },
		{ X86_LAPIC_LVT_LINT1, 0x00500, X86_LAPIC_LVT_IDX_LINT1, 5, -1, "LINT1 INIT" },
		{ X86_LAPIC_LVT_PERF, 0x00400, X86_LAPIC_LVT_IDX_PERF, 4, -1, "perf NMI" },
		{ X86_LAPIC_LVT_PERF, 0x000f1, X86_LAPIC_LVT_IDX_PERF, 0, 0xf1, "perf fixed" },
		{ X86_LAPIC_LVT_THERMAL, 0x00200, X86_LAPIC_LVT_IDX_THERMAL, 2, -1, "thermal SMI" },
		{ X86_LAPIC_LVT_TIMER, 0x00034, X86_LAPIC_LVT_IDX_TIMER, 0, 0x34, "timer" },
		{ X86_LAPIC_LVT_ERROR, 0x000fe, X86_LAPIC_LVT_IDX_ERROR, 0, 0xfe, "error" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(lf); i++) {
		int r;

		fresh(&a, 0);
		x86_lapic_write(&a, lf[i].off, lf[i].val);
		r = x86_lapic_lvt_fire(&a, lf[i].lvt);
		ok(r == lf[i].ret && x86_lapic_lvt_mode(&a, lf[i].lvt) == lf[i].ret &&
		   (lf[i].vec < 0 ? vectors_empty(&a)
				  : irr(&a, lf[i].vec) && !tmr(&a, lf[i].vec)),
		   "lvt_fire %s: returns %d%s", lf[i].name, lf[i].ret,
		   lf[i].vec < 0 ? "" : ", vector pending (edge)");
	}
	ok(x86_lapic_lvt_mode(&a, X86_LAPIC_NR_LVT) == -1,
	   "lvt_mode of an entry that does not exist: -1");
}

/* ---- I/O APIC ---- */

struct msg {
	u32 dest;
	bool logical;
	u8 vector, dm;
	bool level;
};

static struct msg msgs[32];
static int nmsg;
static bool refuse;			/* deliver returns false */
static struct x86_lapic *route_to;	/* deliver into this APIC */

static bool f_deliver(void *o, u32 dest, bool logical, u8 vector, u8 dm,
		      bool level)
{
	(void)o;
	if (nmsg < 32)
		msgs[nmsg] = (struct msg){ dest, logical, vector, dm, level };
	nmsg++;
	if (refuse)
		return false;
	if (route_to)
		return x86_lapic_match_dest(route_to, dest, logical) &&
		       x86_lapic_accept(route_to, vector, level);
	return true;
}

static const struct x86_ioapic_ops iops = { .deliver = f_deliver };

static u32 io_rd(struct x86_ioapic *io, u32 reg)
{
	x86_ioapic_write(io, X86_IOAPIC_IOREGSEL, reg);
	return x86_ioapic_read(io, X86_IOAPIC_IOWIN);
}

static void io_wr(struct x86_ioapic *io, u32 reg, u32 val)
{
	x86_ioapic_write(io, X86_IOAPIC_IOREGSEL, reg);
	x86_ioapic_write(io, X86_IOAPIC_IOWIN, val);
}

static void io_rte(struct x86_ioapic *io, unsigned int pin, u32 lo, u32 hi)
{
	io_wr(io, X86_IOAPIC_REG_RTE + 2 * pin + 1, hi);
	io_wr(io, X86_IOAPIC_REG_RTE + 2 * pin, lo);
}

static u32 rte_lo(struct x86_ioapic *io, unsigned int pin)
{
	return io_rd(io, X86_IOAPIC_REG_RTE + 2 * pin);
}

static void io_fresh(struct x86_ioapic *io)
{
	x86_ioapic_init(io, &iops, NULL, 1);
	nmsg = 0;
	refuse = false;
	route_to = NULL;
}

static void test_ioapic_regs(void)
{
	struct x86_ioapic io;
	bool good = true;

	io_fresh(&io);
	ok(io_rd(&io, X86_IOAPIC_REG_ID) == 0x01000000, "ID 1 in bits 27:24");
	ok(io_rd(&io, X86_IOAPIC_REG_VERSION) == 0x00170020,
	   "version 0x20, max redirection entry 23");
	ok(io_rd(&io, X86_IOAPIC_REG_ARB) == 0x01000000, "arbitration ID = ID");
	for (unsigned int pin = 0; pin < 24; pin++)
		good = good && rte_lo(&io, pin) == 0x10000 &&
		       io_rd(&io, X86_IOAPIC_REG_RTE + 2 * pin + 1) == 0;
	ok(good, "reset: all 24 entries masked, 0 otherwise");
	ok(io_rd(&io, 0x03) == 0 && io_rd(&io, 0x0f) == 0 &&
	   io_rd(&io, X86_IOAPIC_REG_RTE + 48) == 0 && io_rd(&io, 0xff) == 0,
	   "unknown registers and entries past pin 23 read 0");
	x86_ioapic_write(&io, X86_IOAPIC_IOREGSEL, 0x12345678);
	ok(x86_ioapic_read(&io, X86_IOAPIC_IOREGSEL) == 0x78, "IOREGSEL keeps 8 bits");
	ok(x86_ioapic_read(&io, 0x20) == 0 && x86_ioapic_read(&io, X86_IOAPIC_EOI) == 0,
	   "other offsets and the EOI register read 0");
	io_wr(&io, X86_IOAPIC_REG_ID, 0xffffffff);
	ok(io_rd(&io, X86_IOAPIC_REG_ID) == 0x0f000000 &&
	   io_rd(&io, X86_IOAPIC_REG_ARB) == 0x0f000000, "ID: only bits 27:24");
	io_wr(&io, X86_IOAPIC_REG_VERSION, 0);
	io_wr(&io, X86_IOAPIC_REG_ARB, 0);
	ok(io_rd(&io, X86_IOAPIC_REG_VERSION) == 0x00170020 &&
	   io_rd(&io, X86_IOAPIC_REG_ARB) == 0x0f000000,
	   "version and arbitration are read-only");
	io_wr(&io, X86_IOAPIC_REG_RTE + 2 * 5, 0xffffffff);
	io_wr(&io, X86_IOAPIC_REG_RTE + 2 * 5 + 1, 0xffffffff);
	ok(rte_lo(&io, 5) == 0x1afff, "RTE low: remote IRR, delivery status read-only (%#x)",
	   rte_lo(&io, 5));
	ok(io_rd(&io, X86_IOAPIC_REG_RTE + 11) == 0xff000000, "RTE high: destination only");
	ok(nmsg == 0, "no pin asserted, nothing sent");
	x86_ioapic_write(&io, 0x100 + X86_IOAPIC_IOREGSEL, X86_IOAPIC_REG_VERSION);
	ok(x86_ioapic_read(&io, 0x100 + X86_IOAPIC_IOWIN) == 0x00170020,
	   "the window repeats every 256 bytes");
	x86_ioapic_reset(&io, 2);
	ok(io_rd(&io, X86_IOAPIC_REG_ID) == 0x02000000 && rte_lo(&io, 5) == 0x10000,
	   "reset: new ID, entries masked again");
	x86_ioapic_set_irq(&io, 24, true);
	x86_ioapic_set_irq(&io, 1000, true);
	ok(nmsg == 0 && io.line == 0, "pins past 23 are ignored");
}

static void test_ioapic_edge(void)
{
	struct x86_ioapic io;

	io_fresh(&io);
	io_rte(&io, 4, 0x0834, 0xab000000);	/* edge, logical 0xab, 0x34 */
	x86_ioapic_set_irq(&io, 4, true);
	ok(nmsg == 1 && msgs[0].dest == 0xab && msgs[0].logical &&
	   msgs[0].vector == 0x34 && msgs[0].dm == X86_APIC_DM_FIXED && !msgs[0].level,
	   "edge: 0 -> 1 sends (dest, mode, vector, edge)");
	x86_ioapic_set_irq(&io, 4, true);
	ok(nmsg == 1, "staying high sends nothing");
	x86_ioapic_set_irq(&io, 4, false);
	ok(nmsg == 1 && !(rte_lo(&io, 4) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "1 -> 0 sends nothing, no remote IRR on edge entries");
	x86_ioapic_set_irq(&io, 4, true);
	ok(nmsg == 2, "the next edge sends again");
	refuse = true;
	x86_ioapic_set_irq(&io, 4, false);
	x86_ioapic_set_irq(&io, 4, true);
	refuse = false;
	x86_ioapic_eoi(&io, 0x34);
	ok(nmsg == 3 && !(rte_lo(&io, 4) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "an edge entry ignores EOIs");

	/* masked */
	io_fresh(&io);
	io_rte(&io, 1, 0x10031, 0);
	x86_ioapic_set_irq(&io, 1, true);
	ok(nmsg == 0, "masked edge pin: nothing sent");
	io_rte(&io, 1, 0x00031, 0);
	ok(nmsg == 0, "unmasking while high: no edge, nothing sent");
	x86_ioapic_set_irq(&io, 1, false);
	x86_ioapic_set_irq(&io, 1, true);
	ok(nmsg == 1, "the next edge is sent");

	/* active-low edge */
	io_fresh(&io);
	x86_ioapic_set_irq(&io, 3, true);	/* idle high */
	io_rte(&io, 3, 0x2033, 0);
	ok(nmsg == 0, "active-low edge pin, line high: idle");
	x86_ioapic_set_irq(&io, 3, false);
	ok(nmsg == 1 && msgs[0].vector == 0x33, "active-low: 1 -> 0 sends");
	x86_ioapic_set_irq(&io, 3, true);
	ok(nmsg == 1, "active-low: 0 -> 1 does not");

	/* non-fixed modes are edge */
	io_fresh(&io);
	io_rte(&io, 2, 0x8400, 0);	/* NMI, "level" */
	x86_ioapic_set_irq(&io, 2, true);
	ok(nmsg == 1 && msgs[0].dm == X86_APIC_DM_NMI && !msgs[0].level &&
	   !(rte_lo(&io, 2) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "NMI entry programmed level: sent as edge, no remote IRR");
	x86_ioapic_set_irq(&io, 2, true);
	ok(nmsg == 1, "... and only on edges");
	io_rte(&io, 0, 0x0700, 0);	/* ExtINT */
	x86_ioapic_set_irq(&io, 0, true);
	ok(nmsg == 2 && msgs[1].dm == X86_APIC_DM_EXTINT, "ExtINT is passed on");
	io_rte(&io, 6, 0x0146, 0x01000000);
	x86_ioapic_set_irq(&io, 6, true);
	ok(nmsg == 3 && msgs[2].dm == X86_APIC_DM_LOWEST && msgs[2].dest == 1 &&
	   !msgs[2].logical, "lowest priority, physical 1");
}

static void test_ioapic_level(void)
{
	struct x86_ioapic io;

	io_fresh(&io);
	io_rte(&io, 9, 0x8039, 0);	/* level, active high, 0x39 */
	ok(nmsg == 0, "level entry, line low: nothing");
	x86_ioapic_set_irq(&io, 9, true);
	ok(nmsg == 1 && msgs[0].level && msgs[0].vector == 0x39 &&
	   (rte_lo(&io, 9) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "level: asserted sends (level), remote IRR set");
	x86_ioapic_set_irq(&io, 9, true);
	ok(nmsg == 1, "still asserted, remote IRR set: nothing more");
	io_wr(&io, X86_IOAPIC_REG_RTE + 18, 0xffffffff & ~0x4000u);
	io_rte(&io, 9, 0x8039, 0);
	ok(rte_lo(&io, 9) & X86_IOAPIC_RTE_REMOTE_IRR,
	   "remote IRR is read-only: a write keeps it");
	x86_ioapic_eoi(&io, 0x38);
	ok(nmsg == 1 && (rte_lo(&io, 9) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "EOI of another vector: no effect");
	x86_ioapic_eoi(&io, 0x39);
	ok(nmsg == 2 && (rte_lo(&io, 9) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "EOI while still asserted: sent again, remote IRR set again");
	x86_ioapic_set_irq(&io, 9, false);
	ok(nmsg == 2 && (rte_lo(&io, 9) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "de-asserting leaves remote IRR until the EOI");
	x86_ioapic_write(&io, X86_IOAPIC_EOI, 0x39);
	ok(nmsg == 2 && !(rte_lo(&io, 9) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "EOI register, line low: remote IRR cleared, nothing sent");
	x86_ioapic_set_irq(&io, 9, true);
	ok(nmsg == 3, "asserted again: sent");

	/* refused messages */
	io_fresh(&io);
	io_rte(&io, 10, 0x803a, 0);
	refuse = true;
	x86_ioapic_set_irq(&io, 10, true);
	ok(nmsg == 1 && !(rte_lo(&io, 10) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "refused: no remote IRR");
	refuse = false;
	x86_ioapic_set_irq(&io, 10, true);
	ok(nmsg == 2 && (rte_lo(&io, 10) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "driving it asserted again retries");

	/* masking */
	io_fresh(&io);
	io_rte(&io, 11, 0x1803b, 0);
	x86_ioapic_set_irq(&io, 11, true);
	ok(nmsg == 0, "masked level pin: nothing");
	io_rte(&io, 11, 0x0803b, 0);
	ok(nmsg == 1 && (rte_lo(&io, 11) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "unmasking an asserted level pin sends it");
	io_rte(&io, 11, 0x1803b, 0);
	x86_ioapic_eoi(&io, 0x3b);
	ok(nmsg == 1 && !(rte_lo(&io, 11) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "EOI on a masked entry clears remote IRR, sends nothing");
	io_rte(&io, 11, 0x0803b, 0);
	ok(nmsg == 2, "unmasked again, still asserted: sent");
	io_rte(&io, 11, 0x0003b, 0);
	ok(!(rte_lo(&io, 11) & X86_IOAPIC_RTE_REMOTE_IRR) && nmsg == 2,
	   "switching the entry to edge clears remote IRR");

	/* polarity */
	io_fresh(&io);
	io_rte(&io, 20, 0xa054, 0);	/* level, active low: line 0 = asserted */
	ok(nmsg == 1, "active-low level entry on a line left low: asserted, sent");
	io_fresh(&io);
	x86_ioapic_set_irq(&io, 20, true);	/* the device idles high */
	io_rte(&io, 20, 0xa054, 0);
	ok(nmsg == 0, "active-low, line high: idle");
	x86_ioapic_set_irq(&io, 20, false);
	ok(nmsg == 1 && msgs[0].level, "active-low, line low: sent");
	x86_ioapic_set_irq(&io, 20, true);
	x86_ioapic_eoi(&io, 0x54);
	ok(nmsg == 1, "line back high, EOI: nothing more");
	x86_ioapic_set_irq(&io, 20, false);
	x86_ioapic_eoi(&io, 0x54);
	ok(nmsg == 3, "low again: sent; EOI while still low: sent again");

	/* two entries sharing a vector */
	io_fresh(&io);
	io_rte(&io, 12, 0x8060, 0);
	io_rte(&io, 13, 0x8060, 0);
	x86_ioapic_set_irq(&io, 12, true);
	x86_ioapic_set_irq(&io, 13, true);
	x86_ioapic_set_irq(&io, 12, false);
	x86_ioapic_eoi(&io, 0x60);
	ok(nmsg == 3 && !(rte_lo(&io, 12) & X86_IOAPIC_RTE_REMOTE_IRR) &&
	   (rte_lo(&io, 13) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "an EOI serves every entry with that vector");
}

/* The two models together, wired as the integrator will */
static void test_together(void)
{
	struct x86_lapic a;
	struct x86_ioapic io;

	fresh(&a, 0);
	io_fresh(&io);
	route_to = &a;
	eoi_to = &io;
	io_rte(&io, 9, 0x8049, 0);		/* level, physical 0 */
	x86_ioapic_set_irq(&io, 9, true);
	ok(irr(&a, 0x49) && tmr(&a, 0x49), "I/O APIC level pin -> IRR and TMR");
	ok(take(&a) == 0x49, "taken");
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	ok(neoi == 1 && nmsg == 2 && irr(&a, 0x49),
	   "EOI -> ops->eoi -> I/O APIC re-sends the asserted line into the same APIC");
	take(&a);
	x86_ioapic_set_irq(&io, 9, false);
	x86_lapic_write(&a, X86_LAPIC_EOI, 0);
	ok(neoi == 2 && nmsg == 2 && !irr(&a, 0x49) && !isr(&a, 0x49) &&
	   !(rte_lo(&io, 9) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "line dropped, EOI: all clear");

	x86_lapic_write(&a, X86_LAPIC_SVR, 0xff);
	x86_ioapic_set_irq(&io, 9, true);
	ok(nmsg == 3 && !(rte_lo(&io, 9) & X86_IOAPIC_RTE_REMOTE_IRR),
	   "a software-disabled APIC refuses: no remote IRR left stuck");
	x86_lapic_write(&a, X86_LAPIC_SVR, 0x1ff);
	x86_ioapic_set_irq(&io, 9, true);
	ok(irr(&a, 0x49), "enabled again, the line is still high: delivered");
}

int main(void)
{
	test_reset();
	test_registers();
	test_esr();
	test_priority();
	test_timer_oneshot();
	test_timer_periodic();
	test_timer_modes();
	test_icr();
	test_dest();
	test_swdisable();
	test_ioapic_regs();
	test_ioapic_edge();
	test_ioapic_level();
	test_together();
	printf("%d passed, %d failed\n", ntest - nfail, nfail);
	return nfail ? 1 : 0;
}
