#!/bin/bash
# One OSD (osd.0, memstore) and one MDS (mds.a) for a cephx cluster made by
# start.sh, so that a client's authorizer meets real daemons.
#
#   tests/cluster/daemons.sh start    register, mkfs and start both; wait
#                                     until the OSD is up and the MDS standby
#   tests/cluster/daemons.sh stop     SIGKILL both (the registrations stay)
#   tests/cluster/daemons.sh addr osd|mds   print its msgr v1 address
#
# osd.0 uses memstore (osd_objectstore = memstore, memstore_device_bytes =
# 256M; start.sh's osd_pool_default_size is 1) and listens on
# 127.0.0.1:$((MONC_BASE_PORT + 11)); mds.a on $((MONC_BASE_PORT + 21)),
# both msgr v1 only like the monitors. MONC_CLUSTER_DIR selects the
# cluster; MONC_DAEMONS_TIMEOUT (default 300) bounds the wait, in seconds.
set -euo pipefail

bin=$(cd "$(dirname "$0")" && pwd)
dir=${MONC_CLUSTER_DIR:-/tmp/monc-cluster}
# shellcheck source=release.sh
. "$bin/release.sh"
ceph_release_of "$dir/env"
# shellcheck disable=SC1091
. "$dir/env"
base=${MONC_BASE_PORT:-6789}
osd_port=$((base + 11))
mds_port=$((base + 21))
timeout=${MONC_DAEMONS_TIMEOUT:-300}
conf=$dir/ceph.conf

configure() {
	grep -q '^\[osd\]' "$conf" && return 0
	cat >>"$conf" <<CONF

[osd]
osd_objectstore = memstore
memstore_device_bytes = 256M
osd_data = $dir/data/\$cluster-\$id
keyring = $dir/\$name.keyring
osd_crush_update_on_start = false
debug_osd = 1/5
# as the monitors (start.sh): no op history, which nothing here reads
osd_enable_op_tracker = false

[osd.0]
public_addr = 127.0.0.1:$osd_port

[mds]
mds_data = $dir/data/\$cluster-\$id
keyring = $dir/\$name.keyring
debug_mds = 1/5
mds_enable_op_tracker = false

[mds.a]
public_addr = 127.0.0.1:$mds_port
CONF
}

# wait_log FILE PATTERN WHAT: until FILE has PATTERN, or the timeout
wait_log() {
	local i
	for ((i = 0; i < timeout * 2; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	echo "daemons.sh: $3 not ready after ${timeout}s; the end of $1:" >&2
	tail -20 "$1" >&2 || true
	return 1
}

start() {
	local uuid
	[ "${MONC_AUTH:-none}" = cephx ] || { echo "daemons.sh: needs a cephx cluster" >&2; exit 2; }
	configure
	mkdir -p "$dir/data/ceph-0" "$dir/data/ceph-a" "$dir/run" "$dir/log"
	if [ ! -s "$dir/osd.0.uuid" ]; then
		cat /proc/sys/kernel/random/uuid >"$dir/osd.0.uuid"
	fi
	uuid=$(<"$dir/osd.0.uuid")
	# the chroot sees only /tmp: run the helper from the cluster directory
	cp "$bin/daemons.py" "$dir/daemons.py"
	ceph_x /usr/bin/python3 "$dir/daemons.py" "$conf" "$MONC_KEYRING" "$dir" "$uuid"
	if [ ! -e "$dir/data/ceph-0/fsid" ]; then
		ceph_x ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$uuid" \
			>>"$dir/log/osd.0.mkfs.log" 2>&1
	fi
	(ceph_exec ceph-osd -f -c "$conf" -i 0) </dev/null >>"$dir/log/osd.0.stdout" 2>&1 &
	echo $! >"$dir/run/osd.0.pid"
	(ceph_exec ceph-mds -f -c "$conf" -i a) </dev/null >>"$dir/log/mds.a.stdout" 2>&1 &
	echo $! >"$dir/run/mds.a.pid"
	disown -a
	wait_log "$dir/log/ceph-osd.0.log" 'state: booting -> active' osd.0
	wait_log "$dir/log/ceph-mds.a.log" 'assigned me to become a standby' mds.a
}

stop() {
	local n p
	for n in osd.0 mds.a; do
		[ -s "$dir/run/$n.pid" ] || continue
		p=$(<"$dir/run/$n.pid")
		kill -KILL "$p" 2>/dev/null || true
		while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
		rm -f "$dir/run/$n.pid"
	done
}

case "${1:-}" in
start) start ;;
stop) stop ;;
addr)
	case "${2:-}" in
	osd) echo "127.0.0.1:$osd_port" ;;
	mds) echo "127.0.0.1:$mds_port" ;;
	*) echo "usage: daemons.sh addr osd|mds" >&2; exit 2 ;;
	esac
	;;
*)
	echo "usage: daemons.sh start|stop|addr osd|mds" >&2
	exit 2
	;;
esac
