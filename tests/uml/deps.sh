#!/bin/bash
# Install, with apt, whichever of the rig's Debian packages are missing.
# Quiet and quick (one dpkg-query) when everything is there already.
set -euo pipefail

pkgs=(linux-source-6.1 flex bison bc libelf-dev libssl-dev kmod cpio rsync
	dwarves busybox-static iproute2 sparse linux-headers-amd64
	linux-image-amd64 qemu-system-x86 ceph-mon ceph-common python3-rados
	python3-cryptography gcc make binutils xz-utils patch python3
	util-linux coreutils debootstrap)

# dpkg-query exits 1 when any package is unknown or not installed: that is
# the normal case on a fresh machine, not an error (set -e would stop here).
installed=" $( { dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${pkgs[@]}" 2>/dev/null || true; } |
	sed -n 's/^installed //p' | tr '\n' ' ') "
missing=()
for p in "${pkgs[@]}"; do
	[[ "$installed" == *" $p "* ]] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt/dpkg run (up to 15 min) instead of failing on its lock.
apt_opts=(-o DPkg::Lock::Timeout=900 -q)
# Refresh the lists once if they are missing or a day old.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n1)" ]; then
	apt-get "${apt_opts[@]}" update >&2
fi
if ! apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >&2; then
	apt-get "${apt_opts[@]}" update >&2
	apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >&2
fi
