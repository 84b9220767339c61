#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-tier.sh TIER KERNEL
# Build the payload and initramfs for KERNEL (stock: Debian's 6.1 kernel;
# stock612: Debian's 6.12 kernel; minimal: the cached fast-mode kernel;
# debug: the minimal kernel with KASAN, lockdep, kmemleak and the other
# checkers of debug.config), boot it and judge the result.
#   vmx     the selftests on a CPU with VMX: Bochs, or QEMU+KVM where the
#           host has nested VMX (MINIVM_RIG_VMX=bochs|qemu-kvm forces one)
#   novmx   QEMU TCG without VMX: the module must refuse to load
#   demo    the VMX machine runs minivm-run on guests/hello.bin
#   bench   the VMX machine runs bench/exit_bench (minivm against kvm_intel)
#   linux   the VMX machine boots its own bzImage nested under minivm-run,
#           on minivm and on kvm_intel, and compares (guest-linux.sh)
# Appends "PASSED FAILED SKIPPED" to $RIG_COUNTS when set (vmx, novmx).
# MINIVM_RIG_TIMEOUT overrides the emulator's time limit (seconds).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || rig_die "usage: run-tier.sh vmx|novmx|demo|bench|linux stock|stock612|minimal|debug"
tier=$1 kind=$2
select_kernel "$kind"
out=$RIG_OUT/$tier-$kind
mkdir -p "$out"

"$RIG_DIR/payload.sh" "$RIG_OUT/payload-$kind" "$KERNEL_KDIR"
payload=$RIG_OUT/payload-$kind
ko=$payload/minivm.ko
[ -f "$ko" ] || ko=
# trace_tools.sh (trace-cmd and perf on minivm's tracepoints) runs on the
# minimal kernel only, which gets the tools in its initramfs: in Bochs
# the stock kernel, with some 2000 trace events and 100000 symbols, took
# 270 s for trace-cmd record and 60 s for perf record of a guest that
# runs for a moment (the minimal kernel 3 s and 8 s). On the stock kernel
# trace_test checks the same events through tracefs.
if [ "$kind" != minimal ]; then
	rm -f "$payload/root/tests/trace_tools.sh"
fi
# Nor trace_test on the debug kernel: there, creating its tracefs
# instance (a directory per trace event) took minutes under KASAN and
# lockdep and soft-locked a CPU in the kernel's own tracefs code.
if [ "$kind" = debug ]; then
	rm -f "$payload/root/tests/trace_test"
fi

# Which emulator gives this tier its CPU.
backend=qemu-tcg
if [ "$tier" != novmx ]; then
	backend=${MINIVM_RIG_VMX:-auto}
	if [ "$backend" = auto ]; then
		nested=$(cat /sys/module/kvm_intel/parameters/nested 2>/dev/null || true)
		if [ -c /dev/kvm ] && [ -w /dev/kvm ] &&
		   { [ "$nested" = Y ] || [ "$nested" = 1 ]; }; then
			backend=qemu-kvm
		else
			backend=bochs
		fi
	fi
	case $backend in
	bochs) ;;
	qemu-kvm) [ -w /dev/kvm ] || rig_die "MINIVM_RIG_VMX=qemu-kvm, but no usable /dev/kvm" ;;
	*) rig_die "MINIVM_RIG_VMX must be bochs or qemu-kvm, not '$backend'" ;;
	esac
fi

