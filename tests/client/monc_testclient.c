// SPDX-License-Identifier: GPL-2.0
/*
 * monc_testclient: a small client of monc, used by the integration scripts.
 *
 * It uses only the public API of mon_client.h, the way a filesystem would,
 * and is driven from a shell through /sys/kernel/debug/monc_testclient/.
 * Every file reads back as one line of "key=value" words, so a script can
 * take it with the shell builtin "read" (no fork, which costs ~120 ms
 * under UML):
 *
 *   create       w: "mon_addr=IP:PORT/IP:PORT,keepalive_timeout_ms=N,..."
 *                   creates a client, opens the session, waits for the
 *                   mount; the write fails with monc_wait_mount()'s error
 *                r: err of the last create, how long the mount took, and
 *                   how long the last destroy took
 *   destroy      w: anything; monc_stop() then monc_destroy()
 *   info         r: global_id, fsid
 *   maps         r: epoch and count of the maps the handlers received
 *   statfs       r: runs one synchronous monc_statfs()
 *   get_version  w: a map name; r: runs monc_get_version() on it
 *   async        w: N; issues N monc_statfs_async() and returns at once
 *                r: the counters of the async requests (never blocks)
 *   async_wait   r: waits (interruptibly, at most 120 s) until every async
 *                   request issued so far has completed, then as "async"
 *   stress       w: "THREADS OPS": THREADS kthreads each run OPS
 *                   synchronous statfs; r: the result of the last run
 *   now          r: ktime_get_ns(), to time steps from a script
 *   command      w: a JSON monitor command; r: runs monc_command() on it:
 *                   err, the output's length, and the status string last
 *   command_out  r: the output of the last command (at most 64 KiB)
 *   blocklist    w: "IP:PORT/NONCE EXPIRE_SECS"; r: runs
 *                   monc_blocklist_add() on it
 *   wait_osdmap  w: an epoch, 0 for the newest; r: runs monc_wait_osdmap()
 *                   (monc_wait_latest_osdmap() for 0) and says the epoch
 *                   the osdmap handler holds after it
 *   events       r: what the event handler was told: a count per event
 *                   type, the last global id and error
 *   reopen       w: anything; monc_reopen_session()
 *
 * Options of "create": mon_addr (required, '/'-separated IPv4 ip:port),
 * name, secret (a keyring's base64 cephx key: selects auth cephx),
 * mount_timeout_ms, keepalive_interval_ms, keepalive_timeout_ms,
 * hunt_interval_ms, hunt_backoff, hunt_max_mult, hunt_parallel,
 * hunt_stagger_ms (4294967295: every candidate of a round at once),
 * ms_mode (fs/ceph's values: legacy, crc, prefer-crc, ...), nomdsmap
 * (do not register an mdsmap handler), and fs (a filesystem's name:
 * subscribe to fsmap.user, find the name's fscid there and follow that
 * filesystem's mdsmap with monc_follow_fs(); "maps" then says the
 * fscid found and whether the last mdsmap carried the name).
 *
 * Locking: tc.rwsem (outermost) is held for writing by create and destroy
 * and for reading by everything that uses the client; tc.lock (a spinlock)
 * guards the async counters and is taken by the completion callbacks. The
 * map handlers only touch atomics.
 */
#define pr_fmt(fmt) "monc_testclient: " fmt

#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/in.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "compat.h"
#include "mon_client.h"
#include "tests/fsmap_user.h"
#include "tests/osdmap_epoch.h"

#define TC_LINE_MAX		512
#define TC_MAX_ASYNC		1000
#define TC_MAX_THREADS		64
#define TC_MAX_OPS		100000
#define TC_ASYNC_WAIT_MS	120000
#define TC_CMD_OUT_MAX		(64U << 10)

struct tc_map {
	atomic_t epoch;
	atomic_t count;
};

struct tc_async_stats {
	unsigned int issued;
	unsigned int done;
	unsigned int errors;
	int last_err;
	u64 max_ns;
	u64 last_done_ns;	/* ktime of the last completion */
};

struct tc_stress {
	unsigned int threads;
	unsigned int ops;
	unsigned int errors;
	int last_err;
	u64 elapsed_ns;
	u64 max_ns;
};

static struct {
	struct rw_semaphore rwsem;
	struct monc_client *monc;
	int create_err;
	u64 mount_ns;
	u64 destroy_ns;
	char version_what[16];
	char cmd[TC_LINE_MAX];
	char *cmd_out;			/* TC_CMD_OUT_MAX, the last output */
	size_t cmd_out_len;
	struct sockaddr_storage bl_addr;
	u32 bl_nonce, bl_expire;
	u32 wait_epoch;
	struct tc_map maps[MONC_MAP_COUNT];
	char fs_name[64];		/* fs=, or empty */
	atomic_t fscid;			/* found in fsmap.user, -1 before */
	atomic_t mdsmap_named;		/* the last mdsmap carried fs_name */
	atomic_t events[MONC_EV_MONMAP + 1];
	atomic64_t ev_gid;		/* of the last MONC_EV_SESSION_OPEN */
	atomic_t ev_err;		/* of the last lost or refused */

