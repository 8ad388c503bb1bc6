// SPDX-License-Identifier: GPL-2.0
/* One pass over a recording for "daprof info"; see summary.h. */
#include <string.h>

#include "report/summary.h"

static void note_target(struct summary *s, uint32_t t)
{
	for (uint32_t i = 0; i < s->nr_targets; i++)
		if (s->targets[i] == t)
			return;
	if (s->nr_targets < 64)
		s->targets[s->nr_targets++] = t;
}

int summary_build(struct dpf_reader *r, struct summary *s)
{
	struct dpf_event ev;
	int ret;

	memset(s, 0, sizeof(*s));
	while ((ret = dpf_reader_next(r, &ev)) > 0) {
		switch (ev.type) {
		case DPF_EV_SNAPSHOT:
			if (!s->nr_snapshots || ev.snapshot.start_ns < s->first_start_ns)
				s->first_start_ns = ev.snapshot.start_ns;
			if (ev.snapshot.end_ns > s->last_end_ns)
				s->last_end_ns = ev.snapshot.end_ns;
			s->nr_snapshots++;
			s->nr_regions += ev.snapshot.nr_regions;
			if (ev.snapshot.nr_regions > s->max_regions)
				s->max_regions = ev.snapshot.nr_regions;
			note_target(s, ev.snapshot.target);
			break;
		case DPF_EV_MAPS:
			s->nr_maps++;
			break;
		case DPF_EV_RUSAGE:
			if (!s->nr_rusage)
				s->first_rusage = ev.rusage;
			s->last_rusage = ev.rusage;
			if (ev.rusage.target_rss > s->max_target_rss)
				s->max_target_rss = ev.rusage.target_rss;
			s->nr_rusage++;
			break;
		case DPF_EV_DAMAGE:
			if (s->nr_damage < SUMMARY_MAX_DAMAGE)
				s->damage[s->nr_damage] = ev.damage;
			s->nr_damage++;
			s->damaged_bytes += ev.damage.length;
			break;
		case DPF_EV_META:
			break;
		}
	}
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
