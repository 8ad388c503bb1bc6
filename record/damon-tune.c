// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel DAMON backend changes or measures while its kdamond runs: the kernel's own
 * monitoring-intervals auto-tuning (intervals_goal, Linux 6.15), the intervals the kdamond uses
 * after it tuned them, online changes of the intervals and region bounds (for the overhead
 * controller), and the kdamond's CPU time, the cost of kernel monitoring. They work on paths, not
 * on the backend's state, so that tests can point them at a directory of plain files, and they
 * live apart from damon-sysfs.c, which sets up and tears down the kdamond.
 *
 * The kernel's rules (mm/damon/core.c, damon_valid_intervals_goal(); mm/damon/sysfs.c):
 * - with intervals_goal/aggrs non-zero, "on" and "commit" fail with EINVAL unless
 *   min_sample_us <= sample_us <= max_sample_us;
 * - the tuning keeps the number of samples per aggregation (aggr_us / sample_us) and changes
 *   the kernel's copy only: the sysfs files show the tuned values after "update_tuned_intervals"
 *   is written to the kdamond's state (6.15), or by themselves every refresh_ms (6.17);
 * - "commit" applies the staged files to the running kdamond.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/damon-sysfs.h"
#include "record/procmaps.h"
#include "record/why.h"

int damon_goal_fit(const struct rec_intervals_goal *g, uint64_t *sample_us, uint64_t *aggr_us)
{
	uint64_t samples;
	uint64_t want = *sample_us;

	if (!g->aggrs)
		return 0;
	if (want < g->min_sample_us)
		want = g->min_sample_us;
	if (want > g->max_sample_us)
		want = g->max_sample_us;
	if (want == *sample_us)
		return 0;
	samples = *sample_us ? *aggr_us / *sample_us : 1;
	*sample_us = want;
	*aggr_us = want * (samples ? samples : 1);
	return 1;
}

int damon_goal_write(const char *ctx, const struct rec_intervals_goal *g)
{
	const char *dir = "monitoring_attrs/intervals/intervals_goal";
	int err;

	if ((err = damon_wr_u64(g->access_bp, "%s/%s/access_bp", ctx, dir)) ||
	    (err = damon_wr_u64(g->min_sample_us, "%s/%s/min_sample_us", ctx, dir)) ||
	    (err = damon_wr_u64(g->max_sample_us, "%s/%s/max_sample_us", ctx, dir)) ||
	    (err = damon_wr_u64(g->aggrs, "%s/%s/aggrs", ctx, dir)))
		return err;
	return 0;
}

static int read_u64(const char *path, uint64_t *v)
{
	char buf[32];
	char *end;
	int err = damon_sysfs_read_retry(path, buf, sizeof(buf));

	if (err)
		return err;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	return errno || end == buf ? -EPROTO : 0;
}

int damon_tuned_read(const char *kd, const char *ctx, int refreshed, uint64_t *sample_us,
		     uint64_t *aggr_us)
{
	char path[PATH_MAX];
	uint64_t s;
	uint64_t a;
	int err;

	/* a damon_call(): answered by the kdamond at its next sample, so it can block that long */
	if (!refreshed && (err = damon_wr("update_tuned_intervals", "%s/state", kd)))
		return err;
	snprintf(path, sizeof(path), "%s/monitoring_attrs/intervals/sample_us", ctx);
	if ((err = read_u64(path, &s)))
		return err;
	snprintf(path, sizeof(path), "%s/monitoring_attrs/intervals/aggr_us", ctx);
	if ((err = read_u64(path, &a)))
		return err;
	if (!s || a < s)
		return -EPROTO;
	*sample_us = s;
	*aggr_us = a;
	return 0;
}

int damon_intervals_valid(const struct rec_intervals *iv, const struct rec_intervals_goal *g,
			 char *why, size_t len)
{
	if (!iv->sample_us || iv->aggr_us < iv->sample_us || iv->min_nr_regions < 3 ||
	    iv->min_nr_regions > iv->max_nr_regions) {
		rec_why(why, len, 0, "bad intervals: sampling %llu us, aggregation %llu us, "
			"regions %u..%u", (unsigned long long)iv->sample_us,
			(unsigned long long)iv->aggr_us, iv->min_nr_regions, iv->max_nr_regions);
		return -EINVAL;
	}
	if (g && g->aggrs && (iv->sample_us < g->min_sample_us || iv->sample_us > g->max_sample_us)) {
		rec_why(why, len, 0, "sampling interval %llu us outside the intervals goal's "
			"%llu..%llu us (the kernel would refuse the commit)",
			(unsigned long long)iv->sample_us, (unsigned long long)g->min_sample_us,
			(unsigned long long)g->max_sample_us);
		return -EINVAL;
	}
	return 0;
}

int damon_apply_online(const char *kd, const char *ctx, const struct rec_intervals *iv,
		       const struct rec_intervals_goal *g, char *why, size_t len)
{
	const char *m = "monitoring_attrs";
	int err = damon_intervals_valid(iv, g, why, len);

	if (err)
		return err;
	/* staged files are checked only together, at "commit": their order does not matter */
	if ((err = damon_wr_u64(iv->sample_us, "%s/%s/intervals/sample_us", ctx, m)) ||
	    (err = damon_wr_u64(iv->aggr_us, "%s/%s/intervals/aggr_us", ctx, m)) ||
	    (iv->update_us && (err = damon_wr_u64(iv->update_us, "%s/%s/intervals/update_us",
						    ctx, m))) ||
	    (err = damon_wr_u64(iv->min_nr_regions, "%s/%s/nr_regions/min", ctx, m)) ||
	    (err = damon_wr_u64(iv->max_nr_regions, "%s/%s/nr_regions/max", ctx, m))) {
		rec_why(why, len, 0, "cannot stage the new intervals: %s", strerror(-err));
		return err;
	}
	err = damon_wr("commit", "%s/state", kd);
	if (err)
		rec_why(why, len, 0, "the kernel refused the new intervals (commit): %s",
			strerror(-err));
	return err;
}

int damon_task_cpu_ns(pid_t pid, uint64_t *ns)
{
	struct pm_proc p;
	int err;

	if (pid <= 0)
		return -ESRCH;
	err = pm_stat_read(pid, &p);
	if (err)
		return err;
	*ns = p.utime_ns + p.stime_ns;
	return 0;
}
