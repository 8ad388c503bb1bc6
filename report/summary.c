// SPDX-License-Identifier: GPL-2.0
/* One pass of a reading session for "daprof info"; see summary.h. */
#include <math.h>
#include <string.h>

#include "report/session.h"
#include "report/summary.h"

static void note_target(struct summary *s, uint32_t t)
{
	for (uint32_t i = 0; i < s->nr_targets; i++)
		if (s->targets[i] == t)
			return;
	if (s->nr_targets < 64)
		s->targets[s->nr_targets++] = t;
}

#define SPAN_STEP 1.01	/* bucket b >= 1 holds spans of [STEP^(b-1), STEP^b) us */

static void note_span(struct summary *s, const struct dpf_snapshot *snap)
{
	double us;
	size_t b;

	if (snap->end_ns <= snap->start_ns)
		return;		/* no end recorded */
	us = (double)(snap->end_ns - snap->start_ns) / 1000;
	b = us < 1 ? 0 : (size_t)(log(us) / log(SPAN_STEP)) + 1;
	s->span_hist[b < SUMMARY_SPAN_BUCKETS ? b : SUMMARY_SPAN_BUCKETS - 1]++;
	s->nr_spans++;
}

uint64_t summary_median_span_ns(const struct summary *s)
{
	uint64_t seen = 0;

	for (size_t b = 0; b < SUMMARY_SPAN_BUCKETS && s->nr_spans; b++) {
		seen += s->span_hist[b];
		if (seen * 2 >= s->nr_spans)
			return b ? (uint64_t)(1000 * pow(SPAN_STEP, (double)b - 0.5)) : 0;
	}
	return 0;
}

static int on_snapshot(void *arg, const struct dpf_snapshot *snap)
{
	struct summary *s = arg;

	if (!s->nr_snapshots || snap->start_ns < s->first_start_ns)
		s->first_start_ns = snap->start_ns;
	if (snap->end_ns > s->last_end_ns)
		s->last_end_ns = snap->end_ns;
	s->nr_snapshots++;
	note_span(s, snap);
	s->nr_regions += snap->nr_regions;
	if (snap->nr_regions > s->max_regions)
		s->max_regions = snap->nr_regions;
	note_target(s, snap->target);
	return 0;
}

static int on_maps(void *arg, const struct dpf_maps *m)
{
	((struct summary *)arg)->nr_maps++;
	return 0;
}

static int on_rusage(void *arg, const struct dpf_rusage *u)
{
	struct summary *s = arg;

	if (!s->nr_rusage)
		s->first_rusage = *u;
	s->last_rusage = *u;
	if (u->target_rss > s->max_target_rss)
		s->max_target_rss = u->target_rss;
	s->nr_rusage++;
	return 0;
}

static void on_damage(void *arg, const struct dpf_damage *d)
{
	struct summary *s = arg;

	if (s->nr_listed < SUMMARY_MAX_DAMAGE)
		s->damage[s->nr_listed++] = *d;
}

int summary_build(struct session *ses, struct summary *s)
{
	static const struct session_tool tool = {
		.snapshot = on_snapshot, .maps = on_maps, .rusage = on_rusage,
	};
	int ret;

	memset(s, 0, sizeof(*s));
	session_on_damage(ses, on_damage, s);
	ret = session_process(ses, &tool, s);
	s->nr_damage = session_damage(ses, &s->damaged_bytes);
	return ret;
}

double summary_cpu_share(const struct summary *s, int self)
{
	const struct dpf_rusage *a = &s->first_rusage, *b = &s->last_rusage;
	uint64_t wall, cpu_a, cpu_b;

	if (s->nr_rusage < 2 || b->time_ns <= a->time_ns)
		return -1;
	wall = b->time_ns - a->time_ns;
	cpu_a = self ? a->self_utime_ns + a->self_stime_ns : a->target_utime_ns + a->target_stime_ns;
	cpu_b = self ? b->self_utime_ns + b->self_stime_ns : b->target_utime_ns + b->target_stime_ns;
	if (cpu_b < cpu_a)
		return -1;
	return (double)(cpu_b - cpu_a) / wall;
}
