#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: the cephx integration with the renewal held over 3 ticket TTLs
# (make check holds it over one). The rig runs it in the soak lane's cephx
# phase, like tests/integration/40-cephx.sh in make check.
exec env MONC_CEPHX_RENEW_TTLS="${MONC_CEPHX_RENEW_TTLS:-3}" \
	bash "$(dirname "$(readlink -f "$0")")/../integration/40-cephx.sh"
