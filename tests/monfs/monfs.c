// SPDX-License-Identifier: GPL-2.0
/*
 * monfs: a sample filesystem client of monc.
 *
 *   mount -t monfs none /mnt -o mon_addr=127.0.0.1:6789/127.0.0.1:6790,name=admin
 *
 * It shows the way a filesystem uses monc, as fs/ceph uses libceph's
 * monitor client: the mount creates a monc client from its options, opens
 * the session and waits for it; statfs(2) asks the cluster through
 * monc_statfs() and maps the answer as fs/ceph does; umount stops and
 * destroys the client. The root is an empty read-only directory. Every
 * mount is its own superblock and its own monc client.
 *
 * Options (fs_context API, fs/ceph's conventions):
 *   mon_addr=A[/A...]     A is ip, ip:port, [ipv6] or [ipv6]:port (6789 if
 *                         no port); a bare ipv6 address takes no port
 *   name=ID               entity id without "client." (default admin)
 *   secret=BASE64         a cephx key as a keyring holds it (hidden in
 *                         /proc/mounts); selects auth cephx
 *   key=DESC              the cephx key from the kernel keyring: a "user"
 *                         key of that description; its payload is the raw
 *                         16-byte key, the encoded key or base64 of either
 *   mount_timeout=S       seconds; bounds the mount and every statfs
 *                         (0 = monc's default, 60 s)
 *   keepalive_interval_ms=N, keepalive_timeout_ms=N, hunt_interval_ms=N,
 *   hunt_backoff=N, hunt_max_mult=N, hunt_parallel=N, hunt_stagger_ms=N|off
 *                         monc's tunables (0 = monc's default)
 *   ms_mode=MODE          legacy (msgr v1), crc, secure, prefer-crc or
 *                         prefer-secure (msgr2), as fs/ceph's; unset:
 *                         monc's default (v1 where a monitor has it, else
 *                         msgr2, secure first); give mon_addr ports (3300
 *                         for msgr2)
 *   fs=NAME               follow that filesystem's mdsmap: monfs looks the
 *                         name up in the fsmap.user, as fs/ceph does for
 *                         fs= (mds_namespace=); the mount fails with ENOENT
 *                         if there is none, and statfs(2) reports its fscid
 *                         in f_fsid.val[1]
 *
 * Locking: none of its own beyond the VFS's; fsi->flags' MONFS_STOPPED bit
 * makes sure monc_stop() runs once, from umount_begin (umount -f) or from
 * kill_sb.
 */
#define pr_fmt(fmt) "monfs: " fmt

#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/inet.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/key.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/string.h>

#include <keys/user-type.h>

#include "compat.h"
#include "mon_client.h"
#include "tests/fsmap_user.h"
#include "tests/osdmap_epoch.h"

/* "monf"; statfs(2) reports it as f_type. */
#define MONFS_SUPER_MAGIC	0x6d6f6e66

/* fs/ceph reports usage in 4 MiB blocks (CEPH_BLOCK_SHIFT). */
#define MONFS_BLOCK_SHIFT	22

/* fs/ceph's f_fsid.val[1] before it knows a filesystem (CEPH_FS_CLUSTER_ID_NONE). */
#define MONFS_FS_CLUSTER_ID_NONE	((u32)-1)

/* A filesystem name (fs=) */
#define MONFS_FS_NAME_MAX	64

/* monc's bounds, so that monfs refuses what monc_create() would, with why */
#define MONFS_MAX_MOUNT_TIMEOUT	(MONC_MAX_TIMEOUT_MS / 1000)	/* s */
#define MONFS_MAX_MS		MONC_MAX_TIMEOUT_MS	/* the ms tunables */

/*
 * A cephx key as a keyring stores it (Ceph's CryptoKey): le16 type, 8-byte
 * created, le16 len, key. Type 1 is aes (16 bytes: 28 encoded, 40 base64
 * characters, "AQ..."); type 2 is aes256k, AES256KRB5 (32 bytes: 44
 * encoded, 60 base64 characters, "Ag..."), what Tentacle's ceph-authtool
 * --gen-key makes.
 */
#define MONFS_CRYPTO_AES	1
#define MONFS_CRYPTO_AES256K	2
#define MONFS_KEY_HDR_LEN	(2 + 8 + 2)
#define MONFS_KEY_BLOB_MAX	(MONFS_KEY_HDR_LEN + MONC_SECRET_MAX_LEN)
/* Its base64 text: 4 characters per 3 bytes, padded. */
#define MONFS_KEY_TEXT_MAX	(4 * DIV_ROUND_UP(MONFS_KEY_BLOB_MAX, 3))

