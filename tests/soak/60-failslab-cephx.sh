#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: the whole failslab sweep with cephx, in the soak lane's cephx
# phase (make check samples it with the cluster's own key): every
# allocation of the mount, reconnect and renewal paths, with one key type
# per script so that each has the rig's script timeout to itself: this
# one the release's default (Tentacle: aes256k; older: aes),
# 61-failslab-cephx-aes.sh an aes key on Tentacle. The auth-none sweep is
# 62-failslab-none.sh's.
if [ "${MONC_AUTH:-none}" != cephx ]; then
	echo "ok 1 - failslab with cephx # SKIP the cephx phase runs it (auth ${MONC_AUTH:-none} here)"
	echo "1..1"
	exit 0
fi
keys=aes
[ "${MONC_CEPH:-tentacle}" = tentacle ] && keys=aes256k
exec env MONC_FAILSLAB_MAX=400 MONC_FAILSLAB_MOUNT_STEP=1 MONC_FAILSLAB_RECONNECT_MAX=120 \
	MONC_FAILSLAB_RECONNECT_STEP=1 MONC_FAILSLAB_RENEW_MAX=120 \
	MONC_FAILSLAB_RENEW_STEP=1 MONC_FAILSLAB_KEYS="${MONC_FAILSLAB_KEYS:-$keys}" \
	bash "$(dirname "$(readlink -f "$0")")/../integration/60-failslab.sh"
