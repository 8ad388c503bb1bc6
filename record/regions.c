// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON's region engine in userspace (see regions.h). Each function names the kernel function it
 * follows; where the kernel walks a linked list this walks a sorted array, building a new array
 * when regions are inserted so that a pass stays linear in the region count.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "record/regions.h"

#define DR_BP 10000u

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) / a * a;
}

static uint64_t align_down(uint64_t x, uint64_t a)
{
	return x / a * a;
}

static uint64_t sz_region(const struct dr_region *r)
{
	return r->end - r->start;
}

/* splitmix64: small, seedable, good enough for picking sample addresses and split points. */
static uint64_t rng_next(struct dr_ctx *c)
{
	uint64_t z = (c->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t dr_rand(struct dr_ctx *c, uint64_t l, uint64_t r)
{
	if (r <= l)
		return l;
	return l + rng_next(c) % (r - l);
}

uint32_t dr_max_nr_accesses(const struct dr_attrs *a)
{
	uint64_t n = a->aggr_us / (a->sample_us ? a->sample_us : 1);

	if (n > UINT32_MAX)
		n = UINT32_MAX;
	return n ? (uint32_t)n : 1;
}

/* damon_set_attrs()'s rules */
static int attrs_valid(const struct dr_attrs *a)
{
	return a->sample_us && a->aggr_us && a->update_us && a->sample_us <= a->aggr_us &&
	       a->min_nr_regions >= 3 && a->min_nr_regions <= a->max_nr_regions;
}

int dr_ctx_init(struct dr_ctx *c, const struct dr_attrs *a, uint64_t min_region_sz, uint64_t seed)
{
	memset(c, 0, sizeof(*c));
	if (!attrs_valid(a) || !min_region_sz)
		return -EINVAL;
	c->attrs = *a;
	c->min_region_sz = min_region_sz;
	c->rng = seed;
	c->next_aggregation_sis = a->aggr_us / a->sample_us;
	c->next_ops_update_sis = a->update_us / a->sample_us;
	c->sz_limit = min_region_sz;
	return 0;
}

/* damon_nr_accesses_for_new_attrs(): through basis points of the samples per window */
static uint32_t nr_accesses_for(uint32_t nr, const struct dr_attrs *o, const struct dr_attrs *n)
{
	uint64_t bp = (uint64_t)nr * DR_BP / dr_max_nr_accesses(o);

	return (uint32_t)(bp * dr_max_nr_accesses(n) / DR_BP);
}

int dr_set_attrs(struct dr_ctx *c, const struct dr_attrs *a)
{
	int aggregating = c->passed_sample_intervals < c->next_aggregation_sis;
	const struct dr_attrs *o = &c->attrs;

	if (!attrs_valid(a))
		return -EINVAL;
	for (size_t i = 0; i < c->nr; i++) {
		struct dr_region *r = &c->r[i];

		/* damon_update_monitoring_result() */
		if (!aggregating) {
			r->nr_accesses = nr_accesses_for(r->nr_accesses, o, a);
			r->nr_accesses_bp = r->nr_accesses * DR_BP;
		} else {
			r->last_nr_accesses = nr_accesses_for(r->last_nr_accesses, o, a);
			r->nr_accesses_bp = r->last_nr_accesses * DR_BP;
			r->nr_accesses = 0;
		}
		r->age = (uint32_t)((uint64_t)r->age * o->aggr_us / a->aggr_us);
	}
	c->next_aggregation_sis = c->passed_sample_intervals + a->aggr_us / a->sample_us;
	c->next_ops_update_sis = c->passed_sample_intervals + a->update_us / a->sample_us;
	c->attrs = *a;
	return 0;
}

void dr_ctx_release(struct dr_ctx *c)
{
	free(c->r);
	free(c->addrs);
	free(c->accessed);
	memset(c, 0, sizeof(*c));
}

static int reserve(struct dr_ctx *c, size_t nr)
{
	struct dr_region *n;
	size_t alloc;

	if (nr <= c->alloc)
		return 0;
	alloc = c->alloc ? c->alloc : 16;
	while (alloc < nr)
		alloc *= 2;
	n = realloc(c->r, alloc * sizeof(*n));
	if (!n)
		return -ENOMEM;
	c->r = n;
	c->alloc = alloc;
	return 0;
}

static struct dr_region new_region(uint64_t start, uint64_t end)
{
	struct dr_region r = { .start = start, .end = end, .sampling_addr = start };

	return r;
}

/* Insert @r before index @at. */
static int insert_region(struct dr_ctx *c, size_t at, struct dr_region r)
{
	if (reserve(c, c->nr + 1))
		return -ENOMEM;
	memmove(&c->r[at + 1], &c->r[at], (c->nr - at) * sizeof(*c->r));
	c->r[at] = r;
	c->nr++;
	return 0;
}

static void delete_region(struct dr_ctx *c, size_t at)
{
	memmove(&c->r[at], &c->r[at + 1], (c->nr - at - 1) * sizeof(*c->r));
	c->nr--;
}

int dr_add_region(struct dr_ctx *c, uint64_t start, uint64_t end)
{
	return insert_region(c, c->nr, new_region(start, end));
}

int dr_three_regions(const struct dr_range *vmas, size_t n, uint64_t align, struct dr_range out[3])
{
	struct dr_range first_gap = { 0, 0 }, second_gap = { 0, 0 }, tmp;
	uint64_t start = 0;
	const struct dr_range *prev = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct dr_range *v = &vmas[i];
		uint64_t gap;

		if (!prev) {
			start = v->start;
			prev = v;
			continue;
		}
		gap = v->start - prev->end;
		if (gap > first_gap.end - first_gap.start) {
			second_gap = first_gap;
			first_gap.start = prev->end;
			first_gap.end = v->start;
		} else if (gap > second_gap.end - second_gap.start) {
			second_gap.start = prev->end;
			second_gap.end = v->start;
		}
		prev = v;
	}
	if (first_gap.end == first_gap.start || second_gap.end == second_gap.start)
		return -EINVAL;
	/* sort the two gaps by address */
	if (first_gap.start > second_gap.start) {
		tmp = first_gap;
		first_gap = second_gap;
		second_gap = tmp;
	}
	out[0].start = align_up(start, align);
	out[0].end = align_up(first_gap.start, align);
	out[1].start = align_up(first_gap.end, align);
	out[1].end = align_up(second_gap.start, align);
	out[2].start = align_up(second_gap.end, align);
	out[2].end = align_up(prev->end, align);
	return 0;
}

int dr_monitor_ranges(const struct dr_range *vmas, size_t n, uint64_t align, uint64_t cap,
		      struct dr_range *out)
{
	struct dr_range three[3];
	size_t nr = 0, k = 0;
	int ret = dr_three_regions(vmas, n, align, three);

	if (ret)
		return ret;
	if (!cap) {
		memcpy(out, three, sizeof(three));
		return 3;
	}
	out[0].start = three[0].start;
	for (size_t i = 1; i < n; i++) {
		uint64_t end = align_up(vmas[i - 1].end, align), next = align_up(vmas[i].start, align);
		int cut = k < 2 && end >= three[k].end && next >= three[k + 1].start;

		if (!cut && next - end <= cap)
			continue;
		if (end > out[nr].start)
			out[nr++].end = end;
		out[nr].start = cut ? three[++k].start : next;
	}
	out[nr].end = three[2].end;
	if (out[nr].end > out[nr].start)
		nr++;
	return (int)nr;
}

/* The cap of dr_monitor_ranges(): the mapped bytes of @vmas per min_nr_regions, or 0 (off). */
static uint64_t gap_cap(const struct dr_ctx *c, const struct dr_range *vmas, size_t n)
{
	uint64_t mapped = 0;

	if (!c->cut_wide_gaps)
		return 0;
	for (size_t i = 0; i < n; i++)
		mapped += vmas[i].end - vmas[i].start;
	mapped /= c->attrs.min_nr_regions;
	return mapped > c->min_region_sz ? mapped : c->min_region_sz;
}

int dr_evenly_split_region(struct dr_ctx *c, size_t idx, unsigned int nr_pieces)
{
	uint64_t sz_orig, sz_piece, orig_end, start;
	struct dr_region base;
	int ret;

	if (idx >= c->nr || !nr_pieces)
		return -EINVAL;
	if (nr_pieces == 1)
		return 0;
	base = c->r[idx];
	orig_end = base.end;
	sz_orig = sz_region(&base);
	sz_piece = align_down(sz_orig / nr_pieces, c->min_region_sz);
	if (!sz_piece)
		return -EINVAL;
	ret = reserve(c, c->nr + nr_pieces - 1);
	if (ret)
		return ret;
	memmove(&c->r[idx + nr_pieces], &c->r[idx + 1], (c->nr - idx - 1) * sizeof(*c->r));
	c->nr += nr_pieces - 1;
	c->r[idx].end = base.start + sz_piece;
	start = c->r[idx].end;
	for (unsigned int i = 1; i < nr_pieces; i++, start += sz_piece)
		c->r[idx + i] = new_region(start, start + sz_piece);
	/* the last piece absorbs the rounding */
	c->r[idx + nr_pieces - 1].end = orig_end;
	return 0;
}

uint64_t dr_region_sz_limit(const struct dr_ctx *c)
{
	uint64_t sz = 0;

	for (size_t i = 0; i < c->nr; i++)
		sz += sz_region(&c->r[i]);
	if (c->attrs.min_nr_regions)
		sz /= c->attrs.min_nr_regions;
	return sz < c->min_region_sz ? c->min_region_sz : sz;
}

int dr_init_regions(struct dr_ctx *c, const struct dr_range *vmas, size_t n)
{
	struct dr_range *three = malloc((n + 3) * sizeof(*three));
	uint64_t sz = 0;
	int ret, nr;

	c->nr = 0;
	if (!three)
		return -ENOMEM;
	nr = dr_monitor_ranges(vmas, n, c->min_region_sz, gap_cap(c, vmas, n), three);
	ret = nr < 0 ? nr : 0;
	for (int i = 0; i < nr; i++)
		sz += three[i].end - three[i].start;
	if (c->attrs.min_nr_regions)
		sz /= c->attrs.min_nr_regions;
	if (sz < c->min_region_sz)
		sz = c->min_region_sz;
	for (int i = 0; i < nr && !ret; i++) {
		size_t idx = c->nr;

		ret = dr_add_region(c, three[i].start, three[i].end);
		if (ret)
			break;
		/* an error here leaves the region whole, as the kernel does */
		ret = dr_evenly_split_region(c, idx, (three[i].end - three[i].start) / sz);
		if (ret != -ENOMEM)
			ret = 0;
	}
	free(three);
	if (ret)
		return ret;
	c->sz_limit = dr_region_sz_limit(c);
	return 0;
}

int dr_split_region_at(struct dr_ctx *c, size_t idx, uint64_t sz)
{
	struct dr_region n;

	if (idx >= c->nr || !sz || sz >= sz_region(&c->r[idx]))
		return -EINVAL;
	/* the right piece inherits age, last_nr_accesses, nr_accesses, nr_accesses_bp */
	n = c->r[idx];
	n.start = c->r[idx].start + sz;
	n.sampling_addr = n.start;
	c->r[idx].end = n.start;
	return insert_region(c, idx + 1, n);
}

void dr_merge_two_regions(struct dr_ctx *c, size_t idx)
{
	struct dr_region *l = &c->r[idx], *r = &c->r[idx + 1];
	uint64_t sz_l = sz_region(l), sz_r = sz_region(r);

	l->nr_accesses = (l->nr_accesses * sz_l + r->nr_accesses * sz_r) / (sz_l + sz_r);
	l->nr_accesses_bp = l->nr_accesses * DR_BP;
	l->age = (l->age * sz_l + r->age * sz_r) / (sz_l + sz_r);
	l->end = r->end;
	delete_region(c, idx + 1);
}

static uint32_t udiff(uint32_t a, uint32_t b)
{
	return a > b ? a - b : b - a;
}

void dr_merge_regions_of(struct dr_ctx *c, uint32_t thres, uint64_t sz_limit)
{
	size_t out = 0;		/* regions [0, out) are final; c->r[out - 1] is "prev" */

	for (size_t i = 0; i < c->nr; i++) {
		struct dr_region r = c->r[i];

		if (udiff(r.nr_accesses, r.last_nr_accesses) > thres)
			r.age = 0;
		else if ((r.nr_accesses == 0) != (r.last_nr_accesses == 0))
			r.age = 0;
		else
			r.age++;
		if (out) {
			struct dr_region *prev = &c->r[out - 1];

			if (prev->end == r.start &&
			    udiff(prev->nr_accesses, r.nr_accesses) <= thres &&
			    sz_region(prev) + sz_region(&r) <= sz_limit) {
				uint64_t sz_l = sz_region(prev), sz_r = sz_region(&r);

				/* damon_merge_two_regions(prev, r) */
				prev->nr_accesses = (prev->nr_accesses * sz_l +
						     r.nr_accesses * sz_r) / (sz_l + sz_r);
				prev->nr_accesses_bp = prev->nr_accesses * DR_BP;
				prev->age = (prev->age * sz_l + r.age * sz_r) / (sz_l + sz_r);
				prev->end = r.end;
				continue;
			}
		}
		c->r[out++] = r;
	}
	c->nr = out;
}

void dr_merge_regions(struct dr_ctx *c, uint32_t threshold, uint64_t sz_limit)
{
	uint32_t max_thres = dr_max_nr_accesses(&c->attrs);

	do {
		dr_merge_regions_of(c, threshold, sz_limit);
		threshold = threshold * 2 > 1 ? threshold * 2 : 1;
	} while (c->nr > c->attrs.max_nr_regions && threshold / 2 < max_thres);
}

int dr_split_regions_of(struct dr_ctx *c, unsigned int nr_subs)
{
	struct dr_region *out;
	size_t nr_out = 0, alloc;
	uint64_t min_sz = c->min_region_sz;

	if (nr_subs < 2)
		return 0;
	alloc = c->nr * nr_subs;
	if (!alloc)
		return 0;
	out = malloc(alloc * sizeof(*out));
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < c->nr; i++) {
		struct dr_region r = c->r[i], pieces[8];
		uint64_t sz = sz_region(&r);
		size_t np = 0;		/* right-hand pieces, in reverse address order */

		for (unsigned int k = 0; k < nr_subs - 1 && sz > 2 * min_sz && np < 8; k++) {
			uint64_t sz_sub = align_down(dr_rand(c, 1, 10) * sz / 10, min_sz);

			if (!sz_sub || sz_sub >= sz)
				continue;
			/* damon_split_region_at(): the new right piece inherits the statistics */
			pieces[np] = r;
			pieces[np].start = r.start + sz_sub;
			pieces[np].end = r.end;
			pieces[np].sampling_addr = pieces[np].start;
			np++;
			r.end = r.start + sz_sub;
			sz = sz_sub;	/* a 3-way split cuts the left piece again */
		}
		out[nr_out++] = r;
		while (np)
			out[nr_out++] = pieces[--np];
	}
	free(c->r);
	c->r = out;
	c->nr = nr_out;
	c->alloc = alloc;
	return 0;
}

