/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_core.h: the client-independent half of the bench modules.
 *
 * monc_bench.ko (monc's API) and libceph_bench.ko (libceph's exported API)
 * each include this file once and give it a struct bench_ops. The core owns
 * one debugfs file, /sys/kernel/debug/<name>/ctl, which takes one command
 * per write(2) and returns that command's result on the next read(2). The
 * driver (tests/bench/bench.py) does all timing analysis in userspace; the
 * kernel side only runs the operations and takes ktime_get_ns() stamps,
 * which are CLOCK_MONOTONIC, the clock the driver reads too.
 *
 * Commands (fields separated by spaces):
 *   set KEY=VALUE...    addrs=ip:port,ip:port,... ka_interval_ms=
 *                       ka_timeout_ms= mount_timeout_ms= hunt_interval_ms=
 *                       (0 or absent: the client's own default);
 *                       hunt_parallel=, hunt_stagger_ms= (monc only);
 *                       name=ID secret=KEY for cephx (no secret: auth
 *                       none), KEY in the form the client takes (monc:
 *                       the raw key in hex; libceph: the base64 CryptoKey);
 *                       ms_mode=legacy|crc|secure|prefer-crc|prefer-secure
 *                       (empty or absent: the client's default)
 *   mount N             create N more clients one after the other, each one
 *                       created, opened and waited for until it has its maps;
 *                       "ok ns=T1,T2,..." gives each one's duration
 *   umount              destroy every client
 *   lat OP COUNT        COUNT synchronous OPs (statfs or version) one after
 *                       the other on client 0; "ok ns=..." lists each latency
 *   tput OP THREADS MS  THREADS kthreads issue OP on client 0 back to back
 *                       for MS ms; "ok ops=N errs=E ms=MS" counts the OPs
 *                       that completed inside the window
 *   loop_start OP       one kthread issues OP back to back on client 0 and
 *                       logs (issue ns, done ns, err) of every call
 *   loop_status SINCE   "ok ok=N fail=F total=T": calls done at or after
 *                       SINCE (ns), successful and failed
 *   loop_dump SINCE     one "ISSUE DONE ERR" line per call done at or after
 *                       SINCE (at most BENCH_DUMP_MAX lines)
 *   loop_stop           stop the loop (waits for the call in flight)
 *
 * Locking: bench.lock (a mutex) serialises commands and guards the client
 * array, the parameters and the output buffer. The loop's log is written by
 * the loop thread alone and published through bench.log_len (release/
 * acquire), so readers need no lock against the writer.
 */
#ifndef _MONC_BENCH_CORE_H
#define _MONC_BENCH_CORE_H

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#define BENCH_MAX_CLIENTS	128
#define BENCH_MAX_LAT		5000
#define BENCH_MAX_THREADS	16
#define BENCH_MAX_TPUT_MS	60000
#define BENCH_LOG_MAX		16384
#define BENCH_DUMP_MAX		512
#define BENCH_OUT_SIZE		(64 * 1024)
#define BENCH_CMD_MAX		512
#define BENCH_ADDRS_MAX		256
#define BENCH_NAME_MAX		64
#define BENCH_SECRET_MAX	128

enum bench_op {
	BENCH_OP_STATFS,
	BENCH_OP_VERSION,
};

/**
 * struct bench_params - how a bench client is set up
 * @addrs: monitor addresses, "ip:port,ip:port,..."
 * @ka_interval_ms: keepalive interval (0: the client's default)
 * @ka_timeout_ms: keepalive timeout (0: the client's default)
 * @mount_timeout_ms: mount and request timeout (0: the client's default)
 * @hunt_interval_ms: hunt interval (0: the client's default)
 * @hunt_parallel: monitors a hunt round tries at once (0: the default)
 * @hunt_stagger_ms: the delay between a round's candidates (0: the default)
 * @name: cephx entity id, without "client." (empty: the client's default)
 * @secret: cephx key in the client's own form; empty for auth none
 * @ms_mode: fs/ceph's ms_mode value; empty for the client's default
 */
struct bench_params {
	char addrs[BENCH_ADDRS_MAX];
	unsigned int ka_interval_ms;
	unsigned int ka_timeout_ms;
	unsigned int mount_timeout_ms;
	unsigned int hunt_interval_ms;
	unsigned int hunt_parallel;
	unsigned int hunt_stagger_ms;
	char name[BENCH_NAME_MAX];
	char secret[BENCH_SECRET_MAX];
	char ms_mode[16];
};

/**
 * struct bench_ops - one monitor client, as the bench sees it
 * @name: the debugfs directory name
 * @create: create a client, open its session and wait until it has its
 *	maps; returns the client or an ERR_PTR
 * @destroy: stop and free a client made by @create
 * @op: one synchronous request of kind @op; 0 or a negative errno
 */
struct bench_ops {
	const char *name;
	void *(*create)(const struct bench_params *p);
	void (*destroy)(void *client);
	int (*op)(void *client, enum bench_op op);
};

struct bench_rec {
	u64 issue_ns;
	u64 done_ns;
	s64 err;
};

struct bench_worker {
	struct task_struct *task;
	void *client;
	enum bench_op op;
	u64 deadline_ns;
	unsigned long ops;
	unsigned long errs;
};

static struct {
	const struct bench_ops *ops;
	struct dentry *dir;
	struct mutex lock;		/* serialises commands; guards below */
	struct bench_params params;
	void *clients[BENCH_MAX_CLIENTS];
	unsigned int nr_clients;
	char *out;
	size_t out_len;
	u64 *lat;
	struct bench_worker workers[BENCH_MAX_THREADS];
	struct task_struct *loop_task;
	enum bench_op loop_op;
	struct bench_rec *log;
	unsigned long log_len;		/* release/acquire: calls logged */
} bench;

static __printf(1, 2) void bench_out(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (bench.out_len >= BENCH_OUT_SIZE - 1)
		return;
	va_start(ap, fmt);
	n = vscnprintf(bench.out + bench.out_len,
		       BENCH_OUT_SIZE - bench.out_len, fmt, ap);
	va_end(ap);
	bench.out_len += n;
}

static int bench_parse_op(const char *s, enum bench_op *op)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "statfs"))
		*op = BENCH_OP_STATFS;
	else if (!strcmp(s, "version"))
		*op = BENCH_OP_VERSION;
	else
		return -EINVAL;
	return 0;
}

