#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # check() takes [[ ]] conditions to eval, in single quotes
#
# msgr2 secure mode carries no plaintext (issue #14): the same session
# recorded on the wire in crc mode and in secure mode, and the recordings
# searched for what a session carries after its auth exchange: the
# cluster's fsid (in every monmap and osdmap, as 16 raw bytes) and the
# client's name and key (the output of "auth get client.admin"). The crc
# recording must have them all, which shows the search finds them; the
# secure one none of them.
#
# The recording: a network namespace of its own (unshare -n) in which
# tests/msgr2/relay.py listens on 127.0.0.1:3300 and relays to the first
# monitor's 127.0.0.1:3300, writing what passes; a client created from a
# task in the namespace reaches the monitor through it at the monitor's
# own address (which SERVER_IDENT and the monmap name). Needs cephx:
# secure mode takes its key material.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../client/lib.sh
. "$here/../client/lib.sh"
watchdog "${MONC_TEST_WATCHDOG:-180}"

if [ "${MONC_AUTH:-none}" != cephx ]; then
	skip "secure mode carries no plaintext" "auth none has no secure mode"
	tap_end
	exit 0
fi

IFS=, read -r -a ADDRS <<<"$MONC_MON_ADDRS"
MON=${ADDRS[0]}
PORT=${MON##*:}
dir=/tmp/monc-capture
rm -rf "$dir"
mkdir -p "$dir"
holder='' relay=''
cleanup() {
	[ -n "$relay" ] && kill "$relay" 2>/dev/null && wait "$relay" 2>/dev/null
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	relay='' holder=''
}
trap cleanup EXIT
in_ns() { nsenter -t "$holder" -n "$@"; }

load_or_end monc_testclient
unshare -n sleep 100000 &
holder=$!
nap 0.2
in_ns ip link set lo up
"$here/relay.py" "$holder" "$PORT" "$dir/cap" >"$dir/relay.out" 2>&1 &
relay=$!
# python3 starts in 1 to 4 s under UML, far longer on a loaded host
for ((i = 0; i < 1200; i++)); do
	[ -s "$dir/relay.out" ] && break
	nap 0.1
done
read -r LINE <"$dir/relay.out"
check "a relay in a namespace of its own, to $MON ($LINE)" '$LINE == ready'

# record MODE: a session in ms_mode MODE through the relay: the maps, a
# command whose output names the client and its key, the client destroyed.
record() {
	local err out maps epoch
	err=$(in_ns bash -c "echo 'mon_addr=$MON,ms_mode=$1,name=admin,secret=$MONC_ADMIN_KEY,mount_timeout_ms=60000' >$TC/create" 2>&1)
	if [ -n "$err" ]; then
		not_ok "$1: mount through the relay ($err)"
		return 1
	fi
	wait_maps 10
	maps=$LINE
	kv "$maps" monmap
	epoch=$REPLY
	tc_put command '{"prefix": "auth get", "entity": "client.admin", "format": "json"}'
	tc_get command
	IFS= read -r -d '' out <"$TC/command_out"
	check "$1: mount through the relay, maps ($maps), auth get client.admin" \
		'${epoch:-0} -ge 1 && $out == *client.admin* && $out == *"$MONC_ADMIN_KEY"*'
	tc_put destroy 1
}

# found FILES...: REPLY=what of the fsid, "client.admin" and the key the
# recording holds; BYTES=its size.
found() {
	local hex fsid=${MONC_FSID//-/}
	REPLY=''
	BYTES=$(cat "$@" | wc -c)
	hex=$(cat "$@" | od -An -v -tx1 | tr -d ' \n')
	[[ $hex == *"$fsid"* ]] && REPLY+=' fsid'
	grep -qaF client.admin "$@" && REPLY+=' client.admin'
	grep -qaF "$MONC_ADMIN_KEY" "$@" && REPLY+=' key'
	REPLY=${REPLY# }
}

record crc
nap 1
shopt -s nullglob
crc_files=("$dir"/cap.*)
found "${crc_files[@]}"
check "crc mode: the recording ($BYTES bytes) holds the fsid, the name and the key ($REPLY)" \
	'$REPLY == "fsid client.admin key"'

record secure
nap 1
sec_files=()
for f in "$dir"/cap.*; do
	[[ " ${crc_files[*]} " == *" $f "* ]] || sec_files+=("$f")
done
found "${sec_files[@]}"
check "secure mode: the recording (${#sec_files[@]} files, $BYTES bytes) holds none of them (${REPLY:-none})" \
	'${#sec_files[@]} -ge 2 && $BYTES -gt 2000 && -z $REPLY'
cleanup
# Kept with the run's logs: the recordings, the client's key and the fsid,
# from which tests/msgr2_capture_secure.py makes tests/msgr2_test.c's
# known answers.
if [ -d "${MONC_RUN:-}" ]; then
	echo "$MONC_ADMIN_KEY" >"$dir/key"
	echo "$MONC_FSID" >"$dir/fsid"
	echo "${crc_files[*]}" >"$dir/crc-files"
	cp -r "$dir" "$MONC_RUN/msgr2-capture"
fi

rmmod monc_testclient
rc=$?
check "unload monc_testclient" '$rc == 0'
san=$(dmesg | grep -E "$SANITISER_RE" | head -n 3)
check "no sanitiser report in dmesg${san:+: $san}" '-z $san'
tap_end
