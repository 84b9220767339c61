#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VMX guest, before the selftests (TAP): the emulated CPU offers
# VMX with EPT and unrestricted guest (as the kernel's own VMX feature
# scan sees it, and kvm_intel's parameters say when it is loaded), minivm.ko
# loads and /dev/minivm appears, root only until a udev rule says otherwise.
echo "TAP version 13"
echo "1..4"
# "vmx flags" (X86_VMX_FEATURE_NAMES, on in Debian's kernels and the
# rig's): what the kernel read from the VMX capability MSRs at boot.
flags=" $(sed -n 's/^vmx flags[[:space:]]*: //p' /proc/cpuinfo | head -n 1) "
ok=1
for f in ept unrestricted_guest; do
	case $flags in *" $f "*) ;; *) ok= ; echo "# no '$f' in /proc/cpuinfo's vmx flags" ;; esac
done
p=/sys/module/kvm_intel/parameters
if [ -d $p ]; then
	ept=$(cat $p/ept) ug=$(cat $p/unrestricted_guest)
	echo "# kvm_intel: ept=$ept unrestricted_guest=$ug"
	[ "$ept" = Y ] && [ "$ug" = Y ] || ok=
else
	echo "# kvm_intel is not loaded (no test of this run needs it)"
fi
if [ -n "$ok" ]; then
	echo "ok 1 the CPU offers VMX with EPT and unrestricted guest"
else
	echo "not ok 1 the CPU offers VMX with EPT and unrestricted guest"
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
