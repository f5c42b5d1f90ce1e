// SPDX-License-Identifier: GPL-2.0
/*
 * msgr2.1, crc and secure mode, under the shared connection of
 * messenger_glue.c: the protocol hooks (struct monc_con_proto) a connection
 * to a monitor's v2 address runs. The frames themselves are
 * messenger_v2.c's, the cipher crypto.c's.
 *
 * The exchange, client side (Ceph's doc/dev/msgr2.rst, ProtocolV2.cc):
 *
 *   banner  ->  <- banner        features: revision 1, no compression
 *   HELLO   ->  <- HELLO         entity types, the address the peer sees
 *   AUTH_REQUEST -> <- AUTH_REPLY_MORE / AUTH_BAD_METHOD / AUTH_DONE
 *   AUTH_REQUEST_MORE -> ...     (cephx: as many rounds as it needs)
 *   (secure mode from here on, both ways, if AUTH_DONE picked it)
 *   AUTH_SIGNATURE <-> AUTH_SIGNATURE   HMAC-SHA256 of the bytes each side
 *                                received before it, keyed by the session
 *                                key (all zeros with auth none)
 *   CLIENT_IDENT -> <- SERVER_IDENT
 *   MESSAGE, ACK, KEEPALIVE2, KEEPALIVE2_ACK both ways
 *
 * The session (mon_client.c) does not know which protocol carries it. It
 * authenticates with MAuth messages, as over msgr v1; before the v2
 * session exists the connection turns them into auth frames, and the auth
 * frames the monitor sends into MAuthReply messages:
 *
 *   MAuth(protocol 0, hello: methods, name, global id)
 *	-> AUTH_REQUEST(method, [modes], mode MON + name + global id)
 *   MAuth(protocol, request)  -> AUTH_REQUEST_MORE(request)
 *   AUTH_REPLY_MORE(payload)  -> MAuthReply(method, 0, -1, payload)
 *   AUTH_DONE(gid, mode, payload) -> MAuthReply(method, 0, gid, payload)
 *   AUTH_BAD_METHOD with no method left -> MAuthReply(method, result, 0)
 *
 * so that auth.c and auth_x.c run unchanged. AUTH_REPLY_MORE carries no
 * global id; auth.c keeps a global id only from a reply that finishes the
 * exchange, so the -1 it gets there is never kept. Once SERVER_IDENT
 * arrives, MAuth (ticket renewal) travels as an ordinary MESSAGE.
 *
 * Connection modes: the owner's ms_mode says which to offer (crc, secure,
 * both in either order); AUTH_DONE names the monitor's pick, which must be
 * one offered. For secure mode the session hands over, with the session
 * key, the cephx connection secret it found in the same reply (auth_x.c):
 * AES-128-GCM's key and the two directions' first nonces (crypto.c). The
 * connection stops reading at AUTH_DONE until then (V2_AUTH_KEY), since
 * the monitor's next frame is already sealed. In secure mode every frame
 * is built into the transmit buffer and sealed there, messages too.
 *
 * Everything a monitor sends is hostile: a frame of the wrong kind for
 * the state, a bad crc, a bad GCM tag (tampered, replayed or reordered:
 * each sealed piece has the next nonce), a bad segment count or length, a
 * truncated preamble or a close mid-frame ends the connection with a
 * rate-limited error; the session then hunts as for any fault.
 *
 * Locking: every hook runs with monc_conn.mutex held (messenger.h);
 * after_dispatch runs without it and takes it.
 */
#define pr_fmt(fmt) "monc: " fmt

#include <linux/crc32c.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <crypto/algapi.h>

#include "auth.h"
#include "fault.h"
#include "internal.h"
#include "messenger.h"
#include "messenger_v2.h"

/* v2 protocol states (struct monc_v2.state). */
enum {
	V2_BANNER,	/* banner out, peer's banner in */
	V2_HELLO,	/* HELLO out, peer's HELLO in */
	V2_AUTH,	/* auth frames */
	V2_AUTH_KEY,	/* AUTH_DONE in: waiting for the session's key */
	V2_AUTH_SIGN,	/* our AUTH_SIGNATURE out, the peer's in */
	V2_IDENT,	/* CLIENT_IDENT out, SERVER_IDENT in */
	V2_READY,	/* messages */
};

/* Receive states. */
enum {
	IN2_PREFIX,	/* banner prefix */
	IN2_PAYLOAD,	/* banner payload */
	IN2_PREAMBLE,
	IN2_REST,	/* the frame after its preamble */
	IN2_STOP,	/* nothing to read until the session's key is in */
};

/* The auth mode of a monitor session (Ceph's AUTH_MODE_MON). */
#define MONC_V2_AUTH_MODE_MON		10
/* The hello's tail: le32 entity type, string name, le64 global id. */
#define MONC_V2_AUTH_TAIL_MAX		(4 + 4 + MONC_MAX_NAME_LEN + 8)
/* The bytes before AUTH_SIGNATURE that each side signs, at most. */
#define MONC_V2_SIGN_MAX		(256U << 10)
#define MONC_V2_SIG_LEN			32
/* An MAuthReply front of ours: fixed fields and the empty message. */
#define MONC_V2_AUTH_REPLY_FIXED	(4 + 4 + 8 + 4 + 4)
#define MONC_V2_TX_MIN			512
#define MONC_V2_RX_MIN			4096

/* A growable byte buffer (kvmalloc'ed: a MESSAGE frame may be big). */
struct monc_v2_buf {
	u8 *p;
	u32 len;
	u32 alloc;
};

struct monc_v2 {
	int state;
	int in_state;
	u64 peer_features;		/* the banner's */

	/* receive: the current frame, preamble first */
	struct monc_v2_buf rx;
	u32 rx_want;			/* bytes of the item being read */
	struct monc_v2_desc desc;
	u8 ka_stamp[8];			/* a KEEPALIVE2 to echo */

