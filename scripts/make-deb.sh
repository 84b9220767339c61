#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make-deb.sh [OUTDIR]: build OUTDIR/minivm_VERSION_amd64.deb (OUTDIR:
# build/) with dpkg-deb alone (no debhelper), for Debian 12:
#   /usr/bin/minivm-run                      hardened, stripped
#   /usr/share/man/man1/minivm-run.1.gz
#   /usr/share/minivm/guests/*.bin           the sample guests
#   /lib/udev/rules.d/60-minivm.rules        /dev/minivm: group minivm, 0660
#   /usr/src/minivm-VERSION/                 the module's DKMS source
#   /usr/share/doc/minivm/                   copyright, changelog, README
# and packaging/deb/'s maintainer scripts: postinst adds the group minivm
# and runs dkms add and install for every kernel with headers, prerm runs
# dkms remove. The staging tree is OUTDIR/deb/root. DEBFULLNAME and
# DEBEMAIL override the Maintainer field; SOURCE_DATE_EPOCH (default: the
# last commit's date) dates the changelog.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build}
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(cat "$top/VERSION")
arch=$(dpkg --print-architecture)
[ "$arch" = amd64 ] || { echo "make-deb.sh: minivm is for amd64 (VMX), not $arch" >&2; exit 1; }
name=${DEBFULLNAME:-minivm maintainers}
email=${DEBEMAIL:-maintainers@users.noreply.b-seed-fcce44a9.example}
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH

stage=$out/deb
root=$stage/root
deb=$out/minivm_${version}_$arch.deb
umask 022
rm -rf "$stage"
mkdir -p "$root/DEBIAN"

# A copy of the tree (tracked and untracked files, no build outputs), so
# that the package never holds a stale object, nor touches this tree's
# static minivm-run that the rig uses. minivm-run is linked dynamically
# with Debian's hardening flags (dpkg-buildflags, hardening=+all).
src=$stage/src
mkdir -p "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$top" ls-files -z -c -o --exclude-standard
else
	(cd "$top" && find . -path ./build -prune -o -path ./.git -prune \
		-o -type f ! -name '*.o' -print0)
fi | grep -zv '^\(\./\)\?build/' | (cd "$top" && tar --null -T - -cf -) |
	tar -C "$src" -xf -
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
make -C "$src/userspace-tool" STATIC= CFLAGS="$cflags" \
	LDFLAGS="$ldflags" >"$stage/build.log" 2>&1 || {
	cat "$stage/build.log" >&2
	echo "make-deb.sh: building minivm-run failed" >&2
	exit 1
}

DESTDIR=$root PREFIX=/usr UDEVRULESDIR=/lib/udev/rules.d MAN_GZIP=1 \
	VERSION=$version DKMSDIR=/usr/src/minivm-$version \
	"$src/scripts/install.sh" install tool man udev dkms >"$stage/install.log"
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$root/usr/bin/minivm-run"

# The shared libraries minivm-run needs (libc6), as dh_shlibdeps finds them.
mkdir -p "$stage/shlibs/debian"
printf 'Source: minivm\n\nPackage: minivm\nArchitecture: any\n' \
	>"$stage/shlibs/debian/control"
shlibs=$(cd "$stage/shlibs" &&
	dpkg-shlibdeps -O "$root/usr/bin/minivm-run" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "make-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

doc=$root/usr/share/doc/minivm
install -d "$doc"
install -m 0644 "$top/packaging/deb/copyright" "$doc/copyright"
install -m 0644 "$top/README.md" "$doc/README.md"
{
	echo "minivm ($version) unstable; urgency=medium"
	echo
	echo "  * minivm $version; the changes are in the project's git history."
	echo
	echo " -- $name <$email>  $(LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

for script in postinst prerm postrm; do
	sed "s/@VERSION@/$version/g" "$top/packaging/deb/$script" >"$root/DEBIAN/$script"
	chmod 0755 "$root/DEBIAN/$script"
done
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/g" -e "s/@ARCH@/$arch/g" \
	-e "s/@INSTALLED_SIZE@/$size/g" -e "s/@SHLIBS@/$shlibs/g" -e "s/@MAINTAINER@/$name <$email>/g" \
	"$top/packaging/deb/control.in" >"$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' |
	LC_ALL=C sort | xargs md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
# Every file's time is the changelog's, so the same tree packs the same.
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

rm -f "$deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