	spinlock_t lock;		/* guards async */
	struct tc_async_stats async;
	wait_queue_head_t async_wq;
	atomic_t async_outstanding;

	struct tc_stress stress;
	struct dentry *dir;
} tc;

struct tc_async_req {
	struct monc_statfs buf;
	u64 start_ns;
};

/* --- map handlers: as a filesystem would, note the epoch and ack it --- */

static u32 tc_le32(const u8 *p)
{
	return get_unaligned_le32(p);
}

static void tc_osdmap(struct monc_client *monc, void *priv, const void *front,
		      size_t len)
{
	u32 epoch = monc_test_osdmap_epoch(front, len);

	pr_debug("osdmap len %zu epoch %u\n", len, epoch);
	atomic_inc(&tc.maps[MONC_MAP_OSDMAP].count);
	if (!epoch)
		return;
	atomic_set(&tc.maps[MONC_MAP_OSDMAP].epoch, epoch);
	monc_got_map(monc, MONC_MAP_OSDMAP, epoch);
}

/* MMDSMap front: fsid[16], le32 epoch, bufferlist map. */
static void tc_mdsmap(struct monc_client *monc, void *priv, const void *front,
		      size_t len)
{
	u32 epoch;

	atomic_inc(&tc.maps[MONC_MAP_MDSMAP].count);
	if (len < 20)
		return;
	epoch = tc_le32((const u8 *)front + 16);
	pr_debug("mdsmap len %zu epoch %u\n", len, epoch);
	if (tc.fs_name[0])
		atomic_set(&tc.mdsmap_named,
			   monc_test_mdsmap_named(front, len, tc.fs_name));
	atomic_set(&tc.maps[MONC_MAP_MDSMAP].epoch, epoch);
	monc_got_map(monc, MONC_MAP_MDSMAP, epoch);
}

static void tc_monmap_changed(struct monc_client *monc, void *priv, u32 epoch)
{
	pr_debug("monmap epoch %u\n", epoch);
	atomic_inc(&tc.maps[MONC_MAP_MONMAP].count);
	atomic_set(&tc.maps[MONC_MAP_MONMAP].epoch, epoch);
}

/*
 * fs=NAME: the filesystems by name; follow NAME's mdsmap once it shows up
 * (as fs/ceph does for mds_namespace=).
 */
static void tc_fsmap_user(struct monc_client *monc, void *priv,
			  const void *front, size_t len)
{
	s32 fscid;
	u32 epoch = 0;
	int err;

	atomic_inc(&tc.maps[MONC_MAP_FSMAP_USER].count);
	err = monc_test_fsmap_find(front, len, tc.fs_name, &fscid, &epoch);
	pr_debug("fsmap.user len %zu epoch %u: %s %d\n", len, epoch,
		 tc.fs_name, err ? err : fscid);
	if (err == -EINVAL) {
		pr_warn_ratelimited("malformed fsmap.user (%zu bytes)\n", len);
		return;
	}
	atomic_set(&tc.maps[MONC_MAP_FSMAP_USER].epoch, epoch);
	monc_got_map(monc, MONC_MAP_FSMAP_USER, epoch);
	if (err || atomic_read(&tc.fscid) == fscid)
		return;
	atomic_set(&tc.fscid, fscid);
	err = monc_follow_fs(monc, fscid);
	if (err)
		pr_warn("monc_follow_fs(%d): %d\n", fscid, err);
}

/* What a client would act on; here, counted for the scripts. */
static void tc_event(struct monc_client *monc, void *priv,
		     const struct monc_event *ev)
{
	pr_debug("event %d err %d global_id %llu epoch %u\n", ev->type,
		 ev->err, ev->global_id, ev->epoch);
	if (ev->type > MONC_EV_MONMAP)
		return;
	atomic_inc(&tc.events[ev->type]);
	if (ev->type == MONC_EV_SESSION_OPEN)
		atomic64_set(&tc.ev_gid, ev->global_id);
	if (ev->err)
		atomic_set(&tc.ev_err, ev->err);
}

static const struct monc_handlers tc_handlers_fs = {
	.osdmap = tc_osdmap,
	.mdsmap = tc_mdsmap,
	.monmap_changed = tc_monmap_changed,
	.fsmap_user = tc_fsmap_user,
	.event = tc_event,
};

static const struct monc_handlers tc_handlers = {
	.osdmap = tc_osdmap,
	.mdsmap = tc_mdsmap,
	.monmap_changed = tc_monmap_changed,
	.event = tc_event,
};

static const struct monc_handlers tc_handlers_nomds = {
	.osdmap = tc_osdmap,
	.monmap_changed = tc_monmap_changed,
	.event = tc_event,
};

