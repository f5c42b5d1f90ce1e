// SPDX-License-Identifier: GPL-2.0
/*
 * monc_reliab: a client of monc for the reliability tests of issue #6
 * (tests/integration/60-failslab.sh, 70-load.sh, 75-unload.sh and
 * tests/soak.sh). Driven through /sys/kernel/debug/monc_reliab/; every file
 * reads back as one line of key=value words (read with the shell's "read").
 * Writes always succeed (a bad command is reported in the "last" file), so
 * a script needs no fork to catch a write error.
 *
 *   create   w: "ADDR[/ADDR...] KA_INTERVAL_MS KA_TIMEOUT_MS MOUNT_TIMEOUT_MS
 *               [SECRET [NAME]]" (SECRET: the cephx key in hex, 16 bytes
 *               for aes or 32 for aes256k: cephx; NAME: the client's name
 *               without "client.", default admin)
 *               (ADDRs as monc_parse_mon_addrs()): monc_create, open, wait for the
 *               mount; r ("last"): the error of each step
 *               (cephx: OSD tickets are wanted from the start)
 *   ms_mode  w: fs/ceph's ms_mode= value (legacy, crc, secure, prefer-crc,
 *               ...) for the next creates; r ("last"): ms_mode=0 or the
 *               error
 *   statfs   r: one synchronous monc_statfs
 *   version  r: one monc_get_version("osdmap")
 *   authz    r: monc_authorizer_create() for an OSD, then destroy it:
 *               "err=E len=L"
 *   command  r: one monc_command ("mon dump" in JSON, with 4 bytes of
 *               input, which the monitor ignores): "err=E out=LEN"
 *   info     r: monc_test_info() of the client, its cephx renewals, and
 *               the MONC_EV_AUTH_REFUSED events seen since the load
 *   renew    w: anything: make the cephx tickets due for renewal now (they
 *               are aged, as if 3/4 of the shortest lifetime had passed);
 *               the client's tick sends the renewal; r ("last"): renew=0
 *               and the seconds aged, or -EOPNOTSUPP without cephx
 *   load     w: "THREADS SECONDS GAP_US": THREADS kthreads issue statfs for
 *               SECONDS, alternating a synchronous monc_statfs (counts
 *               timeouts) and a monc_statfs_async whose callback is counted
 *               per request (lost = never called, twice = called again);
 *               returns at once
 *   load_wait r: waits (at most the "wait" bound, see below) for the load
 *               threads, then counts: issued ok timeout err lost twice ...
 *   block    w: N: N kthreads each call monc_statfs once and record when
 *               it returned; r: how many returned, their errors, and the
 *               ms from the start of the last stop/destroy until the last
 *               of them returned
 *   stop     w: monc_stop(); then "info" after the stop and again after
 *               3 keepalive intervals (tick_pending must stay 0)
 *   destroy  w: monc_destroy() (stops first), timed
 *   last     r: the result of the last create/stop/destroy
 *
 * rmmod with threads blocked stops the client first (they all return),
 * then joins the threads.
 *
 * Locking: rl.mutex serializes commands; it is not held while a command
 * waits for monc (create's mount wait, the load wait), so that stop and
 * destroy can run while threads are blocked. rl.monc changes only under
 * rl.mutex with no thread running that uses it.
 */
#define pr_fmt(fmt) "monc_reliab: " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/in.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "mon_client.h"
#include "internal.h"
#include "auth.h"

#define RL_LINE_MAX	1024
#define RL_MAX_THREADS	64
#define RL_MAX_SLOTS	65536		/* async requests tracked per load */
#define RL_LOAD_WAIT_MS	180000		/* bound of load_wait and block waits */

struct rl_slot {
	struct completion done;
	struct monc_statfs buf;
	atomic_t calls;
	int err;
};

struct rl_thread {
	struct task_struct *task;
	unsigned int id;
	/* synchronous calls */
	unsigned int sync_issued, sync_ok, sync_timeout, sync_other;
	int sync_last_err;
	bool in_call;			/* a synchronous call has not returned */
	u64 max_ns;
	/* block mode */
	int block_err;
	u64 returned_ns;
};

