/* SPDX-License-Identifier: GPL-2.0 */
/*
 * monc internals shared between mon_client.c, requests.c, monmap.c,
 * messenger_glue.c, auth_x.c and the KUnit suites. Client modules include
 * mon_client.h only.
 *
 * Lock order (outermost first):
 *   monc_client.mutex  ->  connection lock  ->  message pool spinlock
 * The messenger never calls back into the session (dispatch, fault) with
 * its connection lock held, so the session may take its mutex there. The
 * one exception is alloc_msg, which runs under the connection lock and so
 * must not take the session mutex: it takes messages from pools.
 */
#ifndef _MONC_INTERNAL_H
#define _MONC_INTERNAL_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/compiler.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/utsname.h>
#include <linux/uuid.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/rbtree.h>

#include "decode.h"
#include "mon_client.h"

#include <kunit/visibility.h>

/* Message types (CEPH_MSG_*) that a monitor session uses. */
#define MONC_MSG_MON_MAP		4
#define MONC_MSG_STATFS			13
#define MONC_MSG_STATFS_REPLY		14
#define MONC_MSG_MON_SUBSCRIBE		15
#define MONC_MSG_MON_SUBSCRIBE_ACK	16
#define MONC_MSG_AUTH			17
#define MONC_MSG_AUTH_REPLY		18
#define MONC_MSG_MON_GET_VERSION	19
#define MONC_MSG_MON_GET_VERSION_REPLY	20
#define MONC_MSG_MDS_MAP		21
#define MONC_MSG_OSD_MAP		41
#define MONC_MSG_MON_COMMAND		50
#define MONC_MSG_MON_COMMAND_ACK	51
#define MONC_MSG_FS_MAP_USER		103

/* Entity types (CEPH_ENTITY_TYPE_*). */
#define MONC_ENTITY_TYPE_MON		0x01
#define MONC_ENTITY_TYPE_CLIENT		0x08

/* Message priorities. */
#define MONC_MSG_PRIO_DEFAULT		127
#define MONC_MSG_PRIO_HIGH		196

/*
 * msgr v1 wire structures. Multi-byte fields are little-endian on the wire
 * and typed so that sparse checks every access.
 */
struct monc_wire_entity_name {
	__u8 type;
	__le64 num;
} __packed;

/* ceph_msg_header: 53 bytes; crc covers everything before it. */
struct monc_msg_header {
	__le64 seq;
	__le64 tid;
	__le16 type;
	__le16 priority;
	__le16 version;
	__le32 front_len;
	__le32 middle_len;
	__le32 data_len;
	__le16 data_off;
	struct monc_wire_entity_name src;
	__le16 compat_version;
	__le16 reserved;
	__le32 crc;
} __packed;

/* ceph_msg_footer: 21 bytes with MSG_AUTH (sig), 13 without. */
struct monc_msg_footer {
	__le32 front_crc;
	__le32 middle_crc;
	__le32 data_crc;
	__le64 sig;
	__u8 flags;
} __packed;

/* ceph_msg_connect: 33 bytes. */
struct monc_wire_connect {
	__le64 features;
	__le32 host_type;
	__le32 global_seq;
	__le32 connect_seq;
	__le32 protocol_version;
	__le32 authorizer_protocol;
	__le32 authorizer_len;
	__u8 flags;
} __packed;

/* ceph_msg_connect_reply with its leading tag: 26 bytes. */
struct monc_wire_connect_reply {
	__u8 tag;
	__le64 features;
	__le32 global_seq;
	__le32 connect_seq;
	__le32 protocol_version;
	__le32 authorizer_len;
	__u8 flags;
} __packed;

#define MONC_MSG_FOOTER_COMPLETE	BIT(0)
#define MONC_MSG_FOOTER_NOCRC		BIT(1)
#define MONC_MSG_FOOTER_SIGNED		BIT(2)

/*
 * A message: the wire header plus its three sections. front is always a
 * linear buffer (kvmalloc for big maps); middle and data are optional.
 * Messages are refcounted; the last put frees them or returns them to
 * their pool.
 */
struct monc_msgpool;

