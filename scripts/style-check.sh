#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# style-check.sh [--record-known]: the style gates (`make style`; `make
# check` runs them through selftests/rig/check.sh). TAP, one test per gate
# and area, ending "N passed, N failed"; every finding that fails a test
# is printed as "TOOL: FILE:LINE: MESSAGE".
#   checkpatch  the kernel's checkpatch.pl --strict --no-tree -f (from
#               Debian's linux-source-6.1, extracted once into
#               build/style/checkpatch/; CHECKPATCH=/path/checkpatch.pl
#               overrides) on every C, header and assembly file, by area:
#               module/ (kernel code), uapi/, userspace-tool/, selftests/,
#               module/x86/tests/. Userspace areas ignore what assumes
#               the kernel's headers (u8..., BIT(), __used, __printf);
#               every area ignores LONG_LINE_STRING (coding-style: never
#               break user-visible strings), uapi/ BIT_MACRO (BIT() is not
#               uapi; checkpatch exempts include/uapi/ itself).
#   kernel-doc  the kernel's scripts/kernel-doc -none -Werror (from the
#               same source, extracted once into build/style/kernel-doc/;
#               KERNEL_DOC=/path/kernel-doc overrides) on the uapi header:
#               it must print nothing. And what 6.1's kernel-doc does not
#               check: every struct minivm_* has a kernel-doc comment right
#               above it that names it, every member of a nested struct or
#               union is described there (@io.port:), and every @member:
#               described there exists.
#   sparse      a C=2 build of minivm.ko against the 6.1 headers
#               (MINIVM_STYLE_KDIR overrides), in a copy of the tree
#   gcc, clang  userspace-tool, selftests/minivm and module/x86/tests built
#               with -Wall -Wextra -Werror by each (MINIVM_STYLE_COMPILERS,
#               default "gcc clang", empty: none); any warning fails, link
#               ones too
#   shell       shellcheck on every shell script of the tree (default severity)
#   sphinx      sphinx-build -W --keep-going -b html of Documentation/ (plain
#               Sphinx, Documentation/conf.py) into build/style/sphinx/,
#               from scratch; every warning is a finding, and a missing
#               sphinx-build fails the gate (make deps installs it)
# scripts/style-exceptions lists accepted findings (false positives and
# deliberate deviations, each with its reason). scripts/style-known-module
# lists findings in module/ that are known and still to be fixed (module/
# is being edited elsewhere): they do not fail the gate, new ones do.
# MINIVM_STYLE_STRICT=1 ignores that list; --record-known rewrites it
# from the current findings. Work files are under build/style/.
set -eu
set -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/style
jobs=${MINIVM_JOBS:-2}
strict=${MINIVM_STYLE_STRICT:-0}
compilers=${MINIVM_STYLE_COMPILERS-gcc clang}
exceptions_file=$top/scripts/style-exceptions
known_file=$top/scripts/style-known-module
tarball=${MINIVM_STYLE_KERNEL_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
record=0
case ${1:-} in
--record-known) record=1 ;;
'') ;;
*) echo "usage: style-check.sh [--record-known]" >&2; exit 2 ;;
esac

mkdir -p "$out"

n=0 passed=0 failed=0
finished=0
on_exit() {
	local rc=$?
	if [ "$finished" != 1 ]; then
		echo "not ok $((n + 1)) style-check.sh stopped early (status $rc)"
		echo "$passed passed, $((failed + 1)) failed"
	fi
}
trap on_exit EXIT

# --- findings, exceptions, known findings ------------------------------------

# Patterns of accepted findings.
exceptions=()
while IFS= read -r line; do
	case $line in '' | '#'*) continue ;; esac
	exceptions+=("$line")
done <"$exceptions_file"

# Known module/ findings: key ("TOOL: FILE: MESSAGE", no line) -> count.
declare -A known=()
if [ "$strict" != 1 ] && [ -f "$known_file" ]; then
	while IFS= read -r line; do
		case $line in '' | '#'*) continue ;; esac
		k=$(sed -E 's/^([^:]+: [^:]+):[0-9]+: /\1: /' <<<"$line")
		known[$k]=$((${known[$k]:-0} + 1))
	done <"$known_file"
