/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Working-set size: per snapshot, the bytes of the regions accessed at least min_accesses times
 * in the aggregation interval; per target a series of one number per snapshot (memory bounded
 * by the output), and the percentiles by the nearest-rank rule damo uses, so the two agree.
 */
#ifndef REPORT_WSS_H
#define REPORT_WSS_H

#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"

#define WSS_SUM_TARGET UINT32_MAX	/* target id of the series of summed targets */

struct wss_opts {
	uint32_t min_accesses;	/* a region is in the working set from this nr_accesses on */
	uint64_t skip;		/* drop each target's first @skip snapshots (damo drops 20) */
	/* called once per damaged part of the file; reading goes on after it */
	void (*damage)(void *arg, const struct dpf_damage *d);
	void *arg;
};

#define WSS_OPTS_INIT { .min_accesses = 1 }

struct wss_series {
	uint32_t target;	/* WSS_SUM_TARGET for a sum */
	uint64_t skipped;	/* snapshots dropped by wss_opts.skip */
	size_t n;
	size_t alloc;
	uint64_t *bytes;	/* one per snapshot, in file (time) order */
	uint64_t *time_ns;	/* start of each snapshot's interval, absolute */
};

struct wss {
	uint64_t rec_start_ns;	/* the earliest snapshot start of the recording */
	uint64_t rec_end_ns;	/* the latest snapshot end */
	size_t nr_series;
	struct wss_series *series;	/* sorted by target id */
};

/* wss_snapshot_bytes() - the working set of one snapshot. */
uint64_t wss_snapshot_bytes(const struct dpf_snapshot *s, uint32_t min_accesses);

/*
 * wss_build() - read @r to its end and make one series per target.
 * Return: 0, -ENOMEM, or an error of dpf_reader_next() (damage is not an error).
 */
int wss_build(struct wss **out, struct dpf_reader *r, const struct wss_opts *o);
/*
 * wss_sum_targets() - replace the series by one whose i-th value is the sum of every target's
 * i-th value (a target with fewer snapshots adds 0); times are the earliest of each index.
 * Return: 0 or -ENOMEM (then @w is unchanged).
 */
int wss_sum_targets(struct wss *w);
void wss_free(struct wss *w);

/*
 * wss_sorted() - a sorted copy of the series' values into *@out (free() it).
 * Return: 0 or -ENOMEM; *@out is NULL for an empty series.
 */
int wss_sorted(const struct wss_series *s, uint64_t **out);
/*
 * wss_percentile() - damo's nearest rank: sorted[floor(p / 100 * n)], the index clamped to
 * n - 1 (computed in double precision as damo does, so that results match it exactly).
 * Return: the value, 0 for an empty series.
 */
uint64_t wss_percentile(const uint64_t *sorted, size_t n, double p);
/* wss_mean() - arithmetic mean of the series; 0 when empty. */
double wss_mean(const struct wss_series *s);

#endif /* REPORT_WSS_H */
