// SPDX-License-Identifier: GPL-2.0
/*
 * viz/colormap: every map's lightness rises from end to end (measured here with the CIELAB
 * formula written out independently), the ends are far apart, gray is neutral, names resolve,
 * and lookups clamp.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "viz/colormap.h"

/* CIE L* of an sRGB colour (D65), from the standard's formulas. */
static double lightness(struct viz_rgb c)
{
	double ch[3] = { c.r / 255.0, c.g / 255.0, c.b / 255.0 }, y;

	for (int i = 0; i < 3; i++)
		ch[i] = ch[i] <= 0.04045 ? ch[i] / 12.92 : pow((ch[i] + 0.055) / 1.055, 2.4);
	y = 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
	return y > 0.008856 ? 116 * cbrt(y) - 16 : 903.3 * y;
}

static void test_every_map_gets_lighter_from_low_to_high(void **state)
{
	(void)state;
	for (int id = 0; id < VIZ_CMAP_NR; id++) {
		struct viz_colormap cm;
		double prev = -1;

		viz_colormap_init(&cm, id);
		/* 8-bit rounding may flatten neighbours; every 4th step must clearly rise */
		for (int i = 0; i < VIZ_CMAP_SIZE; i += 4) {
			double l = lightness(cm.lut[i]);

			assert_true(l > prev + 0.5);
			prev = l;
		}
		for (int i = 1; i < VIZ_CMAP_SIZE; i++)
			assert_true(lightness(cm.lut[i]) >= lightness(cm.lut[i - 1]) - 0.3);
	}
}

/* Machado, Oliveira and Fernandes (2009) dichromacy simulations, severity 1, linear RGB. */
static const double cvd[3][9] = {
	{ 0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216,
	  -0.003882, -0.048116, 1.051998 },	/* protanopia */
	{ 0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413,
	  -0.011820, 0.042940, 0.968881 },	/* deuteranopia */
	{ 1.255528, -0.076749, -0.178779, -0.078411, 0.930809, 0.147602,
	  0.004733, 0.691367, 0.303900 },	/* tritanopia */
};

static double cvd_lightness(struct viz_rgb c, const double *m)
{
	double in[3] = { c.r / 255.0, c.g / 255.0, c.b / 255.0 }, out[3], y;

	for (int i = 0; i < 3; i++)
		in[i] = in[i] <= 0.04045 ? in[i] / 12.92 : pow((in[i] + 0.055) / 1.055, 2.4);
	for (int i = 0; i < 3; i++) {
		out[i] = m[i * 3] * in[0] + m[i * 3 + 1] * in[1] + m[i * 3 + 2] * in[2];
		out[i] = out[i] < 0 ? 0 : out[i] > 1 ? 1 : out[i];
	}
	y = 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2];
	return y > 0.008856 ? 116 * cbrt(y) - 16 : 903.3 * y;
}

static void test_maps_stay_ordered_for_colour_blind_viewers(void **state)
{
	(void)state;
	for (int id = 0; id < VIZ_CMAP_NR; id++) {
		struct viz_colormap cm;

		viz_colormap_init(&cm, id);
		for (int k = 0; k < 3; k++) {
			double prev = -1;

			for (int i = 0; i < VIZ_CMAP_SIZE; i += 16) {
				double l = cvd_lightness(cm.lut[i], cvd[k]);

				assert_true(l > prev + 0.5);
				prev = l;
			}
		}
	}
}

static void test_ends_of_every_map_differ_strongly_in_lightness(void **state)
{
	(void)state;
	for (int id = 0; id < VIZ_CMAP_NR; id++) {
		struct viz_colormap cm;

		viz_colormap_init(&cm, id);
		assert_true(lightness(cm.lut[VIZ_CMAP_SIZE - 1]) - lightness(cm.lut[0]) > 70);
	}
}