# The tests each tier must show results for.
expected=$out/expected
case $tier in
vmx)
	echo 00-rig-vmx >"$expected"
	# minivm.only=A,B in MINIVM_RIG_CMDLINE: the guest runs only the
	# tests named A* or B* (init), so only those are expected, and only
	# those travel: each test is a static binary of about 1 MB, and the
	# debug kernel takes some 2 s of guest time (6 s in Bochs) to unpack
	# each MB of initramfs.
	only=$(echo " ${MINIVM_RIG_CMDLINE:-} " |
		sed -n 's/.* minivm\.only=\([^ ]*\) .*/\1/p' | tr , ' ')
	for t in "$payload/root/tests"/*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		name=$(basename "$t")
		if [ -n "$only" ]; then
			want='' keep=''
			for p in $only; do
				case $name in "$p"*) want=1 ;; esac
				# init's USER_TESTS run it as user-NAME
				case user-$name in "$p"*) keep=1 ;; esac
			done
			if [ -z "$want" ]; then
				[ -n "$keep" ] || rm -f "$t"
				continue
			fi
		fi
		echo "$name"
	done >>"$expected" || true
	# init's USER_TESTS, once more as a user in group minivm
	for name in api_test guest_test mmu_test; do
		if [ -z "$only" ]; then
			echo "user-$name"
			continue
		fi
		for p in $only; do
			case user-$name in "$p"*) echo "user-$name"; break ;; esac
		done
	done >>"$expected"
	# the debug kernel: init scans for leaks after the tests (unless
	# MINIVM_RIG_KMEMLEAK=0: make check's subset, for time)
	if [ "$kind" = debug ] && [ "${MINIVM_RIG_KMEMLEAK:-1}" = 1 ]; then
		echo 99-rig-kmemleak >>"$expected"
	fi
	# Last, a kexec into this same kernel with VMs alive (guest-kexec.sh):
	# by default on the minimal kernel only (about 50 s); on the stock
	# kernels with MINIVM_RIG_KEXEC=1 (about 4 minutes: kexec_file_load
	# hashes 60 MB, and the kernel decompresses and boots once more);
	# never on the debug kernel, whose boot alone takes minutes.
	kexec_default=0
	[ "$kind" = minimal ] && kexec_default=1
	if [ "$kind" != debug ] &&
	   [ "${MINIVM_RIG_KEXEC:-$kexec_default}" = 1 ]; then
		name=98-rig-kexec want=1
		if [ -n "$only" ]; then
			want=
			for p in $only; do
				case $name in "$p"*) want=1 ;; esac
			done
		fi
		if [ -n "$want" ]; then
			echo "$name" >>"$expected"
			export RIG_KEXEC_KERNEL=$KERNEL_IMAGE
		fi
	fi
	;;
novmx) echo 00-rig-novmx >"$expected" ;;
linux) echo linux-boot >"$expected" ;;
demo|bench) : >"$expected" ;;
*) rig_die "unknown tier '$tier'" ;;
esac

# The nested guest: this very kernel, and an initramfs of its own (the
# linux tier, and the demo's second act).
linux=
if [ "$tier" = linux ] || [ "$tier" = demo ]; then
	linux=$out/linux
	rm -rf "$linux"
	mkdir -p "$linux"
	cp "$KERNEL_IMAGE" "$linux/bzImage"
	"$RIG_DIR/linux-initramfs.sh" "$linux/initrd.img"
fi
# trace-cmd and perf, for trace_tools.sh (see above).
if [ "$tier" = vmx ] && [ "$kind" = minimal ] &&
	[ -f "$payload/root/tests/trace_tools.sh" ]; then
	export RIG_TRACE_TOOLS=1
fi
"$RIG_DIR/initramfs.sh" "$out/initrd" "$KERNEL_MODROOT" "$payload/root" "$ko" \
	${linux:+"$linux"}

cmdline="console=ttyS0,115200 minivm.tier=$tier"
# Bochs's Skylake-X reports the standard XSAVE size as the compacted one
# (CPUID 0xd.1 EBX), so the kernel WARNs at boot when it uses the compacted
# format; clearing XSAVEC (321) and XSAVES (323) makes it use the standard
# one, whose size Bochs reports right.
[ "$backend" = bochs ] && cmdline="$cmdline clearcpuid=321,323"
# Bochs's TSC counts instructions while the kernel would take it for the
# model's 3.5 GHz; tell the kernel the truth, so that its clock agrees with
# the emulated timers and guest seconds are about wall seconds (see
# boot-bochs.sh).
[ "$backend" = bochs ] && cmdline="$cmdline tsc_early_khz=$(( $(bochs_ips) / 1000 ))"
case $tier in demo|bench) cmdline="$cmdline quiet" ;; esac
# Two nested boots take longer than a selftest may (guest seconds).
[ "$tier" = linux ] && cmdline="$cmdline minivm.timeout=3600"
# The debug kernel runs everything some five times slower: more time for
# the emulator and for each test (guest seconds).
if [ "$kind" = debug ]; then
	cmdline="$cmdline minivm.timeout=1800"
	export MINIVM_RIG_TEST_TIMEOUT=${MINIVM_RIG_TEST_TIMEOUT:-1900}
fi
if [ "$kind" = debug ] && [ "$tier" = vmx ] && [ "${MINIVM_RIG_KMEMLEAK:-1}" = 1 ]; then
	cmdline="$cmdline minivm.kmemleak=1"
fi
cmdline="$cmdline ${MINIVM_RIG_CMDLINE:-}"

# Two CPUs under VMX, so that the selftests really move vCPU threads
# between CPUs (Bochs then needs about 1.6 times as long); one otherwise.
if [ "$tier" = vmx ]; then
	export MINIVM_RIG_CPUS=${MINIVM_RIG_CPUS:-2}
else
	export MINIVM_RIG_CPUS=${MINIVM_RIG_CPUS:-1}
fi

# 6.12 checks CPUID's topology and WARNs when Bochs's separate processors
# (leaf 1: one logical processor each, with HTT) disagree with its cache
# leaf 4; the same CPUs as the cores of one package agree. The debug
# kernel's UBSAN finds 6.1 shifting by -1 on the separate ones
# (apic_flat_64.c, get_count_order() of zero siblings).
if { [ "$kind" = stock612 ] || [ "$kind" = debug ]; } && [ "$MINIVM_RIG_CPUS" -gt 1 ]; then
	export MINIVM_BOCHS_COUNT=${MINIVM_BOCHS_COUNT:-1:$MINIVM_RIG_CPUS:1}
fi

# The nested guest needs its own memory besides this machine's.
if [ "$tier" = linux ] || [ "$tier" = demo ]; then
	export MINIVM_RIG_MEGS=${MINIVM_RIG_MEGS:-1024}
fi
[ "$tier" = linux ] &&
	export MINIVM_RIG_TEST_TIMEOUT=${MINIVM_RIG_TEST_TIMEOUT:-3300}

case $tier:$backend:$kind in
linux:bochs:*|demo:bochs:stock) limit=3600 ;;
vmx:bochs:debug) limit=7200 ;;
*:bochs:stock|*:bochs:stock612) limit=1800 ;;
*:bochs:*)   limit=900 ;;
*)           limit=600 ;;
esac
limit=${MINIVM_RIG_TIMEOUT:-$limit}

rig_log "tier $tier: kernel $KERNEL_NAME ($kind), emulator $backend ($MINIVM_RIG_CPUS CPUs), limit $limit s"
console=$out/console.log report=$out/report.log
rc=0
case $backend in
bochs)
	"$RIG_DIR/iso.sh" "$out/boot.iso" "$KERNEL_IMAGE" "$out/initrd" "$cmdline"
	"$RIG_DIR/boot-bochs.sh" "$out/boot.iso" "$console" "$report" "$limit" ||
		rc=$?
	;;
qemu-kvm|qemu-tcg)
	"$RIG_DIR/boot-qemu.sh" "${backend#qemu-}" "$KERNEL_IMAGE" "$out/initrd" \
		"$cmdline" "$console" "$report" "$limit" || rc=$?
	;;
esac

if [ "$tier" = demo ]; then
	[ "$rc" = 0 ] || exit "$rc"
	grep -q '^=== minivm-rig: exit demo 0 ===' "$report"
	exit
fi
if [ "$tier" = bench ]; then
	# exit_bench's output (its table last) again, after the boot noise,
	# and kept in $out/bench.txt.
	sed -n '/^=== minivm-rig: run exit_bench ===/,/^=== minivm-rig: exit /p' \
		"$report" | tr -d '\r' | sed '1d;$d' >"$out/bench.txt"
	rig_log "bench ($backend, $KERNEL_NAME, $MINIVM_RIG_CPUS CPU): $out/bench.txt"
	cat "$out/bench.txt"
	status=0
	[ "$rc" = 0 ] || status=$rc
	grep -q '^=== minivm-rig: exit exit_bench 0 ===' "$report" || status=1
	if grep -aE "$KERNEL_TROUBLE_RE" "$console" "$report"; then
		rig_log "the guest kernel's log shows a problem: $console"
		status=1
	fi
	[ "$status" = 0 ] || rig_log "bench failed; logs: $console, $report"
	exit $status
fi

skip_fails=0
[ "$tier" = vmx ] || [ "$tier" = linux ] && skip_fails=1
counts=$out/counts
: >"$counts"
rig_log "tier $tier ($backend, $KERNEL_NAME): results"
status=0
"$RIG_DIR/parse.sh" "$report" "$console" "$expected" "$skip_fails" "$counts" ||
	status=1
read -r p f s <"$counts"
echo "rig: tier $tier ($backend, $KERNEL_NAME): $p passed, $f failed, $s skipped"
[ -n "${RIG_COUNTS:-}" ] && echo "$p $f $s" >>"$RIG_COUNTS"
if [ "$status" != 0 ]; then
	rig_log "logs: $console (kernel), $report (tests)"
	[ "$backend" != bochs ] || rig_log "Bochs's own log: $console.bochs"
fi
exit $status
