#!/bin/bash
# Start a throw-away Ceph monitor cluster on 127.0.0.1 and wait for quorum.
#
#   tests/cluster/start.sh [NMONS]        NMONS is 1 or 3 (default $MONC_MONS or 1)
#   tests/cluster/start.sh --prepare SEED [NMONS]
#   tests/cluster/start.sh --from SEED
#
# --prepare does the slow one-off part (ceph.conf, keyring, monmaptool,
# ceph-mon --mkfs) in SEED, with every path in ceph.conf and env already
# pointing at MONC_CLUSTER_DIR, and starts nothing; --from copies SEED into
# MONC_CLUSTER_DIR and starts the monitors. The rig prepares on the host
# (0.5 s) and starts inside UML, where monmaptool and mkfs cost ~10 s.
#
# Monitors are named a, b, c and numbered 0, 1, 2 (their monmap rank); monitor
# N listens on v1:127.0.0.1:$((MONC_BASE_PORT + N)), msgr v1 only (with
# MONC_MSGR=v2: on v2:127.0.0.1:$((MONC_BASE_PORT + N)), msgr2 only).
#
# Environment:
#   MONC_CEPH         the Ceph release: pacific (default), reef or tentacle
#                     (tests/cluster/release.sh; Reef and Tentacle run from the
#                     chroots of tests/uml/chroot.sh, so every path must be
#                     under /tmp for them)
#   MONC_CLUSTER_DIR  scratch directory (default /tmp/monc-cluster); wiped first
#   MONC_AUTH         none (default), cephx, or cephx,none (both allowed: one
#                     cluster for a none and a cephx client; env says cephx)
#   MONC_BASE_PORT    first port (default 6789; 3300 with MONC_MSGR=v2)
#   MONC_MSGR         v1 (default): monitors bound to msgr v1 only; v2: bound
#                     to msgr2 only (ms_bind_msgr1 = false), and the env says
#                     MONC_MS_MODE=crc for the clients
#   MONC_TMPFS=1      mount a tmpfs on MONC_CLUSTER_DIR first (the UML init does)
#   MONC_READY_TIMEOUT seconds to wait for quorum (default 240)
#   MONC_MON_LEASE, MONC_MON_ELECTION_TIMEOUT  seconds (default 3 and 3; Ceph's
#                     are 5 and 5): a fast new quorum after a monitor dies.
#                     1 and 1 re-form it in 3-4 s, but on a loaded host (2
#                     cores, several UMLs) paxos then times out its collect
#                     phase (2 x lease) again and again and never forms one;
#                     at a load of 20, 2 and 2 did the same.
#   MONC_TICKET_TTL   seconds: short cephx ticket lifetimes (auth_mon_ticket_ttl
#                     and auth_service_ticket_ttl), for the renewal test
#   MONC_CEPHX_KEY_TYPE  client.admin's key type: empty for the release's
#                     default (Tentacle: aes256k; older: aes), or aes, aes256k
#   MONC_CEPHX_CIPHERS   auth_allowed_ciphers, comma separated (empty: the
#                     release's default; Tentacle's is aes256k only); the
#                     first is auth_preferred_cipher. Tentacle keeps them in
#                     the monmap (ceph.conf's option is not read), so they
#                     go in through monmaptool's --auth-* options there.
#
# On success it writes $MONC_CLUSTER_DIR/env, a shell file to source:
#   CEPH_CONF, MONC_FSID, MONC_MONS, MONC_MON_ADDRS (comma list host:port),
#   MONC_MON_HOST (ceph mon_host form), MONC_AUTH, MONC_ADMIN_KEY and
#   MONC_TICKET_TTL (cephx only), MONC_CEPH (the release), MONC_CEPH_ROOT
#   (its chroot, empty for the host), MONC_CLUSTER_DIR, MONC_CLUSTER_BIN;
# and, once in quorum, prints each monitor's version (and $dir/versions).
# Use tests/cluster/mon.sh to kill/stop/cont/start/restart one monitor and
# tests/cluster/stop.sh to stop them all.
set -euo pipefail

bin=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=release.sh
. "$bin/release.sh"
mode=full
case "${1:-}" in
--prepare | --from)
	mode=${1#--}
	seed=${2:?usage: start.sh $1 SEED_DIR}
	shift 2
	;;
esac
if [ "$mode" = from ]; then
	ceph_release_of "$seed/env"
else
	ceph_release
fi
nmons=${1:-${MONC_MONS:-1}}
dir=${MONC_CLUSTER_DIR:-/tmp/monc-cluster}
final=$dir
auth=${MONC_AUTH:-none}
msgr=${MONC_MSGR:-v1}
case "$msgr" in
v1) base=${MONC_BASE_PORT:-6789} bind1=true bind2=false ;;
v2) base=${MONC_BASE_PORT:-3300} bind1=false bind2=true ;;
*) echo "start.sh: MONC_MSGR must be v1 or v2" >&2; exit 2 ;;
esac

