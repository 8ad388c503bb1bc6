// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel DAMON backend (damon_backend_ops): it creates its own kdamond through the DAMON sysfs
 * tree, gives it the target, intervals and region bounds, installs a "stat" scheme that matches
 * every region, and hands out one snapshot per aggregation interval, read either from the
 * damon:damon_aggregated tracepoint (damon-trace.c, the default where it works: it is exact in
 * time and far cheaper) or from the scheme's tried_regions directories.
 * With --intervals-goal it hands the goal to the kernel's own tuning (6.15) and follows the
 * intervals the kdamond picks; it states the kdamond's CPU time as the cost of monitoring, and
 * can change a running kdamond's intervals (damon_backend_apply()); damon-tune.c does the file
 * work of these.
 *
 * Rules it keeps (the kernel's mm/damon/sysfs.c; daprof-design-notes(7), note 6):
 * - features are told by the files that exist, never by the kernel version;
 * - it never modifies, stops or reuses a kdamond it did not create: writing nr_kdamonds
 *   recreates every kdamond directory, so it starts only when nr_kdamonds is 0;
 * - every write that may meet the sysfs lock (EBUSY from its trylock) is retried;
 * - stop() undoes everything start() did, on every path, and tolerates a kdamond that stopped
 *   by itself (EPERM/EINVAL on "off").
 * The same code runs against the real kernel and against tests/tools/fake-damon (a FUSE file
 * system that answers writes the way the kernel does), selected by the sysfs root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "record/damon-sysfs.h"
#include "record/nodes.h"
#include "record/damon-cost.h"
#include "record/why.h"

enum damon_source { SRC_TRIED, SRC_TRACE };

struct damon_backend {
	char root[PATH_MAX];
	char kd[PATH_MAX];		/* root/kdamonds/0 */
	char ctx[PATH_MAX];		/* kd/contexts/0 */
	char scheme[PATH_MAX];		/* ctx/schemes/0 */
	int created;			/* we grew nr_kdamonds from 0 to 1 */
	int on;				/* our "on" succeeded */
	int paddr;
	pid_t pid;
	pid_t kpid;
	uint64_t sample_us;
	uint64_t aggr_us;
	uint64_t update_us;
	uint32_t min_nr;
	uint32_t max_nr;
	size_t nr_ranges;
	char avail[128];		/* "vaddr,fvaddr,paddr" or "" when unknown */
	char features[512];
	int moving_avg;			/* tried_regions shows nr_accesses_bp/10000 (6.7+) */
	int walk;			/* 6.14+ damos_walk: data is of the aggregation just ended */
	enum damon_source src;
	char src_note[256];		/* why this source */
	struct damon_trace *trace;
	int tried_fd;			/* the scheme's tried_regions directory */
	struct dpf_region *regions;
	size_t alloc;
	uint64_t start_ns;		/* when "on" returned */
	uint64_t first_ns;		/* when the first snapshot was handed out */
	uint64_t last_end_ns;
	uint64_t snapshots;
	uint64_t missed;		/* aggregation intervals without a snapshot (estimate) */
	uint64_t read_ns;		/* time spent reading tried_regions */
	uint64_t next_target_check_ns;
	uint64_t empty;			/* tried_regions updates that came back empty */
	char last_error[256];
	/* the kernel's intervals tuning (damon-tune.c) */
	struct rec_intervals_goal goal;	/* asked; goal.aggrs 0: off */
	int tuning;			/* the goal is written: the kernel tunes */
	int refreshed;			/* refresh_ms keeps sample_us and aggr_us fresh (6.17) */
	uint64_t start_sample_us;	/* the intervals given at "on" */
	uint64_t start_aggr_us;
	char goal_note[200];		/* the start intervals were moved into the goal's bounds */
	uint64_t tune_changes;		/* snapshots after which the intervals had changed */
	uint64_t tune_min_us;		/* the shortest and longest sampling interval seen */
	uint64_t tune_max_us;
	uint64_t tune_errors;		/* failed reads of the tuned intervals */
	/* the cost: the kdamond's CPU time and ours, and an asked budget (damon-cost.c) */
	struct damon_cost cost;
	struct rec_intervals ruled;	/* what ruled the last snapshot (changes come after) */
	int ruled_set;
	uint32_t budget_bp;
};


/* ---- start ---- */

static void note_feature(struct damon_backend *d, const char *name, int present)
{
	size_t l = strlen(d->features);

	if (present)
		snprintf(d->features + l, sizeof(d->features) - l, "%s%s", l ? "," : "", name);
}

static void probe_features(struct damon_backend *d)
{
	d->features[0] = '\0';
	note_feature(d, "avail_operations", damon_exists("%s/avail_operations", d->ctx));
	note_feature(d, "addr_unit", damon_exists("%s/addr_unit", d->ctx));
	note_feature(d, "refresh_ms", damon_exists("%s/refresh_ms", d->kd));
	note_feature(d, "intervals_goal",
		     damon_exists("%s/monitoring_attrs/intervals/intervals_goal", d->ctx));
	note_feature(d, "apply_interval_us", damon_exists("%s/apply_interval_us", d->scheme));
	note_feature(d, "tried_regions", damon_exists("%s/tried_regions", d->scheme));
	note_feature(d, "total_bytes", damon_exists("%s/tried_regions/total_bytes", d->scheme));
	note_feature(d, "filters", damon_exists("%s/filters", d->scheme));
	note_feature(d, "core_filters", damon_exists("%s/core_filters", d->scheme));
	note_feature(d, "quota_goals", damon_exists("%s/quotas/goals", d->scheme));
	note_feature(d, "nr_snapshots", damon_exists("%s/stats/nr_snapshots", d->scheme));
	note_feature(d, "sz_ops_filter_passed", damon_exists("%s/stats/sz_ops_filter_passed", d->scheme));
	/* tried_regions' nr_accesses is the moving average since apply_interval_us came (6.7) */
	d->moving_avg = damon_exists("%s/apply_interval_us", d->scheme);
	/* sz_ops_filter_passed came with damos_walk (6.14): a walk returns at the aggregation */
	d->walk = damon_exists("%s/stats/sz_ops_filter_passed", d->scheme);
}

static int set_attrs(struct damon_backend *d, const struct rec_params *p)
{
	const char *m = d->ctx;
	int err;

	if ((err = damon_wr_u64(d->sample_us, "%s/monitoring_attrs/intervals/sample_us", m)) ||
	    (err = damon_wr_u64(d->aggr_us, "%s/monitoring_attrs/intervals/aggr_us", m)) ||
	    (err = damon_wr_u64(d->update_us, "%s/monitoring_attrs/intervals/update_us", m)) ||
	    (err = damon_wr_u64(d->min_nr, "%s/monitoring_attrs/nr_regions/min", m)) ||
	    (err = damon_wr_u64(d->max_nr, "%s/monitoring_attrs/nr_regions/max", m)))
		return err;
	(void)p;
	return 0;
}

/*
 * paddr starts from the regions it is given, unlike vaddr, whose init splits its three regions
 * into min_nr_regions pieces. Split the ranges the same way (in proportion to their sizes,
 * page-aligned), so that a paddr recording has its resolution from the first snapshot.
 */
static int write_paddr_regions(struct damon_backend *d, const struct rec_range *r, size_t n)
{
	const uint64_t page = 4096;
	uint64_t total = 0;
	uint64_t nr = 0;
	uint64_t idx = 0;
	int err;

	for (size_t i = 0; i < n; i++)
		total += r[i].end - r[i].start;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			uint64_t sz = r[i].end - r[i].start;
			uint64_t pieces = total ? (uint64_t)((double)d->min_nr * sz / total + 0.5) : 1;
			uint64_t step;
			uint64_t at = r[i].start;

			if (pieces < 1)
				pieces = 1;
			step = (sz / pieces) & ~(page - 1);
			if (!step) {
				step = sz;
				pieces = 1;
			}
			for (uint64_t k = 0; k < pieces; k++) {
				uint64_t end = k + 1 == pieces ? r[i].end : at + step;

				if (!pass) {
					nr++;
				} else {
					if ((err = damon_wr_u64(at, "%s/targets/0/regions/%llu/start", d->ctx,
							  (unsigned long long)idx)) ||
					    (err = damon_wr_u64(end, "%s/targets/0/regions/%llu/end", d->ctx,
							  (unsigned long long)idx)))
						return err;
					idx++;
				}
				at = end;
			}
		}
		if (!pass && (err = damon_wr_u64(nr, "%s/targets/0/regions/nr_regions", d->ctx)))
			return err;
	}
	return 0;
}

