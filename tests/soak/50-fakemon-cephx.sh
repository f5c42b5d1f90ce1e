#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: every cephx case of the fake (make check runs a sample), in
# the soak lane's cephx phase, with a budget to match.
exec env MONC_FAKEMON_CEPHX=all MONC_FAKEMON_BUDGET="${MONC_FAKEMON_BUDGET:-1400}" \
	bash "$(dirname "$(readlink -f "$0")")/../integration/50-fakemon-cephx.sh"
