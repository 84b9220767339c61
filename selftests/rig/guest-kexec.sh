#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest-kexec.sh stage1|stage2 (TAP; test 98-rig-kexec of the vmx tier)
# A kexec with minivm VMs alive must leave VMX operation on every CPU.
#   stage1  the last step of the vmx tier, minivm.ko loaded: kexec_live
#           puts a counting guest on each CPU, leaves one more vCPU
#           loaded, and kexecs into /minivm/kexec/bzImage (this kernel)
#           with /minivm/kexec/initrd.img (this initramfs without the
#           tests, initramfs.sh); results 1 and 2; does not return when
#           they pass
#   stage2  init in that new kernel (minivm.kexec_stage=2): every CPU is
#           online again, minivm.ko loads and runs a guest; results 3
#           and 4, then init ends the test and the tier
# The new kernel's report continues the old one's on the same serial
# port, so parse.sh sees one test with four results.
K=/minivm/kexec

cpus_online() {
	grep -c '^processor' /proc/cpuinfo
}

case $1 in
stage1)
	echo "TAP version 13"
	echo "1..4"
	cpus=$(cpus_online)
	# kexec_file_load hashes every segment, the zeros up to its memory
	# size included (some 60 MB for Debian's kernel), in one loop with no
	# point to reschedule: over a minute in Bochs, which the soft-lockup
	# detector (20 s) would report. 60 is its largest threshold (120 s).
	# The minimal kernel's hash takes about 20 s there, as long as RCU
	# waits (21 s) before it reports a CPU stalled: a CI run on record saw
	# that report. The stall check's timeout goes to 120 s as well.
	echo 60 >/proc/sys/kernel/watchdog_thresh 2>/dev/null
	echo 120 >/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout 2>/dev/null ||
		echo "# cannot raise RCU's CPU stall timeout"
	# This kernel's command line for the next, minus what isolinux adds.
	cmdline=$(tr ' ' '\n' </proc/cmdline | grep -v '^BOOT_IMAGE=' |
		grep -v '^initrd=' | grep -v '^minivm\.only=' | tr '\n' ' ')
	cmdline="${cmdline}minivm.kexec_stage=2 minivm.kexec_cpus=$cpus"
	echo "# next kernel's command line: $cmdline"
	"$K/kexec_live" "$K/bzImage" "$K/initrd.img" "$cmdline"
	rc=$?
	echo "# kexec_live exited with status $rc"
	# Not reached when the kexec happened: the plan's remaining results.
	echo "not ok 3 # the kexec did not happen"
	echo "not ok 4 # the kexec did not happen"
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
	st=0
	if out=$(/rig/insmod-once /minivm/minivm.ko 2>&1); then
		out=$(timeout -s KILL 120 minivm-run /minivm/guests/hello.bin 2>&1 </dev/null)
		st=$?
	else
		st=$?
	fi
	echo "$out" | sed 's/^/# /'
	if [ "$st" = 0 ]; then
		echo "ok 4 minivm.ko loads in the new kernel and minivm-run runs a guest (VMXON works on every CPU)"
	else
		echo "not ok 4 minivm.ko loads in the new kernel and minivm-run runs a guest (status $st)"
	fi
	[ "$have" = "$want" ] && [ "$st" = 0 ]
	;;
*)
	echo "usage: guest-kexec.sh stage1|stage2" >&2
	exit 2
	;;
esac
