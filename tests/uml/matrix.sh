#!/bin/bash
# Build monc.ko and every client module against three Debian kernels, each
# with its own release's gcc and sparse, with W=1 and C=2: any warning or
# error fails that build.
#
#   tests/uml/matrix.sh WORK [TARGET...]
#
# TARGET (default: all three):
#   bookworm  Debian 12, 6.1: $KDIR (the Makefile's choice) on the host
#   trixie    Debian 13, 6.12: inside tests/uml/chroot.sh trixie
#   sid       Debian unstable, 7.2: inside tests/uml/chroot.sh sid
# A chroot build runs in a private mount namespace (tests/uml/in-chroot.sh):
# the tree copy is bind-mounted into the chroot there, so nothing stays
# mounted afterwards.
# What a build covers is whatever Kbuild lists for a kernel without KUnit
# (Debian's kernels have no CONFIG_KUNIT): monc.ko and tests/{client,monfs,
# bench}; the KUnit suites, tests/live and tests/reliab need the UML kernel.
# The TAP line names the modules built.
#
# Prints one TAP line per target on stdout; each build's log is
# WORK/<target>.log and its tree WORK/<target>/ (WORK/bookworm/monc.ko is
# what the QEMU load test boots). MONC_MATRIX_JOBS (default 1) is make -j.
#
# MONC_MATRIX_TREES=DIR keeps each target's tree in DIR/<target>/ (WORK/
# <target> links to it), objects included, after a build with no warning:
# the next run recompiles only what changed (the copy is by content, and
# a changed file gets a fresh mtime), and C=2 still runs sparse over every
# file. An unchanged file compiled once without a warning compiles so
# again with the same kernel and gcc (the tree is wiped when either
# changes); a build with a warning or an error wipes its tree, so that
# the next one compiles, and reports, everything.
set -euo pipefail
# The body is one { } block so that bash parses it whole before running it:
# editing this file during a run cannot break the run.
{

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${1:?usage: matrix.sh WORK [bookworm|trixie|sid...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(bookworm trixie sid)
jobs=${MONC_MATRIX_JOBS:-1}
mkdir -p "$work"
work=$(cd "$work" && pwd)

products=(--exclude=.git --exclude='*.o' --exclude='*.ko' --exclude='*.mod'
	--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' --exclude='*.order'
	--exclude=Module.symvers --exclude='*.dwo' --exclude=__pycache__)

# The modules a build made, by name, from its modules.order files.
built() { # built TREE
	find "$1" -name '*.ko' -printf '%f\n' | sed 's/\.ko$//' | sort | tr '\n' ' ' |
		sed 's/ $//'
}

# verdict NAME TREE LOG RC: one TAP line; the warnings go to the log's end
# and, as TAP comments, to stdout.
verdict() {
	local name=$1 tree=$2 log=$3 rc=$4 bad
	# Compiler and sparse diagnostics, and make's own warnings (such as
	# "C=2 specified, but sparse is not available").
	bad=$(grep -E '(warning|error):|Makefile:[0-9]+: ' "$log" |
		sed "s|$tree/||g; s|/mnt/monc-[^/]*/||g" | sort -u || true)
	grep -q '^  CHECK ' "$log" || bad="${bad:+$bad
}sparse did not run"
	if [ "$rc" = 0 ] && [ -z "$bad" ] && [ -f "$tree/monc.ko" ]; then
		echo "ok - $name with W=1 and sparse: no warnings ($(built "$tree"))"
	else
		[ -z "$bad" ] || sed 's/^/# /' <<<"$bad" | head -n 40
		[ "$rc" = 0 ] || tail -n 5 "$log" | sed 's/^/# /'
		echo "not ok - $name with W=1 and sparse: no warnings (exit $rc, $(grep -c . <<<"$bad") warnings; see $log)"
	fi
}

# tree_for TARGET STAMP: TREE=the target's tree holding a copy of the
# repository (kept, with its objects, under MONC_MATRIX_TREES when its
# STAMP, the kernel and gcc, is the one it was built with).
tree_for() {
	if [ -z "${MONC_MATRIX_TREES:-}" ]; then
		TREE=$work/$1
		rm -rf "$TREE"
		rsync -a "${products[@]}" "$repo/" "$TREE/"
		return
	fi
	TREE=$MONC_MATRIX_TREES/$1
	if [ "$(cat "$TREE.stamp" 2>/dev/null)" != "$2" ]; then
		rm -rf "$TREE"
		echo "$2" >"$TREE.stamp"
	fi
	mkdir -p "$TREE"
	rsync -rlpD --checksum --delete "${products[@]}" "$repo/" "$TREE/"
	rm -rf "${work:?}/$1"
	ln -s "$TREE" "$work/$1"
}
# keep_or_wipe TAP_LINE: wipe a kept tree whose build was not clean.
keep_or_wipe() {
	echo "$1"
	[ -n "${MONC_MATRIX_TREES:-}" ] && [[ $1 != "ok "* ]] && rm -rf "$TREE" "$TREE.stamp"
	return 0
}

mkdir -p "${MONC_MATRIX_TREES:-$work}"
for t in "${targets[@]}"; do
	log=$work/$t.log
	case "$t" in
	bookworm)
		# The Makefile's choice (it exports KDIR), else the newest.
		kdir=${KDIR:-$(ls -d /usr/src/linux-headers-*/Module.symvers 2>/dev/null |
			sort -V | tail -n1 | xargs -r dirname)}
		cc=$(gcc -dumpfullversion 2>/dev/null || gcc -dumpversion)
		name="build for $(basename "$kdir") (host, $cc)"
		tree_for "$t" "$kdir $(gcc --version | head -n1) $(sparse --version 2>&1)"
		rc=0
		make -C "$kdir" M="$TREE" W=1 C=2 CHECK=sparse -j"$jobs" modules >"$log" 2>&1 || rc=$?
		keep_or_wipe "$(verdict "$name" "$TREE" "$log" "$rc")"
		;;
	trixie | sid)
		if ! root=$(QUIET=1 "$here/chroot.sh" "$t" 2>"$log"); then
			echo "not ok - build for $t's kernel: no $t chroot (see $log)"
			continue
		fi
		root=$(readlink -f "$root")
		hdr=$(cd "$root/usr/src" && ls -d linux-headers-*-amd64 | sort -V | tail -n1)
		cc=$(chroot "$root" gcc -dumpfullversion)
		name="build for $hdr ($t, gcc $cc)"
		tree_for "$t" "$root $hdr $(chroot "$root" gcc --version | head -n1) $(chroot "$root" sparse --version 2>&1)"
		# A kept tree is mounted at a path of its own that stays the same
		# from run to run: kbuild's .cmd files name it.
		mnt=/mnt/monc-$(basename "$work")-$t-$$
		[ -n "${MONC_MATRIX_TREES:-}" ] && mnt=/mnt/monc-$t-$(cksum <<<"$TREE" | cut -d' ' -f1)
		rc=0
		"$here/in-chroot.sh" "$root" "$TREE:$mnt" -- make -C "/usr/src/$hdr" \
			M="$mnt" W=1 C=2 CHECK=sparse -j"$jobs" modules >"$log" 2>&1 || rc=$?
		rmdir "$root$mnt" 2>/dev/null || true
		keep_or_wipe "$(verdict "$name" "$TREE" "$log" "$rc")"
		;;
	*)
		echo "not ok - build for $t: unknown target"
		;;
	esac
done

exit
}
