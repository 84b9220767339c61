#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# iso.sh OUT KERNEL INITRD CMDLINE
# Make a BIOS-bootable CD image (isolinux) that boots KERNEL with INITRD
# and CMDLINE at once: Bochs's BIOS loads a CD faster than anything else.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 4 ] || rig_die "usage: iso.sh OUT KERNEL INITRD CMDLINE"
out=$1 kernel=$2 initrd=$3 cmdline=$4

stage=$(mktemp -d "${TMPDIR:-/tmp}/minivm-iso.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
	"$stage/isolinux/"
cp "$kernel" "$stage/vmlinuz"
cp "$initrd" "$stage/initrd"
cat >"$stage/isolinux/isolinux.cfg" <<CFG
DEFAULT rig
PROMPT 0
TIMEOUT 0
LABEL rig
  KERNEL /vmlinuz
  INITRD /initrd
  APPEND $cmdline
CFG
mkdir -p "$(dirname "$out")"
rm -f "$out"	# so that a failed xorriso cannot leave an old ISO behind
xorriso -as mkisofs -quiet -o "$out" -b isolinux/isolinux.bin \
	-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
	"$stage" 2>&1 | grep -v '^xorriso.*libburn\|^$' >&2 || true
[ -s "$out" ] || rig_die "xorriso made no $out"
