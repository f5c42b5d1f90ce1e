// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the msgr v1 connection (messenger_glue.c).
 *
 * Known-answer vectors come from shared/protocol/raw-v1-client-statfs.txt,
 * frames a Pacific ceph-mon sent and received: the header fields and the
 * CRCs below are copied from that capture, never computed here, so an
 * encoder or decoder that disagrees with the real monitor fails.
 *
 * Most cases drive a connection over a test pipe (bytes in, bytes out, no
 * socket), synchronously. The loopback cases use real kernel TCP sockets
 * on 127.0.0.1: the test plays the monitor.
 */
#define pr_fmt(fmt) "monc: " fmt

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/crc32c.h>
#include <linux/delay.h>
#include <linux/in.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "../internal.h"

#define FEAT_SERVER	0x3f01cfbdfffdffffULL	/* Pacific's, from the capture */
#define FEAT_MIN	0x0401020042040000ULL	/* a client without MSG_AUTH */
#define FEAT_MSG_AUTH	BIT_ULL(23)

#define TAG_READY		1
#define TAG_RESETSESSION	2
#define TAG_WAIT		3
#define TAG_RETRY_SESSION	4
#define TAG_RETRY_GLOBAL	5
#define TAG_CLOSE		6
#define TAG_MSG			7
#define TAG_ACK			8
#define TAG_BADPROTOVER		10
#define TAG_BADAUTHORIZER	11
#define TAG_FEATURES		12
#define TAG_SEQ			13
#define TAG_KEEPALIVE2		14
#define TAG_KEEPALIVE2_ACK	15

/* KUNIT_EXPECT_MEMEQ is newer than 6.1. */
static ssize_t first_diff(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;
	size_t i;

	for (i = 0; i < n; i++)
		if (x[i] != y[i])
			return i;
	return -1;
}

#define EXPECT_MEMEQ(test, a, b, n)					\
	KUNIT_EXPECT_EQ_MSG(test, first_diff(a, b, n), (ssize_t)-1,	\
			    "first differing byte")

#define HDR_LEN		53
#define BANNER_OUT_LEN	(9 + 136)
#define CONNECT_LEN	33
#define REPLY_LEN	26

/* MAuth hello front, client -> monitor (stream 0, seq 1). */
static const u8 cap_mauth_front[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1e, 0x00,
	0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08,
	0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x61, 0x64, 0x6d, 0x69, 0x6e,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* MMonMap front, monitor -> client (stream 0, seq 2). */
static const u8 cap_monmap_front[] = {
	0xa6, 0x00, 0x00, 0x00, 0x09, 0x06, 0xa0, 0x00, 0x00, 0x00, 0x11, 0x11,
	0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44, 0x55, 0x55, 0x55, 0x55,
	0x55, 0x55, 0x01, 0x00, 0x00, 0x00, 0x63, 0xd6, 0x04, 0x6b, 0x04, 0xbb,
	0xd5, 0x34, 0x63, 0xd6, 0x04, 0x6b, 0x04, 0xbb, 0xd5, 0x34, 0x01, 0x01,
	0x08, 0x00, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x61, 0x05,
	0x01, 0x35, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x61, 0x02, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x1c, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x02, 0x00,
	0x1a, 0x85, 0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x61, 0x10, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
};

/* MStatfsReply front (streams 0 and 1). */
static const u8 cap_statfs_front[] = {
	0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44, 0x55, 0x55,
	0x55, 0x55, 0x55, 0x55, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* A frame as the capture describes it. */
struct cap_frame {
	const char *name;
	u64 seq, tid;
	u16 type, prio, version, compat;
	u8 src_type;
	u64 src_num;
	const u8 *front;
	u32 front_len;
	u32 hdr_crc, front_crc;
	bool msg_auth;		/* 21-byte footer */
};

static const struct cap_frame cap_mauth_21 = {
	"MAuth hello, 21-byte footer", 1, 0, MONC_MSG_AUTH, 127, 1, 1,
	MONC_ENTITY_TYPE_CLIENT, (u64)-1, cap_mauth_front,
	sizeof(cap_mauth_front), 0xe2ab4b69, 0x35a7635b, true,
};

static const struct cap_frame cap_mauth_13 = {
	"MAuth hello, 13-byte footer", 1, 0, MONC_MSG_AUTH, 127, 1, 1,
	MONC_ENTITY_TYPE_CLIENT, (u64)-1, cap_mauth_front,
	sizeof(cap_mauth_front), 0xe2ab4b69, 0x35a7635b, false,
};

static const struct cap_frame cap_monmap = {
	"MMonMap, 21-byte footer", 2, 0, MONC_MSG_MON_MAP, 196, 1, 1,
	MONC_ENTITY_TYPE_MON, 0, cap_monmap_front, sizeof(cap_monmap_front),
	0xe21f77c1, 0x1531c21d, true,
};

static const struct cap_frame cap_statfs_21 = {
	"MStatfsReply, 21-byte footer", 6, 1, MONC_MSG_STATFS_REPLY, 196, 1, 1,
	MONC_ENTITY_TYPE_MON, 0, cap_statfs_front, sizeof(cap_statfs_front),
	0xfc53c8e4, 0x55daaf7b, true,
};

static const struct cap_frame cap_statfs_13 = {
	"MStatfsReply, 13-byte footer", 7, 1, MONC_MSG_STATFS_REPLY, 196, 1, 1,
	MONC_ENTITY_TYPE_MON, 0, cap_statfs_front, sizeof(cap_statfs_front),
	0x3bd576e6, 0x55daaf7b, false,
};

/* Offsets in a MSG frame (after its tag byte). */
#define OFF_SEQ		1
#define OFF_FRONT_LEN	(1 + 22)
#define OFF_MIDDLE_LEN	(1 + 26)
#define OFF_DATA_LEN	(1 + 30)
#define OFF_HDR_CRC	(1 + 49)
#define OFF_FRONT	(1 + HDR_LEN)

/* Assemble a whole MSG frame from the capture's fields. */
static size_t build_frame(u8 *buf, size_t len, const struct cap_frame *f)
{
	void *p = buf, *end = buf + len;
	int err = 0;

	err |= monc_enc_u8(&p, end, TAG_MSG);
	err |= monc_enc_u64(&p, end, f->seq);
	err |= monc_enc_u64(&p, end, f->tid);
	err |= monc_enc_u16(&p, end, f->type);
	err |= monc_enc_u16(&p, end, f->prio);
	err |= monc_enc_u16(&p, end, f->version);
	err |= monc_enc_u32(&p, end, f->front_len);
	err |= monc_enc_u32(&p, end, 0);	/* middle */
	err |= monc_enc_u32(&p, end, 0);	/* data */
	err |= monc_enc_u16(&p, end, 0);	/* data_off */
	err |= monc_enc_u8(&p, end, f->src_type);
	err |= monc_enc_u64(&p, end, f->src_num);
	err |= monc_enc_u16(&p, end, f->compat);
	err |= monc_enc_u16(&p, end, 0);	/* reserved */
	err |= monc_enc_u32(&p, end, f->hdr_crc);
	err |= monc_enc_copy(&p, end, f->front, f->front_len);
	err |= monc_enc_u32(&p, end, f->front_crc);
	err |= monc_enc_u32(&p, end, 0);	/* middle crc */
	err |= monc_enc_u32(&p, end, 0);	/* data crc */
	if (f->msg_auth)
		err |= monc_enc_u64(&p, end, 0);	/* sig */
	err |= monc_enc_u8(&p, end, MONC_MSG_FOOTER_COMPLETE);
	return err ? 0 : p - (void *)buf;
}

/* Recompute a frame's header CRC after a deliberate change. */
static void frame_fix_hdr_crc(u8 *frame)
{
	put_unaligned_le32(crc32c(0, frame + 1, HDR_LEN - 4),
			   frame + OFF_HDR_CRC);
}

/* ---------------------------------------------------------------------- */
/* A fake owner: records the callbacks. */

enum { ALLOC_OK, ALLOC_SKIP, ALLOC_FAIL, ALLOC_SMALL, ALLOC_SKIP_MONMAP };

struct owner {
	struct kunit *test;
	spinlock_t lock;		/* msgs and the counters */
	struct list_head msgs;
	int nr_dispatch;
	int nr_fault;
	int fault_err;
	int alloc_mode;
	bool callback_after_fault;
	wait_queue_head_t wq;
	struct mutex session_mutex;	/* plays the session's mutex */
	bool close_in_dispatch;
	bool close_in_fault;
	struct monc_conn *con;
};

static void owner_dispatch(void *priv, struct monc_conn *con,
			   struct monc_msg *msg)
{
	struct owner *o = priv;

	if (o->close_in_dispatch) {
		mutex_lock(&o->session_mutex);
		if (o->con) {
			monc_tcp_transport.close(o->con);
			o->con = NULL;
		}
		mutex_unlock(&o->session_mutex);
	}
	spin_lock(&o->lock);
	if (o->nr_fault)
		o->callback_after_fault = true;
	list_add_tail(&msg->list, &o->msgs);
	o->nr_dispatch++;
	spin_unlock(&o->lock);
	wake_up(&o->wq);
}

static void owner_fault(void *priv, struct monc_conn *con, int err)
{
	struct owner *o = priv;

	if (o->close_in_fault) {
		mutex_lock(&o->session_mutex);
		if (o->con) {
			monc_tcp_transport.close(o->con);
			o->con = NULL;
		}
		mutex_unlock(&o->session_mutex);
	}
	spin_lock(&o->lock);
	if (o->nr_fault)
		o->callback_after_fault = true;
	o->nr_fault++;
	o->fault_err = err;
	spin_unlock(&o->lock);
	wake_up(&o->wq);
}

static struct monc_msg *owner_alloc(void *priv, struct monc_conn *con,
				    const struct monc_msg_header *hdr,
				    int *skip)
{
	struct owner *o = priv;
	u32 front = le32_to_cpu(hdr->front_len);
	u16 type = le16_to_cpu(hdr->type);

	*skip = 0;
	switch (o->alloc_mode) {
	case ALLOC_SKIP:
		*skip = 1;
		return NULL;
	case ALLOC_FAIL:
		return NULL;
	case ALLOC_SMALL:
		return monc_msg_new(type, front / 2, GFP_NOFS);
	case ALLOC_SKIP_MONMAP:
		if (type == MONC_MSG_MON_MAP) {
			*skip = 1;
			return NULL;
		}
		break;
	}
	if (front > 4096 || le32_to_cpu(hdr->middle_len) ||
	    le32_to_cpu(hdr->data_len)) {
		*skip = 1;
		return NULL;
	}
	return monc_msg_new(type, front, GFP_NOFS);
}

static const struct monc_conn_ops owner_ops = {
	.dispatch = owner_dispatch,
	.fault = owner_fault,
	.alloc_msg = owner_alloc,
};

static void owner_init(struct kunit *test, struct owner *o)
{
	memset(o, 0, sizeof(*o));
	o->test = test;
	spin_lock_init(&o->lock);
	INIT_LIST_HEAD(&o->msgs);
	init_waitqueue_head(&o->wq);
	mutex_init(&o->session_mutex);
}

static void owner_release(struct owner *o)
{
	struct monc_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, &o->msgs, list) {
		list_del_init(&msg->list);
		monc_msg_put(msg);
	}
}

static struct monc_msg *owner_first(struct owner *o)
{
	return list_first_entry_or_null(&o->msgs, struct monc_msg, list);
}

/* ---------------------------------------------------------------------- */
/* Test pipe fixture */

struct fx {
	struct owner o;
	struct monc_msgr_test_pipe tp;
	struct monc_conn *con;
	bool keep_seq;		/* fx_feed leaves in_seq alone */
	u8 in[4096];
	u8 out[4096];
};

static void fx_free(struct fx *fx)
{
	if (fx->con)
		monc_tcp_transport.close(fx->con);
	fx->con = NULL;
	owner_release(&fx->o);
}

/* A failed assertion skips the test's fx_free(): the resource does it. */
static int fx_res_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void fx_res_free(struct kunit_resource *res)
{
	fx_free(res->data);
}

static struct fx *fx_new(struct kunit *test, u64 features)
{
	struct fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	owner_init(test, &fx->o);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, fx_res_init,
							 fx_res_free,
							 GFP_KERNEL, fx));
	fx->tp.in = fx->in;
	fx->tp.out = fx->out;
	fx->tp.out_cap = sizeof(fx->out);
	fx->con = monc_msgr_test_open(&owner_ops, &fx->o, &fx->tp, features);
	KUNIT_ASSERT_NOT_NULL(test, fx->con);
	return fx;
}