static struct {
	struct mutex mutex;		/* serializes commands */
	struct monc_client *monc;
	unsigned int ka_interval_ms;
	unsigned int ms_mode;		/* for the next creates */
	char last[RL_LINE_MAX];

	/* load */
	struct rl_thread threads[RL_MAX_THREADS];
	unsigned int nthreads;
	bool block_mode;
	u64 deadline_ns;
	unsigned int gap_us;
	atomic_t running;
	struct completion all_done;
	struct rl_slot *slots;
	atomic_t next_slot;
	atomic_t async_refused;		/* monc_statfs_async returned an error */
	atomic_t twice;			/* callbacks seen on an already-called slot */
	atomic_t capped;		/* no slot left */
	u64 stop_ns;			/* when the last stop/destroy started */

	struct dentry *dir;
} rl;

static void rl_osdmap(struct monc_client *monc, void *priv, const void *front,
		      size_t len)
{
}

/* Auth refusals seen since the module loaded (info: "refused=N"). */
static atomic_t rl_refused = ATOMIC_INIT(0);

static void rl_event(struct monc_client *monc, void *priv,
		     const struct monc_event *ev)
{
	if (ev->type == MONC_EV_AUTH_REFUSED) {
		atomic_inc(&rl_refused);
		pr_info("auth refused: %d\n", ev->err);
	}
}

static const struct monc_handlers rl_handlers = {
	.osdmap = rl_osdmap,
	.event = rl_event,
};

static void rl_create(char *cmd)
{
	struct monc_options *o;
	struct monc_client *monc;
	char *addrs = strsep(&cmd, " ");
	int open_err = 0, mount_err = 0;
	u64 t0 = ktime_get_ns();
	u8 secret[MONC_SECRET_MAX_LEN];
	char hex[2 * MONC_SECRET_MAX_LEN + 1];
	char name[64];
	size_t secret_len = 0;
	int n;

	if (rl.monc) {
		snprintf(rl.last, sizeof(rl.last), "create=%d", -EBUSY);
		return;
	}
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o) {
		snprintf(rl.last, sizeof(rl.last), "create=%d", -ENOMEM);
		return;
	}
	n = -1;
	if (addrs && cmd)
		n = sscanf(cmd, "%u %u %u %64s %63s", &o->keepalive_interval_ms,
			   &o->keepalive_timeout_ms, &o->mount_timeout_ms, hex,
			   name);
	/* The secret in hex: an aes key (16 bytes) or an aes256k one (32). */
	if (n >= 4) {
		secret_len = strlen(hex) / 2;
		if (strlen(hex) % 2 ||
		    (secret_len != MONC_SECRET_LEN &&
		     secret_len != MONC_SECRET_AES256K_LEN) ||
		    hex2bin(secret, hex, secret_len))
			n = -1;
	}
	if (n < 3 || n > 5 ||
	    monc_parse_mon_addrs(addrs, strlen(addrs), '/', o, NULL, NULL)) {
		kfree(o);
		snprintf(rl.last, sizeof(rl.last), "create=%d", -EINVAL);
		return;
	}
	if (n == 5)
		o->name = name;
	if (n >= 4) {
		o->auth_methods = BIT(MONC_AUTH_CEPHX);
		o->secret = secret;
		o->secret_len = secret_len;
	}
	o->ms_mode = rl.ms_mode;
	monc = monc_create(o, &rl_handlers, NULL);
	rl.ka_interval_ms = o->keepalive_interval_ms;
	kfree(o);
	memzero_explicit(secret, sizeof(secret));
	if (IS_ERR(monc)) {
		snprintf(rl.last, sizeof(rl.last), "create=%ld ms=%llu",
			 PTR_ERR(monc), (ktime_get_ns() - t0) / NSEC_PER_MSEC);
		return;
	}
	/* "authz" asks for an OSD authorizer: the tickets come with the auth */
	open_err = monc_want_tickets(monc, MONC_SERVICE_OSD);
	if (!open_err)
		open_err = monc_open_session(monc);
	if (!open_err)
		mount_err = monc_wait_mount(monc);
	if (open_err || mount_err) {
		monc_destroy(monc);
		snprintf(rl.last, sizeof(rl.last),
			 "create=0 open=%d mount=%d ms=%llu", open_err,
			 mount_err, (ktime_get_ns() - t0) / NSEC_PER_MSEC);
		return;
	}
	rl.monc = monc;
	snprintf(rl.last, sizeof(rl.last), "create=0 open=0 mount=0 ms=%llu",
		 (ktime_get_ns() - t0) / NSEC_PER_MSEC);
}

