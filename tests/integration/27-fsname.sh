#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # check() takes [[ ]] conditions to eval, in single quotes
# shellcheck disable=SC2034 # some variables are used only in check() conditions
#
# Integration (issue #13 item 4): subscriptions by name against real
# ceph-mon. Two filesystems are made with monitor commands sent through
# monc_command() (monitors only: pools with no OSDs, "fs new", no MDS):
#
#  1. the test client with fs=<second>: monc subscribes to fsmap.user, the
#     handler finds the second filesystem's fscid there, monc_follow_fs()
#     makes it "mdsmap.<fscid>", and the mdsmap delivered is the one that
#     names the second filesystem; with fs=<first>, another fscid;
#  2. monfs mounted with fs=<second>: statfs(2) reports that fscid in
#     f_fsid (as fs/ceph does); fs=<no such name> fails with ENOENT;
#  3. the filesystems and pools removed again.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=../client/lib.sh
. "$here/../client/lib.sh"
watchdog "${MONC_TEST_WATCHDOG:-300}"

mon_addr_opt
ALL_MONS=$REPLY
FS_A=monc_fs_a
FS_B=monc_fs_b
auth=
[ "${MONC_AUTH:-none}" = cephx ] && auth=",secret=$MONC_ADMIN_KEY"

cmd() { # cmd JSON: LINE=the command's line; REPLY=its err
	tc_put command "$1" && tc_get command && kv "$LINE" err
}
create() { tc_put create "mon_addr=$ALL_MONS,mount_timeout_ms=30000$auth$1"; }
follow() { # follow NAME: mount with fs=NAME, wait for its mdsmap; LINE=maps
	local i
	create ",fs=$1" || return 1
	for ((i = 0; i < 100; i++)); do
		tc_get maps
		kv "$LINE" mdsmap_count && [ "$REPLY" -gt 0 ] && return 0
		nap 0.1
	done
	return 1
}

load_or_end monc_testclient

# Two filesystems, through monc_command() (the CLI costs 8-11 s a call).
if create ""; then
	made=1
	for fs in $FS_A $FS_B; do
		for p in meta data; do
			cmd "{\"prefix\": \"osd pool create\", \"pool\": \"${fs}_$p\", \"pg_num\": 8}" ||
				made=0
			[ "$REPLY" = 0 ] || { diag "pool ${fs}_$p: $LINE"; made=0; }
		done
		# Reef and later allow several filesystems; Pacific needs the flag.
		cmd '{"prefix": "fs flag set", "flag_name": "enable_multiple", "val": "true", "yes_i_really_mean_it": true}'
		cmd "{\"prefix\": \"fs new\", \"fs_name\": \"$fs\", \"metadata\": \"${fs}_meta\", \"data\": \"${fs}_data\"}"
		[ "$REPLY" = 0 ] || { diag "fs new $fs: $LINE"; made=0; }
	done
	cmd '{"prefix": "fs ls", "format": "json"}'
	IFS= read -r -d '' OUT <"$TC/command_out"
	check "two filesystems made with monc_command ($FS_A, $FS_B)" \
		'$made == 1 && $OUT == *"$FS_A"* && $OUT == *"$FS_B"*'
	tc_put destroy 1
else
	not_ok "mount to make the filesystems: $ERR"
fi

# 1. The test client follows each by name.
if follow $FS_B; then
	m=$LINE
	kv "$m" fscid
	fscid_b=$REPLY
	kv "$m" mdsmap_named
	check "fs=$FS_B: fsmap.user gives fscid $fscid_b, and its mdsmap arrives ($m)" \
		'$fscid_b -ge 0 && $REPLY == 1'
	sub=
	for f in /sys/kernel/debug/monc/*/session; do
		while read -r l; do
			[[ $l == "sub mdsmap."* ]] && sub=$l
		done <"$f"
	done
	check "monc's subscription is mdsmap.$fscid_b ($sub)" '$sub == "sub mdsmap.$fscid_b: "*'
	tc_put destroy 1
else
	not_ok "fs=$FS_B: no mdsmap ($LINE)"
	fscid_b=-1
fi
if follow $FS_A; then
	kv "$LINE" fscid
	fscid_a=$REPLY
	kv "$LINE" mdsmap_named
	check "fs=$FS_A: another fscid ($fscid_a), its own mdsmap ($LINE)" \
		'$fscid_a -ge 0 && $fscid_a != $fscid_b && $REPLY == 1'
	tc_put destroy 1
else
	not_ok "fs=$FS_A: no mdsmap ($LINE)"
fi

# 2. monfs, by name.
mnt=$(mktemp -d /tmp/monc-fsname.XXXXXX)
if mp monfs; then
	if mount -t monfs none "$mnt" -o "mon_addr=$ALL_MONS,fs=$FS_B,mount_timeout=30$auth" 2>/tmp/monc-fsname.err; then
		id=$(stat -f -c %i "$mnt")
		id=00000000$id
		got=$((16#${id: -8}))
		check "monfs fs=$FS_B: statfs's f_fsid names fscid $got = $fscid_b" \
			'$got == $fscid_b'
		opts=
		while read -r _ d _ o _; do [ "$d" = "$mnt" ] && opts=$o; done </proc/mounts
		check "/proc/mounts shows fs=$FS_B" '$opts == *",fs=$FS_B"*'
		umount "$mnt"
	else
		not_ok "monfs fs=$FS_B: $(cat /tmp/monc-fsname.err)"
	fi
	mount -t monfs none "$mnt" -o "mon_addr=$ALL_MONS,fs=monc_no_such_fs,mount_timeout=30${auth}" 2>/tmp/monc-fsname.err
	rc=$?
	err=$(cat /tmp/monc-fsname.err)
	[ "$rc" = 0 ] && umount "$mnt"
	# mount(8) says ENOENT as "special device none does not exist"
	check "monfs fs=monc_no_such_fs fails with ENOENT ($err)" \
		'$rc != 0 && ($err == *"No such file"* || $err == *"does not exist"*)'
	rmmod monfs
else
	not_ok "load monfs.ko"
fi
rmdir "$mnt"
rm -f /tmp/monc-fsname.err

# 3. Leave the cluster as it was.
if create ""; then
	gone=1
	cmd '{"prefix": "config set", "who": "mon", "name": "mon_allow_pool_delete", "value": "true"}'
	for fs in $FS_A $FS_B; do
		cmd "{\"prefix\": \"fs fail\", \"fs_name\": \"$fs\"}"
		cmd "{\"prefix\": \"fs rm\", \"fs_name\": \"$fs\", \"yes_i_really_mean_it\": true}"
		[ "$REPLY" = 0 ] || { diag "fs rm $fs: $LINE"; gone=0; }
		for p in meta data; do
			cmd "{\"prefix\": \"osd pool rm\", \"pool\": \"${fs}_$p\", \"pool2\": \"${fs}_$p\", \"yes_i_really_really_mean_it\": true}"
			[ "$REPLY" = 0 ] || diag "pool rm ${fs}_$p: $LINE"
		done
	done
	cmd '{"prefix": "config rm", "who": "mon", "name": "mon_allow_pool_delete"}'
	check "the filesystems removed again" '$gone == 1'
	tc_put destroy 1
fi
rmmod monc_testclient
rc=$?
check "unload" '$rc == 0'
san=$(dmesg | grep -E "$SANITISER_RE" | head -n 3)
check "no sanitiser report in dmesg so far${san:+: $san}" '-z $san'
tap_end
