#!/bin/bash
# make fresh: `make demo` on a fresh Debian 12 with nothing preinstalled.
#
# Bootstraps `debootstrap --variant=minbase bookworm` into a scratch
# directory (MONC_FRESH_DIR, default /var/tmp/monc-fresh; emptied first),
# puts a clean clone of this repository's HEAD at /work/main in it and a copy
# of ../shared beside it (the protocol captures some tests read), and runs,
# inside `chroot` in a private mount namespace (/proc, /sys and /dev, with
# /dev/shm for UML's memory, are mounted there and vanish with it):
#
#   apt-get update && apt-get install make     (a new user's first step)
#   cd /work/main && make demo
#
# so that deps.sh installs every other package, build-kernel.sh builds the
# UML kernel from nothing, and the demo boots it against Debian's ceph-mon.
# Only make is installed by hand. No daemon is started at package install
# (policy-rc.d), as in any chroot. Takes 20 to 40 minutes on 2 cores;
# the log is MONC_FRESH_DIR/fresh.log, and its last lines end the output.
set -euo pipefail
# The body is one { } block so that bash parses it whole before running it:
# editing this file during a run cannot break the run.
{

repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=${MONC_FRESH_DIR:-/var/tmp/monc-fresh}
mirror=${MONC_MIRROR:-http://deb.debian.org/debian}
root=$scratch/root
log=$scratch/fresh.log
t0=$(date +%s)

say() { echo "fresh: $*" >&2; }
die() { echo "fresh: ERROR: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"

mkdir -p "$scratch"
exec 9>"$scratch.lock"
flock -n 9 || die "another make fresh is running in $scratch"
if findmnt -rn -o TARGET | grep -q "^$root\(/\|$\)"; then
	die "$root has mounts; unmount them first"
fi
rm -rf "$root"
: >"$log"

say "debootstrap --variant=minbase bookworm $root (log: $log)"
debootstrap --variant=minbase bookworm "$root" "$mirror" >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "debootstrap"; }
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"

say "cloning $(git -C "$repo" rev-parse --short HEAD) into $root/work/main"
mkdir -p "$root/work"
git clone -q --no-hardlinks "$repo" "$root/work/main"
if [ -d "$repo/../shared" ]; then
	cp -a "$repo/../shared" "$root/work/shared"
fi
rm -rf "$root/work/main/.git/hooks"

say "in the chroot: apt-get install make, then make demo (log: $log)"
rc=0
unshare --mount --propagation private -- /bin/bash -c '
	set -e
	r=$1
	# The root must be a mount point, as on a real machine: the rig
	# changes mount propagation in namespaces of its own (unshare fails
	# with EINVAL on a root that is only a directory).
	mount --bind "$r" "$r"
	mount -t proc proc "$r/proc"
	mount -t sysfs sysfs "$r/sys"
	mount --rbind /dev "$r/dev"
	mountpoint -q "$r/dev/shm" || mount -t tmpfs -o mode=1777 shm "$r/dev/shm"
	exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM=dumb LANG=C.UTF-8 /bin/bash -c "
		set -e
		export DEBIAN_FRONTEND=noninteractive
		apt-get -q update
		apt-get -q install -y --no-install-recommends make
		cd /work/main
		make demo"' _ "$root" >>"$log" 2>&1 || rc=$?
t=$(($(date +%s) - t0))
echo "---- last lines of $log ----"
tail -n 25 "$log"
echo "---- make fresh: exit $rc after ${t}s ($((t / 60)) min $((t % 60)) s) ----"
exit "$rc"

exit
}
