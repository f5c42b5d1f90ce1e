// SPDX-License-Identifier: GPL-2.0
/*
 * libceph_bench.ko: the bench's libceph side. It drives the kernel's own
 * monitor client through libceph's exported API (ceph_create_client,
 * ceph_open_session, ceph_monc_do_statfs, ceph_monc_get_version,
 * ceph_destroy_client), so that make bench can put it beside monc on the
 * same monitors. The commands and their timing live in ../bench_core.h.
 *
 * It is built against the UML test kernel only (CONFIG_CEPH_LIB=m there),
 * from its own directory so that the top-level Kbuild's tests/ wildcard
 * does not pick it up for the distro headers build.
 *
 * libceph has no keepalive or hunt tunables (they are compile-time
 * constants in libceph.h), so only addrs, mount_timeout_ms and the cephx
 * name and secret (the base64 CryptoKey, as mount.ceph passes it) and
 * ms_mode apply.
 *
 * pr_fmt comes from <linux/ceph/ceph_debug.h>: "libceph_bench: ".
 */
#include <linux/ceph/libceph.h>
#include <linux/fs_parser.h>
#include <linux/ceph/mon_client.h>

#include "bench_core.h"

/* One "key=value" mount option, as fs/ceph hands it to libceph. */
static int lb_param(struct ceph_options *opt, const char *key,
		    const char *val)
{
	struct fs_parameter param = {
		.key = key,
		.type = fs_value_is_string,
		.size = strlen(val),
	};
	int err;

	param.string = kstrdup(val, GFP_KERNEL);
	if (!param.string)
		return -ENOMEM;
	err = ceph_parse_param(&param, opt, NULL);
	kfree(param.string);	/* NULL if libceph kept it */
	return err;
}

static void *lb_create(const struct bench_params *p)
{
	struct ceph_options *opt;
	struct ceph_client *client;
	int err;

	opt = ceph_alloc_options();
	if (!opt)
		return ERR_PTR(-ENOMEM);
	err = ceph_parse_mon_ips(p->addrs, strlen(p->addrs), opt, NULL, ',');
	if (err)
		goto err_opt;
	if (p->mount_timeout_ms)
		opt->mount_timeout = msecs_to_jiffies(p->mount_timeout_ms);
	if (p->name[0]) {
		err = lb_param(opt, "name", p->name);
		if (err)
			goto err_opt;
	}
	if (p->secret[0]) {
		err = lb_param(opt, "secret", p->secret);
		if (err)
			goto err_opt;
	}
	if (p->ms_mode[0]) {
		err = lb_param(opt, "ms_mode", p->ms_mode);
		if (err)
			goto err_opt;
	}

	client = ceph_create_client(opt, NULL);
	if (IS_ERR(client)) {
		err = PTR_ERR(client);
		goto err_opt;
	}
	/* From here on the client owns opt. */
	err = ceph_open_session(client);
	if (err)
		goto err_client;
	return client;

err_client:
	ceph_destroy_client(client);
	return ERR_PTR(err);
err_opt:
	ceph_destroy_options(opt);
	return ERR_PTR(err);
}

static void lb_destroy(void *c)
{
	ceph_destroy_client(c);
}

static int lb_op(void *c, enum bench_op op)
{
	struct ceph_client *client = c;
	struct ceph_statfs st;
	u64 newest;

	switch (op) {
	case BENCH_OP_STATFS:
		return ceph_monc_do_statfs(&client->monc, CEPH_NOPOOL, &st);
	case BENCH_OP_VERSION:
		return ceph_monc_get_version(&client->monc, "osdmap", &newest);
	}
	return -EINVAL;
}

static const struct bench_ops lb_ops = {
	.name = "libceph_bench",
	.create = lb_create,
	.destroy = lb_destroy,
	.op = lb_op,
};

static int __init lb_init(void)
{
	return bench_core_init(&lb_ops);
}

static void __exit lb_exit(void)
{
	bench_core_exit();
}

module_init(lb_init);
module_exit(lb_exit);

MODULE_DESCRIPTION("monc bench: libceph's monitor client under the bench");
MODULE_LICENSE("GPL");
