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
#  6. boot one UML per lane, in parallel (tests/uml/init.sh as PID 1): in
#     check mode, KUnit, kmemleak and tests/integration/*.sh against three
#     monitors of MONC_CEPH (tentacle) with auth none; in a lane of its
#     own, its *cephx*.sh against three with cephx and short tickets
#     (MONC_CEPHX_TTL); the MONC_SPLIT scripts in a third, with cephx; and
#     the interop lane: tests/interop/smoke.sh against each release of
#     MONC_SMOKE (pacific reef; reef's on the Linux 7.2 kernel, step 3b)
#     with cephx and with auth none, then the msgr2 phase
#  7. count: every KUnit leaf case, every TAP line of an integration script
#     and every other check is one test. Last line: "N passed, M failed".
#
# Environment: KDIR, BUILD_DIR (default /var/tmp/monc-build), MONC_MODE
# (check|demo|soak|bench), MONC_CEPH (tentacle|reef|pacific), MONC_SMOKE
# (releases of the smoke lanes, "pacific reef"; empty: none), MONC_LANES
# (only these lanes), MONC_MONS (3), MONC_AUTH (none|cephx; demo: cephx),
# UML_MEM (1G), UML_TIMEOUT (s, default 2400), MONC_TEST_TIMEOUT (per script,
# 600), MONC_CEPHX_PHASE (1), MONC_CEPHX_LANE (its lane, tentacle-cephx),
# MONC_CEPHX_MORE (scripts run in it too; none), MONC_CEPHX_TTL (ticket
# TTL of the cephx clusters, 30 s), MONC_CEPHX_AES (1: Tentacle's cephx clusters use an aes
# key and allow aes too: the mixed cluster), MONC_SKIP_DEPS=1, MONC_SKIP_QEMU=1,
# MONC_SKIP_MATRIX=1 (no deb/matrix/dkms/QEMU job: a quick loop), MONC_SCRIPTS
# (only the scripts whose names start with one of these words; "none" runs
# none), MONC_SCRIPTS_DIR (check mode's scripts, default tests/integration),
# MONC_UML_VERSION (6.1; 7.2: the run on the Linux 7.2 UML kernel alone),
# MONC_UML72 (0: no run on the Linux 7.2 UML kernel; default 1, 0 with
# MONC_SKIP_MATRIX=1), MONC_SMOKE72 (the releases of MONC_SMOKE whose smoke
# runs on the 7.2 kernel instead; reef), MONC_SMOKE_LANE (the lane of the
# smoke phases; interop), MONC_MAIN_PHASE (0: the release's lane runs no
# scripts of its own, only KUnit and what other phases join it),
# MONC_MORE72 (integration scripts that run on the 7.2 kernel instead,
# NAME@cephx or NAME@none; "28-netns@cephx 30-monfs@none"),
# MONC_SMOKE_MORE_CEPHX, MONC_SMOKE_MORE_NONE (how the 7.2 run is told).
set -euo pipefail
# The body is one { } block so that bash parses it whole before running it:
# editing this file during a run cannot break the run.
{

repo=$(cd "$(dirname "$0")/../.." && pwd)
mode=${MONC_MODE:-check}
build_root=${BUILD_DIR:-/var/tmp/monc-build}
sanitiser='^(BUG|WARNING|INFO|ODEBUG|UBSAN):|^(kernel BUG at|Kernel panic|unreferenced object|------------\[ cut here \])|general protection fault|Kernel mode fault'
t_start=$(date +%s)

case "$mode" in
check) scripts_rel=${MONC_SCRIPTS_DIR:-tests/integration} ;;
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
		# Drop the number and a leading "- " (no sed: a fork per line
		# was seconds of CPU at the end of a run on a loaded host).
		[[ "$line" =~ ^(not )?ok\ +[0-9]*\ *(- )?(.*)$ ]] && line=${BASH_REMATCH[3]}
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

# The Ceph releases the lanes run: Reef and Tentacle come from Debian chroots
# (tests/uml/chroot.sh SUITE, cached under MONC_CHROOT_CACHE), made or reused
# in the background while the UML kernel builds.
release=${MONC_CEPH:-tentacle}
declare -A suite_of=([reef]=trixie [tentacle]=sid) chroot_job
start_release() { # start_release RELEASE: make its chroot in the background
	local s=${suite_of[$1]:-}
	[ -n "$s" ] && [ -z "${chroot_job[$s]:-}" ] || return 0
	[ -e "${MONC_CHROOT_CACHE:-/var/cache/monc-chroot}/$s/.monc-ready" ] && return 0
	say "making the Debian $s chroot for Ceph $1 (tests/uml/chroot.sh $s; once, then cached)"
	mkdir -p "$build_root"
	"$repo/tests/uml/chroot.sh" "$s" >/dev/null 2>"$build_root/chroot-$s.log" &
	chroot_job[$s]=$!
}
ensure_release() { # ensure_release RELEASE: wait until its tools are there
	local s=${suite_of[$1]:-}
	[ -n "$s" ] || return 0
	start_release "$1"
	case "${chroot_job[$s]:-}" in
	'' | finished) ;;
	*)
		if ! wait "${chroot_job[$s]}"; then
			tail -n 20 "$build_root/chroot-$s.log"
			return 1
		fi
		chroot_job[$s]=finished
		;;
	esac
	[ -e "${MONC_CHROOT_CACHE:-/var/cache/monc-chroot}/$s/.monc-ready" ]
}
start_release "$release"
if [ "$mode" = check ]; then
	for r in ${MONC_SMOKE-pacific reef}; do start_release "$r"; done