/*
 * The first frame fed continues the captured stream: the connection's
 * incoming seq starts just before that frame's.
 */
static void fx_feed(struct fx *fx, const void *buf, size_t len)
{
	const u8 *b = buf;

	if (!fx->tp.in_len && len > OFF_SEQ + 8 && b[0] == TAG_MSG &&
	    !fx->keep_seq) {
		u64 seq = get_unaligned_le64(b + OFF_SEQ);

		if (seq)
			monc_msgr_test_set_in_seq(fx->con, seq - 1);
	}
	memcpy(fx->in + fx->tp.in_len, buf, len);
	fx->tp.in_len += len;
}

/* ---------------------------------------------------------------------- */
/* Encoding */

static const struct cap_frame *const encode_cases[] = {
	&cap_mauth_21, &cap_mauth_13,
};

static void cap_desc(const struct cap_frame *const *f, char *desc)
{
	strscpy(desc, (*f)->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(encode, encode_cases, cap_desc);

/* Build the MAuth hello front from its documented layout. */
static void build_hello_front(struct kunit *test, struct monc_msg *msg)
{
	void *p = msg->front, *end = msg->front + msg->front_alloc;
	void *len_at;
	int err = 0;

	err |= monc_enc_u64(&p, end, 0);		/* paxos version */
	err |= monc_enc_u16(&p, end, 0xffff);	/* session_mon */
	err |= monc_enc_u64(&p, end, 0);		/* paxos tid */
	err |= monc_enc_u32(&p, end, 0);		/* protocol: hello */
	len_at = p;
	err |= monc_enc_u32(&p, end, 0);		/* payload len */
	err |= monc_enc_u8(&p, end, 1);		/* struct_v */
	err |= monc_enc_u32(&p, end, 1);		/* one method */
	err |= monc_enc_u32(&p, end, MONC_AUTH_NONE);
	err |= monc_enc_u32(&p, end, MONC_ENTITY_TYPE_CLIENT);
	err |= monc_enc_str(&p, end, "admin", 5);
	err |= monc_enc_u64(&p, end, 0);		/* global_id */
	put_unaligned_le32(p - (len_at + 4), len_at);
	err |= monc_enc_u32(&p, end, 0);		/* monmap epoch */
	KUNIT_ASSERT_EQ(test, err, 0);
	msg->front_len = p - msg->front;
}

static void msgr_encode_mauth_hello(struct kunit *test)
{
	const struct cap_frame *f = *(const struct cap_frame **)test->param_value;
	u64 features = f->msg_auth ? monc_supported_features : FEAT_MIN;
	u8 *want = kunit_kzalloc(test, 256, GFP_KERNEL);
	u8 *got = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct monc_msg *msg;
	size_t want_len;
	ssize_t got_len;

	/* the frame offsets this file uses are the header's */
	BUILD_BUG_ON(sizeof(struct monc_msg_header) != HDR_LEN);
	BUILD_BUG_ON(offsetof(struct monc_msg_header, front_len) !=
		     OFF_FRONT_LEN - 1);
	BUILD_BUG_ON(offsetof(struct monc_msg_header, middle_len) !=
		     OFF_MIDDLE_LEN - 1);
	BUILD_BUG_ON(offsetof(struct monc_msg_header, data_len) !=
		     OFF_DATA_LEN - 1);
	BUILD_BUG_ON(offsetof(struct monc_msg_header, crc) != OFF_HDR_CRC - 1);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, got);
	want_len = build_frame(want, 256, f);
	KUNIT_ASSERT_GT(test, want_len, 0);

	msg = monc_msg_new(MONC_MSG_AUTH, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	build_hello_front(test, msg);
	KUNIT_EXPECT_EQ(test, msg->front_len, sizeof(cap_mauth_front));
	EXPECT_MEMEQ(test, msg->front, cap_mauth_front, sizeof(cap_mauth_front));

	/* monc_msg_new's defaults are the hello's: v1, compat 1, client.-1 */
	got_len = monc_msgr_encode_frame(msg, 1, features, got, 256);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg->hdr.crc), 0xe2ab4b69);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg->footer.front_crc), 0x35a7635b);
	KUNIT_EXPECT_EQ(test, got_len, (ssize_t)want_len);
	if (got_len == want_len)
		EXPECT_MEMEQ(test, got, want, want_len);

	/* too small a buffer is refused, not overrun */
	KUNIT_EXPECT_EQ(test, monc_msgr_encode_frame(msg, 1, features, got,
						     want_len - 1),
			(ssize_t)-ENOSPC);
	monc_msg_put(msg);
}

/* ---------------------------------------------------------------------- */
/* Decoding the captured frames */

struct decode_case {
	const struct cap_frame *f;
	size_t chunk;
	const char *name;
};

