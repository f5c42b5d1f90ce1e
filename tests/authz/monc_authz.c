// SPDX-License-Identifier: GPL-2.0
/*
 * monc_authz: proves monc's service tickets and authorizers against real
 * OSD and MDS daemons, the way a filesystem or block client would use
 * them: with its own msgr v1 connection (a small blocking one, here) and
 * monc's exported authorizer API for the handshake and the message
 * signatures.
 *
 * Driven from tests/integration/45-authz-cephx.sh through
 * /sys/kernel/debug/monc_authz/; every file reads back as one line of
 * key=value words:
 *
 *   create      w: "mon_addr=IP:PORT/...,key=HEX,want=osd+mds": a monc
 *                  client with cephx (HEX: the keyring's CryptoKey, decoded
 *                  from base64), mounted, wanting tickets for those services
 *               r: err of the last create
 *   destroy     w: anything
 *   ticket      w: "osd" or "mds": waits (at most 30 s) until
 *                  monc_authorizer_create() stops saying -ENOKEY
 *               r: err, ms waited
 *   hold        w: "osd": builds an authorizer and keeps it, to present
 *                  (again and again) after its ticket has expired
 *                  ("tell ... held")
 *   invalidate  w: "osd": monc_invalidate_ticket(), then at once
 *                  monc_authorizer_create() (which must say -ENOKEY: the
 *                  new ticket needs a round trip to the monitors)
 *               r: err of that create
 *   tell        w: "SERVICE IP:PORT MODE": connects to the daemon over
 *                  msgr v1 with a fresh authorizer and sends the MCommand
 *                  {"prefix": "version"}, as `ceph tell` does. MODE:
 *                  ok; tamper (a byte of the ticket blob flipped); wrongkey
 *                  (part b sealed with another key); held (the held
 *                  authorizer); badsig (the command's signature flipped)
 *               r: err (0, -EACCES for TAG_BADAUTHORIZER, -EBADMSG for a
 *                  reply whose signature does not check, -ETIMEDOUT, ...),
 *                  tag (the connect reply's last tag), challenged (0/1),
 *                  mutual (the reply verified), r (the command's result),
 *                  out (its output, spaces as '_')
 *
 * Locking: az.lock (a mutex) serializes every file operation; the monc
 * client is used only under it.
 */
#define pr_fmt(fmt) "monc_authz: " fmt

#include <linux/crc32c.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "auth.h"
#include "decode.h"
#include "internal.h"
#include "mon_client.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

#define AZ_LINE_MAX		512
#define AZ_IO_TIMEOUT		(10 * HZ)
#define AZ_TICKET_WAIT_MS	30000

/* msgr v1 (include/linux/ceph/msgr.h) */
#define AZ_BANNER		"ceph v027"
#define AZ_BANNER_LEN		9
#define AZ_ADDR_LEN		136
#define AZ_TAG_READY		1
#define AZ_TAG_MSG		7
#define AZ_TAG_ACK		8
#define AZ_TAG_KEEPALIVE2	14
#define AZ_TAG_KEEPALIVE2_ACK	15
#define AZ_TAG_BADAUTHORIZER	11
#define AZ_TAG_SEQ		13
#define AZ_TAG_CHALLENGE	16
#define AZ_OSDC_PROTOCOL	24
#define AZ_MDSC_PROTOCOL	32
#define AZ_MSG_COMMAND		97
#define AZ_MSG_COMMAND_REPLY	98
#define AZ_ENTITY_CLIENT	8
#define AZ_MAX_REPLY		4096
#define AZ_MAX_FRONT		(64 << 10)
#define AZ_MAX_DATA		(64 << 10)
/* what libceph offers; CEPHX_V2 (61) and MSG_AUTH (23) among them */
#define AZ_FEATURES		0x2f018fb87aa4aafeULL

struct az_result {
	int err;
	int tag;
	bool challenged;
	bool mutual;
	int r;
	char out[128];
};

static struct {
	struct mutex lock;		/* every field below */
	struct dentry *dir;
	struct monc_client *monc;
	int create_err;
	int ticket_err;
	int invalidate_err;
	unsigned int ticket_ms;
	struct monc_authorizer *held;
	struct az_result last;
} az;

static int az_service(const char *s)
{
	if (!strcmp(s, "osd"))
		return MONC_SERVICE_OSD;
	if (!strcmp(s, "mds"))
		return MONC_SERVICE_MDS;
	if (!strcmp(s, "mgr"))
		return MONC_SERVICE_MGR;
	return -EINVAL;
}

