#!/bin/bash
# PID 1 of the UML test kernel (booted by tests/uml/check.sh with the host's /
# as a hostfs root). Everything it learns comes from $MONC_RUN/config.sh
# (MONC_RUN is passed on the kernel command line). It writes its results
# under $MONC_RUN on the host:
#   init.tap              one "ok - name" / "not ok - name" line per check
#   kmemleak-*.txt        the kmemleak reports
#   scripts/NAME.out/.rc  output and exit code of each integration script
# and prints MONC-UML-DONE as its last word before powering off.
#
# check.sh boots one UML per lane; $MONC_RUN is the lane's directory, and
# its config.sh names the lane's Ceph release (MONC_CEPH), whether it runs
# KUnit (MONC_KUNIT) and its phases (MONC_PHASES): for each phase P, a
# cluster seed check.sh prepared in cluster-seed-P, the scripts to run
# against it (PHASE_P_SCRIPTS) and the tag their output names get
# (PHASE_P_TAG, e.g. "@cephx": scripts/40-cephx@cephx.out).
#
# Order:
#   1. with MONC_KUNIT=1: load monc and every KUnit module (their KTAP goes
#      to the console), kmemleak scan with them loaded, unload them
#   2. each phase: bind /proc, /dev, /sys and /tmp into its release's chroot
#      (Reef, Tentacle), its cluster up (the record names each monitor's
#      version), its scripts in order, its cluster down
#   3. in check mode: unload our modules, final kmemleak scan
#
# No "set -e": PID 1 must always reach poweroff (if it exits, the kernel
# panics, and the host counts that as a failure anyway).
set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LANG=C LC_ALL=C HOME=/root TERM=dumb

