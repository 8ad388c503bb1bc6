// SPDX-License-Identifier: GPL-2.0
/*
 * Working-set size series and their statistics, in one streaming pass: each snapshot adds one
 * number to its target's series, so memory grows with the snapshot count (8 bytes of WSS and 8
 * of time each), never with the region count.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/sees.h"
#include "report/session.h"
#include "report/wss.h"

struct wss_point {
	uint64_t bytes, time_ns, span_ns, monitored;
	double accesses;
};

/*
 * One pass over a snapshot's regions: its working set (each region whole, or with @samples by
 * its share of accessed samples, nr_accesses / @samples at most 1: a per-mapping count answered
 * with that probability), the bytes monitored and the byte-accesses of the working set.
 */
static void measure(const struct dpf_snapshot *s, uint32_t min_accesses, uint32_t samples,
		    struct wss_point *pt)
{
	uint64_t whole = 0;
	double shared = 0;

	for (uint32_t i = 0; i < s->nr_regions; i++) {
		const struct dpf_region *r = &s->regions[i];
		uint64_t len = r->end > r->start ? r->end - r->start : 0;

		pt->monitored += len;
		if (r->nr_accesses < min_accesses || !len)
			continue;
		whole += len;
		shared += (double)len * (r->nr_accesses < samples ?
					 (double)r->nr_accesses / samples : 1.0);
		pt->accesses += (double)len * r->nr_accesses;
	}
	pt->bytes = samples ? (uint64_t)(shared + 0.5) : whole;
}

uint64_t wss_snapshot_bytes(const struct dpf_snapshot *s, uint32_t min_accesses)
{
	return wss_snapshot_bytes_shared(s, min_accesses, 0);
}

uint64_t wss_snapshot_bytes_shared(const struct dpf_snapshot *s, uint32_t min_accesses,
				   uint32_t samples)
{
	struct wss_point pt = { 0 };

	measure(s, min_accesses, samples, &pt);
	return pt.bytes;
}

struct wss_measure wss_measure_of(const char *primitive_sees, uint64_t sample_us,
				  uint64_t aggr_us, uint32_t min_accesses)
{
	struct wss_measure m = { .min_accesses = min_accesses, .aggr_us = aggr_us };

	if (sees_weighted(sees_kind(primitive_sees)) && sample_us && aggr_us >= sample_us)
		m.samples = (uint32_t)(aggr_us / sample_us);
	return m;
}

static struct wss_series *series_of(struct wss *w, uint32_t target)
{
	size_t lo = 0, hi = w->nr_series;
	struct wss_series *p;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (w->series[mid].target < target)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < w->nr_series && w->series[lo].target == target)
		return &w->series[lo];
	p = realloc(w->series, (w->nr_series + 1) * sizeof(*p));
	if (!p)
		return NULL;
	w->series = p;
	memmove(p + lo + 1, p + lo, (w->nr_series - lo) * sizeof(*p));
	memset(p + lo, 0, sizeof(*p));
	p[lo].target = target;
	w->nr_series++;
	return &p[lo];
}

/* Grow one of a series' arrays to @n elements of @size bytes. */
static int grow(void *arrayp, size_t n, size_t size)
{
	void **a = arrayp, *p = realloc(*a, n * size);

	if (!p)
		return -ENOMEM;
	*a = p;
	return 0;
}

static int series_push(struct wss_series *s, const struct wss_point *pt)
{
	if (s->n == s->alloc) {
		size_t n = s->alloc ? s->alloc * 2 : 256;

		if (grow(&s->bytes, n, sizeof(*s->bytes)) ||
		    grow(&s->time_ns, n, sizeof(*s->time_ns)) ||
		    grow(&s->span_ns, n, sizeof(*s->span_ns)) ||
		    grow(&s->monitored, n, sizeof(*s->monitored)) ||
		    grow(&s->accesses, n, sizeof(*s->accesses)))
			return -ENOMEM;
		s->alloc = n;
	}
	s->bytes[s->n] = pt->bytes;
	s->time_ns[s->n] = pt->time_ns;
	s->span_ns[s->n] = pt->span_ns;
	s->monitored[s->n] = pt->monitored;
	s->accesses[s->n] = pt->accesses;
	s->n++;
	return 0;
}

