#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel build directory to build minivm.ko against.
#   find-kdir.sh          the running kernel's, else the newest Debian
#                         linux-headers-*-amd64 installed
#   find-kdir.sh SERIES   the newest installed headers of SERIES (6.1, 6.12)
# Prints nothing and exits 1 when there is none.
series=${1:-}
if [ -z "$series" ]; then
	running=/lib/modules/$(uname -r)/build
	if [ -f "$running/Makefile" ]; then
		echo "$running"
		exit 0
	fi
	pattern='linux-headers-*-amd64'
else
	pattern="linux-headers-$series.*-amd64"
fi
# Debian's 6.1 headers are named 6.1.0-N-amd64, 6.12 ones 6.12.N+deb12-amd64.
# $pattern is a glob: unquoted on purpose.
# shellcheck disable=SC2231
dir=$(for d in /usr/src/$pattern; do
	case $d in *-rt-* | *-cloud-*) continue ;; esac
	[ -f "$d/Makefile" ] && echo "$d"
done | sort -V | tail -n 1)
[ -n "$dir" ] || exit 1
echo "$dir"
