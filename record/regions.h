/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The region engine of the userspace sampler: a faithful port of DAMON's monitoring for one
 * virtual address space (the kernel's mm/damon/core.c and mm/damon/vaddr.c). It owns the
 * regions and their statistics and does no I/O at all: access checks come from a primitive
 * through struct dr_prim, the memory map comes from the caller as an array of VMAs, and time is
 * counted in sampling intervals. Keeping it pure lets the kernel's KUnit vectors and a model
 * primitive test it exactly, and lets every primitive share it.
 */
#ifndef RECORD_REGIONS_H
#define RECORD_REGIONS_H

#include <stddef.h>
#include <stdint.h>

struct dr_range {
	uint64_t start;		/* [start, end) */
	uint64_t end;
};

struct dr_region {
	uint64_t start;
	uint64_t end;
	uint64_t sampling_addr;
	uint32_t nr_accesses;		/* positive samples in this aggregation window */
	uint32_t nr_accesses_bp;	/* moving sum in basis points (10000 = one sample) */
	uint32_t last_nr_accesses;	/* nr_accesses of the previous window */
	uint32_t age;			/* aggregation windows the access level has held */
};

struct dr_attrs {
	uint64_t sample_us;
	uint64_t aggr_us;
	uint64_t update_us;
	uint32_t min_nr_regions;
	uint32_t max_nr_regions;
};

/*
 * An access-check primitive. Both calls get the sampling address of every region, in address
 * order. prepare() is DAMON's mkold: start watching these addresses; check() is its young test:
 * set accessed[i] to 1 when the page of addrs[i] was accessed since prepare(). Return: 0, -ESRCH
 * when the target is gone, or -errno.
 */
struct dr_prim {
	void *priv;
	int (*prepare)(void *priv, const uint64_t *addrs, size_t n);
	int (*check)(void *priv, const uint64_t *addrs, size_t n, uint8_t *accessed);
};

/* One monitoring context: one target, its regions, the attributes and the clocks. */
struct dr_ctx {
	struct dr_attrs attrs;
	uint64_t min_region_sz;		/* PAGE_SIZE (1 in the KUnit vectors) */
	struct dr_region *r;		/* sorted by start, non-overlapping */
	size_t nr;
	size_t alloc;
	uint64_t *addrs;		/* scratch for the primitive */
	uint8_t *accessed;
	size_t scratch_alloc;
	uint64_t rng;
	uint32_t last_nr_regions;	/* kdamond_split_regions()'s static */
	uint32_t max_nr_accesses;	/* of the last check */
	uint64_t sz_limit;
	uint64_t passed_sample_intervals;
	uint64_t next_aggregation_sis;
	uint64_t next_ops_update_sis;
	/*
	 * Not DAMON's: also leave out of the regions every gap between mappings wider than the
	 * mapped bytes / min_nr_regions (design note 28). 0 after dr_ctx_init(), as the kernel.
	 */
	int cut_wide_gaps;
};

enum dr_event {
	DR_EV_AGGREGATED	= 1 << 0,	/* regions hold a finished window: snapshot them */
	DR_EV_UPDATE_DUE	= 1 << 1,	/* call dr_update() with a fresh map */
};

/*
 * dr_ctx_init() - an empty context. @seed makes the random choices repeatable.
 * Return: 0 or -EINVAL for bad attributes (zero intervals, min > max, min < 1).
 */
int dr_ctx_init(struct dr_ctx *c, const struct dr_attrs *a, uint64_t min_region_sz, uint64_t seed);
void dr_ctx_release(struct dr_ctx *c);

/* dr_rand() - uniform in [l, r) from the context's generator (damon_rand()); l when r <= l. */
uint64_t dr_rand(struct dr_ctx *c, uint64_t l, uint64_t r);

/*
 * dr_three_regions() - __damon_va_three_regions(): the mapped span of @vmas (sorted, without
 * [vsyscall]) cut at its two largest gaps, each end rounded up to @align.
 * Return: 0, or -EINVAL when there are fewer than three separable areas.
 */
int dr_three_regions(const struct dr_range *vmas, size_t n, uint64_t align, struct dr_range out[3]);

/*
 * dr_monitor_ranges() - what is monitored of @vmas: the three regions, each cut again at every
 * gap between mappings wider than @cap (0: the three regions as they are). @out holds n + 3.
 * Return: the number of ranges, or -EINVAL as dr_three_regions().
 */
int dr_monitor_ranges(const struct dr_range *vmas, size_t n, uint64_t align, uint64_t cap,
		      struct dr_range *out);

/*
 * dr_init_regions() - __damon_va_init_regions(): three regions of @vmas (dr_monitor_ranges()
 * with cut_wide_gaps), each split evenly so that there are about min_nr_regions, and the
 * initial size limit. Replaces any regions.
 * Return: 0, -EINVAL when three regions cannot be found (no regions then; they come with the
 * first dr_update()), -ENOMEM.
 */
int dr_init_regions(struct dr_ctx *c, const struct dr_range *vmas, size_t n);

/* dr_add_region() - append [start, end) with zeroed statistics (tests, fixed ranges). */
int dr_add_region(struct dr_ctx *c, uint64_t start, uint64_t end);

/*
 * dr_evenly_split_region() - damon_va_evenly_split_region() of region @idx into @nr_pieces.
 * Return: 0, -EINVAL for 0 pieces or pieces smaller than min_region_sz (region unchanged).
 */
int dr_evenly_split_region(struct dr_ctx *c, size_t idx, unsigned int nr_pieces);
/* dr_split_region_at() - damon_split_region_at(): region @idx keeps its first @sz bytes. */
int dr_split_region_at(struct dr_ctx *c, size_t idx, uint64_t sz);
/* dr_merge_two_regions() - damon_merge_two_regions(): region @idx absorbs region @idx + 1. */
void dr_merge_two_regions(struct dr_ctx *c, size_t idx);
/* dr_merge_regions_of() - one damon_merge_regions_of() pass: age update and merge. */
void dr_merge_regions_of(struct dr_ctx *c, uint32_t thres, uint64_t sz_limit);
/* dr_merge_regions() - kdamond_merge_regions(): passes with a doubling threshold until max. */
void dr_merge_regions(struct dr_ctx *c, uint32_t threshold, uint64_t sz_limit);
/* dr_split_regions_of() - damon_split_regions_of(): each region into up to @nr_subs pieces. */
int dr_split_regions_of(struct dr_ctx *c, unsigned int nr_subs);
/* dr_split_regions() - kdamond_split_regions(): 2- or 3-way, skipped above max/2. */
int dr_split_regions(struct dr_ctx *c);
/* dr_reset_aggregated() - last_nr_accesses = nr_accesses, nr_accesses = 0. */
void dr_reset_aggregated(struct dr_ctx *c);
/*
 * dr_set_regions() - damon_set_regions(): fit the regions to @ranges (sorted, disjoint), keeping
 * the boundaries and statistics of regions that still intersect them. Return: 0 or -ENOMEM.
 */
int dr_set_regions(struct dr_ctx *c, const struct dr_range *ranges, size_t n);
/* dr_region_sz_limit() - damon_region_sz_limit(): total size / min_nr_regions, >= min size. */
uint64_t dr_region_sz_limit(const struct dr_ctx *c);

/*
 * dr_sample_prepare() - pick a random address in every region and have @p start watching them
 * (kdamond's prepare_access_checks). Return: 0 or the primitive's -errno.
 */
int dr_sample_prepare(struct dr_ctx *c, const struct dr_prim *p);
/*
 * dr_sample_check() - after the sampling interval: ask @p, update nr_accesses and the moving
 * sum, count the interval, and at an aggregation boundary merge the regions. @events gets
 * DR_EV_AGGREGATED (the caller snapshots the regions, then calls dr_aggregation_done()) and
 * DR_EV_UPDATE_DUE (the caller calls dr_update() after that). Return: 0 or -errno.
 */
int dr_sample_check(struct dr_ctx *c, const struct dr_prim *p, unsigned int *events);
/* dr_aggregation_done() - reset the window's counts and split (kdamond's tail of a window). */
int dr_aggregation_done(struct dr_ctx *c);
/*
 * dr_update() - damon_va_update() with the target's current @vmas: set the regions to its three
 * regions (dr_monitor_ranges() with cut_wide_gaps; kept as they are when three cannot be
 * found) and recompute the size limit.
 * Return: 0 or -ENOMEM.
 */
int dr_update(struct dr_ctx *c, const struct dr_range *vmas, size_t n);

/*
 * dr_set_attrs() - damon_set_attrs() while monitoring: take @a and rescale every region's
 * statistics to it as damon_update_monitoring_results() does (nr_accesses through basis points
 * of the samples per window, age by the ratio of the aggregation intervals); in the middle of a
 * window (always, between dr_aggregation_done() and the next aggregation) last_nr_accesses is
 * rescaled and the window starts again. The next aggregation and update are counted from now.
 * Return: 0, or -EINVAL for attributes dr_ctx_init() refuses (nothing changed then).
 */
int dr_set_attrs(struct dr_ctx *c, const struct dr_attrs *a);

/* dr_max_nr_accesses() - damon_max_nr_accesses(): samples per aggregation window, >= 1. */
uint32_t dr_max_nr_accesses(const struct dr_attrs *a);

#endif /* RECORD_REGIONS_H */
