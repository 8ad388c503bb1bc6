// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of dr_set_attrs() (record/regions.c): the region engine's intervals and region
 * bounds changed while monitoring, as the kernel's damon_set_attrs() changes them (the overhead
 * controller and the intervals goal do so between windows). Apart from tests/unit/record-regions.c,
 * which holds the engine's other vectors and would pass 1,000 lines with these.
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

/*
 * damon_test_update_monitoring_result() (the kernel's core KUnit tests), through dr_set_attrs()
 * at an aggregation boundary: the kernel's vectors convert from the same old attributes each time.
 */
static void test_set_attrs_kunit_vectors(void **state)
{
	const struct dr_attrs old = { 10, 1000, 1000000, 10, 1000 };
	const struct dr_attrs news[3] = {
		{ 100, 10000, 1000000, 10, 1000 },
		{ 1, 1000, 1000000, 10, 1000 },
		{ 1, 100, 1000000, 10, 1000 },
	};
	const uint32_t nr[3] = { 15, 150, 150 }, age[3] = { 2, 2, 20 };
	struct dr_ctx c;

	(void)state;
	assert_int_equal(dr_ctx_init(&c, &old, 1, 1), 0);
	assert_int_equal(dr_add_region(&c, 3, 7), 0);
	c.r[0].nr_accesses = 15;
	c.r[0].nr_accesses_bp = 150000;
	c.r[0].age = 20;
	for (int i = 0; i < 3; i++) {
		c.attrs = old;
		c.passed_sample_intervals = c.next_aggregation_sis;	/* not aggregating */
		assert_int_equal(dr_set_attrs(&c, &news[i]), 0);
		assert_int_equal(c.r[0].nr_accesses, nr[i]);
		assert_int_equal(c.r[0].nr_accesses_bp, nr[i] * 10000);
		assert_int_equal(c.r[0].age, age[i]);
	}
	dr_ctx_release(&c);
}

/*
 * In the middle of a window (the sampler changes the intervals right after a window ends): the
 * last window's count is converted, the new window starts now, and bad attributes change nothing.
 */
static void test_set_attrs_mid_window_restarts_it(void **state)
{
	struct dr_attrs a = { 5000, 100000, 1000000, 10, 1000 }, b = a;
	struct dr_ctx c;

	(void)state;
	assert_int_equal(dr_ctx_init(&c, &a, PAGE, 1), 0);
	assert_int_equal(dr_add_region(&c, 0, 16 * PAGE), 0);
	c.passed_sample_intervals = 25;		/* next aggregation at 20 + 20 = 40 */
	c.next_aggregation_sis = 40;
	c.r[0].last_nr_accesses = 15;		/* of 20 samples */
	c.r[0].nr_accesses = 3;
	c.r[0].age = 9;
	b.sample_us = 20000;			/* 5 samples a window */
	b.aggr_us = 100000;
	b.max_nr_regions = 100;
	assert_int_equal(dr_set_attrs(&c, &b), 0);
	assert_int_equal(c.r[0].last_nr_accesses, 3);	/* 7500 bp of 5 */
	assert_int_equal(c.r[0].nr_accesses_bp, 30000);
	assert_int_equal(c.r[0].nr_accesses, 0);
	assert_int_equal(c.r[0].age, 9);		/* same aggregation interval */
	assert_int_equal(c.next_aggregation_sis, 25 + 5);
	assert_int_equal(c.next_ops_update_sis, 25 + 50);
	assert_int_equal(c.attrs.max_nr_regions, 100);
	assert_int_equal(dr_max_nr_accesses(&c.attrs), 5);
	/* refused: min above max; nothing changes */
	b.min_nr_regions = 200;
	assert_int_equal(dr_set_attrs(&c, &b), -EINVAL);
	assert_int_equal(c.attrs.min_nr_regions, 10);
	assert_int_equal(c.r[0].last_nr_accesses, 3);
	dr_ctx_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_attrs_kunit_vectors),
		cmocka_unit_test(test_set_attrs_mid_window_restarts_it),
	};

	return cmocka_run_group_tests_name("record/regions: set_attrs", tests, NULL, NULL);
}
