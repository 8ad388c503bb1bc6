// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the region engine (record/regions.c): the kernel's own KUnit vectors
 * (mm/damon/tests/{core,vaddr}-kunit.h: three regions, even split, split at, merge of two, merge
 * pass, split pass, set_regions, moving sum), then convergence against a model primitive whose
 * accesses are known exactly: a hot range is isolated within a bounded number of aggregations,
 * the region count stays within [min, max], and age grows on stable ranges and resets on change.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "record/regions.h"

#define PAGE 4096ULL

static void ctx_for_kunit(struct dr_ctx *c)
{
	/* the KUnit vectors are built with DAMON_MIN_REGION 1 */
	struct dr_attrs a = { 5000, 100000, 1000000, 10, 1000 };

	assert_int_equal(dr_ctx_init(c, &a, 1, 42), 0);
}

static void add_pairs(struct dr_ctx *c, const uint64_t *pairs, size_t n)
{
	for (size_t i = 0; i < n; i += 2)
		assert_int_equal(dr_add_region(c, pairs[i], pairs[i + 1]), 0);
}

static void expect_pairs(const struct dr_ctx *c, const uint64_t *pairs, size_t n)
{
	assert_int_equal(c->nr, n / 2);
	for (size_t i = 0; i < n / 2; i++) {
		assert_int_equal(c->r[i].start, pairs[2 * i]);
		assert_int_equal(c->r[i].end, pairs[2 * i + 1]);
	}
}

/* mm/damon/tests/vaddr-kunit.h damon_test_three_regions_in_vmas */
static void test_three_regions_drop_the_two_largest_gaps(void **state)
{
	const struct dr_range vmas[] = {
		{ 10, 20 }, { 20, 25 }, { 200, 210 }, { 210, 220 }, { 300, 305 }, { 307, 330 },
	};
	struct dr_range out[3];

	(void)state;
	assert_int_equal(dr_three_regions(vmas, 6, 1, out), 0);
	assert_int_equal(out[0].start, 10);
	assert_int_equal(out[0].end, 25);
	assert_int_equal(out[1].start, 200);
	assert_int_equal(out[1].end, 220);
	assert_int_equal(out[2].start, 300);
	assert_int_equal(out[2].end, 330);
}

static void test_three_regions_need_three_areas(void **state)
{
	const struct dr_range two[] = { { 0x1000, 0x2000 }, { 0x5000, 0x6000 } };
	const struct dr_range touching[] = {
		{ 0x1000, 0x2000 }, { 0x2000, 0x3000 }, { 0x3000, 0x4000 },
	};
	struct dr_range out[3];

	(void)state;
	assert_int_equal(dr_three_regions(two, 2, PAGE, out), -EINVAL);
	assert_int_equal(dr_three_regions(touching, 3, PAGE, out), -EINVAL);
	assert_int_equal(dr_three_regions(NULL, 0, PAGE, out), -EINVAL);
}

static void test_three_regions_round_up_to_pages(void **state)
{
	const struct dr_range vmas[] = {
		{ 0x1010, 0x2000 }, { 0x9000, 0xa001 }, { 0x20000, 0x20800 },
	};
	struct dr_range out[3];

	(void)state;
	assert_int_equal(dr_three_regions(vmas, 3, PAGE, out), 0);
	assert_int_equal(out[0].start, 0x2000);
	assert_int_equal(out[0].end, 0x2000);
	assert_int_equal(out[1].start, 0x9000);
	assert_int_equal(out[1].end, 0xb000);
	assert_int_equal(out[2].start, 0x20000);
	assert_int_equal(out[2].end, 0x21000);
}

/*
 * Not DAMON's (design note 28): the sampler also leaves out gaps wider than the mapped bytes per
 * min_nr_regions, such as the up to 1 GiB that brk randomization puts between .bss and [heap],
 * which would otherwise set the size limit of every region to a tenth of it.
 */
