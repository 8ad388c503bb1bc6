// SPDX-License-Identifier: GPL-2.0
/*
 * The hot/cold table of "report hot" and "report hints": one pass over a session, each region of
 * each snapshot split across the objects it covers with the memory map live at that time. The
 * symbolizer is asked once per distinct mapping (its answer, the runs of addresses that resolve
 * to one object, is kept by the mapping's identity), so a long recording costs a binary search
 * per region piece, not a symbol lookup. Design note 20 states the arithmetic.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/hot-priv.h"
#include "report/session.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int grow_slots(struct hot_builder *b)
{
	size_t n = b->nr_slots ? b->nr_slots * 2 : 1024;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < b->h->nr; i++) {
		size_t k = hash_str(b->keys[i]) & (n - 1);

		while (slots[k])
			k = (k + 1) & (n - 1);
		slots[k] = (uint32_t)i + 1;
	}
	free(b->slots);
	b->slots = slots;
	b->nr_slots = n;
	return 0;
}

/*
 * The object of @key: found, or added (then *@added is 1 and the caller fills in its names).
 * Return: its index, or -ENOMEM.
 */
int64_t hotb_find_object(struct hot_builder *b, const char *key, int *added)
{
	struct hot *h = b->h;
	size_t k;

	*added = 0;
	if ((h->nr + 1) * 2 > b->nr_slots && grow_slots(b))
		return -ENOMEM;
	for (k = hash_str(key) & (b->nr_slots - 1); b->slots[k]; k = (k + 1) & (b->nr_slots - 1))
		if (!strcmp(b->keys[b->slots[k] - 1], key))
			return b->slots[k] - 1;
	if (h->nr == b->alloc_obj) {
		size_t n = b->alloc_obj ? b->alloc_obj * 2 : 256;
		void *o = realloc(h->obj, n * sizeof(*h->obj));
		void *kk;

		if (!o)
			return -ENOMEM;
		h->obj = o;
		kk = realloc(b->keys, n * sizeof(*b->keys));
		if (!kk)
			return -ENOMEM;
		b->keys = kk;
		b->alloc_obj = n;
	}
	b->keys[h->nr] = strdup(key);
	if (!b->keys[h->nr])
		return -ENOMEM;
	memset(&h->obj[h->nr], 0, sizeof(h->obj[h->nr]));
	h->obj[h->nr].min_region = UINT64_MAX;
	h->obj[h->nr].seq = UINT64_MAX;
	b->slots[k] = (uint32_t)h->nr + 1;
	*added = 1;
	return (int64_t)h->nr++;
}

void hotb_copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static int is_file(const struct dpf_mapping *m)
{
	return m->path && m->path[0] && m->path[0] != '[';
}

/*
 * The mapping an object found in @m belongs to: @m, or for a symbol or section in the anonymous
 * tail of a file's image (the .bss past the file's last page) the file mapping before it, so
 * that an object across both (a library's .bss starting on its .data page) is one object.
 */
static const struct dpf_mapping *home_of(const struct sym_result *r, const struct dpf_mapping *m,
					 const struct dpf_mapping *maps, uint32_t nr)
{
	const struct dpf_mapping *image = NULL;

	for (uint32_t k = 0; k < nr && &maps[k] < m; k++)	/* the file m follows, if any */
		image = is_file(&maps[k]) ? &maps[k] : image;
	if (!is_file(m) && (r->kind == SYM_FUNCTION || r->kind == SYM_OBJECT ||
			    r->kind == SYM_SECTION) && image)
		return image;
	return m;
}

