// SPDX-License-Identifier: GPL-2.0
/*
 * Requests to the monitors: statfs and get_version, kept by tid in an
 * rbtree (no allocation per request: an XArray took 2.7 node allocations
 * per statfs at the tids a session reaches), sent once the session knows
 * the cluster fsid, resent on every new session, expired after the mount
 * timeout and failed with -ESHUTDOWN on stop.
 *
 * Locking: the tree (monc_client.reqs, last_tid) and everything a request
 * reads of the session is guarded by the session mutex (monc_client.mutex);
 * functions whose name starts with "__" are called with it held and assert
 * it. A request taken out of the tree is owned by whoever took it and is
 * finished (its done() called, its waiter woken) without the session mutex,
 * under done_mutex, so that one done() of a client runs at a time.
 *
 * mon_client.c calls into this file (send the pending requests when a
 * session opens, hand over a reply, expire, take them all on stop); this
 * file never calls back into the session: a reply that does not decode is
 * reported to the caller, which faults the connection.
 */
#define pr_fmt(fmt) "monc: " fmt

#include <linux/jiffies.h>
#include <linux/rbtree.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "fault.h"
#include "internal.h"

#define MONC_STATFS_REPLY_LEN	56	/* fsid, le64 version, 4 x le64 */
#define MONC_VERSION_REPLY_LEN	24	/* handle, version, oldest */
/* An MMonCommandAck front: the paxos header, result, status, the echo. */
#define MONC_COMMAND_FRONT_MAX	(64U << 10)
#define MONC_BLOCKLIST_CMD_LEN	192

enum monc_req_type {
	MONC_REQ_STATFS,
	MONC_REQ_VERSION,
	MONC_REQ_COMMAND,
};

struct monc_request {
	struct kref kref;
	struct list_head list;		/* on a local list while finishing */
	struct monc_client *monc;
	struct rb_node node;		/* in monc_client.reqs, by tid */
	u64 tid;
	enum monc_req_type type;
	unsigned long started;		/* jiffies */
	unsigned long timeout;		/* jiffies after started */
	u64 sent_gen;			/* session generation it was sent on */
	s64 pool;
	char what[MONC_VERSION_WHAT_MAX + 1];
	struct completion done_cmpl;
	int result;
	struct monc_statfs st;
	u64 newest, oldest;
	/* command: the JSON, the input, and the reply (owned) */
	char *cmd;
	size_t cmd_len;
	void *in;
	size_t in_len;
	struct monc_msg *reply;
	int cmd_result;			/* the monitor's */
	const char *rs;			/* status string, in reply->front */
	u32 rs_len;
	/* async only */
	struct monc_statfs *st_out;
	u64 *newest_out, *oldest_out;
	monc_done_t done;
	void *arg;
};

/* ------------------------------------------------------------------ */
/* Reply decoders: every byte is hostile, decode within the length.     */

/**
 * monc_decode_statfs_reply - decode an MStatfsReply front
 * @front: the front
 * @len: its length: at least 56; bytes past them are ignored
 * @fsid: the cluster fsid it carries
 * @version: the paxos version
 * @st: the usage
 *
 * Return: 0 or -EINVAL.
 */
VISIBLE_IF_KUNIT int monc_decode_statfs_reply(const void *front, size_t len,
					      uuid_t *fsid, u64 *version,
					      struct monc_statfs *st)
{
	const void *p = front, *end = front + len;

	if (len < MONC_STATFS_REPLY_LEN)
		return -EINVAL;
	if (monc_dec_fsid(&p, end, fsid) || monc_dec_u64(&p, end, version) ||
	    monc_dec_u64(&p, end, &st->kb) ||
	    monc_dec_u64(&p, end, &st->kb_used) ||
	    monc_dec_u64(&p, end, &st->kb_avail) ||
	    monc_dec_u64(&p, end, &st->num_objects))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_decode_statfs_reply);

/**
 * monc_decode_version_reply - decode an MMonGetVersionReply front
 * @front: the front
 * @len: its length: at least 24; bytes past them are ignored
 * @handle: the request handle (our tid)
 * @newest: the newest version
 * @oldest: the oldest version
 *
 * Return: 0 or -EINVAL.
 */
VISIBLE_IF_KUNIT int monc_decode_version_reply(const void *front, size_t len,
					       u64 *handle, u64 *newest,
					       u64 *oldest)
{
	const void *p = front, *end = front + len;

	if (len < MONC_VERSION_REPLY_LEN)
		return -EINVAL;
	if (monc_dec_u64(&p, end, handle) || monc_dec_u64(&p, end, newest) ||
	    monc_dec_u64(&p, end, oldest))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_decode_version_reply);

/**
 * monc_decode_command_ack - decode an MMonCommandAck front
 * @front: the front
 * @len: its length
 * @result: the monitor's result: 0 or a negative errno; one outside
 *	[-MAX_ERRNO, 0] is -EIO
 * @rs: the status string, in @front (not NUL-terminated)
 * @rs_len: its length
 *
 * Layout: the paxos header (le64 version, le16 session mon, le64 tid),
 * s32 result, string status, vector<string> cmd (the command echoed). The
 * echo and whatever follows it are not read: a newer monitor may append
 * fields, and monc does not need the echo.
 *
 * Return: 0 or -EINVAL.
 */
