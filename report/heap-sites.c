// SPDX-License-Identifier: GPL-2.0
/*
 * The live heap blocks of a --heap-sites recording at a time (report/heap-sites.h). The events
 * of every HEAP chunk are held in file order (the order the target made them, which is causal
 * for one address: a block's free is sent before the allocator can hand its address out again)
 * with the chunks' stacks merged by content into one table. Replaying keeps the live blocks in
 * an array with a hash index by address; a query sorts the array once after changes, so a
 * report's snapshots cost a sort per snapshot that saw allocations, not per region.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/stacks.h"
#include "report/heap-sites.h"

#define MAX_EVENTS	(8u << 20)	/* 384 MiB of events at most; the rest is not read */
#define PAGE		4096u

struct event {
	uint8_t kind;
	uint32_t target;
	uint32_t stack;
	uint64_t time_ns, addr, size, weight;
};

struct heapsites {
	struct heapsites_stats st;
	struct event *ev;
	size_t nr_ev, alloc_ev;
	struct dpf_stacks stacks;	/* every chunk's stacks, merged by content */
	/* the replay */
	size_t pos;		/* next event */
	uint64_t time_ns;
	struct heapsites_block *live;
	size_t nr_live, alloc_live;
	uint32_t *slots;	/* live index + 1 by (target, addr) */
	size_t nr_slots;
	int sorted;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* ---- the chunks ---- */

static int add_chunk(struct heapsites *h, const struct dpf_heap *c)
{
	long *ids = calloc(c->nr_stacks ? c->nr_stacks : 1, sizeof(*ids));

	if (!ids)
		return -ENOMEM;
	for (uint32_t i = 0; i < c->nr_stacks; i++) {
		ids[i] = dpf_stacks_intern(&h->stacks, c->stacks[i].frames, c->stacks[i].nr);
		if (ids[i] < 0) {
			free(ids);
			return -ENOMEM;
		}
	}
	for (uint32_t i = 0; i < c->nr_events; i++) {
		const struct dpf_heap_event *e = &c->events[i];

		if (h->nr_ev == MAX_EVENTS) {
			h->st.not_read += c->nr_events - i;
			break;
		}
		if (h->nr_ev == h->alloc_ev) {
			size_t n = h->alloc_ev ? h->alloc_ev * 2 : 4096;
			void *p = realloc(h->ev, n * sizeof(*h->ev));

			if (!p) {
				free(ids);
				return -ENOMEM;
			}
			h->ev = p;
			h->alloc_ev = n;
		}
		h->ev[h->nr_ev++] = (struct event){ .kind = e->kind, .target = c->target,
			.stack = e->kind == DPF_HEAP_ALLOC ? (uint32_t)ids[e->stack] : 0,
			.time_ns = e->time_ns, .addr = e->addr, .size = e->size, .weight = e->weight };
		h->st.nr_allocs += e->kind == DPF_HEAP_ALLOC;
		h->st.nr_programs += e->kind == DPF_HEAP_START;
	}
	h->st.nr_events += c->nr_events;
	if (c->sample_bytes)
		h->st.sample_bytes = c->sample_bytes;
	h->st.recorded = c->recorded;
	h->st.lost_events = c->lost_events;
	h->st.lost_untracked = c->lost_untracked;
	h->st.lost_reentrant = c->lost_reentrant;
	free(ids);
	return 0;
}

int heapsites_load(struct heapsites **out, const char *path)
{
	struct dpf_reader *r;
	struct dpf_event ev;
	struct heapsites *h;
	int ret;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->sorted = 1;
	ret = dpf_reader_open(&r, strcmp(path, "-") ? path : "/dev/stdin");
	if (ret) {
		free(h);
		return ret;
	}
	dpf_reader_want_heap(r, 1);
	while ((ret = dpf_reader_next(r, &ev)) > 0)
		if (ev.type == DPF_EV_HEAP && (ret = add_chunk(h, &ev.heap)))
			break;
	dpf_reader_close(r);
	if (ret < 0) {
		heapsites_free(h);
		return ret;
	}
	h->st.nr_stacks = h->stacks.nr;
	*out = h;
	return 0;
}

void heapsites_free(struct heapsites *h)
{
	if (!h)
		return;
	dpf_stacks_release(&h->stacks);
	free(h->ev);
	free(h->live);
	free(h->slots);
	free(h);
}

const struct heapsites_stats *heapsites_stats(const struct heapsites *h)
{
	return &h->st;
}

uint32_t heapsites_stack(const struct heapsites *h, uint32_t id, const uint64_t **frames)
{
	if (id >= h->stacks.nr) {
		*frames = NULL;
		return 0;
	}
	*frames = h->stacks.s[id].frames;
	return h->stacks.s[id].nr;
}

/* ---- the live blocks ---- */

static size_t slot_of(uint32_t target, uint64_t addr, size_t n)
{
	return mix(addr ^ ((uint64_t)target << 48)) & (n - 1);
}

static int rebuild_slots(struct heapsites *h, size_t n)
{
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < h->nr_live; i++) {
		size_t k = slot_of(h->live[i].target, h->live[i].addr, n);

		while (s[k])
			k = (k + 1) & (n - 1);
		s[k] = (uint32_t)i + 1;
	}
	free(h->slots);
	h->slots = s;
	h->nr_slots = n;
	return 0;
}