fi

# 2. The UML kernel.
if ! kbuild=$(QUIET=${QUIET:-0} "$repo/tests/uml/build-kernel.sh"); then
	result "not ok" "build the Linux ${MONC_UML_VERSION:-6.1} UML kernel (tests/uml/build-kernel.sh)"
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
# deleted), so a warm build recompiles only what changed. What changed is
# decided by content (--checksum), and a changed file gets a fresh mtime
# (-a without -t): a tree whose file is older than the slot's object, a
# branch checked out after another, must still rebuild it.
rsync -rlpD --checksum --delete "${products[@]}" "$repo/" "$slot/uml/"

# 3b. The second UML kernel, Linux 7.2 (build-kernel.sh, MONC_UML_VERSION=7.2):
# this script again, in a build slot of its own and in parallel with
# everything below, for every KUnit suite and tests/interop/smoke.sh (mount,
# statfs, get_version, SIGKILL failover, renewal, unload; kmemleak) against
# the releases of MONC_SMOKE72 (default reef), each with cephx and then
# auth none on one cluster, in the lane of its KUnit: those phases leave
# the interop lane, the longest of the run, for this one, which ends
# minutes before it. With them, the integration scripts of MONC_MORE72
# (NAME@cephx or NAME@none: 28-netns, whose namespaces and socket calls
# are among what differs between kernels, with cephx; 30-monfs, the
# filesystem whose VFS calls compat.h carries across them, with auth
# none) run there, before the smoke of the first, instead of in the
# 6.1 lanes. MONC_SMOKE72='' (or a MONC_SMOKE without them): the
# smoke against three Tentacle monitors with auth none instead. Its results
# are counted at the end; a 7.2 kernel that does not build is its "not ok -
# build the UML kernel". MONC_UML72=0 skips it (a developer's quick loop,
# MONC_SKIP_MATRIX=1, too).
smoke_releases=${MONC_SMOKE-pacific reef} smoke72='' moved72='' more72_cephx='' more72_none=''
uml72_pid=
uml72_default=1
[ "${MONC_SKIP_MATRIX:-0}" = 1 ] && uml72_default=0
if [ "$mode" = check ] && [ "${MONC_UML_VERSION:-6.1}" = 6.1 ] &&
	[ "${MONC_UML72:-$uml72_default}" = 1 ]; then
	for r in ${MONC_SMOKE72-reef}; do
		[[ " $smoke_releases " == *" $r "* ]] || continue
		smoke72+=" $r"
		smoke_releases=" $smoke_releases "
		smoke_releases=${smoke_releases/ $r / }
	done
	read -r -a smoke_list <<<"$smoke_releases"
	smoke_releases=${smoke_list[*]} smoke72=${smoke72# }
	main72=1
	if [ -n "$smoke72" ]; then
		main72=0
		for w in ${MONC_MORE72-28-netns@cephx 30-monfs@none}; do
			case "$w" in
			*@cephx) more72_cephx+=" ${w%@*}" ;;
			*@none) more72_none+=" ${w%@*}" ;;
			*) echo "check: MONC_MORE72: $w is not NAME@cephx or NAME@none" >&2; exit 2 ;;
			esac
			moved72+=" ${w%@*}"
		done
	fi
	say "Linux 7.2 UML kernel: KUnit and tests/interop/smoke.sh (${smoke72:-$release, auth none}), in parallel (log: $run/uml72.out)"
	t72_start=$(date +%s)
	# At nice 5: its lane ends minutes before the others, and what it
	# takes of the two cores early it takes from them.
	MONC_UML_VERSION=7.2 MONC_SCRIPTS_DIR=tests/interop MONC_SCRIPTS=smoke MONC_CEPH=$release \
		MONC_MAIN_PHASE=$main72 MONC_SMOKE="$smoke72" MONC_SMOKE_LANE=$release MONC_SMOKE72='' \
		MONC_SMOKE_MORE_CEPHX="${more72_cephx# }" MONC_SMOKE_MORE_NONE="${more72_none# }" MONC_MORE72='' \
		MONC_SPLIT='' MONC_LANES='' MONC_MONS=3 MONC_AUTH=none MONC_CEPHX_PHASE=0 \
		MONC_SKIP_DEPS=1 MONC_SKIP_QEMU=1 QUIET=0 nice -n 5 "$repo/tests/uml/check.sh" >"$run/uml72.out" 2>&1 &
	uml72_pid=$!
fi