int dr_split_regions(struct dr_ctx *c)
{
	uint32_t nr_regions = (uint32_t)c->nr;
	unsigned int nr_subregions = 2;
	int ret;

	if (nr_regions > c->attrs.max_nr_regions / 2)
		return 0;
	/* maybe the middle of the region has a different access frequency */
	if (c->last_nr_regions == nr_regions && nr_regions < c->attrs.max_nr_regions / 3)
		nr_subregions = 3;
	ret = dr_split_regions_of(c, nr_subregions);
	c->last_nr_regions = nr_regions;
	return ret;
}

void dr_reset_aggregated(struct dr_ctx *c)
{
	for (size_t i = 0; i < c->nr; i++) {
		struct dr_region *r = &c->r[i];

		/* damon_warn_fix_nr_accesses_corruption(), without the warning */
		r->nr_accesses_bp = r->nr_accesses * DR_BP;
		r->last_nr_accesses = r->nr_accesses;
		r->nr_accesses = 0;
	}
}

static int intersects(const struct dr_region *r, const struct dr_range *re)
{
	return !(r->end <= re->start || re->end <= r->start);
}

/* damon_fill_regions_holes() between regions @first and @last (indexes). */
static int fill_holes(struct dr_ctx *c, size_t first, size_t *last)
{
	for (size_t i = first; i < *last; i++) {
		if (c->r[i].end != c->r[i + 1].start) {
			if (insert_region(c, i + 1, new_region(c->r[i].end, c->r[i + 1].start)))
				return -ENOMEM;
			(*last)++;
			i++;
		}
	}
	return 0;
}

