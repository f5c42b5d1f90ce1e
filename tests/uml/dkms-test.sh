#!/bin/bash
# Prove that dkms.conf works: dkms add, build and install of monc against
# Debian 13's 6.12 kernel headers, with dkms and gcc of that release,
# inside the trixie chroot (tests/uml/chroot.sh trixie).
#
#   tests/uml/dkms-test.sh WORK
#
# A clean copy of the tree is bind-mounted at /usr/src/monc-<version> in
# the chroot, in a private mount namespace; dkms then adds, builds and
# installs it for the chroot's kernel, the installed module's vermagic is
# checked, and `dkms remove --all` leaves the chroot as it was. A flock
# serialises runs on the shared chroot. Prints one TAP line; the log is
# WORK/dkms.log.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${1:?usage: dkms-test.sh WORK}
mkdir -p "$work"
work=$(cd "$work" && pwd)
log=$work/dkms.log
: >"$log"
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")
name="dkms add, build and install monc/$ver"

fail() { echo "not ok - $name: $* (see $log)"; exit 0; }
[ -n "$ver" ] || fail "no PACKAGE_VERSION in dkms.conf"
root=$(QUIET=1 "$here/chroot.sh" trixie 2>>"$log") || fail "no trixie chroot"
root=$(readlink -f "$root")
kver=$(cd "$root/lib/modules" && ls -d *-amd64 | sort -V | tail -n1)
name="$name for $kver (trixie chroot, its dkms and gcc)"

rsync -a --exclude=.git --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
	--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.order' \
	--exclude=Module.symvers --exclude=__pycache__ "$repo/" "$work/src/"

exec 8>"$root.dkms.lock"
flock 8
rc=0
"$here/in-chroot.sh" "$root" "$work/src:/usr/src/monc-$ver" -- /bin/bash -c '
	set -x
	dkms remove "monc/$1" --all >/dev/null 2>&1 || true
	rc=0
	dkms add "monc/$1" &&
		dkms build "monc/$1" -k "$2" &&
		dkms install "monc/$1" -k "$2" &&
		dkms status monc &&
		modinfo -k "$2" -F vermagic monc || rc=1
	dkms remove "monc/$1" --all || rc=1
	exit $rc' _ "$ver" "$kver" >>"$log" 2>&1 || rc=$?
rmdir "$root/usr/src/monc-$ver" 2>/dev/null || true
[ "$rc" = 0 ] || fail "dkms failed (exit $rc)"
grep -q "^$kver " "$log" || fail "the installed monc.ko's vermagic is not $kver"
grep -q "monc/$ver, $kver, x86_64: installed" "$log" || fail "dkms status did not say installed"
echo "ok - $name"