struct monfs_opts {
	struct monc_options monc;
	char name[MONC_MAX_NAME_LEN + 1];
	u8 secret[MONC_SECRET_MAX_LEN];
	unsigned int secret_len;	/* 16 (aes) or 32 (aes256k) */
	bool has_secret;
	bool has_name;
	char fs_name[MONFS_FS_NAME_MAX + 1];	/* fs=, or empty */
	char ms_mode[16];		/* ms_mode=, or empty */
	unsigned int mount_timeout_s;
	unsigned int nparams;	/* options parsed, for reconfigure */
};

#define MONFS_STOPPED	0

struct monfs_info {
	struct monc_client *monc;
	unsigned long flags;
	struct monfs_opts opts;
	/* fs=: set by the handlers, waited for by the mount */
	wait_queue_head_t fs_wq;
	int fscid;			/* -1 until the name is found */
	int fs_err;			/* -ENOENT: no such filesystem */
	u32 mdsmap_epoch;		/* the followed filesystem's */
};

enum {
	MONFS_OPT_MON_ADDR,
	MONFS_OPT_NAME,
	MONFS_OPT_FS,
	MONFS_OPT_SECRET,
	MONFS_OPT_KEY,
	MONFS_OPT_MOUNT_TIMEOUT,
	MONFS_OPT_KEEPALIVE_INTERVAL_MS,
	MONFS_OPT_KEEPALIVE_TIMEOUT_MS,
	MONFS_OPT_HUNT_INTERVAL_MS,
	MONFS_OPT_HUNT_BACKOFF,
	MONFS_OPT_HUNT_MAX_MULT,
	MONFS_OPT_HUNT_PARALLEL,
	MONFS_OPT_HUNT_STAGGER_MS,
	MONFS_OPT_MS_MODE,
};

static const struct fs_parameter_spec monfs_params[] = {
	fsparam_string("mon_addr", MONFS_OPT_MON_ADDR),
	fsparam_string("name", MONFS_OPT_NAME),
	fsparam_string("fs", MONFS_OPT_FS),
	fsparam_string("secret", MONFS_OPT_SECRET),
	fsparam_string("key", MONFS_OPT_KEY),
	fsparam_u32("mount_timeout", MONFS_OPT_MOUNT_TIMEOUT),
	fsparam_u32("keepalive_interval_ms", MONFS_OPT_KEEPALIVE_INTERVAL_MS),
	fsparam_u32("keepalive_timeout_ms", MONFS_OPT_KEEPALIVE_TIMEOUT_MS),
	fsparam_u32("hunt_interval_ms", MONFS_OPT_HUNT_INTERVAL_MS),
	fsparam_u32("hunt_backoff", MONFS_OPT_HUNT_BACKOFF),
	fsparam_u32("hunt_max_mult", MONFS_OPT_HUNT_MAX_MULT),
	fsparam_u32("hunt_parallel", MONFS_OPT_HUNT_PARALLEL),
	/* a number of ms, or "off" (all of a round's candidates at once) */
	fsparam_string("hunt_stagger_ms", MONFS_OPT_HUNT_STAGGER_MS),
	fsparam_string("ms_mode", MONFS_OPT_MS_MODE),
	{}
};

/* --- option parsing --- */

/* fs/ceph's mon_addr syntax, parsed by monc for every client module. */
static int monfs_parse_mon_addr(struct fs_context *fc, struct monfs_opts *o,
				const char *val)
{
	const char *bad;
	size_t bad_len;
	int err;

	err = monc_parse_mon_addrs(val, strlen(val), '/', &o->monc, &bad,
				   &bad_len);
	if (err == -E2BIG)
		return invalf(fc, "monfs: mon_addr: more than %d monitors",
			      MONC_MAX_MONS);
	if (err && !*val)
		return invalf(fc, "monfs: mon_addr is empty");
	if (err && !bad_len)
		return invalf(fc, "monfs: mon_addr: empty address in '%s'", val);
	if (err)
		return invalf(fc, "monfs: mon_addr: bad address '%.*s'",
			      (int)bad_len, bad);
	return 0;
}