/* ---------------------------------------------------------------------- */
/* A blocking msgr v1 connection */

static int az_send(struct socket *sock, const void *buf, size_t len)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
	int ret;

	while (kv.iov_len) {
		ret = kernel_sendmsg(sock, &msg, &kv, 1, kv.iov_len);
		if (ret <= 0)
			return ret ? ret : -EPIPE;
		kv.iov_base += ret;
		kv.iov_len -= ret;
	}
	return 0;
}

static int az_recv(struct socket *sock, void *buf, size_t len)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {};
	int ret;

	while (kv.iov_len) {
		ret = kernel_recvmsg(sock, &msg, &kv, 1, kv.iov_len, 0);
		if (ret == -EAGAIN)
			return -ETIMEDOUT;
		if (ret <= 0)
			return ret ? ret : -ECONNRESET;
		kv.iov_base += ret;
		kv.iov_len -= ret;
	}
	return 0;
}

static int az_connect_sock(const struct sockaddr_storage *ss,
			   struct socket **out)
{
	struct socket *sock;
	int ret;

	ret = sock_create_kern(&init_net, ss->ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &sock);
	if (ret)
		return ret;
	sock->sk->sk_rcvtimeo = AZ_IO_TIMEOUT;
	sock->sk->sk_sndtimeo = AZ_IO_TIMEOUT;
	ret = kernel_connect(sock, (struct sockaddr_unsized *)ss, sizeof(*ss),
			     0);
	if (ret) {
		sock_release(sock);
		return ret;
	}
	*out = sock;
	return 0;
}

static int az_send_connect(struct socket *sock, u32 proto,
			   struct monc_authorizer *a, const char *mode)
{
	struct monc_wire_connect c = {};
	const void *abuf;
	u8 *copy;
	u32 alen;
	int ret;

