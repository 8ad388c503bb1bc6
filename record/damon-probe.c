// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel DAMON backend's probe (damon_backend_ops.probe): whether daprof could create its
 * own kdamond for a process or for physical memory, told without writing anything (so that
 * "daprof check" and "--backend auto" may ask), and the one-line reasons for a kernel without
 * DAMON's sysfs, without the operations set wanted, or with DAMON in use by someone else (another
 * sysfs kdamond, or one of the kernel's own DAMON modules, such as the DAMON_STAT that Debian's
 * 6.17 kernels start at boot), which start() gives too when it finds out later. Kept apart from
 * damon-sysfs.c, which drives the kdamond it creates, for the house limit on file length.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/damon-sysfs.h"
#include "record/nodes.h"
#include "record/why.h"

/* Count the kdamonds that exist and those that are on. Return: 0 or -errno. */
int damon_count_kdamonds(const char *root, long *nr, long *running)
{
	char path[PATH_MAX];
	char state[32];
	int err;

	*running = 0;
	snprintf(path, sizeof(path), "%s/kdamonds/nr_kdamonds", root);
	err = damon_read_long(path, nr);
	if (err)
		return err;
	for (long k = 0; k < *nr; k++) {
		snprintf(path, sizeof(path), "%s/kdamonds/%ld/state", root, k);
		if (damon_sysfs_read_retry(path, state, sizeof(state)) || strcmp(state, "off"))
			(*running)++;	/* unreadable counts as busy: never assume it is free */
	}
	return 0;
}

int damon_busy_reason(const char *root, long nr, long running, char *why, size_t len)
{
	if (running)
		rec_why(why, len, 0, "DAMON is in use by another kdamond (%ld of %ld running)",
			running, nr);
	else
		rec_why(why, len, 0, "DAMON is in use by another kdamond (%ld set up, not running; "
			"writing 0 to '%s/kdamonds/nr_kdamonds' frees them)", nr, root);
	return -EBUSY;
}

/*
 * The kernel's DAMON modules that run a kdamond of their own. Each starts it exclusive
 * (damon_start(..., true), mm/damon/core.c), and while one runs no sysfs kdamond can turn on.
 */
static const char *const damon_modules[] = { "damon_stat", "damon_reclaim", "damon_lru_sort" };

int damon_module_busy(const char *root, char *why, size_t len)
{
	const char *sys = getenv(REC_SYS_ROOT_ENV);
	char path[PATH_MAX];
	char val[32];
	size_t i;

	if (!sys || !*sys) {
		/* a fake DAMON tree (DAPROF_SYSFS_ROOT) has no modules of this kernel beside it */
		if (root && strcmp(root, DAMON_SYSFS_DEFAULT_ROOT))
			return 0;
		sys = "/sys";
	}
	for (i = 0; i < sizeof(damon_modules) / sizeof(*damon_modules); i++) {
		const char *m = damon_modules[i];
		int busy;

		/* kdamond_pid, where the module has it, is -1 unless its kdamond runs */
		snprintf(path, sizeof(path), "%s/module/%s/parameters/kdamond_pid", sys, m);
		if (!damon_read_small(path, val, sizeof(val))) {
			busy = atol(val) > 0;
		} else {
			snprintf(path, sizeof(path), "%s/module/%s/parameters/enabled", sys, m);
			busy = !damon_read_small(path, val, sizeof(val)) &&
			       (val[0] == 'Y' || val[0] == 'y' || val[0] == '1');
		}
		if (busy) {
			snprintf(path, sizeof(path), "%s/module/%s/parameters/enabled", sys, m);
			rec_why(why, len, 0, "DAMON is in use by the kernel's %s module (writing N to "
				"'%s' frees it)", m, path);
			return 1;
		}
	}
	return 0;
}

int damon_has_op(const char *list, const char *op)
{
	size_t l = strlen(op);

	for (const char *p = list; (p = strstr(p, op)); p += l)
		if ((p == list || p[-1] == ',') && (p[l] == ',' || p[l] == '\0'))
			return 1;
	return 0;
}

int damon_ops_reason(const char *avail, const char *op, char *why, size_t len)
{
	if (!strcmp(avail, "paddr"))
		rec_why(why, len, 0, "this kernel's DAMON offers only paddr");
	else
		rec_why(why, len, 0, "this kernel's DAMON does not offer %s (it offers: %s)", op,
			*avail ? avail : "nothing");
	return -EOPNOTSUPP;
}

int damon_backend_probe(const struct rec_params *p, char *why, size_t len)
{
	const char *root = damon_sysfs_root(p);
	const char *op = p->paddr ? "paddr" : "vaddr";
	char path[PATH_MAX];
	char avail[128];
	long nr;
	long running;
	int err;

	rec_why(why, len, 0, "%s", "");
	snprintf(path, sizeof(path), "%s/kdamonds/nr_kdamonds", root);
	if (access(path, F_OK)) {
		err = -errno;
		if (!strcmp(root, DAMON_SYSFS_DEFAULT_ROOT))
			rec_why(why, len, 0, "no DAMON sysfs interface (kernel without "
				"CONFIG_DAMON_SYSFS, or older than 5.18)");
		else
			rec_why(why, len, 0, "no DAMON sysfs interface at '%s'", root);
		return err == -ENOENT || err == -ENOTDIR ? -ENOENT : err;
	}
	/* what the kernel offers first: it is the answer that holds whoever asks */
	if (!damon_sysfs_avail_ops(root, avail, sizeof(avail)) && !damon_has_op(avail, op))
		return damon_ops_reason(avail, op, why, len);
	if (access(path, R_OK | W_OK)) {
		err = -errno;
		if (err == -EROFS)
			rec_why(why, len, 0, "DAMON sysfs is read-only here ('%s')", root);
		else
			rec_why(why, len, 0, "not root (DAMON's sysfs files are root-only)");
		return err;
	}
	err = damon_count_kdamonds(root, &nr, &running);
	if (err) {
		rec_why(why, len, 0, "cannot read '%s': %s", path, strerror(-err));
		return err;
	}
	if (nr)
		return damon_busy_reason(root, nr, running, why, len);
	if (damon_module_busy(root, why, len))
		return -EBUSY;
	if (!p->paddr && p->pid > 0 && kill(p->pid, 0) && errno == ESRCH) {
		rec_why(why, len, 0, "no process %d", (int)p->pid);
		return -ESRCH;
	}
	if (p->paddr && !p->nr_ranges) {
		struct rec_range *r;
		size_t n;

		err = damon_system_ram(NULL, &r, &n);
		if (err) {
			rec_why(why, len, 0, "cannot read System RAM ranges from /proc/iomem: %s",
				err == -EPERM ? "addresses hidden (not root)" : strerror(-err));
			return err;
		}
		free(r);
	}
	return 0;
}
