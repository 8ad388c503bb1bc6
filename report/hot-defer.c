// SPDX-License-Identifier: GPL-2.0
/*
 * A region over a library's text covers thousands of functions, and a per-snapshot update of
 * each made report hot of a one-hour recording take seconds. An object that a region covers
 * wholly is covered by no other region of that snapshot, and what it gains is a sum: its bytes
 * times the region's interval, accesses, hot and idle time. So the region adds its side once,
 * as +x at its first whole run and -x past its last (a difference array over the mapping's
 * runs), and the runs get their totals by a prefix sum when their map is replaced or the pass
 * ends. An object's state "now" (idle time, idle bytes) is that of the last region that covered
 * it: a paint of the regions, address by address, keeps it. Runs that are not their object's
 * whole extent, and regions that cut a run, take the per-snapshot path as before. The numbers
 * are those of the per-snapshot arithmetic (design note 20) up to floating-point rounding.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/hot-defer.h"

uint64_t hot_accesses(uint32_t nr_accesses, double span_per_aggr)
{
	double x = (double)nr_accesses * span_per_aggr * HOT_ACC_ONE;

	return x < (double)HOT_ACC_MAX ? (uint64_t)(x + 0.5) : HOT_ACC_MAX;
}

void hot_add_piece(struct hot *h, const struct hot_opts *opt, uint64_t seq, uint32_t i,
		   uint64_t bytes, const struct dpf_region *r, uint64_t dt_ns, uint64_t acc)
{
	struct hot_object *o = &h->obj[i];
	double byte_s = (double)bytes * (double)dt_ns / 1e9;
	/* bytes x time x rate: the rate is nr_accesses over the interval in force (note 48) */
	double heat = (double)bytes * ((double)acc / HOT_ACC_ONE);
	uint64_t len = r->end - r->start;

	if (o->seq != seq) {
		o->seq = seq;
		o->cur_bytes = 0;
		o->cur_idle_bytes = 0;
		o->cur_idle_ns = UINT64_MAX;
		o->cur_idle_part = 0;
		o->observed_ns += dt_ns;
	}
	o->byte_s += byte_s;
	o->heat += heat;
	if (r->nr_accesses >= opt->min_accesses)
		o->hot_byte_s += byte_s;
	if (len < o->min_region)
		o->min_region = len;
	o->cur_bytes += bytes;
	if (o->cur_bytes > o->bytes)
		o->bytes = o->cur_bytes;
	if (!r->nr_accesses) {
		uint64_t age_ns = (uint64_t)r->age * dt_ns;

		o->idle_byte_s += byte_s;
		if (age_ns < o->cur_idle_ns)
			o->cur_idle_ns = age_ns;
		if (age_ns >= opt->idle_ns)
			o->cur_idle_bytes += bytes;
	}
	o->idle_bytes = o->cur_idle_bytes;
	if (!r->nr_accesses)
		o->cur_idle_part += bytes;
	/* idle when most of its bytes are: a region shared with a busy neighbour does not count */
	o->idle_ns = 2 * o->cur_idle_part > o->cur_bytes && o->cur_idle_ns != UINT64_MAX ?
		     o->cur_idle_ns : 0;
	h->total_byte_s += byte_s;
	h->total_heat += heat;
	h->nr_pieces++;
}

int runs_prepare(struct map_runs *mr, const struct hot *h)
{
	size_t nr_odd = 0;

	mr->prepared = 1;
	mr->contiguous = mr->nr > 0 && mr->runs[0].lo == mr->start && mr->runs[mr->nr - 1].hi == mr->end;
	for (size_t k = 0; k < mr->nr; k++) {
		struct run *run = &mr->runs[k];
		const struct hot_object *o = &h->obj[run->obj];

		if (k && run->lo != mr->runs[k - 1].hi)
			mr->contiguous = 0;
		run->odd = !(o->extent && run->lo <= o->addr && o->addr < run->hi &&
			     o->size <= run->hi - o->addr);
		nr_odd += run->odd;
	}
	mr->odd = malloc((nr_odd ? nr_odd : 1) * sizeof(*mr->odd));
	if (!mr->odd)
		return -ENOMEM;
	for (size_t k = 0; k < mr->nr; k++)
		if (mr->runs[k].odd)
			mr->odd[mr->nr_odd++] = (uint32_t)k;
	return 0;
}

