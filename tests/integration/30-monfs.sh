#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # check() takes [[ ]] conditions to eval, in single quotes
# shellcheck disable=SC2034 # some variables are used only in check() conditions
#
# Integration (issue #5): monfs, the sample filesystem client, against the
# real 3-monitor cluster inside UML.
#  - mount, stat -f, umount, MONC_MONFS_ROUNDS times (make check 5, make
#    soak 20: a round is three process starts and a new session), with
#    nothing left behind;
#  - statfs(2) mapped as fs/ceph maps it (4 MiB blocks, folded fsid);
#  - /proc/mounts shows the options (the secret hidden, with cephx);
#  - a table of bad options, each rejected with EINVAL and a logged reason;
#  - an auth denial fails the mount with the monitor's error;
#  - a port where nothing listens: ETIMEDOUT within mount_timeout;
#  - Ctrl-C interrupts a mount;
#  - two mounts at once are two clients;
#  - with every monitor frozen: statfs fails after mount_timeout, a signal
#    interrupts it with EINTR promptly, and umount -f returns the blocked
#    callers promptly.
# busybox mount is used for its plain strerror() messages.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../client/lib.sh
. "$here/../client/lib.sh"
watchdog "${MONC_TEST_WATCHDOG:-400}"

IFS=, read -r -a ADDRS <<<"$MONC_MON_ADDRS"
nmons=${#ADDRS[@]}
mon_addr_opt
ALL_MONS=$REPLY
auth_opt=
if [ "${MONC_AUTH:-none}" = cephx ] && [ -n "${MONC_ADMIN_KEY:-}" ]; then
	auth_opt=",secret=$MONC_ADMIN_KEY"
fi
BASE="mon_addr=$ALL_MONS,name=admin$auth_opt"
MNT=/tmp/monfs-test
mkdir -p "$MNT/a" "$MNT/b"
BB=busybox

# bbmount OPTS DIR: ERR=busybox's message, MS=time taken; status of mount.
bbmount() {
	local t0 rc
	now_us
	t0=$REPLY
	ERR=$($BB mount -t monfs -o "$1" none "$2" 2>&1)
	rc=$?
	ms_since "$t0"
	MS=$REPLY
	return $rc
}
mounted() { # mounted DIR: is DIR a monfs mount point (builtin read of /proc/mounts)
	local dir type rest
	while read -r _ dir type rest; do
		[ "$dir" = "$1" ] && [ "$type" = monfs ] && return 0
	done </proc/mounts
	return 1
}
mounts_line() { # REPLY=the /proc/mounts line of DIR
	local line
	REPLY=
	while read -r line; do
		case "$line" in *" $1 monfs "*) REPLY=$line; return 0 ;; esac
	done </proc/mounts
	return 1
}
monc_clients() { # REPLY=number of monc debugfs client directories
	local d n=0
	# a client's directory has a session file (fault/ has none)
	for d in /sys/kernel/debug/monc/*/session; do [ -f "$d" ] && n=$((n + 1)); done
	REPLY=$n
}
refcnt() { REPLY=; read -r REPLY </sys/module/monc/refcnt 2>/dev/null; }

if ! mp monfs; then
	not_ok "load monfs.ko"
	tap_end
	exit 1
fi
ok "load monfs.ko"

# --------------------------------------------------- the expected statfs
# fs/ceph folds the fsid: f_fsid.val[0] = XOR of its four little-endian
# 32-bit words; val[1] = the fs cluster id, -1 when none. GNU stat's %i
# prints val[0] then val[1] in hex.
hex=${MONC_FSID//-/}
fold=0
for ((w = 0; w < 4; w++)); do
	b=${hex:w*8:8}
	fold=$((fold ^ 16#${b:6:2}${b:4:2}${b:2:2}${b:0:2}))
done
printf -v want_fsid '%x' $(((fold << 32) | 0xffffffff))

# ------------------------------------------------- mount/stat/umount x N
ROUNDS=${MONC_MONFS_ROUNDS:-5}
refcnt
ref0=$REPLY
loop_ok=0 min=999999 max=0 sum=0 statf=
for ((i = 1; i <= ROUNDS; i++)); do
	bbmount "$BASE" "$MNT/a" || { diag "mount $i: $ERR"; break; }
	((MS < min)) && min=$MS
	((MS > max)) && max=$MS
	sum=$((sum + MS))
	statf=$(stat -f -c '%t %S %s %b %f %a %c %d %i' "$MNT/a" 2>&1) ||
		{ diag "stat -f $i: $statf"; $BB umount "$MNT/a"; break; }
	$BB umount "$MNT/a" || { diag "umount $i failed"; break; }
	loop_ok=$i
done
check "mount, stat -f, umount: $loop_ok of $ROUNDS rounds" '$loop_ok == $ROUNDS'
if [ "$loop_ok" -gt 0 ]; then
	diag "monfs mount time over $loop_ok mounts: min $min ms, mean $((sum / loop_ok)) ms, max $max ms"
fi
diag "stat -f (type bsize frsize blocks bfree bavail files ffree fsid): $statf"
check "statfs maps as fs/ceph: type 6d6f6e66, 4 MiB blocks, 0 blocks with no OSDs" \
	'$statf == "6d6f6e66 4194304 4194304 0 0 0 0 "*'
check "f_fsid folded from the cluster fsid as fs/ceph does ($want_fsid)" \
	'${statf##* } == "$want_fsid"'
monc_clients
clients=$REPLY
refcnt
check "after $ROUNDS umounts: no client left (debugfs dirs $clients, monc refcnt $REPLY was $ref0)" \
	'$clients == 0 && $REPLY == "$ref0"'
check "no monfs mount left" '! $(mounted "$MNT/a" && echo y)'

# ------------------------------------------------------- /proc/mounts
if bbmount "$BASE,mount_timeout=30,keepalive_timeout_ms=4000,hunt_parallel=2,hunt_stagger_ms=20" "$MNT/a"; then
	mounts_line "$MNT/a"
	ml=$REPLY
	diag "/proc/mounts: $ml"
	check "/proc/mounts shows the options" \
		'$ml == *"mon_addr=$ALL_MONS"*"name=admin"*"mount_timeout=30,keepalive_timeout_ms=4000,hunt_parallel=2,hunt_stagger_ms=20"*'
	check "the root is a read-only mount" '$ml == *" ro,"* || $ml == *" ro "*'
	# monfs reports the osdmap epoch it got (monc_got_map()): the
	# subscription moves on instead of asking for the full map again
	subs=$(cat /sys/kernel/debug/monc/*/session 2>/dev/null | grep '^sub osdmap:')
	check "monfs tells monc the osdmap epoch it has ($subs)" \
		'$subs =~ "have "[1-9]'
	stag=$(cat /sys/kernel/debug/monc/*/session 2>/dev/null | grep '^hunt_stagger_ms:')
	check "monc got hunt_stagger_ms=20 from monfs ($stag)" '$stag == "hunt_stagger_ms: 20"'
	if [ -n "$auth_opt" ]; then
		check "the secret is hidden" '$ml == *"secret=<hidden>"* && $ml != *"$MONC_ADMIN_KEY"*'
	else
		skip "the secret is hidden in /proc/mounts" "auth none cluster (MONC_AUTH=cephx tests it)"
	fi
	ls_out=$(ls -A "$MNT/a" 2>&1)
	check "the root is an empty directory" '-z $ls_out'
	touch "$MNT/a/x" 2>/dev/null
	check "the root is read-only (touch fails)" '! -e $MNT/a/x'
	$BB umount "$MNT/a"
else
	not_ok "mount with tunables: $ERR"
fi

# ------------------------------------------- address forms that are good
# No port means the default ports (v1 6789, v2 3300), shown back without
# one; [ipv6]:port is parsed and shown back the same way (the cluster
# listens on IPv4 only, so the session goes to the second).
for form in "127.0.0.1|127.0.0.1" "[::1]:6789/${ADDRS[0]}|[::1]:6789/${ADDRS[0]}"; do
	given=${form%%|*}
	shown=${form##*|}
	if bbmount "mon_addr=$given,mount_timeout=10$auth_opt" "$MNT/a"; then
		mounts_line "$MNT/a"
		check "mon_addr=$given mounts and shows as mon_addr=$shown" '$REPLY == *"mon_addr=$shown,"*'
		$BB umount "$MNT/a"
	else
		not_ok "mon_addr=$given mounts: $ERR"
	fi
done

# ------------------------------------------------------ bad options
good="mon_addr=${ADDRS[0]}"
long_name=$(printf 'n%.0s' {1..65})
many=
for ((i = 0; i < 33; i++)); do many+="${many:+/}127.0.0.1:$((7000 + i))"; done
bad_opts=(
	"name=admin"
	"mon_addr="
	"mon_addr=${ADDRS[0]}/"
	"mon_addr=/${ADDRS[0]}"
	"mon_addr=300.0.0.1:6789"
	"mon_addr=127.0.0.1:0"
	"mon_addr=127.0.0.1:65536"
	"mon_addr=127.0.0.1:67x9"
	"mon_addr=127.0.0.1:"
	"mon_addr=[::1"
	"mon_addr=[::1]x6789"
	"mon_addr=[127.0.0.1]:6789"
	"mon_addr=mon.example.com:6789"
	"mon_addr=$many"
	"$good,nosuchoption=1"
	"$good,mount_timeout=abc"
	"$good,mount_timeout=999999"
	"$good,keepalive_timeout_ms=-1"
	"$good,hunt_interval_ms=99999999"
	"$good,hunt_parallel=33"
	"$good,hunt_stagger_ms=3600001"
	"$good,hunt_stagger_ms=soon"
	"$good,mount_timeout=3601"
	"$good,hunt_backoff=17"
	"$good,hunt_max_mult=1001"
	"$good,keepalive_interval_ms=5000,keepalive_timeout_ms=4000"
	"$good,name="
	"$good,name=client.admin"
	"$good,name=$long_name"
	"$good,secret=not*base64"
	"$good,secret=QUJD"
	"$good,key=client.admin"
)
logs_before=$(dmesg | grep -c 'monfs: ')
nbad=0 bad_fail=()
for o in "${bad_opts[@]}"; do
	if bbmount "$o" "$MNT/a"; then
		bad_fail+=("'$o' mounted")
		$BB umount "$MNT/a"
	elif [[ "$ERR" != *"Invalid argument"* ]]; then
		bad_fail+=("'$o': $ERR")
	else
		nbad=$((nbad + 1))
	fi
done
for f in "${bad_fail[@]}"; do diag "bad option not rejected with EINVAL: $f"; done
check "${#bad_opts[@]} bad options each rejected with EINVAL ($nbad did)" '$nbad == ${#bad_opts[@]}'
logs_after=$(dmesg | grep -c 'monfs: ')
check "each rejection logged its reason ($((logs_after - logs_before)) lines)" \
	'$((logs_after - logs_before)) -ge ${#bad_opts[@]}'
# monfs bounds what monc bounds, and says so: nothing out of range gets as
# far as monc_create(), whose EINVAL carries no reason (issue #16 item 13)
new_logs=$(dmesg | grep 'monfs: ' | tail -n +$((logs_before + 1)))
refused=$(grep -c 'monc refused the options' <<<"$new_logs")
check "monfs names the bound of mount_timeout=3601 and hunt_backoff=17 itself; monc refused none of the bad options ($refused)" \
	'$new_logs == *"mount_timeout=3601 is out of range"* && $new_logs == *"hunt_backoff=17 is out of range"* && $refused == 0'
diag "for example: $(dmesg | grep 'monfs: ' | tail -n 2 | sed -e 's/^\[[^]]*\] //' | tr '\n' '|')"

# -------------------------------- unreachable: ETIMEDOUT within the timeout
dead="127.0.0.1:$((${MONC_BASE_PORT:-6789} + 10))"
# What a busybox run costs by itself here (fork+exec: ~0.1-1 s under UML
# on a loaded host), to tell the kernel's wait from the process start.
now_us
t0=$REPLY
$BB true
ms_since "$t0"
proc_ms=$REPLY
bbmount "mon_addr=$dead,mount_timeout=3" "$MNT/a"
check "a port where nothing listens: ETIMEDOUT ($ERR)" '$ERR == *"timed out"*'
check "... after mount_timeout=3 and not much later ($MS ms, of which ~$proc_ms ms process start)" \
	'$MS -ge 2900 && $((MS - proc_ms)) -lt 15000'
diag "mount to a dead port with mount_timeout=3: failed after $MS ms (a bare busybox run took $proc_ms ms)"

# -------------------------------------------- auth denial: the monitor's error
# A well-formed cephx key that the cluster does not know: an auth-none
# cluster has no method in common with a cephx-only client, a cephx cluster
# rejects the key. Either way the monitor refuses, and the mount must fail
# with that error: not EINVAL (the options are fine), not ETIMEDOUT.
fake_key=AQAA8VNlAAAAABAAAAECAwQFBgcICQoLDA0ODw==
bbmount "mon_addr=$ALL_MONS,name=admin,secret=$fake_key,mount_timeout=10" "$MNT/a"
rc=$?
check "auth denied: the mount fails with the monitor's error ($ERR) in $MS ms" \
	'$rc != 0 && $ERR != *"timed out"* && $ERR != *"Invalid argument"* && $MS -lt 10000'
diag "auth denial, kernel log: $(dmesg | grep -E 'monc|monfs' | tail -n 2 | sed -e 's/^\[[^]]*\] //' | tr '\n' '|')"
mounted "$MNT/a" && $BB umount "$MNT/a"

# --------------------------------------------------- Ctrl-C stops a mount
now_us
t0=$REPLY
# Job control on, so that the background mount does not ignore SIGINT.
set -m
$BB mount -t monfs -o "mon_addr=$dead,mount_timeout=60" none "$MNT/a" 2>/dev/null &
mpid=$!
set +m
nap 1
now_us
t1=$REPLY
kill -INT "$mpid"
wait "$mpid"
rc=$?
ms_since "$t1"
# Woken by the signal, not by mount_timeout=60 (no speed bound: the host
# may be loaded).
check "SIGINT interrupts a mount (exit $rc after $REPLY ms)" '$rc != 0 && $REPLY -lt 30000'
check "... and nothing is mounted" '! $(mounted "$MNT/a" && echo y)'

# --------------------------------------------------- two mounts at once
if bbmount "$BASE" "$MNT/a" && bbmount "$BASE" "$MNT/b"; then
	monc_clients
	check "two mounts, two monc clients ($REPLY debugfs dirs)" '$REPLY == 2'
	sa=$(stat -f -c %i "$MNT/a" 2>&1)
	sb=$(stat -f -c %i "$MNT/b" 2>&1)
	check "stat -f works on both ($sa, $sb)" '$sa == "$want_fsid" && $sb == "$want_fsid"'
	$BB umount "$MNT/a"
	sb=$(stat -f -c %i "$MNT/b" 2>&1)
	check "unmounting one leaves the other working" '$sb == "$want_fsid"'
	$BB umount "$MNT/b"
else
	not_ok "two mounts at once: $ERR"
	$BB umount "$MNT/a" 2>/dev/null
fi

# --------------------------------------------- every monitor frozen
MT=3
if bbmount "$BASE,mount_timeout=$MT,keepalive_interval_ms=500,keepalive_timeout_ms=2000" "$MNT/a"; then
	stop_all "$nmons"
	now_us
	t0=$REPLY
	out=$(stat -f "$MNT/a" 2>&1)
	rc=$?
	ms_since "$t0"
	check "every monitor frozen: statfs fails after mount_timeout=$MT s (rc $rc after $REPLY ms)" \
		'$rc != 0 && $REPLY -ge $((MT * 1000 - 100)) && $REPLY -lt $((MT * 1000 + 15000))'
	diag "statfs with every monitor frozen: $out"
	$BB umount "$MNT/a"
	cont_all "$nmons"
	wait_quorum 60
else
	not_ok "mount for the frozen-monitors case: $ERR"
fi

if bbmount "$BASE,mount_timeout=30" "$MNT/a"; then
	stop_all "$nmons"
	# One python (1-3 s to start under UML): statfs(2), SIGALRM after 1 s.
	res=$(/usr/bin/python3 - "$MNT/a" <<'EOF'
import ctypes, errno, signal, sys, time
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(256)
signal.signal(signal.SIGALRM, lambda s, f: None)
t0 = time.monotonic()
signal.setitimer(signal.ITIMER_REAL, 1.0)
rc = libc.statfs(sys.argv[1].encode(), buf)
t1 = time.monotonic()
e = ctypes.get_errno()
# The Python-level handler runs only after statfs returns: time the
# return against the timer's expiry instead.
print("rc=%d errno=%s total_ms=%d after_signal_ms=%d" %
      (rc, errno.errorcode.get(e, e) if rc else 0, (t1 - t0) * 1000,
       (t1 - t0 - 1.0) * 1000))
EOF
)
	diag "statfs interrupted by SIGALRM: $res"
	kv "$res" after_signal_ms
	check "statfs interrupted by a signal returns EINTR, not at mount_timeout=30 ($res)" \
		'$res == "rc=-1 errno=EINTR "* && $REPLY -ge 0 && $REPLY -lt 15000'

	# umount -f while statfs callers are blocked.
	pids=()
	for ((i = 0; i < 3; i++)); do
		stat -f "$MNT/a" >/dev/null 2>&1 &
		pids+=($!)
	done
	# All three must be blocked in monc before the umount: a stat that
	# starts after it finds the bare mount point and succeeds.
	wait_pending_statfs 3 30
	diag "statfs requests pending in monc before umount -f: $REPLY"
	now_us
	t0=$REPLY
	$BB umount -f -l "$MNT/a"
	urc=$?
	fails=0
	for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
	ms_since "$t0"
	check "umount -f with 3 statfs callers blocked: umount ok ($urc), all 3 fail, woken before mount_timeout=30 ($fails failed, $REPLY ms)" \
		'$urc == 0 && $fails == 3 && $REPLY -lt 20000'
	diag "umount -f returned the blocked statfs callers in $REPLY ms"
	nap 0.5
	monc_clients
	check "... and the client is gone ($REPLY debugfs dirs)" '$REPLY == 0'
	cont_all "$nmons"
	wait_quorum 60
else
	not_ok "mount for the interrupt cases: $ERR"
fi

# ------------------------------------------------------------- the end
for ((i = 0; i < 20; i++)); do
	rmmod monfs 2>/dev/null && break
	nap 0.2
done
check "rmmod monfs" '! -d /sys/module/monfs'
san=$(dmesg | grep -E "$SANITISER_RE" | head -n 3)
check "no sanitiser report in dmesg so far${san:+: $san}" '-z $san'
tap_end