struct monc_msg {
	struct kref kref;
	struct list_head list;		/* owned by whoever queues the msg */
	struct monc_msg_header hdr;
	struct monc_msg_footer footer;
	void *front;
	u32 front_len;			/* bytes in use (== hdr.front_len) */
	u32 front_alloc;		/* bytes allocated */
	void *middle;
	u32 middle_len;
	void *data;
	u32 data_len;
	struct monc_msgpool *pool;	/* NULL if not from a pool */
};

struct monc_msg *monc_msg_new(u16 type, u32 front_len, gfp_t gfp);
struct monc_msg *monc_msg_get(struct monc_msg *msg);
void monc_msg_put(struct monc_msg *msg);

/*
 * A pool of preallocated messages of one type, so that receiving a reply
 * the session depends on usually needs no allocation. The pool is smaller
 * than a receive batch (MONC_RX_BUDGET messages are read before they are
 * dispatched), so a burst of replies may allocate: when that fails the
 * session's alloc_msg faults the connection rather than skip the reply,
 * and the new session resends the requests.
 */
struct monc_msgpool {
	spinlock_t lock;		/* protects free and nr_free */
	struct list_head free;
	unsigned int nr_free;
	unsigned int size;
	u16 type;
	u32 front_max;
};

int monc_msgpool_init(struct monc_msgpool *pool, u16 type, u32 front_max,
		      unsigned int size);
void monc_msgpool_destroy(struct monc_msgpool *pool);
/* A message from @pool (or freshly allocated with @gfp if it is empty). */
struct monc_msg *monc_msgpool_get(struct monc_msgpool *pool, u32 front_len,
				  gfp_t gfp);

/*
 * The connection interface mon_client.c uses. The real one is msgr v1 or
 * msgr2 over TCP (messenger_glue.c, msgr2.c); KUnit suites substitute a
 * fake.
 */
struct monc_conn;
struct net;

/**
 * struct monc_conn_ops - callbacks from a connection to its owner
 * @dispatch: a complete, CRC-checked message arrived; the callee owns the
 *	reference. Called in process context, connection lock not held.
 * @fault: the connection failed (refused, reset, EOF, bad CRC, bad tag,
 *	protocol error); no further callback comes for it. Same context.
 * @alloc_msg: a header arrived; return a message with room for its
 *	sections, or NULL and set *@skip to 1 to skip the message, or NULL
 *	with *@skip 0 to fault the connection. Called with the connection
 *	lock held: must not sleep on the session mutex.
 * @net: the network namespace the connection's socket is made in (the
 *	owner holds a reference for the connection's life); a NULL op means
 *	init_net. Called from open, in the owner's context.
 * @session_key: msgr2 only: the key material of the auth exchange the
 *	owner just finished on @con (after it was dispatched the reply that
 *	finished it): the session key, to sign the exchange with (*@len in:
 *	room at @key, out: its length, 0 for auth none), and the connection
 *	secret, to key secure mode with (*@secret_len likewise, 0 if none).
 *	0 or a negative error, which faults the connection. NULL: auth none.
 *	Same context as @dispatch.
 * @ms_mode: msgr2 only: the owner's ms_mode option (MONC_MS_MODE_*), which
 *	says the connection modes to offer; NULL means the default. Called
 *	with the connection lock held: must not sleep.
 */
struct monc_conn_ops {
	void (*dispatch)(void *priv, struct monc_conn *con,
			 struct monc_msg *msg);
	void (*fault)(void *priv, struct monc_conn *con, int err);
	struct monc_msg *(*alloc_msg)(void *priv, struct monc_conn *con,
				      const struct monc_msg_header *hdr,
				      int *skip);
	struct net *(*net)(void *priv);
	int (*session_key)(void *priv, struct monc_conn *con, u8 *key,
			   u32 *len, u8 *secret, u32 *secret_len);
	unsigned int (*ms_mode)(void *priv);
};

