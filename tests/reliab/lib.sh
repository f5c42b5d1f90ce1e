# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # variables here are used by the scripts that source it
#
# Helpers of the reliability scripts (tests/integration/60-failslab.sh,
# 70-load.sh, 75-unload.sh, tests/soak.sh), on top of tests/client/lib.sh
# (TAP, kv, nap, now_us, monitors). They drive tests/reliab/monc_reliab.ko
# through /sys/kernel/debug/monc_reliab/ and the injection knobs of fault.h
# in /sys/kernel/debug/monc/fault/. Builtins only (no fork) unless noted.

reliab_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../client/lib.sh
. "$reliab_here/../client/lib.sh"

RL=/sys/kernel/debug/monc_reliab
FAULT=/sys/kernel/debug/monc/fault

# rl_cmd FILE VALUE: write a command (writes never fail; see "last").
rl_cmd() { echo "$2" >"$RL/$1"; }
# rl_get FILE: LINE=the line it reads back.
rl_get() {
	LINE=
	read -r LINE <"$RL/$1"
	[ -n "$LINE" ]
}
# With MONC_AUTH=cephx, rl_create authenticates with client.admin's key:
# its bytes in hex (16 for aes, 32 for aes256k), after the keyring blob's
# type (2 bytes), creation time (8) and little-endian length (2).
RL_SECRET=
if [ "${MONC_AUTH:-none}" = cephx ] && [ -n "${MONC_ADMIN_KEY:-}" ]; then
	RL_SECRET=$(printf '%s' "$MONC_ADMIN_KEY" | base64 -d | od -An -tx1 -v | tr -d ' \n')
	RL_SECRET=${RL_SECRET:24:$((2 * 16#${RL_SECRET:22:2}${RL_SECRET:20:2}))}
fi
# rl_create "ADDRS KA_INT KA_TO MOUNT_TO": LINE=its result; ok if mounted.
rl_create() {
	rl_cmd create "$1${RL_SECRET:+ $RL_SECRET}"
	rl_get last
	[[ "$LINE" == "create=0 open=0 mount=0 "* ]]
}
rl_destroy() {
	rl_cmd destroy 1
	rl_get last
}

# Every monitor back: SIGCONT all, start the dead ones, wait for quorum.
restore_mons() {
	local i n
	IFS=, read -r -a _addrs <<<"$MONC_MON_ADDRS"
	n=${#_addrs[@]}
	for ((i = 0; i < n; i++)); do
		mon_pid "$i" 2>/dev/null && kill -CONT "$REPLY" 2>/dev/null
	done
	for ((i = 0; i < n; i++)); do
		if ! mon_pid "$i" 2>/dev/null || ! kill -0 "$REPLY" 2>/dev/null; then
			mon_sh start "$i" --no-wait >/dev/null 2>&1
		fi
	done
	wait_quorum "${1:-90}"
}

# dmesg_mark: remember how long the kernel log is; dmesg_new_sanitiser:
# REPLY=the first sanitiser lines logged since (one fork each).
dmesg_mark() { DMESG_MARK=$(dmesg | wc -l); }
dmesg_new_sanitiser() {
	REPLY=$(dmesg | tail -n +$((DMESG_MARK + 1)) | grep -E "$SANITISER_RE" | head -n 3)
}

# kmemleak_check: scan twice (after the 5 s kmemleak waits for) and
# REPLY=the number of unreferenced objects reported; the report goes to
# stdout as #. kmemleak reports an object only when a scan finds it
# unreferenced with the checksum the scan before recorded: the first scan
# that finds a new leak records its checksum and keeps quiet (mm/
# kmemleak.c, update_checksum()), so one scan misses every leak made since
# the last one.
kmemleak_clear() {
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	echo scan >/sys/kernel/debug/kmemleak
	echo clear >/sys/kernel/debug/kmemleak
}
kmemleak_check() {
	REPLY=0
	[ -w /sys/kernel/debug/kmemleak ] || { REPLY=-1; return; }
	nap 5
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	local rep
	rep=$(cat /sys/kernel/debug/kmemleak)
	REPLY=$(grep -c 'unreferenced object' <<<"$rep")
	[ "$REPLY" = 0 ] || sed -n '1,40s/^/# /p' <<<"$rep"
}

# A hang shows as a run that never ends. run_started notes when one began;
# hang_watchdog SECONDS (run it in the background) dumps the blocked tasks
# (sysrq w) to the console once when a run lasts longer, and says so.
RUN_STAMP=/tmp/monc-reliab-run.$$
run_started() { echo "${EPOCHREALTIME%[.,]*}" >"$RUN_STAMP"; }
hang_watchdog() {
	local start dumped=
	while :; do
		nap 5
		read -r start <"$RUN_STAMP" 2>/dev/null || continue
		if [ "$start" != "$dumped" ] && ((${EPOCHREALTIME%[.,]*} - start > $1)); then
			echo "# watchdog: a run has lasted over $1 s; blocked tasks are on the console"
			echo w >/proc/sysrq-trigger
			dumped=$start
		fi
	done
}
