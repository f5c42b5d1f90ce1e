#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2034,SC2154 # check() evals [[ ]] conditions given in single quotes
#
# Integration (issue #6, item 2): failslab at every allocation of monc.
#
# monc routes every allocation through fault.h's wrappers, so "fail the Nth
# allocation from now" works in any task (kworkers included), through
# /sys/kernel/debug/monc/fault/fail_nth. Against the real cluster:
#
#  1. mount path: for N = 1, 2, ...: arm fail_nth=N, then create + open +
#     wait for the mount + statfs + get_version (monc_reliab.ko), disarm,
#     destroy; until a run where the Nth allocation never came (the armed
#     countdown is left over): that run had no injected failure and must
#     pass whole.
#  2. reconnect path: for N = 1, 1 + STEP, 1 + 2 STEP, ...: mount
#     (unarmed), arm N, freeze the session's monitor so that the keepalive
#     timeout makes monc hunt and reconnect, statfs, thaw, disarm, destroy;
#     until a run with no injected failure. A run costs a monitor frozen
#     and a quorum wait (5-10 s of CPU under UML): make check takes every
#     4th N (STEP 4), make soak every one.
#
# Every run must end in a clean error (an errno, within its bound) or a
# success (a retry that succeeded), never a hang; at the end kmemleak finds
# nothing and the kernel log has no sanitiser line. Prints the runs, their
# outcomes and "N of M allocation sites covered" (sites made to fail at
# least once, of the sites seen).
#
# Environment: MONC_FAILSLAB_MAX (runs per phase, default 200),
# MONC_FAILSLAB_RECONNECT_MAX (default 60), MONC_FAILSLAB_RECONNECT_STEP
# (default 4; 1: every allocation of the reconnect path).
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../reliab/lib.sh
. "$here/../reliab/lib.sh"

MAX=${MONC_FAILSLAB_MAX:-200}
RMAX=${MONC_FAILSLAB_RECONNECT_MAX:-60}
RSTEP=${MONC_FAILSLAB_RECONNECT_STEP:-4}
MT=${MONC_FAILSLAB_TIMEOUT_MS:-5000}	# mount and request timeout: a run's bound
IFS=, read -r -a ADDRS <<<"$MONC_MON_ADDRS"
mon_addr_opt
ALL=$REPLY
# With MONC_AUTH=cephx every run authenticates with cephx (rl_create adds
# the admin key).
AUTH=${MONC_AUTH:-none}

load_or_end monc_reliab
if [ ! -w "$FAULT/fail_nth" ]; then
	if [ "${MONC_FAILSLAB_REQUIRE:-1}" = 0 ]; then
		skip "failslab" "monc has no $FAULT/fail_nth (fault.h not wired in)"
	else
		not_ok "monc has the injection knobs ($FAULT/fail_nth)"
	fi
	rmmod monc_reliab
	tap_end
	exit 1
fi
dmesg_mark
kmemleak_clear
echo 1 >"$FAULT/reset"
hang_watchdog $((MT * 3 / 1000 + 20)) &
wd_pid=$!

declare -A outcome
# run_mount N: one run of phase 1; sets OUT (the outcome) and LEFT.
run_mount() {
	local st ver
	run_started
	echo "$1" >"$FAULT/fail_nth"
	now_us
	local t0=$REPLY
	OUT=
	if rl_create "$ALL 200 1000 $MT"; then
		rl_get statfs
		st=$LINE
		rl_get version
		ver=$LINE
		if [[ "$st" == "err=0 "* && "$ver" == "err=0 "* ]]; then
			OUT=ok
		else
			kv "$st" err && [ "$REPLY" != 0 ] && OUT="statfs:$REPLY"
			kv "$ver" err && [ "$REPLY" != 0 ] && OUT="${OUT:+$OUT,}version:$REPLY"
		fi
	else
		local l=$LINE
		if kv "$l" mount && [ "$REPLY" != 0 ]; then
			OUT="mount:$REPLY"
		elif kv "$l" open && [ "$REPLY" != 0 ]; then
			OUT="open:$REPLY"
		else
			kv "$l" create
			OUT="create:$REPLY"
		fi
	fi
	read -r LEFT <"$FAULT/fail_nth"
	echo 0 >"$FAULT/fail_nth"
	read -r SITE <"$FAULT/last_fail"
	rl_destroy
	ms_since "$t0"
	RUN_MS=$REPLY
}

