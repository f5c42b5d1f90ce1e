#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2034,SC2154 # check() evals [[ ]] conditions given in single quotes
#
# Integration (issue #6 item 2, issue #16 item 17): failslab at every
# allocation of monc on mount, statfs, reconnect and renewal.
#
# monc routes every allocation through fault.h's wrappers, so "fail the Nth
# allocation from now" works in any task (kworkers included), through
# /sys/kernel/debug/monc/fault/fail_nth. Against the real cluster, for each
# key (auth none: one pass; cephx: each key type of MONC_FAILSLAB_KEYS):
#
#  1. mount path: for N = 1, 1 + STEP, ...: arm fail_nth=N, then create + open +
#     wait for the mount + statfs + get_version + an OSD authorizer (what
#     a client builds before it connects to an OSD) + a monitor command
#     with input and output (monc_reliab.ko), disarm, destroy; until
#     CLEAN runs in a row where the Nth allocation never came (the armed
#     countdown is left over): those had no injected failure and must pass
#     whole. (Two by default: a run's allocations vary with timing, so the
#     run after a clean one may still fail one.) Then a site the path
#     reached that no N made to fail is failed by name (fail_site), in a
#     run of its own: every site the path reaches is made to fail, at
#     any STEP. make check takes every 4th N (STEP 4: a site called many
#     times, such as the message pool's, fails at a few of its calls),
#     make soak every one.
#  2. reconnect path: for N = 1, 1 + STEP, 1 + 2 STEP, ...: mount
#     (unarmed), arm N, freeze the session's monitor so that the keepalive
#     timeout makes monc hunt and reconnect, statfs, thaw, disarm, destroy;
#     until CLEAN runs with no injected failure. A run costs a monitor frozen
#     and a quorum wait (5-10 s of CPU under UML): make check takes every
#     8th N (STEP 8), make soak every one.
#  3. renewal path (cephx): for N = 1, 1 + STEP, ...: mount (unarmed), arm
#     N, make the tickets due (monc_reliab's "renew" ages them by 3/4 of
#     their lifetime), and wait until the client renewed them, or lost the
#     session and authenticated afresh on a new one; then statfs, disarm,
#     destroy; until CLEAN runs with no injected failure. A renewal that neither
#     happens nor gives way to a new session within RENEW_WAIT is a renewal
#     lost to memory, and fails the run; so is a MONC_EV_AUTH_REFUSED
#     event: a reply we had no memory for is no refusal (the renewal is
#     sent again after 10 s).
#
# Every run must end in a clean error (an errno, within its bound) or a
# success (a retry that succeeded), never a hang; at the end kmemleak finds
# nothing and the kernel log has no sanitiser line. The sites are counted
# per key and path (reached: allocated at during the path's runs; failed:
# made to fail at least once) against the sites that exist: every call of
# an injection wrapper in monc's sources, named func:line as fault.c names
# them. The summary line gives them all, with the leaks and sanitiser
# reports; the sites never reached are listed.
#
# Environment: MONC_FAILSLAB_MAX (the last N of the mount path, default
# 200), MONC_FAILSLAB_MOUNT_STEP (default 4; 1: every allocation),
# MONC_FAILSLAB_RECONNECT_MAX (default 60), MONC_FAILSLAB_RECONNECT_STEP
# (default 8; 1: every allocation of the reconnect path),
# MONC_FAILSLAB_CLEAN_RUNS (default 2; the reconnect and renewal paths
# take 1 when their STEP is over 1: a sample's end is coarse anyway, and
# each of their runs costs 10-20 s under UML),
# MONC_FAILSLAB_RENEW_MAX (default 60), MONC_FAILSLAB_RENEW_STEP (default
# 4: a failed renewal waits 10 s for its resend), MONC_FAILSLAB_KEYS (cephx: key types to sweep, "aes256k aes"; default
# the admin key's type alone; a type other than the admin key's is a user
# of its own, client.failslab<pid>, with the cipher allowed for the time of
# the sweep), MONC_FAILSLAB_PATHS (default "mount reconnect renewal"),
# MONC_FAILSLAB_MS_MODES (the ms_mode of the sessions, one sweep each:
# "crc secure" against msgr2 monitors; default MONC_MS_MODE, the
# cluster's, or monc's default).
#
# Sites that no path reaches under this injection, and why, are named in
# the summary (UNREACHABLE below).
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../reliab/lib.sh
. "$here/../reliab/lib.sh"