static const struct decode_case decode_cases[] = {
	{ &cap_monmap, 0, "MMonMap, 21-byte footer, at once" },
	{ &cap_monmap, 1, "MMonMap, 21-byte footer, byte by byte" },
	{ &cap_statfs_21, 0, "MStatfsReply, 21-byte footer, at once" },
	{ &cap_statfs_21, 1, "MStatfsReply, 21-byte footer, byte by byte" },
	{ &cap_statfs_13, 0, "MStatfsReply, 13-byte footer, at once" },
	{ &cap_statfs_13, 7, "MStatfsReply, 13-byte footer, 7 bytes a read" },
};

static void decode_desc(const struct decode_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decode, decode_cases, decode_desc);

static u64 features_for(const struct cap_frame *f)
{
	return f->msg_auth ? (monc_supported_features & FEAT_SERVER) : FEAT_MIN;
}

static void msgr_decode_captured(struct kunit *test)
{
	const struct decode_case *c = test->param_value;
	const struct cap_frame *f = c->f;
	struct fx *fx = fx_new(test, features_for(f));
	struct monc_msgr_test_info info;
	u8 frame[512], ack[9];
	struct monc_msg *msg;
	size_t len;

	len = build_frame(frame, sizeof(frame), f);
	KUNIT_ASSERT_GT(test, len, 0);
	fx_feed(fx, frame, len);
	fx->tp.chunk = c->chunk;
	monc_msgr_test_run(fx->con);

	KUNIT_EXPECT_EQ(test, fx->o.nr_fault, 0);
	KUNIT_ASSERT_EQ(test, fx->o.nr_dispatch, 1);
	msg = owner_first(&fx->o);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(msg->hdr.type), f->type);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(msg->hdr.seq), f->seq);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(msg->hdr.tid), f->tid);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(msg->hdr.version), f->version);
	KUNIT_EXPECT_EQ(test, msg->hdr.src.type, f->src_type);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg->footer.front_crc), f->front_crc);
	KUNIT_ASSERT_EQ(test, msg->front_len, f->front_len);
	EXPECT_MEMEQ(test, msg->front, f->front, f->front_len);

	/* the message is acked: TAG_ACK + le64 seq */
	ack[0] = TAG_ACK;
	put_unaligned_le64(f->seq, ack + 1);
	KUNIT_ASSERT_EQ(test, fx->tp.out_len, sizeof(ack));
	EXPECT_MEMEQ(test, fx->out, ack, sizeof(ack));
	monc_msgr_test_info(fx->con, &info);
	KUNIT_EXPECT_EQ(test, info.in_seq, f->seq);
	KUNIT_EXPECT_TRUE(test, info.open);
	fx_free(fx);
}

/* ---------------------------------------------------------------------- */
/* Bad frames */

struct bad_case {
	const char *name;
	void (*mutate)(u8 *frame, size_t *len, struct owner *o);
	int err;
	int dispatched;
};

static void mut_hdr_crc(u8 *f, size_t *len, struct owner *o)
{
	f[OFF_HDR_CRC] ^= 0x01;
}

static void mut_hdr_field(u8 *f, size_t *len, struct owner *o)
{
	f[OFF_SEQ + 1] ^= 0x80;
}

static void mut_front_over(u8 *f, size_t *len, struct owner *o)
{
	put_unaligned_le32((16U << 20) + 1, f + OFF_FRONT_LEN);
	frame_fix_hdr_crc(f);
}

static void mut_front_huge(u8 *f, size_t *len, struct owner *o)
{
	put_unaligned_le32(0xffffffff, f + OFF_FRONT_LEN);
	frame_fix_hdr_crc(f);
}

static void mut_middle_over(u8 *f, size_t *len, struct owner *o)
{
	put_unaligned_le32((16U << 20) + 1, f + OFF_MIDDLE_LEN);
	frame_fix_hdr_crc(f);
}

static void mut_data_over(u8 *f, size_t *len, struct owner *o)
{
	put_unaligned_le32((64U << 20) + 1, f + OFF_DATA_LEN);
	frame_fix_hdr_crc(f);
}

static void mut_front_byte(u8 *f, size_t *len, struct owner *o)
{
	f[OFF_FRONT + 3] ^= 0x10;
}

static void mut_front_crc(u8 *f, size_t *len, struct owner *o)
{
	f[OFF_FRONT + sizeof(cap_statfs_front)] ^= 0x01;
}

static void mut_middle_crc(u8 *f, size_t *len, struct owner *o)
{
	f[OFF_FRONT + sizeof(cap_statfs_front) + 4] = 0x01;
}

static void mut_nocrc(u8 *f, size_t *len, struct owner *o)
{
	f[*len - 1] |= MONC_MSG_FOOTER_NOCRC;
}

static void mut_tag_unknown(u8 *f, size_t *len, struct owner *o)
{
	f[0] = 0x42;
}

static void mut_tag_zero(u8 *f, size_t *len, struct owner *o)
{
	f[0] = 0;
}

static void mut_tag_ready(u8 *f, size_t *len, struct owner *o)
{
	f[0] = TAG_READY;	/* a handshake tag, once open */
}

static void mut_tag_close(u8 *f, size_t *len, struct owner *o)
{
	f[0] = TAG_CLOSE;
}

static void mut_alloc_fail(u8 *f, size_t *len, struct owner *o)
{
	o->alloc_mode = ALLOC_FAIL;
}

static void mut_then_garbage(u8 *f, size_t *len, struct owner *o)
{
	f[*len] = 0xff;		/* a good frame, then a bad tag */
	*len += 1;
}

static const struct bad_case bad_cases[] = {
	{ "header crc flipped", mut_hdr_crc, -EBADMSG, 0 },
	{ "header field flipped", mut_hdr_field, -EBADMSG, 0 },
	{ "front_len over 16 MiB", mut_front_over, -EMSGSIZE, 0 },
	{ "front_len 0xffffffff", mut_front_huge, -EMSGSIZE, 0 },
	{ "middle_len over 16 MiB", mut_middle_over, -EMSGSIZE, 0 },
	{ "data_len over 64 MiB", mut_data_over, -EMSGSIZE, 0 },
	{ "front byte flipped", mut_front_byte, -EBADMSG, 0 },
	{ "footer front crc flipped", mut_front_crc, -EBADMSG, 0 },
	{ "footer middle crc without middle", mut_middle_crc, -EBADMSG, 0 },
	{ "footer NOCRC not negotiated", mut_nocrc, -EBADMSG, 0 },
	{ "unknown tag 0x42", mut_tag_unknown, -EPROTO, 0 },
	{ "tag 0", mut_tag_zero, -EPROTO, 0 },
	{ "handshake tag READY once open", mut_tag_ready, -EPROTO, 0 },
	{ "tag CLOSE", mut_tag_close, -ECONNRESET, 0 },
	{ "alloc_msg fails without skip", mut_alloc_fail, -ENOMEM, 0 },
	{ "good frame, then a bad tag", mut_then_garbage, -EPROTO, 1 },
};

static void bad_desc(const struct bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_desc);

static void msgr_bad_frame(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct fx *fx = fx_new(test, features_for(&cap_statfs_21));
	struct monc_msgr_test_info info;
	u8 frame[512];
	size_t len;

	len = build_frame(frame, sizeof(frame), &cap_statfs_21);
	KUNIT_ASSERT_GT(test, len, 0);
	c->mutate(frame, &len, &fx->o);
	fx_feed(fx, frame, len);
	monc_msgr_test_run(fx->con);

	KUNIT_EXPECT_EQ(test, fx->o.nr_fault, 1);
	KUNIT_EXPECT_EQ(test, fx->o.fault_err, c->err);
	KUNIT_EXPECT_EQ(test, fx->o.nr_dispatch, c->dispatched);
	monc_msgr_test_info(fx->con, &info);
	KUNIT_EXPECT_TRUE(test, info.dead);

	/* a dead connection stays silent */
	fx_feed(fx, frame, len);
	monc_msgr_test_run(fx->con);
	KUNIT_EXPECT_EQ(test, fx->o.nr_fault, 1);
	KUNIT_EXPECT_EQ(test, fx->o.nr_dispatch, c->dispatched);
	KUNIT_EXPECT_FALSE(test, fx->o.callback_after_fault);
	fx_free(fx);
}

/*
 * A frame cut at every byte: with EOF there, exactly one fault and no
 * message; without EOF, nothing happens until the rest arrives, and then
 * the message is whole.
 */
