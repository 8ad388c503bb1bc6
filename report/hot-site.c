// SPDX-License-Identifier: GPL-2.0
/*
 * "report hot --by site": the heap bytes of each region go to the allocation sites whose blocks
 * were live over them at the snapshot's time (report/heap-sites.h replays the recorded
 * allocations), each site named by its call stack through the symbolizer (function and
 * file:line); the bytes outside recorded blocks go to their symbols as in "--by symbol", less
 * what sampled blocks already stand for. Design note 39 states the arithmetic.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/demangle.h"
#include "report/hot-priv.h"

/* Frames of the allocator and the language runtime: the site is the first frame past them. */
static int allocator_frame(const struct sym_result *r)
{
	static const char *const libs[] = { "libc.so", "libstdc++.so", "libc++.so", "ld-linux",
					    "libgcc_s.so", NULL };

	for (int i = 0; libs[i]; i++)
		if (!strncmp(r->label, libs[i], strlen(libs[i])))
			return 1;
	return 0;
}

#define SITE_FRAMES 16	/* the folded stack's depth */

/*
 * "function (source:line)", or the symbolizer's name for code without symbols; C++ functions
 * by their demangled names ("Index::build(unsigned long)"), as a developer reads them.
 */
static int frame_name(struct hot_builder *b, struct target_state *t, uint64_t pc, char *buf,
		      size_t len, struct sym_result *r)
{
	char file[128], fn[512];
	int line = 0, ret = sym_resolve(b->cache, t->maps, t->nr_maps, pc - 1, r);

	if (ret)
		return ret;
	ret = sym_source_line(b->cache, t->maps, t->nr_maps, pc - 1, file, sizeof(file), &line);
	if (ret < 0)
		return ret;
	demangle_name(r->name[0] ? r->name : r->label, fn, sizeof(fn));
	if (ret == 1)
		snprintf(buf, len, "%s (%s:%d)", fn, file, line);
	else
		snprintf(buf, len, "%s", fn);
	return 0;
}

#define NAMED (1u << 31)	/* in stack_obj: the name is final (its site frame was mapped) */

/* Name object @o after stack @id. Return: 1 its site frame was in a mapping, 0 not yet, <0. */
static int name_site(struct hot_builder *b, struct target_state *t, uint32_t id,
		     struct hot_object *o)
{
	const uint64_t *pc;
	uint32_t nr = heapsites_stack(b->heap, id, &pc), first = 0;
	struct sym_result r, site_r;
	char chain[1024], frame[300], site[300] = "[unknown]";
	size_t used = 0;
	int ret;

	memset(&site_r, 0, sizeof(site_r));
	chain[0] = '\0';
	for (uint32_t k = 0; k < nr && first == k; k++) {	/* past the allocator's frames */
		ret = sym_resolve(b->cache, t->maps, t->nr_maps, pc[k] - 1, &r);
		if (ret)
			return ret;
		if (allocator_frame(&r) && k + 1 < nr)
			first = k + 1;
	}
	for (uint32_t k = first; k < nr && k < first + SITE_FRAMES; k++) {
		ret = frame_name(b, t, pc[k], frame, sizeof(frame), &r);
		if (ret)
			return ret;
		if (k == first) {
			snprintf(site, sizeof(site), "%s", frame);
			site_r = r;
		}
		for (char *c = frame; *c; c++)	/* ';' separates the frames */
			*c = *c == ';' ? ':' : *c;
		used += snprintf(chain + used, used < sizeof(chain) ? sizeof(chain) - used : 0,
				 "%s%s", k == first ? "" : ";", frame);
		if (used >= sizeof(chain))
			break;
	}
	if (!nr)
		snprintf(chain, sizeof(chain), "%s", site);
	hotb_copy_str(o->name, sizeof(o->name), site);
	hotb_copy_str(o->label, sizeof(o->label), site_r.label);
	free(o->stack);
	o->stack = strdup(chain);
	if (!o->stack)
		return -ENOMEM;
	return nr && site_r.kind != SYM_UNKNOWN;
}

/*
 * The object of heap stack @id, one per stack. A stack whose code is not in the memory map yet
 * (a program just exec'd, its map not recorded) is named again at its next sighting.
 * Return: its index, or <0.
 */
