/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation-failure injection for monc (issue #6, failslab).
 *
 * The kernel's failslab with /proc/<pid>/fail-nth only fails allocations of
 * the task that armed it, and monc receives, dispatches and reconnects on
 * workqueue kworkers. So every allocation in monc goes through the wrappers
 * below (monc_kmalloc(), monc_kzalloc(), monc_kcalloc(), monc_kvmalloc(),
 * monc_kmemdup(), monc_kstrdup(), the crypto API's allocations
 * (monc_crypto_alloc_*(), monc_*_request_alloc(), monc_sg_alloc_table()),
 * and for what the kernel allocates on monc's behalf monc_sock_create_kern()
 * and monc_debugfs_create_dir()), which ask
 * monc_fault_hit() first, whatever task they run in.
 *
 * With CONFIG_FAULT_INJECTION the knobs live in /sys/kernel/debug/monc/fault/:
 *   fail_nth  w: N > 0 arms: the Nth wrapped allocation from now fails, once
 *                (any task); 0 disarms.
 *             r: the allocations left before the armed failure fires; 0
 *                when disarmed or after it went off
 *   fail_site w: "func:line" of a site seen since the load (as "sites"
 *                names it): its next allocation fails, once (any task);
 *                "func" alone: the next allocation at any site of that
 *                function, seen or not; "0" disarms. r: the armed site,
 *                or "none" (disarmed or fired)
 *   fired     r: how many armed failures fired since the module loaded
 *   allocs    r: wrapped allocations since fail_nth was last written
 *   sites     r: one line per call site hit since the last reset:
 *                "func:line hits N fails M";
 *                the first line is "sites=S failed=F" (F = sites that were
 *                made to fail at least once)
 *   last_fail r: "func:line from CALLER" of the last allocation made to
 *                fail (CALLER: who called func), or "none"
 *   reset     w: anything; zero the per-site counters
 *   fail_alloc/  the kernel's fault_attr (probability, interval, times,
 *                verbose, ...; see fault-injection.rst), for random failures
 *                (CONFIG_FAULT_INJECTION_DEBUG_FS only)
 *
 * Without CONFIG_FAULT_INJECTION (Debian's kernel) the wrappers are the
 * plain calls and nothing here exists.
 *
 * Locking: none taken by the wrappers (atomics); sites are registered on a
 * lock-free llist once, on their first hit. Safe in any context the wrapped
 * allocation is.
 */
#ifndef _MONC_FAULT_H
#define _MONC_FAULT_H

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/string.h>
#include <linux/scatterlist.h>
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>

struct dentry;

#ifdef CONFIG_FAULT_INJECTION

#include <linux/llist.h>

/**
 * struct monc_fault_site - one allocation call site
 * @node: on the list of sites seen
 * @func: the calling function
 * @line: its line
 * @seen: set once the site is on the list
 * @hits: allocations made here
 * @fails: of those, the ones made to fail
 */
struct monc_fault_site {
	struct llist_node node;
	const char *func;
	int line;
	atomic_t seen;
	atomic_t hits;
	atomic_t fails;
};

bool monc_fault_hit(struct monc_fault_site *site, size_t size,
		    unsigned long caller);
void monc_fault_init(struct dentry *root);
void monc_fault_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
/* KUnit: arm fail_nth as the debugfs file does; count allocations. */
void monc_fault_test_arm(int nth);
int monc_fault_test_arm_func(const char *func);
int monc_fault_test_allocs(void);
#endif

/* The site of the expanding call: one static per call of a wrapper. */
#define MONC_FAULT_SITE()						\
	({								\
		static struct monc_fault_site __monc_site = {		\
			.func = __func__, .line = __LINE__ };		\
		&__monc_site;						\
	})

/* _RET_IP_: who called the function that allocates, for last_fail */
#define monc_should_fail_alloc(size)					\
	monc_fault_hit(MONC_FAULT_SITE(), (size), _RET_IP_)

#else /* !CONFIG_FAULT_INJECTION */

#define monc_should_fail_alloc(size)	((void)(size), false)

static inline void monc_fault_init(struct dentry *root)
{
}

static inline void monc_fault_exit(void)
{
}

#endif /* CONFIG_FAULT_INJECTION */

#define monc_kmalloc(size, gfp)						\
	({								\
		size_t __monc_sz = (size);				\
		monc_should_fail_alloc(__monc_sz) ? NULL :		\
			kmalloc(__monc_sz, (gfp));			\
	})

#define monc_kzalloc(size, gfp)						\
	({								\
		size_t __monc_sz = (size);				\
		monc_should_fail_alloc(__monc_sz) ? NULL :		\
			kzalloc(__monc_sz, (gfp));			\
	})

#define monc_kcalloc(n, size, gfp)					\
	({								\
		size_t __monc_n = (n), __monc_sz = (size);		\
		monc_should_fail_alloc(__monc_sz) ? NULL :		\
			kcalloc(__monc_n, __monc_sz, (gfp));		\
	})

#define monc_kvmalloc(size, gfp)					\
	({								\
		size_t __monc_sz = (size);				\
		monc_should_fail_alloc(__monc_sz) ? NULL :		\
			kvmalloc(__monc_sz, (gfp));			\
	})

#define monc_kvzalloc(size, gfp)					\
	({								\
		size_t __monc_sz = (size);				\
		monc_should_fail_alloc(__monc_sz) ? NULL :		\
			kvzalloc(__monc_sz, (gfp));			\
	})

#define monc_kmemdup(src, len, gfp)					\
	({								\
		size_t __monc_sz = (len);				\
		monc_should_fail_alloc(__monc_sz) ? NULL :		\
			kmemdup((src), __monc_sz, (gfp));		\
	})

#define monc_kstrdup(s, gfp)						\
	({								\
		const char *__monc_s = (s);				\
		monc_should_fail_alloc(1) ? NULL :			\
			kstrdup(__monc_s, (gfp));			\
	})

/*
 * What the kernel allocates for monc: a socket and a client's debugfs
 * directory. An injected failure is -ENOMEM
 * (an ERR_PTR for the directory), as the real one would be.
 */
#define monc_sock_create_kern(net, family, type, proto, res)		\
	(monc_should_fail_alloc(1) ? -ENOMEM :				\
	 sock_create_kern((net), (family), (type), (proto), (res)))

#define monc_debugfs_create_dir(name, parent)				\
	(monc_should_fail_alloc(1) ? ERR_PTR(-ENOMEM) :		\
	 debugfs_create_dir((name), (parent)))

/* The crypto API allocates too; an injected failure is -ENOMEM. */
#define monc_crypto_alloc_sync_skcipher(name, type, mask)		\
	(monc_should_fail_alloc(1) ? ERR_PTR(-ENOMEM) :		\
	 crypto_alloc_sync_skcipher((name), (type), (mask)))
#define monc_crypto_alloc_skcipher(name, type, mask)			\
	(monc_should_fail_alloc(1) ? ERR_PTR(-ENOMEM) :		\
	 crypto_alloc_skcipher((name), (type), (mask)))
#define monc_crypto_alloc_shash(name, type, mask)			\
	(monc_should_fail_alloc(1) ? ERR_PTR(-ENOMEM) :		\
	 crypto_alloc_shash((name), (type), (mask)))
#define monc_skcipher_request_alloc(tfm, gfp)				\
	(monc_should_fail_alloc(1) ? NULL :				\
	 skcipher_request_alloc((tfm), (gfp)))
#define monc_crypto_alloc_aead(name, type, mask)			\
	(monc_should_fail_alloc(1) ? ERR_PTR(-ENOMEM) :		\
	 crypto_alloc_aead((name), (type), (mask)))
#define monc_aead_request_alloc(tfm, gfp)				\
	(monc_should_fail_alloc(1) ? NULL :				\
	 aead_request_alloc((tfm), (gfp)))
#define monc_sg_alloc_table(table, nents, gfp)				\
	(monc_should_fail_alloc(1) ? -ENOMEM :				\
	 sg_alloc_table((table), (nents), (gfp)))

#endif /* _MONC_FAULT_H */