	/* transmit */
	u8 banner[MONC_V2_BANNER_FULL_LEN];
	struct monc_v2_buf tx;		/* one control frame */
	u8 msg_head[MONC_V2_PREAMBLE_LEN + MONC_V2_HEADER2_LEN +
		    MONC_V2_CRC_LEN];
	u8 msg_epilogue[MONC_V2_EPILOGUE_LEN];
	u64 out_seq;			/* of MESSAGE frames */
	bool need_hello;
	bool need_auth_request;		/* turn the next MAuth into a frame */
	bool need_auth_retry;		/* AUTH_REQUEST with another method */
	bool need_signature;
	bool need_ident;

	/* what each side signs: the bytes before AUTH_SIGNATURE */
	struct monc_v2_buf sign_rx, sign_tx;
	int err;			/* a failure outside try_read, for it */
	u8 sig[MONC_V2_SIG_LEN];	/* ours, to send */
	u8 peer_sig[MONC_V2_SIG_LEN];	/* the one the peer must send */

	/* auth: the hello the session sent, to retry another method */
	u32 methods;			/* BIT(method) offered */
	u32 tried;			/* BIT(method) refused by the peer */
	u32 method;
	u8 auth_tail[MONC_V2_AUTH_TAIL_MAX];
	u32 auth_tail_len;
	u64 global_id;
	struct monc_entity_addr me;
	u64 cookie;

	/* connection modes: offered (preferred first), then the one picked */
	u32 modes[2];
	u32 nmodes;
	u32 con_mode;
	bool secure;			/* frames are sealed both ways */
	struct monc_gcm gcm;
};

static const char *const monc_v2_state_names[] = {
	[V2_BANNER] = "banner", [V2_HELLO] = "hello", [V2_AUTH] = "auth",
	[V2_AUTH_KEY] = "auth key", [V2_AUTH_SIGN] = "auth signature",
	[V2_IDENT] = "ident", [V2_READY] = "ready",
};

/* ---------------------------------------------------------------------- */
/* Buffers */

static int v2_buf_reserve(struct monc_v2_buf *b, u32 len)
{
	u8 *p;

	if (len <= b->alloc)
		return 0;
	p = monc_kvmalloc(max(len, b->alloc * 2), GFP_NOFS);
	if (!p)
		return -ENOMEM;
	if (b->len)
		memcpy(p, b->p, b->len);
	kvfree(b->p);
	b->p = p;
	b->alloc = max(len, b->alloc * 2);
	return 0;
}

static void v2_buf_free(struct monc_v2_buf *b)
{
	kvfree(b->p);
	b->p = NULL;
	b->len = 0;
	b->alloc = 0;
}

/* Keep @len bytes for the signature; the pre-auth exchange is bounded. */
static int v2_sign_add(struct monc_v2_buf *b, const void *p, u32 len)
{
	if (b->len + len > MONC_V2_SIGN_MAX)
		return -EMSGSIZE;
	if (v2_buf_reserve(b, b->len + len))
		return -ENOMEM;
	memcpy(b->p + b->len, p, len);
	b->len += len;
	return 0;
}

static bool v2_signing(const struct monc_v2 *v2)
{
	return v2->state <= V2_AUTH;
}

/* ---------------------------------------------------------------------- */
/* Transmit */

/*
 * Build a frame into the transmit buffer, crc or secure as the connection
 * now is, and queue it. Secure mode seals a copy: nothing is sent from the
 * caller's buffers.
 */
static int v2_queue_frame(struct monc_conn *con, u8 tag,
			  const void *const *segs, const u32 *lens,
			  unsigned int nseg)
{
	struct monc_v2 *v2 = con->v2;
	size_t total;
	ssize_t n;
	int ret;

	total = v2->secure ? monc_v2_secure_frame_len(tag, lens, nseg) :
			     monc_v2_frame_len(tag, lens, nseg);
	if (total > U32_MAX)
		return -EMSGSIZE;
	ret = v2_buf_reserve(&v2->tx, max_t(u32, total, MONC_V2_TX_MIN));
	if (ret)
		return ret;
	if (v2->secure)
		n = monc_v2_build_secure_frame(&v2->gcm, tag, segs, lens, nseg,
					       v2->tx.p, v2->tx.alloc);
	else
		n = monc_v2_build_frame(tag, segs, lens, nseg, v2->tx.p,
					v2->tx.alloc);
	if (n < 0)
		return n;
	if (v2_signing(v2)) {
		ret = v2_sign_add(&v2->sign_tx, v2->tx.p, n);
		if (ret)
			return ret;
	}
	monc_con_out_add(con, v2->tx.p, n);
	return 0;
}

/* Queue a control frame of one segment. */
static int v2_queue_control(struct monc_conn *con, u8 tag, const void *body,
			    u32 len)
{
	const void *segs[1] = { body };

	return v2_queue_frame(con, tag, segs, &len, 1);
}

static int v2_queue_hello(struct monc_conn *con)
{
	u8 body[1 + 8 + 12 + sizeof(struct sockaddr_in6)];
	void *p = body;
	int ret;

	ret = monc_v2_encode_hello(&p, body + sizeof(body),
				   MONC_ENTITY_TYPE_CLIENT, &con->peer);
	if (ret)
		return ret;
	return v2_queue_control(con, MONC_V2_TAG_HELLO, body,
				p - (void *)body);
}

/* The method to try: cephx before none, neither refused yet. */
static u32 v2_pick_method(struct monc_v2 *v2, u32 allowed)
{
	u32 left = v2->methods & ~v2->tried & allowed;

	if (left & BIT(MONC_AUTH_CEPHX))
		return MONC_AUTH_CEPHX;
	if (left & BIT(MONC_AUTH_NONE))
		return MONC_AUTH_NONE;
	return 0;
}

/*
 * The connection modes to offer, preferred first, from the owner's
 * ms_mode: crc or secure alone, or both, whatever the auth method (a
 * monitor allows crc alone with auth none, which has no key material for
 * secure mode, and picks crc from a list that has it). By default (a v2
 * address reached without ms_mode) monc offers what Ceph's own clients
 * offer a monitor: secure, then crc.
 */
