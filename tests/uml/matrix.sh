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

for t in "${targets[@]}"; do
	tree=$work/$t
	log=$work/$t.log
	rm -rf "$tree"
	rsync -a "${products[@]}" "$repo/" "$tree/"
	case "$t" in
	bookworm)
		# The Makefile's choice (it exports KDIR), else the newest.
		kdir=${KDIR:-$(ls -d /usr/src/linux-headers-*/Module.symvers 2>/dev/null |
			sort -V | tail -n1 | xargs -r dirname)}
		name="build for $(basename "$kdir") (host, $(gcc -dumpfullversion 2>/dev/null || gcc -dumpversion))"
		rc=0
		make -C "$kdir" M="$tree" W=1 C=2 CHECK=sparse -j"$jobs" modules >"$log" 2>&1 || rc=$?
		verdict "$name" "$tree" "$log" "$rc"
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
		mnt=/mnt/monc-$(basename "$work")-$t-$$
		rc=0
		"$here/in-chroot.sh" "$root" "$tree:$mnt" -- make -C "/usr/src/$hdr" \
			M="$mnt" W=1 C=2 CHECK=sparse -j"$jobs" modules >"$log" 2>&1 || rc=$?
		rmdir "$root$mnt" 2>/dev/null || true
		verdict "$name" "$tree" "$log" "$rc"
		;;
	*)
		echo "not ok - build for $t: unknown target"
		;;
	esac
done

exit
}
