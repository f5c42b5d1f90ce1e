#!/bin/bash
# Build (or reuse) the UML test kernel and print its build directory.
#
# The kernel comes from Debian's linux-source-6.1 tarball, patched with
# tests/uml/*.patch and configured from the fragment tests/uml/config. It is
# cached outside the repository under $MONC_UML_CACHE/<key>/, where <key>
# hashes the fragment, the patches, the source package version and the
# compiler, so any change to one of those gives a fresh tree and an unchanged
# input reuses the old one. A flock keeps two callers from building at once.
#
# Layout of the cache directory:
#   src/     the extracted, patched source (checkpatch.pl, kunit.py live here)
#   build/   the O= build tree; build/linux is the UML binary
#   mods/    modules_install of the tree (modprobe -d <mods> libceph)
#   build.log
#
# MONC_UML_VERSION=7.2 builds the second test kernel instead: Debian
# unstable's linux-source-7.2, configured from tests/uml/config adjusted by
# tests/uml/config-7.2 (a "-CONFIG_X" line drops X, other lines are added),
# patched with tests/uml/7.2/*.patch if any, and compiled inside the sid
# chroot (tests/uml/chroot.sh sid) with its gcc. It is linked statically
# (CONFIG_STATIC_LINK), so that the binary made against sid's glibc runs on
# the host.
#
# MONC_UML_FLAVOUR=bench builds the bench kernel of that version instead
# (make bench): the version's fragment adjusted by tests/uml/config-bench,
# which drops the sanitisers and debug options ("-CONFIG_X" drops X, a
# "# CONFIG_X is not set" line must come out unset, other lines are added).
# It is cached like the others, under its own key.
#
# Environment: MONC_UML_CACHE (default /var/cache/monc-uml),
#   MONC_UML_VERSION (6.1 or 7.2, default 6.1),
#   MONC_UML_FLAVOUR (test or bench, default test),
#   LINUX_SOURCE_TAR (default /usr/src/linux-source-6.1.tar.xz for 6.1),
#   QUIET=1 to print only the build directory, JOBS (default nproc).
set -euo pipefail
# The body is one { } block so that bash parses it whole before running it:
# editing this file during a run cannot break the run.
{

here=$(cd "$(dirname "$0")" && pwd)
cache_root=${MONC_UML_CACHE:-/var/cache/monc-uml}
version=${MONC_UML_VERSION:-6.1}
jobs=${JOBS:-$(nproc)}
quiet=${QUIET:-0}

say() { [ "$quiet" = 1 ] || echo "uml-kernel: $*" >&2; }
die() { echo "uml-kernel: ERROR: $*" >&2; exit 1; }

[ -r "$here/config" ] || die "$here/config missing"
fragment=$(mktemp)
trap 'rm -f "$fragment"' EXIT
shopt -s nullglob
case "$version" in
6.1)
	croot=
	tarball=${LINUX_SOURCE_TAR:-/usr/src/linux-source-6.1.tar.xz}
	[ -r "$tarball" ] || die "$tarball missing (apt-get install linux-source-6.1)"
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
		stat -c '%s-%Y' "$tarball")
	cp "$here/config" "$fragment"
	patches=("$here"/*.patch)
	cc=$(gcc --version | head -n1)
	;;
7.2)
	croot=$(QUIET=1 "$here/chroot.sh" sid) || die "no sid chroot"
	croot=$(readlink -f "$croot")
	tarball=$croot/usr/src/linux-source-7.2.tar.xz
	[ -r "$tarball" ] || die "$tarball missing"
	srcver=$(chroot "$croot" dpkg-query -W -f='${Version}' linux-source-7.2)
	# The common fragment, less the "-CONFIG_X" lines of config-7.2,
	# plus its other lines.
	drop=$(sed -n 's/^-\(CONFIG_[A-Za-z0-9_]*\).*/\1/p' "$here/config-7.2")
	grep -vE "^(${drop//$'\n'/|})=" "$here/config" >"$fragment"
	grep -vE '^-' "$here/config-7.2" >>"$fragment"
	patches=("$here"/7.2/*.patch)
	cc=$(chroot "$croot" gcc --version | head -n1)
	;;
*) die "MONC_UML_VERSION must be 6.1 or 7.2" ;;
esac
shopt -u nullglob

# The flavour adjusts the version's fragment, before the key is taken.
case "${MONC_UML_FLAVOUR:-test}" in
test) ;;
bench)
	drop=$(sed -n 's/^-\(CONFIG_[A-Za-z0-9_]*\).*/\1/p' "$here/config-bench")
	grep -vE "^(${drop//$'\n'/|})=" "$fragment" >"$fragment.b" || true
	grep -vE '^-' "$here/config-bench" >>"$fragment.b"
	mv "$fragment.b" "$fragment"
	;;
*) die "MONC_UML_FLAVOUR must be test or bench" ;;
esac

# The key: fragment + patches + source version + compiler.
key=$( {
	echo "fragment"; cat "$fragment"
	for p in "${patches[@]}"; do echo "patch $(basename "$p")"; cat "$p"; done
	echo "source $srcver"
	echo "$cc"
	echo "layout 1"
} | sha256sum | cut -c1-16)
dir=$cache_root/$key
mkdir -p "$cache_root"

# Fast path: a finished tree needs no lock. .used dates the last use, for
# pruning (below).
if [ -e "$dir/.ready" ] && [ -x "$dir/build/linux" ]; then
	touch "$dir/.used" 2>/dev/null || true
	echo "$dir/build"
	exit 0
fi

exec 9>"$dir.lock"
if ! flock -n 9; then
	say "another build of $dir is running; waiting for it"
	flock 9
fi
if [ -e "$dir/.ready" ] && [ -x "$dir/build/linux" ]; then
	echo "$dir/build"
	exit 0
fi

mkdir -p "$dir"
log=$dir/build.log
: >"$log"
fail() {
	echo "uml-kernel: ERROR: $* (last lines of $log follow)" >&2
	tail -n 40 "$log" >&2
	exit 1
}

# Each step leaves a marker, so an interrupted build resumes where it stopped.
if [ ! -e "$dir/.extracted" ]; then
	say "extracting $tarball into $dir/src (about 30 s)"
	rm -rf "$dir/src" "$dir/build" "$dir/mods" "$dir"/.patched "$dir"/.configured
	mkdir -p "$dir/src"
	tar -xJf "$tarball" -C "$dir/src" --strip-components=1 >>"$log" 2>&1 ||
		fail "extracting the source"
	touch "$dir/.extracted"
fi

if [ ! -e "$dir/.patched" ]; then
	for p in "${patches[@]}"; do
		say "applying $(basename "$p")"
		patch -d "$dir/src" -p1 --forward <"$p" >>"$log" 2>&1 ||
			fail "applying $p"
	done
	touch "$dir/.patched"
fi

# 7.2 builds inside the sid chroot, with the cache bind-mounted at the same
# path there.
kmake() {
	if [ -n "$croot" ]; then
		"$here/in-chroot.sh" "$croot" "$cache_root:$cache_root" -- \
			make -C "$dir/src" O="$dir/build" ARCH=um SUBARCH=x86_64 "$@"
	else
		make -C "$dir/src" O="$dir/build" ARCH=um SUBARCH=x86_64 "$@"
	fi
}

if [ ! -e "$dir/.configured" ]; then
	say "configuring"
	mkdir -p "$dir/build"
	cp "$fragment" "$dir/build/.config"
	kmake olddefconfig >>"$log" 2>&1 || fail "olddefconfig"
	# Every option of the fragment must have come out as asked.
	bad=0
	while IFS= read -r line; do
		case "$line" in
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			if grep -qE "^$opt=" "$dir/build/.config"; then
				echo "uml-kernel: ERROR: asked for '$line', got '$(grep -E "^$opt=" "$dir/build/.config")'" >&2
				bad=1
			fi
			;;
		CONFIG_*=*)
			opt=${line%%=*}
			if ! grep -qxF "$line" "$dir/build/.config"; then
				got=$(grep -E "^$opt=|^# $opt is not set" "$dir/build/.config" || true)
				echo "uml-kernel: ERROR: asked for $line, got '${got:-nothing}'" >&2
				bad=1
			fi
			;;
		esac
	done <"$fragment"
	[ "$bad" = 0 ] || die "config fragment not satisfied; fix tests/uml/config"
	touch "$dir/.configured"
fi

# Cold, on 2 cores: 6.1 about 7.5 min on an idle host; 7.2 (gcc 16, a
# third more objects) took 55 min on a host loaded by other builds and runs.
cold="about 7.5 min"
[ "$version" = 6.1 ] || cold="up to an hour"
say "building the kernel in $dir/build with -j$jobs ($cold cold; log: $log)"
kmake -j"$jobs" >>"$log" 2>&1 || fail "building the kernel"
[ -x "$dir/build/linux" ] || fail "no $dir/build/linux after the build"

say "installing the tree's modules into $dir/mods"
rm -rf "$dir/mods"
kmake INSTALL_MOD_PATH="$dir/mods" modules_install >>"$log" 2>&1 ||
	fail "modules_install"

touch "$dir/.ready" "$dir/.used"
# Drop other trees (each is ~1.5 GB) unused for 3 days, unless being built.
for old in "$cache_root"/*/.used; do
	old=${old%/.used}
	[ "$old" != "$dir" ] || continue
	if [ -z "$(find "$old/.used" -mtime -3)" ] && flock -n "$old.lock" true; then
		say "pruning $old (unused for 3 days)"
		rm -rf "$old" "$old.lock"
	fi
done
say "done"
echo "$dir/build"

exit
}
