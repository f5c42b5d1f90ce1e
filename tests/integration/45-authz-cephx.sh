#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # check() takes [[ ]] conditions to eval, in single quotes
# shellcheck disable=SC2034 # some variables are used only in check() conditions
#
# Integration (issue #13, items 1-2): monc's service tickets and
# authorizers against a real OSD and MDS, inside UML.
#
# On the cephx cluster of make check's second phase (Tentacle: aes256k keys,
# ticket TTL MONC_TICKET_TTL), tests/cluster/daemons.sh starts osd.0
# (memstore, 256M) and mds.a (standby), msgr v1 only. tests/authz's module
# makes a monc client that wants OSD and MDS tickets, connects to each
# daemon over its own msgr v1 connection with monc_authorizer_create(),
# answers the daemon's challenge, verifies its reply (mutual
# authentication) and sends the MCommand {"prefix": "version"}, signed
# with monc_authorizer_sign(); the reply's signature is checked with
# monc_authorizer_check(). Then:
#  - a tampered authorizer (a ticket blob byte flipped) and one sealed with
#    a wrong key each get the OSD's TAG_BADAUTHORIZER;
#  - a command with a wrong signature gets no answer (the OSD drops it);
#  - an authorizer built once and presented again after its ticket's
#    rotating secret has gone is refused; a fresh one from the renewed
#    ticket works;
#  - after monc_invalidate_ticket() the client gets a new ticket and the
#    daemon accepts it again, on the same mount (same global id).
# On the auth-none cluster of the first phase it skips.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../client/lib.sh
. "$here/../client/lib.sh"

AZ=/sys/kernel/debug/monc_authz
if [ "${MONC_AUTH:-none}" != cephx ]; then
	skip "authorizers against osd.0 and mds.a" "needs the cephx cluster"
	tap_end
	exit 0
fi
watchdog 560
TTL=${MONC_TICKET_TTL:-30}
[ -n "$TTL" ] || TTL=30
IFS=, read -r -a ADDRS <<<"$MONC_MON_ADDRS"
ALL=$(IFS=/; echo "${ADDRS[*]}")
daemons() { "$MONC_CLUSTER_BIN/daemons.sh" "$@"; }

az_put() { # az_put FILE VALUE: ERR=the shell's error text
	ERR=$({ echo "$2" >"$AZ/$1"; } 2>&1)
	[ -z "$ERR" ]
}
az_get() { LINE=; read -r LINE <"$AZ/$1" 2>/dev/null; [ -n "$LINE" ]; }
# tell SERVICE MODE: LINE=the result; ERRNO, R, OUT, MUTUAL, CHAL set
tell() {
	local addr
	addr=$OSD
	[ "$1" = mds ] && addr=$MDS
	az_put tell "$1 $addr $2"
	az_get tell
	kv "$LINE" err && ERRNO=$REPLY
	kv "$LINE" r && R=$REPLY
	kv "$LINE" out && OUT=$REPLY
	kv "$LINE" mutual && MUTUAL=$REPLY
	kv "$LINE" challenged && CHAL=$REPLY
	diag "tell $1 $2: $LINE"
}

now_us
t0=$REPLY
if daemons start; then
	ms_since "$t0"
	ok "osd.0 (memstore) and mds.a up with cephx in $((REPLY / 1000)) s"
else
	not_ok "osd.0 and mds.a start"
	tap_end
	exit 1
fi
OSD=$(daemons addr osd)
MDS=$(daemons addr mds)

KEYHEX=$(printf '%s' "$MONC_ADMIN_KEY" | base64 -d | od -An -tx1 -v | tr -d ' \n')
mp monc_authz
check "monc_authz loads" '-d $AZ'
az_put create "mon_addr=$ALL,key=$KEYHEX,want=osd+mds"
az_get create
kv "$LINE" global_id && GID=$REPLY
check "a client wanting OSD and MDS tickets mounts ($ERR)" '-z "$ERR" && $GID != 0'

for svc in osd mds; do
	az_put ticket $svc
	az_get ticket
	kv "$LINE" err && E=$REPLY
	kv "$LINE" ms
	check "monc holds a $svc ticket (after ${REPLY} ms)" '$E == 0'
done

# which cipher each ticket's session key uses (debugfs never shows keys)
for f in /sys/kernel/debug/monc/*/session; do
	[ -e "$f" ] || continue
	while read -r l; do
		case "$l" in cephx_cipher:* | cephx_ticket:*) diag "$l" ;; esac
	done <"$f"
done

tell osd ok
check "osd.0 answers MCommand version through monc's authorizer ($OUT)" \
	'$ERRNO == 0 && $R == 0 && $OUT == *version* && $MUTUAL == 1'
diag "osd.0 challenged the authorizer: $CHAL"
tell mds ok
check "mds.a answers MCommand version through monc's authorizer ($OUT)" \
	'$ERRNO == 0 && $R == 0 && $OUT == *version* && $MUTUAL == 1'

tell osd tamper
check "a tampered authorizer gets the OSD's refusal (BADAUTHORIZER)" '$ERRNO == -13'
tell osd wrongkey
check "an authorizer sealed with a wrong key gets the OSD's refusal" '$ERRNO == -13'
tell mds wrongkey
check "... and the MDS's" '$ERRNO == -13'
tell osd badsig
check "a command with a wrong signature gets no answer" '$ERRNO != 0 && $MUTUAL == 1'
tell osd ok
check "the next good command is answered" '$ERRNO == 0 && $R == 0'

# An old ticket: the OSD keeps the previous, current and next rotating
# secrets of its service; one TTL later a ticket's secret may still be
# there, a few TTLs later it is gone.
if az_put hold osd; then
	now_us
	t0=$REPLY
	ERRNO=0
	for ((i = 0; i < 6; i++)); do
		nap "$TTL"
		tell osd held
		[ "$ERRNO" = -13 ] && break
	done
	ms_since "$t0"
	check "an authorizer presented after its ticket expired gets the OSD's refusal ($((REPLY / 1000)) s)" \
		'$ERRNO == -13'
else
	not_ok "hold an OSD authorizer ($ERR)"
fi
tell osd ok
check "a fresh authorizer from the renewed ticket is accepted" '$ERRNO == 0 && $R == 0'

az_put invalidate osd
az_get invalidate
kv "$LINE" err
check "right after invalidation there is no OSD ticket (ENOKEY: $REPLY)" '$REPLY == -126'
az_put ticket osd
az_get ticket
kv "$LINE" ms && MS=$REPLY
tell osd ok
az_get create
kv "$LINE" global_id
check "after invalidation a new ticket comes (${MS} ms) and osd.0 accepts it, same mount" \
	'$ERRNO == 0 && $R == 0 && $REPLY == $GID'

az_put destroy x
if rmmod monc_authz; then ok "monc_authz unloads"; else not_ok "monc_authz unloads"; fi
rmmod monc 2>/dev/null || true
daemons stop
tap_end
