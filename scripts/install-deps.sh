#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, on Debian 12 (bookworm) as root, what minivm's build and its
# emulator rig need, when it is missing; with everything present it only
# looks (no root needed) and runs no apt-get at all. `apt-get update` runs
# once, and only when something has to be installed.
#
#   - the compiler, perl (W=1 runs the kernel's scripts/kernel-doc, which
#     needs more than perl-base), and the 6.1 kernel: linux-image-amd64 and
#     the headers of exactly the installed 6.1 image (the rig boots the
#     kernel the module was built against)
#   - bookworm-backports and the newest linux-headers-6.12.*+deb12-amd64
#     from it (the module is compile-checked against 6.12 too)
#   - Bochs: bochs (it holds the headless "rfb" display plugin), its BIOS
#     images and bochs-term, the lightest package that satisfies bochs's
#     need for some display package (bochs-wx | bochs-gui)
#   - QEMU, busybox-static, the ISO tools, cpio, lz4, the 6.1 kernel source
#     (kselftest harness, fast-mode kernel) and what building a kernel needs
#   - the style gates (scripts/style-check.sh): sparse, clang, shellcheck
#     (checkpatch.pl comes from the 6.1 kernel source)
#   - trace-cmd and perf (linux-perf), which the rig puts into the VMX
#     machine to check that they see minivm's tracepoints
#   - packaging and its checks (make deb, selftests/packaging): dkms,
#     dpkg-dev (dpkg-shlibdeps, dpkg-buildflags), lintian, man-db and
#     groff-base (man --warnings)
#   - python3-sphinx: the style gates build Documentation/ with Sphinx
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
packages=(
	gcc make libc6-dev binutils perl
	linux-image-amd64 linux-headers-amd64
	bochs bochs-term bochsbios vgabios
	qemu-system-x86
	busybox-static xorriso isolinux syslinux-common cpio lz4 xz-utils zstd
	linux-source-6.1
	bc flex bison libelf-dev libssl-dev kmod
	sparse clang shellcheck
	trace-cmd linux-perf
	dkms dpkg-dev lintian man-db groff-base
	python3-sphinx
)
backports_file=/etc/apt/sources.list.d/backports.sources

say() { printf 'install-deps: %s\n' "$*"; }

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Installed packages whose names match the shell pattern $1, newest last.
installed_matching() {
	dpkg-query -W -f='${db:Status-Status} ${Package}\n' "$1" 2>/dev/null |
		awk '$1 == "installed" { print $2 }' | sort -V
}

updated=0
apt_install() {
	if [ "$(id -u)" != 0 ]; then
		say "missing: $*; run this as root (make deps)" >&2
		exit 1
	fi
	if [ "$updated" = 0 ]; then
		apt-get update
		updated=1
	fi
	say "installing: $*"
	apt-get install -y --no-install-recommends "$@"
}

have_backports() {
	grep -rqs 'bookworm-backports' /etc/apt/sources.list \
		/etc/apt/sources.list.d/
}

# 1. The plain packages.
missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} != 0 ]; then
	apt_install "${missing[@]}"
fi

# 2. The 6.1 image the linux-image-amd64 metapackage points at, and its
# headers. An older ABI left installed may no longer be in the archive,
# so follow the metapackage (upgrading it if its image is missing) rather
# than whatever image happens to be newest on the machine.
meta_abi() {
	dpkg-query -W -f='${Depends}' linux-image-amd64 |
		grep -oE 'linux-image-6\.1\.0-[0-9]+-amd64' | head -n 1
}
image=$(meta_abi || true)
if [ -z "$image" ] || ! installed "$image"; then
	apt_install linux-image-amd64 linux-headers-amd64
	image=$(meta_abi || true)
fi
if [ -z "$image" ] || ! installed "$image"; then
	say "linux-image-amd64 does not lead to an installed 6.1 image" >&2
	exit 1
fi
abi=${image#linux-image-}
version=$(dpkg-query -W -f='${Version}' "$image")
if ! installed "linux-headers-$abi"; then
	apt_install "linux-headers-$abi=$version"
fi
hversion=$(dpkg-query -W -f='${Version}' "linux-headers-$abi")
if [ "$hversion" != "$version" ]; then
	say "linux-headers-$abi is $hversion but $image is $version; aligning"
	apt_install "linux-headers-$abi=$version" "linux-headers-$abi-common=$version" ||
		apt_install "$image" "linux-headers-$abi"
fi

# 3. bookworm-backports, and 6.12 headers from it.
if ! have_backports; then
	[ "$(id -u)" = 0 ] || { say "bookworm-backports missing; run as root" >&2; exit 1; }
	say "adding bookworm-backports ($backports_file)"
	cat >"$backports_file" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	updated=0	# the new source needs an update before anything else
fi
if [ -z "$(installed_matching 'linux-headers-6.12.*+deb12-amd64')" ]; then
	[ "$(id -u)" = 0 ] || { say "no 6.12 headers; run as root" >&2; exit 1; }
	if [ "$updated" = 0 ]; then
		apt-get update
		updated=1
	fi
	newest=$(apt-cache pkgnames linux-headers-6.12. |
		grep -E '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' | sort -V |
		tail -n 1 || true)
	[ -n "$newest" ] || { say "no linux-headers-6.12.*+deb12-amd64 in bookworm-backports" >&2; exit 1; }
	# By name only: "-t bookworm-backports" would also move packages
	# that are in both suites (linux-image-amd64, linux-libc-dev) to 6.12.
	# Debian's headers package depends on its image, so that comes too.
	apt_install "$newest"
fi

say "all present: $image with linux-headers-$abi ($version)," \
	"$(installed_matching 'linux-headers-6.12.*+deb12-amd64' | tail -n 1)"