static long find_live(const struct heapsites *h, uint32_t target, uint64_t addr, size_t *slot)
{
	size_t k;

	if (!h->nr_slots)
		return -1;
	for (k = slot_of(target, addr, h->nr_slots); h->slots[k]; k = (k + 1) & (h->nr_slots - 1)) {
		const struct heapsites_block *b = &h->live[h->slots[k] - 1];

		if (b->addr == addr && b->target == target) {
			*slot = k;
			return h->slots[k] - 1;
		}
	}
	*slot = k;
	return -1;
}

/* Empty slot @i of the index, moving later entries of its probe run back (no tombstones). */
static void delete_slot(struct heapsites *h, size_t i)
{
	size_t mask = h->nr_slots - 1, j = i;

	h->slots[i] = 0;
	for (;;) {
		const struct heapsites_block *b;
		size_t r;

		j = (j + 1) & mask;
		if (!h->slots[j])
			return;
		b = &h->live[h->slots[j] - 1];
		r = slot_of(b->target, b->addr, h->nr_slots);
		if (i <= j ? (i < r && r <= j) : (i < r || r <= j))
			continue;	/* at or after its home: stays */
		h->slots[i] = h->slots[j];
		h->slots[j] = 0;
		i = j;
	}
}

/* Remove live block @i; the last one takes its place (the index follows). */
static void remove_live(struct heapsites *h, size_t i)
{
	size_t slot, last = h->nr_live - 1;

	if (find_live(h, h->live[i].target, h->live[i].addr, &slot) >= 0)
		delete_slot(h, slot);
	if (i != last) {
		h->live[i] = h->live[last];
		if (find_live(h, h->live[i].target, h->live[i].addr, &slot) >= 0)
			h->slots[slot] = (uint32_t)i + 1;
	}
	h->nr_live--;
	h->sorted = 0;
}

static int add_live(struct heapsites *h, const struct event *e)
{
	size_t slot;
	long i = find_live(h, e->target, e->addr, &slot);

	if (i >= 0)
		remove_live(h, (size_t)i);	/* its free was lost: the address is in use again */
	if (h->nr_live == h->alloc_live) {
		size_t n = h->alloc_live ? h->alloc_live * 2 : 1024;
		void *p = realloc(h->live, n * sizeof(*h->live));

		if (!p)
			return -ENOMEM;
		h->live = p;
		h->alloc_live = n;
	}
	if ((h->nr_live + 1) * 2 > h->nr_slots && rebuild_slots(h, h->nr_slots ? h->nr_slots * 2 : 1024))
		return -ENOMEM;
	h->live[h->nr_live] = (struct heapsites_block){ .addr = e->addr, .size = e->size,
		.weight = e->weight ? e->weight : e->size, .stack = e->stack, .target = e->target };
	find_live(h, e->target, e->addr, &slot);
	h->slots[slot] = (uint32_t)h->nr_live + 1;
	h->nr_live++;
	h->sorted = 0;
	return 0;
}

/*
 * The blocks of @target that start in [@lo, @lo + @len) end; one that starts before and reaches
 * into it (an munmap of a mapping's tail, or of a hole in it) keeps its bytes before @lo, so that
 * a mapping made later where its tail was is not counted as the old block's.
 */
