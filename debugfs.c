// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/monc/<fsid>.client<global_id>/ with the files
 * monmap, session and requests. A client's directory is created with a
 * temporary name ("unmounted.<n>") and renamed once the session is mounted.
 *
 * Locking: the show functions (mon_client.c) take the session mutex. The
 * directory is removed without the session mutex held (debugfs removal
 * waits for readers, who may be waiting for that mutex).
 */
#define pr_fmt(fmt) "monc: " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "fault.h"
#include "internal.h"

static struct dentry *monc_debugfs_root;

static int monc_monmap_show(struct seq_file *s, void *unused)
{
	monc_show_monmap(s->private, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(monc_monmap);

static int monc_session_show(struct seq_file *s, void *unused)
{
	monc_show_session(s->private, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(monc_session);

static int monc_requests_show(struct seq_file *s, void *unused)
{
	monc_show_requests(s->private, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(monc_requests);

/**
 * monc_debugfs_init - create /sys/kernel/debug/monc
 *
 * debugfs errors are not fatal: without it the module works unseen.
 */
void monc_debugfs_init(void)
{
	monc_debugfs_root = debugfs_create_dir("monc", NULL);
	/* /sys/kernel/debug/monc/fault/ (fault.h), where the kernel has it */
	monc_fault_init(monc_debugfs_root);
}

/**
 * monc_debugfs_exit - remove /sys/kernel/debug/monc and all under it
 */
void monc_debugfs_exit(void)
{
	monc_fault_exit();
	debugfs_remove_recursive(monc_debugfs_root);
	monc_debugfs_root = NULL;
}

/**
 * monc_debugfs_add - create a client's directory and its files
 * @monc: the client, passed to the show functions
 * @name: the directory name
 *
 * Return: the directory, or NULL (or an error pointer, which every debugfs
 * call accepts) if debugfs is not available.
 */
struct dentry *monc_debugfs_add(struct monc_client *monc, const char *name)
{
	struct dentry *dir;

	if (IS_ERR_OR_NULL(monc_debugfs_root))
		return NULL;
	dir = monc_debugfs_create_dir(name, monc_debugfs_root);
	if (IS_ERR(dir))
		return NULL;
	debugfs_create_file("monmap", 0400, dir, monc, &monc_monmap_fops);
	debugfs_create_file("session", 0400, dir, monc, &monc_session_fops);
	debugfs_create_file("requests", 0400, dir, monc, &monc_requests_fops);
	return dir;
}

/**
 * monc_debugfs_rename - rename a client's directory
 * @dir: the directory from monc_debugfs_add(), or NULL
 * @name: the new name; if it is taken, the old name stays
 */
void monc_debugfs_rename(struct dentry *dir, const char *name)
{
	int ret;

	if (IS_ERR_OR_NULL(dir) || IS_ERR_OR_NULL(monc_debugfs_root))
		return;
	ret = debugfs_change_name(dir, "%s", name);
	if (ret)
		pr_debug("debugfs rename to %s: %d\n", name, ret);
}

/**
 * monc_debugfs_remove - remove a client's directory
 * @dir: the directory, or NULL
 *
 * Waits for readers of its files to finish; call it without the session
 * mutex held.
 */
void monc_debugfs_remove(struct dentry *dir)
{
	if (!IS_ERR_OR_NULL(dir))
		debugfs_remove_recursive(dir);
}
