#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bench: monc, libceph and librados side by side, against one real
# 3-monitor Ceph cluster (auth none, msgr v1), in one UML boot.
#
#   tests/bench/run.sh [--smoke] [--out FILE] [--clients LIST] [--keep]
#                      [--kernel bench|test] [--ceph RELEASE] [--no-profile]
#
#   --smoke    tiny counts (a minute or two inside UML): for make check; it
#              exits 0 when the bench ran to its end, whatever the figures
#   --out F    where the markdown table goes (host, full mode: default
#              bench/out/results-<kernel>.md, next to the raw JSON and the
#              console log; bench/results.md is written from them by hand)
#   --clients  comma list out of monc,libceph,librados (default: all three)
#   --keep     (host) keep the scratch directory
#   --kernel   (host) bench (default): the UML kernel without sanitisers or
#              debug options (MONC_UML_FLAVOUR=bench); test: the sanitiser
#              test kernel, for the secondary table
#   --ceph     (host) the monitors' release: tentacle (default when its
#              chroot is ready, else pacific), reef or pacific
#   --only L   comma list of the figures to run (bench.py run --help);
#              mount_cephx is the cephx mount row, measured on a second
#              cluster (cephx, an aes client.admin key, so that libceph
#              below 7.0 can mount) after the auth none figures; msgr2
#              is the mount and statfs p50 rows in msgr2 crc and secure
#              modes, on a third cluster (bound to msgr2 only, cephx
#              with an aes key) after that
#   --no-profile, --profile  skip or run the tracepoint profile (it needs the
#              bench kernel; default: on for make bench, off inside UML)
#
# It runs in two places:
#
# On the host (make bench): copy the tree to a scratch dir; build monc.ko
# and tests/bench/ (monc_bench.ko, libceph/libceph_bench.ko) against the UML
# tree, with the top-level Kbuild reduced to those, so other test modules
# in progress cannot break the bench; if monc does not build, build
# libceph_bench.ko alone and let monc's column say why. Make a depmod'ed
# module root (the UML tree's modules, libceph among them, plus ours), boot
# UML once with tests/bench/uml-init as PID 1, which starts the cluster
# and runs this script again inside UML; render the table.
# Environment: MONC_UML_TREE (UML build dir; default: what
# tests/uml/build-kernel.sh prints), MONC_UML_MODS (its modules_install dir;
# default <tree>/../mods), BENCH_TIMEOUT (s), UML_MEM (default 1G),
# BENCH_MONC_SET (extra monc options for an experiment, e.g.
# "hunt_parallel=1"; the table's environment notes it).
#
# Inside UML (from uml-init, or from tests/uml/init.sh's bench mode or an
# integration script): needs MONC_MODROOT (modprobe -d root holding
# libceph_bench/monc_bench) and a running cluster (MONC_CLUSTER_DIR, from
# tests/cluster/start.sh). It loads the modules, runs bench.py, prints the
# table and TAP lines, unloads what it loaded and leaves every monitor up.
# Results go to $BENCH_OUT_DIR (default $MONC_RUN/bench).
#
# No figure is ever asserted on: a client that cannot be measured is
# reported as such, and the exit status only says whether the bench ran.
set -euo pipefail
# The body is one { } block so that bash parses it whole before running it:
# editing this file during a run (the bench takes half an hour) cannot
# break the run.
{

here=$(cd "$(dirname "$0")" && pwd)

smoke=0
out=
clients=monc,libceph,librados
keep=0
flavour=bench
ceph=
# The profile is on by default on the host (make bench), off by default
# inside UML (a smoke run from an integration script).
only=
profile=1
grep -qs 'User Mode Linux' /proc/cpuinfo && profile=0
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) smoke=1 ;;
	--out) out=$2; shift ;;
	--clients) clients=$2; shift ;;
	--keep) keep=1 ;;
	--kernel) flavour=$2; shift ;;
	--ceph) ceph=$2; shift ;;
	--profile) profile=1 ;;
	--only) only=$2; shift ;;
	--no-profile) profile=0 ;;
	*) echo "usage: $0 [--smoke] [--out FILE] [--clients LIST] [--keep] [--kernel bench|test] [--ceph REL] [--only FIGS] [--no-profile]" >&2; exit 2 ;;
	esac
	shift
done
args=(--clients "$clients")
[ "$smoke" = 1 ] && args+=(--smoke)
[ "$profile" = 1 ] && args+=(--profile)
[ -n "$only" ] && args+=(--only "$only")

