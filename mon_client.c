// SPDX-License-Identifier: GPL-2.0
/* The monitor session: placeholder, being written. */
#define pr_fmt(fmt) "monc: " fmt

#include <linux/debugfs.h>
#include <linux/module.h>

#include "internal.h"

static struct dentry *monc_debugfs_root;

static int __init monc_init(void)
{
	monc_debugfs_root = debugfs_create_dir("monc", NULL);
	return 0;
}

static void __exit monc_exit(void)
{
	debugfs_remove_recursive(monc_debugfs_root);
}

module_init(monc_init);
module_exit(monc_exit);

MODULE_DESCRIPTION("Ceph monitor client");
MODULE_LICENSE("GPL");