static int set_target(struct damon_backend *d, const struct rec_params *p, char *why, size_t len)
{
	const struct rec_range *r = p->ranges;
	struct rec_range *own = NULL;
	size_t n = p->nr_ranges;
	int err;

	if ((err = damon_wr("1", "%s/targets/nr_targets", d->ctx)))
		return err;
	if (!d->paddr)
		return damon_wr_u64((uint64_t)p->pid, "%s/targets/0/pid_target", d->ctx);
	if (!r || !n) {
		err = damon_system_ram(NULL, &own, &n);
		if (err) {
			rec_why(why, len, 0, "cannot read System RAM ranges from /proc/iomem: %s",
				err == -EPERM ? "addresses hidden (not root)" : strerror(-err));
			return err;
		}
		r = own;
	}
	d->nr_ranges = n;
	err = write_paddr_regions(d, r, n);
	free(own);
	return err;
}

/* A stat scheme whose access pattern matches every region, with no quota and no watermarks. */
static int set_scheme(struct damon_backend *d)
{
	const char *s = d->scheme;
	int err;

	if ((err = damon_wr("1", "%s/schemes/nr_schemes", d->ctx)) ||
	    (err = damon_wr("stat", "%s/action", s)) ||
	    (err = damon_wr("0", "%s/access_pattern/sz/min", s)) ||
	    (err = damon_wr_u64(ULONG_MAX, "%s/access_pattern/sz/max", s)) ||
	    (err = damon_wr("0", "%s/access_pattern/nr_accesses/min", s)) ||
	    (err = damon_wr_u64(UINT_MAX, "%s/access_pattern/nr_accesses/max", s)) ||
	    (err = damon_wr("0", "%s/access_pattern/age/min", s)) ||
	    (err = damon_wr_u64(UINT_MAX, "%s/access_pattern/age/max", s)) ||
	    (err = damon_wr("0", "%s/quotas/ms", s)) ||
	    (err = damon_wr("0", "%s/quotas/bytes", s)) ||
	    (err = damon_wr("none", "%s/watermarks/metric", s)))
		return err;
	if (damon_exists("%s/apply_interval_us", s) && (err = damon_wr("0", "%s/apply_interval_us", s)))
		return err;
	return 0;
}

