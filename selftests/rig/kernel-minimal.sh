#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the fast-mode kernel: tinyconfig + minimal.config from
# Debian's linux-source-6.1, LZ4-compressed, cached outside the tree in
#   $MINIVM_CACHE/kernel-minimal-<key>/
#     bzImage     the kernel the rig boots
#     build/      its build tree (KDIR for building minivm.ko against it)
#     modroot/    modules_install output (kvm, kvm_intel, irqbypass)
# <key> hashes the config fragments, the source package version and gcc's
# version, so editing minimal.config builds a new kernel.
#
# With --debug, the debug kernel instead: debug.config merged after
# minimal.config (KASAN, lockdep, kmemleak, ...), in kernel-debug-<key>/.
#
#   kernel-minimal.sh [--debug]          build when missing, print the cache directory
#   kernel-minimal.sh [--debug] --cached print it only when already built, else exit 1
# Takes about 4.5 minutes on 2 cores (the debug kernel longer);
# MINIVM_JOBS (default 2) sets -j.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=minimal
frags=("$RIG_DIR/minimal.config")
if [ "${1:-}" = --debug ]; then
	flavour=debug
	frags+=("$RIG_DIR/debug.config")
	shift
fi
tarball=/usr/src/linux-source-6.1.tar.xz
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	rig_die "linux-source-6.1 is not installed (run scripts/install-deps.sh)"
key=$( { cat "${frags[@]}"; echo "$srcver"; gcc --version | head -n 1; } |
	sha256sum | cut -c1-12)
dir=$MINIVM_CACHE/kernel-$flavour-$key

if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi
[ "${1:-}" = --cached ] && exit 1

mkdir -p "$MINIVM_CACHE"
exec 9>"$MINIVM_CACHE/kernel-$flavour.lock"
if ! flock -n 9; then
	rig_log "another $flavour-kernel build is running; waiting for it"
	flock 9
fi
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

# One extracted source tree per source package version, shared by builds.
src_parent=$MINIVM_CACHE/src-$srcver
src=$src_parent/linux-source-6.1
if [ ! -f "$src_parent/.done" ]; then
	rig_log "extracting $tarball into $src_parent"
	rm -rf "$src_parent"
	mkdir -p "$src_parent"
	tar -xJf "$tarball" -C "$src_parent"
	touch "$src_parent/.done"
fi

rm -rf "$dir"
mkdir -p "$dir/build"
log=$dir/build.log
jobs=${MINIVM_JOBS:-2}
rig_log "building the $flavour kernel in $dir (-j$jobs, log: $log)"
start=$(now)
# The fragments as one, each option as the last fragment that names it
# sets it (the debug kernel's LOCALVERSION, say).
frag=$dir/fragment.config
cat "${frags[@]}" | awk '
	/^CONFIG_[A-Za-z0-9_]*=/ { o = $0; sub(/=.*/, "", o) }
	/^# CONFIG_[A-Za-z0-9_]* is not set/ { o = $2 }
	o != "" { line[o] = $0; if (!(o in seen)) { seen[o] = 1; order[n++] = o } }
	{ o = "" }
	END { for (i = 0; i < n; i++) print line[order[i]] }' >"$frag"
{
	make -C "$src" O="$dir/build" tinyconfig
	(cd "$src" && scripts/kconfig/merge_config.sh -m -O "$dir/build" \
		"$dir/build/.config" "$frag")
	make -C "$src" O="$dir/build" olddefconfig
} >"$log" 2>&1 || rig_die "configuring the $flavour kernel failed; see $log"

# Every line of the fragment must have survived olddefconfig's dependency
# resolution, or the kernel would silently lack something the tests need.
missing=0
while read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF "$line" "$dir/build/.config" || {
			rig_log "${frags[*]##*/}: '$line' did not survive olddefconfig"
			missing=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		! grep -q "^$opt=" "$dir/build/.config" || {
			rig_log "${frags[*]##*/}: '$opt' is still set"
			missing=1; } ;;
	esac
done <"$frag"
[ "$missing" = 0 ] || rig_die "fix ${frags[*]##*/} (unmet dependencies)"

make -C "$src" O="$dir/build" -j"$jobs" bzImage modules >>"$log" 2>&1 ||
	rig_die "building the $flavour kernel failed; see $log"
make -C "$src" O="$dir/build" INSTALL_MOD_PATH="$dir/modroot" \
	modules_install >>"$log" 2>&1 ||
	rig_die "installing the $flavour kernel's modules failed; see $log"
cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
make -s -C "$src" O="$dir/build" kernelrelease >"$dir/release"
touch "$dir/.done"
rig_log "$flavour kernel $(cat "$dir/release") built in $(( $(now) - start )) s"
echo "$dir"