static void msgr_truncated_each_byte(struct kunit *test)
{
	u8 frame[512];
	size_t len, n;

	len = build_frame(frame, sizeof(frame), &cap_statfs_21);
	KUNIT_ASSERT_GT(test, len, 0);
	for (n = 0; n < len; n++) {
		struct fx *fx = fx_new(test, features_for(&cap_statfs_21));

		monc_msgr_test_set_in_seq(fx->con, 5);	/* seq 6 is next */
		fx->keep_seq = true;
		fx_feed(fx, frame, n);
		fx->tp.eof = true;
		monc_msgr_test_run(fx->con);
		KUNIT_EXPECT_EQ_MSG(test, fx->o.nr_fault, 1, "cut at %zu", n);
		KUNIT_EXPECT_EQ_MSG(test, fx->o.fault_err, -ECONNRESET,
				    "cut at %zu", n);
		KUNIT_EXPECT_EQ_MSG(test, fx->o.nr_dispatch, 0, "cut at %zu", n);
		fx_free(fx);

		fx = fx_new(test, features_for(&cap_statfs_21));
		monc_msgr_test_set_in_seq(fx->con, 5);
		fx->keep_seq = true;
		fx_feed(fx, frame, n);
		monc_msgr_test_run(fx->con);
		KUNIT_EXPECT_EQ_MSG(test, fx->o.nr_fault + fx->o.nr_dispatch,
				    0, "resume at %zu", n);
		/* no ack for a message not yet whole */
		KUNIT_EXPECT_EQ_MSG(test, fx->tp.out_len, 0, "resume at %zu", n);
		fx_feed(fx, frame + n, len - n);
		monc_msgr_test_run(fx->con);
		KUNIT_EXPECT_EQ_MSG(test, fx->o.nr_fault, 0, "resume at %zu", n);
		KUNIT_EXPECT_EQ_MSG(test, fx->o.nr_dispatch, 1,
				    "resume at %zu", n);
		fx_free(fx);
	}
}

/* Skipped, duplicate and too-small messages are read past, not faulted. */
static void msgr_skip_and_duplicates(struct kunit *test)
{
	struct fx *fx = fx_new(test, features_for(&cap_statfs_21));
	struct monc_msgr_test_info info;
	u8 frame[512], statfs[256], ack[9];
	size_t len, slen;

	fx->o.alloc_mode = ALLOC_SKIP_MONMAP;
	len = build_frame(frame, sizeof(frame), &cap_monmap);	/* seq 2 */
	slen = build_frame(statfs, sizeof(statfs), &cap_statfs_21);
	put_unaligned_le64(3, statfs + OFF_SEQ);		/* seq 3 */
	frame_fix_hdr_crc(statfs);
	fx_feed(fx, frame, len);
	fx_feed(fx, statfs, slen);
	fx_feed(fx, frame, len);	/* seq 2 again: a duplicate */
	fx_feed(fx, statfs, slen);	/* seq 3 again */
	fx->tp.chunk = 3;
	monc_msgr_test_run(fx->con);
	KUNIT_EXPECT_EQ(test, fx->o.nr_fault, 0);
	KUNIT_EXPECT_EQ(test, fx->o.nr_dispatch, 1);
	monc_msgr_test_info(fx->con, &info);
	KUNIT_EXPECT_EQ(test, info.in_seq, 3);
	ack[0] = TAG_ACK;
	put_unaligned_le64(3, ack + 1);
	KUNIT_ASSERT_EQ(test, fx->tp.out_len, sizeof(ack));
	EXPECT_MEMEQ(test, fx->out, ack, sizeof(ack));
	fx_free(fx);

	/* alloc_msg returning a message without room: skipped */
	fx = fx_new(test, features_for(&cap_statfs_21));
	fx->o.alloc_mode = ALLOC_SMALL;
	fx_feed(fx, statfs, slen);
	monc_msgr_test_run(fx->con);
	KUNIT_EXPECT_EQ(test, fx->o.nr_fault, 0);
	KUNIT_EXPECT_EQ(test, fx->o.nr_dispatch, 0);
	monc_msgr_test_info(fx->con, &info);
	KUNIT_EXPECT_EQ(test, info.in_seq, 3);
	fx_free(fx);
}

/*
 * Issue #16 item 6: a gap in the incoming seq is a lost message: the
 * connection faults with -EBADE (as libceph) and dispatches nothing. A
 * hostile seq of U64_MAX, which would make every later message a
 * "duplicate", is such a gap.
 */
static void msgr_seq_gap_faults(struct kunit *test)
{
	static const u64 seqs[] = { 3, 7, U64_MAX };
	struct monc_msgr_test_info info;
	u8 frame[256];
	struct fx *fx;
	size_t len;
	int i;

	for (i = 0; i < ARRAY_SIZE(seqs); i++) {
		fx = fx_new(test, features_for(&cap_statfs_21));
		fx->keep_seq = true;
		monc_msgr_test_set_in_seq(fx->con, 1);
		len = build_frame(frame, sizeof(frame), &cap_statfs_21);
		put_unaligned_le64(seqs[i], frame + OFF_SEQ);
		frame_fix_hdr_crc(frame);
		fx_feed(fx, frame, len);
		/* the next in order, behind it: never delivered */
		put_unaligned_le64(2, frame + OFF_SEQ);
		frame_fix_hdr_crc(frame);
		fx_feed(fx, frame, len);
		monc_msgr_test_run(fx->con);
		KUNIT_EXPECT_EQ_MSG(test, fx->o.nr_fault, 1, "seq %llu",
				    seqs[i]);
		KUNIT_EXPECT_EQ_MSG(test, fx->o.fault_err, -EBADE, "seq %llu",
				    seqs[i]);
		KUNIT_EXPECT_EQ_MSG(test, fx->o.nr_dispatch, 0, "seq %llu",
				    seqs[i]);
		monc_msgr_test_info(fx->con, &info);
		KUNIT_EXPECT_EQ(test, info.in_seq, 1);
		fx_free(fx);
	}

	/* in order, the same frames go through */
	fx = fx_new(test, features_for(&cap_statfs_21));
	fx->keep_seq = true;
	monc_msgr_test_set_in_seq(fx->con, 1);
	for (i = 2; i <= 3; i++) {
		put_unaligned_le64(i, frame + OFF_SEQ);
		frame_fix_hdr_crc(frame);
		fx_feed(fx, frame, len);
	}
	monc_msgr_test_run(fx->con);
	KUNIT_EXPECT_EQ(test, fx->o.nr_fault, 0);
	KUNIT_EXPECT_EQ(test, fx->o.nr_dispatch, 2);
	fx_free(fx);
}

static bool ka_moved(struct monc_conn *con, unsigned long before)
{
	return time_after(monc_tcp_transport.last_keepalive_ack(con), before);
}

/* Sent messages stay until acked; ACK drops them. Keepalive2 both ways. */
static void msgr_ack_and_keepalive(struct kunit *test)
{
	struct fx *fx = fx_new(test, features_for(&cap_statfs_21));
	struct monc_msgr_test_info info;
	u8 in[32], frame[256];
	struct monc_msg *msg;
	unsigned long before;
	size_t flen;
	int i;

	for (i = 0; i < 3; i++) {
		msg = monc_msg_new(MONC_MSG_AUTH, 64, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, msg);
		build_hello_front(test, msg);
		KUNIT_ASSERT_EQ(test, monc_tcp_transport.send(fx->con, msg), 0);
	}
	monc_msgr_test_run(fx->con);
	monc_msgr_test_info(fx->con, &info);
	KUNIT_EXPECT_EQ(test, info.out_seq, 3);
	KUNIT_EXPECT_EQ(test, info.nr_sent, 3);
	/* the first of them is the captured hello, byte for byte */
	flen = build_frame(frame, sizeof(frame), &cap_mauth_21);
	KUNIT_ASSERT_GE(test, fx->tp.out_len, 3 * flen);
	EXPECT_MEMEQ(test, fx->out, frame, flen);
	KUNIT_EXPECT_EQ(test, fx->out[flen], TAG_MSG);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(fx->out + flen + 1), 2);

	in[0] = TAG_ACK;
	put_unaligned_le64(2, in + 1);
	fx_feed(fx, in, 9);
	monc_msgr_test_run(fx->con);
	monc_msgr_test_info(fx->con, &info);
	KUNIT_EXPECT_EQ(test, info.nr_sent, 1);

	/* our keepalive2: tag + 8-byte stamp; its ack moves the clock */
	fx->tp.out_len = 0;
	monc_tcp_transport.keepalive(fx->con);
	monc_msgr_test_run(fx->con);
	KUNIT_ASSERT_EQ(test, fx->tp.out_len, 9);
	KUNIT_EXPECT_EQ(test, fx->out[0], TAG_KEEPALIVE2);
	before = monc_tcp_transport.last_keepalive_ack(fx->con);
	KUNIT_EXPECT_NE(test, before, 0);
	msleep(20);
	in[0] = TAG_KEEPALIVE2_ACK;
	memcpy(in + 1, fx->out + 1, 8);
	fx_feed(fx, in, 9);
	monc_msgr_test_run(fx->con);
	KUNIT_EXPECT_TRUE(test, ka_moved(fx->con, before));

	/* the peer's keepalive2 is answered with the same stamp */
	fx->tp.out_len = 0;
	in[0] = TAG_KEEPALIVE2;
	put_unaligned_le64(0x1122334455667788ULL, in + 1);
	fx_feed(fx, in, 9);
	monc_msgr_test_run(fx->con);
	KUNIT_ASSERT_EQ(test, fx->tp.out_len, 9);
	KUNIT_EXPECT_EQ(test, fx->out[0], TAG_KEEPALIVE2_ACK);
	EXPECT_MEMEQ(test, fx->out + 1, in + 1, 8);
	KUNIT_EXPECT_EQ(test, fx->o.nr_fault, 0);
	fx_free(fx);
}

