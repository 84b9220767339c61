#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh (`make fuzz`): selftests/minivm/fuzz_test alone in the emulated
# VMX machine, with as many iterations as asked for (make check runs it
# among the other tests with its default, 150000). Environment variables
# do not reach a test in the guest, so the settings travel on the guest
# kernel's command line, which fuzz_test reads from /proc/cmdline:
#   FUZZ_ITERATIONS  ioctl calls, all phases together (default 1000000)
#   FUZZ_SEED        the seed to replay (default: fuzz_test takes one from
#                    the clock and prints it)
#   FUZZ_PHASE       phases, comma-separated (default: all of them)
# The per-test and emulator time limits grow with FUZZ_ITERATIONS (about
# 0.5 ms of Bochs time an iteration; limits at four times that). Uses the
# cached minimal kernel when there is one, else Debian's stock kernel;
# MINIVM_RIG_KERNEL=stock|minimal forces one. The verdict and the logs
# are those of the vmx tier (build/rig/vmx-<kernel>/report.log).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

iterations=${FUZZ_ITERATIONS:-1000000}
case $iterations in
'' | *[!0-9]*) rig_die "FUZZ_ITERATIONS must be a number, not '$iterations'" ;;
esac
words="minivm.only=fuzz minivm.fuzz_iterations=$iterations"
[ -z "${FUZZ_SEED:-}" ] || words="$words minivm.fuzz_seed=$FUZZ_SEED"
[ -z "${FUZZ_PHASE:-}" ] || words="$words minivm.fuzz_phase=$FUZZ_PHASE"

kernel=${MINIVM_RIG_KERNEL:-}
if [ -z "$kernel" ]; then
	if "$RIG_DIR/kernel-minimal.sh" --cached >/dev/null; then
		kernel=minimal
	else
		kernel=stock
	fi
fi

# Guest seconds for the test, and wall seconds for it and for the boot.
test_s=$((300 + iterations / 500))
boot_s=600
[ "$kernel" = minimal ] && boot_s=120
rig_log "fuzz: $iterations iterations on the $kernel kernel, at most $test_s s"
export MINIVM_RIG_CMDLINE="${MINIVM_RIG_CMDLINE:-} $words minivm.timeout=$test_s"
export MINIVM_RIG_TEST_TIMEOUT=${MINIVM_RIG_TEST_TIMEOUT:-$((test_s + 60))}
export MINIVM_RIG_TIMEOUT=${MINIVM_RIG_TIMEOUT:-$((test_s + boot_s + 120))}
"$TOP_DIR/scripts/install-deps.sh" >/dev/null
exec "$RIG_DIR/run-tier.sh" vmx "$kernel"
