# shellcheck shell=bash
# shellcheck disable=SC2034 # CEPH_SUITE and friends are for the callers
# Which Ceph release the cluster scripts run, and how to run its tools.
# Sourced by start.sh, mon.sh and the UML init.
#
#   MONC_CEPH=tentacle  Ceph 20.2 (Debian unstable), from the sid chroot
#   MONC_CEPH=reef      Ceph 18.2 (Debian 13), from the trixie chroot
#   MONC_CEPH=pacific   Ceph 16.2 (Debian 12), the host's own packages (the
#                       default here, which needs no chroot; the rig's
#                       default, tests/uml/check.sh's, is tentacle)
#
# The chroots are made and cached by tests/uml/chroot.sh SUITE under
# MONC_CHROOT_CACHE (default /var/cache/monc-chroot). MONC_CEPH_ROOT
# overrides the root (MONC_CEPH_ROOT=/ runs the host's binaries through the
# chroot path, to test it).
#
# ceph_x CMD ARG... runs a Ceph tool (ceph-mon, monmaptool, ceph-authtool) of
# the release. For a chroot release, the chroot needs /proc, /dev and /sys,
# and it sees the caller's /tmp at the same path, so every path the cluster
# uses must be under /tmp. Inside UML, ceph_mount_root bind-mounts those once
# (the mounts are UML's own; the host never sees them) and ceph_x is a plain
# chroot. Elsewhere (on the host), each ceph_x call gets a private mount
# namespace (unshare -m) that holds the mounts for as long as the command
# runs, so nothing stays mounted on the host when it ends.

# ceph_release [NAME]: set CEPH_RELEASE, CEPH_SUITE, CEPH_ROOT ("" = host).
ceph_release() {
	CEPH_RELEASE=${1:-${MONC_CEPH:-pacific}}
	case "$CEPH_RELEASE" in
	pacific) CEPH_SUITE=bookworm CEPH_ROOT= ;;
	reef) CEPH_SUITE=trixie CEPH_ROOT=${MONC_CHROOT_CACHE:-/var/cache/monc-chroot}/trixie ;;
	tentacle) CEPH_SUITE=sid CEPH_ROOT=${MONC_CHROOT_CACHE:-/var/cache/monc-chroot}/sid ;;
	*)
		echo "release.sh: MONC_CEPH must be pacific, reef or tentacle (got '$CEPH_RELEASE')" >&2
		return 2
		;;
	esac
	[ -n "${MONC_CEPH_ROOT:-}" ] && CEPH_ROOT=$MONC_CEPH_ROOT
	[ "$CEPH_ROOT" = / ] && CEPH_ROOT=/.
	return 0
}

# ceph_release_of ENV_FILE: ceph_release of the cluster start.sh recorded in
# ENV_FILE (its MONC_CEPH and MONC_CEPH_ROOT); builtins only, no fork.
ceph_release_of() {
	local line rel='' root=''
	while read -r line; do
		case "$line" in
		"export MONC_CEPH="*) rel=${line#*=} ;;
		"export MONC_CEPH_ROOT="*) root=${line#*=} ;;
		esac
	done <"$1" 2>/dev/null || true
	MONC_CEPH_ROOT=$root ceph_release "$rel"
}

# ceph_root_ok: does the release's root hold its Ceph tools?
ceph_root_ok() {
	[ -x "${CEPH_ROOT:-}/usr/bin/ceph-mon" ] && [ -x "${CEPH_ROOT:-}/usr/bin/monmaptool" ] &&
		[ -x "${CEPH_ROOT:-}/usr/bin/ceph-authtool" ]
}

# ceph_mount_root: bind /proc, /dev, /sys and /tmp into the chroot, once.
# Only inside UML (or another private mount namespace): adds the root to
# MONC_CEPH_MOUNTED (a colon-separated list), which ceph_exec then trusts.
ceph_mount_root() {
	local d
	[ -n "$CEPH_ROOT" ] || return 0
	for d in proc dev sys tmp; do
		mountpoint -q "$CEPH_ROOT/$d" || mount --bind "/$d" "$CEPH_ROOT/$d" || return 1
	done
	export MONC_CEPH_MOUNTED=${MONC_CEPH_MOUNTED:-}:$CEPH_ROOT
}

# ceph_exec CMD ARG...: exec a Ceph tool of the release (see above) in
# place of the calling shell, so that `( ceph_exec ceph-mon ... ) &` makes
# $! the tool's own pid. ceph_x CMD ARG... runs it as a child.
ceph_exec() {
	if [ -z "$CEPH_ROOT" ]; then
		exec "$@"
	elif [[ ":${MONC_CEPH_MOUNTED:-}:" == *":$CEPH_ROOT:"* ]]; then
		exec chroot "$CEPH_ROOT" "$@"
	else
		# $0 of the inner shell is the root; "$@" the command.
		exec unshare -m --propagation private sh -c '
			r=$0
			for d in proc dev sys tmp; do
				mount --bind "/$d" "$r/$d" || exit 125
			done
			exec chroot "$r" "$@"' "$CEPH_ROOT" "$@"
	fi
}
ceph_x() { (ceph_exec "$@"); }
