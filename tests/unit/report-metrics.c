// SPDX-License-Identifier: GPL-2.0
/*
 * report/metrics and the WSS metrics made by report/wss.c: lookup by name, units, and values
 * against numbers worked out independently (Python's int(p / 100 * n), damo's nearest rank,
 * over the sorted values, as damo report wss does), including the floating-point case where
 * int(0.29 * 100) is 28, not 29.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "report/metrics.h"
#include "report/wss.h"

#define PAGE 4096ULL

static void test_registry_finds_by_name_and_sets_again(void **state)
{
	struct metrics ms = METRICS_INIT;
	char long_name[64];

	assert_int_equal(metrics_add_u64(&ms, "a.b", 7, METRIC_COUNT, "seven"), 0);
	assert_int_equal(metrics_add_double(&ms, "a.c", 2.5, METRIC_BYTES, "two and a half"), 0);
	assert_int_equal(metrics_add_u64(&ms, "a.b", 8, METRIC_COUNT, "eight"), 0);
	assert_int_equal(ms.nr, 2);
	assert_int_equal(metrics_find(&ms, "a.b")->u64, 8);
	assert_true(metrics_find(&ms, "a.b")->integral);
	assert_string_equal(metrics_find(&ms, "a.b")->description, "eight");
	assert_true(metrics_find(&ms, "a.c")->value == 2.5);
	assert_false(metrics_find(&ms, "a.c")->integral);
	assert_string_equal(metric_unit_name(metrics_find(&ms, "a.c")->unit), "bytes");
	assert_null(metrics_find(&ms, "a"));
	assert_null(metrics_find(&ms, "a.bb"));
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	assert_int_equal(metrics_add_u64(&ms, long_name, 1, METRIC_COUNT, ""), -EINVAL);
	/* many metrics: the array grows */
	for (int i = 0; i < 300; i++) {
		char name[40];

		metrics_percentile_name(name, sizeof(name), "x", i);
		assert_int_equal(metrics_add_u64(&ms, name, i, METRIC_COUNT, ""), 0);
	}
	assert_int_equal(metrics_find(&ms, "x.p299")->u64, 299);
	metrics_release(&ms);
	assert_int_equal(ms.nr, 0);
}

static void test_format_for_people(void **state)
{
	struct metric m = { .unit = METRIC_BYTES, .integral = 1, .u64 = 3 << 20 };
	char buf[64];

	assert_string_equal(metric_format(buf, sizeof(buf), &m), "3 MiB");
	m = (struct metric){ .unit = METRIC_BYTES, .value = 1536.4 };
	assert_string_equal(metric_format(buf, sizeof(buf), &m), "1.5 KiB");
	m = (struct metric){ .unit = METRIC_BYTES, .value = -5 };
	assert_string_equal(metric_format(buf, sizeof(buf), &m), "0 B");
	m = (struct metric){ .unit = METRIC_SECONDS, .value = 2.5 };
	assert_string_equal(metric_format(buf, sizeof(buf), &m), "2.5 s");
	m = (struct metric){ .unit = METRIC_HZ, .value = 24.2424 };
	assert_string_equal(metric_format(buf, sizeof(buf), &m), "24.2 Hz");
	m = (struct metric){ .unit = METRIC_BYTE_SECONDS, .value = 2048 };
	assert_string_equal(metric_format(buf, sizeof(buf), &m), "2 KiB-s");
	m = (struct metric){ .unit = METRIC_RATIO, .value = 0.25 };
	assert_string_equal(metric_format(buf, sizeof(buf), &m), "25%");
	m = (struct metric){ .unit = METRIC_COUNT, .integral = 1, .u64 = 42 };
	assert_string_equal(metric_format(buf, sizeof(buf), &m), "42");
	assert_string_equal(metric_unit_name(METRIC_HZ), "Hz");
	assert_string_equal(metric_unit_name(METRIC_BYTE_SECONDS), "byte-seconds");
	assert_string_equal(metric_unit_name((enum metric_unit)99), "?");
}

static void test_percentile_names(void **state)
{
	char name[40];

	assert_string_equal(metrics_percentile_name(name, sizeof(name), "wss", 50), "wss.p50");
	assert_string_equal(metrics_percentile_name(name, sizeof(name), "wss", 99.9), "wss.p99.9");
	assert_string_equal(metrics_percentile_name(name, sizeof(name), "wss", 0.5), "wss.p0.5");
	/* two close percentiles get two names */
	assert_string_equal(metrics_percentile_name(name, sizeof(name), "wss", 12.3456781),
			    "wss.p12.3456781");
}

