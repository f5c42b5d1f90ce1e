// SPDX-License-Identifier: GPL-2.0
/*
 * msgr v1 over a kernel TCP socket: the connection a monitor session uses,
 * plus message allocation and the per-type message pools.
 *
 * A connection is a client-side, lossy msgr v1 session with one monitor.
 * Nothing blocks on the network: the socket is non-blocking, its callbacks
 * (data ready, write space, state change) queue the connection's work on
 * monc_wq, and the work runs a resumable receive state machine and a
 * resumable transmit queue until the socket has no more to give or take.
 *
 * Lock order (outermost first):
 *   monc_client.mutex (the session's)
 *     -> monc_conn.mutex        (state, queues, socket I/O, alloc_msg)
 *       -> sk_lock, sk_callback_lock (inside the socket layer), and,
 *          separately, monc_msgpool.lock (alloc_msg taking a pooled msg)
 * Socket callbacks run in softirq context: they take sk_callback_lock for
 * reading, and only queue work. The work never calls dispatch or fault with
 * monc_conn.mutex held, so a callback may take the session mutex and call
 * close() or send(). alloc_msg is called with monc_conn.mutex held; it must
 * not take the session mutex (nor call close()).
 *
 * References: the caller of open() owns one reference, which close()
 * drops; a queued or running work item owns another. The socket's
 * sk_user_data does not hold one: it is cleared (under sk_callback_lock)
 * before the caller's reference can go.
 *
 * Semantics the session relies on:
 * - Callbacks of one connection run one at a time, from its work, in the
 *   order the messages arrived; a fault comes after every message that
 *   arrived whole before it, and nothing comes after the fault.
 * - close() marks the connection closed under monc_conn.mutex; the work
 *   checks that mark under the same mutex right before each callback. A
 *   callback not past that check when close() takes the mutex never
 *   starts; one past it is "already running" and may still run, so the
 *   session checks, under its own mutex, that the connection is current.
 * - Lossy: on a fault the socket is released and queued or unacked
 *   messages are dropped, never replayed; the session reconnects and
 *   resends what it needs.
 * - A message is acked (and counted for duplicate detection) only once it
 *   arrived whole, or was read past because alloc_msg skipped it.
 */
#define pr_fmt(fmt) "monc: " fmt

#include <linux/crc32c.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/timekeeping.h>
#include <linux/uio.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "internal.h"
#include "fault.h"
#include "messenger.h"

/*
 * The features we offer in ceph_msg_connect: exactly the set the 6.1
 * kernel's libceph sends (CEPH_FEATURES_SUPPORTED_DEFAULT), which Pacific
 * accepts, so the monitor encodes every map the way the kernel's own
 * decoders (and our captures) expect. A fresh cluster requires
 * 0x0401020002040000 (bits 18, 25, 41, 48, 58) and one with pools also bit
 * 30; both are subsets. The bits:
 *   1 NOSRCADDR: the 53-byte message header (no source address in it);
 *     we require the peer to have it too.
 *   2 SERVER_NAUTILUS, 15 MONENC, 5 MONNAMES: MonMap v9 with addrvecs.
 *   3 FLOCK, 7 DIRLAYOUTHASH, 27 REPLY_CREATE_INODE, 29 MDSENC,
 *     37 EXPORT_PEER, 40 MDS_INLINE_DATA, 47 MDS_QUOTA, 59 FS_BTIME/MSG_ADDR2:
 *     what a kernel filesystem client understands of MDS and address
 *     encodings.
 *   4 SUBSCRIBE2: MMonSubscribe with start/flags items.
 *   6 RECONNECT_SEQ: connect_reply comes back as TAG_SEQ followed by the
 *     peer's le64 acked seq, and we answer with our le64 in_seq.
 *   9 PGID64, 11 PGPOOL3, 13 OSDENC, 18 CRUSH_TUNABLES, 21 SERVER_LUMINOUS,
 *     25 CRUSH_TUNABLES2, 28 SERVER_MIMIC, 30 OSDHASHPSPOOL,
 *     35 OSD_CACHEPOOL, 36 CRUSH_V2, 39 OSDMAP_ENC, 41 CRUSH_TUNABLES3,
 *     43 OSD_POOLRESEND, 48 CRUSH_V4, 56 NEW_OSDOP_ENCODING,
 *     58 CRUSH_TUNABLES5: the osdmap features a cluster may require of
 *     clients (the ones the kernel's osdmap decoder supports).
 *   23 MSG_AUTH: the message footer carries a le64 signature, so it is 21
 *     bytes; without it in effect the footer is 13 bytes. Monitors do not
 *     sign over v1 (sig 0); we send 0 and ignore it.
 *   42 MSGR_KEEPALIVE2: KEEPALIVE2 with a timestamp and its ACK, which the
 *     session's liveness check relies on; we require the peer to have it.
 *   57 MON_STATEFUL_SUB/SERVER_JEWEL: no MMonSubscribeAck is sent.
 *   61 CEPHX_V2: the cephx v2 authorizer and signatures.
 */
const u64 monc_supported_features = 0x2f018fb87aa4aafeULL;
EXPORT_SYMBOL_IF_KUNIT(monc_supported_features);

/* msgr v1 constants (include/linux/ceph/msgr.h). */
#define MONC_MSGR_PROTOCOL		15	/* client <-> monitor */
#define MONC_CONNECT_LOSSY		1

#define MONC_TAG_READY			1
#define MONC_TAG_RESETSESSION		2
#define MONC_TAG_WAIT			3
#define MONC_TAG_RETRY_SESSION		4
#define MONC_TAG_RETRY_GLOBAL		5
#define MONC_TAG_CLOSE			6
#define MONC_TAG_MSG			7
#define MONC_TAG_ACK			8
#define MONC_TAG_KEEPALIVE		9
#define MONC_TAG_BADPROTOVER		10
#define MONC_TAG_BADAUTHORIZER		11
#define MONC_TAG_FEATURES		12
#define MONC_TAG_SEQ			13
#define MONC_TAG_KEEPALIVE2		14
#define MONC_TAG_KEEPALIVE2_ACK		15

/* Hard limits on a header's lengths, whatever alloc_msg would accept. */
#define MONC_MAX_FRONT_LEN	(16U << 20)
#define MONC_MAX_MIDDLE_LEN	(16U << 20)
#define MONC_MAX_DATA_LEN	(64U << 20)
/* The largest message monc_msg_new() allocates. */
#define MONC_MSG_ALLOC_MAX	MONC_MAX_FRONT_LEN

/* connect_reply's authorizer reply is skipped; bound it. */
#define MONC_MAX_AUTHORIZER_REPLY	4096
/* RETRY_SESSION / RETRY_GLOBAL rounds before we give up. */
#define MONC_MAX_CONNECT_RETRIES	5

#define MONC_HDR_CRC_LEN	offsetof(struct monc_msg_header, crc)

/* Receive states. */
enum {
	IN_BANNER,
	IN_REPLY,
	IN_AUTHORIZER,	/* skip connect_reply's authorizer bytes */
	IN_SEQ,
	IN_TAG,
	IN_ACK,
	IN_KEEPALIVE2,
	IN_KEEPALIVE2_ACK,
	IN_HDR,
	IN_FRONT,
	IN_MIDDLE,
	IN_DATA,
	IN_FOOTER,
	IN_SKIP,	/* discard in_skip bytes, then IN_TAG */
};

struct workqueue_struct *monc_wq;
EXPORT_SYMBOL_IF_KUNIT(monc_wq);

/* Live connections, for leak checks. */
static atomic_t monc_nr_conns = ATOMIC_INIT(0);

static DEFINE_SPINLOCK(monc_global_seq_lock);
static u32 monc_global_seq;

#ifdef CONFIG_LOCKDEP
static struct lock_class_key monc_sock_class;
#endif

/* ---------------------------------------------------------------------- */
/* Messages */