static void test_monitor_ranges_cut_wide_gaps(void **state)
{
	const struct dr_range vmas[] = {
		{ 0x400000, 0x480000 }, { 0x480000, 0x500000 },		/* program, 1 MiB */
		{ 0x40000000, 0x40100000 },				/* [heap], 1 GiB on */
		{ 0x7f0000000000, 0x7f0000200000 },			/* libc, 2 MiB */
		{ 0x7f0000201000, 0x7f0000202000 },			/* a guard page on */
		{ 0x7f0000300000, 0x7f0000310000 },			/* a library, 1 MiB on */
		{ 0x7ffff0000000, 0x7ffff0100000 },			/* [stack] */
	};
	const uint64_t cut[] = {
		0x400000, 0x500000, 0x40000000, 0x40100000, 0x7f0000000000, 0x7f0000202000,
		0x7f0000300000, 0x7f0000310000, 0x7ffff0000000, 0x7ffff0100000,
	};
	struct dr_attrs a = { .sample_us = 5000, .aggr_us = 100000, .update_us = 1000000,
			      .min_nr_regions = 10, .max_nr_regions = 1000 };
	struct dr_range out[7 + 3];
	struct dr_ctx c;
	int nr;

	(void)state;
	/* without a cap: DAMON's three regions, the 1 GiB gap inside the first */
	assert_int_equal(dr_monitor_ranges(vmas, 7, PAGE, 0, out), 3);
	assert_int_equal(out[0].end, 0x40100000);
	/* a cap of 512 KiB: the 1 GiB and the 1 MiB gaps go, the guard page stays */
	nr = dr_monitor_ranges(vmas, 7, PAGE, 512 << 10, out);
	assert_int_equal(nr, 5);
	for (int i = 0; i < nr; i++) {
		assert_int_equal(out[i].start, cut[2 * i]);
		assert_int_equal(out[i].end, cut[2 * i + 1]);
	}
	/* the context computes that cap (5.06 MiB mapped / 10) and sizes regions by mapped bytes */
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 1), 0);
	c.cut_wide_gaps = 1;
	assert_int_equal(dr_init_regions(&c, vmas, 7), 0);
	assert_int_equal(c.r[0].start, 0x400000);
	assert_int_equal(c.r[c.nr - 1].end, 0x7ffff0100000);
	for (size_t i = 0; i < c.nr; i++)
		assert_true(c.r[i].end - c.r[i].start <= 1 << 20);
	assert_true(c.sz_limit < 1 << 20);
	assert_int_equal(dr_update(&c, vmas, 7), 0);
	assert_true(c.sz_limit < 1 << 20);
	dr_ctx_release(&c);
	/* off (the kernel's way): the first region spans the 1 GiB gap */
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 1), 0);
	assert_int_equal(dr_init_regions(&c, vmas, 7), 0);
	assert_true(c.sz_limit > 64 << 20);
	dr_ctx_release(&c);
}

static void split_evenly_succ(uint64_t start, uint64_t end, unsigned int nr)
{
	uint64_t width = (end - start) / nr;
	struct dr_ctx c;

	ctx_for_kunit(&c);
	assert_int_equal(dr_add_region(&c, start, end), 0);
	assert_int_equal(dr_evenly_split_region(&c, 0, nr), 0);
	assert_int_equal(c.nr, nr);
	for (unsigned int i = 0; i < nr - 1; i++) {
		assert_int_equal(c.r[i].start, start + width * i);
		assert_int_equal(c.r[i].end, start + width * (i + 1));
	}
	assert_int_equal(c.r[nr - 1].start, start + width * (nr - 1));
	assert_int_equal(c.r[nr - 1].end, end);
	dr_ctx_release(&c);
}

static void split_evenly_fail(uint64_t start, uint64_t end, unsigned int nr)
{
	struct dr_ctx c;

	ctx_for_kunit(&c);
	assert_int_equal(dr_add_region(&c, start, end), 0);
	assert_int_equal(dr_evenly_split_region(&c, 0, nr), -EINVAL);
	assert_int_equal(c.nr, 1);
	assert_int_equal(c.r[0].start, start);
	assert_int_equal(c.r[0].end, end);
	dr_ctx_release(&c);
}

/* mm/damon/tests/vaddr-kunit.h damon_test_split_evenly */
static void test_split_evenly_kunit_vectors(void **state)
{
	struct dr_ctx c;

	(void)state;
	ctx_for_kunit(&c);
	assert_int_equal(dr_evenly_split_region(&c, 0, 5), -EINVAL);	/* no region */
	dr_ctx_release(&c);
	split_evenly_fail(0, 100, 0);
	split_evenly_succ(0, 100, 10);
	split_evenly_succ(5, 59, 5);
	split_evenly_succ(4, 6, 1);
	split_evenly_succ(0, 3, 2);
	split_evenly_fail(5, 6, 2);
}

/* mm/damon/tests/core-kunit.h damon_test_split_at */
static void test_split_at_keeps_left_and_inherits_right(void **state)
{
	struct dr_ctx c;

	(void)state;
	ctx_for_kunit(&c);
	assert_int_equal(dr_add_region(&c, 0, 100), 0);
	c.r[0].nr_accesses = 7;
	c.r[0].nr_accesses_bp = 70000;
	c.r[0].last_nr_accesses = 3;
	c.r[0].age = 11;
	assert_int_equal(dr_split_region_at(&c, 0, 25), 0);
	assert_int_equal(c.nr, 2);
	assert_int_equal(c.r[0].start, 0);
	assert_int_equal(c.r[0].end, 25);
	assert_int_equal(c.r[1].start, 25);
	assert_int_equal(c.r[1].end, 100);
	assert_int_equal(c.r[1].nr_accesses, 7);
	assert_int_equal(c.r[1].nr_accesses_bp, 70000);
	assert_int_equal(c.r[1].last_nr_accesses, 3);
	assert_int_equal(c.r[1].age, 11);
	dr_ctx_release(&c);
}