# 4. In the background: W=1 + sparse builds for Debian 12's, 13's and
# unstable's kernels (tests/uml/matrix.sh, demo mode: 12's only), the
# deps.sh and dkms tests, and the stock-kernel load test.
deb_job() {
	local matrix=(bookworm)
	# It needs 5-7 min of CPU and nothing waits for it until the lanes
	# end: at nice 10 it takes the CPU the lanes leave (they wait on
	# timeouts and monitors a lot) instead of slowing the critical lane.
	renice -n 10 -p "$BASHPID" >/dev/null 2>&1 || true
	# The run on the 7.2 UML kernel (below) leaves these to the main run.
	[ "${MONC_UML_VERSION:-6.1}" = 6.1 ] || return 0
	# A developer's quick loop: only the UML lanes.
	[ "${MONC_SKIP_MATRIX:-0}" = 1 ] && return 0
	if [ "$mode" = check ]; then
		matrix=(bookworm trixie sid)
		"$repo/tests/uml/deps-test.sh"
		"$repo/tests/uml/dkms-test.sh" "$run/dkms"
	fi
	# The host build's headers: KDIR, or the newest installed (looked up
	# here, after deps.sh, since a fresh machine has none before it).
	KDIR=${KDIR:-$( (ls -d /usr/src/linux-headers-*-amd64 2>/dev/null || true) | sort -V | tail -n 1)} \
		MONC_MATRIX_TREES=$slot/matrix-trees "$repo/tests/uml/matrix.sh" "$run/matrix" "${matrix[@]}"
	[ "$mode" = check ] && [ "${MONC_SKIP_QEMU:-0}" != 1 ] || return 0
	if [ -f "$run/matrix/bookworm/monc.ko" ]; then
		"$repo/tests/qemu/stock-load.sh" "$run/matrix/bookworm/monc.ko" "$run/qemu" 2>>"$run/qemu.err"
	else
		echo "not ok - monc.ko loads on the stock kernel (QEMU): no monc.ko was built"
	fi
	# Debian 13's stock 6.12 kernel, from the trixie chroot.
	if [ -f "$run/matrix/trixie/monc.ko" ]; then
		STOCK_ROOT=$(QUIET=1 "$repo/tests/uml/chroot.sh" trixie) "$repo/tests/qemu/stock-load.sh" \
			"$run/matrix/trixie/monc.ko" "$run/qemu-trixie" 2>>"$run/qemu.err"
	else
		echo "not ok - monc.ko loads on Debian 13's stock kernel (QEMU): no monc.ko was built"
	fi
}
# (its CPU seconds, and when it ended, for the summary)
{ deb_job; times >"$run/deb.times"; date +%s >>"$run/deb.times"; } >"$run/deb.tap" 2>&1 &
deb_pid=$!