say() { echo "monc-init: $*"; }
# Seconds since boot, without a fork: T0=$T after stamp.
stamp() { local u; read -r u _ </proc/uptime; T=${u%.*}; }
timing() { # timing NAME SINCE: append "NAME SECONDS EPOCH" to $MONC_RUN/timings
	stamp
	echo "$1 $((T - $2)) $EPOCHSECONDS" >>"$MONC_RUN/timings"
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
mount -t debugfs debugfs /sys/kernel/debug
# UML-private scratch space, so nothing lands in the host's /tmp and /run.
# A build slot that lives under /tmp (BUILD_DIR=/tmp/...) is mounted back at
# the same path from the host with a second hostfs mount.
slot=${MONC_RUN%/run/*}
mount -t tmpfs -o size=256m tmpfs /tmp
case "$slot" in
/tmp/*)
	mkdir -p "$slot"
	mount -t hostfs -o "$slot" hostfs "$slot"
	;;
esac
case "$slot" in
/run/*) ;;
*) mount -t tmpfs tmpfs /run ;;
esac
ip link set lo up
# No usermode modprobe. The first lookup of a crypto algorithm that has no
# instance yet (cts(cbc(aes)), hmac(sha256), gcm(aes), ...) asks modprobe
# for it by name, twice, before the template builds it: a process start
# each, which under UML made a lane's first cephx mount take 12 s instead
# of 2-3. Everything is built in, or loaded from MONC_MODROOT by mp.
echo >/proc/sys/kernel/modprobe

# shellcheck source=/dev/null
. "$MONC_RUN/config.sh"
export MONC_RUN MONC_SRC MONC_MODROOT
mkdir -p "$MONC_RUN/scripts"
stamp
t_boot=$T
: >"$MONC_RUN/timings"
echo "boot $t_boot $EPOCHSECONDS" >>"$MONC_RUN/timings"
tap=$MONC_RUN/init.tap
: >"$tap"
# Heartbeat for the host's watchdog: it stops when UML's user space stops
# running (a hung kernel), however quiet the console is otherwise.
# No fork per beat: read -t on a FIFO nobody writes instead of sleep(1),
# whose fork+exec costs CPU under UML, some 200 times in a lane.
mkfifo /tmp/monc-heartbeat
(
	exec 3<>/tmp/monc-heartbeat
	rm -f /tmp/monc-heartbeat
	while :; do
		: >"$MONC_RUN/heartbeat"
		read -r -t 5 -u 3 _
	done
) &

rec() { # rec ok|"not ok" NAME...
	local st=$1
	shift
	echo "$st - $*" >>"$tap"
	say "$st - $*"
}
check() { # check NAME -- CMD...: record whether CMD succeeds
	local name=$1
	shift 2
	if "$@"; then rec ok "$name"; else rec "not ok" "$name"; fi
}
mp() { modprobe -d "$MONC_MODROOT" "$@"; }
# selected NAME: is script NAME picked by MONC_SCRIPTS (name prefixes, space
# or comma separated; unset or empty picks all)? Same rule in check.sh.
selected() {
	local p
	[ -z "${MONC_SCRIPTS:-}" ] && return 0
	for p in ${MONC_SCRIPTS//,/ }; do
		[[ "$1" == "$p"* ]] && return 0
	done
	return 1
}

kmemleak_scan() { # kmemleak_scan TAG
	local f=$MONC_RUN/kmemleak-$1.txt
	if [ ! -w /sys/kernel/debug/kmemleak ]; then
		rec "not ok" "kmemleak $1: no /sys/kernel/debug/kmemleak"
		return
	fi
	# kmemleak never reports objects younger than 5 s.
	sleep 5
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$f"
	if grep -q 'unreferenced object' "$f"; then
		cat "$f"
		rec "not ok" "kmemleak $1: no unreferenced objects"
	else
		rec ok "kmemleak $1: no unreferenced objects"
	fi
}

unload_ours() { # unload every one of our modules still loaded
	local m left
	for _ in 1 2 3; do
		left=0
		for m in $MONC_OUR_MODS_UNLOAD_ORDER; do
			if [ -d "/sys/module/$m" ]; then
				rmmod "$m" 2>/dev/null || left=1
			fi
		done
		[ "$left" = 0 ] && return 0
		sleep 1
	done
	for m in $MONC_OUR_MODS_UNLOAD_ORDER; do
		[ -d "/sys/module/$m" ] && rmmod "$m"
	done
	return 1
}

say "uname $(uname -r), mode $MONC_MODE"

# shellcheck source=../cluster/release.sh
. "$MONC_SRC/tests/cluster/release.sh"
# phase_release PHASE: REL=the phase's Ceph release (PHASE_P_CEPH, else the
# lane's MONC_CEPH); its chroot (Reef, Tentacle) gets /proc, /dev, /sys and
# this UML's /tmp bound in, once (these mounts are UML's own).
phase_release() {
	eval "REL=\${PHASE_${1}_CEPH:-\${MONC_CEPH:-}}"
	if ! ceph_release "$REL" || ! ceph_mount_root; then
		rec "not ok" "bind /proc, /dev, /sys and /tmp into the Ceph $REL chroot"
	fi
}

# cluster_start PHASE: start the phase's monitors from the seed check.sh
# prepared (or make a cluster of MONC_MONS here if there is none).
cluster_start() {
	export MONC_CLUSTER_DIR=/tmp/monc-cluster MONC_TMPFS=0 MONC_CEPH=$REL
	if [ -d "$MONC_RUN/cluster-seed-$1" ]; then
		exec "$MONC_SRC/tests/cluster/start.sh" --from "$MONC_RUN/cluster-seed-$1"
	fi
	exec "$MONC_SRC/tests/cluster/start.sh" "$MONC_MONS"
}
# cluster_ready PHASE STATUS: record whether the phase's cluster came up,
# with the release and each monitor's version.
cluster_ready() {
	local ph=$1 what vers=
	eval "what=\${PHASE_${ph}_WHAT:-}"
	[ -r /tmp/monc-cluster/versions ] && vers=$(tr '\n' ',' </tmp/monc-cluster/versions)
	what="ceph-mon cluster ($what, Ceph $REL${vers:+: ${vers%,}})"
	if [ "$2" = 0 ]; then
		rec ok "$what reached quorum"
	else
		cat "$MONC_RUN/cluster-start-$ph.log"
		cp -r /tmp/monc-cluster/log "$MONC_RUN/cluster-log-$ph" 2>/dev/null
		rec "not ok" "$what reached quorum"
	fi
}

phases=${MONC_PHASES:-}
[ "${MONC_CLUSTER:-1}" = 1 ] || phases=
if [ "${MONC_KUNIT:-0}" = 1 ]; then
	stamp
	t0=$T
	say "KUnit: loading monc and $MONC_KUNIT_MODS"
	check "load monc.ko" -- mp monc
	for m in $MONC_KUNIT_MODS; do
		check "load $m.ko (KUnit)" -- mp "$m"
	done
	kmemleak_scan loaded
	check "unload KUnit modules and monc.ko" -- unload_ours
	timing kunit+kmemleak "$t0"
fi

# Each phase: its cluster up, its scripts in order (output in
# scripts/NAME$TAG.out, exit status in .rc), its cluster down. The first
# cluster does not start while KUnit runs: on a loaded host, KUnit's CPU
# starved three Tentacle monitors into elections that outlasted the quorum
# wait.
# A phase with PHASE_P_REUSE=1 runs on the cluster the phase before it left
# up (PHASE_P_KEEP=1 there), with PHASE_P_AUTH as the scripts' MONC_AUTH:
# the interop lane's none and cephx smokes share one cluster that allows both.
for ph in $phases; do
	stamp
	t0=$T
	phase_release "$ph"
	tag='' scripts='' reuse='' keep='' pauth=''
	eval "tag=\${PHASE_${ph}_TAG:-} scripts=\${PHASE_${ph}_SCRIPTS:-}"
	eval "reuse=\${PHASE_${ph}_REUSE:-0} keep=\${PHASE_${ph}_KEEP:-0} pauth=\${PHASE_${ph}_AUTH:-}"
	if [ "$reuse" != 1 ]; then
		(cluster_start "$ph") >"$MONC_RUN/cluster-start-$ph.log" 2>&1
		st=$?
		cluster_ready "$ph" "$st"
		timing "cluster-$ph" "$t0"
	fi
	(
		# shellcheck source=/dev/null
		[ -r /tmp/monc-cluster/env ] && . /tmp/monc-cluster/env
		[ -n "$pauth" ] && export MONC_AUTH=$pauth
		# 28-netns's one-monitor cluster, prepared on the host.
		[ -d "$MONC_RUN/cluster-seed-$ph-ns" ] && export MONC_NS_SEED=$MONC_RUN/cluster-seed-$ph-ns
		for t in $scripts; do
			name=$(basename "$t" .sh)$tag
			say "running $t${tag:+ ($tag)}"
			stamp
			t0=$T
			# The last script on a cluster that stops after it need not
			# restart a monitor it killed (MONC_CLUSTER_LAST=1).
			last=0
			[ "$t" = "${scripts##* }" ] && [ "$keep" != 1 ] && last=1
			# tee: the output also goes to the console as it comes, which
			# shows the host's watchdog that the run is alive.
			(cd "$MONC_SRC" && MONC_CLUSTER_LAST=$last timeout -k 10 "$MONC_TEST_TIMEOUT" "$t") </dev/null 2>&1 |
				tee "$MONC_RUN/scripts/$name.out"
			echo "${PIPESTATUS[0]}" >"$MONC_RUN/scripts/$name.rc"
			timing "$name" "$t0"
		done
	)
	# Keep the monitor logs if a script failed; they are small.
	if grep -qs '^not ok' "$MONC_RUN"/scripts/*"$tag".out; then
		cp -r /tmp/monc-cluster/log "$MONC_RUN/cluster-log-$ph" 2>/dev/null
	fi
	[ "$keep" = 1 ] && continue
	stamp
	t0=$T
	MONC_CLUSTER_DIR=/tmp/monc-cluster "$MONC_SRC/tests/cluster/stop.sh" --kill
	timing "stop-$ph" "$t0"
done

stamp
t0=$T
if [ "$MONC_MODE" = check ]; then
	check "unload all modules after the integration scripts" -- unload_ours
	kmemleak_scan unloaded
fi
timing shutdown "$t0"

sync
echo "MONC-UML-DONE"
# A minimal Debian has no poweroff(8) (it comes with systemd-sysv);
# busybox-static, which deps.sh installs, always has one.
if command -v poweroff >/dev/null; then poweroff -f; fi
busybox poweroff -f