/* ---------------------------------------------------------------------- */
/* The handshake: one case per connect_reply tag */

struct reply_case {
	const char *name;
	u8 tag;
	u64 features;
	u32 global_seq, connect_seq, auth_len;
	int repeat;		/* the reply, this many times */
	bool bad_banner;
	int err;		/* expected fault, 0 for none */
	bool open;
};

static const struct reply_case reply_cases[] = {
	{ "READY", TAG_READY, FEAT_SERVER, 25, 1, 0, 1, false, 0, true },
	{ "SEQ", TAG_SEQ, FEAT_SERVER, 25, 1, 0, 1, false, 0, true },
	{ "SEQ with a 16-byte authorizer reply", TAG_SEQ, FEAT_SERVER, 25, 1,
	  16, 1, false, 0, true },
	{ "RETRY_SESSION", TAG_RETRY_SESSION, FEAT_SERVER, 25, 7, 0, 1, false,
	  0, false },
	{ "RETRY_GLOBAL", TAG_RETRY_GLOBAL, FEAT_SERVER, 100000, 0, 0, 1,
	  false, 0, false },
	{ "RETRY_SESSION 6 times", TAG_RETRY_SESSION, FEAT_SERVER, 25, 7, 0,
	  6, false, -EPROTO, false },
	{ "RESETSESSION", TAG_RESETSESSION, FEAT_SERVER, 0, 0, 0, 1, false,
	  -ECONNRESET, false },
	{ "WAIT", TAG_WAIT, FEAT_SERVER, 0, 0, 0, 1, false, -EAGAIN, false },
	{ "BADPROTOVER", TAG_BADPROTOVER, FEAT_SERVER, 0, 0, 0, 1, false,
	  -EPROTONOSUPPORT, false },
	{ "BADAUTHORIZER", TAG_BADAUTHORIZER, FEAT_SERVER, 0, 0, 0, 1, false,
	  -EACCES, false },
	{ "FEATURES", TAG_FEATURES, FEAT_MIN | BIT_ULL(62), 0, 0, 0, 1, false,
	  -EOPNOTSUPP, false },
	{ "unknown tag 99", 99, FEAT_SERVER, 0, 0, 0, 1, false, -EPROTO,
	  false },
	{ "READY without KEEPALIVE2", TAG_READY, FEAT_SERVER & ~BIT_ULL(42),
	  25, 1, 0, 1, false, -EPROTONOSUPPORT, false },
	{ "authorizer reply of 5000 bytes", TAG_SEQ, FEAT_SERVER, 25, 1, 5000,
	  1, false, -EPROTO, false },
	{ "bad banner", TAG_READY, FEAT_SERVER, 25, 1, 0, 1, true, -EPROTO,
	  false },
	/* connect_seq other than ours + 1: logged; SEQ cannot be trusted */
	{ "READY with connect_seq 5", TAG_READY, FEAT_SERVER, 25, 5, 0, 1,
	  false, 0, true },
	{ "SEQ with connect_seq 0", TAG_SEQ, FEAT_SERVER, 25, 0, 0, 1, false,
	  -EPROTO, false },
	{ "SEQ with connect_seq 2", TAG_SEQ, FEAT_SERVER, 25, 2, 0, 1, false,
	  -EPROTO, false },
	{ "RETRY_SESSION with connect_seq 0", TAG_RETRY_SESSION, FEAT_SERVER,
	  25, 0, 0, 1, false, -EPROTO, false },
};

static void reply_desc(const struct reply_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(reply, reply_cases, reply_desc);

static size_t build_server_banner(u8 *buf, size_t len, bool bad)
{
	struct monc_entity_addr a = { .type = 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&a.ss;
	void *p = buf, *end = buf + len;

	monc_enc_copy(&p, end, bad ? "ceph v028" : "ceph v027", 9);
	in->sin_family = AF_INET;
	in->sin_port = htons(6789);
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	monc_enc_addr_legacy(&p, end, &a);
	in->sin_port = htons(33698);
	monc_enc_addr_legacy(&p, end, &a);
	return p - (void *)buf;
}

static size_t build_reply(u8 *buf, size_t len, const struct reply_case *c)
{
	void *p = buf, *end = buf + len;

	monc_enc_u8(&p, end, c->tag);
	monc_enc_u64(&p, end, c->features);
	monc_enc_u32(&p, end, c->global_seq);
	monc_enc_u32(&p, end, c->connect_seq);
	monc_enc_u32(&p, end, 15);
	monc_enc_u32(&p, end, c->auth_len);
	monc_enc_u8(&p, end, 1);
	if (c->auth_len && c->auth_len < 64) {
		memset(p, 0xaa, c->auth_len);
		p += c->auth_len;
	}
	return p - (void *)buf;
}

static void check_connect(struct kunit *test, const u8 *c, u32 gseq,
			  u32 cseq)
{
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(c), monc_supported_features);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(c + 8), 8);	/* client */
	if (gseq)
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(c + 12), gseq);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(c + 16), cseq);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(c + 20), 15);	/* protocol */
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(c + 24), 0);	/* auth proto */
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(c + 28), 0);	/* auth len */
	KUNIT_EXPECT_EQ(test, c[32], 1);				/* lossy */
}

static void msgr_connect_reply(struct kunit *test)
{
	const struct reply_case *c = test->param_value;
	struct fx *fx = fx_new(test, 0);
	struct monc_msgr_test_info info;
	u8 buf[512];
	size_t len, want_out;
	int i;

	/* our banner is out before anything arrives */
	monc_msgr_test_run(fx->con);
	KUNIT_ASSERT_EQ(test, fx->tp.out_len, BANNER_OUT_LEN);
	EXPECT_MEMEQ(test, fx->out, "ceph v027", 9);
	KUNIT_EXPECT_EQ(test, fx->o.nr_fault, 0);

	len = build_server_banner(buf, sizeof(buf), c->bad_banner);
	fx_feed(fx, buf, len);
	for (i = 0; i < c->repeat; i++) {
		len = build_reply(buf, sizeof(buf), c);
		fx_feed(fx, buf, len);
	}
	if (c->tag == TAG_SEQ) {
		put_unaligned_le64(0, buf);
		fx_feed(fx, buf, 8);
	}
	fx->tp.chunk = 5;
	monc_msgr_test_run(fx->con);

	monc_msgr_test_info(fx->con, &info);
	KUNIT_EXPECT_EQ(test, info.open, c->open);
	KUNIT_EXPECT_EQ(test, fx->o.nr_fault, c->err ? 1 : 0);
	if (c->err)
		KUNIT_EXPECT_EQ(test, fx->o.fault_err, c->err);
	if (c->bad_banner) {
		KUNIT_EXPECT_EQ(test, fx->tp.out_len, BANNER_OUT_LEN);
		goto out;
	}
	if (fx->tp.out_len >= BANNER_OUT_LEN + CONNECT_LEN)
		check_connect(test, fx->out + BANNER_OUT_LEN, 0, 0);

	want_out = BANNER_OUT_LEN + CONNECT_LEN;
	if (c->open) {
		KUNIT_EXPECT_EQ(test, info.features,
				monc_supported_features & c->features);
		KUNIT_EXPECT_NE(test, monc_tcp_transport.peer_features(fx->con),
				0);
		if (c->tag == TAG_SEQ) {
			/* our in_seq, le64 0, follows */
			want_out += 8;
			KUNIT_EXPECT_EQ(test, get_unaligned_le64(fx->out +
					want_out - 8), 0);
		}
	} else {
		KUNIT_EXPECT_EQ(test, monc_tcp_transport.peer_features(fx->con),
				0);
	}
	if (c->tag == TAG_RETRY_SESSION && !c->err) {
		/* a second connect, with the peer's connect_seq */
		want_out += CONNECT_LEN;
		if (fx->tp.out_len == want_out)
			check_connect(test, fx->out + want_out - CONNECT_LEN,
				      info.global_seq, c->connect_seq);
	}
	if (c->tag == TAG_RETRY_GLOBAL) {
		want_out += CONNECT_LEN;
		KUNIT_EXPECT_GT(test, info.global_seq, c->global_seq);
		if (fx->tp.out_len == want_out)
			check_connect(test, fx->out + want_out - CONNECT_LEN,
				      c->global_seq + 1, 0);
	}
	if (!c->err || c->tag != TAG_RETRY_SESSION)
		KUNIT_EXPECT_EQ(test, fx->tp.out_len, want_out);
out:
	KUNIT_EXPECT_FALSE(test, fx->o.callback_after_fault);
	fx_free(fx);
}