int dr_set_regions(struct dr_ctx *c, const struct dr_range *ranges, size_t n)
{
	uint64_t a = c->min_region_sz;
	size_t i, out = 0, cur;

	/* remove regions that intersect none of the new ranges */
	for (i = 0; i < c->nr; i++) {
		size_t k;

		for (k = 0; k < n; k++)
			if (intersects(&c->r[i], &ranges[k]))
				break;
		if (k < n)
			c->r[out++] = c->r[i];
	}
	c->nr = out;

	/* add new regions or resize existing ones to fit in the ranges */
	cur = 0;
	for (size_t k = 0; k < n; k++) {
		const struct dr_range *range = &ranges[k];
		size_t first = SIZE_MAX, last = 0;

		for (; cur < c->nr; cur++) {
			if (intersects(&c->r[cur], range)) {
				if (first == SIZE_MAX)
					first = cur;
				last = cur;
			}
			if (c->r[cur].start >= range->end)
				break;
		}
		if (first == SIZE_MAX) {
			if (insert_region(c, cur, new_region(align_down(range->start, a),
							     align_up(range->end, a))))
				return -ENOMEM;
			/* the list cursor stays on the region it stopped at, now one further */
			cur++;
		} else {
			size_t old_last = last;

			c->r[first].start = align_down(range->start, a);
			c->r[last].end = align_up(range->end, a);
			if (fill_holes(c, first, &last))
				return -ENOMEM;
			cur += last - old_last;
		}
	}
	return 0;
}