/* mm/damon/tests/core-kunit.h damon_test_merge_two: weighted averages */
static void test_merge_two_weights_by_size(void **state)
{
	struct dr_ctx c;

	(void)state;
	ctx_for_kunit(&c);
	assert_int_equal(dr_add_region(&c, 0, 100), 0);
	assert_int_equal(dr_add_region(&c, 100, 300), 0);
	c.r[0].nr_accesses = 10;
	c.r[0].nr_accesses_bp = 100000;
	c.r[0].age = 9;
	c.r[1].nr_accesses = 20;
	c.r[1].nr_accesses_bp = 200000;
	c.r[1].age = 21;
	dr_merge_two_regions(&c, 0);
	assert_int_equal(c.nr, 1);
	assert_int_equal(c.r[0].start, 0);
	assert_int_equal(c.r[0].end, 300);
	assert_int_equal(c.r[0].nr_accesses, 16);	/* (10*100 + 20*200) / 300 */
	assert_int_equal(c.r[0].nr_accesses_bp, 160000);
	assert_int_equal(c.r[0].age, 17);		/* (9*100 + 21*200) / 300 */
	dr_ctx_release(&c);
}

/* mm/damon/tests/core-kunit.h damon_test_merge_regions_of */
static void test_merge_regions_of_kunit_vector(void **state)
{
	const uint64_t sa[] = { 0, 100, 114, 122, 130, 156, 170, 184 };
	const uint64_t ea[] = { 100, 112, 122, 130, 156, 170, 184, 230 };
	const uint32_t nrs[] = { 0, 0, 10, 10, 20, 30, 1, 2 };
	const uint64_t expect[] = { 0, 112, 114, 130, 130, 156, 156, 170, 170, 230 };
	struct dr_ctx c;

	(void)state;
	ctx_for_kunit(&c);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(dr_add_region(&c, sa[i], ea[i]), 0);
		c.r[i].nr_accesses = nrs[i];
	}
	dr_merge_regions_of(&c, 9, 9999);
	expect_pairs(&c, expect, 10);
	dr_ctx_release(&c);
}

static void test_merge_respects_size_limit(void **state)
{
	struct dr_ctx c;

	(void)state;
	ctx_for_kunit(&c);
	for (int i = 0; i < 6; i++)
		assert_int_equal(dr_add_region(&c, i * 10, i * 10 + 10), 0);
	dr_merge_regions_of(&c, 0, 20);		/* all equal; pairs up to 20 bytes */
	assert_int_equal(c.nr, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(c.r[i].end - c.r[i].start, 20);
	dr_ctx_release(&c);
}

static void set_counts(struct dr_region *r, uint32_t nr, uint32_t last, uint32_t age)
{
	r->nr_accesses = nr;
	r->last_nr_accesses = last;
	r->age = age;
}

static void test_age_rules_of_a_merge_pass(void **state)
{
	struct dr_ctx c;

	(void)state;
	ctx_for_kunit(&c);
	/* far apart so that nothing merges: only the age rules act */
	for (int i = 0; i < 4; i++)
		assert_int_equal(dr_add_region(&c, i * 100, i * 100 + 10), 0);
	/* a small change, one above the threshold, one that crosses zero, an idle one */
	set_counts(&c.r[0], 5, 6, 4);
	set_counts(&c.r[1], 9, 2, 4);
	set_counts(&c.r[2], 1, 0, 4);
	set_counts(&c.r[3], 0, 0, 4);
	dr_merge_regions_of(&c, 2, 1000);
	assert_int_equal(c.nr, 4);
	assert_int_equal(c.r[0].age, 5);
	assert_int_equal(c.r[1].age, 0);
	assert_int_equal(c.r[2].age, 0);
	assert_int_equal(c.r[3].age, 5);
	dr_ctx_release(&c);
}

static void test_merge_doubles_threshold_down_to_max(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 3, 8 };
	struct dr_ctx c;

	(void)state;
	assert_int_equal(dr_ctx_init(&c, &a, 1, 1), 0);
	/* 32 regions alternating 0 and 1..16 accesses: no pass at threshold 0 merges anything */
	for (int i = 0; i < 32; i++) {
		assert_int_equal(dr_add_region(&c, i * 10, i * 10 + 10), 0);
		c.r[i].nr_accesses = (i % 2) ? (uint32_t)(i / 2 + 1) : 0;
	}
	dr_merge_regions(&c, 0, 1000);
	assert_true(c.nr <= 8);
	assert_true(c.nr >= 1);
	/* the cover is unchanged */
	assert_int_equal(c.r[0].start, 0);
	assert_int_equal(c.r[c.nr - 1].end, 320);
	for (size_t i = 1; i < c.nr; i++)
		assert_int_equal(c.r[i].start, c.r[i - 1].end);
	dr_ctx_release(&c);
}

/*
 * mm/damon/tests/core-kunit.h damon_test_split_regions_of: at most nr_subs pieces, covering the
 * region
 */
