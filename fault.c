// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation-failure injection for monc: the debugfs knobs and the counters
 * behind the wrappers of fault.h. Built only with CONFIG_FAULT_INJECTION.
 *
 * "Fail the Nth allocation after arming" is a countdown: writing N to
 * fail_nth sets monc_fault_countdown to N; every wrapped allocation
 * decrements it, and the one that takes it from 1 to 0 fails. It counts
 * every monc allocation, in any task (kworkers included), which the
 * kernel's per-task /proc/<pid>/fail-nth cannot.
 *
 * Locking: atomics only; sites go on a lock-free llist once (their "seen"
 * flag is set with atomic_xchg), and the list only grows while the module
 * is loaded (the sites are statics of this module).
 */
#define pr_fmt(fmt) "monc: " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/llist.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <kunit/visibility.h>

#include "fault.h"

static atomic_t monc_fault_countdown = ATOMIC_INIT(0);
static atomic_t monc_fault_fired = ATOMIC_INIT(0);
static atomic_t monc_fault_allocs = ATOMIC_INIT(0);
static LLIST_HEAD(monc_fault_sites);
static DECLARE_FAULT_ATTR(monc_fail_alloc);
static struct monc_fault_site *monc_fault_last;
static struct monc_fault_site *monc_fault_armed_site;	/* fail_site */
static char monc_fault_armed_func[64];	/* fail_site by name; "" disarmed */
static atomic_t monc_fault_func_armed = ATOMIC_INIT(0);
static unsigned long monc_fault_last_caller;
static struct dentry *monc_fault_dir;

/**
 * monc_fault_hit - count an allocation and say whether it must fail
 * @site: the call site (from MONC_FAULT_SITE())
 * @size: the size asked for, for the fault_attr's filters
 * @caller: the return address of the function that allocates
 *
 * Return: true if the caller must behave as if the allocation failed.
 */
bool monc_fault_hit(struct monc_fault_site *site, size_t size,
		    unsigned long caller)
{
	bool fail = false;
	int left;

	if (!atomic_xchg(&site->seen, 1))
		llist_add(&site->node, &monc_fault_sites);
	atomic_inc(&site->hits);
	atomic_inc(&monc_fault_allocs);

	left = atomic_read(&monc_fault_countdown);
	while (left > 0) {
		if (atomic_try_cmpxchg(&monc_fault_countdown, &left, left - 1)) {
			fail = left == 1;
			break;
		}
	}
	if (!fail && READ_ONCE(monc_fault_armed_site) == site &&
	    cmpxchg(&monc_fault_armed_site, site, NULL) == site)
		fail = true;
	/* armed by function name: the name is written before the flag is set */
	if (!fail && atomic_read_acquire(&monc_fault_func_armed) &&
	    !strcmp(site->func, monc_fault_armed_func) &&
	    atomic_cmpxchg(&monc_fault_func_armed, 1, 0) == 1)
		fail = true;
	if (fail)
		atomic_inc(&monc_fault_fired);
	else
		fail = should_fail(&monc_fail_alloc, size);
	if (fail) {
		atomic_inc(&site->fails);
		WRITE_ONCE(monc_fault_last, site);
		WRITE_ONCE(monc_fault_last_caller, caller);
		pr_debug("injected allocation failure at %s:%d (%zu bytes)\n",
			 site->func, site->line, size);
	}
	return fail;
}

static int monc_fault_nth_get(void *data, u64 *val)
{
	*val = max(atomic_read(&monc_fault_countdown), 0);
	return 0;
}

