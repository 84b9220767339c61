#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# parse.sh REPORT CONSOLE EXPECTED SKIP_FAILS COUNTS
# Judge one tier from init's REPORT and the kernel's CONSOLE (the serial
# ports' logs; the protocol is in init's header):
#   - every TAP result line of every test: "ok N" passed, "not ok N" failed,
#     "ok N ... # SKIP" skipped (never passed); SKIP_FAILS=1 (the VMX tier)
#     fails the tier on any skip while still counting it as skipped;
#   - each test must print a plan (1..N) and exactly N results, exit 0, and
#     every name in the file EXPECTED (one a line) must have run;
#   - the kernel's log (the whole console, and the report's dmesg dump) must
#     show no oops, BUG, WARNING, call trace, lockup or panic: one test;
#     the call traces allowed are those of a memory cgroup's OOM report
#     that cgroup_test caused on purpose (its worker, "cgroup_test",
#     invoked the OOM killer; the trace follows within a few lines), and
#     of one UBSAN report the debug kernel makes at boot, in 6.1's own
#     APIC code, on Bochs's CPU topology (apic_flat_64.c:101 shifts by
#     get_count_order() of zero siblings: -1), before minivm is loaded;
#     and the panic of the crash that 98-rig-kexec makes (SysRq c) with
#     its stack dump;
#   - the end marker must be there (else the guest hung or timed out).
# Prints a verdict a test, appends "PASSED FAILED SKIPPED" to COUNTS, exits 1
# when the tier failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 5 ] || rig_die "usage: parse.sh REPORT CONSOLE EXPECTED SKIP_FAILS COUNTS"
report=$1 console=$2 expected=$3 skip_fails=$4 counts=$5

tmp=$(mktemp -d "${TMPDIR:-/tmp}/minivm-parse.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tr -d '\r' <"$console" >"$tmp/console"
tr -d '\r' <"$report" >"$tmp/report"

awk -v expected="$expected" -v skip_fails="$skip_fails" -v counts="$counts" '
# A line of the kernel log that shows trouble. The stack dump of an OOM
# report that cgroup_test invoked is expected (see the header).
function trouble(line) {
	if (line ~ /cgroup_test invoked oom-killer: / ||
	    line ~ /UBSAN: shift-out-of-bounds in .*arch\/x86\/kernel\/apic\/apic_flat_64\.c:101:/) {
		known_lines = 8
		return 0
	}
	# 98-rig-kexec crashes the machine on purpose (SysRq c): the panic
	# and its stack dump follow, and the crash kernel is entered.
	if (line ~ /sysrq: Trigger a crash$/) {
		known_lines = 8
		crash_lines = 8
		return 0
	}
	if (known_lines > 0) {
		known_lines--
		if (line ~ /Call Trace:/)
			return 0
		if (crash_lines > 0 && line ~ /Kernel panic - not syncing: sysrq triggered crash$/)
			return 0
	}
	if (crash_lines > 0)
		crash_lines--
	return line ~ bad_re
}
function verdict(name, rc,    bad) {
	bad = ""
	if (plan[name] == "")
		bad = bad " no TAP plan;"
	else if (plan[name] != results[name])
		bad = bad sprintf(" planned %d tests, reported %d;", plan[name], results[name])
	if (rc != 0)
		bad = bad " exit status " rc ";"
	if (bad != "") {
		failed++
		problems = problems sprintf("  %s:%s\n", name, bad)
	}
	printf "rig: %-28s %3d passed, %d failed, %d skipped, exit %s\n", name,
		tp[name], tf[name], ts[name], rc
}
BEGIN {
	while ((getline line < expected) > 0)
		if (line != "") want[line] = 1
	bad_re = ENVIRON["KERNEL_TROUBLE_RE"]	# lib.sh
}
# The console: only the kernel writes there.
FNR == 1 { known_lines = 0; crash_lines = 0 }
FILENAME ~ /console$/ { if (trouble($0)) kbad = kbad "  " $0 "\n"; next }
/^=== minivm-rig: run .* ===$/ { cur = $4; ran[cur] = 1; next }
/^=== minivm-rig: exit .* ===$/ {
	verdict($4, $5); done[$4] = 1; cur = ""; next
}
/^=== minivm-rig: end.* ===$/ { ended = 1; cur = ""; next }
cur != "" && /^1\.\.[0-9]+/ { plan[cur] = substr($1, 4) + 0; next }
cur != "" && /^(not )?ok [0-9]+/ {
	results[cur]++
	if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) {
		ts[cur]++; skipped++
		skips = skips "  " cur ": " $0 "\n"
	} else if ($0 ~ /^not ok/) {
		tf[cur]++; failed++
		problems = problems "  " cur ": " $0 "\n"
	} else {
		tp[cur]++; passed++
	}
	next
}
cur == "" && trouble($0) { kbad = kbad "  " $0 "\n" }
END {
	for (name in ran)
		if (!(name in done)) {
			printf "rig: %-28s did not finish\n", name
			failed++
			problems = problems "  " name ": did not finish\n"
		}
	for (name in want)
		if (!(name in ran)) {
			printf "rig: %-28s did not run\n", name
			failed++
			problems = problems "  " name ": did not run\n"
		}
	if (!ended) {
		failed++
		problems = problems "  no end marker: the guest hung, crashed or timed out\n"
	}
	if (kbad == "") {
		passed++
		print "rig: kernel log                   clean"
	} else {
		failed++
		problems = problems "  the kernel log shows trouble:\n" kbad
	}
	if (skips != "") {
		printf "rig: skipped tests%s:\n%s", \
			skip_fails ? " (none may be skipped in this tier)" : "", skips
	}
	if (problems != "")
		printf "rig: failures:\n%s", problems
	printf "%d %d %d\n", passed, failed, skipped >> counts
	exit (failed > 0 || (skip_fails && skipped > 0)) ? 1 : 0
}' "$tmp/console" "$tmp/report"