/* --- helpers --- */

/*
 * Each open file keeps the line its first read produced, so that a reader
 * taking it in several pieces gets one consistent line and one operation.
 */
struct tc_buf {
	int len;
	char line[TC_LINE_MAX];
};

typedef int (*tc_show_t)(char *line, size_t size);

static int tc_open(struct inode *inode, struct file *file)
{
	struct tc_buf *b = kzalloc_obj(*b, GFP_KERNEL);

	file->private_data = b;
	return b ? 0 : -ENOMEM;
}

static int tc_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t tc_read(struct file *file, char __user *ubuf, size_t count,
		       loff_t *ppos, tc_show_t show)
{
	struct tc_buf *b = file->private_data;

	if (!*ppos) {
		b->len = show(b->line, sizeof(b->line));
		if (b->len < 0)
			return b->len;
	}
	return simple_read_from_buffer(ubuf, count, ppos, b->line, b->len);
}

static char *tc_copy_from_user(const char __user *ubuf, size_t count)
{
	char *s;

	if (count >= TC_LINE_MAX)
		return ERR_PTR(-EINVAL);
	s = memdup_user_nul(ubuf, count);
	if (IS_ERR(s))
		return s;
	strim(s);
	return s;
}

/*
 * A keyring's base64 cephx key: le16 type (1 = aes, 2 = aes256k), 8 bytes
 * of creation time, le16 length (16 or 32), the key. Puts the key bytes in
 * @key (room for MONC_SECRET_MAX_LEN); returns their number.
 */
static int tc_parse_secret(const char *b64, u8 *key)
{
	u8 blob[2 + 8 + 2 + MONC_SECRET_MAX_LEN];
	unsigned int type, klen;
	size_t i, len = strlen(b64), out = 0;
	u32 acc = 0;
	int bits = 0, v, err = -EINVAL;

	for (i = 0; i < len && b64[i] != '='; i++) {
		char c = b64[i];

		if (isupper(c))
			v = c - 'A';
		else if (islower(c))
			v = c - 'a' + 26;
		else if (isdigit(c))
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			goto out;
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (out == sizeof(blob))
				goto out;
			blob[out++] = acc >> bits;
		}
	}
	if (out < 12)
		goto out;
	type = get_unaligned_le16(blob);
	klen = get_unaligned_le16(blob + 10);
	if (out != 12 + klen ||
	    !((type == 1 && klen == MONC_SECRET_LEN) ||
	      (type == 2 && klen == MONC_SECRET_AES256K_LEN)))
		goto out;
	memcpy(key, blob + 12, klen);
	err = klen;
out:
	memzero_explicit(blob, sizeof(blob));
	return err;
}

static int tc_parse_options(char *s, struct monc_options *o, char *name,
			    u8 *secret, bool *nomds, char *fs)
{
	static const struct {
		const char *key;
		size_t off;
	} uints[] = {
		{ "mount_timeout_ms", offsetof(struct monc_options, mount_timeout_ms) },
		{ "keepalive_interval_ms", offsetof(struct monc_options, keepalive_interval_ms) },
		{ "keepalive_timeout_ms", offsetof(struct monc_options, keepalive_timeout_ms) },
		{ "hunt_interval_ms", offsetof(struct monc_options, hunt_interval_ms) },
		{ "hunt_backoff", offsetof(struct monc_options, hunt_backoff) },
		{ "hunt_max_mult", offsetof(struct monc_options, hunt_max_mult) },
		{ "hunt_parallel", offsetof(struct monc_options, hunt_parallel) },
		{ "hunt_stagger_ms", offsetof(struct monc_options, hunt_stagger_ms) },
	};
	char *opt, *val;
	unsigned int i;
	int err;

	while ((opt = strsep(&s, ",")) != NULL) {
		if (!*opt)
			continue;
		val = strchr(opt, '=');
		if (val)
			*val++ = '\0';
		if (!strcmp(opt, "nomdsmap")) {
			*nomds = true;
			continue;
		}
		if (!val)
			return -EINVAL;
		if (!strcmp(opt, "mon_addr")) {
			/* '/'-separated, as fs/ceph's mon_addr= */
			err = monc_parse_mon_addrs(val, strlen(val), '/', o,
						   NULL, NULL);
			if (err)
				return err;
			continue;
		}
		if (!strcmp(opt, "ms_mode")) {
			err = monc_parse_ms_mode(val);
			if (err < 0)
				return err;
			o->ms_mode = err;
			continue;
		}
		if (!strcmp(opt, "secret")) {
			err = tc_parse_secret(val, secret);
			if (err < 0)
				return err;
			o->secret = secret;
			o->secret_len = err;
			o->auth_methods = BIT(MONC_AUTH_CEPHX);
			continue;
		}
		if (!strcmp(opt, "fs")) {
			if (strscpy(fs, val, sizeof(tc.fs_name)) <= 0)
				return -EINVAL;
			continue;
		}
		if (!strcmp(opt, "name")) {
			if (strscpy(name, val, MONC_MAX_NAME_LEN + 1) < 0)
				return -EINVAL;
			o->name = name;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(uints); i++) {
			if (!strcmp(opt, uints[i].key))
				break;
		}
		if (i == ARRAY_SIZE(uints)) {
			pr_warn("unknown option '%s'\n", opt);
			return -EINVAL;
		}
		err = kstrtouint(val, 0, (unsigned int *)((u8 *)o + uints[i].off));
		if (err)
			return err;
	}
	return 0;
}

