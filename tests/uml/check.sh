#!/bin/bash
# The one test command behind `make check` (and `make demo`, `make bench`).
#
#  1. install missing Debian packages (tests/uml/deps.sh)
#  2. build or reuse the UML kernel (tests/uml/build-kernel.sh)
#  3. copy the tree (no .git, no build products) into a private build slot
#     under $BUILD_DIR, so concurrent runs and in-tree builds never clash
#  4. in the background: build monc.ko against the Debian headers with W=1
#     (any warning fails) and boot it on the stock kernel under QEMU
#  5. build monc.ko, the KUnit modules and tests/*/ modules for UML; make a
#     depmod'ed module root holding them and the UML tree's own modules
#  6. boot UML once (tests/uml/init.sh): KUnit, kmemleak, ceph-mon cluster,
#     tests/integration/*.sh; then, in check mode on an auth-none cluster, a
#     second one-monitor cephx cluster with short tickets (MONC_CEPHX_TTL)
#     for the tests/integration/*cephx*.sh scripts only (MONC_CEPHX_PHASE=0
#     turns that off)
#  7. count: every KUnit leaf case, every TAP line of an integration script
#     and every other check is one test. Last line: "N passed, M failed".
#
# Environment: KDIR, BUILD_DIR (default /var/tmp/monc-build), MONC_MODE
# (check|demo|bench), MONC_MONS (3), MONC_AUTH (none|cephx), UML_MEM (1G),
# UML_TIMEOUT (s, default 1200), MONC_TEST_TIMEOUT (per script, 600),
# MONC_CEPHX_PHASE (1), MONC_CEPHX_TTL (cephx ticket TTL of that phase, 30 s),
# MONC_SKIP_DEPS=1, MONC_SKIP_QEMU=1, MONC_SCRIPTS (only the integration
# scripts whose names start with one of these words; "none" runs none).
set -euo pipefail
# The body is one { } block so that bash parses it whole before running it:
# editing this file during a run cannot break the run.
{

repo=$(cd "$(dirname "$0")/../.." && pwd)
mode=${MONC_MODE:-check}
kdir=${KDIR:-/usr/src/linux-headers-6.1.0-56-amd64}
build_root=${BUILD_DIR:-/var/tmp/monc-build}
sanitiser='^(BUG|WARNING|INFO|ODEBUG|UBSAN):|^(kernel BUG at|Kernel panic|unreferenced object|------------\[ cut here \])|general protection fault|Kernel mode fault'
t_start=$(date +%s)

case "$mode" in
check) scripts_rel=tests/integration ;;
demo | bench | soak) scripts_rel=tests/$mode ;;
*) echo "check: MONC_MODE must be check, demo, bench or soak" >&2; exit 2 ;;
esac

