#!/bin/bash
# Show that monc.ko loads and unloads cleanly on Debian's stock kernel.
#
#   [STOCK_ROOT=DIR] tests/qemu/stock-load.sh MONC_KO WORKDIR [KVER]
#
# STOCK_ROOT (default /) is the system whose kernel is booted: its
# /boot/vmlinuz-KVER and /lib/modules/KVER, e.g. the Debian 13 chroot of
# tests/uml/chroot.sh trixie for its 6.12 kernel.
#
# MONC_KO must be built against /usr/src/linux-headers-KVER (default: the
# vermagic of MONC_KO). The script packs a busybox-static initramfs with
# monc.ko and the modules it depends on (modinfo depends, recursively, from
# /lib/modules/KVER), boots /boot/vmlinuz-KVER under qemu-system-x86_64 with
# TCG, insmods, rmmods, and checks the kernel log written after its marker
# with the rig's sanitiser grep. The "module verification failed" and
# "out-of-tree module taints kernel" lines of an unsigned out-of-tree module
# are expected and are not errors.
#
# Prints one TAP line "ok - ..." or "not ok - ..." on stdout; details go to
# WORKDIR/console.log. Exit status 0 either way unless the set-up fails.
set -euo pipefail

ko=$(readlink -f "${1:?usage: stock-load.sh MONC_KO WORKDIR [KVER]}")
work=${2:?usage: stock-load.sh MONC_KO WORKDIR [KVER]}
kver=${3:-$(modinfo -F vermagic "$ko" | awk '{print $1}')}
name="monc.ko loads and unloads on the stock $kver kernel (QEMU TCG)"
sroot=${STOCK_ROOT:-/}
sroot=${sroot%/}
vmlinuz=$sroot/boot/vmlinuz-$kver
sanitiser='^(BUG|WARNING|INFO|ODEBUG|UBSAN):|^(kernel BUG at|Kernel panic|unreferenced object|------------\[ cut here \])|general protection fault|Kernel mode fault'

fail() { echo "not ok - $name: $*"; exit 0; }
[ -r "$vmlinuz" ] || fail "no $vmlinuz (apt-get install linux-image-amd64)"
[ -d "$sroot/lib/modules/$kver" ] || fail "no $sroot/lib/modules/$kver"

rm -rf "$work"
mkdir -p "$work/root/bin" "$work/root/mods" "$work/root/proc" \
	"$work/root/sys" "$work/root/dev"
cp /bin/busybox "$work/root/bin/busybox"
for a in sh mount insmod rmmod lsmod dmesg cat echo grep poweroff sleep; do
	ln -s busybox "$work/root/bin/$a"
done

# The dependency closure of monc.ko, in load order (dependencies first).
# "pre:" soft dependencies count too (libcrc32c needs a crc32c provider,
# which it would otherwise get from request_module and a modprobe we lack).
order=()
seen=" "
add_deps() { # add_deps FILE
	local dep path soft
	soft=$(modinfo -F softdep "$1" | sed -n 's/.*pre: *\([^:]*\)\( post:.*\)\{0,1\}$/\1/p')
	for dep in $soft $(modinfo -F depends "$1" | tr ',' ' '); do
		case "$seen" in *" $dep "*) continue ;; esac
		seen="$seen$dep "
		# An alias (crc32c) may name several modules; take them all.
		for path in $(modinfo -b "$sroot/" -k "$kver" -n "$dep" 2>/dev/null); do
			case "$seen" in *" $path "*) continue ;; esac
			seen="$seen$path "
			add_deps "$path"
			order+=("$path")
		done
	done
}
add_deps "$ko"
i=0
loads=
for p in "${order[@]}"; do
	i=$((i + 1))
	case "$p" in
	*.ko.xz) xz -dc "$p" >"$work/root/mods/$i.ko" ;;
	*.ko.zst) zstd -dcq "$p" >"$work/root/mods/$i.ko" ;;
	*.ko) cp "$p" "$work/root/mods/$i.ko" ;;
	*) continue ;; # built in
	esac
	loads="$loads /mods/$i.ko"
done
cp "$ko" "$work/root/mods/monc.ko"

cat >"$work/root/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $loads; do insmod \$m || echo "STOCK: dependency \$m did not load"; done
echo "monc-qemu: insmod" >/dev/kmsg
if insmod /mods/monc.ko; then echo STOCK-INSMOD-OK; fi
grep -q '^monc ' /proc/modules && echo STOCK-LISTED
if rmmod monc; then echo STOCK-RMMOD-OK; fi
grep -q '^monc ' /proc/modules || echo STOCK-GONE
echo "monc-qemu: rmmod done" >/dev/kmsg
sleep 1
echo STOCK-DMESG-BEGIN
dmesg
echo STOCK-DMESG-END
poweroff -f
EOF
chmod +x "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc --quiet | gzip -1 >"$work/initramfs.gz")

rc=0
timeout -k 5 "${QEMU_TIMEOUT:-240}" qemu-system-x86_64 -accel tcg -cpu max -m 512 \
	-smp 1 -nographic -no-reboot -monitor none -serial stdio -nodefaults \
	-kernel "$vmlinuz" -initrd "$work/initramfs.gz" \
	-append "console=ttyS0 panic=-1 loglevel=4 rdinit=/init" \
	</dev/null >"$work/console.log" 2>&1 || rc=$?
tr -d '\r' <"$work/console.log" >"$work/console.txt"

[ "$rc" = 0 ] || fail "qemu exited $rc (124 = timeout); see $work/console.log"
for m in STOCK-INSMOD-OK STOCK-LISTED STOCK-RMMOD-OK STOCK-GONE STOCK-DMESG-END; do
	grep -q "$m\$" "$work/console.txt" || fail "no $m in $work/console.log"
done
# The kernel log from our marker on, timestamps stripped.
sed -n '/^STOCK-DMESG-BEGIN$/,/^STOCK-DMESG-END$/p' "$work/console.txt" |
	sed -e 's/^\[ *[0-9.]*\] //' |
	sed -n '/monc-qemu: insmod/,$p' >"$work/dmesg-after.txt"
if grep -E "$sanitiser" "$work/dmesg-after.txt" >"$work/bad.txt"; then
	cat "$work/bad.txt" >&2
	fail "kernel log has sanitiser matches; see $work/dmesg-after.txt"
fi
grep -q 'monc-qemu: rmmod done' "$work/dmesg-after.txt" ||
	fail "kernel log incomplete; see $work/console.log"
echo "ok - $name"
