// SPDX-License-Identifier: GPL-2.0
/*
 * One recording's side of "daprof diff" (diff.h): its comparable numbers over the whole of it
 * and per time slice. The working set comes from report/wss.c (the summed series, and a view of
 * each slice of it, through wss_stats_make(): the same numbers "report wss" prints); idle ages
 * from one pass of our own; objects from report/hot.c, one table per slice (a time range of the
 * session's filter), summed over targets and keyed by kind, mapping label and name, so that
 * nothing depends on where ASLR put anything.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/diff.h"
#include "report/hot.h"
#include "report/session.h"
#include "report/wss.h"

const char *const diff_measure_names[DIFF_NR_MEASURES] = {
	[DIFF_RATE] = "rate", [DIFF_HOT_SHARE] = "hot_share", [DIFF_IDLE_BYTES] = "idle_bytes",
	[DIFF_BYTES] = "bytes",
};

/* Idle ages in a log histogram: 16 buckets an octave from 1 ms (within 4.4 % of the age). */
#define IDLE_PER_OCTAVE 16
#define IDLE_BUCKETS (1 + IDLE_PER_OCTAVE * 40)

static size_t idle_bucket(uint64_t ns)
{
	double b;

	if (ns < 1000000)
		return 0;
	b = 1 + floor(IDLE_PER_OCTAVE * log2((double)ns / 1e6));
	return b >= IDLE_BUCKETS - 1 ? IDLE_BUCKETS - 1 : (size_t)b;
}

/* The middle of bucket @b, in seconds (geometric). */
static double idle_bucket_s(size_t b)
{
	if (!b)
		return 0;
	return 1e-3 * exp2(((double)b - 1 + 0.5) / IDLE_PER_OCTAVE);
}

/* The byte-time-weighted percentile @q (0..1) of a histogram; 0 when it is empty. */
static double idle_percentile(const double *hist, double q)
{
	double total = 0, run = 0;

	for (size_t b = 0; b < IDLE_BUCKETS; b++)
		total += hist[b];
	if (!(total > 0))
		return 0;
	for (size_t b = 0; b < IDLE_BUCKETS; b++) {
		run += hist[b];
		if (run >= q * total)
			return idle_bucket_s(b);
	}
	return idle_bucket_s(IDLE_BUCKETS - 1);
}

static void series_release(struct diff_series *s)
{
	free(s->slice);
	s->slice = NULL;
}

void diff_profile_free(struct diff_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nr_m; i++)
		series_release(&p->m[i]);
	for (size_t i = 0; i < p->nr_obj; i++)
		for (int k = 0; k < DIFF_NR_MEASURES; k++)
			series_release(&p->obj[i].m[k]);
	free(p->m);
	free(p->obj);
	free(p->path);
	free(p);
}

const struct diff_series *diff_profile_find(const struct diff_profile *p, const char *name)
{
	for (size_t i = 0; i < p->nr_m; i++)
		if (!strcmp(p->m[i].name, name))
			return &p->m[i];
	return NULL;
}

static struct diff_series *add_series(struct diff_profile *p, const char *name,
				      enum metric_unit unit)
{
	struct diff_series *m = realloc(p->m, (p->nr_m + 1) * sizeof(*m));

	if (!m)
		return NULL;
	p->m = m;
	m += p->nr_m;
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->unit = unit;
	m->slice = calloc(p->nr_slices, sizeof(*m->slice));
	if (!m->slice)
		return NULL;
	p->nr_m++;
	return m;
}

/*
 * The WSS metrics worth comparing: not the counts (they say how long, not how much), and of the
 * percentiles those of "report wss" and those asked for.
 */
static int comparable(const struct metric *m, const struct diff_opts *o)
{
	static const double usual[] = { 0, 25, 50, 75, 90, 99, 100 };
	char *end;
	double p;

	if (!strcmp(m->name, "wss.snapshots") || !strcmp(m->name, "wss.skipped"))
		return 0;
	if (strncmp(m->name, "wss.p", 5))
		return 1;
	p = strtod(m->name + 5, &end);
	for (size_t i = 0; i < sizeof(usual) / sizeof(usual[0]); i++)
		if (p == usual[i])
			return 1;
	for (int i = 0; i < o->nr_pct; i++)
		if (p == o->pct[i])
			return 1;
	return 0;
}