/* Standard base64 with '=' padding; returns the decoded length or -EINVAL. */
static int monfs_base64_decode(const char *src, size_t len, u8 *dst,
			       size_t dst_len)
{
	u32 acc = 0;
	int bits = 0, pad = 0;
	size_t i, out = 0;
	int v;

	if (len % 4)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char c = src[i];

		if (c == '=') {
			if (i < len - 2)
				return -EINVAL;
			pad++;
			continue;
		}
		if (pad)
			return -EINVAL;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			return -EINVAL;
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (out >= dst_len)
				return -EINVAL;
			dst[out++] = acc >> bits;
		}
	}
	return out;
}

static void monfs_set_secret(struct monfs_opts *o, const u8 *key,
			     unsigned int len)
{
	memzero_explicit(o->secret, sizeof(o->secret));
	memcpy(o->secret, key, len);
	o->secret_len = len;
	o->has_secret = true;
}

/*
 * monfs_key_from_blob - take the key out of an encoded CryptoKey (le16
 * type, 8 bytes of creation time, le16 length, the key), which is what
 * `ceph-authtool -p` prints base64 of and what fs/ceph's secret= takes: type
 * 1 (aes) with 16 bytes or type 2 (aes256k) with 32, and nothing after it.
 */
static int monfs_key_from_blob(struct fs_context *fc, struct monfs_opts *o,
			       const u8 *blob, size_t len, const char *what)
{
	unsigned int type, klen, want;

	if (len < MONFS_KEY_HDR_LEN)
		return invalf(fc, "monfs: %s: %zu bytes is too short for a cephx key",
			      what, len);
	type = get_unaligned_le16(blob);
	klen = get_unaligned_le16(blob + 10);
	switch (type) {
	case MONFS_CRYPTO_AES:
		want = MONC_SECRET_LEN;
		break;
	case MONFS_CRYPTO_AES256K:
		want = MONC_SECRET_AES256K_LEN;
		break;
	default:
		return invalf(fc, "monfs: %s: key type %u is neither aes (1) nor aes256k (2)",
			      what, type);
	}
	if (klen != want)
		return invalf(fc, "monfs: %s: an %s key has %u bytes, not %u",
			      what, type == MONFS_CRYPTO_AES ? "aes" : "aes256k",
			      want, klen);
	if (len != MONFS_KEY_HDR_LEN + klen)
		return invalf(fc, "monfs: %s: %zu bytes for an encoded key of %u",
			      what, len, MONFS_KEY_HDR_LEN + klen);
	monfs_set_secret(o, blob + MONFS_KEY_HDR_LEN, klen);
	return 0;
}

static int monfs_parse_secret(struct fs_context *fc, struct monfs_opts *o,
			      const char *val)
{
	u8 blob[MONFS_KEY_BLOB_MAX];
	int len, err;

	len = monfs_base64_decode(val, strlen(val), blob, sizeof(blob));
	if (len != MONFS_KEY_HDR_LEN + MONC_SECRET_LEN &&
	    len != MONFS_KEY_HDR_LEN + MONC_SECRET_AES256K_LEN)
		err = invalf(fc, "monfs: secret is not a base64 cephx key (%d bytes)",
			     len);
	else
		err = monfs_key_from_blob(fc, o, blob, len, "secret");
	memzero_explicit(blob, sizeof(blob));
	return err;
}

/*
 * monfs_key_from_payload - the cephx key from a keyring key's payload: the
 * raw key (16 bytes: aes, 32: aes256k), the encoded CryptoKey (28 or 44
 * bytes), or the base64 text of either (surrounding whitespace, such as a
 * trailing newline, is ignored).
 */
static int monfs_key_from_payload(struct fs_context *fc, struct monfs_opts *o,
				  const u8 *data, size_t len)
{
	u8 blob[MONFS_KEY_BLOB_MAX];
	int n, err;

	if (len == MONC_SECRET_LEN || len == MONC_SECRET_AES256K_LEN) {
		monfs_set_secret(o, data, len);
		return 0;
	}
	if (len == MONFS_KEY_HDR_LEN + MONC_SECRET_LEN ||
	    len == MONFS_KEY_HDR_LEN + MONC_SECRET_AES256K_LEN)
		return monfs_key_from_blob(fc, o, data, len, "key");

	while (len && isspace(data[len - 1]))
		len--;
	while (len && isspace(*data)) {
		data++;
		len--;
	}
	if (len > MONFS_KEY_TEXT_MAX)
		return invalf(fc, "monfs: key: payload of %zu bytes is not a cephx key",
			      len);
	n = monfs_base64_decode((const char *)data, len, blob, sizeof(blob));
	if (n == MONC_SECRET_LEN || n == MONC_SECRET_AES256K_LEN) {
		monfs_set_secret(o, blob, n);
		err = 0;
	} else if (n == MONFS_KEY_HDR_LEN + MONC_SECRET_LEN ||
		   n == MONFS_KEY_HDR_LEN + MONC_SECRET_AES256K_LEN) {
		err = monfs_key_from_blob(fc, o, blob, n, "key");
	} else {
		err = invalf(fc, "monfs: key: payload is not a cephx key (raw, encoded or base64)");
	}
	memzero_explicit(blob, sizeof(blob));
	return err;
}