static void v2_pick_modes(struct monc_conn *con)
{
	struct monc_v2 *v2 = con->v2;
	unsigned int ms_mode = con->ops->ms_mode ?
			       con->ops->ms_mode(con->priv) :
			       MONC_MS_MODE_DEFAULT;

	v2->nmodes = 0;
	switch (ms_mode) {
	case MONC_MS_MODE_CRC:
		v2->modes[v2->nmodes++] = MONC_V2_CON_MODE_CRC;
		break;
	case MONC_MS_MODE_SECURE:
		v2->modes[v2->nmodes++] = MONC_V2_CON_MODE_SECURE;
		break;
	case MONC_MS_MODE_PREFER_CRC:
		v2->modes[v2->nmodes++] = MONC_V2_CON_MODE_CRC;
		v2->modes[v2->nmodes++] = MONC_V2_CON_MODE_SECURE;
		break;
	default:		/* prefer-secure, and the default */
		v2->modes[v2->nmodes++] = MONC_V2_CON_MODE_SECURE;
		v2->modes[v2->nmodes++] = MONC_V2_CON_MODE_CRC;
		break;
	}
}

static const char *v2_mode_name(u32 mode)
{
	return mode == MONC_V2_CON_MODE_SECURE ? "secure" : "crc";
}

/* msgr2 until AUTH_DONE picks the mode */
static const char *v2_mode(struct monc_conn *con)
{
	switch (con->v2->con_mode) {
	case MONC_V2_CON_MODE_CRC:
		return "msgr2 crc";
	case MONC_V2_CON_MODE_SECURE:
		return "msgr2 secure";
	default:
		return "msgr2";
	}
}

static bool v2_offered(const struct monc_v2 *v2, u32 mode)
{
	u32 i;

	for (i = 0; i < v2->nmodes; i++)
		if (v2->modes[i] == mode)
			return true;
	return false;
}

static int v2_queue_auth_request(struct monc_conn *con)
{
	struct monc_v2 *v2 = con->v2;
	u8 payload[1 + MONC_V2_AUTH_TAIL_MAX];
	u8 body[4 + 4 + sizeof(v2->modes) + 4 + sizeof(payload)];
	void *p = body;
	int ret;

	v2_pick_modes(con);
	payload[0] = MONC_V2_AUTH_MODE_MON;
	memcpy(payload + 1, v2->auth_tail, v2->auth_tail_len);
	ret = monc_v2_encode_auth_request(&p, body + sizeof(body), v2->method,
					  v2->modes, v2->nmodes, payload,
					  1 + v2->auth_tail_len);
	if (ret)
		return ret;
	return v2_queue_control(con, MONC_V2_TAG_AUTH_REQUEST, body,
				p - (void *)body);
}

/*
 * Turn the session's MAuth into an auth frame. The front: paxos header,
 * le32 protocol, le32 payload length and payload, le32 monmap epoch. The
 * session built it, but it is still read with bounds.
 */
static int v2_auth_from_msg(struct monc_conn *con, struct monc_msg *msg)
{
	struct monc_v2 *v2 = con->v2;
	const void *p = msg->front, *end = p + msg->front_len;
	const void *payload, *pend;
	const char *s;
	u32 protocol, n, m, i;
	u8 v;
	int ret;

	if (monc_dec_skip(&p, end, MONC_PAXOS_HDR_LEN) ||
	    monc_dec_u32(&p, end, &protocol) ||
	    monc_dec_str(&p, end, &s, &n))
		return -EINVAL;
	payload = s;
	pend = payload + n;
	if (protocol) {
		/* the method's next request */
		u8 *body;
		void *q;

		if (protocol != v2->method)
			return -EINVAL;
		body = monc_kmalloc(4 + n, GFP_NOFS);
		if (!body)
			return -ENOMEM;
		q = body;
		monc_v2_encode_auth_request_more(&q, body + 4 + n, payload, n);
		ret = v2_queue_control(con, MONC_V2_TAG_AUTH_REQUEST_MORE,
				       body, 4 + n);
		kfree(body);
		return ret;
	}

	/* the hello: u8 version, methods, then the tail we forward */
	p = payload;
	if (monc_dec_u8(&p, pend, &v) || monc_dec_count(&p, pend, 4, &n))
		return -EINVAL;
	v2->methods = 0;
	for (i = 0; i < n; i++) {
		monc_dec_u32(&p, pend, &m);
		if (m == MONC_AUTH_NONE || m == MONC_AUTH_CEPHX)
			v2->methods |= BIT(m);
	}
	if (pend - p > sizeof(v2->auth_tail))
		return -EINVAL;
	v2->auth_tail_len = pend - p;
	memcpy(v2->auth_tail, p, v2->auth_tail_len);
	v2->tried = 0;
	v2->method = v2_pick_method(v2, ~0U);
	if (!v2->method)
		return -EINVAL;
	return v2_queue_auth_request(con);
}

/* The first MAuth of the queue, if any. */
static struct monc_msg *v2_find_auth(struct monc_conn *con)
{
	struct monc_msg *msg;

	list_for_each_entry(msg, &con->out_queue, list)
		if (le16_to_cpu(msg->hdr.type) == MONC_MSG_AUTH)
			return msg;
	return NULL;
}

/* A MESSAGE frame in secure mode: sealed from a copy, like any frame. */
static int v2_prepare_secure_message(struct monc_conn *con,
				     struct monc_msg *msg)
{
	struct monc_v2 *v2 = con->v2;
	u8 hdr2[MONC_V2_HEADER2_LEN];
	u32 lens[MONC_V2_MAX_SEGMENTS] = {
		MONC_V2_HEADER2_LEN, msg->front_len,
		msg->middle ? msg->middle_len : 0,
		msg->data ? msg->data_len : 0,
	};
	const void *segs[MONC_V2_MAX_SEGMENTS] = {
		hdr2, msg->front, msg->middle, msg->data,
	};
	void *p = hdr2;

	con->out_msg = msg;	/* the connection puts it, sent or not */
	msg->hdr.seq = cpu_to_le64(++v2->out_seq);
	msg->hdr.front_len = cpu_to_le32(lens[1]);
	msg->hdr.middle_len = cpu_to_le32(lens[2]);
	msg->hdr.data_len = cpu_to_le32(lens[3]);
	monc_v2_encode_header2(&p, hdr2 + sizeof(hdr2), &msg->hdr, con->in_seq);
	con->in_seq_acked = con->in_seq;
	return v2_queue_frame(con, MONC_V2_TAG_MESSAGE, segs, lens,
			      MONC_V2_MAX_SEGMENTS);
}