passed=0 failed=0 skipped=0
failures=()
say() { echo "check: $*"; }
result() { # result ok|"not ok"|skip NAME
	case "$1" in
	ok) passed=$((passed + 1)) ;;
	skip) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)); failures+=("$2") ;;
	esac
	echo "$1 - $2"
}
count_tap() { # count_tap PREFIX < TAP text: count "ok"/"not ok" lines
	local line st
	while IFS= read -r line; do
		case "$line" in
		"ok "* | "not ok "*) ;;
		*) continue ;;
		esac
		st=ok
		[[ "$line" == "not ok"* ]] && st="not ok"
		[[ "$line" =~ \#[[:space:]]*[Ss][Kk][Ii][Pp] ]] && st=skip
		# Drop the number and a leading "- ".
		line=$(sed -E 's/^(not )?ok +[0-9]* *(- )?//' <<<"$line")
		result "$st" "$1$line"
	done
}
# selected NAME: is script NAME picked by MONC_SCRIPTS (name prefixes, space
# or comma separated; unset or empty picks all)? Same rule in init.sh.
selected() {
	local p
	[ -z "${MONC_SCRIPTS:-}" ] && return 0
	for p in ${MONC_SCRIPTS//,/ }; do
		[[ "$1" == "$p"* ]] && return 0
	done
	return 1
}
any_selected() { # any_selected SCRIPT...: is one of them there and selected?
	local t
	for t in "$@"; do
		[ -x "$t" ] && selected "$(basename "$t" .sh)" && return 0
	done
	return 1
}
finish() {
	local t=$(($(date +%s) - t_start))
	echo
	if [ ${#failures[@]} -gt 0 ]; then
		say "FAILED:"
		printf '  %s\n' "${failures[@]}"
	fi
	say "logs in ${run:-$build_root}; took ${t}s"
	local tail=""
	[ "$skipped" -gt 0 ] && tail=", $skipped skipped"
	echo "$passed passed, $failed failed$tail"
	[ "$failed" = 0 ]
	exit
}

# 1. Packages.
if [ "${MONC_SKIP_DEPS:-0}" != 1 ]; then
	"$repo/tests/uml/deps.sh" || { result "not ok" "install the rig's packages"; finish; }
fi

# 2. The UML kernel.
if ! kbuild=$(QUIET=${QUIET:-0} "$repo/tests/uml/build-kernel.sh"); then
	result "not ok" "build the UML kernel"
	finish
fi
kcache=$(dirname "$kbuild")
krel=$(cat "$kbuild/include/config/kernel.release")
say "UML kernel $krel in $kbuild"

# 3. A private build slot: the first of slot0..slot9 whose lock we get.
mkdir -p "$build_root"
slot=
for i in 0 1 2 3 4 5 6 7 8 9; do
	exec {slot_fd}>"$build_root/slot$i.lock"
	if flock -n "$slot_fd"; then
		slot=$build_root/slot$i
		break
	fi
	exec {slot_fd}>&-
done
[ -n "$slot" ] || { echo "check: all build slots in $build_root are busy" >&2; exit 1; }
run=$slot/run
rm -rf "$run" "$slot/umldir"
mkdir -p "$run" "$slot/umldir"

products=(--exclude=.git --exclude='*.o' --exclude='*.ko' --exclude='*.mod'
	--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' --exclude='*.order'
	--exclude=Module.symvers --exclude='*.dwo' --exclude=__pycache__)
# The UML copy keeps its objects between runs (excluded files are not
# deleted), so a warm build recompiles only what changed.
rsync -a --delete "${products[@]}" "$repo/" "$slot/uml/"

# 4. In the background: W=1 + sparse builds for Debian 12's, 13's and
# unstable's kernels (tests/uml/matrix.sh, demo mode: 12's only), the
# deps.sh and dkms tests, and the stock-kernel load test.
deb_job() {
	local matrix=(bookworm)
	if [ "$mode" = check ]; then
		matrix=(bookworm trixie sid)
		"$repo/tests/uml/deps-test.sh"
		"$repo/tests/uml/dkms-test.sh" "$run/dkms"
	fi
	KDIR=$kdir "$repo/tests/uml/matrix.sh" "$run/matrix" "${matrix[@]}"
	[ "$mode" = check ] && [ "${MONC_SKIP_QEMU:-0}" != 1 ] || return 0
	if [ -f "$run/matrix/bookworm/monc.ko" ]; then
		"$repo/tests/qemu/stock-load.sh" "$run/matrix/bookworm/monc.ko" "$run/qemu" 2>>"$run/qemu.err"
	else
		echo "not ok - monc.ko loads on the stock kernel (QEMU): no monc.ko was built"
	fi
}
deb_job >"$run/deb.tap" 2>&1 &
deb_pid=$!

# 5. Modules for UML.
t_build=$(date +%s)
umlsrc=$slot/uml
ulog=$run/uml-build.log
orders=("$umlsrc/modules.order")
build_ok=1
if make -C "$kbuild" M="$umlsrc" ARCH=um modules >"$ulog" 2>&1; then
	# Kbuild normally descends into tests/*/ itself; build any such
	# directory it did not, against monc's Module.symvers.
	for d in "$umlsrc"/tests/*/; do
		d=${d%/}
		[ -f "$d/Kbuild" ] || continue
		grep -qE "^($umlsrc/)?tests/$(basename "$d")/" "$umlsrc/modules.order" && continue
		make -C "$kbuild" M="$d" ARCH=um \
			KBUILD_EXTRA_SYMBOLS="$umlsrc/Module.symvers" modules >>"$ulog" 2>&1 ||
			build_ok=0
		orders+=("$d/modules.order")
	done
else
	build_ok=0
fi
# The modules this build made (modules.order lists .o or .ko paths,
# absolute or relative to its directory).
kos=()
if [ "$build_ok" = 1 ]; then
	for o in "${orders[@]}"; do
		while IFS= read -r m || [ -n "$m" ]; do
			[ -n "$m" ] || continue
			m=${m%.o}
			m=${m%.ko}.ko
			[ "${m#/}" = "$m" ] && m=$(dirname "$o")/$m
			case " ${kos[*]} " in *" $m "*) ;; *) kos+=("$m") ;; esac
		done <"$o"
	done
fi
if [ "$build_ok" = 0 ] || [ ! -f "$umlsrc/monc.ko" ]; then
	tail -n 40 "$ulog"
	result "not ok" "build monc.ko and the test modules for UML (see $ulog)"
	wait "$deb_pid" || true
	count_tap "" <"$run/deb.tap"
	finish
fi
result ok "build monc.ko and the test modules for UML (${#kos[@]} modules)"

modroot=$slot/modroot
rm -rf "$modroot"
mkdir -p "$modroot/lib/modules"
cp -a "$kcache/mods/lib/modules/$krel" "$modroot/lib/modules/"
mkdir -p "$modroot/lib/modules/$krel/extra"
kunit_mods=() our_mods=()
for ko in "${kos[@]}"; do
	cp "$ko" "$modroot/lib/modules/$krel/extra/"
	m=$(basename "$ko" .ko | tr - _)
	if readelf -SW "$ko" | grep -q '\.kunit_test_suites'; then
		kunit_mods+=("$m")
	elif [ "$m" != monc ]; then
		our_mods+=("$m")
	fi
done
depmod -b "$modroot" "$krel" 2>>"$ulog"

# 6. Boot UML. The cluster's slow set-up (monmaptool, mkfs) is done here on
# the host, where it takes 0.5 s instead of ~10 s; init.sh only starts it.
if [ "${MONC_CLUSTER:-1}" = 1 ]; then
	MONC_CLUSTER_DIR=/tmp/monc-cluster MONC_AUTH=${MONC_AUTH:-none} \
		"$umlsrc/tests/cluster/start.sh" --prepare "$run/cluster-seed" "${MONC_MONS:-3}" \
		>"$run/cluster-prepare.log" 2>&1 ||
		{ cat "$run/cluster-prepare.log"; rm -rf "$run/cluster-seed"; }
fi
# The cephx phase's cluster: one monitor, cephx everywhere, short tickets
# (Pacific takes a 30 s TTL, so 3 x TTL of the renewal test is ~100 s).
cephx_phase=0
if [ "$mode" = check ] && [ "${MONC_CLUSTER:-1}" = 1 ] && [ "${MONC_CEPHX_PHASE:-1}" = 1 ] &&
	[ "${MONC_AUTH:-none}" != cephx ] && any_selected "$umlsrc/$scripts_rel"/*cephx*.sh; then
	if MONC_CLUSTER_DIR=/tmp/monc-cluster MONC_AUTH=cephx MONC_TICKET_TTL=${MONC_CEPHX_TTL:-30} \
		"$umlsrc/tests/cluster/start.sh" --prepare "$run/cluster-seed-cephx" 1 \
		>"$run/cluster-prepare-cephx.log" 2>&1; then
		cephx_phase=1
	else
		cat "$run/cluster-prepare-cephx.log"
		rm -rf "$run/cluster-seed-cephx"
		result "not ok" "prepare the cephx cluster (see $run/cluster-prepare-cephx.log)"
	fi
fi
t_boot=$(date +%s)
scripts_dir=$umlsrc/$scripts_rel
cat >"$run/config.sh" <<EOF
MONC_MODE=$mode
MONC_SRC=$umlsrc
MONC_MODROOT=$modroot
MONC_KUNIT_MODS="${kunit_mods[*]}"
MONC_OUR_MODS_UNLOAD_ORDER="${kunit_mods[*]} ${our_mods[*]} monc"
MONC_SCRIPTS_DIR=$scripts_dir
MONC_MONS=${MONC_MONS:-3}
MONC_AUTH=${MONC_AUTH:-none}
MONC_TEST_TIMEOUT=${MONC_TEST_TIMEOUT:-600}
MONC_CLUSTER=${MONC_CLUSTER:-1}
MONC_SCRIPTS="${MONC_SCRIPTS:-}"
MONC_CEPHX_PHASE=$cephx_phase
MONC_CEPHX_TTL=${MONC_CEPHX_TTL:-30}
EOF
say "booting UML (KUnit modules: ${kunit_mods[*]:-none}; console: $run/console.log)"
uml_rc=0
# timeout kills the whole process group, UML's helper processes included.
timeout -k 10 "${UML_TIMEOUT:-1200}" "$kbuild/linux" mem="${UML_MEM:-1G}" \
	uml_dir="$slot/umldir" root=/dev/root rootfstype=hostfs rootflags=/ rw \
	init="$umlsrc/tests/uml/init.sh" con=null con0=fd:0,fd:1 kasan_multi_shot watchdog_thresh=30 \
	MONC_RUN="$run" </dev/null >"$run/console.raw" 2>&1 &
uml_pid=$!
# Watchdog: a hung kernel should not cost the whole UML_TIMEOUT. Stop UML
# when init.sh's heartbeat file (touched every 5 s) is UML_HANG_SECS (120)
# old, when the console has been silent for 120 s after a sanitiser report,
# or silent for a script's timeout plus 120 s in any case. (init.sh tees
# script output to the console.)
watchdog=
last_size=-1
last_change=$(date +%s)
while kill -0 "$uml_pid" 2>/dev/null; do
	sleep 2
	size=$(stat -c %s "$run/console.raw")
	now=$(date +%s)
	if [ -e "$run/heartbeat" ]; then
		beat=$((now - $(stat -c %Y "$run/heartbeat")))
		if [ "$beat" -ge "${UML_HANG_SECS:-120}" ]; then
			watchdog="no heartbeat from UML's user space for ${beat}s (kernel hung?)"
		fi
	fi
	if [ -z "$watchdog" ]; then
		if [ "$size" != "$last_size" ]; then
			last_size=$size
			last_change=$now
			continue
		fi
		quiet=$((now - last_change))
		[ "$quiet" -ge 120 ] || continue
		if [ "$quiet" -ge $((${MONC_TEST_TIMEOUT:-600} + 120)) ]; then
			watchdog="console silent for ${quiet}s"
		elif grep -aqE "$sanitiser" "$run/console.raw"; then
			watchdog="console silent for ${quiet}s after a kernel report"
		else
			continue
		fi
	fi
	say "stopping UML: $watchdog"
	kill -TERM -- "-$uml_pid" 2>/dev/null || true
	for _ in 1 2 3 4 5; do
		kill -0 "$uml_pid" 2>/dev/null || break
		sleep 2
	done
	kill -KILL -- "-$uml_pid" 2>/dev/null || true
	break
done
wait "$uml_pid" || uml_rc=$?
tr -d '\r' <"$run/console.raw" >"$run/console.log"
t_end=$(date +%s)
rm -f "$run/console.raw"

# 7. Count.
echo
if [ "$mode" = check ]; then
	python3 "$umlsrc/tests/uml/ktap.py" "$run/console.log" \
		"$kcache/src/tools/testing/kunit/kunit.py" "$run/kunit.ktap" >"$run/kunit.txt" 2>&1 ||
		echo "KUNIT passed=0 failed=1 skipped=0" >>"$run/kunit.txt"
	# The suites' summary lines and every case that did not pass; the full
	# report is in kunit.txt.
	grep -v '^KUNIT ' "$run/kunit.txt" | sed -e 's/^\[[0-9:]*\] //' |
		grep -vE '^\[PASSED\]|^=+$|^=+ [^[]' || true
	read -r kp kf ks < <(sed -n 's/^KUNIT passed=\([0-9]*\) failed=\([0-9]*\) skipped=\([0-9]*\)$/\1 \2 \3/p' "$run/kunit.txt" | tail -n1) || true
	passed=$((passed + ${kp:-0}))
	skipped=$((skipped + ${ks:-0}))
	if [ "${kf:-1}" -gt 0 ]; then
		failed=$((failed + kf))
		failures+=("KUnit: $kf failed (see $run/kunit.txt)")
	fi
	if [ ${#kunit_mods[@]} -gt 0 ] && [ "${kp:-0}${kf:-0}" = 00 ]; then
		result "not ok" "KUnit modules printed results"
	fi
	echo
fi

count_tap "" <"$run/init.tap" 2>/dev/null || true
shopt -s nullglob
cephx_runs=()
if [ "$cephx_phase" = 1 ]; then
	# NAME@cephx: the second run of a *cephx*.sh script, on the cephx cluster.
	cephx_runs=("$scripts_dir"/*cephx*.sh)
	cephx_runs=("${cephx_runs[@]/%.sh/@cephx.sh}")
fi
for t in "$scripts_dir"/*.sh "${cephx_runs[@]}"; do
	[ -x "$t" ] || [ -x "${t%@cephx.sh}.sh" ] || continue
	name=$(basename "$t" .sh)
	selected "$name" || continue
	out=$run/scripts/$name.out
	if [ ! -f "$run/scripts/$name.rc" ]; then
		result "not ok" "$name: did not run to the end"
		continue
	fi
	[ "$mode" = check ] || cat "$out"
	n_before=$((passed + failed + skipped))
	count_tap "$name: " <"$out"
	rc=$(cat "$run/scripts/$name.rc")
	if [ "$rc" != 0 ]; then
		result "not ok" "$name: exit status $rc (124 = timeout; see $out)"
	elif [ $((passed + failed + skipped)) = "$n_before" ]; then
		result "not ok" "$name: printed no TAP result"
	fi
done
shopt -u nullglob

if [ "$uml_rc" = 0 ]; then
	result ok "UML exited 0"
else
	tail -n 30 "$run/console.log"
	result "not ok" "UML exited 0 (got $uml_rc; 124 = timeout, 134 = panic${watchdog:+; watchdog: $watchdog}; see $run/console.log)"
fi
if grep -qx 'MONC-UML-DONE' "$run/console.log"; then
	result ok "UML init reached its done marker"
else
	result "not ok" "UML init reached its done marker"
fi
if grep -nE -B2 -A20 "$sanitiser" "$run/console.log" >"$run/sanitiser.txt"; then
	head -n 60 "$run/sanitiser.txt"
	result "not ok" "no sanitiser report on the UML console (see $run/sanitiser.txt)"
else
	result ok "no sanitiser report on the UML console"
fi

wait "$deb_pid" || true
grep -vE '^(not )?ok ' "$run/deb.tap" || true
count_tap "" <"$run/deb.tap"
# Where the time went (seconds): host side, then inside UML.
times="kernel+setup $((t_build - t_start)), uml modules $((t_boot - t_build)), uml run $((t_end - t_boot))"
if [ -s "$run/timings" ]; then
	times="$times ($(awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}' "$run/timings" || true))"
fi
say "time: $times; deb build + qemu in parallel"
finish

exit
}
