#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Integration (issue #6, item 1): a hostile monitor.
#
# tests/fakemon/fakemon.py listens on 127.0.0.1 (the fake, listed FIRST in
# mon_addr) and relays a second address to the real monitor a (listed
# second). For each of several hundred cases, the harness inside it creates
# a monc client through tests/client's monc_testclient.ko, lets the fake take
# the session to the case's stage (banner, connect, auth, monmap, subscribe,
# statfs, get_version, keepalive), sends ONE crafted fault, and then checks:
#   - the client hunts to the real monitor and statfs (and get_version for
#     the version cases) returns exactly what the real cluster returns, so
#     a truncated or corrupt reply that monc accepted is caught by the
#     poisoned numbers the fake puts in it;
#   - nothing hangs: every step is bounded, and a stuck client ends the run.
# Sanitiser reports are caught by the rig on the console (KASAN, lockdep,
# kmemleak after the scripts).
#
# One python process runs every case (python start costs 1-3 s in UML).
# Prints one TAP line per case and a count per family.
#
# make check runs a sample: every MONC_FAKEMON_STRIDE-th case of each family
# (default 8; the first case of every family is always in), so every kind
# of fault keeps at least one case; make soak (tests/soak/50-fakemon.sh)
# runs every case, every truncation of every message.
#
# With MONC_FAKEMON_CEPHX=sample|all (tests/integration/50-fakemon-cephx.sh,
# in the cephx phase) it runs the cephx cases instead (issue #12): the fake
# does cephx with aes and aes256k keys, and forges or corrupts its
# challenge and ticket reply; sample is make check's representative set,
# all the whole sweep (make soak).
#
# Environment: MONC_FAKEMON_STRIDE (8; 1 runs all), MONC_FAKEMON_ARGS adds
# fakemon.py options (e.g. "--filter trunc-statfs", "--quick");
# MONC_FAKEMON_BUDGET bounds the run in seconds (default 540, under the
# runner's 600 s).
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../client/lib.sh
. "$here/../client/lib.sh"

IFS=, read -r -a ADDRS <<<"$MONC_MON_ADDRS"
real=${ADDRS[0]}

if [ ! -d "$TC" ]; then
	if ! mp monc_testclient; then
		echo "not ok 1 - fakemon: load monc_testclient.ko"
		echo "1..1"
		exit 1
	fi
	loaded=1
fi
tc_put destroy 1 || true

rc=0
stride=${MONC_FAKEMON_STRIDE:-8}
cephx=()
case ${MONC_FAKEMON_CEPHX:-} in
sample) cephx=(--cephx-key "$MONC_ADMIN_KEY" --sample) stride=1 ;;
all) cephx=(--cephx-key "$MONC_ADMIN_KEY") stride=1 ;;
esac
# shellcheck disable=SC2086 # MONC_FAKEMON_ARGS is a word list
/usr/bin/python3 "$here/../fakemon/fakemon.py" run \
	--fsid "$MONC_FSID" --real "$real" --real-name a \
	--port "${MONC_FAKEMON_PORT:-6800}" \
	--budget "${MONC_FAKEMON_BUDGET:-540}" \
	--stride "$stride" "${cephx[@]}" \
	${MONC_FAKEMON_ARGS:-} || rc=$?

tc_put destroy 1 || true
if [ "${loaded:-0}" = 1 ]; then
	rmmod monc_testclient 2>/dev/null || true
fi
exit "$rc"
