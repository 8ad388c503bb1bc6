// SPDX-License-Identifier: GPL-2.0
/*
 * viz/axis: 1-2-5 steps, the unit an axis is labelled in (bytes KiB..TiB, times ms..h), tick
 * positions and labels, log ticks, and the short forms of sizes and times.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "viz/axis.h"
#include "viz/font.h"

/* cmocka compares floats in single precision; these are doubles */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static void test_nice_step_is_1_2_or_5_times_a_power_of_ten(void **state)
{
	(void)state;
	assert_near(viz_nice_step(10, 5), 2, 1e-12);
	assert_near(viz_nice_step(10, 10), 1, 1e-12);
	assert_near(viz_nice_step(7, 10), 1, 1e-12);
	assert_near(viz_nice_step(0.73, 5), 0.2, 1e-12);
	assert_near(viz_nice_step(1234, 4), 500, 1e-9);
	assert_near(viz_nice_step(90, 3), 50, 1e-9);
	assert_near(viz_nice_step(0, 5), 0, 0);
	assert_near(viz_nice_step(NAN, 5), 0, 0);
}

static void test_byte_axis_reads_in_the_largest_unit(void **state)
{
	struct viz_ticks t;

	(void)state;
	assert_int_equal(viz_ticks_linear(&t, 0, 3.0 * (1 << 30), 6, VIZ_UNIT_BYTES), 0);
	assert_string_equal(t.unit, "GiB");
	assert_near(t.unit_size, 1 << 30, 0);
	assert_int_equal(t.n, 7);	/* 0, 0.5, ..., 3.0 GiB */
	assert_string_equal(t.label[0], "0.0");
	assert_string_equal(t.label[1], "0.5");
	assert_string_equal(t.label[6], "3.0");
	assert_near(t.value[1], 512.0 * (1 << 20), 1e-3);

	assert_int_equal(viz_ticks_linear(&t, 0, 800.0 * (1 << 20), 4, VIZ_UNIT_BYTES), 0);
	assert_string_equal(t.unit, "MiB");
	assert_int_equal(t.n, 5);	/* 0 200 400 600 800 */
	assert_string_equal(t.label[4], "800");

	assert_int_equal(viz_ticks_linear(&t, 0, 2.0 * (1ULL << 40), 4, VIZ_UNIT_BYTES), 0);
	assert_string_equal(t.unit, "TiB");
	assert_int_equal(viz_ticks_linear(&t, 0, 5000, 5, VIZ_UNIT_BYTES), 0);
	assert_string_equal(t.unit, "KiB");
	assert_int_equal(viz_ticks_linear(&t, 0, 600, 6, VIZ_UNIT_BYTES), 0);
	assert_string_equal(t.unit, "B");
	assert_string_equal(t.label[1], "100");
}

static void test_time_axis_reads_in_ms_s_min_or_h(void **state)
{
	struct viz_ticks t;

	(void)state;
	assert_int_equal(viz_ticks_linear(&t, 0, 500e6, 5, VIZ_UNIT_TIME), 0);
	assert_string_equal(t.unit, "ms");
	assert_string_equal(t.label[1], "100");
	assert_int_equal(viz_ticks_linear(&t, 0, 90e9, 5, VIZ_UNIT_TIME), 0);
	assert_string_equal(t.unit, "s");
	assert_int_equal(t.n, 5);	/* 0 20 40 60 80 */
	assert_string_equal(t.label[4], "80");
	assert_int_equal(viz_ticks_linear(&t, 0, 30 * 60e9, 6, VIZ_UNIT_TIME), 0);
	assert_string_equal(t.unit, "min");
	assert_string_equal(t.label[1], "5");
	assert_int_equal(viz_ticks_linear(&t, 0, 5 * 3600e9, 5, VIZ_UNIT_TIME), 0);
	assert_string_equal(t.unit, "h");
	assert_string_equal(t.label[5], "5");
}

static void test_ticks_start_at_the_first_multiple_inside_the_range(void **state)
{
	struct viz_ticks t;

	(void)state;
	assert_int_equal(viz_ticks_linear(&t, 3, 17, 5, VIZ_UNIT_NUMBER), 0);
	assert_near(t.step, 5, 1e-12);
	assert_int_equal(t.n, 3);
	assert_near(t.value[0], 5, 1e-12);
	assert_near(t.value[2], 15, 1e-12);
	assert_int_equal(viz_ticks_linear(&t, -1, 1, 4, VIZ_UNIT_NUMBER), 0);
	for (int i = 0; i < t.n; i++)
		assert_true(strcmp(t.label[i], "-0.0") && strcmp(t.label[i], "-0"));
	assert_int_equal(viz_ticks_linear(&t, 5, 5, 4, VIZ_UNIT_NUMBER), -EINVAL);
	assert_int_equal(viz_ticks_linear(&t, 0, INFINITY, 4, VIZ_UNIT_NUMBER), -EINVAL);
}

static void test_log_ticks_are_decades_or_1_2_5(void **state)
{
	struct viz_ticks t;

	(void)state;
	assert_int_equal(viz_ticks_log(&t, 0.05, 200, 10), 0);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.label[0], "0.1");
	assert_string_equal(t.label[3], "100");
	assert_int_equal(viz_ticks_log(&t, 1, 50, 10), 0);
	assert_int_equal(t.n, 6);	/* 1 2 5 10 20 50 */
	assert_string_equal(t.label[2], "5");
	assert_string_equal(t.label[5], "50");
	assert_int_equal(viz_ticks_log(&t, 0, 50, 10), -EINVAL);
}

static void test_fitted_labels_do_not_touch(void **state)
{
	struct viz_ticks t;
	int len = 400;

	(void)state;
	assert_int_equal(viz_ticks_fit(&t, 0, 1e12, len, 0, VIZ_UNIT_TIME), 0);
	assert_true(t.n >= 2);
	for (int i = 1; i < t.n; i++) {
		double gap = (t.value[i] - t.value[i - 1]) / 1e12 * len;
		int wl = viz_text_width(t.label[i - 1], 1), wr = viz_text_width(t.label[i], 1);

		assert_true(gap > (wl + wr) / 2.0);
	}
	assert_int_equal(viz_ticks_fit(&t, 0, 100, 120, 1, VIZ_UNIT_NUMBER), 0);
	assert_true((t.value[1] - t.value[0]) / 100 * 120 >= VIZ_FONT_H);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nice_step_is_1_2_or_5_times_a_power_of_ten),
		cmocka_unit_test(test_byte_axis_reads_in_the_largest_unit),
		cmocka_unit_test(test_time_axis_reads_in_ms_s_min_or_h),
		cmocka_unit_test(test_ticks_start_at_the_first_multiple_inside_the_range),
		cmocka_unit_test(test_log_ticks_are_decades_or_1_2_5),
		cmocka_unit_test(test_fitted_labels_do_not_touch),
	};

	return cmocka_run_group_tests_name("viz/axis", tests, NULL, NULL);
}
