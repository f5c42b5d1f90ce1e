#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # check() takes [[ ]] conditions to eval, in single quotes
# shellcheck disable=SC2034 # some variables are used only in check() conditions
#
# Integration (issue #13 item 3): monitor commands against real ceph-mon,
# driven through tests/client's monc_testclient.ko.
#
#  1. monc_command() of "osd blocklist ls" (json): the monitor's result,
#     status and output; an unknown command gives the monitor's -EINVAL and
#     its status string.
#  2. monc_blocklist_add() of a made-up client address with an expiry,
#     then monc_wait_latest_osdmap(): it returns once the osdmap handler
#     holds the newest epoch, which is newer than the one before the entry.
#  3. The entry is in "osd blocklist ls", read through monc_command() and,
#     with MONC_TEST_CLI=1 (make soak), once through the ceph CLI (8-11 s
#     and ~15 s of CPU under UML).
#  4. The entry removed again ("osd blocklist rm"), the client destroyed,
#     the module unloaded: the cluster is left as it was found.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../client/lib.sh
. "$here/../client/lib.sh"
watchdog "${MONC_TEST_WATCHDOG:-300}"

mon_addr_opt
ALL_MONS=$REPLY
# A client address nobody uses: 127.0.0.1:0 with a nonce of our own.
BL_ADDR=127.0.0.1:0/$((424242 + $$))

cmd() { # cmd JSON: LINE=the command's line, OUT=its output
	OUT=
	tc_put command "$1" || return 1
	tc_get command || return 1
	IFS= read -r -d '' OUT <"$TC/command_out"
	return 0
}

load_or_end monc_testclient

opts="mon_addr=$ALL_MONS,mount_timeout_ms=30000"
[ "${MONC_AUTH:-none}" = cephx ] && opts+=",secret=$MONC_ADMIN_KEY"
if ! tc_put create "$opts"; then
	not_ok "mount: $ERR"
	rmmod monc_testclient
	tap_end
	exit 1
fi
ok "mount with every monitor listed"
wait_maps 10
kv "$LINE" osdmap
e0=${REPLY:-0}
check "the osdmap handler holds epoch $e0 >= 1" '$e0 -ge 1'

# 1. A command and its output; an unknown command.
cmd '{"prefix": "osd blocklist ls", "format": "json"}'
l=$LINE
kv "$l" err
check "osd blocklist ls: err 0 ($l)" '$REPLY == 0'
check "osd blocklist ls: json output without our entry (${OUT:0:120})" \
	'$OUT == "["* && $OUT != *"$BL_ADDR"*'
cmd '{"prefix": "monc no such command"}'
l=$LINE
kv "$l" err
check "an unknown command: the monitor's EINVAL and its status ($l)" \
	'$REPLY == -22 && $l == *"status="?*'

# 2. The blocklist entry, and the osdmap that carries it.
tc_put blocklist "$BL_ADDR 3600"
tc_get blocklist
l=$LINE
kv "$l" err
check "monc_blocklist_add($BL_ADDR, 3600 s) ($l)" '$REPLY == 0'
tc_put get_version osdmap
tc_get get_version
kv "$LINE" newest
newest=${REPLY:-0}
check "the newest osdmap epoch $newest is past $e0" '$newest -gt $e0'
tc_put wait_osdmap 0
tc_get wait_osdmap
l=$LINE
kv "$l" held
held=${REPLY:-0}
kv "$l" err
check "monc_wait_latest_osdmap: returns with epoch $held >= $newest held ($l)" \
	'$REPLY == 0 && $held -ge $newest'

# 3. The entry, as the monitors list it.
cmd '{"prefix": "osd blocklist ls", "format": "json"}'
check "osd blocklist ls through monc_command lists $BL_ADDR" \
	'$LINE == "err=0 "* && $OUT == *"\"$BL_ADDR\""*'
if [ "${MONC_TEST_CLI:-0}" = 1 ]; then
	# shellcheck source=../cluster/release.sh
	. "$MONC_CLUSTER_BIN/release.sh"
	now_us
	t0=$REPLY
	if ceph_release "${MONC_CEPH:-}"; then
		cli=$(ceph_x ceph -c "$CEPH_CONF" osd blocklist ls 2>&1)
	else
		cli="no release"
	fi
	ms_since "$t0"
	diag "ceph osd blocklist ls took $REPLY ms"
	check "ceph osd blocklist ls (the CLI) lists $BL_ADDR" '$cli == *"$BL_ADDR"*'
else
	skip "ceph osd blocklist ls (the CLI) lists the entry" "the CLI runs in make soak (MONC_TEST_CLI=1)"
fi

# 4. Leave the cluster as it was.
cmd "{\"prefix\": \"osd blocklist\", \"blocklistop\": \"rm\", \"addr\": \"$BL_ADDR\"}"
kv "$LINE" err
check "osd blocklist rm through monc_command ($LINE)" '$REPLY == 0'
tc_put destroy 1
rmmod monc_testclient
rc=$?
check "destroy and unload" '$rc == 0'
san=$(dmesg | grep -E "$SANITISER_RE" | head -n 3)
check "no sanitiser report in dmesg so far${san:+: $san}" '-z $san'
tap_end