uint64_t wss_snapshot_span_ns(const struct dpf_snapshot *s, uint64_t aggr_us)
{
	if (s->end_ns > s->start_ns)
		return s->end_ns - s->start_ns;
	return aggr_us ? aggr_us * 1000 : 100000000ull;
}

int wss_series_add(struct wss_series *ser, const struct dpf_snapshot *s,
		   const struct wss_measure *m)
{
	struct wss_point pt = { .time_ns = s->start_ns,
				.span_ns = wss_snapshot_span_ns(s, m->aggr_us) };

	measure(s, m->min_accesses, m->samples, &pt);
	/*
	 * The rate is nr_accesses over the interval in force, as the heat map's (design note
	 * 48): a window that stretched holds the same checks. Over the span it stands for, that
	 * rate makes span / aggr_us times nr_accesses (exactly nr_accesses for one on time).
	 */
	if (m->aggr_us)
		pt.accesses *= (double)pt.span_ns / ((double)m->aggr_us * 1000);
	return series_push(ser, &pt);
}

struct build {
	struct wss *w;
	struct session *ses;
	const char *primitive_sees;
	uint32_t min_accesses;
	struct session_intervals iv;	/* of the last snapshot, and its measure */
	struct wss_measure m;
};

/* Each snapshot by the intervals in force for it: its samples per aggregation may change. */
static int on_snapshot(void *arg, const struct dpf_snapshot *s)
{
	struct build *b = arg;
	struct wss_series *ser = series_of(b->w, s->target);
	struct session_intervals iv = session_snapshot_intervals(b->ses, s);

	if (iv.sample_us != b->iv.sample_us || iv.aggr_us != b->iv.aggr_us) {
		b->iv = iv;
		b->m = wss_measure_of(b->primitive_sees, iv.sample_us, iv.aggr_us,
				      b->min_accesses);
	}
	return ser ? wss_series_add(ser, s, &b->m) : -ENOMEM;
}

int wss_build(struct wss **out, struct session *ses, const struct wss_opts *o)
{
	static const struct session_tool tool = { .snapshot = on_snapshot };
	const struct session_facts *f = session_facts(ses);
	struct build b = { .ses = ses, .primitive_sees = f->primitive_sees,
			   .min_accesses = o->min_accesses,
			   .m = wss_measure_of(f->primitive_sees, 0, 0, o->min_accesses) };
	uint32_t target;
	uint64_t nr;
	int ret;

	b.w = calloc(1, sizeof(*b.w));
	if (!b.w)
		return -ENOMEM;
	ret = session_process(ses, &tool, &b);
	/* the targets the skip left with fewer snapshots, or none */
	for (size_t i = 0; !ret && session_skipped(ses, i, &target, &nr); i++) {
		struct wss_series *ser = series_of(b.w, target);

		if (!ser)
			ret = -ENOMEM;
		else
			ser->skipped = nr;
	}
	if (ret < 0) {
		wss_free(b.w);
		return ret;
	}
	session_span(ses, &b.w->rec_start_ns, &b.w->rec_end_ns);
	*out = b.w;
	return 0;
}

/* The sums weighted by time of one target's series: each snapshot counts for its span. */
static struct wss_weighted series_weighted(const struct wss_series *s)
{
	long double secs = 0, wss_bs = 0, mon_bs = 0, accesses = 0;
	struct wss_weighted w;

	if (s->summed)
		return s->weighted;
	/* a series made by hand may leave out what it does not know: it counts as zero */
	for (size_t i = 0; s->span_ns && i < s->n; i++) {
		long double t = (long double)s->span_ns[i] / 1e9L;

		secs += t;
		wss_bs += t * s->bytes[i];
		mon_bs += s->monitored ? t * s->monitored[i] : 0;
		accesses += s->accesses ? s->accesses[i] : 0;
	}
	w.secs = (double)secs;
	w.wss_byte_s = (double)wss_bs;
	w.mon_byte_s = (double)mon_bs;
	w.accesses = (double)accesses;
	w.wss_mean = secs > 0 ? (double)(wss_bs / secs) : 0;
	w.mon_mean = secs > 0 ? (double)(mon_bs / secs) : 0;
	return w;
}