/* Fill the names of a new object from the symbolizer's answer and the mapping holding it. */
static void name_object(struct hot_object *o, uint32_t target, const struct sym_result *r,
			const struct dpf_mapping *m, const struct dpf_mapping *maps, uint32_t nr)
{
	uint64_t base;

	o->target = target;
	hotb_copy_str(o->name, sizeof(o->name), r->name[0] ? r->name : r->label);
	hotb_copy_str(o->kind, sizeof(o->kind), sym_kind_name(r->kind));
	hotb_copy_str(o->label, sizeof(o->label), r->label);
	hotb_copy_str(o->note, sizeof(o->note), r->note);
	o->addr = r->start;
	o->size = r->size;
	if (!m)
		return;
	m = home_of(r, m, maps, nr);
	o->file_backed = is_file(m);
	/* the load base: where the file's first page is mapped (its offset from there is the
	 * same in every run of the same build); anonymous memory: the mapping's start */
	base = m->start;
	for (uint32_t k = 0; o->file_backed && k < nr; k++)
		if (!strcmp(maps[k].path, m->path) && maps[k].offset == 0) {
			base = maps[k].start;
			break;
		}
	hotb_copy_str(o->file, sizeof(o->file), o->file_backed ? m->path : "");
	for (unsigned i = 0; i < m->build_id_len && i < 32; i++)
		sprintf(o->build_id + 2 * i, "%02x", m->build_id[i]);
	o->map_offset = r->start >= base ? r->start - base : 0;
}

/* ---- the runs of a mapping ---- */

struct collect {
	struct hot_builder *b;
	uint32_t target;
	const struct dpf_mapping *m;
	const struct dpf_mapping *maps;	/* the whole map m belongs to */
	uint32_t nr_maps;
	struct map_runs *mr;
	size_t alloc;
	int err;
};

static int add_run(struct collect *c, uint64_t lo, uint64_t hi, uint32_t obj)
{
	struct map_runs *mr = c->mr;

	if (mr->nr && mr->runs[mr->nr - 1].obj == obj && mr->runs[mr->nr - 1].hi == lo) {
		mr->runs[mr->nr - 1].hi = hi;
		return 0;
	}
	if (mr->nr == c->alloc) {
		size_t n = c->alloc ? c->alloc * 2 : 16;
		void *p = realloc(mr->runs, n * sizeof(*mr->runs));

		if (!p)
			return -ENOMEM;
		mr->runs = p;
		c->alloc = n;
	}
	mr->runs[mr->nr++] = (struct run){ lo, hi, obj, 1 };
	return 0;
}

static int collect_object(const struct sym_result *r, uint64_t lo, uint64_t hi, void *arg)
{
	struct collect *c = arg;
	const struct dpf_mapping *m = home_of(r, c->m, c->maps, c->nr_maps);
	uint64_t off = 0;
	char key[700];
	int64_t i;
	int added;

	if (c->mr->nr >= MAX_RUNS_PER_MAPPING)
		return 1;	/* the rest of the mapping goes to its label (collect_mapping) */
	if (is_file(m) && r->start >= m->start)
		off = r->start - m->start + m->offset;
	snprintf(key, sizeof(key), "%" PRIu32 "|%s|%s|%s|%s|%" PRIx64, c->target, m->path ? m->path : "",
		 r->label, sym_kind_name(r->kind), r->name, off);
	i = hotb_find_object(c->b, key, &added);
	if (i < 0)
		return (int)i;
	if (added) {
		name_object(&c->b->h->obj[i], c->target, r, c->m, c->maps, c->nr_maps);
		c->b->h->obj[i].extent = r->size && (r->kind == SYM_FUNCTION || r->kind == SYM_OBJECT ||
						     r->kind == SYM_SECTION || r->kind == SYM_FILE);
	}
	return add_run(c, lo, hi, (uint32_t)i);
}

/* The whole of [lo, m->end) as the mapping's label (--by mapping, or past the run cap). */
static int collect_mapping(struct collect *c, uint64_t lo)
{
	const struct dpf_mapping *m = c->m;
	struct hot_builder *b = c->b;
	struct sym_result r;
	char key[400];
	int64_t i;
	int added, ret = sym_resolve(b->cache, c->maps, c->nr_maps, m->start, &r);

	if (ret)
		return ret;
	if (r.kind != SYM_HEAP && r.kind != SYM_STACK && r.kind != SYM_ANON && r.kind != SYM_VDSO)
		r.kind = is_file(m) ? SYM_FILE : SYM_ANON;
	r.name[0] = '\0';
	r.start = m->start;
	r.size = m->end - m->start;
	r.note[0] = '\0';
	snprintf(key, sizeof(key), "%" PRIu32 "|%s|%s", c->target, r.label, sym_kind_name(r.kind));
	i = hotb_find_object(b, key, &added);
	if (i < 0)
		return (int)i;
	if (added)
		name_object(&b->h->obj[i], c->target, &r, m, c->maps, c->nr_maps);
	else if (b->h->obj[i].size < r.size)
		b->h->obj[i].size = r.size;	/* a label over several mappings: the largest */
	return add_run(c, lo, m->end, (uint32_t)i);
}