/*
 * A peer stalling mid-frame: no fault and no hang; keepalive2 still goes
 * out, and its ack cannot come, so the session's keepalive timeout sees it.
 */
static void msgr_stall_mid_frame(struct kunit *test)
{
	struct fx *fx = fx_new(test, features_for(&cap_statfs_21));
	unsigned long before;
	u8 frame[512];
	size_t len;

	len = build_frame(frame, sizeof(frame), &cap_statfs_21);
	fx_feed(fx, frame, len / 2);
	monc_msgr_test_run(fx->con);
	before = monc_tcp_transport.last_keepalive_ack(fx->con);
	monc_tcp_transport.keepalive(fx->con);
	msleep(20);
	monc_msgr_test_run(fx->con);
	KUNIT_ASSERT_EQ(test, fx->tp.out_len, 9);
	KUNIT_EXPECT_EQ(test, fx->out[0], TAG_KEEPALIVE2);
	KUNIT_EXPECT_EQ(test, monc_tcp_transport.last_keepalive_ack(fx->con),
			before);
	KUNIT_EXPECT_EQ(test, fx->o.nr_fault, 0);
	KUNIT_EXPECT_EQ(test, fx->o.nr_dispatch, 0);
	/* the rest arrives late: the frame is whole */
	fx_feed(fx, frame + len / 2, len - len / 2);
	monc_msgr_test_run(fx->con);
	KUNIT_EXPECT_EQ(test, fx->o.nr_dispatch, 1);
	fx_free(fx);
}

/*
 * Messages sent before the handshake ends wait for it; a socket that takes
 * 7 bytes at a time still gets every byte, in order.
 */
static void msgr_queued_and_partial_writes(struct kunit *test)
{
	struct fx *fx = fx_new(test, 0);
	u8 *all = kunit_kzalloc(test, 2048, GFP_KERNEL);
	u8 *want = kunit_kzalloc(test, 1024, GFP_KERNEL);
	struct monc_msgr_test_info info;
	struct monc_msg *msg;
	size_t all_len = 0, flen, off;
	u8 buf[512];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, all);
	KUNIT_ASSERT_NOT_NULL(test, want);
	for (i = 0; i < 2; i++) {
		msg = monc_msg_new(MONC_MSG_AUTH, 64, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, msg);
		build_hello_front(test, msg);
		KUNIT_ASSERT_EQ(test, monc_tcp_transport.send(fx->con, msg), 0);
	}
	fx_feed(fx, buf, build_server_banner(buf, sizeof(buf), false));
	fx_feed(fx, buf, build_reply(buf, sizeof(buf), &(struct reply_case){
		"SEQ", TAG_SEQ, FEAT_SERVER, 25, 1, 0, 1, false, 0, true }));
	put_unaligned_le64(0, buf);
	fx_feed(fx, buf, 8);
	for (i = 0; i < 200; i++) {
		fx->tp.out_len = 0;
		fx->tp.out_cap = 7;
		monc_msgr_test_run(fx->con);
		KUNIT_ASSERT_LE(test, all_len + fx->tp.out_len, 2048);
		memcpy(all + all_len, fx->out, fx->tp.out_len);
		all_len += fx->tp.out_len;

		if (!fx->tp.out_len)
			break;
	}
	monc_msgr_test_info(fx->con, &info);
	KUNIT_EXPECT_TRUE(test, info.open);
	KUNIT_EXPECT_EQ(test, fx->o.nr_fault, 0);

	/* banner, connect, in_seq, then the two hellos, seq 1 and 2 */
	flen = build_frame(want, 1024, &cap_mauth_21);
	off = BANNER_OUT_LEN + CONNECT_LEN + 8;
	KUNIT_ASSERT_EQ(test, all_len, off + 2 * flen);
	KUNIT_EXPECT_EQ(test, memcmp(all, "ceph v027", 9), 0);
	check_connect(test, all + BANNER_OUT_LEN, 0, 0);
	EXPECT_MEMEQ(test, all + off, want, flen);
	put_unaligned_le64(2, want + OFF_SEQ);
	frame_fix_hdr_crc(want);
	EXPECT_MEMEQ(test, all + off + flen, want, flen);
	fx_free(fx);
}

/* ---------------------------------------------------------------------- */
/* Message pools */

static void msgr_msgpool(struct kunit *test)
{
	struct monc_msgpool pool;
	struct monc_msg *a, *b, *c, *big;

	KUNIT_ASSERT_EQ(test, monc_msgpool_init(&pool, MONC_MSG_STATFS_REPLY,
						128, 2), 0);
	KUNIT_EXPECT_EQ(test, pool.nr_free, 2);
	a = monc_msgpool_get(&pool, 56, GFP_KERNEL);
	b = monc_msgpool_get(&pool, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, pool.nr_free, 0);
	KUNIT_EXPECT_EQ(test, a->front_len, 56);
	KUNIT_EXPECT_EQ(test, a->front_alloc, 128);
	KUNIT_EXPECT_PTR_EQ(test, a->pool, &pool);
	/* empty: a fresh one that still goes back to the pool */
	c = monc_msgpool_get(&pool, 10, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	/* bigger than the pool's messages: a message of its own */
	big = monc_msgpool_get(&pool, 1000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_EXPECT_NULL(test, big->pool);
	KUNIT_EXPECT_EQ(test, big->front_alloc, 1000);

	monc_msg_get(a);
	monc_msg_put(a);
	KUNIT_EXPECT_EQ(test, pool.nr_free, 0);
	monc_msg_put(a);
	KUNIT_EXPECT_EQ(test, pool.nr_free, 1);
	monc_msg_put(b);
	monc_msg_put(c);	/* pool full again: c is freed */
	KUNIT_EXPECT_EQ(test, pool.nr_free, 2);
	monc_msg_put(big);
	/* a returned message comes back reset */
	a = monc_msgpool_get(&pool, 20, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(a->hdr.type), MONC_MSG_STATFS_REPLY);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(a->hdr.seq), 0);
	KUNIT_EXPECT_EQ(test, kref_read(&a->kref), 1);
	monc_msg_put(a);
	monc_msgpool_destroy(&pool);

	/*
	 * Issue #16 item 12: a vmalloc'ed front (kvmalloc's fallback for the
	 * 8 KiB auth fronts) is freed after the pool's spinlock is dropped;
	 * monc_msg_free() asserts that to lockdep.
	 */
	KUNIT_ASSERT_EQ(test, monc_msgpool_init(&pool, MONC_MSG_AUTH_REPLY,
						8192, 2), 0);
	a = list_first_entry(&pool.free, struct monc_msg, list);
	kvfree(a->front);
	a->front = vzalloc(8192);
	KUNIT_ASSERT_NOT_NULL(test, a->front);
	monc_msgpool_destroy(&pool);
	KUNIT_EXPECT_EQ(test, pool.nr_free, 0);

	/* big fronts come from kvmalloc; absurd ones are refused */
	big = monc_msg_new(MONC_MSG_OSD_MAP, 4 << 20, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	monc_msg_put(big);
	KUNIT_EXPECT_NULL(test, monc_msg_new(MONC_MSG_OSD_MAP, 0xffffffff,
					     GFP_KERNEL));
}

/* ---------------------------------------------------------------------- */
/* Loopback: the test plays the monitor on a kernel socket. */

struct srv {
	struct socket *lsock;
	struct socket *sock;
	struct monc_entity_addr addr;
};

static int srv_listen_family(struct kunit *test, struct srv *s, int family)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&s->addr.ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&s->addr.ss;
	int ret, len;

	memset(s, 0, sizeof(*s));
	ret = sock_create_kern(&init_net, family, SOCK_STREAM, IPPROTO_TCP,
			       &s->lsock);
	if (ret)
		return ret;
	if (family == AF_INET6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		len = sizeof(*in6);
	} else {
		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*in);
	}
	ret = kernel_bind(s->lsock, (struct sockaddr_unsized *)&s->addr.ss,
			  len);
	if (!ret)
		ret = kernel_listen(s->lsock, 4);
	if (!ret)
		ret = kernel_getsockname(s->lsock,
					 (struct sockaddr *)&s->addr.ss) < 0;
	s->lsock->sk->sk_rcvtimeo = 5 * HZ;
	s->addr.type = MONC_ADDR_TYPE_LEGACY;
	return ret;
}

