#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # check() takes [[ ]] conditions to eval, in single quotes
# shellcheck disable=SC2034 # some variables are used only in check() conditions
#
# Integration (issue #13 item 5): network namespaces, events and reopen.
#
#  1. A network namespace of its own inside UML (unshare -n: its own
#     loopback), with a one-monitor cluster of its own on 127.0.0.1:6800,
#     with the auth of the main cluster (MONC_AUTH; cephx: a key of its own).
#  2. A client created by a task in that namespace reaches that monitor
#     (its fsid, not the main cluster's); the event handler is told the
#     session opened, with the global id, and the monmap.
#  3. monc_reopen_session(): the handler is told the session was lost
#     (-ECONNRESET) and opened again; statfs works after it.
#  4. A client created outside the namespace, with the same address, does
#     not reach it (-ETIMEDOUT); one inside asking for the main cluster's
#     port finds nothing there either.
#  5. With cephx, on the main cluster: a user made with monc_command, a
#     client mounted as it, the user removed, monc_reopen_session(): the
#     event handler is told the auth was refused.
#  6. The namespace's monitor stopped, the namespace gone.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../client/lib.sh
. "$here/../client/lib.sh"
watchdog "${MONC_TEST_WATCHDOG:-300}"

NS_PORT=${MONC_TEST_NS_PORT:-6800}
NS_DIR=/tmp/monc-ns-cluster
holder=

cleanup() {
	MONC_CLUSTER_DIR=$NS_DIR "$MONC_CLUSTER_BIN/stop.sh" --kill >/dev/null 2>&1
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	holder=
}
in_ns() { nsenter -t "$holder" -n "$@"; }
# ns_create OPTIONS: create a client from a task in the namespace
ns_create() {
	ERR=$(in_ns bash -c "echo '$1' >$TC/create" 2>&1)
	[ -z "$ERR" ]
}
events() { # events: LINE=the events line; wait up to 10 s for OPEN >= $1
	local i
	for ((i = 0; i < 100; i++)); do
		tc_get events
		kv "$LINE" open && [ "$REPLY" -ge "$1" ] && return 0
		nap 0.1
	done
	return 1
}

load_or_end monc_testclient

