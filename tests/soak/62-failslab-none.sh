#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: the whole failslab sweep with auth none, in the soak lane's
# first phase: every allocation of the mount path (mount, statfs,
# get_version, an authorizer, a monitor command), and of the reconnect
# path, with a script timeout of its own (60- and 61-failslab-cephx*.sh:
# cephx; tests/msgr2/60-failslab-v2.sh: msgr2, in make check).
if [ "${MONC_AUTH:-none}" != none ]; then
	echo "ok 1 - failslab with auth none # SKIP the first phase runs it (auth ${MONC_AUTH} here)"
	echo "1..1"
	exit 0
fi
exec env MONC_FAILSLAB_MAX=400 MONC_FAILSLAB_MOUNT_STEP=1 \
	MONC_FAILSLAB_RECONNECT_MAX=120 MONC_FAILSLAB_RECONNECT_STEP=1 \
	bash "$(dirname "$(readlink -f "$0")")/../integration/60-failslab.sh"
