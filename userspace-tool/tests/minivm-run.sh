#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# minivm-run end to end, on the real module: run inside a machine with VMX
# (the emulated one of selftests/rig) with minivm.ko loaded. Prints
# kselftest-style TAP; exits 1 if any test failed.
#
# Paths: $MINIVM_RUN and $MINIVM_GUESTS if set, else the layout that
# "make -C userspace-tool install DESTDIR=/minivm" gives, found from this
# script's own place (/minivm/tests/ -> /minivm/bin, /minivm/guests).
# Written for busybox sh.

here=$(cd "$(dirname "$0")" && pwd)
RUN=${MINIVM_RUN:-$here/../bin/minivm-run}
GUESTS=${MINIVM_GUESTS:-$here/../guests}
T=${TMPDIR:-/tmp}/minivm-run-test.$$
mkdir -p "$T" || exit 1
trap 'rm -rf "$T"' EXIT

n=0
failed=0
why=

# A guest that never ends should fail its own test, not stall the rest.
LIMIT=${MINIVM_RUN_LIMIT:-20}
if command -v timeout >/dev/null 2>&1; then
	limit="timeout -s KILL $LIMIT"
else
	limit=
fi

# run ARG...: run minivm-run; $st, $T/out and $T/err hold what it did.
# stdin is /dev/null: no guest here reads input, and a kernel would put a
# terminal on stdin (the rig's console) in raw mode, which a SIGKILL from
# $limit would leave behind.
run() {
	$limit "$RUN" "$@" </dev/null >"$T/out" 2>"$T/err"
	st=$?
	[ "$st" = 137 ] && why="$why killed after ${LIMIT} s;"
}

# run_input TEXT ARG...: run, with TEXT (printf %b escapes) on stdin.
run_input() {
	printf '%b' "$1" >"$T/in"
	shift
	$limit "$RUN" "$@" <"$T/in" >"$T/out" 2>"$T/err"
	st=$?
	[ "$st" = 137 ] && why="$why killed after ${LIMIT} s;"
}

# Each expect_* appends to $why what did not match; nothing if all did.
expect_status() {
	[ "$st" = "$1" ] || why="$why exit status $st, expected $1;"
}

# expect_out TEXT: stdout is exactly TEXT (printf %b escapes, so "\n").
expect_out() {
	printf '%b' "$1" >"$T/want"
	cmp -s "$T/want" "$T/out" || why="$why unexpected stdout;"
}

expect_no_err() {
	[ -s "$T/err" ] && why="$why unexpected stderr;"
}

# expect_err_line TEXT: stderr is one "minivm-run: " line containing TEXT.
expect_err_line() {
	[ "$(wc -l <"$T/err")" -eq 1 ] || why="$why stderr is not one line;"
	grep -q '^minivm-run: ' "$T/err" || why="$why stderr lacks the prefix;"
	grep -qF -- "$1" "$T/err" || why="$why stderr lacks \"$1\";"
}

expect_err_has() {
	grep -qF -- "$1" "$T/err" || why="$why stderr lacks \"$1\";"
}

# result NAME: one TAP line from $why, with the evidence on failure.
result() {
	n=$((n + 1))
	if [ -z "$why" ]; then
		echo "ok $n $1"
	else
		failed=$((failed + 1))
		echo "# $1:$why"
		sed -n '1,20s/^/# stdout: /p' "$T/out"
		sed -n '1,20s/^/# stderr: /p' "$T/err"
		echo "not ok $n $1"
	fi
	why=
}

GREETING='Hello from a minivm guest!\n'

t_hello() {
	run "$GUESTS/hello.bin"
	expect_status 0
	expect_out "$GREETING"
	expect_no_err
	result "hello prints its greeting on COM1 and halts (status 0)"
}

t_hello_min_mem() {
	# 128K: the load segment's 64K is all the guest has, stack included.
	run -m 128K "$GUESTS/hello.bin"
	expect_status 0
	expect_out "$GREETING"
	expect_no_err
	result "hello runs in the smallest memory (-m 128K)"
}

t_hello_big_mem() {
	run -m 1G "$GUESTS/hello.bin"
	expect_status 0
	expect_out "$GREETING"
	expect_no_err
	result "hello runs with -m 1G"
}

