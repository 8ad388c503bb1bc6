/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Working-set size: per snapshot, the bytes of the regions accessed at least min_accesses times
 * in the aggregation interval (for a per-mapping primitive, those bytes times their share of
 * accessed samples); per target a series of one number per snapshot (memory bounded
 * by the output), and the percentiles by the nearest-rank rule damo uses, so the two agree.
 */
#ifndef REPORT_WSS_H
#define REPORT_WSS_H

#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"
#include "report/metrics.h"

struct session;

#define WSS_SUM_TARGET UINT32_MAX	/* target id of the series of summed targets */

struct wss_opts {
	uint32_t min_accesses;	/* a region is in the working set from this nr_accesses on */
	uint64_t skip;		/* each target's first snapshots to drop (damo drops 20): the
				 * caller puts it in the session's filter (skip_snapshots), which
				 * is what wss_build() obeys */
};

#define WSS_OPTS_INIT { .min_accesses = 1 }

struct wss_series {
	uint32_t target;	/* WSS_SUM_TARGET for a sum */
	uint64_t skipped;	/* snapshots dropped by the session's skip_snapshots */
	size_t n;
	size_t alloc;
	uint64_t *bytes;	/* one per snapshot, in file (time) order */
	uint64_t *time_ns;	/* start of each snapshot's interval, absolute */
	uint64_t *span_ns;	/* its length (the aggregation interval when it records none) */
	uint64_t *monitored;	/* the bytes its regions cover */
	double *accesses;	/* its working-set regions' bytes x accesses over its span at the
				 * rate in force: bytes x nr_accesses x span / aggr_us in force
				 * (design note 48) */
	/*
	 * A sum of targets (wss_sum_targets()) keeps the time-weighted sums of its parts: its
	 * k-th values add snapshots of different lengths, so they cannot be weighted afterwards.
	 */
	int summed;
	struct wss_weighted {
		double secs;		/* time the snapshots stand for (the longest part's) */
		double wss_byte_s;	/* working-set bytes x seconds */
		double mon_byte_s;	/* monitored bytes x seconds */
		double accesses;	/* bytes x accesses, as in accesses[] */
		double wss_mean;	/* time-weighted means (summed over the parts) */
		double mon_mean;
	} weighted;
};

struct wss {
	uint64_t rec_start_ns;	/* the earliest snapshot start of the recording (session_span(): */
	uint64_t rec_end_ns;	/*   before the filters), and the latest snapshot end */
	size_t nr_series;
	struct wss_series *series;	/* sorted by target id */
};

/* wss_snapshot_bytes() - the working set of one snapshot. */
uint64_t wss_snapshot_bytes(const struct dpf_snapshot *s, uint32_t min_accesses);
/*
 * wss_snapshot_bytes_shared() - the working set of a snapshot of a primitive that counts the
 * bytes touched per mapping (refs) and answers a sample with that share: each region's bytes
 * times its share of accessed samples (nr_accesses / @samples, at most 1), which sums to the
 * bytes touched instead of counting a region whole for one positive sample. @samples 0: as
 * wss_snapshot_bytes().
 */
uint64_t wss_snapshot_bytes_shared(const struct dpf_snapshot *s, uint32_t min_accesses,
				   uint32_t samples);

/* How snapshots are measured: the threshold, the share rule and the span of one with no end. */
struct wss_measure {
	uint32_t min_accesses;
	uint32_t samples;	/* samples per aggregation for a per-mapping primitive, else 0 */
	uint64_t aggr_us;	/* the interval in force: the divisor of the rate, and the span of
				 * a snapshot that records no end (0: not known, the rate is over
				 * the span) */
};

/*
 * wss_measure_of() - the measure of a recording whose primitive sees @primitive_sees (the
 * metadata value, or NULL), at @sample_us and @aggr_us (0: not recorded).
 */
struct wss_measure wss_measure_of(const char *primitive_sees, uint64_t sample_us,
				  uint64_t aggr_us, uint32_t min_accesses);
/*
 * wss_series_add() - append snapshot @s to @ser, measured by @m: its working set, time, span,
 * monitored bytes and byte-accesses (each region's rate nr_accesses / @m->aggr_us, over the
 * span). Return: 0 or -ENOMEM. wss_series_release() frees the
 * arrays of a series (not the series).
 */
int wss_series_add(struct wss_series *ser, const struct dpf_snapshot *s,
		   const struct wss_measure *m);
void wss_series_release(struct wss_series *s);

/*
 * wss_build() - one pass of @ses (through its filters) and one series per target; a target
 * whose snapshots were all skipped has an empty series. Return: 0, -ENOMEM, or a reading error
 * (damage is not an error: the session reports it).
 */
int wss_build(struct wss **out, struct session *ses, const struct wss_opts *o);
/*
 * wss_snapshot_span_ns() - the time a snapshot stands for: its own interval, or when it records
 * none (an import without end times), @aggr_us, or 100 ms when that is unknown too.
 */
uint64_t wss_snapshot_span_ns(const struct dpf_snapshot *s, uint64_t aggr_us);
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

/*
 * One series summarised as named metrics (metrics.h), the numbers every printer and the plot
 * read: "wss.p0" to "wss.p100" and "wss.pP" for each further percentile asked, by the nearest
 * rank above; "wss.mean", "wss.min", "wss.max" (bytes); "wss.snapshots", "wss.skipped"
 * (count). Weighted by time, each snapshot by its own span: "wss.time_mean" (bytes),
 * "wss.byte_seconds", "monitored.time_mean" (bytes), "time.seconds"; and the rate,
 * "access.rate_hz": accesses seen per second per byte of working set, each snapshot's
 * nr_accesses scaled by its own span (so a stretched interval does not inflate it). An empty
 * series has 0 for each of them.
 */
struct wss_stats {
	const struct wss_series *s;
	uint64_t *sorted;	/* the values, ascending (NULL when empty) */
	struct metrics metrics;
};

/* wss_stats_make() - @st for @s, with the @nr_pct percentiles @pct as well. Return: 0, -ENOMEM. */
int wss_stats_make(struct wss_stats *st, const struct wss_series *s, const double *pct,
		   int nr_pct);
void wss_stats_release(struct wss_stats *st);
/*
 * wss_stats_all() - the stats of every series of @w, an array of @w->nr_series into *@out.
 * Return: 0 or -ENOMEM. wss_stats_free() releases and frees the array.
 */
int wss_stats_all(struct wss_stats **out, const struct wss *w, const double *pct, int nr_pct);
void wss_stats_free(struct wss_stats *st, size_t n);
/* wss_stats_percentile() - the value of "wss.pP" (made by wss_stats_make()); 0 if not made. */
uint64_t wss_stats_percentile(const struct wss_stats *st, double p);
/* wss_stats_get() - the value of metric @name; 0 if there is none. */
double wss_stats_get(const struct wss_stats *st, const char *name);

#endif /* REPORT_WSS_H */
