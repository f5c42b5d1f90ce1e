#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# msgr2 (issue #16 item 17): 60-failslab.sh's mount path (mount, statfs,
# get_version, an OSD authorizer, a monitor command) with the session over
# msgr2, against monitors bound to msgr2 only: every allocation of msgr2's
# session set-up and frames is made to fail once. With cephx in crc mode
# and in secure mode (AES-GCM), with auth none in crc mode (secure mode
# needs cephx's connection secret).
modes=crc
[ "${MONC_AUTH:-none}" = cephx ] && modes="crc secure"
exec env MONC_FAILSLAB_PATHS="${MONC_FAILSLAB_PATHS:-mount}" \
	MONC_FAILSLAB_MS_MODES="${MONC_FAILSLAB_MS_MODES:-$modes}" \
	bash "$(dirname "$(readlink -f "$0")")/../integration/60-failslab.sh"
