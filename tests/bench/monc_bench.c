// SPDX-License-Identifier: GPL-2.0
/*
 * monc_bench.ko: the bench's monc side. It drives monc through its public
 * API (mon_client.h) only, exactly as a filesystem client would, so that
 * make bench can put it beside libceph on the same monitors. The commands
 * and their timing live in bench_core.h.
 *
 * A mount here ends when monc_wait_mount() returned and the first osdmap
 * reached our handler, which is what libceph's ceph_open_session() waits
 * for (a monmap and an osdmap).
 *
 * Locking: each client's osdmap state is written by monc's handler (one
 * call at a time per client) and read by the waiter through the
 * completion, which orders the two.
 */
#define pr_fmt(fmt) "monc_bench: " fmt

#include <linux/completion.h>
#include <linux/in.h>
#include <linux/jiffies.h>

#include "compat.h"
#include "mon_client.h"
#include "bench_core.h"
#include "tests/osdmap_epoch.h"

struct mb_client {
	struct monc_client *monc;
	struct completion have_osdmap;
	u32 osdmap_epoch;
};

static void mb_osdmap(struct monc_client *monc, void *priv,
		      const void *front, size_t len)
{
	struct mb_client *c = priv;
	u32 epoch = monc_test_osdmap_epoch(front, len);

	if (!epoch) {
		pr_warn_ratelimited("osdmap without a map (%zu bytes)\n", len);
		return;
	}
	if (epoch > c->osdmap_epoch) {
		c->osdmap_epoch = epoch;
		monc_got_map(monc, MONC_MAP_OSDMAP, epoch);
	}
	complete_all(&c->have_osdmap);
}

static const struct monc_handlers mb_handlers = {
	.osdmap = mb_osdmap,
};

static void *mb_create(const struct bench_params *p)
{
	u8 secret[MONC_SECRET_MAX_LEN];
	size_t slen = strlen(p->secret);
	struct monc_options *o;
	struct mb_client *c;
	unsigned long timeout;
	int err;

	/* cephx: the raw key in hex, 16 (aes) or 32 (aes256k) bytes */
	if (slen) {
		if ((slen != 2 * MONC_SECRET_LEN &&
		     slen != 2 * MONC_SECRET_AES256K_LEN) ||
		    hex2bin(secret, p->secret, slen / 2))
			return ERR_PTR(-EINVAL);
	}

	o = kzalloc_obj(*o, GFP_KERNEL);
	c = kzalloc_obj(*c, GFP_KERNEL);
	if (!o || !c) {
		err = -ENOMEM;
		goto err_free;
	}
	init_completion(&c->have_osdmap);
	err = monc_parse_mon_addrs(p->addrs, strlen(p->addrs), ',', o, NULL,
				   NULL);
	if (err)
		goto err_free;
	o->auth_methods = BIT(MONC_AUTH_NONE);
	if (slen) {
		o->auth_methods = BIT(MONC_AUTH_CEPHX);
		o->secret = secret;
		o->secret_len = slen / 2;
		o->name = p->name[0] ? p->name : NULL;
	}
	o->keepalive_interval_ms = p->ka_interval_ms;
	o->keepalive_timeout_ms = p->ka_timeout_ms;
	o->mount_timeout_ms = p->mount_timeout_ms;
	o->hunt_interval_ms = p->hunt_interval_ms;
	o->hunt_parallel = p->hunt_parallel;
	o->hunt_stagger_ms = p->hunt_stagger_ms;
	if (p->ms_mode[0]) {
		err = monc_parse_ms_mode(p->ms_mode);
		if (err < 0)
			goto err_free;
		o->ms_mode = err;
	}

	c->monc = monc_create(o, &mb_handlers, c);
	if (IS_ERR(c->monc)) {
		err = PTR_ERR(c->monc);
		goto err_free;
	}
	err = monc_open_session(c->monc);
	if (err)
		goto err_destroy;
	err = monc_wait_mount(c->monc);
	if (err)
		goto err_stop;

	/* What libceph's ceph_open_session() waits for: an osdmap too. */
	timeout = msecs_to_jiffies(p->mount_timeout_ms ?:
				   MONC_DEFAULT_MOUNT_TIMEOUT_MS);
	if (!wait_for_completion_timeout(&c->have_osdmap, timeout)) {
		err = -ETIMEDOUT;
		goto err_stop;
	}
	kfree(o);
	return c;

err_stop:
	monc_stop(c->monc);
err_destroy:
	monc_destroy(c->monc);
err_free:
	kfree(c);
	kfree(o);
	return ERR_PTR(err);
}

static void mb_destroy(void *p)
{
	struct mb_client *c = p;

	monc_stop(c->monc);
	monc_destroy(c->monc);
	kfree(c);
}

static int mb_op(void *p, enum bench_op op)
{
	struct mb_client *c = p;
	struct monc_statfs st;
	u64 newest, oldest;

	switch (op) {
	case BENCH_OP_STATFS:
		return monc_statfs(c->monc, MONC_NO_POOL, &st);
	case BENCH_OP_VERSION:
		return monc_get_version(c->monc, "osdmap", &newest, &oldest);
	}
	return -EINVAL;
}

static const struct bench_ops mb_ops = {
	.name = "monc_bench",
	.create = mb_create,
	.destroy = mb_destroy,
	.op = mb_op,
};

static int __init mb_init(void)
{
	return bench_core_init(&mb_ops);
}

static void __exit mb_exit(void)
{
	bench_core_exit();
}

module_init(mb_init);
module_exit(mb_exit);

MODULE_DESCRIPTION("monc bench: monc's monitor client under the bench");
MODULE_LICENSE("GPL");