t_verbose() {
	run -v "$GUESTS/hello.bin"
	expect_status 0
	expect_out "$GREETING"
	expect_err_has "minivm-run: exit IO in port 0x03fd size 1 data 0x60"
	expect_err_has "minivm-run: exit IO out port 0x03f8 size 1 data 0x48"
	expect_err_has "minivm-run: exit HLT"
	result "-v traces the exits on stderr"
}

# expect_err_re RE: some stderr line matches the extended regex RE.
expect_err_re() {
	grep -qE -- "$1" "$T/err" || why="$why stderr has no line matching '$1';"
}

# Every stderr line is one of --stats's: "minivm-run: stats SCOPE NAME
# VALUE [UNIT]", NAME[LOW,HIGH) for a histogram's bucket.
expect_only_stats_lines() {
	if grep -vqE '^minivm-run: stats (vm|vcpu[0-9]+) [a-z0-9_]+(\[[0-9]+,([0-9]+|inf)\)|\[[0-9]+\])? [1-9][0-9]*( [^ ]+)*$' "$T/err"; then
		why="$why stderr has lines that are not statistics;"
	fi
}

# hello.bin polls LSR before each of its 27 bytes: 54 port I/O exits.
t_stats() {
	run --stats "$GUESTS/hello.bin"
	expect_status 0
	expect_out "$GREETING"
	expect_only_stats_lines
	expect_err_re '^minivm-run: stats vcpu0 io_exits 54$'
	expect_err_re '^minivm-run: stats vcpu0 vmexit_io_instruction 54$'
	expect_err_re '^minivm-run: stats vcpu0 hlt_exits 1$'
	expect_err_re '^minivm-run: stats vcpu0 userspace_exits 55$'
	expect_err_re '^minivm-run: stats vcpu0 exits [0-9]+$'
	expect_err_re '^minivm-run: stats vcpu0 vmexit_ept_violation [1-9][0-9]*$'
	expect_err_re '^minivm-run: stats vm vcpus 1$'
	expect_err_re '^minivm-run: stats vm memslots 1$'
	expect_err_re '^minivm-run: stats vm pages_mapped [1-9][0-9]*$'
	expect_err_re '^minivm-run: stats vm mmu_table_pages [1-9][0-9]*$'
	# a zero is never printed: this guest sends no interrupt, nor dies
	grep -qE ' (irq_injections|dead|mmio_exits) ' "$T/err" &&
		why="$why a zero statistic printed;"
	cp "$T/err" "$T/stats-minivm"
	run --stats "$GUESTS/debug-exit.bin"
	expect_status 85
	expect_only_stats_lines
	expect_err_re '^minivm-run: stats vcpu0 io_exits 1$'
	result "--stats: the VM's and vCPU's statistics on stderr, named by the module"
	sed -n 's/^/# /p' "$T/stats-minivm"
}

# The same guest on kvm_intel, through KVM_GET_STATS_FD: KVM's names.
t_stats_kvm() {
	if [ ! -c /dev/kvm ]; then
		n=$((n + 1))
		echo "ok $n --stats --accel kvm # SKIP no /dev/kvm"
		return
	fi
	run --accel kvm --stats "$GUESTS/hello.bin"
	expect_status 0
	expect_out "$GREETING"
	expect_only_stats_lines
	expect_err_re '^minivm-run: stats vcpu0 io_exits 54$'
	expect_err_re '^minivm-run: stats vcpu0 halt_exits 1$'
	expect_err_re '^minivm-run: stats vcpu0 exits [1-9][0-9]*$'
	expect_err_re '^minivm-run: stats vm [a-z0-9_]+ [1-9][0-9]*'
	result "--stats --accel kvm: KVM's statistics through the same reader"
	sed -n 's/^/# /p' "$T/err"
}

t_debug_exit() {
	run "$GUESTS/debug-exit.bin"
	expect_status 85
	expect_out ""
	expect_no_err
	result "debug-exit value 42 gives status (42 << 1) | 1 = 85"
}

t_io_check() {
	run "$GUESTS/io-check.bin"
	# The guest reports check N as status (N << 1) | 1, below 64.
	if [ "$st" -lt 64 ] && [ $((st & 1)) = 1 ]; then
		why=" check $(((st - 1) / 2)) of guests/io-check.S failed;"
	fi
	expect_status 0
	expect_out ""
	expect_no_err
	result "port I/O from the guest: UART registers, unclaimed ports, wide accesses"
}

