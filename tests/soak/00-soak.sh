#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The long reliability run (issue #6), for a `make soak` target: the same
# contract as a tests/integration script (runs inside UML after the rig
# started a 3-monitor cluster and sourced its env; prints TAP), but with the
# issue's full durations:
#   - 70-load.sh with 16 threads for 120 s of load, the session's monitor
#     SIGSTOPped for 40 s and all three monitors down for 10 s;
#   - (60-failslab.sh's whole sweep is 60-, 61- and 62-failslab*.sh's,
#     each with a script timeout of its own);
#   - 75-unload.sh with 64 blocked threads;
#   - 25-command.sh with the ceph CLI's view of the blocklist as well;
#   - 30-monfs.sh with 20 mount rounds (make check: 5).
# Their TAP is renumbered into one plan. Budget: about 10 min under UML.
set -uo pipefail
shopt -s lastpipe	# the TAP loop below runs in this shell (no /dev/fd in UML)

here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
n=0 failed=0
run() { # run SCRIPT [VAR=VALUE...]: run one script, renumber its TAP
	local s=$1 line st rest
	shift
	echo "# soak: $s $*"
	if [ ! -r "$here/integration/$s" ]; then
		n=$((n + 1))
		failed=$((failed + 1))
		echo "not ok $n - $s: not found in $here/integration"
		return
	fi
	env "$@" bash "$here/integration/$s" 2>&1 | while IFS= read -r line; do
		case "$line" in
		"ok "* | "not ok "*)
			st=ok
			[[ "$line" == "not ok"* ]] && st="not ok" && failed=$((failed + 1))
			rest=$(sed -E 's/^(not )?ok +[0-9]* *(- )?//' <<<"$line")
			n=$((n + 1))
			echo "$st $n - $(basename "$s" .sh): $rest"
			;;
		1..*) ;;
		*) echo "$line" ;;
		esac
	done
}

run 70-load.sh MONC_LOAD_SECS=120 MONC_LOAD_STOP_SECS=40 MONC_LOAD_DOWN_SECS=10 \
	MONC_LOAD_REQ_TIMEOUT_MS=30000
run 75-unload.sh MONC_UNLOAD_THREADS=64
run 25-command.sh MONC_TEST_CLI=1
run 30-monfs.sh MONC_MONFS_ROUNDS=20
echo "1..$n"
[ "$failed" = 0 ]