VISIBLE_IF_KUNIT int monc_decode_command_ack(const void *front, size_t len,
					     int *result, const char **rs,
					     u32 *rs_len)
{
	const void *p = front, *end = front + len;
	s32 r;

	if (monc_dec_skip(&p, end, MONC_PAXOS_HDR_LEN) ||
	    monc_dec_s32(&p, end, &r) ||
	    monc_dec_str(&p, end, rs, rs_len))
		return -EINVAL;
	*result = r > 0 || r < -MAX_ERRNO ? -EIO : r;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_decode_command_ack);

/* ------------------------------------------------------------------ */
/* Requests                                                             */

static void monc_req_release(struct kref *kref)
{
	struct monc_request *req = container_of(kref, struct monc_request,
						kref);

	if (req->reply)
		monc_msg_put(req->reply);
	kvfree(req->in);
	kfree(req->cmd);
	kfree(req);
}

static void monc_req_put(struct monc_request *req)
{
	kref_put(&req->kref, monc_req_release);
}

/*
 * Finish a request that the caller has taken out of the tree (and so owns
 * the tree's reference). Called without the session mutex. done() calls of
 * one client run one at a time under done_mutex, which records the task
 * running them so that the calls a done() must not make fail fast.
 */
void monc_req_finish(struct monc_request *req, int err)
{
	struct monc_client *monc = req->monc;

	req->result = err;
	if (req->done) {
		if (!err) {
			if (req->st_out)
				*req->st_out = req->st;
			if (req->newest_out)
				*req->newest_out = req->newest;
			if (req->oldest_out)
				*req->oldest_out = req->oldest;
		}
		mutex_lock(&monc->done_mutex);
		WRITE_ONCE(monc->done_task, current);
		req->done(req->arg, err);
		WRITE_ONCE(monc->done_task, NULL);
		mutex_unlock(&monc->done_mutex);
	}
	complete_all(&req->done_cmpl);
	monc_req_put(req);
}

/* Finish every request on @list (taken out of the tree) with @err. */
void monc_req_finish_list(struct list_head *list, int err)
{
	struct monc_request *req, *tmp;

	list_for_each_entry_safe(req, tmp, list, list) {
		list_del_init(&req->list);
		monc_req_finish(req, err);
	}
}

/* The tree of pending requests, by tid; under the session mutex. */
static struct monc_request *__monc_lookup_req(struct monc_client *monc,
					      u64 tid)
{
	struct rb_node *n = monc->reqs.rb_node;

	lockdep_assert_held(&monc->mutex);
	while (n) {
		struct monc_request *req = rb_entry(n, struct monc_request,
						    node);

		if (tid < req->tid)
			n = n->rb_left;
		else if (tid > req->tid)
			n = n->rb_right;
		else
			return req;
	}
	return NULL;
}

/* Give @req the next tid and put it in the tree; tids are never reused. */
static void __monc_insert_req(struct monc_client *monc,
			      struct monc_request *req)
{
	struct rb_node **p = &monc->reqs.rb_node, *parent = NULL;

	lockdep_assert_held(&monc->mutex);
	req->tid = ++monc->last_tid;
	while (*p) {
		parent = *p;
		/* a new tid is the largest: always right */
		p = &parent->rb_right;
	}
	rb_link_node(&req->node, parent, p);
	rb_insert_color(&req->node, &monc->reqs);
}

static void __monc_erase_req(struct monc_client *monc,
			     struct monc_request *req)
{
	lockdep_assert_held(&monc->mutex);
	rb_erase(&req->node, &monc->reqs);
	RB_CLEAR_NODE(&req->node);
}

/*
 * Walking the pending requests in tid order: take the next one before
 * erasing the current one.
 */
static struct monc_request *monc_req_of(struct rb_node *n)
{
	return n ? rb_entry(n, struct monc_request, node) : NULL;
}

static struct monc_request *__monc_first_req(struct monc_client *monc)
{
	return monc_req_of(rb_first(&monc->reqs));
}

static struct monc_request *monc_next_req(struct monc_request *req)
{
	return monc_req_of(rb_next(&req->node));
}

/*
 * Take out of the tree every request older than the mount timeout, so that
 * a request the monitors never answer (get_version of a map name they do
 * not know: a Pacific monitor logs it and says nothing) still completes.
 * The caller finishes them with -ETIMEDOUT once it dropped the mutex.
 */
void __monc_expire_requests(struct monc_client *monc,
			    struct list_head *expired)
{
	struct monc_request *req, *next;

	lockdep_assert_held(&monc->mutex);
	for (req = __monc_first_req(monc); req; req = next) {
		next = monc_next_req(req);
		if (time_before(jiffies, req->started + req->timeout))
			continue;
		pr_debug("tid %llu timed out\n", req->tid);
		__monc_erase_req(monc, req);
		list_add_tail(&req->list, expired);
	}
}

#if IS_ENABLED(CONFIG_KUNIT)
/* Set by a KUnit case that makes the misuse on purpose: no splat then. */
bool monc_test_quiet_misuse;
EXPORT_SYMBOL_IF_KUNIT(monc_test_quiet_misuse);

static bool monc_misuse_quiet(void)
{
	return READ_ONCE(monc_test_quiet_misuse);
}
#else
static bool monc_misuse_quiet(void)
{
	return false;
}
#endif

/*
 * The calls a done() callback must not make (they wait for the work that
 * runs it), nor, with @handler, a handler (monc_stop() waits for the
 * handlers; the mount completes after the osdmap handler): warn once and
 * fail instead of deadlocking.
 */
