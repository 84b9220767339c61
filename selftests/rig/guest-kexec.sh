#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest-kexec.sh stage1|stage2|stage3 (TAP; test 98-rig-kexec of the vmx
# tier) A kexec, and a crash dump's, with minivm VMs alive must leave
# VMX operation on every CPU.
#   stage1  the last step of the vmx tier, minivm.ko loaded: kexec_live
#           puts a counting guest on each CPU, leaves one more vCPU
#           loaded, and kexecs into /minivm/kexec/bzImage (this kernel)
#           with /minivm/kexec/initrd.img (this initramfs without the
#           tests, initramfs.sh), memory reserved for a crash kernel on
#           its command line; results 1 and 2; does not return when they
#           pass
#   stage2  init in that new kernel (minivm.kexec_stage=2): every CPU is
#           online again, minivm.ko loads and runs a guest (results 3
#           and 4); then kexec_live --crash puts the guests on every CPU
#           again, loads the same kernel as the crash kernel (kexec -p,
#           with crash-initrd.img) and crashes the machine (SysRq c):
#           results 5 and 6; does not return when they pass
#   stage3  init in the crash kernel (minivm.kexec_stage=3, one CPU):
#           minivm.ko loads and runs a guest (result 7: the crashing CPU
#           left VMX operation, or this kernel could not have started),
#           then init ends the test and the tier
# Each kernel's report continues the last one's on the same serial port,
# so parse.sh sees one test with seven results.
K=/minivm/kexec

cpus_online() {
	grep -c '^processor' /proc/cpuinfo
}

# kexec_file_load hashes every segment, the zeros up to its memory size
# included (some 60 MB for Debian's kernel), in one loop with no point to
# reschedule: over a minute in Bochs, which the soft-lockup detector (20
# s) would report. 60 is its largest threshold (120 s). The minimal
# kernel's hash takes about 20 s there, as long as RCU waits (21 s)
# before it reports a CPU stalled: a CI run on record saw that report.
# The stall check's timeout goes to 120 s as well.
slow_kexec_load_ok() {
	echo 60 >/proc/sys/kernel/watchdog_thresh 2>/dev/null
	echo 120 >/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout 2>/dev/null ||
		echo "# cannot raise RCU's CPU stall timeout"
}

# run_guest N WHAT: minivm.ko loads and minivm-run runs a guest here:
# result N.
run_guest() {
	st=0
	if out=$(/rig/insmod-once /minivm/minivm.ko 2>&1); then
		out=$(timeout -s KILL 120 minivm-run /minivm/guests/hello.bin 2>&1 </dev/null)
		st=$?
	else
		st=$?
	fi
	echo "$out" | sed 's/^/# /'
	if [ "$st" = 0 ]; then
		echo "ok $1 $2"
	else
		echo "not ok $1 $2 (status $st)"
	fi
	[ "$st" = 0 ]
}

case $1 in
stage1)
	echo "TAP version 13"
	echo "1..7"
	cpus=$(cpus_online)
	slow_kexec_load_ok
	# This kernel's command line for the next, minus what isolinux adds,
	# with room for a crash kernel: this kernel and crash-initrd.img
	# unpacked, and a guest (Debian's kernel needs more than the
	# minimal one).
	crash_mb=64
	[ "$(wc -c <"$K/bzImage")" -gt 4000000 ] && crash_mb=160
	cmdline=$(tr ' ' '\n' </proc/cmdline | grep -v '^BOOT_IMAGE=' |
		grep -v '^initrd=' | grep -v '^minivm\.only=' | tr '\n' ' ')
	cmdline="${cmdline}crashkernel=${crash_mb}M minivm.kexec_stage=2 minivm.kexec_cpus=$cpus"
	echo "# next kernel's command line: $cmdline"
	"$K/kexec_live" "$K/bzImage" "$K/initrd.img" "$cmdline"
	rc=$?
	echo "# kexec_live exited with status $rc"
	# Not reached when the kexec happened: the plan's remaining results.
	for n in 3 4 5 6 7; do
		echo "not ok $n # the kexec did not happen"
	done
	exit 1
	;;
stage2)
	# A line of its own, whatever the old kernel left unfinished.
	echo
	want=$(sed -n 's/.*minivm\.kexec_cpus=\([0-9]*\).*/\1/p' /proc/cmdline)
	have=$(cpus_online)
	echo "# the new kernel: $(uname -r), $have CPUs online, up $(cut -d' ' -f1 /proc/uptime) s"
	if [ -n "$want" ] && [ "$have" = "$want" ]; then
		echo "ok 3 the kernel kexec'd with live VMs came up with all $want CPUs"
	else
		echo "not ok 3 the kernel kexec'd with live VMs came up with $have of ${want:-?} CPUs"
	fi
	run_guest 4 "minivm.ko loads in the new kernel and minivm-run runs a guest (VMXON works on every CPU)"
	# The crash: the same kernel as the crash kernel, on one CPU.
	slow_kexec_load_ok
	cmdline=$(tr ' ' '\n' </proc/cmdline | grep -v '^minivm\.kexec_' |
		grep -v '^crashkernel=' | tr '\n' ' ')
	cmdline="${cmdline}nr_cpus=1 minivm.kexec_stage=3"
	echo "# the crash kernel's command line: $cmdline"
	"$K/kexec_live" --crash "$K/bzImage" "$K/crash-initrd.img" "$cmdline"
	rc=$?
	echo "# kexec_live --crash exited with status $rc"
	echo "not ok 7 # the crash did not happen"
	exit 1
	;;
stage3)
	echo
	echo "# the crash kernel: $(uname -r), $(cpus_online) CPU online, up $(cut -d' ' -f1 /proc/uptime) s"
	run_guest 7 "a crash with live VMs on every CPU reached the crash kernel, where minivm.ko loads and minivm-run runs a guest"
	;;
*)
	echo "usage: guest-kexec.sh stage1|stage2|stage3" >&2
	exit 2
	;;
esac