	abuf = monc_authorizer_buf(a, &alen);
	copy = kmemdup(abuf, alen, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	/* part a: u8, le64, le32, ticket {u8, le64, le32 len, blob} */
	if (!strcmp(mode, "tamper") && alen > 30)
		copy[30] ^= 0x01;
	c.features = cpu_to_le64(AZ_FEATURES);
	c.host_type = cpu_to_le32(AZ_ENTITY_CLIENT);
	c.global_seq = cpu_to_le32(get_random_u32() & 0xffff);
	c.protocol_version = cpu_to_le32(proto);
	c.authorizer_protocol = cpu_to_le32(monc_authorizer_protocol(a));
	c.authorizer_len = cpu_to_le32(alen);
	c.flags = 1;	/* lossy */
	ret = az_send(sock, &c, sizeof(c));
	if (!ret)
		ret = az_send(sock, copy, alen);
	kfree(copy);
	return ret;
}

/* Banner and connect, answering a challenge: 0 once READY or SEQ. */
static int az_handshake(struct socket *sock, u32 proto,
			struct monc_authorizer *a, const char *mode,
			u64 *features, struct az_result *res)
{
	u8 banner[AZ_BANNER_LEN + 2 * AZ_ADDR_LEN];
	struct monc_entity_addr me = { .type = 0 };
	struct monc_wire_connect_reply r;
	u8 out[AZ_BANNER_LEN + AZ_ADDR_LEN];
	void *p = out;
	u8 *reply = NULL;
	u32 rlen;
	int ret, round;

	ret = az_recv(sock, banner, sizeof(banner));
	if (ret)
		return ret;
	if (memcmp(banner, AZ_BANNER, AZ_BANNER_LEN))
		return -EPROTO;
	me.nonce = get_random_u32();
	monc_enc_copy(&p, out + sizeof(out), AZ_BANNER, AZ_BANNER_LEN);
	monc_enc_addr_legacy(&p, out + sizeof(out), &me);
	ret = az_send(sock, out, sizeof(out));
	if (ret)
		return ret;

	for (round = 0; round < 3; round++) {
		ret = az_send_connect(sock, proto, a, mode);
		if (ret)
			return ret;
		ret = az_recv(sock, &r, sizeof(r));
		if (ret)
			return ret;
		res->tag = r.tag;
		rlen = le32_to_cpu(r.authorizer_len);
		if (rlen > AZ_MAX_REPLY)
			return -EPROTO;
		kfree(reply);
		reply = kmalloc(rlen ? rlen : 1, GFP_KERNEL);
		if (!reply)
			return -ENOMEM;
		ret = az_recv(sock, reply, rlen);
		if (ret)
			goto out;
		switch (r.tag) {
		case AZ_TAG_CHALLENGE:
			res->challenged = true;
			ret = monc_authorizer_add_challenge(a, reply, rlen);
			if (ret)
				goto out;
			continue;
		case AZ_TAG_BADAUTHORIZER:
			ret = -EACCES;
			goto out;
		case AZ_TAG_READY:
		case AZ_TAG_SEQ:
			ret = monc_authorizer_verify_reply(a, reply, rlen,
							   NULL, NULL);
			if (ret)
				goto out;
			res->mutual = true;
			*features = AZ_FEATURES & le64_to_cpu(r.features);
			if (r.tag == AZ_TAG_SEQ) {
				__le64 seq = 0;

				ret = az_recv(sock, &seq, sizeof(seq));
				if (!ret)
					ret = az_send(sock, &seq, sizeof(seq));
			}
			goto out;
		default:
			ret = -EPROTO;
			goto out;
		}
	}
	ret = -EPROTO;
out:
	kfree(reply);
	return ret;
}

static void az_sig_fields(const struct monc_msg_header *h, const struct monc_msg_footer *f,
			  struct monc_sig_fields *s)
{
	s->header_crc = le32_to_cpu(h->crc);
	s->front_crc = le32_to_cpu(f->front_crc);
	s->middle_crc = le32_to_cpu(f->middle_crc);
	s->data_crc = le32_to_cpu(f->data_crc);
	s->front_len = le32_to_cpu(h->front_len);
	s->middle_len = le32_to_cpu(h->middle_len);
	s->data_len = le32_to_cpu(h->data_len);
	s->seq = le64_to_cpu(h->seq);
}

/* MCommand v1: fsid, vector<string> cmd. */
static int az_send_command(struct socket *sock, struct monc_authorizer *a,
			   u64 features, u64 global_id, const uuid_t *fsid,
			   bool badsig)
{
	static const char cmd[] = "{\"prefix\": \"version\"}";
	u8 front[16 + 4 + 4 + sizeof(cmd)];
	struct monc_sig_fields sf;
	struct monc_msg_footer f = {};
	struct monc_msg_header h = {};
	void *p = front, *end = front + sizeof(front);
	u8 tag = AZ_TAG_MSG;
	int ret;

	monc_enc_fsid(&p, end, fsid);
	monc_enc_u32(&p, end, 1);
	monc_enc_str(&p, end, cmd, strlen(cmd));
	h.seq = cpu_to_le64(1);
	h.tid = cpu_to_le64(1);
	h.type = cpu_to_le16(AZ_MSG_COMMAND);
	h.priority = cpu_to_le16(127);
	h.version = cpu_to_le16(1);
	h.compat_version = cpu_to_le16(1);
	h.front_len = cpu_to_le32(p - (void *)front);
	h.src.type = AZ_ENTITY_CLIENT;
	h.src.num = cpu_to_le64(global_id);
	h.crc = cpu_to_le32(crc32c(0, &h, offsetof(struct monc_msg_header, crc)));
	f.front_crc = cpu_to_le32(crc32c(0, front, p - (void *)front));
	f.flags = MONC_MSG_FOOTER_COMPLETE;
	az_sig_fields(&h, &f, &sf);
	ret = monc_authorizer_sign(a, features, &sf, &f.sig);
	if (ret)
		return ret;
	if (f.sig)
		f.flags |= MONC_MSG_FOOTER_SIGNED;
	if (badsig)
		f.sig ^= cpu_to_le64(1);
	if (!(features & MONC_FEATURE_MSG_AUTH))
		((u8 *)&f)[offsetof(struct monc_msg_footer, sig)] = f.flags;
	ret = az_send(sock, &tag, 1);
	if (!ret)
		ret = az_send(sock, &h, sizeof(h));
	if (!ret)
		ret = az_send(sock, front, p - (void *)front);
	if (!ret)
		ret = az_send(sock, &f, (features & MONC_FEATURE_MSG_AUTH) ?
			      sizeof(f) : sizeof(f) - 8);
	return ret;
}

static void az_copy_out(struct az_result *res, const u8 *s, u32 len)
{
	u32 i, n = min_t(u32, len, sizeof(res->out) - 1);

	for (i = 0; i < n; i++)
		res->out[i] = (s[i] > ' ' && s[i] < 0x7f) ? s[i] : '_';
	res->out[n] = '\0';
}

/* Read frames until the MCommandReply; check its signature. */
static int az_read_reply(struct socket *sock, struct monc_authorizer *a,
			 u64 features, struct az_result *res)
{
	bool msg_auth = features & MONC_FEATURE_MSG_AUTH;
	struct monc_sig_fields sf;
	struct monc_msg_footer f;
	struct monc_msg_header h;
	u8 *front = NULL, *data = NULL, skip[16];
	u32 flen, mlen, dlen;
	const void *p, *end;
	const char *rs;
	u32 rs_len;
	s32 r;
	u8 tag;
	int ret, n;

	for (n = 0; n < 32; n++) {
		ret = az_recv(sock, &tag, 1);
		if (ret)
			return ret;
		if (tag == AZ_TAG_ACK) {
			ret = az_recv(sock, skip, 8);
		} else if (tag == AZ_TAG_KEEPALIVE2 ||
			   tag == AZ_TAG_KEEPALIVE2_ACK) {
			ret = az_recv(sock, skip, 8);
		} else if (tag != AZ_TAG_MSG) {
			return -EPROTO;
		}
		if (ret)
			return ret;
		if (tag != AZ_TAG_MSG)
			continue;

		ret = az_recv(sock, &h, sizeof(h));
		if (ret)
			return ret;
		if (le32_to_cpu(h.crc) !=
		    crc32c(0, &h, offsetof(struct monc_msg_header, crc)))
			return -EBADMSG;
		flen = le32_to_cpu(h.front_len);
		mlen = le32_to_cpu(h.middle_len);
		dlen = le32_to_cpu(h.data_len);
		if (flen > AZ_MAX_FRONT || mlen || dlen > AZ_MAX_DATA)
			return -EPROTO;
		front = kmalloc(flen + 1, GFP_KERNEL);
		data = kmalloc(dlen + 1, GFP_KERNEL);
		if (!front || !data) {
			ret = -ENOMEM;
			goto out;
		}
		ret = az_recv(sock, front, flen);
		if (!ret)
			ret = az_recv(sock, data, dlen);
		if (!ret)
			ret = az_recv(sock, &f, msg_auth ? sizeof(f) :
				      sizeof(f) - 8);
		if (ret)
			goto out;
		if (!msg_auth) {
			f.flags = ((u8 *)&f)[offsetof(struct monc_msg_footer, sig)];
			f.sig = 0;
		}
		ret = -EBADMSG;
		if (le32_to_cpu(f.front_crc) != crc32c(0, front, flen) ||
		    le32_to_cpu(f.data_crc) != crc32c(0, data, dlen))
			goto out;
		az_sig_fields(&h, &f, &sf);
		ret = monc_authorizer_check(a, features, &sf, f.sig);
		if (ret)
			goto out;
		if (le16_to_cpu(h.type) != AZ_MSG_COMMAND_REPLY) {
			kfree(front);
			kfree(data);
			front = NULL;
			data = NULL;
			continue;
		}
		/* MCommandReply: s32 r, string rs; data: the output */
		p = front;
		end = front + flen;
		ret = -EBADMSG;
		if (monc_dec_s32(&p, end, &r) ||
		    monc_dec_str(&p, end, &rs, &rs_len))
			goto out;
		res->r = r;
		if (dlen)
			az_copy_out(res, data, dlen);
		else
			az_copy_out(res, rs, rs_len);
		ret = 0;
		goto out;
	}
	return -EPROTO;
out:
	kfree(front);
	kfree(data);
	return ret;
}

static int az_tell(int service, const char *addr, const char *mode,
		   struct az_result *res)
{
	struct monc_options *o;
	struct sockaddr_storage ss;
	struct monc_authorizer *a;
	struct socket *sock;
	u64 features = 0;
	uuid_t fsid;
	int ret;

