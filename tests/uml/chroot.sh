#!/bin/bash
# Build (or reuse) a Debian chroot of another release and print its path.
#
#   tests/uml/chroot.sh SUITE        (bookworm, trixie or sid)
#
# The chroot is `debootstrap --variant=minbase SUITE` plus, installed with
# apt inside it, that release's Ceph daemons and tools and what a module
# build needs (headers, gcc, make, sparse, dkms), and per suite:
#   trixie: the stock kernel image (linux-image-amd64) for the QEMU load test;
#   sid:    the kernel source (linux-source) and the tools to build a UML
#           kernel from it (flex bison bc libelf-dev libssl-dev ...).
# It is cached outside the repository as $MONC_CHROOT_CACHE/<suite>-<key>,
# <key> hashing the suite, the mirror and the package list, and
# $MONC_CHROOT_CACHE/<suite> is a symlink to the current one, so that
# /var/cache/monc-chroot/trixie and /var/cache/monc-chroot/sid are stable
# paths. A flock serialises builders; each step leaves a marker, so an
# interrupted build resumes where it stopped. The host's apt state is not
# touched: the chroot has its own.
#
# Environment: MONC_CHROOT_CACHE (default /var/cache/monc-chroot),
#   MONC_MIRROR (default http://deb.debian.org/debian), QUIET=1.
# Logs: <dir>.log. Prints only the chroot's path on stdout.
set -euo pipefail
# The body is one { } block so that bash parses it whole before running it:
# editing this file during a run cannot break the run.
{

suite=${1:?usage: chroot.sh bookworm|trixie|sid}
cache_root=${MONC_CHROOT_CACHE:-/var/cache/monc-chroot}
mirror=${MONC_MIRROR:-http://deb.debian.org/debian}
quiet=${QUIET:-0}

say() { [ "$quiet" = 1 ] || echo "chroot($suite): $*" >&2; }
die() { echo "chroot($suite): ERROR: $*" >&2; exit 1; }

pkgs=(ceph-mon ceph-base ceph-common ceph-osd ceph-mds linux-headers-amd64
	gcc make libc6-dev sparse kmod dkms python3 busybox-static)
case "$suite" in
bookworm) ;;
trixie) pkgs+=(linux-image-amd64) ;;
sid) pkgs+=(linux-source flex bison bc libelf-dev libssl-dev cpio rsync
	dwarves xz-utils patch) ;;
*) die "unknown suite '$suite' (bookworm, trixie or sid)" ;;
esac

key=$(printf '%s\n' "$suite" "$mirror" "${pkgs[@]}" "layout 1" |
	sha256sum | cut -c1-12)
dir=$cache_root/$suite-$key
link=$cache_root/$suite
mkdir -p "$cache_root"

publish() {
	if [ "$(readlink "$link" 2>/dev/null)" != "$suite-$key" ]; then
		ln -sfn "$suite-$key" "$link.new"
		mv -T "$link.new" "$link"
	fi
	echo "$link"
}

# Fast path: a finished chroot needs no lock. (A step added since a chroot
# was made is added to it on the next call.)
steps=(.monc-debootstrap .monc-apt .monc-checker .monc-ready)
complete() {
	local s
	for s in "${steps[@]}"; do [ -e "$dir/$s" ] || return 1; done
}
if complete; then
	publish
	exit 0
fi

exec 9>"$dir.lock"
if ! flock -n 9; then
	say "another build of $dir is running; waiting for it"
	flock 9
fi
if complete; then
	publish
	exit 0
fi

log=$dir.log
fail() {
	echo "chroot($suite): ERROR: $* (last lines of $log follow)" >&2
	tail -n 30 "$log" >&2
	exit 1
}

# Nothing may stay mounted below $dir: unmount on every exit, and never
# remove a tree that still has mounts.
mounted=()
umount_all() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -l "${mounted[i]}" 2>/dev/null || true
	done
	mounted=()
}
trap umount_all EXIT
has_mounts() { findmnt -rn -o TARGET | grep -q "^$1\(/\|$\)"; }