/*
 * monfs_parse_key - key=DESC: the secret from a "user" key of the kernel
 * keyring, looked up as fs/ceph looks up its "ceph" key (request_key() with no
 * callout: the caller's thread, process and session keyrings). A "ceph" key
 * is not read: its payload is libceph's private struct, and monfs does not
 * depend on libceph. A key that cannot be found or used, or whose payload is
 * not a cephx key, is EINVAL with the reason logged, as every other bad
 * option of monfs (fs/ceph says EPERM for the former).
 */
static int monfs_parse_key(struct fs_context *fc, struct monfs_opts *o,
			   const char *desc)
{
	const struct user_key_payload *payload;
	struct key *key;
	int err;

	if (!*desc)
		return invalf(fc, "monfs: key= needs a key description");
	key = request_key(&key_type_user, desc, NULL);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		switch (err) {
		case -ENOKEY:
			errorf(fc, "monfs: key: no user key '%s' in the keyrings", desc);
			break;
		case -EKEYEXPIRED:
			errorf(fc, "monfs: key: key '%s' has expired", desc);
			break;
		case -EKEYREVOKED:
			errorf(fc, "monfs: key: key '%s' was revoked", desc);
			break;
		default:
			errorf(fc, "monfs: key: key '%s': error %d", desc, err);
			break;
		}
		return -EINVAL;
	}

	down_read(&key->sem);
	payload = user_key_payload_locked(key);
	if (!payload) {
		err = invalf(fc, "monfs: key: key '%s' was revoked", desc);
	} else {
		err = monfs_key_from_payload(fc, o, (const u8 *)payload->data,
					     payload->datalen);
	}
	up_read(&key->sem);
	key_put(key);
	return err;
}

static int monfs_parse_ms(struct fs_context *fc, const char *key, u32 v,
			  unsigned int *dst)
{
	if (v > MONFS_MAX_MS)
		return invalf(fc, "monfs: %s=%u is out of range (0..%u)", key, v,
			      MONFS_MAX_MS);
	*dst = v;
	return 0;
}