static void test_split_regions_of_bounded_pieces(void **state)
{
	struct dr_ctx c;

	(void)state;
	for (int seed = 0; seed < 50; seed++) {
		struct dr_attrs a = { 5000, 100000, 1000000, 10, 1000 };

		assert_int_equal(dr_ctx_init(&c, &a, 1, seed), 0);
		assert_int_equal(dr_add_region(&c, 0, 22), 0);
		assert_int_equal(dr_split_regions_of(&c, 2), 0);
		assert_true(c.nr <= 2);
		dr_ctx_release(&c);

		assert_int_equal(dr_ctx_init(&c, &a, 1, seed), 0);
		assert_int_equal(dr_add_region(&c, 0, 220), 0);
		assert_int_equal(dr_split_regions_of(&c, 4), 0);
		assert_true(c.nr <= 4);
		assert_int_equal(c.r[0].start, 0);
		assert_int_equal(c.r[c.nr - 1].end, 220);
		for (size_t i = 1; i < c.nr; i++) {
			assert_int_equal(c.r[i].start, c.r[i - 1].end);
			assert_true(c.r[i].end > c.r[i].start);
		}
		dr_ctx_release(&c);
	}
}

static void test_split_pieces_are_page_aligned_and_10_to_90_percent(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 10, 1000 };
	struct dr_ctx c;

	(void)state;
	for (int seed = 0; seed < 200; seed++) {
		assert_int_equal(dr_ctx_init(&c, &a, PAGE, seed), 0);
		assert_int_equal(dr_add_region(&c, 100 * PAGE, 200 * PAGE), 0);
		assert_int_equal(dr_split_regions_of(&c, 2), 0);
		assert_int_equal(c.nr, 2);
		assert_int_equal(c.r[0].end % PAGE, 0);
		assert_true(c.r[0].end >= 110 * PAGE && c.r[0].end <= 190 * PAGE);
		dr_ctx_release(&c);
	}
	/* two pages: too small to split (sz must exceed 2 * min) */
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 3), 0);
	assert_int_equal(dr_add_region(&c, 0, 2 * PAGE), 0);
	assert_int_equal(dr_split_regions_of(&c, 3), 0);
	assert_int_equal(c.nr, 1);
	dr_ctx_release(&c);
}

static void test_split_is_skipped_above_half_of_max(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 3, 10 };
	struct dr_ctx c;

	(void)state;
	assert_int_equal(dr_ctx_init(&c, &a, 1, 5), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(dr_add_region(&c, i * 1000, i * 1000 + 1000), 0);
	assert_int_equal(dr_split_regions(&c), 0);
	assert_int_equal(c.nr, 6);		/* 6 > 10 / 2 */
	c.nr = 5;
	assert_int_equal(dr_split_regions(&c), 0);
	assert_true(c.nr > 5 && c.nr <= 10);
	dr_ctx_release(&c);
}

/* mm/damon/tests/core-kunit.h damon_test_set_regions */
static void test_set_regions_fills_holes(void **state)
{
	const uint64_t regions[] = { 4, 16, 24, 32 };
	const uint64_t expect[] = { 8, 16, 16, 24, 24, 28 };
	const struct dr_range range = { 8, 28 };
	struct dr_ctx c;

	(void)state;
	ctx_for_kunit(&c);
	add_pairs(&c, regions, 4);
	assert_int_equal(dr_set_regions(&c, &range, 1), 0);
	expect_pairs(&c, expect, 6);
	dr_ctx_release(&c);
}

static void apply_three(const struct dr_range three[3], const uint64_t *expect, size_t n)
{
	/* 10-20-30, 50-55-57-59, 70-80-90-100 */
	const uint64_t regions[] = {
		10, 20, 20, 30, 50, 55, 55, 57, 57, 59, 70, 80, 80, 90, 90, 100,
	};
	struct dr_ctx c;

	ctx_for_kunit(&c);
	add_pairs(&c, regions, 16);
	assert_int_equal(dr_set_regions(&c, three, 3), 0);
	expect_pairs(&c, expect, n);
	dr_ctx_release(&c);
}

/* mm/damon/tests/vaddr-kunit.h damon_test_apply_three_regions1..4 */
static void test_apply_three_regions_kunit_vectors(void **state)
{
	const struct dr_range t1[3] = { { 5, 27 }, { 45, 55 }, { 73, 104 } };
	const uint64_t e1[] = { 5, 20, 20, 27, 45, 55, 73, 80, 80, 90, 90, 104 };
	const struct dr_range t2[3] = { { 5, 27 }, { 56, 57 }, { 65, 104 } };
	const uint64_t e2[] = { 5, 20, 20, 27, 56, 57, 65, 80, 80, 90, 90, 104 };
	const struct dr_range t3[3] = { { 5, 27 }, { 61, 63 }, { 65, 104 } };
	const uint64_t e3[] = { 5, 20, 20, 27, 61, 63, 65, 80, 80, 90, 90, 104 };
	const struct dr_range t4[3] = { { 5, 7 }, { 30, 32 }, { 65, 68 } };
	const uint64_t e4[] = { 5, 7, 30, 32, 65, 68 };

	(void)state;
	apply_three(t1, e1, 12);
	apply_three(t2, e2, 12);
	apply_three(t3, e3, 12);
	apply_three(t4, e4, 6);
}

