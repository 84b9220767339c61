#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VMX guest, after the selftests, on a kernel with kmemleak (the
# debug kernel): scan for leaks (TAP). Every suspected leak is listed; a
# leak whose allocation backtrace passes through minivm.ko fails the
# test. kmemleak reports an object that no scan found referenced once
# it is 5 s old, so the test waits that long (objects still on their way
# out, in RCU callbacks or a killed process's last fput, are gone by
# then) and scans once: a scan takes minutes of Bochs time.
echo "TAP version 13"
echo "1..2"
d=/sys/kernel/debug
grep -q " $d debugfs" /proc/mounts || mount -t debugfs debugfs $d
f=$d/kmemleak
if [ ! -w $f ]; then
	echo "not ok 1 kmemleak is on"
	echo "not ok 2 no leak attributed to minivm # kmemleak is off"
	exit 1
fi
echo "ok 1 kmemleak is on"
sleep 6
echo scan >$f
cat $f >/tmp/kmemleak.txt
sed 's/^/# /' /tmp/kmemleak.txt
total=$(grep -c '^unreferenced object' /tmp/kmemleak.txt)
mine=$(awk '
	/^unreferenced object/ { if (inrec && hit) n++; inrec = 1; hit = 0; next }
	/\[minivm\]/ { hit = 1 }
	END { if (inrec && hit) n++; print n + 0 }' /tmp/kmemleak.txt)
echo "# kmemleak: $total suspected leaks, $mine with minivm in their backtrace"
if [ "$mine" = 0 ]; then
	echo "ok 2 no leak attributed to minivm"
else
	echo "not ok 2 no leak attributed to minivm"
fi