case "$nmons" in 1|2|3) ;; *) echo "start.sh: NMONS must be 1..3" >&2; exit 2 ;; esac
# cephx,none: a cluster that allows both (the monitors take what the client
# offers), so that one cluster serves a none and a cephx client in turn;
# its env says cephx, with the key.
authline=$auth
case "$auth" in
none | cephx) ;;
cephx,none) auth=cephx authline="cephx, none" ;;
*) echo "start.sh: MONC_AUTH must be none, cephx or cephx,none" >&2; exit 2 ;;
esac
if ! ceph_root_ok; then
	echo "start.sh: no Ceph $CEPH_RELEASE tools in ${CEPH_ROOT:-/}; make them with tests/uml/chroot.sh $CEPH_SUITE" >&2
	exit 1
fi
if [ -n "$CEPH_ROOT" ]; then
	case "$dir" in
	/tmp/?*) ;;
	*) echo "start.sh: Ceph $CEPH_RELEASE runs in a chroot that sees only /tmp: MONC_CLUSTER_DIR must be under /tmp" >&2; exit 2 ;;
	esac
fi

# Make a fresh, empty cluster directory (stopping what ran there).
fresh_dir() {
	if [ -d "$dir/run" ]; then
		MONC_CLUSTER_DIR=$dir "$bin/stop.sh" --kill || true
	fi
	if [ "${MONC_TMPFS:-0}" = 1 ]; then
		mkdir -p "$dir"
		mountpoint -q "$dir" || mount -t tmpfs -o size=512m tmpfs "$dir"
	fi
	mkdir -p "$dir"
	rm -rf "${dir:?}"/*
}
launch() { # start every monitor of $dir/env and wait for quorum
	local i n
	n=$(sed -n 's/^export MONC_MONS=//p' "$dir/env")
	mkdir -p "$dir/run" "$dir/log"
	for ((i = 0; i < n; i++)); do
		MONC_CLUSTER_DIR=$dir "$bin/mon.sh" start "$i" --no-wait
	done
	exec /usr/bin/python3 "$bin/wait-ready.py" "$dir" --timeout "${MONC_READY_TIMEOUT:-240}" \
		--versions "$dir/versions"
}

if [ "$mode" = from ]; then
	fresh_dir
	cp -a "$seed/." "$dir/"
	launch
fi
if [ "$mode" = prepare ]; then
	# Build in SEED; the paths are rewritten to MONC_CLUSTER_DIR at the end.
	# A chroot release sees only /tmp: build there, then move it to SEED.
	rm -rf "$seed"
	if [ -n "$CEPH_ROOT" ]; then
		dir=$(mktemp -d /tmp/monc-seed.XXXXXX)
		trap 'rm -rf "$dir"' EXIT
	else
		dir=$seed
		mkdir -p "$dir"
	fi
else
	fresh_dir
fi
mkdir -p "$dir/run" "$dir/log" "$dir/data"

ids=(a b c)
fsid=$(cat /proc/sys/kernel/random/uuid)
addrs=()
hosts=()
for ((i = 0; i < nmons; i++)); do
	addrs+=("127.0.0.1:$((base + i))")
	hosts+=("$msgr:127.0.0.1:$((base + i))")
done
addr_list=$(IFS=,; echo "${addrs[*]}")
host_list=$(IFS=,; echo "${hosts[*]}")

if [ "$auth" = cephx ]; then
	keyring=$dir/keyring
else
	keyring=/dev/null
fi

cat >"$dir/ceph.conf" <<EOF
[global]
fsid = $fsid
mon_host = $host_list
ms_bind_msgr1 = $bind1
ms_bind_msgr2 = $bind2
ms_bind_ipv6 = false
auth_cluster_required = $authline
auth_service_required = $authline
auth_client_required = $authline
keyring = $keyring
run_dir = $dir/run
pid_file = $dir/run/\$cluster-\$name.pid
admin_socket = $dir/run/\$cluster-\$name.asok
log_file = $dir/log/\$cluster-\$name.log
mon_cluster_log_file = $dir/log/\$cluster.log
crash_dir = $dir/crash
exec_dir = $dir/run
mon_data = $dir/data/\$cluster-\$id
mon_lease = ${MONC_MON_LEASE:-3}
mon_election_timeout = ${MONC_MON_ELECTION_TIMEOUT:-3}
mon_data_avail_warn = 1
mon_data_avail_crit = 0
mon_warn_on_insecure_global_id_reclaim_allowed = false
mon_warn_on_pool_no_redundancy = false
mon_allow_pool_delete = true
mon_allow_pool_size_one = true
osd_pool_default_size = 1
log_to_stderr = false
err_to_stderr = true
# Each subsystem's log level (the first number) as Ceph's default, and
# its in-memory "gather" level (the second, kept for a crash dump) no
# higher: formatting those entries was two thirds of an idle monitor's
# CPU (3 Pacific monitors on the host: 0.88 s of CPU a minute, 0.25 s
# with these), and under UML the monitors run beside the client.
debug_mon = 1/1
debug_ms = 0/0
debug_paxos = 1/1
debug_auth = 1/1
debug_monc = 0/0
debug_rocksdb = 4/4
debug_asok = 1/1
debug_finisher = 1/1
debug_context = 0/0
debug_crypto = 1/1
debug_timer = 0/0
debug_heartbeatmap = 1/1
debug_perfcounter = 1/1
debug_mgrc = 1/1
debug_throttle = 1/1
debug_prioritycache = 1/1
# Fewer wakeups of idle monitors, none of which a test looks at. Under UML
# every wakeup is dear (each syscall a ptrace round trip), and a lane's
# monitors idle through most of it: 3 idle Tentacle monitors took 0.17 to
# 0.19 of a core with Ceph's defaults and 0.075 with these. The elector
# pings each peer every ping_timeout / 2 s (1 s by default), only to keep
# connectivity scores, which the classic election strategy (Ceph's
# default, used here) does not read: quorum and failover go by the paxos
# lease above. The op tracker's history thread woke for every message
# (nothing here dumps ops), and each idle cpu_tp worker every 2 s.
mon_elector_ping_timeout = 10
mon_enable_op_tracker = false
mon_cpu_threads = 1
EOF
if [ -n "${MONC_TICKET_TTL:-}" ]; then
	printf 'auth_mon_ticket_ttl = %s\nauth_service_ticket_ttl = %s\n' \
		"$MONC_TICKET_TTL" "$MONC_TICKET_TTL" >>"$dir/ceph.conf"
fi
cipherargs=()
if [ -n "${MONC_CEPHX_CIPHERS:-}" ]; then
	# (grep, not --help: each monmaptool run costs seconds under UML)
	if grep -qs -- --auth-allowed-ciphers "${CEPH_ROOT:-}/usr/bin/monmaptool"; then
		cipherargs=(--auth-allowed-ciphers "$MONC_CEPHX_CIPHERS"
			--auth-preferred-cipher "${MONC_CEPHX_CIPHERS%%,*}")
	else
		echo "auth_allowed_ciphers = ${MONC_CEPHX_CIPHERS//,/, }" >>"$dir/ceph.conf"
	fi
fi

if [ "$auth" = cephx ]; then
	keytype=()
	[ -n "${MONC_CEPHX_KEY_TYPE:-}" ] && keytype=(--key-type "$MONC_CEPHX_KEY_TYPE")
	ceph_x ceph-authtool --create-keyring "$keyring" --gen-key -n mon. \
		--cap mon 'allow *' >/dev/null
	ceph_x ceph-authtool "$keyring" --gen-key -n client.admin "${keytype[@]}" \
		--cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' \
		--cap mgr 'allow *' >/dev/null
fi

# One monmaptool call (each costs seconds under UML).
addargs=()
for ((i = 0; i < nmons; i++)); do
	addargs+=(--add "${ids[i]}" "$msgr:${addrs[i]}")
done
ceph_x monmaptool --create --fsid "$fsid" "${addargs[@]}" "${cipherargs[@]}" \
	"$dir/monmap" >/dev/null

# mkfs all monitors in parallel.
pids=()
for ((i = 0; i < nmons; i++)); do
	ceph_x ceph-mon --mkfs -c "$dir/ceph.conf" -i "${ids[i]}" --monmap "$dir/monmap" \
		--keyring "$keyring" >>"$dir/log/mkfs.${ids[i]}.log" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do
	if ! wait "$p"; then
		echo "start.sh: ceph-mon --mkfs failed; see $dir/log/mkfs.*.log" >&2
		cat "$dir"/log/mkfs.*.log >&2
		exit 1
	fi
done

{
	echo "export CEPH_CONF=$dir/ceph.conf"
	echo "export MONC_CLUSTER_DIR=$final"
	echo "export MONC_CLUSTER_BIN=$bin"
	echo "export MONC_FSID=$fsid"
	echo "export MONC_MONS=$nmons"
	echo "export MONC_BASE_PORT=$base"
	echo "export MONC_MON_ADDRS=$addr_list"
	echo "export MONC_MON_HOST=$host_list"
	echo "export MONC_AUTH=$auth"
	[ "$msgr" = v2 ] && echo "export MONC_MS_MODE=crc"
	echo "export MONC_CEPH=$CEPH_RELEASE"
	echo "export MONC_CEPH_ROOT=$CEPH_ROOT"
	if [ "$auth" = cephx ]; then
		echo "export MONC_KEYRING=$keyring"
		echo "export MONC_ADMIN_KEY=$(ceph_x ceph-authtool "$keyring" -n client.admin -p)"
		echo "export MONC_TICKET_TTL=${MONC_TICKET_TTL:-}"
	fi
} >"$dir/env"

if [ "$mode" = prepare ]; then
	# Point every path at the final directory; the stores hold no paths.
	sed -i "s|$dir|$final|g" "$dir/ceph.conf" "$dir/env"
	rm -rf "$dir/run" "$dir/log"
	if [ "$dir" != "$seed" ]; then
		mkdir -p "$seed"
		cp -a "$dir/." "$seed/"
	fi
	exit 0
fi
launch