/**
 * struct monc_transport - a way to reach a monitor
 * @open: start connecting to @peer; returns a connection or ERR_PTR. Does
 *	not block on the network.
 * @close: stop the connection. After close returns no new callback starts
 *	for it; one already running may still finish. Safe to call with the
 *	session mutex held. Drops the caller's reference.
 * @send: queue @msg (consumes the caller's reference). The messenger sets
 *	seq, lengths and CRCs; the caller sets type, version, tid, src.
 * @keepalive: queue a keepalive2.
 * @last_keepalive_ack: jiffies of the last keepalive2 ack, or of the
 *	connection's establishment if none came yet; 0 before that.
 * @peer_features: features in effect (ours AND the peer's), 0 before the
 *	handshake ends.
 * @mode: optional; the wire protocol and its mode as a static string, for
 *	debugfs.
 * @flush: wait until no callback of any connection of this transport is
 *	running or queued. Must not be called with the session mutex held.
 */
struct monc_transport {
	struct monc_conn *(*open)(const struct monc_entity_addr *peer,
				  const struct monc_conn_ops *ops, void *priv);
	void (*close)(struct monc_conn *con);
	int (*send)(struct monc_conn *con, struct monc_msg *msg);
	void (*keepalive)(struct monc_conn *con);
	unsigned long (*last_keepalive_ack)(struct monc_conn *con);
	u64 (*peer_features)(struct monc_conn *con);
	const char *(*mode)(struct monc_conn *con);
	void (*flush)(void);
};

/*
 * msgr v1 or msgr2 over TCP: a peer of type MONC_ADDR_TYPE_MSGR2 gets a
 * msgr2 connection (msgr2.c), any other msgr v1 (messenger_glue.c).
 */
extern const struct monc_transport monc_tcp_transport;

/* The features monc offers in ceph_msg_connect (see messenger_glue.c). */
extern const u64 monc_supported_features;

int monc_messenger_init(void);
void monc_messenger_exit(void);

/* The module's workqueue, for connections and the session tick. */
extern struct workqueue_struct *monc_wq;

/* MonMap (monmap.c). */
#define MONC_MON_NAME_MAX	64

struct monc_mon_info {
	char name[MONC_MON_NAME_MAX + 1];
	u32 rank;
	struct monc_entity_addr addr;	/* msgr v1 (LEGACY or ANY); family 0: none */
	struct monc_entity_addr addr_v2; /* msgr2 (MSGR2); family 0: none */
};

struct monc_monmap {
	uuid_t fsid;
	u32 epoch;
	u32 num_mon;
	struct monc_mon_info mon[];
};

int monc_monmap_decode(const void *buf, size_t len,
		       struct monc_monmap **out);
int monc_monmap_decode_why(const void *buf, size_t len,
			   struct monc_monmap **out, const char **reason);
struct monc_monmap *monc_monmap_from_addrs(const struct sockaddr_storage *addrs,
					   unsigned int n, gfp_t gfp);
bool monc_addr_equal(const struct sockaddr_storage *a,
		     const struct sockaddr_storage *b);
int monc_monmap_find(const struct monc_monmap *map,
		     const struct sockaddr_storage *ss);
bool monc_monmap_contains(const struct monc_monmap *map,
			  const struct sockaddr_storage *ss);
int monc_monmap_pick(const struct monc_monmap *map, u64 exclude);
u64 monc_monmap_lacking(const struct monc_monmap *map, bool v2);
void monc_monmap_set_kind(struct monc_monmap *map, bool v2);

/* The session (mon_client.c) and its debugfs files (debugfs.c). */
struct dentry;
struct monc_auth;
struct seq_file;

void monc_debugfs_init(void);
void monc_debugfs_exit(void);
struct dentry *monc_debugfs_add(struct monc_client *monc, const char *name);
void monc_debugfs_rename(struct dentry *dir, const char *name);
void monc_debugfs_remove(struct dentry *dir);
void monc_show_session(struct monc_client *monc, struct seq_file *s);
void monc_show_requests(struct monc_client *monc, struct seq_file *s);
void monc_show_monmap(struct monc_client *monc, struct seq_file *s);

/*
 * The client, shared by the session (mon_client.c) and the requests
 * (requests.c). Arrows run one way: mon_client.c calls into requests.c;
 * requests.c uses only the fields and inline helpers below.
 */