t_triple_fault() {
	run "$GUESTS/triple-fault.bin"
	expect_status 70
	expect_out ""
	expect_err_line "triple fault (SHUTDOWN)"
	result "a triple fault gives status 70 and one stderr line"
}

t_string_io() {
	run "$GUESTS/outs.bin"
	expect_status 0
	expect_out "a string of bytes from one REP OUTSB\n"
	expect_no_err
	result "REP OUTSB to COM1: every byte of the string reaches stdout"
}

t_emulation_error() {
	run -m 128K "$GUESTS/emul-error.bin"
	expect_status 70
	expect_err_line "instruction emulation failed"
	result "an instruction the module cannot emulate gives status 70 and one stderr line"
}

t_image_fits() {
	# 64K + 1 bytes: fits from 0x10000 in 132K, not in 128K.
	run -m 132K "$GUESTS/big.bin"
	expect_status 0
	expect_no_err
	result "an image that fits guest memory runs (-m 132K, 64K + 1 bytes)"
}

t_image_too_big() {
	run -m 128K "$GUESTS/big.bin"
	expect_status 65
	expect_out ""
	expect_err_line "65537 bytes, but only 65536 fit"
	result "an image larger than guest memory gives 65 and one stderr line"
}

t_empty_image() {
	: >"$T/empty.bin"
	run "$T/empty.bin"
	expect_status 65
	expect_err_line "is empty"
	result "an empty image gives 65 and one stderr line"
}

t_missing_file() {
	run "$GUESTS/no-such-guest.bin"
	expect_status 66
	expect_out ""
	expect_err_line "No such file or directory"
	result "a missing file gives 66 and one stderr line"
}

t_unreadable_file() {
	run "$GUESTS"
	expect_status 66
	expect_err_line "Is a directory"
	result "an unreadable file (a directory) gives 66 and one stderr line"
}

t_bad_size() {
	for size in 12X 0 64K 65G 131073 -1 ""; do
		run -m "$size" "$GUESTS/hello.bin"
		expect_status 64
		expect_out ""
		expect_err_line "invalid memory size '$size'"
	done
	result "malformed or out-of-range -m values give 64 and one stderr line"
}

t_usage() {
	run
	expect_status 64
	expect_err_line "missing FLAT_BINARY"
	run "$GUESTS/hello.bin" "$GUESTS/hello.bin"
	expect_status 64
	expect_err_line "unexpected argument"
	run --no-such-option "$GUESTS/hello.bin"
	expect_status 64
	expect_err_line "unknown option"
	result "usage errors give 64 and one stderr line"
}

t_help() {
	run --help
	expect_status 0
	grep -q '^Usage: minivm-run' "$T/out" || why="$why no usage on stdout;"
	expect_no_err
	result "--help prints usage on stdout and exits 0"
}

t_version() {
	run --version
	expect_status 0
	grep -q '^minivm-run .* (minivm API version 1)$' "$T/out" || why="$why bad version line;"
	expect_no_err
	result "--version prints the version and API version and exits 0"
}

# The Multiboot test kernel (guests/multiboot/hello.c) reports on COM1 and
# ends with debug-exit value 0, status 1; value N (status 2N+1) names the
# check that failed (1: bad EAX magic, 2: no memory info, 3: no cmdline).
MB_GREETING='Hello from a Multiboot guest!\n'

t_multiboot() {
	# 64M: mem_upper is the RAM from 1 MiB up, 63 MiB = 64512 KiB.
	run -m 64M --kernel "$GUESTS/multiboot-hello.elf" --append "hello multiboot"
	expect_status 1
	expect_out "${MB_GREETING}mem_upper: 64512 KiB\ncmdline: hello multiboot\n"
	expect_no_err
	result "--kernel boots a Multiboot ELF: greeting, mem_upper and cmdline on COM1"
}

t_multiboot_initrd() {
	printf 'an initramfs\n' >"$T/initrd"
	run --kernel "$GUESTS/multiboot-hello.elf" --initrd "$T/initrd"
	expect_status 1
	expect_out "${MB_GREETING}mem_upper: 261120 KiB\ncmdline: \nmodule: 13 bytes\n"
	expect_no_err
	result "--initrd becomes the Multiboot module; -m defaults to 256M with --kernel"
}

