// SPDX-License-Identifier: GPL-2.0
/*
 * report/diff-stats: the median and the Mann-Whitney U test against values worked out apart
 * from the code: exact p-values by enumerating every arrangement of the two samples (Python,
 * itertools.combinations: C(6,3) = 20, C(8,4) = 70, C(10,5) = 252, C(16,8) = 12870), which agree
 * with the printed tables (m = n = 8: the two-sided 5 % critical value is U = 13), and a tied
 * sample by the normal approximation computed by hand below.
 */
#include <math.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report/diff-stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_median_of_odd_and_even_counts(void **state)
{
	const double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 };

	(void)state;
	assert_float_equal(diff_median(odd, N(odd)), 3, 0);
	assert_float_equal(diff_median(even, N(even)), 2.5, 0);
	assert_float_equal(diff_median(odd, 0), 0, 0);
	assert_float_equal(diff_median(odd, 1), 5, 0);
}

static void test_exact_p_of_separated_samples(void **state)
{
	const double a3[] = { 1, 2, 3 }, b3[] = { 4, 5, 6 };
	const double a4[] = { 1, 2, 3, 4 }, b4[] = { 5, 6, 7, 8 };
	double u;
	int exact;

	(void)state;
	/* U = 0: 1 arrangement of 20 in each tail */
	assert_float_equal(diff_mann_whitney(a3, 3, b3, 3, &u, &exact, NULL), 0.1, 1e-12);
	assert_float_equal(u, 0, 0);
	assert_int_equal(exact, 1);
	/* 2 of 70 */
	assert_float_equal(diff_mann_whitney(a4, 4, b4, 4, &u, &exact, NULL), 2.0 / 70, 1e-12);
	/* the other way round: U = 16, the same p */
	assert_float_equal(diff_mann_whitney(b4, 4, a4, 4, &u, NULL, NULL), 2.0 / 70, 1e-12);
	assert_float_equal(u, 16, 0);
}

static void test_exact_p_of_interleaved_samples(void **state)
{
	const double a[] = { 1, 2, 3, 4, 7 }, b[] = { 5, 6, 8, 9, 10 };
	double u;

	(void)state;
	/* U = 2 (7 beats 5 and 6): P(U <= 2) = 4 / 252, two-sided 8 / 252 */
	assert_float_equal(diff_mann_whitney(a, 5, b, 5, &u, NULL, NULL), 8.0 / 252, 1e-12);
	assert_float_equal(u, 2, 0);
}

static void test_exact_p_at_the_table_critical_value(void **state)
{
	/* ranks 1..16; a's ranks give U = 13 (p = 642 / 12870) and U = 14 (p = 836 / 12870) */
	const double a13[] = { 1, 2, 3, 4, 5, 6, 12, 16 }, b13[] = { 7, 8, 9, 10, 11, 13, 14, 15 };
	const double a14[] = { 1, 2, 3, 4, 5, 7, 12, 16 }, b14[] = { 6, 8, 9, 10, 11, 13, 14, 15 };
	struct diff_mw_cache c = DIFF_MW_CACHE_INIT;
	double u, p;

	(void)state;
	p = diff_mann_whitney(a13, 8, b13, 8, &u, NULL, &c);
	assert_float_equal(u, 13, 0);
	assert_float_equal(p, 0.049883449883449886, 1e-12);
	assert_true(p < 0.05);
	/* the cache of sizes 8 and 8 serves the second test */
	p = diff_mann_whitney(a14, 8, b14, 8, &u, NULL, &c);
	assert_float_equal(u, 14, 0);
	assert_float_equal(p, 0.06495726495726496, 1e-12);
	assert_true(p > 0.05);
	assert_int_equal(c.m, 8);
	diff_mw_cache_release(&c);
}

static void test_ties_use_the_corrected_normal_approximation(void **state)
{
	const double a[] = { 1, 2, 2, 3 }, b[] = { 2, 3, 4, 5 };
	double u;
	int exact;

	(void)state;
	/*
	 * Mid-ranks: 1 -> 1, the three 2s -> 3, the two 3s -> 5.5; a's rank sum 12.5, U = 2.5,
	 * mean 8. Ties: (27 - 3) + (8 - 2) = 30; variance 16 / 12 x (9 - 30 / 56) = 11.2857;
	 * z = (5.5 - 0.5) / 3.35942 = 1.48835; p = erfc(z / sqrt 2) = 0.136658.
	 */
	assert_float_equal(diff_mann_whitney(a, 4, b, 4, &u, &exact, NULL), 0.13665824773814753,
			   1e-9);
	assert_float_equal(u, 2.5, 0);
	assert_int_equal(exact, 0);
}

static void test_no_evidence_gives_p_one(void **state)
{
	const double same[] = { 4, 4, 4 }, one[] = { 1 };

	(void)state;
	assert_float_equal(diff_mann_whitney(same, 3, same, 3, NULL, NULL, NULL), 1, 0);
	assert_float_equal(diff_mann_whitney(one, 0, same, 3, NULL, NULL, NULL), 1, 0);
	/* U at its mean: p = 1 exactly */
	{
		const double a[] = { 1, 4 }, b[] = { 2, 3 };

		assert_float_equal(diff_mann_whitney(a, 2, b, 2, NULL, NULL, NULL), 1, 0);
	}
}

static void test_large_samples_use_the_normal_approximation(void **state)
{
	double a[30], b[30], u;
	int exact;

	(void)state;
	for (int i = 0; i < 30; i++) {
		a[i] = 2 * i;		/* even ranks */
		b[i] = 2 * i + 1;	/* odd: b is ahead by one step each time */
	}
	/* 900 pairs: past DIFF_MW_EXACT_PAIRS. U of a = sum over i of i = 435, mean 450,
	 * variance 900 x 61 / 12 = 4575: z = 14.5 / 67.6387 = 0.214374, p = 0.830255 */
	assert_float_equal(diff_mann_whitney(a, 30, b, 30, &u, &exact, NULL), 0.8302553, 1e-6);
	assert_float_equal(u, 435, 0);
	assert_int_equal(exact, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median_of_odd_and_even_counts),
		cmocka_unit_test(test_exact_p_of_separated_samples),
		cmocka_unit_test(test_exact_p_of_interleaved_samples),
		cmocka_unit_test(test_exact_p_at_the_table_critical_value),
		cmocka_unit_test(test_ties_use_the_corrected_normal_approximation),
		cmocka_unit_test(test_no_evidence_gives_p_one),
		cmocka_unit_test(test_large_samples_use_the_normal_approximation),
	};

	return cmocka_run_group_tests_name("report/diff-stats", tests, NULL, NULL);
}