/* ---- the working set, whole and per slice ---- */

struct slicing {
	size_t k;
	size_t *first;		/* index of each slice's first snapshot in the series, k + 1 */
	uint64_t *start_ns;	/* its start time, k */
};

static int wss_part(struct diff_profile *p, const struct wss_series *s, const struct slicing *sl,
		    const struct diff_opts *o)
{
	struct wss_stats st;
	int ret = wss_stats_make(&st, s, o->pct, o->nr_pct);

	if (ret)
		return ret;
	for (size_t i = 0; i < st.metrics.nr; i++) {
		const struct metric *m = &st.metrics.m[i];

		if (!comparable(m, o))
			continue;
		if (!add_series(p, m->name, m->unit)) {
			wss_stats_release(&st);
			return -ENOMEM;
		}
		p->m[p->nr_m - 1].whole = m->value;
	}
	wss_stats_release(&st);
	for (size_t j = 0; j < sl->k; j++) {
		size_t a = sl->first[j], n = sl->first[j + 1] - a;
		struct wss_series view = {
			.target = s->target, .n = n, .alloc = n, .bytes = s->bytes + a,
			.time_ns = s->time_ns + a, .span_ns = s->span_ns + a,
			.monitored = s->monitored + a, .accesses = s->accesses + a,
		};

		if (sl->k == 1)
			view = *s;	/* the whole, with its time-weighted sums over targets */
		ret = wss_stats_make(&st, &view, o->pct, o->nr_pct);
		if (ret)
			return ret;
		for (size_t i = 0; i < p->nr_m; i++) {
			const struct metric *m = metrics_find(&st.metrics, p->m[i].name);

			p->m[i].slice[j] = m ? m->value : 0;
		}
		wss_stats_release(&st);
	}
	return 0;
}

/* ---- idle ages: one pass ---- */

struct idle_pass {
	const struct slicing *sl;
	const struct session *ses;	/* each snapshot's own intervals */
	uint64_t idle_ns;
	double *cold_bs;	/* per slice, then the whole at [k] */
	double *hist;		/* IDLE_BUCKETS per slice, then the whole */
};