MAX=${MONC_FAILSLAB_MAX:-200}
MSTEP=${MONC_FAILSLAB_MOUNT_STEP:-4}
RMAX=${MONC_FAILSLAB_RECONNECT_MAX:-60}
RSTEP=${MONC_FAILSLAB_RECONNECT_STEP:-8}
NMAX=${MONC_FAILSLAB_RENEW_MAX:-60}
NSTEP=${MONC_FAILSLAB_RENEW_STEP:-4}
RENEW_WAIT=${MONC_FAILSLAB_RENEW_WAIT:-15}	# s: a renewal's retry comes after 10 s
PATHS=${MONC_FAILSLAB_PATHS:-mount reconnect renewal}
MS_MODES=${MONC_FAILSLAB_MS_MODES:-${MONC_MS_MODE:-}}
CLEAN=${MONC_FAILSLAB_CLEAN_RUNS:-2}	# clean runs in a row that end a sweep
MT=${MONC_FAILSLAB_TIMEOUT_MS:-5000}	# mount and request timeout: a run's bound
IFS=, read -r -a ADDRS <<<"$MONC_MON_ADDRS"
mon_addr_opt
ALL=$REPLY
# With MONC_AUTH=cephx every run authenticates with cephx (rl_create adds
# the key in RL_SECRET: the admin key, or a key type's own user).
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
hang_watchdog $((MT * 3 / 1000 + RENEW_WAIT + 20)) &
wd_pid=$!

