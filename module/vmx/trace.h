/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the VMX backend, in the generic code's trace system
 * "minivm" (../trace.h), so that "minivm:*" names them all. Their fields
 * are VMX's (basic exit reasons, exit qualifications, VMCS contents),
 * which is why they live here and not in generic code.
 *
 * Disabled, each costs a patched-out jump (static keys). VMCS fields an
 * event shows are read with VMREAD in TP_fast_assign, which runs only
 * while the event is enabled, on the vCPU thread with its VMCS current;
 * an argument that must be read earlier than that is read by the caller
 * under trace_<event>_enabled() (the exit's RIP, vmx.c).
 *
 * vmx.c defines CREATE_TRACE_POINTS before including this header, once
 * for the module; <trace/define_trace.h> finds it again as vmx/trace.h,
 * relative to the -I$(src) that the Kbuild file gives vmx/vmx.o.
 */
#if !defined(MINIVM_VMX_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MINIVM_VMX_TRACE_H

#include <linux/tracepoint.h>
#include <asm/vmx.h>

#include "vmcs.h"
#include "vmx.h"

#undef TRACE_SYSTEM
#define TRACE_SYSTEM minivm

/* Just before VM entry (interrupts off): the RIP the guest resumes at. */
TRACE_EVENT(minivm_entry,
	    TP_PROTO(const struct minivm_vcpu *vcpu),
	    TP_ARGS(vcpu),

	    TP_STRUCT__entry(
		__field(u32, vcpu_id)
		__field(unsigned long, rip)
	    ),

	    TP_fast_assign(
		__entry->vcpu_id = vcpu->id;
		__entry->rip = vmcs_readl(GUEST_RIP);
	    ),

	    TP_printk("vcpu=%u rip=0x%lx", __entry->vcpu_id, __entry->rip)
);

/*
 * A VM exit, recorded once its handler is done so that it can say where
 * the exit went (@to): back into the guest ("kernel"), to userspace
 * ("user", with a minivm_userspace_exit to follow) or to an error
 * MINIVM_RUN returns ("error", @ret the errno). Events the handler
 * itself records (EPT violations, injected exceptions) therefore come
 * before it. @rip is where the guest was at the exit, before the handler
 * skipped an instruction.
 */
TRACE_EVENT(minivm_exit,
	    TP_PROTO(const struct minivm_vcpu *vcpu, u32 exit_reason,
		     unsigned long rip, int ret),
	    TP_ARGS(vcpu, exit_reason, rip, ret),

	    TP_STRUCT__entry(
		__field(u32, vcpu_id)
		__field(u32, exit_reason)
		__field(unsigned long, rip)
		__field(unsigned long, qual)
		__field(int, ret)
		__field(u8, to)
	    ),

	    TP_fast_assign(
		__entry->vcpu_id = vcpu->id;
		__entry->exit_reason = exit_reason;
		__entry->rip = rip;
		/* exit information fields hold until the next exit */
		__entry->qual = vmcs_readl(EXIT_QUALIFICATION);
		__entry->ret = ret;
		/*
		 * A field of its own rather than a ?: chain on ret in the
		 * format: libtraceevent (perf, trace-cmd) misreads
		 * "ret > 0 ? a : ret ? b : c".
		 */
		__entry->to = ret > 0 ? 1 : ret ? 2 : 0;
	    ),

	    TP_printk("vcpu=%u reason=%s rip=0x%lx qual=0x%lx to=%s",
		      __entry->vcpu_id,
		      __print_symbolic(__entry->exit_reason, VMX_EXIT_REASONS),
		      __entry->rip, __entry->qual,
		      __print_symbolic(__entry->to, { 0, "user" },
				       { 1, "kernel" }, { 2, "error" }))
);

/*
 * An external interrupt queued for the next VM entry: from the local
 * APIC, or again because an exit cut its delivery short (re-injected).
 */
TRACE_EVENT(minivm_inj_virq,
	    TP_PROTO(u32 vector, bool reinjected),
	    TP_ARGS(vector, reinjected),

	    TP_STRUCT__entry(
		__field(u32, vector)
		__field(bool, reinjected)
	    ),

	    TP_fast_assign(
		__entry->vector = vector;
		__entry->reinjected = reinjected;
	    ),

	    TP_printk("vector=0x%x reinjected=%u", __entry->vector,
		      __entry->reinjected)
);

/*
 * An exception queued for the next VM entry: raised by an exit handler
 * or the emulator, set by MINIVM_SET_VCPU_EVENTS, or re-injected after
 * an exit during its delivery (software interrupts, INT n, re-injected
 * the same way, show here with their vector).
 */
TRACE_EVENT(minivm_inj_exception,
	    TP_PROTO(u32 vector, bool has_error, u32 error_code,
		     bool reinjected),
	    TP_ARGS(vector, has_error, error_code, reinjected),

	    TP_STRUCT__entry(
		__field(u32, vector)
		__field(bool, has_error)
		__field(u32, error_code)
		__field(bool, reinjected)
	    ),

	    TP_fast_assign(
		__entry->vector = vector;
		__entry->has_error = has_error;
		__entry->error_code = error_code;
		__entry->reinjected = reinjected;
	    ),

	    TP_printk("vector=%s has_error=%u error_code=0x%x reinjected=%u",
		      __print_symbolic(__entry->vector,
				       { 0, "DE" }, { 1, "DB" }, { 2, "NMI" },
				       { 3, "BP" }, { 4, "OF" }, { 5, "BR" },
				       { 6, "UD" }, { 7, "NM" }, { 8, "DF" },
				       { 10, "TS" }, { 11, "NP" }, { 12, "SS" },
				       { 13, "GP" }, { 14, "PF" }, { 16, "MF" },
				       { 17, "AC" }, { 18, "MC" }, { 19, "XM" },
				       { 20, "VE" }, { 21, "CP" }),
		      __entry->has_error, __entry->error_code,
		      __entry->reinjected)
);

/* An NMI queued for the next VM entry. */
TRACE_EVENT(minivm_inj_nmi,
	    TP_PROTO(bool reinjected),
	    TP_ARGS(reinjected),

	    TP_STRUCT__entry(
		__field(bool, reinjected)
	    ),

	    TP_fast_assign(
		__entry->reinjected = reinjected;
	    ),

	    TP_printk("reinjected=%u", __entry->reinjected)
);

/*
 * An EPT violation: the guest touched a frame with no EPT entry (yet).
 * @kind is what backs @gpa (minivm_gpa_kind()): RAM and ROM are mapped,
 * anything else is MMIO for the emulator.
 */
TRACE_EVENT(minivm_ept_violation,
	    TP_PROTO(u64 gpa, unsigned long qual, int kind),
	    TP_ARGS(gpa, qual, kind),

	    TP_STRUCT__entry(
		__field(u64, gpa)
		__field(unsigned long, qual)
		__field(int, kind)
	    ),

	    TP_fast_assign(
		__entry->gpa = gpa;
		__entry->qual = qual;
		__entry->kind = kind;
	    ),

	    TP_printk("gpa=0x%llx qual=0x%lx kind=%s", __entry->gpa,
		      __entry->qual,
		      __print_symbolic(__entry->kind, { 0, "mmio" },
				       { 1, "ram" }, { 2, "rom" }))
);

#endif /* MINIVM_VMX_TRACE_H */

/* Outside the guard: <trace/define_trace.h> reads this file again. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH vmx
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
