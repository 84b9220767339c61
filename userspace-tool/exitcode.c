// SPDX-License-Identifier: GPL-2.0
/*
 * How a run ends: the exit status for each way, and the one line on
 * stderr that says why when the guest crashed.
 */
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

int exit_status_for_reason(uint32_t exit_reason)
{
	switch (exit_reason) {
	case MINIVM_EXIT_IO:
	case MINIVM_EXIT_INTR:
		return -1;
	case MINIVM_EXIT_HLT:
		/*
		 * Nothing can raise an interrupt yet, so a halted vCPU
		 * would sleep forever: HLT is how a guest says "done".
		 */
		return STATUS_HALTED;
	default:
		/* SHUTDOWN, FAIL_ENTRY, INTERNAL_ERROR and unknown ones. */
		return STATUS_GUEST_CRASH;
	}
}

static const char * const minivm_exit_names[] = {
	[MINIVM_EXIT_UNKNOWN]		= "UNKNOWN",
	[MINIVM_EXIT_IO]		= "IO",
	[MINIVM_EXIT_HLT]		= "HLT",
	[MINIVM_EXIT_SHUTDOWN]		= "SHUTDOWN",
	[MINIVM_EXIT_FAIL_ENTRY]	= "FAIL_ENTRY",
	[MINIVM_EXIT_INTR]		= "INTR",
	[MINIVM_EXIT_INTERNAL_ERROR]	= "INTERNAL_ERROR",
};

const char *minivm_exit_name(uint32_t exit_reason)
{
	if (exit_reason >= ARRAY_SIZE(minivm_exit_names))
		return "UNKNOWN";
	return minivm_exit_names[exit_reason];
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

/* Append " at CS:IP xxxx:xxxx" when the caller read the registers. */
static void append_cs_ip(char *buf, size_t len, size_t used,
			 const struct minivm_regs *regs,
			 const struct minivm_sregs *sregs)
{
	if (used >= len || !regs || !sregs)
		return;
	snprintf(buf + used, len - used, " at CS:IP %04x:%04llx (rip 0x%llx)",
		 sregs->cs.selector, (unsigned long long)(regs->rip & 0xffff),
		 (unsigned long long)regs->rip);
}

static void format_internal_error(char *buf, size_t len,
				  const struct minivm_run *run)
{
	const __u64 *d = run->internal.data;
	unsigned int ndata = run->internal.ndata;
	const char *what;
	char reason[48];
	size_t used;
	unsigned int i;

	switch (run->internal.suberror) {
	case MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT:
		what = "unhandled exit";
		break;
	case MINIVM_INTERNAL_ERROR_DELIVERY_EV:
		what = "exit while delivering an event";
		break;
	default:
		what = NULL;
	}

	if (what && ndata >= 5) {
		snprintf(buf, len,
			 "guest stopped: internal error (%s): VMX exit reason %s, qualification 0x%llx, rip 0x%llx, instruction length %llu, IDT-vectoring info 0x%llx",
			 what, vmx_reason_str(d[0], reason, sizeof(reason)),
			 (unsigned long long)d[1], (unsigned long long)d[2],
			 (unsigned long long)d[3], (unsigned long long)d[4]);
		return;
	}

	/*
	 * The in-kernel emulator met an instruction it does not do: data[0]
	 * RIP, [1] the guest-physical address, [2] the length, [3..4] the
	 * bytes (uapi/linux/minivm.h).
	 */
	if (run->internal.suberror == MINIVM_INTERNAL_ERROR_EMULATION &&
	    ndata >= 5) {
		unsigned int n = d[2] < 15 ? d[2] : 15;

		used = snprintf(buf, len,
				"guest stopped: internal error (instruction not emulated): rip 0x%llx, guest-physical address 0x%llx, bytes",
				(unsigned long long)d[0],
				(unsigned long long)d[1]);
		for (i = 0; i < n && used < len; i++)
			used += snprintf(buf + used, len - used, " %02x",
					 (unsigned int)(d[3 + i / 8] >>
							(8 * (i % 8))) & 0xff);
		return;
	}

	/* A suberror this tool does not know: show the raw words. */
	used = snprintf(buf, len, "guest stopped: internal error (suberror %u), data:",
			run->internal.suberror);
	if (ndata > 16)
		ndata = 16;
	for (i = 0; i < ndata && used < len; i++)
		used += snprintf(buf + used, len - used, " 0x%llx",
				 (unsigned long long)d[i]);
}

void format_crash(char *buf, size_t len, const struct minivm_run *run,
		  const struct minivm_regs *regs,
		  const struct minivm_sregs *sregs)
{
	char reason[48];
	int used;

	switch (run->exit_reason) {
	case MINIVM_EXIT_SHUTDOWN:
		used = snprintf(buf, len, "guest stopped: triple fault (SHUTDOWN)");
		append_cs_ip(buf, len, used, regs, sregs);
		break;
	case MINIVM_EXIT_FAIL_ENTRY:
		used = snprintf(buf, len,
				"guest stopped: VM entry failed (FAIL_ENTRY): hardware reason 0x%llx, basic reason %s, qualification 0x%llx, cpu %u",
				(unsigned long long)run->fail_entry.hardware_entry_failure_reason,
				vmx_reason_str(run->fail_entry.hardware_entry_failure_reason,
					       reason, sizeof(reason)),
				(unsigned long long)run->fail_entry.qualification,
				run->fail_entry.cpu);
		append_cs_ip(buf, len, used, regs, sregs);
		break;
	case MINIVM_EXIT_INTERNAL_ERROR:
		format_internal_error(buf, len, run);
		break;
	default:
		used = snprintf(buf, len,
				"guest stopped: unexpected exit reason %u (%s) from MINIVM_RUN",
				run->exit_reason, minivm_exit_name(run->exit_reason));
		append_cs_ip(buf, len, used, regs, sregs);
	}
}