static void test_set_regions_keeps_statistics_of_survivors(void **state)
{
	const uint64_t regions[] = { 0, 10, 10, 20, 40, 50 };
	const struct dr_range ranges[2] = { { 5, 20 }, { 60, 70 } };
	struct dr_ctx c;

	(void)state;
	ctx_for_kunit(&c);
	add_pairs(&c, regions, 6);
	c.r[1].nr_accesses = 4;
	c.r[1].age = 7;
	c.r[2].age = 3;
	assert_int_equal(dr_set_regions(&c, ranges, 2), 0);
	assert_int_equal(c.nr, 3);
	assert_int_equal(c.r[0].start, 5);
	assert_int_equal(c.r[1].start, 10);
	assert_int_equal(c.r[1].end, 20);
	assert_int_equal(c.r[1].nr_accesses, 4);
	assert_int_equal(c.r[1].age, 7);
	assert_int_equal(c.r[2].start, 60);	/* 40-50 was dropped, 60-70 is new */
	assert_int_equal(c.r[2].age, 0);
	dr_ctx_release(&c);
}

/* ---- a model primitive: an oracle of which pages are accessed at which sample ---- */

struct model {
	uint64_t tick;				/* sampling intervals so far */
	int (*hot)(const struct model *m, uint64_t page_addr);
	struct dr_range hot_range;
	int prepared;
};

static int model_prepare(void *priv, const uint64_t *addrs, size_t n)
{
	struct model *m = priv;

	(void)addrs;
	(void)n;
	m->prepared = 1;
	return 0;
}

static int model_check(void *priv, const uint64_t *addrs, size_t n, uint8_t *accessed)
{
	struct model *m = priv;

	if (!m->prepared)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		accessed[i] = m->hot(m, addrs[i] & ~(PAGE - 1));
	m->prepared = 0;
	m->tick++;
	return 0;
}

static int hot_in_range(const struct model *m, uint64_t page)
{
	return page >= m->hot_range.start && page < m->hot_range.end;
}

/* a process-like layout: binary+heap, libraries+mmaps, stack */
static const struct dr_range model_vmas[] = {
	{ 0x400000, 0x600000 },			/* text, data */
	{ 0x600000, 0x1600000 },		/* heap: 16 MiB */
	{ 0x7f0000000000, 0x7f0000200000 },	/* libc */
	{ 0x7f0000400000, 0x7f0000c00000 },	/* an 8 MiB mmap */
	{ 0x7ffff0000000, 0x7ffff0100000 },	/* stack */
};

struct score {
	uint64_t tp, fp, fn;
};

/* page-level agreement of "regions with nr_accesses >= max/2" with the oracle's hot range */
static struct score score_snapshot(const struct dr_ctx *c, const struct dr_range *hot)
{
	uint32_t max = dr_max_nr_accesses(&c->attrs);
	struct score s = { 0, 0, 0 };

	for (size_t i = 0; i < c->nr; i++) {
		const struct dr_region *r = &c->r[i];
		uint64_t lo = r->start > hot->start ? r->start : hot->start;
		uint64_t hi = r->end < hot->end ? r->end : hot->end;
		uint64_t in = hi > lo ? (hi - lo) / PAGE : 0;
		uint64_t pages = (r->end - r->start) / PAGE;

		if (2 * r->nr_accesses >= max) {
			s.tp += in;
			s.fp += pages - in;
		} else {
			s.fn += in;
		}
	}
	return s;
}

struct run_stats {
	int first_isolated;		/* aggregation index; -1 never */
	int nr_aggr;
	size_t min_nr, max_nr;
	double late_precision, late_recall;
};

/*
 * Drive @c like kdamond does for @nr_aggr aggregations. A snapshot counts as "isolated" when
 * precision and recall of hot pages are both >= 95 %; the late figures sum the last half.
 */
static void drive(struct dr_ctx *c, struct model *m, int nr_aggr, struct run_stats *st,
		  void (*each)(struct dr_ctx *c, struct model *m, int aggr))
{
	struct dr_prim p = { m, model_prepare, model_check };
	struct score late = { 0, 0, 0 };
	int aggr = 0;

	st->first_isolated = -1;
	st->min_nr = SIZE_MAX;
	st->max_nr = 0;
	while (aggr < nr_aggr) {
		unsigned int ev;

		assert_int_equal(dr_sample_prepare(c, &p), 0);
		for (size_t i = 0; i < c->nr; i++) {
			assert_true(c->r[i].sampling_addr >= c->r[i].start);
			assert_true(c->r[i].sampling_addr < c->r[i].end);
		}
		assert_int_equal(dr_sample_check(c, &p, &ev), 0);
		if (ev & DR_EV_AGGREGATED) {
			struct score s = score_snapshot(c, &m->hot_range);

			if (c->nr < st->min_nr)
				st->min_nr = c->nr;
			if (c->nr > st->max_nr)
				st->max_nr = c->nr;
			if (st->first_isolated < 0 && s.tp >= 0.95 * (s.tp + s.fn) &&
			    s.tp >= 0.95 * (s.tp + s.fp))
				st->first_isolated = aggr;
			if (aggr >= nr_aggr / 2) {
				late.tp += s.tp;
				late.fp += s.fp;
				late.fn += s.fn;
			}
			if (each)
				each(c, m, aggr);
			assert_int_equal(dr_aggregation_done(c), 0);
			assert_true(c->nr <= c->attrs.max_nr_regions);
			aggr++;
		}
		if (ev & DR_EV_UPDATE_DUE)
			assert_int_equal(dr_update(c, model_vmas, 5), 0);
	}
	st->nr_aggr = aggr;
	st->late_precision = late.tp ? (double)late.tp / (late.tp + late.fp) : 0;
	st->late_recall = late.tp ? (double)late.tp / (late.tp + late.fn) : 0;
}

