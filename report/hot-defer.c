// SPDX-License-Identifier: GPL-2.0
/*
 * A region that stays the same from one snapshot to the next (most of a long recording: cold
 * libraries, big tables) covers the same objects each time, and every object wholly inside it
 * gets the same kind of update: its byte-time, heat, hot and idle byte-time grow by its bytes
 * times the region's interval, accesses, and so on. Those are sums, so they can wait: a span
 * (report/hot-defer.h) adds up the region's side per snapshot in O(1) and hands each whole
 * object its share when the region goes or changes, with the last snapshot's state as "now".
 * Objects that a region only partly covers are updated per snapshot as before. The numbers are
 * those of the per-snapshot arithmetic (design note 20) up to floating-point rounding; note 25.
 */
#include <stdlib.h>
#include <string.h>

#include "report/hot-defer.h"

void hot_add_piece(struct hot *h, const struct hot_opts *opt, uint64_t seq, uint32_t i,
		   uint64_t bytes, const struct dpf_region *r, uint64_t dt_ns)
{
	struct hot_object *o = &h->obj[i];
	double byte_s = (double)bytes * (double)dt_ns / 1e9;
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
	o->heat += (double)bytes * r->nr_accesses;	/* bytes x time x (accesses / time) */
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
	h->total_heat += (double)bytes * r->nr_accesses;
	h->nr_pieces++;
}

static size_t slot_of(const struct hot_spans *sp, uint64_t start, uint64_t end)
{
	uint64_t x = (start ^ (end * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;

	return (size_t)(x ^ (x >> 29)) & (sp->nr_slots - 1);
}

static void index_spans(struct hot_spans *sp)
{
	memset(sp->slots, 0, sp->nr_slots * sizeof(*sp->slots));
	for (size_t i = 0; i < sp->nr; i++) {
		size_t k = slot_of(sp, sp->s[i].start, sp->s[i].end);

		while (sp->slots[k])
			k = (k + 1) & (sp->nr_slots - 1);
		sp->slots[k] = (uint32_t)i + 1;
	}
}

struct hot_span *hot_span_find(struct hot_spans *sp, uint64_t start, uint64_t end)
{
	if (!sp->nr)
		return NULL;
	for (size_t k = slot_of(sp, start, end); sp->slots[k]; k = (k + 1) & (sp->nr_slots - 1)) {
		struct hot_span *s = &sp->s[sp->slots[k] - 1];

		if (s->start == start && s->end == end)
			return s;
	}
	return NULL;
}

struct hot_span *hot_span_add(struct hot_spans *sp, uint64_t start, uint64_t end,
			      struct hot_piece *pieces, size_t nr)
{
	struct hot_span *s;

	if (sp->nr == sp->alloc) {
		size_t n = sp->alloc ? sp->alloc * 2 : 64;
		void *p = n < UINT32_MAX / 4 ? realloc(sp->s, n * sizeof(*sp->s)) : NULL;
		uint32_t *slots;

		if (!p)
			return NULL;
		sp->s = p;
		slots = calloc(2 * n, sizeof(*slots));
		if (!slots)
			return NULL;
		sp->alloc = n;
		free(sp->slots);
		sp->slots = slots;
		sp->nr_slots = 2 * n;
		index_spans(sp);
	}
	s = &sp->s[sp->nr++];
	memset(s, 0, sizeof(*s));
	s->start = start;
	s->end = end;
	s->pieces = pieces;
	s->nr = nr;
	{
		size_t k = slot_of(sp, start, end);

		while (sp->slots[k])
			k = (k + 1) & (sp->nr_slots - 1);
		sp->slots[k] = (uint32_t)sp->nr;
	}
	return s;
}

void hot_span_account(struct hot_span *s, const struct hot_opts *o, const struct dpf_region *r,
		      uint64_t dt_ns, uint64_t seq)
{
	double sec = (double)dt_ns / 1e9;

	s->dt_ns += dt_ns;
	s->seconds += sec;
	s->accesses += r->nr_accesses;
	if (r->nr_accesses >= o->min_accesses)
		s->hot_seconds += sec;
	if (!r->nr_accesses)
		s->idle_seconds += sec;
	s->count++;
	s->last = *r;
	s->last_dt_ns = dt_ns;
	s->last_seq = seq;
}

/* Each whole piece of @s gets the span's sums; its state "now" is the last snapshot's. */
static void give(const struct hot_span *s, struct hot *h, const struct hot_opts *opt)
{
	uint64_t len = s->end - s->start, age_ns = (uint64_t)s->last.age * s->last_dt_ns;
	int idle = !s->last.nr_accesses;

	if (!s->count)
		return;
	for (size_t k = 0; k < s->nr; k++) {
		const struct hot_piece *p = &s->pieces[k];
		struct hot_object *o = &h->obj[p->obj];
		double b = (double)p->bytes;

		if (!p->whole)
			continue;
		o->observed_ns += s->dt_ns;
		o->byte_s += b * s->seconds;
		o->heat += b * s->accesses;
		o->hot_byte_s += b * s->hot_seconds;
		o->idle_byte_s += b * s->idle_seconds;
		if (len < o->min_region)
			o->min_region = len;
		if (p->bytes > o->bytes)
			o->bytes = p->bytes;
		h->total_byte_s += b * s->seconds;
		h->total_heat += b * s->accesses;
		h->nr_pieces += s->count;
		/* a later snapshot that saw it (through another region) has the say on "now" */
		if (o->seq != UINT64_MAX && o->seq > s->last_seq)
			continue;
		o->seq = s->last_seq;
		o->cur_bytes = p->bytes;
		o->cur_idle_ns = idle ? age_ns : UINT64_MAX;
		o->cur_idle_part = idle ? p->bytes : 0;
		o->cur_idle_bytes = idle && age_ns >= opt->idle_ns ? p->bytes : 0;
		o->idle_bytes = o->cur_idle_bytes;
		o->idle_ns = idle ? age_ns : 0;
	}
}

void hot_spans_flush(struct hot_spans *sp, struct hot *h, const struct hot_opts *o, uint64_t seq,
		     int all)
{
	size_t out = 0;

	for (size_t i = 0; i < sp->nr; i++) {
		if (!all && sp->s[i].last_seq == seq) {
			sp->s[out++] = sp->s[i];
			continue;
		}
		give(&sp->s[i], h, o);
		free(sp->s[i].pieces);
	}
	if (out != sp->nr) {
		sp->nr = out;
		index_spans(sp);
	}
}

void hot_spans_free(struct hot_spans *sp)
{
	for (size_t i = 0; i < sp->nr; i++)
		free(sp->s[i].pieces);
	free(sp->s);
	free(sp->slots);
	memset(sp, 0, sizeof(*sp));
}
