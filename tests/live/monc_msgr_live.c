// SPDX-License-Identifier: GPL-2.0
/*
 * monc_msgr_live: the msgr v1 connection against a real ceph-mon.
 *
 *	modprobe monc_msgr_live mon_addr=127.0.0.1:6789 [auth=none|cephx]
 *		[cycles=100]
 *
 * Loading runs the checks once and keeps their TAP output (one "ok N -
 * name" or "not ok N - name" line per check, "# " lines with timings,
 * then the plan) in /sys/kernel/debug/monc_msgr_live/results, and on the
 * console. The load itself succeeds whatever the results; unload it after
 * reading them. tests/integration/10-messenger.sh does that inside UML.
 *
 * It drives monc_tcp_transport directly (no session): the handshake, a
 * keepalive2 and its ack, a hand-built MAuth hello and its MAuthReply,
 * MMonGetVersion round trips (auth none), and open/close cycles.
 */
#define pr_fmt(fmt) "monc_msgr_live: " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/inet.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "internal.h"

static char *mon_addr = "127.0.0.1:6789";
module_param(mon_addr, charp, 0444);
MODULE_PARM_DESC(mon_addr, "monitor address, IPv4 a.b.c.d:port or [IPv6]:port");

static char *auth = "none";
module_param(auth, charp, 0444);
MODULE_PARM_DESC(auth, "auth method to offer in the hello: none or cephx");

static unsigned int cycles = 100;
module_param(cycles, uint, 0444);
MODULE_PARM_DESC(cycles, "open/close cycles for the leak check");

#define RESULTS_LEN	8192
#define RTT_SAMPLES	20

static char *results;
static size_t results_len;
static unsigned int nr_checks;
static struct dentry *live_dir;

static __printf(1, 2) void out(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(results + results_len, RESULTS_LEN - results_len, fmt,
		       ap);
	va_end(ap);
	pr_info("%s", results + results_len);
	results_len += n;
}

static void check(bool ok, const char *name)
{
	out("%sok %u - %s\n", ok ? "" : "not ", ++nr_checks, name);
}

/* The connection's owner: keeps the last message of each type it wants. */
struct live {
	spinlock_t lock;		/* everything below */
	wait_queue_head_t wq;
	struct monc_msg *auth_reply;
	struct monc_msg *version_reply;
	ktime_t t_reply;
	int nr_fault;
	int fault_err;
};

static void live_dispatch(void *priv, struct monc_conn *con,
			  struct monc_msg *msg)
{
	struct live *l = priv;
	struct monc_msg **slot = NULL;

	switch (le16_to_cpu(msg->hdr.type)) {
	case MONC_MSG_AUTH_REPLY:
		slot = &l->auth_reply;
		break;
	case MONC_MSG_MON_GET_VERSION_REPLY:
		slot = &l->version_reply;
		break;
	}
	if (!slot) {
		monc_msg_put(msg);
		return;
	}
	spin_lock(&l->lock);
	swap(*slot, msg);
	l->t_reply = ktime_get();
	spin_unlock(&l->lock);
	monc_msg_put(msg);
	wake_up(&l->wq);
}

static void live_fault(void *priv, struct monc_conn *con, int err)
{
	struct live *l = priv;

	spin_lock(&l->lock);
	l->nr_fault++;
	l->fault_err = err;
	spin_unlock(&l->lock);
	pr_info("fault %d\n", err);
	wake_up(&l->wq);
}

static struct monc_msg *live_alloc(void *priv, struct monc_conn *con,
				   const struct monc_msg_header *hdr,
				   int *skip)
{
	u32 front = le32_to_cpu(hdr->front_len);

	if (front > 65536 || hdr->middle_len || hdr->data_len) {
		*skip = 1;
		return NULL;
	}
	*skip = 0;
	return monc_msg_new(le16_to_cpu(hdr->type), front, GFP_NOFS);
}

static const struct monc_conn_ops live_ops = {
	.dispatch = live_dispatch,
	.fault = live_fault,
	.alloc_msg = live_alloc,
};