static int srv_listen(struct kunit *test, struct srv *s)
{
	return srv_listen_family(test, s, AF_INET);
}

static int srv_accept(struct srv *s)
{
	int ret = kernel_accept(s->lsock, &s->sock, 0);

	if (ret)
		return ret;
	s->sock->sk->sk_rcvtimeo = 5 * HZ;
	s->sock->sk->sk_sndtimeo = 5 * HZ;
	tcp_sock_set_nodelay(s->sock->sk);
	return 0;
}

static void srv_close(struct srv *s)
{
	if (s->sock)
		sock_release(s->sock);
	if (s->lsock)
		sock_release(s->lsock);
	s->sock = NULL;
	s->lsock = NULL;
}

static int srv_read(struct srv *s, void *buf, size_t len)
{
	struct msghdr m = { .msg_flags = MSG_WAITALL };
	struct kvec kv = { buf, len };
	int ret = kernel_recvmsg(s->sock, &m, &kv, 1, len, m.msg_flags);

	return ret == len ? 0 : (ret < 0 ? ret : -EIO);
}

static int srv_write(struct srv *s, const void *buf, size_t len)
{
	struct msghdr m = { };
	struct kvec kv = { (void *)buf, len };
	int ret = kernel_sendmsg(s->sock, &m, &kv, 1, len);

	return ret == len ? 0 : (ret < 0 ? ret : -EIO);
}

/* The server's side of the handshake. */
static void srv_handshake(struct kunit *test, struct srv *s)
{
	static const struct reply_case seq = {
		"SEQ", TAG_SEQ, FEAT_SERVER, 25, 1, 0, 1, false, 0, true
	};
	u8 buf[512];
	size_t len;

	KUNIT_ASSERT_EQ(test, srv_accept(s), 0);
	KUNIT_ASSERT_EQ(test, srv_read(s, buf, BANNER_OUT_LEN), 0);
	KUNIT_ASSERT_EQ(test, memcmp(buf, "ceph v027", 9), 0);
	len = build_server_banner(buf, sizeof(buf), false);
	KUNIT_ASSERT_EQ(test, srv_write(s, buf, len), 0);
	KUNIT_ASSERT_EQ(test, srv_read(s, buf, CONNECT_LEN), 0);
	check_connect(test, buf, 0, 0);
	len = build_reply(buf, sizeof(buf), &seq);
	put_unaligned_le64(0, buf + len);
	KUNIT_ASSERT_EQ(test, srv_write(s, buf, len + 8), 0);
	KUNIT_ASSERT_EQ(test, srv_read(s, buf, 8), 0);	/* our in_seq */
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(buf), 0);
}

#define WAIT_FOR(o, cond) \
	wait_event_timeout((o)->wq, (cond), 5 * HZ)

static bool poll_for(bool (*f)(struct monc_conn *, unsigned long),
		     struct monc_conn *con, unsigned long arg)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (f(con, arg))
			return true;
		usleep_range(10000, 12000);
	}
	return false;
}

static bool is_open(struct monc_conn *con, unsigned long arg)
{
	return monc_tcp_transport.peer_features(con) != 0;
}

static void msgr_loopback(struct kunit *test)
{
	struct owner *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
	u8 *want = kunit_kzalloc(test, 1024, GFP_KERNEL);
	struct monc_msg *msg;
	unsigned long before;
	struct monc_conn *con;
	ktime_t t0;
	struct srv s;
	struct monc_msgr_test_info info;
	size_t len, i;
	int base;

	KUNIT_ASSERT_NOT_NULL(test, o);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, want);
	owner_init(test, o);
	KUNIT_ASSERT_EQ(test, srv_listen(test, &s), 0);
	base = monc_msgr_test_nr_conns();

	con = monc_tcp_transport.open(&s.addr, &owner_ops, o);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(con));
	srv_handshake(test, &s);
	monc_msgr_test_set_in_seq(con, 5);	/* the capture's stream */
	KUNIT_EXPECT_TRUE(test, poll_for(is_open, con, 0));
	monc_msgr_test_info(con, &info);
	KUNIT_EXPECT_GT(test, info.handshake_ns, 0);
	kunit_info(test, "handshake on loopback: %lld us\n",
		   info.handshake_ns / 1000);
	KUNIT_EXPECT_EQ(test, monc_tcp_transport.peer_features(con),
			monc_supported_features & FEAT_SERVER);

	/* client -> server: the captured hello, byte for byte */
	msg = monc_msg_new(MONC_MSG_AUTH, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	build_hello_front(test, msg);
	KUNIT_ASSERT_EQ(test, monc_tcp_transport.send(con, msg), 0);
	len = build_frame(want, 1024, &cap_mauth_21);
	KUNIT_ASSERT_EQ(test, srv_read(&s, buf, len), 0);
	EXPECT_MEMEQ(test, buf, want, len);

	/* server -> client, and the client's ack */
	len = build_frame(want, 1024, &cap_statfs_21);
	t0 = ktime_get();
	KUNIT_ASSERT_EQ(test, srv_write(&s, want, len), 0);
	KUNIT_EXPECT_GT(test, WAIT_FOR(o, o->nr_dispatch == 1), 0);
	kunit_info(test, "frame to dispatch on loopback: %lld us\n",
		   ktime_us_delta(ktime_get(), t0));
	KUNIT_ASSERT_EQ(test, srv_read(&s, buf, 9), 0);
	KUNIT_EXPECT_EQ(test, buf[0], TAG_ACK);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(buf + 1), 6);

	/* keepalive2 and its ack */
	before = monc_tcp_transport.last_keepalive_ack(con);
	msleep(20);
	monc_tcp_transport.keepalive(con);
	KUNIT_ASSERT_EQ(test, srv_read(&s, buf, 9), 0);
	KUNIT_EXPECT_EQ(test, buf[0], TAG_KEEPALIVE2);
	buf[0] = TAG_KEEPALIVE2_ACK;
	KUNIT_ASSERT_EQ(test, srv_write(&s, buf, 9), 0);
	KUNIT_EXPECT_TRUE(test, poll_for(ka_moved, con, before));

	/* the monmap, one byte per segment */
	len = build_frame(want, 1024, &cap_monmap);
	put_unaligned_le64(7, want + OFF_SEQ);
	frame_fix_hdr_crc(want);
	for (i = 0; i < len; i++) {
		KUNIT_ASSERT_EQ(test, srv_write(&s, want + i, 1), 0);
		if (i % 16 == 0)
			usleep_range(200, 400);
	}
	KUNIT_EXPECT_GT(test, WAIT_FOR(o, o->nr_dispatch == 2), 0);
	KUNIT_ASSERT_EQ(test, srv_read(&s, buf, 9), 0);
	KUNIT_EXPECT_EQ(test, buf[0], TAG_ACK);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(buf + 1), 7);
	KUNIT_EXPECT_EQ(test, o->nr_fault, 0);
	spin_lock(&o->lock);
	msg = list_last_entry(&o->msgs, struct monc_msg, list);
	spin_unlock(&o->lock);
	KUNIT_EXPECT_EQ(test, msg->front_len, sizeof(cap_monmap_front));
	EXPECT_MEMEQ(test, msg->front, cap_monmap_front,
		     sizeof(cap_monmap_front));

	/* half a frame, then the server goes away: one fault */
	len = build_frame(want, 1024, &cap_statfs_21);
	put_unaligned_le64(8, want + OFF_SEQ);
	frame_fix_hdr_crc(want);
	KUNIT_ASSERT_EQ(test, srv_write(&s, want, len / 2), 0);
	msleep(20);
	sock_release(s.sock);
	s.sock = NULL;
	KUNIT_EXPECT_GT(test, WAIT_FOR(o, o->nr_fault > 0), 0);
	msleep(100);
	KUNIT_EXPECT_EQ(test, o->nr_fault, 1);
	KUNIT_EXPECT_EQ(test, o->fault_err, -ECONNRESET);
	KUNIT_EXPECT_EQ(test, o->nr_dispatch, 2);
	KUNIT_EXPECT_FALSE(test, o->callback_after_fault);
	/* sending on a dead connection fails and consumes the message */
	msg = monc_msg_new(MONC_MSG_AUTH, 8, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, monc_tcp_transport.send(con, msg), -ENOTCONN);

	monc_tcp_transport.close(con);
	monc_tcp_transport.flush();
	KUNIT_EXPECT_EQ(test, monc_msgr_test_nr_conns(), base);
	srv_close(&s);
	owner_release(o);
}