static void test_init_regions_split_to_min_nr_regions(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 10, 1000 };
	uint64_t total = 0;
	struct dr_ctx c;

	(void)state;
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 1), 0);
	assert_int_equal(dr_init_regions(&c, model_vmas, 5), 0);
	/* three regions: [0x400000,0x1600000) 18 MiB, libc+mmap 12 MiB, stack 1 MiB = 31 MiB;
	 * piece size 31/10 MiB: 5 + 3 + 0->1 pieces */
	assert_int_equal(c.nr, 9);
	assert_int_equal(c.r[0].start, 0x400000);
	assert_int_equal(c.r[4].end, 0x1600000);
	assert_int_equal(c.r[5].start, 0x7f0000000000);
	assert_int_equal(c.r[7].end, 0x7f0000c00000);
	assert_int_equal(c.r[8].start, 0x7ffff0000000);
	for (size_t i = 0; i < c.nr; i++)
		total += c.r[i].end - c.r[i].start;
	assert_int_equal(total, 31ULL << 20);
	assert_int_equal(c.sz_limit, (31ULL << 20) / 10);
	dr_ctx_release(&c);
}

struct pattern {
	const int *acc;
	int i;
};

static int pattern_prepare(void *priv, const uint64_t *addrs, size_t n)
{
	(void)priv;
	(void)addrs;
	(void)n;
	return 0;
}

static int pattern_check(void *priv, const uint64_t *addrs, size_t n, uint8_t *accessed)
{
	struct pattern *pt = priv;

	(void)addrs;
	for (size_t i = 0; i < n; i++)
		accessed[i] = pt->acc[pt->i];
	pt->i++;
	return 0;
}

/* mm/damon/tests/core-kunit.h damon_test_moving_sum, through the engine's per-sample update */
static void test_moving_sum_follows_kunit_vector(void **state)
{
	static const int acc[] = { 1, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
	static const uint32_t expect[] = { 55000, 50000, 55000, 50000, 45000, 40000, 45000,
					   40000, 35000, 30000 };
	struct dr_attrs a = { 10000, 100000, 10000000, 3, 1000 };	/* window of 10 samples */
	struct pattern pt = { acc, 0 };
	struct dr_prim p = { &pt, pattern_prepare, pattern_check };
	struct dr_ctx c;

	(void)state;
	assert_int_equal(dr_ctx_init(&c, &a, 1, 1), 0);
	assert_int_equal(dr_add_region(&c, 0, 100), 0);
	c.r[0].last_nr_accesses = 5;
	c.r[0].nr_accesses_bp = 50000;
	for (int i = 0; i < 10; i++) {
		unsigned int ev;

		assert_int_equal(dr_sample_prepare(&c, &p), 0);
		assert_int_equal(dr_sample_check(&c, &p, &ev), 0);
		assert_int_equal(c.r[0].nr_accesses_bp, expect[i]);
		assert_int_equal(ev & DR_EV_AGGREGATED, i == 9 ? DR_EV_AGGREGATED : 0);
	}
	assert_int_equal(c.r[0].nr_accesses, 3);
	assert_int_equal(c.max_nr_accesses, 3);
	/* at the boundary the sum is reset to the window's count */
	dr_reset_aggregated(&c);
	assert_int_equal(c.r[0].nr_accesses, 0);
	assert_int_equal(c.r[0].last_nr_accesses, 3);
	assert_int_equal(c.r[0].nr_accesses_bp, 30000);
	dr_ctx_release(&c);
}

static void test_events_come_at_aggregation_and_update_intervals(void **state)
{
	static const int acc[64];
	/* aggregate every 4 samples, update every 10 */
	struct dr_attrs a = { 5000, 20000, 50000, 3, 1000 };
	struct pattern pt = { acc, 0 };
	struct dr_prim p = { &pt, pattern_prepare, pattern_check };
	struct dr_ctx c;
	int nr_aggr = 0, nr_upd = 0;

	(void)state;
	assert_int_equal(dr_ctx_init(&c, &a, 1, 1), 0);
	assert_int_equal(dr_add_region(&c, 0, 1000), 0);
	for (int i = 1; i <= 40; i++) {
		unsigned int ev;

		assert_int_equal(dr_sample_prepare(&c, &p), 0);
		assert_int_equal(dr_sample_check(&c, &p, &ev), 0);
		assert_int_equal(!!(ev & DR_EV_AGGREGATED), i % 4 == 0);
		assert_int_equal(!!(ev & DR_EV_UPDATE_DUE), i % 10 == 0);
		if (ev & DR_EV_AGGREGATED) {
			nr_aggr++;
			assert_int_equal(dr_aggregation_done(&c), 0);
		}
		nr_upd += !!(ev & DR_EV_UPDATE_DUE);
		pt.i = 0;
	}
	assert_int_equal(nr_aggr, 10);
	assert_int_equal(nr_upd, 4);
	dr_ctx_release(&c);
}

static const struct dr_region *region_at(const struct dr_ctx *c, uint64_t addr)
{
	for (size_t i = 0; i < c->nr; i++)
		if (addr >= c->r[i].start && addr < c->r[i].end)
			return &c->r[i];
	return NULL;
}

static void test_hot_range_is_isolated_within_bounded_aggregations(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 10, 1000 };

	(void)state;
	for (uint64_t seed = 1; seed <= 8; seed++) {
		struct model m = { .hot = hot_in_range, .hot_range = { 0x800000, 0x900000 } };
		struct run_stats st;
		struct dr_ctx c;

		assert_int_equal(dr_ctx_init(&c, &a, PAGE, seed), 0);
		assert_int_equal(dr_init_regions(&c, model_vmas, 5), 0);
		drive(&c, &m, 100, &st, NULL);
		/* 1 MiB in 31 MiB: page-exact boundaries within 5 seconds of 100 ms windows */
		assert_true(st.first_isolated >= 0);
		assert_true(st.first_isolated <= 20);
		assert_true(st.late_precision >= 0.95);
		assert_true(st.late_recall >= 0.95);
		dr_ctx_release(&c);
	}
}

