#!/bin/bash
# Stop every monitor of the cluster made by start.sh (SIGTERM, then SIGKILL
# after 5 s). With --kill, SIGKILL at once (the rig does that at the end of a
# run, where the stores on tmpfs are thrown away anyway).
# MONC_CLUSTER_DIR selects the cluster (default /tmp/monc-cluster).
set -euo pipefail

dir=${MONC_CLUSTER_DIR:-/tmp/monc-cluster}
sig=TERM
[ "${1:-}" = --kill ] && sig=KILL
shopt -s nullglob
pids=()
for f in "$dir"/run/mon.*.pid; do
	p=$(cat "$f")
	kill -CONT "$p" 2>/dev/null || true
	kill -"$sig" "$p" 2>/dev/null && pids+=("$p")
	rm -f "$f"
done
# Give them 5 s to exit, then kill what is left.
for ((t = 0; t < 100; t++)); do
	left=0
	for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && left=1; done
	[ "$left" = 0 ] && exit 0
	sleep 0.05
done
for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