bool monc_in_callback(struct monc_client *monc, bool handler)
{
	if (READ_ONCE(monc->done_task) != current &&
	    (!handler || current_work() != &monc->handler_work))
		return false;
	if (monc_misuse_quiet())
		pr_info("blocking call from a callback refused\n");
	else
		WARN_ONCE(1, "monc: blocking call from a done() callback or a handler\n");
	return true;
}

/* A caller enters or leaves a blocking wait that monc_stop() waits out. */
void monc_block_enter(struct monc_client *monc)
{
	atomic_inc(&monc->blocked);
}

void monc_block_exit(struct monc_client *monc)
{
	if (atomic_dec_and_test(&monc->blocked))
		wake_up_all(&monc->blocked_wq);
}

static const char *const monc_req_names[] = {
	[MONC_REQ_STATFS] = "statfs",
	[MONC_REQ_VERSION] = "get_version",
	[MONC_REQ_COMMAND] = "command",
};

/*
 * MMonCommand: the paxos header, the fsid, vector<string> cmd (one JSON
 * string, as libceph sends it), and the input in the data section. The
 * reply is matched by the header tid.
 */
static struct monc_msg *__monc_command_msg(struct monc_client *monc,
					   struct monc_request *req)
{
	struct monc_msg *m;
	void *p, *end;

	lockdep_assert_held(&monc->mutex);
	m = monc_msg_new(MONC_MSG_MON_COMMAND,
			 MONC_PAXOS_HDR_LEN + 16 + 4 + 4 + req->cmd_len,
			 GFP_NOFS);
	if (!m)
		return NULL;
	if (req->in_len) {
		m->data = monc_kvmalloc(req->in_len, GFP_NOFS);
		if (!m->data) {
			monc_msg_put(m);
			return NULL;
		}
		memcpy(m->data, req->in, req->in_len);
		m->data_len = req->in_len;
	}
	p = m->front;
	end = p + m->front_alloc;
	monc_enc_paxos_hdr(&p, end);
	monc_enc_fsid(&p, end, &monc->fsid);
	monc_enc_u32(&p, end, 1);
	monc_enc_str(&p, end, req->cmd, req->cmd_len);
	monc_msg_setup(monc, m, MONC_MSG_MON_COMMAND, 1, 1, req->tid,
		       p - m->front);
	return m;
}

static int __monc_send_request(struct monc_client *monc,
			       struct monc_request *req)
{
	struct monc_msg *m;
	void *p, *end;

	lockdep_assert_held(&monc->mutex);
	if (monc->state != MONC_S_OPEN || monc->cur < 0 || !monc->have_fsid)
		return 0;		/* sent when the session has the fsid */
	if (req->type == MONC_REQ_STATFS) {
		m = monc_msg_new(MONC_MSG_STATFS, MONC_PAXOS_HDR_LEN + 16 + 1 + 8,
				 GFP_NOFS);
		if (!m)
			return -ENOMEM;
		p = m->front;
		end = p + m->front_alloc;
		monc_enc_paxos_hdr(&p, end);
		monc_enc_fsid(&p, end, &monc->fsid);
		if (req->pool == MONC_NO_POOL) {
			monc_enc_u8(&p, end, 0);
		} else {
			monc_enc_u8(&p, end, 1);
			monc_enc_u64(&p, end, req->pool);
		}
		/* MStatfs v2 (optional data pool), compat 1 */
		monc_msg_setup(monc, m, MONC_MSG_STATFS, 2, 1, req->tid,
			       p - m->front);
	} else if (req->type == MONC_REQ_COMMAND) {
		m = __monc_command_msg(monc, req);
		if (!m)
			return -ENOMEM;
	} else {
		size_t wlen = strlen(req->what);

		m = monc_msg_new(MONC_MSG_MON_GET_VERSION, 8 + 4 + wlen,
				 GFP_NOFS);
		if (!m)
			return -ENOMEM;
		p = m->front;
		end = p + m->front_alloc;
		monc_enc_u64(&p, end, req->tid);	/* handle */
		monc_enc_str(&p, end, req->what, wlen);
		/* the reply is matched by the handle; header tid stays 0 */
		monc_msg_setup(monc, m, MONC_MSG_MON_GET_VERSION, 1, 1, 0,
			       p - m->front);
	}
	req->sent_gen = monc->session_gen;
	pr_debug("send %s tid %llu\n", monc_req_names[req->type], req->tid);
	return __monc_send(monc, monc->cur, m);
}

/* Send every request not yet sent on this session. */
void __monc_send_pending(struct monc_client *monc)
{
	struct monc_request *req;

	lockdep_assert_held(&monc->mutex);
	if (monc->state != MONC_S_OPEN || !monc->have_fsid)
		return;
	for (req = __monc_first_req(monc); req; req = monc_next_req(req)) {
		if (req->sent_gen == monc->session_gen)
			continue;
		if (__monc_send_request(monc, req))
			break;		/* out of memory: the tick retries */
	}
}

/* Take request @tid of @type out of the tree; NULL if unknown. */
static struct monc_request *__monc_take_request(struct monc_client *monc,
						u64 tid,
						enum monc_req_type type)
{
	struct monc_request *req;

	lockdep_assert_held(&monc->mutex);
	req = __monc_lookup_req(monc, tid);
	if (!req || req->type != type)
		return NULL;
	__monc_erase_req(monc, req);
	return req;
}

/* Whether @tid is a pending request (of any type). */
static bool __monc_tid_pending(struct monc_client *monc, u64 tid)
{
	lockdep_assert_held(&monc->mutex);
	return __monc_lookup_req(monc, tid);
}

