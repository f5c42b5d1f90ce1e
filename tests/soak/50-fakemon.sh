#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: every fakemon case (every truncation of every message; make
# check runs every 8th case of each family), with a budget to match.
exec env MONC_FAKEMON_STRIDE=1 MONC_FAKEMON_BUDGET="${MONC_FAKEMON_BUDGET:-1400}" \
	bash "$(dirname "$(readlink -f "$0")")/../integration/50-fakemon.sh"
