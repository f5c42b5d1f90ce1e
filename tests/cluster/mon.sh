#!/bin/bash
# Act on monitor N (0, 1, 2 = a, b, c) of the cluster made by start.sh.
#
#   tests/cluster/mon.sh kill N      SIGKILL it (it stays down)
#   tests/cluster/mon.sh stop N      SIGSTOP it (frozen, sockets stay open)
#   tests/cluster/mon.sh cont N      SIGCONT it
#   tests/cluster/mon.sh start N [--no-wait]
#                                    start it from its store; wait for quorum
#   tests/cluster/mon.sh restart N   kill, then start and wait for quorum
#   tests/cluster/mon.sh pid N       print its pid
#
# MONC_CLUSTER_DIR selects the cluster (default /tmp/monc-cluster); the
# release is the one start.sh recorded in its env file.
set -euo pipefail

bin=$(cd "$(dirname "$0")" && pwd)
dir=${MONC_CLUSTER_DIR:-/tmp/monc-cluster}
# shellcheck source=release.sh
. "$bin/release.sh"
ceph_release_of "$dir/env"
cmd=${1:?usage: mon.sh kill|stop|cont|start|restart|pid N}
n=${2:?usage: mon.sh $cmd N}
ids=(a b c)
id=${ids[$n]:?monitor number must be 0, 1 or 2}
pidfile=$dir/run/mon.$id.pid

mon_pid() { [ -s "$pidfile" ] && cat "$pidfile"; }
alive() { local p; p=$(mon_pid) && kill -0 "$p" 2>/dev/null; }

do_kill() {
	local p
	if p=$(mon_pid); then
		kill -CONT "$p" 2>/dev/null || true
		kill -KILL "$p" 2>/dev/null || true
		# Wait until it is gone, so its port is free for a restart.
		while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
	fi
	rm -f "$pidfile"
}

do_start() {
	if alive; then
		echo "mon.sh: mon.$id is already running" >&2
		return 0
	fi
	# -f keeps it in the foreground, and ceph_exec execs it, so $! is the
	# monitor itself.
	(ceph_exec ceph-mon -f -c "$dir/ceph.conf" -i "$id") </dev/null \
		>>"$dir/log/mon.$id.stdout" 2>&1 &
	echo $! >"$pidfile"
	disown
}

wait_ready() {
	/usr/bin/python3 "$bin/wait-ready.py" "$dir" --timeout "${MONC_READY_TIMEOUT:-240}"
}

case "$cmd" in
kill) do_kill ;;
stop) kill -STOP "$(mon_pid)" ;;
cont) kill -CONT "$(mon_pid)" ;;
start)
	do_start
	[ "${3:-}" = --no-wait ] || wait_ready
	;;
restart)
	do_kill
	do_start
	wait_ready
	;;
pid) mon_pid ;;
*)
	echo "mon.sh: unknown command $cmd" >&2
	exit 2
	;;
esac