/*
 * A reply the session cannot use: one that does not decode, names another
 * cluster, or answers a pending tid with the wrong message type. The
 * monitor that sent it is not to be trusted with the request: the caller
 * faults the session on -EBADMSG, so that the request is resent at once
 * to another monitor rather than waiting out its timeout. A reply for a
 * tid nobody waits for (one that timed out, or a duplicate) is only
 * dropped.
 */
static int __monc_bad_reply(struct monc_client *monc, int i, const char *what,
			    u32 len)
{
	lockdep_assert_held(&monc->mutex);
	pr_warn_ratelimited("mon %pISpc: bad %s reply (%u bytes), reconnecting\n",
			    &monc->slot[i].addr.ss, what, len);
	return -EBADMSG;
}

static int __monc_handle_statfs_reply(struct monc_client *monc, int i,
				      struct monc_msg *msg,
				      struct monc_request **done)
{
	struct monc_request *req;
	struct monc_statfs st;
	u64 tid = le64_to_cpu(msg->hdr.tid), version;
	uuid_t fsid;

	lockdep_assert_held(&monc->mutex);
	if (monc_decode_statfs_reply(msg->front, msg->front_len, &fsid,
				     &version, &st) ||
	    !monc->have_fsid || !uuid_equal(&fsid, &monc->fsid))
		return __monc_bad_reply(monc, i, "statfs", msg->front_len);
	req = __monc_take_request(monc, tid, MONC_REQ_STATFS);
	if (!req) {
		if (__monc_tid_pending(monc, tid))
			return __monc_bad_reply(monc, i, "statfs",
						msg->front_len);
		pr_debug("statfs reply for unknown tid %llu\n", tid);
		return 0;
	}
	req->st = st;
	*done = req;
	return 0;
}

static int __monc_handle_version_reply(struct monc_client *monc, int i,
				       struct monc_msg *msg,
				       struct monc_request **done)
{
	struct monc_request *req;
	u64 handle, newest, oldest;

	lockdep_assert_held(&monc->mutex);
	if (monc_decode_version_reply(msg->front, msg->front_len, &handle,
				      &newest, &oldest))
		return __monc_bad_reply(monc, i, "get_version",
					msg->front_len);
	req = __monc_take_request(monc, handle, MONC_REQ_VERSION);
	if (!req) {
		if (__monc_tid_pending(monc, handle))
			return __monc_bad_reply(monc, i, "get_version",
						msg->front_len);
		pr_debug("get_version reply for unknown handle %llu\n", handle);
		return 0;
	}
	req->newest = newest;
	req->oldest = oldest;
	*done = req;
	return 0;
}

static int __monc_handle_command_ack(struct monc_client *monc, int i,
				     struct monc_msg *msg,
				     struct monc_request **done)
{
	struct monc_request *req;
	u64 tid = le64_to_cpu(msg->hdr.tid);
	const char *rs;
	u32 rs_len;
	int result;

	lockdep_assert_held(&monc->mutex);
	if (monc_decode_command_ack(msg->front, msg->front_len, &result, &rs,
				    &rs_len))
		return __monc_bad_reply(monc, i, "command", msg->front_len);
	req = __monc_take_request(monc, tid, MONC_REQ_COMMAND);
	if (!req) {
		if (__monc_tid_pending(monc, tid))
			return __monc_bad_reply(monc, i, "command",
						msg->front_len);
		pr_debug("command reply for unknown tid %llu\n", tid);
		return 0;
	}
	req->reply = monc_msg_get(msg);
	req->rs = rs;
	req->rs_len = rs_len;
	req->cmd_result = result;
	*done = req;
	return 0;
}

/**
 * __monc_handle_request_reply - match a reply from the session's monitor
 * @monc: the client
 * @i: the slot it came on (the session's)
 * @msg: the reply
 * @done: set to the request it answers, taken out of the tree, for the
 *	caller to finish with monc_req_finish() once it dropped the mutex;
 *	left alone when the reply answers nothing pending
 *
 * Context: the session mutex held.
 * Return: 0, or -EBADMSG for a reply the caller must fault the session on.
 */
int __monc_handle_request_reply(struct monc_client *monc, int i,
				struct monc_msg *msg,
				struct monc_request **done)
{
	lockdep_assert_held(&monc->mutex);
	switch (le16_to_cpu(msg->hdr.type)) {
	case MONC_MSG_STATFS_REPLY:
		return __monc_handle_statfs_reply(monc, i, msg, done);
	case MONC_MSG_MON_GET_VERSION_REPLY:
		return __monc_handle_version_reply(monc, i, msg, done);
	case MONC_MSG_MON_COMMAND_ACK:
		return __monc_handle_command_ack(monc, i, msg, done);
	default:
		return 0;
	}
}

/* Take every request out of the tree, onto @list (monc_stop()). */
void __monc_take_all_requests(struct monc_client *monc,
			      struct list_head *list)
{
	struct monc_request *req, *next;

	lockdep_assert_held(&monc->mutex);
	for (req = __monc_first_req(monc); req; req = next) {
		next = monc_next_req(req);
		__monc_erase_req(monc, req);
		list_add_tail(&req->list, list);
	}
}

/* The number of pending requests (tests, debugfs). */
unsigned int __monc_nr_requests(struct monc_client *monc)
{
	struct monc_request *req;
	unsigned int n = 0;

	lockdep_assert_held(&monc->mutex);
	for (req = __monc_first_req(monc); req; req = monc_next_req(req))
		n++;
	return n;
}

