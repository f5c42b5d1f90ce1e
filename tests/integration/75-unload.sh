#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2034,SC2154 # check() evals [[ ]] conditions given in single quotes
#
# Integration (issue #6, item 4): unload under load.
#
# With every monitor frozen (SIGSTOP), 16 kernel threads (monc_reliab.ko)
# block in monc_statfs (request timeout 60 s, so nothing but the stop can
# return them). Then:
#  1. monc_stop(): all 16 return promptly with -ESHUTDOWN; after the stop
#     no request is pending and no tick is queued, and 3 keepalive
#     intervals later still none and the tick has not run (the session's
#     tick-run counter, monc_test_info().tick_runs, has not moved); a tick
#     requeued after stop shows here,
#     and as an ODEBUG report when the client is freed with its timer
#     armed: DEBUG_OBJECTS_TIMERS/WORK are on in the UML kernel);
#  2. rmmod of the client module with 16 threads blocked returns promptly
#     (its exit stops the client first, then joins the threads);
#  3. monfs (if built): umount -f of a mount with 16 statfs(2) callers
#     blocked returns them all promptly.
# Then the monitors are thawed, and kmemleak and the kernel log are checked.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../reliab/lib.sh
. "$here/../reliab/lib.sh"

N=${MONC_UNLOAD_THREADS:-16}
MT=60000
# "Promptly" means woken by the stop, not by the 60 s request timeout: the
# bound leaves room for a loaded host and is not a speed figure.
PROMPT_MS=${MONC_UNLOAD_PROMPT_MS:-20000}
IFS=, read -r -a ADDRS <<<"$MONC_MON_ADDRS"
nmons=${#ADDRS[@]}
mon_addr_opt
ALL=$REPLY

# Signal every ceph-mon process, not just those named by the pid files:
# a monitor restarted by an earlier script may not have rewritten its pid
# file yet, and one left running would answer the "blocked" statfs calls.
mon_signal() { # mon_signal SIG
	local c p
	for c in /proc/[0-9]*/comm; do
		p=${c#/proc/}
		p=${p%/comm}
		read -r REPLY <"$c" 2>/dev/null || continue
		[ "$REPLY" = ceph-mon ] && kill "-$1" "$p" 2>/dev/null
	done
	return 0
}
# all_stopped: every ceph-mon is in state T (stopped); waits up to 5 s.
all_stopped() {
	local i c st
	for ((i = 0; i < 50; i++)); do
		st=1
		for c in /proc/[0-9]*/comm; do
			read -r REPLY <"$c" 2>/dev/null || continue
			[ "$REPLY" = ceph-mon ] || continue
			read -r REPLY <"${c%/comm}/stat" 2>/dev/null || continue
			REPLY=${REPLY##*) }
			[ "${REPLY%% *}" = T ] || st=0
		done
		[ $st = 1 ] && return 0
		nap 0.1
	done
	return 1
}
stop_all() {
	mon_signal STOP
	all_stopped || diag "some ceph-mon did not stop"
}
cont_all() { mon_signal CONT; }
# wait_pending N: wait up to 10 s until the client has N requests pending.
wait_pending() {
	local i
	for ((i = 0; i < 100; i++)); do
		rl_get info
		kv "$LINE" pending && [ "$REPLY" -ge "$1" ] && return 0
		nap 0.1
	done
	return 1
}

load_or_end monc_reliab
dmesg_mark
kmemleak_clear

# ------------------------------------------------- 1. monc_stop()
if rl_create "$ALL 500 2000 $MT"; then
	ok "mount with all monitors ($LINE)"
	stop_all
	rl_cmd block "$N"
	rl_get last
	blk=$LINE
	wait_pending "$N"
	rl_get info
	diag "before the stop: $LINE"
	check "$N threads blocked in statfs ($blk; $LINE)" '$blk == "block=0" && $LINE == *" pending=$N "*'
	rl_cmd stop 1
	rl_get last
	stopl=$LINE
	diag "stop: $stopl"
	rl_get block
	bl=$LINE
	diag "blocked callers: $bl"
	kv "$bl" eshutdown
	nsh=$REPLY
	kv "$bl" last_return_ms_after_stop
	lr=$REPLY
	check "monc_stop returns all $N blocked statfs callers with -ESHUTDOWN ($nsh did)" '$nsh == $N'
	check "... promptly: the last returned $lr ms after the stop began (< $PROMPT_MS)" \
		'$lr -ge 0 && $lr -lt $PROMPT_MS'
	after=${stopl#*after_stop: }
	after=${after%% later: *}
	later=${stopl##* later: }
	check "after the stop: no request pending, no tick queued ($after)" \
		'$after == *" pending=0 "* && $after == *" tick_pending=0 "* && $after == *" inflight=0 "*'
	kv "$after" tick_runs
	runs_after=$REPLY
	kv "$later" tick_runs
	runs_later=$REPLY
	check "3 keepalive intervals later: no tick queued or run since the stop (tick runs $runs_after then $runs_later), nothing in flight ($later)" \
		'$later == *" tick_pending=0 "* && $later == *" inflight=0 "* && -n $runs_after && $runs_after == "$runs_later"'
	rl_destroy
	check "destroy the stopped client ($LINE)" '$LINE == "destroy=0 "*'
	cont_all
else
	not_ok "mount with all monitors: $LINE"
fi
wait_quorum 60 >/dev/null 2>&1

# ------------------------------------------- 2. rmmod with threads blocked
if rl_create "$ALL 500 2000 $MT"; then
	stop_all
	rl_cmd block "$N"
	wait_pending "$N"
	rl_get info
	check "$N threads blocked in statfs before rmmod ($LINE)" '$LINE == *" pending=$N "*'
	now_us
	t0=$REPLY
	rmmod monc_reliab
	rc=$?
	ms_since "$t0"
	rm_ms=$REPLY
	check "rmmod with $N threads blocked in statfs: exit $rc in $rm_ms ms (< $PROMPT_MS, a fork included)" \
		'$rc == 0 && $rm_ms -lt $PROMPT_MS && ! -d /sys/module/monc_reliab'
	cont_all
else
	not_ok "mount for the rmmod case: $LINE"
	rmmod monc_reliab
fi
wait_quorum 60 >/dev/null 2>&1

# --------------------------------------------- 3. monfs umount -f
if mp monfs 2>/dev/null; then
	MNT=/tmp/monc-reliab-mnt
	mkdir -p "$MNT"
	if busybox mount -t monfs -o "mon_addr=$ALL,name=admin,mount_timeout=60${RL_SECRET:+,secret=$MONC_ADMIN_KEY}" none "$MNT" 2>/dev/null; then
		stop_all
		pids=()
		for ((i = 0; i < N; i++)); do
			stat -f "$MNT" >/dev/null 2>&1 &
			pids+=($!)
		done
		nap 2
		now_us
		t0=$REPLY
		busybox umount -f -l "$MNT"
		urc=$?
		fails=0
		for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
		ms_since "$t0"
		check "monfs: umount -f with $N statfs callers blocked: umount ok ($urc), all $N fail ($fails) in $REPLY ms (< $((PROMPT_MS + 1000)))" \
			'$urc == 0 && $fails == $N && $REPLY -lt $((PROMPT_MS + 1000))'
		cont_all
	else
		not_ok "monfs: mount with all monitors"
	fi
	for ((i = 0; i < 20; i++)); do rmmod monfs 2>/dev/null && break; nap 0.2; done
	check "rmmod monfs" '! -d /sys/module/monfs'
else
	skip "monfs: umount -f with blocked statfs callers" "monfs.ko not built"
fi

cont_all
wait_quorum 60 >/dev/null 2>&1
kmemleak_check
check "kmemleak: no unreferenced object after the unload cases ($REPLY)" '$REPLY == 0'
dmesg_new_sanitiser
check "no sanitiser report (KASAN, lockdep, ODEBUG, ...) in dmesg${REPLY:+: $REPLY}" '-z $REPLY'
tap_end