static unsigned map_hash(uint32_t target, const struct dpf_mapping *m)
{
	uint64_t h = (m->start * 0x9e3779b97f4a7c15ull) ^ (m->end * 31) ^ m->offset ^ target;

	return (unsigned)((h >> 20) ^ h) & (NR_BUCKETS - 1);
}

static int same_mapping(const struct map_runs *mr, uint32_t target, const struct dpf_mapping *m)
{
	return mr->target == target && mr->start == m->start && mr->end == m->end &&
	       mr->offset == m->offset && mr->build_id_len == m->build_id_len &&
	       !memcmp(mr->build_id, m->build_id, m->build_id_len) &&
	       !strcmp(mr->path, m->path ? m->path : "");
}

/* The runs kept for mapping @m of target @target, or NULL. */
static struct map_runs *find_runs(struct hot_builder *b, uint32_t target,
				   const struct dpf_mapping *m)
{
	for (struct map_runs *mr = b->runs[map_hash(target, m)]; mr; mr = mr->next)
		if (same_mapping(mr, target, m))
			return mr;
	return NULL;
}

/* The runs of mapping @m of @t's live map: kept ones, or asked of the symbolizer now. */
static int runs_for(struct hot_builder *b, const struct target_state *t,
		    const struct dpf_mapping *m, struct map_runs **out)
{
	unsigned k = map_hash(t->id, m);
	struct collect c = { .b = b, .target = t->id, .m = m, .maps = t->maps,
			     .nr_maps = t->nr_maps };
	struct map_runs *mr;
	int ret;

	mr = find_runs(b, t->id, m);
	if (mr) {
		*out = mr;
		return 0;
	}
	mr = calloc(1, sizeof(*mr));
	if (!mr)
		return -ENOMEM;
	mr->path = strdup(m->path ? m->path : "");
	if (!mr->path) {
		free(mr);
		return -ENOMEM;
	}
	mr->target = t->id;
	mr->start = m->start;
	mr->end = m->end;
	mr->offset = m->offset;
	mr->build_id_len = m->build_id_len <= 32 ? m->build_id_len : 32;
	memcpy(mr->build_id, m->build_id, mr->build_id_len);
	mr->next = b->runs[k];
	b->runs[k] = mr;
	c.mr = mr;
	if (b->o.by == HOT_BY_MAPPING) {
		ret = collect_mapping(&c, m->start);
	} else {
		ret = sym_objects_in(b->cache, t->maps, t->nr_maps, m->start, m->end,
				     collect_object, &c);
		if (ret == 1)	/* too many runs: the rest by label */
			ret = collect_mapping(&c, mr->runs[mr->nr - 1].hi);
	}
	if (ret)
		return ret;
	*out = mr;
	return 0;
}

/* ---- adding a snapshot ---- */

void hotb_add_piece(struct hot_builder *b, uint32_t i, uint64_t bytes,
		      const struct dpf_region *r, uint64_t dt_ns)
{
	if (b->gap_scale < 1)	/* --by site: what sampled blocks do not already stand for */
		bytes = (uint64_t)((double)bytes * b->gap_scale + 0.5);
	hot_add_piece(b->h, &b->o, b->seq, i, bytes, r, dt_ns,
		      hot_accesses(r->nr_accesses, b->span_per_aggr));
}