int dr_update(struct dr_ctx *c, const struct dr_range *vmas, size_t n)
{
	struct dr_range *ranges = malloc((n + 3) * sizeof(*ranges));
	int ret = 0, nr;

	if (!ranges)
		return -ENOMEM;
	nr = dr_monitor_ranges(vmas, n, c->min_region_sz, gap_cap(c, vmas, n), ranges);
	if (nr > 0)
		ret = dr_set_regions(c, ranges, (size_t)nr);
	free(ranges);
	c->sz_limit = dr_region_sz_limit(c);
	return ret;
}

static int reserve_scratch(struct dr_ctx *c)
{
	uint64_t *a;
	uint8_t *b;
	size_t alloc;

	if (c->nr <= c->scratch_alloc)
		return 0;
	alloc = c->alloc > c->nr ? c->alloc : c->nr;
	a = realloc(c->addrs, alloc * sizeof(*a));
	if (!a)
		return -ENOMEM;
	c->addrs = a;
	b = realloc(c->accessed, alloc);
	if (!b)
		return -ENOMEM;
	c->accessed = b;
	c->scratch_alloc = alloc;
	return 0;
}

int dr_sample_prepare(struct dr_ctx *c, const struct dr_prim *p)
{
	int ret = reserve_scratch(c);

	if (ret)
		return ret;
	for (size_t i = 0; i < c->nr; i++) {
		c->r[i].sampling_addr = dr_rand(c, c->r[i].start, c->r[i].end);
		c->addrs[i] = c->r[i].sampling_addr;
	}
	return c->nr ? p->prepare(p->priv, c->addrs, c->nr) : 0;
}