# 5. Modules for UML. The 7.2 kernel was built in the sid chroot, with its
# gcc and against its glibc (the tree's host tools): build them there too,
# with the kernel cache and the slot at the same paths.
t_build=$(date +%s)
umlsrc=$slot/uml
ulog=$run/uml-build.log
umake() {
	if [ "${MONC_UML_VERSION:-6.1}" = 6.1 ]; then
		make "$@"
	else
		"$repo/tests/uml/in-chroot.sh" "$(readlink -f "$(QUIET=1 "$repo/tests/uml/chroot.sh" sid)")" \
			"$(dirname "$kcache"):$(dirname "$kcache")" "$slot:$slot" -- make "$@"
	fi
}
orders=("$umlsrc/modules.order")
build_ok=1
if umake -C "$kbuild" M="$umlsrc" ARCH=um modules >"$ulog" 2>&1; then
	# Kbuild normally descends into tests/*/ itself; build any such
	# directory it did not, against monc's Module.symvers.
	for d in "$umlsrc"/tests/*/; do
		d=${d%/}
		[ -f "$d/Kbuild" ] || continue
		grep -qE "^($umlsrc/)?tests/$(basename "$d")/" "$umlsrc/modules.order" && continue
		umake -C "$kbuild" M="$d" ARCH=um \
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

# 6. Boot UML: one instance per lane, in parallel (each UML has its own
# loopback, so every lane's monitors use the same ports). A lane is a list
# of phases; a phase is a monitor cluster and the scripts run against it.
# The clusters' slow set-up (monmaptool, mkfs) is done here on the host,
# where it takes 0.5 s instead of ~10 s; the lane's init.sh only starts them.
#
#   check: "tentacle" (the release of MONC_CEPH): KUnit, tests/integration/*.sh
#          on 3 monitors with auth none, then its *cephx*.sh on 3 monitors
#          with cephx and short tickets (MONC_CEPHX_TTL);
#          one lane per release of MONC_SMOKE (pacific reef): tests/interop/
#          smoke.sh with auth none, then with cephx and short tickets.
#   demo, soak, bench: one lane, tests/MODE/*.sh (soak: and its *cephx*.sh
#          on a cephx cluster).
# MONC_LANES="tentacle reef" runs only those lanes.
t_prep=$(date +%s)
scripts_dir=$umlsrc/$scripts_rel
ttl=${MONC_CEPHX_TTL:-30}
lanes=()
declare -A lane_phases lane_kunit lane_release
# cephx knobs of a release. Tentacle's defaults allow only aes256k keys,
# and its ceph-authtool makes them; MONC_CEPHX_AES=1 gives its cephx
# clusters an aes client key and auth_allowed_ciphers = aes, aes256k
# instead (a mixed cluster).
cephx_env() { # cephx_env RELEASE: the start.sh settings for a cephx cluster
	if [ "$1" = tentacle ] && [ "${MONC_CEPHX_AES:-0}" = 1 ]; then
		echo "MONC_CEPHX_KEY_TYPE=aes MONC_CEPHX_CIPHERS=aes,aes256k"
	fi
}
selected_scripts() { # selected_scripts GLOB...: REPLY=the executable, selected ones
	local t
	REPLY=
	for t in "$@"; do
		[ -x "$t" ] && selected "$(basename "$t" .sh)" && REPLY+=" $t"
	done
	REPLY=${REPLY# }
}
lane_wanted() { # lane_wanted NAME: picked by MONC_LANES (unset: all)
	[ -z "${MONC_LANES:-}" ] && return 0
	[[ " ${MONC_LANES//,/ } " == *" $1 "* ]]
}
# add_phase LANE NAME TAG AUTH NMONS TTL SCRIPTS [RELEASE]: a phase of LANE
# (against RELEASE, default the lane's); its cluster is prepared into LANE's
# run directory in the background (wait_prepares collects them). AUTH
# "=none" (or "=cephx"): no cluster of its own; the scripts run with that
# MONC_AUTH on the cluster of the lane's previous phase, which must allow
# it (AUTH "cephx,none"), and which is then left up for it.
declare -A prep_pid prep_what lane_last
prep_order=() ns_prep_pids=()
add_phase() {
	local lane=$1 name=$2 tag=$3 auth=$4 nmons=$5 pttl=$6 scripts=$7 what
	local rel=${8:-${lane_release[$lane]}} dir=$run/$lane
	if [[ $auth == =* ]]; then
		[ -n "${lane_last[$lane]:-}" ] || return 1
		lane_phases[$lane]+=" $name"
		cat >>"$dir/config.sh" <<-EOT
			PHASE_${lane_last[$lane]}_KEEP=1
			PHASE_${name}_REUSE=1
			PHASE_${name}_AUTH="${auth#=}"
			PHASE_${name}_CEPH="$rel"
			PHASE_${name}_TAG="$tag"
			PHASE_${name}_SCRIPTS="$scripts"
		EOT
		lane_last[$lane]=$name
		return 0
	fi
	lane_last[$lane]=$name
	if ! ensure_release "$rel"; then
		result "not ok" "$(lane_prefix "$lane")install Ceph $rel (tests/uml/chroot.sh ${suite_of[$rel]}; see $build_root/chroot-${suite_of[$rel]}.log)"
		return 1
	fi
	mkdir -p "$dir"
	what="$nmons mons, auth $auth"
	[[ $auth == cephx* ]] && what+=", ticket TTL ${pttl:-default}${pttl:+ s}"
	if [ "${MONC_CLUSTER:-1}" = 1 ]; then
		# shellcheck disable=SC2046 # cephx_env prints VAR=VALUE words
		env MONC_CEPH="$rel" MONC_CLUSTER_DIR=/tmp/monc-cluster MONC_AUTH="$auth" \
			MONC_MSGR="${MONC_PHASE_MSGR:-v1}" \
			MONC_TICKET_TTL=$([[ $auth == cephx* ]] && echo "$pttl") \
			$([[ $auth == cephx* ]] && cephx_env "$rel") \
			"$umlsrc/tests/cluster/start.sh" --prepare "$dir/cluster-seed-$name" "$nmons" \
			>"$dir/cluster-prepare-$name.log" 2>&1 &
		prep_pid[$lane/$name]=$!
		prep_what[$lane/$name]="$rel cluster ($what)"
		prep_order+=("$lane/$name")
		# 28-netns's one-monitor cluster in a namespace of its own
		# (port 6800, the phase's auth): a seed too, which saves it
		# ~25 s of CPU inside UML. It falls back to a full start
		# without one.
		if [[ " $scripts " == *"/28-netns.sh "* ]]; then
			env MONC_CEPH="$rel" MONC_CLUSTER_DIR=/tmp/monc-ns-cluster MONC_AUTH="${auth%%,*}" \
				MONC_BASE_PORT=6800 MONC_TICKET_TTL=$([[ $auth == cephx* ]] && echo "$pttl") \
				"$umlsrc/tests/cluster/start.sh" --prepare "$dir/cluster-seed-$name-ns" 1 \
				>"$dir/cluster-prepare-$name-ns.log" 2>&1 || rm -rf "$dir/cluster-seed-$name-ns" &
			ns_prep_pids+=($!)
		fi
	fi
	lane_phases[$lane]+=" $name"
	cat >>"$dir/config.sh" <<-EOT
		PHASE_${name}_CEPH="$rel"
		PHASE_${name}_TAG="$tag"
		PHASE_${name}_WHAT="$what"
		PHASE_${name}_SCRIPTS="$scripts"
	EOT
}
wait_prepares() { # wait for every prepare; drop the phases whose failed
	local k lane name log
	# (never a bare wait: that would wait for the side jobs too)
	[ ${#ns_prep_pids[@]} = 0 ] || wait "${ns_prep_pids[@]}" 2>/dev/null || true
	for k in "${prep_order[@]}"; do
		wait "${prep_pid[$k]}" && continue
		lane=${k%%/*} name=${k#*/}
		log=$run/$lane/cluster-prepare-$name.log
		cat "$log"
		rm -rf "$run/$lane/cluster-seed-$name"
		result "not ok" "$(lane_prefix "$lane")prepare the ${prep_what[$k]} (see $log)"
		lane_phases[$lane]=" ${lane_phases[$lane]} "
		lane_phases[$lane]=${lane_phases[$lane]/ $name / }
	done
}
lane_prefix() { # the prefix of a lane's results ("" for the first lane)
	[ "$1" = "${lanes[0]}" ] && return 0
	echo "$1: "
}
new_lane() { # new_lane NAME RELEASE KUNIT(0|1)
	lane_wanted "$1" || return 1
	lanes+=("$1")
	lane_release[$1]=$2
	lane_kunit[$1]=$3
	lane_phases[$1]=
	rm -rf "${run:?}/$1"
	mkdir -p "$run/$1"
	: >"$run/$1/config.sh"
}
case "$mode" in
check)
	# The scripts named by MONC_SPLIT (name prefixes) run in a second lane
	# of the same release, "$release-b", on a cluster of its own, with the
	# release's default cephx (MONC_SPLIT_AUTH): the client-module APIs
	# (25, 27, 28) and the reliability scripts as a client meets them
	# (75-unload, short and auth-blind, evens the first lane out).
	split=${MONC_SPLIT-25 27 28 60 70}
	# The *cephx*.sh scripts run again on a cephx cluster with short
	# tickets: a lane of its own, "$release-cephx" (MONC_CEPHX_LANE;
	# "$release" puts the phase after the first lane's). Most of its wall
	# time is waiting for tickets to expire (one TTL for the renewal,
	# three for the stale authorizer), which costs no CPU beside the other
	# lanes. The scripts named by MONC_CEPHX_MORE (default none) run
	# there instead of in their lane. (25-command and 27-fsname there:
	# on a host at a load of 15, monitor commands timed out and the
	# client's reconnect was refused, its 30 s tickets expired; on the
	# default TTL of tentacle-b they do not depend on the host's speed.)
	cephx_on=0 cephx_lane=${MONC_CEPHX_LANE:-$release-cephx}
	[ "${MONC_AUTH:-none}" != cephx ] && [ "${MONC_CEPHX_PHASE:-1}" = 1 ] && cephx_on=1
	more=${MONC_CEPHX_MORE:-}
	selected_scripts "$scripts_dir"/*.sh
	main_scripts='' split_scripts='' cephx_scripts=''
	for t in $REPLY; do
		b=$(basename "$t" .sh)
		# (those that run on the Linux 7.2 kernel instead, step 3b)
		[[ " $moved72 " == *" $b "* ]] && continue
		if [ "$cephx_on" = 1 ] && [ -n "$more" ] && MONC_SCRIPTS=$more selected "$b"; then
			cephx_scripts+=" $t"
			continue
		fi
		[[ $b == *cephx* ]] && cephx_scripts+=" $t"
		if [ -n "$split" ] && MONC_SCRIPTS=$split selected "$b"; then
			split_scripts+=" $t"
		else
			main_scripts+=" $t"
		fi
	done
	if new_lane "$release" "$release" 1; then
		[ -z "$main_scripts" ] || [ "${MONC_MAIN_PHASE:-1}" = 0 ] ||
			add_phase "$release" main "" "${MONC_AUTH:-none}" "${MONC_MONS:-3}" "" "${main_scripts# }" || true
	fi
	if [ "$cephx_on" = 1 ] && [ -n "$cephx_scripts" ] &&
		{ [ -n "${lane_release[$cephx_lane]:-}" ] || new_lane "$cephx_lane" "$release" 0; }; then
		add_phase "$cephx_lane" cephx @cephx cephx "${MONC_MONS:-3}" "$ttl" "${cephx_scripts# }" || true
	fi
	if [ -n "$split_scripts" ] && new_lane "$release-b" "$release" 0; then
		add_phase "$release-b" main "" "${MONC_SPLIT_AUTH:-${MONC_AUTH:-cephx}}" "${MONC_MONS:-3}" "" "${split_scripts# }" || true
	fi
	# The smoke of the other releases: one lane, "interop" (MONC_SMOKE_LANE),
	# a phase per release and auth (MONC_SMOKE_LANES=1: a lane per release
	# instead).
	# The integration scripts of MONC_SMOKE_MORE_CEPHX and _NONE (names)
	# run before the smoke of the first release, in its cephx and its none
	# phase (the 7.2 run's share of them, step 3b).
	selected_scripts "$umlsrc/tests/interop/smoke.sh"
	smoke=$REPLY
	more_cephx='' more_none=''
	for w in ${MONC_SMOKE_MORE_CEPHX:-} @ ${MONC_SMOKE_MORE_NONE:-}; do
		if [ "$w" = @ ]; then
			more_cephx=$more_none more_none=''
		elif [ -x "$umlsrc/tests/integration/$w.sh" ]; then
			more_none+="$umlsrc/tests/integration/$w.sh "
		else
			result "not ok" "run tests/integration/$w.sh beside the smoke: there is no such script"
		fi
	done
	for r in $smoke_releases; do
		[ -n "$smoke" ] && [ "$r" != "$release" ] || continue
		lane=${MONC_SMOKE_LANE:-interop}
		[ "${MONC_SMOKE_LANES:-0}" = 1 ] && lane=$r
		if [ -z "${lane_release[$lane]:-}" ]; then
			new_lane "$lane" "$r" 0 || continue
		fi
		# One cluster that allows cephx and none: the cephx smoke, then
		# the none smoke on it (a cluster start is 50 s under UML).
		add_phase "$lane" "${r}_cephx" "@$r-cephx" cephx,none 3 "$ttl" "$more_cephx$smoke" "$r" &&
			add_phase "$lane" "${r}_none" "@$r-none" =none 3 "" "$more_none$smoke" "$r" || true
		more_cephx='' more_none=''
	done
	# msgr2 (issue #14): tests/msgr2/*.sh against monitors of the release
	# bound to msgr2 only, with the release's cephx, then auth none on the
	# same cluster (MONC_V2_PHASE=0: none), in the lane MONC_V2_LANE
	# (interop). A lane is one UML, which uses one core at most: the
	# heaviest lane's CPU time is the least wall time of the run, so the
	# phase goes to a lane that stays lighter than $release-b with it.
	selected_scripts "$umlsrc"/tests/msgr2/*.sh
	v2_scripts=$REPLY v2_lane=${MONC_V2_LANE:-interop}
	if [ -n "$v2_scripts" ] && [ "${MONC_V2_PHASE:-1}" = 1 ] &&
		{ [ -n "${lane_release[$v2_lane]:-}" ] || new_lane "$v2_lane" "$release" 0; }; then
		MONC_PHASE_MSGR=v2 add_phase "$v2_lane" v2_cephx @v2-cephx cephx,none "${MONC_MONS:-3}" "$ttl" "$v2_scripts" "$release" &&
			add_phase "$v2_lane" v2_none @v2-none =none "${MONC_MONS:-3}" "" "$v2_scripts" "$release" || true
	fi
	;;
*)
	# demo and soak on cephx clusters of the default release; demo with cephx.
	[ "$mode" = demo ] && MONC_AUTH=${MONC_AUTH:-cephx}
	new_lane "$mode" "$release" 0 || { echo "check: MONC_LANES leaves no lane" >&2; exit 2; }
	selected_scripts "$scripts_dir"/*.sh
	add_phase "$mode" main "" "${MONC_AUTH:-none}" "${MONC_MONS:-3}" "$ttl" "$REPLY" || true
	selected_scripts "$scripts_dir"/*cephx*.sh
	if [ "$mode" = soak ] && [ -n "$REPLY" ] && [ "${MONC_AUTH:-none}" != cephx ]; then
		add_phase "$mode" cephx @cephx cephx "${MONC_MONS:-3}" "$ttl" "$REPLY" || true
	fi
	;;
esac
wait_prepares
# A lane with nothing left to run (its clusters could not be prepared) is
# not booted.
booted=()
for lane in "${lanes[@]}"; do
	[ -n "${lane_phases[$lane]}" ] || [ "${lane_kunit[$lane]}" = 1 ] && booted+=("$lane")
done
lanes=("${booted[@]}")
t_boot=$(date +%s)
for lane in "${lanes[@]}"; do
	cat >>"$run/$lane/config.sh" <<-EOF
		MONC_MODE=$mode
		MONC_LANE=$lane
		MONC_CEPH=${lane_release[$lane]}
		MONC_KUNIT=${lane_kunit[$lane]}
		MONC_PHASES="$(echo ${lane_phases[$lane]})"
		MONC_SRC=$umlsrc
		MONC_MODROOT=$modroot
		MONC_KUNIT_MODS="${kunit_mods[*]}"
		MONC_OUR_MODS_UNLOAD_ORDER="${kunit_mods[*]} ${our_mods[*]} monc"
		MONC_MONS=${MONC_MONS:-3}
		MONC_AUTH=${MONC_AUTH:-none}
		MONC_TEST_TIMEOUT=${MONC_TEST_TIMEOUT:-600}
		MONC_CLUSTER=${MONC_CLUSTER:-1}
	EOF
done

# Boot every lane; a watchdog per lane (below).
declare -A lane_pid lane_rc lane_watchdog lane_size lane_change lane_end
for lane in "${lanes[@]}"; do
	d=$run/$lane
	mkdir -p "$slot/umldir/$lane"
	say "booting UML lane $lane (phases:${lane_phases[$lane]}; console: $d/console.log)"
	# timeout kills the whole process group, UML's helper processes included.
	timeout -k 10 "${UML_TIMEOUT:-2400}" "$kbuild/linux" mem="${UML_MEM:-1G}" \
		uml_dir="$slot/umldir/$lane" root=/dev/root rootfstype=hostfs rootflags=/ rw \
		init="$umlsrc/tests/uml/init.sh" con=null con0=fd:0,fd:1 kasan_multi_shot watchdog_thresh=30 \
		MONC_RUN="$d" </dev/null >"$d/console.raw" 2>&1 &
	lane_pid[$lane]=$!
	lane_rc[$lane]=
	lane_watchdog[$lane]=
	lane_size[$lane]=-1
	lane_change[$lane]=$(date +%s)
done
# Watchdog: a hung kernel should not cost the whole UML_TIMEOUT. Stop a
# lane's UML when its init.sh's heartbeat file (touched every 5 s) is
# UML_HANG_SECS (300) old and its console quiet for 60 s, when its console
# has been silent for 120 s after
# a sanitiser report, or silent for a script's timeout plus 120 s in any
# case. (init.sh tees script output to the console.)
lane_check() { # lane_check LANE NOW: set lane_watchdog[LANE] if it hangs
	local lane=$1 now=$2 d=$run/$1 size beat quiet
	size=$(stat -c %s "$d/console.raw")
	if [ "$size" != "${lane_size[$lane]}" ]; then
		lane_size[$lane]=$size
		lane_change[$lane]=$now
		return
	fi
	quiet=$((now - lane_change[$lane]))
	# UML cannot preempt kernel code: a long KUnit suite keeps user space
	# (and so the heartbeat) off the CPU while the console is busy. A stale
	# heartbeat means a hang only when the console is quiet as well.
	if [ -e "$d/heartbeat" ] && [ "$quiet" -ge 60 ]; then
		beat=$((now - $(stat -c %Y "$d/heartbeat")))
		if [ "$beat" -ge "${UML_HANG_SECS:-300}" ]; then
			lane_watchdog[$lane]="no heartbeat from UML's user space for ${beat}s (kernel hung?)"
			return
		fi
	fi
	[ "$quiet" -ge 120 ] || return 0
	if [ "$quiet" -ge $((${MONC_TEST_TIMEOUT:-600} + 120)) ]; then
		lane_watchdog[$lane]="console silent for ${quiet}s"
	elif grep -aqE "$sanitiser" "$d/console.raw"; then
		lane_watchdog[$lane]="console silent for ${quiet}s after a kernel report"
	fi
}
lane_stop() { # lane_stop LANE: TERM, then KILL, the lane's process group
	local p=${lane_pid[$1]}
	say "stopping UML lane $1: ${lane_watchdog[$1]}"
	kill -TERM -- "-$p" 2>/dev/null || true
	for _ in 1 2 3 4 5; do
		kill -0 "$p" 2>/dev/null || break
		sleep 2
	done
	kill -KILL -- "-$p" 2>/dev/null || true
}
# lanes_cpu NOW LANE...: append "EPOCH TICKS" to each LANE's cpu file: the
# CPU time (user + system, in clock ticks) of its UML so far: every host
# process below the lane's timeout (UML makes a process group of its own),
# with the children they reaped. One pass over /proc for every lane: a
# pass is ~0.1 s of CPU with four UMLs up, and it runs every 2 s.
lanes_cpu() {
	local now=$1 lane groups=
	shift
	for lane; do groups+=" ${lane_pid[$lane]}=$run/$lane/cpu"; done
	[ -n "$groups" ] || return 0
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v gs="$groups" -v t="$now" '
		{ p = $1; sub(/^.*\) /, ""); pp[p] = $2; c[p] = $12 + $13 + $14 + $15 }
		END {
			n = split(gs, w, " ")
			for (i = 1; i <= n; i++) {
				k = index(w[i], "=")
				f[substr(w[i], 1, k - 1)] = substr(w[i], k + 1)
			}
			for (p in pp) {
				for (q = p; q != "" && !(q in f) && q > 1; q = pp[q]) ;
				if (q in f) s[q] += c[p]
			}
			for (g in s) if (s[g]) print t, s[g] >>f[g]
		}' || true
}
running=${#lanes[@]}
while [ "$running" -gt 0 ]; do
	sleep 2
	running=0
	now=$(date +%s)
	up=()
	for lane in "${lanes[@]}"; do
		[ -z "${lane_rc[$lane]}" ] || continue
		if ! kill -0 "${lane_pid[$lane]}" 2>/dev/null; then
			rc=0
			wait "${lane_pid[$lane]}" || rc=$?
			lane_rc[$lane]=$rc
			lane_end[$lane]=$(date +%s)
			continue
		fi
		running=$((running + 1))
		up+=("$lane")
		lane_check "$lane" "$now"
		if [ -n "${lane_watchdog[$lane]}" ]; then
			lane_stop "$lane"
		fi
	done
	lanes_cpu "$now" "${up[@]}"
done
t_end=$(date +%s)

# 7. Count, lane by lane.
echo
shopt -s nullglob
for lane in "${lanes[@]}"; do
	d=$run/$lane
	pre=$(lane_prefix "$lane")
	tr -d '\r' <"$d/console.raw" >"$d/console.log"
	rm -f "$d/console.raw"
	if [ "${lane_kunit[$lane]}" = 1 ]; then
		python3 "$umlsrc/tests/uml/ktap.py" "$d/console.log" \
			"$kcache/src/tools/testing/kunit/kunit.py" "$d/kunit.ktap" >"$d/kunit.txt" 2>&1 ||
			echo "KUNIT passed=0 failed=1 skipped=0" >>"$d/kunit.txt"
		# The suites' summary lines and every case that did not pass; the
		# full report is in kunit.txt.
		grep -v '^KUNIT ' "$d/kunit.txt" | sed -e 's/^\[[0-9:]*\] //' |
			grep -vE '^\[PASSED\]|^=+$|^=+ [^[]' || true
		kp='' kf='' ks=''
		read -r kp kf ks < <(sed -n 's/^KUNIT passed=\([0-9]*\) failed=\([0-9]*\) skipped=\([0-9]*\)$/\1 \2 \3/p' "$d/kunit.txt" | tail -n1) || true
		passed=$((passed + ${kp:-0}))
		skipped=$((skipped + ${ks:-0}))
		if [ "${kf:-1}" -gt 0 ]; then
			failed=$((failed + ${kf:-1}))
			failures+=("${pre}KUnit: ${kf:-1} failed (see $d/kunit.txt)")
		fi
		if [ ${#kunit_mods[@]} -gt 0 ] && [ "${kp:-0}${kf:-0}" = 00 ]; then
			result "not ok" "${pre}KUnit modules printed results"
		fi
		echo
	fi

	count_tap "$pre" <"$d/init.tap" 2>/dev/null || true
	for ph in ${lane_phases[$lane]}; do
		# The config file holds them; read them back without sourcing it all.
		tag=$(sed -n "s/^PHASE_${ph}_TAG=\"\(.*\)\"$/\1/p" "$d/config.sh")
		scripts=$(sed -n "s/^PHASE_${ph}_SCRIPTS=\"\(.*\)\"$/\1/p" "$d/config.sh")
		for t in $scripts; do
			name=$(basename "$t" .sh)$tag
			out=$d/scripts/$name.out
			if [ ! -f "$d/scripts/$name.rc" ]; then
				result "not ok" "$pre$name: did not run to the end"
				continue
			fi
			[ "$mode" = check ] || cat "$out"
			n_before=$((passed + failed + skipped))
			count_tap "$pre$name: " <"$out"
			rc=$(cat "$d/scripts/$name.rc")
			if [ "$rc" != 0 ]; then
				result "not ok" "$pre$name: exit status $rc (124 = timeout; see $out)"
			elif [ $((passed + failed + skipped)) = "$n_before" ]; then
				result "not ok" "$pre$name: printed no TAP result"
			fi
		done
	done

	uml_rc=${lane_rc[$lane]}
	if [ "$uml_rc" = 0 ]; then
		result ok "${pre}UML exited 0"
	else
		tail -n 30 "$d/console.log"
		result "not ok" "${pre}UML exited 0 (got $uml_rc; 124 = timeout, 134 = abort (panic)${lane_watchdog[$lane]:+; watchdog: ${lane_watchdog[$lane]}}; see $d/console.log)"
	fi
	if grep -qx 'MONC-UML-DONE' "$d/console.log"; then
		result ok "${pre}UML init reached its done marker"
	else
		result "not ok" "${pre}UML init reached its done marker"
	fi
	if grep -nE -B2 -A20 "$sanitiser" "$d/console.log" >"$d/sanitiser.txt"; then
		head -n 60 "$d/sanitiser.txt"
		result "not ok" "${pre}no sanitiser report on the UML console (see $d/sanitiser.txt)"
	else
		result ok "${pre}no sanitiser report on the UML console"
	fi
done
shopt -u nullglob

wait "$deb_pid" || true
grep -vE '^(not )?ok ' "$run/deb.tap" || true
count_tap "" <"$run/deb.tap"

# The run on the Linux 7.2 UML kernel (started in step 3b): its count.
if [ -n "$uml72_pid" ]; then
	uml72_rc=0
	wait "$uml72_pid" || uml72_rc=$?
	t72=$(($(date +%s) - t72_start))
	p72='' f72='' s72=''
	read -r p72 f72 s72 < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed\(, \([0-9]*\) skipped\)\{0,1\}$/\1 \2 \4/p' \
		"$run/uml72.out" | tail -n1) || true
	if [ -n "$p72" ]; then
		grep -E '^not ok |^uml-kernel: ERROR' "$run/uml72.out" | sed 's/^/Linux 7.2 UML: /' || true
		passed=$((passed + p72))
		skipped=$((skipped + ${s72:-0}))
		failed=$((failed + f72))
		# Its failures by name, as its own summary listed them.
		while IFS= read -r f; do
			failures+=("Linux 7.2 UML: $f")
		done < <(sed -n '/^check: FAILED:$/,/^check: logs in /s/^  //p' "$run/uml72.out")
		echo "Linux 7.2 UML: $p72 passed, $f72 failed${s72:+, $s72 skipped} in ${t72} s (see $run/uml72.out)"
	else
		tail -n 20 "$run/uml72.out"
		result "not ok" "Linux 7.2 UML: the run ended with a count (exit $uml72_rc; see $run/uml72.out)"
	fi
fi

# Where the time went (seconds): host side, then inside UML, lane by lane.
say "time: kernel+setup $((t_build - t_start)), uml modules $((t_prep - t_build)), cluster prepare $((t_boot - t_prep)), uml lanes $((t_end - t_boot)) in all; deb build + qemu in parallel"
for lane in "${lanes[@]}"; do
	times="$((${lane_end[$lane]:-$t_end} - t_boot)) s"
	if [ -s "$run/$lane/timings" ]; then
		times="$times ($(awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}' "$run/$lane/timings" || true))"
	fi
	say "time: lane $lane: $times"
done
# CPU seconds, lane by lane and phase by phase (each timings line ends
# with the epoch it was written at; the lane's CPU was sampled every 2 s).
for lane in "${lanes[@]}"; do
	[ -s "$run/$lane/cpu" ] && [ -s "$run/$lane/timings" ] || continue
	say "cpu: lane $lane: $(awk -v hz="$(getconf CLK_TCK)" '
		FNR == NR { st[NR] = $1; sc[NR] = $2; n = NR; next }
		function at(e,  i, c) { c = 0; for (i = 1; i <= n && st[i] <= e; i++) c = sc[i]; return c }
		NF >= 3 { c = at($3); out = out sprintf("%s%s %d", (out == "" ? "" : ", "), $1, (c - prev) / hz + 0.5); prev = c }
		END { printf "%d s (%s)", sc[n] / hz + 0.5, out }' "$run/$lane/cpu" "$run/$lane/timings")"
done
if [ -s "$run/deb.times" ] && [ -s "$run/deb.tap" ]; then
	say "cpu: deb job (deps, dkms, W=1/sparse matrix, QEMU; at nice 10): $(awk -v t0="$t_start" '
		function s(x,  m) { m = x; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", x); sub(/s$/, "", x); return m * 60 + x }
		NR <= 2 { c += s($1) + s($2) } NR == 3 { e = $1 - t0 }
		END { printf "%d s, ended %d s after the start", c + 0.5, e }' "$run/deb.times")"
fi
times >"$run/times"	# in this shell: a pipe would run it in a subshell
say "cpu: this run and everything it waited for: $(tail -n 1 "$run/times" | awk '
	function s(x,  m) { m = x; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", x); sub(/s$/, "", x); return m * 60 + x }
	{ printf "%d s (user %d, system %d)", s($1) + s($2) + 0.5, s($1) + 0.5, s($2) + 0.5 }')"
finish

exit
}
