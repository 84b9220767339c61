#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: boot the emulated VMX machine (one CPU) and run
# bench/exit_bench in it: the same guests under minivm and under kvm_intel
# of the same kernel, in the same boot; its table appears on this terminal
# and in build/rig/bench-<kernel>/bench.txt. The figures are guest time,
# which in Bochs (clock: sync=none) follows the instruction count. Uses the
# cached minimal kernel when there is one, else Debian's stock kernel;
# MINIVM_RIG_KERNEL=stock|minimal forces one (as demo.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

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
minimal) rig_log "bench: on the minimal kernel ($why)" ;;
stock)   rig_log "bench: on Debian's stock kernel ($why): boot alone about 2 minutes" ;;
esac
"$TOP_DIR/scripts/install-deps.sh" >/dev/null
exec "$RIG_DIR/run-tier.sh" bench "$kernel"