say() { echo "bench: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# ------------------------------------------------------------ inside UML
if grep -qs 'User Mode Linux' /proc/cpuinfo; then
	: "${MONC_MODROOT:?MONC_MODROOT must name the modprobe -d root}"
	: "${MONC_CLUSTER_DIR:=/tmp/monc-cluster}"
	[ -r "$MONC_CLUSTER_DIR/env" ] || die "no cluster at $MONC_CLUSTER_DIR"
	odir=${BENCH_OUT_DIR:-${MONC_RUN:-/tmp}/bench}
	mkdir -p "$odir"
	unload=()
	for m in libceph monc; do
		[ -d "/sys/module/$m" ] || unload=("$m" "${unload[@]}")
	done
	for m in libceph_bench monc_bench; do
		[ -d "/sys/module/$m" ] && continue
		if modprobe -d "$MONC_MODROOT" "$m" 2>"$odir/modprobe-$m.err"; then
			unload=("$m" "${unload[@]}")
		else
			say "$m did not load: $(tr '\n' ' ' <"$odir/modprobe-$m.err")"
		fi
	done
	# a later phase keeps the figures of the earlier one
	[ -n "${BENCH_MERGE:-}" ] && args+=(--merge "$odir/results.json")
	rc=0
	/usr/bin/python3 "$here/bench.py" run --cluster "$MONC_CLUSTER_DIR" \
		--out "$odir/results.json" --md "$odir/results.md" --tap \
		"${args[@]}" || rc=$?
	for m in "${unload[@]}"; do
		[ -d "/sys/module/$m" ] && { rmmod "$m" || say "rmmod $m failed"; }
	done
	exit "$rc"
fi

# ------------------------------------------------------------ on the host
repo=$(cd "$here/../.." && pwd)
# The cephx mount row needs a second cluster: full runs only.
cephx=0
if [ "$smoke" = 0 ] && { [ -z "$only" ] || [[ ",$only," == *,mount_cephx,* ]]; }; then
	cephx=1
fi
# So do the msgr2 rows (a cluster bound to msgr2 only).
msgr2=0
if [ "$smoke" = 0 ] && { [ -z "$only" ] || [[ ",$only," == *,msgr2,* ]]; }; then
	msgr2=1
fi
case "$flavour" in
bench | test) ;;
*) die "--kernel must be bench or test" ;;
esac
if [ -z "$ceph" ]; then
	if [ -e "${MONC_CHROOT_CACHE:-/var/cache/monc-chroot}/sid/.monc-ready" ]; then
		ceph=tentacle
	else
		ceph=pacific
		say "no Tentacle chroot (tests/uml/chroot.sh sid); the monitors are Pacific"
	fi
fi
# The bench kernel is built (nice) on first use, then cached like the test
# kernel (tests/uml/build-kernel.sh, MONC_UML_FLAVOUR).
tree=${MONC_UML_TREE:-$(QUIET=1 MONC_UML_FLAVOUR=$flavour nice -n 5 "$repo/tests/uml/build-kernel.sh")}
[ -x "$tree/linux" ] || die "no UML kernel at $tree"
mods=${MONC_UML_MODS:-$(dirname "$tree")/mods}
krel=$(cat "$tree/include/config/kernel.release")
[ -d "$mods/lib/modules/$krel" ] || die "no modules_install at $mods"

scratch=$(mktemp -d /tmp/monc-bench.XXXXXX)
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ "$keep" = 1 ]; then say "scratch kept: $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT
say "scratch $scratch, UML tree $tree"

src=$scratch/src
rsync -a --exclude .git --exclude /bench/out "$repo/" "$src/"
# monc.ko and tests/bench/ only: the top-level Kbuild minus its tests/ lines.
{ grep -v 'tests/' "$repo/Kbuild"; echo 'obj-m += tests/bench/'; } >"$src/Kbuild"
kos=()
if make -C "$tree" M="$src" ARCH=um modules >"$scratch/build.log" 2>&1; then
	kos=("$src/monc.ko" "$src/tests/bench/monc_bench.ko"
		"$src/tests/bench/libceph/libceph_bench.ko")
else
	say "monc.ko or monc_bench.ko did not build; monc is not measured:"
	grep -E 'error|ERROR' "$scratch/build.log" | head -n 10 >&2 || true
	make -C "$tree" M="$src/tests/bench/libceph" ARCH=um modules \
		>>"$scratch/build.log" 2>&1 ||
		{ tail -n 30 "$scratch/build.log" >&2; die "libceph_bench.ko did not build"; }
	kos=("$src/tests/bench/libceph/libceph_bench.ko")