void wss_series_release(struct wss_series *s)
{
	free(s->bytes);
	free(s->time_ns);
	free(s->span_ns);
	free(s->monitored);
	free(s->accesses);
}

int wss_sum_targets(struct wss *w)
{
	struct wss_series sum = { .target = WSS_SUM_TARGET };
	size_t n = 0;

	for (size_t i = 0; i < w->nr_series; i++) {
		if (w->series[i].n > n)
			n = w->series[i].n;
		sum.skipped += w->series[i].skipped;
	}
	sum.bytes = calloc(n ? n : 1, sizeof(*sum.bytes));
	sum.time_ns = calloc(n ? n : 1, sizeof(*sum.time_ns));
	sum.span_ns = calloc(n ? n : 1, sizeof(*sum.span_ns));
	sum.monitored = calloc(n ? n : 1, sizeof(*sum.monitored));
	sum.accesses = calloc(n ? n : 1, sizeof(*sum.accesses));
	if (!sum.bytes || !sum.time_ns || !sum.span_ns || !sum.monitored || !sum.accesses) {
		wss_series_release(&sum);
		return -ENOMEM;
	}
	sum.n = sum.alloc = n;
	for (size_t k = 0; k < n; k++) {
		int first = 1;

		for (size_t i = 0; i < w->nr_series; i++) {
			const struct wss_series *s = &w->series[i];

			if (k >= s->n)
				continue;
			sum.bytes[k] += s->bytes[k];
			sum.monitored[k] += s->monitored[k];
			sum.accesses[k] += s->accesses[k];
			if (first || s->time_ns[k] < sum.time_ns[k])
				sum.time_ns[k] = s->time_ns[k];
			/* the k-th snapshots of the targets cover the same interval, near enough */
			if (s->span_ns[k] > sum.span_ns[k])
				sum.span_ns[k] = s->span_ns[k];
			first = 0;
		}
	}
	sum.summed = 1;
	for (size_t i = 0; i < w->nr_series; i++) {
		struct wss_weighted part = series_weighted(&w->series[i]);

		if (part.secs > sum.weighted.secs)
			sum.weighted.secs = part.secs;
		sum.weighted.wss_byte_s += part.wss_byte_s;
		sum.weighted.mon_byte_s += part.mon_byte_s;
		sum.weighted.accesses += part.accesses;
		sum.weighted.wss_mean += part.wss_mean;
		sum.weighted.mon_mean += part.mon_mean;
		wss_series_release(&w->series[i]);
	}
	if (!w->nr_series) {
		struct wss_series *p = realloc(w->series, sizeof(*p));

		if (!p) {
			wss_series_release(&sum);
			return -ENOMEM;
		}
		w->series = p;
	}
	w->series[0] = sum;
	w->nr_series = 1;
	return 0;
}