/* Undo start(): our kdamond off, nr_kdamonds back to 0. Return: the first error. */
static int teardown(struct damon_backend *d)
{
	int ret = 0;
	int err;

	if (d->on) {
		err = damon_wr("off", "%s/state", d->kd);
		/* EPERM: it stopped by itself (target gone); EINVAL: it never ran */
		if (err && err != -EPERM && err != -EINVAL)
			ret = err;
		d->on = 0;
	}
	if (d->created) {
		err = damon_wr("0", "%s/kdamonds/nr_kdamonds", d->root);
		if (err && !ret)
			ret = err;
		if (!err)
			d->created = 0;
	}
	return ret;
}

/*
 * The kernel's tuning, when asked (start() refused already when the kernel lacks it): the goal's
 * files, and refresh_ms where the kernel has it, so that reading the tuned intervals does not
 * need a damon_call() per snapshot (which waits for the kdamond's next sample, up to the
 * goal's longest sampling interval).
 */
static int set_goal(struct damon_backend *d, char *why, size_t len)
{
	uint64_t ms = d->aggr_us / 1000;
	int err;

	if (!d->goal.aggrs)
		return 0;
	err = damon_goal_write(d->ctx, &d->goal);
	if (err)
		return rec_why(why, len, err, "cannot set the intervals goal: %s", strerror(-err));
	if (damon_exists("%s/refresh_ms", d->kd)) {
		err = damon_wr_u64(ms < 1 ? 1 : ms > 1000 ? 1000 : ms, "%s/refresh_ms", d->kd);
		if (err)
			return rec_why(why, len, err, "cannot set refresh_ms: %s", strerror(-err));
		d->refreshed = 1;
	}
	d->tuning = 1;
	d->tune_min_us = d->tune_max_us = d->sample_us;
	return 0;
}

static int turn_on(struct damon_backend *d, const struct rec_params *p, char *why, size_t len)
{
	int err = damon_wr("on", "%s/state", d->kd);

	if (!err) {
		d->on = 1;
		return 0;
	}
	if (err == -EINVAL && !d->paddr && kill(p->pid, 0) && errno == ESRCH) {
		rec_why(why, len, 0, "no process %d", (int)p->pid);
		return -ESRCH;
	}
	if (err == -EINVAL && !*d->avail)
		rec_why(why, len, 0, "the kernel refused to start a %s kdamond (its DAMON may not "
			"offer %s)", d->paddr ? "paddr" : "vaddr", d->paddr ? "paddr" : "vaddr");
	else if (err == -EINVAL)
		rec_why(why, len, 0, "the kernel refused the monitoring parameters (sample %llu us, "
			"aggr %llu us, regions %u..%u)", (unsigned long long)d->sample_us,
			(unsigned long long)d->aggr_us, d->min_nr, d->max_nr);
	else if (err == -EBUSY && !damon_module_busy(d->root, why, len))
		rec_why(why, len, 0, "DAMON is in use by another kdamond (an exclusive DAMON user "
			"such as DAMON_RECLAIM is running)");
	else
		rec_why(why, len, 0, "cannot turn the kdamond on: %s", strerror(-err));
	return err;
}