# ------------------------------------------------------ sites, per path
# The sites that exist: every call of an injection wrapper (fault.h) in
# monc's sources, as func:line (the function is the last definition above
# the call: a line that starts with a name and has a parenthesis).
EXIST=$(cd "$MONC_SRC" && awk '
	/^[A-Za-z_].*[A-Za-z_0-9]\(/ && !/;[ \t]*$/ {
		f = $0; sub(/\(.*/, "", f); sub(/.*[^A-Za-z_0-9]/, "", f)
	}
	/[^A-Za-z_0-9]monc_(kmalloc|kzalloc|kcalloc|kvmalloc|kvzalloc|kmemdup|kstrdup|crypto_alloc_[a-z_]+|[a-z]+_request_alloc|sg_alloc_table|sock_create_kern|debugfs_create_dir)\(/ {
		print f ":" FNR
	}' ./*.c)
exist=$(wc -w <<<"$EXIST")
# Sites no run can reach, by function, with the reason.
declare -A UNREACHABLE=(
	[monc_gcm_sg]="secure mode's scatterlist for a vmalloc'ed buffer: kvmalloc() falls back to vmalloc only when kmalloc fails, and an injected failure fails the whole monc_kvmalloc()"
)
declare -A seen_any failed_any PATH_LINE
PATH_ORDER=()
# path_begin: zero the per-site counters. path_end LABEL: add the sites the
# path reached and made to fail to the totals; PATH_LINE[LABEL]="R/F".
path_begin() { echo 1 >"$FAULT/reset"; }
path_end() {
	local l s hits fails r=0 f=0
	while read -r l; do
		case "$l" in sites=*) continue ;; esac
		s=${l%% *}
		hits=${l#* hits }
		hits=${hits%% *}
		fails=${l##* fails }
		[ "${hits:-0}" -gt 0 ] || continue
		r=$((r + 1))
		seen_any[$s]=1
		if [ "${fails:-0}" -gt 0 ]; then
			f=$((f + 1))
			failed_any[$s]=1
		fi
	done <"$FAULT/sites"
	PATH_LINE[$1]="$r reached, $f made to fail"
	PATH_ORDER+=("$1")
	diag "sites on the $1 path: $r reached, $f made to fail (of $exist that exist)"
}

# arm N | FUNC:LINE: the Nth allocation from now fails (fail_nth), or the
# next one at that site (fail_site). disarm: LEFT > 0 if the armed failure
# never fired.
arm() {
	case "$1" in
	*:*) echo "$1" >"$FAULT/fail_site" ;;
	*) echo "$1" >"$FAULT/fail_nth" ;;
	esac
}
disarm() {
	local site
	read -r LEFT <"$FAULT/fail_nth"
	read -r site <"$FAULT/fail_site"
	[ "$site" = none ] || LEFT=1
	echo 0 >"$FAULT/fail_nth"
	echo 0 >"$FAULT/fail_site"
}

declare -A outcome
# run_mount N: one run of phase 1; sets OUT (the outcome) and LEFT.
run_mount() {
	local st ver az cmd
	run_started
	arm "$1"
	now_us
	local t0=$REPLY
	OUT=
	if rl_create "$ALL 200 1000 $MT"; then
		rl_get statfs
		st=$LINE
		rl_get version
		ver=$LINE
		rl_get authz
		az=$LINE
		rl_get command
		cmd=$LINE
		if [[ "$st $ver $az $cmd" == "err=0 "*" err=0 "*" err=0 "*" err=0 "* ]]; then
			OUT=ok
		else
			kv "$st" err && [ "$REPLY" != 0 ] && OUT="statfs:$REPLY"
			kv "$ver" err && [ "$REPLY" != 0 ] && OUT="${OUT:+$OUT,}version:$REPLY"
			kv "$az" err && [ "$REPLY" != 0 ] && OUT="${OUT:+$OUT,}authz:$REPLY"
			kv "$cmd" err && [ "$REPLY" != 0 ] && OUT="${OUT:+$OUT,}command:$REPLY"
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
	disarm
	read -r SITE <"$FAULT/last_fail"
	rl_destroy
	ms_since "$t0"
	RUN_MS=$REPLY
}

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
	arm "$1"
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
	disarm
	read -r SITE <"$FAULT/last_fail"
	kv "$st" err
	if [ "$REPLY" = 0 ]; then OUT=ok; else OUT="statfs:$REPLY"; fi
	[ "$moved" = 1 ] || OUT+=",no-reconnect"
	rl_destroy
	ms_since "$t0"
	RUN_MS=$REPLY
}

# ----------------------------------------------------------- 3. renewal
# run_renewal N: mount unarmed, arm N, make the tickets due; wait until they
# are renewed, or a new session authenticated afresh; statfs.
run_renewal() {
	local st i how=lost r0 h0 f0
	OUT=
	run_started
	# the setup is not under test: a mount that a slow monitor (right
	# after an election, on a loaded host) let time out is tried again.
	# A 5 s keepalive timeout: a loaded host's late acks do not end the
	# session under the renewal (the reconnect path tests that).
	for ((i = 0; i < 3; i++)); do
		rl_create "$ALL 500 5000 $MT" && break
		diag "renewal run $1: setup mount: $LINE"
		wait_quorum 60
	done
	if [ "$i" = 3 ]; then
		OUT="setup:$LINE"
		return
	fi
	# the tickets to age are the session's: it is open, not hunting
	for ((i = 0; i < 100; i++)); do
		rl_get info
		[[ " $LINE " == *" open=1 "*" hunting=0 "* ]] && break
		nap 0.1
	done
	kv "$LINE" renewals
	r0=$REPLY
	kv "$LINE" hunts
	h0=$REPLY
	kv "$LINE" refused
	f0=$REPLY
	now_us
	local t0=$REPLY
	arm "$1"
	rl_cmd renew 1
	rl_get last
	if [[ "$LINE" != "renew=0 "* ]]; then
		disarm
		OUT="setup:$LINE"
		rl_destroy
		return
	fi
	for ((i = 0; i < RENEW_WAIT * 10; i++)); do
		nap 0.1
		rl_get info
		kv "$LINE" renewals
		if [ "$REPLY" -gt "$r0" ]; then
			how=renewed
			break
		fi
		# a new session did the whole exchange, with fresh tickets
		if kv "$LINE" hunts && [ "$REPLY" -gt "$h0" ] &&
			kv "$LINE" open && [ "$REPLY" = 1 ]; then
			how=new-session
			break
		fi
	done
	rl_get statfs
	st=$LINE
	disarm
	read -r SITE <"$FAULT/last_fail"
	kv "$st" err
	if [ "$REPLY" = 0 ]; then OUT=ok; else OUT="statfs:$REPLY"; fi
	OUT+=",$how"
	rl_get info
	kv "$LINE" refused
	[ "$REPLY" = "$f0" ] || OUT+=",auth-refused"
	rl_destroy
	ms_since "$t0"
	RUN_MS=$REPLY
}

# ------------------------------------------------------------ a sweep
# What each path accepts of a run with an injected failure (good_PATH, on
# OUT), of the run without one (clean_PATH), and what it does after a
# failing run (after_PATH N; false ends the sweep).
good_mount() {
	case "$OUT" in
	ok | *:-12 | *:-110 | *:-5 | *:-103 | *:-104 | *:-111 | *:-107) return 0 ;;
	esac
	return 1
}
clean_mount() { [ "$OUT" = ok ]; }
after_mount() { :; }
GOOD_mount="ended cleanly (ok or an errno)"
good_reconnect() {
	case "$OUT" in
	ok | ok,no-reconnect | statfs:-12* | statfs:-110*) return 0 ;;
	esac
	return 1
}
clean_reconnect() { [ "$OUT" = ok ]; }
# a frozen leader may have cost the quorum: wait for it
after_reconnect() { wait_quorum 60 || { bad+=("no quorum after run $1"); return 1; }; }
GOOD_reconnect="ended in a statfs that succeeded or failed cleanly"
good_renewal() {
	case "$OUT" in
	ok,renewed | ok,new-session | statfs:-12,renewed | statfs:-12,new-session) return 0 ;;
	esac
	return 1
}
clean_renewal() { [ "$OUT" = ok,renewed ]; }
after_renewal() { :; }
GOOD_renewal="ended in renewed tickets or a new session within $RENEW_WAIT s, and a clean statfs"

