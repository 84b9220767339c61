#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug`: every selftest (but trace_test, which run-tier.sh
# leaves out there) in the vmx tier on the debug kernel
# (kernel-minimal.sh --debug: the minimal kernel with KASAN, lockdep,
# DEBUG_ATOMIC_SLEEP, kmemleak, DEBUG_LIST, DEBUG_OBJECTS and UBSAN),
# then kmemleak's scan (guest-kmemleak.sh). Any report in the kernel's
# log fails the tier, as in every tier. make check runs a subset of the
# tests there (check.sh, DEBUG_SUBSET). Ends with "N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export RIG_COUNTS=$RIG_OUT/counts-debug
mkdir -p "$RIG_OUT"
: >"$RIG_COUNTS"
start=$(now)
rc=0
"$RIG_DIR/run-tier.sh" vmx debug || rc=1
read -r p f s <"$RIG_COUNTS" || { p=0 f=1 s=0; }
echo "check-debug took $(( $(now) - start )) s"
if [ "$s" != 0 ]; then
	echo "$p passed, $f failed, $s skipped"
	rc=1
else
	echo "$p passed, $f failed"
fi
exit "$rc"