static int choose_source(struct damon_backend *d, char *why, size_t len)
{
	const char *want = getenv(DAMON_ENV_SOURCE);
	char dir[PATH_MAX];
	char path[PATH_MAX];
	char reason[200] = "";
	int err = -ENOENT;

	if (!want || !*want)
		want = "auto";
	if (strcmp(want, "auto") && strcmp(want, "tracepoint") && strcmp(want, "tried_regions")) {
		rec_why(why, len, 0, "%s must be auto, tracepoint or tried_regions, not '%s'",
			DAMON_ENV_SOURCE, want);
		return -EINVAL;
	}
	if (strcmp(want, "tried_regions")) {
		if (damon_tracefs_event_dir(dir, sizeof(dir)))
			rec_why(reason, sizeof(reason), 0, "no damon:damon_aggregated event in tracefs");
		else if (!damon_is_kdamond(d->kpid))
			rec_why(reason, sizeof(reason), 0, "pid %d is not a kdamond kernel thread",
				(int)d->kpid);
		else
			err = damon_trace_open(&d->trace, dir, d->kpid, d->max_nr, d->aggr_us,
					       reason, sizeof(reason));
		if (!err) {
			d->src = SRC_TRACE;
			rec_why(d->src_note, sizeof(d->src_note), 0, "%s", dir);
			return 0;
		}
		if (!strcmp(want, "tracepoint")) {
			rec_why(why, len, 0, "cannot use the damon_aggregated tracepoint: %s", reason);
			return err ? err : -ENOENT;
		}
	}
	snprintf(path, sizeof(path), "%s/tried_regions", d->scheme);
	d->tried_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->tried_fd < 0) {
		err = -errno;
		rec_why(why, len, 0, "this kernel's DAMON has no tried_regions (it came in 6.2)%s%s",
			*reason ? " and " : "", reason);
		return err == -ENOENT ? -EOPNOTSUPP : err;
	}
	d->src = SRC_TRIED;
	rec_why(d->src_note, sizeof(d->src_note), 0, "%s", *reason ? reason : "asked for");
	return 0;
}

static int check_params(const struct rec_params *p, char *why, size_t len)
{
	if (!p->paddr && p->pid <= 0) {
		rec_why(why, len, 0, "no target pid");
		return -EINVAL;
	}
	if (!p->sample_us || !p->aggr_us || p->sample_us > p->aggr_us) {
		rec_why(why, len, 0, "the sampling interval must be non-zero and not longer than the "
			"aggregation interval");
		return -EINVAL;
	}
	if (p->min_nr_regions < 3 || p->min_nr_regions > p->max_nr_regions) {
		rec_why(why, len, 0, "kernel DAMON needs 3 <= min regions <= max regions (got %u..%u)",
			p->min_nr_regions, p->max_nr_regions);
		return -EINVAL;
	}
	return 0;
}

static int damon_start(struct rec_backend **out, const struct rec_params *p, char *why,
		       size_t len)
{
	struct damon_backend *d;
	const char *op = p->paddr ? "paddr" : "vaddr";
	long nr;
	long running;
	long kpid;
	char path[PATH_MAX];
	int err;

	*out = NULL;
	rec_why(why, len, 0, "%s", "");
	err = check_params(p, why, len);
	if (err)
		return err;
	err = damon_backend_probe(p, why, len);
	if (err)
		return err;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->tried_fd = -1;
	d->paddr = p->paddr;
	d->pid = p->paddr ? 0 : p->pid;
	d->sample_us = p->sample_us;
	d->aggr_us = p->aggr_us;
	d->update_us = p->update_us ? p->update_us : 1000000;
	d->min_nr = p->min_nr_regions;
	d->max_nr = p->max_nr_regions;
	d->goal = p->goal;
	/* the kdamond's cost is the kernel's: only an asked budget is kept (design note 57) */
	d->budget_bp = p->max_overhead_default ? 0 : p->max_overhead_bp;
	if (damon_goal_fit(&d->goal, &d->sample_us, &d->aggr_us))
		rec_why(d->goal_note, sizeof(d->goal_note), 0, "the sampling interval %llu us was "
			"moved into the goal's %llu..%llu us (aggregation %llu us: the same "
			"samples per aggregation), as the kernel demands",
			(unsigned long long)p->sample_us, (unsigned long long)d->goal.min_sample_us,
			(unsigned long long)d->goal.max_sample_us, (unsigned long long)d->aggr_us);
	d->start_sample_us = d->sample_us;
	d->start_aggr_us = d->aggr_us;
	snprintf(d->root, sizeof(d->root), "%s", damon_sysfs_root(p));
	snprintf(d->kd, sizeof(d->kd), "%s/kdamonds/0", d->root);
	snprintf(d->ctx, sizeof(d->ctx), "%s/contexts/0", d->kd);
	snprintf(d->scheme, sizeof(d->scheme), "%s/schemes/0", d->ctx);

	/* a kernel module's exclusive kdamond would refuse "on" only after everything is set up */
	if (damon_module_busy(d->root, why, len)) {
		free(d);
		return -EBUSY;
	}
	err = damon_wr("1", "%s/kdamonds/nr_kdamonds", d->root);
	if (err) {
		if (err == -EBUSY && !damon_count_kdamonds(d->root, &nr, &running) && nr)
			damon_busy_reason(d->root, nr, running, why, len);
		else if (err == -EBUSY)
			rec_why(why, len, 0, "DAMON sysfs stayed busy for %d s (another writer holds "
				"its lock)", DAMON_BUSY_RETRY_MS / 1000);
		else
			rec_why(why, len, 0, "cannot create a kdamond: %s", strerror(-err));
		free(d);
		return err;
	}
	d->created = 1;
	err = damon_wr("1", "%s/contexts/nr_contexts", d->kd);
	if (err) {
		rec_why(why, len, 0, "cannot create a DAMON context: %s", strerror(-err));
		goto out_teardown;
	}
	/* avail_operations came in 5.19; without it "on" tells whether the ops exist */
	if (damon_sysfs_read_retry(strcat(strcpy(path, d->ctx), "/avail_operations"), d->avail,
			     sizeof(d->avail)))
		d->avail[0] = '\0';
	for (char *c = d->avail; *c; c++)
		if (*c == '\n')
			*c = ',';
	if (*d->avail && !damon_has_op(d->avail, op)) {
		err = damon_ops_reason(d->avail, op, why, len);
		goto out_teardown;
	}
	if (d->goal.aggrs && !damon_exists("%s/monitoring_attrs/intervals/intervals_goal", d->ctx)) {
		rec_why(why, len, 0, "this kernel's DAMON cannot tune its intervals (intervals_goal "
			"came in Linux 6.15): use --intervals-goal off, or the sampler backend");
		err = -EOPNOTSUPP;
		goto out_teardown;
	}
	err = damon_wr(op, "%s/operations", d->ctx);
	if (err) {
		rec_why(why, len, 0, "cannot select the '%s' operations: %s", op, strerror(-err));
		goto out_teardown;
	}
	err = set_attrs(d, p);
	if (err) {
		rec_why(why, len, 0, "cannot set the monitoring attributes: %s", strerror(-err));
		goto out_teardown;
	}
	err = set_target(d, p, why, len);
	if (err) {
		if (!*why)
			rec_why(why, len, 0, "cannot set the monitoring target: %s", strerror(-err));
		goto out_teardown;
	}
	err = set_scheme(d);
	if (err) {
		rec_why(why, len, 0, "cannot install the stat scheme: %s", strerror(-err));
		goto out_teardown;
	}
	probe_features(d);
	err = set_goal(d, why, len);
	if (err)
		goto out_teardown;
	err = turn_on(d, p, why, len);
	if (err)
		goto out_teardown;
	d->start_ns = damon_now_ns();
	snprintf(path, sizeof(path), "%s/pid", d->kd);
	if (!damon_read_long(path, &kpid))
		d->kpid = (pid_t)kpid;
	{
		struct rec_intervals iv = { .sample_us = d->sample_us, .aggr_us = d->aggr_us,
					    .update_us = d->update_us, .min_nr_regions = d->min_nr,
					    .max_nr_regions = d->max_nr };

		damon_cost_start(&d->cost, d->kpid, d->start_ns, d->budget_bp, &iv, !d->tuning);
	}
	err = choose_source(d, why, len);
	if (err)
		goto out_teardown;
	*out = (struct rec_backend *)d;
	return 0;

out_teardown:
	teardown(d);
	if (d->trace)
		damon_trace_close(d->trace);
	if (d->tried_fd >= 0)
		close(d->tried_fd);
	free(d);
	return err;
}

