// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor session: open, auth, hunt, tick, subscriptions, dispatch to
 * the client's map handlers, stop. The requests (statfs, get_version) and
 * their tid tree live in requests.c.
 *
 * Locking (outermost first):
 *   monc_client.handler_mutex -> monc_client.mutex -> transport locks
 *
 * monc_client.mutex guards every field of the session. Functions whose name
 * starts with "__" are called with it held. The transport never calls back
 * (dispatch, fault) with its own lock held, so the callbacks take the mutex;
 * alloc_msg is the exception and only takes messages from pools.
 *
 * handler_mutex serializes the client's handlers (osdmap, mdsmap,
 * monmap_changed). It is taken without the session mutex held, and the
 * handlers may take the session mutex (monc_want_map(), monc_got_map()).
 *
 * Nothing that may wait for a transport callback (transport->flush(),
 * cancel_delayed_work_sync(), debugfs removal) runs with the session mutex
 * held. Everything that queues work checks monc->stopped under the mutex, so
 * that after monc_stop() returns nothing is queued or running.
 */
#define pr_fmt(fmt) "monc: " fmt

#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <linux/wait.h>
#include <net/net_namespace.h>

#include "auth.h"
#include "fault.h"
#include "internal.h"

/* CEPH_FEATURE_MON_STATEFUL_SUB: the monitor keeps subscriptions itself. */
#define MONC_FEATURE_MON_STATEFUL_SUB	BIT_ULL(57)

/* CEPH_SUBSCRIBE_ONETIME: one map after start, then the item is dropped. */
#define MONC_SUB_ONETIME		1

#define MONC_AUTH_FRONT_MAX	(MONC_PAXOS_HDR_LEN + 4 + 4 + \
				 MONC_AUTH_PAYLOAD_MAX + 4)
#define MONC_AUTH_REPLY_MAX	8192	/* cephx tickets are below 4 KiB */
#define MONC_SUBSCRIBE_FRONT_MAX	512
/*
 * The fixed parts of the small replies. A longer front (a newer monitor
 * appending a field) is accepted and its tail ignored.
 */
#define MONC_SUBSCRIBE_ACK_LEN	20	/* le32 interval, fsid */
/*
 * The largest reply front monc reads (an auth reply with many tickets, a
 * small reply with appended fields): beyond the pool's size it is
 * allocated for the one message. Maps are bounded by the messenger.
 */
#define MONC_REPLY_FRONT_MAX	(64U << 10)
#define MONC_SMALL_REPLY_FRONT	64
#define MONC_POOL_SIZE		4

static const char *const monc_state_names[] = {
	[MONC_S_IDLE] = "idle",
	[MONC_S_HUNTING] = "hunting",
	[MONC_S_OPEN] = "open",
};

static const char *const monc_map_names[MONC_MAP_COUNT] = {
	[MONC_MAP_MONMAP] = "monmap",
	[MONC_MAP_OSDMAP] = "osdmap",
	[MONC_MAP_MDSMAP] = "mdsmap",
	[MONC_MAP_FSMAP_USER] = "fsmap.user",
};

/*
 * The name a subscription goes by: "mdsmap.<fscid>" once the client follows
 * one filesystem (monc_follow_fs()), else the map's name.
 */
static const char *__monc_sub_name(struct monc_client *monc, int map,
				   char *buf, size_t len)
{
	lockdep_assert_held(&monc->mutex);
	if (map == MONC_MAP_MDSMAP && monc->mdsmap_fscid >= 0) {
		snprintf(buf, len, "mdsmap.%d", monc->mdsmap_fscid);
		return buf;
	}
	return monc_map_names[map];
}

static atomic_t monc_instances = ATOMIC_INIT(0);

/* ------------------------------------------------------------------ */
/* Reply decoders: every byte is hostile, decode within the length.     */

/**
 * monc_decode_auth_reply - split an MAuthReply front
 * @front: the front
 * @len: its length
 * @r: the fields; payload and message point into @front
 *
 * Layout: le32 protocol, le32 result (s32), le64 global_id, le32 payload
 * length and payload, le32 message length and message. Bytes after the
 * message are ignored (a newer header version may append fields). A
 * protocol of 0 with a result of 0, a positive result, or a length past
 * the end are rejected.
 *
 * Return: 0 or -EINVAL.
 */
VISIBLE_IF_KUNIT int monc_decode_auth_reply(const void *front, size_t len,
					    struct monc_auth_reply_fields *r)
{
	const void *p = front, *end = front + len;
	const char *s;
	u32 n;

	if (monc_dec_u32(&p, end, &r->protocol) ||
	    monc_dec_s32(&p, end, &r->result) ||
	    monc_dec_u64(&p, end, &r->global_id) ||
	    monc_dec_str(&p, end, &s, &n))
		return -EINVAL;
	r->payload = s;
	r->payload_len = n;
	if (monc_dec_str(&p, end, &s, &n))
		return -EINVAL;
	r->msg = s;
	r->msg_len = n;
	if (r->result > 0)
		return -EINVAL;
	if (r->protocol == 0 && r->result == 0)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_decode_auth_reply);

/**
 * monc_decode_subscribe_ack - decode an MMonSubscribeAck front
 * @front: the front
 * @len: its length: at least 20; bytes past them are ignored
 * @interval: the renewal interval in seconds
 * @fsid: the cluster fsid
 *
 * Return: 0 or -EINVAL.
 */