/* The paxos request header (paxos version, session mon, tid): 18 bytes. */
#define MONC_PAXOS_HDR_LEN		18
#define MONC_VERSION_WHAT_MAX	32
#define MONC_REASON_LEN		256	/* the last failure, in words */
#define MONC_SUB_NAME_LEN	24	/* "mdsmap.<fscid>" */
#define MONC_EV_RING		16	/* events not yet handed over */

/* Reply pools. */
enum {
	MONC_POOL_AUTH_REPLY,
	MONC_POOL_SUBSCRIBE_ACK,
	MONC_POOL_STATFS_REPLY,
	MONC_POOL_VERSION_REPLY,
	MONC_POOL_COUNT
};

enum monc_state {
	MONC_S_IDLE,		/* not opened, or stopped, or mount failed */
	MONC_S_HUNTING,		/* connecting to candidates, none won yet */
	MONC_S_OPEN,		/* one authenticated session */
};

/*
 * One connection to one monitor: the open session, or a candidate while
 * hunting. A slot is free when @con is NULL.
 */
struct monc_slot {
	struct monc_conn *con;
	struct monc_entity_addr addr;
	unsigned long opened;		/* jiffies */
};

struct monc_sub {
	bool want;
	u8 flags;
	u64 start;
	u32 have;
};

struct monc_client {
	struct mutex mutex;		/* the session */
	struct mutex handler_mutex;	/* one handler call at a time */
	const struct monc_transport *transport;
	struct monc_handlers handlers;
	void *priv;
	struct monc_options opts;	/* normalized copy */
	char name[MONC_MAX_NAME_LEN + 1];
	char hostname[__NEW_UTS_LEN + 1];
	unsigned long mount_timeout, ka_interval, ka_timeout, hunt_interval;

	struct monc_auth *auth;
	struct monc_monmap *monmap;
	struct net *net;		/* of the task that created the client */
	bool have_fsid;
	uuid_t fsid;

	/* session */
	enum monc_state state;
	bool stopped;
	struct monc_slot slot[MONC_MAX_MONS];
	int cur;			/* slot of the open session, or -1 */
	int auth_owner;			/* slot carrying a multi-round auth */
	u64 session_gen;
	unsigned long session_since;	/* jiffies the session opened */
	u64 global_id;
	bool had_session;

	/* hunting */
	struct monc_entity_addr failed_addr;
	bool have_failed;
	unsigned int hunt_round;	/* rounds in this hunt */
	unsigned int hunt_mult;
	bool hunt_grown;		/* hunt_mult already grew this round */
	u64 tried;			/* ranks tried in this round */
	u64 dead;			/* ranks that failed in this round */
	unsigned int short_sessions;	/* sessions in a row that died young */
	u64 stat_short_sessions;
	unsigned long hunt_start;	/* jiffies */
	unsigned long next_round;	/* jiffies */
	unsigned long next_open;	/* jiffies: the next staggered candidate */
	unsigned long hunt_stagger;	/* jiffies; 0: all candidates at once */
	u64 stat_hunts, stat_rounds, stat_faults, stat_ka_timeouts;
	atomic_t stat_tick_runs;	/* tick work runs, for tests */
	unsigned int last_failover_ms;
	unsigned long open_time;	/* jiffies of monc_open_session() */
	unsigned int mount_ms;		/* from open to mounted */
	char reason[MONC_REASON_LEN];	/* why the last attempt failed */
	bool reason_in_session;		/* reason set during this session */

	/* mount */
	wait_queue_head_t mount_wq;
	bool authenticated;
	bool got_osdmap;
	bool mounted;
	int mount_err;

	/* subscriptions */
	struct monc_sub subs[MONC_MAP_COUNT];
	int mdsmap_fscid;		/* "mdsmap.<id>", or MONC_FS_DEFAULT */
	unsigned long sub_renew_after;	/* jiffies; 0 = not scheduled */
	unsigned long sub_renew_sent;
	bool sub_unsent;		/* a change not sent yet (no memory) */