static int monfs_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	struct monfs_opts *o = fc->fs_private;
	struct fs_parse_result result;
	u32 v;
	int opt, err;

	opt = fs_parse(fc, monfs_params, param, &result);
	if (opt < 0)
		return opt;
	o->nparams++;
	v = result.uint_32;

	switch (opt) {
	case MONFS_OPT_MON_ADDR:
		return monfs_parse_mon_addr(fc, o, param->string);
	case MONFS_OPT_NAME:
		if (!strncmp(param->string, "client.", 7))
			return invalf(fc, "monfs: name is the id without 'client.'");
		if (!*param->string || strlen(param->string) > MONC_MAX_NAME_LEN)
			return invalf(fc, "monfs: name must be 1 to %d characters",
				      MONC_MAX_NAME_LEN);
		strscpy(o->name, param->string, sizeof(o->name));
		o->has_name = true;
		return 0;
	case MONFS_OPT_FS:
		if (!*param->string ||
		    strlen(param->string) > MONFS_FS_NAME_MAX)
			return invalf(fc, "monfs: fs must be 1 to %d characters",
				      MONFS_FS_NAME_MAX);
		strscpy(o->fs_name, param->string, sizeof(o->fs_name));
		return 0;
	case MONFS_OPT_SECRET:
		err = monfs_parse_secret(fc, o, param->string);
		/* The VFS frees the string without wiping it. */
		memzero_explicit(param->string, strlen(param->string));
		return err;
	case MONFS_OPT_KEY:
		return monfs_parse_key(fc, o, param->string);
	case MONFS_OPT_MOUNT_TIMEOUT:
		if (v > MONFS_MAX_MOUNT_TIMEOUT)
			return invalf(fc, "monfs: mount_timeout=%u is out of range (0..%u s)",
				      v, MONFS_MAX_MOUNT_TIMEOUT);
		o->mount_timeout_s = v;
		return 0;
	case MONFS_OPT_KEEPALIVE_INTERVAL_MS:
		return monfs_parse_ms(fc, param->key, v,
				      &o->monc.keepalive_interval_ms);
	case MONFS_OPT_KEEPALIVE_TIMEOUT_MS:
		return monfs_parse_ms(fc, param->key, v,
				      &o->monc.keepalive_timeout_ms);
	case MONFS_OPT_HUNT_INTERVAL_MS:
		return monfs_parse_ms(fc, param->key, v,
				      &o->monc.hunt_interval_ms);
	case MONFS_OPT_HUNT_BACKOFF:
		if (v > MONC_MAX_HUNT_BACKOFF)
			return invalf(fc, "monfs: hunt_backoff=%u is out of range (0..%u)",
				      v, MONC_MAX_HUNT_BACKOFF);
		o->monc.hunt_backoff = v;
		return 0;
	case MONFS_OPT_HUNT_MAX_MULT:
		if (v > MONC_MAX_HUNT_MAX_MULT)
			return invalf(fc, "monfs: hunt_max_mult=%u is out of range (0..%u)",
				      v, MONC_MAX_HUNT_MAX_MULT);
		o->monc.hunt_max_mult = v;
		return 0;
	case MONFS_OPT_HUNT_PARALLEL:
		if (v > MONC_MAX_MONS)
			return invalf(fc, "monfs: hunt_parallel=%u is out of range (0..%d)",
				      v, MONC_MAX_MONS);
		o->monc.hunt_parallel = v;
		return 0;
	case MONFS_OPT_HUNT_STAGGER_MS:
		if (!strcmp(param->string, "off")) {
			o->monc.hunt_stagger_ms = MONC_HUNT_STAGGER_OFF;
			return 0;
		}
		if (kstrtou32(param->string, 10, &v))
			return invalf(fc, "monfs: hunt_stagger_ms=%s is not a number or 'off'",
				      param->string);
		return monfs_parse_ms(fc, param->key, v,
				      &o->monc.hunt_stagger_ms);
	case MONFS_OPT_MS_MODE:
		err = monc_parse_ms_mode(param->string);
		if (err < 0)
			return invalf(fc, "monfs: unknown ms_mode=%s",
				      param->string);
		o->monc.ms_mode = err;
		strscpy(o->ms_mode, param->string, sizeof(o->ms_mode));
		return 0;
	}
	return -EINVAL;
}

/* --- the superblock --- */

static void monfs_stop(struct monfs_info *fsi)
{
	if (fsi->monc && !test_and_set_bit(MONFS_STOPPED, &fsi->flags))
		monc_stop(fsi->monc);
}

static void monfs_info_free(struct monfs_info *fsi)
{
	if (fsi->monc) {
		monfs_stop(fsi);
		monc_destroy(fsi->monc);
	}
	kfree_sensitive(fsi);
}

static int monfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct monfs_info *fsi = dentry->d_sb->s_fs_info;
	struct monc_statfs st;
	__le32 words[sizeof(uuid_t) / sizeof(__le32)];
	uuid_t fsid;
	int i, err;

	if (test_bit(MONFS_STOPPED, &fsi->flags))
		return -EIO;
	err = monc_statfs(fsi->monc, MONC_NO_POOL, &st);
	if (err)
		return err;

	buf->f_type = MONFS_SUPER_MAGIC;
	/* As fs/ceph: 4 MiB blocks, bsize == frsize, KiB shifted down. */
	buf->f_frsize = 1 << MONFS_BLOCK_SHIFT;
	buf->f_bsize = buf->f_frsize;
	buf->f_blocks = st.kb >> (MONFS_BLOCK_SHIFT - 10);
	buf->f_bfree = st.kb_avail >> (MONFS_BLOCK_SHIFT - 10);
	buf->f_bavail = st.kb_avail >> (MONFS_BLOCK_SHIFT - 10);
	buf->f_files = st.num_objects;
	buf->f_ffree = -1;
	buf->f_namelen = NAME_MAX;

	/* As fs/ceph: XOR of the fsid's four little-endian words. */
	buf->f_fsid.val[0] = 0;
	if (!monc_fsid(fsi->monc, &fsid)) {
		memcpy(words, &fsid, sizeof(words));
		for (i = 0; i < ARRAY_SIZE(words); i++)
			buf->f_fsid.val[0] ^= le32_to_cpu(words[i]);
	}
	/* As fs/ceph: the filesystem's fscid once it follows one. */
	buf->f_fsid.val[1] = fsi->opts.fs_name[0] ? READ_ONCE(fsi->fscid) :
		MONFS_FS_CLUSTER_ID_NONE;
	return 0;
}

