#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# linux-initramfs.sh OUT
# The initramfs of the nested Linux guest (gzip cpio): Debian's static
# busybox and linux/init, which reports what the guest kernel sees and
# powers off. guest-linux.sh boots it under minivm-run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 1 ] || rig_die "usage: linux-initramfs.sh OUT"
out=$1
stage=$(mktemp -d "${TMPDIR:-/tmp}/minivm-l2.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp}
cp /bin/busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 755 "$RIG_DIR/linux/init" "$stage/init"
# The rig's own definition of a troubled kernel log, for init's check.
printf '%s\n' "$KERNEL_TROUBLE_RE" >"$stage/trouble-re"
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) | gzip -9 >"$out"