	/*
	 * Maps for the handlers, run by handler_work so that a slow handler
	 * never stalls the connection's reading (and its keepalive acks).
	 * hq holds osdmap and mdsmap messages (via ->list) in arrival order;
	 * hq_monmap says monmap_changed(hq_monmap_epoch) is due.
	 */
	struct list_head hq;
	struct monc_event ev[MONC_EV_RING];	/* for handlers.event */
	unsigned int ev_head, ev_len;
	u64 ev_dropped;
	bool hq_monmap;
	u32 hq_monmap_epoch;
	struct work_struct handler_work;

	/* async completions: one done() at a time, and who runs it */
	struct mutex done_mutex;
	struct task_struct *done_task;

	/* stop, and the callers still inside a blocking call */
	struct completion stop_cmpl;	/* the first monc_stop() finished */
	unsigned int stop_waiters;	/* later callers waiting for it */
	atomic_t blocked;		/* callers in a blocking wait */
	wait_queue_head_t blocked_wq;

	/* messages */
	struct monc_msg *m_auth;	/* preallocated, resent */
	struct monc_msg *m_subscribe;
	struct monc_msgpool pools[MONC_POOL_COUNT];
	bool pools_ready[MONC_POOL_COUNT];

	/* requests, by tid */
	struct rb_root reqs;		/* pending requests by tid */
	u64 last_tid;
	wait_queue_head_t map_wq;	/* monc_got_map(), stop */

	struct delayed_work tick;
	struct dentry *debugfs_dir;
	bool debugfs_named;
};

static inline void monc_msg_setup(struct monc_client *monc,
				  struct monc_msg *m, u16 type, u16 version,
				  u16 compat, u64 tid, u32 front_len)
{
	m->hdr.type = cpu_to_le16(type);
	m->hdr.version = cpu_to_le16(version);
	m->hdr.compat_version = cpu_to_le16(compat);
	m->hdr.tid = cpu_to_le64(tid);
	m->hdr.priority = cpu_to_le16(MONC_MSG_PRIO_DEFAULT);
	m->hdr.src.type = MONC_ENTITY_TYPE_CLIENT;
	m->hdr.src.num = cpu_to_le64(monc->global_id ? monc->global_id :
				     (u64)-1);
	m->hdr.front_len = cpu_to_le32(front_len);
	m->hdr.middle_len = 0;
	m->hdr.data_len = 0;
	m->hdr.data_off = 0;
	m->front_len = front_len;
}

static inline void monc_enc_paxos_hdr(void **p, void *end)
{
	monc_enc_u64(p, end, 0);		/* paxos version */
	monc_enc_u16(p, end, 0xffff);		/* session mon: -1 */
	monc_enc_u64(p, end, 0);		/* tid */
}

/* Send @m on slot @i (consumes the reference). */
static inline int __monc_send(struct monc_client *monc, int i,
			      struct monc_msg *m)
{
	struct monc_slot *s = &monc->slot[i];

	lockdep_assert_held(&monc->mutex);
	if (!s->con) {
		monc_msg_put(m);
		return -ENOTCONN;
	}
	return monc->transport->send(s->con, m);
}

/* Requests (requests.c): the tid tree, statfs, get_version. */
struct monc_request;

void monc_req_finish(struct monc_request *req, int err);
void monc_req_finish_list(struct list_head *list, int err);
void __monc_send_pending(struct monc_client *monc);
void __monc_expire_requests(struct monc_client *monc,
			    struct list_head *expired);
void __monc_take_all_requests(struct monc_client *monc,
			      struct list_head *list);
unsigned int __monc_nr_requests(struct monc_client *monc);
int __monc_handle_request_reply(struct monc_client *monc, int i,
				struct monc_msg *msg,
				struct monc_request **done);
struct monc_msg *monc_alloc_command_ack(const struct monc_msg_header *hdr,
					int *skip);
bool monc_in_callback(struct monc_client *monc, bool handler);
void monc_block_enter(struct monc_client *monc);
void monc_block_exit(struct monc_client *monc);

/*
 * The session's auth state with the session mutex held, for auth.c's
 * exported ticket and authorizer API (mon_client.c).
 */
struct monc_auth *monc_session_auth_lock(struct monc_client *monc);
void monc_session_auth_unlock(struct monc_client *monc);

