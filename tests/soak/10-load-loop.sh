#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The make-check variant of 70-load.sh, run over and over (issue #16, item
# 15: a kernel hang right after "destroy the client" was seen twice in
# 70-load). It runs only when named, because it is long:
#
#   make soak MONC_SCRIPTS=10-load-loop UML_TIMEOUT=5400 MONC_TEST_TIMEOUT=5000
#
# One TAP line per run ("ok K - 70-load run K: N checks passed in T s"),
# with the failing checks and the run's comments under a failed run; a hang
# is caught by the rig's watchdog (the console then has the hung-task
# report). 20 runs of about 2 minutes each under UML.
#
# Each run starts on a cluster in quorum, as 70-load does in make check: a
# run ends with all three monitors restarted, and on a host loaded past
# its cores they may not form a quorum again for minutes (paxos's collect
# phase times out again and again). The loop waits for one, restarts the
# monitors if none comes, and says so; a run that starts without one
# fails.
set -uo pipefail
shopt -s lastpipe	# the TAP loop below runs in this shell (no /dev/fd in UML)

here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# It runs only when named: then it is the only script of its phase in the
# rig's selection (PHASE_<name>_SCRIPTS in $MONC_RUN/config.sh).
# shellcheck source=/dev/null
scripts=$(. "$MONC_RUN/config.sh" && set | sed -n "s/^PHASE_.*_SCRIPTS=//p")
scripts=${scripts//[\"\']/}
if [[ "$scripts" == *" "* || "$(basename "$scripts")" != "$(basename "$0")" ]]; then
	echo "ok 1 - load loop # SKIP runs only when named (MONC_SCRIPTS=10-load-loop)"
	echo "1..1"
	exit 0
fi
runs=20
# shellcheck source=../reliab/lib.sh
. "$here/reliab/lib.sh"
IFS=, read -r -a addrs <<<"$MONC_MON_ADDRS"

# quorum_before K: every monitor up and in quorum; else restart them all.
restarts=0
quorum_before() {
	local i
	restore_mons 120 && return 0
	restarts=$((restarts + 1))
	echo "# load loop: no quorum within 120 s before run $1: restarting every monitor"
	for ((i = 0; i < ${#addrs[@]}; i++)); do mon_sh kill "$i"; done
	for ((i = 0; i < ${#addrs[@]}; i++)); do mon_sh start "$i" --no-wait >/dev/null 2>&1; done
	wait_quorum 240
}

failed=0
for ((k = 1; k <= runs; k++)); do
	echo "# load loop: run $k of $runs"
	if ! quorum_before "$k"; then
		failed=$((failed + 1))
		echo "not ok $k - 70-load run $k: no quorum before the run, even after a restart of the monitors"
		continue
	fi
	t0=$(date +%s)
	nok=0 nbad=0 bad=() notes=()
	bash "$here/integration/70-load.sh" 2>&1 | while IFS= read -r line; do
		case "$line" in
		"ok "*) nok=$((nok + 1)) ;;
		"not ok "*) nbad=$((nbad + 1)); bad+=("$line") ;;
		"# "*) notes+=("$line") ;;
		esac
	done
	dt=$(($(date +%s) - t0))
	if [ "$nbad" = 0 ] && [ "$nok" -gt 0 ]; then
		echo "ok $k - 70-load run $k: $nok checks passed in ${dt} s"
	else
		failed=$((failed + 1))
		echo "not ok $k - 70-load run $k: $nbad of $((nok + nbad)) checks failed in ${dt} s"
		for l in "${bad[@]}"; do echo "#   $l"; done
		for l in "${notes[@]}"; do echo "#   $l"; done
	fi
done
echo "# load loop: $runs runs, $failed failed; the monitors were restarted for lack of a quorum before $restarts of them"
echo "1..$runs"
[ "$failed" = 0 ]
