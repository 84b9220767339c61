#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# payload.sh OUT KDIR
# Build what goes into the guest:
#   OUT/tree/        a copy of the source tree; minivm.ko is built there
#                    against KDIR (so builds for other kernels never share
#                    objects), leaving OUT/minivm.ko; when check.sh has
#                    already built it against KDIR (MINIVM_RIG_KO and
#                    MINIVM_RIG_KO_KDIR), that build is copied instead
#   OUT/root/        DESTDIR of `make install` of userspace-tool (bin/,
#                    guests/, tests/) and selftests/minivm (tests/)
# MINIVM_RIG_ALLOW_MISSING=1 (while the pieces are being written) turns a
# missing or failing piece into a warning; `make check` never sets it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || rig_die "usage: payload.sh OUT KDIR"
out=$1 kdir=$2
allow=${MINIVM_RIG_ALLOW_MISSING:-0}
jobs=${MINIVM_JOBS:-2}

missing() {
	if [ "$allow" = 1 ]; then
		rig_log "warning: $* (tolerated: MINIVM_RIG_ALLOW_MISSING=1)"
	else
		rig_die "$*"
	fi
}

mkdir -p "$out"
rm -f "$out/minivm.ko"
if [ "${MINIVM_RIG_KO_KDIR:-}" = "$kdir" ] && [ -f "${MINIVM_RIG_KO:-}" ]; then
	# check.sh already built (and warning-checked) it against this KDIR.
	cp "$MINIVM_RIG_KO" "$out/minivm.ko"
elif copy_tree "$out/tree" &&
   make -C "$out/tree" -j"$jobs" module KDIR="$kdir" >"$out/module.log" 2>&1; then
	cp "$out/tree/module/minivm.ko" "$out/minivm.ko"
else
	if [ -f "$out/module.log" ]; then cat "$out/module.log" >&2; fi
	missing "building minivm.ko against $kdir failed"
fi

rm -rf "$out/root"
mkdir -p "$out/root"
# make check runs two tiers at once (check.sh), and both install from the
# one source tree: one make there at a time.
mkdir -p "$RIG_OUT"
exec 9>"$RIG_OUT/.install.lock"
flock 9
for dir in userspace-tool selftests/minivm; do
	if ! make -C "$TOP_DIR/$dir" -j"$jobs" install DESTDIR="$out/root" \
			>"$out/install.log" 2>&1; then
		cat "$out/install.log" >&2
		missing "make -C $dir install failed"
	fi
done