static void live_init(struct live *l)
{
	memset(l, 0, sizeof(*l));
	spin_lock_init(&l->lock);
	init_waitqueue_head(&l->wq);
}

static void live_release(struct live *l)
{
	monc_msg_put(l->auth_reply);
	monc_msg_put(l->version_reply);
	l->auth_reply = NULL;
	l->version_reply = NULL;
}

static struct monc_msg *live_take(struct live *l, struct monc_msg **slot)
{
	struct monc_msg *msg;

	spin_lock(&l->lock);
	msg = *slot;
	*slot = NULL;
	spin_unlock(&l->lock);
	return msg;
}

static int parse_addr(const char *s, struct monc_entity_addr *a)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;
	const char *colon = strrchr(s, ':');
	const char *end;
	u16 port;

	memset(a, 0, sizeof(*a));
	a->type = MONC_ADDR_TYPE_LEGACY;
	if (!colon || kstrtou16(colon + 1, 10, &port) || !port)
		return -EINVAL;
	if (s[0] == '[') {
		if (colon[-1] != ']' ||
		    !in6_pton(s + 1, colon - 1 - (s + 1), in6->sin6_addr.s6_addr,
			      -1, &end) || end != colon - 1)
			return -EINVAL;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return 0;
	}
	if (!in4_pton(s, colon - s, (u8 *)&in->sin_addr.s_addr, -1, &end) ||
	    end != colon)
		return -EINVAL;
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	return 0;
}

/* Wait until the handshake is over (or a fault); true if open. */
static bool wait_open(struct monc_conn *con, struct live *l)
{
	int i;

	for (i = 0; i < 20000; i++) {
		if (monc_tcp_transport.peer_features(con))
			return true;
		if (READ_ONCE(l->nr_fault))
			return false;
		usleep_range(100, 200);
	}
	return false;
}

/* Wait for a keepalive2 ack newer than @before; its round trip in ns. */
static s64 keepalive_rtt(struct monc_conn *con, unsigned long before)
{
	ktime_t t0 = ktime_get();
	int i;

	monc_tcp_transport.keepalive(con);
	for (i = 0; i < 50000; i++) {
		if (time_after(monc_tcp_transport.last_keepalive_ack(con),
			       before))
			return ktime_to_ns(ktime_sub(ktime_get(), t0));
		usleep_range(50, 100);
	}
	return -1;
}

/* The MAuth hello of the captures, for @method. */
static struct monc_msg *build_hello(u32 method)
{
	struct monc_msg *msg = monc_msg_new(MONC_MSG_AUTH, 64, GFP_KERNEL);
	void *p, *end, *len_at;
	int err = 0;

	if (!msg)
		return NULL;
	p = msg->front;
	end = msg->front + msg->front_alloc;
	err |= monc_enc_u64(&p, end, 0);		/* paxos version */
	err |= monc_enc_u16(&p, end, 0xffff);	/* session_mon */
	err |= monc_enc_u64(&p, end, 0);		/* paxos tid */
	err |= monc_enc_u32(&p, end, 0);		/* protocol: hello */
	len_at = p;
	err |= monc_enc_u32(&p, end, 0);
	err |= monc_enc_u8(&p, end, 1);		/* struct_v */
	err |= monc_enc_u32(&p, end, 1);
	err |= monc_enc_u32(&p, end, method);
	err |= monc_enc_u32(&p, end, MONC_ENTITY_TYPE_CLIENT);
	err |= monc_enc_str(&p, end, "admin", 5);
	err |= monc_enc_u64(&p, end, 0);		/* global_id */
	put_unaligned_le32(p - (len_at + 4), len_at);
	err |= monc_enc_u32(&p, end, 0);		/* monmap epoch */
	if (err) {
		monc_msg_put(msg);
		return NULL;
	}
	msg->front_len = p - msg->front;
	return msg;
}

static struct monc_msg *build_get_version(u64 handle, u64 global_id)
{
	struct monc_msg *msg = monc_msg_new(MONC_MSG_MON_GET_VERSION, 32,
					    GFP_KERNEL);
	void *p, *end;

