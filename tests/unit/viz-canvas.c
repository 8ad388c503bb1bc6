// SPDX-License-Identifier: GPL-2.0
/*
 * viz/canvas: fills clip to the canvas, lines cover their end points and are anti-aliased at
 * their edges, blending mixes by opacity.
 */
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "viz/canvas.h"

#define WHITE ((struct viz_rgb){ 255, 255, 255 })
#define BLACK ((struct viz_rgb){ 0, 0, 0 })

static int is(struct viz_rgb a, struct viz_rgb b)
{
	return a.r == b.r && a.g == b.g && a.b == b.b;
}

static void test_fill_clips_to_the_canvas(void **state)
{
	struct viz_canvas *c;
	int n = 0;

	(void)state;
	assert_int_equal(viz_canvas_new(&c, 10, 8, WHITE), 0);
	viz_canvas_fill(c, -5, 6, 8, 100, BLACK);	/* covers x 0..2, y 6..7 */
	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 10; x++)
			n += is(viz_canvas_get(c, x, y), BLACK);
	assert_int_equal(n, 3 * 2);
	assert_true(is(viz_canvas_get(c, 2, 7), BLACK));
	assert_true(is(viz_canvas_get(c, 3, 7), WHITE));
	viz_canvas_put(c, 10, 0, BLACK);	/* outside: ignored */
	assert_true(is(viz_canvas_get(c, -1, 0), BLACK));	/* outside reads black */
	viz_canvas_free(c);
}

static void test_blend_mixes_by_opacity(void **state)
{
	struct viz_canvas *c;

	(void)state;
	assert_int_equal(viz_canvas_new(&c, 2, 2, WHITE), 0);
	viz_canvas_blend(c, 0, 0, BLACK, 0.5);
	assert_int_equal(viz_canvas_get(c, 0, 0).r, 128);	/* 255 - 127.5, rounded */
	viz_canvas_blend(c, 1, 1, BLACK, 0);
	assert_int_equal(viz_canvas_get(c, 1, 1).r, 255);
	viz_canvas_blend(c, 1, 0, BLACK, 7);
	assert_int_equal(viz_canvas_get(c, 1, 0).r, 0);
	viz_canvas_free(c);
}

static void test_lines_cover_their_ends_and_fade_at_the_edges(void **state)
{
	struct viz_canvas *c;

	(void)state;
	assert_int_equal(viz_canvas_new(&c, 20, 20, WHITE), 0);
	viz_canvas_line(c, 2, 10, 17, 10, 1, BLACK);	/* horizontal, on pixel centres */
	for (int x = 2; x <= 17; x++)
		assert_true(is(viz_canvas_get(c, x, 10), BLACK));
	assert_true(is(viz_canvas_get(c, 10, 8), WHITE));
	viz_canvas_line(c, 2, 2, 12, 7, 1, BLACK);	/* a slope: partly covered neighbours */
	assert_int_equal(viz_canvas_get(c, 2, 2).r, 0);
	assert_int_equal(viz_canvas_get(c, 12, 7).r, 0);
	{
		struct viz_rgb p = viz_canvas_get(c, 7, 5);	/* the line passes y = 4.5 here */

		assert_true(p.r > 0 && p.r < 255);
	}
	viz_canvas_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_clips_to_the_canvas),
		cmocka_unit_test(test_blend_mixes_by_opacity),
		cmocka_unit_test(test_lines_cover_their_ends_and_fade_at_the_edges),
	};

	return cmocka_run_group_tests_name("viz/canvas", tests, NULL, NULL);
}
