#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# msgr2 (issue #16 item 17): 60-failslab.sh's mount path (mount, statfs,
# get_version, an OSD authorizer, a monitor command) with the session over
# msgr2, against monitors bound to msgr2 only: every allocation of msgr2's
# session set-up and frames is made to fail once. With cephx in secure
# mode (AES-GCM), with auth none in crc mode (secure mode needs cephx's
# connection secret): each mode is swept once. Secure mode reaches every
# site crc mode does with cephx (30 of 32 sites, crc 28), and its sweep
# alone is 35 s of the interop lane, the longest of make check's;
# MONC_FAILSLAB_MS_MODES="crc secure" sweeps both.
modes=crc
[ "${MONC_AUTH:-none}" = cephx ] && modes=secure
exec env MONC_FAILSLAB_PATHS="${MONC_FAILSLAB_PATHS:-mount}" \
	MONC_FAILSLAB_MS_MODES="${MONC_FAILSLAB_MS_MODES:-$modes}" \
	bash "$(dirname "$(readlink -f "$0")")/../integration/60-failslab.sh"
