#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# install.sh install|uninstall|list COMPONENT...
# The user-facing install behind `make install`, `make uninstall`,
# `make install-dkms` and `make deb`. Install and uninstall walk the same
# list of files (`list` prints it), so uninstall removes exactly what
# install put there. Components:
#   module  module/minivm.ko -> $MODDIR/minivm.ko; depmod $KVER
#   tool    minivm-run -> $BINDIR, the sample guests -> $DATADIR/guests/
#   man     minivm-run(1) -> $MANDIR/man1 (gzip -9n with MAN_GZIP=1)
#   udev    60-minivm.rules -> $UDEVRULESDIR (/dev/minivm: group minivm,
#           0660); udev reloads its rules
#   dkms    the module's sources and dkms.conf -> $DKMSDIR
#           (/usr/src/minivm-VERSION); with DKMS=1, dkms add, build and
#           install for every kernel whose headers are installed, and
#           dkms remove on uninstall
# The top-level Makefile sets every variable below (PREFIX and the
# directories, KVER, VERSION). With DESTDIR set, files go under it and
# nothing on this host is touched (no depmod, udev or dkms), and uninstall
# also removes the directories it leaves empty below DESTDIR; without
# DESTDIR it removes the empty ones that belong to no package and are not
# standard (PREFIX, PREFIX/bin, ...; see prune_host).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
destdir=${DESTDIR:-}
: "${VERSION:=$(cat "$top/VERSION")}"
: "${PREFIX:=/usr/local}"
: "${BINDIR:=$PREFIX/bin}"
: "${MANDIR:=$PREFIX/share/man}"
: "${DATADIR:=$PREFIX/share/minivm}"
: "${UDEVRULESDIR:=$PREFIX/lib/udev/rules.d}"
: "${DKMSDIR:=/usr/src/minivm-$VERSION}"
: "${MAN_GZIP:=0}"
: "${DKMS:=0}"

die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '  %s\n' "$*"; }

[ $# -ge 2 ] || die "usage: install.sh install|uninstall|list COMPONENT..."
action=$1
shift

# manifest COMPONENT: "MODE SOURCE DESTINATION" lines, paths without
# DESTDIR. SOURCE is relative to the top of the tree.
manifest() {
	case $1 in
	module)
		[ -n "${KVER:-}" ] || die "KVER (the kernel release) is not set"
		echo "0644 module/minivm.ko ${MODDIR:-/lib/modules/$KVER/extra}/minivm.ko"
		;;
	tool)
		echo "0755 userspace-tool/minivm-run $BINDIR/minivm-run"
		for s in "$top"/userspace-tool/guests/*.S; do
			b=$(basename "$s" .S).bin
			echo "0644 userspace-tool/guests/$b $DATADIR/guests/$b"
		done
		;;
	man)
		if [ "$MAN_GZIP" = 1 ]; then
			echo "0644 userspace-tool/minivm-run.1 $MANDIR/man1/minivm-run.1.gz"
		else
			echo "0644 userspace-tool/minivm-run.1 $MANDIR/man1/minivm-run.1"
		fi
		;;
	udev)
		echo "0644 packaging/udev/60-minivm.rules $UDEVRULESDIR/60-minivm.rules"
		;;
	dkms)
		# What `make -C KDIR M=DIR modules` reads: the Kbuild files,
		# the module's sources, the uapi header, VERSION; not the host
		# unit tests, not build outputs.
		(cd "$top" && {
			echo dkms.conf; echo Kbuild; echo VERSION
			echo uapi/linux/minivm.h
			find module -path module/x86/tests -prune -o -type f \
				\( -name '*.[chS]' -o -name Kbuild \) \
				! -name '*.mod.c' -print
		} | LC_ALL=C sort) | while read -r f; do
			echo "0644 $f $DKMSDIR/$f"
		done
		;;
	*)
		die "unknown component '$1' (module, tool, man, udev, dkms)"
		;;
	esac
}

# Run a command on this host only when installing into / (no DESTDIR).
on_host() {
	if [ -z "$destdir" ]; then
		"$@"
	fi
}

depmod_kver() {
	if command -v depmod >/dev/null 2>&1; then
		say "DEPMOD $KVER"
		depmod -a "$KVER"
	fi
}

udev_reload() {
	if command -v udevadm >/dev/null 2>&1 && [ -S /run/udev/control ]; then
		say "UDEV   reload rules"
		udevadm control --reload-rules
		# A /dev/minivm that exists already gets the new group and mode.
		if [ -e /dev/minivm ]; then
			udevadm trigger --action=add --name-match=/dev/minivm || true
		fi
	fi
}

# The kernels that have their headers (a build tree with a Makefile).
kernels_with_headers() {
	for d in /lib/modules/*/build; do
		[ -f "$d/Makefile" ] || continue
		basename "$(dirname "$d")"
	done
}

