#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2034 # check() evals [[ ]] conditions given in single quotes
#
# Interop smoke (issue #12): the short list every supported Ceph release must
# pass, run by make check against Pacific and Reef monitors (the full suite
# runs against Tentacle). The same contract as a tests/integration script:
# inside UML, cluster env sourced, TAP out, every monitor up at the end
# (unless MONC_CLUSTER_LAST=1).
#
#   mount (global id, fsid, monmap and osdmap delivered), statfs,
#   get_version(osdmap), over msgr2 a SIGSTOP of the session's monitor
#   (the keepalive timeout moves the session), SIGKILL of the session's
#   monitor with a statfs pending (it completes on another; the monitor is
#   restarted unless the rig stops the cluster next, MONC_CLUSTER_LAST=1,
#   and rejoins during what follows), with cephx: the ticket renewed over
#   one short TTL with statfs working throughout;
#   destroy, unload of the test client and of monc, no sanitiser report.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../client/lib.sh
. "$here/../client/lib.sh"
watchdog "${MONC_TEST_WATCHDOG:-300}"

IFS=, read -r -a ADDRS <<<"$MONC_MON_ADDRS"
nmons=${#ADDRS[@]}
mon_addr_opt
ALL=$REPLY
# The keepalive timeout is not what the smoke measures (the SIGKILL resets
# the connection): 5 s, so that a loaded host does not make it flap.
opts="mon_addr=$ALL,keepalive_interval_ms=1000,keepalive_timeout_ms=5000,mount_timeout_ms=60000"
[ "${MONC_AUTH:-none}" = cephx ] && opts+=",name=admin,secret=$MONC_ADMIN_KEY"
# A msgr2-only cluster (tests/cluster/start.sh MONC_MSGR=v2) says crc.
[ -n "${MONC_MS_MODE:-}" ] && opts+=",ms_mode=$MONC_MS_MODE"
vers=
[ -r "$MONC_CLUSTER_DIR/versions" ] && vers=$(tr '\n' ' ' <"$MONC_CLUSTER_DIR/versions")
diag "Ceph ${MONC_CEPH:-?}: ${vers% }; auth ${MONC_AUTH:-none}; $nmons monitors${MONC_MS_MODE:+; ms_mode $MONC_MS_MODE}"

load_or_end monc_testclient
est_snapshot
before=$REPLY
if ! tc_put create "$opts"; then
	not_ok "mount ($ERR)"
	rmmod monc_testclient
	tap_end
	exit 1
fi
tc_get info
info=$LINE
kv "$info" global_id
gid=$REPLY
kv "$info" fsid
check "mount: global id $gid, the cluster's fsid ($REPLY)" '${gid:-0} -gt 0 && $REPLY == "$MONC_FSID"'
# The method the monitors took is the one asked for (the cluster may allow
# both: see tests/uml/README.md, lane interop).
session_kv auth_method
check "auth method ${MONC_AUTH:-none} (the session's: $REPLY)" '$REPLY == "${MONC_AUTH:-none}"'
# The wire protocol the session runs (debugfs "protocol:"): msgr1 by
# default, msgr2 in the mode asked for.
case "${MONC_MS_MODE:-legacy}" in
legacy) want=msgr1 ;;
*crc) want="msgr2 crc" ;;
*) want="msgr2 secure" ;;
esac
session_kv protocol
check "the session runs $want (debugfs: $REPLY)" '$REPLY == "$want"'

wait_maps 10
maps=$LINE
kv "$maps" monmap
mon_epoch=$REPLY
kv "$maps" osdmap
osd_epoch=$REPLY
check "the monmap (epoch $mon_epoch) and osdmap (epoch $osd_epoch) arrive" \
	'${mon_epoch:-0} -ge 1 && ${osd_epoch:-0} -ge 1'

tc_get statfs
check "statfs ($LINE)" '$LINE == "err=0 "*'
tc_put get_version osdmap
tc_get get_version
gv=$LINE
kv "$gv" newest
check "get_version(osdmap) = the delivered osdmap epoch $osd_epoch ($gv)" \
	'$gv == "err=0 "* && $REPLY == "$osd_epoch"'

# SIGSTOP of the session's monitor (over msgr2, where keepalive2 and its ack
# are frames: MONC_SMOKE_SIGSTOP=1, the default with an ms_mode). Nothing
# resets the connection; only the keepalive timeout tells, and the statfs
# sent to the frozen monitor completes on another. It comes before the
# SIGKILL, which may leave a monitor down (MONC_CLUSTER_LAST=1): two of
# three stopped would leave no quorum.
if [ "${MONC_SMOKE_SIGSTOP:-${MONC_MS_MODE:+1}}" != 1 ]; then
	:
elif [ "$nmons" -ge 2 ] && cur_mon "$before"; then
	cur=$REPLY
	mon_pid "$cur"
	victim=$REPLY
	freeze "$victim"
	now_us
	t0=$REPLY
	tc_put async 1
	tc_get async_wait
	ms_since "$t0"
	fo_ms=$REPLY
	kv "$LINE" errors
	check "SIGSTOP of mon.${MON_IDS[$cur]}: keepalive timeout, the statfs completes on another monitor in $fo_ms ms ($LINE)" \
		'$REPLY == 0 && $LINE == *" pending=0 "*'
	cur_mon_debugfs
	check "the session moved off the frozen mon.${MON_IDS[$cur]} (now mon.${MON_IDS[${REPLY:-$cur}]})" \
		'-n $REPLY && $REPLY != "$cur"'
	kill -CONT "$victim"
	wait_quorum 60
	rc=$?
	check "mon.${MON_IDS[$cur]} continued, back in quorum" '$rc == 0'
else
	not_ok "find the session's monitor for the SIGSTOP failover ($nmons monitors)"
fi

# SIGKILL of the session's monitor with a statfs pending: it is frozen first,
# so that the statfs is surely sent and unanswered when the SIGKILL lands.
if [ "$nmons" -ge 2 ] && cur_mon "$before"; then
	cur=$REPLY
	mon_pid "$cur"
	victim=$REPLY
	freeze "$victim"
	tc_put async 1
	tc_get async
	pending=$LINE
	now_us
	t0=$REPLY
	kill -KILL "$victim"
	tc_get async_wait
	ms_since "$t0"
	fo_ms=$REPLY
	kv "$LINE" errors
	check "SIGKILL of mon.${MON_IDS[$cur]} with a statfs pending ($pending): it completes on another monitor in $fo_ms ms ($LINE)" \
		'$REPLY == 0 && $LINE == *" pending=0 "*'
	tc_get statfs
	check "statfs after the failover ($LINE)" '$LINE == "err=0 "*'
	if [ "${MONC_CLUSTER_LAST:-0}" = 1 ]; then
		# A monitor start costs ~10 s of CPU under UML.
		diag "mon.${MON_IDS[$cur]} stays down: the rig stops this cluster next"
	else
		# Restarted now, its quorum checked at the end: its start (20-30 s
		# under UML) and the election it calls overlap the renewal
		# window below, which the session rides out. Not a child of this
		# shell: its exit (SIGCHLD) would interrupt a statfs the loop
		# has in flight (-EINTR, as any signal does).
		restart_rc=/tmp/monc-smoke-restart.$$ restarted=$cur
		rm -f "$restart_rc"
		( (mon_sh start "$cur" >/dev/null 2>&1; echo $? >"$restart_rc") & )
	fi
else
	not_ok "find the session's monitor for the SIGKILL failover ($nmons monitors)"
fi

# Renewal over one short TTL: monc renews at 3/4 of the ticket's lifetime.
ttl=${MONC_TICKET_TTL:-}
if [ "${MONC_AUTH:-none}" != cephx ]; then
	skip "ticket renewal over one TTL" "auth none"
elif [ -z "$ttl" ] || [ "$ttl" -gt 120 ]; then
	skip "ticket renewal over one TTL" "the cluster's TTL is not short (${ttl:-default})"
else
	session_kv cephx_renewals
	r0=${REPLY:-0}
	now_us
	end=$((REPLY + (ttl + 5) * 1000000))
	n=0 bad=0 first_bad=
	while now_us && [ "$REPLY" -lt "$end" ]; do
		if tc_get statfs && [[ "$LINE" == "err=0 "* ]]; then
			n=$((n + 1))
		else
			bad=$((bad + 1))
			first_bad=${first_bad:-${LINE:-no answer}}
		fi
		nap 2
	done
	session_kv cephx_renewals
	r1=${REPLY:-0}
	session_kv auth_state
	check "over one TTL ($ttl s) + 5 s: renewed ($r0 -> $r1), statfs $n ok, $bad failed${first_bad:+ (first: $first_bad)}, still $REPLY" \
		'$r1 -gt $r0 && $bad == 0 && $n -gt 0 && $REPLY == authenticated'
fi

if [ -n "${restart_rc:-}" ]; then
	# (mon.sh start waits at most 240 s for the quorum)
	for ((i = 0; i < 250; i++)); do
		[ -s "$restart_rc" ] && break
		nap 1
	done
	rc=$(cat "$restart_rc" 2>/dev/null)
	rm -f "$restart_rc"
	check "mon.${MON_IDS[$restarted]} restarted, back in quorum" '${rc:-1} == 0'
fi

tc_put destroy 1
rc=$?
check "destroy the client" '$rc == 0'
unload_checked
tap_end