static void tc_reset_counters(void)
{
	int i;

	for (i = 0; i < MONC_MAP_COUNT; i++) {
		atomic_set(&tc.maps[i].epoch, 0);
		atomic_set(&tc.maps[i].count, 0);
	}
	atomic_set(&tc.fscid, -1);
	atomic_set(&tc.mdsmap_named, 0);
	for (i = 0; i < ARRAY_SIZE(tc.events); i++)
		atomic_set(&tc.events[i], 0);
	atomic64_set(&tc.ev_gid, 0);
	atomic_set(&tc.ev_err, 0);
	spin_lock(&tc.lock);
	memset(&tc.async, 0, sizeof(tc.async));
	spin_unlock(&tc.lock);
}

/* Caller holds tc.rwsem for writing. */
static void __tc_destroy(void)
{
	if (!tc.monc)
		return;
	monc_stop(tc.monc);
	monc_destroy(tc.monc);
	tc.monc = NULL;
}

/* --- create / destroy --- */

static ssize_t tc_create_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	u8 secret[MONC_SECRET_MAX_LEN];
	struct monc_options *o;
	const struct monc_handlers *h;
	struct monc_client *monc;
	char *s, *name;
	char fs[sizeof(tc.fs_name)] = "";
	bool nomds = false;
	ktime_t t0;
	int err;

	s = tc_copy_from_user(ubuf, count);
	if (IS_ERR(s))
		return PTR_ERR(s);
	o = kzalloc_obj(*o, GFP_KERNEL);
	name = kzalloc(MONC_MAX_NAME_LEN + 1, GFP_KERNEL);
	err = -ENOMEM;
	if (!o || !name)
		goto out_free;
	err = tc_parse_options(s, o, name, secret, &nomds, fs);
	if (err)
		goto out_free;

	down_write(&tc.rwsem);
	err = -EBUSY;
	if (tc.monc)
		goto out_unlock;
	tc_reset_counters();
	strscpy(tc.fs_name, fs, sizeof(tc.fs_name));
	h = fs[0] ? &tc_handlers_fs : nomds ? &tc_handlers_nomds : &tc_handlers;
	t0 = ktime_get();
	monc = monc_create(o, h, NULL);
	if (IS_ERR(monc)) {
		err = PTR_ERR(monc);
		goto out_unlock;
	}
	err = monc_open_session(monc);
	if (!err)
		err = monc_wait_mount(monc);
	tc.mount_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	if (err) {
		t0 = ktime_get();
		monc_stop(monc);
		monc_destroy(monc);
		tc.destroy_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
		goto out_unlock;
	}
	tc.monc = monc;
	pr_info("mounted: global_id %llu in %llu us\n", monc_global_id(monc),
		tc.mount_ns / NSEC_PER_USEC);
out_unlock:
	tc.create_err = err;
	up_write(&tc.rwsem);
out_free:
	memzero_explicit(secret, sizeof(secret));
	kfree(name);
	kfree(o);
	kfree_sensitive(s);
	return err ? err : count;
}

static int tc_create_show(char *line, size_t size)
{
	int len;

	down_read(&tc.rwsem);
	len = scnprintf(line, size,
			"err=%d mount_us=%llu mounted=%d destroy_us=%llu\n",
			tc.create_err, tc.mount_ns / NSEC_PER_USEC, !!tc.monc,
			tc.destroy_ns / NSEC_PER_USEC);
	up_read(&tc.rwsem);
	return len;
}

static ssize_t tc_destroy_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	ktime_t t0;

	down_write(&tc.rwsem);
	t0 = ktime_get();
	__tc_destroy();
	tc.destroy_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	up_write(&tc.rwsem);
	return count;
}

/* --- info, maps, now --- */

static int tc_info_show(char *line, size_t size)
{
	uuid_t fsid;
	int len, err;

	down_read(&tc.rwsem);
	if (!tc.monc) {
		up_read(&tc.rwsem);
		return -ENOTCONN;
	}
	err = monc_fsid(tc.monc, &fsid);
	len = scnprintf(line, size, "global_id=%llu fsid=%pUb fsid_err=%d\n",
			monc_global_id(tc.monc), &fsid, err);
	up_read(&tc.rwsem);
	return len;
}

