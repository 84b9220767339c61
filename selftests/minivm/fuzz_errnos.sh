#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz_errnos.sh [FUZZ_TEST.C [API.RST [MINIVM.H]]]: host-side check that
# fuzz_test's errno tables and Documentation/api.rst say the same (make
# unit runs it; no VMX needed). TAP, ending "N passed, N failed":
#   - each IOCTL(NAME, FDS, FLAGS, ERRNO...) line of fuzz_test.c: every
#     ERRNO appears in NAME's part of api.rst, which is the section whose
#     title names it ("6.8 MINIVM_GET_REGS, MINIVM_SET_REGS"), or else
#     the definition-list item that starts with ``NAME`` (section 6.10,
#     6.11) together with the text of its section before the first item;
#   - ERRNOS_EVERY_IOCTL and ERRNOS_NEW_FD appear in section 5's
#     "Errors every ioctl can return";
#   - every ioctl that uapi/linux/minivm.h defines has an IOCTL() line,
#     and every IOCTL() line names one of them.
# So an errno the fuzzer accepts is one the documentation promises, and
# an ioctl added to the API without a table line fails here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
src=${1:-$here/fuzz_test.c}
api=${2:-$top/Documentation/api.rst}
hdr=${3:-$top/uapi/linux/minivm.h}

n=0 passed=0 failed=0
ok() { n=$((n + 1)) passed=$((passed + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)) failed=$((failed + 1)); echo "not ok $n $*"; }

echo "TAP version 13"
for f in "$src" "$api" "$hdr"; do
	[ -r "$f" ] || { echo "Bail out! cannot read $f"; exit 1; }
done

# section NAME: NAME's part of api.rst (see above), or nothing.
section() {
	awk -v name="$1" '
	function heading(i) {
		return i < nl && line[i] != "" && line[i + 1] ~ /^[-=]+$/ &&
		       length(line[i + 1]) >= length(line[i])
	}
	function names(s) {
		return s ~ ("(^|[^A-Z0-9_])" name "([^A-Z0-9_]|$)")
	}
	{ line[NR] = $0 }
	END {
		nl = NR
		for (i = 1; i <= nl; i++) {
			if (!heading(i) || !names(line[i]))
				continue
			for (j = i; j <= nl && (j == i || !heading(j)); j++)
				print line[j]
			exit
		}
		for (i = 1; i <= nl; i++) {
			# a term: in column 0, its definition indented below it
			if (line[i] !~ /^``MINIVM_/ || line[i + 1] !~ /^[ \t]+[^ \t]/ ||
			    index(line[i], "``" name "``") == 0)
				continue
			# the item: up to the next line that starts in column 0
			for (j = i; j <= nl && (j == i || line[j] == "" || line[j] ~ /^[ \t]/); j++)
				print line[j]
			# its section, up to the first item
			for (h = i; h > 0 && !heading(h); h--)
				;
			for (j = h; j < i && line[j] !~ /^``MINIVM_/; j++)
				print line[j]
			exit
		}
	}' "$api"
}

# missing TEXT ERRNO...: the ERRNOs that TEXT does not mention.
missing() {
	local text=$1 e out=
	shift
	for e in "$@"; do
		grep -qw -- "$e" <<<"$text" || out="$out $e"
	done
	echo "${out# }"
}

# The per-ioctl tables, an IOCTL() line continued on the next ones joined.
table=$(awk '/^[[:space:]]*IOCTL\(MINIVM_/ { cur = $0 }
	cur != "" && cur != $0 { cur = cur " " $0 }
	cur != "" && /\),[[:space:]]*$/ { print cur; cur = "" }' "$src" |
	sed -n 's/^[[:space:]]*IOCTL(\(MINIVM_[A-Z0-9_]*\),[^,]*,[^,]*,\(.*\)),[[:space:]]*$/\1 \2/p' |
	tr -d ',')
if [ -z "$table" ]; then
	not_ok "no IOCTL() lines in $src"
else
	while read -r name errs; do
		# shellcheck disable=SC2086 # a list of words
		set -- $errs
		list=()
		for e in "$@"; do [ "$e" = 0 ] || list+=("$e"); done
		text=$(section "$name")
		title=$(head -n 1 <<<"$text")
		if [ -z "$text" ]; then
			not_ok "$name: no section of api.rst names it"
			continue
		fi
		if [ ${#list[@]} = 0 ]; then
			ok "$name: no errnos of its own (api.rst: $title)"
			continue
		fi
		miss=$(missing "$text" "${list[@]}")
		if [ -z "$miss" ]; then
			ok "$name: ${list[*]} (api.rst: $title)"
		else
			not_ok "$name: $miss allowed by fuzz_test.c but not in its part of api.rst ($title)"
		fi
	done <<<"$table"
fi

# The errnos of every ioctl: section 5's table and the paragraph after it.
common=$(awk '/^Errors every ioctl can return$/ { on = 1 }
	on && /^Other system calls on minivm file descriptors$/ { exit }
	on' "$api")
for def in ERRNOS_EVERY_IOCTL ERRNOS_NEW_FD; do
	errs=$(sed -n "s/^#define[[:space:]]*${def}[[:space:]]*//p" "$src" | tr -d ',')
	if [ -z "$errs" ]; then
		not_ok "$def: not defined in $src"
		continue
	fi
	# shellcheck disable=SC2086
	miss=$(missing "$common" $errs)
	if [ -z "$miss" ]; then
		ok "$def: $errs (api.rst 5, Errors every ioctl can return)"
	else
		not_ok "$def: $miss not in api.rst 5, Errors every ioctl can return"
	fi
done

# Every ioctl of the API in the table, and nothing else.
defined=$(sed -n 's/^#define[[:space:]]*\(MINIVM_[A-Z0-9_]*\)[[:space:]]*_IO[RW]*(.*/\1/p' "$hdr" | sort)
listed=$(awk '{ print $1 }' <<<"$table" | sort)
absent=$(comm -23 <(echo "$defined") <(echo "$listed") | tr '\n' ' ')
extra=$(comm -13 <(echo "$defined") <(echo "$listed") | tr '\n' ' ')
if [ -z "$absent" ]; then
	ok "every ioctl of minivm.h ($(wc -w <<<"$defined")) has a line in fuzz_test.c's table"
else
	not_ok "ioctls of minivm.h without a line in fuzz_test.c's table: $absent"
fi
if [ -z "$extra" ]; then
	ok "every line of fuzz_test.c's table names an ioctl of minivm.h"
else
	not_ok "lines of fuzz_test.c's table for no ioctl of minivm.h: $extra"
fi

echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
