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
# Order (MONC_MODE=check):
#   1. start the monitor cluster (prepared by check.sh) in the background
#   2. load monc and every KUnit module (their KTAP goes to the console)
#   3. kmemleak scan with the modules loaded; unload them
#   4. wait for the cluster; run the integration scripts in order
#   5. stop the cluster
#   6. if check.sh prepared one (MONC_CEPHX_PHASE=1): start a one-monitor
#      cephx cluster with short tickets and run only the *cephx*.sh scripts
#      again against it (scripts/NAME@cephx.out/.rc); stop it
#   7. unload our modules, final kmemleak scan
# MONC_MODE=demo|bench skips 2, 3 and the kmemleak scans.
#
# No "set -e": PID 1 must always reach poweroff (if it exits, the kernel
# panics, and the host counts that as a failure anyway).
set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LANG=C LC_ALL=C HOME=/root TERM=dumb

say() { echo "monc-init: $*"; }
# Seconds since boot, without a fork: T0=$T after stamp.
stamp() { local u; read -r u _ </proc/uptime; T=${u%.*}; }
timing() { # timing NAME SINCE: append "NAME SECONDS" to $MONC_RUN/timings
	stamp
	echo "$1 $((T - $2))" >>"$MONC_RUN/timings"
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
mount -t debugfs debugfs /sys/kernel/debug
# UML-private scratch space, so nothing lands in the host's /tmp and /run.
# A build slot that lives under /tmp (BUILD_DIR=/tmp/...) is mounted back at
# the same path from the host with a second hostfs mount.
slot=${MONC_RUN%/*}
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

# shellcheck source=/dev/null
. "$MONC_RUN/config.sh"
export MONC_RUN MONC_SRC MONC_MODROOT
mkdir -p "$MONC_RUN/scripts"
stamp
t_boot=$T
: >"$MONC_RUN/timings"
echo "boot $t_boot" >>"$MONC_RUN/timings"
tap=$MONC_RUN/init.tap
: >"$tap"
# Heartbeat for the host's watchdog: it stops when UML's user space stops
# running (a hung kernel), however quiet the console is otherwise.
(
	while :; do
		: >"$MONC_RUN/heartbeat"
		sleep 5
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

cluster_pid=
if [ "${MONC_CLUSTER:-1}" = 1 ]; then
	(
		export MONC_CLUSTER_DIR=/tmp/monc-cluster MONC_TMPFS=0
		# check.sh prepares the cluster on the host; start it from there.
		if [ -d "$MONC_RUN/cluster-seed" ]; then
			exec "$MONC_SRC/tests/cluster/start.sh" --from "$MONC_RUN/cluster-seed"
		fi
		exec "$MONC_SRC/tests/cluster/start.sh" "$MONC_MONS"
	) >"$MONC_RUN/cluster-start.log" 2>&1 &
	cluster_pid=$!
fi

if [ "$MONC_MODE" = check ]; then
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

if [ -n "$cluster_pid" ]; then
	stamp
	t0=$T
	if wait "$cluster_pid"; then
		rec ok "ceph-mon cluster ($MONC_MONS mons, auth $MONC_AUTH) reached quorum"
	else
		cat "$MONC_RUN/cluster-start.log"
		cp -r /tmp/monc-cluster/log "$MONC_RUN/cluster-log" 2>/dev/null
		rec "not ok" "ceph-mon cluster ($MONC_MONS mons, auth $MONC_AUTH) reached quorum"
	fi
	# shellcheck source=/dev/null
	[ -r /tmp/monc-cluster/env ] && . /tmp/monc-cluster/env
	timing cluster-wait "$t0"
fi

if [ -d "$MONC_SCRIPTS_DIR" ]; then
	for t in "$MONC_SCRIPTS_DIR"/*.sh; do
		[ -x "$t" ] || continue
		name=$(basename "$t" .sh)
		selected "$name" || continue
		say "running $t"
		stamp
		t0=$T
		# tee: the output also goes to the console as it comes, which shows
		# the host's watchdog that the run is alive.
		(cd "$MONC_SRC" && timeout -k 10 "$MONC_TEST_TIMEOUT" "$t") </dev/null 2>&1 |
			tee "$MONC_RUN/scripts/$name.out"
		echo "${PIPESTATUS[0]}" >"$MONC_RUN/scripts/$name.rc"
		timing "$name" "$t0"
	done
fi

stamp
t0=$T
if [ -n "$cluster_pid" ]; then
	MONC_CLUSTER_DIR=/tmp/monc-cluster "$MONC_SRC/tests/cluster/stop.sh" --kill
	# Keep the monitor logs if a script failed; they are small.
	if grep -qs '^not ok' "$MONC_RUN"/scripts/*.out; then
		cp -r /tmp/monc-cluster/log "$MONC_RUN/cluster-log" 2>/dev/null
	fi
fi

# The cephx phase: its own cluster on the same ports, now free.
if [ "${MONC_CEPHX_PHASE:-0}" = 1 ] && [ -d "$MONC_RUN/cluster-seed-cephx" ]; then
	timing shutdown "$t0"
	stamp
	t0=$T
	what="ceph-mon cluster (1 mon, auth cephx, ticket TTL ${MONC_CEPHX_TTL:-?} s)"
	if MONC_CLUSTER_DIR=/tmp/monc-cluster MONC_TMPFS=0 "$MONC_SRC/tests/cluster/start.sh" \
		--from "$MONC_RUN/cluster-seed-cephx" >"$MONC_RUN/cluster-start-cephx.log" 2>&1; then
		rec ok "$what reached quorum"
		timing cephx-cluster "$t0"
		(
			# shellcheck source=/dev/null
			. /tmp/monc-cluster/env
			for t in "$MONC_SCRIPTS_DIR"/*cephx*.sh; do
				[ -x "$t" ] || continue
				name=$(basename "$t" .sh)@cephx
				selected "$name" || continue
				say "running $t on the cephx cluster"
				stamp
				t0=$T
				(cd "$MONC_SRC" && timeout -k 10 "$MONC_TEST_TIMEOUT" "$t") </dev/null 2>&1 |
					tee "$MONC_RUN/scripts/$name.out"
				echo "${PIPESTATUS[0]}" >"$MONC_RUN/scripts/$name.rc"
				timing "$name" "$t0"
			done
		)
	else
		cat "$MONC_RUN/cluster-start-cephx.log"
		cp -r /tmp/monc-cluster/log "$MONC_RUN/cluster-log-cephx" 2>/dev/null
		rec "not ok" "$what reached quorum"
	fi
	stamp
	t0=$T
	MONC_CLUSTER_DIR=/tmp/monc-cluster "$MONC_SRC/tests/cluster/stop.sh" --kill
	if grep -qs '^not ok' "$MONC_RUN"/scripts/*@cephx.out; then
		cp -r /tmp/monc-cluster/log "$MONC_RUN/cluster-log-cephx" 2>/dev/null
	fi
fi

if [ "$MONC_MODE" = check ]; then
	check "unload all modules after the integration scripts" -- unload_ours
	kmemleak_scan unloaded
fi
timing shutdown "$t0"

sync
echo "MONC-UML-DONE"
poweroff -f
