#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# msgr2 (issue #14): the interop smoke (mount, maps, statfs, get_version,
# SIGKILL failover, renewal with cephx, unload, sanitisers) with the session
# over msgr2 in crc mode, against monitors bound to msgr2 only
# (tests/cluster/start.sh MONC_MSGR=v2, whose env says MONC_MS_MODE=crc and
# puts the monitors on 127.0.0.1:3300-3302). make check runs tests/msgr2/*.sh
# in a phase of the main lane of their own (tests/uml/check.sh).
exec "$(dirname "$(readlink -f "$0")")/../interop/smoke.sh" "$@"