	if (!msg)
		return NULL;
	p = msg->front;
	end = msg->front + msg->front_alloc;
	if (monc_enc_u64(&p, end, handle) ||
	    monc_enc_str(&p, end, "osdmap", 6)) {
		monc_msg_put(msg);
		return NULL;
	}
	msg->front_len = p - msg->front;
	msg->hdr.src.num = cpu_to_le64(global_id);
	return msg;
}

static int cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

static void report_rtts(const char *what, s64 *ns, int n)
{
	if (!n)
		return;
	sort(ns, n, sizeof(*ns), cmp_s64, NULL);
	out("# %s: %d round trips, min %lld us, median %lld us, max %lld us\n",
	    what, n, ns[0] / 1000, ns[n / 2] / 1000, ns[n - 1] / 1000);
}

static void run_session_checks(const struct monc_entity_addr *peer)
{
	u32 method = strcmp(auth, "cephx") ? MONC_AUTH_NONE : MONC_AUTH_CEPHX;
	struct live *l = kmalloc(sizeof(*l), GFP_KERNEL);
	s64 *ns = kcalloc(RTT_SAMPLES, sizeof(*ns), GFP_KERNEL);
	struct monc_msgr_test_info info;
	u32 protocol = 0, result = 1;
	struct monc_msg *msg, *reply;
	u64 global_id = 0, v;
	unsigned long before;
	const void *p;
	struct monc_conn *con;
	bool open, ok;
	ktime_t t0;
	int i, n;

	if (!l || !ns) {
		check(false, "allocate the test state");
		goto out_free;
	}
	live_init(l);

	t0 = ktime_get();
	con = monc_tcp_transport.open(peer, &live_ops, l);
	if (IS_ERR(con)) {
		out("# open: %ld\n", PTR_ERR(con));
		check(false, "msgr v1 handshake with ceph-mon completes");
		goto out_free;
	}
	open = wait_open(con, l);
	monc_msgr_test_info(con, &info);
	if (open)
		out("# handshake: %lld us (open to ready), features in effect %llx\n",
		    info.handshake_ns / 1000,
		    monc_tcp_transport.peer_features(con));
	else
		out("# handshake failed, fault %d\n", l->fault_err);
	check(open, "msgr v1 handshake with ceph-mon completes");
	if (!open)
		goto out_close;

	/* keepalive2: wait for the next jiffy so that the ack shows */
	n = 0;
	for (i = 0; i < RTT_SAMPLES; i++) {
		before = monc_tcp_transport.last_keepalive_ack(con);
		while (!time_after(jiffies, before))
			usleep_range(500, 1000);
		if (keepalive_rtt(con, before) < 0)
			break;
		monc_msgr_test_info(con, &info);
		ns[n++] = info.keepalive_rtt_ns;
	}
	check(n == RTT_SAMPLES && !l->nr_fault, "keepalive2 is acked");
	report_rtts("keepalive2 -> ack", ns, n);

	/* the hand-built MAuth hello */
	msg = build_hello(method);
	if (!msg) {
		check(false, "build the MAuth hello");
		goto out_close;
	}
	t0 = ktime_get();
	monc_tcp_transport.send(con, msg);
	wait_event_timeout(l->wq, READ_ONCE(l->auth_reply) || l->nr_fault,
			   10 * HZ);
	reply = live_take(l, &l->auth_reply);
	ok = false;
	if (reply) {
		const void *p = reply->front, *end = p + reply->front_len;

		out("# MAuth -> MAuthReply: %lld us\n",
		    ktime_us_delta(l->t_reply, t0));
		if (!monc_dec_u32(&p, end, &protocol) &&
		    !monc_dec_u32(&p, end, &result) &&
		    !monc_dec_u64(&p, end, &global_id))
			ok = result == 0 && global_id && protocol == method;
		out("# MAuthReply: protocol %u result %d global_id %llu\n",
		    protocol, (s32)result, global_id);
		monc_msg_put(reply);
	}
	check(ok, "MAuth hello gets an MAuthReply with result 0 and a global id");

	/* request/reply round trips: MMonGetVersion (auth none only) */
	if (method == MONC_AUTH_NONE && ok) {
		n = 0;
		for (i = 0; i < RTT_SAMPLES; i++) {
			msg = build_get_version(i + 1, global_id);
			if (!msg)
				break;
			t0 = ktime_get();
			monc_tcp_transport.send(con, msg);
			wait_event_timeout(l->wq,
					   READ_ONCE(l->version_reply) ||
					   l->nr_fault, 10 * HZ);
			reply = live_take(l, &l->version_reply);
			if (!reply)
				break;
			ns[n++] = ktime_to_ns(ktime_sub(l->t_reply, t0));
			p = reply->front;
			if (monc_dec_u64(&p, p + reply->front_len, &v) ||
			    v != i + 1)
				n = -1;
			monc_msg_put(reply);
			if (n < 0)
				break;
		}
		check(n == RTT_SAMPLES,
		      "MMonGetVersion requests get their replies");
		report_rtts("MMonGetVersion -> reply", ns, max(n, 0));
	}
	check(!l->nr_fault, "no fault during the session");

out_close:
	monc_tcp_transport.close(con);
	monc_tcp_transport.flush();
	live_release(l);
out_free:
	kfree(ns);
	kfree(l);
}