/* A tunable appears in /proc/mounts only when set (0 is the default). */
static void monfs_show_uint(struct seq_file *m, const char *key, unsigned int v)
{
	if (v)
		seq_printf(m, ",%s=%u", key, v);
}

/* Whether a mon_addr entry was given with a port (0: the default ports). */
static bool monfs_has_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)ss)->sin6_port;
	return ((const struct sockaddr_in *)ss)->sin_port;
}

static int monfs_show_options(struct seq_file *m, struct dentry *root)
{
	struct monfs_info *fsi = root->d_sb->s_fs_info;
	const struct monfs_opts *o = &fsi->opts;
	unsigned int i;

	seq_puts(m, ",mon_addr=");
	for (i = 0; i < o->monc.num_mon; i++) {
		const struct sockaddr_storage *a = &o->monc.mon_addr[i];

		/* as given: without a port if none was given */
		if (monfs_has_port(a))
			seq_printf(m, "%s%pISpc", i ? "/" : "", a);
		else
			seq_printf(m, "%s%pISc", i ? "/" : "", a);
	}
	if (o->has_name)
		seq_show_option(m, "name", o->name);
	if (o->fs_name[0])
		seq_show_option(m, "fs", o->fs_name);
	if (o->has_secret)
		seq_puts(m, ",secret=<hidden>");
	if (o->ms_mode[0])
		seq_show_option(m, "ms_mode", o->ms_mode);
	monfs_show_uint(m, "mount_timeout", o->mount_timeout_s);
	monfs_show_uint(m, "keepalive_interval_ms", o->monc.keepalive_interval_ms);
	monfs_show_uint(m, "keepalive_timeout_ms", o->monc.keepalive_timeout_ms);
	monfs_show_uint(m, "hunt_interval_ms", o->monc.hunt_interval_ms);
	monfs_show_uint(m, "hunt_backoff", o->monc.hunt_backoff);
	monfs_show_uint(m, "hunt_max_mult", o->monc.hunt_max_mult);
	monfs_show_uint(m, "hunt_parallel", o->monc.hunt_parallel);
	if (o->monc.hunt_stagger_ms == MONC_HUNT_STAGGER_OFF)
		seq_puts(m, ",hunt_stagger_ms=off");
	else
		monfs_show_uint(m, "hunt_stagger_ms", o->monc.hunt_stagger_ms);
	return 0;
}

/* umount -f: fail the statfs callers now, as fs/ceph's umount_begin does. */
static void monfs_umount_begin(struct super_block *sb)
{
	struct monfs_info *fsi = sb->s_fs_info;

	pr_debug("umount_begin: stopping the monc client\n");
	monfs_stop(fsi);
}

static const struct super_operations monfs_sops = {
	.statfs = monfs_statfs,
	.show_options = monfs_show_options,
	.umount_begin = monfs_umount_begin,
	.drop_inode = inode_just_drop,
};

/*
 * monfs keeps no osdmap, but says which epoch it has, as a filesystem
 * with OSD clients does once it decoded the map: monc then moves the
 * subscription on, and a new session asks only for newer maps instead of
 * the whole map again.
 */
static void monfs_osdmap(struct monc_client *monc, void *priv,
			 const void *front, size_t len)
{
	u32 epoch = monc_test_osdmap_epoch(front, len);

	pr_debug("osdmap e%u (%zu bytes)\n", epoch, len);
	if (epoch)
		monc_got_map(monc, MONC_MAP_OSDMAP, epoch);
}

/*
 * fs=: the filesystems by name and id. The first map that names ours makes
 * monc follow its mdsmap; one that does not fails the mount (ENOENT).
 */
