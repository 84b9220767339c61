# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for the rig scripts; sourced, never run.

RIG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$RIG_DIR/../.." && pwd)
# Kernels and other slow artefacts are cached outside the repository.
MINIVM_CACHE=${MINIVM_CACHE:-/var/cache/minivm}
# Per-run scratch files (ISO, initramfs, serial logs) live in the tree's
# build/ directory, which `make clean` removes.
RIG_OUT=${RIG_OUT:-$TOP_DIR/build/rig}

# Printed by the guest's init after its last line; the host stops there.
END_MARKER='=== minivm-rig: end'
INIT_MARKER='=== minivm-rig: init'

# Bochs's instructions per emulated second (boot-bochs.sh).
bochs_ips() { echo "${MINIVM_BOCHS_IPS:-60000000}"; }

# What the kernel prints for an oops, BUG, WARN, lockup or panic, and the
# debug kernel's lockdep, debugobjects, list-debugging, KASAN and UBSAN
# reports (an ERE; not any "WARNING:": a boot note about RETBleed uses
# that word). kmemleak's findings are judged by guest-kmemleak.sh.
KERNEL_TROUBLE_RE='Oops: |BUG: |kernel BUG at|WARNING: CPU:|WARNING: at |\[ cut here \]|Call Trace:|general protection fault|soft lockup|hard LOCKUP|blocked for more than|self-detected stall|detected stalls on|Kernel panic|UBSAN: |KASAN: |kernel tried to execute|WARNING: (possible|inconsistent|suspicious|bad unlock|held lock|lock held|Nested lock)|DEBUG_LOCKS_WARN_ON|ODEBUG: |list_(add|del) corruption'
export KERNEL_TROUBLE_RE

rig_log() { printf 'rig: %s\n' "$*" >&2; }
rig_die() { printf 'rig: error: %s\n' "$*" >&2; exit 1; }

# The newest Debian 6.1 kernel with image, modules and headers all installed:
# the kernel the module is built against is the one the rig boots.
stock_kernel_version() {
	local v
	# Kernel image names: no odd characters to fear from ls.
	# shellcheck disable=SC2012
	for v in $(ls /boot 2>/dev/null | sed -n 's/^vmlinuz-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' |
		   sort -V -r); do
		if [ -d "/lib/modules/$v/kernel" ] &&
		   [ -f "/usr/src/linux-headers-$v/Makefile" ]; then
			echo "$v"
			return 0
		fi
	done
	return 1
}

# The newest Debian 6.12 (bookworm-backports) kernel with its headers and
# modules, for the stock612 kernel of the 6.12 tier.
stock612_kernel_version() {
	local v
	# shellcheck disable=SC2012
	for v in $(ls /boot 2>/dev/null |
		   sed -n 's/^vmlinuz-\(6\.12\.[0-9]*+deb12-amd64\)$/\1/p' |
		   sort -V -r); do
		if [ -d "/lib/modules/$v/kernel" ] &&
		   [ -f "/usr/src/linux-headers-$v/Makefile" ]; then
			echo "$v"
			return 0
		fi
	done
	return 1
}

# Seconds since the epoch, for timings.
now() { date +%s; }