static int monc_fault_nth_set(void *data, u64 val)
{
	if (val > INT_MAX)
		return -EINVAL;
	atomic_set(&monc_fault_allocs, 0);
	atomic_set(&monc_fault_countdown, (int)val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(monc_fault_nth_fops, monc_fault_nth_get,
			 monc_fault_nth_set, "%llu\n");

/*
 * Arm the next allocation at any site of function @func (seen or not):
 * once, in any task. An empty @func disarms.
 */
static int monc_fault_arm_func(const char *func)
{
	if (strlen(func) >= sizeof(monc_fault_armed_func))
		return -EINVAL;
	atomic_set(&monc_fault_func_armed, 0);
	if (!*func)
		return 0;
	strscpy(monc_fault_armed_func, func, sizeof(monc_fault_armed_func));
	atomic_set_release(&monc_fault_func_armed, 1);
	return 0;
}

/*
 * fail_site: "func:line" of a site seen since the module loaded arms it
 * (its next allocation fails, once, in any task); "func" alone arms the
 * next allocation at any site of that function, seen or not; "0" disarms
 * both. Reads back the armed site, or "none" once it fired.
 */
static ssize_t monc_fault_site_write(struct file *file, const char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	struct monc_fault_site *s, *found = NULL;
	char buf[128], *colon;
	int line, ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	strim(buf);
	if (!strcmp(buf, "0")) {
		WRITE_ONCE(monc_fault_armed_site, NULL);
		monc_fault_arm_func("");
		return len;
	}
	colon = strrchr(buf, ':');
	if (!colon) {
		ret = monc_fault_arm_func(buf);
		return ret ? ret : len;
	}
	if (kstrtoint(colon + 1, 10, &line))
		return -EINVAL;
	*colon = 0;
	llist_for_each_entry(s, READ_ONCE(monc_fault_sites.first), node)
		if (s->line == line && !strcmp(s->func, buf))
			found = s;
	if (!found)
		return -ENOENT;
	WRITE_ONCE(monc_fault_armed_site, found);
	return len;
}

static int monc_fault_site_show(struct seq_file *m, void *unused)
{
	struct monc_fault_site *s = READ_ONCE(monc_fault_armed_site);

	if (s)
		seq_printf(m, "%s:%d\n", s->func, s->line);
	else if (atomic_read_acquire(&monc_fault_func_armed))
		seq_printf(m, "%s\n", monc_fault_armed_func);
	else
		seq_puts(m, "none\n");
	return 0;
}

static int monc_fault_site_open(struct inode *inode, struct file *file)
{
	return single_open(file, monc_fault_site_show, NULL);
}

static const struct file_operations monc_fault_site_fops = {
	.owner = THIS_MODULE,
	.open = monc_fault_site_open,
	.read = seq_read,
	.write = monc_fault_site_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int monc_fault_reset_set(void *data, u64 val)
{
	struct monc_fault_site *s;

	llist_for_each_entry(s, monc_fault_sites.first, node) {
		atomic_set(&s->hits, 0);
		atomic_set(&s->fails, 0);
	}
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(monc_fault_reset_fops, NULL, monc_fault_reset_set,
			 "%llu\n");

static int monc_fault_sites_show(struct seq_file *m, void *unused)
{
	struct llist_node *first = READ_ONCE(monc_fault_sites.first);
	struct monc_fault_site *s;
	int n = 0, failed = 0;

	/* the sites hit since the last reset */
	llist_for_each_entry(s, first, node) {
		if (!atomic_read(&s->hits))
			continue;
		n++;
		if (atomic_read(&s->fails))
			failed++;
	}
	seq_printf(m, "sites=%d failed=%d\n", n, failed);
	llist_for_each_entry(s, first, node)
		if (atomic_read(&s->hits))
			seq_printf(m, "%s:%d hits %d fails %d\n", s->func,
				   s->line, atomic_read(&s->hits),
				   atomic_read(&s->fails));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(monc_fault_sites);

static int monc_fault_last_show(struct seq_file *m, void *unused)
{
	struct monc_fault_site *s = READ_ONCE(monc_fault_last);

	if (s)
		seq_printf(m, "%s:%d from %pS\n", s->func, s->line,
			   (void *)READ_ONCE(monc_fault_last_caller));
	else
		seq_puts(m, "none\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(monc_fault_last);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * monc_fault_test_arm - make the @nth wrapped allocation from now fail
 * @nth: as written to fail_nth (0 disarms); also zeroes the count of
 *	allocations monc_fault_test_allocs() returns
 */
void monc_fault_test_arm(int nth)
{
	monc_fault_nth_set(NULL, nth);
}
EXPORT_SYMBOL_IF_KUNIT(monc_fault_test_arm);

/**
 * monc_fault_test_arm_func - make the next allocation in @func fail, once
 * @func: the allocating function's name, as fail_site takes it without a
 *	line; "" disarms
 *
 * Return: 0, or -EINVAL for a name too long.
 */
int monc_fault_test_arm_func(const char *func)
{
	return monc_fault_arm_func(func);
}
EXPORT_SYMBOL_IF_KUNIT(monc_fault_test_arm_func);

/**
 * monc_fault_test_allocs - wrapped allocations since the last arm
 *
 * Return: the count.
 */
int monc_fault_test_allocs(void)
{
	return atomic_read(&monc_fault_allocs);
}
EXPORT_SYMBOL_IF_KUNIT(monc_fault_test_allocs);
#endif

/**
 * monc_fault_init - create the injection knobs under monc's debugfs root
 * @root: /sys/kernel/debug/monc, or NULL or an error pointer without debugfs
 */
void monc_fault_init(struct dentry *root)
{
	if (IS_ERR_OR_NULL(root))
		return;
	monc_fault_dir = debugfs_create_dir("fault", root);
	if (IS_ERR(monc_fault_dir)) {
		monc_fault_dir = NULL;
		return;
	}
	debugfs_create_file_unsafe("fail_nth", 0600, monc_fault_dir, NULL,
				   &monc_fault_nth_fops);
	debugfs_create_file("fail_site", 0600, monc_fault_dir, NULL,
			    &monc_fault_site_fops);
	debugfs_create_file_unsafe("reset", 0200, monc_fault_dir, NULL,
				   &monc_fault_reset_fops);
	debugfs_create_atomic_t("fired", 0400, monc_fault_dir,
				&monc_fault_fired);
	debugfs_create_atomic_t("allocs", 0400, monc_fault_dir,
				&monc_fault_allocs);
	debugfs_create_file("sites", 0400, monc_fault_dir, NULL,
			    &monc_fault_sites_fops);
	debugfs_create_file("last_fail", 0400, monc_fault_dir, NULL,
			    &monc_fault_last_fops);
	/* the attr starts at probability 0: it never fires until set */
	if (IS_ERR(fault_create_debugfs_attr("fail_alloc", monc_fault_dir,
					     &monc_fail_alloc)))
		pr_debug("no fail_alloc fault attr\n");
}

/**
 * monc_fault_exit - disarm and remove the knobs
 *
 * Called before the root goes, with no client left.
 */
void monc_fault_exit(void)
{
	atomic_set(&monc_fault_countdown, 0);
	WRITE_ONCE(monc_fault_armed_site, NULL);
	monc_fault_arm_func("");
	debugfs_remove_recursive(monc_fault_dir);
	monc_fault_dir = NULL;
}