/* the same hot range reported when the engine sees nothing: a check that scoring can fail */
static int never(const struct model *m, uint64_t page)
{
	(void)m;
	(void)page;
	return 0;
}

static void test_scoring_fails_without_accesses(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 10, 1000 };
	struct model m = { .hot = never, .hot_range = { 0x800000, 0x900000 } };
	struct run_stats st;
	struct dr_ctx c;

	(void)state;
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 3), 0);
	assert_int_equal(dr_init_regions(&c, model_vmas, 5), 0);
	drive(&c, &m, 20, &st, NULL);
	assert_int_equal(st.first_isolated, -1);
	assert_true(st.late_recall < 0.5);
	dr_ctx_release(&c);
}

/* many access rates: page p is accessed when a hash of (p, tick) falls under a per-MiB rate */
static int noisy(const struct model *m, uint64_t page)
{
	uint64_t h = (page >> 12) * 0x9e3779b97f4a7c15ULL ^ m->tick * 0xbf58476d1ce4e5b9ULL;
	unsigned int rate = (unsigned int)((page >> 20) * 37 % 100);

	h ^= h >> 29;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 32;
	return h % 100 < rate;
}

static void test_region_count_stays_within_min_and_max(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 10, 30 };

	(void)state;
	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct model m = { .hot = noisy, .hot_range = { 0, 0 } };
		struct run_stats st;
		struct dr_ctx c;

		assert_int_equal(dr_ctx_init(&c, &a, PAGE, seed), 0);
		assert_int_equal(dr_init_regions(&c, model_vmas, 5), 0);
		/* warm-up: the initial pieces are larger than the size cap */
		drive(&c, &m, 3, &st, NULL);
		drive(&c, &m, 80, &st, NULL);
		assert_true(st.min_nr >= 10);
		assert_true(st.max_nr <= 30);
		assert_true(st.max_nr > 10);		/* the noise did make it adapt */
		dr_ctx_release(&c);
	}
}

static struct {
	uint32_t hot_nr, hot_age, cold_age, new_nr, new_age, old_nr;
} seen;

static void look_at_ranges(struct dr_ctx *c, struct model *m, int aggr)
{
	/* the middles of the first and the second hot range, and the idle stack */
	const struct dr_region *h = region_at(c, 0x880000);
	const struct dr_region *n = region_at(c, 0x7f0000680000);
	const struct dr_region *s = region_at(c, 0x7ffff0080000);

	(void)m;
	(void)aggr;
	seen.hot_nr = h->nr_accesses;
	seen.hot_age = h->age;
	seen.cold_age = s->age;
	seen.new_nr = n->nr_accesses;
	seen.new_age = n->age;
	seen.old_nr = h->nr_accesses;
}