# ------------------------------------------------------------- 1. mount
now_us
t_phase=$REPLY
runs=0 clean=0 hung=0 bad=() last_ok=0 maxms=0
for ((n = 1; n <= MAX; n++)); do
	run_mount "$n"
	runs=$n
	((RUN_MS > maxms)) && maxms=$RUN_MS
	if [ "${LEFT:-0}" -gt 0 ]; then
		# the Nth allocation never came: a run with no failure injected
		last_ok=1
		[ "$OUT" = ok ] || bad+=("run $n (no injection): $OUT")
		break
	fi
	diag "mount run $n: failed $SITE: $OUT ($RUN_MS ms)"
	outcome[$OUT]=$((${outcome[$OUT]:-0} + 1))
	if ((RUN_MS > MT + 5000)); then
		hung=$((hung + 1))
		bad+=("run $n took $RUN_MS ms ($OUT)")
	fi
	case "$OUT" in
	ok | *:-12 | *:-110 | *:-5 | *:-103 | *:-104 | *:-111 | *:-107) clean=$((clean + 1)) ;;
	*) bad+=("run $n: $OUT") ;;
	esac
done
ms_since "$t_phase"
diag "mount path: $runs runs in $REPLY ms (longest $maxms ms); the last without an injected failure"
for k in "${!outcome[@]}"; do diag "  outcome $k: ${outcome[$k]} runs"; done
for b in "${bad[@]}"; do diag "  bad: $b"; done
check "mount path: a run with no injected failure came within $MAX runs (after $((runs - 1)) failing runs)" \
	'$last_ok == 1'
check "mount path: each of $((runs - 1)) injected failures ended cleanly (ok or an errno, none over ${MT} ms + 5 s) and the clean run passed" \
	'${#bad[@]} == 0 && $runs -gt 1'
read -r sites_mount <"$FAULT/sites"
diag "after the mount path: $sites_mount"

# --------------------------------------------------------- 2. reconnect
# run_reconnect N: mount unarmed, arm N, freeze the session's monitor until
# monc has moved to another one (or MT passed), statfs, thaw.
run_reconnect() {
	local st i moved=0 victim
	OUT=
	run_started
	if ! rl_create "$ALL 200 1000 $MT"; then
		OUT="setup:$LINE"
		return
	fi
	# With a 1 s keepalive timeout the new session may be between monitors
	# for a moment on a loaded host (right after a frozen leader's
	# election): wait up to 10 s for it to be on one.
	for ((i = 0; i < 100; i++)); do
		cur_mon_debugfs && break
		nap 0.1
	done
	[ -n "$REPLY" ] || { OUT="setup:no current monitor"; rl_destroy; return; }
	mon_pid "$REPLY" 2>/dev/null
	victim=$REPLY
	now_us
	local t0=$REPLY
	echo "$1" >"$FAULT/fail_nth"
	kill -STOP "$victim"
	for ((i = 0; i < MT / 100; i++)); do
		nap 0.1
		rl_get info
		if kv "$LINE" ka_timeouts && [ "$REPLY" -gt 0 ] &&
			kv "$LINE" open && [ "$REPLY" = 1 ]; then
			moved=1
			break
		fi
	done
	rl_get statfs
	st=$LINE
	kill -CONT "$victim"
	read -r LEFT <"$FAULT/fail_nth"
	echo 0 >"$FAULT/fail_nth"
	read -r SITE <"$FAULT/last_fail"
	kv "$st" err
	if [ "$REPLY" = 0 ]; then OUT=ok; else OUT="statfs:$REPLY"; fi
	[ "$moved" = 1 ] || OUT+=",no-reconnect"
	rl_destroy
	ms_since "$t0"
	RUN_MS=$REPLY
}