/* An object named by @key that the symbolizer is not asked about: a range, a gap. */
static int64_t plain_object(struct hot_builder *b, uint32_t target, const char *key,
			    const char *name, const char *kind, uint64_t addr, uint64_t size)
{
	int added;
	int64_t i = hotb_find_object(b, key, &added);

	if (i >= 0 && added) {
		struct hot_object *o = &b->h->obj[i];

		o->target = target;
		hotb_copy_str(o->name, sizeof(o->name), name);
		hotb_copy_str(o->kind, sizeof(o->kind), kind);
		o->addr = addr;
		o->size = size;
	}
	return i;
}

static int add_unmapped(struct hot_builder *b, struct target_state *t, uint64_t lo, uint64_t hi,
			const struct dpf_region *r, uint64_t dt_ns)
{
	if (!t->unmapped) {
		char key[64];
		int64_t i;

		snprintf(key, sizeof(key), "%" PRIu32 "|[unmapped]", t->id);
		i = plain_object(b, t->id, key, "[unmapped]", "unknown", 0, 0);
		if (i < 0)
			return (int)i;
		t->unmapped = (uint32_t)i + 1;
		b->h->obj[i].unmapped = 1;
	}
	hotb_add_piece(b, t->unmapped - 1, hi - lo, r, dt_ns);
	return 0;
}

static int add_physical(struct hot_builder *b, uint32_t target, const struct dpf_region *r,
			uint64_t dt_ns)
{
	uint64_t blk = b->phys.block_size ? b->phys.block_size :
		       b->o.phys_block ? b->o.phys_block : 1;

	for (uint64_t a = r->start; a < r->end;) {
		uint64_t base = a - a % blk, hi = base + blk < r->end && base + blk > base ?
			base + blk : r->end;
		char key[64], name[64];
		int64_t i;

		snprintf(key, sizeof(key), "%" PRIu32 "|p%" PRIx64, target, base);
		int64_t node = b->phys.block_size ? physmap_node(&b->phys, base / blk) : -1;

		if (node >= 0)
			snprintf(name, sizeof(name), "node %" PRId64 ", memory block %" PRIu64,
				 node, base / blk);
		else
			snprintf(name, sizeof(name), "0x%" PRIx64 "-0x%" PRIx64, base, base + blk);
		i = plain_object(b, target, key, name, "physical", base, blk);
		if (i < 0)
			return (int)i;
		hotb_add_piece(b, (uint32_t)i, hi - a, r, dt_ns);
		a = hi;
	}
	return 0;
}

static int add_region_object(struct hot_builder *b, struct target_state *t,
			     const struct dpf_region *r, uint64_t dt_ns)
{
	char key[80];
	int added;
	int64_t i;

	snprintf(key, sizeof(key), "%" PRIu32 "|%" PRIx64 "-%" PRIx64, t->id, r->start, r->end);
	i = hotb_find_object(b, key, &added);
	if (i < 0)
		return (int)i;
	if (added) {
		struct hot_object *o = &b->h->obj[i];
		struct sym_result s;
		int ret = sym_resolve(b->cache, t->maps, t->nr_maps, r->start, &s);

		if (ret)
			return ret;
		o->target = t->id;
		snprintf(o->name, sizeof(o->name), "0x%" PRIx64 "-0x%" PRIx64, r->start, r->end);
		hotb_copy_str(o->kind, sizeof(o->kind), "region");
		hotb_copy_str(o->label, sizeof(o->label), s.label);
		o->addr = r->start;
		o->size = r->end - r->start;
	}
	hotb_add_piece(b, (uint32_t)i, r->end - r->start, r, dt_ns);
	return 0;
}

