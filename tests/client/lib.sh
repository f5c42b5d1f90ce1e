# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # variables here are used by the scripts that source it
#
# Helpers shared by tests/integration/2x-*.sh, 3x-*.sh and tests/demo.sh.
# Sourced (not run) inside UML, where a fork+exec costs ~120 ms: everything
# here uses bash builtins only, except where a comment says otherwise.
#
# Needs the cluster env (tests/cluster/start.sh's env file, sourced by the
# UML init): MONC_CLUSTER_DIR, MONC_CLUSTER_BIN, MONC_MON_ADDRS,
# MONC_BASE_PORT, MONC_FSID; and MONC_MODROOT for modprobe.

TC=/sys/kernel/debug/monc_testclient
MON_IDS=(a b c)

# --- TAP ---
tap_n=0
tap_failed=0
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP ${2:-}"; }
diag() { echo "# $*"; }
# check NAME CONDITION...: ok if the [[ ]] condition holds.
check() {
	local name=$1
	shift
	if eval "[[ $* ]]"; then ok "$name"; else not_ok "$name"; fi
}
tap_end() {
	watchdog_off
	echo "1..$tap_n"
}

# --- values ---
# kv "LINE" KEY: REPLY=value of KEY=value in LINE; fails if absent.
kv() {
	local line=" $1 " key=$2 v
	v=${line#* "$key"=}
	if [ "$v" = "$line" ]; then
		REPLY=
		return 1
	fi
	REPLY=${v%% *}
}

# now_us: REPLY=microseconds of the wall clock (no fork: $EPOCHREALTIME).
now_us() {
	local t=${EPOCHREALTIME/[.,]/}
	REPLY=$((10#$t))
}
# ms_since START_US: REPLY=whole milliseconds since START_US.
ms_since() {
	now_us
	REPLY=$(((REPLY - $1) / 1000))
}

# nap SECONDS: sleep without a fork (read -t on a FIFO nobody writes).
nap_fd=
nap() {
	if [ -z "$nap_fd" ]; then
		local f=/tmp/monc-nap.$$
		mkfifo "$f" 2>/dev/null || true # one fork, once
		exec {nap_fd}<>"$f"
		rm -f "$f"
	fi
	read -r -t "$1" -u "$nap_fd" _ || true
}

# watchdog SECONDS: if this script still runs after SECONDS, dump the
# blocked tasks (sysrq w) to the console, to tell a kernel hang from a slow
# test. One background subshell; watchdog_off kills it.
watchdog_pid=
watchdog() {
	(
		sleep "$1"
		echo "watchdog: $0 still running after $1 s; sysrq w" >/dev/kmsg
		echo w >/proc/sysrq-trigger
	) </dev/null >/dev/null 2>&1 &
	watchdog_pid=$!
}
watchdog_off() {
	[ -n "$watchdog_pid" ] && kill "$watchdog_pid" 2>/dev/null
	watchdog_pid=
}

# --- the test client ---
# tc_get FILE: LINE=the one line FILE reads back; fails if the read fails.
tc_get() {
	LINE=
	read -r LINE <"$TC/$1" 2>/dev/null
	[ -n "$LINE" ]
}
# tc_put FILE VALUE: write VALUE to FILE; ERR=the shell's error text.
tc_put() {
	ERR=$({ echo "$2" >"$TC/$1"; } 2>&1) # a subshell fork, to catch the error
	[ -z "$ERR" ]
}
mp() { modprobe -d "$MONC_MODROOT" "$@"; }
# load_or_end NAME: load module NAME (ok), or end the script (not ok, exit 1).
load_or_end() {
	if ! mp "$1"; then
		not_ok "load $1.ko"
		tap_end
		exit 1
	fi
	ok "load $1.ko"
}
# wait_maps N: wait up to N s for the test client's monmap and osdmap
# handlers to run; LINE=its last "maps" line.
wait_maps() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		tc_get maps
		kv "$LINE" osdmap_count && [ "$REPLY" -gt 0 ] &&
			kv "$LINE" monmap_count && [ "$REPLY" -gt 0 ] && return 0
		nap 0.1
	done
	return 1
}

# session_kv KEY: REPLY=the value of "KEY: value" in the debugfs session
# file of the first client that has KEY.
session_kv() {
	local f k v
	REPLY=
	for f in /sys/kernel/debug/monc/*/session; do
		[ -r "$f" ] || continue
		while IFS=: read -r k v; do
			[ "$k" = "$1" ] && REPLY=${v# } && return 0
		done <"$f"
	done
	return 1
}

# --- monitors ---
mon_pid() { # mon_pid N: REPLY=pid of monitor N (0..2), from its pid file
	REPLY=
	read -r REPLY <"$MONC_CLUSTER_DIR/run/mon.${MON_IDS[$1]}.pid" 2>/dev/null
	[ -n "$REPLY" ]
}
# freeze PID: SIGSTOP PID and wait (up to 10 s) until each of its threads
# is stopped. kill returns before the group stop has reached every thread:
# once a "frozen" monitor still answered a statfs in the next second and
# kept the session (msgr2-smoke, auth none), so a test that sends to a
# frozen monitor must wait for the stop. A stop slower than 500 ms is
# said in a TAP comment (a keepalive timeout may have run meanwhile).
freeze() {
	local f k v i all t0
	now_us
	t0=$REPLY
	kill -STOP "$1" || return 1
	for ((i = 0; i < 200; i++)); do
		all=1
		for f in /proc/"$1"/task/*/status; do
			while read -r k v; do
				[ "$k" = State: ] || continue
				[[ "$v" == T* ]] || all=0
				break
			done <"$f" 2>/dev/null
		done
		if [ "$all" = 1 ]; then
			ms_since "$t0"
			[ "$REPLY" -le 500 ] || diag "freeze: pid $1 stopped after $REPLY ms"
			return 0
		fi
		nap 0.05
	done
	echo "# freeze: pid $1 not stopped after 10 s" >&2
	return 1
}
# stop_all N / cont_all N: freeze (see freeze) / continue monitors 0..N-1.
stop_all() {
	local i
	for ((i = 0; i < $1; i++)); do mon_pid "$i" && freeze "$REPLY"; done
}
cont_all() {
	local i
	for ((i = 0; i < $1; i++)); do mon_pid "$i" && kill -CONT "$REPLY"; done
}
mon_port() { REPLY=$((${MONC_BASE_PORT:-6789} + $1)); }
mon_sh() { "$MONC_CLUSTER_BIN/mon.sh" "$@"; }
wait_quorum() { # wait until every live monitor is in quorum (python: 1-3 s)
	/usr/bin/python3 "$MONC_CLUSTER_BIN/wait-ready.py" "$MONC_CLUSTER_DIR" \
		--timeout "${1:-60}" >/dev/null
}
# Monitor commands without the ceph CLI (tests/cluster/moncmd.py): one
# librados client (python: 1-3 s to start) for every command of a script.
# mon_cmd_start: start it (needs ceph_x: tests/cluster/release.sh sourced
# and ceph_release called); mon_cmd JSON [INBUF_FILE]: RC=its return code,
# OUT=its status text; mon_cmd_stop: end it.
mon_cmd_start() {
	local code
	code=$(<"$MONC_CLUSTER_BIN/moncmd.py")
	coproc MONCMD { ceph_x /usr/bin/python3 -u -c "$code" "$CEPH_CONF" 2>>/tmp/monc-moncmd.err; }
	OUT=
	read -r -u "${MONCMD[0]}" OUT
	[ "$OUT" = ready ]
}
mon_cmd() {
	RC=-5 OUT="no moncmd.py running"
	[ -n "${MONCMD_PID:-}" ] || return 1
	printf '%s\t%s\n' "$1" "${2:-}" >&"${MONCMD[1]}" &&
		IFS=$'\t' read -r -u "${MONCMD[0]}" RC OUT
	[ "$RC" = 0 ]
}
mon_cmd_stop() {
	[ -n "${MONCMD_PID:-}" ] || return 0
	local p=$MONCMD_PID fd=${MONCMD[1]}
	exec {fd}>&-
	wait "$p" 2>/dev/null
}
# debugfs_sum KEY: REPLY=the sum of "KEY: N" over every client's session file
debugfs_sum() {
	local f k v sum=0
	for f in /sys/kernel/debug/monc/*/session; do
		[ -r "$f" ] || continue
		while IFS=': ' read -r k v; do
			[ "$k" = "$1" ] && sum=$((sum + ${v%% *}))
		done <"$f"
	done
	REPLY=$sum
}
# wait_pending_statfs N [S]: wait up to S seconds (30) until N statfs
# requests are pending in monc (debugfs requests); REPLY=the last count.
wait_pending_statfs() {
	local n=$1 s=${2:-30} i c line f
	for ((i = 0; i < s * 10; i++)); do
		c=0
		for f in /sys/kernel/debug/monc/*/requests; do
			[ -r "$f" ] || continue
			while read -r line; do
				[[ $line == *" statfs"* ]] && c=$((c + 1))
			done <"$f"
		done
		REPLY=$c
		[ "$c" -ge "$n" ] && return 0
		nap 0.1
	done
	return 1
}
# A monitor's address list like the mount option: 127.0.0.1:6789/...
mon_addr_opt() {
	local IFS=,
	# shellcheck disable=SC2086
	set -- $MONC_MON_ADDRS
	IFS=/
	REPLY="$*"
}

# --- which monitor has our session ---
# est_snapshot: REPLY=" lport:rport ..." of the ESTABLISHED TCP connections
# whose local port is a monitor's port (the monitors' side of sessions).
est_snapshot() {
	local sl la ra st rest lp rp out=" " base=${MONC_BASE_PORT:-6789}
	while read -r _ la ra st rest; do
		[ "$st" = 01 ] || continue
		lp=$((16#${la##*:}))
		rp=$((16#${ra##*:}))
		if [ "$lp" -ge "$base" ] && [ "$lp" -le $((base + 2)) ]; then
			out+="$lp:$rp "
		fi
	done </proc/net/tcp
	REPLY=$out
}
# cur_mon_debugfs: REPLY=index of the monitor named current in monc's
# debugfs session file (the first 127.0.0.1:port on a line that says
# "cur" or "mon:"); fails if no such line.
cur_mon_debugfs() {
	local f line port base=${MONC_BASE_PORT:-6789}
	REPLY=
	for f in /sys/kernel/debug/monc/*/session; do
		[ -r "$f" ] || continue
		while read -r line; do
			case "$line" in
			*[Cc]ur*127.0.0.1:* | *mon:*127.0.0.1:* | *[Cc]onnected*127.0.0.1:*)
				port=${line#*127.0.0.1:}
				port=${port%%[!0-9]*}
				if [ -n "$port" ] && [ "$port" -ge "$base" ] && [ "$port" -le $((base + 2)) ]; then
					REPLY=$((port - base))
					return 0
				fi
				;;
			esac
		done <"$f"
	done
	return 1
}
# cur_mon_diff BEFORE: REPLY=index of the monitor that has a connection not
# in the snapshot BEFORE (taken before the client was created).
cur_mon_diff() {
	local before=$1 e found="" base=${MONC_BASE_PORT:-6789}
	est_snapshot
	for e in $REPLY; do
		case "$before" in *" $e "*) continue ;; esac
		if [ -n "$found" ] && [ "$found" != "${e%%:*}" ]; then
			REPLY=
			return 1 # ambiguous
		fi
		found=${e%%:*}
	done
	[ -n "$found" ] || { REPLY=; return 1; }
	REPLY=$((found - base))
}
# cur_mon BEFORE: the session's monitor, from debugfs, else from the diff.
CUR_HOW=
cur_mon() {
	if cur_mon_debugfs; then
		CUR_HOW=debugfs
		return 0
	fi
	CUR_HOW="new TCP connection"
	cur_mon_diff "$1"
}

# The sanitiser patterns of the rig (tests/uml/check.sh), for dmesg.
# dmesg prints each line after its "[   12.345678] " timestamp: allowed
# before the anchored words, or nothing would ever match.
SANITISER_RE='^(\[ *[0-9]+\.[0-9]+\] )?((BUG|WARNING|INFO|ODEBUG|UBSAN):|kernel BUG at|Kernel panic|unreferenced object|------------\[ cut here \])|general protection fault|Kernel mode fault'

# unload_checked: unload monc_testclient and monc, and check that both went
# and that dmesg holds no sanitiser report: a script's last two checks.
unload_checked() {
	local rc rc2 san
	rmmod monc_testclient
	rc=$?
	rmmod monc
	rc2=$?
	check "unload monc_testclient and monc" '$rc == 0 && $rc2 == 0'
	san=$(dmesg | grep -E "$SANITISER_RE" | head -n 3)
	check "no sanitiser report in dmesg${san:+: $san}" '-z $san'
}