static int bench_parse_uint(const char *s, unsigned int max, unsigned int *v)
{
	int err;

	if (!s)
		return -EINVAL;
	err = kstrtouint(s, 0, v);
	if (err)
		return err;
	return *v > max ? -ERANGE : 0;
}

static int bench_cmd_set(char *args)
{
	struct bench_params p = bench.params;
	char *tok, *val;
	int err = 0;

	while ((tok = strsep(&args, " ")) != NULL) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(tok, "addrs")) {
			if (strscpy(p.addrs, val, sizeof(p.addrs)) < 0)
				return -E2BIG;
		} else if (!strcmp(tok, "ka_interval_ms")) {
			err = bench_parse_uint(val, INT_MAX, &p.ka_interval_ms);
		} else if (!strcmp(tok, "ka_timeout_ms")) {
			err = bench_parse_uint(val, INT_MAX, &p.ka_timeout_ms);
		} else if (!strcmp(tok, "mount_timeout_ms")) {
			err = bench_parse_uint(val, INT_MAX,
					       &p.mount_timeout_ms);
		} else if (!strcmp(tok, "hunt_interval_ms")) {
			err = bench_parse_uint(val, INT_MAX,
					       &p.hunt_interval_ms);
		} else if (!strcmp(tok, "hunt_parallel")) {
			err = bench_parse_uint(val, INT_MAX, &p.hunt_parallel);
		} else if (!strcmp(tok, "hunt_stagger_ms")) {
			err = bench_parse_uint(val, UINT_MAX, &p.hunt_stagger_ms);
		} else if (!strcmp(tok, "name")) {
			if (strscpy(p.name, val, sizeof(p.name)) < 0)
				return -E2BIG;
		} else if (!strcmp(tok, "secret")) {
			if (strscpy(p.secret, val, sizeof(p.secret)) < 0)
				return -E2BIG;
		} else if (!strcmp(tok, "ms_mode")) {
			if (strscpy(p.ms_mode, val, sizeof(p.ms_mode)) < 0)
				return -E2BIG;
		} else {
			return -EINVAL;
		}
		if (err)
			return err;
	}
	bench.params = p;
	bench_out("ok\n");
	return 0;
}

static int bench_cmd_mount(char *args)
{
	unsigned int n, i;
	void *c;
	u64 t0;
	int err;

	err = bench_parse_uint(strsep(&args, " "),
			       BENCH_MAX_CLIENTS - bench.nr_clients, &n);
	if (err)
		return err;
	if (!bench.params.addrs[0])
		return -EDESTADDRREQ;

	for (i = 0; i < n; i++) {
		t0 = ktime_get_ns();
		c = bench.ops->create(&bench.params);
		if (IS_ERR(c)) {
			bench_out("err %ld after %u ns=%llu\n", PTR_ERR(c), i,
				  ktime_get_ns() - t0);
			return 0;
		}
		bench.lat[i] = ktime_get_ns() - t0;
		bench.clients[bench.nr_clients++] = c;
	}
	bench_out("ok ns=");
	for (i = 0; i < n; i++)
		bench_out("%s%llu", i ? "," : "", bench.lat[i]);
	bench_out("\n");
	return 0;
}