/* An MAuthReply front, split (mon_client.c); pointers into the front. */
struct monc_auth_reply_fields {
	u32 protocol;
	s32 result;
	u64 global_id;
	const void *payload;
	u32 payload_len;
	const char *msg;
	u32 msg_len;
};

#if IS_ENABLED(CONFIG_KUNIT)
/* Test hooks of mon_client.c (exported only in kernels with KUnit). */
struct monc_client *
monc_create_with_transport(const struct monc_options *opts,
			   const struct monc_handlers *handlers, void *priv,
			   const struct monc_transport *transport);
int monc_decode_auth_reply(const void *front, size_t len,
			   struct monc_auth_reply_fields *r);
int monc_decode_statfs_reply(const void *front, size_t len, uuid_t *fsid,
			     u64 *version, struct monc_statfs *st);
int monc_decode_version_reply(const void *front, size_t len, u64 *handle,
			      u64 *newest, u64 *oldest);
int monc_decode_command_ack(const void *front, size_t len, int *result,
			    const char **rs, u32 *rs_len);
int monc_decode_subscribe_ack(const void *front, size_t len, u32 *interval,
			      uuid_t *fsid);

struct monc_test_info {
	int state;
	bool hunting, open, mounted;
	u64 global_id;
	u64 stat_hunts, stat_rounds, stat_faults, stat_ka_timeouts;
	unsigned int last_failover_ms;
	unsigned int hunt_mult;
	unsigned int short_sessions;	/* in a row */
	u64 stat_short_sessions;
	struct monc_conn *cur_con;
	unsigned int inflight;
	unsigned int pending;
	bool sub_want[MONC_MAP_COUNT];
	u64 sub_start[MONC_MAP_COUNT];
	u8 sub_flags[MONC_MAP_COUNT];
	unsigned long sub_renew_after, sub_renew_sent;
	bool tick_pending;
	unsigned int tick_runs;	/* times the tick work ran */
	bool sub_unsent;
	unsigned int stop_waiters;
	int blocked;
};

void monc_test_info(struct monc_client *monc, struct monc_test_info *ti);
void monc_test_tick(struct monc_client *monc, unsigned long advance);
void monc_test_expire(struct monc_client *monc, unsigned long advance);
extern bool monc_test_quiet_misuse;
#endif

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * messenger_glue.c hooks for tests/messenger_test.c. A test pipe stands in
 * for the socket: reads come from @in (at most @chunk bytes per read when
 * @chunk is set; EOF after the end when @eof, else "would block"), writes
 * go to @out up to @out_cap.
 */
struct monc_msgr_test_pipe {
	const u8 *in;
	size_t in_len;
	size_t in_pos;
	size_t chunk;
	bool eof;
	u8 *out;
	size_t out_len;
	size_t out_cap;
};

struct monc_msgr_test_info {
	bool open;
	bool dead;
	u64 features;
	u32 global_seq;
	u32 connect_seq;
	u64 in_seq;
	u64 out_seq;
	unsigned int nr_sent;
	int fault_err;
	s64 handshake_ns;	/* open() to the end of the handshake */
	s64 keepalive_rtt_ns;	/* last keepalive2 to its ack */
};

void monc_msgr_prepare(struct monc_msg *msg, u64 seq);
ssize_t monc_msgr_encode_frame(struct monc_msg *msg, u64 seq, u64 features,
			       void *buf, size_t len);
struct monc_conn *monc_msgr_test_open(const struct monc_conn_ops *ops,
				      void *priv,
				      struct monc_msgr_test_pipe *tp,
				      u64 features);
struct monc_conn *monc_msgr2_test_open(const struct monc_conn_ops *ops,
				       void *priv,
				       struct monc_msgr_test_pipe *tp,
				       u16 port);
void monc_msgr_test_run(struct monc_conn *con);
void monc_msgr_test_info(struct monc_conn *con, struct monc_msgr_test_info *i);
void monc_msgr_test_set_in_seq(struct monc_conn *con, u64 seq);
int monc_msgr_test_nr_conns(void);
#endif

#endif /* _MONC_INTERNAL_H */