/**
 * monc_show_requests - print the pending requests for debugfs
 * @monc: the client
 * @s: the seq_file
 */
void monc_show_requests(struct monc_client *monc, struct seq_file *s)
{
	struct monc_request *req;

	mutex_lock(&monc->mutex);
	for (req = __monc_first_req(monc); req; req = monc_next_req(req)) {
		seq_printf(s, "%llu %s", req->tid, monc_req_names[req->type]);
		if (req->type == MONC_REQ_STATFS && req->pool != MONC_NO_POOL)
			seq_printf(s, " pool %lld", req->pool);
		if (req->type == MONC_REQ_VERSION)
			seq_printf(s, " %s", req->what);
		/* not the command itself: it may carry a secret */
		if (req->type == MONC_REQ_COMMAND)
			seq_printf(s, " %zu bytes", req->cmd_len);
		seq_printf(s, " age_ms %u%s\n",
			   jiffies_to_msecs(jiffies - req->started),
			   req->sent_gen == monc->session_gen &&
			   monc->state == MONC_S_OPEN ? " sent" : " queued");
	}
	mutex_unlock(&monc->mutex);
}
EXPORT_SYMBOL_IF_KUNIT(monc_show_requests);

/* ------------------------------------------------------------------ */
/* Requests API                                                         */

static struct monc_request *monc_req_alloc(enum monc_req_type type)
{
	struct monc_request *req;

	req = monc_kzalloc(sizeof(*req), GFP_NOFS);
	if (!req)
		return NULL;
	kref_init(&req->kref);
	INIT_LIST_HEAD(&req->list);
	RB_CLEAR_NODE(&req->node);
	init_completion(&req->done_cmpl);
	req->type = type;
	req->started = jiffies;
	req->pool = MONC_NO_POOL;
	return req;
}

/* Put @req in the tree (which takes a reference) and send it if we can. */
static int monc_req_start(struct monc_client *monc, struct monc_request *req)
{
	int ret = 0;

	mutex_lock(&monc->mutex);
	if (monc->stopped) {
		ret = -ESHUTDOWN;
		goto out;
	}
	req->monc = monc;
	if (!req->timeout)
		req->timeout = monc->mount_timeout;
	kref_get(&req->kref);
	__monc_insert_req(monc, req);
	if (__monc_send_request(monc, req))
		pr_debug("tid %llu queued (no memory to send now)\n", req->tid);
out:
	mutex_unlock(&monc->mutex);
	return ret;
}

/* Wait for a synchronous request; cancel it safely on timeout or signal. */
static int monc_req_wait(struct monc_client *monc, struct monc_request *req)
{
	long left;
	int ret;

	left = wait_for_completion_interruptible_timeout(&req->done_cmpl,
							 req->timeout);
	if (left > 0)
		return req->result;
	mutex_lock(&monc->mutex);
	if (!RB_EMPTY_NODE(&req->node)) {
		__monc_erase_req(monc, req);
		mutex_unlock(&monc->mutex);
		monc_req_finish(req, left ? -EINTR : -ETIMEDOUT);
		return left ? -EINTR : -ETIMEDOUT;
	}
	mutex_unlock(&monc->mutex);
	/* a reply or stop took it just now and is completing it */
	wait_for_completion(&req->done_cmpl);
	ret = req->result;
	return ret;
}

static int monc_check_pool(s64 pool)
{
	return pool == MONC_NO_POOL || pool >= 0 ? 0 : -EINVAL;
}

/**
 * monc_statfs - the cluster's (or a data pool's) usage
 * @monc: the client
 * @data_pool: a pool id, or %MONC_NO_POOL for the whole cluster
 * @buf: the result
 *
 * Sleeps, interruptibly, at most the mount timeout. The request is queued
 * until the session knows the cluster fsid and resent on every new session.
 *
 * Context: process context, may sleep; from a handler too. Not from a
 * done() callback (it runs in the work that would complete the request):
 * that warns and returns -EDEADLK; use monc_statfs_async() there.
 *
 * Return: 0, -ETIMEDOUT, -EINTR, -ESHUTDOWN, -EINVAL, -EDEADLK or
 * -ENOMEM.
 */
int monc_statfs(struct monc_client *monc, s64 data_pool,
		struct monc_statfs *buf)
{
	struct monc_request *req;
	int ret;

	if (monc_check_pool(data_pool) || !buf)
		return -EINVAL;
	if (monc_in_callback(monc, false))
		return -EDEADLK;
	req = monc_req_alloc(MONC_REQ_STATFS);
	if (!req)
		return -ENOMEM;
	req->pool = data_pool;
	monc_block_enter(monc);
	ret = monc_req_start(monc, req);
	if (!ret) {
		ret = monc_req_wait(monc, req);
		if (!ret)
			*buf = req->st;
	}
	monc_block_exit(monc);
	monc_req_put(req);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_statfs);