static int tc_maps_show(char *line, size_t size)
{
	static const char * const names[MONC_MAP_COUNT] = {
		[MONC_MAP_MONMAP] = "monmap",
		[MONC_MAP_OSDMAP] = "osdmap",
		[MONC_MAP_MDSMAP] = "mdsmap",
		[MONC_MAP_FSMAP_USER] = "fsmap_user",
	};
	int i, len = 0;

	for (i = 0; i < MONC_MAP_COUNT; i++)
		len += scnprintf(line + len, size - len,
				 "%s%s=%d %s_count=%d", i ? " " : "", names[i],
				 atomic_read(&tc.maps[i].epoch), names[i],
				 atomic_read(&tc.maps[i].count));
	len += scnprintf(line + len, size - len, " fscid=%d mdsmap_named=%d\n",
			 atomic_read(&tc.fscid), atomic_read(&tc.mdsmap_named));
	return len;
}

static int tc_now_show(char *line, size_t size)
{
	int len = scnprintf(line, size, "%llu\n", ktime_get_ns());

	return len;
}

/* --- statfs and get_version --- */

static int tc_statfs_show(char *line, size_t size)
{
	struct monc_statfs st = {};
	ktime_t t0;
	u64 us;
	int len, err;

	down_read(&tc.rwsem);
	if (!tc.monc) {
		up_read(&tc.rwsem);
		return -ENOTCONN;
	}
	t0 = ktime_get();
	err = monc_statfs(tc.monc, MONC_NO_POOL, &st);
	us = ktime_to_us(ktime_sub(ktime_get(), t0));
	up_read(&tc.rwsem);
	len = scnprintf(line, size,
			"err=%d kb=%llu kb_used=%llu kb_avail=%llu objects=%llu us=%llu\n",
			err, st.kb, st.kb_used, st.kb_avail, st.num_objects, us);
	return len;
}

/* A write that sets one of tc's strings (taken by the next read). */
static ssize_t tc_write_string(const char __user *ubuf, size_t count,
			       char *dst, size_t size)
{
	char *s = tc_copy_from_user(ubuf, count);

	if (IS_ERR(s))
		return PTR_ERR(s);
	down_write(&tc.rwsem);
	strscpy(dst, s, size);
	up_write(&tc.rwsem);
	kfree(s);
	return count;
}

static ssize_t tc_version_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	return tc_write_string(ubuf, count, tc.version_what,
			       sizeof(tc.version_what));
}

static int tc_version_show(char *line, size_t size)
{
	u64 newest = 0, oldest = 0, us;
	ktime_t t0;
	int len, err;

	down_read(&tc.rwsem);
	if (!tc.monc) {
		up_read(&tc.rwsem);
		return -ENOTCONN;
	}
	t0 = ktime_get();
	err = monc_get_version(tc.monc, tc.version_what[0] ?
			       tc.version_what : "osdmap", &newest, &oldest);
	us = ktime_to_us(ktime_sub(ktime_get(), t0));
	len = scnprintf(line, size,
			"err=%d what=%s newest=%llu oldest=%llu us=%llu\n", err,
			tc.version_what[0] ? tc.version_what : "osdmap",
			newest, oldest, us);
	up_read(&tc.rwsem);
	return len;
}

/* --- monitor commands, the blocklist, waiting for an osdmap --- */

static ssize_t tc_command_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	return tc_write_string(ubuf, count, tc.cmd, sizeof(tc.cmd));
}

/*
 * The one command call a client makes: JSON in, the monitor's result, its
 * status string and its output out (here kept for command_out).
 */
static int tc_command_show(char *line, size_t size)
{
	char status[128];
	size_t out_len = TC_CMD_OUT_MAX;
	int len, err;

	down_write(&tc.rwsem);
	if (!tc.monc || !tc.cmd[0]) {
		up_write(&tc.rwsem);
		return -ENOTCONN;
	}
	err = monc_command(tc.monc, tc.cmd, NULL, 0, status, sizeof(status),
			   tc.cmd_out, &out_len, 0);
	tc.cmd_out_len = min_t(size_t, out_len, TC_CMD_OUT_MAX);
	len = scnprintf(line, size, "err=%d out_len=%zu status=%s\n", err,
			out_len, status);
	up_write(&tc.rwsem);
	return len;
}

static ssize_t tc_command_out_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	ssize_t ret;

	down_read(&tc.rwsem);
	ret = simple_read_from_buffer(ubuf, count, ppos, tc.cmd_out,
				      tc.cmd_out_len);
	up_read(&tc.rwsem);
	return ret;
}