/* The cephx renewals of the client, or -1 without cephx. */
static int rl_renewals(struct monc_client *monc)
{
	struct monc_auth_x *x;
	int n = -1;

	mutex_lock(&monc->mutex);
	x = monc_auth_x_of(monc->auth);
	if (x)
		n = monc_x_renewals(x);
	mutex_unlock(&monc->mutex);
	return n;
}

static int rl_info_line(char *buf, size_t len)
{
	struct monc_test_info ti;

	if (!rl.monc)
		return scnprintf(buf, len, "client=0\n");
	monc_test_info(rl.monc, &ti);
	return scnprintf(buf, len,
			 "client=1 state=%d open=%d hunting=%d mounted=%d pending=%u inflight=%u tick_pending=%d tick_runs=%u hunts=%llu faults=%llu ka_timeouts=%llu last_failover_ms=%u renewals=%d refused=%d\n",
			 ti.state, ti.open, ti.hunting, ti.mounted, ti.pending,
			 ti.inflight, ti.tick_pending, ti.tick_runs, ti.stat_hunts,
			 ti.stat_faults, ti.stat_ka_timeouts,
			 ti.last_failover_ms, rl_renewals(rl.monc),
			 atomic_read(&rl_refused));
}

/*
 * Make the tickets due: age them by 3/4 of the shortest lifetime of the
 * AUTH and MON tickets, plus a second, so that one is past its renew time
 * and none has expired. The tick sends the renewal.
 */
static void rl_renew(void)
{
	static const unsigned int services[] = {
		0x20, MONC_ENTITY_TYPE_MON,	/* AUTH, MON */
	};
	struct monc_auth_x *x;
	unsigned int i, age = 0;
	u64 secret_id;
	u32 blob_len, ttl;

	if (!rl.monc) {
		snprintf(rl.last, sizeof(rl.last), "renew=%d", -ENOENT);
		return;
	}
	mutex_lock(&rl.monc->mutex);
	x = monc_auth_x_of(rl.monc->auth);
	for (i = 0; x && i < ARRAY_SIZE(services); i++)
		if (!monc_x_ticket_info(x, services[i], &secret_id, &blob_len,
					&ttl) && ttl && (!age || ttl - ttl / 4 < age))
			age = ttl - ttl / 4;
	if (age)
		monc_x_test_age(x, age + 1);
	mutex_unlock(&rl.monc->mutex);
	snprintf(rl.last, sizeof(rl.last), "renew=%d age=%u",
		 age ? 0 : -EOPNOTSUPP, age ? age + 1 : 0);
}

/* ------------------------------------------------------------ load */

static void rl_async_done(void *arg, int err)
{
	struct rl_slot *s = arg;

	if (atomic_inc_return(&s->calls) > 1) {
		atomic_inc(&rl.twice);
		pr_err("async statfs slot %ld answered twice\n",
		       (long)(s - rl.slots));
		return;
	}
	s->err = err;
	complete(&s->done);
}

static void rl_sync_call(struct rl_thread *t)
{
	struct monc_statfs st;
	u64 t0 = ktime_get_ns(), dt;
	int err;

	t->sync_issued++;
	WRITE_ONCE(t->in_call, true);
	err = monc_statfs(rl.monc, MONC_NO_POOL, &st);
	WRITE_ONCE(t->in_call, false);
	dt = ktime_get_ns() - t0;
	if (dt > t->max_ns)
		t->max_ns = dt;
	if (!err)
		t->sync_ok++;
	else if (err == -ETIMEDOUT)
		t->sync_timeout++;
	else
		t->sync_other++;
	if (err)
		t->sync_last_err = err;
}