static void monfs_fsmap_user(struct monc_client *monc, void *priv,
			     const void *front, size_t len)
{
	struct monfs_info *fsi = priv;
	u32 epoch = 0;
	s32 fscid;
	int err;

	err = monc_test_fsmap_find(front, len, fsi->opts.fs_name, &fscid,
				   &epoch);
	if (err == -EINVAL) {
		pr_warn_ratelimited("malformed fsmap.user (%zu bytes) dropped\n",
				    len);
		return;
	}
	monc_got_map(monc, MONC_MAP_FSMAP_USER, epoch);
	if (!err && fscid >= 0 && READ_ONCE(fsi->fscid) != fscid) {
		pr_debug("fs %s is fscid %d (fsmap.user e%u)\n",
			 fsi->opts.fs_name, fscid, epoch);
		WRITE_ONCE(fsi->fscid, fscid);
		err = monc_follow_fs(monc, fscid);
	} else if (err == -ENOENT && READ_ONCE(fsi->fscid) < 0) {
		pr_debug("no fs %s in fsmap.user e%u\n", fsi->opts.fs_name,
			 epoch);
	} else {
		err = 0;
	}
	if (err)
		WRITE_ONCE(fsi->fs_err, err);
	wake_up_all(&fsi->fs_wq);
}

/* fs=: an mdsmap of the followed filesystem (monfs keeps no map). */
static void monfs_mdsmap(struct monc_client *monc, void *priv,
			 const void *front, size_t len)
{
	struct monfs_info *fsi = priv;
	u32 epoch;

	if (len < 20)
		return;
	epoch = get_unaligned_le32((const u8 *)front + 16);
	pr_debug("mdsmap e%u of fscid %d\n", epoch, READ_ONCE(fsi->fscid));
	monc_got_map(monc, MONC_MAP_MDSMAP, epoch);
	WRITE_ONCE(fsi->mdsmap_epoch, epoch);
	wake_up_all(&fsi->fs_wq);
}

static const struct monc_handlers monfs_handlers = {
	.osdmap = monfs_osdmap,
};

static const struct monc_handlers monfs_handlers_fs = {
	.osdmap = monfs_osdmap,
	.mdsmap = monfs_mdsmap,
	.fsmap_user = monfs_fsmap_user,
};

/*
 * fs=: wait, within the mount timeout, until monc follows the named
 * filesystem's mdsmap, or the fsmap.user says there is no such filesystem.
 */
static int monfs_wait_fs(struct fs_context *fc, struct monfs_info *fsi)
{
	unsigned int ms = fsi->opts.mount_timeout_s ?
		fsi->opts.mount_timeout_s * 1000 : MONC_DEFAULT_MOUNT_TIMEOUT_MS;
	long left;
	int err;

	left = wait_event_interruptible_timeout(fsi->fs_wq,
						READ_ONCE(fsi->fs_err) ||
						READ_ONCE(fsi->mdsmap_epoch),
						msecs_to_jiffies(ms));
	if (READ_ONCE(fsi->mdsmap_epoch))
		return 0;
	if (left < 0) {
		errorf(fc, "monfs: mount interrupted");
		return -EINTR;
	}
	err = READ_ONCE(fsi->fs_err);
	if (err == -ENOENT)
		errorf(fc, "monfs: no filesystem named %s", fsi->opts.fs_name);
	else if (err)
		errorf(fc, "monfs: cannot follow %s: %d", fsi->opts.fs_name,
		       err);
	else
		errorf(fc, "monfs: no mdsmap of %s within the mount timeout",
		       fsi->opts.fs_name);
	return err ? err : -ETIMEDOUT;
}

static int monfs_mount_monc(struct fs_context *fc, struct monfs_info *fsi)
{
	struct monfs_opts *o = &fsi->opts;
	struct monc_client *monc;
	char why[160];
	int err;

	o->monc.name = o->has_name ? o->name : NULL;
	if (o->has_secret) {
		o->monc.auth_methods = BIT(MONC_AUTH_CEPHX);
		o->monc.secret = o->secret;
		o->monc.secret_len = o->secret_len;
	} else {
		o->monc.auth_methods = BIT(MONC_AUTH_NONE);
	}
	o->monc.mount_timeout_ms = o->mount_timeout_s * 1000;

	init_waitqueue_head(&fsi->fs_wq);
	fsi->fscid = -1;
	monc = monc_create(&o->monc, o->fs_name[0] ? &monfs_handlers_fs :
			   &monfs_handlers, fsi);
	if (IS_ERR(monc)) {
		err = PTR_ERR(monc);
		if (err == -EINVAL)
			return invalf(fc, "monfs: monc refused the options");
		return err;
	}
	fsi->monc = monc;

	err = monc_open_session(monc);
	if (!err)
		err = monc_wait_mount(monc);
	switch (err) {
	case 0:
		pr_debug("mounted: global_id %llu\n", monc_global_id(monc));
		if (o->fs_name[0])
			err = monfs_wait_fs(fc, fsi);
		break;
	case -ETIMEDOUT:
		monc_last_error(monc, why, sizeof(why));
		errorf(fc, "monfs: no monitor session within the mount timeout: %s",
		       why);
		break;
	case -EINTR:
	case -ERESTARTSYS:
		errorf(fc, "monfs: mount interrupted");
		break;
	default:
		monc_last_error(monc, why, sizeof(why));
		errorf(fc, "monfs: the monitors refused the session: %d: %s",
		       err, why);
		break;
	}
	return err;
}