static void test_lightness_steps_are_even(void **state)
{
	struct viz_colormap cm;
	double l0, l1, step;

	(void)state;
	viz_colormap_init(&cm, VIZ_CMAP_VIRIDIS);
	l0 = lightness(cm.lut[0]);
	l1 = lightness(cm.lut[VIZ_CMAP_SIZE - 1]);
	step = (l1 - l0) / 8;
	/* perceptually uniform: each eighth of the map adds the same lightness, within 1.5 L* */
	for (int k = 1; k <= 8; k++) {
		double l = lightness(cm.lut[k * (VIZ_CMAP_SIZE - 1) / 8]);

		assert_true(fabs(l - (l0 + k * step)) < 1.5);
	}
}

static void test_viridis_runs_from_violet_to_yellow(void **state)
{
	struct viz_colormap cm;
	struct viz_rgb lo, hi;

	(void)state;
	viz_colormap_init(&cm, VIZ_CMAP_VIRIDIS);
	lo = cm.lut[0];
	hi = cm.lut[VIZ_CMAP_SIZE - 1];
	assert_true(lo.b > lo.g && lo.r > lo.g);	/* dark blue-violet */
	assert_true(hi.r > 200 && hi.g > 200 && hi.b < 100);	/* yellow */
}

static void test_gray_is_neutral(void **state)
{
	struct viz_colormap cm;

	(void)state;
	viz_colormap_init(&cm, VIZ_CMAP_GRAY);
	for (int i = 0; i < VIZ_CMAP_SIZE; i++) {
		assert_true(abs(cm.lut[i].r - cm.lut[i].g) <= 1);
		assert_true(abs(cm.lut[i].g - cm.lut[i].b) <= 1);
	}
}

static void test_names_resolve_and_unknown_names_fail(void **state)
{
	struct viz_colormap cm;

	(void)state;
	assert_int_equal(viz_colormap_by_name(&cm, "viridis"), 0);
	assert_int_equal(cm.id, VIZ_CMAP_VIRIDIS);
	assert_int_equal(viz_colormap_by_name(&cm, "magma"), 0);
	assert_int_equal(cm.id, VIZ_CMAP_MAGMA);
	assert_int_equal(viz_colormap_by_name(&cm, "inferno"), 0);
	assert_int_equal(viz_colormap_by_name(&cm, "gray"), 0);
	assert_int_equal(cm.id, VIZ_CMAP_GRAY);
	assert_int_equal(viz_colormap_by_name(&cm, "jet"), -EINVAL);
}

static void test_lookup_clamps_and_maps_nan_to_the_low_end(void **state)
{
	struct viz_colormap cm;
	struct viz_rgb c;

	(void)state;
	viz_colormap_init(&cm, VIZ_CMAP_MAGMA);
	c = viz_colormap_at(&cm, -3);
	assert_memory_equal(&c, &cm.lut[0], sizeof(c));
	c = viz_colormap_at(&cm, NAN);
	assert_memory_equal(&c, &cm.lut[0], sizeof(c));
	c = viz_colormap_at(&cm, 7);
	assert_memory_equal(&c, &cm.lut[VIZ_CMAP_SIZE - 1], sizeof(c));
	c = viz_colormap_at(&cm, 0.5);
	assert_memory_equal(&c, &cm.lut[128], sizeof(c));	/* 0.5 * 255 rounds to 128 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_map_gets_lighter_from_low_to_high),
		cmocka_unit_test(test_maps_stay_ordered_for_colour_blind_viewers),
		cmocka_unit_test(test_ends_of_every_map_differ_strongly_in_lightness),
		cmocka_unit_test(test_lightness_steps_are_even),
		cmocka_unit_test(test_viridis_runs_from_violet_to_yellow),
		cmocka_unit_test(test_gray_is_neutral),
		cmocka_unit_test(test_names_resolve_and_unknown_names_fail),
		cmocka_unit_test(test_lookup_clamps_and_maps_nan_to_the_low_end),
	};

	return cmocka_run_group_tests_name("viz/colormap", tests, NULL, NULL);
}
