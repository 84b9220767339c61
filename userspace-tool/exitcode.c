// SPDX-License-Identifier: GPL-2.0
/*
 * How a run ends: the exit status for each way, and the one line on
 * stderr that says why when the guest crashed.
 */
#include <stdarg.h>
#include <stdio.h>

#include <asm/vmx.h>

#include "compiler.h"
#include "exitcode.h"

int exit_status_debug_exit(uint32_t value)
{
	/*
	 * QEMU passes (v << 1) | 1 to exit(), and the kernel keeps the low
	 * eight bits; so do we, so that a status means the same under both.
	 * It is always odd, hence never 0, the status of a clean HLT.
	 */
	return ((value << 1) | 1) & 0xff;
}

int exit_status_for_exit(const struct vmm_exit *exit)
{
	switch (exit->reason) {
	case VMM_EXIT_IO:
	case VMM_EXIT_MMIO:
	case VMM_EXIT_INTR:
		return -1;
	case VMM_EXIT_HLT:
		/*
		 * A flat binary has no interrupt controller: a halted vCPU
		 * would sleep forever, so HLT is how it says "done". With the
		 * in-kernel irqchip the driver sleeps through a HLT with
		 * interrupts enabled itself, and only one with interrupts
		 * disabled, which nothing but an NMI could end, comes here:
		 * Linux's halt and its poweroff without ACPI.
		 */
		return STATUS_HALTED;
	case VMM_EXIT_SYSTEM_EVENT:
		/*
		 * A power-off or reset is the guest's way to end cleanly; a
		 * reset reported by the driver means what the i8042's does.
		 */
		if (exit->system_event.type == VMM_SYSTEM_EVENT_SHUTDOWN)
			return STATUS_HALTED;
		if (exit->system_event.type == VMM_SYSTEM_EVENT_RESET)
			return STATUS_REBOOT;
		return STATUS_GUEST_CRASH;
	default:
		/* SHUTDOWN, FAIL_ENTRY, INTERNAL_ERROR and unknown ones. */
		return STATUS_GUEST_CRASH;
	}
}

static const char * const vmm_exit_names[VMM_EXIT_NR] = {
	[VMM_EXIT_UNKNOWN]		= "UNKNOWN",
	[VMM_EXIT_IO]			= "IO",
	[VMM_EXIT_MMIO]			= "MMIO",
	[VMM_EXIT_HLT]			= "HLT",
	[VMM_EXIT_SHUTDOWN]		= "SHUTDOWN",
	[VMM_EXIT_FAIL_ENTRY]		= "FAIL_ENTRY",
	[VMM_EXIT_INTERNAL_ERROR]	= "INTERNAL_ERROR",
	[VMM_EXIT_INTR]			= "INTR",
	[VMM_EXIT_SYSTEM_EVENT]		= "SYSTEM_EVENT",
};

const char *vmm_exit_name(enum vmm_exit_reason reason)
{
	if ((unsigned int)reason >= ARRAY_SIZE(vmm_exit_names))
		return "UNKNOWN";
	return vmm_exit_names[reason];
}

static const struct {
	uint32_t reason;
	const char *name;
} vmx_exit_names[] = { VMX_EXIT_REASONS };

const char *vmx_exit_name(uint32_t basic_reason)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vmx_exit_names); i++)
		if (vmx_exit_names[i].reason == basic_reason)
			return vmx_exit_names[i].name;
	return NULL;
}

/* A VMX exit reason as "18 (VMCALL)", or just the number. */
static const char *vmx_reason_str(uint64_t raw, char *buf, size_t len)
{
	const char *name = vmx_exit_name(raw & 0xffff);

	if (name)
		snprintf(buf, len, "%llu (%s)", (unsigned long long)(raw & 0xffff), name);
	else
		snprintf(buf, len, "%llu", (unsigned long long)(raw & 0xffff));
	return buf;
}

/* snprintf() that appends at @*used and never runs past @len. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__printf(4, 5);

static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += n;
}

/* Append " at CS:IP xxxx:xxxx" when the caller read the registers. */
static void append_cs_ip(char *buf, size_t len, size_t *used,
			 const struct vcpu_regs *regs,
			 const struct vcpu_sregs *sregs)
{
	if (!regs || !sregs)
		return;
	append(buf, len, used, " at CS:IP %04x:%04llx (rip 0x%llx)",
	       sregs->cs.selector, (unsigned long long)(regs->rip & 0xffff),
	       (unsigned long long)regs->rip);
}

