#!/bin/bash
# make style: checkpatch.pl --strict on every .c/.h of the module and its
# tests, one build against the Debian headers with sparse (C=2) and W=1, and
# one sparse build against the UML kernel (which has KUnit, so the test
# suites are checked too). Any warning or error fails. The builds run in a
# private copy of the tree.
set -euo pipefail
# The body is one { } block so that bash parses it whole before running it:
# editing this file during a run cannot break the run.
{

repo=$(cd "$(dirname "$0")/../.." && pwd)
kdir=${KDIR:-$( (ls -d /usr/src/linux-headers-*-amd64 2>/dev/null || true) | sort -V | tail -n 1)}
[ -n "$kdir" ] || { echo "style: no kernel headers: apt-get install linux-headers-amd64, or set KDIR" >&2; exit 1; }
build_root=${BUILD_DIR:-/var/tmp/monc-build}
cache_root=${MONC_UML_CACHE:-/var/cache/monc-uml}
tarball=${LINUX_SOURCE_TAR:-/usr/src/linux-source-6.1.tar.xz}
status=0

# checkpatch.pl and its data files: the 6.1 source's (extracted alone if no
# UML tree has it), and every newer one an extracted kernel tree in the
# cache has (the 7.2 UML kernel's): the newer checkpatch asks for more
# (kzalloc_obj, say), and the code must satisfy every kernel it supports.
checkpatches=()
d=$cache_root/checkpatch
mkdir -p "$d"
(
	flock 9
	if [ ! -x "$d/scripts/checkpatch.pl" ]; then
		tar -xJf "$tarball" -C "$d" --strip-components=1 \
			--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch'
	fi
) 9>"$d.lock"
checkpatches+=("$d/scripts/checkpatch.pl")
declare -A seen=(["$(md5sum <"$d/scripts/checkpatch.pl")"]=1)
for t in "$cache_root"/*/src; do
	c=$t/scripts/checkpatch.pl
	[ -x "$c" ] || continue
	sum=$(md5sum <"$c")
	[ -n "${seen[$sum]:-}" ] && continue
	seen[$sum]=1
	checkpatches+=("$c")
done

mapfile -t files < <(cd "$repo" && find . -path ./.git -prune -o -type f \
	\( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||' | sort)
for checkpatch in "${checkpatches[@]}"; do
	top=${checkpatch%/scripts/checkpatch.pl}
	v=6.1
	[ -f "$top/Makefile" ] && v=$(awk '/^VERSION =/ {a=$3} /^PATCHLEVEL =/ {b=$3} END {print a "." b}' "$top/Makefile")
	echo "style: checkpatch --strict (Linux $v) on ${#files[@]} files"
	for f in "${files[@]}"; do
		# compat.h is the one file that tests the kernel version.
		ign=()
		[ "$f" = compat.h ] && ign=(--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON)
		out=$(cd "$repo" && "$checkpatch" --strict --no-tree --quiet --show-types "${ign[@]}" -f "$f" 2>&1) || true
		if [ -n "$out" ]; then
			echo "$out"
			status=1
		fi
	done
done

work=$(mktemp -d "$build_root/style.XXXXXX" 2>/dev/null ||
	{ mkdir -p "$build_root" && mktemp -d "$build_root/style.XXXXXX"; })
trap 'rm -rf "$work"' EXIT
rsync -a --exclude=.git --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
	--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' --exclude='*.order' \
	--exclude=Module.symvers "$repo/" "$work/"
echo "style: sparse (C=2) and W=1 build against $(basename "$kdir")"
if ! make -C "$kdir" M="$work" C=2 CHECK=sparse W=1 modules >"$work/build.log" 2>&1; then
	status=1
fi
if grep -iE '(warning|error):' "$work/build.log" | sed "s|$work/||g"; then
	status=1
fi
# The KUnit suites are built only for the UML kernel (Debian's has no
# KUnit), so run sparse there too.
if kbuild=$(QUIET=1 "$repo/tests/uml/build-kernel.sh"); then
	echo "style: sparse (C=2) build of the KUnit suites against the UML kernel"
	find "$work" \( -name '*.o' -o -name '.*.cmd' -o -name '*.ko' \) -delete
	if ! make -C "$kbuild" M="$work" ARCH=um C=2 CHECK=sparse modules \
		>"$work/uml.log" 2>&1; then
		status=1
	fi
	if grep -iE '(warning|error):' "$work/uml.log" | sed "s|$work/||g"; then
		status=1
	fi
else
	echo "style: no UML kernel, so no sparse run over the KUnit suites"
	status=1
fi
if [ "$status" = 0 ]; then
	echo "style: clean"
else
	echo "style: FAILED"
fi
exit "$status"

exit
}
