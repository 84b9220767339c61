#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh OUT MODROOT PAYLOAD KO [LINUX]
# Build the rig's initramfs (cpio newc, LZ4 legacy format) at OUT:
#   /init, /rig/           this directory's init, guest scripts and
#                          insmod-once
#   /bin/busybox           Debian's busybox-static
#   /lib/modules/rig/      kvm_intel and its dependencies (and msr, brd), from MODROOT
#                          (a /lib/modules/<release> tree), decompressed and
#                          numbered in load order
#   /minivm/               the payload (DESTDIR of the install targets)
#   /minivm/minivm.ko      the module (KO; may be "" while developing)
#   /minivm/linux/         LINUX, the nested guest's files (tier linux)
#   /minivm/kexec/         with RIG_KEXEC_KERNEL: that bzImage and a smaller
#                          initramfs for the vmx tier's kexec (guest-kexec.sh)
#   /usr/bin/trace-cmd, /usr/bin/perf and their shared libraries, when
#                          RIG_TRACE_TOOLS=1 (run-tier.sh, for the vmx tier
#                          on the minimal kernel, whose trace_tools.sh runs
#                          them)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 4 ] || [ $# = 5 ] ||
	rig_die "usage: initramfs.sh OUT MODROOT PAYLOAD KO [LINUX]"
out=$1 modroot=$2 payload=$3 ko=$4 linux=${5:-}

stage=$(mktemp -d "${TMPDIR:-/tmp}/minivm-initramfs.XXXXXX")
# The initramfs root is mktemp's 0700 otherwise: no user but root could
# get at anything (init runs part of the suite as a user).
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,rig,lib/modules/rig,minivm}

bb=/bin/busybox
readelf -l "$bb" | grep -q 'Requesting program interpreter' &&
	rig_die "$bb is dynamically linked: install busybox-static"
cp "$bb" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
# The kernel opens /dev/console for init before devtmpfs is mounted; init
# reopens it itself too, so this node (root only) is a nicety.
mknod "$stage/dev/console" c 5 1 2>/dev/null || true
install -m 755 "$RIG_DIR/init" "$stage/init"
install -m 755 "$RIG_DIR"/guest-*.sh "$stage/rig/"
gcc -static -O2 -Wall -Wextra -Werror -o "$stage/rig/insmod-once" \
	"$RIG_DIR/insmod-once.c"

# kvm_intel's dependencies, as modules.dep lists them (a module's deps are
# listed so that the last one must be loaded first).
dep_line=$(grep -E '(^|/)kvm-intel\.ko(\.[a-z]+)?:' "$modroot/modules.dep") ||
	rig_die "no kvm-intel module in $modroot"
mods=$(echo "$dep_line" | tr -d ':' |
	awk '{ for (i = NF; i > 1; i--) printf "%s ", $i; print $1 }')
n=0
for m in $mods; do
	n=$((n + 1))
	base=$(basename "$m"); base=${base%%.ko*}
	dst="$stage/lib/modules/rig/$n-$base.ko"
	case $m in
	*.ko.xz)  xz -dc "$modroot/$m" >"$dst" ;;
	*.ko.zst) zstd -qdc "$modroot/$m" >"$dst" ;;
	*.ko.gz)  gzip -dc "$modroot/$m" >"$dst" ;;
	*.ko)     cp "$modroot/$m" "$dst" ;;
	esac
	# 6.12's kvm turns VMX on at load unless told not to (6.1 never
	# does): the parameter goes next to the module for init to pass.
	# Decided here, with the host's modinfo: busybox's needs the
	# guest's modules.dep, which the initramfs has not.
	if [ "$base" = kvm ] &&
	   modinfo -F parm "$dst" 2>/dev/null | grep -q '^enable_virt_at_load'; then
		echo enable_virt_at_load=0 >"${dst%.ko}.args"
	fi
done

# The msr module where the kernel has it, so tests can read host MSRs
# through /dev/cpu/N/msr (the minimal kernel has no CONFIG_X86_MSR).
msr=$(find "$modroot/kernel/arch/x86/kernel" -name 'msr.ko*' 2>/dev/null |
	head -n1) || true