/**
 * monc_statfs_async - statfs without waiting
 * @monc: the client
 * @data_pool: a pool id, or %MONC_NO_POOL
 * @buf: filled in before @done is called with 0
 * @done: called once with 0 or a negative errno: -ETIMEDOUT when no
 *	monitor answered within the mount timeout, -ESHUTDOWN when the
 *	client is stopped first
 * @arg: passed to @done
 *
 * @done runs in process context without monc's locks held, one done() of
 * this client at a time: from monc's workqueue (the connection that got
 * the reply, or the tick), or from monc_stop() in its caller's context.
 * It may call monc_statfs_async() and the other non-blocking calls. It
 * must not call monc_stop(), monc_destroy(), monc_wait_mount() or a
 * synchronous request, which would wait for the work running it: those
 * warn and fail (-EDEADLK) or return without effect.
 *
 * Context: process context; does not sleep on the network.
 *
 * Return: 0 if @done will be called, else a negative errno.
 */
int monc_statfs_async(struct monc_client *monc, s64 data_pool,
		      struct monc_statfs *buf, monc_done_t done, void *arg)
{
	struct monc_request *req;
	int ret;

	if (monc_check_pool(data_pool) || !buf || !done)
		return -EINVAL;
	req = monc_req_alloc(MONC_REQ_STATFS);
	if (!req)
		return -ENOMEM;
	req->pool = data_pool;
	req->st_out = buf;
	req->done = done;
	req->arg = arg;
	ret = monc_req_start(monc, req);
	monc_req_put(req);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_statfs_async);

static struct monc_request *monc_version_req(const char *what)
{
	struct monc_request *req;
	size_t n;

	if (!what)
		return ERR_PTR(-EINVAL);
	n = strnlen(what, MONC_VERSION_WHAT_MAX + 1);
	if (!n || n > MONC_VERSION_WHAT_MAX)
		return ERR_PTR(-EINVAL);
	req = monc_req_alloc(MONC_REQ_VERSION);
	if (!req)
		return ERR_PTR(-ENOMEM);
	memcpy(req->what, what, n);
	return req;
}

/**
 * monc_get_version - newest and oldest version of a map on the monitors
 * @monc: the client
 * @what: "osdmap", "mdsmap", "monmap", "fsmap"...
 * @newest: the newest version
 * @oldest: the oldest version the monitors keep (may be NULL)
 *
 * Sleeps, interruptibly, at most the mount timeout.
 *
 * Context: process context, may sleep; from a handler too. Not from a
 * done() callback: that warns and returns -EDEADLK.
 *
 * Return: 0, -ETIMEDOUT, -EINTR, -ESHUTDOWN, -EINVAL, -EDEADLK or
 * -ENOMEM.
 */
int monc_get_version(struct monc_client *monc, const char *what,
		     u64 *newest, u64 *oldest)
{
	struct monc_request *req;
	int ret;

	if (!newest)
		return -EINVAL;
	if (monc_in_callback(monc, false))
		return -EDEADLK;
	req = monc_version_req(what);
	if (IS_ERR(req))
		return PTR_ERR(req);
	monc_block_enter(monc);
	ret = monc_req_start(monc, req);
	if (!ret) {
		ret = monc_req_wait(monc, req);
		if (!ret) {
			*newest = req->newest;
			if (oldest)
				*oldest = req->oldest;
		}
	}
	monc_block_exit(monc);
	monc_req_put(req);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_get_version);

/**
 * monc_get_version_async - get_version without waiting
 * @monc: the client
 * @what: the map name
 * @newest: filled in before @done is called with 0
 * @oldest: likewise (may be NULL)
 * @done: called once with 0 or a negative errno (-ETIMEDOUT,
 *	-ESHUTDOWN); in the context monc_statfs_async() describes
 * @arg: passed to @done
 *
 * A monitor that does not know @what never answers: the request then
 * completes with -ETIMEDOUT after the mount timeout.
 *
 * Context: process context; does not sleep on the network.
 *
 * Return: 0 if @done will be called, else a negative errno.
 */
int monc_get_version_async(struct monc_client *monc, const char *what,
			   u64 *newest, u64 *oldest, monc_done_t done,
			   void *arg)
{
	struct monc_request *req;
	int ret;

	if (!newest || !done)
		return -EINVAL;
	req = monc_version_req(what);
	if (IS_ERR(req))
		return PTR_ERR(req);
	req->newest_out = newest;
	req->oldest_out = oldest;
	req->done = done;
	req->arg = arg;
	ret = monc_req_start(monc, req);
	monc_req_put(req);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_get_version_async);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * monc_test_expire - age the pending requests, then expire them as the tick
 * @monc: the client
 * @advance: pretend the requests are this many jiffies older
 */
void monc_test_expire(struct monc_client *monc, unsigned long advance)
{
	struct monc_request *req;
	LIST_HEAD(expired);

	mutex_lock(&monc->mutex);
	for (req = __monc_first_req(monc); req; req = monc_next_req(req))
		req->started -= advance;
	__monc_expire_requests(monc, &expired);
	mutex_unlock(&monc->mutex);
	monc_req_finish_list(&expired, -ETIMEDOUT);
}
EXPORT_SYMBOL_IF_KUNIT(monc_test_expire);
#endif

/* ------------------------------------------------------------------ */
/* Monitor commands                                                     */

/**
 * monc_alloc_command_ack - a message for an MMonCommandAck
 * @hdr: its header
 * @skip: set to 1 when the message is to be skipped
 *
 * The output is in the data section. A front or an output past monc's
 * bounds is skipped (the command then times out); a failed allocation
 * returns NULL with *@skip 0, which faults the connection, and the new
 * session resends the command.
 *
 * Context: the connection's alloc_msg, under its lock: no session mutex.
 * Return: the message, or NULL.
 */