static void v2_prepare_message(struct monc_conn *con, struct monc_msg *msg)
{
	struct monc_v2 *v2 = con->v2;
	struct monc_v2_desc d = { .tag = MONC_V2_TAG_MESSAGE };
	u32 lens[MONC_V2_MAX_SEGMENTS];
	const void *segs[MONC_V2_MAX_SEGMENTS];
	void *hdr2 = v2->msg_head + MONC_V2_PREAMBLE_LEN;
	void *p = hdr2, *end = v2->msg_head + sizeof(v2->msg_head);
	unsigned int i;

	msg->hdr.seq = cpu_to_le64(++v2->out_seq);
	msg->hdr.front_len = cpu_to_le32(msg->front_len);
	msg->hdr.middle_len = cpu_to_le32(msg->middle ? msg->middle_len : 0);
	msg->hdr.data_len = cpu_to_le32(msg->data ? msg->data_len : 0);
	lens[0] = MONC_V2_HEADER2_LEN;
	lens[1] = msg->front_len;
	lens[2] = msg->middle ? msg->middle_len : 0;
	lens[3] = msg->data ? msg->data_len : 0;
	segs[1] = msg->front;
	segs[2] = msg->middle;
	segs[3] = msg->data;
	d.nseg = MONC_V2_MAX_SEGMENTS;
	while (d.nseg > 1 && !lens[d.nseg - 1])
		d.nseg--;
	for (i = 0; i < d.nseg; i++) {
		d.len[i] = lens[i];
		d.align[i] = MONC_V2_ALIGN_CONTROL;
	}
	monc_v2_encode_preamble(&d, v2->msg_head);
	monc_v2_encode_header2(&p, end, &msg->hdr, con->in_seq);
	monc_enc_u32(&p, end, crc32c(~0U, hdr2, MONC_V2_HEADER2_LEN));
	con->in_seq_acked = con->in_seq;
	monc_con_out_add(con, v2->msg_head, sizeof(v2->msg_head));
	if (d.nseg > 1) {
		for (i = 1; i < d.nseg; i++)
			monc_con_out_add(con, (void *)segs[i], lens[i]);
		p = v2->msg_epilogue;
		end = p + sizeof(v2->msg_epilogue);
		monc_enc_u8(&p, end, MONC_V2_LATE_STATUS_COMPLETE);
		for (i = 1; i < MONC_V2_MAX_SEGMENTS; i++)
			monc_enc_u32(&p, end, i < d.nseg ?
				     crc32c(~0U, segs[i], lens[i]) : 0);
		monc_con_out_add(con, v2->msg_epilogue,
				 sizeof(v2->msg_epilogue));
	}
	con->out_msg = msg;
}

static int v2_queue_le64(struct monc_conn *con, u8 tag, u64 v)
{
	__le64 le = cpu_to_le64(v);

	return v2_queue_control(con, tag, &le, sizeof(le));
}

static int v2_queue_keepalive2(struct monc_conn *con)
{
	struct timespec64 ts;
	u8 body[8];
	void *p = body;

	ktime_get_real_ts64(&ts);
	monc_v2_encode_keepalive2(&p, body + sizeof(body), (u32)ts.tv_sec,
				  (u32)ts.tv_nsec);
	con->t_keepalive = ktime_get();
	return v2_queue_control(con, MONC_V2_TAG_KEEPALIVE2, body,
				sizeof(body));
}

static int v2_queue_client_ident(struct monc_conn *con)
{
	struct monc_v2 *v2 = con->v2;
	struct monc_v2_client_ident ci = {
		.gid = v2->global_id,
		.global_seq = con->global_seq,
		.features_supported = monc_supported_features,
		.features_required = MONC_FEATURES_REQUIRED,
		.flags = 0,
	};
	u8 body[1 + 4 + 2 * (1 + 6 + 12 + sizeof(struct sockaddr_in6)) +
		6 * 8];
	void *p = body;
	int ret;

	while (!v2->cookie)
		v2->cookie = get_random_u64();
	ci.cookie = v2->cookie;
	ret = monc_v2_encode_client_ident(&p, body + sizeof(body), &v2->me,
					  &con->peer, &ci);
	if (ret)
		return ret;
	return v2_queue_control(con, MONC_V2_TAG_CLIENT_IDENT, body,
				p - (void *)body);
}

/*
 * Write whatever is due: the bytes in flight, then the handshake's next
 * frame, then (once ready) ack, keepalive2 ack, keepalive2 and messages.
 */
static int v2_try_write(struct monc_conn *con)
{
	struct monc_v2 *v2 = con->v2;
	struct monc_msg *msg;
	int ret;

	for (;;) {
		ret = monc_con_write_out(con);
		if (ret <= 0)
			return ret;
		if (v2->need_hello) {
			v2->need_hello = false;
			ret = v2_queue_hello(con);
			if (ret)
				return ret;
			continue;
		}
		if (v2->need_auth_retry) {
			v2->need_auth_retry = false;
			ret = v2_queue_auth_request(con);
			if (ret)
				return ret;
			continue;
		}
		if (v2->state == V2_AUTH && v2->need_auth_request) {
			msg = v2_find_auth(con);
			if (!msg)
				break;
			list_del_init(&msg->list);
			v2->need_auth_request = false;
			ret = v2_auth_from_msg(con, msg);
			monc_msg_put(msg);
			if (ret) {
				pr_err_ratelimited("%pISpc: cannot send auth request: %d\n",
						   &con->peer.ss, ret);
				return ret;
			}
			continue;
		}
		if (v2->need_signature) {
			v2->need_signature = false;
			ret = v2_queue_control(con, MONC_V2_TAG_AUTH_SIGNATURE,
					       v2->sig, sizeof(v2->sig));
			if (ret)
				return ret;
			continue;
		}
		if (v2->need_ident) {
			v2->need_ident = false;
			ret = v2_queue_client_ident(con);
			if (ret)
				return ret;
			continue;
		}
		if (v2->state != V2_READY)
			break;
		if (con->in_seq > con->in_seq_acked) {
			ret = v2_queue_le64(con, MONC_V2_TAG_ACK, con->in_seq);
			if (ret)
				return ret;
			con->in_seq_acked = con->in_seq;
			con->out_more = true;
			continue;
		}
		if (con->need_keepalive_ack) {
			con->need_keepalive_ack = false;
			ret = v2_queue_control(con, MONC_V2_TAG_KEEPALIVE2_ACK,
					       v2->ka_stamp,
					       sizeof(v2->ka_stamp));
			if (ret)
				return ret;
			continue;
		}
		if (con->need_keepalive) {
			con->need_keepalive = false;
			ret = v2_queue_keepalive2(con);
			if (ret)
				return ret;
			continue;
		}
		if (list_empty(&con->out_queue))
			break;
		msg = list_first_entry(&con->out_queue, struct monc_msg, list);
		list_del_init(&msg->list);
		if (v2->secure) {
			ret = v2_prepare_secure_message(con, msg);
			if (ret)
				return ret;
		} else {
			v2_prepare_message(con, msg);
		}
	}
	clear_bit(CON_F_WRITE_PENDING, &con->flags);
	return 0;
}