# sweep PATH KEY MAX STEP BOUND_MS: run_PATH N for N = 1, 1 + STEP, ...,
# until a run in which the Nth allocation never came (the armed countdown
# is left over: no failure was injected), at most MAX; every failing run
# must end within BOUND_MS in an outcome good_PATH accepts.
sweep() {
	local path=$1 key=$2 max=$3 step=$4 bound=$5 t_phase n runs=0 bad=() last_ok=0 maxms=0 g clean_runs=0 failing=0
	local clean=$CLEAN
	[ "$path" != mount ] && [ "$step" -gt 1 ] && clean=1
	unset outcome
	declare -gA outcome
	path_begin
	now_us
	t_phase=$REPLY
	for ((n = 1; n <= max; n += step)); do
		RUN_MS=0
		"run_$path" "$n"
		runs=$((runs + 1))
		((RUN_MS > maxms)) && maxms=$RUN_MS
		if [[ "$OUT" == setup:* ]]; then
			bad+=("run $n: $OUT")
			break
		fi
		if [ "${LEFT:-0}" -gt 0 ]; then
			"clean_$path" || bad+=("run $n (no injection): $OUT")
			# a run's allocations vary with timing (a tick, a map
			# that comes early): the next N may still come in a run
			# where this one did not, so CLEAN runs in a row end it
			clean_runs=$((clean_runs + 1))
			if [ "$clean_runs" -ge "$clean" ]; then
				last_ok=1
				break
			fi
			"after_$path" "$n" || break
			continue
		fi
		clean_runs=0
		failing=$((failing + 1))
		diag "$key $path run $n: failed $SITE: $OUT ($RUN_MS ms)"
		outcome[$OUT]=$((${outcome[$OUT]:-0} + 1))
		((RUN_MS > bound)) && bad+=("run $n took $RUN_MS ms ($OUT)")
		"good_$path" || bad+=("run $n: $OUT")
		"after_$path" "$n" || break
	done
	# A site the path reached that no N made to fail (the allocations
	# before it varied from run to run): a run with that site armed.
	# (The mount path alone: the others count as reached what their
	# unarmed set-up allocates, which no armed run reaches.)
	if [ "$path" = mount ] && [ "$last_ok" = 1 ]; then
		local l site hits fails targets=()
		while read -r l; do
			case "$l" in sites=*) continue ;; esac
			site=${l%% *}
			hits=${l#* hits }
			hits=${hits%% *}
			fails=${l##* fails }
			[ "${hits:-0}" -gt 0 ] && [ "${fails:-0}" = 0 ] && targets+=("$site")
		done <"$FAULT/sites"
		for site in "${targets[@]}"; do
			RUN_MS=0
			"run_$path" "$site"
			runs=$((runs + 1))
			if [[ "$OUT" == setup:* ]]; then
				bad+=("run at $site: $OUT")
				break
			fi
			if [ "${LEFT:-0}" -gt 0 ]; then
				diag "$key $path run at $site: not reached ($OUT)"
				continue
			fi
			failing=$((failing + 1))
			diag "$key $path run at $site: failed $SITE: $OUT ($RUN_MS ms)"
			outcome[$OUT]=$((${outcome[$OUT]:-0} + 1))
			((RUN_MS > bound)) && bad+=("run at $site took $RUN_MS ms ($OUT)")
			"good_$path" || bad+=("run at $site: $OUT")
			"after_$path" "$site" || break
		done
	fi
	ms_since "$t_phase"
	diag "$key $path path: $runs runs (N = 1, $((1 + step)), ...) in $REPLY ms (longest $maxms ms)"
	for k in "${!outcome[@]}"; do diag "  outcome $k: ${outcome[$k]} runs"; done
	for b in "${bad[@]}"; do diag "  bad: $b"; done
	check "$key $path path: $clean runs in a row with no injected failure came within $max allocations (after $failing failing runs, N in steps of $step)" \
		'$last_ok == 1'
	g=GOOD_$path
	check "$key $path path: each of $failing injected failures ${!g} (none over $bound ms), and the clean runs passed" \
		'${#bad[@]} == 0 && $failing -gt 0'
	path_end "$key $path"
}

# ---------------------------------------------------------------- keys
# The admin key's type (from its length), and the users made for the
# other types; allowed ciphers widened for them are narrowed back at the end.
ADMIN_SECRET=$RL_SECRET
admin_type=none
if [ "$AUTH" = cephx ]; then
	case ${#ADMIN_SECRET} in
	32) admin_type=aes ;;
	64) admin_type=aes256k ;;
	*) admin_type=unknown ;;
	esac
