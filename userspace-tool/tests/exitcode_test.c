// SPDX-License-Identifier: GPL-2.0
/* Exit statuses and the crash report line. */
#include "exitcode.h"
#include "test.h"

static void exitcode_table(void)
{
	/* The documented table (Documentation/minivm-run.rst). */
	CHECK_INT(STATUS_HALTED, 0);
	CHECK_INT(STATUS_USAGE, 64);
	CHECK_INT(STATUS_BAD_IMAGE, 65);
	CHECK_INT(STATUS_NO_IMAGE, 66);
	CHECK_INT(STATUS_NO_DEVICE, 69);
	CHECK_INT(STATUS_GUEST_CRASH, 70);
	CHECK_INT(STATUS_OS_ERROR, 71);
}

static void exitcode_debug_exit(void)
{
	uint32_t v;

	CHECK_INT(exit_status_debug_exit(0), 1);
	CHECK_INT(exit_status_debug_exit(1), 3);
	CHECK_INT(exit_status_debug_exit(42), 85);
	CHECK_INT(exit_status_debug_exit(127), 255);
	/* Only the low 8 bits survive exit(), as under QEMU. */
	CHECK_INT(exit_status_debug_exit(128), 1);
	CHECK_INT(exit_status_debug_exit(0x1ab), 0x57);
	CHECK_INT(exit_status_debug_exit(0xffffffff), 255);
	for (v = 0; v < 512; v++) {
		int st = exit_status_debug_exit(v);

		if (!(st & 1) || st > 255)
			check_failed(__FILE__, __LINE__, "status %d for %u: not odd 8-bit", st, v);
	}
	/* Values 0..31 never look like one of minivm-run's own statuses. */
	for (v = 0; v < 32; v++)
		if (exit_status_debug_exit(v) >= STATUS_USAGE)
			check_failed(__FILE__, __LINE__, "value %u gives status >= 64", v);
}

static int status_of(enum vmm_exit_reason reason)
{
	struct vmm_exit exit = { .reason = reason };

	return exit_status_for_exit(&exit);
}

static void exitcode_reasons(void)
{
	struct vmm_exit ev = { .reason = VMM_EXIT_SYSTEM_EVENT };

	CHECK_INT(status_of(VMM_EXIT_HLT), 0);
	CHECK_INT(status_of(VMM_EXIT_IO), -1);
	CHECK_INT(status_of(VMM_EXIT_MMIO), -1);
	CHECK_INT(status_of(VMM_EXIT_INTR), -1);
	CHECK_INT(status_of(VMM_EXIT_SHUTDOWN), 70);
	CHECK_INT(status_of(VMM_EXIT_FAIL_ENTRY), 70);
	CHECK_INT(status_of(VMM_EXIT_INTERNAL_ERROR), 70);
	CHECK_INT(status_of(VMM_EXIT_UNKNOWN), 70);
	CHECK_INT(status_of(1000), 70);

	/* Power-off and reset end cleanly, a reset as a reboot; a crash does not. */
	ev.system_event.type = VMM_SYSTEM_EVENT_SHUTDOWN;
	CHECK_INT(exit_status_for_exit(&ev), 0);
	ev.system_event.type = VMM_SYSTEM_EVENT_RESET;
	CHECK_INT(exit_status_for_exit(&ev), 2);
	ev.system_event.type = VMM_SYSTEM_EVENT_CRASH;
	CHECK_INT(exit_status_for_exit(&ev), 70);
	ev.system_event.type = VMM_SYSTEM_EVENT_OTHER;
	CHECK_INT(exit_status_for_exit(&ev), 70);
}