if [ ! -e "$dir/.monc-debootstrap" ]; then
	if [ -e "$dir" ]; then
		has_mounts "$dir" && die "$dir has mounts; unmount them first"
		rm -rf "$dir"
	fi
	say "debootstrap --variant=minbase $suite (about 1.5 min; log: $log)"
	: >"$log"
	debootstrap --variant=minbase "$suite" "$dir" "$mirror" >>"$log" 2>&1 ||
		fail "debootstrap"
	touch "$dir/.monc-debootstrap"
fi

if [ ! -e "$dir/.monc-apt" ]; then
	# No daemon starts inside the chroot, and sid's expired Release file
	# (this archive is a snapshot) is accepted.
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
	chmod +x "$dir/usr/sbin/policy-rc.d"
	cat >"$dir/etc/apt/apt.conf.d/99monc" <<-EOF
		Acquire::Check-Valid-Until "false";
		APT::Install-Recommends "false";
		DPkg::Lock::Timeout "900";
	EOF
	echo "deb $mirror $suite main" >"$dir/etc/apt/sources.list"
	mount -t proc proc "$dir/proc" && mounted+=("$dir/proc")
	mount --bind /dev "$dir/dev" && mounted+=("$dir/dev")
	in_root() { DEBIAN_FRONTEND=noninteractive chroot "$dir" "$@" >>"$log" 2>&1; }

	say "apt-get install ${pkgs[*]} (several minutes; log: $log)"
	in_root apt-get -q update || fail "apt-get update"
	if ! in_root apt-get -q install -y "${pkgs[@]}"; then
		# sid's ceph-mds postinst fails without systemd; its binary is
		# installed and usable. Accept that one failure, nothing else.
		in_root dpkg --configure -a || true
		bad=$(chroot "$dir" dpkg-query -W -f='${db:Status-Status} ${Package}\n' 2>/dev/null |
			awk '$1 != "installed" && $1 != "not-installed" && $1 != "config-files" { print $2 }')
		if [ "$bad" = ceph-mds ] && [ -x "$dir/usr/bin/ceph-mds" ]; then
			say "ceph-mds postinst failed (no systemd); marking it configured"
			echo 'exit 0' >"$dir/var/lib/dpkg/info/ceph-mds.postinst"
			in_root dpkg --configure -a || fail "dpkg --configure -a"
			in_root apt-get -q install -y "${pkgs[@]}" || fail "apt-get install (second pass)"
		else
			fail "apt-get install (unconfigured: ${bad:-none})"
		fi
	fi
	in_root apt-get clean || true
	umount_all
	touch "$dir/.monc-apt"
fi

# Debian's header packages leave out scripts/checker-valid.sh, which 7.x's
# Makefile runs before it lets C=1/C=2 call sparse (without it, sparse is
# skipped with only a make warning). Take it from the same release's source.
if [ ! -e "$dir/.monc-checker" ]; then
	for hdr in "$dir"/usr/src/linux-headers-*-common; do
		[ -d "$hdr" ] || continue
		grep -q checker-valid.sh "$hdr/Makefile" || continue
		[ -e "$hdr/scripts/checker-valid.sh" ] && continue
		tarball=$(ls "$dir"/usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)
		[ -n "$tarball" ] || die "$hdr needs scripts/checker-valid.sh and there is no linux-source"
		say "adding scripts/checker-valid.sh to $(basename "$hdr") from $(basename "$tarball")"
		tar -xJOf "$tarball" --wildcards '*/scripts/checker-valid.sh' >"$hdr/scripts/checker-valid.sh" ||
			fail "extracting checker-valid.sh"
		chmod +x "$hdr/scripts/checker-valid.sh"
	done
	touch "$dir/.monc-checker"
fi

# What is there, for the logs and for other scripts.
{
	echo "suite=$suite"
	for p in ceph-mon linux-headers-amd64 gcc; do
		echo "$p=$(chroot "$dir" dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo none)"
	done
	echo "headers=$(cd "$dir/usr/src" && ls -d linux-headers-*-amd64 2>/dev/null | sort -V | tail -n1)"
} >"$dir/.monc-info"
touch "$dir/.monc-ready"
say "ready: $(tr '\n' ' ' <"$dir/.monc-info")"
publish

exit
}
