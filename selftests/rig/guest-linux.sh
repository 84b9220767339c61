#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the VMX guest (tier linux): minivm-run boots the very bzImage this
# machine runs (/minivm/linux/bzImage) with a small busybox initramfs whose
# init (linux/init) reports what the nested kernel sees and powers off,
# first on minivm, then the same with --accel kvm on kvm_intel, and the two
# are compared. TAP; each run's console is kept in /tmp/l2-<accel>.log and
# its key lines are echoed as comments.
L=/minivm/linux
APPEND="console=ttyS0 panic=-1 reboot=k"
MEM=256M
LIMIT=${MINIVM_L2_TIMEOUT:-1500}

n=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
	fi
}

# value KEY LOG: the "KEY: value" line the nested init printed
value() {
	tr -d '\r' <"$2" | sed -n "s/^$1: //p" | head -n1
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# boot ACCEL: run minivm-run, leave its status in $st and times in $secs
boot() {
	log=/tmp/l2-$1.log
	t0=$(uptime_s)
	timeout -s KILL "$LIMIT" minivm-run --accel "$1" -m "$MEM" \
		--kernel "$L/bzImage" --initrd "$L/initrd.img" --append "$APPEND" \
		</dev/null >"$log" 2>"/tmp/l2-$1.err"
	st=$?
	t1=$(uptime_s)
	secs=$(awk "BEGIN { print $t1 - $t0 }")
	echo "# $1: minivm-run exited $st after $secs s (this machine's time)"
	sed 's/^/# stderr: /' "/tmp/l2-$1.err"
	tr -d '\r' <"$log" | grep -E '^(=== l2|uptime-at-init|uname|cpus|model|flag-[a-z_]*|clocksource|date-advance|uptime-advance|rtc-advance|file|dmesg-trouble|trouble-line|warning-word-line|timer-irqs|serial-irqs|clock-line):? ' |
		sed "s/^/# $1: /"
}

# check ACCEL: the nested guest's own report, as TAP lines
check() {
	log=/tmp/l2-$1.log
	ok "$st" "$1: minivm-run --kernel boots the bzImage and ends with status 0 at power-off"
	if ! grep -q '^=== l2: init ===' "$log"; then
		echo "# $1: the nested console's last lines:"
		tr -d '\r' <"$log" | tail -n 60 | sed "s/^/# $1 console: /"
		false
	fi
	ok $? "$1: the nested kernel reaches its init"
	grep -q '^=== l2: done ===' "$log"
	ok $? "$1: the nested init runs to its end"
	[ "$(value date-advance "$log")" -ge 1 ] 2>/dev/null
	ok $? "$1: the nested clock advances over a sleep (date)"
	# An 8 s sleep by the guest's clock is 8 s of the host's, read from
	# the RTC (whole seconds: 7 to 9).
	r=$(value rtc-advance "$log")
	[ -n "$r" ] && [ "$r" -ge 7 ] && [ "$r" -le 9 ]
	ok $? "$1: the nested clock keeps the host's time (8 s slept, RTC advanced ${r:-?} s)"
	[ "$(value timer-irqs "$log")" -gt 0 ] 2>/dev/null
	ok $? "$1: local APIC timer interrupts (/proc/interrupts LOC)"
	[ "$(value file "$log")" = "a file written and read back" ]
	ok $? "$1: a file written and read back"
	[ "$(value dmesg-trouble "$log")" = 0 ]
	ok $? "$1: the nested kernel's log has no oops, BUG, WARNING splat, call trace, lockup or panic"
}

echo "TAP version 13"
echo "1..17"
/rig/insmod-once /minivm/minivm.ko >/dev/null 2>&1
boot minivm
mv_secs=$secs
check minivm
boot kvm
kvm_secs=$secs
check kvm

# Both guests see the same kernel, CPU model and count, the same devices.
same=0
for k in uname cpus flag-hypervisor flag-apic; do
	a=$(value "$k" /tmp/l2-minivm.log) b=$(value "$k" /tmp/l2-kvm.log)
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		echo "# $k differs: minivm '$a', kvm '$b'"
		same=1
	fi
done
ok $same "minivm and kvm: the nested guest sees the same kernel, CPU count, hypervisor and APIC flags"
mi=$(value uptime-at-init /tmp/l2-minivm.log)
ki=$(value uptime-at-init /tmp/l2-kvm.log)
echo "# boot to init, nested guest time: minivm $mi s, kvm $ki s; whole run, this machine's time: minivm $mv_secs s, kvm $kvm_secs s"
[ -n "$mi" ] && [ -n "$ki" ] &&
	echo "# ratio minivm/kvm: to init (guest time) $(awk "BEGIN { printf \"%.2f\", $mi / $ki }"), whole run $(awk "BEGIN { printf \"%.2f\", $mv_secs / $kvm_secs }")"
tr -d '\r' </tmp/l2-minivm.log | sed -n '/^=== l2: interrupts/,/^=== l2: checks/p' | sed 's/^/# minivm interrupts: /'