static void free_range(struct heapsites *h, uint32_t target, uint64_t lo, uint64_t len)
{
	uint64_t hi = lo + len < lo ? UINT64_MAX : lo + len;
	size_t i = 0;

	while (i < h->nr_live) {
		struct heapsites_block *b = &h->live[i];

		if (b->target == target && len && b->addr < lo && b->addr + b->size > lo) {
			uint64_t keep = lo - b->addr;

			b->weight = b->size ? (uint64_t)((double)b->weight * (double)keep /
							 (double)b->size + 0.5) : keep;
			b->size = keep;
			h->sorted = 0;
			i++;
		} else if (b->target == target &&
			   (!len ? b->addr == lo : b->addr < hi && b->addr + b->size > lo)) {
			remove_live(h, i);
		} else {
			i++;
		}
	}
}

static int apply(struct heapsites *h, const struct event *e)
{
	size_t slot;
	long i;

	switch (e->kind) {
	case DPF_HEAP_ALLOC:
		return add_live(h, e);
	case DPF_HEAP_FREE:
		i = find_live(h, e->target, e->addr, &slot);
		if (e->size && i >= 0 && h->live[i].size >= e->size) {
			remove_live(h, (size_t)i);	/* the munmap of one block: no walk */
		} else if (e->size) {
			free_range(h, e->target, e->addr, e->size);
		} else if (i >= 0) {
			remove_live(h, (size_t)i);
		}
		return 0;
	default:	/* a program started: the blocks of the one before are gone */
		free_range(h, e->target, 0, UINT64_MAX);
		return 0;
	}
}

int heapsites_at(struct heapsites *h, uint64_t time_ns)
{
	int ret;

	if (time_ns < h->time_ns) {
		h->pos = 0;
		h->nr_live = 0;
		h->sorted = 1;
		if (h->nr_slots)
			memset(h->slots, 0, h->nr_slots * sizeof(*h->slots));
	}
	h->time_ns = time_ns;
	while (h->pos < h->nr_ev && h->ev[h->pos].time_ns <= time_ns) {
		ret = apply(h, &h->ev[h->pos++]);
		if (ret)
			return ret;
	}
	return 0;
}

static int by_addr(const void *pa, const void *pb)
{
	const struct heapsites_block *a = pa, *b = pb;

	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static int sort_live(struct heapsites *h)
{
	if (h->sorted)
		return 0;
	qsort(h->live, h->nr_live, sizeof(*h->live), by_addr);
	for (size_t i = 0; i < h->nr_live; i++) {
		struct heapsites_block *b = &h->live[i];

		b->shares_page = 0;
		if (i && h->live[i - 1].target == b->target && h->live[i - 1].stack != b->stack &&
		    (h->live[i - 1].addr + h->live[i - 1].size - 1) / PAGE == b->addr / PAGE)
			b->shares_page = h->live[i - 1].shares_page = 1;
	}
	h->sorted = 1;
	return rebuild_slots(h, h->nr_slots ? h->nr_slots : 1024);
}

int heapsites_cover(struct heapsites *h, uint32_t target, uint64_t lo, uint64_t hi,
		    int (*fn)(void *arg, const struct heapsites_block *b, uint64_t lo,
			      uint64_t hi), void *arg)
{
	size_t a = 0, z;
	int ret = sort_live(h);

	if (ret)
		return ret;
	z = h->nr_live;
	/* the first block that ends above lo (blocks do not overlap: an allocator's do not) */
	while (a < z) {
		size_t mid = a + (z - a) / 2;
		const struct heapsites_block *b = &h->live[mid];

		if (b->target < target || (b->target == target && b->addr + b->size <= lo))
			a = mid + 1;
		else
			z = mid;
	}
	if (a && h->live[a - 1].target == target && h->live[a - 1].addr + h->live[a - 1].size > lo)
		a--;	/* an overlap left by a lost free */
	for (; a < h->nr_live; a++) {
		const struct heapsites_block *b = &h->live[a];
		uint64_t l, e;

		if (b->target != target || b->addr >= hi)
			break;
		l = b->addr > lo ? b->addr : lo;
		e = b->addr + b->size < hi ? b->addr + b->size : hi;
		if (l < e && (ret = fn(arg, b, l, e)))
			return ret;
	}
	return 0;
}