/* ---- snapshots ---- */

/*
 * A vaddr target that exited but was not reaped yet still counts as alive for DAMON (its pid
 * exists), so the kdamond would go on monitoring an empty address space until the parent reaps
 * it. Look at /proc/PID/stat at most once a second and end the recording then.
 */
static int target_gone(struct damon_backend *d)
{
	char path[64];
	char buf[512];
	const char *p;
	uint64_t now;

	if (d->paddr || d->pid <= 0)
		return 0;
	now = damon_now_ns();
	if (now < d->next_target_check_ns)
		return 0;
	d->next_target_check_ns = now + 1000000000ull;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)d->pid);
	if (damon_read_small(path, buf, sizeof(buf)))
		return 1;
	p = strrchr(buf, ')');
	return p && (p[2] == 'Z' || p[2] == 'X');
}

static int kdamond_off(struct damon_backend *d)
{
	char path[PATH_MAX];
	char state[32];

	snprintf(path, sizeof(path), "%s/state", d->kd);
	if (damon_sysfs_read_retry(path, state, sizeof(state)))
		return 0;	/* cannot tell: assume it runs */
	return !strcmp(state, "off");
}

static int read_u64_at(int dirfd, const char *name, uint64_t *v)
{
	char buf[32];
	int err = damon_read_small_at(dirfd, name, buf, sizeof(buf));

	if (!err)
		*v = strtoull(buf, NULL, 0);
	return err;
}

