#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VMX guest, before the selftests (TAP): the emulated CPU offers
# VMX with EPT and unrestricted guest (as kvm_intel sees it), minivm.ko
# loads and /dev/minivm appears, root only until a udev rule says otherwise.
echo "TAP version 13"
echo "1..4"
p=/sys/module/kvm_intel/parameters
if [ -d $p ]; then
	ept=$(cat $p/ept) ug=$(cat $p/unrestricted_guest)
	echo "# kvm_intel: ept=$ept unrestricted_guest=$ug"
	if [ "$ept" = Y ] && [ "$ug" = Y ]; then
		echo "ok 1 kvm_intel loaded with EPT and unrestricted guest"
	else
		echo "not ok 1 kvm_intel loaded with EPT and unrestricted guest"
	fi
else
	echo "not ok 1 kvm_intel loaded with EPT and unrestricted guest"
fi
if out=$(/rig/insmod-once /minivm/minivm.ko 2>&1); then
	echo "ok 2 insmod minivm.ko"
else
	echo "# $out"
	echo "not ok 2 insmod minivm.ko"
fi
if [ -c /dev/minivm ]; then
	echo "ok 3 /dev/minivm is a character device"
else
	echo "not ok 3 /dev/minivm is a character device"
fi
# Without a udev rule (none here), the module's own mode: root only.
mode=$(stat -c %a /dev/minivm 2>/dev/null)
if [ "$mode" = 600 ]; then
	echo "ok 4 /dev/minivm is mode 0600 without a udev rule"
else
	echo "not ok 4 /dev/minivm is mode 0600 without a udev rule (it is '$mode')"
fi