if [ -n "$msr" ]; then
	n=$((n + 1))
	case $msr in
	*.ko.xz)  xz -dc "$msr" >"$stage/lib/modules/rig/$n-msr.ko" ;;
	*.ko.zst) zstd -qdc "$msr" >"$stage/lib/modules/rig/$n-msr.ko" ;;
	*)        cp "$msr" "$stage/lib/modules/rig/$n-msr.ko" ;;
	esac
fi

# The RAM disk driver where the kernel has it as a module (the minimal
# kernel has it built in): one 4 MiB disk, /dev/ram0, that page_move_test
# swaps to (init names it in MINIVM_TEST_SWAP_DEV).
brd=$(find "$modroot/kernel/drivers/block" -name 'brd.ko*' 2>/dev/null |
	head -n1) || true
if [ -n "$brd" ]; then
	n=$((n + 1))
	dst=$stage/lib/modules/rig/$n-brd.ko
	case $brd in
	*.ko.xz)  xz -dc "$brd" >"$dst" ;;
	*.ko.zst) zstd -qdc "$brd" >"$dst" ;;
	*)        cp "$brd" "$dst" ;;
	esac
	echo "rd_nr=1 rd_size=4096" >"${dst%.ko}.args"
fi

# A dynamically linked program of this host, with the libraries ldd
# names (and the dynamic loader) at the same paths: Debian's loader
# searches its multiarch directories without an ld.so.cache.
copy_with_libs() {
	local bin lib
	bin=$(command -v "$1") || {
		if [ "${MINIVM_RIG_ALLOW_MISSING:-0}" = 1 ]; then
			rig_log "warning: no $1 on this host (tolerated: MINIVM_RIG_ALLOW_MISSING=1)"
			return 0
		fi
		rig_die "no $1 on this host for the initramfs (scripts/install-deps.sh installs it)"
	}
	install -D -m 755 "$bin" "$stage/usr/bin/${bin##*/}"
	for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
				     $1 ~ /^\// { print $1 }'); do
		# 755: the dynamic loader among them must be executable
		[ -e "$stage$lib" ] || install -D -m 755 "$lib" "$stage$lib"
	done
}
# perf and its libraries (Python, Perl, ...) add about 7 MB to the
# compressed initramfs, trace-cmd a few hundred KB: only for the tier
# that uses them.
if [ "${RIG_TRACE_TOOLS:-0}" = 1 ]; then
	copy_with_libs trace-cmd
	copy_with_libs perf
fi

if [ -d "$payload" ]; then
	cp -a "$payload/." "$stage/minivm/"
fi
if [ -n "$ko" ]; then
	cp "$ko" "$stage/minivm/minivm.ko"
fi
if [ -n "$linux" ]; then
	cp -a "$linux" "$stage/minivm/linux"
fi

# The vmx tier's last test kexecs into RIG_KEXEC_KERNEL (guest-kexec.sh)
# with an initramfs of its own: what init, guest-kexec.sh stage2 and
# minivm-run need, without the tests and tools (a smaller image for the
# purgatory to hash and the new kernel to unpack), and the same kernel
# with a smaller initramfs still for the crash kernel it loads (stage3).
# kexec_initrd OUT [PATH...]: those files and PATHs as an initramfs.
kexec_initrd() {
	local dst=$1
	shift
	(cd "$stage" &&
		{ find . -maxdepth 1 -print0
		  find ./init ./bin ./dev ./rig ./lib/modules ./minivm/minivm.ko \
			./minivm/bin ./minivm/guests "$@" -print0; } |
		LC_ALL=C sort -zu |
		cpio --null -o -H newc --owner=0:0 --quiet) |
		lz4 -l -9 -q -f - "$dst"
}
if [ -n "${RIG_KEXEC_KERNEL:-}" ]; then
	mkdir -p "$(dirname "$out")"
	install -D -m 644 "$RIG_KEXEC_KERNEL" "$stage/minivm/kexec/bzImage"
	kexec_initrd "$out.crash-initrd"
	mv "$out.crash-initrd" "$stage/minivm/kexec/crash-initrd.img"
	kexec_initrd "$out.kexec-initrd" ./minivm/kexec
	mv "$out.kexec-initrd" "$stage/minivm/kexec/initrd.img"
fi

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) |
	lz4 -l -9 -q -f - "$out"