static void bench_destroy_all(void)
{
	while (bench.nr_clients) {
		bench.nr_clients--;
		bench.ops->destroy(bench.clients[bench.nr_clients]);
		bench.clients[bench.nr_clients] = NULL;
	}
}

static int bench_cmd_umount(char *args)
{
	if (bench.loop_task)
		return -EBUSY;
	bench_destroy_all();
	bench_out("ok\n");
	return 0;
}

static int bench_cmd_lat(char *args)
{
	enum bench_op op;
	unsigned int n, i;
	u64 t0;
	int err;

	if (!bench.nr_clients)
		return -ENOTCONN;
	err = bench_parse_op(strsep(&args, " "), &op);
	if (err)
		return err;
	err = bench_parse_uint(strsep(&args, " "), BENCH_MAX_LAT, &n);
	if (err)
		return err;

	for (i = 0; i < n; i++) {
		t0 = ktime_get_ns();
		err = bench.ops->op(bench.clients[0], op);
		bench.lat[i] = ktime_get_ns() - t0;
		if (err) {
			bench_out("err %d at %u\n", err, i);
			return 0;
		}
	}
	bench_out("ok ns=");
	for (i = 0; i < n; i++)
		bench_out("%s%llu", i ? "," : "", bench.lat[i]);
	bench_out("\n");
	return 0;
}

static int bench_worker_fn(void *arg)
{
	struct bench_worker *w = arg;
	int err;

	while (!kthread_should_stop() && ktime_get_ns() < w->deadline_ns) {
		err = bench.ops->op(w->client, w->op);
		if (ktime_get_ns() > w->deadline_ns)
			break;
		if (err)
			w->errs++;
		else
			w->ops++;
	}
	/* kthread_stop() wants us alive until it is called. */
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 100);
	return 0;
}

static int bench_cmd_tput(char *args)
{
	unsigned int threads, ms, i, started = 0;
	unsigned long ops = 0, errs = 0;
	enum bench_op op;
	u64 t0;
	int err;

	if (!bench.nr_clients)
		return -ENOTCONN;
	err = bench_parse_op(strsep(&args, " "), &op);
	if (err)
		return err;
	err = bench_parse_uint(strsep(&args, " "), BENCH_MAX_THREADS, &threads);
	if (err)
		return err;
	err = bench_parse_uint(strsep(&args, " "), BENCH_MAX_TPUT_MS, &ms);
	if (err)
		return err;
	if (!threads || !ms)
		return -EINVAL;

	t0 = ktime_get_ns();
	for (i = 0; i < threads; i++) {
		struct bench_worker *w = &bench.workers[i];
		struct task_struct *t;

		memset(w, 0, sizeof(*w));
		w->client = bench.clients[0];
		w->op = op;
		w->deadline_ns = t0 + (u64)ms * NSEC_PER_MSEC;
		t = kthread_create(bench_worker_fn, w, "bench_tput/%u", i);
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			break;
		}
		get_task_struct(t);
		w->task = t;
		started++;
	}
	for (i = 0; i < started; i++)
		wake_up_process(bench.workers[i].task);
	if (!err)
		msleep(ms);
	for (i = 0; i < started; i++) {
		struct bench_worker *w = &bench.workers[i];

		kthread_stop(w->task);
		put_task_struct(w->task);
		w->task = NULL;
		ops += w->ops;
		errs += w->errs;
	}
	if (err)
		return err;
	bench_out("ok ops=%lu errs=%lu ms=%u\n", ops, errs, ms);
	return 0;
}

static int bench_loop_fn(void *arg)
{
	void *client = arg;
	unsigned long n = 0;
	struct bench_rec *r;

	while (!kthread_should_stop()) {
		r = &bench.log[n % BENCH_LOG_MAX];
		r->issue_ns = ktime_get_ns();
		r->err = bench.ops->op(client, bench.loop_op);
		r->done_ns = ktime_get_ns();
		/* Publish the record; pairs with loop_collect()'s acquire. */
		smp_store_release(&bench.log_len, ++n);
		if (r->err)
			msleep(20);	/* do not spin on a failing client */
	}
	return 0;
}

static int bench_cmd_loop_start(char *args)
{
	struct task_struct *t;
	int err;

	if (!bench.nr_clients)
		return -ENOTCONN;
	if (bench.loop_task)
		return -EBUSY;
	err = bench_parse_op(strsep(&args, " "), &bench.loop_op);
	if (err)
		return err;
	bench.log_len = 0;
	t = kthread_create(bench_loop_fn, bench.clients[0], "bench_loop");
	if (IS_ERR(t))
		return PTR_ERR(t);
	get_task_struct(t);
	bench.loop_task = t;
	wake_up_process(t);
	bench_out("ok\n");
	return 0;
}