static int64_t site_object(struct hot_builder *b, struct target_state *t, uint32_t id)
{
	char key[64];
	int added, ret;
	int64_t i;

	if (id < b->nr_stack_obj && b->stack_obj[id] & NAMED)
		return (b->stack_obj[id] & ~NAMED) - 1;
	if (id >= b->nr_stack_obj) {
		size_t n = id + 1 > 2 * b->nr_stack_obj ? id + 1 : 2 * b->nr_stack_obj;
		uint32_t *p = realloc(b->stack_obj, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		memset(p + b->nr_stack_obj, 0, (n - b->nr_stack_obj) * sizeof(*p));
		b->stack_obj = p;
		b->nr_stack_obj = n;
	}
	i = (int64_t)b->stack_obj[id] - 1;
	if (i < 0) {
		snprintf(key, sizeof(key), "%" PRIu32 "|stack|%" PRIu32, t->id, id);
		i = hotb_find_object(b, key, &added);
		if (i < 0)
			return i;
		b->h->obj[i].target = t->id;
		hotb_copy_str(b->h->obj[i].kind, sizeof(b->h->obj[i].kind), "site");
	}
	ret = name_site(b, t, id, &b->h->obj[i]);
	if (ret < 0)
		return ret;
	b->stack_obj[id] = ((uint32_t)i + 1) | (ret ? NAMED : 0);
	return i;
}

struct site_walk {
	struct hot_builder *b;
	struct target_state *t;
	const struct dpf_region *r;
	uint64_t dt_ns;
	uint64_t at;		/* the region's bytes below this are counted */
	int measure;		/* first pass: only sum what the blocks cover and stand for */
	uint64_t covered;
	double stands_for;
};

/* The gap [@lo, @hi) between blocks, by symbol, less what sampled blocks stand for. */
static int add_gap(struct site_walk *w, uint64_t lo, uint64_t hi)
{
	int ret;

	w->b->gap_scale = w->r->end - w->r->start > w->covered ?
		1 - (w->stands_for - (double)w->covered) / (double)(w->r->end - w->r->start -
								    w->covered) : 0;
	if (w->b->gap_scale < 0)
		w->b->gap_scale = 0;
	ret = hotb_add_symbols_in(w->b, w->t, w->r, lo, hi, w->dt_ns);
	w->b->gap_scale = 1;
	return ret;
}

static int on_block(void *arg, const struct heapsites_block *blk, uint64_t lo, uint64_t hi)
{
	struct site_walk *w = arg;
	struct hot_object *o;
	double scale = blk->size ? (double)blk->weight / (double)blk->size : 1;
	int64_t i;
	int ret;

	if (lo < w->at)
		lo = w->at;	/* blocks overlap only when a free was lost */
	if (lo >= hi)
		return 0;
	if (w->measure) {
		w->covered += hi - lo;
		w->stands_for += (double)(hi - lo) * scale;
		w->at = hi;
		return 0;
	}
	if (lo > w->at && (ret = add_gap(w, w->at, lo)))
		return ret;
	i = site_object(w->b, w->t, blk->stack);
	if (i < 0)
		return (int)i;
	/* a sampled block stands for weight bytes of its site: its share of the region, scaled */
	hotb_add_piece(w->b, (uint32_t)i, (uint64_t)((double)(hi - lo) * scale + 0.5), w->r, w->dt_ns);
	o = &w->b->h->obj[i];
	o->sampled |= blk->weight > blk->size;
	o->shares_page |= blk->shares_page;
	w->at = hi;
	return 0;
}

int hotb_add_sites(struct hot_builder *b, struct target_state *t, const struct dpf_region *r,
		     uint64_t dt_ns)
{
	struct site_walk w = { b, t, r, dt_ns, r->start, 1, 0, 0 };
	int ret = heapsites_cover(b->heap, t->id, r->start, r->end, on_block, &w);

	if (ret)
		return ret;
	if (!w.covered)
		return hotb_add_symbols(b, t, r, dt_ns);
	w.at = r->start;
	w.measure = 0;
	ret = heapsites_cover(b->heap, t->id, r->start, r->end, on_block, &w);
	if (!ret && w.at < r->end)
		ret = add_gap(&w, w.at, r->end);
	return ret;
}


/* Site rows first, by target and name; the other rows after, in any order. */
static int by_site_name(const void *pa, const void *pb)
{
	const struct hot_object *a = pa, *b = pb;

	if (!a->stack != !b->stack)
		return a->stack ? -1 : 1;
	if (!a->stack)
		return 0;
	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	return strcmp(a->name, b->name);
}

/*
 * The stacks of one site become one row: its byte-time, heat, hot and idle byte-time and idle
 * bytes add up; its bytes too (the most that one snapshot saw of each stack: an upper bound of
 * the most that one snapshot saw of the site); it was idle as long as its least idle stack; its
 * stack is the one of the most heat.
 */
void hotb_merge_sites(struct hot *h)
{
	size_t out = 0, i = 0;

	if (h->nr)
		qsort(h->obj, h->nr, sizeof(*h->obj), by_site_name);
	while (i < h->nr) {
		struct hot_object o = h->obj[i++];

		o.nr_stacks = o.stack ? 1 : 0;
		while (o.stack && i < h->nr && h->obj[i].stack && h->obj[i].target == o.target &&
		       !strcmp(h->obj[i].name, o.name)) {
			struct hot_object *x = &h->obj[i++];

			if (x->heat > o.heat) {
				char *t = o.stack;

				o.stack = x->stack;
				x->stack = t;
			}
			free(x->stack);
			o.bytes += x->bytes;
			o.byte_s += x->byte_s;
			o.heat += x->heat;
			o.hot_byte_s += x->hot_byte_s;
			o.idle_byte_s += x->idle_byte_s;
			o.idle_bytes += x->idle_bytes;
			o.observed_ns = x->observed_ns > o.observed_ns ? x->observed_ns : o.observed_ns;
			o.idle_ns = x->idle_ns < o.idle_ns ? x->idle_ns : o.idle_ns;
			o.min_region = x->min_region < o.min_region ? x->min_region : o.min_region;
			o.shares |= x->shares;
			o.sampled |= x->sampled;
			o.shares_page |= x->shares_page;
			o.nr_stacks++;
		}
		h->obj[out++] = o;
	}
	h->nr = out;
}
