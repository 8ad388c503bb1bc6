// SPDX-License-Identifier: GPL-2.0
/*
 * Working-set size series and their statistics, in one streaming pass: each snapshot adds one
 * number to its target's series, so memory grows with the snapshot count (8 bytes of WSS and 8
 * of time each), never with the region count.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/session.h"
#include "report/wss.h"

uint64_t wss_snapshot_bytes(const struct dpf_snapshot *s, uint32_t min_accesses)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < s->nr_regions; i++)
		if (s->regions[i].nr_accesses >= min_accesses && s->regions[i].end > s->regions[i].start)
			sum += s->regions[i].end - s->regions[i].start;
	return sum;
}

uint64_t wss_snapshot_bytes_shared(const struct dpf_snapshot *s, uint32_t min_accesses,
				   uint32_t samples)
{
	double sum = 0;

	if (!samples)
		return wss_snapshot_bytes(s, min_accesses);
	for (uint32_t i = 0; i < s->nr_regions; i++) {
		const struct dpf_region *r = &s->regions[i];

		if (r->nr_accesses >= min_accesses && r->end > r->start)
			sum += (double)(r->end - r->start) *
			       (r->nr_accesses < samples ? (double)r->nr_accesses / samples : 1.0);
	}
	return (uint64_t)(sum + 0.5);
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

static int series_push(struct wss_series *s, uint64_t bytes, uint64_t time_ns)
{
	if (s->n == s->alloc) {
		size_t n = s->alloc ? s->alloc * 2 : 256;
		uint64_t *b = realloc(s->bytes, n * sizeof(*b)), *t;

		if (!b)
			return -ENOMEM;
		s->bytes = b;
		t = realloc(s->time_ns, n * sizeof(*t));
		if (!t)
			return -ENOMEM;
		s->time_ns = t;
		s->alloc = n;
	}
	s->bytes[s->n] = bytes;
	s->time_ns[s->n] = time_ns;
	s->n++;
	return 0;
}

struct build {
	struct wss *w;
	const struct wss_opts *o;
	uint32_t samples;	/* per aggregation, for a per-mapping primitive; else 0 */
};

static int on_snapshot(void *arg, const struct dpf_snapshot *s)
{
	struct build *b = arg;
	struct wss_series *ser;

	ser = series_of(b->w, s->target);
	if (!ser)
		return -ENOMEM;
	return series_push(ser, wss_snapshot_bytes_shared(s, b->o->min_accesses, b->samples),
			   s->start_ns);
}

int wss_build(struct wss **out, struct session *ses, const struct wss_opts *o)
{
	static const struct session_tool tool = { .snapshot = on_snapshot };
	const struct session_facts *f = session_facts(ses);
	struct build b = { .o = o };
	uint32_t target;
	uint64_t nr;
	int ret;

	if (sees_weighted(f->sees) && f->sample_us && f->aggr_us >= f->sample_us)
		b.samples = (uint32_t)(f->aggr_us / f->sample_us);

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
	if (!sum.bytes || !sum.time_ns) {
		free(sum.bytes);
		free(sum.time_ns);
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
			if (first || s->time_ns[k] < sum.time_ns[k])
				sum.time_ns[k] = s->time_ns[k];
			first = 0;
		}
	}
	for (size_t i = 0; i < w->nr_series; i++) {
		free(w->series[i].bytes);
		free(w->series[i].time_ns);
	}
	if (!w->nr_series) {
		struct wss_series *p = realloc(w->series, sizeof(*p));

		if (!p) {
			free(sum.bytes);
			free(sum.time_ns);
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
	for (size_t i = 0; i < w->nr_series; i++) {
		free(w->series[i].bytes);
		free(w->series[i].time_ns);
	}
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
