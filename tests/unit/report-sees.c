// SPDX-License-Identifier: GPL-2.0
/*
 * report/sees: the kind of a recorded primitive_sees value, its rank for "check", and which kinds
 * carry a caveat, record's advice and a weighted working set. The words themselves are tested
 * where they are printed (t0230).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "report/sees.h"

static void test_kinds_of_recorded_values(void **state)
{
	(void)state;
	assert_int_equal(sees_kind("writes, page"), SEES_WRITES);
	assert_int_equal(sees_kind("writes only"), SEES_WRITES);	/* older recordings */
	assert_int_equal(sees_kind("reads+writes, page"), SEES_PAGES);
	assert_int_equal(sees_kind("reads+writes, sampled page (kernel DAMON)"), SEES_PAGES);
	assert_int_equal(sees_kind("reads+writes, mapping"), SEES_MAPPINGS);
	assert_int_equal(sees_kind("reads+writes, mapping; writes, page"), SEES_MIXED);
	assert_int_equal(sees_kind(NULL), SEES_UNKNOWN);
	assert_int_equal(sees_kind(""), SEES_UNKNOWN);
	assert_int_equal(sees_kind("something else"), SEES_UNKNOWN);
}

static void test_rank_by_what_is_seen(void **state)
{
	(void)state;
	assert_true(sees_rank(SEES_PAGES) < sees_rank(SEES_MIXED));
	assert_true(sees_rank(SEES_MIXED) < sees_rank(SEES_MAPPINGS));
	assert_true(sees_rank(SEES_MAPPINGS) < sees_rank(SEES_WRITES));
	assert_true(sees_rank(SEES_WRITES) < sees_rank(SEES_UNKNOWN));
}

static void test_caveats_advice_and_weighting(void **state)
{
	char buf[512];

	(void)state;
	assert_null(sees_caveat(SEES_PAGES));
	assert_null(sees_caveat(SEES_UNKNOWN));
	assert_non_null(sees_caveat(SEES_WRITES));
	assert_non_null(sees_caveat(SEES_MAPPINGS));
	assert_non_null(sees_caveat(SEES_MIXED));
	assert_null(sees_advice(buf, sizeof(buf), SEES_PAGES, 0));
	assert_non_null(strstr(sees_advice(buf, sizeof(buf), SEES_WRITES, 0), "--primitive refs"));
	assert_non_null(strstr(sees_advice(buf, sizeof(buf), SEES_WRITES, 1), "--backend damon"));
	assert_true(sees_weighted(SEES_MAPPINGS) && sees_weighted(SEES_MIXED));
	assert_false(sees_weighted(SEES_PAGES) || sees_weighted(SEES_WRITES));
	assert_string_equal(sees_wss_label(SEES_PAGES), "working set");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_of_recorded_values),
		cmocka_unit_test(test_rank_by_what_is_seen),
		cmocka_unit_test(test_caveats_advice_and_weighting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
