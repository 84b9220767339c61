/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the generic code, trace system "minivm" (the VMX
 * backend adds its own to the same system: vmx/trace.h). They cost a
 * patched-out jump each while disabled (static keys); whatever an event
 * needs beyond its arguments is read in TP_fast_assign, which runs only
 * when the event is enabled. Documentation/tracing.rst shows them in use.
 *
 * vcpu.c defines CREATE_TRACE_POINTS before including this header, which
 * instantiates the events once for the module. The header is found again
 * by <trace/define_trace.h> through TRACE_INCLUDE_PATH, relative to the
 * -I$(src) that the Kbuild file gives vcpu.o (this is an out-of-tree
 * module: there is no include/trace/events/ of ours).
 */
#if !defined(MINIVM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MINIVM_TRACE_H

#include <linux/tracepoint.h>

#include "minivm.h"

#undef TRACE_SYSTEM
#define TRACE_SYSTEM minivm

/* MINIVM_EXIT_*, for __print_symbolic(). */
#define MINIVM_EXIT_NAME(x)	{ MINIVM_EXIT_##x, #x }

/*
 * MINIVM_RUN returns to userspace: the run area's exit_reason and, for
 * the exits that have them, what userspace is to do. Every field is
 * recorded for every exit so that filters can use them ("port == 0x3f8");
 * those that do not belong to the exit are 0. A negative errno is what
 * RUN returned (exit_reason is then only meaningful for INTR).
 */
TRACE_EVENT(minivm_userspace_exit,
	    TP_PROTO(const struct minivm_vcpu *vcpu, int ret),
	    TP_ARGS(vcpu, ret),

	    TP_STRUCT__entry(
		__field(u32, vcpu_id)
		__field(u32, exit_reason)
		__field(int, err)
		__field(u16, port)
		__field(u8, size)
		__field(u8, out)
		__field(u32, count)
		__field(u64, gpa)
		__field(u32, len)
		__field(u8, write)
	    ),

	    TP_fast_assign(
		const struct minivm_run *run = vcpu->run;
		bool io = !ret && run->exit_reason == MINIVM_EXIT_IO;
		bool mmio = !ret && run->exit_reason == MINIVM_EXIT_MMIO;

		__entry->vcpu_id = vcpu->id;
		__entry->exit_reason = run->exit_reason;
		__entry->err = ret < 0 ? ret : 0;
		__entry->port = io ? run->io.port : 0;
		__entry->size = io ? run->io.size : 0;
		__entry->out = io && run->io.direction == MINIVM_EXIT_IO_OUT;
		__entry->count = io ? run->io.count : 0;
		__entry->gpa = mmio ? run->mmio.phys_addr : 0;
		__entry->len = mmio ? run->mmio.len : 0;
		__entry->write = mmio && run->mmio.is_write;
	    ),

	    TP_printk("vcpu=%u reason=%s err=%d port=0x%x size=%u dir=%s count=%u gpa=0x%llx len=%u write=%u",
		      __entry->vcpu_id,
		      __print_symbolic(__entry->exit_reason,
				       MINIVM_EXIT_NAME(UNKNOWN),
				       MINIVM_EXIT_NAME(IO),
				       MINIVM_EXIT_NAME(HLT),
				       MINIVM_EXIT_NAME(SHUTDOWN),
				       MINIVM_EXIT_NAME(FAIL_ENTRY),
				       MINIVM_EXIT_NAME(INTR),
				       MINIVM_EXIT_NAME(INTERNAL_ERROR),
				       MINIVM_EXIT_NAME(MMIO),
				       MINIVM_EXIT_NAME(X86_RDMSR),
				       MINIVM_EXIT_NAME(X86_WRMSR)),
		      __entry->err, __entry->port, __entry->size,
		      __entry->out ? "out" : "in", __entry->count,
		      __entry->gpa, __entry->len, __entry->write)
);

/* Events that name only a vCPU. */
DECLARE_EVENT_CLASS(minivm_vcpu_event,
		    TP_PROTO(const struct minivm_vcpu *vcpu),
		    TP_ARGS(vcpu),

		    TP_STRUCT__entry(
			__field(u32, vcpu_id)
		    ),

		    TP_fast_assign(
			__entry->vcpu_id = vcpu->id;
		    ),

		    TP_printk("vcpu=%u", __entry->vcpu_id)
);

/* HLT with interrupts enabled: the vCPU thread goes to sleep (lapic.c). */
DEFINE_EVENT(minivm_vcpu_event, minivm_halt_sleep,
	     TP_PROTO(const struct minivm_vcpu *vcpu),
	     TP_ARGS(vcpu)
);

/* ... and its halt is over: an interrupt or NMI is due. */
DEFINE_EVENT(minivm_vcpu_event, minivm_halt_wake,
	     TP_PROTO(const struct minivm_vcpu *vcpu),
	     TP_ARGS(vcpu)
);

/*
 * The local APIC timer's hrtimer fired (hard interrupt context, so on
 * whatever task the CPU was running, not necessarily the vCPU thread).
 */
DEFINE_EVENT(minivm_vcpu_event, minivm_apic_timer,
	     TP_PROTO(const struct minivm_vcpu *vcpu),
	     TP_ARGS(vcpu)
);

/* MINIVM_IRQ_LINE: userspace drives an I/O APIC pin. */
TRACE_EVENT(minivm_irq_line,
	    TP_PROTO(u32 pin, u32 level),
	    TP_ARGS(pin, level),

	    TP_STRUCT__entry(
		__field(u32, pin)
		__field(u32, level)
	    ),

	    TP_fast_assign(
		__entry->pin = pin;
		__entry->level = level;
	    ),

	    TP_printk("pin=%u level=%u", __entry->pin, __entry->level)
);

#endif /* MINIVM_TRACE_H */

/* Outside the guard: <trace/define_trace.h> reads this file again. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