static int cmp_region(const void *a, const void *b)
{
	const struct dpf_region *x = a;
	const struct dpf_region *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Read every tried_regions/<N>/ there is. The names are not 0..count-1 on every kernel: Linux
 * 6.17.13 went on counting across updates, in steps of two ("1 3 5", then "11 13 ..."), so the
 * directory is listed rather than counted. Return: the count or -errno.
 */
static long read_tried(struct damon_backend *d)
{
	char name[300];
	size_t n = 0;
	int sorted = 1;
	int fd = openat(d->tried_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	long ret = 0;

	if (!dir) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		return ret;
	}
	while ((e = readdir(dir))) {
		static const char *const field[] = { "start", "end", "nr_accesses", "age" };
		uint64_t v[4], start, end, nr, age;
		const char *dn = e->d_name;
		int err;

		if (!*dn || strspn(dn, "0123456789") != strlen(dn))
			continue;	/* ".", "..", total_bytes */
		/* a directory listed but gone: an update under us; take the next snapshot */
		for (size_t i = 0; i < 4 && !ret; i++) {
			snprintf(name, sizeof(name), "%s/%s", dn, field[i]);
			if ((err = read_u64_at(d->tried_fd, name, &v[i])))
				ret = err == -ENOENT ? -EAGAIN : err;
		}
		if (ret)
			break;
		start = v[0], end = v[1], nr = v[2], age = v[3];
		if (end <= start)
			continue;
		if (n == d->alloc) {
			size_t want = d->alloc ? d->alloc * 2 : 256;
			struct dpf_region *r = realloc(d->regions, want * sizeof(*r));

			if (!r) {
				ret = -ENOMEM;
				break;
			}
			d->regions = r;
			d->alloc = want;
		}
		if (n && start < d->regions[n - 1].start)
			sorted = 0;
		d->regions[n].start = start;
		d->regions[n].end = end;
		d->regions[n].nr_accesses = nr > UINT32_MAX ? UINT32_MAX : (uint32_t)nr;
		d->regions[n].age = age > UINT32_MAX ? UINT32_MAX : (uint32_t)age;
		n++;
	}
	closedir(dir);
	if (ret)
		return ret;
	if (!sorted)
		qsort(d->regions, n, sizeof(*d->regions), cmp_region);
	/* the dpf format wants non-overlapping regions; DAMON gives them, but be sure */
	for (size_t i = 1; i < n; i++)
		if (d->regions[i].start < d->regions[i - 1].end)
			d->regions[i].start = d->regions[i - 1].end;
	return (long)n;
}

static void account(struct damon_backend *d, struct dpf_snapshot *s)
{
	uint64_t aggr_ns = d->aggr_us * 1000;

	if (d->last_end_ns && s->end_ns > d->last_end_ns + aggr_ns + aggr_ns / 2)
		d->missed += (s->end_ns - d->last_end_ns + aggr_ns / 2) / aggr_ns - 1;
	d->last_end_ns = s->end_ns;
	if (!d->snapshots++)
		d->first_ns = damon_now_ns();
}

static int next_tried(struct damon_backend *d, struct dpf_snapshot *s)
{
	uint64_t aggr_ns = d->aggr_us * 1000;
	uint64_t t0;
	uint64_t t1;
	long n;
	int err;

	t0 = damon_now_ns();
	/* blocks until the scheme went through one apply pass (about one aggregation) */
	err = damon_wr("update_schemes_tried_regions", "%s/state", d->kd);
	t1 = damon_now_ns();
	if (kdamond_off(d))
		return -ESRCH;	/* the kdamond stopped by itself: every target is gone */
	if (err) {
		snprintf(d->last_error, sizeof(d->last_error),
			 "update_schemes_tried_regions failed: %s", strerror(-err));
		return err;
	}
	n = read_tried(d);
	d->read_ns += damon_now_ns() - t1;
	if (n == -EAGAIN)	/* directories went away under us: take the next one */
		return 0;
	if (n == 0) {
		/*
		 * Before 6.14 an update can finish (by its timeout) before the apply pass added
		 * any region; a target always has regions, so this is no snapshot.
		 */
		d->empty++;
		return 0;
	}
	if (n < 0) {
		snprintf(d->last_error, sizeof(d->last_error), "cannot read tried_regions: %s",
			 strerror((int)-n));
		return (int)n;
	}
	s->target = 0;
	s->nr_regions = (uint32_t)n;
	s->regions = d->regions;
	/*
	 * The regions are those of the first aggregation after the request: before 6.14 the
	 * write returns one aggregation (plus up to 100 ms of polling) later, since then right
	 * after it.
	 */
	s->end_ns = d->walk ? t1 : (t1 < t0 + aggr_ns ? t1 : t0 + aggr_ns);
	if (d->last_end_ns && s->end_ns <= d->last_end_ns)
		s->end_ns = d->last_end_ns + 1;
	s->start_ns = s->end_ns > aggr_ns ? s->end_ns - aggr_ns : 0;
	if (d->last_end_ns && s->start_ns < d->last_end_ns)
		s->start_ns = d->last_end_ns;
	account(d, s);
	return 1;
}

static int next_trace(struct damon_backend *d, struct dpf_snapshot *s, int timeout_ms)
{
	int ret = damon_trace_next(d->trace, s, timeout_ms);

	if (ret == 1) {
		if (d->last_end_ns && s->start_ns < d->last_end_ns)
			s->start_ns = d->last_end_ns;
		account(d, s);
		return 1;
	}
	if (ret == 0 && kdamond_off(d)) {
		/* hand out what the kdamond wrote before it stopped, then report the end */
		ret = damon_trace_next(d->trace, s, 0);
		if (ret == 1) {
			account(d, s);
			return 1;
		}
		return -ESRCH;
	}
	return ret;
}

/* The intervals in force after the kernel tuned them, for intervals() and the trace reader. */
static void follow_tuning(struct damon_backend *d)
{
	uint64_t sample_us;
	uint64_t aggr_us;

	if (!d->tuning)
		return;
	if (damon_tuned_read(d->kd, d->ctx, d->refreshed, &sample_us, &aggr_us)) {
		d->tune_errors++;
		return;
	}
	if (sample_us == d->sample_us && aggr_us == d->aggr_us)
		return;
	d->tune_changes++;
	d->sample_us = sample_us;
	d->aggr_us = aggr_us;
	if (sample_us < d->tune_min_us)
		d->tune_min_us = sample_us;
	if (sample_us > d->tune_max_us)
		d->tune_max_us = sample_us;
	if (d->trace)
		damon_trace_set_aggr(d->trace, aggr_us);
}

static void damon_intervals(struct rec_backend *b, struct rec_intervals *out);

/*
 * The cost of the window that just ended: the kdamond's CPU time (kernel monitoring runs there,
 * not in our process) plus ours. Under an asked budget the controller's answer is committed
 * online, and a change the kernel refuses leaves what runs.
 */
static void measure_cost(struct damon_backend *d)
{
	struct rec_intervals iv;

	if (!damon_cost_window(&d->cost, damon_now_ns(), &iv))
		return;
	if (damon_backend_apply((struct rec_backend *)d, &iv, NULL, 0)) {
		damon_intervals((struct rec_backend *)d, &iv);
		damon_cost_refused(&d->cost, &iv);
	}
}

static int damon_next_snapshot(struct rec_backend *b, struct dpf_snapshot *s, int timeout_ms)
{
	struct damon_backend *d = (struct damon_backend *)b;
	int ret;

	if (!d->on || target_gone(d))
		return -ESRCH;
	if (d->src == SRC_TRACE)
		ret = next_trace(d, s, timeout_ms);
	else
		ret = next_tried(d, s);
	if (ret == 1) {
		/* a change seen or made now rules the snapshots after this one, not this one */
		damon_intervals(b, &d->ruled);
		d->ruled_set = 1;
		follow_tuning(d);
		measure_cost(d);
	}
	return ret;
}

/* damon_backend_ops.intervals: those that ruled the last snapshot returned. */
static void damon_snapshot_intervals(struct rec_backend *b, struct rec_intervals *out)
{
	struct damon_backend *d = (struct damon_backend *)b;

	if (d->ruled_set)
		*out = d->ruled;
	else
		damon_intervals(b, out);
}

/* The intervals in force now. */
static void damon_intervals(struct rec_backend *b, struct rec_intervals *out)
{
	struct damon_backend *d = (struct damon_backend *)b;

	out->sample_us = d->sample_us;
	out->aggr_us = d->aggr_us;
	out->update_us = d->update_us;
	out->min_nr_regions = d->min_nr;
	out->max_nr_regions = d->max_nr;
	out->cause = d->cost.ovh_on ? DPF_IV_BUDGET : DPF_IV_KERNEL;
}

int damon_backend_apply(struct rec_backend *b, const struct rec_intervals *iv, char *why,
			size_t len)
{
	struct damon_backend *d = (struct damon_backend *)b;
	int err;

	if (!d->on)
		return rec_why(why, len, -ESRCH, "the kdamond is not running");
	err = damon_intervals_valid(iv, d->tuning ? &d->goal : NULL, why, len);
	if (err)
		return err;
	err = damon_apply_online(d->kd, d->ctx, iv, d->tuning ? &d->goal : NULL, why, len);
	if (err) {
		/* the staged files must not differ from what runs: the next commit would take them */
		struct rec_intervals old;

		damon_intervals(b, &old);
		damon_apply_online(d->kd, d->ctx, &old, NULL, NULL, 0);
		return err;
	}
	d->sample_us = iv->sample_us;
	d->aggr_us = iv->aggr_us;
	if (iv->update_us)
		d->update_us = iv->update_us;
	d->min_nr = iv->min_nr_regions;
	d->max_nr = iv->max_nr_regions;
	if (d->trace)
		damon_trace_set_aggr(d->trace, d->aggr_us);
	return 0;
}

/* ---- metadata and stop ---- */

static int damon_describe(struct rec_backend *b, struct dpf_meta *m)
{
	struct damon_backend *d = (struct damon_backend *)b;
	struct damon_trace_stats st = { 0 };
	struct utsname u;
	int err = 0;

	if (d->trace)
		damon_trace_stats(d->trace, &st);
#define SET(k, v) do { if (!err) err = dpf_meta_set(m, k, v); } while (0)
#define SETF(k, ...) do { if (!err) err = dpf_meta_setf(m, k, __VA_ARGS__); } while (0)
	SET("backend", "damon");
	SET("ops", d->paddr ? "paddr" : "vaddr");
	SET("primitive", "kernel");
	SET("primitive_sees", "reads+writes, sampled page (kernel DAMON)");
	SETF("sample_us", "%llu", (unsigned long long)d->start_sample_us);
	SETF("aggr_us", "%llu", (unsigned long long)d->start_aggr_us);
	SETF("update_us", "%llu", (unsigned long long)d->update_us);
	SETF("min_nr_regions", "%u", d->min_nr);
	SETF("max_nr_regions", "%u", d->max_nr);
	if (!uname(&u))
		SET("kernel", u.release);
	SET("damon.sysfs_root", d->root);
	SET("damon.avail_operations", *d->avail ? d->avail : "unknown");
	SET("damon.features", d->features);
	SETF("damon.kdamond_pid", "%d", (int)d->kpid);
	if (d->paddr) {
		uint64_t block_size;
		char *layout;

		SETF("damon.paddr_ranges", "%zu", d->nr_ranges);
		/* the node layout, for report hot's labels (design note 29); none: no labels */
		if (!rec_node_layout(getenv(REC_SYS_ROOT_ENV), &block_size, &layout)) {
			SETF("phys.memory_block_size", "%llu", (unsigned long long)block_size);
			SET("phys.node_blocks", layout);
			free(layout);
		}
	}
	SET("damon.snapshot_source", d->src == SRC_TRACE ? "tracepoint" : "tried_regions");
	SET("damon.snapshot_source_note", d->src_note);
	if (d->src == SRC_TRACE)
		SET("damon.nr_accesses", "samples that saw an access in the aggregation interval");
	else if (d->moving_avg)
		SET("damon.nr_accesses", "moving average of samples per aggregation interval "
		    "(nr_accesses_bp/10000)");
	else
		SET("damon.nr_accesses", "samples that saw an access in the aggregation interval");
	SETF("damon.snapshots", "%llu", (unsigned long long)d->snapshots);
	/* the tracepoint sees every aggregation; tried_regions may skip some (time-gap estimate) */
	if (d->src == SRC_TRIED) {
		SETF("damon.missed_aggregations", "%llu", (unsigned long long)d->missed);
		SETF("damon.empty_tried_regions", "%llu", (unsigned long long)d->empty);
		SETF("damon.tried_regions_read_ms", "%.1f", d->read_ns / 1e6);
	}
	if (d->snapshots)
		SETF("damon.first_snapshot_ms", "%.1f", (d->first_ns - d->start_ns) / 1e6);
	if (d->goal.aggrs) {
		SETF("damon.intervals_goal", "access_bp=%u,aggrs=%u,min_sample_us=%llu,"
		     "max_sample_us=%llu", d->goal.access_bp, d->goal.aggrs,
		     (unsigned long long)d->goal.min_sample_us,
		     (unsigned long long)d->goal.max_sample_us);
		if (d->refreshed)
			SET("damon.intervals_tuning", "kernel (read back through refresh_ms)");
		else
			SET("damon.intervals_tuning", "kernel (read back by update_tuned_intervals)");
		if (*d->goal_note)
			SET("damon.intervals_goal_note", d->goal_note);
		SETF("damon.intervals_changes", "%llu", (unsigned long long)d->tune_changes);
		SETF("damon.sample_us_range", "%llu-%llu", (unsigned long long)d->tune_min_us,
		     (unsigned long long)d->tune_max_us);
		SETF("damon.last_sample_us", "%llu", (unsigned long long)d->sample_us);
		SETF("damon.last_aggr_us", "%llu", (unsigned long long)d->aggr_us);
		if (d->tune_errors)
			SETF("damon.intervals_read_errors", "%llu",
			     (unsigned long long)d->tune_errors);
	} else {
		SET("damon.intervals_tuning", "off");
	}
	if (!err)
		err = damon_cost_describe(&d->cost, damon_now_ns(), m);
	if (d->src == SRC_TRACE) {
		SETF("damon.trace_events", "%llu", (unsigned long long)st.events);
		SETF("damon.trace_lost", "%llu", (unsigned long long)st.lost);
		SETF("damon.trace_dropped_snapshots", "%llu", (unsigned long long)st.dropped);
	}
#undef SET
#undef SETF
	return err;
}

int damon_backend_stop(struct rec_backend *b)
{
	struct damon_backend *d = (struct damon_backend *)b;
	int err;

	if (!d)
		return 0;
	if (d->trace)
		damon_trace_close(d->trace);
	d->trace = NULL;
	err = teardown(d);
	if (d->tried_fd >= 0)
		close(d->tried_fd);
	free(d->regions);
	free(d);
	return err;
}

const char *damon_backend_last_error(struct rec_backend *b)
{
	struct damon_backend *d = (struct damon_backend *)b;

	return d && *d->last_error ? d->last_error : NULL;
}

static void damon_stop(struct rec_backend *b)
{
	damon_backend_stop(b);
}

const struct rec_backend_ops damon_backend_ops = {
	.name = "damon",
	.probe = damon_backend_probe,
	.start = damon_start,
	.next_snapshot = damon_next_snapshot,
	.intervals = damon_snapshot_intervals,
	.describe = damon_describe,
	.stop = damon_stop,
};