static size_t slice_of(const struct slicing *sl, uint64_t t)
{
	size_t lo = 0, hi = sl->k;

	while (hi - lo > 1) {	/* the last slice starting at or before t */
		size_t mid = (lo + hi) / 2;

		if (sl->start_ns[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int on_idle_snapshot(void *arg, const struct dpf_snapshot *s)
{
	struct idle_pass *ip = arg;
	size_t j = slice_of(ip->sl, s->start_ns), k = ip->sl->k;
	uint64_t span = wss_snapshot_span_ns(s, session_snapshot_intervals(ip->ses, s).aggr_us);
	double secs = (double)span / 1e9;

	for (uint32_t i = 0; i < s->nr_regions; i++) {
		const struct dpf_region *r = &s->regions[i];
		uint64_t age_ns = (uint64_t)r->age * span;
		double bs;
		size_t b;

		if (r->nr_accesses || r->end <= r->start)
			continue;
		bs = (double)(r->end - r->start) * secs;
		b = idle_bucket(age_ns);
		ip->hist[j * IDLE_BUCKETS + b] += bs;
		ip->hist[k * IDLE_BUCKETS + b] += bs;
		if (age_ns >= ip->idle_ns) {
			ip->cold_bs[j] += bs;
			ip->cold_bs[k] += bs;
		}
	}
	return 0;
}

static int idle_part(struct diff_profile *p, struct session *ses, const struct slicing *sl,
		     const struct diff_opts *o)
{
	static const struct session_tool tool = { .snapshot = on_idle_snapshot };
	size_t k = sl->k;
	struct idle_pass ip = { .sl = sl, .ses = ses,
				.idle_ns = o->idle_ns };
	const struct diff_series *secs = diff_profile_find(p, "time.seconds");
	struct diff_series *cold, *p50, *p90;
	int ret = -ENOMEM;

	ip.cold_bs = calloc(k + 1, sizeof(*ip.cold_bs));
	ip.hist = calloc((k + 1) * IDLE_BUCKETS, sizeof(*ip.hist));
	if (!ip.cold_bs || !ip.hist || !secs)
		goto out;
	ret = session_process(ses, &tool, &ip);
	if (ret)
		goto out;
	ret = -ENOMEM;
	secs = diff_profile_find(p, "time.seconds");	/* add_series() moves the array */
	cold = add_series(p, "cold.bytes", METRIC_BYTES);
	if (!cold)
		goto out;
	secs = diff_profile_find(p, "time.seconds");
	cold->whole = secs->whole > 0 ? ip.cold_bs[k] / secs->whole : 0;
	for (size_t j = 0; j < k; j++)
		cold->slice[j] = secs->slice[j] > 0 ? ip.cold_bs[j] / secs->slice[j] : 0;
	p50 = add_series(p, "idle.p50", METRIC_SECONDS);
	if (!p50)
		goto out;
	p90 = add_series(p, "idle.p90", METRIC_SECONDS);
	if (!p90)
		goto out;
	p50 = p90 - 1;
	p50->whole = idle_percentile(ip.hist + k * IDLE_BUCKETS, 0.5);
	p90->whole = idle_percentile(ip.hist + k * IDLE_BUCKETS, 0.9);
	for (size_t j = 0; j < k; j++) {
		p50->slice[j] = idle_percentile(ip.hist + j * IDLE_BUCKETS, 0.5);
		p90->slice[j] = idle_percentile(ip.hist + j * IDLE_BUCKETS, 0.9);
	}
	ret = 0;
out:
	free(ip.cold_bs);
	free(ip.hist);
	return ret;
}

/* ---- objects: one hot table per slice ---- */

/* Scratch of the slice being added, beside the profile's objects (same index). */
struct obj_cur {
	size_t slice;		/* SIZE_MAX: not in this slice */
	double heat, byte_s, hot_byte_s;
	uint64_t idle_bytes, bytes;
};

struct obj_table {
	struct diff_profile *p;
	struct obj_cur *cur;
	size_t alloc;
	uint32_t *slots;	/* index + 1 */
	size_t nr_slots;
};

static uint64_t obj_hash(const char *kind, const char *label, const char *name)
{
	uint64_t h = 1469598103934665603ull;
	const char *parts[3] = { kind, label, name };

	for (int i = 0; i < 3; i++) {
		for (const char *s = parts[i]; *s; s++)
			h = (h ^ (unsigned char)*s) * 1099511628211ull;
		h = (h ^ 0xff) * 1099511628211ull;
	}
	return h;
}

static int same_obj(const struct diff_object *d, const struct hot_object *o)
{
	return !strcmp(d->name, o->name) && !strcmp(d->kind, o->kind) &&
	       !strcmp(d->label, o->label);
}

static int grow_table(struct obj_table *t)
{
	size_t n = t->nr_slots ? t->nr_slots * 2 : 256;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->p->nr_obj; i++) {
		const struct diff_object *d = &t->p->obj[i];
		size_t k = obj_hash(d->kind, d->label, d->name) & (n - 1);

		while (slots[k])
			k = (k + 1) & (n - 1);
		slots[k] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nr_slots = n;
	return 0;
}

/* The profile's object for @o: found or added. Return: its index, or -ENOMEM. */
static long obj_find(struct obj_table *t, const struct hot_object *o)
{
	struct diff_profile *p = t->p;
	struct diff_object *d;
	size_t k;

	if ((p->nr_obj + 1) * 2 > t->nr_slots && grow_table(t))
		return -ENOMEM;
	for (k = obj_hash(o->kind, o->label, o->name) & (t->nr_slots - 1); t->slots[k];
	     k = (k + 1) & (t->nr_slots - 1))
		if (same_obj(&p->obj[t->slots[k] - 1], o))
			return (long)t->slots[k] - 1;
	if (p->nr_obj == t->alloc) {
		size_t n = t->alloc ? t->alloc * 2 : 64;
		void *a = realloc(p->obj, n * sizeof(*p->obj));

		if (!a)
			return -ENOMEM;
		p->obj = a;
		a = realloc(t->cur, n * sizeof(*t->cur));
		if (!a)
			return -ENOMEM;
		t->cur = a;
		t->alloc = n;
	}
	d = &p->obj[p->nr_obj];
	memset(d, 0, sizeof(*d));
	memset(&t->cur[p->nr_obj], 0, sizeof(t->cur[0]));
	t->cur[p->nr_obj].slice = SIZE_MAX;
	snprintf(d->name, sizeof(d->name), "%s", o->name);
	snprintf(d->kind, sizeof(d->kind), "%s", o->kind);
	snprintf(d->label, sizeof(d->label), "%s", o->label);
	snprintf(d->build_id, sizeof(d->build_id), "%s", o->build_id);
	for (int m = 0; m < DIFF_NR_MEASURES; m++) {
		d->m[m].unit = m == DIFF_RATE ? METRIC_HZ : m == DIFF_HOT_SHARE ? METRIC_RATIO :
			       METRIC_BYTES;
		d->m[m].slice = calloc(p->nr_slices, sizeof(*d->m[m].slice));
		if (!d->m[m].slice) {
			while (m-- > 0)
				series_release(&d->m[m]);
			return -ENOMEM;
		}
	}
	t->slots[k] = (uint32_t)p->nr_obj + 1;
	return (long)p->nr_obj++;
}

/* The objects of one hot table into slice @j. */
static int add_table(struct obj_table *t, const struct hot *h, size_t j)
{
	struct diff_profile *p = t->p;

	for (size_t i = 0; i < h->nr_listed; i++) {
		const struct hot_object *o = &h->obj[i];
		long x = obj_find(t, o);
		struct obj_cur *c;

		if (x < 0)
			return (int)x;
		c = &t->cur[x];
		if (c->slice != j)
			*c = (struct obj_cur){ .slice = j };
		c->heat += o->heat;
		c->byte_s += o->byte_s;
		c->hot_byte_s += o->hot_byte_s;
		c->idle_bytes += o->idle_bytes;
		c->bytes += o->bytes;
	}
	for (size_t i = 0; i < p->nr_obj; i++) {
		struct diff_object *d = &p->obj[i];
		const struct obj_cur *c = &t->cur[i];

		if (c->slice != j)
			continue;
		d->heat += c->heat;
		d->byte_s += c->byte_s;
		d->hot_byte_s += c->hot_byte_s;
		d->m[DIFF_RATE].slice[j] = c->byte_s > 0 ? c->heat / c->byte_s : 0;
		d->m[DIFF_HOT_SHARE].slice[j] = c->byte_s > 0 ? c->hot_byte_s / c->byte_s : 0;
		d->m[DIFF_IDLE_BYTES].slice[j] = (double)c->idle_bytes;
		d->m[DIFF_IDLE_BYTES].whole = (double)c->idle_bytes;	/* at the last sighting */
		d->m[DIFF_BYTES].slice[j] = (double)c->bytes;
		if ((double)c->bytes > d->m[DIFF_BYTES].whole)
			d->m[DIFF_BYTES].whole = (double)c->bytes;
	}
	p->total_heat += h->total_heat;
	return 0;
}

static int obj_cmp(const void *a, const void *b)
{
	const struct diff_object *x = a, *y = b;
	int c = strcmp(x->kind, y->kind);

	if (!c)
		c = strcmp(x->label, y->label);
	return c ? c : strcmp(x->name, y->name);
}

static int objects_part(struct diff_profile *p, struct session *ses, const struct slicing *sl,
			const struct diff_opts *o)
{
	struct hot_opts ho = HOT_OPTS_INIT;
	struct obj_table t = { .p = p };
	uint64_t rec0 = 0, lo_user = o->filter.time_range ? o->filter.time_lo_ns : 0;
	int ret = 0;

	ho.min_accesses = o->min_accesses;
	ho.idle_ns = o->idle_ns;
	ho.sym = o->sym;
	ret = sym_cache_new(&ho.cache, &o->sym);	/* one for every slice: each file read once */
	if (ret)
		return ret;
	session_rec_start_ns(ses, &rec0);
	for (size_t j = 0; j < sl->k && !ret; j++) {
		struct session_filter f = o->filter;
		struct session *s;
		struct hot *h;

		if (sl->k > 1) {	/* slice j: [its first snapshot, the next slice's first) */
			f.skip_snapshots = 0;
			f.time_lo_ns = sl->start_ns[j] > rec0 ? sl->start_ns[j] - rec0 : 0;
			f.time_lo_ns = f.time_lo_ns > lo_user ? f.time_lo_ns : lo_user;
			f.time_hi_ns = j + 1 < sl->k ? sl->start_ns[j + 1] - rec0 :
				       o->filter.time_range ? o->filter.time_hi_ns : UINT64_MAX;
			if (f.time_hi_ns <= f.time_lo_ns)
				continue;	/* snapshots out of time order: nothing here */
			f.time_range = 1;
		}
		ret = session_open(&s, session_path(ses), &f);
		if (ret)
			break;
		ret = hot_build(&h, s, &ho);
		if (!ret) {
			hot_rank(h, 0);	/* which sets nr_listed: memory outside every mapping last */
			ret = add_table(&t, h, j);
			hot_free(h);
		}
		session_close(s);
	}
	sym_cache_free(ho.cache);
	free(t.cur);
	free(t.slots);
	if (ret)
		return ret;
	for (size_t i = 0; i < p->nr_obj; i++) {
		struct diff_object *d = &p->obj[i];

		d->m[DIFF_RATE].whole = d->byte_s > 0 ? d->heat / d->byte_s : 0;
		d->m[DIFF_HOT_SHARE].whole = d->byte_s > 0 ? d->hot_byte_s / d->byte_s : 0;
		d->heat_share = p->total_heat > 0 ? d->heat / p->total_heat : 0;
	}
	if (p->nr_obj)
		qsort(p->obj, p->nr_obj, sizeof(*p->obj), obj_cmp);
	return 0;
}

/* The k slices of a series of @n snapshots, each of at least o->min_slice_snapshots. */
static int make_slicing(struct slicing *sl, const struct wss_series *s, const struct diff_opts *o)
{
	size_t k = o->slices ? o->slices : 1, min = o->min_slice_snapshots ? o->min_slice_snapshots : 1;

	if (k > s->n / min)
		k = s->n / min;
	if (!k)
		k = 1;
	sl->k = k;
	sl->first = calloc(k + 1, sizeof(*sl->first));
	sl->start_ns = calloc(k, sizeof(*sl->start_ns));
	if (!sl->first || !sl->start_ns)
		return -ENOMEM;
	for (size_t j = 0; j <= k; j++)
		sl->first[j] = s->n * j / k;
	for (size_t j = 0; j < k; j++)
		sl->start_ns[j] = s->time_ns[sl->first[j]];
	return 0;
}

int diff_profile_build(struct diff_profile **out, struct session *ses, const struct diff_opts *o)
{
	struct wss_opts wo = WSS_OPTS_INIT;
	struct slicing sl = { 0 };
	struct diff_profile *p;
	const struct diff_series *tm;
	struct wss *w = NULL;
	int ret;

	p = calloc(1, sizeof(*p));
	if (!p || !(p->path = strdup(session_path(ses)))) {
		free(p);
		return -ENOMEM;
	}
	wo.min_accesses = o->min_accesses;
	ret = wss_build(&w, ses, &wo);
	if (!ret)
		ret = wss_sum_targets(w);
	if (!ret && (!w->nr_series || !w->series[0].n))
		ret = -ENODATA;
	if (!ret)
		ret = make_slicing(&sl, &w->series[0], o);
	if (ret)
		goto fail;
	p->nr_slices = sl.k;
	p->nr_snapshots = w->series[0].n;
	ret = wss_part(p, &w->series[0], &sl, o);
	if (ret)
		goto fail;
	/* hot bytes: the contract's name for the working set's mean over time */
	tm = diff_profile_find(p, "wss.time_mean");
	if (!tm || !add_series(p, "hot.bytes", METRIC_BYTES)) {
		ret = -ENOMEM;
		goto fail;
	}
	tm = diff_profile_find(p, "wss.time_mean");
	p->m[p->nr_m - 1].whole = tm->whole;
	memcpy(p->m[p->nr_m - 1].slice, tm->slice, sl.k * sizeof(*tm->slice));
	p->seconds = diff_profile_find(p, "time.seconds")->whole;
	ret = idle_part(p, ses, &sl, o);
	if (!ret)
		ret = objects_part(p, ses, &sl, o);
	if (ret)
		goto fail;
	free(sl.first);
	free(sl.start_ns);
	wss_free(w);
	*out = p;
	return 0;
fail:
	free(sl.first);
	free(sl.start_ns);
	wss_free(w);
	diff_profile_free(p);
	return ret;
}