# watch_emulator PID CONSOLE REPORT LIMIT: copy the guest's serial ports
# (CONSOLE: the kernel's, REPORT: init's, see init) to stdout as they grow
# (unless MINIVM_RIG_QUIET=1); stop the emulator PID once init has printed
# END_MARKER, or when one test has run for MINIVM_RIG_TEST_TIMEOUT (600)
# seconds, or the guest panicked, or after LIMIT seconds. Returns 0 when the
# end marker came, 124 on a timeout, 1 otherwise.
watch_emulator() {
	local pid=$1 console=$2 report=$3 limit=$4 start status=1 tailpids=''
	local t_first='' t_init='' mark last_mark='' t_mark='' f
	local test_limit=${MINIVM_RIG_TEST_TIMEOUT:-600}
	start=$(now)
	if [ "${MINIVM_RIG_QUIET:-0}" != 1 ]; then
		# One tail a port, each line written whole (sed -u), so the two
		# mix by lines. tail ends by itself, after the last bytes, once
		# the emulator is gone.
		for f in "$console" "$report"; do
			tail -s 0.2 -n +1 -F --pid="$pid" "$f" 2>/dev/null |
				sed -u 's/\r$//' &
			tailpids="$tailpids $!"
		done
	fi
	while kill -0 "$pid" 2>/dev/null; do
		if [ -z "$t_first" ] && [ -s "$console" ]; then
			t_first=$(( $(now) - start ))
		fi
		if [ -z "$t_init" ] && grep -qF "$INIT_MARKER" "$report"; then
			t_init=$(( $(now) - start ))
		fi
		if grep -qF "$END_MARKER" "$report"; then
			status=0
			# Let an ACPI power-off end the emulator by itself; a
			# kernel without ACPI only says it halted.
			for _ in $(seq 20); do
				kill -0 "$pid" 2>/dev/null || break
				grep -qE 'reboot: (System halted|Power down)' "$console" &&
					break
				sleep 0.25
			done
			break
		fi
		if grep -qF -- "---[ end Kernel panic" "$console"; then
			rig_log "the guest kernel panicked; stopping the emulator"
			sleep 1
			break
		fi
		# A test that runs too long: stop here rather than at the limit.
		mark=$(grep -a '^=== minivm-rig: \(run\|exit\) ' "$report" |
			tail -n 1 || true)
		if [ "$mark" != "$last_mark" ]; then
			last_mark=$mark
			t_mark=$(now)
		elif [ "${mark#=== minivm-rig: run }" != "$mark" ] &&
		     [ $(( $(now) - t_mark )) -ge "$test_limit" ]; then
			rig_log "timeout: ${mark//[=$'\r']/} for more than $test_limit s; stopping the emulator"
			status=124
			break
		fi
		if [ $(( $(now) - start )) -ge "$limit" ]; then
			rig_log "timeout: no end marker after $limit s; stopping the emulator"
			status=124
			break
		fi
		sleep 1
	done
	grep -qF "$END_MARKER" "$report" && status=0
	[ -n "$t_init" ] || ! grep -qF "$INIT_MARKER" "$report" ||
		t_init=$(( $(now) - start ))
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for f in $tailpids; do
		wait "$f" 2>/dev/null || true
	done
	rig_log "timing: first console line after ${t_first:-?} s, init after ${t_init:-?} s, done after $(( $(now) - start )) s"
	return $status
}

# copy_tree DST: copy the source tree (tracked and untracked files that git
# does not ignore, so no build outputs) into DST, keeping timestamps, so a
# second kernel's build of the module shares no objects with the first.
# Unchanged files keep their objects in DST; when the list of files changed
# DST starts afresh, so no deleted file lingers there.
copy_tree() {
	local dst=$1 list
	list=$(mktemp)
	if git -C "$TOP_DIR" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$TOP_DIR" ls-files -z -c -o --exclude-standard
	else
		(cd "$TOP_DIR" && find . -path ./build -prune -o -path ./.git -prune \
			-o -type f ! -name '*.o' ! -name '*.ko' ! -name '*.cmd' \
			! -name '*.mod' ! -name '*.mod.c' -print0)
	fi | grep -zv '^\(\./\)\?build/' | LC_ALL=C sort -z >"$list"
	cmp -s "$list" "$dst.files" || rm -rf "$dst"
	mkdir -p "$dst"
	tar -C "$TOP_DIR" --null -T "$list" -cf - | tar -C "$dst" -xf -
	mv "$list" "$dst.files"
}

# select_kernel stock|stock612|minimal|debug: set KERNEL_NAME, KERNEL_IMAGE (the bzImage to
# boot), KERNEL_MODROOT (its /lib/modules/<release> tree) and KERNEL_KDIR
# (the build tree to build minivm.ko against).
# shellcheck disable=SC2034 # for the scripts that source this file
select_kernel() {
	case $1 in
	stock)
		local v
		v=$(stock_kernel_version) ||
			rig_die "no Debian 6.1 kernel with matching headers (run scripts/install-deps.sh)"
		KERNEL_NAME=$v
		KERNEL_IMAGE=/boot/vmlinuz-$v
		KERNEL_MODROOT=/lib/modules/$v
		KERNEL_KDIR=/usr/src/linux-headers-$v
		;;
	stock612)
		local v
		v=$(stock612_kernel_version) ||
			rig_die "no Debian 6.12 kernel with matching headers (run scripts/install-deps.sh)"
		KERNEL_NAME=$v
		KERNEL_IMAGE=/boot/vmlinuz-$v
		KERNEL_MODROOT=/lib/modules/$v
		KERNEL_KDIR=/usr/src/linux-headers-$v
		;;
	minimal|debug)
		local d
		if [ "$1" = debug ]; then
			d=$("$RIG_DIR/kernel-minimal.sh" --debug) || rig_die "no debug kernel"
		else
			d=$("$RIG_DIR/kernel-minimal.sh") || rig_die "no minimal kernel"
		fi
		KERNEL_NAME=$(cat "$d/release")
		KERNEL_IMAGE=$d/bzImage
		KERNEL_MODROOT=$d/modroot/lib/modules/$KERNEL_NAME
		KERNEL_KDIR=$d/build
		;;
	*) rig_die "unknown kernel '$1' (stock, stock612, minimal or debug)" ;;
	esac
}