static int monfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct monfs_info *fsi = sb->s_fs_info;
	struct timespec64 now;
	struct inode *root;
	int err;

	sb->s_magic = MONFS_SUPER_MAGIC;
	sb->s_op = &monfs_sops;
	sb->s_time_gran = 1;
	sb->s_flags |= SB_RDONLY | SB_NOATIME;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;

	err = monfs_mount_monc(fc, fsi);
	if (err)
		return err;

	root = new_inode(sb);
	if (!root)
		return -ENOMEM;
	root->i_ino = 1;
	root->i_mode = S_IFDIR | 0555;
	root->i_op = &simple_dir_inode_operations;
	root->i_fop = &simple_dir_operations;
	now = current_time(root);
	inode_set_atime_to_ts(root, now);
	inode_set_mtime_to_ts(root, now);
	inode_set_ctime_to_ts(root, now);
	set_nlink(root, 2);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	return 0;
}

static int monfs_get_tree(struct fs_context *fc)
{
	struct monfs_opts *o = fc->fs_private;
	struct monfs_info *fsi;

	if (!o->monc.num_mon)
		return invalf(fc, "monfs: mon_addr= is required");
	if (o->monc.keepalive_timeout_ms &&
	    o->monc.keepalive_timeout_ms <= (o->monc.keepalive_interval_ms ?:
					     MONC_DEFAULT_KEEPALIVE_INTERVAL_MS))
		return invalf(fc, "monfs: keepalive_timeout_ms must exceed keepalive_interval_ms");

	fsi = kzalloc_obj(*fsi, GFP_KERNEL);
	if (!fsi)
		return -ENOMEM;
	fsi->opts = *o;
	/* sget_fc() hands it to the new superblock; kill_sb frees it. */
	fc->s_fs_info = fsi;
	return get_tree_nodev(fc, monfs_fill_super);
}

static int monfs_reconfigure(struct fs_context *fc)
{
	struct monfs_opts *o = fc->fs_private;

	if (o->nparams)
		return invalf(fc, "monfs: options cannot be changed by remount");
	fc->sb_flags |= SB_RDONLY;
	return 0;
}

static void monfs_free_fc(struct fs_context *fc)
{
	/* Left here only when get_tree failed before sget_fc() took it. */
	if (fc->s_fs_info)
		monfs_info_free(fc->s_fs_info);
	kfree_sensitive(fc->fs_private);
}

static const struct fs_context_operations monfs_context_ops = {
	.free = monfs_free_fc,
	.parse_param = monfs_parse_param,
	.get_tree = monfs_get_tree,
	.reconfigure = monfs_reconfigure,
};

static int monfs_init_fs_context(struct fs_context *fc)
{
	struct monfs_opts *o;

	o = kzalloc_obj(*o, GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	fc->fs_private = o;
	fc->ops = &monfs_context_ops;
	return 0;
}

static void monfs_kill_sb(struct super_block *sb)
{
	struct monfs_info *fsi = sb->s_fs_info;

	kill_anon_super(sb);
	if (fsi)
		monfs_info_free(fsi);
}

static struct file_system_type monfs_type = {
	.owner = THIS_MODULE,
	.name = "monfs",
	.init_fs_context = monfs_init_fs_context,
	.parameters = monfs_params,
	.kill_sb = monfs_kill_sb,
};
MODULE_ALIAS_FS("monfs");

static int __init monfs_init(void)
{
	return register_filesystem(&monfs_type);
}

static void __exit monfs_exit(void)
{
	unregister_filesystem(&monfs_type);
}

module_init(monfs_init);
module_exit(monfs_exit);

MODULE_DESCRIPTION("monfs: a sample filesystem client of monc");
MODULE_LICENSE("GPL");