static void test_age_grows_on_stable_ranges_and_resets_on_change(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 10, 1000 };
	struct model m = { .hot = hot_in_range, .hot_range = { 0x800000, 0x900000 } };
	struct run_stats st;
	struct dr_ctx c;

	(void)state;
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 7), 0);
	assert_int_equal(dr_init_regions(&c, model_vmas, 5), 0);
	drive(&c, &m, 60, &st, look_at_ranges);
	assert_int_equal(seen.hot_nr, 20);
	assert_true(seen.hot_age >= 20);
	assert_true(seen.cold_age >= 20);
	/* the hot range moves into the 8 MiB mapping */
	m.hot_range.start = 0x7f0000600000;
	m.hot_range.end = 0x7f0000700000;
	drive(&c, &m, 1, &st, look_at_ranges);
	assert_true(seen.new_nr >= 10);
	assert_int_equal(seen.new_age, 0);
	assert_true(seen.old_nr <= 2);
	drive(&c, &m, 30, &st, look_at_ranges);
	assert_int_equal(seen.new_nr, 20);
	assert_true(seen.new_age >= 10);
	dr_ctx_release(&c);
}

static void test_update_follows_a_changed_map(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 10, 1000 };
	struct dr_range vmas[5];
	struct dr_ctx c;

	(void)state;
	memcpy(vmas, model_vmas, sizeof(vmas));
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 1), 0);
	assert_int_equal(dr_init_regions(&c, vmas, 5), 0);
	vmas[1].end = 0x2600000;		/* the heap grows by 16 MiB */
	vmas[4].start = 0x7fffefff0000;		/* the stack by 64 KiB */
	assert_int_equal(dr_update(&c, vmas, 5), 0);
	assert_int_equal(c.r[0].start, 0x400000);
	assert_int_equal(region_at(&c, 0x25ff000) != NULL, 1);
	assert_int_equal(region_at(&c, 0x2600000) == NULL, 1);
	assert_int_equal(region_at(&c, 0x7fffefff0000) != NULL, 1);
	assert_int_equal(c.sz_limit, (47ULL << 20) / 10 + (64ULL << 10) / 10);
	dr_ctx_release(&c);
}

static void test_no_regions_until_three_areas_exist(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 10, 1000 };
	struct dr_ctx c;

	(void)state;
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 1), 0);
	assert_int_equal(dr_init_regions(&c, model_vmas, 2), -EINVAL);
	assert_int_equal(c.nr, 0);
	assert_int_equal(dr_update(&c, model_vmas, 2), 0);
	assert_int_equal(c.nr, 0);
	assert_int_equal(dr_update(&c, model_vmas, 5), 0);
	assert_int_equal(c.nr, 3);		/* set_regions adds them whole */
	dr_ctx_release(&c);
}

static void test_bad_attributes_are_refused(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 10, 1000 };
	struct dr_ctx c;

	(void)state;
	a.min_nr_regions = 2;
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 1), -EINVAL);
	a.min_nr_regions = 100;
	a.max_nr_regions = 50;
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 1), -EINVAL);
	a.max_nr_regions = 1000;
	a.sample_us = 200000;
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 1), -EINVAL);
	a.sample_us = 0;
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_regions_drop_the_two_largest_gaps),
		cmocka_unit_test(test_three_regions_need_three_areas),
		cmocka_unit_test(test_three_regions_round_up_to_pages),
		cmocka_unit_test(test_monitor_ranges_cut_wide_gaps),
		cmocka_unit_test(test_split_evenly_kunit_vectors),
		cmocka_unit_test(test_split_at_keeps_left_and_inherits_right),
		cmocka_unit_test(test_merge_two_weights_by_size),
		cmocka_unit_test(test_merge_regions_of_kunit_vector),
		cmocka_unit_test(test_merge_respects_size_limit),
		cmocka_unit_test(test_age_rules_of_a_merge_pass),
		cmocka_unit_test(test_merge_doubles_threshold_down_to_max),
		cmocka_unit_test(test_split_regions_of_bounded_pieces),
		cmocka_unit_test(test_split_pieces_are_page_aligned_and_10_to_90_percent),
		cmocka_unit_test(test_split_is_skipped_above_half_of_max),
		cmocka_unit_test(test_set_regions_fills_holes),
		cmocka_unit_test(test_apply_three_regions_kunit_vectors),
		cmocka_unit_test(test_set_regions_keeps_statistics_of_survivors),
		cmocka_unit_test(test_init_regions_split_to_min_nr_regions),
		cmocka_unit_test(test_moving_sum_follows_kunit_vector),
		cmocka_unit_test(test_events_come_at_aggregation_and_update_intervals),
		cmocka_unit_test(test_hot_range_is_isolated_within_bounded_aggregations),
		cmocka_unit_test(test_scoring_fails_without_accesses),
		cmocka_unit_test(test_region_count_stays_within_min_and_max),
		cmocka_unit_test(test_age_grows_on_stable_ranges_and_resets_on_change),
		cmocka_unit_test(test_update_follows_a_changed_map),
		cmocka_unit_test(test_no_regions_until_three_areas_exist),
		cmocka_unit_test(test_bad_attributes_are_refused),
	};

	return cmocka_run_group_tests_name("record/regions", tests, NULL, NULL);
}