unset outcome
declare -A outcome
now_us
t_phase=$REPLY
runs=0 bad=() last_ok=0 maxms=0
if [ "${#ADDRS[@]}" -ge 2 ]; then
	for ((n = 1; n <= RMAX; n += RSTEP)); do
		RUN_MS=0
		run_reconnect "$n"
		runs=$((runs + 1))
		((RUN_MS > maxms)) && maxms=$RUN_MS
		if [[ "$OUT" == setup:* ]]; then
			bad+=("run $n: $OUT")
			break
		fi
		if [ "${LEFT:-0}" -gt 0 ]; then
			last_ok=1
			[ "$OUT" = ok ] || bad+=("run $n (no injection): $OUT")
			break
		fi
		diag "reconnect run $n: failed $SITE: $OUT ($RUN_MS ms)"
		outcome[$OUT]=$((${outcome[$OUT]:-0} + 1))
		((RUN_MS > 2 * MT + 5000)) && bad+=("run $n took $RUN_MS ms ($OUT)")
		case "$OUT" in
		ok | ok,no-reconnect | statfs:-12* | statfs:-110*) ;;
		*) bad+=("run $n: $OUT") ;;
		esac
		# a frozen leader may have cost the quorum: wait for it
		wait_quorum 60 || { bad+=("no quorum after run $n"); break; }
	done
	ms_since "$t_phase"
	diag "reconnect path: $runs runs (N = 1, $((1 + RSTEP)), ...) in $REPLY ms (longest $maxms ms)"
	for k in "${!outcome[@]}"; do diag "  outcome $k: ${outcome[$k]} runs"; done
	for b in "${bad[@]}"; do diag "  bad: $b"; done
	check "reconnect path: a run with no injected failure came within $RMAX allocations (after $((runs - 1)) failing runs, N in steps of $RSTEP)" \
		'$last_ok == 1'
	check "reconnect path: each injected failure ended in a statfs that succeeded or failed cleanly" \
		'${#bad[@]} == 0'
else
	skip "reconnect path" "one monitor only"
fi

# ---------------------------------------------------------------- totals
kill "$wd_pid" 2>/dev/null
echo 0 >"$FAULT/fail_nth"
read -r sites_line <"$FAULT/sites"
kv "$sites_line" sites
nsites=$REPLY
kv "$sites_line" failed
nfailed=$REPLY
# The sites that exist: every call of an injection wrapper (fault.h) in
# monc's sources, counted where it is written.
exist=$(cat "$MONC_SRC"/*.c | grep -cE \
	'\<monc_(kmalloc|kzalloc|kcalloc|kvmalloc|kvzalloc|kmemdup|kstrdup|crypto_alloc_[a-z_]+|sock_create_kern|debugfs_create_dir)\(')
diag "failslab: $nfailed of $nsites allocation sites covered (made to fail at least once)"
while read -r l; do
	case "$l" in sites*) ;; *) diag "  site $l" ;; esac
done <"$FAULT/sites"
check "failslab: $nfailed of $nsites allocation sites covered: every site seen was made to fail" \
	'${nsites:-0} -gt 0 && $nfailed == $nsites'

rmmod monc_reliab
check "rmmod monc_reliab" '! -d /sys/module/monc_reliab'
kmemleak_check
leaks=$REPLY
check "kmemleak: no unreferenced object after the failslab runs ($leaks)" '$leaks == 0'
# The summary (issue #16 item 17): sites reached on mount, statfs,
# get_version and reconnect with this cluster's auth, of those in the code
# (the others are reached with the other auth, or only on paths the sweep
# does not take: renewal, the debugfs knobs).
diag "failslab summary (auth $AUTH): $nsites sites reached / $exist sites that exist, $nfailed made to fail, $leaks leaks"
check "failslab summary (auth $AUTH): $nsites sites reached / $exist sites that exist, $leaks leaks" \
	'${exist:-0} -gt 0 && $nsites -le $exist && $leaks == 0'
dmesg_new_sanitiser
check "no sanitiser report in dmesg${REPLY:+: $REPLY}" '-z $REPLY'
restore_mons 60 >/dev/null 2>&1
tap_end