fi
recorded=()	# module/ findings not excepted, for --record-known

# classify FINDING...: each "TOOL: FILE:LINE: MESSAGE"; sets new[] (fail
# the test) and old[] (known, listed as notes).
classify() {
	local f tool file line msg key code pat ok
	new=() old=()
	for f in "$@"; do
		[[ $f =~ ^([^:]+):\ ([^:]+):([0-9]+):\ (.*)$ ]] || { new+=("$f"); continue; }
		tool=${BASH_REMATCH[1]} file=${BASH_REMATCH[2]}
		line=${BASH_REMATCH[3]} msg=${BASH_REMATCH[4]}
		key="$tool: $file: $msg"
		code=$(sed -n "${line}{s/^[[:space:]]*//;p;q}" "$top/$file" 2>/dev/null || true)
		ok=0
		for pat in "${exceptions[@]}"; do
			if [[ $pat == *' | '* ]]; then
				# shellcheck disable=SC2053 # the pattern is a glob
				[[ "$key | $code" == $pat ]] && { ok=1; break; }
			else
				# shellcheck disable=SC2053
				[[ $key == $pat ]] && { ok=1; break; }
			fi
		done
		[ "$ok" = 0 ] || continue
		case $file in
		module/*)
			recorded+=("$f")
			if [ "${known[$key]:-0}" -gt 0 ]; then
				known[$key]=$((known[$key] - 1))
				old+=("$f")
				continue
			fi
			;;
		esac
		new+=("$f")
	done
}

# report NAME FINDING...: one TAP line for one gate and area.
report() {
	local name=$1 f
	shift
	classify "$@"
	n=$((n + 1))
	if [ ${#new[@]} = 0 ]; then
		passed=$((passed + 1))
		if [ ${#old[@]} = 0 ]; then
			echo "ok $n $name"
		else
			echo "ok $n $name (${#old[@]} known findings to fix, scripts/style-known-module)"
			for f in "${old[@]}"; do echo "#   known: $f"; done
		fi
	else
		failed=$((failed + 1))
		echo "not ok $n $name: ${#new[@]} findings"
		for f in "${new[@]}"; do echo "#   $f"; done
		[ ${#old[@]} = 0 ] || echo "#   (and ${#old[@]} known ones, scripts/style-known-module)"
	fi
}

# broken NAME WHY...: a gate that could not run.
broken() {
	local name=$1 l
	shift
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n $name"
	for l in "$@"; do echo "#   $l"; done
}

# The tree's files: tracked and untracked that git does not ignore.
tree_files() {
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$top" ls-files -c -o --exclude-standard
	else
		(cd "$top" && find . -path ./build -prune -o -path ./.git -prune \
			-o -type f -print | sed 's|^\./||')
	fi | grep -v '^build/' | LC_ALL=C sort
}

copy_tree() {
	rm -rf "$1"
	mkdir -p "$1"
	tree_files | (cd "$top" && tar -T - -cf -) | tar -C "$1" -xf -
}

echo "TAP version 13"
files=$(tree_files)

# from_tarball DIR FILE...: the kernel source's scripts/FILE... extracted
# into DIR, once per tarball (DIR/SOURCE names the one they came from).
from_tarball() {
	local dir=$1 f members=()
	shift
	[ -r "$tarball" ] || return 0
	if cmp -s <(echo "$tarball $(stat -c %Y "$tarball")") "$dir/SOURCE" 2>/dev/null; then
		return 0
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	for f in "$@"; do members+=("*/scripts/$f"); done
	tar -xf "$tarball" -C "$dir" --strip-components=2 --wildcards "${members[@]}"
	echo "$tarball $(stat -c %Y "$tarball")" >"$dir/SOURCE"
}

