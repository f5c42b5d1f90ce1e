#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Integration (issue #12, item 6): the hostile monitor over cephx, with
# both key types. tests/uml/init.sh runs every *cephx*.sh again in the
# cephx phase (Tentacle at its defaults: an aes256k client.admin key);
# there tests/integration/50-fakemon.sh runs the fake's cephx cases
# (tests/fakemon/fakemon.py gen_cephx_cases): for each of aes and aes256k,
# the fake's own good exchange (a control), a CephXServerChallenge cut
# short or overlong, and ticket replies forged or corrupted (wrong key,
# bad padding or HMAC, bad struct versions, lengths past the end, session
# keys of the wrong length). The cipher of the cluster's key gets that
# key; the other cipher a key the cluster does not know, so a mount that
# hunts on from the fake ends in the real monitor's EACCES.
#
# make check runs a representative sample (fakemon.py CX_SAMPLE, 18
# cases); make soak (tests/soak/50-fakemon-cephx.sh) every case, the
# ticket reply cut at every length.
set -uo pipefail
if [ "${MONC_AUTH:-none}" != cephx ] || [ -z "${MONC_ADMIN_KEY:-}" ]; then
	echo "ok 1 - fakemon cephx # SKIP auth none cluster (the cephx phase runs it)"
	echo "1..1"
	exit 0
fi
exec env MONC_FAKEMON_CEPHX="${MONC_FAKEMON_CEPHX:-sample}" \
	bash "$(dirname "$(readlink -f "$0")")/50-fakemon.sh"
