#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: monc against a real 3-monitor Ceph cluster, narrated.
#
# On the host (no MONC_RUN in the environment) it hands over to the rig:
# tests/uml/check.sh in demo mode installs what is missing, builds or reuses
# the UML kernel, builds monc and the test modules, boots UML, starts three
# Tentacle ceph-mon (cephx, 127.0.0.1:6789-6791) and runs tests/demo/*.sh, which
# links back here.
#
# Inside UML (the rig's init runs it with MONC_RUN set and the cluster's env
# sourced) it narrates: the mount and how long it took, df -h and stat -f,
# the client's debugfs session and monmap, a SIGKILL of the monitor that has
# the session with the measured failover time and the next statfs, the
# umount, and whether KASAN, lockdep and kmemleak stayed silent. Every
# figure it prints is measured in this run.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
if [ -z "${MONC_RUN:-}" ]; then
	exec env MONC_MODE=demo "$here/uml/check.sh" "$@"
fi

# shellcheck source=client/lib.sh
. "$here/client/lib.sh"

say() { echo "$*"; }
run() { # run CMD...: show it, run it, indent its output
	local out rc
	echo "  \$ $*"
	out=$("$@" 2>&1)
	rc=$?
	[ -n "$out" ] && while IFS= read -r l; do echo "    $l"; done <<<"$out"
	return $rc
}
sess_val() { # sess_val DIR KEY: REPLY=the value of "KEY: value" in DIR/session
	local k v
	REPLY=
	[ -r "$1/session" ] || return 1
	while IFS=': ' read -r k v; do
		[ "$k" = "$2" ] && { REPLY=$v; return 0; }
	done <"$1/session"
	return 1
}
show_file() { # show_file PATH: print a (debugfs) file, indented
	local l
	echo "  \$ cat $1"
	while IFS= read -r l; do echo "    $l"; done <"$1"
}

IFS=, read -r -a ADDRS <<<"$MONC_MON_ADDRS"
mon_addr_opt
ALL_MONS=$REPLY
MNT=/tmp/monc-demo/mnt
mkdir -p "$MNT"
KA_INT=500 KA_TMO=2000
opts="mon_addr=$ALL_MONS,name=admin,mount_timeout=30,keepalive_interval_ms=$KA_INT,keepalive_timeout_ms=$KA_TMO"
shown=$opts
if [ "${MONC_AUTH:-none}" = cephx ]; then
	opts+=",secret=$MONC_ADMIN_KEY"
	shown+=",secret=<client.admin's key>"
fi

say "=== monc demo: a Ceph monitor client in the kernel, against real monitors ==="
say "Cluster: ${#ADDRS[@]} ceph-mon (Ceph ${MONC_CEPH:-?}), auth ${MONC_AUTH:-none}, msgr v1, fsid $MONC_FSID"
declare -A ver=()
while read -r m v rest; do
	ver[$m]="$v $rest"