# --- checkpatch --------------------------------------------------------------
checkpatch=${CHECKPATCH:-$out/checkpatch/checkpatch.pl}
# checkpatch.pl reads spelling.txt and const_structs.checkpatch from its
# own directory.
[ -n "${CHECKPATCH:-}" ] ||
	from_tarball "$out/checkpatch" checkpatch.pl spelling.txt const_structs.checkpatch

user_ignore=PREFER_KERNEL_TYPES,BIT_MACRO,PREFER_DEFINED_ATTRIBUTE_MACRO,LONG_LINE_STRING
# checkpatch AREA IGNORE FILE...: findings of one area, paths relative to
# the top. It runs in build/style/ (it drops a cache file into a git
# tree's top) on absolute paths.
run_checkpatch() {
	local area=$1 ignore=$2
	shift 2
	[ $# != 0 ] || return 0
	# checkpatch exits 1 when it finds something: that is not a failure.
	printf '%s\n' "$@" | sed "s|^|$top/|" | (cd "$out" || exit 1
		xargs -d '\n' -P "$jobs" -n 8 perl "$checkpatch" --strict --no-tree \
			--terse --show-types --no-summary --ignore "$ignore" -f \
			2>>"$out/checkpatch-$area.stderr"; true) |
		sed -n "s#^$top/\([^:]*:[0-9]*: \)\(ERROR\|WARNING\|CHECK\):#checkpatch: \1\2:#p" |
		LC_ALL=C sort -t: -k2,2 -k3,3n
}
if [ ! -r "$checkpatch" ]; then
	broken "checkpatch" "no $checkpatch and no $tarball to take it from (make deps installs linux-source-6.1)"
else
	c_files=$(grep -E '\.(c|h|S)$' <<<"$files" || true)
	for area in module uapi userspace-tool selftests module/x86/tests; do
		case $area in
		module)
			list=$(grep '^module/' <<<"$c_files" | grep -v '^module/x86/tests/' || true)
			ignore=LONG_LINE_STRING desc="module/ (kernel code)" ;;
		module/x86/tests)
			list=$(grep '^module/x86/tests/' <<<"$c_files" || true)
			ignore=$user_ignore desc="module/x86/tests/ (host unit tests)" ;;
		uapi)
			list=$(grep '^uapi/' <<<"$c_files" || true)
			ignore=BIT_MACRO,LONG_LINE_STRING desc="uapi/" ;;
		*)
			list=$(grep "^$area/" <<<"$c_files" || true)
			ignore=$user_ignore desc="$area/" ;;
		esac
		: >"$out/checkpatch-${area//\//-}.stderr"
		mapfile -t paths <<<"$list"
		[ -n "$list" ] || paths=()
		mapfile -t findings < <(run_checkpatch "${area//\//-}" "$ignore" "${paths[@]}")
		report "checkpatch --strict: $desc" "${findings[@]}"
	done
fi

# --- kernel-doc --------------------------------------------------------------
kerneldoc=${KERNEL_DOC:-$out/kernel-doc/kernel-doc}
[ -n "${KERNEL_DOC:-}" ] || from_tarball "$out/kernel-doc" kernel-doc
kdoc_files=(uapi/linux/minivm.h)