/**
 * monc_msg_new() - allocate a message
 * @type: message type (MONC_MSG_*)
 * @front_len: bytes of front to allocate; front_len is set to it
 * @gfp: allocation flags (GFP_NOFS on paths a filesystem may hit)
 *
 * The front is allocated with kvmalloc, so big maps need not be
 * physically contiguous. The header gets @type, the default priority,
 * version and compat 1 and source client.-1; the caller sets the rest
 * of what it needs (version, tid, src).
 *
 * Return: the message with one reference, or NULL.
 */
struct monc_msg *monc_msg_new(u16 type, u32 front_len, gfp_t gfp)
{
	struct monc_msg *msg;

	if (front_len > MONC_MSG_ALLOC_MAX)
		return NULL;
	msg = monc_kzalloc(sizeof(*msg), gfp);
	if (!msg)
		return NULL;
	if (front_len) {
		msg->front = monc_kvmalloc(front_len, gfp);
		if (!msg->front)
			goto err_free_msg;
	}
	kref_init(&msg->kref);
	INIT_LIST_HEAD(&msg->list);
	msg->hdr.type = cpu_to_le16(type);
	msg->hdr.priority = cpu_to_le16(MONC_MSG_PRIO_DEFAULT);
	msg->hdr.version = cpu_to_le16(1);
	msg->hdr.compat_version = cpu_to_le16(1);
	msg->hdr.src.type = MONC_ENTITY_TYPE_CLIENT;
	msg->hdr.src.num = cpu_to_le64(-1LL);
	msg->front_len = front_len;
	msg->front_alloc = front_len;
	return msg;

err_free_msg:
	kfree(msg);
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(monc_msg_new);

/**
 * monc_msg_get() - take a reference to a message
 * @msg: the message
 *
 * Return: @msg.
 */
struct monc_msg *monc_msg_get(struct monc_msg *msg)
{
	kref_get(&msg->kref);
	return msg;
}
EXPORT_SYMBOL_IF_KUNIT(monc_msg_get);

static void monc_msg_free(struct monc_msg *msg)
{
	/* kvfree() may sleep: never under the pool's spinlock */
	if (msg->pool)
		lockdep_assert_not_held(&msg->pool->lock);
	kvfree(msg->front);
	kvfree(msg->middle);
	kvfree(msg->data);
	kfree(msg);
}

static void monc_msg_reset(struct monc_msg *msg, u16 type)
{
	kref_init(&msg->kref);
	INIT_LIST_HEAD(&msg->list);
	memset(&msg->hdr, 0, sizeof(msg->hdr));
	memset(&msg->footer, 0, sizeof(msg->footer));
	msg->hdr.type = cpu_to_le16(type);
	msg->hdr.priority = cpu_to_le16(MONC_MSG_PRIO_DEFAULT);
	msg->hdr.version = cpu_to_le16(1);
	msg->hdr.compat_version = cpu_to_le16(1);
	msg->hdr.src.type = MONC_ENTITY_TYPE_CLIENT;
	msg->hdr.src.num = cpu_to_le64(-1LL);
	msg->front_len = msg->front_alloc;
}

static void monc_msg_release(struct kref *kref)
{
	struct monc_msg *msg = container_of(kref, struct monc_msg, kref);
	struct monc_msgpool *pool = msg->pool;

	if (pool && !msg->middle && !msg->data &&
	    msg->front_alloc == pool->front_max) {
		spin_lock(&pool->lock);
		if (pool->nr_free < pool->size) {
			monc_msg_reset(msg, pool->type);
			list_add(&msg->list, &pool->free);
			pool->nr_free++;
			msg = NULL;
		}
		spin_unlock(&pool->lock);
		if (!msg)
			return;
	}
	monc_msg_free(msg);
}

/**
 * monc_msg_put() - drop a reference to a message
 * @msg: the message, or NULL
 *
 * The last put returns a pool message to its pool if the pool has room,
 * and frees any other message, with its front, middle and data.
 */
void monc_msg_put(struct monc_msg *msg)
{
	if (msg)
		kref_put(&msg->kref, monc_msg_release);
}
EXPORT_SYMBOL_IF_KUNIT(monc_msg_put);

/**
 * monc_msgpool_init() - preallocate a pool of messages of one type
 * @pool: the pool to set up
 * @type: message type of every message in it
 * @front_max: front bytes each message has room for
 * @size: number of messages to preallocate
 *
 * Return: 0, or -ENOMEM (nothing is left allocated).
 */
int monc_msgpool_init(struct monc_msgpool *pool, u16 type, u32 front_max,
		      unsigned int size)
{
	struct monc_msg *msg;
	unsigned int i;

	spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->free);
	pool->nr_free = 0;
	pool->size = size;
	pool->type = type;
	pool->front_max = front_max;
	for (i = 0; i < size; i++) {
		msg = monc_msg_new(type, front_max, GFP_KERNEL);
		if (!msg)
			goto err_destroy;
		msg->pool = pool;
		list_add(&msg->list, &pool->free);
		pool->nr_free++;
	}
	return 0;

err_destroy:
	monc_msgpool_destroy(pool);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(monc_msgpool_init);

/**
 * monc_msgpool_destroy() - free a pool's messages
 * @pool: the pool
 *
 * Every message taken from the pool must have been put before.
 */
void monc_msgpool_destroy(struct monc_msgpool *pool)
{
	struct monc_msg *msg, *tmp;
	LIST_HEAD(free);

	spin_lock(&pool->lock);
	list_splice_init(&pool->free, &free);
	pool->nr_free = 0;
	pool->size = 0;		/* late puts now free their message */
	spin_unlock(&pool->lock);
	/* kvfree() may sleep (a vmalloc'ed front): not under the lock */
	list_for_each_entry_safe(msg, tmp, &free, list) {
		list_del(&msg->list);
		monc_msg_free(msg);
	}
}
EXPORT_SYMBOL_IF_KUNIT(monc_msgpool_destroy);

/**
 * monc_msgpool_get() - take a message from a pool
 * @pool: the pool
 * @front_len: bytes of front needed
 * @gfp: flags for a fresh allocation if the pool is empty
 *
 * While the pool has a free message that fits, this never allocates. An
 * empty pool allocates a message of the pool's size, which goes to the
 * pool when put if the pool has room; a @front_len larger than the pool's
 * gets a fresh message of its own.
 *
 * Return: the message (front_len set to @front_len) or NULL.
 */
struct monc_msg *monc_msgpool_get(struct monc_msgpool *pool, u32 front_len,
				  gfp_t gfp)
{
	struct monc_msg *msg = NULL;

	if (front_len > pool->front_max) {
		pr_debug("pool type %u: front %u > %u, allocating\n",
			 pool->type, front_len, pool->front_max);
		return monc_msg_new(pool->type, front_len, gfp);
	}
	spin_lock(&pool->lock);
	if (!list_empty(&pool->free)) {
		msg = list_first_entry(&pool->free, struct monc_msg, list);
		list_del_init(&msg->list);
		pool->nr_free--;
	}
	spin_unlock(&pool->lock);
	if (!msg) {
		msg = monc_msg_new(pool->type, pool->front_max, gfp);
		if (!msg)
			return NULL;
		msg->pool = pool;
	}
	msg->front_len = front_len;
	return msg;
}
EXPORT_SYMBOL_IF_KUNIT(monc_msgpool_get);

/* ---------------------------------------------------------------------- */
/* Frame encoding */

static void monc_encode_footer(const struct monc_msg_footer *f, bool msg_auth,
			       u8 *buf)
{
	void *p = buf, *end = buf + MONC_FOOTER_LEN;

	monc_enc_u32(&p, end, le32_to_cpu(f->front_crc));
	monc_enc_u32(&p, end, le32_to_cpu(f->middle_crc));
	monc_enc_u32(&p, end, le32_to_cpu(f->data_crc));
	if (msg_auth)
		monc_enc_u64(&p, end, le64_to_cpu(f->sig));
	monc_enc_u8(&p, end, f->flags);
}

/*
 * Fill in what the messenger owns of an outgoing message: seq, lengths,
 * the header CRC and the footer.
 */
VISIBLE_IF_KUNIT void monc_msgr_prepare(struct monc_msg *msg, u64 seq)
{
	msg->hdr.seq = cpu_to_le64(seq);
	msg->hdr.front_len = cpu_to_le32(msg->front_len);
	msg->hdr.middle_len = cpu_to_le32(msg->middle ? msg->middle_len : 0);
	msg->hdr.data_len = cpu_to_le32(msg->data ? msg->data_len : 0);
	msg->hdr.data_off = 0;
	msg->hdr.reserved = 0;
	msg->hdr.crc = cpu_to_le32(crc32c(0, &msg->hdr, MONC_HDR_CRC_LEN));

	msg->footer.front_crc = cpu_to_le32(crc32c(0, msg->front,
						   msg->front_len));
	msg->footer.middle_crc = cpu_to_le32(msg->middle ?
		crc32c(0, msg->middle, msg->middle_len) : 0);
	msg->footer.data_crc = cpu_to_le32(msg->data ?
		crc32c(0, msg->data, msg->data_len) : 0);
	msg->footer.sig = 0;
	msg->footer.flags = MONC_MSG_FOOTER_COMPLETE;
}
EXPORT_SYMBOL_IF_KUNIT(monc_msgr_prepare);

/* ---------------------------------------------------------------------- */
/* Connection lifetime */

static void con_release(struct kref *kref)
{
	struct monc_conn *con = container_of(kref, struct monc_conn, kref);

	WARN_ON(con->sock);
	if (con->proto->release)
		con->proto->release(con);
	WARN_ON(!list_empty(&con->out_queue) || !list_empty(&con->out_sent) ||
		!list_empty(&con->ready) || con->out_msg || con->in_msg);
	mutex_destroy(&con->mutex);
	kfree(con);
	atomic_dec(&monc_nr_conns);
}

static void con_put(struct monc_conn *con)
{
	kref_put(&con->kref, con_release);
}

/* Queue the work with a reference; any context. */
static void con_queue(struct monc_conn *con)
{
#if IS_ENABLED(CONFIG_KUNIT)
	if (con->tp)
		return;		/* the test runs the work itself */
#endif
	kref_get(&con->kref);
	if (!queue_work(monc_wq, &con->work))
		kref_put(&con->kref, con_release);	/* not the last ref */
}

u32 monc_next_global_seq(u32 gt)
{
	u32 seq;

	spin_lock(&monc_global_seq_lock);
	if (monc_global_seq < gt)
		monc_global_seq = gt;
	seq = ++monc_global_seq;
	spin_unlock(&monc_global_seq_lock);
	return seq;
}

/*
 * Socket callbacks: softirq context, sk_callback_lock guards sk_user_data.
 * Data arriving and a state change (connected, reset, closed) both just
 * kick the connection's work, which reads the socket and its state.
 */
static void monc_sock_kick(struct sock *sk)
{
	struct monc_conn *con;

	read_lock_bh(&sk->sk_callback_lock);
	con = sk->sk_user_data;
	if (con)
		con_queue(con);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void monc_sock_data_ready(struct sock *sk)
{
	monc_sock_kick(sk);
}

static void monc_sock_write_space(struct sock *sk)
{
	struct monc_conn *con;

	read_lock_bh(&sk->sk_callback_lock);
	con = sk->sk_user_data;
	if (con && test_bit(CON_F_WRITE_PENDING, &con->flags) &&
	    sk_stream_is_writeable(sk)) {
		if (sk->sk_socket)
			clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		con_queue(con);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void monc_sock_state_change(struct sock *sk)
{
	monc_sock_kick(sk);
}

static void con_sock_attach(struct monc_conn *con, struct socket *sock)
{
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	con->saved_data_ready = sk->sk_data_ready;
	con->saved_write_space = sk->sk_write_space;
	con->saved_state_change = sk->sk_state_change;
	sk->sk_user_data = con;
	sk->sk_data_ready = monc_sock_data_ready;
	sk->sk_write_space = monc_sock_write_space;
	sk->sk_state_change = monc_sock_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
}

/* Detach and release the socket; after this no callback can see @con. */
static void __con_sock_close(struct monc_conn *con)
{
	struct socket *sock = con->sock;
	struct sock *sk;

	if (!sock)
		return;
	sk = sock->sk;
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = con->saved_data_ready;
	sk->sk_write_space = con->saved_write_space;
	sk->sk_state_change = con->saved_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
	con->sock = NULL;
}

static void monc_msg_list_put(struct list_head *head)
{
	struct monc_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, head, list) {
		list_del_init(&msg->list);
		monc_msg_put(msg);
	}
}

/* Tear down: no socket, no queued or half-done message. */
static void __con_kill(struct monc_conn *con)
{
	__con_sock_close(con);
	if (con->proto->kill)
		con->proto->kill(con);
	con->state = CON_DEAD;
	monc_msg_list_put(&con->out_queue);
	monc_msg_list_put(&con->out_sent);
	monc_msg_put(con->out_msg);
	con->out_msg = NULL;
	monc_msg_put(con->in_msg);
	con->in_msg = NULL;
	con->out_kv_nr = 0;
	con->out_kv_cur = 0;
	con->out_resid = 0;
	con->out_more = false;
}

/* ---------------------------------------------------------------------- */
/* Byte I/O: the socket, or in KUnit a test pipe */

/* Returns bytes read, -EAGAIN, 0 at EOF, or an error. */
static int con_recv(struct monc_conn *con, void *buf, size_t len)
{
	struct msghdr m = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec kv = { .iov_base = buf, .iov_len = len };

#if IS_ENABLED(CONFIG_KUNIT)
	if (con->tp) {
		struct monc_msgr_test_pipe *tp = con->tp;
		size_t n = min(len, tp->in_len - tp->in_pos);

		if (tp->chunk)
			n = min(n, tp->chunk);
		if (!n)
			return tp->eof ? 0 : -EAGAIN;
		memcpy(buf, tp->in + tp->in_pos, n);
		tp->in_pos += n;
		return n;
	}
#endif
	return kernel_recvmsg(con->sock, &m, &kv, 1, len, m.msg_flags);
}

/* Returns bytes written, -EAGAIN, or an error. */
static int con_send(struct monc_conn *con, struct kvec *kv, size_t nr,
		    size_t len)
{
	struct msghdr m = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };

	if (con->out_more)
		m.msg_flags |= MSG_MORE;

#if IS_ENABLED(CONFIG_KUNIT)
	if (con->tp) {
		struct monc_msgr_test_pipe *tp = con->tp;
		size_t done = 0, n;

		for (; nr && done < len; kv++, nr--) {
			n = min(kv->iov_len, tp->out_cap - tp->out_len);
			memcpy(tp->out + tp->out_len, kv->iov_base, n);
			tp->out_len += n;
			done += n;
			if (n < kv->iov_len)
				break;
		}
		return done ? done : -EAGAIN;
	}
#endif
	return kernel_sendmsg(con->sock, &m, kv, nr, len);
}

/*
 * Read into @buf until con->in_pos reaches @want. Returns 1 when the item
 * is complete (in_pos reset), 0 when the socket has nothing more for now,
 * or a negative error (EOF is -ECONNRESET).
 */
int monc_con_read(struct monc_conn *con, void *buf, size_t want)
{
	int ret;

	while (con->in_pos < want) {
		ret = con_recv(con, buf + con->in_pos, want - con->in_pos);
		if (ret == -EAGAIN)
			return 0;
		if (ret == 0)
			return -ECONNRESET;
		if (ret < 0)
			return ret;
		con->in_pos += ret;
	}
	con->in_pos = 0;
	return 1;
}

/* Discard con->in_skip bytes. Same returns as monc_con_read(). */
static int con_skip(struct monc_conn *con)
{
	int ret;

	while (con->in_skip) {
		ret = con_recv(con, con->in_scratch,
			       min_t(size_t, con->in_skip,
				     sizeof(con->in_scratch)));
		if (ret == -EAGAIN)
			return 0;
		if (ret == 0)
			return -ECONNRESET;
		if (ret < 0)
			return ret;
		con->in_skip -= ret;
	}
	return 1;
}

/* ---------------------------------------------------------------------- */
/* Transmit */

void monc_con_out_reset(struct monc_conn *con)
{
	con->out_kv_nr = 0;
	con->out_kv_cur = 0;
	con->out_resid = 0;
	con->out_more = false;
}

void monc_con_out_add(struct monc_conn *con, void *buf, size_t len)
{
	if (!len)
		return;
	con->out_kv[con->out_kv_nr].iov_base = buf;
	con->out_kv[con->out_kv_nr].iov_len = len;
	con->out_kv_nr++;
	con->out_resid += len;
}

/* Write out the pending kvecs. 1: all written; 0: socket full; <0: error. */
int monc_con_flush(struct monc_conn *con)
{
	struct kvec *kv;
	int ret;

	while (con->out_resid) {
		set_bit(CON_F_WRITE_PENDING, &con->flags);
		ret = con_send(con, con->out_kv + con->out_kv_cur,
			       con->out_kv_nr - con->out_kv_cur,
			       con->out_resid);
		if (ret == -EAGAIN)
			return 0;
		if (ret < 0)
			return ret;
		if (ret == 0)
			return -EPIPE;
		con->out_resid -= ret;
		while (ret) {
			kv = &con->out_kv[con->out_kv_cur];
			if (ret >= kv->iov_len) {
				ret -= kv->iov_len;
				con->out_kv_cur++;
			} else {
				kv->iov_base += ret;
				kv->iov_len -= ret;
				ret = 0;
			}
		}
	}
	monc_con_out_reset(con);
	return 1;
}

/*
 * Write out the pending kvecs; once they are all out, the message they
 * carried (if any) waits in out_sent for its ack. Same returns as
 * monc_con_flush().
 */
int monc_con_write_out(struct monc_conn *con)
{
	int ret = monc_con_flush(con);

	if (ret > 0 && con->out_msg) {
		list_add_tail(&con->out_msg->list, &con->out_sent);
		con->out_msg = NULL;
	}
	return ret;
}

static int con_prepare_banner(struct monc_conn *con)
{
	struct monc_entity_addr me = { .type = 0 };
	void *p = con->out_buf, *end = con->out_buf + sizeof(con->out_buf);

	/* Like the kernel: type 0, a random nonce, an unset address. */
	me.nonce = get_random_u32();
	monc_enc_copy(&p, end, MONC_BANNER, MONC_BANNER_LEN);
	monc_enc_addr_legacy(&p, end, &me);
	monc_con_out_add(con, con->out_buf, p - (void *)con->out_buf);
	return 0;
}

static void con_prepare_connect(struct monc_conn *con)
{
	struct monc_wire_connect *c = (void *)con->out_buf;

	memset(c, 0, sizeof(*c));
	c->features = cpu_to_le64(monc_supported_features);
	c->host_type = cpu_to_le32(MONC_ENTITY_TYPE_CLIENT);
	c->global_seq = cpu_to_le32(con->global_seq);
	c->connect_seq = cpu_to_le32(con->connect_seq);
	c->protocol_version = cpu_to_le32(MONC_MSGR_PROTOCOL);
	c->flags = MONC_CONNECT_LOSSY;
	monc_con_out_add(con, c, sizeof(*c));
}

static void con_prepare_le64(struct monc_conn *con, int tag, u64 v)
{
	void *p = con->out_buf, *end = con->out_buf + sizeof(con->out_buf);

	if (tag >= 0)
		monc_enc_u8(&p, end, tag);
	monc_enc_u64(&p, end, v);
	monc_con_out_add(con, con->out_buf, p - (void *)con->out_buf);
}

static void con_prepare_keepalive2(struct monc_conn *con, int tag,
				   const u8 *stamp)
{
	void *p = con->out_buf, *end = con->out_buf + sizeof(con->out_buf);
	struct timespec64 ts;

	monc_enc_u8(&p, end, tag);
	if (stamp) {
		monc_enc_copy(&p, end, stamp, 8);
	} else {
		ktime_get_real_ts64(&ts);
		monc_enc_u32(&p, end, (u32)ts.tv_sec);
		monc_enc_u32(&p, end, (u32)ts.tv_nsec);
	}
	monc_con_out_add(con, con->out_buf, p - (void *)con->out_buf);
}

static void con_prepare_msg(struct monc_conn *con, struct monc_msg *msg)
{
	bool msg_auth = con->features & MONC_FEATURE_MSG_AUTH;

	/* seq was assigned by send(); the rest is filled in here */
	monc_msgr_prepare(msg, le64_to_cpu(msg->hdr.seq));
	con->out_buf[0] = MONC_TAG_MSG;
	memcpy(con->out_buf + 1, &msg->hdr, sizeof(msg->hdr));
	monc_con_out_add(con, con->out_buf, 1 + sizeof(msg->hdr));
	monc_con_out_add(con, msg->front, msg->front_len);
	if (msg->middle)
		monc_con_out_add(con, msg->middle, msg->middle_len);
	if (msg->data)
		monc_con_out_add(con, msg->data, msg->data_len);
	monc_encode_footer(&msg->footer, msg_auth, con->out_footer);
	monc_con_out_add(con, con->out_footer, con->footer_len);
	con->out_msg = msg;
}

/*
 * Write whatever is due, in order: the kvecs in flight, then handshake
 * steps, then (once open) ack, keepalive2 ack, keepalive2 and messages.
 * 0 when done or the socket is full, <0 on error.
 */
static int con_try_write(struct monc_conn *con)
{
	struct monc_msg *msg;
	int ret;

	for (;;) {
		ret = monc_con_write_out(con);
		if (ret <= 0)
			return ret;
		if (con->need_connect) {
			con->need_connect = false;
			con_prepare_connect(con);
			continue;
		}
		if (con->need_in_seq) {
			con->need_in_seq = false;
			con_prepare_le64(con, -1, con->in_seq);
			con->in_seq_acked = con->in_seq;
			continue;
		}
		if (con->state != CON_OPEN)
			break;
		if (con->in_seq > con->in_seq_acked) {
			/*
			 * Like libceph, let the ack wait in the socket
			 * (MSG_MORE) for whatever we write next, or for the
			 * next segment in (TCP_NODELAY then pushes it): an ack
			 * of its own per reply is a packet and a wakeup of the
			 * monitor's messenger per request (the bench's profile).
			 */
			con_prepare_le64(con, MONC_TAG_ACK, con->in_seq);
			con->in_seq_acked = con->in_seq;
			con->out_more = true;
			continue;
		}
		if (con->need_keepalive_ack) {
			con->need_keepalive_ack = false;
			con_prepare_keepalive2(con, MONC_TAG_KEEPALIVE2_ACK,
					       con->keepalive_ack_stamp);
			continue;
		}
		if (con->need_keepalive) {
			con->need_keepalive = false;
			con_prepare_keepalive2(con, MONC_TAG_KEEPALIVE2, NULL);
			con->t_keepalive = ktime_get();
			continue;
		}
		if (list_empty(&con->out_queue))
			break;
		msg = list_first_entry(&con->out_queue, struct monc_msg, list);
		list_del_init(&msg->list);
		con_prepare_msg(con, msg);
	}
	clear_bit(CON_F_WRITE_PENDING, &con->flags);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Receive */

static int con_process_banner(struct monc_conn *con)
{
	const void *p = con->in_banner + MONC_BANNER_LEN;
	const void *end = con->in_banner + sizeof(con->in_banner);
	struct monc_entity_addr server, me;

	if (memcmp(con->in_banner, MONC_BANNER, MONC_BANNER_LEN)) {
		pr_err_ratelimited("%pISpc: not a msgr v1 peer (bad banner)\n",
				   &con->peer.ss);
		return -EPROTO;
	}
	if (monc_dec_addr_legacy(&p, end, &server, true) ||
	    monc_dec_addr_legacy(&p, end, &me, true)) {
		pr_err_ratelimited("%pISpc: bad address in banner\n",
				   &con->peer.ss);
		return -EPROTO;
	}
	pr_debug("%pISpc: banner ok, server says %pISpc, we are %pISpc\n",
		 &con->peer.ss, &server.ss, &me.ss);
	con->state = CON_CONNECT;
	con->need_connect = true;
	con->in_state = IN_REPLY;
	return 0;
}

void monc_con_opened(struct monc_conn *con)
{
	unsigned long now = jiffies;

	con->state = CON_OPEN;
	con->in_state = IN_TAG;
	con->handshake_ns = ktime_to_ns(ktime_sub(ktime_get(), con->t_start));
	con->footer_len = (con->features & MONC_FEATURE_MSG_AUTH) ?
		MONC_FOOTER_LEN : MONC_FOOTER_OLD_LEN;
	WRITE_ONCE(con->last_keepalive_ack, now ? now : 1);
	pr_debug("%pISpc: open, features %llx\n", &con->peer.ss,
		 con->features);
}

static int con_retry_connect(struct monc_conn *con, const char *why)
{
	if (++con->connect_retries > MONC_MAX_CONNECT_RETRIES) {
		pr_err_ratelimited("%pISpc: connect: too many %s\n",
				   &con->peer.ss, why);
		return -EPROTO;
	}
	con->need_connect = true;
	con->in_state = IN_REPLY;
	return 0;
}

/* connect_reply fully read (and its authorizer skipped): act on its tag. */
static int con_process_reply(struct monc_conn *con)
{
	const struct monc_wire_connect_reply *r = &con->in_reply;
	u64 features = le64_to_cpu(r->features);
	u32 cseq = le32_to_cpu(r->connect_seq);

	pr_debug("%pISpc: connect_reply tag %u features %llx gseq %u cseq %u\n",
		 &con->peer.ss, r->tag, features, le32_to_cpu(r->global_seq),
		 le32_to_cpu(r->connect_seq));
	switch (r->tag) {
	case MONC_TAG_READY:
	case MONC_TAG_SEQ:
		con->features = monc_supported_features & features;
		if ((con->features & MONC_FEATURES_REQUIRED) !=
		    MONC_FEATURES_REQUIRED) {
			pr_err_ratelimited("%pISpc: peer lacks features %llx\n",
					   &con->peer.ss,
					   MONC_FEATURES_REQUIRED &
					   ~con->features);
			return -EPROTONOSUPPORT;
		}
		/*
		 * The peer opens the session as connect_seq + 1 (libceph
		 * WARNs otherwise and goes on). After READY nothing depends
		 * on it: the connection is lossy and never reconnected. With
		 * SEQ the peer says it resumes a session and acks our
		 * messages by seq: a session whose connect_seq is not ours
		 * is not ours, and neither is that ack, so that is a fault.
		 */
		if (cseq != con->connect_seq + 1) {
			pr_warn_ratelimited("%pISpc: connect: %s with connect_seq %u, we sent %u\n",
					    &con->peer.ss,
					    r->tag == MONC_TAG_SEQ ? "SEQ" :
					    "READY", cseq, con->connect_seq);
			if (r->tag == MONC_TAG_SEQ)
				return -EPROTO;
		}
		con->connect_seq = cseq;
		if (r->tag == MONC_TAG_SEQ) {
			con->state = CON_SEQ;
			con->in_state = IN_SEQ;
			return 0;
		}
		monc_con_opened(con);
		return 0;
	case MONC_TAG_RETRY_SESSION:
		/* the peer has a newer session: only a larger seq makes sense */
		if (cseq <= con->connect_seq) {
			pr_warn_ratelimited("%pISpc: connect: RETRY_SESSION with connect_seq %u, ours is %u\n",
					    &con->peer.ss, cseq,
					    con->connect_seq);
			return -EPROTO;
		}
		con->connect_seq = cseq;
		return con_retry_connect(con, "RETRY_SESSION");
	case MONC_TAG_RETRY_GLOBAL:
		con->global_seq =
			monc_next_global_seq(le32_to_cpu(r->global_seq));
		return con_retry_connect(con, "RETRY_GLOBAL");
	case MONC_TAG_RESETSESSION:
		pr_err_ratelimited("%pISpc: connect: peer reset the session\n",
				   &con->peer.ss);
		return -ECONNRESET;
	case MONC_TAG_WAIT:
		pr_err_ratelimited("%pISpc: connect: peer says WAIT (connection race)\n",
				   &con->peer.ss);
		return -EAGAIN;
	case MONC_TAG_BADPROTOVER:
		pr_err_ratelimited("%pISpc: connect: protocol version mismatch, ours %u, peer %u\n",
				   &con->peer.ss, MONC_MSGR_PROTOCOL,
				   le32_to_cpu(r->protocol_version));
		return -EPROTONOSUPPORT;
	case MONC_TAG_BADAUTHORIZER:
		pr_err_ratelimited("%pISpc: connect: authorizer rejected\n",
				   &con->peer.ss);
		return -EACCES;
	case MONC_TAG_FEATURES:
		pr_err_ratelimited("%pISpc: connect: peer requires features %llx, missing %llx\n",
				   &con->peer.ss, features,
				   features & ~monc_supported_features);
		return -EOPNOTSUPP;
	default:
		pr_err_ratelimited("%pISpc: connect: bad reply tag %u\n",
				   &con->peer.ss, r->tag);
		return -EPROTO;
	}
}

void monc_con_drop_acked(struct monc_conn *con, u64 seq)
{
	struct monc_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, &con->out_sent, list) {
		if (le64_to_cpu(msg->hdr.seq) > seq)
			break;
		list_del_init(&msg->list);
		monc_msg_put(msg);
	}
}

static void con_skip_msg(struct monc_conn *con, u64 total)
{
	con->in_skip = total;
	con->in_skip_seq = 0;
	con->in_state = IN_SKIP;
}

/**
 * monc_con_get_msg() - a message for an incoming header, from the owner
 * @con: the connection (its lock held)
 * @h: the header, with the sections' lengths
 *
 * Return: a message with room for every section; NULL to skip the message
 * (the owner does not want it, or gave one too small); ERR_PTR(-ENOMEM)
 * when the owner has no memory for one it wants (the connection faults,
 * and the session resends what it needs).
 */
struct monc_msg *monc_con_get_msg(struct monc_conn *con,
				  const struct monc_msg_header *h)
{
	u32 front = le32_to_cpu(h->front_len);
	u32 middle = le32_to_cpu(h->middle_len);
	u32 data = le32_to_cpu(h->data_len);
	struct monc_msg *msg = NULL;
	int skip = 0;

	if (con->ops->alloc_msg)
		msg = con->ops->alloc_msg(con->priv, con, h, &skip);
	else
		skip = 1;
	if (!msg && !skip) {
		pr_warn_ratelimited("%pISpc: no memory for message type %u\n",
				    &con->peer.ss, le16_to_cpu(h->type));
		return ERR_PTR(-ENOMEM);
	}
	if (msg && (msg->front_alloc < front ||
		    (middle && (!msg->middle || msg->middle_len < middle)) ||
		    (data && (!msg->data || msg->data_len < data)))) {
		pr_warn_ratelimited("%pISpc: no room for message type %u, skipping\n",
				    &con->peer.ss, le16_to_cpu(h->type));
		monc_msg_put(msg);
		msg = NULL;
	}
	return msg;
}

/* A message header arrived: check it and get a message to read into. */
static int con_process_hdr(struct monc_conn *con)
{
	const struct monc_msg_header *h = &con->in_hdr;
	u32 front = le32_to_cpu(h->front_len);
	u32 middle = le32_to_cpu(h->middle_len);
	u32 data = le32_to_cpu(h->data_len);
	u64 seq = le64_to_cpu(h->seq);
	u64 total = (u64)front + middle + data + con->footer_len;
	struct monc_msg *msg;
	u32 crc;

	crc = crc32c(0, h, MONC_HDR_CRC_LEN);
	if (crc != le32_to_cpu(h->crc)) {
		pr_err_ratelimited("%pISpc: bad header crc %08x, expected %08x\n",
				   &con->peer.ss, crc, le32_to_cpu(h->crc));
		return -EBADMSG;
	}
	if (front > MONC_MAX_FRONT_LEN || middle > MONC_MAX_MIDDLE_LEN ||
	    data > MONC_MAX_DATA_LEN) {
		pr_err_ratelimited("%pISpc: message type %u too long (%u+%u+%u)\n",
				   &con->peer.ss, le16_to_cpu(h->type),
				   front, middle, data);
		return -EMSGSIZE;
	}
	if (seq <= con->in_seq) {
		pr_debug("%pISpc: skipping duplicate seq %llu <= %llu\n",
			 &con->peer.ss, seq, con->in_seq);
		con_skip_msg(con, total);
		return 0;
	}
	if (seq != con->in_seq + 1) {
		/*
		 * A lost message (as libceph: -EBADE). Accepting the gap
		 * would let a seq of U64_MAX make every later message a
		 * "duplicate" while keepalives keep the session alive.
		 */
		pr_err_ratelimited("%pISpc: bad seq %llu, expected %llu\n",
				   &con->peer.ss, seq, con->in_seq + 1);
		return -EBADE;
	}

	msg = monc_con_get_msg(con, h);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (!msg) {
		pr_debug("%pISpc: skipping message type %u seq %llu\n",
			 &con->peer.ss, le16_to_cpu(h->type), seq);
		con_skip_msg(con, total);
		con->in_skip_seq = seq;	/* received once skipped: ack it */
		return 0;
	}
	msg->hdr = *h;
	msg->front_len = front;
	if (msg->middle)
		msg->middle_len = middle;
	if (msg->data)
		msg->data_len = data;
	con->in_msg = msg;
	con->in_state = IN_FRONT;
	return 0;
}

/* The footer arrived: verify the CRCs and queue the message. */
static int con_process_footer(struct monc_conn *con)
{
	struct monc_msg *msg = con->in_msg;
	struct monc_msg_footer *f = &msg->footer;
	const void *p = con->in_footer, *end = p + con->footer_len;
	u32 front_crc, middle_crc, data_crc, crc;
	u64 sig = 0;

	monc_dec_u32(&p, end, &front_crc);
	monc_dec_u32(&p, end, &middle_crc);
	monc_dec_u32(&p, end, &data_crc);
	if (con->footer_len == MONC_FOOTER_LEN)
		monc_dec_u64(&p, end, &sig);
	monc_dec_u8(&p, end, &f->flags);
	f->front_crc = cpu_to_le32(front_crc);
	f->middle_crc = cpu_to_le32(middle_crc);
	f->data_crc = cpu_to_le32(data_crc);
	f->sig = cpu_to_le64(sig);

	if (f->flags & MONC_MSG_FOOTER_NOCRC) {
		/* we never negotiate leaving CRCs out */
		pr_err_ratelimited("%pISpc: footer NOCRC not negotiated\n",
				   &con->peer.ss);
		return -EBADMSG;
	}
	crc = crc32c(0, msg->front, msg->front_len);
	if (crc != front_crc)
		goto bad_crc;
	if (msg->middle && msg->middle_len) {
		crc = crc32c(0, msg->middle, msg->middle_len);
		if (crc != middle_crc)
			goto bad_crc;
	} else if (middle_crc) {
		crc = 0;
		goto bad_crc;
	}
	if (msg->data && msg->data_len) {
		crc = crc32c(0, msg->data, msg->data_len);
		if (crc != data_crc)
			goto bad_crc;
	} else if (data_crc) {
		crc = 0;
		goto bad_crc;
	}
	con->in_msg = NULL;
	con->in_state = IN_TAG;
	con->in_seq = le64_to_cpu(msg->hdr.seq);	/* whole: ack it */
	if (!(f->flags & MONC_MSG_FOOTER_COMPLETE)) {
		pr_debug("%pISpc: message seq %llu aborted by sender\n",
			 &con->peer.ss, le64_to_cpu(msg->hdr.seq));
		monc_msg_put(msg);
		return 0;
	}
	list_add_tail(&msg->list, &con->ready);
	con->nr_ready++;
	return 0;

bad_crc:
	pr_err_ratelimited("%pISpc: bad crc %08x in message type %u seq %llu\n",
			   &con->peer.ss, crc, le16_to_cpu(msg->hdr.type),
			   le64_to_cpu(msg->hdr.seq));
	return -EBADMSG;
}

static int con_process_tag(struct monc_conn *con)
{
	switch (con->in_tag) {
	case MONC_TAG_MSG:
		con->in_state = IN_HDR;
		return 0;
	case MONC_TAG_ACK:
		con->in_state = IN_ACK;
		return 0;
	case MONC_TAG_KEEPALIVE:
		return 0;
	case MONC_TAG_KEEPALIVE2:
		con->in_state = IN_KEEPALIVE2;
		return 0;
	case MONC_TAG_KEEPALIVE2_ACK:
		con->in_state = IN_KEEPALIVE2_ACK;
		return 0;
	case MONC_TAG_CLOSE:
		pr_debug("%pISpc: peer closed the connection\n",
			 &con->peer.ss);
		return -ECONNRESET;
	default:
		pr_err_ratelimited("%pISpc: bad tag %u\n", &con->peer.ss,
				   con->in_tag);
		return -EPROTO;
	}
}

/* A step's result: <0 error, 0 blocked (no more bytes now), 1 go on. */
static int con_step_done(int ret)
{
	return ret ? ret : 1;
}

/*
 * Run the receive state machine until the socket has nothing more, the
 * budget of messages is used up, or an error. 0 or a negative error.
 */
static int con_try_read(struct monc_conn *con)
{
	struct monc_msg *msg;
	int ret;

	for (;;) {
		if (con->nr_ready >= MONC_RX_BUDGET)
			return 0;
		switch (con->in_state) {
		case IN_BANNER:
			ret = monc_con_read(con, con->in_banner,
					    sizeof(con->in_banner));
			if (ret > 0)
				ret = con_step_done(con_process_banner(con));
			break;
		case IN_REPLY:
			if (con->need_connect || con->out_resid)
				return 0;	/* our connect is not out yet */
			ret = monc_con_read(con, &con->in_reply,
					    sizeof(con->in_reply));
			if (ret <= 0)
				break;
			con->in_skip = le32_to_cpu(con->in_reply.authorizer_len);
			if (con->in_skip > MONC_MAX_AUTHORIZER_REPLY) {
				pr_err_ratelimited("%pISpc: authorizer reply too long (%u)\n",
						   &con->peer.ss, con->in_skip);
				ret = -EPROTO;
				break;
			}
			con->in_state = IN_AUTHORIZER;
			break;
		case IN_AUTHORIZER:
			ret = con_skip(con);
			if (ret > 0)
				ret = con_step_done(con_process_reply(con));
			break;
		case IN_SEQ:
			ret = monc_con_read(con, con->in_le64, 8);
			if (ret <= 0)
				break;
			monc_con_drop_acked(con, get_unaligned_le64(con->in_le64));
			con->need_in_seq = true;
			monc_con_opened(con);
			break;
		case IN_TAG:
			ret = monc_con_read(con, &con->in_tag, 1);
			if (ret > 0)
				ret = con_step_done(con_process_tag(con));
			break;
		case IN_ACK:
			ret = monc_con_read(con, con->in_le64, 8);
			if (ret <= 0)
				break;
			monc_con_drop_acked(con, get_unaligned_le64(con->in_le64));
			con->in_state = IN_TAG;
			break;
		case IN_KEEPALIVE2:
			ret = monc_con_read(con, con->keepalive_ack_stamp, 8);
			if (ret <= 0)
				break;
			con->need_keepalive_ack = true;
			con->in_state = IN_TAG;
			break;
		case IN_KEEPALIVE2_ACK:
			ret = monc_con_read(con, con->in_le64, 8);
			if (ret <= 0)
				break;
			WRITE_ONCE(con->last_keepalive_ack,
				   jiffies ? jiffies : 1);
			con->keepalive_rtt_ns =
				ktime_to_ns(ktime_sub(ktime_get(),
						      con->t_keepalive));
			con->in_state = IN_TAG;
			break;
		case IN_HDR:
			ret = monc_con_read(con, &con->in_hdr, sizeof(con->in_hdr));
			if (ret > 0)
				ret = con_step_done(con_process_hdr(con));
			break;
		case IN_FRONT:
			msg = con->in_msg;
			ret = monc_con_read(con, msg->front, msg->front_len);
			if (ret > 0)
				con->in_state = IN_MIDDLE;
			break;
		case IN_MIDDLE:
			msg = con->in_msg;
			ret = 1;
			if (msg->middle)
				ret = monc_con_read(con, msg->middle,
						    msg->middle_len);
			if (ret > 0)
				con->in_state = IN_DATA;
			break;
		case IN_DATA:
			msg = con->in_msg;
			ret = 1;
			if (msg->data)
				ret = monc_con_read(con, msg->data, msg->data_len);
			if (ret > 0)
				con->in_state = IN_FOOTER;
			break;
		case IN_FOOTER:
			ret = monc_con_read(con, con->in_footer, con->footer_len);
			if (ret > 0)
				ret = con_step_done(con_process_footer(con));
			break;
		case IN_SKIP:
			ret = con_skip(con);
			if (ret <= 0)
				break;
			if (con->in_skip_seq)
				con->in_seq = con->in_skip_seq;
			con->in_state = IN_TAG;
			break;
		default:
			ret = -EINVAL;
			break;
		}
		if (ret <= 0)
			return ret;
	}
}

static bool con_has_output(struct monc_conn *con)
{
	if (con->need_connect || con->need_in_seq)
		return true;
	if (con->state != CON_OPEN)
		return false;
	return con->in_seq > con->in_seq_acked || con->need_keepalive_ack ||
	       con->need_keepalive || !list_empty(&con->out_queue);
}

static const char *con_v1_mode(struct monc_conn *con)
{
	return "msgr1";
}

static const struct monc_con_proto monc_v1_proto = {
	.start = con_prepare_banner,
	.try_read = con_try_read,
	.try_write = con_try_write,
	.has_output = con_has_output,
	.mode = con_v1_mode,
};

/*
 * Move bytes both ways until the socket blocks or there is nothing to do.
 * Returns 0, or a negative error that kills the connection.
 */
static int __con_do_io(struct monc_conn *con)
{
	bool blocked;
	int ret;

	for (;;) {
		ret = con->proto->try_write(con);
		if (ret < 0)
			return ret;
		blocked = con->out_resid != 0;
		ret = con->proto->try_read(con);
		if (ret < 0)
			return ret;
		if (con->nr_ready >= MONC_RX_BUDGET) {
			/* dispatch what we have, then come back */
			ret = con->proto->try_write(con);
			if (ret < 0)
				return ret;
			con_queue(con);
			return 0;
		}
		if (blocked || !con->proto->has_output(con))
			return 0;
	}
}

/* ---------------------------------------------------------------------- */
/* The work */

static bool con_may_call(struct monc_conn *con)
{
	bool ok;

	mutex_lock(&con->mutex);
	ok = !test_bit(CON_F_CLOSED, &con->flags);
	mutex_unlock(&con->mutex);
	return ok;
}

static void con_run(struct monc_conn *con)
{
	struct monc_msg *msg, *tmp;
	unsigned int nofs;
	LIST_HEAD(ready);
	int err = 0;

	nofs = memalloc_nofs_save();
	mutex_lock(&con->mutex);
	if (test_bit(CON_F_CLOSED, &con->flags) || con->state == CON_DEAD) {
		mutex_unlock(&con->mutex);
		goto out;
	}
	err = __con_do_io(con);
	list_splice_init(&con->ready, &ready);
	con->nr_ready = 0;
	if (err) {
		con->fault_err = err;
		__con_kill(con);
	}
	mutex_unlock(&con->mutex);

	list_for_each_entry_safe(msg, tmp, &ready, list) {
		list_del_init(&msg->list);
		if (con_may_call(con))
			con->ops->dispatch(con->priv, con, msg);
		else
			monc_msg_put(msg);
	}
	if (!err && con->proto->after_dispatch && con_may_call(con) &&
	    con->proto->after_dispatch(con))
		con_queue(con);
	if (err && !con->fault_reported) {
		con->fault_reported = true;
		pr_debug("%pISpc: fault %d\n", &con->peer.ss, err);
		if (con_may_call(con) && con->ops->fault)
			con->ops->fault(con->priv, con, err);
	}
out:
	memalloc_nofs_restore(nofs);
}

static void con_work(struct work_struct *work)
{
	struct monc_conn *con = container_of(work, struct monc_conn, work);

	con_run(con);
	con_put(con);
}

/* ---------------------------------------------------------------------- */
/* Transport ops */

static struct monc_conn *con_alloc(const struct monc_entity_addr *peer,
				   const struct monc_conn_ops *ops, void *priv)
{
	const struct monc_con_proto *proto = &monc_v1_proto;
	struct monc_conn *con;

	con = monc_kzalloc(sizeof(*con), GFP_NOFS);
	if (!con)
		return NULL;
	atomic_inc(&monc_nr_conns);
	kref_init(&con->kref);
	mutex_init(&con->mutex);
	INIT_WORK(&con->work, con_work);
	INIT_LIST_HEAD(&con->out_queue);
	INIT_LIST_HEAD(&con->out_sent);
	INIT_LIST_HEAD(&con->ready);
	con->ops = ops;
	con->priv = priv;
	con->peer = *peer;
	con->state = CON_BANNER;
	con->in_state = IN_BANNER;
	con->footer_len = MONC_FOOTER_LEN;
	con->global_seq = monc_next_global_seq(0);
	con->t_start = ktime_get();
	if (peer->type == MONC_ADDR_TYPE_MSGR2)
		proto = &monc_v2_proto;
	con->proto = proto;
	if (proto->start(con)) {
		con->proto = &monc_v1_proto;	/* nothing to release */
		con_put(con);
		return NULL;
	}
	return con;
}

static struct monc_conn *monc_tcp_open(const struct monc_entity_addr *peer,
				       const struct monc_conn_ops *ops,
				       void *priv)
{
	const struct sockaddr_storage *ss = &peer->ss;
	struct monc_conn *con;
	struct socket *sock;
	unsigned int noio;
	int addrlen, ret;

	if (ss->ss_family == AF_INET)
		addrlen = sizeof(struct sockaddr_in);
	else if (ss->ss_family == AF_INET6)
		addrlen = sizeof(struct sockaddr_in6);
	else
		return ERR_PTR(-EAFNOSUPPORT);
	if (!ops || !ops->dispatch || !ops->fault)
		return ERR_PTR(-EINVAL);

	con = con_alloc(peer, ops, priv);
	if (!con)
		return ERR_PTR(-ENOMEM);

	/* sock_create_kern() allocates with GFP_KERNEL */
	noio = memalloc_noio_save();
	ret = monc_sock_create_kern(ops->net ? ops->net(priv) : &init_net,
				    ss->ss_family, SOCK_STREAM, IPPROTO_TCP, &sock);
	memalloc_noio_restore(noio);
	if (ret)
		goto err_free_con;
	sock->sk->sk_allocation = GFP_NOFS;
	monc_sk_no_task_frag(sock->sk);
#ifdef CONFIG_LOCKDEP
	lockdep_set_class(&sock->sk->sk_lock, &monc_sock_class);
#endif
	tcp_sock_set_nodelay(sock->sk);

	mutex_lock(&con->mutex);
	con->sock = sock;
	con_sock_attach(con, sock);
	ret = kernel_connect(sock, (struct sockaddr_unsized *)ss, addrlen,
			     O_NONBLOCK);
	if (ret && ret != -EINPROGRESS) {
		pr_debug("%pISpc: connect: %d\n", ss, ret);
		__con_kill(con);
		mutex_unlock(&con->mutex);
		goto err_free_con;
	}
	mutex_unlock(&con->mutex);
	pr_debug("%pISpc: connecting, con %p\n", ss, con);
	con_queue(con);
	return con;

err_free_con:
	con_put(con);
	return ERR_PTR(ret);
}

static void monc_tcp_close(struct monc_conn *con)
{
	if (!con)
		return;
	mutex_lock(&con->mutex);
	set_bit(CON_F_CLOSED, &con->flags);
	__con_kill(con);
	mutex_unlock(&con->mutex);
	con_put(con);
}

static int monc_tcp_send(struct monc_conn *con, struct monc_msg *msg)
{
	int ret = 0;

	if (msg->front_len > msg->front_alloc ||
	    WARN_ON_ONCE(!list_empty(&msg->list))) {
		monc_msg_put(msg);
		return -EINVAL;
	}
	mutex_lock(&con->mutex);
	if (con->state == CON_DEAD) {
		ret = -ENOTCONN;
	} else {
		msg->hdr.seq = cpu_to_le64(++con->out_seq);
		list_add_tail(&msg->list, &con->out_queue);
		msg = NULL;
	}
	mutex_unlock(&con->mutex);
	if (ret) {
		monc_msg_put(msg);
		return ret;
	}
	con_queue(con);
	return 0;
}

static void monc_tcp_keepalive(struct monc_conn *con)
{
	mutex_lock(&con->mutex);
	con->need_keepalive = con->state != CON_DEAD;
	mutex_unlock(&con->mutex);
	con_queue(con);
}

static unsigned long monc_tcp_last_keepalive_ack(struct monc_conn *con)
{
	return READ_ONCE(con->last_keepalive_ack);
}

static u64 monc_tcp_peer_features(struct monc_conn *con)
{
	u64 f;

	mutex_lock(&con->mutex);
	f = con->state == CON_OPEN ? con->features : 0;
	mutex_unlock(&con->mutex);
	return f;
}

static const char *monc_tcp_mode(struct monc_conn *con)
{
	const char *mode;

	mutex_lock(&con->mutex);
	mode = con->proto->mode(con);
	mutex_unlock(&con->mutex);
	return mode;
}

static void monc_tcp_flush(void)
{
	flush_workqueue(monc_wq);
}

const struct monc_transport monc_tcp_transport = {
	.open = monc_tcp_open,
	.close = monc_tcp_close,
	.send = monc_tcp_send,
	.keepalive = monc_tcp_keepalive,
	.last_keepalive_ack = monc_tcp_last_keepalive_ack,
	.peer_features = monc_tcp_peer_features,
	.mode = monc_tcp_mode,
	.flush = monc_tcp_flush,
};
EXPORT_SYMBOL_IF_KUNIT(monc_tcp_transport);

/**
 * monc_messenger_init() - set up the messenger
 *
 * Creates monc_wq, the module's workqueue for connections and the session
 * tick. It is WQ_MEM_RECLAIM, because a filesystem may wait on the monitor
 * session to make progress under memory pressure, and per-CPU (WQ_PERCPU,
 * as every kernel before 7.x made it by default).
 *
 * Return: 0 or -ENOMEM.
 */
int monc_messenger_init(void)
{
	monc_wq = alloc_workqueue("monc_wq", WQ_MEM_RECLAIM | WQ_PERCPU, 0);
	if (!monc_wq)
		return -ENOMEM;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_messenger_init);

/**
 * monc_messenger_exit() - tear down the messenger
 *
 * Every connection must have been closed; queued work is drained.
 */
void monc_messenger_exit(void)
{
	if (!monc_wq)
		return;
	destroy_workqueue(monc_wq);
	monc_wq = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(monc_messenger_exit);

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * Encode @msg as a whole MSG frame (tag, header, sections, footer) into
 * @buf, as the connection would send it with @features in effect.
 * Returns the frame's length, or -ENOSPC.
 */
ssize_t monc_msgr_encode_frame(struct monc_msg *msg, u64 seq, u64 features,
			       void *buf, size_t len)
{
	bool msg_auth = features & MONC_FEATURE_MSG_AUTH;
	u8 footer[MONC_FOOTER_LEN];
	void *p = buf, *end = buf + len;
	size_t flen = msg_auth ? MONC_FOOTER_LEN : MONC_FOOTER_OLD_LEN;

	if (msg->front_len > msg->front_alloc)
		return -EINVAL;
	monc_msgr_prepare(msg, seq);
	monc_encode_footer(&msg->footer, msg_auth, footer);
	if (monc_enc_u8(&p, end, MONC_TAG_MSG) ||
	    monc_enc_copy(&p, end, &msg->hdr, sizeof(msg->hdr)) ||
	    monc_enc_copy(&p, end, msg->front, msg->front_len) ||
	    (msg->middle && monc_enc_copy(&p, end, msg->middle,
					  msg->middle_len)) ||
	    (msg->data && monc_enc_copy(&p, end, msg->data, msg->data_len)) ||
	    monc_enc_copy(&p, end, footer, flen))
		return -ENOSPC;
	return p - buf;
}
EXPORT_SYMBOL_IF_KUNIT(monc_msgr_encode_frame);

/* A connection of @type to 127.0.0.1:@port over the test pipe @tp. */
static struct monc_conn *test_con_open(const struct monc_conn_ops *ops,
				       void *priv,
				       struct monc_msgr_test_pipe *tp,
				       u32 type, u16 port)
{
	struct monc_entity_addr peer = { .type = type };
	struct sockaddr_in *in = (struct sockaddr_in *)&peer.ss;
	struct monc_conn *con;

	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	con = con_alloc(&peer, ops, priv);
	if (con)
		con->tp = tp;
	return con;
}

/*
 * A connection over a test pipe instead of a socket, driven by
 * monc_msgr_test_run() instead of the workqueue. @features 0 starts it at
 * the banner exchange (its banner is already queued); otherwise it starts
 * open with those features in effect.
 */
struct monc_conn *monc_msgr_test_open(const struct monc_conn_ops *ops,
				      void *priv,
				      struct monc_msgr_test_pipe *tp,
				      u64 features)
{
	struct monc_conn *con;

	con = test_con_open(ops, priv, tp, MONC_ADDR_TYPE_LEGACY, 6789);
	if (!con)
		return NULL;
	if (features) {
		monc_con_out_reset(con);
		con->features = features;
		monc_con_opened(con);
	}
	return con;
}
EXPORT_SYMBOL_IF_KUNIT(monc_msgr_test_open);

/*
 * A msgr2 connection to 127.0.0.1:@port over a test pipe, at the start of
 * its banner exchange (its banner is already queued), driven by
 * monc_msgr_test_run().
 */
struct monc_conn *monc_msgr2_test_open(const struct monc_conn_ops *ops,
				       void *priv,
				       struct monc_msgr_test_pipe *tp,
				       u16 port)
{
	return test_con_open(ops, priv, tp, MONC_ADDR_TYPE_MSGR2, port);
}
EXPORT_SYMBOL_IF_KUNIT(monc_msgr2_test_open);

/* One run of the connection's work, synchronously. */
void monc_msgr_test_run(struct monc_conn *con)
{
	con_run(con);
}
EXPORT_SYMBOL_IF_KUNIT(monc_msgr_test_run);

/* State for assertions. */
void monc_msgr_test_info(struct monc_conn *con, struct monc_msgr_test_info *i)
{
	struct monc_msg *msg;

	mutex_lock(&con->mutex);
	i->open = con->state == CON_OPEN;
	i->dead = con->state == CON_DEAD;
	i->features = con->features;
	i->global_seq = con->global_seq;
	i->connect_seq = con->connect_seq;
	i->in_seq = con->in_seq;
	i->out_seq = con->out_seq;
	i->nr_sent = 0;
	list_for_each_entry(msg, &con->out_sent, list)
		i->nr_sent++;
	i->fault_err = con->fault_err;
	i->handshake_ns = con->handshake_ns;
	i->keepalive_rtt_ns = con->keepalive_rtt_ns;
	mutex_unlock(&con->mutex);
}
EXPORT_SYMBOL_IF_KUNIT(monc_msgr_test_info);

/*
 * Start the incoming seq at @seq, as if @seq messages had come: the tests
 * feed captured frames whose seq continues a longer stream.
 */
void monc_msgr_test_set_in_seq(struct monc_conn *con, u64 seq)
{
	mutex_lock(&con->mutex);
	con->in_seq = seq;
	con->in_seq_acked = seq;
	mutex_unlock(&con->mutex);
}
EXPORT_SYMBOL_IF_KUNIT(monc_msgr_test_set_in_seq);

/* Connections not yet freed (by any owner). */
int monc_msgr_test_nr_conns(void)
{
	return atomic_read(&monc_nr_conns);
}
EXPORT_SYMBOL_IF_KUNIT(monc_msgr_test_nr_conns);
#endif
