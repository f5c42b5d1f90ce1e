#!/bin/bash
# Integration check: monc's msgr v1 connection against the rig's ceph-mon.
#
# Loads tests/live/monc_msgr_live.ko with the first monitor of
# $MONC_MON_ADDRS. The module drives monc_tcp_transport directly: the
# handshake, keepalive2 round trips, a hand-built MAuth hello and its
# MAuthReply, MMonGetVersion round trips, and $MONC_LIVE_CYCLES (100)
# open/close cycles. Its TAP lines (with "# " timing lines) come from
# /sys/kernel/debug/monc_msgr_live/results; this script renumbers them and
# adds its own: the module loads and unloads, and kmemleak reports nothing
# new that names monc after it.
#
# Runs inside UML after the runner has started the cluster and sourced its
# env (MONC_MON_ADDRS, MONC_AUTH, MONC_MODROOT).
set -uo pipefail

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
mp() { modprobe -d "$MONC_MODROOT" "$@"; }

addr=${MONC_MON_ADDRS:-127.0.0.1:6789}
addr=${addr%%,*}
auth=${MONC_AUTH:-none}
km=/sys/kernel/debug/kmemleak
res=/sys/kernel/debug/monc_msgr_live/results

# No process substitution: PID 1's environment may have no /dev/fd.
tmp=$(mktemp -d /tmp/monc-10-messenger.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
leaks() { grep -o '^unreferenced object 0x[0-9a-f]*' "$km" | sort >"$1"; }
if [ -w "$km" ]; then
	echo scan >"$km"
	leaks "$tmp/before"
fi

if ! mp monc_msgr_live mon_addr="$addr" auth="$auth" \
	cycles="${MONC_LIVE_CYCLES:-100}"; then
	not_ok "load monc_msgr_live.ko (mon_addr=$addr)"
	echo "1..$n"
	exit 0
fi
ok "load monc_msgr_live.ko (mon_addr=$addr, auth $auth)"

got=0
while IFS= read -r line; do
	case "$line" in
	"ok "* | "not ok "*)
		st=${line%%ok *}ok
		name=${line#* - }
		got=$((got + 1))
		if [ "$st" = ok ]; then ok "$name"; else not_ok "$name"; fi
		;;
	"#"*) echo "$line" ;;
	esac
done <"$res"
[ "$got" -gt 0 ] || not_ok "monc_msgr_live printed results"

if rmmod monc_msgr_live; then
	ok "unload monc_msgr_live.ko"
else
	not_ok "unload monc_msgr_live.ko"
fi

if [ -w "$km" ]; then
	# kmemleak never reports objects younger than 5 s
	sleep 6
	echo scan >"$km"
	leaks "$tmp/after"
	if comm -13 "$tmp/before" "$tmp/after" >"$tmp/new" && [ ! -s "$tmp/new" ]; then
		ok "kmemleak: nothing new after the live checks"
	else
		cat "$km"
		not_ok "kmemleak: nothing new after the live checks"
	fi
fi
echo "1..$n"