/* The same over IPv6 (::1): handshake and a message each way. */
static void msgr_loopback_ipv6(struct kunit *test)
{
	struct owner *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
	u8 *want = kunit_kzalloc(test, 1024, GFP_KERNEL);
	struct monc_msg *msg;
	struct monc_conn *con;
	struct srv s;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, o);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, want);
	owner_init(test, o);
	KUNIT_ASSERT_EQ(test, srv_listen_family(test, &s, AF_INET6), 0);
	con = monc_tcp_transport.open(&s.addr, &owner_ops, o);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(con));
	srv_handshake(test, &s);
	monc_msgr_test_set_in_seq(con, 5);	/* the capture's stream */
	KUNIT_EXPECT_TRUE(test, poll_for(is_open, con, 0));

	msg = monc_msg_new(MONC_MSG_AUTH, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	build_hello_front(test, msg);
	KUNIT_ASSERT_EQ(test, monc_tcp_transport.send(con, msg), 0);
	len = build_frame(want, 1024, &cap_mauth_21);
	KUNIT_ASSERT_EQ(test, srv_read(&s, buf, len), 0);
	EXPECT_MEMEQ(test, buf, want, len);

	len = build_frame(want, 1024, &cap_statfs_21);
	KUNIT_ASSERT_EQ(test, srv_write(&s, want, len), 0);
	KUNIT_EXPECT_GT(test, WAIT_FOR(o, o->nr_dispatch == 1), 0);
	KUNIT_EXPECT_EQ(test, o->nr_fault, 0);
	monc_tcp_transport.close(con);
	monc_tcp_transport.flush();
	srv_close(&s);
	owner_release(o);
}

/* A bad CRC over a real socket: one fault, nothing after it. */
static void msgr_loopback_bad_crc(struct kunit *test)
{
	struct owner *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	u8 want[512];
	struct monc_conn *con;
	struct srv s;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, o);
	owner_init(test, o);
	KUNIT_ASSERT_EQ(test, srv_listen(test, &s), 0);
	con = monc_tcp_transport.open(&s.addr, &owner_ops, o);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(con));
	srv_handshake(test, &s);
	monc_msgr_test_set_in_seq(con, 5);	/* the capture's stream */
	len = build_frame(want, sizeof(want), &cap_statfs_21);
	want[OFF_FRONT] ^= 1;
	KUNIT_ASSERT_EQ(test, srv_write(&s, want, len), 0);
	/* a good frame after the bad one must not be delivered */
	want[OFF_FRONT] ^= 1;
	put_unaligned_le64(7, want + OFF_SEQ);
	frame_fix_hdr_crc(want);
	srv_write(&s, want, len);
	KUNIT_EXPECT_GT(test, WAIT_FOR(o, o->nr_fault > 0), 0);
	msleep(100);
	KUNIT_EXPECT_EQ(test, o->nr_fault, 1);
	KUNIT_EXPECT_EQ(test, o->fault_err, -EBADMSG);
	KUNIT_EXPECT_EQ(test, o->nr_dispatch, 0);
	monc_tcp_transport.close(con);
	monc_tcp_transport.flush();
	srv_close(&s);
	owner_release(o);
}

/* Nobody listening: one fault, -ECONNREFUSED. */
static void msgr_loopback_refused(struct kunit *test)
{
	struct owner *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	struct monc_conn *con;
	struct srv s;

	KUNIT_ASSERT_NOT_NULL(test, o);
	owner_init(test, o);
	KUNIT_ASSERT_EQ(test, srv_listen(test, &s), 0);
	srv_close(&s);		/* the port is now closed */
	con = monc_tcp_transport.open(&s.addr, &owner_ops, o);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(con));
	KUNIT_EXPECT_GT(test, WAIT_FOR(o, o->nr_fault > 0), 0);
	msleep(50);
	KUNIT_EXPECT_EQ(test, o->nr_fault, 1);
	KUNIT_EXPECT_EQ(test, o->fault_err, -ECONNREFUSED);
	KUNIT_EXPECT_EQ(test, monc_tcp_transport.peer_features(con), 0);
	KUNIT_EXPECT_EQ(test, monc_tcp_transport.last_keepalive_ack(con), 0);
	monc_tcp_transport.close(con);
	monc_tcp_transport.flush();
	owner_release(o);
}

/*
 * close() from inside dispatch and fault, with the "session mutex" held:
 * no deadlock, and no callback after it.
 */
static void msgr_loopback_close_in_callback(struct kunit *test)
{
	struct owner *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	u8 want[512];
	struct monc_conn *con;
	struct srv s;
	size_t len;
	int pass;

	KUNIT_ASSERT_NOT_NULL(test, o);
	for (pass = 0; pass < 2; pass++) {
		owner_init(test, o);
		o->close_in_dispatch = pass == 0;
		o->close_in_fault = pass == 1;
		KUNIT_ASSERT_EQ(test, srv_listen(test, &s), 0);
		con = monc_tcp_transport.open(&s.addr, &owner_ops, o);
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(con));
		mutex_lock(&o->session_mutex);
		o->con = con;
		mutex_unlock(&o->session_mutex);
		srv_handshake(test, &s);
		monc_msgr_test_set_in_seq(con, 5);
	monc_msgr_test_set_in_seq(con, 5);	/* the capture's stream */
		/* two frames in one segment: only the first is delivered */
		len = build_frame(want, sizeof(want), &cap_statfs_21);
		if (pass == 1)
			want[OFF_FRONT] ^= 1;	/* fault instead */
		KUNIT_ASSERT_EQ(test, srv_write(&s, want, len), 0);
		put_unaligned_le64(7, want + OFF_SEQ);
		frame_fix_hdr_crc(want);
		srv_write(&s, want, len);
		if (pass == 0)
			KUNIT_EXPECT_GT(test, WAIT_FOR(o, o->nr_dispatch > 0), 0);
		else
			KUNIT_EXPECT_GT(test, WAIT_FOR(o, o->nr_fault > 0), 0);
		msleep(100);
		monc_tcp_transport.flush();
		KUNIT_EXPECT_EQ(test, o->nr_dispatch, pass == 0 ? 1 : 0);
		KUNIT_EXPECT_EQ(test, o->nr_fault, pass == 1 ? 1 : 0);
		mutex_lock(&o->session_mutex);
		KUNIT_EXPECT_NULL(test, o->con);
		mutex_unlock(&o->session_mutex);
		srv_close(&s);
		owner_release(o);
	}
}

/* ---------------------------------------------------------------------- */

static bool own_wq;

static int msgr_suite_init(struct kunit_suite *suite)
{
	/* monc.ko's init creates monc_wq; cope with an older monc.ko */
	if (monc_wq)
		return 0;
	own_wq = true;
	return monc_messenger_init();
}

static void msgr_suite_exit(struct kunit_suite *suite)
{
	if (own_wq)
		monc_messenger_exit();
	own_wq = false;
}

static struct kunit_case msgr_wire_cases[] = {
	KUNIT_CASE_PARAM(msgr_encode_mauth_hello, encode_gen_params),
	KUNIT_CASE_PARAM(msgr_decode_captured, decode_gen_params),
	KUNIT_CASE_PARAM(msgr_bad_frame, bad_gen_params),
	KUNIT_CASE(msgr_truncated_each_byte),
	KUNIT_CASE(msgr_skip_and_duplicates),
	KUNIT_CASE(msgr_seq_gap_faults),
	KUNIT_CASE(msgr_ack_and_keepalive),
	KUNIT_CASE(msgr_stall_mid_frame),
	KUNIT_CASE(msgr_queued_and_partial_writes),
	KUNIT_CASE_PARAM(msgr_connect_reply, reply_gen_params),
	KUNIT_CASE(msgr_msgpool),
	{}
};

static struct kunit_suite msgr_wire_suite = {
	.name = "monc_msgr_wire",
	.suite_init = msgr_suite_init,
	.suite_exit = msgr_suite_exit,
	.test_cases = msgr_wire_cases,
};

static struct kunit_case msgr_loopback_cases[] = {
	KUNIT_CASE(msgr_loopback),
	KUNIT_CASE(msgr_loopback_ipv6),
	KUNIT_CASE(msgr_loopback_bad_crc),
	KUNIT_CASE(msgr_loopback_refused),
	KUNIT_CASE(msgr_loopback_close_in_callback),
	{}
};

static struct kunit_suite msgr_loopback_suite = {
	.name = "monc_msgr_loopback",
	.suite_init = msgr_suite_init,
	.suite_exit = msgr_suite_exit,
	.test_cases = msgr_loopback_cases,
};

kunit_test_suites(&msgr_wire_suite, &msgr_loopback_suite);

MODULE_DESCRIPTION("KUnit tests of monc's msgr v1 connection");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
