#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: everything, from a clean clone on a fresh Debian 12 (root).
#   1. scripts/install-deps.sh (installs only what is missing)
#   2. build checks, one test each: minivm.ko against the 6.1 and the 6.12
#      headers at W=1 with no compiler, objtool or modpost warning (each in
#      its own copy of the tree under build/check/), minivm-run, the
#      selftests
#   3. the host unit tests (make unit), the style gates
#      (scripts/style-check.sh) and the packaging checks
#      (selftests/packaging/packaging_test.sh)
#   4. the VMX tier (Bochs, or QEMU+KVM with nested VMX), the no-VMX tier
#      (QEMU TCG) and the linux tier (the VMX machine boots its own kernel
#      nested under minivm-run, on minivm and on KVM), see run-tier.sh;
#      with the stock kernel, the VMX tier once more on Debian's 6.12
#      (the selftests at run time on the other kernel users have), on
#      the debug kernel (KASAN, lockdep, kmemleak) with DEBUG_SUBSET, and
#      on the minimal kernel only 98-rig-kexec (a kexec with VMs alive);
#      6.12's and the debug kernel's tiers run in a second lane, alongside
#      step 3 and the others (Bochs keeps to one core)
# Ends with one line "N passed, N failed[, N skipped]" over all of it and
# exits non-zero on any failure. MINIVM_RIG_KERNEL=stock|minimal picks the
# guests' kernel (`make check` forces stock, `make check-fast` minimal).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${MINIVM_RIG_KERNEL:-stock}
# The selftests make check runs on the debug kernel as well (prefixes, as
# minivm.only takes them): those that exercise lifetimes, locks and
# memory the most, within the time make check has (about 4 minutes of
# Bochs time with the boot; kmemleak's scan alone would take 6 more).
DEBUG_SUBSET=${MINIVM_DEBUG_SUBSET:-mmu_test,race_test}
# race_test's SIGKILL loop there: 20 processes, not its 200 (about 1.6 s
# of Bochs time each on that kernel).
DEBUG_RACE_KILLS=${MINIVM_DEBUG_RACE_KILLS:-20}
# fuzz_test's iterations on 6.12: its 150000 (about a minute of Bochs
# time) run on 6.1, which keeps make check's count over 10^5; 6.12 gets
# the same phases at a fifth of that, on a seed of its own.
STOCK612_FUZZ_ITERATIONS=${MINIVM_STOCK612_FUZZ_ITERATIONS:-30000}
start=$(now)
passed=0 failed=0 skipped=0
failures=()

pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); failures+=("$*"); echo "FAILED: $*"; }
section() { printf '\n===== %s =====\n' "$*"; }

section "dependencies"
if ! "$TOP_DIR/scripts/install-deps.sh"; then
	fail "scripts/install-deps.sh"
	echo "$passed passed, $failed failed"
	exit 1
fi

mkdir -p "$RIG_OUT"
exec 8>"$RIG_OUT/.lock"
flock -n 8 || { rig_log "another check is running in this tree; waiting"; flock 8; }
cd "$TOP_DIR" || exit 1

mkdir -p "$TOP_DIR/build/check"

# build_module SERIES: a fresh copy of the tree, built against SERIES'
# headers (for 6.1, those of the stock kernel the rig boots); any warning
# fails it.
build_module() {
	local series=$1 kdir dir log v
	section "minivm.ko against the $series headers (W=1)"
	if [ "$series" = 6.1 ] && v=$(stock_kernel_version); then
		kdir=/usr/src/linux-headers-$v
	else
		kdir=$(scripts/find-kdir.sh "$series") || {
			fail "no linux-headers for $series installed"
			return
		}
	fi
	dir=$TOP_DIR/build/check/kernel-$series
	log=$TOP_DIR/build/check/module-$series.log
	rm -rf "$dir"
	copy_tree "$dir"
	if make -C "$dir" -j"${MINIVM_JOBS:-2}" module KDIR="$kdir" 2>&1 | tee "$log"; then
		if grep -qiE 'warning:|WARNING: ' "$log"; then
			fail "minivm.ko against $kdir: warnings (above)"
		else
			pass "minivm.ko against $kdir, no warnings"
			# The stock tiers boot this kernel: payload.sh reuses
			# the build (it checks that the KDIR matches).
			if [ "$series" = 6.1 ]; then
				export MINIVM_RIG_KO=$dir/module/minivm.ko
				export MINIVM_RIG_KO_KDIR=$kdir
			fi
		fi
	else
		fail "minivm.ko against $kdir: build failed"
	fi
}
build_module 6.1
build_module 6.12