static ssize_t tc_blocklist_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&tc.bl_addr;
	char *s = tc_copy_from_user(ubuf, count);
	u8 ip[4];
	u16 port;
	u32 nonce, expire;
	int n;

	if (IS_ERR(s))
		return PTR_ERR(s);
	n = sscanf(s, "%hhu.%hhu.%hhu.%hhu:%hu/%u %u", &ip[0], &ip[1], &ip[2],
		   &ip[3], &port, &nonce, &expire);
	kfree(s);
	if (n != 7)
		return -EINVAL;
	down_write(&tc.rwsem);
	memset(&tc.bl_addr, 0, sizeof(tc.bl_addr));
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	memcpy(&in->sin_addr, ip, 4);
	tc.bl_nonce = nonce;
	tc.bl_expire = expire;
	up_write(&tc.rwsem);
	return count;
}

static int tc_blocklist_show(char *line, size_t size)
{
	ktime_t t0;
	int len, err;

	down_read(&tc.rwsem);
	if (!tc.monc || tc.bl_addr.ss_family != AF_INET) {
		up_read(&tc.rwsem);
		return -ENOTCONN;
	}
	t0 = ktime_get();
	err = monc_blocklist_add(tc.monc, &tc.bl_addr, tc.bl_nonce,
				 tc.bl_expire);
	len = scnprintf(line, size, "err=%d us=%lld\n", err,
			ktime_to_us(ktime_sub(ktime_get(), t0)));
	up_read(&tc.rwsem);
	return len;
}

static ssize_t tc_wait_osdmap_write(struct file *file,
				    const char __user *ubuf, size_t count,
				    loff_t *ppos)
{
	u32 epoch;
	int ret = kstrtou32_from_user(ubuf, count, 0, &epoch);

	if (ret)
		return ret;
	down_write(&tc.rwsem);
	tc.wait_epoch = epoch;
	up_write(&tc.rwsem);
	return count;
}

static int tc_wait_osdmap_show(char *line, size_t size)
{
	ktime_t t0;
	int len, err;

	down_read(&tc.rwsem);
	if (!tc.monc) {
		up_read(&tc.rwsem);
		return -ENOTCONN;
	}
	t0 = ktime_get();
	if (tc.wait_epoch)
		err = monc_wait_osdmap(tc.monc, tc.wait_epoch, 0);
	else
		err = monc_wait_latest_osdmap(tc.monc, 0);
	len = scnprintf(line, size, "err=%d held=%d us=%lld\n", err,
			atomic_read(&tc.maps[MONC_MAP_OSDMAP].epoch),
			ktime_to_us(ktime_sub(ktime_get(), t0)));
	up_read(&tc.rwsem);
	return len;
}

static int tc_events_show(char *line, size_t size)
{
	return scnprintf(line, size,
			 "open=%d lost=%d refused=%d monmap=%d last_global_id=%lld last_err=%d\n",
			 atomic_read(&tc.events[MONC_EV_SESSION_OPEN]),
			 atomic_read(&tc.events[MONC_EV_SESSION_LOST]),
			 atomic_read(&tc.events[MONC_EV_AUTH_REFUSED]),
			 atomic_read(&tc.events[MONC_EV_MONMAP]),
			 atomic64_read(&tc.ev_gid), atomic_read(&tc.ev_err));
}

static ssize_t tc_reopen_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	int err = -ENOTCONN;

	down_read(&tc.rwsem);
	if (tc.monc)
		err = monc_reopen_session(tc.monc);
	up_read(&tc.rwsem);
	return err ? err : count;
}

/* --- async statfs --- */

static void tc_async_done(void *arg, int err)
{
	struct tc_async_req *req = arg;
	u64 now = ktime_get_ns();
	u64 dt = now - req->start_ns;

	spin_lock(&tc.lock);
	tc.async.done++;
	if (err) {
		tc.async.errors++;
		tc.async.last_err = err;
	}
	if (dt > tc.async.max_ns)
		tc.async.max_ns = dt;
	tc.async.last_done_ns = now;
	spin_unlock(&tc.lock);
	kfree(req);
	if (atomic_dec_and_test(&tc.async_outstanding))
		wake_up_all(&tc.async_wq);
}

static ssize_t tc_async_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct tc_async_req *req;
	unsigned int n, i;
	int err;

	err = kstrtouint_from_user(ubuf, count, 0, &n);
	if (err)
		return err;
	if (!n || n > TC_MAX_ASYNC)
		return -EINVAL;
	down_read(&tc.rwsem);
	err = -ENOTCONN;
	if (!tc.monc)
		goto out;
	for (i = 0; i < n; i++) {
		err = -ENOMEM;
		req = kzalloc_obj(*req, GFP_KERNEL);
		if (!req)
			goto out;
		req->start_ns = ktime_get_ns();
		spin_lock(&tc.lock);
		tc.async.issued++;
		spin_unlock(&tc.lock);
		atomic_inc(&tc.async_outstanding);
		err = monc_statfs_async(tc.monc, MONC_NO_POOL, &req->buf,
					tc_async_done, req);
		if (err) {
			/* Not issued: the callback will not run. */
			spin_lock(&tc.lock);
			tc.async.issued--;
			spin_unlock(&tc.lock);
			atomic_dec(&tc.async_outstanding);
			kfree(req);
			goto out;
		}
	}
	err = 0;
