// SPDX-License-Identifier: GPL-2.0
/*
 * viz/font: every printable ASCII character has its own glyph inside the 5x11 drawing area of
 * the 6x13 cell, text is drawn pixel for pixel at 1x and as solid blocks at 2x, characters
 * outside ASCII become '?', and long labels are cut with "..".
 */
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "viz/canvas.h"
#include "viz/font.h"

static int ink_bits(const uint8_t *g)
{
	int n = 0;

	for (int r = 0; r < VIZ_FONT_H; r++)
		n += __builtin_popcount(g[r]);
	return n;
}

static void test_every_printable_character_has_a_glyph_with_ink(void **state)
{
	(void)state;
	for (int ch = 0x20; ch <= 0x7e; ch++) {
		const uint8_t *g = viz_font_glyph(ch);

		assert_non_null(g);
		if (ch == ' ')
			assert_int_equal(ink_bits(g), 0);
		else
			assert_true(ink_bits(g) >= 2);
	}
	assert_null(viz_font_glyph(0x1f));
	assert_null(viz_font_glyph(0x7f));
	assert_null(viz_font_glyph(0xe9));
}

static void test_glyphs_stay_inside_their_cell(void **state)
{
	(void)state;
	for (int ch = 0x20; ch <= 0x7e; ch++) {
		const uint8_t *g = viz_font_glyph(ch);

		/* rows 0-1 are headroom, and the sixth column is the gap between characters */
		assert_int_equal(g[0], 0);
		assert_int_equal(g[1], 0);
		for (int r = 0; r < VIZ_FONT_H; r++)
			assert_int_equal(g[r] & 0x07, 0);
	}
}

static void test_no_two_characters_look_the_same(void **state)
{
	(void)state;
	for (int a = 0x20; a <= 0x7e; a++)
		for (int b = a + 1; b <= 0x7e; b++)
			assert_memory_not_equal(viz_font_glyph(a), viz_font_glyph(b), VIZ_FONT_H);
}

static void test_digits_and_capitals_share_a_baseline(void **state)
{
	(void)state;
	/* ink on the last capital row, none below it (no descenders) */
	for (const char *p = "0123456789ABCDEHKLMNORSTUXZ"; *p; p++) {
		const uint8_t *g = viz_font_glyph(*p);

		assert_true(g[VIZ_FONT_BASE] != 0);
		assert_int_equal(g[VIZ_FONT_BASE + 1], 0);
		assert_int_equal(g[VIZ_FONT_BASE + 2], 0);
		assert_true(g[VIZ_FONT_CAP_TOP] != 0);
	}
	/* descenders reach below it */
	for (const char *p = "gjpqy"; *p; p++)
		assert_true(viz_font_glyph(*p)[VIZ_FONT_BASE + 2] != 0);
}

static int count_ink(const struct viz_canvas *c, struct viz_rgb ink)
{
	int n = 0;

	for (int y = 0; y < c->height; y++)
		for (int x = 0; x < c->width; x++) {
			struct viz_rgb p = viz_canvas_get(c, x, y);

			n += !memcmp(&p, &ink, sizeof(p));
		}
	return n;
}

static void test_text_is_drawn_pixel_for_pixel_and_doubles_at_2x(void **state)
{
	const struct viz_rgb white = { 255, 255, 255 }, red = { 200, 0, 0 };
	const uint8_t *g = viz_font_glyph('A');
	struct viz_canvas *c;

	(void)state;
	assert_int_equal(viz_canvas_new(&c, 40, 40, white), 0);
	assert_int_equal(viz_text(c, 3, 4, "A", red, 1), VIZ_FONT_W);
	assert_int_equal(count_ink(c, red), ink_bits(g));
	for (int r = 0; r < VIZ_FONT_H; r++)
		for (int b = 0; b < VIZ_FONT_W; b++) {
			struct viz_rgb p = viz_canvas_get(c, 3 + b, 4 + r);

			assert_int_equal(p.g == 0, !!(g[r] & (0x80 >> b)));
		}
	viz_canvas_fill(c, 0, 0, 40, 40, white);
	assert_int_equal(viz_text(c, 0, 0, "A", red, 2), 2 * VIZ_FONT_W);
	assert_int_equal(count_ink(c, red), 4 * ink_bits(g));
	viz_canvas_free(c);
}

static void test_text_outside_ascii_is_a_question_mark(void **state)
{
	const struct viz_rgb white = { 255, 255, 255 }, ink = { 0, 0, 0 };
	struct viz_canvas *c;

	(void)state;
	assert_int_equal(viz_canvas_new(&c, 20, 20, white), 0);
	viz_text(c, 0, 0, "\xe9", ink, 1);
	assert_int_equal(count_ink(c, ink), ink_bits(viz_font_glyph('?')));
	viz_canvas_free(c);
}

static void test_text_width_and_cutting(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(viz_text_width("heap", 1), 4 * VIZ_FONT_W);
	assert_int_equal(viz_text_width("heap", 2), 8 * VIZ_FONT_W);
	assert_string_equal(viz_text_fit(buf, sizeof(buf), "libc.so.6", 9 * VIZ_FONT_W, 1),
			    "libc.so.6");
	assert_string_equal(viz_text_fit(buf, sizeof(buf), "libc.so.6", 6 * VIZ_FONT_W, 1),
			    "libc..");
	assert_string_equal(viz_text_fit(buf, 5, "libc.so.6", 100 * VIZ_FONT_W, 1), "li..");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_printable_character_has_a_glyph_with_ink),
		cmocka_unit_test(test_glyphs_stay_inside_their_cell),
		cmocka_unit_test(test_no_two_characters_look_the_same),
		cmocka_unit_test(test_digits_and_capitals_share_a_baseline),
		cmocka_unit_test(test_text_is_drawn_pixel_for_pixel_and_doubles_at_2x),
		cmocka_unit_test(test_text_outside_ascii_is_a_question_mark),
		cmocka_unit_test(test_text_width_and_cutting),
	};

	return cmocka_run_group_tests_name("viz/font", tests, NULL, NULL);
}
