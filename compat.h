/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows which kernel monc is built for.
 *
 * monc is written against the newest kernel API it is tested on (Linux 7.2,
 * Debian unstable). For older kernels (down to 6.1, Debian 12) this header
 * supplies what is missing, under the new name and with the new signature,
 * so that the rest of the code has no #if on the kernel version. Each block
 * names the release that changed the interface. Every file that uses one of
 * these interfaces includes this header; it includes what it needs.
 */
#ifndef _MONC_COMPAT_H
#define _MONC_COMPAT_H

#include <linux/version.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/sock.h>

/*
 * 6.2: hex2bin() and bin2hex() are declared in <linux/hex.h>, which
 * <linux/kernel.h> no longer includes by 7.2.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#include <linux/hex.h>
#endif

/* 6.12: <asm/unaligned.h> moved to <linux/unaligned.h>. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * sk_use_task_frag: 6.2, and 6.1.y from a sublevel after 6.1.176 (Kbuild
 * looks for it in the headers, as the version cannot tell). It keeps a
 * socket that may send from memory reclaim off current->task_frag. Where
 * it is missing, sk_page_frag() already avoids task_frag for a socket
 * whose sk_allocation lacks __GFP_FS, as monc's GFP_NOFS does.
 */
static inline void monc_sk_no_task_frag(struct sock *sk)
{
#ifdef MONC_HAVE_SK_USE_TASK_FRAG
	sk->sk_use_task_frag = false;
#endif
}

/*
 * kzalloc_obj() (6.12.y stable, 7.x) allocates one zeroed object of a
 * variable's type, and the newer checkpatch.pl asks for it instead of
 * kzalloc(sizeof(*p)). Older kernels get the same, gfp flags required.
 */
#ifndef kzalloc_obj
#define kzalloc_obj(P, gfp) kzalloc(sizeof(P), gfp)
#endif

/*
 * 6.13: MODULE_IMPORT_NS() and EXPORT_SYMBOL_NS() take the namespace as a
 * string literal. Give older kernels the same form.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
#undef MODULE_IMPORT_NS
#define MODULE_IMPORT_NS(ns) MODULE_INFO(import_ns, ns)
#endif

/*
 * 6.7: atime and mtime are reached through accessors. (The ctime ones came
 * in 6.6 and were backported to the 6.1 stable series that Debian 12 ships,
 * so they need nothing here.)
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 7, 0)
static inline struct timespec64 inode_set_atime_to_ts(struct inode *inode,
						      struct timespec64 ts)
{
	inode->i_atime = ts;
	return ts;
}

static inline struct timespec64 inode_set_mtime_to_ts(struct inode *inode,
						      struct timespec64 ts)
{
	inode->i_mtime = ts;
	return ts;
}
#endif

/*
 * 6.17: alloc_workqueue() takes WQ_PERCPU, for a per-CPU workqueue, which
 * was the default without WQ_UNBOUND; 7.2 warns when a caller names
 * neither. Older kernels give per-CPU without asking.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 17, 0)
#define WQ_PERCPU 0
#endif

/* 6.18: generic_delete_inode() became inode_just_drop(). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 18, 0)
#define inode_just_drop generic_delete_inode
#endif

/*
 * 6.14: debugfs_rename() gave way to debugfs_change_name(), which renames
 * within the same directory and returns an errno.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)
static inline __printf(2, 3) int debugfs_change_name(struct dentry *dentry,
						     const char *fmt, ...)
{
	struct dentry *d;
	va_list args;
	char *name;

	va_start(args, fmt);
	name = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	if (!name)
		return -ENOMEM;
	d = debugfs_rename(dentry->d_parent, dentry, dentry->d_parent, name);
	kfree(name);
	return PTR_ERR_OR_ZERO(d);
}
#endif

/*
 * 6.19: kernel_connect() and the proto_ops take a struct sockaddr_unsized *
 * (a struct sockaddr without the fixed 14-byte sa_data).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
#define sockaddr_unsized sockaddr
#endif

#endif /* _MONC_COMPAT_H */
