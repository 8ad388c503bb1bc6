// SPDX-License-Identifier: GPL-2.0
/*
 * viz/term: colours go to the nearest xterm-256 entry (cube or gray ramp, never the themed
 * 0-15), and a cell's escape sequence sets that background with a readable foreground.
 */
#include <stdio.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "viz/term.h"

static void test_pure_colours_map_to_cube_corners(void **state)
{
	(void)state;
	/* 16 + 36 r + 6 g + b with levels 0..5 */
	assert_int_equal(viz_term_index((struct viz_rgb){ 255, 0, 0 }), 16 + 36 * 5);
	assert_int_equal(viz_term_index((struct viz_rgb){ 0, 255, 0 }), 16 + 6 * 5);
	assert_int_equal(viz_term_index((struct viz_rgb){ 0, 0, 255 }), 16 + 5);
	assert_int_equal(viz_term_index((struct viz_rgb){ 255, 255, 255 }), 231);
	assert_int_equal(viz_term_index((struct viz_rgb){ 0, 0, 0 }), 16);
	assert_int_equal(viz_term_index((struct viz_rgb){ 95, 135, 175 }), 16 + 36 + 12 + 3);
}

static void test_grays_use_the_gray_ramp(void **state)
{
	(void)state;
	/* ramp 232..255 is 8, 18, ..., 238 */
	assert_int_equal(viz_term_index((struct viz_rgb){ 128, 128, 128 }), 244);
	assert_int_equal(viz_term_index((struct viz_rgb){ 18, 18, 18 }), 233);
	assert_int_equal(viz_term_palette(255).r, 238);
	assert_int_equal(viz_term_palette(255).b, 238);
	assert_int_equal(viz_term_palette(232).g, 8);
}

static void test_every_colour_maps_inside_16_to_255(void **state)
{
	(void)state;
	for (int v = 0; v < 256; v += 5) {
		int i = viz_term_index((struct viz_rgb){ v, 255 - v, v / 2 });

		assert_true(i >= 16 && i <= 255);
	}
}

static void test_cell_sets_background_and_contrasting_text(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(viz_term_cell(buf, sizeof(buf), (struct viz_rgb){ 255, 255, 255 }),
			 (int)strlen("\033[48;5;231;38;5;16m"));
	assert_string_equal(buf, "\033[48;5;231;38;5;16m");
	viz_term_cell(buf, sizeof(buf), (struct viz_rgb){ 0, 0, 0 });
	assert_string_equal(buf, "\033[48;5;16;38;5;231m");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pure_colours_map_to_cube_corners),
		cmocka_unit_test(test_grays_use_the_gray_ramp),
		cmocka_unit_test(test_every_colour_maps_inside_16_to_255),
		cmocka_unit_test(test_cell_sets_background_and_contrasting_text),
	};

	return cmocka_run_group_tests_name("viz/term", tests, NULL, NULL);
}