int dr_sample_check(struct dr_ctx *c, const struct dr_prim *p, unsigned int *events)
{
	uint32_t len_window = dr_max_nr_accesses(&c->attrs), max = 0;
	int ret = 0;

	*events = 0;
	if (c->nr) {
		ret = reserve_scratch(c);
		if (ret)
			return ret;
		for (size_t i = 0; i < c->nr; i++)
			c->addrs[i] = c->r[i].sampling_addr;
		memset(c->accessed, 0, c->nr);
		ret = p->check(p->priv, c->addrs, c->nr, c->accessed);
		if (ret)
			return ret;
	}
	c->passed_sample_intervals++;
	for (size_t i = 0; i < c->nr; i++) {
		struct dr_region *r = &c->r[i];

		/* damon_update_region_access_rate(): unsigned arithmetic, as in the kernel */
		r->nr_accesses_bp = r->nr_accesses_bp - (r->last_nr_accesses * DR_BP) / len_window +
				    (c->accessed[i] ? DR_BP : 0);
		if (c->accessed[i])
			r->nr_accesses++;
		if (r->nr_accesses > max)
			max = r->nr_accesses;
	}
	c->max_nr_accesses = max;
	if (c->passed_sample_intervals >= c->next_aggregation_sis) {
		dr_merge_regions(c, max / 10, c->sz_limit);
		*events |= DR_EV_AGGREGATED;
	}
	if (c->passed_sample_intervals >= c->next_ops_update_sis) {
		c->next_ops_update_sis += c->attrs.update_us / c->attrs.sample_us;
		*events |= DR_EV_UPDATE_DUE;
	}
	return 0;
}

int dr_aggregation_done(struct dr_ctx *c)
{
	c->next_aggregation_sis += c->attrs.aggr_us / c->attrs.sample_us;
	dr_reset_aggregated(c);
	return dr_split_regions(c);
}
