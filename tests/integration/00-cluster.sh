#!/bin/bash
# Integration check: the monitor cluster started by the rig is up.
#
# Integration scripts run inside UML, in file-name order, after the runner has
# started the cluster (tests/cluster/start.sh) and sourced its env file, so
# MONC_MON_ADDRS, MONC_FSID, CEPH_CONF, MONC_CLUSTER_BIN, MONC_MODROOT, ... are
# set (see tests/uml/init.sh). Each script prints TAP lines "ok N - name" or
# "not ok N - name" and must leave the cluster as it found it (all monitors
# up). Keep forks few: a fork+exec costs ~120 ms under UML, python 1-3 s.
set -euo pipefail

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }

# Each monitor greets a v1 client with the 9-byte banner "ceph v027".
# bash's /dev/tcp needs no fork.
IFS=, read -r -a addrs <<<"$MONC_MON_ADDRS"
for a in "${addrs[@]}"; do
	banner=
	if exec 3<>"/dev/tcp/${a%:*}/${a##*:}"; then
		read -r -N 9 -t 10 -u 3 banner || true
		exec 3<&- 3>&-
	fi
	if [ "$banner" = "ceph v027" ]; then
		ok "monitor $a sends the msgr v1 banner"
	else
		not_ok "monitor $a sends the msgr v1 banner (got '${banner}')"
	fi
done
echo "1..$n"