	memset(res, 0, sizeof(*res));
	res->tag = -1;
	if (!az.monc)
		return -ENOTCONN;
	o = kzalloc_obj(*o, GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	ret = monc_parse_mon_addrs(addr, strlen(addr), '/', o, NULL, NULL);
	if (!ret && o->num_mon != 1)
		ret = -EINVAL;
	ss = o->mon_addr[0];
	kfree(o);
	if (ret)
		return ret;
	ret = monc_fsid(az.monc, &fsid);
	if (ret)
		return ret;

	if (!strcmp(mode, "held")) {
		/* kept for the next try: a challenge only reseals part b */
		a = az.held;
		if (!a)
			return -ENOENT;
	} else {
		a = monc_authorizer_create(az.monc, service);
		if (IS_ERR(a))
			return PTR_ERR(a);
	}
	if (!strcmp(mode, "wrongkey")) {
		ret = monc_authorizer_test_rekey(a);
		if (ret)
			goto out_a;
	}

	ret = az_connect_sock(&ss, &sock);
	if (ret)
		goto out_a;
	ret = az_handshake(sock, service == MONC_SERVICE_OSD ?
			   AZ_OSDC_PROTOCOL : AZ_MDSC_PROTOCOL, a, mode,
			   &features, res);
	if (!ret)
		ret = az_send_command(sock, a, features,
				      monc_global_id(az.monc), &fsid,
				      !strcmp(mode, "badsig"));
	if (!ret)
		ret = az_read_reply(sock, a, features, res);
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
out_a:
	if (a != az.held)
		monc_authorizer_destroy(a);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* debugfs */

static int az_parse_key(const char *hex, u8 *key)
{
	u8 blob[12 + MONC_SECRET_MAX_LEN];
	size_t n = strlen(hex) / 2;
	unsigned int type, klen;
	int err = -EINVAL;

	if (strlen(hex) % 2 || n < 12 || n > sizeof(blob) ||
	    hex2bin(blob, hex, n))
		goto out;
	type = get_unaligned_le16(blob);
	klen = get_unaligned_le16(blob + 10);
	if (n != 12 + klen || (type != 1 && type != 2) ||
	    klen > MONC_SECRET_MAX_LEN)
		goto out;
	memcpy(key, blob + 12, klen);
	err = klen;
out:
	memzero_explicit(blob, sizeof(blob));
	return err;
}

static void az_destroy_client(void)
{
	monc_authorizer_destroy(az.held);
	az.held = NULL;
	if (az.monc) {
		monc_stop(az.monc);
		monc_destroy(az.monc);
		az.monc = NULL;
	}
}

static void az_osdmap(struct monc_client *monc, void *priv,
		      const void *front, size_t len)
{
}

static int az_create(char *s)
{
	static const struct monc_handlers handlers = { .osdmap = az_osdmap };
	u8 key[MONC_SECRET_MAX_LEN];
	struct monc_options *o;
	unsigned int want = 0;
	char *opt, *val, *w;
	int err = -EINVAL;

	az_destroy_client();
	o = kzalloc_obj(*o, GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->auth_methods = BIT(MONC_AUTH_CEPHX);
	while ((opt = strsep(&s, ",")) != NULL) {
		val = strchr(opt, '=');
		if (!val)
			goto out;
		*val++ = '\0';
		if (!strcmp(opt, "mon_addr")) {
			if (monc_parse_mon_addrs(val, strlen(val), '/', o,
						 NULL, NULL))
				goto out;
		} else if (!strcmp(opt, "key")) {
			err = az_parse_key(val, key);
			if (err < 0)
				goto out;
			o->secret = key;
			o->secret_len = err;
			err = -EINVAL;
		} else if (!strcmp(opt, "want")) {
			while ((w = strsep(&val, "+")) != NULL) {
				if (az_service(w) < 0)
					goto out;
				want |= az_service(w);
			}
		} else {
			goto out;
		}
	}
	az.monc = monc_create(o, &handlers, NULL);
	if (IS_ERR(az.monc)) {
		err = PTR_ERR(az.monc);
		az.monc = NULL;
		goto out;
	}
	err = monc_want_tickets(az.monc, want ? want : MONC_SERVICE_OSD);
	if (!err)
		err = monc_open_session(az.monc);
	if (!err)
		err = monc_wait_mount(az.monc);
	if (err)
		az_destroy_client();
out:
	memzero_explicit(key, sizeof(key));
	kfree(o);
	return err;
}

static int az_wait_ticket(int service)
{
	unsigned long start = jiffies;
	struct monc_authorizer *a;
	int err;

	if (!az.monc)
		return -ENOTCONN;
	for (;;) {
		a = monc_authorizer_create(az.monc, service);
		err = PTR_ERR_OR_ZERO(a);
		monc_authorizer_destroy(a);
		az.ticket_ms = jiffies_to_msecs(jiffies - start);
		if (err != -ENOKEY || az.ticket_ms >= AZ_TICKET_WAIT_MS)
			return err;
		if (msleep_interruptible(200))
			return -EINTR;
	}
}

static ssize_t az_write(struct file *file, const char __user *ubuf,
			size_t count, loff_t *ppos)
{
	const char *name = file->f_path.dentry->d_name.name;
	char *s, *w1, *w2, *w3;
	int err = 0, svc;

	if (count >= AZ_LINE_MAX)
		return -EINVAL;
	s = memdup_user_nul(ubuf, count);
	if (IS_ERR(s))
		return PTR_ERR(s);
	strim(s);
	mutex_lock(&az.lock);
	if (!strcmp(name, "create")) {
		az.create_err = az_create(strim(s));
		err = az.create_err;
	} else if (!strcmp(name, "destroy")) {
		az_destroy_client();
	} else if (!strcmp(name, "tell")) {
		w3 = strim(s);
		w1 = strsep(&w3, " ");
		w2 = strsep(&w3, " ");
		svc = w1 ? az_service(w1) : -EINVAL;
		if (svc < 0 || !w2 || !w3) {
			err = -EINVAL;
		} else {
			az.last.err = az_tell(svc, w2, w3, &az.last);
			pr_info("tell %s %s %s: err %d tag %d r %d out %s\n",
				w1, w2, w3, az.last.err, az.last.tag,
				az.last.r, az.last.out);
		}
	} else {
		svc = az_service(strim(s));
		if (svc < 0 || !az.monc) {
			err = svc < 0 ? svc : -ENOTCONN;
		} else if (!strcmp(name, "ticket")) {
			az.ticket_err = az_wait_ticket(svc);
		} else if (!strcmp(name, "invalidate")) {
			struct monc_authorizer *a;

			monc_invalidate_ticket(az.monc, svc);
			a = monc_authorizer_create(az.monc, svc);
			az.invalidate_err = PTR_ERR_OR_ZERO(a);
			monc_authorizer_destroy(a);
		} else if (!strcmp(name, "hold")) {
			monc_authorizer_destroy(az.held);
			az.held = monc_authorizer_create(az.monc, svc);
			if (IS_ERR(az.held)) {
				err = PTR_ERR(az.held);
				az.held = NULL;
			}
		}
	}
	mutex_unlock(&az.lock);
	kfree(s);
	return err ? err : count;
}

static ssize_t az_read(struct file *file, char __user *ubuf, size_t count,
		       loff_t *ppos)
{
	const char *name = file->f_path.dentry->d_name.name;
	char line[256];
	int len;

	mutex_lock(&az.lock);
	if (!strcmp(name, "tell"))
		len = scnprintf(line, sizeof(line),
				"err=%d tag=%d challenged=%d mutual=%d r=%d out=%s\n",
				az.last.err, az.last.tag, az.last.challenged,
				az.last.mutual, az.last.r,
				az.last.out[0] ? az.last.out : "-");
	else if (!strcmp(name, "invalidate"))
		len = scnprintf(line, sizeof(line), "err=%d\n", az.invalidate_err);
	else if (!strcmp(name, "ticket"))
		len = scnprintf(line, sizeof(line), "err=%d ms=%u\n",
				az.ticket_err, az.ticket_ms);
	else
		len = scnprintf(line, sizeof(line), "err=%d global_id=%llu\n",
				az.create_err,
				az.monc ? monc_global_id(az.monc) : 0);
	mutex_unlock(&az.lock);
	return simple_read_from_buffer(ubuf, count, ppos, line, len);
}

static const struct file_operations az_fops = {
	.owner = THIS_MODULE,
	.read = az_read,
	.write = az_write,
	.llseek = default_llseek,
};

static int __init az_init(void)
{
	static const char * const files[] = {
		"create", "destroy", "ticket", "hold", "invalidate", "tell",
	};
	unsigned int i;

	mutex_init(&az.lock);
	az.dir = debugfs_create_dir("monc_authz", NULL);
	for (i = 0; i < ARRAY_SIZE(files); i++)
		debugfs_create_file(files[i], 0600, az.dir, NULL, &az_fops);
	return 0;
}

static void __exit az_exit(void)
{
	debugfs_remove_recursive(az.dir);
	mutex_lock(&az.lock);
	az_destroy_client();
	mutex_unlock(&az.lock);
}

module_init(az_init);
module_exit(az_exit);

MODULE_DESCRIPTION("monc's authorizers against real OSD and MDS daemons");
MODULE_LICENSE("GPL");