for target in tool selftests; do
	section "make $target"
	if make -j"${MINIVM_JOBS:-2}" "$target"; then
		pass "make $target"
	else
		fail "make $target"
	fi
done

# host_tap NAME LOG RC: count a host-side suite whose programs print TAP
# and each end with their own "N passed, N failed[, N skipped]" line: the
# counts are the sums over every such line (not only the last one, which
# is just the last program's); without one, the TAP lines themselves.
host_tap() {
	local name=$1 log=$2 rc=$3 up uf us
	if grep -qE '^[0-9]+ passed, [0-9]+ failed' "$log"; then
		read -r up uf us < <(awk '
			/^[0-9]+ passed, [0-9]+ failed/ {
				p += $1; f += $3
				if (match($0, /, [0-9]+ skipped/))
					s += substr($0, RSTART + 2, RLENGTH - 10)
			}
			END { print p + 0, f + 0, s + 0 }' "$log")
	else
		up=$(grep -E '^ok [0-9]+' "$log" | grep -vc '# *SKIP')
		uf=$(grep -cE '^not ok [0-9]+' "$log")
		us=$(grep -cE '^ok [0-9]+.*# *SKIP' "$log")
	fi
	up=${up:-0} uf=${uf:-0} us=${us:-0}
	passed=$((passed + up)) skipped=$((skipped + us))
	failed=$((failed + uf))
	[ "$uf" = 0 ] || failures+=("$name: $uf failed")
	if [ "$rc" != 0 ] && [ "$uf" = 0 ]; then
		fail "$name exited with status $rc"
	elif [ "$up" = 0 ]; then
		fail "$name reported no tests"
	else
		echo "$name: $up passed, $uf failed, $us skipped"
	fi
}

section "host unit tests (make unit)"
log=$TOP_DIR/build/check/unit.log
make unit 2>&1 | tee "$log"
host_tap "host unit tests" "$log" "${PIPESTATUS[0]}"

# tier:kernel pairs. make check adds the vmx tier on Debian's 6.12 kernel
# (bookworm-backports), the other kernel users run; check-fast keeps to
# the minimal one.
runs="vmx:$kernel novmx:$kernel linux:$kernel"
lane_runs=
[ "$kernel" = stock ] && lane_runs="vmx:stock612"
# make check also runs part of the selftests on the debug kernel (KASAN,
# lockdep, UBSAN, ...; built once and cached like the minimal one, about
# 3 minutes): the tests named in DEBUG_SUBSET. make check-debug runs all
# of them there, then kmemleak's scan.
[ "$kernel" = stock ] && lane_runs="$lane_runs vmx:debug"
# And the kexec with VMs alive (98-rig-kexec), on the minimal kernel (6.1
# too, built once and cached like the debug one): about a minute there,
# against some 4 on the stock kernel (run-tier.sh says why).
[ "$kernel" = stock ] && runs="$runs vmx:minimal-kexec"

# run_tiers TIER:KERNEL...: run-tier.sh for each, in turn, adding what
# each reports ($RIG_COUNTS) to passed, failed and skipped.
run_tiers() {
	local run tier k cmdline kmemleak t0 p f s
	for run in "$@"; do
		tier=${run%%:*} k=${run#*:}
		section "tier $tier ($k kernel)"
		export RIG_COUNTS=$RIG_OUT/counts-$tier-$k
		: >"$RIG_COUNTS"
		t0=$(now)
		cmdline=${MINIVM_RIG_CMDLINE:-}
		kmemleak=1
		if [ "$k" = debug ]; then
			cmdline="$cmdline minivm.only=$DEBUG_SUBSET minivm.race_kills=$DEBUG_RACE_KILLS"
			kmemleak=0
			echo "the debug kernel runs: ${DEBUG_SUBSET//,/ } (make check-debug runs every test, then kmemleak's scan)"
		fi
		if [ "$k" = stock612 ]; then
			cmdline="$cmdline minivm.fuzz_iterations=$STOCK612_FUZZ_ITERATIONS"
		fi
		if [ "$k" = minimal-kexec ]; then
			cmdline="$cmdline minivm.only=98-rig-kexec"
			k=minimal
		fi
		if ! MINIVM_RIG_CMDLINE=$cmdline MINIVM_RIG_KMEMLEAK=$kmemleak \
		     "$RIG_DIR/run-tier.sh" "$tier" "$k"; then
			failures+=("tier $tier ($k)")
		fi
		if [ -s "$RIG_COUNTS" ]; then
			read -r p f s <"$RIG_COUNTS"
			passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
			# None may be skipped under VMX: the skips count as
			# skipped, and the tier as one more failure.
			if [ "$tier" = vmx ] && [ "$s" != 0 ]; then
				fail "tier vmx ($k): $s tests skipped, and none may be"
			fi
		else
			fail "tier $tier ($k) did not run"
		fi
		echo "tier $tier ($k) took $(( $(now) - t0 )) s"
	done
}

# Bochs runs a guest on one host thread, so the tiers go in two lanes, one
# a core: lane_runs in the background from here (their output goes to a
# log, shown whole at the end), the style gates, packaging checks and the
# other tiers in the foreground. Each lane keeps to its own kernels (a
# payload and a build/rig/TIER-KERNEL directory each), and the two kernels
# built from Debian's source are built first, one after the other, as
# they share its extracted tree. The guest's clock follows the instruction
# count, so sharing the cores changes no test's verdict, only wall time.
lane_pid=
lane=$TOP_DIR/build/check/lane
if [ -n "$lane_runs" ]; then
	"$RIG_DIR/kernel-minimal.sh" >/dev/null || true
	"$RIG_DIR/kernel-minimal.sh" --debug >/dev/null || true
	rm -f "$lane.counts" "$lane.failures"
	# The lane's counts are its own (a subshell), passed back in files.
	# shellcheck disable=SC2030
	(
		passed=0 failed=0 skipped=0
		failures=()
		# shellcheck disable=SC2086 # word lists
		run_tiers $lane_runs
		printf '%s\n' "${failures[@]}" >"$lane.failures"
		echo "$passed $failed $skipped" >"$lane.counts"
	) >"$lane.log" 2>&1 &
	lane_pid=$!
	echo "running $lane_runs alongside (log: $lane.log)"
fi

# checkpatch --strict, sparse, clang -Werror, shellcheck. gcc -Werror
# already built the same programs above (make tool, make selftests,
# make unit), so only clang builds them again. Findings in module/ that
# scripts/style-known-module lists are reported, not failed.
section "style gates (scripts/style-check.sh)"
log=$TOP_DIR/build/check/style.log
t0=$(now)
MINIVM_STYLE_COMPILERS=clang MINIVM_STYLE_KDIR=${MINIVM_RIG_KO_KDIR:-} \
	"$TOP_DIR/scripts/style-check.sh" 2>&1 | tee "$log"
host_tap "style gates" "$log" "${PIPESTATUS[0]}"
echo "style gates took $(( $(now) - t0 )) s"

# make install/uninstall, DKMS, make deb, the man page (selftests/packaging);
# the install test reuses the 6.1 build above.
section "packaging (selftests/packaging/packaging_test.sh)"
log=$TOP_DIR/build/check/packaging.log
t0=$(now)
if [ -n "${MINIVM_RIG_KO:-}" ]; then
	export MINIVM_PKG_TREE=${MINIVM_RIG_KO%/module/minivm.ko}
	export MINIVM_PKG_KDIR=$MINIVM_RIG_KO_KDIR
fi
"$TOP_DIR/selftests/packaging/packaging_test.sh" 2>&1 | tee "$log"
host_tap "packaging" "$log" "${PIPESTATUS[0]}"
echo "packaging took $(( $(now) - t0 )) s"

# The rest of this machine's half: the stock kernel's tiers (one payload,
# build/rig/payload-stock, so one after the other), then the kexec.
# shellcheck disable=SC2086 # word lists
run_tiers $runs

if [ -n "$lane_pid" ]; then
	wait "$lane_pid"
	section "the tiers run alongside: $lane_runs (their output, $lane.log)"
	cat "$lane.log"
	# shellcheck disable=SC2031 # the lane's counts came back in files
	if read -r p f s <"$lane.counts"; then
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
		while IFS= read -r line; do
			[ -n "$line" ] && failures+=("$line")
		done <"$lane.failures"
	else
		fail "the tiers run alongside ($lane_runs) did not finish"
	fi
fi

section "summary"
echo "kernel: $kernel; took $(( $(now) - start )) s"
if [ ${#failures[@]} != 0 ]; then
	echo "failures:"
	printf '  %s\n' "${failures[@]}"
fi
if [ "$skipped" != 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ] && [ ${#failures[@]} = 0 ]
