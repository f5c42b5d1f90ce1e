/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection both wire protocols share (messenger_glue.c: socket,
 * work, queues, lifetime, the transport ops) and the hooks each protocol
 * fills in: msgr v1 in messenger_glue.c, msgr2 in msgr2.c. Nothing outside
 * those two files includes this header.
 *
 * Lock order and callback rules: see messenger_glue.c. Every hook below is
 * called with monc_conn.mutex held, from the connection's work (or, for
 * @start, from open() before the work is first queued).
 */
#ifndef _MONC_MESSENGER_H
#define _MONC_MESSENGER_H

#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/uio.h>
#include <linux/workqueue.h>

#include "internal.h"

#define MONC_FEATURE_NOSRCADDR		BIT_ULL(1)
#define MONC_FEATURE_RECONNECT_SEQ	BIT_ULL(6)
#define MONC_FEATURE_MSGR_KEEPALIVE2	BIT_ULL(42)
#define MONC_FEATURES_REQUIRED	(MONC_FEATURE_NOSRCADDR | \
				 MONC_FEATURE_MSGR_KEEPALIVE2)

/* msgr v1 constants (include/linux/ceph/msgr.h). */
#define MONC_BANNER			"ceph v027"
#define MONC_BANNER_LEN			9

/* Messages received in one work run before dispatching and requeueing. */
#define MONC_RX_BUDGET			32

#define MONC_FOOTER_LEN		21
#define MONC_FOOTER_OLD_LEN	13

/* Connection states. */
enum {
	CON_BANNER,	/* connecting; banner + addr out, server banner in */
	CON_CONNECT,	/* ceph_msg_connect out, connect_reply in */
	CON_SEQ,	/* TAG_SEQ: acked seq in, our in_seq out */
	CON_OPEN,	/* tagged frames */
	CON_DEAD,	/* faulted or closed: no socket */
};

/* con->flags bits */
#define CON_F_CLOSED		0	/* close() was called */
#define CON_F_WRITE_PENDING	1	/* output waits for socket space */

#define MONC_BANNER_IN_LEN	(MONC_BANNER_LEN + 2 * MONC_LEGACY_ADDR_LEN)
#define MONC_OUT_BUF_LEN	(MONC_BANNER_LEN + MONC_LEGACY_ADDR_LEN)

struct monc_conn;

/**
 * struct monc_con_proto - one wire protocol under the shared connection
 * @start: set up the protocol's state and queue the first bytes (the
 *	banner); called from open(); 0 or -ENOMEM
 * @try_read: run the receive state machine until the socket is empty, the
 *	receive budget is used or an error; 0 or a negative error
 * @try_write: write whatever is due until the socket is full; 0 or a
 *	negative error
 * @has_output: whether @try_write has something to write
 * @kill: drop the protocol's buffers (the connection died or closed)
 * @after_dispatch: optional; called from the work after the received
 *	messages were dispatched, without the connection lock and only if the
 *	connection was not closed: a step that needs the owner's state;
 *	true to run the work again
 * @release: free the protocol's state (last reference gone)
 * @mode: the protocol and, once negotiated, its mode, for debugfs ("msgr1",
 *	"msgr2 crc", ...); called with the connection lock held
 */
struct monc_con_proto {
	int (*start)(struct monc_conn *con);
	int (*try_read)(struct monc_conn *con);
	int (*try_write)(struct monc_conn *con);
	bool (*has_output)(struct monc_conn *con);
	void (*kill)(struct monc_conn *con);
	bool (*after_dispatch)(struct monc_conn *con);
	void (*release)(struct monc_conn *con);
	const char *(*mode)(struct monc_conn *con);
};

struct monc_v2;

struct monc_conn {
	struct kref kref;
	struct mutex mutex;		/* the connection lock: all below */
	unsigned long flags;
	struct socket *sock;
	/* the socket's own callbacks, restored before release */
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	struct work_struct work;
	const struct monc_conn_ops *ops;
	void *priv;
	struct monc_entity_addr peer;
	const struct monc_con_proto *proto;
	struct monc_v2 *v2;		/* msgr2 only: its state */

	int state;
	int fault_err;		/* set once, when the connection dies */
	bool fault_reported;
	u64 features;		/* in effect, after the handshake */
	unsigned long last_keepalive_ack;
	ktime_t t_start;	/* open() */
	s64 handshake_ns;	/* open() to the end of the handshake */
	ktime_t t_keepalive;	/* last keepalive2 written */
	s64 keepalive_rtt_ns;	/* its round trip, once acked */
	u32 global_seq;
	u32 connect_seq;
	unsigned int connect_retries;
	unsigned int footer_len;

	/* transmit */
	struct list_head out_queue;	/* waiting to be written */
	struct list_head out_sent;	/* written, waiting for an ack */
	struct monc_msg *out_msg;	/* being written (ref held) */
	u64 out_seq;
	u64 in_seq_acked;		/* last seq we acked */
	bool need_connect;
	bool need_in_seq;
	bool need_keepalive;
	bool need_keepalive_ack;
	u8 keepalive_ack_stamp[8];
	struct kvec out_kv[5];
	unsigned int out_kv_cur, out_kv_nr;
	size_t out_resid;
	bool out_more;			/* the kvecs are an ack alone: MSG_MORE */
	u8 out_buf[MONC_OUT_BUF_LEN];
	u8 out_footer[MONC_FOOTER_LEN];

	/* receive */
	int in_state;
	u32 in_pos;		/* bytes of the current item already read */
	u32 in_skip;		/* IN_SKIP, IN_AUTHORIZER: bytes left */
	u64 in_skip_seq;	/* IN_SKIP: seq to count as received, or 0 */
	u64 in_seq;		/* last seq received whole */
	u8 in_tag;
	u8 in_banner[MONC_BANNER_IN_LEN];
	struct monc_wire_connect_reply in_reply;
	u8 in_le64[8];
	struct monc_msg_header in_hdr;
	u8 in_footer[MONC_FOOTER_LEN];
	struct monc_msg *in_msg;
	u8 in_scratch[256];

	struct list_head ready;	/* received, to dispatch after unlock */
	unsigned int nr_ready;

#if IS_ENABLED(CONFIG_KUNIT)
	struct monc_msgr_test_pipe *tp;
#endif
};

/* messenger_glue.c, for both protocols (connection lock held). */
int monc_con_read(struct monc_conn *con, void *buf, size_t want);
void monc_con_out_reset(struct monc_conn *con);
void monc_con_out_add(struct monc_conn *con, void *buf, size_t len);
int monc_con_flush(struct monc_conn *con);
int monc_con_write_out(struct monc_conn *con);
void monc_con_drop_acked(struct monc_conn *con, u64 seq);
struct monc_msg *monc_con_get_msg(struct monc_conn *con,
				  const struct monc_msg_header *h);
void monc_con_opened(struct monc_conn *con);
u32 monc_next_global_seq(u32 gt);

/* msgr2 (msgr2.c). */
extern const struct monc_con_proto monc_v2_proto;

#endif /* _MONC_MESSENGER_H */