struct monc_msg *monc_alloc_command_ack(const struct monc_msg_header *hdr,
					int *skip)
{
	u32 front_len = le32_to_cpu(hdr->front_len);
	u32 data_len = le32_to_cpu(hdr->data_len);
	struct monc_msg *m;

	if (front_len > MONC_COMMAND_FRONT_MAX ||
	    data_len > MONC_COMMAND_OUT_MAX || le32_to_cpu(hdr->middle_len)) {
		pr_warn_ratelimited("command reply too long (%u+%u+%u bytes), skipped\n",
				    front_len, le32_to_cpu(hdr->middle_len),
				    data_len);
		*skip = 1;
		return NULL;
	}
	m = monc_msg_new(MONC_MSG_MON_COMMAND_ACK, front_len, GFP_NOFS);
	if (!m || !data_len)
		return m;
	m->data = monc_kvmalloc(data_len, GFP_NOFS);
	if (!m->data) {
		monc_msg_put(m);
		return NULL;
	}
	m->data_len = data_len;
	return m;
}

static unsigned long monc_timeout(struct monc_client *monc,
				  unsigned int timeout_ms)
{
	if (!timeout_ms)
		return monc->mount_timeout;
	return msecs_to_jiffies(min_t(unsigned int, timeout_ms,
				      MONC_MAX_TIMEOUT_MS));
}

/**
 * monc_command - run a monitor command
 * @monc: the client
 * @cmd: the command, one JSON object, as "ceph" sends it:
 *	{"prefix": "osd blocklist ls", "format": "json"}
 * @in: input for the command (the data section), or NULL
 * @in_len: its length, at most %MONC_COMMAND_IN_MAX
 * @status: where the monitor's status string goes, NUL-terminated and cut
 *	to fit, or NULL
 * @status_len: the size of @status
 * @out: where the monitor's output goes (cut to fit), or NULL
 * @out_len: in: the size of @out; out: the length of the whole output,
 *	which is more than the size when it was cut. May be NULL with @out.
 * @timeout_ms: how long to wait for the answer, 0 for the mount timeout
 *
 * Sends an MMonCommand once the session knows the cluster fsid, resends it
 * on every new session until a monitor answers (as the other requests: a
 * command that is not idempotent may run twice when a monitor fails
 * between running it and answering), and waits, interruptibly, at most
 * @timeout_ms.
 *
 * Context: process context, may sleep; from a handler too. Not from a
 * done() callback: that warns and returns -EDEADLK.
 *
 * Return: the monitor's result (0 or a negative errno, e.g. -EINVAL for a
 * command it does not know, -EACCES when the caps do not allow it), or
 * -ETIMEDOUT, -EINTR, -ESHUTDOWN, -EDEADLK, -ENOMEM, or -EINVAL for bad
 * arguments.
 */
int monc_command(struct monc_client *monc, const char *cmd, const void *in,
		 size_t in_len, char *status, size_t status_len, void *out,
		 size_t *out_len, unsigned int timeout_ms)
{
	struct monc_request *req;
	size_t n;
	int ret;

	if (status && status_len)
		status[0] = 0;
	if (!cmd || (in_len && !in) || in_len > MONC_COMMAND_IN_MAX ||
	    (out && !out_len))
		return -EINVAL;
	n = strnlen(cmd, MONC_COMMAND_MAX + 1);
	if (!n || n > MONC_COMMAND_MAX)
		return -EINVAL;
	if (monc_in_callback(monc, false))
		return -EDEADLK;
	req = monc_req_alloc(MONC_REQ_COMMAND);
	if (!req)
		return -ENOMEM;
	req->cmd = monc_kmemdup(cmd, n, GFP_NOFS);
	req->cmd_len = n;
	if (in_len) {
		req->in = monc_kvmalloc(in_len, GFP_NOFS);
		if (req->in)
			memcpy(req->in, in, in_len);
		req->in_len = in_len;
	}
	if (!req->cmd || (in_len && !req->in)) {
		monc_req_put(req);
		return -ENOMEM;
	}
	req->timeout = monc_timeout(monc, timeout_ms);
	monc_block_enter(monc);
	ret = monc_req_start(monc, req);
	if (!ret)
		ret = monc_req_wait(monc, req);
	monc_block_exit(monc);
	if (!ret) {
		struct monc_msg *r = req->reply;

		ret = req->cmd_result;
		if (status && status_len) {
			n = min_t(size_t, status_len - 1, req->rs_len);
			memcpy(status, req->rs, n);
			status[n] = 0;
		}
		if (out && r->data_len)
			memcpy(out, r->data, min_t(size_t, *out_len,
						   r->data_len));
		if (out_len)
			*out_len = r->data_len;
	} else if (out_len) {
		*out_len = 0;
	}
	monc_req_put(req);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_command);

/*
 * The osd blocklist command, in today's spelling or (@old) the one before
 * Pacific: {"prefix": "osd blocklist", "blocklistop": "add", "addr":
 * "IP:PORT/NONCE", "expire": SECONDS}.
 */
static int monc_blocklist_cmd(char *buf, size_t len, bool old,
			      const struct sockaddr_storage *addr, u32 nonce,
			      unsigned int expire_secs)
{
	const char *word = old ? "blacklist" : "blocklist";
	char expire[32] = "";

	if (expire_secs)
		snprintf(expire, sizeof(expire), ", \"expire\": %u.0",
			 expire_secs);
	return snprintf(buf, len,
			"{\"prefix\": \"osd %s\", \"%sop\": \"add\", \"addr\": \"%pISpc/%u\"%s}",
			word, word, addr, nonce, expire) >= len ? -EINVAL : 0;
}

