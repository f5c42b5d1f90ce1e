#!/bin/bash
# Run a command inside a chroot, in a private mount namespace, with /proc
# mounted and host directories bind-mounted into it; every mount vanishes
# with the namespace, so nothing is left mounted on the host.
#
#   tests/uml/in-chroot.sh ROOT [HOSTDIR:PATH_IN_ROOT ...] -- COMMAND...
#
# PATH_IN_ROOT is created if missing (and left behind, empty).
set -euo pipefail

root=${1:?usage: in-chroot.sh ROOT [HOSTDIR:PATH ...] -- COMMAND...}
shift
binds=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	binds+=("$1")
	shift
done
[ "${1:-}" = -- ] || { echo "in-chroot.sh: no -- COMMAND" >&2; exit 2; }
shift
for b in "${binds[@]}"; do
	mkdir -p "$root/${b#*:}"
done
exec unshare --mount --propagation private -- /bin/bash -c '
	set -e
	root=$1 n=$2
	shift 2
	mount -t proc proc "$root/proc"
	for ((i = 0; i < n; i++)); do
		mount --bind "${1%%:*}" "$root/${1#*:}"
		shift
	done
	exec chroot "$root" "$@"' _ "$root" "${#binds[@]}" "${binds[@]}" "$@"
