#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: 60-failslab-cephx.sh's sweep with an aes key on Tentacle,
# whose own keys are aes256k (older releases have aes keys only: the
# sweep of 60-failslab-cephx.sh is theirs).
if [ "${MONC_AUTH:-none}" != cephx ] || [ "${MONC_CEPH:-tentacle}" != tentacle ]; then
	echo "ok 1 - failslab with a cephx aes key # SKIP Tentacle's cephx phase runs it"
	echo "1..1"
	exit 0
fi
MONC_FAILSLAB_KEYS=aes exec bash "$(dirname "$(readlink -f "$0")")/60-failslab-cephx.sh"
