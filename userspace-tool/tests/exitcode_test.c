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

static void exitcode_reasons(void)
{
	CHECK_INT(exit_status_for_reason(MINIVM_EXIT_HLT), 0);
	CHECK_INT(exit_status_for_reason(MINIVM_EXIT_IO), -1);
	CHECK_INT(exit_status_for_reason(MINIVM_EXIT_INTR), -1);
	CHECK_INT(exit_status_for_reason(MINIVM_EXIT_SHUTDOWN), 70);
	CHECK_INT(exit_status_for_reason(MINIVM_EXIT_FAIL_ENTRY), 70);
	CHECK_INT(exit_status_for_reason(MINIVM_EXIT_INTERNAL_ERROR), 70);
	CHECK_INT(exit_status_for_reason(MINIVM_EXIT_UNKNOWN), 70);
	CHECK_INT(exit_status_for_reason(1000), 70);
}

static void exitcode_names(void)
{
	CHECK_STR(minivm_exit_name(MINIVM_EXIT_IO), "IO");
	CHECK_STR(minivm_exit_name(MINIVM_EXIT_SHUTDOWN), "SHUTDOWN");
	CHECK_STR(minivm_exit_name(MINIVM_EXIT_INTERNAL_ERROR), "INTERNAL_ERROR");
	CHECK_STR(minivm_exit_name(99), "UNKNOWN");
	CHECK_STR(vmx_exit_name(18), "VMCALL");
	CHECK_STR(vmx_exit_name(33), "INVALID_STATE");
	CHECK_STR(vmx_exit_name(48), "EPT_VIOLATION");
	CHECK(!vmx_exit_name(35));
	CHECK(!vmx_exit_name(0xffff));
}

static void exitcode_crash_shutdown(void)
{
	struct minivm_run run = { .exit_reason = MINIVM_EXIT_SHUTDOWN };
	struct minivm_regs regs = { .rip = 0x5 };
	struct minivm_sregs sregs = { .cs.selector = 0x1000 };
	char line[400];

	format_crash(line, sizeof(line), &run, &regs, &sregs);
	CHECK_STR(line, "guest stopped: triple fault (SHUTDOWN) at CS:IP 1000:0005 (rip 0x5)");
	format_crash(line, sizeof(line), &run, NULL, NULL);
	CHECK_STR(line, "guest stopped: triple fault (SHUTDOWN)");
}

static void exitcode_crash_fail_entry(void)
{
	struct minivm_run run = { .exit_reason = MINIVM_EXIT_FAIL_ENTRY };
	char line[400];

	run.fail_entry.hardware_entry_failure_reason = 0x80000021;
	run.fail_entry.qualification = 3;
	run.fail_entry.cpu = 1;
	format_crash(line, sizeof(line), &run, NULL, NULL);
	CHECK_CONTAINS(line, "VM entry failed (FAIL_ENTRY)");
	CHECK_CONTAINS(line, "hardware reason 0x80000021");
	CHECK_CONTAINS(line, "basic reason 33 (INVALID_STATE)");
	CHECK_CONTAINS(line, "qualification 0x3");
	CHECK_CONTAINS(line, "cpu 1");
}

static void exitcode_crash_internal(void)
{
	struct minivm_run run = { .exit_reason = MINIVM_EXIT_INTERNAL_ERROR };
	char line[400];

	run.internal.suberror = MINIVM_INTERNAL_ERROR_UNHANDLED_EXIT;
	run.internal.ndata = 5;
	run.internal.data[0] = 18;
	run.internal.data[1] = 0;
	run.internal.data[2] = 0x5;
	run.internal.data[3] = 3;
	run.internal.data[4] = 0;
	format_crash(line, sizeof(line), &run, NULL, NULL);
	CHECK_STR(line, "guest stopped: internal error (unhandled exit): VMX exit reason 18 (VMCALL), qualification 0x0, rip 0x5, instruction length 3, IDT-vectoring info 0x0");

	run.internal.suberror = MINIVM_INTERNAL_ERROR_DELIVERY_EV;
	run.internal.data[0] = 48;
	format_crash(line, sizeof(line), &run, NULL, NULL);
	CHECK_CONTAINS(line, "exit while delivering an event");
	CHECK_CONTAINS(line, "48 (EPT_VIOLATION)");

	run.internal.suberror = 7;
	run.internal.ndata = 2;
	run.internal.data[0] = 0x11;
	run.internal.data[1] = 0x22;
	format_crash(line, sizeof(line), &run, NULL, NULL);
	CHECK_STR(line, "guest stopped: internal error (suberror 7), data: 0x11 0x22");
}

static void exitcode_crash_bounds(void)
{
	struct minivm_run run = { .exit_reason = MINIVM_EXIT_INTERNAL_ERROR };
	char line[400], tiny[12];
	unsigned int i;

	/* A bogus ndata shows at most the 16 words that exist. */
	run.internal.suberror = 99;
	run.internal.ndata = 1000;
	for (i = 0; i < 16; i++)
		run.internal.data[i] = 0xa0 + i;
	format_crash(line, sizeof(line), &run, NULL, NULL);
	CHECK_CONTAINS(line, " 0xaf");
	CHECK(!strstr(line, "0xb0"));

	memset(tiny, 'x', sizeof(tiny));
	format_crash(tiny, sizeof(tiny), &run, NULL, NULL);
	CHECK_INT(strlen(tiny), sizeof(tiny) - 1);

	run.exit_reason = 42;
	format_crash(line, sizeof(line), &run, NULL, NULL);
	CHECK_STR(line, "guest stopped: unexpected exit reason 42 (UNKNOWN) from MINIVM_RUN");
	CHECK(!strchr(line, '\n'));
}

const struct test exitcode_tests[] = {
	{ "exitcode: the documented status table", exitcode_table },
	{ "exitcode: debug-exit (v << 1) | 1, low 8 bits, always odd", exitcode_debug_exit },
	{ "exitcode: which exit reasons end the run, and how", exitcode_reasons },
	{ "exitcode: minivm and VMX exit reason names", exitcode_names },
	{ "exitcode: triple fault line, with and without CS:IP", exitcode_crash_shutdown },
	{ "exitcode: failed VM entry line", exitcode_crash_fail_entry },
	{ "exitcode: internal error lines", exitcode_crash_internal },
	{ "exitcode: bogus ndata, tiny buffer, unknown reason", exitcode_crash_bounds },
	{ NULL, NULL },
};