static void run_cycles(const struct monc_entity_addr *peer)
{
	struct live *l = kmalloc(sizeof(*l), GFP_KERNEL);
	int base = monc_msgr_test_nr_conns();
	unsigned int i, opened = 0;
	struct monc_msgr_test_info info;
	struct monc_msg *msg;
	struct monc_conn *con;
	s64 total = 0;

	if (!l) {
		check(false, "allocate the test state");
		return;
	}
	for (i = 0; i < cycles; i++) {
		live_init(l);
		con = monc_tcp_transport.open(peer, &live_ops, l);
		if (IS_ERR(con))
			break;
		if (wait_open(con, l)) {
			opened++;
			monc_msgr_test_info(con, &info);
			total += info.handshake_ns;
		}
		msg = i % 2 ? build_hello(MONC_AUTH_NONE) : NULL;
		if (msg)	/* half of them with a message in flight */
			monc_tcp_transport.send(con, msg);
		monc_tcp_transport.close(con);
		monc_tcp_transport.flush();
		live_release(l);
	}
	if (opened)
		out("# %u open/close cycles: mean handshake %lld us\n", opened,
		    div_s64(total, opened) / 1000);
	check(opened == cycles, "every open/close cycle completes its handshake");
	check(monc_msgr_test_nr_conns() == base,
	      "no connection outlives open/close cycles");
	kfree(l);
}

static ssize_t results_read(struct file *f, char __user *buf, size_t len,
			    loff_t *pos)
{
	return simple_read_from_buffer(buf, len, pos, results, results_len);
}

static const struct file_operations results_fops = {
	.owner = THIS_MODULE,
	.read = results_read,
	.llseek = default_llseek,
};

static int __init live_init_module(void)
{
	struct monc_entity_addr peer;

	results = kzalloc(RESULTS_LEN, GFP_KERNEL);
	if (!results)
		return -ENOMEM;
	if (parse_addr(mon_addr, &peer)) {
		out("# bad mon_addr '%s'\n", mon_addr);
		check(false, "parse mon_addr");
	} else {
		out("# monitor %pISpc, auth %s\n", &peer.ss, auth);
		run_session_checks(&peer);
		run_cycles(&peer);
	}
	out("1..%u\n", nr_checks);
	live_dir = debugfs_create_dir("monc_msgr_live", NULL);
	debugfs_create_file("results", 0444, live_dir, NULL, &results_fops);
	return 0;
}

static void __exit live_exit_module(void)
{
	debugfs_remove_recursive(live_dir);
	kfree(results);
}

module_init(live_init_module);
module_exit(live_exit_module);

MODULE_DESCRIPTION("monc msgr v1 connection checks against a live ceph-mon");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
