#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh [demo|bench]: one run of the emulated VMX machine for a person
# to watch.
#   demo   (`make demo`) runs `minivm-run /minivm/guests/hello.bin`; the
#          guest's greeting, sent through minivm-run's UART, appears on
#          this terminal; then `minivm-run --kernel` boots the emulated
#          machine's own Linux kernel nested, to a busybox init that
#          reports what it sees and powers off
#   bench  (`make bench`, one CPU) runs bench/exit_bench: the same guests
#          under minivm and under kvm_intel of the same kernel, in the same
#          boot; its table appears here and in build/rig/bench-<kernel>/.
#          The figures are guest time, which in Bochs (clock: sync=none)
#          follows the instruction count.
# Uses the cached minimal kernel when there is one (boots in about 15 s),
# else Debian's stock kernel (about 2 minutes in Bochs);
# MINIVM_RIG_KERNEL=stock|minimal forces one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tier=${1:-demo}
case $tier in demo|bench) ;; *) rig_die "usage: demo.sh [demo|bench]" ;; esac

kernel=${MINIVM_RIG_KERNEL:-}
why="MINIVM_RIG_KERNEL=$kernel"
if [ -z "$kernel" ]; then
	if "$RIG_DIR/kernel-minimal.sh" --cached >/dev/null; then
		kernel=minimal why="it is cached"
	else
		kernel=stock why="no minimal kernel is cached; 'make check-fast' builds one"
	fi
fi
case $kernel in
minimal) rig_log "$tier: on the minimal kernel ($why): boot about 15 s" ;;
stock)   rig_log "$tier: on Debian's stock kernel ($why): boot about 2 minutes" ;;
esac
"$TOP_DIR/scripts/install-deps.sh" >/dev/null
exec "$RIG_DIR/run-tier.sh" "$tier" "$kernel"