static void exitcode_names(void)
{
	CHECK_STR(vmm_exit_name(VMM_EXIT_IO), "IO");
	CHECK_STR(vmm_exit_name(VMM_EXIT_MMIO), "MMIO");
	CHECK_STR(vmm_exit_name(VMM_EXIT_SHUTDOWN), "SHUTDOWN");
	CHECK_STR(vmm_exit_name(VMM_EXIT_INTERNAL_ERROR), "INTERNAL_ERROR");
	CHECK_STR(vmm_exit_name(VMM_EXIT_SYSTEM_EVENT), "SYSTEM_EVENT");
	CHECK_STR(vmm_exit_name(99), "UNKNOWN");
	CHECK_STR(vmx_exit_name(18), "VMCALL");
	CHECK_STR(vmx_exit_name(33), "INVALID_STATE");
	CHECK_STR(vmx_exit_name(48), "EPT_VIOLATION");
	CHECK(!vmx_exit_name(35));
	CHECK(!vmx_exit_name(0xffff));
}

static void exitcode_crash_shutdown(void)
{
	struct vmm_exit exit = { .reason = VMM_EXIT_SHUTDOWN };
	struct vcpu_regs regs = { .rip = 0x5 };
	struct vcpu_sregs sregs = { .cs.selector = 0x1000 };
	char line[400];

	format_crash(line, sizeof(line), &exit, "MINIVM_RUN", &regs, &sregs);
	CHECK_STR(line, "guest stopped: triple fault (SHUTDOWN) at CS:IP 1000:0005 (rip 0x5)");
	format_crash(line, sizeof(line), &exit, "MINIVM_RUN", NULL, NULL);
	CHECK_STR(line, "guest stopped: triple fault (SHUTDOWN)");
}

static void exitcode_crash_fail_entry(void)
{
	struct vmm_exit exit = { .reason = VMM_EXIT_FAIL_ENTRY };
	char line[400];

	exit.fail_entry.hw_reason = 0x80000021;
	exit.fail_entry.qualification = 3;
	exit.fail_entry.cpu = 1;
	format_crash(line, sizeof(line), &exit, "MINIVM_RUN", NULL, NULL);
	CHECK_CONTAINS(line, "VM entry failed (FAIL_ENTRY)");
	CHECK_CONTAINS(line, "hardware reason 0x80000021");
	CHECK_CONTAINS(line, "basic reason 33 (INVALID_STATE)");
	CHECK_CONTAINS(line, "qualification 0x3");
	CHECK_CONTAINS(line, "cpu 1");
}

static void exitcode_crash_internal(void)
{
	struct vmm_exit exit = { .reason = VMM_EXIT_INTERNAL_ERROR };
	char line[400];

	exit.internal.kind = VMM_INTERNAL_UNHANDLED_EXIT;
	exit.internal.have_vmx = true;
	exit.internal.vmx_reason = 18;
	exit.internal.rip = 0x5;
	exit.internal.vmx_insn_len = 3;
	format_crash(line, sizeof(line), &exit, "MINIVM_RUN", NULL, NULL);
	CHECK_STR(line, "guest stopped: internal error (unhandled exit): VMX exit reason 18 (VMCALL), qualification 0x0, rip 0x5, instruction length 3, IDT-vectoring info 0x0");

	exit.internal.kind = VMM_INTERNAL_DELIVERY_EV;
	exit.internal.vmx_reason = 48;
	format_crash(line, sizeof(line), &exit, "MINIVM_RUN", NULL, NULL);
	CHECK_CONTAINS(line, "exit while delivering an event");
	CHECK_CONTAINS(line, "48 (EPT_VIOLATION)");

	/* The emulator's failure: where, and the bytes it could not decode. */
	memset(&exit.internal, 0, sizeof(exit.internal));
	exit.internal.kind = VMM_INTERNAL_EMULATION;
	exit.internal.have_rip = true;
	exit.internal.rip = 0x1000;
	exit.internal.have_gpa = true;
	exit.internal.gpa = 0xfee00030;
	exit.internal.insn_len = 2;
	exit.internal.insn[0] = 0x0f;
	exit.internal.insn[1] = 0x0b;
	format_crash(line, sizeof(line), &exit, "MINIVM_RUN", NULL, NULL);
	CHECK_STR(line, "guest stopped: internal error (instruction emulation failed): rip 0x1000, guest-physical 0xfee00030, instruction bytes 0f 0b");

	/* A known kind whose data layout is unknown: raw words. */
	memset(&exit.internal, 0, sizeof(exit.internal));
	exit.internal.kind = VMM_INTERNAL_EMULATION;
	exit.internal.suberror = 1;
	exit.internal.ndata = 1;
	exit.internal.data[0] = 0x33;
	format_crash(line, sizeof(line), &exit, "KVM_RUN", NULL, NULL);
	CHECK_STR(line, "guest stopped: internal error (instruction emulation failed, suberror 1), data: 0x33");

	memset(&exit.internal, 0, sizeof(exit.internal));
	exit.internal.suberror = 7;
	exit.internal.ndata = 2;
	exit.internal.data[0] = 0x11;
	exit.internal.data[1] = 0x22;
	format_crash(line, sizeof(line), &exit, "MINIVM_RUN", NULL, NULL);
	CHECK_STR(line, "guest stopped: internal error (suberror 7), data: 0x11 0x22");
}