static void rl_async_call(struct rl_thread *t)
{
	int n = atomic_inc_return(&rl.next_slot) - 1;
	struct rl_slot *s;
	u64 t0 = ktime_get_ns(), dt;

	if (n >= RL_MAX_SLOTS) {
		atomic_inc(&rl.capped);
		return;
	}
	s = &rl.slots[n];
	init_completion(&s->done);
	if (monc_statfs_async(rl.monc, MONC_NO_POOL, &s->buf, rl_async_done,
			      s)) {
		/* refused: @done will not be called; count it as called */
		atomic_inc(&rl.async_refused);
		atomic_set(&s->calls, 1);
		s->err = -ENOMEM;
	} else {
		/* not interruptible: a kthread; bounded for "lost" */
		wait_for_completion_timeout(&s->done,
					    msecs_to_jiffies(RL_LOAD_WAIT_MS));
	}
	dt = ktime_get_ns() - t0;
	if (dt > t->max_ns)
		t->max_ns = dt;
}

static int rl_thread_fn(void *arg)
{
	struct rl_thread *t = arg;
	unsigned int i = 0;

	if (rl.block_mode) {
		struct monc_statfs st;

		WRITE_ONCE(t->in_call, true);
		t->block_err = monc_statfs(rl.monc, MONC_NO_POOL, &st);
		t->returned_ns = ktime_get_ns();
		WRITE_ONCE(t->in_call, false);
	} else {
		while (!kthread_should_stop() &&
		       ktime_get_ns() < READ_ONCE(rl.deadline_ns)) {
			if (i++ & 1)
				rl_async_call(t);
			else
				rl_sync_call(t);
			if (rl.gap_us)
				usleep_range(rl.gap_us, rl.gap_us + 100);
		}
	}
	if (atomic_dec_and_test(&rl.running))
		complete(&rl.all_done);
	/* stay until kthread_stop(), so the task is always ours to stop */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* Join the threads of the last load or block run (none running blocked). */
static void rl_join(void)
{
	unsigned int i;

	for (i = 0; i < rl.nthreads; i++) {
		if (rl.threads[i].task)
			kthread_stop(rl.threads[i].task);
		rl.threads[i].task = NULL;
	}
}

static int rl_start_threads(unsigned int n, bool block)
{
	unsigned int i;

	if (!rl.monc || !n || n > RL_MAX_THREADS || atomic_read(&rl.running))
		return -EINVAL;
	rl_join();
	memset(rl.threads, 0, sizeof(rl.threads));
	rl.block_mode = block;
	rl.nthreads = n;
	atomic_set(&rl.running, n);
	reinit_completion(&rl.all_done);
	for (i = 0; i < n; i++) {
		struct task_struct *task;

		rl.threads[i].id = i;
		task = kthread_run(rl_thread_fn, &rl.threads[i], "monc_rl%u", i);
		if (IS_ERR(task)) {
			/* the ones started run to their end */
			atomic_sub(n - i, &rl.running);
			rl.nthreads = i;
			return PTR_ERR(task);
		}
		rl.threads[i].task = task;
	}
	return 0;
}

static void rl_load(char *cmd)
{
	unsigned int threads, secs, gap;
	int err;

	if (sscanf(cmd, "%u %u %u", &threads, &secs, &gap) != 3 ||
	    secs > 3600 || gap > 1000000) {
		snprintf(rl.last, sizeof(rl.last), "load=%d", -EINVAL);
		return;
	}
	if (!rl.slots)
		rl.slots = vzalloc(array_size(RL_MAX_SLOTS, sizeof(*rl.slots)));
	if (!rl.slots) {
		snprintf(rl.last, sizeof(rl.last), "load=%d", -ENOMEM);
		return;
	}
	if (atomic_read(&rl.running)) {
		snprintf(rl.last, sizeof(rl.last), "load=%d", -EBUSY);
		return;
	}
	memset(rl.slots, 0, array_size(RL_MAX_SLOTS, sizeof(*rl.slots)));
	atomic_set(&rl.next_slot, 0);
	atomic_set(&rl.async_refused, 0);
	atomic_set(&rl.twice, 0);
	atomic_set(&rl.capped, 0);
	rl.gap_us = gap;
	rl.deadline_ns = ktime_get_ns() + (u64)secs * NSEC_PER_SEC;
	err = rl_start_threads(threads, false);
	snprintf(rl.last, sizeof(rl.last), "load=%d", err);
}

static void rl_block(char *cmd)
{
	unsigned int n;
	int err = -EINVAL;

	if (!kstrtouint(strim(cmd), 10, &n))
		err = rl_start_threads(n, true);
	snprintf(rl.last, sizeof(rl.last), "block=%d", err);
}

/* Wait for the threads (bounded); REPLY-style counters into @buf. */
static int rl_load_result(char *buf, size_t len)
{
	unsigned int i, running, in_call = 0, n_slots;
	unsigned int s_iss = 0, s_ok = 0, s_to = 0, s_other = 0;
	unsigned int a_ok = 0, a_to = 0, a_err = 0, a_lost = 0, a_multi = 0;
	int last_err = 0;
	u64 max_ns = 0;

	if (atomic_read(&rl.running))
		wait_for_completion_interruptible_timeout(&rl.all_done,
							  msecs_to_jiffies(RL_LOAD_WAIT_MS));
	running = atomic_read(&rl.running);
	for (i = 0; i < rl.nthreads; i++) {
		struct rl_thread *t = &rl.threads[i];

		if (READ_ONCE(t->in_call))
			in_call++;
		s_iss += t->sync_issued;
		s_ok += t->sync_ok;
		s_to += t->sync_timeout;
		s_other += t->sync_other;
		if (t->sync_last_err)
			last_err = t->sync_last_err;
		max_ns = max(max_ns, t->max_ns);
	}
	n_slots = min_t(unsigned int, atomic_read(&rl.next_slot),
			RL_MAX_SLOTS);
	for (i = 0; i < n_slots; i++) {
		struct rl_slot *s = &rl.slots[i];
		int calls = atomic_read(&s->calls);

		/* a timeout is a timeout, whichever way the call was made */
		if (!calls)
			a_lost++;
		else if (s->err == -ETIMEDOUT)
			a_to++;
		else if (s->err)
			a_err++;
		else
			a_ok++;
		if (calls > 1)
			a_multi++;
		if (calls && s->err)
			last_err = s->err;
	}
	return scnprintf(buf, len,
			 "issued=%u ok=%u timeout=%u err=%u lost=%u twice=%u sync_issued=%u sync_ok=%u sync_timeout=%u sync_err=%u async_issued=%u async_ok=%u async_timeout=%u async_err=%u async_lost=%u async_refused=%d capped=%d running=%u in_call=%u last_err=%d max_ms=%llu\n",
			 s_iss + n_slots, s_ok + a_ok, s_to + a_to,
			 s_other + a_err, a_lost + in_call,
			 max_t(unsigned int, a_multi, atomic_read(&rl.twice)),
			 s_iss, s_ok, s_to, s_other, n_slots, a_ok, a_to, a_err,
			 a_lost, atomic_read(&rl.async_refused),
			 atomic_read(&rl.capped), running, in_call, last_err,
			 max_ns / NSEC_PER_MSEC);
}

static int rl_block_result(char *buf, size_t len)
{
	unsigned int i, returned = 0, shutdown = 0, other = 0;
	u64 last_ns = 0;

	if (atomic_read(&rl.running))
		wait_for_completion_interruptible_timeout(&rl.all_done,
							  msecs_to_jiffies(RL_LOAD_WAIT_MS));
	for (i = 0; i < rl.nthreads; i++) {
		struct rl_thread *t = &rl.threads[i];

		if (READ_ONCE(t->in_call) || !t->returned_ns)
			continue;
		returned++;
		if (t->block_err == -ESHUTDOWN)
			shutdown++;
		else
			other++;
		last_ns = max(last_ns, t->returned_ns);
	}
	return scnprintf(buf, len,
			 "threads=%u returned=%u eshutdown=%u other=%u last_return_ms_after_stop=%lld\n",
			 rl.nthreads, returned, shutdown, other,
			 rl.stop_ns && last_ns ?
			 ((s64)last_ns - (s64)rl.stop_ns) / NSEC_PER_MSEC : -1LL);
}

/* ------------------------------------------------------- stop, destroy */

static void rl_stop(void)
{
	char *a, *b;
	u64 t0;

	if (!rl.monc) {
		snprintf(rl.last, sizeof(rl.last), "stop=%d", -ENOENT);
		return;
	}
	a = kzalloc(RL_LINE_MAX, GFP_KERNEL);
	b = kzalloc(RL_LINE_MAX, GFP_KERNEL);
	if (!a || !b) {
		kfree(a);
		kfree(b);
		snprintf(rl.last, sizeof(rl.last), "stop=%d", -ENOMEM);
		return;
	}
	t0 = ktime_get_ns();
	rl.stop_ns = t0;
	monc_stop(rl.monc);
	t0 = ktime_get_ns() - t0;
	rl_info_line(a, RL_LINE_MAX);
	/* a tick requeued after stop would show as pending or fire here */
	msleep(3 * max(rl.ka_interval_ms, 100U));
	rl_info_line(b, RL_LINE_MAX);
	strim(a);
	strim(b);
	snprintf(rl.last, sizeof(rl.last), "stop_ms=%llu after_stop: %s later: %s",
		 t0 / NSEC_PER_MSEC, a, b);
	kfree(a);
	kfree(b);
}

static void rl_destroy(void)
{
	u64 t0 = ktime_get_ns();
	long left;

	if (!rl.monc) {
		snprintf(rl.last, sizeof(rl.last), "destroy=%d", -ENOENT);
		return;
	}
	rl.stop_ns = t0;
	/* stop first: every request in flight completes, blocked calls return */
	monc_stop(rl.monc);
	WRITE_ONCE(rl.deadline_ns, 0);
	left = atomic_read(&rl.running) ?
		wait_for_completion_timeout(&rl.all_done,
					    msecs_to_jiffies(RL_LOAD_WAIT_MS)) : 1;
	if (!left && atomic_read(&rl.running)) {
		/* a thread is stuck in monc: keep the client rather than free it */
		pr_err("%d threads did not return after stop\n",
		       atomic_read(&rl.running));
		snprintf(rl.last, sizeof(rl.last), "destroy=%d stuck=%d",
			 -EBUSY, atomic_read(&rl.running));
		return;
	}
	monc_destroy(rl.monc);
	rl.monc = NULL;
	snprintf(rl.last, sizeof(rl.last), "destroy=0 ms=%llu",
		 (ktime_get_ns() - t0) / NSEC_PER_MSEC);
}

/* ---------------------------------------------- ms_mode, authz, command */

static void rl_ms_mode(char *cmd)
{
	int mode = monc_parse_ms_mode(cmd);

	if (mode >= 0)
		rl.ms_mode = mode;
	snprintf(rl.last, sizeof(rl.last), "ms_mode=%d", min(mode, 0));
}

/* What a client does before it connects to an OSD. */
static int rl_authz(char *buf, size_t len)
{
	struct monc_authorizer *a;
	u32 alen = 0;
	int err;

	if (!rl.monc)
		return scnprintf(buf, len, "err=%d len=0\n", -ENOENT);
	a = monc_authorizer_create(rl.monc, MONC_SERVICE_OSD);
	err = PTR_ERR_OR_ZERO(a);
	if (!err)
		monc_authorizer_buf(a, &alen);
	monc_authorizer_destroy(a);
	return scnprintf(buf, len, "err=%d len=%u\n", err, alen);
}

static int rl_command(char *buf, size_t len)
{
	static const char cmd[] = "{\"prefix\": \"mon dump\", \"format\": \"json\"}";
	size_t out_len = 2048;
	void *out;
	int err;

	if (!rl.monc)
		return scnprintf(buf, len, "err=%d out=0\n", -ENOENT);
	out = kmalloc(out_len, GFP_KERNEL);
	if (!out)
		return scnprintf(buf, len, "err=%d out=0\n", -ENOMEM);
	err = monc_command(rl.monc, cmd, "monc", 4, NULL, 0, out, &out_len, 0);
	kfree(out);
	return scnprintf(buf, len, "err=%d out=%zu\n", err,
			 err ? 0 : out_len);
}

/* ------------------------------------------------------------ debugfs */

static ssize_t rl_cmd_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	const char *name = file->f_path.dentry->d_name.name;
	char *cmd;

	/* on the heap: UML's 16 KiB stacks are tight under KASAN */
	if (len >= RL_LINE_MAX)
		return -EINVAL;
	cmd = memdup_user_nul(ubuf, len);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	strim(cmd);

	/*
	 * stop and destroy must not wait for a command that waits on monc
	 * (create's mount wait holds the mutex for at most its timeout;
	 * load and block return at once).
	 */
	mutex_lock(&rl.mutex);
	if (!strcmp(name, "create"))
		rl_create(cmd);
	else if (!strcmp(name, "load"))
		rl_load(cmd);
	else if (!strcmp(name, "block"))
		rl_block(cmd);
	else if (!strcmp(name, "stop"))
		rl_stop();
	else if (!strcmp(name, "destroy"))
		rl_destroy();
	else if (!strcmp(name, "renew"))
		rl_renew();
	else if (!strcmp(name, "ms_mode"))
		rl_ms_mode(cmd);
	mutex_unlock(&rl.mutex);
	kfree(cmd);
	return len;
}

