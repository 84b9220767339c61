#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# trace-cmd and perf see minivm's tracepoints (Documentation/tracing.rst):
# each records `minivm-run hello.bin` (27 characters, each an IN of COM1's
# LSR and an OUT to its THR, then HLT) and its report must show the
# entries, the exits and the userspace exits with COM1's ports.
#   1 trace-cmd record -e minivm; trace-cmd report
#   2 perf record -e 'minivm:*'; perf script
#   3 perf trace -e 'minivm:*'
# TAP; a tool that is not installed is a SKIP. Run as root with minivm.ko
# loaded and minivm-run on PATH; MINIVM_GUEST names the guest
# (/minivm/guests/hello.bin, where the rig puts it).
guest=${MINIVM_GUEST:-/minivm/guests/hello.bin}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/trace_tools.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

echo "TAP version 13"
echo "1..3"

ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $*"; }

# perf and trace-cmd look for tracefs where it is usually mounted.
if [ ! -d /sys/kernel/tracing/events ]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
fi

# check NAME FILE: FILE (a tool's report) shows what the guest did, else
# its first lines are printed as TAP comments. trace-cmd report and perf
# script print the events' own format ("port=0x3f8 size=1 dir=out"); perf
# trace prints the fields that are not 0 ("port: 1016, size: 1, out: 1").
check() {
	name=$1 file=$2
	ue=minivm_userspace_exit
	outs=$(grep -cE "$ue.*(port=0x3f8 size=1 dir=out count=1|\(exit_reason: 1, port: 1016, size: 1, out: 1, count: 1\))" "$file")
	ins=$(grep -cE "$ue.*(port=0x3fd size=1 dir=in count=1|\(exit_reason: 1, port: 1021, size: 1, count: 1\))" "$file")
	hlts=$(grep -cE "$ue.*(reason=HLT|\(exit_reason: 2\))" "$file")
	entries=$(grep -c 'minivm_entry' "$file")
	exits=$(grep -cE 'minivm_exit.*(reason=IO_INSTRUCTION .*to=user|\(exit_reason: 30, [^)]*qual: [0-9]+\))' "$file")
	# The code and stack pages are mapped on the guest's first touch.
	ept=$(grep -cE 'minivm_exit.*(reason=EPT_VIOLATION .*to=kernel|\(exit_reason: 48, .*ret: 1, to: 1\))' "$file")
	ept_user=$(grep -c 'minivm_exit.*reason=EPT_VIOLATION .*to=user' "$file")
	if [ "$outs" = 27 ] && [ "$ins" -ge 27 ] && [ "$hlts" = 1 ] &&
	   [ "$entries" -ge $((outs + ins + 1)) ] &&
	   [ "$exits" = $((outs + ins)) ] && [ "$ept" -ge 1 ] &&
	   [ "$ept_user" = 0 ]; then
		ok "$name"
	else
		not_ok "$name"
		echo "# $outs OUTs to 0x3f8 (27), $ins INs from 0x3fd (>= 27), $hlts HLT (1), $entries entries, $exits I/O exits to userspace, $ept EPT violations handled in the kernel (>= 1), $ept_user to userspace (0)"
		sed -n '1,40s/^/# /p' "$file"
	fi
}

# run NAME CMD...: CMD records minivm-run; its stdout and stderr are kept
# in $tmp/NAME.log, and it must succeed with the guest's greeting.
run() {
	name=$1
	shift
	t0=$(cut -d' ' -f1 /proc/uptime)
	"$@" >"$tmp/$name.log" 2>&1
	rc=$?
	echo "# $name: $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s"
	if [ "$rc" = 0 ] && grep -q 'Hello from a minivm guest!' "$tmp/$name.log"; then
		return 0
	fi
	not_ok "$name: $* failed"
	sed 's/^/# /' "$tmp/$name.log" | tail -n 20
	return 1
}

# run_report NAME CMD...: CMD (its stderr too) to stdout, timed.
run_report() {
	name=$1
	shift
	t0=$(cut -d' ' -f1 /proc/uptime)
	"$@" 2>&1
	rc=$?
	echo "# $name: $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s" >&2
	return $rc
}

if ! command -v trace-cmd >/dev/null; then
	skip "trace-cmd: not installed"
elif run trace-cmd trace-cmd record -q -e minivm -o "$tmp/trace.dat" \
		minivm-run "$guest"; then
	if run_report trace-cmd-report trace-cmd report -i "$tmp/trace.dat" >"$tmp/trace.txt"; then
		check "trace-cmd record -e minivm, trace-cmd report" "$tmp/trace.txt"
	else
		not_ok "trace-cmd report failed"
		sed 's/^/# /' "$tmp/trace.txt" | tail -n 20
	fi
fi

if ! command -v perf >/dev/null; then
	skip "perf record: not installed"
	skip "perf trace: not installed"
	exit 0
fi
if run perf-record perf record -q -e 'minivm:*' -o "$tmp/perf.data" \
		minivm-run "$guest"; then
	if run_report perf-script perf script -i "$tmp/perf.data" >"$tmp/perf.txt"; then
		check "perf record -e 'minivm:*', perf script" "$tmp/perf.txt"
	else
		not_ok "perf script failed"
		sed 's/^/# /' "$tmp/perf.txt" | tail -n 20
	fi
fi

# With only tracepoints named, perf trace leaves system calls alone.
if run perf-trace perf trace -e 'minivm:*' -o "$tmp/ptrace.txt" \
		minivm-run "$guest"; then
	check "perf trace -e 'minivm:*'" "$tmp/ptrace.txt"
fi
[ "$failed" = 0 ]