done <"$MONC_CLUSTER_DIR/versions" 2>/dev/null
for ((i = 0; i < ${#ADDRS[@]}; i++)); do
	mon_pid "$i"
	say "  mon.${MON_IDS[$i]} at ${ADDRS[$i]} (pid $REPLY): ${ver[mon.${MON_IDS[$i]}]:-version unknown}"
done
say
say "--- 1. Load monc.ko and the sample filesystem monfs.ko"
if run modprobe -d "$MONC_MODROOT" monfs; then
	ok "load monc and monfs"
else
	not_ok "load monc and monfs"
	tap_end
	exit 1
fi

say
say "--- 2. Mount: monfs asks monc for a session (auth, monmap, subscriptions)"
est_snapshot
before=$REPLY
now_us
t0=$REPLY
echo "  \$ mount -t monfs none $MNT -o $shown"
err=$(busybox mount -t monfs -o "$opts" none "$MNT" 2>&1)
rc=$?
ms_since "$t0"
mount_ms=$REPLY
if [ "$rc" != 0 ]; then
	say "    $err"
	not_ok "mount monfs ($err)"
	tap_end
	exit 1
fi
dir=
for d in /sys/kernel/debug/monc/*/session; do [ -f "$d" ] && dir=${d%/session}; done
say "  mounted in $mount_ms ms (wall clock around the mount command, its process start included)"
if sess_val "$dir" mount_ms; then
	say "  monc's own measure, from opening the session to mounted: $REPLY ms"
fi
ok "mount monfs in $mount_ms ms"

say
say "--- 3. statfs(2) goes to the monitors (no OSDs here, so the sizes are 0)"
run df -h "$MNT"
run stat -f "$MNT"
say
say "--- 4. The client's state in debugfs: ${dir:-(no /sys/kernel/debug/monc/<fsid>.client<id>/ found)}"
if [ -n "$dir" ]; then
	for f in session monmap; do
		[ -r "$dir/$f" ] && show_file "$dir/$f"
	done
fi

say
say "--- 5. Failover: SIGKILL the monitor that has the session"
if cur_mon "$before"; then
	cur=$REPLY
	mon_pid "$cur"
	victim=$REPLY
	# The same command with a healthy session, for scale: under UML a
	# process start alone can cost from 0.1 s to over 1 s.
	now_us
	t0=$REPLY
	stat -f -c %i "$MNT" >/dev/null 2>&1
	ms_since "$t0"
	base_ms=$REPLY
	say "  the session is on mon.${MON_IDS[$cur]} (${ADDRS[$cur]}, found by $CUR_HOW); kill -9 $victim"
	now_us
	t0=$REPLY
	kill -KILL "$victim"
	out=$(stat -f -c 'statfs ok: %b blocks of %S bytes, fsid %i' "$MNT" 2>&1)
	rc=$?
	ms_since "$t0"
	fo_ms=$REPLY
	if [ "$rc" = 0 ]; then
		say "  next statfs: $out"
		say "  failover: $fo_ms ms from the SIGKILL to the statfs answer (one stat -f run; the same run took $base_ms ms just before, with a healthy session)"
		if sess_val "$dir" last_failover_ms; then
			say "  monc's own measure of that failover (last_failover_ms): $REPLY ms"
		fi
		ok "statfs succeeds after SIGKILL of the session's monitor ($fo_ms ms)"
	else
		say "  next statfs FAILED after $fo_ms ms: $out"
		not_ok "statfs succeeds after SIGKILL of the session's monitor"
	fi
	if cur_mon_debugfs; then
		say "  the session is now on mon.${MON_IDS[$REPLY]}"
	fi
	if [ -n "$dir" ] && [ -r "$dir/session" ]; then
		show_file "$dir/session"
	fi
else
	say "  could not tell which monitor has the session; skipping the SIGKILL"
	not_ok "find the session's monitor"
fi

say
say "--- 6. umount: monc stops the session and frees the client"
now_us
t0=$REPLY
if run busybox umount "$MNT"; then
	ms_since "$t0"
	say "  unmounted in $REPLY ms (wall clock, the umount process start included)"
	ok "umount"
else
	not_ok "umount"
fi
left=0
for d in /sys/kernel/debug/monc/*/session; do [ -f "$d" ] && left=$((left + 1)); done
say "  monc clients left in debugfs: $left"
rmmod monfs 2>/dev/null

say
say "--- 7. Sanitisers"
kasan=$(dmesg | grep -c 'BUG: KASAN')
lockdep=$(dmesg | grep -cE 'possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|lock held when returning|bad unlock balance')
other=$(dmesg | grep -cE "$SANITISER_RE")
leaks=-1
if [ -w /sys/kernel/debug/kmemleak ]; then
	say "  kmemleak: waiting 5 s (it never reports younger objects), then scanning"
	nap 5
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(grep -c 'unreferenced object' /sys/kernel/debug/kmemleak)
fi
verdict() { # verdict NAME COUNT
	case "$2" in
	0) echo "$1 silent" ;;
	-1) echo "$1 not available" ;;
	*) echo "$1 reported $2 line(s)" ;;
	esac
}
if [ -r /proc/lockdep ]; then ld="lockdep"; else ld="lockdep (not built in)"; fi
final="$(verdict KASAN "$kasan"), $(verdict "$ld" "$lockdep"), $(verdict kmemleak "$leaks"); other kernel warnings: $other"
if [ "$kasan$lockdep$leaks$other" = 0000 ]; then
	ok "sanitisers silent: $final"
else
	dmesg | grep -E "$SANITISER_RE" | head -n 20
	not_ok "sanitisers silent: $final"
fi
say
say "=== Result: $final ==="
tap_end