fi

modroot=$scratch/modroot
mkdir -p "$modroot/lib/modules"
cp -a "$mods/lib/modules/$krel" "$modroot/lib/modules/"
mkdir -p "$modroot/lib/modules/$krel/extra"
cp "${kos[@]}" "$modroot/lib/modules/$krel/extra/"
depmod -b "$modroot" "$krel"

cat >"$scratch/config.sh" <<CONF
export BENCH_SRC=$src
export BENCH_MODROOT=$modroot
export BENCH_ARGS="${args[*]}"
export BENCH_CLIENTS=$clients
export BENCH_MONC_SET="${BENCH_MONC_SET:-}"
export BENCH_CEPHX=$cephx
export BENCH_MSGR2=$msgr2
export BENCH_CEPH=$ceph
export BENCH_KERNEL_FLAVOUR=$flavour
export BENCH_UML_TREE=$tree
export BENCH_HOST_KERNEL="$(uname -r) ($(uname -m))"
export BENCH_HOST_CPUS="$(nproc)"
export BENCH_HOST_CPU_MODEL="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
export BENCH_MONC_REV="${BENCH_MONC_REV:-$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet HEAD -- . 2>/dev/null || echo +uncommitted)}"
export BENCH_HOST_LOADAVG_AT_START="$(cut -d' ' -f1-3 /proc/loadavg) (host is shared; other jobs add noise)"
CONF

if [ "$smoke" = 1 ]; then t=${BENCH_TIMEOUT:-900}; else t=${BENCH_TIMEOUT:-5400}; fi
say "booting UML (timeout ${t}s; console: $scratch/console.log)"
rc=0
# timeout kills the whole process group, UML's helpers included.
timeout -k 10 "$t" "$tree/linux" mem="${UML_MEM:-1G}" uml_dir="$scratch/uml" \
	root=/dev/root rootfstype=hostfs rootflags=/ rw \
	init="$src/tests/bench/uml-init" con=null con0=fd:0,fd:1 \
	BENCH_RUN="$scratch" </dev/null >"$scratch/console.raw" 2>&1 || rc=$?
tr -d '\r' <"$scratch/console.raw" >"$scratch/console.log"
rm -f "$scratch/console.raw"

reports=$(grep -E '^(BUG|WARNING|INFO|ODEBUG|UBSAN):|^(kernel BUG at|Kernel panic|unreferenced object|------------\[ cut here \])|general protection fault|Kernel mode fault' \
	"$scratch/console.log" || true)
if [ -n "$reports" ]; then
	say "kernel reports on the UML console (see $scratch/console.log):"
	echo "$reports" | head -n 20 >&2
fi
if [ "$smoke" = 0 ]; then
	mkdir -p "$repo/bench/out"
	cp "$scratch/console.log" "$repo/bench/out/console.log"
	[ -e "$scratch/results.json" ] && cp "$scratch/results.json" "$repo/bench/out/"
	out=${out:-$repo/bench/out/results-$flavour.md}
	[ -e "$scratch/results.json" ] &&
		cp "$scratch/results.json" "$repo/bench/out/results-$flavour.json"
fi
if ! grep -q '^BENCH-UML-DONE' "$scratch/console.log" || [ ! -s "$scratch/results.md" ]; then
	keep=1
	tail -n 40 "$scratch/console.log" >&2
	if [ -s "$scratch/results.json" ]; then
		# What was measured before it stopped, marked as partial.
		/usr/bin/python3 "$here/bench.py" render "$scratch/results.json" \
			--partial "UML exited with $rc before the bench finished" \
			--out "$scratch/results.md" || true
		[ -n "$out" ] && cp "$scratch/results.md" "$out"
	fi
	die "UML exited with $rc before the bench finished"
fi
bench_rc=$(cat "$scratch/bench.rc" 2>/dev/null || echo missing)
[ "$bench_rc" = 0 ] || { keep=1; die "the bench inside UML exited with $bench_rc"; }

cat "$scratch/results.md"
if [ -n "$out" ]; then
	cp "$scratch/results.md" "$out"
	say "table written to $out"
fi
if [ -n "$reports" ]; then
	keep=1
	[ "$smoke" = 1 ] && die "kernel reports during the smoke run (see above)"
fi
say "done"
exit
}