/* The first mapping of @t whose end is above @a. */
static uint32_t first_map_after(const struct target_state *t, uint64_t a)
{
	uint32_t lo = 0, hi = t->nr_maps;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->maps[mid].end <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first run of @mr from @k on that ends above @a. */
static size_t first_run_ending_above(const struct map_runs *mr, size_t k, uint64_t a)
{
	size_t top = mr->nr;

	while (k < top) {
		size_t mid = k + (top - k) / 2;

		if (mr->runs[mid].hi <= a)
			k = mid + 1;
		else
			top = mid;
	}
	return k;
}

/*
 * The runs of @mr that region @r covers wholly, from *@a up to @hi, go to the deferred sums
 * (report/hot-defer.h); a run the region starts inside of, and the odd runs, get their share
 * now. *@a and *@lo move past them; what is left (a run the region ends inside of) is the
 * caller's.
 */
static int add_whole_runs(struct hot_builder *b, struct map_runs *mr, const struct dpf_region *r,
			  uint64_t dt_ns, uint64_t *a, uint64_t hi, size_t *lo)
{
	size_t k1 = *lo, k2;
	int ret;

	if (mr->runs[k1].lo < *a) {
		uint64_t e = mr->runs[k1].hi < hi ? mr->runs[k1].hi : hi;

		hotb_add_piece(b, mr->runs[k1].obj, e - *a, r, dt_ns);
		*a = e;
		k1++;
	}
	k2 = first_run_ending_above(mr, k1, hi);
	/* a region that is exactly one run: the per-snapshot path knows its region's size */
	if (k2 <= k1 || (k2 - k1 == 1 && mr->runs[k1].lo == r->start && mr->runs[k1].hi == r->end)) {
		*lo = k1;
		return 0;
	}
	ret = runs_defer(mr, k1, k2, r, dt_ns, hot_accesses(r->nr_accesses, b->span_per_aggr),
			 &b->o);
	if (ret)
		return ret;
	for (size_t q = runs_first_odd(mr, k1); q < k2; q = runs_first_odd(mr, q + 1))
		hotb_add_piece(b, mr->runs[q].obj, mr->runs[q].hi - mr->runs[q].lo, r, dt_ns);
	*a = mr->runs[k2 - 1].hi;
	*lo = k2;
	return 0;
}

/* The part [@a, @end) of region @r, split across the objects of the memory map. */
int hotb_add_symbols_in(struct hot_builder *b, struct target_state *t, const struct dpf_region *r,
			uint64_t a, uint64_t end, uint64_t dt_ns)
{
	uint32_t k = first_map_after(t, a);
	int ret;

	while (a < end) {
		const struct dpf_mapping *m = k < t->nr_maps ? &t->maps[k] : NULL;
		struct map_runs *mr;
		uint64_t hi;
		size_t lo;

		if (!m || m->start >= end)
			return add_unmapped(b, t, a, end, r, dt_ns);
		if (m->start > a) {
			ret = add_unmapped(b, t, a, m->start, r, dt_ns);
			if (ret)
				return ret;
			a = m->start;
		}
		ret = runs_for(b, t, m, &mr);
		if (!ret && !mr->prepared)
			ret = runs_prepare(mr, b->h);
		if (ret)
			return ret;
		hi = m->end < end ? m->end : end;
		lo = first_run_ending_above(mr, 0, a);
		if (b->defer && mr->contiguous && lo < mr->nr) {
			ret = add_whole_runs(b, mr, r, dt_ns, &a, hi, &lo);
			if (ret)
				return ret;
		}
		for (; lo < mr->nr && a < hi; lo++) {
			const struct run *run = &mr->runs[lo];
			uint64_t e = run->hi < hi ? run->hi : hi;

			if (run->lo > a) {	/* not covered by a run: never, but stay safe */
				ret = add_unmapped(b, t, a, run->lo < hi ? run->lo : hi, r, dt_ns);
				if (ret)
					return ret;
				a = run->lo < hi ? run->lo : hi;
				if (a >= hi)
					break;
			}
			hotb_add_piece(b, run->obj, e - a, r, dt_ns);
			a = e;
		}
		if (a < hi) {
			ret = add_unmapped(b, t, a, hi, r, dt_ns);
			if (ret)
				return ret;
		}
		a = hi;
		k++;
	}
	return 0;
}

int hotb_add_symbols(struct hot_builder *b, struct target_state *t, const struct dpf_region *r,
		     uint64_t dt_ns)
{
	return hotb_add_symbols_in(b, t, r, r->start, r->end, dt_ns);
}

static int add_snapshot(struct hot_builder *b, struct target_state *t, const struct dpf_snapshot *s)
{
	uint64_t aggr_us = session_snapshot_intervals(b->s, s).aggr_us;
	/* a snapshot without an end stands for its own aggregation interval (the one in force) */
	uint64_t dt_ns = s->end_ns > s->start_ns ? s->end_ns - s->start_ns :
			 aggr_us ? aggr_us * 1000 : b->fallback_ns;
	struct hot *h = b->h;
	int ret = 0;

	/* its rate is nr_accesses over the interval in force, however long it stands for */
	b->span_per_aggr = aggr_us ? (double)dt_ns / ((double)aggr_us * 1000) : 1;
	b->seq++;
	h->nr_snapshots++;
	if (!h->start_ns || s->start_ns < h->start_ns)
		h->start_ns = s->start_ns;
	if (s->start_ns + dt_ns > h->end_ns)
		h->end_ns = s->start_ns + dt_ns;
	/* deferred sums need the paint, which needs regions in order (as every backend writes) */
	b->defer = !h->physical && b->o.by == HOT_BY_SYMBOL && !b->o.no_defer;
	for (uint32_t i = 1; i < s->nr_regions && b->defer; i++)
		b->defer = s->regions[i].start >= s->regions[i - 1].end &&
			   s->regions[i - 1].end >= s->regions[i - 1].start;
	if (b->defer)
		ret = paint_snapshot(&t->paint, s, dt_ns, b->seq);
	if (!ret && b->heap)	/* the blocks live at the end of the interval */
		ret = heapsites_at(b->heap, s->start_ns + dt_ns);
	for (uint32_t i = 0; i < s->nr_regions && !ret; i++) {
		const struct dpf_region *r = &s->regions[i];

		if (r->end <= r->start)
			continue;
		if (h->physical)
			ret = add_physical(b, t->id, r, dt_ns);
		else if (b->o.by == HOT_BY_REGION)
			ret = add_region_object(b, t, r, dt_ns);
		else if (b->heap)
			ret = hotb_add_sites(b, t, r, dt_ns);
		else
			ret = hotb_add_symbols(b, t, r, dt_ns);
	}
	return ret;
}

/* ---- the pass ---- */

static struct target_state *target_of(struct hot_builder *b, uint32_t id)
{
	void *p;

	for (size_t i = 0; i < b->nr_tg; i++)
		if (b->tg[i].id == id)
			return &b->tg[i];
	p = realloc(b->tg, (b->nr_tg + 1) * sizeof(*b->tg));
	if (!p)
		return NULL;
	b->tg = p;
	memset(&b->tg[b->nr_tg], 0, sizeof(b->tg[0]));
	b->tg[b->nr_tg].id = id;
	return &b->tg[b->nr_tg++];
}

static void release_maps(struct target_state *t)
{
	for (uint32_t i = 0; i < t->nr_maps; i++)
		free(t->maps[i].path);
	free(t->maps);
	t->maps = NULL;
	t->nr_maps = 0;
}

static int by_start(const void *pa, const void *pb)
{
	const struct dpf_mapping *a = pa, *b = pb;

	return a->start < b->start ? -1 : a->start > b->start;
}

static int flush_held(struct hot_builder *b, struct target_state *t)
{
	int ret = 0;

	for (size_t i = 0; i < t->nr_held; i++) {
		if (!ret)
			ret = add_snapshot(b, t, &t->held[i]);
		b->held_regions -= t->held[i].nr_regions;
		free(t->held[i].regions);
	}
	free(t->held);
	t->held = NULL;
	t->nr_held = t->alloc_held = 0;
	return ret;
}

/* Give the runs of @t's live map their deferred sums (report/hot-defer.h). */
static void settle(struct hot_builder *b, struct target_state *t)
{
	for (uint32_t i = 0; i < t->nr_maps; i++) {
		struct map_runs *mr = find_runs(b, t->id, &t->maps[i]);

		if (mr)
			runs_settle(mr, b->h, &b->o, &t->paint);
	}
}

static int on_maps(void *arg, const struct dpf_maps *m)
{
	struct hot_builder *b = arg;
	struct target_state *t = target_of(b, m->target);
	uint32_t n = 0;

	if (!t)
		return -ENOMEM;
	settle(b, t);	/* the deferred sums of the old map's runs */
	release_maps(t);
	t->maps = calloc(m->nr ? m->nr : 1, sizeof(*t->maps));
	if (!t->maps)
		return -ENOMEM;
	for (uint32_t i = 0; i < m->nr; i++) {
		if (m->maps[i].end <= m->maps[i].start)
			continue;
		t->maps[n] = m->maps[i];
		t->maps[n].path = strdup(m->maps[i].path ? m->maps[i].path : "");
		if (!t->maps[n].path) {
			t->nr_maps = n;
			return -ENOMEM;
		}
		n++;
	}
	t->nr_maps = n;
	qsort(t->maps, n, sizeof(*t->maps), by_start);
	for (uint32_t i = 1; i < n; i++)	/* overlaps would break the walk: clip them */
		if (t->maps[i].start < t->maps[i - 1].end)
			t->maps[i - 1].end = t->maps[i].start;
	t->have_maps = 1;
	return flush_held(b, t);
}

/* A snapshot before its target's first map waits for it (session_resolve()'s rule). */
static int hold(struct hot_builder *b, struct target_state *t, const struct dpf_snapshot *s)
{
	struct dpf_snapshot *c;

	if (t->nr_held == t->alloc_held) {
		size_t n = t->alloc_held ? t->alloc_held * 2 : 16;
		void *p = realloc(t->held, n * sizeof(*t->held));

		if (!p)
			return -ENOMEM;
		t->held = p;
		t->alloc_held = n;
	}
	c = &t->held[t->nr_held];
	*c = *s;
	c->regions = malloc((s->nr_regions ? s->nr_regions : 1) * sizeof(*s->regions));
	if (!c->regions)
		return -ENOMEM;
	memcpy(c->regions, s->regions, s->nr_regions * sizeof(*s->regions));
	b->held_regions += s->nr_regions;
	t->nr_held++;
	return 0;
}

static int on_snapshot(void *arg, const struct dpf_snapshot *s)
{
	struct hot_builder *b = arg;
	struct target_state *t = target_of(b, s->target);

	if (!t)
		return -ENOMEM;
	if (t->have_maps || b->h->physical)
		return add_snapshot(b, t, s);
	if (b->held_regions + s->nr_regions > MAX_HELD_REGIONS) {
		int ret = flush_held(b, t);	/* no map in sight: label them as unmapped */

		return ret ? ret : add_snapshot(b, t, s);
	}
	return hold(b, t, s);
}

static void finish(struct hot *h)
{
	for (size_t i = 0; i < h->nr; i++) {
		struct hot_object *o = &h->obj[i];
		uint64_t size = o->size ? o->size : o->bytes;

		o->shares = size < HOT_PAGE_SIZE || (o->min_region != UINT64_MAX &&
						      size < o->min_region);
		if (o->min_region == UINT64_MAX)
			o->min_region = 0;
	}
}

int hot_build(struct hot **out, struct session *s, const struct hot_opts *o)
{
	static const struct hot_opts defaults = HOT_OPTS_INIT;
	const struct session_facts *f = session_facts(s);
	struct session_tool tool = { .snapshot = on_snapshot, .maps = on_maps };
	struct hot_builder b = { .s = s, .o = o ? *o : defaults, .gap_scale = 1 };
	int ret = 0;

	*out = NULL;
	b.h = calloc(1, sizeof(*b.h));
	if (!b.h)
		return -ENOMEM;
	b.h->physical = f->ops && !strcmp(f->ops, "paddr");
	if (b.h->physical)
		ret = physmap_read(session_meta(s), &b.phys);
	if (!ret)
		b.h->phys_block = b.phys.block_size ? b.phys.block_size : b.o.phys_block;
	b.h->phys_nodes = b.phys.nr > 0;
	b.fallback_ns = 100000000ull;	/* no interval known at all */
	if (b.o.by == HOT_BY_SYMBOL && b.o.sites_if_recorded &&
	    dpf_meta_get(session_meta(s), "heap_sites"))
		b.o.by = HOT_BY_SITE;
	if (!ret && b.o.by == HOT_BY_SITE && !b.h->physical) {
		ret = heapsites_load(&b.heap, session_path(s));
		if (!ret && !heapsites_stats(b.heap)->nr_events)
			ret = -ENODATA;
		if (!ret) {
			b.heap_by_site = 1;
			b.h->heap_sites = 1;
			b.h->heap = *heapsites_stats(b.heap);
		}
	}
	if (!ret && b.o.cache)
		b.cache = b.o.cache;
	else if (!ret)
		ret = sym_cache_new(&b.cache, &b.o.sym);
	if (!ret)
		ret = session_process(s, &tool, &b);
	for (size_t i = 0; i < b.nr_tg && !ret; i++)
		ret = flush_held(&b, &b.tg[i]);
	for (size_t i = 0; i < b.nr_tg && !ret; i++)
		settle(&b, &b.tg[i]);
	if (b.cache)
		sym_cache_stats(b.cache, &b.h->sym);
	for (size_t i = 0; i < b.nr_tg; i++) {
		for (size_t k = 0; k < b.tg[i].nr_held; k++)
			free(b.tg[i].held[k].regions);
		free(b.tg[i].held);
		release_maps(&b.tg[i]);
		paint_free(&b.tg[i].paint);
	}
	free(b.tg);
	physmap_free(&b.phys);
	for (unsigned k = 0; k < NR_BUCKETS; k++) {
		while (b.runs[k]) {
			struct map_runs *mr = b.runs[k];

			b.runs[k] = mr->next;
			runs_free(mr);
		}
	}
	for (size_t i = 0; i < b.h->nr; i++)
		free(b.keys[i]);
	free(b.keys);
	free(b.slots);
	free(b.stack_obj);
	heapsites_free(b.heap);
	if (b.cache != b.o.cache)
		sym_cache_free(b.cache);
	if (ret) {
		hot_free(b.h);
		return ret;
	}
	if (b.heap_by_site && !b.o.site_stacks)
		hotb_merge_sites(b.h);
	finish(b.h);
	*out = b.h;
	return 0;
}

void hot_free(struct hot *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nr; i++)
		free(h->obj[i].stack);
	free(h->obj);
	free(h);
}