# kdoc_coverage FILE...: what kernel-doc (6.1) does not check, as findings
# "kernel-doc-coverage: FILE:LINE: MESSAGE": every "struct minivm_*"
# definition has a kernel-doc comment right above it that names it
# ("/**", then " * struct minivm_foo - ..."); every member of a nested
# struct or union is described there too (@io.port:, or @port: for an
# anonymous one); every @name: it describes is a member. Declarations are
# read one a line, as the uapi header writes them.
kdoc_coverage() {
	awk '
	function finding(line, msg) { printf "kernel-doc-coverage: %s:%d: %s\n", FILENAME, line, msg }
	function add(d, name, line) { n[d]++; m[d, n[d]] = name; ml[d, n[d]] = line }
	FNR == 1 { kdoc = 0; kend = -1; body = 0 }
	body == 0 && kdoc == 0 && /^\/\*\*[ \t]*$/ {
		kdoc = 1; kstart = FNR; title = ""; split("", doc); next
	}
	kdoc {
		if (FNR == kstart + 1 && match($0, /^ \* struct [A-Za-z0-9_]+ - /))
			title = substr($0, 11, RLENGTH - 13)
		if (match($0, /^ \* @[A-Za-z0-9_.]+:/))
			doc[substr($0, 5, RLENGTH - 5)] = FNR
		if ($0 ~ /\*\//) { kdoc = 0; kend = FNR }
		next
	}
	body == 0 && /^struct minivm_[A-Za-z0-9_]+[ \t]*\{/ {
		name = $2
		documented = (kend == FNR - 1 && title == name)
		if (!documented)
			finding(FNR, "struct " name " has no kernel-doc comment right above it (/**, then \" * struct " name " - ...\")")
		body = 1; d = 0; n[0] = 0; sline = FNR; incomment = 0
		next
	}
	body == 0 { next }
	{
		l = $0
		if (incomment) {
			if (l !~ /\*\//) next
			sub(/^.*\*\//, "", l); incomment = 0
		}
		gsub(/\/\*.*\*\//, "", l)
		if (l ~ /\/\*/) { sub(/\/\*.*$/, "", l); incomment = 1 }
	}
	l ~ /^[ \t]*(struct|union)[ \t]*\{[ \t]*$/ { d++; n[d] = 0; next }
	l ~ /^[ \t]*\}/ {
		if (d == 0) {
			body = 0
			if (!documented) next
			for (i = 1; i <= n[0]; i++) {
				seen[m[0, i]] = 1
				if (index(m[0, i], ".") && !(m[0, i] in doc))
					finding(ml[0, i], "member " m[0, i] " of struct " name " is not described (@" m[0, i] ":)")
			}
			for (k in doc)
				if (!(k in seen))
					finding(doc[k], "@" k ": struct " name " has no member " k)
			split("", seen)
			next
		}
		nm = l
		sub(/^[ \t]*\}[ \t]*/, "", nm); sub(/[ \t]*;.*$/, "", nm)
		if (nm != "") add(d - 1, nm, FNR)
		for (i = 1; i <= n[d]; i++)
			add(d - 1, (nm != "" ? nm "." : "") m[d, i], ml[d, i])
		d--
		next
	}
	l ~ /;/ {
		sub(/;.*$/, "", l)
		gsub(/\[[^]]*\]/, "", l)
		c = split(l, parts, ",")
		for (i = 1; i <= c; i++)
			if (match(parts[i], /[A-Za-z_][A-Za-z0-9_]*[ \t]*$/)) {
				v = substr(parts[i], RSTART, RLENGTH)
				sub(/[ \t]+$/, "", v)
				add(d, v, FNR)
			}
	}
	' "$@"
}

if [ ! -r "$kerneldoc" ]; then
	broken "kernel-doc" "no $kerneldoc and no $tarball to take it from (make deps installs linux-source-6.1)"
else
	log=$out/kernel-doc.log
	if (cd "$top" && perl "$kerneldoc" -none -Werror "${kdoc_files[@]}") >"$log" 2>&1; then
		rc=0
	else
		rc=$?
	fi
	# Everything it prints is a finding, but -Werror's count of them.
	findings=()
	while IFS= read -r l; do
		case $l in
		*' warnings as Errors') continue ;;
		esac
		if [[ $l =~ ^[^:\ ]+:[0-9]+:\  ]]; then
			findings+=("kernel-doc: $l")
		else
			findings+=("kernel-doc: ${kdoc_files[0]}:1: $l")
		fi
	done <"$log"
	[ "$rc" = 0 ] || [ ${#findings[@]} != 0 ] ||
		findings+=("kernel-doc: ${kdoc_files[0]}:1: exited with status $rc")
	report "kernel-doc -none -Werror: ${kdoc_files[*]}" "${findings[@]}"
fi
mapfile -t findings < <(cd "$top" && kdoc_coverage "${kdoc_files[@]}" |
	LC_ALL=C sort -t: -k2,2 -k3,3n)
report "kernel-doc comments: every struct minivm_* of ${kdoc_files[*]} and its members" "${findings[@]}"

# --- sparse ------------------------------------------------------------------
kdir=${MINIVM_STYLE_KDIR:-$("$top/scripts/find-kdir.sh" 6.1 || "$top/scripts/find-kdir.sh" || true)}
if ! command -v sparse >/dev/null 2>&1; then
	broken "sparse" "sparse is not installed (make deps)"
elif [ -z "$kdir" ]; then
	broken "sparse" "no kernel headers (make deps)"
else
	copy_tree "$out/sparse"
	log=$out/sparse.log
	if make -C "$kdir" M="$out/sparse" C=2 CHECK=sparse -j"$jobs" modules >"$log" 2>&1; then
		mapfile -t findings < <(sed -n "s#^$out/sparse/\([^:]*\):\([0-9]*\):[0-9]*: \(warning\|error\): #sparse: \1:\2: \3: #p" "$log" |
			LC_ALL=C sort -u | sed 's#^sparse: \(.*\[-W[^]]*\]\)$#gcc (sparse build): \1#')
		# Anything sparse says about files outside the tree.
		while IFS= read -r l; do
			findings+=("sparse: $l")
		done < <(grep -E '^/[^:]+:[0-9]+:[0-9]+: (warning|error): ' "$log" | grep -v "^$out/sparse/" || true)
		report "sparse (C=2) module/ against $kdir" "${findings[@]}"
	else
		mapfile -t lines < <(grep -E 'error|Error' "$log" | head -n 10)
		broken "sparse (C=2) module/ against $kdir: the build failed" "${lines[@]}"
	fi
fi

# --- gcc and clang -Werror ------------------------------------------------------
for cc in $compilers; do
	if ! command -v "$cc" >/dev/null 2>&1; then
		broken "$cc -Werror" "$cc is not installed (make deps)"
		continue
	fi
	copy_tree "$out/$cc"
	for dir in userspace-tool selftests/minivm module/x86/tests; do
		log=$out/$cc-${dir//\//-}.log
		# The selftests share the harness headers extracted for the
		# normal build (build/kselftest/), or extract them there.
		if make -C "$out/$cc/$dir" -j"$jobs" CC="$cc" KSFT_DIR="$top/build/kselftest" \
			>"$log" 2>&1; then
			rc=0
		else
			rc=$?
		fi
		findings=()
		while IFS=: read -r path lnum rest; do
			# Relative to make's directory, or absolute (-I$(SELFDIR)).
			case $path in
			/*) ;;
			*) path=$out/$cc/$dir/$path ;;
			esac
			path=$(realpath -m --relative-to="$out/$cc" "$path")
			findings+=("$cc: $path:$lnum:${rest#*:}")
		done < <(grep -E '^[^ :]+\.[chS]:[0-9]+:[0-9]+: (warning|error): ' "$log" | LC_ALL=C sort -u || true)
		# Warnings without a source line (the linker's, the driver's).
		while IFS= read -r l; do
			findings+=("$cc: $dir/Makefile:1: $l")
		done < <(grep -E '(^|: )warning: ' "$log" | grep -vE '^[^ :]*\.[chS]:[0-9]+:' || true)
		if [ "$rc" != 0 ] && [ ${#findings[@]} = 0 ]; then
			mapfile -t lines < <(tail -n 10 "$log")
			broken "$cc -Wall -Wextra -Werror: $dir/ (make failed)" "${lines[@]}"
		else
			[ "$rc" = 0 ] || findings+=("$cc: $dir/Makefile:1: make exited with status $rc")
			report "$cc -Wall -Wextra -Werror: $dir/" "${findings[@]}"
		fi
	done
done

# --- shellcheck --------------------------------------------------------------
if ! command -v shellcheck >/dev/null 2>&1; then
	broken "shellcheck" "shellcheck is not installed (make deps)"
else
	scripts=()
	while IFS= read -r f; do
		[ -f "$top/$f" ] || continue
		case $f in
		*.sh | packaging/deb/postinst | packaging/deb/prerm | packaging/deb/postrm)
			scripts+=("$f") ;;
		*)
			head -n 1 "$top/$f" | grep -qE '^#!(/usr)?/bin/(env )?(ba|da)?sh' &&
				scripts+=("$f") ;;
		esac
	done < <(grep -vE '\.(c|h|S|md|rst|txt|1|lds|rules|in|conf)$' <<<"$files")
	mapfile -t findings < <(cd "$top" || exit 1
		shellcheck -x -P SCRIPTDIR -f gcc "${scripts[@]}" 2>&1 |
		sed -n 's|^\([^:]*\):\([0-9]*\):[0-9]*: |shellcheck: \1:\2: |p'; true)
	report "shellcheck: ${#scripts[@]} shell scripts" "${findings[@]}"
fi

# --- sphinx ------------------------------------------------------------------
# Documentation/ as HTML, from scratch (an incremental build would not
# repeat the warnings of unchanged files), into build/style/sphinx/.
if ! command -v sphinx-build >/dev/null 2>&1; then
	broken "sphinx-build -W: Documentation/" "sphinx-build is not installed (make deps installs python3-sphinx)"
else
	rm -rf "$out/sphinx"
	log=$out/sphinx.log
	if sphinx-build -q -W --keep-going -b html "$top/Documentation" "$out/sphinx" \
		>"$log" 2>&1; then
		rc=0
	else
		rc=$?
	fi
	# "FILE:LINE: WARNING: ...", "FILE: WARNING: ..." (FILE absolute) or
	# "WARNING: ..." (of the configuration, say); ERROR and SEVERE too.
	findings=()
	while IFS= read -r l; do
		if [[ $l =~ ^([^:]+):([0-9]+):\ ((WARNING|ERROR|SEVERE|CRITICAL):.*)$ ]]; then
			path=${BASH_REMATCH[1]} lnum=${BASH_REMATCH[2]} msg=${BASH_REMATCH[3]}
		elif [[ $l =~ ^([^:]+):\ ((WARNING|ERROR|SEVERE|CRITICAL):.*)$ ]]; then
			path=${BASH_REMATCH[1]} lnum=1 msg=${BASH_REMATCH[2]}
		elif [[ $l =~ ^((WARNING|ERROR|SEVERE|CRITICAL):.*)$ ]]; then
			path=$top/Documentation/conf.py lnum=1 msg=${BASH_REMATCH[1]}
		else
			continue
		fi
		path=$(realpath -m --relative-to="$top" "$path")
		findings+=("sphinx: $path:$lnum: $msg")
	done <"$log"
	if [ "$rc" != 0 ] && [ ${#findings[@]} = 0 ]; then
		mapfile -t lines < <(tail -n 10 "$log")
		broken "sphinx-build -W: Documentation/ (it failed)" "${lines[@]}"
	else
		report "sphinx-build -W: Documentation/" "${findings[@]}"
	fi
fi

# --- known findings ------------------------------------------------------------
stale=0
for k in "${!known[@]}"; do
	stale=$((stale + known[$k]))
done
if [ "$stale" != 0 ]; then
	echo "# $stale entries of scripts/style-known-module no longer occur;" \
		"scripts/style-check.sh --record-known rewrites the list"
fi
if [ "$record" = 1 ]; then
	{
		sed -n '/^#/p' "$known_file" 2>/dev/null | grep . ||
			echo "# Known module/ findings (scripts/style-check.sh)."
		[ ${#recorded[@]} = 0 ] || printf '%s\n' "${recorded[@]}"
	} >"$known_file.new"
	mv "$known_file.new" "$known_file"
	echo "# recorded ${#recorded[@]} module/ findings in scripts/style-known-module"
fi

finished=1
echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