fi
KEYS=${MONC_FAILSLAB_KEYS:-$admin_type}
[ "$AUTH" = cephx ] || KEYS=none
FS_USER=failslab$$ made_user=0 widened=0
cli() { ceph_x ceph -c "$CEPH_CONF" "$@" 2>&1; }
# use_key TYPE: RL_SECRET for a client with a key of TYPE (KEYNOTE: how).
use_key() {
	local t=$1 b64 hex kr=/tmp/monc-$FS_USER.keyring out i
	if [ "$t" = none ] || [ "$t" = "$admin_type" ]; then
		RL_SECRET=$ADMIN_SECRET
		KEYNOTE="client.admin"
		return 0
	fi
	# shellcheck source=../cluster/release.sh
	. "$MONC_CLUSTER_BIN/release.sh"
	ceph_release "${MONC_CEPH:-tentacle}"
	b64=$(ceph_x ceph-authtool --gen-print-key --key-type "$t" 2>&1) || {
		KEYNOTE="ceph-authtool: $b64"
		return 1
	}
	printf '[client.%s]\n\tkey = %s\n\tcaps mon = "allow r"\n' "$FS_USER" "$b64" >"$kr"
	cli auth rm "client.$FS_USER" >/dev/null
	# Tentacle imports an aes key whatever its ciphers, then refuses it
	# (EACCES) unless they allow aes: allow it beside aes256k for the
	# sweep (a cluster whose admin key is aes allows aes256k already)
	if [ "$t" = aes ] && [ "$admin_type" = aes256k ]; then
		out=$(cli mon set auth_allowed_ciphers aes256k,aes) || {
			KEYNOTE="mon set auth_allowed_ciphers: $out"
			return 1
		}
		widened=1
	fi
	# the leader applies a new policy to key imports on its next tick
	for ((i = 0; i < 20; i++)); do
		out=$(cli auth import -i "$kr") && break
		nap 1
	done
	[ "$i" -lt 20 ] || { KEYNOTE="auth import: $out"; return 1; }
	made_user=1
	rm -f "$kr"
	hex=$(printf '%s' "$b64" | base64 -d | od -An -tx1 -v | tr -d ' \n')
	RL_SECRET="${hex:24:$((2 * 16#${hex:22:2}${hex:20:2}))} $FS_USER"
	KEYNOTE="client.$FS_USER"
	# the sweep starts once the monitors take the key (a new cipher
	# policy reaches every monitor through paxos)
	for ((i = 0; i < 20; i++)); do
		rl_create "$ALL 200 1000 $MT" && break
		nap 1
	done
	out=$LINE
	rl_destroy
	[ "$i" -lt 20 ] || { KEYNOTE+=": no mount with it ($out)"; return 1; }
	[ "$widened" = 0 ] || KEYNOTE+=", aes allowed beside aes256k for the sweep"
}

for mode in ${MS_MODES:-default}; do
if [ "$mode" != default ]; then
	rl_cmd ms_mode "$mode"
	rl_get ms_mode
	if [ "$LINE" != ms_mode=0 ]; then
		not_ok "ms_mode $mode ($LINE)"
		continue
	fi
