#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # check() takes [[ ]] conditions to eval, in single quotes
#
# msgr2 secure mode (issue #14) against monitors bound to msgr2 only, on
# the cluster tests/msgr2/msgr2-smoke.sh runs on (make check's v2 phases).
#
# With cephx: the interop smoke (mount, maps, statfs, get_version, SIGKILL
# failover, renewal over one TTL, unload, sanitisers) with ms_mode=secure,
# which offers secure mode alone: the session exists only if the monitors
# took it.
#
# With auth none, which has no key material for secure mode (a monitor
# allows crc alone with it): ms_mode=prefer-secure falls back to crc and
# mounts; ms_mode=secure is refused and the mount times out.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
if [ "${MONC_AUTH:-none}" = cephx ]; then
	MONC_MS_MODE=secure exec "$here/../interop/smoke.sh" "$@"
fi

# shellcheck source=../client/lib.sh
. "$here/../client/lib.sh"
watchdog "${MONC_TEST_WATCHDOG:-120}"
mon_addr_opt
ALL=$REPLY
load_or_end monc_testclient

if tc_put create "mon_addr=$ALL,ms_mode=prefer-secure,mount_timeout_ms=30000"; then
	tc_get statfs
	check "auth none, ms_mode=prefer-secure: falls back to crc, mounts; statfs ($LINE)" '$LINE == "err=0 "*'
	session_kv protocol
	check "auth none, ms_mode=prefer-secure: the session runs msgr2 crc (debugfs: $REPLY)" '$REPLY == "msgr2 crc"'
	tc_put destroy 1
else
	not_ok "auth none, ms_mode=prefer-secure: mount ($ERR)"
fi

tc_put create "mon_addr=$ALL,ms_mode=secure,mount_timeout_ms=3000"
rc=$?
check "auth none, ms_mode=secure: refused, the mount fails (${ERR:-no error})" '$rc != 0'
tc_put destroy 1 2>/dev/null

unload_checked
tap_end
