#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # check() takes [[ ]] conditions to eval, in single quotes
#
# Integration (issue #4): a monc session against real ceph-mon, driven
# through tests/client's monc_testclient.ko. Runs inside UML after the rig
# started a 3-monitor cluster (auth none) and sourced its env file.
#
#  1. One monitor listed: the mount gives a global id and the cluster's
#     fsid; the handlers receive the monmap and osdmap (and the mdsmap when
#     MONC_TEST_MDSMAP=1 has a filesystem created first: ~30 s of ceph CLI);
#     statfs returns zeros (no OSDs); get_version("osdmap") equals the
#     delivered osdmap epoch; 8 kthreads of statfs see no error.
#  2. Three monitors: SIGSTOP of the session's monitor (keepalive timeout);
#     SIGKILL of it while a statfs is pending; that monitor, still dead,
#     and an address where nothing listens, listed first at mount (one
#     monitor restart in all: each costs ~10 s of CPU under UML).
#  3. Stop and unload with requests pending: they all fail.
# Timings are printed as "# " lines. Every monitor is up again at the end.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../client/lib.sh
. "$here/../client/lib.sh"
watchdog "${MONC_TEST_WATCHDOG:-400}"

KA_INTERVAL_MS=${MONC_TEST_KA_INTERVAL_MS:-500}
KA_TIMEOUT_MS=${MONC_TEST_KA_TIMEOUT_MS:-2000}
MOUNT_TIMEOUT_MS=${MONC_TEST_MOUNT_TIMEOUT_MS:-30000}
mon_addr_opt
ALL_MONS=$REPLY
IFS=, read -r -a ADDRS <<<"$MONC_MON_ADDRS"
nmons=${#ADDRS[@]}

create() { # create OPTIONS: new client; MOUNT_MS=the mount's time
	local line
	tc_put create "$1"
	local rc=$?
	tc_get create
	line=$LINE
	kv "$line" mount_us && MOUNT_MS=$((REPLY / 1000))
	return $rc
}
destroy() { tc_put destroy 1; }
monc_failover_note() { # "; monc: last_failover_ms N, ..." from its debugfs session
	local f k v out=
	for f in /sys/kernel/debug/monc/*/session; do
		[ -r "$f" ] || continue
		while IFS=': ' read -r k v; do
			case "$k" in
			last_failover_ms | keepalive_timeouts | faults | hunts | hunt_rounds | mount_ms) out+=" $k $v," ;;
			esac
		done <"$f"
	done
	[ -n "$out" ] && echo "; monc's session file:${out%,}"
}
restore_mons() { # bring every monitor back: SIGCONT, start the dead ones
	local i
	for ((i = 0; i < nmons; i++)); do
		mon_pid "$i" && kill -CONT "$REPLY" 2>/dev/null
	done
	for ((i = 0; i < nmons; i++)); do
		if ! mon_pid "$i" || ! kill -0 "$REPLY" 2>/dev/null; then
			mon_sh start "$i" --no-wait >/dev/null 2>&1
		fi
	done
	wait_quorum 90
}

load_or_end monc_testclient

# ---------------------------------------------------------------- 1 monitor
common="keepalive_interval_ms=$KA_INTERVAL_MS,keepalive_timeout_ms=$KA_TIMEOUT_MS,mount_timeout_ms=$MOUNT_TIMEOUT_MS"
if [ "${MONC_AUTH:-none}" = cephx ]; then
	common+=",secret=$MONC_ADMIN_KEY"
fi
if create "mon_addr=${ADDRS[0]},$common"; then
	ok "mount with one monitor (${ADDRS[0]})"
	diag "mount time (one monitor, fresh module): $MOUNT_MS ms"
	tc_get info
	kv "$LINE" global_id
	check "the mount gives a global id ($REPLY)" '${REPLY:-0} -gt 0'
	kv "$LINE" fsid
	check "the client's fsid is the cluster's ($REPLY)" '$REPLY == "$MONC_FSID"'

	wait_maps 10
	tc_get maps
	maps=$LINE
	diag "maps delivered: $maps"
	kv "$maps" monmap
	check "the monmap handler got epoch $REPLY >= 1" '${REPLY:-0} -ge 1'
	kv "$maps" osdmap
	osd_epoch=${REPLY:-0}
	check "the osdmap handler got epoch $osd_epoch >= 1" '$osd_epoch -ge 1'

	tc_get statfs
	st=$LINE
	kv "$st" us
	diag "first statfs round trip: $REPLY us"
	check "statfs succeeds and returns zeros with no OSDs ($st)" \
		'$st == "err=0 kb=0 kb_used=0 kb_avail=0 objects=0 "*'

	# 50 serial statfs in one kthread: the mean round trip.
	if tc_put stress "1 50" && tc_get stress; then
		kv "$LINE" elapsed_us
		diag "statfs round trip, mean of 50 serial: $((REPLY / 50)) us"
	fi

	tc_put get_version osdmap
	tc_get get_version
	gv=$LINE
	kv "$gv" newest
	check "get_version(osdmap) = delivered osdmap epoch $osd_epoch ($gv)" \
		'$gv == "err=0 "* && $REPLY == "$osd_epoch"'

	if tc_put stress "8 25" && tc_get stress; then
		kv "$LINE" errors
		check "8 kthreads x 25 statfs: no error ($LINE)" '$REPLY == 0'
	else
		not_ok "8 kthreads x 25 statfs: the stress write failed: $ERR"
	fi

	if [ "${MONC_TEST_MDSMAP:-0}" = 1 ]; then
		# The ceph CLI costs 8-11 s per call under UML.
		now_us
		t0=$REPLY
		if ceph osd pool create cephfs_meta 8 >/dev/null 2>&1 &&
			ceph osd pool create cephfs_data 8 >/dev/null 2>&1 &&
			ceph fs new cephfs cephfs_meta cephfs_data >/dev/null 2>&1; then
			ms_since "$t0"
			diag "created a filesystem with the ceph CLI in $REPLY ms"
			destroy
			create "mon_addr=${ADDRS[0]},$common"
			for ((i = 0; i < 100; i++)); do
				tc_get maps
				kv "$LINE" mdsmap_count && [ "$REPLY" -gt 0 ] && break
				nap 0.1
			done
			kv "$LINE" mdsmap
			check "the mdsmap handler got epoch $REPLY >= 1" '${REPLY:-0} -ge 1'
		else
			not_ok "create a filesystem with the ceph CLI"
		fi
	else
		skip "the mdsmap handler gets an mdsmap" \
			"no filesystem; MONC_TEST_MDSMAP=1 creates one (3 ceph CLI calls, ~30 s under UML)"
	fi
	destroy
	ok "stop and destroy the client"
else
	not_ok "mount with one monitor (${ADDRS[0]}): $ERR"
fi

# Nothing listening: monc_wait_mount() gives -ETIMEDOUT at mount_timeout.
dead_port=$((${MONC_BASE_PORT:-6789} + 10))
# ETIMEDOUT at mount_timeout, not at the 30 s default nor at once: the
# upper bound leaves room for a loaded host and is no speed figure.
if create "mon_addr=127.0.0.1:$dead_port,mount_timeout_ms=3000"; then
	not_ok "mount to a port where nothing listens fails"
	destroy
else
	tc_get create
	kv "$LINE" err
	e=$REPLY
	kv "$LINE" destroy_us
	check "nothing listening: ETIMEDOUT after mount_timeout_ms=3000 ($e after $MOUNT_MS ms; stop+destroy $((REPLY / 1000)) ms)" \
		'$e == -110 && $MOUNT_MS -ge 2990 && $MOUNT_MS -lt 13000'
fi

# ---------------------------------------------------------- three monitors
if [ "$nmons" -lt 3 ]; then
	skip "three-monitor failover" "the cluster has $nmons monitor(s)"
	rmmod monc_testclient
	tap_end
	exit 0
fi

# new_session: a client of all three monitors; CUR=its monitor's index.
new_session() { # new_session [,MORE_OPTIONS]
	local before
	est_snapshot
	before=$REPLY
	CUR=
	create "mon_addr=$ALL_MONS,$common${1:-}" || return 1
	nap 0.3
	cur_mon "$before" && CUR=$REPLY
	[ -n "$CUR" ]
}

# SIGSTOP: nothing resets the connection; only the keepalive timeout tells.
if new_session; then
	mon_pid "$CUR"
	victim=$REPLY
	now_us
	t0=$REPLY
	freeze "$victim"
	tc_put async 1
	tc_get async_wait
	ms_since "$t0"
	fail_ms=$REPLY
	kv "$LINE" errors
	check "SIGSTOP of mon.${MON_IDS[$CUR]}: keepalive timeout, the statfs completes elsewhere ($LINE)" \
		'$REPLY == 0 && $LINE == *" done=1 "*'
	check "the failover did not come before the keepalive timeout ($fail_ms ms >= $KA_TIMEOUT_MS ms - 1 interval)" \
		'$fail_ms -ge $((KA_TIMEOUT_MS - KA_INTERVAL_MS))'
	diag "failover after SIGSTOP: $fail_ms ms (keepalive interval $KA_INTERVAL_MS ms, timeout $KA_TIMEOUT_MS ms)$(monc_failover_note)"
	if cur_mon_debugfs; then
		check "the session moved off the frozen mon.${MON_IDS[$CUR]}" '$REPLY != "$CUR"'
	fi
	kill -CONT "$victim"
	destroy
	wait_quorum 60
else
	not_ok "mount with three monitors for the SIGSTOP case: $ERR"
	destroy
fi

# SIGKILL with a statfs pending. The monitor is frozen first, so that the
# statfs is surely pending (sent, unanswered) when the SIGKILL lands. The
# socket's reset moves the session, not a keepalive timeout: a long one
# keeps the session on the frozen monitor until the SIGKILL, however long
# the stop takes (with 2 s, one run's session left before the statfs).
dead_mon=
if new_session ",keepalive_timeout_ms=30000"; then
	ok "mount with three monitors (mon.${MON_IDS[$CUR]} has the session; found by $CUR_HOW)"
	diag "mount time (three monitors): $MOUNT_MS ms"
	mon_pid "$CUR"
	victim=$REPLY
	freeze "$victim"
	tc_put async 1
	tc_get async
	pending_line=$LINE
	now_us
	t0=$REPLY
	kill -KILL "$victim"
	tc_get async_wait
	ms_since "$t0"
	fail_ms=$REPLY
	kv "$pending_line" pending
	check "a statfs is pending on the frozen monitor ($pending_line)" '$REPLY == 1'
	kv "$LINE" errors
	check "SIGKILL of mon.${MON_IDS[$CUR]}: the pending statfs completes on another monitor ($LINE)" \
		'$REPLY == 0 && $LINE == *" done=1 "*'
	diag "failover after SIGKILL (kill to statfs reply): $fail_ms ms$(monc_failover_note)"
	tc_get statfs
	check "the next statfs succeeds ($LINE)" '$LINE == "err=0 "*'
	if cur_mon_debugfs; then
		check "the session moved off mon.${MON_IDS[$CUR]} (now mon.${MON_IDS[$REPLY]})" \
			'$REPLY != "$CUR"'
	fi
	destroy
	# It stays dead for the next case (a monitor start costs ~10 s of
	# CPU under UML).
	dead_mon=$CUR
else
	not_ok "mount with three monitors and find the session's monitor: $ERR"
	destroy
fi

# Dead first: the monitor the SIGKILL case left dead (mon.a, killed here,
# if that case could not run) and an address where nothing listens,
# listed before the two live monitors.
if [ -z "$dead_mon" ]; then
	dead_mon=0
	mon_sh kill 0 >/dev/null 2>&1
fi
wait_quorum 60
dead_first="${ADDRS[dead_mon]}/127.0.0.1:$dead_port"
for ((i = 0; i < nmons; i++)); do
	[ "$i" = "$dead_mon" ] || dead_first+="/${ADDRS[i]}"
done
if create "mon_addr=$dead_first,$common"; then
	ok "mount with the first two listed monitors dead ($dead_first)"
	diag "mount time with two dead monitors listed first: $MOUNT_MS ms$(monc_failover_note)"
	# Parallel hunting: the dead ones cost no round of their own, the
	# first round's live candidate wins (libceph waits 3 s per dead one).
	debugfs_sum hunt_rounds
	check "... found in the first hunt round ($REPLY rounds)" '$REPLY == 1'
	destroy
else
	not_ok "mount with the first two listed monitors dead: $ERR"
fi
now_us
t0=$REPLY
mon_sh start "$dead_mon" >/dev/null 2>&1
ms_since "$t0"
diag "mon.${MON_IDS[$dead_mon]} restarted and back in quorum after $REPLY ms"

# --------------------------------------------- stop with requests pending
if create "mon_addr=$ALL_MONS,$common"; then
	stop_all "$nmons"
	tc_put async 20
	tc_get async
	kv "$LINE" pending
	pend=$REPLY
	destroy
	tc_get create
	kv "$LINE" destroy_us
	stop_us=$REPLY
	tc_get async
	check "stop with $pend requests pending: all fail ($LINE)" \
		'$pend == 20 && $LINE == *" done=20 errors=20 "*'
	diag "monc_stop + monc_destroy with 20 pending statfs took $stop_us us"
	cont_all "$nmons"
	wait_quorum 60
else
	not_ok "mount for the stop-with-pending case: $ERR"
fi

if create "mon_addr=$ALL_MONS,$common"; then
	stop_all "$nmons"
	tc_put async 20
	now_us
	t0=$REPLY
	rmmod monc_testclient
	rc=$?
	ms_since "$t0"
	check "rmmod with 20 requests pending" '$rc == 0'
	diag "rmmod with 20 pending statfs took $REPLY ms"
	msg=$(dmesg | grep 'monc_testclient: unload:' | tail -n 1)
	check "unload: the pending requests all returned an error ($msg)" \
		'$msg == *"were pending; issued=20 done=20 errors=20 "*'
	cont_all "$nmons"
else
	not_ok "mount for the unload-with-pending case: $ERR"
	rmmod monc_testclient
fi

restore_mons
rc=$?
check "every monitor is back in quorum" '$rc == 0'
san=$(dmesg | grep -E "$SANITISER_RE" | head -n 3)
check "no sanitiser report in dmesg so far${san:+: $san}" '-z $san'
tap_end