double hot_rate_hz(const struct hot_object *o)
{
	return o->byte_s > 0 ? o->heat / o->byte_s : 0;
}

double hot_share(const struct hot_object *o)
{
	return o->byte_s > 0 ? o->hot_byte_s / o->byte_s : 0;
}

/* Descending; values within a billionth of each other tie (sums in another order differ so). */
static int cmp_double_desc(double a, double b)
{
	double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);

	if (fabs(a - b) <= 1e-9 * m)
		return 0;
	return a > b ? -1 : 1;
}

static int by_heat(const void *pa, const void *pb)
{
	const struct hot_object *a = pa, *b = pb;
	int c = cmp_double_desc(a->heat, b->heat);

	if (!c)
		c = cmp_double_desc(hot_share(a), hot_share(b));
	return c ? c : strcmp(a->name, b->name);
}

static int by_idle(const void *pa, const void *pb)
{
	const struct hot_object *a = pa, *b = pb;
	int c = cmp_double_desc(a->idle_byte_s, b->idle_byte_s);

	if (!c)
		c = a->idle_ns > b->idle_ns ? -1 : a->idle_ns < b->idle_ns;
	if (!c)
		c = -cmp_double_desc(a->heat, b->heat);
	return c ? c : strcmp(a->name, b->name);
}

void hot_rank(struct hot *h, int cold)
{
	size_t k = 0;

	if (h->nr)
		qsort(h->obj, h->nr, sizeof(*h->obj), cold ? by_idle : by_heat);
	/* memory outside every mapping goes last, after the objects (stable: a rotation) */
	for (size_t i = 0; i < h->nr; i++) {
		struct hot_object o = h->obj[i];

		if (o.unmapped)
			continue;
		memmove(&h->obj[k + 1], &h->obj[k], (i - k) * sizeof(o));
		h->obj[k++] = o;
	}
	h->nr_listed = k;
}