void wss_free(struct wss *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nr_series; i++)
		wss_series_release(&w->series[i]);
	free(w->series);
	free(w);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int wss_sorted(const struct wss_series *s, uint64_t **out)
{
	*out = NULL;
	if (!s->n)
		return 0;
	*out = malloc(s->n * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	memcpy(*out, s->bytes, s->n * sizeof(**out));
	qsort(*out, s->n, sizeof(**out), u64_cmp);
	return 0;
}

uint64_t wss_percentile(const uint64_t *sorted, size_t n, double p)
{
	double x;
	size_t idx;

	if (!n)
		return 0;
	/* damo: int(p / 100 * len(wss)), then clamped */
	x = p / 100 * (double)n;
	if (!(x > 0))
		idx = 0;
	else if (x >= (double)(n - 1))
		idx = n - 1;
	else
		idx = (size_t)x;
	return sorted[idx];
}

double wss_mean(const struct wss_series *s)
{
	long double sum = 0;

	if (!s->n)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		sum += s->bytes[i];
	return (double)(sum / s->n);
}

static int add_time_weighted(struct metrics *ms, const struct wss_series *s)
{
	struct wss_weighted w = series_weighted(s);
	int ret;

	ret = metrics_add_double(ms, "wss.time_mean", w.wss_mean, METRIC_BYTES,
				 "mean working set, each snapshot weighted by its span");
	if (!ret)
		ret = metrics_add_double(ms, "wss.byte_seconds", w.wss_byte_s, METRIC_BYTE_SECONDS,
					 "working-set bytes times the seconds they were held");
	if (!ret)
		ret = metrics_add_double(ms, "monitored.time_mean", w.mon_mean, METRIC_BYTES,
					 "mean monitored bytes, each snapshot weighted by its span");
	if (!ret)
		ret = metrics_add_double(ms, "time.seconds", w.secs, METRIC_SECONDS,
					 "time the snapshots stand for");
	if (!ret)
		ret = metrics_add_double(ms, "access.rate_hz",
					 w.wss_byte_s > 0 ? w.accesses / w.wss_byte_s : 0, METRIC_HZ,
					 "accesses seen per second per byte of working set");
	return ret;
}

static const char *const pct_words = "bytes of working set at this percentile of snapshots "
				     "(nearest rank)";

int wss_stats_make(struct wss_stats *st, const struct wss_series *s, const double *pct,
		   int nr_pct)
{
	struct metrics *ms = &st->metrics;
	size_t n = s->n;
	char name[40];
	int ret;

	memset(st, 0, sizeof(*st));
	st->s = s;
	ret = wss_sorted(s, &st->sorted);
	for (int p = 0; p <= 100 && !ret; p++)
		ret = metrics_add_u64(ms, metrics_percentile_name(name, sizeof(name), "wss", p),
				      wss_percentile(st->sorted, n, p), METRIC_BYTES, pct_words);
	for (int k = 0; k < nr_pct && !ret; k++)
		ret = metrics_add_u64(ms, metrics_percentile_name(name, sizeof(name), "wss",
								  pct[k]),
				      wss_percentile(st->sorted, n, pct[k]), METRIC_BYTES,
				      pct_words);
	if (!ret)
		ret = metrics_add_double(ms, "wss.mean", wss_mean(s), METRIC_BYTES,
					 "mean working set over the snapshots");
	if (!ret)
		ret = metrics_add_u64(ms, "wss.min", n ? st->sorted[0] : 0, METRIC_BYTES,
				      "smallest working set of a snapshot");
	if (!ret)
		ret = metrics_add_u64(ms, "wss.max", n ? st->sorted[n - 1] : 0, METRIC_BYTES,
				      "largest working set of a snapshot");
	if (!ret)
		ret = add_time_weighted(ms, s);
	if (!ret)
		ret = metrics_add_u64(ms, "wss.snapshots", n, METRIC_COUNT,
				      "snapshots summarised");
	if (!ret)
		ret = metrics_add_u64(ms, "wss.skipped", s->skipped, METRIC_COUNT,
				      "snapshots skipped at the start");
	if (ret)
		wss_stats_release(st);
	return ret;
}

void wss_stats_release(struct wss_stats *st)
{
	free(st->sorted);
	st->sorted = NULL;
	metrics_release(&st->metrics);
}

int wss_stats_all(struct wss_stats **out, const struct wss *w, const double *pct, int nr_pct)
{
	struct wss_stats *st = calloc(w->nr_series ? w->nr_series : 1, sizeof(*st));

	*out = NULL;
	if (!st)
		return -ENOMEM;
	for (size_t i = 0; i < w->nr_series; i++) {
		if (wss_stats_make(&st[i], &w->series[i], pct, nr_pct)) {
			wss_stats_free(st, i);
			return -ENOMEM;
		}
	}
	*out = st;
	return 0;
}

void wss_stats_free(struct wss_stats *st, size_t n)
{
	for (size_t i = 0; st && i < n; i++)
		wss_stats_release(&st[i]);
	free(st);
}

uint64_t wss_stats_percentile(const struct wss_stats *st, double p)
{
	char name[40];
	const struct metric *m = metrics_find(&st->metrics,
					      metrics_percentile_name(name, sizeof(name), "wss", p));

	return m ? m->u64 : 0;
}

double wss_stats_get(const struct wss_stats *st, const char *name)
{
	const struct metric *m = metrics_find(&st->metrics, name);

	return m ? m->value : 0;
}