static const char *internal_kind_str(enum vmm_internal_kind kind)
{
	switch (kind) {
	case VMM_INTERNAL_UNHANDLED_EXIT:
		return "unhandled exit";
	case VMM_INTERNAL_DELIVERY_EV:
		return "exit while delivering an event";
	case VMM_INTERNAL_EMULATION:
		return "instruction emulation failed";
	case VMM_INTERNAL_OTHER:
		break;
	}
	return NULL;
}

static void format_internal_error(char *buf, size_t len,
				  const struct vmm_exit *exit)
{
	const char *what = internal_kind_str(exit->internal.kind);
	unsigned int ndata = exit->internal.ndata;
	char reason[48];
	size_t used = 0;
	unsigned int i;

	if (what && exit->internal.have_vmx) {
		append(buf, len, &used,
		       "guest stopped: internal error (%s): VMX exit reason %s, qualification 0x%llx, rip 0x%llx, instruction length %llu, IDT-vectoring info 0x%llx",
		       what, vmx_reason_str(exit->internal.vmx_reason, reason, sizeof(reason)),
		       (unsigned long long)exit->internal.vmx_qualification,
		       (unsigned long long)exit->internal.rip,
		       (unsigned long long)exit->internal.vmx_insn_len,
		       (unsigned long long)exit->internal.vmx_idt_vectoring);
		return;
	}

	if (what && exit->internal.insn_len) {
		append(buf, len, &used, "guest stopped: internal error (%s):", what);
		if (exit->internal.have_rip)
			append(buf, len, &used, " rip 0x%llx,",
			       (unsigned long long)exit->internal.rip);
		if (exit->internal.have_gpa)
			append(buf, len, &used, " guest-physical 0x%llx,",
			       (unsigned long long)exit->internal.gpa);
		append(buf, len, &used, " instruction bytes");
		for (i = 0; i < exit->internal.insn_len && i < 15; i++)
			append(buf, len, &used, " %02x", exit->internal.insn[i]);
		return;
	}

	/* A layout this tool does not know: show the raw words. */
	if (what)
		append(buf, len, &used,
		       "guest stopped: internal error (%s, suberror %u), data:",
		       what, exit->internal.suberror);
	else
		append(buf, len, &used,
		       "guest stopped: internal error (suberror %u), data:",
		       exit->internal.suberror);
	if (ndata > VMM_EXIT_MAX_DATA)
		ndata = VMM_EXIT_MAX_DATA;
	for (i = 0; i < ndata; i++)
		append(buf, len, &used, " 0x%llx",
		       (unsigned long long)exit->internal.data[i]);
}

void format_crash(char *buf, size_t len, const struct vmm_exit *exit,
		  const char *run_ioctl, const struct vcpu_regs *regs,
		  const struct vcpu_sregs *sregs)
{
	char reason[48];
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';

	switch (exit->reason) {
	case VMM_EXIT_SHUTDOWN:
		append(buf, len, &used, "guest stopped: triple fault (SHUTDOWN)");
		append_cs_ip(buf, len, &used, regs, sregs);
		break;
	case VMM_EXIT_FAIL_ENTRY:
		append(buf, len, &used,
		       "guest stopped: VM entry failed (FAIL_ENTRY): hardware reason 0x%llx, basic reason %s, qualification 0x%llx, cpu %u",
		       (unsigned long long)exit->fail_entry.hw_reason,
		       vmx_reason_str(exit->fail_entry.hw_reason, reason, sizeof(reason)),
		       (unsigned long long)exit->fail_entry.qualification,
		       exit->fail_entry.cpu);
		append_cs_ip(buf, len, &used, regs, sregs);
		break;
	case VMM_EXIT_INTERNAL_ERROR:
		format_internal_error(buf, len, exit);
		break;
	case VMM_EXIT_SYSTEM_EVENT:
		append(buf, len, &used,
		       "guest stopped: system event %u (%s)", exit->system_event.raw_type,
		       exit->system_event.type == VMM_SYSTEM_EVENT_CRASH ?
		       "the guest reported a crash" : "not a power-off or reset");
		append_cs_ip(buf, len, &used, regs, sregs);
		break;
	default:
		append(buf, len, &used,
		       "guest stopped: unexpected exit reason %u (%s) from %s",
		       exit->raw_reason, exit->raw_name ? exit->raw_name : "UNKNOWN",
		       run_ioctl);
		append_cs_ip(buf, len, &used, regs, sregs);
	}
}
