#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# boot-qemu.sh MODE KERNEL INITRD CMDLINE CONSOLE REPORT TIMEOUT
# Boot KERNEL+INITRD in QEMU, ttyS0 (the kernel's console) going to the
# file CONSOLE, ttyS1 (init's report) to REPORT. MODE:
#   tcg   software CPU without VMX (the no-VMX tier)
#   kvm   the host's CPU through /dev/kvm, nested VMX (the VMX tier, fast)
# Returns as watch_emulator does; QEMU's own output is CONSOLE.qemu.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 7 ] || rig_die "usage: boot-qemu.sh tcg|kvm KERNEL INITRD CMDLINE CONSOLE REPORT TIMEOUT"
mode=$1 kernel=$2 initrd=$3 cmdline=$4 log=$5 report=$6 limit=$7
# shellcheck disable=SC2054 # "max,vmx=off" is one argument
case $mode in
tcg) cpu=(-accel tcg -cpu max,vmx=off) ;;
kvm) cpu=(-accel kvm -cpu host) ;;
*) rig_die "boot-qemu.sh: unknown mode $mode" ;;
esac
rm -f "$log" "$report"
: >"$log"
: >"$report"
rig_log "booting $kernel in QEMU ($mode; log: $log)"
qemu-system-x86_64 "${cpu[@]}" -smp "${MINIVM_RIG_CPUS:-1}" -m "${MINIVM_RIG_MEGS:-256}" -nodefaults \
	-display none -no-reboot -serial "file:$log" -serial "file:$report" \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	</dev/null >"$log.qemu" 2>&1 &
watch_emulator $! "$log" "$report" "$limit"