out:
	up_read(&tc.rwsem);
	return err ? err : count;
}

static int tc_async_show(char *line, size_t size)
{
	struct tc_async_stats s;

	spin_lock(&tc.lock);
	s = tc.async;
	spin_unlock(&tc.lock);
	return scnprintf(line, size,
			 "issued=%u done=%u errors=%u last_err=%d pending=%d max_us=%llu last_done_ns=%llu\n",
			 s.issued, s.done, s.errors, s.last_err,
			 atomic_read(&tc.async_outstanding),
			 s.max_ns / NSEC_PER_USEC, s.last_done_ns);
}

static bool tc_async_idle(void)
{
	return !atomic_read(&tc.async_outstanding);
}

static int tc_async_wait_show(char *line, size_t size)
{
	long left;

	left = wait_event_interruptible_timeout(tc.async_wq, tc_async_idle(),
						msecs_to_jiffies(TC_ASYNC_WAIT_MS));
	if (left < 0)
		return left;
	return tc_async_show(line, size);
}

/* --- stress: kthreads doing synchronous statfs --- */

struct tc_stress_thread {
	struct completion done;
	unsigned int ops;
	unsigned int errors;
	int last_err;
	u64 max_ns;
};

static int tc_stress_fn(void *arg)
{
	struct tc_stress_thread *t = arg;
	struct monc_statfs st;
	unsigned int i;
	u64 t0, dt;
	int err;

	for (i = 0; i < t->ops; i++) {
		t0 = ktime_get_ns();
		err = monc_statfs(tc.monc, MONC_NO_POOL, &st);
		dt = ktime_get_ns() - t0;
		if (dt > t->max_ns)
			t->max_ns = dt;
		if (err) {
			t->errors++;
			t->last_err = err;
		}
	}
	complete(&t->done);
	return 0;
}

static ssize_t tc_stress_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct tc_stress_thread *th;
	struct tc_stress res = {};
	struct task_struct *task;
	unsigned int nthreads, ops, i, started = 0;
	char *s;
	u64 t0;
	int err;

	s = tc_copy_from_user(ubuf, count);
	if (IS_ERR(s))
		return PTR_ERR(s);
	err = sscanf(s, "%u %u", &nthreads, &ops) == 2 ? 0 : -EINVAL;
	kfree(s);
	if (err)
		return err;
	if (!nthreads || nthreads > TC_MAX_THREADS || !ops || ops > TC_MAX_OPS)
		return -EINVAL;
	th = kcalloc(nthreads, sizeof(*th), GFP_KERNEL);
	if (!th)
		return -ENOMEM;

	down_read(&tc.rwsem);
	err = -ENOTCONN;
	if (!tc.monc)
		goto out;
	t0 = ktime_get_ns();
	for (i = 0; i < nthreads; i++) {
		init_completion(&th[i].done);
		th[i].ops = ops;
		task = kthread_run(tc_stress_fn, &th[i], "monc_tc_stress%u", i);
		if (IS_ERR(task)) {
			err = PTR_ERR(task);
			break;
		}
		started++;
	}
	/* The threads use th[] and tc.monc: wait for all, uninterruptibly. */
	for (i = 0; i < started; i++)
		wait_for_completion(&th[i].done);
	res.elapsed_ns = ktime_get_ns() - t0;
	res.threads = started;
	res.ops = started * ops;
	for (i = 0; i < started; i++) {
		res.errors += th[i].errors;
		if (th[i].errors)
			res.last_err = th[i].last_err;
		res.max_ns = max(res.max_ns, th[i].max_ns);
	}
	tc.stress = res;	/* under the read side: one stress file writer */
	if (started == nthreads)
		err = 0;
out:
	up_read(&tc.rwsem);
	kfree(th);
	return err ? err : count;
}

static int tc_stress_show(char *line, size_t size)
{
	struct tc_stress r;
	u64 ops_per_s;
	int len;

	down_read(&tc.rwsem);
	r = tc.stress;
	up_read(&tc.rwsem);
	ops_per_s = r.elapsed_ns ? div64_u64((u64)r.ops * NSEC_PER_SEC,
					     r.elapsed_ns) : 0;
	len = scnprintf(line, size,
			"threads=%u ops=%u errors=%u last_err=%d elapsed_us=%llu ops_per_s=%llu max_us=%llu\n",
			r.threads, r.ops, r.errors, r.last_err,
			r.elapsed_ns / NSEC_PER_USEC, ops_per_s,
			r.max_ns / NSEC_PER_USEC);
	return len;
}

/* --- debugfs plumbing --- */

static ssize_t tc_no_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	return -EPERM;
}

static int tc_no_show(char *line, size_t size)
{
	return -EPERM;
}

