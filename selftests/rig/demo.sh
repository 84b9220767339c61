#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: boot the emulated VMX machine and run
# `minivm-run /minivm/guests/hello.bin` in it; the guest's greeting, sent
# through minivm-run's UART, appears on this terminal. Uses the cached
# minimal kernel when there is one (about 15 s), else Debian's stock kernel
# (about 3 minutes in Bochs); MINIVM_RIG_KERNEL=stock|minimal forces one.
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
minimal) rig_log "demo: on the minimal kernel ($why): about 15 s" ;;
stock)   rig_log "demo: on Debian's stock kernel ($why): about 2 minutes" ;;
esac
"$TOP_DIR/scripts/install-deps.sh" >/dev/null
exec "$RIG_DIR/run-tier.sh" demo "$kernel"
