#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the guest whose CPU has no VMX (TAP): the module refuses to load, as
# Documentation and the spec say, and minivm-run reports the missing device.
echo "TAP version 13"
echo "1..5"
ok() { if [ "$1" = 0 ]; then echo "ok $2"; else echo "not ok $2"; fi; }

if grep -qw vmx /proc/cpuinfo; then
	echo "# this CPU has VMX: the no-VMX checks below are meaningless"
	ok 1 "1 the CPU has no VMX"
else
	ok 0 "1 the CPU has no VMX"
fi

out=$(/rig/insmod-once /minivm/minivm.ko 2>&1)
rc=$?
echo "# insmod: rc=$rc: $out"
case $out in *"No such device"*) r=$rc ;; *) r=0 ;; esac
[ "$r" != 0 ]; ok $? "2 insmod minivm.ko fails with ENODEV (No such device)"

n=$(dmesg | grep -c "minivm: VMX not supported")
echo "# kernel log lines with 'minivm: VMX not supported': $n"
dmesg | grep "minivm:" | sed 's/^/# /'
[ "$n" = 1 ]; ok $? "3 exactly one 'minivm: VMX not supported' kernel log line"

[ ! -e /dev/minivm ]; ok $? "4 /dev/minivm does not exist"

minivm-run /minivm/guests/hello.bin >/tmp/stdout 2>/tmp/stderr
rc=$?
lines=$(wc -l </tmp/stderr)
echo "# minivm-run: exit status $rc, stderr:"
sed 's/^/#   /' /tmp/stderr
# 69 is EX_UNAVAILABLE, minivm-run's documented status for no /dev/minivm.
[ "$rc" = 69 ] && [ "$lines" = 1 ]
ok $? "5 minivm-run without /dev/minivm: exit status 69 and one line on stderr"