dkms_add_build() {
	command -v dkms >/dev/null 2>&1 || die "dkms is not installed (apt install dkms)"
	if ! dkms status -m minivm -v "$VERSION" | grep -q .; then
		dkms add -m minivm -v "$VERSION"
	fi
	for k in $(kernels_with_headers); do
		dkms install -m minivm -v "$VERSION" -k "$k" ||
			printf 'install.sh: warning: DKMS could not build minivm %s for %s\n' \
				"$VERSION" "$k" >&2
	done
}

dkms_remove() {
	if command -v dkms >/dev/null 2>&1 &&
	   dkms status -m minivm -v "$VERSION" | grep -q .; then
		dkms remove -m minivm -v "$VERSION" --all
	fi
}

# rmdir DIR and its parents while they are empty, stopping at STOP.
prune() {
	d=$1 stop=$2
	while [ "$d" != "$stop" ] && [ "$d" != / ] && [ -d "$d" ] &&
	      rmdir "$d" 2>/dev/null; do
		d=$(dirname "$d")
	done
}

# On the host: rmdir DIR and its parents while they are empty, belong to
# no Debian package and are not one of the directories every system has
# (PREFIX, its bin, lib, share and share/man, /lib/modules/KVER): what
# install had to create goes, nothing else.
prune_host() {
	d=$1
	while [ -d "$d" ]; do
		case $d in
		/ | /usr | /lib | /etc | "$PREFIX" | "$PREFIX/bin" | "$PREFIX/lib" | \
		"$PREFIX/share" | "$PREFIX/share/man" | /lib/modules | "/lib/modules/${KVER:-}")
			return 0 ;;
		esac
		if command -v dpkg-query >/dev/null 2>&1 &&
		   dpkg-query -S "$d" >/dev/null 2>&1; then
			return 0
		fi
		rmdir "$d" 2>/dev/null || return 0
		say "RMDIR  $d"
		d=$(dirname "$d")
	done
}

do_install() {
	files=$(manifest "$1")
	echo "$files" | while read -r mode src dst; do
		[ -f "$top/$src" ] || die "$src is missing: build it first (make)"
		say "INSTALL $destdir$dst"
		install -d "$destdir$(dirname "$dst")"
		case $dst in
		*.gz)
			gzip -9n <"$top/$src" >"$destdir$dst"
			chmod "$mode" "$destdir$dst"
			;;
		*)
			install -m "$mode" "$top/$src" "$destdir$dst"
			;;
		esac
	done
	case $1 in
	module) on_host depmod_kver ;;
	udev) on_host udev_reload ;;
	dkms) [ "$DKMS" != 1 ] || on_host dkms_add_build ;;
	esac
}

do_uninstall() {
	files=$(manifest "$1")
	[ "$1" != dkms ] || [ "$DKMS" != 1 ] || on_host dkms_remove
	echo "$files" | while read -r _mode _src dst; do
		if [ -e "$destdir$dst" ] || [ -L "$destdir$dst" ]; then
			say "REMOVE $destdir$dst"
			rm -f "$destdir$dst"
		fi
		if [ -n "$destdir" ]; then
			prune "$destdir$(dirname "$dst")" "$destdir"
		fi
	done
	if [ -z "$destdir" ]; then
		echo "$files" | while read -r _mode _src dst; do
			prune_host "$(dirname "$dst")"
		done
	fi
	case $1 in
	module) on_host depmod_kver ;;
	udev) on_host udev_reload ;;
	esac
}

for component in "$@"; do
	case $action in
	install) do_install "$component" ;;
	uninstall) do_uninstall "$component" ;;
	list) manifest "$component" ;;
	*) die "unknown action '$action' (install, uninstall, list)" ;;
	esac
done