# 1. The namespace and its monitor.
unshare -n sleep 100000 &
holder=$!
nap 0.2
# From the seed the rig prepared on the host (MONC_NS_SEED: port 6800,
# this cluster's auth), else made here (monmaptool, mkfs: slow in UML).
how=(1)
[ -d "${MONC_NS_SEED:-}" ] && [ "$NS_PORT" = 6800 ] && how=(--from "$MONC_NS_SEED")
if in_ns ip link set lo up &&
	in_ns env MONC_CLUSTER_DIR=$NS_DIR MONC_BASE_PORT="$NS_PORT" MONC_AUTH="${MONC_AUTH:-none}" \
		MONC_TMPFS=0 "$MONC_CLUSTER_BIN/start.sh" "${how[@]}" >/tmp/monc-ns-start.log 2>&1; then
	ns_fsid='' ns_key=''
	while read -r l; do
		[[ $l == "export MONC_FSID="* ]] && ns_fsid=${l#*=}
		[[ $l == "export MONC_ADMIN_KEY="* ]] && ns_key=${l#*=}
	done <"$NS_DIR/env"
	ns_fsid=${ns_fsid//\"/}
	ns_fsid=${ns_fsid//\'/}
	ns_auth=
	[ -n "$ns_key" ] && ns_auth=",secret=$ns_key"
	ok "a monitor of its own in a new network namespace (fsid $ns_fsid, auth ${MONC_AUTH:-none})"
else
	not_ok "a monitor in a new network namespace: $(tail -n 5 /tmp/monc-ns-start.log)"
	cleanup
	rmmod monc_testclient
	tap_end
	exit 1
fi

# 2. A client made inside reaches it.
if ns_create "mon_addr=127.0.0.1:$NS_PORT,mount_timeout_ms=30000$ns_auth"; then
	tc_get info
	kv "$LINE" fsid
	fsid=$REPLY
	check "a client created in the namespace reaches its monitor (fsid $fsid)" \
		'$fsid == "$ns_fsid" && $fsid != "$MONC_FSID"'
	events 1
	ev=$LINE
	tc_get info
	kv "$LINE" global_id
	gid=$REPLY
	kv "$ev" last_global_id
	check "event: session opened, global id $gid ($ev)" \
		'$ev == "open=1 lost=0 refused=0 "* && $REPLY == $gid'
	kv "$ev" monmap
	check "event: monmap installed ($ev)" '$REPLY -ge 1'

	# 3. Reopen on demand.
	if tc_put reopen 1 && events 2; then
		ev=$LINE
		kv "$ev" last_err
		check "reopen: the session lost (-ECONNRESET) and opened again ($ev)" \
			'$ev == "open=2 lost=1 refused=0 "* && $REPLY == -104'
	else
		not_ok "reopen: $ERR ($LINE)"
	fi
	tc_get statfs
	check "statfs after the reopen ($LINE)" '$LINE == "err=0 "*'
	tc_put destroy 1
else
	not_ok "a client created in the namespace: $ERR"
fi

# 4. Outside the namespace the same address leads nowhere, and inside,
# the main cluster's port does not exist.
if tc_put create "mon_addr=127.0.0.1:$NS_PORT,mount_timeout_ms=3000$ns_auth"; then
	not_ok "a client created outside the namespace reached 127.0.0.1:$NS_PORT"
	tc_put destroy 1
else
	check "a client created outside the namespace does not reach it ($ERR)" \
		'$ERR == *"timed out"*'
fi
mon_port 0
if ns_create "mon_addr=127.0.0.1:$REPLY,mount_timeout_ms=3000${MONC_ADMIN_KEY:+,secret=$MONC_ADMIN_KEY}"; then
	not_ok "a client in the namespace reached the main cluster's 127.0.0.1:$REPLY"
	tc_put destroy 1
else
	check "a client in the namespace does not reach the main cluster ($ERR)" \
		'$ERR == *"timed out"*'
fi

# 5. Auth refused after the mount (cephx only), on the main cluster: a
# client of a user of its own (made with monc_command), the user removed
# (by itself, with monc_command: the ceph CLI costs ~15 s of CPU under
# UML), then monc_reopen_session(): the monitors refuse the new session's
# auth and the handler is told so.
if [ "${MONC_AUTH:-none}" = cephx ]; then
	mon_addr_opt
	main="mon_addr=$REPLY,mount_timeout_ms=30000"
	user=monc_ev$$
	key=
	if tc_put create "$main,secret=$MONC_ADMIN_KEY" &&
		tc_put command '{"prefix":"auth get-or-create","entity":"client.'$user'","caps":["mon","allow *"],"format":"json"}' &&
		tc_get command; then
		IFS= read -r -d '' out <"$TC/command_out"
		[[ $out =~ \"key\":\"([A-Za-z0-9+/=]+)\" ]] && key=${BASH_REMATCH[1]}
	fi
	tc_put destroy 1
	check "auth get-or-create client.$user through monc_command gives a key (${key:-$LINE})" '-n $key'
	if [ -n "$key" ] && tc_put create "$main,name=$user,secret=$key" && events 1; then
		ok "mount as client.$user ($LINE)"
		if tc_put command '{"prefix":"auth rm","entity":"client.'$user'"}' && tc_get command &&
			[[ $LINE == "err=0 "* ]]; then
			tc_put reopen 1
			for ((i = 0; i < 300; i++)); do
				tc_get events
				kv "$LINE" refused && [ "$REPLY" -ge 1 ] && break
				nap 0.1
			done
			ev=$LINE
			kv "$ev" last_err
			check "client.$user removed, then reopen: the handler is told the auth was refused ($ev)" \
				'$ev == *" refused="[1-9]* && $REPLY -lt 0'
		else
			not_ok "auth rm client.$user through monc_command: ${ERR:-$LINE}"
		fi
		tc_put destroy 1
	else
		not_ok "mount as client.$user: ${ERR:-no key}"
	fi
fi

# 6. Clean up.
cleanup
rmmod monc_testclient
rc=$?
check "unload" '$rc == 0'
san=$(dmesg | grep -E "$SANITISER_RE" | head -n 3)
check "no sanitiser report in dmesg so far${san:+: $san}" '-z $san'
tap_end