VISIBLE_IF_KUNIT int monc_decode_subscribe_ack(const void *front, size_t len,
					       u32 *interval, uuid_t *fsid)
{
	const void *p = front, *end = front + len;

	if (len < MONC_SUBSCRIBE_ACK_LEN)
		return -EINVAL;
	if (monc_dec_u32(&p, end, interval) || monc_dec_fsid(&p, end, fsid))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(monc_decode_subscribe_ack);

/* ------------------------------------------------------------------ */
/* Messages                                                             */

/*
 * The preallocated message in *@slot if nobody else holds it any more
 * (the transport drops its reference once the message is written or the
 * connection closed), else a fresh one that replaces it. Returns a
 * reference for the caller to send.
 */
static struct monc_msg *monc_prealloc_get(struct monc_msg **slot, u16 type,
					  u32 front_max)
{
	struct monc_msg *m = *slot;

	if (m && kref_read(&m->kref) == 1)
		return monc_msg_get(m);
	m = monc_msg_new(type, front_max, GFP_NOFS);
	if (!m)
		return NULL;
	if (*slot)
		monc_msg_put(*slot);
	*slot = m;
	return monc_msg_get(m);
}

/* MAuth: paxos header, le32 protocol, payload, le32 monmap epoch. */
static int __monc_send_auth(struct monc_client *monc, int i, bool hello)
{
	lockdep_assert_held(&monc->mutex);
	struct monc_msg *m;
	void *p, *end, *len_at, *payload;
	int ret;

	m = monc_prealloc_get(&monc->m_auth, MONC_MSG_AUTH,
			      MONC_AUTH_FRONT_MAX);
	if (!m)
		return -ENOMEM;
	p = m->front;
	end = p + m->front_alloc;
	monc_enc_paxos_hdr(&p, end);
	monc_enc_u32(&p, end, hello ? 0 : monc_auth_protocol(monc->auth));
	len_at = p;
	monc_enc_u32(&p, end, 0);
	payload = p;
	if (hello)
		ret = monc_auth_build_hello(monc->auth, &p, end - 4);
	else
		ret = monc_auth_build_request(monc->auth, &p, end - 4);
	if (ret) {
		monc_msg_put(m);
		return ret;
	}
	put_unaligned_le32(p - payload, len_at);
	monc_enc_u32(&p, end, monc->monmap ? monc->monmap->epoch : 0);
	monc_msg_setup(monc, m, MONC_MSG_AUTH, 1, 1, 0, p - m->front);
	return __monc_send(monc, i, m);
}

/*
 * MMonSubscribe version 3: le32 count, then per item a string name, le64
 * start and u8 flags, then a string hostname. Version 2 is the same without
 * the hostname (what libceph sends); version 3 is what Pacific's own
 * clients send and lets `ceph daemon mon.X sessions` name the host. Both
 * are decoded by every monitor since Luminous; compat stays 1.
 */
static int __monc_send_subscribe(struct monc_client *monc)
{
	lockdep_assert_held(&monc->mutex);
	struct monc_msg *m;
	void *p, *end, *count_at;
	u32 n = 0;
	int i;

	if (monc->state != MONC_S_OPEN || monc->cur < 0)
		return 0;	/* sent when the session opens */
	m = monc_prealloc_get(&monc->m_subscribe, MONC_MSG_MON_SUBSCRIBE,
			      MONC_SUBSCRIBE_FRONT_MAX);
	if (!m) {
		/* the tick, or the caller's retry, sends it */
		monc->sub_unsent = true;
		return -ENOMEM;
	}
	p = m->front;
	end = p + m->front_alloc;
	count_at = p;
	monc_enc_u32(&p, end, 0);
	for (i = 0; i < MONC_MAP_COUNT; i++) {
		struct monc_sub *sub = &monc->subs[i];
		char nbuf[MONC_SUB_NAME_LEN];
		const char *name;

		if (!sub->want)
			continue;
		name = __monc_sub_name(monc, i, nbuf, sizeof(nbuf));
		if (monc_enc_str(&p, end, name, strlen(name)) ||
		    monc_enc_u64(&p, end, sub->start) ||
		    monc_enc_u8(&p, end, sub->flags))
			goto nospc;
		n++;
	}
	if (monc_enc_str(&p, end, monc->hostname, strlen(monc->hostname)))
		goto nospc;
	put_unaligned_le32(n, count_at);
	monc_msg_setup(monc, m, MONC_MSG_MON_SUBSCRIBE, 3, 1, 0,
		       p - m->front);
	monc->sub_renew_sent = jiffies;
	monc->sub_renew_after = 0;
	monc->sub_unsent = false;
	pr_debug("subscribe %u items on mon %pISpc\n", n,
		 &monc->slot[monc->cur].addr.ss);
	return __monc_send(monc, monc->cur, m);

nospc:
	monc_msg_put(m);
	return -ENOSPC;
}

static bool __monc_any_want(struct monc_client *monc)
{
	int i;

	lockdep_assert_held(&monc->mutex);
	for (i = 0; i < MONC_MAP_COUNT; i++)
		if (monc->subs[i].want)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Session and hunting                                                  */

/*
 * Record why the last attempt to reach or keep a monitor failed, in words:
 * monc_wait_mount() logs it when the mount times out, monc_last_error()
 * hands it to the client module, debugfs shows it.
 */
static __printf(2, 3) void __monc_set_reason(struct monc_client *monc,
					     const char *fmt, ...)
{
	va_list ap;

	lockdep_assert_held(&monc->mutex);
	va_start(ap, fmt);
	vsnprintf(monc->reason, sizeof(monc->reason), fmt, ap);
	va_end(ap);
	monc->reason_in_session = monc->state == MONC_S_OPEN;
}

/*
 * Queue an event for the client's event handler (handler_work runs it).
 * When the client falls MONC_EV_RING behind, the oldest is dropped.
 */
static void __monc_event(struct monc_client *monc, enum monc_event_type type,
			 int err, u32 epoch)
{
	struct monc_event *ev;

	lockdep_assert_held(&monc->mutex);
	if (!monc->handlers.event || monc->stopped)
		return;
	if (monc->ev_len == MONC_EV_RING) {
		monc->ev_head = (monc->ev_head + 1) % MONC_EV_RING;
		monc->ev_len--;
		monc->ev_dropped++;
	}
	ev = &monc->ev[(monc->ev_head + monc->ev_len) % MONC_EV_RING];
	monc->ev_len++;
	ev->type = type;
	ev->err = err;
	ev->global_id = monc->global_id;
	ev->epoch = epoch;
	queue_work(monc_wq, &monc->handler_work);
}

/*
 * How long a round of hunting waits for a candidate to authenticate:
 * hunt_interval x hunt_mult, plus up to an eighth more at random once
 * backed off, so that the clients a sick monitor threw off together do not
 * come back in step.
 */
static unsigned long __monc_hunt_delay(struct monc_client *monc)
{
	unsigned long d = monc->hunt_interval * monc->hunt_mult;

	lockdep_assert_held(&monc->mutex);
	if (monc->hunt_mult > 1)
		d += get_random_u32_below(min_t(unsigned long, d / 8,
						U32_MAX - 1) + 1);
	return d;
}

/* The multiplier grows once per failed round, up to hunt_max_mult. */
static void __monc_hunt_backoff(struct monc_client *monc)
{
	lockdep_assert_held(&monc->mutex);
	monc->hunt_mult = min(monc->hunt_mult * monc->opts.hunt_backoff,
			      monc->opts.hunt_max_mult);
	monc->hunt_grown = true;
}

/* Mark the monitor of slot @i as failed in this round. */
static void __monc_mark_dead(struct monc_client *monc, int i)
{
	int rank = monc_monmap_find(monc->monmap, &monc->slot[i].addr.ss);

	lockdep_assert_held(&monc->mutex);
	if (rank >= 0 && rank < 64)
		monc->dead |= BIT_ULL(rank);
}

static unsigned int __monc_inflight(struct monc_client *monc)
{
	unsigned int i, n = 0;

	lockdep_assert_held(&monc->mutex);
	for (i = 0; i < MONC_MAX_MONS; i++)
		if (monc->slot[i].con)
			n++;
	return n;
}

/*
 * Whether the tick opens one more staggered candidate now, or when: only
 * while a candidate of the round still waits for its answer. With none in
 * flight (every candidate refused, none untried) the round's timer opens
 * the next round; a stagger due then would reschedule the tick at once,
 * again and again, until the round ends: a kworker spinning for seconds.
 */
static bool __monc_stagger_pending(struct monc_client *monc)
{
	unsigned int n = __monc_inflight(monc);

	return monc->state == MONC_S_HUNTING && monc->hunt_stagger &&
	       monc->auth_owner < 0 && n && n < monc->opts.hunt_parallel;
}

static void __monc_schedule_tick(struct monc_client *monc)
{
	unsigned long delay;

	lockdep_assert_held(&monc->mutex);
	if (monc->stopped)
		return;
	switch (monc->state) {
	case MONC_S_OPEN:
		delay = monc->ka_interval;
		break;
	case MONC_S_HUNTING:
		delay = time_after(monc->next_round, jiffies) ?
			monc->next_round - jiffies : 0;
		delay = min(delay, monc->ka_interval);
		if (__monc_stagger_pending(monc))
			delay = min(delay, time_after(monc->next_open, jiffies) ?
				    monc->next_open - jiffies : 0);
		break;
	default:
		return;
	}
	mod_delayed_work(monc_wq, &monc->tick, delay);
}

static void __monc_close_slot(struct monc_client *monc, int i)
{
	struct monc_slot *s = &monc->slot[i];

	lockdep_assert_held(&monc->mutex);
	if (!s->con)
		return;
	pr_debug("close mon %pISpc\n", &s->addr.ss);
	monc->transport->close(s->con);
	s->con = NULL;
	if (monc->cur == i)
		monc->cur = -1;
	if (monc->auth_owner == i)
		monc->auth_owner = -1;
}

static void __monc_close_all(struct monc_client *monc, int except)
{
	int i;

	lockdep_assert_held(&monc->mutex);
	for (i = 0; i < MONC_MAX_MONS; i++)
		if (i != except)
			__monc_close_slot(monc, i);
}

static int __monc_find_slot(struct monc_client *monc, struct monc_conn *con)
{
	int i;

	lockdep_assert_held(&monc->mutex);
	if (!con)
		return -1;
	for (i = 0; i < MONC_MAX_MONS; i++)
		if (monc->slot[i].con == con)
			return i;
	return -1;
}

static const struct monc_conn_ops monc_conn_ops;

/*
 * The address of monitor @m the session connects to under ms_mode (see
 * MONC_MS_MODE_*): v1 for legacy, v2 for the msgr2 modes, and by default
 * v1 when the monitor has one, else v2. NULL if it has none of that kind.
 * By default a monitor with both is tried at v2 in even rounds of a hunt:
 * a cluster bound to msgr2 only, named by addresses without a port (which
 * give both), refuses every v1 connection of the first round at once.
 */
static const struct monc_entity_addr *
monc_mon_addr(const struct monc_client *monc, const struct monc_mon_info *m)
{
	bool v1 = m->addr.ss.ss_family, v2 = m->addr_v2.ss.ss_family;

	switch (monc->opts.ms_mode) {
	case MONC_MS_MODE_DEFAULT:
		if (v1 && v2 && !(monc->hunt_round & 1))
			return &m->addr_v2;
		return v1 ? &m->addr : v2 ? &m->addr_v2 : NULL;
	case MONC_MS_MODE_LEGACY:
		return v1 ? &m->addr : NULL;
	default:
		return v2 ? &m->addr_v2 : NULL;
	}
}

/* The monitors of @map the session has no address for (bit per rank). */
static u64 monc_unreachable(const struct monc_client *monc,
			    const struct monc_monmap *map)
{
	u32 n = min_t(u32, map->num_mon, 64);
	u64 mask = 0;
	u32 i;

	for (i = 0; i < n; i++)
		if (!monc_mon_addr(monc, &map->mon[i]))
			mask |= BIT_ULL(i);
	return mask;
}

/*
 * Open one more candidate: a random monitor not tried in this round and,
 * in the first round of a hunt, not the one that failed (unless it is the
 * only one). Returns 0, or -ENOENT when no monitor is left to try.
 */
static int __monc_open_one(struct monc_client *monc)
{
	struct monc_monmap *map = monc->monmap;
	struct monc_slot *s = NULL;
	struct monc_conn *con;
	u64 excl = monc->tried | monc_unreachable(monc, map);
	int rank, i, failed = -1;

	lockdep_assert_held(&monc->mutex);
	if (monc->have_failed && monc->hunt_round <= 1)
		failed = monc_monmap_find(map, &monc->failed_addr.ss);
	if (failed >= 0 && failed < 64 && map->num_mon > 1)
		excl |= BIT_ULL(failed);
	for (;;) {
		rank = monc_monmap_pick(map, excl);
		if (rank < 0 || rank >= map->num_mon)
			return -ENOENT;
		if (rank < 64)
			monc->tried |= BIT_ULL(rank);
		for (i = 0; i < MONC_MAX_MONS; i++) {
			if (!monc->slot[i].con) {
				s = &monc->slot[i];
				break;
			}
		}
		if (!s)
			return -ENOENT;
		s->addr = *monc_mon_addr(monc, &map->mon[rank]);
		con = monc->transport->open(&s->addr, &monc_conn_ops, monc);
		if (!IS_ERR_OR_NULL(con))
			break;
		pr_debug("open mon%d %pISpc failed: %ld\n", rank, &s->addr.ss,
			 PTR_ERR(con));
		__monc_set_reason(monc, "cannot connect to mon %pISpc: %pe",
				  &s->addr.ss, con ? con : ERR_PTR(-ENOMEM));
		monc->stat_faults++;	/* refused at once: try the next now */
		if (rank < 64)
			excl |= BIT_ULL(rank);
		else
			return -ENOENT;
		s = NULL;
	}
	s->con = con;
	s->opened = jiffies;
	pr_debug("hunt: open mon%d %pISpc\n", rank, &s->addr.ss);
	if (monc->auth_owner < 0)
		monc_auth_reset(monc->auth);
	if (__monc_send_auth(monc, i, true))
		pr_warn_ratelimited("cannot send auth hello to %pISpc\n",
				    &s->addr.ss);
	return 0;
}

/*
 * The first candidates of a round: hunt_parallel of them at once, or, with
 * a stagger, one now and the others one by one from the tick while none
 * has answered (__monc_stagger_due()). Every candidate costs the monitors
 * an accept, a banner and an auth hello; most rounds need only one.
 */
static void __monc_open_candidates(struct monc_client *monc)
{
	unsigned int i, n = monc->hunt_stagger ? 1 : monc->opts.hunt_parallel;

	lockdep_assert_held(&monc->mutex);
	for (i = 0; i < n; i++)
		if (__monc_open_one(monc))
			break;
	monc->next_open = jiffies + monc->hunt_stagger;
}

/* A new round: close the candidates, open the first new ones. */
static void __monc_open_round(struct monc_client *monc)
{
	unsigned int interval;

	lockdep_assert_held(&monc->mutex);
	__monc_close_all(monc, -1);
	monc->tried = 0;
	monc->dead = 0;
	monc->hunt_grown = false;
	monc->hunt_round++;
	monc->stat_rounds++;
	__monc_open_candidates(monc);
	interval = __monc_hunt_delay(monc);
	monc->next_round = jiffies + interval;
	pr_debug("hunt round %u: %u candidates, next in %u ms\n",
		 monc->hunt_round, __monc_inflight(monc),
		 jiffies_to_msecs(interval));
}

/* Start hunting; @failed is the slot that failed, or -1. */
static void __monc_start_hunt(struct monc_client *monc, int failed)
{
	lockdep_assert_held(&monc->mutex);
	if (failed >= 0) {
		monc->failed_addr = monc->slot[failed].addr;
		monc->have_failed = true;
	} else {
		monc->have_failed = false;
	}
	if (monc->state != MONC_S_HUNTING) {
		monc->hunt_start = jiffies;
		monc->stat_hunts++;
	}

	monc->state = MONC_S_HUNTING;
	monc->cur = -1;
	monc->auth_owner = -1;
	monc->hunt_round = 0;
	__monc_open_round(monc);
	__monc_schedule_tick(monc);
}

/*
 * The session of slot @i died young (see __monc_slot_failed()): the round
 * that produced it failed after all. The multiplier grows now, the next
 * round waits for the grown interval, and until then only monitors that
 * have not failed in this round are tried, so a monitor that authenticates
 * and then drops every session is not reconnected to at once, and two such
 * monitors do not take turns.
 */
static void __monc_resume_hunt(struct monc_client *monc, int i)
{
	lockdep_assert_held(&monc->mutex);
	monc->failed_addr = monc->slot[i].addr;
	monc->have_failed = true;
	__monc_mark_dead(monc, i);
	__monc_close_slot(monc, i);
	monc->hunt_start = jiffies;
	monc->stat_hunts++;
	monc->state = MONC_S_HUNTING;
	monc->cur = -1;
	monc->auth_owner = -1;
	__monc_hunt_backoff(monc);
	monc->tried = monc->dead;
	__monc_open_candidates(monc);
	monc->next_round = jiffies + __monc_hunt_delay(monc);
	pr_debug("hunt resumed: %u candidates, next round in %u ms\n",
		 __monc_inflight(monc),
		 jiffies_to_msecs(monc->next_round - jiffies));
	__monc_schedule_tick(monc);
}

static void __monc_wake_mount(struct monc_client *monc)
{
	lockdep_assert_held(&monc->mutex);
	wake_up_all(&monc->mount_wq);
	wake_up_all(&monc->map_wq);
}

/* The mount failed for good (auth refused): stop hunting. */
static void __monc_mount_failed(struct monc_client *monc, int err)
{
	lockdep_assert_held(&monc->mutex);
	monc->mount_err = err;
	__monc_close_all(monc, -1);
	monc->state = MONC_S_IDLE;
	cancel_delayed_work(&monc->tick);
	__monc_wake_mount(monc);
}

/* Candidate @i authenticated first: it becomes the session. */
static void __monc_session_won(struct monc_client *monc, int i)
{
	struct monc_slot *s = &monc->slot[i];

	lockdep_assert_held(&monc->mutex);
	__monc_close_all(monc, i);
	monc->cur = i;
	monc->auth_owner = -1;
	monc->state = MONC_S_OPEN;
	monc->session_gen++;
	monc->session_since = jiffies;
	monc->have_failed = false;
	/* the losers were closed, not failed: a short session may use them */
	monc->tried = monc->dead;
	monc->reason_in_session = false;
	monc->global_id = monc_auth_global_id(monc->auth);
	if (monc->had_session)
		monc->last_failover_ms =
			jiffies_to_msecs(jiffies - monc->hunt_start);
	monc->had_session = true;
	monc->authenticated = true;
	pr_info_ratelimited("mon %pISpc session established, global id %llu\n",
			    &s->addr.ss, monc->global_id);
	__monc_event(monc, MONC_EV_SESSION_OPEN, 0, 0);
	__monc_send_subscribe(monc);
	__monc_send_pending(monc);
	__monc_schedule_tick(monc);
}

/*
 * The open session of slot @i ended with @err. Returns true if it died
 * young: within a keepalive timeout of being established, before it could
 * prove the monitor healthy (that is also when the tick resets the
 * backoff). Records why.
 */
static bool __monc_session_was_short(struct monc_client *monc, int i,
				     int err)
{
	unsigned int age = jiffies_to_msecs(jiffies - monc->session_since);
	char before[MONC_REASON_LEN];
	bool young;

	lockdep_assert_held(&monc->mutex);
	young = time_before(jiffies, monc->session_since + monc->ka_timeout);
	before[0] = 0;
	if (monc->reason_in_session)
		strscpy(before, monc->reason, sizeof(before));
	if (young) {
		monc->short_sessions++;
		monc->stat_short_sessions++;
		__monc_set_reason(monc,
				  "mon %pISpc closed the session %u ms after auth (%pe), %u time(s) in a row%s%s",
				  &monc->slot[i].addr.ss, age, ERR_PTR(err),
				  monc->short_sessions, before[0] ? "; " : "",
				  before);
	} else {
		monc->short_sessions = 0;
		__monc_set_reason(monc, "session with mon %pISpc lost after %u ms (%pe)%s%s",
				  &monc->slot[i].addr.ss, age, ERR_PTR(err),
				  before[0] ? "; " : "", before);
	}
	return young;
}

/*
 * Connection @i failed (fault, protocol error, keepalive timeout). The
 * open session starts a hunt at once if it lived long enough, and resumes
 * its round backed off if it died young; a candidate is replaced at once by
 * an untried monitor, so a refused connection costs no hunt interval.
 */
static void __monc_slot_failed(struct monc_client *monc, int i, int err)
{
	struct monc_slot *s = &monc->slot[i];
	bool young, in_auth;

	lockdep_assert_held(&monc->mutex);
	monc->stat_faults++;
	pr_debug("mon %pISpc failed: %d\n", &s->addr.ss, err);
	if (monc->state == MONC_S_OPEN && i == monc->cur) {
		young = __monc_session_was_short(monc, i, err);
		pr_info_ratelimited("mon %pISpc session lost (%d)%s, hunting\n",
				    &s->addr.ss, err,
				    young ? " soon after auth" : "");
		__monc_event(monc, MONC_EV_SESSION_LOST, err, 0);
		/*
		 * Until the mount completes, the fsid is only what this
		 * monitor said, and it may have been a bogus one: the next
		 * session's monmap (asked from epoch 0) sets it again. Once
		 * mounted, the fsid is fixed and other fsids are refused.
		 */
		if (!monc->mounted && monc->have_fsid) {
			pr_debug("forget fsid %pUb of an unmounted session\n",
				 &monc->fsid);
			monc->have_fsid = false;
			monc->subs[MONC_MAP_MONMAP].want = true;
			monc->subs[MONC_MAP_MONMAP].start = 0;
		}
		monc->had_session = true;
		if (young) {
			__monc_resume_hunt(monc, i);
			return;
		}
		/* a healthy session lost: no backoff, every monitor at once */
		monc->hunt_mult = 1;
		__monc_close_slot(monc, i);
		__monc_start_hunt(monc, i);
		return;
	}
	in_auth = monc->auth_owner == i;
	if (monc->state == MONC_S_HUNTING) {
		__monc_mark_dead(monc, i);
		__monc_set_reason(monc, "mon %pISpc %s (%pe)", &s->addr.ss,
				  in_auth ? "closed the connection during auth" :
				  "unreachable", ERR_PTR(err));
	}
	__monc_close_slot(monc, i);
	if (monc->state != MONC_S_HUNTING)
		return;
	if (!__monc_open_one(monc))
		return;
	if (!in_auth && !__monc_inflight(monc))
		__monc_set_reason(monc, "every monitor unreachable (last: mon %pISpc: %pe)",
				  &s->addr.ss, ERR_PTR(err));
	/* nothing left this round: the tick opens the next */
	__monc_schedule_tick(monc);
}

/* ------------------------------------------------------------------ */
/* Incoming messages                                                    */

static void __monc_check_mounted(struct monc_client *monc)
{
	lockdep_assert_held(&monc->mutex);
	if (!monc->mounted && monc->authenticated && monc->have_fsid &&
	    monc->got_osdmap) {
		monc->mounted = true;
		monc->mount_ms = jiffies_to_msecs(jiffies - monc->open_time);
		pr_debug("mounted in %u ms\n", monc->mount_ms);
		__monc_wake_mount(monc);
	}
}

/*
 * A monitor refused to re-authenticate this mounted client with -EACCES
 * (what a reclaim with a ticket it cannot open gets; -EIO, a monitor
 * without its rotating secrets yet, and the like are not about us): if
 * it offered a global id and tickets to reclaim, the next attempt goes
 * without them (see monc_auth_forget_identity()) rather than be refused
 * everywhere.
 */
static void __monc_forget_identity(struct monc_client *monc, int i)
{
	lockdep_assert_held(&monc->mutex);
	if (monc_auth_forget_identity(monc->auth))
		pr_warn_ratelimited("mon %pISpc refused global id %llu and its ticket; authenticating afresh\n",
				    &monc->slot[i].addr.ss, monc->global_id);
}

/*
 * An auth reply that we could not take for want of memory: nobody refused
 * anything, so no MONC_EV_AUTH_REFUSED. The monitor's side is done, and
 * our tickets are replaced only by a whole reply: a renewal on the open
 * session stays due, and the tick sends it again once the resend interval
 * has passed (as libceph's tick does). A candidate's exchange is dropped
 * with the candidate; the hunt goes on.
 */
static void __monc_auth_no_memory(struct monc_client *monc, int i)
{
	lockdep_assert_held(&monc->mutex);
	if (monc->state == MONC_S_OPEN && i == monc->cur) {
		pr_warn_ratelimited("mon %pISpc: no memory for the auth renewal's reply; it is sent again\n",
				    &monc->slot[i].addr.ss);
		return;
	}
	pr_warn_ratelimited("mon %pISpc: no memory for the auth reply\n",
			    &monc->slot[i].addr.ss);
	__monc_set_reason(monc, "auth with mon %pISpc: %pe",
			  &monc->slot[i].addr.ss, ERR_PTR(-ENOMEM));
	__monc_slot_failed(monc, i, -ENOMEM);
}

/*
 * A monitor refused our auth or its renewal: the MAuthReply's negative
 * result (@err, -EACCES for one out of range) with its message
 * @msg/@msg_len, or the refusal status of its cephx reply (-EACCES). That
 * is final for a mount. After the mount the client is told
 * (MONC_EV_AUTH_REFUSED), and the session is lost with the monitor.
 */
static void __monc_auth_refused(struct monc_client *monc, int i, int err,
				const char *msg, u32 msg_len)
{
	lockdep_assert_held(&monc->mutex);
	pr_err_ratelimited("mon %pISpc refused auth: %d %*pE\n",
			   &monc->slot[i].addr.ss, err,
			   (int)min_t(u32, msg_len, 256), msg);
	__monc_set_reason(monc, "mon %pISpc refused auth: %pe %*pE",
			  &monc->slot[i].addr.ss, ERR_PTR(err),
			  (int)min_t(u32, msg_len, 128), msg);
	if (!monc->mounted) {
		__monc_mount_failed(monc, err);
		return;
	}
	__monc_event(monc, MONC_EV_AUTH_REFUSED, err, 0);
	if (err == -EACCES)
		__monc_forget_identity(monc, i);
	__monc_slot_failed(monc, i, err);
}

/*
 * Fail slot @i for the reason the caller has just recorded. A hunting
 * candidate's failure records a reason of its own ("closed the connection
 * during auth"), which says less: the caller's is put back after it. (The
 * open session's loss records none.)
 */
static void __monc_slot_failed_said(struct monc_client *monc, int i, int err)
{
	char why[MONC_REASON_LEN];
	bool hunting = monc->state == MONC_S_HUNTING;
	bool in_session = monc->reason_in_session;

	lockdep_assert_held(&monc->mutex);
	if (hunting)
		memcpy(why, monc->reason, sizeof(why));
	__monc_slot_failed(monc, i, err);
	if (hunting) {
		memcpy(monc->reason, why, sizeof(why));
		monc->reason_in_session = in_session;
	}
}

/*
 * An auth reply we could not take (@err: malformed or unexpected, a cephx
 * blob that does not open or verify, a key type we lack): bytes from the
 * network, not a refusal, so neither the mount nor the client hears of a
 * refusal. The monitor is failed as for any protocol error: a candidate
 * is dropped and the hunt goes on, the open session is lost
 * (MONC_EV_SESSION_LOST) and the next one authenticates afresh.
 */
static void __monc_auth_bad_reply(struct monc_client *monc, int i, int err)
{
	lockdep_assert_held(&monc->mutex);
	pr_err_ratelimited("mon %pISpc: auth reply not taken: %pe\n",
			   &monc->slot[i].addr.ss, ERR_PTR(err));
	__monc_set_reason(monc, "mon %pISpc: auth reply not taken: %pe",
			  &monc->slot[i].addr.ss, ERR_PTR(err));
	__monc_slot_failed_said(monc, i, err);
}

/*
 * A monitor that cannot authenticate anyone for now. Ceph's cephx handler
 * answers -EIO while it lacks the rotating secret it seals tickets with
 * (a monitor just started, before the leader's rotating keys reached
 * it); -EAGAIN is the same kind of answer. Nobody refused us: the hunt
 * goes on (the mount fails only at its timeout, with this as its reason),
 * the open session is lost (MONC_EV_SESSION_LOST alone) and our identity
 * is kept. libceph fails the mount on it.
 */
static void __monc_auth_unavailable(struct monc_client *monc, int i, int err,
				    const char *msg, u32 msg_len)
{
	int len = min_t(u32, msg_len, 128);

	lockdep_assert_held(&monc->mutex);
	pr_warn_ratelimited("mon %pISpc cannot authenticate us now: %pe %*pE\n",
			    &monc->slot[i].addr.ss, ERR_PTR(err), len, msg);
	__monc_set_reason(monc, "mon %pISpc cannot authenticate us now: %pe %*pE",
			  &monc->slot[i].addr.ss, ERR_PTR(err), len, msg);
	__monc_slot_failed_said(monc, i, err);
}

static void __monc_handle_auth_reply(struct monc_client *monc, int i,
				     struct monc_msg *msg)
{
	struct monc_auth_reply_fields r;
	int ret;

	lockdep_assert_held(&monc->mutex);
	if (monc_decode_auth_reply(msg->front, msg->front_len, &r)) {
		pr_warn_ratelimited("mon %pISpc: malformed auth reply (%u bytes)\n",
				    &monc->slot[i].addr.ss, msg->front_len);
		__monc_set_reason(monc, "mon %pISpc sent a malformed auth reply (%u bytes)",
				  &monc->slot[i].addr.ss, msg->front_len);
		__monc_slot_failed(monc, i, -EBADMSG);
		return;
	}
	if (monc->state == MONC_S_HUNTING) {
		if (monc->auth_owner >= 0 && monc->auth_owner != i) {
			pr_debug("late auth reply from a losing candidate\n");
			return;
		}
		if (monc->auth_owner < 0) {
			/*
			 * The first candidate to answer carries the auth
			 * exchange (struct monc_auth holds one exchange);
			 * the others are closed now.
			 */
			monc->auth_owner = i;
			__monc_close_all(monc, i);
		}
	}
	if (r.result < 0) {
		int err = r.result < -MAX_ERRNO ? -EACCES : r.result;

		if (err == -EIO || err == -EAGAIN)
			__monc_auth_unavailable(monc, i, err, r.msg, r.msg_len);
		else
			__monc_auth_refused(monc, i, err, r.msg, r.msg_len);
		return;
	}
	ret = monc_auth_handle_reply(monc->auth, r.protocol, r.result,
				     r.global_id, r.payload, r.payload_len);
	if (ret == MONC_AUTH_AGAIN) {
		if (__monc_send_auth(monc, i, false))
			__monc_slot_failed(monc, i, -ENOMEM);
		return;
	}
	if (ret == -ENOMEM) {
		__monc_auth_no_memory(monc, i);
		return;
	}
	/* with a result of 0, only the monitor's cephx status is -EACCES */
	if (ret == -EACCES) {
		static const char why[] = "(cephx status)";

		__monc_auth_refused(monc, i, ret, why, sizeof(why) - 1);
		return;
	}
	if (ret < 0) {
		__monc_auth_bad_reply(monc, i, ret);
		return;
	}
	/* MONC_AUTH_DONE */
	if (monc->state == MONC_S_HUNTING) {
		__monc_session_won(monc, i);
		return;
	}
	monc->global_id = monc_auth_global_id(monc->auth);
	pr_debug("auth renewed, global id %llu\n", monc->global_id);
}

/* Install a monmap; true (and its epoch in *@epoch) if it was installed. */
static bool __monc_handle_monmap(struct monc_client *monc, int i,
				 struct monc_msg *msg, u32 *epoch)
{
	const void *p = msg->front, *end = p + msg->front_len;
	struct monc_monmap *map;
	const char *blob, *why;
	u32 blen;
	bool first;
	int ret;

	lockdep_assert_held(&monc->mutex);
	if (monc_dec_str(&p, end, &blob, &blen)) {
		pr_warn_ratelimited("mon %pISpc: malformed monmap message\n",
				    &monc->slot[i].addr.ss);
		__monc_set_reason(monc, "mon %pISpc: monmap refused: malformed MMonMap (%u bytes)",
				  &monc->slot[i].addr.ss, msg->front_len);
		return false;
	}
	ret = monc_monmap_decode_why(blob, blen, &map, &why);
	if (ret == -ENOMEM) {
		/*
		 * Not the map's fault, and it may not come again: over msgr2
		 * only the subscription sends it (msgr1's MAuth exchange
		 * sends another). As for a map message that finds no memory,
		 * fail the connection: the next session asks for it again.
		 */
		pr_warn_ratelimited("mon %pISpc: no memory for monmap (%u bytes)\n",
				    &monc->slot[i].addr.ss, blen);
		__monc_set_reason(monc, "mon %pISpc: monmap: %pe",
				  &monc->slot[i].addr.ss, ERR_PTR(ret));
		__monc_slot_failed(monc, i, ret);
		return false;
	}
	if (ret) {
		pr_warn_ratelimited("mon %pISpc: bad monmap: %d\n",
				    &monc->slot[i].addr.ss, ret);
		__monc_set_reason(monc, "mon %pISpc: monmap refused: %s (%u bytes, %pe)",
				  &monc->slot[i].addr.ss, why, blen,
				  ERR_PTR(ret));
		return false;
	}
	if (monc_unreachable(monc, map) == GENMASK_ULL(map->num_mon - 1, 0)) {
		/* we could reach none of them: keep the map we have */
		pr_warn_ratelimited("mon %pISpc: monmap e%u has no monitor we can reach\n",
				    &monc->slot[i].addr.ss, map->epoch);
		__monc_set_reason(monc, "mon %pISpc: monmap refused: no monitor we can reach",
				  &monc->slot[i].addr.ss);
		kfree(map);
		return false;
	}
	if (monc->have_fsid && !uuid_equal(&map->fsid, &monc->fsid)) {
		/* it now serves another cluster: find one that serves ours */
		pr_err_ratelimited("mon %pISpc: monmap fsid %pUb is not the cluster's %pUb\n",
				   &monc->slot[i].addr.ss, &map->fsid,
				   &monc->fsid);
		__monc_set_reason(monc, "mon %pISpc: monmap refused: fsid %pUb, not %pUb",
				  &monc->slot[i].addr.ss, &map->fsid,
				  &monc->fsid);
		kfree(map);
		__monc_slot_failed(monc, i, -ESTALE);
		return false;
	}
	if (monc->have_fsid && map->epoch <= monc->monmap->epoch) {
		/* a monitor sends the map twice when a session starts */
		pr_debug("monmap e%u not newer than ours e%u\n", map->epoch,
			 monc->monmap->epoch);
		kfree(map);
		return false;
	}
	first = !monc->have_fsid;
	kfree(monc->monmap);
	monc->monmap = map;
	monc->fsid = map->fsid;
	monc->have_fsid = true;
	pr_debug("monmap e%u, %u monitors\n", map->epoch, map->num_mon);

	/* got_map bookkeeping for the monmap, as for any map */
	monc->subs[MONC_MAP_MONMAP].have = map->epoch;
	if (monc->subs[MONC_MAP_MONMAP].want) {
		if (monc->subs[MONC_MAP_MONMAP].flags & MONC_SUB_ONETIME)
			monc->subs[MONC_MAP_MONMAP].want = false;
		else
			monc->subs[MONC_MAP_MONMAP].start = map->epoch + 1;
	}
	if (first)
		__monc_send_pending(monc);
	__monc_check_mounted(monc);
	*epoch = map->epoch;

	/* our monitor left the cluster: find one that is in it */
	if (monc->state == MONC_S_OPEN && i == monc->cur &&
	    !monc_monmap_contains(map, &monc->slot[i].addr.ss)) {
		pr_info_ratelimited("mon %pISpc is not in monmap e%u, hunting\n",
				    &monc->slot[i].addr.ss, map->epoch);
		__monc_event(monc, MONC_EV_SESSION_LOST, -ENOENT, 0);
		__monc_close_slot(monc, i);
		__monc_start_hunt(monc, -1);
	}
	return true;
}

static void __monc_handle_subscribe_ack(struct monc_client *monc, int i,
					struct monc_msg *msg)
{
	u32 interval;
	uuid_t fsid;

	lockdep_assert_held(&monc->mutex);
	if (monc_decode_subscribe_ack(msg->front, msg->front_len, &interval,
				      &fsid)) {
		pr_warn_ratelimited("mon %pISpc: malformed subscribe ack\n",
				    &monc->slot[i].addr.ss);
		return;
	}
	if (monc->have_fsid && !uuid_equal(&fsid, &monc->fsid)) {
		pr_warn_ratelimited("mon %pISpc: subscribe ack for fsid %pUb\n",
				    &monc->slot[i].addr.ss, &fsid);
		return;
	}
	interval = clamp_t(u32, interval, 2, 86400 * 7);
	if (monc->sub_renew_sent) {
		monc->sub_renew_after = monc->sub_renew_sent +
			(unsigned long)(interval / 2) * HZ;
		if (!monc->sub_renew_after)
			monc->sub_renew_after = 1;
	}
	pr_debug("subscribe ack, renew in %u s\n", interval / 2);
}

/*
 * A map for a handler: the fsid at its start must be ours. One of another
 * cluster means the monitor now serves that cluster: fault the session.
 * Before the session knows the fsid the map is only dropped.
 */
static bool __monc_map_fsid_ok(struct monc_client *monc, int i,
			       struct monc_msg *msg)
{
	const void *p = msg->front, *end = p + msg->front_len;
	uuid_t fsid;

	lockdep_assert_held(&monc->mutex);
	if (monc_dec_fsid(&p, end, &fsid) || !monc->have_fsid) {
		pr_warn_ratelimited("mon %pISpc: map type %d dropped\n",
				    &monc->slot[i].addr.ss,
				    le16_to_cpu(msg->hdr.type));
		return false;
	}
	if (!uuid_equal(&fsid, &monc->fsid)) {
		pr_warn_ratelimited("mon %pISpc: map of cluster %pUb, reconnecting\n",
				    &monc->slot[i].addr.ss, &fsid);
		__monc_slot_failed(monc, i, -ESTALE);
		return false;
	}
	return true;
}

static void monc_rename_debugfs(struct monc_client *monc);

/* Queue a map for handler_work; takes over the caller's reference. */
static void __monc_queue_map(struct monc_client *monc, struct monc_msg *msg)
{
	lockdep_assert_held(&monc->mutex);
	list_add_tail(&msg->list, &monc->hq);
	queue_work(monc_wq, &monc->handler_work);
}

/*
 * Run the client's handlers, one at a time, outside the connection's work:
 * the connection keeps reading (keepalive acks, replies) while a handler
 * takes its time.
 */
static void monc_handler_work(struct work_struct *work)
{
	struct monc_client *monc = container_of(work, struct monc_client,
						handler_work);
	struct monc_event ev;
	struct monc_msg *msg;
	bool monmap, named;
	u32 epoch;
	int type;

	for (;;) {
		mutex_lock(&monc->mutex);
		if (monc->stopped) {
			mutex_unlock(&monc->mutex);
			return;		/* monc_stop() drops the queue */
		}
		if (monc->ev_len) {
			ev = monc->ev[monc->ev_head];
			monc->ev_head = (monc->ev_head + 1) % MONC_EV_RING;
			monc->ev_len--;
			mutex_unlock(&monc->mutex);
			mutex_lock(&monc->handler_mutex);
			monc->handlers.event(monc, monc->priv, &ev);
			mutex_unlock(&monc->handler_mutex);
			continue;
		}
		monmap = monc->hq_monmap;
		epoch = monc->hq_monmap_epoch;
		monc->hq_monmap = false;
		msg = NULL;
		if (!monmap) {
			msg = list_first_entry_or_null(&monc->hq,
						       struct monc_msg, list);
			if (msg)
				list_del_init(&msg->list);
		}
		mutex_unlock(&monc->mutex);
		if (!monmap && !msg)
			return;

		mutex_lock(&monc->handler_mutex);
		if (monmap) {
			if (monc->handlers.monmap_changed)
				monc->handlers.monmap_changed(monc, monc->priv,
							      epoch);
			mutex_unlock(&monc->handler_mutex);
			continue;
		}
		type = le16_to_cpu(msg->hdr.type);
		if (type == MONC_MSG_OSD_MAP)
			monc->handlers.osdmap(monc, monc->priv, msg->front,
					      msg->front_len);
		else if (type == MONC_MSG_FS_MAP_USER)
			monc->handlers.fsmap_user(monc, monc->priv, msg->front,
						  msg->front_len);
		else
			monc->handlers.mdsmap(monc, monc->priv, msg->front,
					      msg->front_len);
		mutex_unlock(&monc->handler_mutex);
		monc_msg_put(msg);
		if (type != MONC_MSG_OSD_MAP)
			continue;

		mutex_lock(&monc->mutex);
		if (!monc->got_osdmap) {
			monc->got_osdmap = true;
			__monc_check_mounted(monc);
		}
		named = monc->mounted && !monc->debugfs_named && !monc->stopped;
		mutex_unlock(&monc->mutex);
		if (named)
			monc_rename_debugfs(monc);
	}
}

static void monc_dispatch(void *priv, struct monc_conn *con,
			  struct monc_msg *msg)
{
	struct monc_client *monc = priv;
	struct monc_request *req = NULL;
	int type = le16_to_cpu(msg->hdr.type);
	u32 monmap_epoch = 0;
	int i;

	mutex_lock(&monc->mutex);
	i = __monc_find_slot(monc, con);
	if (monc->stopped || i < 0) {
		pr_debug("drop type %d from a closed connection\n", type);
		goto out;
	}
	switch (type) {
	case MONC_MSG_AUTH_REPLY:
		__monc_handle_auth_reply(monc, i, msg);
		break;
	case MONC_MSG_MON_MAP:
		if (i != monc->cur)
			break;
		if (__monc_handle_monmap(monc, i, msg, &monmap_epoch) &&
		    !monc->stopped) {
			monc->hq_monmap = true;
			monc->hq_monmap_epoch = monmap_epoch;
			queue_work(monc_wq, &monc->handler_work);
			__monc_event(monc, MONC_EV_MONMAP, 0, monmap_epoch);
		}
		break;
	case MONC_MSG_MON_SUBSCRIBE_ACK:
		if (i == monc->cur)
			__monc_handle_subscribe_ack(monc, i, msg);
		break;
	case MONC_MSG_STATFS_REPLY:
	case MONC_MSG_MON_GET_VERSION_REPLY:
	case MONC_MSG_MON_COMMAND_ACK:
		if (i == monc->cur &&
		    __monc_handle_request_reply(monc, i, msg, &req))
			__monc_slot_failed(monc, i, -EBADMSG);
		break;
	case MONC_MSG_OSD_MAP:
		if (i == monc->cur && __monc_map_fsid_ok(monc, i, msg)) {
			__monc_queue_map(monc, msg);
			msg = NULL;
		}
		break;
	case MONC_MSG_MDS_MAP:
		if (i == monc->cur && monc->handlers.mdsmap &&
		    __monc_map_fsid_ok(monc, i, msg)) {
			__monc_queue_map(monc, msg);
			msg = NULL;
		}
		break;
	case MONC_MSG_FS_MAP_USER:
		/* no fsid in it: the session's monitor vouches for it */
		if (i == monc->cur && monc->handlers.fsmap_user) {
			__monc_queue_map(monc, msg);
			msg = NULL;
		}
		break;
	default:
		pr_warn_ratelimited("mon %pISpc: unknown message type %d dropped\n",
				    &monc->slot[i].addr.ss, type);
		break;
	}
out:
	mutex_unlock(&monc->mutex);
	if (req)
		monc_req_finish(req, 0);
	monc_msg_put(msg);
}

static void monc_fault(void *priv, struct monc_conn *con, int err)
{
	struct monc_client *monc = priv;
	int i;

	mutex_lock(&monc->mutex);
	i = __monc_find_slot(monc, con);
	if (!monc->stopped && i >= 0)
		__monc_slot_failed(monc, i, err);
	mutex_unlock(&monc->mutex);
}

/*
 * Runs under the connection lock: pools only, never the session mutex.
 *
 * A message the session needs but cannot get memory for faults the
 * connection (*@skip stays 0) instead of being skipped: a skipped message
 * is acked, and neither a map (a onetime or stateful subscription is not
 * sent again) nor a reply (its request would wait for ever) would come
 * again on that session. The new session resubscribes and resends.
 */
static struct monc_msg *monc_alloc_msg(void *priv, struct monc_conn *con,
				       const struct monc_msg_header *hdr,
				       int *skip)
{
	struct monc_client *monc = priv;
	int type = le16_to_cpu(hdr->type);
	u32 front_len = le32_to_cpu(hdr->front_len);
	struct monc_msgpool *pool = NULL;
	struct monc_msg *m;

	*skip = 0;
	if (type == MONC_MSG_MON_COMMAND_ACK)
		return monc_alloc_command_ack(hdr, skip);
	if (le32_to_cpu(hdr->middle_len) || le32_to_cpu(hdr->data_len)) {
		pr_warn_ratelimited("message type %d with middle or data skipped\n",
				    type);
		*skip = 1;
		return NULL;
	}
	switch (type) {
	case MONC_MSG_AUTH_REPLY:
		pool = &monc->pools[MONC_POOL_AUTH_REPLY];
		break;
	case MONC_MSG_MON_SUBSCRIBE_ACK:
		pool = &monc->pools[MONC_POOL_SUBSCRIBE_ACK];
		break;
	case MONC_MSG_STATFS_REPLY:
		pool = &monc->pools[MONC_POOL_STATFS_REPLY];
		break;
	case MONC_MSG_MON_GET_VERSION_REPLY:
		pool = &monc->pools[MONC_POOL_VERSION_REPLY];
		break;
	case MONC_MSG_MON_MAP:
	case MONC_MSG_OSD_MAP:
	case MONC_MSG_MDS_MAP:
	case MONC_MSG_FS_MAP_USER:
		/* the messenger bounds the front (MONC_MAX_FRONT_LEN) */
		return monc_msg_new(type, front_len, GFP_NOFS);
	default:
		pr_warn_ratelimited("unknown message type %d (%u bytes) skipped\n",
				    type, front_len);
		*skip = 1;
		return NULL;
	}
	if (front_len > MONC_REPLY_FRONT_MAX) {
		pr_warn_ratelimited("message type %d too long (%u bytes), skipped\n",
				    type, front_len);
		*skip = 1;
		return NULL;
	}
	/* past the pool's size: a message of its own for this one */
	m = monc_msgpool_get(pool, front_len, GFP_NOFS);
	if (!m)
		pr_warn_ratelimited("no memory for message type %d, reconnecting\n",
				    type);
	return m;
}

/* The namespace of the task that created the client (see monc_create()). */
static struct net *monc_conn_net(void *priv)
{
	struct monc_client *monc = priv;

	return monc->net;
}

/* msgr2's AUTH_SIGNATURE and secure mode: the exchange's key material. */
static int monc_conn_session_key(void *priv, struct monc_conn *con, u8 *key,
				 u32 *len, u8 *secret, u32 *secret_len)
{
	struct monc_client *monc = priv;
	int ret;

	mutex_lock(&monc->mutex);
	ret = monc_auth_session_key(monc->auth, key, len, secret, secret_len);
	mutex_unlock(&monc->mutex);
	return ret;
}

/* msgr2: the connection modes to offer follow the option. */
static unsigned int monc_conn_ms_mode(void *priv)
{
	struct monc_client *monc = priv;

	return monc->opts.ms_mode;
}

static const struct monc_conn_ops monc_conn_ops = {
	.dispatch = monc_dispatch,
	.fault = monc_fault,
	.alloc_msg = monc_alloc_msg,
	.session_key = monc_conn_session_key,
	.ms_mode = monc_conn_ms_mode,
	.net = monc_conn_net,
};

/* ------------------------------------------------------------------ */
/* The tick                                                             */

/* The round's timer expired with no session: say who did not answer. */
static void __monc_round_expired(struct monc_client *monc)
{
	unsigned int n = __monc_inflight(monc);
	int i;

	lockdep_assert_held(&monc->mutex);
	for (i = 0; i < MONC_MAX_MONS; i++) {
		struct monc_slot *s = &monc->slot[i];

		if (!s->con)
			continue;
		__monc_set_reason(monc, "no auth reply from mon %pISpc%s within %u ms",
				  &s->addr.ss,
				  n > 1 ? " and the other candidates" : "",
				  jiffies_to_msecs(jiffies - s->opened));
		return;
	}
}

static void __monc_tick(struct monc_client *monc)
{
	struct monc_slot *s;
	unsigned long ack;

	lockdep_assert_held(&monc->mutex);
	switch (monc->state) {
	case MONC_S_HUNTING:
		if (time_before(jiffies, monc->next_round)) {
			if (__monc_stagger_pending(monc) &&
			    !time_before(jiffies, monc->next_open)) {
				pr_debug("hunt: no answer in %u ms, one more candidate\n",
					 jiffies_to_msecs(monc->hunt_stagger));
				__monc_open_one(monc);
				monc->next_open = jiffies + monc->hunt_stagger;
			}
			break;
		}
		__monc_round_expired(monc);
		/* a session that died young already counted this round */
		if (!monc->hunt_grown)
			__monc_hunt_backoff(monc);
		__monc_open_round(monc);
		break;
	case MONC_S_OPEN:
		s = &monc->slot[monc->cur];
		ack = monc->transport->last_keepalive_ack(s->con);
		if (ack && time_after(jiffies, ack + monc->ka_timeout)) {
			pr_info_ratelimited("mon %pISpc: no keepalive ack for %u ms\n",
					    &s->addr.ss,
					    jiffies_to_msecs(jiffies - ack));
			monc->stat_ka_timeouts++;
			__monc_set_reason(monc, "mon %pISpc: no keepalive ack for %u ms",
					  &s->addr.ss,
					  jiffies_to_msecs(jiffies - ack));
			__monc_slot_failed(monc, monc->cur, -ETIMEDOUT);
			break;
		}
		monc->transport->keepalive(s->con);
		/* healthy for a keepalive timeout: un-backoff */
		if (time_after(jiffies, monc->session_since + monc->ka_timeout)) {
			monc->hunt_mult = 1;
			monc->short_sessions = 0;
		}
		if (monc_auth_need_renew(monc->auth) &&
		    __monc_send_auth(monc, monc->cur, false))
			pr_warn_ratelimited("cannot send auth renewal\n");
		if (monc->sub_unsent ||
		    (monc->sub_renew_after && __monc_any_want(monc) &&
		     !(monc->transport->peer_features(s->con) &
		       MONC_FEATURE_MON_STATEFUL_SUB) &&
		     time_after_eq(jiffies, monc->sub_renew_after)))
			__monc_send_subscribe(monc);
		__monc_send_pending(monc);
		break;
	default:
		break;
	}
}

static void monc_tick_work(struct work_struct *work)
{
	struct monc_client *monc = container_of(to_delayed_work(work),
						struct monc_client, tick);

	LIST_HEAD(expired);

	atomic_inc(&monc->stat_tick_runs);
	mutex_lock(&monc->mutex);
	if (!monc->stopped) {
		__monc_expire_requests(monc, &expired);
		__monc_tick(monc);
		__monc_schedule_tick(monc);
	}
	mutex_unlock(&monc->mutex);
	monc_req_finish_list(&expired, -ETIMEDOUT);
}

/*
 * Why the client is not mounted (or, once mounted, what failed last): the
 * last recorded failure, preceded by what is missing when a session is
 * open but the mount still waits for its monmap or its osdmap.
 */
static int __monc_describe(struct monc_client *monc, char *buf, size_t len)
{
	struct monc_slot *s = monc->cur >= 0 ? &monc->slot[monc->cur] : NULL;
	const char *why = monc->reason_in_session ? monc->reason : "";
	const char *sep = why[0] ? ": " : "";

	lockdep_assert_held(&monc->mutex);
	if (monc->mounted || monc->state != MONC_S_OPEN || !s) {
		if (monc->reason[0] || monc->mounted)
			return scnprintf(buf, len, "%s", monc->reason);
		if (monc->state == MONC_S_HUNTING)
			return scnprintf(buf, len, "no auth reply yet from %u monitor(s)",
					 __monc_inflight(monc));
		return scnprintf(buf, len, "no session opened");
	}
	if (!monc->have_fsid)
		return scnprintf(buf, len, "session with mon %pISpc but no monmap accepted%s%s",
				 &s->addr.ss, sep, why);
	return scnprintf(buf, len, "session with mon %pISpc and its monmap but no osdmap%s%s",
			 &s->addr.ss, sep, why);
}

/* ------------------------------------------------------------------ */
/* debugfs (the files live in debugfs.c)                                */

/*
 * Name the client's directory <fsid>.client<global_id> once mounted. Runs
 * in a dispatch callback, so monc_stop() (which flushes callbacks before it
 * removes the directory) cannot remove it underneath.
 */
static void monc_rename_debugfs(struct monc_client *monc)
{
	struct dentry *dir;
	char name[64];

	mutex_lock(&monc->mutex);
	snprintf(name, sizeof(name), "%pU.client%llu", &monc->fsid,
		 monc->global_id);
	monc->debugfs_named = true;
	dir = monc->stopped ? NULL : monc->debugfs_dir;
	mutex_unlock(&monc->mutex);
	if (dir)
		monc_debugfs_rename(dir, name);
}

/**
 * monc_show_session - print the session for debugfs
 * @monc: the client
 * @s: the seq_file
 */
void monc_show_session(struct monc_client *monc, struct seq_file *s)
{
	char why[MONC_REASON_LEN];
	struct monc_slot *sl;
	int i;

	mutex_lock(&monc->mutex);
	seq_printf(s, "state: %s%s\n", monc_state_names[monc->state],
		   monc->stopped ? " (stopped)" : "");
	if (monc->cur >= 0) {
		sl = &monc->slot[monc->cur];
		seq_printf(s, "mon: %pISpc\n", &sl->addr.ss);
		seq_printf(s, "features: 0x%llx\n",
			   monc->transport->peer_features(sl->con));
		if (monc->transport->mode)
			seq_printf(s, "protocol: %s\n",
				   monc->transport->mode(sl->con));
		seq_printf(s, "session_age_ms: %u\n",
			   jiffies_to_msecs(jiffies - monc->session_since));
	} else {
		seq_puts(s, "mon: none\n");
	}
	seq_printf(s, "hunting: %s\n",
		   monc->state == MONC_S_HUNTING ? "yes" : "no");
	for (i = 0; i < MONC_MAX_MONS; i++) {
		sl = &monc->slot[i];
		if (sl->con && i != monc->cur)
			seq_printf(s, "candidate: %pISpc age_ms %u\n",
				   &sl->addr.ss,
				   jiffies_to_msecs(jiffies - sl->opened));
	}
	seq_printf(s, "mounted: %s\n", monc->mounted ? "yes" : "no");
	if (monc->mounted)
		seq_printf(s, "mount_ms: %u\n", monc->mount_ms);
	if (monc->mount_err)
		seq_printf(s, "mount_error: %d\n", monc->mount_err);
	if (__monc_describe(monc, why, sizeof(why)))
		seq_printf(s, "last_error: %s\n", why);
	seq_printf(s, "global_id: %llu\n", monc->global_id);
	if (monc->have_fsid)
		seq_printf(s, "fsid: %pU\n", &monc->fsid);
	for (i = 0; i < MONC_MAP_COUNT; i++) {
		struct monc_sub *sub = &monc->subs[i];
		char nbuf[MONC_SUB_NAME_LEN];

		seq_printf(s, "sub %s: have %u want %s start %llu%s\n",
			   __monc_sub_name(monc, i, nbuf, sizeof(nbuf)),
			   sub->have,
			   sub->want ? "yes" : "no", sub->start,
			   sub->flags & MONC_SUB_ONETIME ? " onetime" : "");
	}
	if (monc->sub_renew_after)
		seq_printf(s, "sub_renew_in_ms: %d\n",
			   jiffies_to_msecs(monc->sub_renew_after - jiffies));
	seq_printf(s, "hunts: %llu\nhunt_rounds: %llu\nfaults: %llu\n",
		   monc->stat_hunts, monc->stat_rounds, monc->stat_faults);
	seq_printf(s, "keepalive_timeouts: %llu\n", monc->stat_ka_timeouts);
	seq_printf(s, "hunt_mult: %u\n", monc->hunt_mult);
	seq_printf(s, "short_sessions: %u in a row, %llu in all\n",
		   monc->short_sessions, monc->stat_short_sessions);
	seq_printf(s, "last_failover_ms: %u\n", monc->last_failover_ms);
	if (monc->handlers.event)
		seq_printf(s, "events_dropped: %llu\n", monc->ev_dropped);
	seq_printf(s, "hunt_parallel: %u\nhunt_stagger_ms: %u\n",
		   monc->opts.hunt_parallel,
		   monc->hunt_stagger ? monc->opts.hunt_stagger_ms : 0);
	seq_puts(s, "auth:\n");
	monc_auth_show(monc->auth, s);
	mutex_unlock(&monc->mutex);
}
EXPORT_SYMBOL_IF_KUNIT(monc_show_session);

/**
 * monc_show_monmap - print the monmap for debugfs
 * @monc: the client
 * @s: the seq_file
 */
void monc_show_monmap(struct monc_client *monc, struct seq_file *s)
{
	struct monc_monmap *map;
	u32 i;

	mutex_lock(&monc->mutex);
	map = monc->monmap;
	seq_printf(s, "epoch %u\n", map->epoch);
	if (monc->have_fsid)
		seq_printf(s, "fsid %pU\n", &map->fsid);
	else
		seq_puts(s, "fsid unknown\n");
	for (i = 0; i < map->num_mon; i++) {
		const struct monc_mon_info *m = &map->mon[i];

		seq_printf(s, "mon%u %s", m->rank, m->name[0] ? m->name : "-");
		if (m->addr.ss.ss_family)
			seq_printf(s, " %pISpc", &m->addr.ss);
		if (m->addr_v2.ss.ss_family)
			seq_printf(s, " v2:%pISpc", &m->addr_v2.ss);
		seq_putc(s, '\n');
	}
	mutex_unlock(&monc->mutex);
}
EXPORT_SYMBOL_IF_KUNIT(monc_show_monmap);

/* ------------------------------------------------------------------ */
/* Create, open, wait, stop, destroy                                    */

/* Port 0 is allowed: no port given, the monitor's default ports. */
static bool monc_addr_ok(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET || ss->ss_family == AF_INET6;
}

static int monc_check_options(const struct monc_options *in,
			      const struct monc_handlers *handlers,
			      struct monc_options *o)
{
	unsigned int i;

	if (!in || !handlers || !handlers->osdmap)
		return -EINVAL;
	*o = *in;
	if (o->num_mon < 1 || o->num_mon > MONC_MAX_MONS)
		return -EINVAL;
	for (i = 0; i < o->num_mon; i++)
		if (!monc_addr_ok(&o->mon_addr[i]))
			return -EINVAL;
	if (o->name && (!o->name[0] ||
			strnlen(o->name, MONC_MAX_NAME_LEN + 1) >
			MONC_MAX_NAME_LEN))
		return -EINVAL;
	if (!o->auth_methods)
		o->auth_methods = BIT(MONC_AUTH_NONE);
	if (o->auth_methods & ~(BIT(MONC_AUTH_NONE) | BIT(MONC_AUTH_CEPHX)))
		return -EINVAL;
	if ((o->auth_methods & BIT(MONC_AUTH_CEPHX)) &&
	    (!o->secret || (o->secret_len != MONC_SECRET_LEN &&
			    o->secret_len != MONC_SECRET_AES256K_LEN)))
		return -EINVAL;
	if (o->ms_mode > MONC_MS_MODE_PREFER_SECURE)
		return -EINVAL;
	if (!o->mount_timeout_ms)
		o->mount_timeout_ms = MONC_DEFAULT_MOUNT_TIMEOUT_MS;
	if (!o->keepalive_interval_ms)
		o->keepalive_interval_ms = MONC_DEFAULT_KEEPALIVE_INTERVAL_MS;
	if (!o->keepalive_timeout_ms)
		o->keepalive_timeout_ms = max_t(unsigned int,
						MONC_DEFAULT_KEEPALIVE_TIMEOUT_MS,
						o->keepalive_interval_ms * 2);
	if (!o->hunt_interval_ms)
		o->hunt_interval_ms = MONC_DEFAULT_HUNT_INTERVAL_MS;
	if (!o->hunt_backoff)
		o->hunt_backoff = MONC_DEFAULT_HUNT_BACKOFF;
	if (!o->hunt_max_mult)
		o->hunt_max_mult = MONC_DEFAULT_HUNT_MAX_MULT;
	if (!o->hunt_parallel)
		o->hunt_parallel = MONC_DEFAULT_HUNT_PARALLEL;
	if (!o->hunt_stagger_ms)
		o->hunt_stagger_ms = MONC_DEFAULT_HUNT_STAGGER_MS;
	if (o->mount_timeout_ms > MONC_MAX_TIMEOUT_MS ||
	    o->keepalive_interval_ms > MONC_MAX_TIMEOUT_MS ||
	    o->keepalive_timeout_ms > MONC_MAX_TIMEOUT_MS ||
	    o->hunt_interval_ms > MONC_MAX_TIMEOUT_MS ||
	    (o->hunt_stagger_ms > MONC_MAX_TIMEOUT_MS &&
	     o->hunt_stagger_ms != MONC_HUNT_STAGGER_OFF))
		return -EINVAL;
	if (o->keepalive_timeout_ms <= o->keepalive_interval_ms)
		return -EINVAL;
	if (o->hunt_backoff > MONC_MAX_HUNT_BACKOFF ||
	    o->hunt_max_mult > MONC_MAX_HUNT_MAX_MULT ||
	    o->hunt_parallel > MONC_MAX_MONS)
		return -EINVAL;
	return 0;
}

static const u32 monc_pool_types[MONC_POOL_COUNT] = {
	[MONC_POOL_AUTH_REPLY] = MONC_MSG_AUTH_REPLY,
	[MONC_POOL_SUBSCRIBE_ACK] = MONC_MSG_MON_SUBSCRIBE_ACK,
	[MONC_POOL_STATFS_REPLY] = MONC_MSG_STATFS_REPLY,
	[MONC_POOL_VERSION_REPLY] = MONC_MSG_MON_GET_VERSION_REPLY,
};

static const u32 monc_pool_front[MONC_POOL_COUNT] = {
	[MONC_POOL_AUTH_REPLY] = MONC_AUTH_REPLY_MAX,
	[MONC_POOL_SUBSCRIBE_ACK] = MONC_SMALL_REPLY_FRONT,
	[MONC_POOL_STATFS_REPLY] = MONC_SMALL_REPLY_FRONT,
	[MONC_POOL_VERSION_REPLY] = MONC_SMALL_REPLY_FRONT,
};

static void monc_free(struct monc_client *monc)
{
	int i;

	for (i = 0; i < MONC_POOL_COUNT; i++)
		if (monc->pools_ready[i])
			monc_msgpool_destroy(&monc->pools[i]);
	if (monc->m_auth)
		monc_msg_put(monc->m_auth);
	if (monc->m_subscribe)
		monc_msg_put(monc->m_subscribe);
	if (!IS_ERR_OR_NULL(monc->auth))
		monc_auth_destroy(monc->auth);
	kfree(monc->monmap);
	if (monc->net)
		put_net(monc->net);
	WARN_ON(!RB_EMPTY_ROOT(&monc->reqs));
	mutex_destroy(&monc->done_mutex);
	mutex_destroy(&monc->handler_mutex);
	mutex_destroy(&monc->mutex);
	kfree(monc);
}

/**
 * monc_create_with_transport - create a client over a given transport
 * @opts: options, checked and copied
 * @handlers: map handlers (copied); @handlers->osdmap is required
 * @priv: passed to the handlers
 * @transport: how to reach monitors (a KUnit fake, or monc_tcp_transport)
 *
 * Return: the client, or ERR_PTR(-EINVAL) for bad options, or
 * ERR_PTR(-ENOMEM).
 */
VISIBLE_IF_KUNIT struct monc_client *
monc_create_with_transport(const struct monc_options *opts,
			   const struct monc_handlers *handlers, void *priv,
			   const struct monc_transport *transport)
{
	struct monc_client *monc;
	char dname[32];
	int ret = -ENOMEM;
	int i;

	monc = monc_kzalloc(sizeof(*monc), GFP_KERNEL);
	if (!monc)
		return ERR_PTR(-ENOMEM);
	mutex_init(&monc->mutex);
	mutex_init(&monc->handler_mutex);
	mutex_init(&monc->done_mutex);
	monc->reqs = RB_ROOT;
	init_waitqueue_head(&monc->mount_wq);
	init_waitqueue_head(&monc->map_wq);
	INIT_DELAYED_WORK(&monc->tick, monc_tick_work);
	INIT_LIST_HEAD(&monc->hq);
	INIT_WORK(&monc->handler_work, monc_handler_work);
	init_completion(&monc->stop_cmpl);
	atomic_set(&monc->blocked, 0);
	init_waitqueue_head(&monc->blocked_wq);
	monc->cur = -1;
	monc->auth_owner = -1;
	monc->hunt_mult = 1;
	monc->transport = transport;
	monc->priv = priv;
	/* the sockets' namespace: the caller's, held until monc_free() */
	monc->net = get_net(current->nsproxy->net_ns);

	ret = monc_check_options(opts, handlers, &monc->opts);
	if (ret)
		goto err_free;
	monc->handlers = *handlers;
	strscpy(monc->name, monc->opts.name ? monc->opts.name : "admin",
		sizeof(monc->name));
	monc->opts.name = monc->name;
	monc->opts.secret = NULL;	/* auth keeps its own copy */
	strscpy(monc->hostname, utsname()->nodename, sizeof(monc->hostname));
	monc->mount_timeout = msecs_to_jiffies(monc->opts.mount_timeout_ms);
	monc->ka_interval = msecs_to_jiffies(monc->opts.keepalive_interval_ms);
	monc->ka_timeout = msecs_to_jiffies(monc->opts.keepalive_timeout_ms);
	monc->hunt_interval = msecs_to_jiffies(monc->opts.hunt_interval_ms);
	if (monc->opts.hunt_stagger_ms != MONC_HUNT_STAGGER_OFF &&
	    monc->opts.hunt_parallel > 1)
		monc->hunt_stagger = max(msecs_to_jiffies(monc->opts.hunt_stagger_ms),
					 1UL);

	ret = -ENOMEM;
	monc->monmap = monc_monmap_from_addrs(monc->opts.mon_addr,
					      monc->opts.num_mon, GFP_KERNEL);
	if (IS_ERR_OR_NULL(monc->monmap)) {
		ret = monc->monmap ? PTR_ERR(monc->monmap) : -ENOMEM;
		monc->monmap = NULL;
		goto err_free;
	}
	if (monc->opts.ms_mode != MONC_MS_MODE_DEFAULT)
		monc_monmap_set_kind(monc->monmap,
				     monc->opts.ms_mode != MONC_MS_MODE_LEGACY);
	monc->auth = monc_auth_create(monc->opts.auth_methods, monc->name,
				      opts->secret, opts->secret_len);
	if (IS_ERR_OR_NULL(monc->auth)) {
		ret = monc->auth ? PTR_ERR(monc->auth) : -ENOMEM;
		monc->auth = NULL;
		goto err_free;
	}
	for (i = 0; i < MONC_POOL_COUNT; i++) {
		ret = monc_msgpool_init(&monc->pools[i], monc_pool_types[i],
					monc_pool_front[i], MONC_POOL_SIZE);
		if (ret)
			goto err_free;
		monc->pools_ready[i] = true;
	}
	ret = -ENOMEM;
	monc->m_auth = monc_msg_new(MONC_MSG_AUTH, MONC_AUTH_FRONT_MAX,
				    GFP_KERNEL);
	if (!monc->m_auth)
		goto err_free;
	monc->m_subscribe = monc_msg_new(MONC_MSG_MON_SUBSCRIBE,
					 MONC_SUBSCRIBE_FRONT_MAX, GFP_KERNEL);
	if (!monc->m_subscribe)
		goto err_free;

	/* monmap continuous, osdmap once (until the client asks more) */
	monc->subs[MONC_MAP_MONMAP].want = true;
	monc->subs[MONC_MAP_OSDMAP].want = true;
	monc->subs[MONC_MAP_OSDMAP].flags = MONC_SUB_ONETIME;
	/*
	 * The mdsmap of the default filesystem, or, when the client looks
	 * filesystems up by name, the fsmap.user (it then picks one with
	 * monc_follow_fs()).
	 */
	monc->mdsmap_fscid = MONC_FS_DEFAULT;
	if (handlers->fsmap_user)
		monc->subs[MONC_MAP_FSMAP_USER].want = true;
	else
		monc->subs[MONC_MAP_MDSMAP].want = !!handlers->mdsmap;

	snprintf(dname, sizeof(dname), "unmounted.%d",
		 atomic_inc_return(&monc_instances));
	monc->debugfs_dir = monc_debugfs_add(monc, dname);
	return monc;

err_free:
	monc_free(monc);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(monc_create_with_transport);

/**
 * monc_create - create a monitor client
 * @opts: how to reach and talk to the monitors; copied
 * @handlers: the map handlers; copied. @handlers->osdmap is required
 * @priv: passed back to the handlers
 *
 * Checks the options (1 to %MONC_MAX_MONS AF_INET or AF_INET6 addresses
 * with a port, a sane name, known auth methods with a secret for cephx,
 * a keepalive timeout longer than its interval...), allocates the client,
 * its reply pools and the messages it resends, and builds the initial
 * monmap from the addresses. Nothing is sent until monc_open_session().
 *
 * The client's sockets are made in the network namespace of the calling
 * task (a mount from a container reaches the monitors of its namespace,
 * as fs/ceph's), which the client holds until monc_destroy().
 *
 * Context: process context, may sleep.
 *
 * Return: the client, ERR_PTR(-EINVAL) for bad options or
 * ERR_PTR(-ENOMEM).
 */
struct monc_client *monc_create(const struct monc_options *opts,
				const struct monc_handlers *handlers,
				void *priv)
{
	return monc_create_with_transport(opts, handlers, priv,
					  &monc_tcp_transport);
}
EXPORT_SYMBOL_GPL(monc_create);

/**
 * monc_open_session - start hunting for a monitor
 * @monc: the client
 *
 * Connects to a monitor and sends it an auth hello, and to another every
 * hunt_stagger_ms that none has answered, up to hunt_parallel at once
 * (all of them at once with %MONC_HUNT_STAGGER_OFF); the first to
 * authenticate becomes the session (with cephx, the
 * first to answer carries the exchange). Does not wait: see
 * monc_wait_mount(). When no connection can be started now, the tick
 * keeps trying until the mount timeout.
 *
 * Context: process context, may sleep.
 *
 * Return: 0, -ESHUTDOWN after monc_stop(), or -EBUSY if already open.
 */
int monc_open_session(struct monc_client *monc)
{
	int ret = 0;

	mutex_lock(&monc->mutex);
	if (monc->stopped) {
		ret = -ESHUTDOWN;
	} else if (monc->state != MONC_S_IDLE || monc->mount_err) {
		ret = -EBUSY;
	} else {
		monc->open_time = jiffies;
		__monc_start_hunt(monc, -1);
		if (!__monc_inflight(monc))
			pr_debug("no monitor could be opened yet\n");
	}
	mutex_unlock(&monc->mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_open_session);

/**
 * monc_reopen_session - drop the session and find a monitor afresh
 * @monc: the client
 *
 * For recovery after the client was blocklisted, or whenever the client
 * module wants a new session: the current session or hunt is closed, a new
 * hunt starts at once with a fresh auth exchange, and the subscriptions
 * and pending requests are sent again on the new session. An event handler is told
 * %MONC_EV_SESSION_LOST (-ECONNRESET) and then %MONC_EV_SESSION_OPEN.
 * Does not wait.
 *
 * Context: process context; takes the session mutex (a handler may call
 * it).
 *
 * Return: 0, -ESHUTDOWN after monc_stop(), or -ENOTCONN before
 * monc_open_session() or after a mount that failed.
 */
int monc_reopen_session(struct monc_client *monc)
{
	int ret = 0;

	mutex_lock(&monc->mutex);
	if (monc->stopped) {
		ret = -ESHUTDOWN;
	} else if (monc->state == MONC_S_IDLE) {
		ret = -ENOTCONN;
	} else {
		pr_info_ratelimited("reopening the session on request\n");
		if (monc->state == MONC_S_OPEN)
			__monc_event(monc, MONC_EV_SESSION_LOST, -ECONNRESET, 0);
		__monc_close_all(monc, -1);
		monc->hunt_mult = 1;
		monc->short_sessions = 0;
		__monc_start_hunt(monc, -1);
	}
	mutex_unlock(&monc->mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_reopen_session);

/**
 * monc_wait_mount - wait until the session is mounted
 * @monc: the client
 *
 * Mounted means authenticated, with the cluster's monmap (so the fsid is
 * known) and the first osdmap delivered to the osdmap handler, as libceph
 * waits for have_fsid and an osdmap. The mdsmap is never waited for: a
 * monitor says nothing on the mdsmap when no filesystem exists.
 *
 * The wait is interruptible and bounded by the mount timeout.
 *
 * Context: process context, may sleep; not from a done() callback or a
 * handler (that warns and returns -EDEADLK).
 *
 * Return: 0; the monitor's error (its message is logged) if auth was
 * refused, -EACCES for the refusal status of a cephx reply (an auth reply
 * monc cannot take, malformed or not opening, and a monitor's -EIO or
 * -EAGAIN, one that cannot authenticate anyone yet, fail that monitor
 * only and the hunt goes on); -ETIMEDOUT; -EINTR on a signal; -ESHUTDOWN
 * if stopped.
 */
int monc_wait_mount(struct monc_client *monc)
{
	char why[MONC_REASON_LEN];
	long ret;

	if (monc_in_callback(monc, true))
		return -EDEADLK;
	monc_block_enter(monc);
	ret = wait_event_interruptible_timeout(monc->mount_wq,
					       READ_ONCE(monc->mounted) ||
					       READ_ONCE(monc->mount_err) ||
					       READ_ONCE(monc->stopped),
					       monc->mount_timeout);
	mutex_lock(&monc->mutex);
	if (monc->mount_err)
		ret = monc->mount_err;
	else if (monc->mounted)
		ret = 0;
	else if (monc->stopped)
		ret = -ESHUTDOWN;
	else if (ret < 0)
		ret = -EINTR;
	else
		ret = -ETIMEDOUT;
	if (ret == -ETIMEDOUT)
		__monc_describe(monc, why, sizeof(why));
	mutex_unlock(&monc->mutex);
	if (ret == -ETIMEDOUT)
		pr_err_ratelimited("no mount within %u ms: %s\n",
				   monc->opts.mount_timeout_ms, why);
	monc_block_exit(monc);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_wait_mount);

/**
 * monc_last_error - why the session is not (or was not) established
 * @monc: the client
 * @buf: where to put the reason, a NUL-terminated line of text
 * @len: the size of @buf
 *
 * After monc_wait_mount() failed, says why in words, the way monc logged
 * it: auth refused (with the monitor's message), monmap refused (with the
 * decode error), no osdmap, every monitor unreachable, sessions closed soon
 * after auth, ... Once mounted, the last session lost and why. Empty if
 * nothing failed yet.
 *
 * Context: process context; takes the session mutex (handlers may call
 * it).
 * Return: the number of characters put in @buf (the reason is cut to fit).
 */
int monc_last_error(struct monc_client *monc, char *buf, size_t len)
{
	int ret;

	mutex_lock(&monc->mutex);
	ret = __monc_describe(monc, buf, len);
	mutex_unlock(&monc->mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_last_error);

/**
 * monc_stop - close the session and fail pending requests
 * @monc: the client
 *
 * Safe at any point: while hunting, mid-handshake, with requests pending.
 * Pending requests complete with -ESHUTDOWN (their done() callbacks run
 * here, in the caller's context). After it returns no work of this client
 * is queued or running, no handler or done() is called any more, and every
 * caller that was blocked in monc_wait_mount(), monc_statfs() or
 * monc_get_version() has returned. Several callers may stop at once: each
 * returns only once the first is done.
 *
 * Context: process context, may sleep. Not from a handler or a done()
 * callback: that warns and returns without stopping.
 */
void monc_stop(struct monc_client *monc)
{
	struct monc_msg *msg, *tmp_msg;
	LIST_HEAD(reqs);
	LIST_HEAD(maps);
	struct dentry *dir;

	if (monc_in_callback(monc, true))
		return;
	mutex_lock(&monc->mutex);
	if (monc->stopped) {
		monc->stop_waiters++;
		mutex_unlock(&monc->mutex);
		wait_for_completion(&monc->stop_cmpl);
		return;
	}
	monc->stopped = true;
	__monc_close_all(monc, -1);
	monc->state = MONC_S_IDLE;
	__monc_take_all_requests(monc, &reqs);
	__monc_wake_mount(monc);
	dir = monc->debugfs_dir;
	monc->debugfs_dir = NULL;
	mutex_unlock(&monc->mutex);

	/* first, so that a handler waiting for a request returns */
	monc_req_finish_list(&reqs, -ESHUTDOWN);
	/* nothing requeues now: stopped is set and checked under the mutex */
	cancel_delayed_work_sync(&monc->tick);
	monc->transport->flush();
	cancel_work_sync(&monc->handler_work);
	monc_debugfs_remove(dir);

	mutex_lock(&monc->mutex);
	list_splice_init(&monc->hq, &maps);
	mutex_unlock(&monc->mutex);
	list_for_each_entry_safe(msg, tmp_msg, &maps, list) {
		list_del_init(&msg->list);
		monc_msg_put(msg);
	}
	/* the woken waiters touch the client once more on their way out */
	wait_event(monc->blocked_wq, !atomic_read(&monc->blocked));
	complete_all(&monc->stop_cmpl);
}
EXPORT_SYMBOL_GPL(monc_stop);

/**
 * monc_destroy - free a client
 * @monc: the client, or NULL
 *
 * Stops it first if that was not done. No other call on @monc may be in
 * progress or start (a concurrent monc_stop() included).
 *
 * Context: process context, may sleep. Not from a handler or a done()
 * callback: that warns and leaves the client alone.
 */
void monc_destroy(struct monc_client *monc)
{
	if (!monc || monc_in_callback(monc, true))
		return;
	monc_stop(monc);
	monc_free(monc);
}
EXPORT_SYMBOL_GPL(monc_destroy);

/* ------------------------------------------------------------------ */
/* Maps                                                                 */

/**
 * monc_want_map - subscribe to a map
 * @monc: the client
 * @map: which map
 * @epoch: the first epoch wanted
 * @continuous: every new epoch (true) or one map only (false)
 *
 * Return: 0, -EINVAL for a bad map, -ESHUTDOWN if stopped.
 */
int monc_want_map(struct monc_client *monc, enum monc_map map, u32 epoch,
		  bool continuous)
{
	struct monc_sub *sub;
	u8 flags = continuous ? 0 : MONC_SUB_ONETIME;
	int ret = 0;

	if ((unsigned int)map >= MONC_MAP_COUNT)
		return -EINVAL;
	if (map == MONC_MAP_MDSMAP && !monc->handlers.mdsmap)
		return -EINVAL;
	if (map == MONC_MAP_FSMAP_USER && !monc->handlers.fsmap_user)
		return -EINVAL;
	mutex_lock(&monc->mutex);
	if (monc->stopped) {
		ret = -ESHUTDOWN;
		goto out;
	}
	sub = &monc->subs[map];
	if (sub->want && sub->start == epoch && sub->flags == flags &&
	    !monc->sub_unsent)
		goto out;
	sub->want = true;
	sub->start = epoch;
	sub->flags = flags;
	ret = __monc_send_subscribe(monc);
out:
	mutex_unlock(&monc->mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_want_map);

/**
 * monc_got_map - tell monc that a map of @epoch was handled
 * @monc: the client
 * @map: which map
 * @epoch: its epoch
 *
 * A onetime subscription is then dropped; a continuous one moves on to
 * @epoch + 1 for the next (re)subscription.
 */
void monc_got_map(struct monc_client *monc, enum monc_map map, u32 epoch)
{
	struct monc_sub *sub;

	if ((unsigned int)map >= MONC_MAP_COUNT)
		return;
	mutex_lock(&monc->mutex);
	sub = &monc->subs[map];
	if (sub->want && epoch >= sub->start) {
		if (sub->flags & MONC_SUB_ONETIME)
			sub->want = false;
		else
			sub->start = (u64)epoch + 1;
	}
	if (epoch > sub->have)
		WRITE_ONCE(sub->have, epoch);
	mutex_unlock(&monc->mutex);
	if (map == MONC_MAP_OSDMAP)
		wake_up_all(&monc->map_wq);
}
EXPORT_SYMBOL_GPL(monc_got_map);

/**
 * monc_request_next_osdmap - ask once for the osdmap after the one we have
 * @monc: the client
 *
 * Return: 0 or -ESHUTDOWN.
 */
int monc_request_next_osdmap(struct monc_client *monc)
{
	struct monc_sub *sub;
	int ret = 0;

	mutex_lock(&monc->mutex);
	if (monc->stopped) {
		ret = -ESHUTDOWN;
		goto out;
	}
	sub = &monc->subs[MONC_MAP_OSDMAP];
	if (sub->want && (!(sub->flags & MONC_SUB_ONETIME) ||
			  sub->start == (u64)sub->have + 1) &&
	    !monc->sub_unsent)
		goto out;	/* continuous, or already asked */
	sub->want = true;
	sub->start = (u64)sub->have + 1;
	sub->flags = MONC_SUB_ONETIME;
	ret = __monc_send_subscribe(monc);
out:
	mutex_unlock(&monc->mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_request_next_osdmap);

/*
 * auth.c's way to the session's auth state (its ticket and authorizer
 * API): the session mutex is held from the first call to the second.
 */
struct monc_auth *monc_session_auth_lock(struct monc_client *monc)
{
	mutex_lock(&monc->mutex);
	return monc->auth;
}

void monc_session_auth_unlock(struct monc_client *monc)
{
	mutex_unlock(&monc->mutex);
}

/**
 * monc_follow_fs - follow the mdsmap of one filesystem
 * @monc: the client
 * @fscid: the filesystem's id (its fscid, as the fsmap.user names it), or
 *	%MONC_FS_DEFAULT for the cluster's default filesystem
 *
 * The mdsmap subscription becomes "mdsmap.<fscid>" (or "mdsmap"),
 * continuous from epoch 0, and is sent now; the maps arrive through the
 * mdsmap handler. A client that mounts a filesystem by name registers an
 * fsmap_user handler, finds the name's fscid in the fsmap.user it gets,
 * and calls this, as fs/ceph does for mds_namespace=.
 *
 * A monitor keeps what a session subscribed to (stateful subscriptions)
 * and has no way to drop an item: after a change from one filesystem to
 * another, maps of the first may still arrive on the current session.
 * Choose once, or call monc_reopen_session() after the change.
 *
 * Context: process context; takes the session mutex (a handler may call
 * it).
 *
 * Return: 0, -EINVAL without an mdsmap handler or for a negative id other
 * than %MONC_FS_DEFAULT, -ESHUTDOWN if stopped, or -ENOMEM (then the tick
 * sends the subscription).
 */
int monc_follow_fs(struct monc_client *monc, int fscid)
{
	struct monc_sub *sub;
	int ret;

	if (!monc->handlers.mdsmap || (fscid < 0 && fscid != MONC_FS_DEFAULT))
		return -EINVAL;
	mutex_lock(&monc->mutex);
	if (monc->stopped) {
		ret = -ESHUTDOWN;
		goto out;
	}
	sub = &monc->subs[MONC_MAP_MDSMAP];
	if (monc->mdsmap_fscid != fscid) {
		/* another filesystem's epochs: start over */
		monc->mdsmap_fscid = fscid;
		sub->have = 0;
	}
	sub->want = true;
	sub->start = 0;
	sub->flags = 0;
	ret = __monc_send_subscribe(monc);
out:
	mutex_unlock(&monc->mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_follow_fs);

/**
 * monc_global_id - our global id
 * @monc: the client
 *
 * Return: the global id the monitors gave us, 0 before authentication.
 */
u64 monc_global_id(struct monc_client *monc)
{
	u64 id;

	mutex_lock(&monc->mutex);
	id = monc->global_id;
	mutex_unlock(&monc->mutex);
	return id;
}
EXPORT_SYMBOL_GPL(monc_global_id);

/**
 * monc_fsid - the cluster fsid
 * @monc: the client
 * @fsid: filled in
 *
 * Return: 0, or -ENOENT before the first monmap.
 */
int monc_fsid(struct monc_client *monc, uuid_t *fsid)
{
	int ret = -ENOENT;

	mutex_lock(&monc->mutex);
	if (monc->have_fsid) {
		*fsid = monc->fsid;
		ret = 0;
	}
	mutex_unlock(&monc->mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(monc_fsid);

/* ------------------------------------------------------------------ */
/* KUnit hooks                                                          */

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * monc_test_info - a snapshot of the session for tests
 * @monc: the client
 * @ti: filled in
 */
void monc_test_info(struct monc_client *monc, struct monc_test_info *ti)
{
	int i;

	memset(ti, 0, sizeof(*ti));
	mutex_lock(&monc->mutex);
	ti->state = monc->state;
	ti->hunting = monc->state == MONC_S_HUNTING;
	ti->open = monc->state == MONC_S_OPEN;
	ti->mounted = monc->mounted;
	ti->global_id = monc->global_id;
	ti->stat_hunts = monc->stat_hunts;
	ti->stat_rounds = monc->stat_rounds;
	ti->stat_faults = monc->stat_faults;
	ti->stat_ka_timeouts = monc->stat_ka_timeouts;
	ti->last_failover_ms = monc->last_failover_ms;
	ti->hunt_mult = monc->hunt_mult;
	ti->short_sessions = monc->short_sessions;
	ti->stat_short_sessions = monc->stat_short_sessions;
	ti->cur_con = monc->cur >= 0 ? monc->slot[monc->cur].con : NULL;
	for (i = 0; i < MONC_MAX_MONS; i++)
		if (monc->slot[i].con)
			ti->inflight++;
	ti->pending = __monc_nr_requests(monc);
	for (i = 0; i < MONC_MAP_COUNT; i++) {
		ti->sub_want[i] = monc->subs[i].want;
		ti->sub_start[i] = monc->subs[i].start;
		ti->sub_flags[i] = monc->subs[i].flags;
	}
	ti->sub_renew_after = monc->sub_renew_after;
	ti->sub_renew_sent = monc->sub_renew_sent;
	ti->tick_pending = delayed_work_pending(&monc->tick);
	ti->tick_runs = atomic_read(&monc->stat_tick_runs);
	ti->sub_unsent = monc->sub_unsent;
	ti->stop_waiters = monc->stop_waiters;
	ti->blocked = atomic_read(&monc->blocked);
	mutex_unlock(&monc->mutex);
}
EXPORT_SYMBOL_IF_KUNIT(monc_test_info);

/**
 * monc_test_tick - run the tick now, synchronously
 * @monc: the client
 * @advance: pretend this many jiffies passed (hunt round timer and
 *	subscription renewal)
 */
void monc_test_tick(struct monc_client *monc, unsigned long advance)
{
	mutex_lock(&monc->mutex);
	if (!monc->stopped) {
		monc->next_round -= advance;
		monc->next_open -= advance;
		monc->session_since -= advance;
		if (monc->sub_renew_after) {
			monc->sub_renew_after -= advance;
			monc->sub_renew_sent -= advance;
			if (!monc->sub_renew_after)
				monc->sub_renew_after = 1;
		}
		__monc_tick(monc);
	}
	mutex_unlock(&monc->mutex);
}
EXPORT_SYMBOL_IF_KUNIT(monc_test_tick);

#endif

/* ------------------------------------------------------------------ */
/* Module                                                               */

static int __init monc_init(void)
{
	int ret;

	ret = monc_messenger_init();
	if (ret)
		return ret;
	monc_debugfs_init();
	return 0;
}

static void __exit monc_exit(void)
{
	monc_debugfs_exit();
	monc_messenger_exit();
}

module_init(monc_init);
module_exit(monc_exit);

MODULE_DESCRIPTION("Ceph monitor client");
MODULE_LICENSE("GPL");