# What a kernel gets, with the test kernel's command-line words
# (guests/multiboot/hello.c): the PIT's IRQ 0 through the in-kernel I/O APIC
# from the I/O thread's timer, COM1's IRQ 4 for bytes from stdin, the
# i8042's reset (status 2), and HLT with interrupts off (status 0).
t_kernel_timer() {
	run --kernel "$GUESTS/multiboot-hello.elf" --append "timer"
	expect_status 1
	expect_out "${MB_GREETING}mem_upper: 261120 KiB\ncmdline: timer\ntimer: 10 ticks\n"
	expect_no_err
	result "--kernel: PIT IRQ 0 through the I/O APIC wakes a HLT, 10 ticks at 100 Hz"
}

t_kernel_echo() {
	run_input 'hello from stdin\n' --kernel "$GUESTS/multiboot-hello.elf" --append "echo"
	expect_status 1
	expect_out "${MB_GREETING}mem_upper: 261120 KiB\ncmdline: echo\necho: hello from stdin\n"
	expect_no_err
	result "--kernel: stdin reaches COM1 with its receive interrupt (IRQ 4)"
}

t_kernel_reboot_halt() {
	run --kernel "$GUESTS/multiboot-hello.elf" --append "reboot"
	expect_status 2
	expect_out "${MB_GREETING}mem_upper: 261120 KiB\ncmdline: reboot\n"
	expect_no_err
	run --kernel "$GUESTS/multiboot-hello.elf" --append "halt"
	expect_status 0
	expect_out "${MB_GREETING}mem_upper: 261120 KiB\ncmdline: halt\n"
	expect_no_err
	result "--kernel: i8042 reset ends the run with 2, cli; hlt with 0"
}

t_kernel_errors() {
	run --kernel "$GUESTS/hello.bin"
	expect_status 65
	expect_out ""
	expect_err_line "neither a Linux bzImage"
	run --kernel "$GUESTS/no-such-kernel"
	expect_status 66
	expect_err_line "No such file or directory"
	run --kernel "$GUESTS/multiboot-hello.elf" --initrd "$GUESTS/no-such-initrd"
	expect_status 66
	expect_err_line "cannot read initrd"
	run -m 1M --kernel "$GUESTS/multiboot-hello.elf"
	expect_status 65
	expect_err_line "not enough guest memory"
	result "--kernel errors: not a kernel 65, missing files 66, too little memory 65"
}

t_sigterm() {
	"$RUN" -v "$GUESTS/spin.bin" >"$T/out" 2>"$T/err" &
	pid=$!
	# Signal only once the handlers are in and the vCPU is spinning.
	i=0
	while kill -0 $pid 2>/dev/null &&
	      ! grep -q 'running the guest' "$T/err" && [ $i -lt 60 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	sleep 1
	kill -TERM $pid 2>/dev/null
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 60 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	if kill -0 $pid 2>/dev/null; then
		why="$why still running 30 s after SIGTERM;"
		kill -KILL $pid 2>/dev/null
	fi
	wait $pid
	st=$?
	expect_status 143
	expect_err_has "stopped by signal 15"
	result "SIGTERM stops a guest spinning in RUN (killed by SIGTERM)"
}

TESTS="t_hello t_hello_min_mem t_hello_big_mem t_verbose t_debug_exit
t_io_check t_triple_fault t_string_io t_emulation_error t_image_fits t_image_too_big
t_empty_image t_missing_file t_unreadable_file t_bad_size t_usage t_help
t_version t_multiboot t_multiboot_initrd t_kernel_timer t_kernel_echo
t_kernel_reboot_halt t_kernel_errors t_sigterm t_stats t_stats_kvm"

echo "TAP version 13"
echo "# minivm-run: $RUN, guests: $GUESTS"
# shellcheck disable=SC2086 # one word per test
set -- $TESTS
echo "1..$#"
for t in $TESTS; do
	$t
done
echo "# Totals: pass:$((n - failed)) fail:$failed xfail:0 xpass:0 skip:0 error:0"
[ "$failed" -eq 0 ]