static bool v2_has_output(struct monc_conn *con)
{
	struct monc_v2 *v2 = con->v2;

	if (con->out_resid || v2->need_hello || v2->need_auth_retry ||
	    v2->need_signature || v2->need_ident)
		return true;
	if (v2->state == V2_AUTH && v2->need_auth_request)
		return v2_find_auth(con);
	if (v2->state != V2_READY)
		return false;
	return con->in_seq > con->in_seq_acked || con->need_keepalive_ack ||
	       con->need_keepalive || !list_empty(&con->out_queue);
}

/* ---------------------------------------------------------------------- */
/* Receive */

static int v2_bad_frame(struct monc_conn *con, const char *what)
{
	struct monc_v2 *v2 = con->v2;

	pr_err_ratelimited("%pISpc: msgr2: %s (frame tag %u in state %s)\n",
			   &con->peer.ss, what, v2->desc.tag,
			   monc_v2_state_names[v2->state]);
	return -EPROTO;
}

/* Hand the session an MAuthReply made of an auth frame. */
static int v2_auth_reply(struct monc_conn *con, s32 result, u64 global_id,
			 const void *payload, u32 len)
{
	struct monc_v2 *v2 = con->v2;
	struct monc_msg_header hdr = { 0 };
	u32 front = MONC_V2_AUTH_REPLY_FIXED + len;
	struct monc_msg *msg = NULL;
	void *p, *end;
	int skip = 0;

	hdr.type = cpu_to_le16(MONC_MSG_AUTH_REPLY);
	hdr.version = cpu_to_le16(1);
	hdr.compat_version = cpu_to_le16(1);
	hdr.priority = cpu_to_le16(MONC_MSG_PRIO_DEFAULT);
	hdr.front_len = cpu_to_le32(front);
	hdr.src.type = MONC_ENTITY_TYPE_MON;
	if (con->ops->alloc_msg)
		msg = con->ops->alloc_msg(con->priv, con, &hdr, &skip);
	if (!msg)
		return skip ? 0 : -ENOMEM;
	if (msg->front_alloc < front) {
		monc_msg_put(msg);
		return -EMSGSIZE;
	}
	p = msg->front;
	end = p + front;
	monc_enc_u32(&p, end, v2->method);
	monc_enc_u32(&p, end, (u32)result);
	monc_enc_u64(&p, end, global_id);
	monc_enc_u32(&p, end, len);
	monc_enc_copy(&p, end, payload, len);
	monc_enc_u32(&p, end, 0);		/* no message */
	msg->hdr = hdr;
	msg->front_len = front;
	list_add_tail(&msg->list, &con->ready);
	con->nr_ready++;
	return 0;
}

static int v2_process_auth(struct monc_conn *con, const struct monc_v2_frame *f)
{
	struct monc_v2 *v2 = con->v2;
	const void *p = f->seg[0], *end = p + f->desc.len[0];
	struct monc_v2_bad_method b;
	struct monc_v2_auth_done d;
	const void *payload;
	u32 len, allowed = 0, i;
	int ret;

	if (v2->state != V2_AUTH || v2->need_auth_request)
		return v2_bad_frame(con, "auth frame out of turn");
	switch (f->desc.tag) {
	case MONC_V2_TAG_AUTH_REPLY_MORE:
		if (v2->method != MONC_AUTH_CEPHX)
			return v2_bad_frame(con, "auth reply for a one-round method");
		if (monc_v2_decode_auth_reply_more(p, end, &payload, &len))
			return v2_bad_frame(con, "malformed auth reply");
		v2->need_auth_request = true;
		return v2_auth_reply(con, 0, U64_MAX, payload, len);
	case MONC_V2_TAG_AUTH_BAD_METHOD:
		if (monc_v2_decode_auth_bad_method(p, end, &b))
			return v2_bad_frame(con, "malformed auth bad method");
		for (i = 0; i < b.nmodes; i++)
			if (v2_offered(v2, b.modes[i]))
				break;
		if (b.nmodes && i == b.nmodes) {
			/* no method helps: the modes do not meet */
			pr_err_ratelimited("%pISpc: msgr2: the monitor allows none of the connection modes ms_mode offers (%s%s%s)\n",
					   &con->peer.ss,
					   v2_mode_name(v2->modes[0]),
					   v2->nmodes > 1 ? ", " : "",
					   v2->nmodes > 1 ?
					   v2_mode_name(v2->modes[1]) : "");
			return -EOPNOTSUPP;
		}
		v2->tried |= BIT(v2->method);
		for (i = 0; i < b.nmethods; i++)
			if (b.methods[i] < 32)
				allowed |= BIT(b.methods[i]);
		pr_debug("%pISpc: auth method %u refused (%d), allowed %x\n",
			 &con->peer.ss, b.method, b.result, allowed);
		if (v2_pick_method(v2, allowed)) {
			v2->method = v2_pick_method(v2, allowed);
			v2->need_auth_retry = true;
			return 0;
		}
		return v2_auth_reply(con, b.result < 0 ? b.result : -EACCES, 0,
				     NULL, 0);
	case MONC_V2_TAG_AUTH_DONE:
		if (monc_v2_decode_auth_done(p, end, &d))
			return v2_bad_frame(con, "malformed auth done");
		if (!v2_offered(v2, d.con_mode))
			return v2_bad_frame(con, "connection mode not offered");
		v2->con_mode = d.con_mode;
		if (!d.global_id)
			return v2_bad_frame(con, "auth done without a global id");
		v2->global_id = d.global_id;
		ret = v2_auth_reply(con, 0, d.global_id, d.payload,
				    d.payload_len);
		if (ret)
			return ret;
		v2->state = V2_AUTH_KEY;
		v2->in_state = IN2_STOP;
		return 0;
	default:
		return v2_bad_frame(con, "unexpected frame");
	}
}

