#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side checks of what minivm installs and ships (no VMX, no root
# needed except where noted): the version in every place, the man page
# against the source, make install/uninstall, the DKMS source, the .deb.
# Prints TAP and ends with "N passed, N failed"; exits 1 if any failed.
# `make check` runs it (selftests/rig/check.sh).
#
# The module: with MINIVM_PKG_TREE (a copy of this tree where minivm.ko is
# built) and MINIVM_PKG_KDIR (the headers it was built against), as
# check.sh passes them, the install test reuses that build; otherwise it
# builds one in a copy of the tree against the 6.1 headers (else the
# newest). Work files are under build/check/packaging/.
set -eu
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${MINIVM_PKG_WORK:-$top/build/check/packaging}
jobs=${MINIVM_JOBS:-2}
version=$(cat "$top/VERSION")
man=$top/userspace-tool/minivm-run.1

n=0 passed=0 failed=0 skipped=0
skip() {
	n=$((n + 1)) skipped=$((skipped + 1))
	echo "ok $n $1 # SKIP $2"
}
ok() {
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n $1"
}
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n $1"
	shift
	for line in "$@"; do
		printf '#   %s\n' "$line"
	done
}
# check DESCRIPTION: ok when $why is empty, else not ok with its lines.
why=()
check() {
	if [ ${#why[@]} = 0 ]; then
		ok "$1"
	else
		not_ok "$1" "${why[@]}"
	fi
	why=()
}
note() { why+=("$*"); }

rm -rf "$work"
mkdir -p "$work"

# copy_tree DST: tracked and untracked files that git does not ignore.
copy_tree() {
	mkdir -p "$1"
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$top" ls-files -z -c -o --exclude-standard
	else
		(cd "$top" && find . -path ./build -prune -o -path ./.git -prune \
			-o -type f ! -name '*.o' ! -name '*.ko' -print0)
	fi | grep -zv '^\(\./\)\?build/' | (cd "$top" && tar --null -T - -cf -) |
		tar -C "$1" -xf -
}

# A command that fails outside a check (set -e) still ends the output
# with a failure and the summary line that check.sh counts.
finished=0
on_exit() {
	local rc=$?
	if [ "$finished" != 1 ]; then
		echo "not ok $((n + 1)) packaging_test.sh stopped early (status $rc)"
		echo "$passed passed, $((failed + 1)) failed"
	fi
}
trap on_exit EXIT

echo "TAP version 13"

# --- the version ----------------------------------------------------------
v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ "$v" = "$version" ] || note "dkms.conf PACKAGE_VERSION is '$v', VERSION is '$version'"
v=$(sed -n 's/^\.TH .*"minivm \([^"]*\)".*/\1/p' "$man")
[ "$v" = "$version" ] || note "minivm-run.1's .TH says 'minivm $v', VERSION is '$version'"
grep -q '^MODULE_VERSION(MINIVM_VERSION);' "$top/module/main.c" ||
	note "module/main.c has no MODULE_VERSION(MINIVM_VERSION)"
check "one version ($version) in VERSION, dkms.conf, minivm-run.1 and the module"

# --- the man page -----------------------------------------------------------
err=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$man" 2>&1 >/dev/null) ||
	note "man -l failed"
[ -z "$err" ] || note "man --warnings -l: $err"
err=$(groff -man -ww -z "$man" 2>&1) || note "groff failed"
[ -z "$err" ] || note "groff -ww: $err"
check "minivm-run.1 renders with man --warnings and groff -ww, no warning"

# The options: long_options[] and the getopt string of options.c against
# the man page's OPTIONS section, both ways.
opts=$top/userspace-tool/options.c
section() { # section NAME: the man source of one .SH section
	awk -v s="$1" '/^\.SH/ { on = ($0 == ".SH " s || $0 == ".SH \"" s "\"") ; next } on' "$man"
}
man_opts=$(section OPTIONS)
src_long=$(sed -n '/long_options\[\] = {/,/};/s/^[[:space:]]*{ *"\([a-z0-9-]*\)",.*/\1/p' "$opts")
src_short=$(sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' "$opts" | tr -d ':')
[ -n "$src_long" ] || note "no long_options[] entries found in options.c"
[ -n "$src_short" ] || note "no getopt_long() option string found in options.c"
for o in $src_long; do
	grep -qE "^\.(B|BR|TP).*\\\\-\\\\-${o//-/\\\\-}( |=|\$)" <<<"$man_opts" ||
		note "--$o (options.c) has no entry under OPTIONS in minivm-run.1"
done
for ((i = 0; i < ${#src_short}; i++)); do
	c=${src_short:i:1}
	grep -qE "^\.BR? \\\\-$c( |\$)" <<<"$man_opts" ||
		note "-$c (options.c) has no entry under OPTIONS in minivm-run.1"
done
while read -r o; do
	[ -z "$o" ] || grep -qx -- "$o" <<<"$src_long" ||
		note "minivm-run.1 documents --$o, which options.c does not have"
done < <(sed -n 's/^\.BR\? .*\\-\\-\([a-z0-9\\-]*\).*/\1/p' <<<"$man_opts" | sed 's/\\-/-/g')
check "every option of options.c is under OPTIONS in minivm-run.1, and no other"

# The exit statuses: every STATUS_* of exitcode.h, evaluated by the C
# preprocessor, is an entry under EXIT STATUS.
names=$(sed -n 's/^#define \(STATUS_[A-Z_]*\).*/\1/p' "$top/userspace-tool/exitcode.h")
man_status=$(section "EXIT STATUS")
for s in $names; do
	val=$(printf '#include "exitcode.h"\n%s\n' "$s" |
		cpp -P -I"$top/userspace-tool" -I"$top/uapi" - 2>/dev/null | tail -n 1 |
		tr -d ' ()')
	case $val in
	'' | *[!0-9]*) note "cannot evaluate $s from exitcode.h ('$val')"; continue ;;
	esac
	grep -qx "\.B $val" <<<"$man_status" ||
		note "$s ($val, exitcode.h) has no entry under EXIT STATUS in minivm-run.1"
done
for s in FILES "SEE ALSO" EXAMPLES; do
	[ -n "$(section "$s")" ] || note "minivm-run.1 has no $s section"
done
grep -q '^\.I /dev/minivm$' <<<"$(section FILES)" || note "FILES does not list /dev/minivm"
check "every exit status of exitcode.h is under EXIT STATUS; FILES, EXAMPLES, SEE ALSO"

# --- the udev rule --------------------------------------------------------
rule=$top/packaging/udev/60-minivm.rules
line=$(grep -v '^#' "$rule" | grep 'KERNEL=="minivm"' || true)
[ -n "$line" ] || note "60-minivm.rules has no KERNEL==\"minivm\" rule"
grep -q 'SUBSYSTEM=="misc"' <<<"$line" || note "the rule does not match SUBSYSTEM==\"misc\""
grep -q 'GROUP="minivm"' <<<"$line" || note "the rule does not set GROUP=\"minivm\""
mode=$(sed -n 's/.*MODE="\([0-7]*\)".*/\1/p' <<<"$line")
if [ -z "$mode" ] || [ $((8#$mode & 8#7)) != 0 ]; then
	note "the rule's MODE '$mode' is open to others (want 0660)"
fi
grep -q '\.name[[:space:]]*= "minivm"' "$top/module/main.c" ||
	note "module/main.c does not name its misc device \"minivm\""
check "60-minivm.rules: misc device minivm, group minivm, mode $mode"

# --- make install / uninstall -----------------------------------------------
if [ -n "${MINIVM_PKG_TREE:-}" ] && [ -f "$MINIVM_PKG_TREE/module/minivm.ko" ]; then
	tree=$MINIVM_PKG_TREE
	kdir=${MINIVM_PKG_KDIR:?MINIVM_PKG_KDIR goes with MINIVM_PKG_TREE}
else
	tree=$work/tree
	copy_tree "$tree"
	kdir=${MINIVM_PKG_KDIR:-$("$top/scripts/find-kdir.sh" 6.1 || "$top/scripts/find-kdir.sh" || true)}
fi
dest=$work/destdir
mkdir -p "$dest"
log=$work/install.log
if [ -z "$kdir" ]; then
	not_ok "make install DESTDIR= (module, minivm-run, man page, udev rule)" \
		"no kernel headers found (make deps)"
elif make -C "$tree" -j"$jobs" install DESTDIR="$dest" KDIR="$kdir" >"$log" 2>&1; then
	kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h")
	expect=$( (for c in module tool man udev; do
			KVER=$kver VERSION=$version "$tree/scripts/install.sh" list "$c"
		done) | awk '{ print $3 }' | LC_ALL=C sort)
	got=$(cd "$dest" && find . ! -type d | sed 's|^\.||' | LC_ALL=C sort)
	[ "$got" = "$expect" ] ||
		note "installed files differ from install.sh's list:" \
			"$(diff <(echo "$expect") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
	for f in /usr/local/bin/minivm-run "/lib/modules/$kver/extra/minivm.ko" \
		 /usr/local/share/man/man1/minivm-run.1 \
		 /usr/local/lib/udev/rules.d/60-minivm.rules \
		 /usr/local/share/minivm/guests/hello.bin; do
		[ -f "$dest$f" ] || note "make install did not install $f"
	done
	[ "$(stat -c %a "$dest/usr/local/bin/minivm-run" 2>/dev/null)" = 755 ] ||
		note "minivm-run is not installed mode 0755"
	[ ! -e "$dest/lib/modules/$kver/modules.dep" ] ||
		note "depmod ran on DESTDIR (it must only run on the host)"
	check "make install DESTDIR= installs minivm.ko ($kver), minivm-run, the guests, the man page, the udev rule"

	# modinfo of the module make install built.
	ko=$tree/module/minivm.ko
	[ "$(modinfo -F version "$ko")" = "$version" ] ||
		note "modinfo version is '$(modinfo -F version "$ko")', not $version"
	modinfo -F description "$ko" | grep -q VMX || note "modinfo description does not name VMX"
	[ "$(modinfo -F license "$ko")" = GPL ] || note "modinfo license is not GPL"
	[ -n "$(modinfo -F author "$ko")" ] || note "modinfo has no author"
	check "modinfo minivm.ko: version $version, description, author, license"

	if make -C "$tree" uninstall DESTDIR="$dest" KDIR="$kdir" >>"$log" 2>&1; then
		left=$(cd "$dest" && find . -mindepth 1 | head -n 5)
		[ -z "$left" ] || note "left behind: $left"
	else
		note "make uninstall failed:" "$(tail -n 5 "$log")"
	fi
	check "make uninstall DESTDIR= leaves DESTDIR empty"
else
	not_ok "make install DESTDIR= (module, minivm-run, man page, udev rule)" \
		"$(tail -n 5 "$log")"
	not_ok "modinfo minivm.ko" "no module: make install failed"
	not_ok "make uninstall DESTDIR= leaves DESTDIR empty" "make install failed"
fi

# --- DKMS ------------------------------------------------------------------
dkdest=$work/dkms-destdir
dksrc=$dkdest/usr/src/minivm-$version
if make -C "$top" -s install-dkms DESTDIR="$dkdest" >"$work/dkms.log" 2>&1; then
	for f in dkms.conf Kbuild VERSION module/Kbuild module/main.c uapi/linux/minivm.h; do
		[ -f "$dksrc/$f" ] || note "the DKMS source lacks $f"
	done
	# Every object module/Kbuild names has its source there.
	objs=$(sed -e ':a' -e '/\\$/{N; s/\\\n//; ba' -e '}' "$top/module/Kbuild" |
		sed -n 's/^minivm-y[[:space:]]*[:+]\?=//p' | tr -s ' \t' '\n' | grep '\.o$' || true)
	[ -n "$objs" ] || note "no minivm-y objects found in module/Kbuild"
	for o in $objs; do
		b=${o%.o}
		[ -f "$dksrc/module/$b.c" ] || [ -f "$dksrc/module/$b.S" ] ||
			note "module/Kbuild builds $o, but the DKMS source has no module/$b.c or .S"
	done
	stray=$(cd "$dksrc" && find . -name '*.o' -o -name '*.ko' -o -path './module/x86/tests*' | head -n 3)
	[ -z "$stray" ] || note "the DKMS source holds build outputs or host tests: $stray"
	check "make install-dkms DESTDIR=: dkms.conf, Kbuild and every source module/Kbuild builds"

	# What DKMS runs (dkms.conf MAKE[0]), on a copy of that source.
	if [ -n "$kdir" ]; then
		cp -a "$dksrc" "$work/dkms-build"
		if make -C "$kdir" M="$work/dkms-build" -j"$jobs" modules >"$work/dkms-build.log" 2>&1 &&
		   [ -f "$work/dkms-build/module/minivm.ko" ]; then
			ok "the DKMS source builds minivm.ko against $kdir"
		else
			not_ok "the DKMS source builds minivm.ko against $kdir" \
				"$(grep -E 'error|Error' "$work/dkms-build.log" | head -n 5)"
		fi
	fi

	make -C "$top" -s uninstall-dkms DESTDIR="$dkdest" >>"$work/dkms.log" 2>&1 ||
		note "make uninstall-dkms failed"
	left=$(cd "$dkdest" && find . -mindepth 1 | head -n 5)
	[ -z "$left" ] || note "left behind: $left"
	check "make uninstall-dkms DESTDIR= leaves DESTDIR empty"
else
	not_ok "make install-dkms DESTDIR=" "$(tail -n 5 "$work/dkms.log")"
fi

# --- the .deb ----------------------------------------------------------------
debdir=$work/deb
if deb=$("$top/scripts/make-deb.sh" "$debdir" 2>"$work/deb.log") && [ -f "$deb" ]; then
	[ "$(basename "$deb")" = "minivm_${version}_amd64.deb" ] ||
		note "the package is called $(basename "$deb")"
	check "make deb builds $(basename "$deb")"

	info=$(dpkg-deb --info "$deb")
	field() { dpkg-deb --field "$deb" "$1"; }
	[ "$(field Package)" = minivm ] || note "Package: $(field Package)"
	[ "$(field Version)" = "$version" ] || note "Version: $(field Version), not $version"
	[ "$(field Architecture)" = amd64 ] || note "Architecture: $(field Architecture)"
	field Maintainer | grep -qE '^[^<>]+ <[^<>@ ]+@[^<>@ ]+>$' ||
		note "Maintainer is not 'Name <address>': $(field Maintainer)"
	for d in dkms adduser libc6; do
		field Depends | tr ',' '\n' | grep -qE "^ *$d( |\$)" || note "Depends lacks $d"
	done
	field Installed-Size | grep -qE '^[1-9][0-9]*$' || note "Installed-Size: $(field Installed-Size)"
	for f in Section Priority Description; do
		[ -n "$(field "$f")" ] || note "no $f field"
	done
	[ "$(field Description | wc -l)" -gt 3 ] || note "the Description has no long text"
	for s in postinst prerm postrm; do
		grep -qE "^ +[0-9]+ bytes, +[0-9]+ lines +\* +$s +#!/bin/sh" <<<"$info" ||
			note "$s is missing, not executable or not #!/bin/sh"
	done
	check "dpkg-deb --info: Package, Version $version, amd64, Maintainer, Depends dkms, adduser, libc6; maintainer scripts"

	contents=$(dpkg-deb --contents "$deb")
	files=$(awk '{ print $NF }' <<<"$contents" | sed 's|^\./|/|')
	for f in /usr/bin/minivm-run /usr/share/man/man1/minivm-run.1.gz \
		 /lib/udev/rules.d/60-minivm.rules /usr/share/minivm/guests/hello.bin \
		 /usr/share/doc/minivm/copyright /usr/share/doc/minivm/changelog.gz \
		 "/usr/src/minivm-$version/dkms.conf" "/usr/src/minivm-$version/Kbuild" \
		 "/usr/src/minivm-$version/VERSION" "/usr/src/minivm-$version/module/Kbuild" \
		 "/usr/src/minivm-$version/module/main.c" \
		 "/usr/src/minivm-$version/uapi/linux/minivm.h"; do
		grep -qx -- "$f" <<<"$files" || note "the package lacks $f"
	done
	owners=$(awk '{ print $2 }' <<<"$contents" | sort -u)
	[ "$owners" = root/root ] || note "files not owned by root/root: $owners"
	outputs=$(grep -E '\.(o|ko|cmd)$' <<<"$files" | head -n 3 || true)
	[ -z "$outputs" ] || note "the package holds build outputs: $outputs"
	check "dpkg-deb --contents: minivm-run, man page, udev rule, guests, docs, DKMS source in /usr/src/minivm-$version"

	x=$work/deb-extract
	mkdir -p "$x/ctl"
	dpkg-deb --extract "$deb" "$x/root"
	dpkg-deb --control "$deb" "$x/ctl"
	for s in postinst prerm postrm; do
		sh -n "$x/ctl/$s" || note "sh -n $s fails"
		head -n 1 "$x/ctl/$s" | grep -qx '#!/bin/sh' || note "$s does not start #!/bin/sh"
		grep -qx 'set -e' "$x/ctl/$s" || note "$s lacks set -e"
		! grep -q '@[A-Z_]*@' "$x/ctl/$s" || note "$s has an unsubstituted @...@"
		if command -v shellcheck >/dev/null 2>&1; then
			out=$(shellcheck -s sh -f gcc "$x/ctl/$s" 2>&1) || note "shellcheck $s: $out"
		fi
	done
	grep -q 'addgroup --system' "$x/ctl/postinst" || note "postinst does not add the minivm group"
	grep -q 'dkms add' "$x/ctl/postinst" || note "postinst does not run dkms add"
	grep -q 'dkms install' "$x/ctl/postinst" || note "postinst does not run dkms install"
	grep -q 'dkms remove' "$x/ctl/prerm" || note "prerm does not run dkms remove"
	(cd "$x/root" && md5sum --quiet -c ../ctl/md5sums) >/dev/null 2>&1 || note "md5sums do not match the files"
	check "maintainer scripts pass sh -n (and shellcheck), postinst: group and dkms add/install, prerm: dkms remove; md5sums"

	err=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$x/root/usr/share/man/man1/minivm-run.1.gz" 2>&1 >/dev/null) ||
		note "man -l failed on the packaged page"
	[ -z "$err" ] || note "$err"
	out=$("$x/root/usr/bin/minivm-run" --version 2>&1) || note "the packaged minivm-run --version failed"
	[ "$out" = "minivm-run $version (minivm API version $(sed -n 's/^#define MINIVM_API_VERSION[[:space:]]*\([0-9]*\).*/\1/p' "$top/uapi/linux/minivm.h"))" ] ||
		note "the packaged minivm-run --version says: $out"
	check "the packaged man page renders; the packaged minivm-run runs (--version $version)"

	if command -v lintian >/dev/null 2>&1; then
		# lintian warns that it runs as root; that is not about the package.
		out=$(lintian --pedantic -I -E --tag-display-limit 0 "$deb" 2>&1 |
			grep -v 'running with root privileges is not recommended' || true)
		if [ -z "$out" ]; then
			ok "lintian --pedantic -I -E: nothing to report"
		else
			mapfile -t lines <<<"$out"
			not_ok "lintian --pedantic -I -E" "${lines[@]}"
		fi
	else
		skip "lintian" "lintian is not installed"
	fi
else
	not_ok "make deb builds minivm_${version}_amd64.deb" "$(tail -n 10 "$work/deb.log")"
fi

finished=1
echo "1..$n"
if [ "$skipped" != 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