static void exitcode_crash_bounds(void)
{
	struct vmm_exit exit = { .reason = VMM_EXIT_INTERNAL_ERROR };
	char line[400], tiny[12];
	unsigned int i;

	/* A bogus ndata shows at most the 16 words that exist. */
	exit.internal.suberror = 99;
	exit.internal.ndata = 1000;
	for (i = 0; i < 16; i++)
		exit.internal.data[i] = 0xa0 + i;
	format_crash(line, sizeof(line), &exit, "MINIVM_RUN", NULL, NULL);
	CHECK_CONTAINS(line, " 0xaf");
	CHECK(!strstr(line, "0xb0"));

	memset(tiny, 'x', sizeof(tiny));
	format_crash(tiny, sizeof(tiny), &exit, "MINIVM_RUN", NULL, NULL);
	CHECK_INT(strlen(tiny), sizeof(tiny) - 1);

	exit.reason = VMM_EXIT_UNKNOWN;
	exit.raw_reason = 42;
	format_crash(line, sizeof(line), &exit, "MINIVM_RUN", NULL, NULL);
	CHECK_STR(line, "guest stopped: unexpected exit reason 42 (UNKNOWN) from MINIVM_RUN");
	CHECK(!strchr(line, '\n'));
	exit.raw_reason = 8;
	exit.raw_name = "X86_RDMSR";
	format_crash(line, sizeof(line), &exit, "MINIVM_RUN", NULL, NULL);
	CHECK_STR(line, "guest stopped: unexpected exit reason 8 (X86_RDMSR) from MINIVM_RUN");
}

static void exitcode_crash_system_event(void)
{
	struct vmm_exit exit = { .reason = VMM_EXIT_SYSTEM_EVENT };
	char line[400];

	exit.system_event.type = VMM_SYSTEM_EVENT_CRASH;
	exit.system_event.raw_type = 3;
	format_crash(line, sizeof(line), &exit, "KVM_RUN", NULL, NULL);
	CHECK_STR(line, "guest stopped: system event 3 (the guest reported a crash)");
}

const struct test exitcode_tests[] = {
	{ "exitcode: the documented status table", exitcode_table },
	{ "exitcode: debug-exit (v << 1) | 1, low 8 bits, always odd", exitcode_debug_exit },
	{ "exitcode: which exit reasons end the run, and how", exitcode_reasons },
	{ "exitcode: exit and VMX exit reason names", exitcode_names },
	{ "exitcode: triple fault line, with and without CS:IP", exitcode_crash_shutdown },
	{ "exitcode: failed VM entry line", exitcode_crash_fail_entry },
	{ "exitcode: internal error lines", exitcode_crash_internal },
	{ "exitcode: bogus ndata, tiny buffer, unknown reason", exitcode_crash_bounds },
	{ "exitcode: a system event that is not a power-off", exitcode_crash_system_event },
	{ NULL, NULL },
};