static void test_wss_metrics_are_damos_nearest_rank(void **state)
{
	/* 100 snapshots, a shuffle of 1..100 pages; the k-th smallest is k + 1 pages */
	static const struct { double p; uint64_t pages; } want[] = {
		{ 0, 1 }, { 1, 2 }, { 25, 26 }, { 29, 29 }, { 50, 51 }, { 57, 57 }, { 90, 91 },
		{ 99, 100 }, { 99.9, 100 }, { 100, 100 },
	};
	const double asked[] = { 99.9 };
	uint64_t bytes[100], times[100];
	struct wss_series s = { .target = 3, .skipped = 4, .n = 100, .bytes = bytes,
				.time_ns = times };
	struct wss_stats st;
	char name[40];

	for (int i = 0; i < 100; i++) {
		bytes[i] = (uint64_t)(i * 37 % 100 + 1) * PAGE;
		times[i] = i;
	}
	assert_int_equal(wss_stats_make(&st, &s, asked, 1), 0);
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		const struct metric *m = metrics_find(&st.metrics,
						      metrics_percentile_name(name, sizeof(name),
									      "wss", want[k].p));

		assert_non_null(m);
		assert_int_equal(m->u64, want[k].pages * PAGE);
		assert_int_equal(m->unit, METRIC_BYTES);
		assert_int_equal(wss_stats_percentile(&st, want[k].p), want[k].pages * PAGE);
	}
	/* every whole percentile is there, without being asked */
	for (int p = 0; p <= 100; p++)
		assert_non_null(metrics_find(&st.metrics,
					     metrics_percentile_name(name, sizeof(name), "wss", p)));
	assert_null(metrics_find(&st.metrics, "wss.p101"));
	assert_null(metrics_find(&st.metrics, "wss.p12.5"));	/* not asked */
	assert_true(wss_stats_get(&st, "wss.mean") == 50.5 * PAGE);
	assert_int_equal(metrics_find(&st.metrics, "wss.max")->u64, 100 * PAGE);
	assert_int_equal(metrics_find(&st.metrics, "wss.min")->u64, 1 * PAGE);
	assert_int_equal(metrics_find(&st.metrics, "wss.snapshots")->u64, 100);
	assert_int_equal(metrics_find(&st.metrics, "wss.snapshots")->unit, METRIC_COUNT);
	assert_int_equal(metrics_find(&st.metrics, "wss.skipped")->u64, 4);
	wss_stats_release(&st);
}

static void test_wss_metrics_of_three_and_of_none(void **state)
{
	uint64_t bytes[] = { 5, 1, 9 }, times[3] = { 0 };
	struct wss_series s = { .n = 3, .bytes = bytes, .time_ns = times };
	struct wss_series empty = { .n = 0 };
	struct wss_stats st;

	assert_int_equal(wss_stats_make(&st, &s, NULL, 0), 0);
	/* int(0.33 * 3) = 0, int(0.34 * 3) = 1, int(0.66 * 3) = 1, int(0.67 * 3) = 2 */
	assert_int_equal(wss_stats_percentile(&st, 33), 1);
	assert_int_equal(wss_stats_percentile(&st, 34), 5);
	assert_int_equal(wss_stats_percentile(&st, 66), 5);
	assert_int_equal(wss_stats_percentile(&st, 67), 9);
	assert_true(wss_stats_get(&st, "wss.mean") == 5);
	assert_int_equal(bytes[0], 5);	/* the series itself is not sorted */
	wss_stats_release(&st);
	assert_int_equal(wss_stats_make(&st, &empty, NULL, 0), 0);
	assert_int_equal(wss_stats_percentile(&st, 50), 0);
	assert_true(wss_stats_get(&st, "wss.mean") == 0);
	assert_int_equal(metrics_find(&st.metrics, "wss.snapshots")->u64, 0);
	wss_stats_release(&st);
}

/* One set of metrics per series, each its own. */
static void test_wss_metrics_per_series(void **state)
{
	uint64_t a[] = { 1, 2, 3, 4 }, b[] = { 40, 10 }, t[4] = { 0 };
	struct wss_series series[2] = {
		{ .target = 0, .n = 4, .bytes = a, .time_ns = t },
		{ .target = 5, .n = 2, .bytes = b, .time_ns = t },
	};
	struct wss w = { .nr_series = 2, .series = series };
	struct wss_stats *st;

	assert_int_equal(wss_stats_all(&st, &w, NULL, 0), 0);
	assert_ptr_equal(st[1].s, &series[1]);
	assert_int_equal(wss_stats_percentile(&st[0], 50), 3);	/* int(0.5 * 4) = 2 */
	assert_int_equal(wss_stats_percentile(&st[1], 50), 40);	/* int(0.5 * 2) = 1 */
	assert_true(wss_stats_get(&st[0], "wss.mean") == 2.5);
	assert_true(wss_stats_get(&st[1], "wss.mean") == 25);
	assert_true(wss_stats_get(&st[1], "wss.nothing") == 0);
	wss_stats_free(st, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_finds_by_name_and_sets_again),
		cmocka_unit_test(test_percentile_names),
		cmocka_unit_test(test_format_for_people),
		cmocka_unit_test(test_wss_metrics_are_damos_nearest_rank),
		cmocka_unit_test(test_wss_metrics_of_three_and_of_none),
		cmocka_unit_test(test_wss_metrics_per_series),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