/*
 * Walk the calls done at or after @since; print them if @dump. The newest
 * record may be overwritten while we read it if the loop wraps the whole
 * log under us, which needs BENCH_LOG_MAX calls during one read: ignored.
 */
static void bench_loop_collect(u64 since, bool dump)
{
	/* Pairs with the loop's release: records below len are whole. */
	unsigned long len = smp_load_acquire(&bench.log_len);
	unsigned long first = len > BENCH_LOG_MAX ? len - BENCH_LOG_MAX : 0;
	unsigned long i, ok = 0, fail = 0, lines = 0;

	for (i = first; i < len; i++) {
		const struct bench_rec *r = &bench.log[i % BENCH_LOG_MAX];

		if (r->done_ns < since)
			continue;
		if (r->err)
			fail++;
		else
			ok++;
		if (dump && lines++ < BENCH_DUMP_MAX)
			bench_out("%llu %llu %lld\n", r->issue_ns, r->done_ns,
				  r->err);
	}
	if (!dump)
		bench_out("ok ok=%lu fail=%lu total=%lu\n", ok, fail, len);
}

static int bench_cmd_loop_read(char *args, bool dump)
{
	u64 since;
	int err;

	err = kstrtoull(strsep(&args, " ") ?: "", 0, &since);
	if (err)
		return err;
	bench_loop_collect(since, dump);
	return 0;
}

static void bench_loop_stop(void)
{
	if (!bench.loop_task)
		return;
	kthread_stop(bench.loop_task);
	put_task_struct(bench.loop_task);
	bench.loop_task = NULL;
}

static int bench_cmd_loop_stop(char *args)
{
	bench_loop_stop();
	bench_out("ok\n");
	return 0;
}

static int bench_run(char *cmd)
{
	char *verb = strsep(&cmd, " ");

	if (!strcmp(verb, "set"))
		return bench_cmd_set(cmd);
	if (!strcmp(verb, "mount"))
		return bench_cmd_mount(cmd);
	if (!strcmp(verb, "umount"))
		return bench_cmd_umount(cmd);
	if (!strcmp(verb, "lat"))
		return bench_cmd_lat(cmd);
	if (!strcmp(verb, "tput"))
		return bench_cmd_tput(cmd);
	if (!strcmp(verb, "loop_start"))
		return bench_cmd_loop_start(cmd);
	if (!strcmp(verb, "loop_status"))
		return bench_cmd_loop_read(cmd, false);
	if (!strcmp(verb, "loop_dump"))
		return bench_cmd_loop_read(cmd, true);
	if (!strcmp(verb, "loop_stop"))
		return bench_cmd_loop_stop(cmd);
	return -EINVAL;
}

static ssize_t bench_ctl_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char *cmd;
	int err;

	if (len >= BENCH_CMD_MAX)
		return -E2BIG;
	cmd = memdup_user_nul(ubuf, len);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	strim(cmd);

	mutex_lock(&bench.lock);
	bench.out_len = 0;
	bench.out[0] = '\0';
	err = bench_run(cmd);
	if (err) {
		bench.out_len = 0;
		bench_out("err %d\n", err);
	}
	mutex_unlock(&bench.lock);
	kfree(cmd);
	return len;
}

static ssize_t bench_ctl_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&bench.lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, bench.out,
				      bench.out_len);
	mutex_unlock(&bench.lock);
	return ret;
}

static const struct file_operations bench_ctl_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = bench_ctl_read,
	.write = bench_ctl_write,
	.llseek = default_llseek,
};

static int bench_core_init(const struct bench_ops *ops)
{
	mutex_init(&bench.lock);
	bench.ops = ops;
	bench.out = kvzalloc(BENCH_OUT_SIZE, GFP_KERNEL);
	bench.lat = kvcalloc(BENCH_MAX_LAT, sizeof(*bench.lat), GFP_KERNEL);
	bench.log = kvcalloc(BENCH_LOG_MAX, sizeof(*bench.log), GFP_KERNEL);
	if (!bench.out || !bench.lat || !bench.log)
		goto err_free;
	bench.dir = debugfs_create_dir(ops->name, NULL);
	debugfs_create_file("ctl", 0600, bench.dir, NULL, &bench_ctl_fops);
	return 0;

err_free:
	kvfree(bench.log);
	kvfree(bench.lat);
	kvfree(bench.out);
	return -ENOMEM;
}

static void bench_core_exit(void)
{
	debugfs_remove_recursive(bench.dir);
	mutex_lock(&bench.lock);
	bench_loop_stop();
	bench_destroy_all();
	mutex_unlock(&bench.lock);
	kvfree(bench.log);
	kvfree(bench.lat);
	kvfree(bench.out);
}

#endif /* _MONC_BENCH_CORE_H */
