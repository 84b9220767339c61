#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# boot-bochs.sh ISO CONSOLE REPORT TIMEOUT
# Boot ISO headless in Bochs 2.7 on a Skylake-X CPU model (VMX with EPT and
# unrestricted guest), COM1 (the kernel's console) going to the file
# CONSOLE, COM2 (init's report) to REPORT. Returns as watch_emulator does.
# Bochs's own log is CONSOLE.bochs: unknown MSRs, and VMX entry failures
# and exits as Bochs saw them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 4 ] || rig_die "usage: boot-bochs.sh ISO CONSOLE REPORT TIMEOUT"
iso=$1 log=$2 report=$3 limit=$4
rc=$log.bochsrc cmds=$log.bochs-cmds
# ignore_bad_msrs=1: the kernel reads IA32_MISC_ENABLE (0x1a0) before it has
# exception handlers, and Bochs does not model that MSR; unknown MSRs are
# logged in LOG.bochs.
# ips: instructions per emulated second, the clock of the emulated timers
# (PIT, HPET, local APIC). Bochs's TSC counts instructions too, but the
# kernel would take it for the model's 3.5 GHz and its clock would run ~30
# times slower than the timers; run-tier.sh passes tsc_early_khz=ips/1000 so
# that all agree. With about the speed Bochs reaches here, guest seconds
# are about wall seconds (timeouts and lockup detectors mean what they say);
# idle time is skipped (clock: sync=none). The BIOS busy-waits on the
# timers, so a much higher ips boots slower (3.5e9: ten times slower).
ips=$(bochs_ips)
# MINIVM_RIG_CPUS processors of one core each, or (MINIVM_BOCHS_COUNT) as
# Bochs spells it, processors:cores:threads.
count=${MINIVM_BOCHS_COUNT:-${MINIVM_RIG_CPUS:-1}}
cat >"$rc" <<RC
megs: ${MINIVM_RIG_MEGS:-256}
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=corei7_skylake_x, count=$count, ips=$ips, reset_on_triple_fault=0, ignore_bad_msrs=1
clock: sync=none, time0=local
ata0-master: type=cdrom, path="$iso", status=inserted
boot: cdrom
display_library: rfb, options="timeout=0"
com1: enabled=1, mode=file, dev="$log"
com2: enabled=1, mode=file, dev="$report"
log: "$log.bochs"
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
RC
echo c >"$cmds"
rm -f "$log" "$report"
: >"$log"
: >"$report"
rig_log "booting $iso in Bochs (log: $log)"
bochs -q -f "$rc" -rc "$cmds" </dev/null >"$log.bochs-stdout" 2>&1 &
watch_emulator $! "$log" "$report" "$limit"