static int v2_process_message(struct monc_conn *con,
			      const struct monc_v2_frame *f)
{
	const void *p = f->seg[0], *end = p + f->desc.len[0];
	struct monc_msg_header hdr;
	struct monc_msg *msg;
	u32 front = f->desc.len[1], middle = f->desc.len[2];
	u32 data = f->desc.len[3];
	u64 ack, seq;

	if (monc_v2_decode_header2(p, end, &hdr, &ack))
		return v2_bad_frame(con, "malformed message header");
	seq = le64_to_cpu(hdr.seq);
	monc_con_drop_acked(con, ack);
	if (seq <= con->in_seq) {
		pr_debug("%pISpc: skipping duplicate seq %llu <= %llu\n",
			 &con->peer.ss, seq, con->in_seq);
		return 0;
	}
	if (seq != con->in_seq + 1) {
		pr_err_ratelimited("%pISpc: bad seq %llu, expected %llu\n",
				   &con->peer.ss, seq, con->in_seq + 1);
		return -EBADE;
	}
	hdr.front_len = cpu_to_le32(front);
	hdr.middle_len = cpu_to_le32(middle);
	hdr.data_len = cpu_to_le32(data);
	hdr.src.type = MONC_ENTITY_TYPE_MON;
	con->in_seq = seq;	/* whole: ack it, kept or skipped */
	msg = monc_con_get_msg(con, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (!msg)
		return 0;
	msg->hdr = hdr;
	memcpy(msg->front, f->seg[1], front);
	msg->front_len = front;
	if (msg->middle) {
		memcpy(msg->middle, f->seg[2], middle);
		msg->middle_len = middle;
	}
	if (msg->data) {
		memcpy(msg->data, f->seg[3], data);
		msg->data_len = data;
	}
	list_add_tail(&msg->list, &con->ready);
	con->nr_ready++;
	return 0;
}

static int v2_process_frame(struct monc_conn *con, const struct monc_v2_frame *f)
{
	struct monc_v2 *v2 = con->v2;
	const void *p = f->seg[0], *end = p + f->desc.len[0];
	struct monc_v2_server_ident id;
	struct monc_entity_addr for_me;
	u32 sec, nsec;
	u64 seq;
	u8 type;

	switch (f->desc.tag) {
	case MONC_V2_TAG_HELLO:
		if (v2->state != V2_HELLO)
			return v2_bad_frame(con, "hello out of turn");
		if (monc_v2_decode_hello(p, end, &type, &for_me))
			return v2_bad_frame(con, "malformed hello");
		if (type != MONC_ENTITY_TYPE_MON)
			return v2_bad_frame(con, "peer is not a monitor");
		/* our address: the IP the monitor sees, port 0 */
		v2->me.type = MONC_ADDR_TYPE_ANY;
		v2->me.nonce = get_random_u32();
		v2->me.ss = for_me.ss;
		if (for_me.ss.ss_family == AF_INET)
			((struct sockaddr_in *)&v2->me.ss)->sin_port = 0;
		else if (for_me.ss.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&v2->me.ss)->sin6_port = 0;
		v2->state = V2_AUTH;
		v2->need_auth_request = true;
		return 0;
	case MONC_V2_TAG_AUTH_BAD_METHOD:
	case MONC_V2_TAG_AUTH_REPLY_MORE:
	case MONC_V2_TAG_AUTH_DONE:
		return v2_process_auth(con, f);
	case MONC_V2_TAG_AUTH_SIGNATURE:
		if (v2->state != V2_AUTH_SIGN)
			return v2_bad_frame(con, "auth signature out of turn");
		if (f->desc.len[0] < MONC_V2_SIG_LEN)
			return v2_bad_frame(con, "short auth signature");
		if (crypto_memneq(p, v2->peer_sig, MONC_V2_SIG_LEN))
			return v2_bad_frame(con, "bad auth signature");
		v2->state = V2_IDENT;
		v2->need_ident = true;
		return 0;
	case MONC_V2_TAG_SERVER_IDENT:
		if (v2->state != V2_IDENT)
			return v2_bad_frame(con, "server ident out of turn");
		if (monc_v2_decode_server_ident(p, end, &id))
			return v2_bad_frame(con, "malformed server ident");
		if (!monc_addr_equal(&id.addr.ss, &con->peer.ss))
			return v2_bad_frame(con, "server ident names another monitor");
		if (MONC_FEATURES_REQUIRED & ~id.features_supported) {
			pr_err_ratelimited("%pISpc: monitor lacks features %llx\n",
					   &con->peer.ss,
					   MONC_FEATURES_REQUIRED &
					   ~id.features_supported);
			return -EOPNOTSUPP;
		}
		con->features = monc_supported_features & id.features_supported;
		v2->state = V2_READY;
		monc_con_opened(con);
		v2->in_state = IN2_PREAMBLE;
		return 0;
	case MONC_V2_TAG_IDENT_MISSING_FEATURES:
		if (v2->state != V2_IDENT)
			return v2_bad_frame(con, "missing features out of turn");
		if (monc_dec_u64(&p, end, &seq))
			return v2_bad_frame(con, "malformed missing features");
		pr_err_ratelimited("%pISpc: monitor requires features %llx\n",
				   &con->peer.ss, seq);
		return -EOPNOTSUPP;
	case MONC_V2_TAG_WAIT:
	case MONC_V2_TAG_SESSION_RESET:
	case MONC_V2_TAG_SESSION_RETRY:
	case MONC_V2_TAG_SESSION_RETRY_GLOBAL:
		if (v2->state != V2_IDENT && v2->state != V2_READY)
			return v2_bad_frame(con, "session frame out of turn");
		/* lossy: a new connection is the answer to all of them */
		pr_debug("%pISpc: msgr2 tag %u: reconnect\n", &con->peer.ss,
			 f->desc.tag);
		return -ECONNRESET;
	case MONC_V2_TAG_MESSAGE:
		if (v2->state != V2_READY)
			return v2_bad_frame(con, "message before the session");
		return v2_process_message(con, f);
	case MONC_V2_TAG_KEEPALIVE2:
		if (v2->state != V2_READY ||
		    f->desc.len[0] < sizeof(v2->ka_stamp))
			return v2_bad_frame(con, "bad keepalive2");
		memcpy(v2->ka_stamp, p, sizeof(v2->ka_stamp));
		con->need_keepalive_ack = true;
		return 0;
	case MONC_V2_TAG_KEEPALIVE2_ACK:
		if (v2->state != V2_READY ||
		    monc_v2_decode_keepalive2_ack(p, end, &sec, &nsec))
			return v2_bad_frame(con, "bad keepalive2 ack");
		WRITE_ONCE(con->last_keepalive_ack, jiffies ? jiffies : 1);
		con->keepalive_rtt_ns = ktime_to_ns(ktime_sub(ktime_get(),
							      con->t_keepalive));
		return 0;
	case MONC_V2_TAG_ACK:
		if (v2->state != V2_READY || monc_v2_decode_ack(p, end, &seq))
			return v2_bad_frame(con, "bad ack");
		monc_con_drop_acked(con, seq);
		return 0;
	default:
		return v2_bad_frame(con, "unexpected frame");
	}
}

static int v2_process_banner(struct monc_conn *con)
{
	struct monc_v2 *v2 = con->v2;
	int ret;

	ret = monc_v2_decode_banner_payload(v2->rx.p, v2->rx_want,
					    &v2->peer_features);
	if (ret) {
		pr_err_ratelimited("%pISpc: msgr2 banner: %s\n", &con->peer.ss,
				   ret == -EOPNOTSUPP ? "feature mismatch" :
				   "truncated");
		return ret;
	}
	v2->state = V2_HELLO;
	v2->in_state = IN2_PREAMBLE;
	v2->need_hello = true;
	return 0;
}

/* Read v2->rx_want bytes into the receive buffer at @off. */
static int v2_read(struct monc_conn *con, u32 off)
{
	struct monc_v2 *v2 = con->v2;
	int ret, err;

	v2->rx.len = off;	/* a bigger buffer keeps the preamble */
	if (v2_buf_reserve(&v2->rx, max_t(u32, off + v2->rx_want,
					  MONC_V2_RX_MIN)))
		return -ENOMEM;
	ret = monc_con_read(con, v2->rx.p + off, v2->rx_want);
	if (ret > 0 && v2_signing(v2)) {
		/* -EMSGSIZE past the bound, or -ENOMEM: not a long frame */
		err = v2_sign_add(&v2->sign_rx, v2->rx.p + off, v2->rx_want);
		if (err)
			return err;
	}
	return ret;
}

static const char *v2_preamble_error(const struct monc_v2 *v2, int err)
{
	if (err == -EBADMSG)
		return v2->secure ? "GCM tag or crc" : "crc";
	if (err == -EINVAL)
		return "tag, segments or lengths";
	return v2->secure ? "cipher error" : "error";
}

static int v2_try_read(struct monc_conn *con)
{
	struct monc_v2 *v2 = con->v2;
	struct monc_v2_frame f;
	size_t need;
	u16 plen;
	int ret;

	if (v2->err)
		return v2->err;
	for (;;) {
		if (con->nr_ready >= MONC_RX_BUDGET)
			return 0;
		switch (v2->in_state) {
		case IN2_PREFIX:
			v2->rx_want = MONC_V2_BANNER_PREFIX_LEN;
			ret = v2_read(con, 0);
			if (ret <= 0)
				break;
			ret = monc_v2_decode_banner_prefix(v2->rx.p, &plen);
			if (ret) {
				pr_err_ratelimited("%pISpc: not a msgr2 peer (bad banner)\n",
						   &con->peer.ss);
				return -EPROTO;
			}
			v2->rx_want = plen;
			v2->in_state = IN2_PAYLOAD;
			ret = 1;
			break;
		case IN2_PAYLOAD:
			ret = v2_read(con, 0);
			if (ret > 0)
				ret = v2_process_banner(con) ?: 1;
			break;
		case IN2_PREAMBLE:
			v2->rx_want = v2->secure ? MONC_V2_SECURE_HEAD_LEN :
						   MONC_V2_PREAMBLE_LEN;
			ret = v2_read(con, 0);
			if (ret <= 0)
				break;
			if (v2->secure)
				ret = monc_v2_open_secure_head(&v2->gcm, v2->rx.p,
							       &v2->desc);
			else
				ret = monc_v2_decode_preamble(v2->rx.p,
							      &v2->desc);
			if (ret) {
				pr_err_ratelimited("%pISpc: msgr2: bad preamble (%s)\n",
						   &con->peer.ss,
						   v2_preamble_error(v2, ret));
				return ret;
			}
			if (v2->desc.nseg > 1 &&
			    v2->desc.tag != MONC_V2_TAG_MESSAGE) {
				pr_err_ratelimited("%pISpc: msgr2: control frame tag %u with %u segments\n",
						   &con->peer.ss, v2->desc.tag,
						   v2->desc.nseg);
				return -EPROTO;
			}
			v2->rx_want = v2->secure ?
				monc_v2_secure_rest_len(&v2->desc) :
				monc_v2_frame_rest_len(&v2->desc);
			v2->in_state = IN2_REST;
			ret = 1;
			break;
		case IN2_REST:
			if (v2->secure) {
				ret = v2_read(con, MONC_V2_SECURE_HEAD_LEN);
				if (ret <= 0)
					break;
				ret = monc_v2_open_secure_rest(&v2->gcm, v2->rx.p,
							       &v2->desc, &f);
			} else {
				ret = v2_read(con, MONC_V2_PREAMBLE_LEN);
				if (ret <= 0)
					break;
				ret = monc_v2_parse_frame(v2->rx.p,
							  MONC_V2_PREAMBLE_LEN +
							  v2->rx_want, &f,
							  &need);
			}
			if (ret) {
				pr_err_ratelimited("%pISpc: msgr2: bad frame tag %u (%s)\n",
						   &con->peer.ss, v2->desc.tag,
						   ret == -EBADMSG ?
						   (v2->secure ? "GCM tag" : "crc") :
						   "malformed or aborted");
				return ret;
			}
			v2->in_state = IN2_PREAMBLE;
			ret = v2_process_frame(con, &f) ?: 1;
			break;
		case IN2_STOP:
			return 0;
		default:
			return -EINVAL;
		}
		if (ret <= 0)
			return ret;
	}
}

/* ---------------------------------------------------------------------- */
/* Hooks */

static int v2_start(struct monc_conn *con)
{
	struct monc_v2 *v2;

	v2 = monc_kzalloc(sizeof(*v2), GFP_NOFS);
	if (!v2)
		return -ENOMEM;
	con->v2 = v2;
	v2->state = V2_BANNER;
	v2->in_state = IN2_PREFIX;
	monc_v2_encode_banner(v2->banner);
	if (v2_sign_add(&v2->sign_tx, v2->banner, sizeof(v2->banner))) {
		kfree(v2);
		con->v2 = NULL;
		return -ENOMEM;
	}
	monc_con_out_add(con, v2->banner, sizeof(v2->banner));
	return 0;
}

static void v2_kill(struct monc_conn *con)
{
	struct monc_v2 *v2 = con->v2;

	v2_buf_free(&v2->rx);
	v2_buf_free(&v2->tx);
	v2_buf_free(&v2->sign_rx);
	v2_buf_free(&v2->sign_tx);
	v2->need_hello = false;
	v2->need_auth_request = false;
	v2->need_auth_retry = false;
	v2->need_signature = false;
	v2->need_ident = false;
	v2->in_state = IN2_STOP;
	v2->secure = false;
	monc_gcm_free(&v2->gcm);
}

static void v2_release(struct monc_conn *con)
{
	if (!con->v2)
		return;
	v2_kill(con);
	kfree_sensitive(con->v2);
	con->v2 = NULL;
}

/*
 * Secure mode from here on, both ways: key AES-GCM with the connection
 * secret. It takes cephx: auth none has no key material.
 */
static int v2_start_secure(struct monc_conn *con, u32 key_len,
			   const u8 *secret, u32 secret_len)
{
	struct monc_v2 *v2 = con->v2;
	int ret;

	if (!key_len || secret_len < MONC_GCM_SECRET_LEN) {
		pr_err_ratelimited("%pISpc: msgr2: secure mode without a connection secret (%u bytes)\n",
				   &con->peer.ss, secret_len);
		return -EPROTO;
	}
	ret = monc_gcm_init(&v2->gcm, secret, secret_len);
	if (ret)
		return ret;
	v2->secure = true;
	return 0;
}

/* HMAC-SHA256 of @b keyed by @key, or zeros without a key (auth none). */
static int v2_sign(const u8 *key, u32 key_len, const struct monc_v2_buf *b,
		   u8 *out)
{
	if (!key_len) {
		memset(out, 0, MONC_V2_SIG_LEN);
		return 0;
	}
	return monc_hmac_sha256(key, key_len, b->p, b->len, out);
}

/*
 * AUTH_DONE was handed to the session, which took the session key from
 * it: sign what we received with it, work out the signature the peer must
 * send (of what we sent), and let the peer's frames in again.
 */
static bool v2_after_dispatch(struct monc_conn *con)
{
	struct monc_v2 *v2 = con->v2;
	u8 key[MONC_KEY_MAX_LEN];
	u8 secret[MONC_MAX_CON_SECRET_LEN];
	u32 key_len = sizeof(key), secret_len = sizeof(secret);
	int ret = 0;
	bool run = false;

	mutex_lock(&con->mutex);
	run = v2->state == V2_AUTH_KEY && con->state != CON_DEAD;
	mutex_unlock(&con->mutex);
	if (!run)
		return false;
	if (con->ops->session_key) {
		ret = con->ops->session_key(con->priv, con, key, &key_len,
					    secret, &secret_len);
	} else {
		key_len = 0;
		secret_len = 0;
	}

	mutex_lock(&con->mutex);
	if (v2->state != V2_AUTH_KEY || con->state == CON_DEAD) {
		run = false;
		goto out;
	}
	if (!ret && v2->con_mode == MONC_V2_CON_MODE_SECURE)
		ret = v2_start_secure(con, key_len, secret, secret_len);
	if (!ret)
		ret = v2_sign(key, key_len, &v2->sign_rx, v2->sig) ?:
		      v2_sign(key, key_len, &v2->sign_tx, v2->peer_sig);
	v2_buf_free(&v2->sign_rx);
	v2_buf_free(&v2->sign_tx);
	v2->state = V2_AUTH_SIGN;
	v2->in_state = IN2_PREAMBLE;
	if (ret) {
		pr_err_ratelimited("%pISpc: msgr2: cannot key or sign the session: %d\n",
				   &con->peer.ss, ret);
		v2->err = ret;		/* try_read returns it */
	} else {
		v2->need_signature = true;
	}
out:
	mutex_unlock(&con->mutex);
	memzero_explicit(key, sizeof(key));
	memzero_explicit(secret, sizeof(secret));
	return run;
}

const struct monc_con_proto monc_v2_proto = {
	.start = v2_start,
	.try_read = v2_try_read,
	.try_write = v2_try_write,
	.has_output = v2_has_output,
	.kill = v2_kill,
	.after_dispatch = v2_after_dispatch,
	.release = v2_release,
	.mode = v2_mode,
};
