/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What report/hot.c (the table and the pass) and report/hot-site.c (heap allocation sites,
 * --by site) share: the builder of one table and the calls that add a piece of a region to an
 * object. Private to those two files; the names they share start with hotb_.
 */
#ifndef REPORT_HOT_PRIV_H
#define REPORT_HOT_PRIV_H

#include "report/hot.h"
#include "report/hot-defer.h"
#include "report/physmap.h"

/* A target's memory map live now, and its snapshots held back until its first map arrives. */
struct target_state {
	uint32_t id;
	struct dpf_mapping *maps;
	uint32_t nr_maps;
	int have_maps;
	struct dpf_snapshot *held;
	size_t nr_held, alloc_held;
	uint32_t unmapped;	/* its "[unmapped]" object, + 1 (0: none yet) */
	struct paint paint;	/* the last region over each address (report/hot-defer.h) */
};

#define NR_BUCKETS 4096u
#define MAX_RUNS_PER_MAPPING (1u << 20)
#define MAX_HELD_REGIONS (256u << 10)	/* held back before a first map: 6 MiB at most */

struct hot_builder {
	struct hot *h;
	struct session *s;
	struct hot_opts o;
	struct sym_cache *cache;
	struct map_runs *runs[NR_BUCKETS];
	/* the objects by key */
	uint32_t *slots;	/* index + 1, 0: free */
	char **keys;		/* keys[i] of hot->obj[i] */
	size_t nr_slots, alloc_obj;
	struct target_state *tg;
	size_t nr_tg;
	uint64_t seq;
	uint64_t held_regions;
	uint64_t fallback_ns;
	double span_per_aggr;	/* the snapshot's span over its interval in force (1: unknown) */
	struct physmap phys;	/* a --paddr recording's node layout (or none) */
	int defer;		/* this snapshot's whole runs go to the deferred sums */
	struct heapsites *heap;	/* --by site */
	int heap_by_site;	/* the table is --by site */
	double gap_scale;	/* --by site: the share of a region's bytes outside recorded
				 * blocks that sampled blocks do not already stand for */
	uint32_t *stack_obj;	/* object + 1 of each heap stack (0: none yet), and NAMED */
	size_t nr_stack_obj;
};

/*
 * hotb_find_object() - the object of @key: found, or added (then *@added is 1 and the caller
 * fills in its names). Return: its index, or -ENOMEM.
 */
int64_t hotb_find_object(struct hot_builder *b, const char *key, int *added);
void hotb_copy_str(char *dst, size_t size, const char *src);
/* hotb_add_piece() - @bytes of object @i seen in region @r for @dt_ns (times b->gap_scale). */
void hotb_add_piece(struct hot_builder *b, uint32_t i, uint64_t bytes, const struct dpf_region *r,
		    uint64_t dt_ns);
/* hotb_add_symbols_in() - the part [@a, @end) of @r, split across the objects of the map. */
int hotb_add_symbols_in(struct hot_builder *b, struct target_state *t, const struct dpf_region *r,
			uint64_t a, uint64_t end, uint64_t dt_ns);
int hotb_add_symbols(struct hot_builder *b, struct target_state *t, const struct dpf_region *r,
		     uint64_t dt_ns);
/* hotb_add_sites() - @r split across the heap blocks live now, the rest by symbol (hot-site.c). */
int hotb_add_sites(struct hot_builder *b, struct target_state *t, const struct dpf_region *r,
		   uint64_t dt_ns);

/* hotb_merge_sites() - one row per site: the rows of its stacks merged (hot-site.c). */
void hotb_merge_sites(struct hot *h);

#endif /* REPORT_HOT_PRIV_H */
