/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report hot's deferred sums (report/hot-defer.c, design note 31): the objects that a region
 * covers wholly take its snapshot's share through a difference array over their mapping's runs,
 * in O(1) per region, and get their totals when the mapping's map is replaced or the pass ends;
 * their state "now" comes from a paint of the last region that covered each address. Private to
 * report/hot*.c.
 */
#ifndef REPORT_HOT_DEFER_H
#define REPORT_HOT_DEFER_H

#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"
#include "report/hot.h"

/* A run of addresses of one mapping that resolves to one object (an index into hot->obj). */
struct run {
	uint64_t lo, hi;
	uint32_t obj;
	uint32_t odd;		/* 1: not its object's whole extent: updated per snapshot */
};

/*
 * A region's accesses over its snapshot's span at the rate in force, nr_accesses x span /
 * aggregation interval in force (design note 48), in fixed point: HOT_ACC_ONE a whole access, so
 * that a snapshot on time gives nr_accesses exactly and the deferred sums stay integers. Bounded
 * by HOT_ACC_MAX (a hostile span), where a double is still exact.
 */
#define HOT_ACC_ONE 1048576.0
#define HOT_ACC_MAX (1ull << 53)

/* hot_accesses() - @nr_accesses over a span of @span_per_aggr intervals in force, fixed point. */
uint64_t hot_accesses(uint32_t nr_accesses, double span_per_aggr);

/*
 * What a region adds to each run it covers wholly, per snapshot; summed as differences, in
 * integers, so that what a region adds and takes away cancels exactly. The accesses are summed
 * modulo 2^64 (unsigned: no overflow), exact while the true sum fits.
 */
struct run_sums {
	int64_t dt_ns, hot_ns, idle_ns, count;
	uint64_t accesses;	/* hot_accesses() units */
};

/* The runs of one mapping, kept by its identity so that a later map holding it reuses them. */
struct map_runs {
	struct map_runs *next;
	uint32_t target;
	uint64_t start, end, offset;
	char *path;
	uint8_t build_id_len;
	uint8_t build_id[32];
	struct run *runs;
	size_t nr;
	/* the deferred sums (runs_prepare()) */
	int prepared;
	int contiguous;		/* runs tile [start, end) with no gap: sums can be deferred */
	struct run_sums *diff;	/* nr + 1 differences; NULL: nothing deferred */
	uint32_t *odd;		/* indexes of the odd runs, ascending */
	size_t nr_odd;
};

/* The last region that covered each address of a target: its snapshot and its state. */
struct paint_cell {
	uint64_t start, end;
	uint64_t seq, dt_ns;
	uint32_t nr_accesses, age;
};

struct paint {
	struct paint_cell *c, *tmp;
	size_t nr, alloc, tmp_alloc;
};

/*
 * hot_add_piece() - one snapshot's @bytes of object @i under region @r, which stands for @dt_ns
 * and made @acc accesses over it (hot_accesses()); design notes 20 and 48.
 */
void hot_add_piece(struct hot *h, const struct hot_opts *o, uint64_t seq, uint32_t i,
		   uint64_t bytes, const struct dpf_region *r, uint64_t dt_ns, uint64_t acc);

/* runs_prepare() - flag the odd runs of @mr and see whether they tile the mapping. 0/-ENOMEM. */
int runs_prepare(struct map_runs *mr, const struct hot *h);
/*
 * runs_defer() - region @r (@dt_ns, @acc as for hot_add_piece()) covers runs [@k1, @k2) wholly
 * in this snapshot. 0 or -ENOMEM.
 */
int runs_defer(struct map_runs *mr, size_t k1, size_t k2, const struct dpf_region *r,
	       uint64_t dt_ns, uint64_t acc, const struct hot_opts *o);
/* runs_first_odd() - the first odd run index >= @k (nr when none). */
size_t runs_first_odd(const struct map_runs *mr, size_t k);
/*
 * runs_settle() - give each run of @mr its deferred sums, with its state "now" from @p when a
 * region covered it wholly after any partial cover; the differences start again from zero.
 */
void runs_settle(struct map_runs *mr, struct hot *h, const struct hot_opts *o,
		 const struct paint *p);
void runs_free(struct map_runs *mr);

/* paint_snapshot() - paint the regions of @s (sorted, disjoint) as snapshot @seq. 0/-ENOMEM. */
int paint_snapshot(struct paint *p, const struct dpf_snapshot *s, uint64_t dt_ns, uint64_t seq);
void paint_free(struct paint *p);

#endif /* REPORT_HOT_DEFER_H */