static ssize_t rl_read(struct file *file, char __user *ubuf, size_t len,
		       loff_t *ppos)
{
	const char *name = file->f_path.dentry->d_name.name;
	struct monc_statfs st;
	char *buf;
	ssize_t ret;
	int n = 0, err;
	u64 t0;

	if (*ppos)
		return 0;
	buf = kzalloc(RL_LINE_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (!strcmp(name, "load_wait")) {
		n = rl_load_result(buf, RL_LINE_MAX);
		goto out;
	}
	if (!strcmp(name, "block")) {
		n = rl_block_result(buf, RL_LINE_MAX);
		goto out;
	}
	mutex_lock(&rl.mutex);
	if (!strcmp(name, "last") || !strcmp(name, "create") ||
	    !strcmp(name, "stop") || !strcmp(name, "destroy") ||
	    !strcmp(name, "renew") || !strcmp(name, "ms_mode")) {
		n = scnprintf(buf, RL_LINE_MAX, "%s\n", rl.last);
	} else if (!strcmp(name, "authz")) {
		n = rl_authz(buf, RL_LINE_MAX);
	} else if (!strcmp(name, "command")) {
		n = rl_command(buf, RL_LINE_MAX);
	} else if (!strcmp(name, "info")) {
		n = rl_info_line(buf, RL_LINE_MAX);
	} else if (!strcmp(name, "statfs")) {
		t0 = ktime_get_ns();
		err = rl.monc ? monc_statfs(rl.monc, MONC_NO_POOL, &st) :
			-ENOENT;
		n = scnprintf(buf, RL_LINE_MAX, "err=%d us=%llu\n", err,
			      (ktime_get_ns() - t0) / NSEC_PER_USEC);
	} else if (!strcmp(name, "version")) {
		u64 newest = 0, oldest = 0;

		err = rl.monc ? monc_get_version(rl.monc, "osdmap", &newest,
						 &oldest) : -ENOENT;
		n = scnprintf(buf, RL_LINE_MAX, "err=%d newest=%llu\n", err,
			      newest);
	}
	mutex_unlock(&rl.mutex);
out:
	ret = simple_read_from_buffer(ubuf, len, ppos, buf, n);
	kfree(buf);
	return ret;
}

static const struct file_operations rl_fops = {
	.owner = THIS_MODULE,
	.read = rl_read,
	.write = rl_cmd_write,
	.llseek = default_llseek,
};

static int __init rl_init(void)
{
	static const char * const files[] = {
		"create", "statfs", "version", "info", "load", "load_wait",
		"block", "stop", "destroy", "last", "renew", "ms_mode", "authz",
		"command",
	};
	unsigned int i;

	mutex_init(&rl.mutex);
	init_completion(&rl.all_done);
	rl.dir = debugfs_create_dir("monc_reliab", NULL);
	for (i = 0; i < ARRAY_SIZE(files); i++)
		debugfs_create_file(files[i], 0600, rl.dir, NULL, &rl_fops);
	return 0;
}

static void __exit rl_exit(void)
{
	debugfs_remove_recursive(rl.dir);
	/* blocked threads return once the client is stopped */
	mutex_lock(&rl.mutex);
	if (rl.monc)
		rl_destroy();
	mutex_unlock(&rl.mutex);
	rl_join();
	vfree(rl.slots);
}

module_init(rl_init);
module_exit(rl_exit);

MODULE_DESCRIPTION("monc reliability test client (failslab, load, unload)");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