#define TC_FOPS(_name, _show, _write)					\
static ssize_t _name##_read(struct file *file, char __user *ubuf,	\
			    size_t count, loff_t *ppos)			\
{									\
	return tc_read(file, ubuf, count, ppos, _show);			\
}									\
static const struct file_operations _name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = tc_open,						\
	.release = tc_release,						\
	.read = _name##_read,						\
	.write = _write,						\
	.llseek = default_llseek,					\
}

TC_FOPS(tc_create, tc_create_show, tc_create_write);
TC_FOPS(tc_destroy, tc_no_show, tc_destroy_write);
TC_FOPS(tc_info, tc_info_show, tc_no_write);
TC_FOPS(tc_maps, tc_maps_show, tc_no_write);
TC_FOPS(tc_statfs, tc_statfs_show, tc_no_write);
TC_FOPS(tc_version, tc_version_show, tc_version_write);
TC_FOPS(tc_async, tc_async_show, tc_async_write);
TC_FOPS(tc_async_wait, tc_async_wait_show, tc_no_write);
TC_FOPS(tc_stress, tc_stress_show, tc_stress_write);
TC_FOPS(tc_now, tc_now_show, tc_no_write);
TC_FOPS(tc_command, tc_command_show, tc_command_write);
TC_FOPS(tc_blocklist, tc_blocklist_show, tc_blocklist_write);
TC_FOPS(tc_wait_osdmap, tc_wait_osdmap_show, tc_wait_osdmap_write);
TC_FOPS(tc_events, tc_events_show, tc_no_write);
TC_FOPS(tc_reopen, tc_no_show, tc_reopen_write);

static const struct file_operations tc_command_out_fops = {
	.owner = THIS_MODULE,
	.read = tc_command_out_read,
	.llseek = default_llseek,
};

static int __init tc_init(void)
{
	init_rwsem(&tc.rwsem);
	spin_lock_init(&tc.lock);
	init_waitqueue_head(&tc.async_wq);
	atomic_set(&tc.async_outstanding, 0);

	tc.cmd_out = kvmalloc(TC_CMD_OUT_MAX, GFP_KERNEL);
	if (!tc.cmd_out)
		return -ENOMEM;
	tc.dir = debugfs_create_dir("monc_testclient", NULL);
	debugfs_create_file("create", 0600, tc.dir, NULL, &tc_create_fops);
	debugfs_create_file("destroy", 0200, tc.dir, NULL, &tc_destroy_fops);
	debugfs_create_file("info", 0400, tc.dir, NULL, &tc_info_fops);
	debugfs_create_file("maps", 0400, tc.dir, NULL, &tc_maps_fops);
	debugfs_create_file("statfs", 0400, tc.dir, NULL, &tc_statfs_fops);
	debugfs_create_file("get_version", 0600, tc.dir, NULL, &tc_version_fops);
	debugfs_create_file("async", 0600, tc.dir, NULL, &tc_async_fops);
	debugfs_create_file("async_wait", 0400, tc.dir, NULL,
			    &tc_async_wait_fops);
	debugfs_create_file("stress", 0600, tc.dir, NULL, &tc_stress_fops);
	debugfs_create_file("now", 0400, tc.dir, NULL, &tc_now_fops);
	debugfs_create_file("command", 0600, tc.dir, NULL, &tc_command_fops);
	debugfs_create_file("command_out", 0400, tc.dir, NULL,
			    &tc_command_out_fops);
	debugfs_create_file("blocklist", 0600, tc.dir, NULL,
			    &tc_blocklist_fops);
	debugfs_create_file("wait_osdmap", 0600, tc.dir, NULL,
			    &tc_wait_osdmap_fops);
	debugfs_create_file("events", 0400, tc.dir, NULL, &tc_events_fops);
	debugfs_create_file("reopen", 0200, tc.dir, NULL, &tc_reopen_fops);
	return 0;
}

static void __exit tc_exit(void)
{
	struct tc_async_stats s;
	unsigned int pending = atomic_read(&tc.async_outstanding);
	long left;

	debugfs_remove_recursive(tc.dir);
	down_write(&tc.rwsem);
	__tc_destroy();
	up_write(&tc.rwsem);
	/*
	 * monc_stop() fails every pending request through its callback; make
	 * sure none is still running before this module's text goes away.
	 */
	left = wait_event_timeout(tc.async_wq,
				  !atomic_read(&tc.async_outstanding),
				  msecs_to_jiffies(10000));
	spin_lock(&tc.lock);
	s = tc.async;
	spin_unlock(&tc.lock);
	if (!left)
		pr_err("unload: %d async requests never completed\n",
		       atomic_read(&tc.async_outstanding));
	pr_info("unload: %u async requests were pending; issued=%u done=%u errors=%u last_err=%d\n",
		pending, s.issued, s.done, s.errors, s.last_err);
	kvfree(tc.cmd_out);
}

module_init(tc_init);
module_exit(tc_exit);

MODULE_DESCRIPTION("monc test client, driven through debugfs");
MODULE_LICENSE("GPL");