/**
 * monc_blocklist_add - blocklist a client's address on the OSDs
 * @monc: the client
 * @addr: the address to blocklist (AF_INET or AF_INET6, with its port)
 * @nonce: the nonce of the client's entity address
 * @expire_secs: how long the entry lasts, 0 for the monitors' default
 *	(an hour)
 *
 * Runs "osd blocklist add"; a monitor that answers -EINVAL (one older
 * than Pacific does not know the word) is asked again with the old
 * spelling, "osd blacklist add", as libceph does. The entry is in the
 * osdmap epoch the monitors publish next: a caller that must be sure the
 * OSDs enforce it before it goes on (before breaking a lock the blocklisted
 * client held) calls monc_wait_latest_osdmap() after this.
 *
 * Context: process context, may sleep; as monc_command().
 *
 * Return: 0, the monitor's error, or monc_command()'s.
 */
int monc_blocklist_add(struct monc_client *monc,
		       const struct sockaddr_storage *addr, u32 nonce,
		       unsigned int expire_secs)
{
	char cmd[MONC_BLOCKLIST_CMD_LEN];
	int ret, old;

	if (!addr || (addr->ss_family != AF_INET &&
		      addr->ss_family != AF_INET6))
		return -EINVAL;
	for (old = 0; old < 2; old++) {
		ret = monc_blocklist_cmd(cmd, sizeof(cmd), old, addr, nonce,
					 expire_secs);
		if (ret)
			return ret;
		ret = monc_command(monc, cmd, NULL, 0, NULL, 0, NULL, NULL, 0);
		if (ret != -EINVAL)
			break;
		pr_debug("osd %s refused (EINVAL)%s\n",
			 old ? "blacklist" : "blocklist",
			 old ? "" : ", trying the old spelling");
	}
	return ret;
}
EXPORT_SYMBOL_GPL(monc_blocklist_add);

/*
 * The wait's condition, read without the mutex (rechecked under it): the
 * client holds a newer map than @have (then it is asked for the next one,
 * or it is done), or it was stopped.
 */
static bool monc_osdmap_moved(struct monc_client *monc, u32 have)
{
	return READ_ONCE(monc->subs[MONC_MAP_OSDMAP].have) != have ||
	       READ_ONCE(monc->stopped);
}

/**
 * monc_wait_osdmap - wait until the client holds an osdmap epoch
 * @monc: the client
 * @epoch: the epoch
 * @timeout_ms: how long at most, 0 for the mount timeout
 *
 * "Holds" is what the osdmap handler reported with monc_got_map(): a client
 * that waits must call it from its handler. While the client is behind,
 * monc asks the monitors for the maps after the one it holds
 * (monc_request_next_osdmap()), again after each map until @epoch.
 *
 * Context: process context, may sleep. Not from a handler (the handler
 * would wait for itself) or a done() callback: that warns and returns
 * -EDEADLK.
 *
 * Return: 0, -ETIMEDOUT, -EINTR, -ESHUTDOWN or -EDEADLK.
 */
int monc_wait_osdmap(struct monc_client *monc, u32 epoch,
		     unsigned int timeout_ms)
{
	unsigned long deadline;
	bool stopped;
	long left;
	u32 have;
	int ret;

	if (monc_in_callback(monc, true))
		return -EDEADLK;
	deadline = jiffies + monc_timeout(monc, timeout_ms);
	monc_block_enter(monc);
	for (;;) {
		mutex_lock(&monc->mutex);
		have = monc->subs[MONC_MAP_OSDMAP].have;
		stopped = monc->stopped;
		mutex_unlock(&monc->mutex);
		ret = 0;
		if (have >= epoch)
			break;
		ret = -ESHUTDOWN;
		if (stopped)
			break;
		/* no memory to subscribe now: the tick sends it */
		if (monc_request_next_osdmap(monc) == -ESHUTDOWN)
			break;
		ret = -ETIMEDOUT;
		left = (long)(deadline - jiffies);
		if (left <= 0)
			break;
		left = wait_event_interruptible_timeout(monc->map_wq,
							monc_osdmap_moved(monc, have),
							left);
		ret = -EINTR;
		if (left < 0)
			break;
	}
	monc_block_exit(monc);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_wait_osdmap);

/**
 * monc_wait_latest_osdmap - wait until the client holds the newest osdmap
 * @monc: the client
 * @timeout_ms: the bound of the wait for the epoch, 0 for the mount
 *	timeout (asking for the epoch is bounded by the mount timeout)
 *
 * Asks the monitors for the newest osdmap epoch (monc_get_version()), then
 * waits for it (monc_wait_osdmap()), as libceph's
 * ceph_wait_for_latest_osdmap() does. After monc_blocklist_add(), this is
 * the epoch that contains the entry.
 *
 * Context: as monc_wait_osdmap().
 *
 * Return: 0, or the error of either step.
 */
int monc_wait_latest_osdmap(struct monc_client *monc,
			    unsigned int timeout_ms)
{
	u64 newest;
	int ret;

	if (monc_in_callback(monc, true))
		return -EDEADLK;
	ret = monc_get_version(monc, "osdmap", &newest, NULL);
	if (ret)
		return ret;
	if (newest > U32_MAX)
		return -ERANGE;
	return monc_wait_osdmap(monc, newest, timeout_ms);
}
EXPORT_SYMBOL_GPL(monc_wait_latest_osdmap);