fi
for key in $KEYS; do
	label=$AUTH
	[ "$key" = none ] || label="cephx $key"
	[ "$mode" = default ] || label+=" $mode"
	if ! use_key "$key"; then
		not_ok "$label: a client key of type $key ($KEYNOTE)"
		continue
	fi
	diag "failslab with $label ($KEYNOTE)"
	for p in $PATHS; do
		case "$p" in
		# each of the mount, statfs and get_version is bounded by MT
		mount) sweep mount "$label" "$MAX" "$MSTEP" $((3 * MT + 5000)) ;;
		reconnect)
			if [ "${#ADDRS[@]}" -lt 2 ]; then
				skip "$label reconnect path" "one monitor only"
				continue
			fi
			sweep reconnect "$label" "$RMAX" "$RSTEP" $((2 * MT + 5000))
			# the last run froze a monitor too: the next path starts on a quorum
			wait_quorum 60 || diag "no quorum after the reconnect path"
			;;
		renewal)
			if [ "$key" = none ]; then
				diag "$label: no renewal path (tickets are cephx's)"
			else
				sweep renewal "$label" "$NMAX" "$NSTEP" $((RENEW_WAIT * 1000 + MT + 5000))
			fi
			;;
		esac
	done
done
done
RL_SECRET=$ADMIN_SECRET
if [ "$made_user" = 1 ]; then
	cli auth rm "client.$FS_USER" >/dev/null
fi
if [ "$widened" = 1 ]; then
	out=$(cli mon set auth_allowed_ciphers aes256k)
	rc=$?
	check "the cluster allows aes256k only again ($out)" '$rc == 0'
fi

# ---------------------------------------------------------------- totals
kill "$wd_pid" 2>/dev/null
echo 0 >"$FAULT/fail_nth"
nsites=${#seen_any[@]}
nfailed=${#failed_any[@]}
diag "failslab: $nfailed of $nsites allocation sites covered (made to fail at least once)"
unreached=()
for s in $EXIST; do
	[ -n "${seen_any[$s]:-}" ] || unreached+=("$s")
done
diag "sites never reached (${#unreached[@]}): ${unreached[*]}"
for s in "${unreached[@]}"; do
	why=${UNREACHABLE[${s%%:*}]:-}
	[ -z "$why" ] || diag "  $s: unreachable: $why"
done
# (EXIST is one site a line: as words between spaces for the match)
exist_words=" $(tr '\n' ' ' <<<"$EXIST")"
for s in "${!seen_any[@]}"; do
	case "$exist_words" in *" $s "*) ;; *) diag "  reached, but not found in the sources: $s" ;; esac
done
check "failslab: $nfailed of $nsites allocation sites covered: every site seen was made to fail" \
	'${nsites:-0} -gt 0 && $nfailed == $nsites'

rmmod monc_reliab
check "rmmod monc_reliab" '! -d /sys/module/monc_reliab'
kmemleak_check
leaks=$REPLY
check "kmemleak: no unreferenced object after the failslab runs ($leaks)" '$leaks == 0'
dmesg_new_sanitiser
san=$REPLY
nsan=0
[ -z "$san" ] || nsan=$(grep -c . <<<"$san")
check "no sanitiser report in dmesg${san:+: $san}" '-z $san'
# The summary (issue #16 item 17): per key and path, the sites reached
# and made to fail; in all, the sites reached of those in the code (the
# others belong to the other auth, key type or protocol, which other runs
# sweep: tests/soak/6*-failslab*.sh, tests/msgr2/60-failslab-v2.sh).
per=
for k in "${PATH_ORDER[@]}"; do per+="; $k: ${PATH_LINE[$k]}"; done
diag "failslab summary (auth $AUTH, keys $KEYS${MS_MODES:+, ms_mode $MS_MODES}): $nsites sites reached / $exist sites that exist, $nfailed made to fail, $leaks leaks, $nsan sanitiser reports$per"
check "failslab summary (auth $AUTH, keys $KEYS${MS_MODES:+, ms_mode $MS_MODES}): $nsites sites reached / $exist sites that exist, $leaks leaks, $nsan sanitiser reports" \
	'${exist:-0} -gt 0 && $nsites -le $exist && $leaks == 0 && $nsan == 0'
restore_mons 60 >/dev/null 2>&1
tap_end