size_t runs_first_odd(const struct map_runs *mr, size_t k)
{
	size_t lo = 0, hi = mr->nr_odd;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mr->odd[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < mr->nr_odd ? mr->odd[lo] : mr->nr;
}

int runs_defer(struct map_runs *mr, size_t k1, size_t k2, const struct dpf_region *r,
	       uint64_t dt_ns, uint64_t acc, const struct hot_opts *o)
{
	int64_t dt = (int64_t)dt_ns;
	struct run_sums x = { dt, r->nr_accesses >= o->min_accesses ? dt : 0, r->nr_accesses ? 0 : dt,
			      1, acc };

	if (!mr->diff && !(mr->diff = calloc(mr->nr + 1, sizeof(*mr->diff))))
		return -ENOMEM;
	mr->diff[k1].dt_ns += x.dt_ns;
	mr->diff[k1].hot_ns += x.hot_ns;
	mr->diff[k1].idle_ns += x.idle_ns;
	mr->diff[k1].accesses += x.accesses;
	mr->diff[k1].count += x.count;
	mr->diff[k2].dt_ns -= x.dt_ns;
	mr->diff[k2].hot_ns -= x.hot_ns;
	mr->diff[k2].idle_ns -= x.idle_ns;
	mr->diff[k2].accesses -= x.accesses;
	mr->diff[k2].count -= x.count;
	return 0;
}

/* The cell of @p that holds @a, or NULL. */
static const struct paint_cell *paint_at(const struct paint *p, uint64_t a)
{
	size_t lo = 0, hi = p->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->c[mid].end <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nr && p->c[lo].start <= a ? &p->c[lo] : NULL;
}

void runs_settle(struct map_runs *mr, struct hot *h, const struct hot_opts *opt,
		 const struct paint *p)
{
	struct run_sums acc = { 0 };

	if (!mr->diff)
		return;
	for (size_t k = 0; k < mr->nr; k++) {
		const struct run *run = &mr->runs[k];
		struct hot_object *o = &h->obj[run->obj];
		const struct paint_cell *c;
		uint64_t bytes = run->hi - run->lo;
		double b = (double)bytes;

		acc.dt_ns += mr->diff[k].dt_ns;
		acc.hot_ns += mr->diff[k].hot_ns;
		acc.idle_ns += mr->diff[k].idle_ns;
		acc.accesses += mr->diff[k].accesses;
		acc.count += mr->diff[k].count;
		if (acc.count <= 0 || run->odd)
			continue;
		o->observed_ns += (uint64_t)acc.dt_ns;
		o->byte_s += b * (double)acc.dt_ns / 1e9;
		o->heat += b * ((double)acc.accesses / HOT_ACC_ONE);
		o->hot_byte_s += b * (double)acc.hot_ns / 1e9;
		o->idle_byte_s += b * (double)acc.idle_ns / 1e9;
		/* the regions were larger than the run (else it took the per-snapshot path) */
		if (bytes + 1 < o->min_region)
			o->min_region = bytes + 1;
		if (bytes > o->bytes)
			o->bytes = bytes;
		h->total_byte_s += b * (double)acc.dt_ns / 1e9;
		h->total_heat += b * ((double)acc.accesses / HOT_ACC_ONE);
		h->nr_pieces += (uint64_t)acc.count;
		/* its state now: the last region over it, unless a later snapshot cut it */
		c = paint_at(p, run->lo);
		if (!c || c->end < run->hi || (o->seq != UINT64_MAX && o->seq >= c->seq))
			continue;
		o->seq = c->seq;
		o->cur_bytes = bytes;
		o->cur_idle_ns = c->nr_accesses ? UINT64_MAX : (uint64_t)c->age * c->dt_ns;
		o->cur_idle_part = c->nr_accesses ? 0 : bytes;
		o->cur_idle_bytes = !c->nr_accesses && o->cur_idle_ns >= opt->idle_ns ? bytes : 0;
		o->idle_bytes = o->cur_idle_bytes;
		o->idle_ns = c->nr_accesses ? 0 : o->cur_idle_ns;
	}
	memset(mr->diff, 0, (mr->nr + 1) * sizeof(*mr->diff));
}

void runs_free(struct map_runs *mr)
{
	free(mr->runs);
	free(mr->diff);
	free(mr->odd);
	free(mr->path);
	free(mr);
}

static int reserve(struct paint_cell **c, size_t *alloc, size_t n)
{
	void *p;

	if (n <= *alloc)
		return 0;
	n = n < 64 ? 64 : 2 * n;
	p = realloc(*c, n * sizeof(**c));
	if (!p)
		return -ENOMEM;
	*c = p;
	*alloc = n;
	return 0;
}

int paint_snapshot(struct paint *p, const struct dpf_snapshot *s, uint64_t dt_ns, uint64_t seq)
{
	size_t n = 0, i = 0;
	struct paint_cell *swap;
	size_t swap_alloc;

	/* at most: every old cell, and per region itself and the front of a cell it cuts */
	if (reserve(&p->tmp, &p->tmp_alloc, p->nr + 2 * (size_t)s->nr_regions + 1))
		return -ENOMEM;
	for (uint32_t k = 0; k < s->nr_regions; k++) {
		const struct dpf_region *r = &s->regions[k];

		if (r->end <= r->start)
			continue;
		/* the old cells before the region, the part of one that sticks out in front */
		for (; i < p->nr && p->c[i].start < r->start; i++) {
			p->tmp[n] = p->c[i];
			if (p->tmp[n].end > r->start) {
				p->tmp[n].end = r->start;
				n++;
				break;
			}
			n++;
		}
		p->tmp[n++] = (struct paint_cell){ r->start, r->end, seq, dt_ns, r->nr_accesses,
						   r->age };
		/* the old cells under the region go; the part of one past its end stays */
		while (i < p->nr && p->c[i].end <= r->end)
			i++;
		if (i < p->nr && p->c[i].start < r->end) {
			p->c[i].start = r->end;	/* cut in place: it is past every region so far */
		}
	}
	for (; i < p->nr; i++)
		p->tmp[n++] = p->c[i];
	swap = p->c;
	swap_alloc = p->alloc;
	p->c = p->tmp;
	p->alloc = p->tmp_alloc;
	p->tmp = swap;
	p->tmp_alloc = swap_alloc;
	p->nr = n;
	return 0;
}

void paint_free(struct paint *p)
{
	free(p->c);
	free(p->tmp);
	memset(p, 0, sizeof(*p));
}
