/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bitmap font drawn for daprof's figures: printable ASCII in a 6x13 cell (5 ink columns, caps
 * 9 rows high, 2 descender rows), drawn pixel for pixel so labels stay crisp at 1x and at any
 * integer scale (2x for titles). No anti-aliasing, no font files, no dependency.
 */
#ifndef VIZ_FONT_HDR
#define VIZ_FONT_HDR

#include <stddef.h>
#include <stdint.h>

#include "viz/canvas.h"

#define VIZ_FONT_W	6	/* advance per character at scale 1 */
#define VIZ_FONT_H	13	/* line height at scale 1 */
#define VIZ_FONT_CAP_TOP 2	/* first row of capital letters in the cell */
#define VIZ_FONT_BASE	10	/* last row of capital letters (the baseline is below it) */

enum viz_align {
	VIZ_ALIGN_LEFT,		/* x is the left edge (or y the top edge) */
	VIZ_ALIGN_CENTER,
	VIZ_ALIGN_RIGHT,	/* x is the right edge (or y the bottom edge) */
};

/*
 * viz_font_glyph() - the 13 rows of @ch, bit 7 of each byte the leftmost pixel.
 * Return: the glyph, or NULL for a character outside printable ASCII (drawn as '?').
 */
const uint8_t *viz_font_glyph(int ch);

/* viz_text_width() - width in pixels of @s at @scale (strlen(s) * VIZ_FONT_W * scale). */
int viz_text_width(const char *s, int scale);

/*
 * viz_text() - draw @s with its cell's top-left corner at (@x, @y). Characters outside
 * printable ASCII are drawn as '?'. Return: the width drawn.
 */
int viz_text(struct viz_canvas *c, int x, int y, const char *s, struct viz_rgb col, int scale);
/*
 * viz_text_aligned() - draw @s positioned by @h (relative to @x) and @v (relative to @y; CENTER
 * centres the capital letters on @y). Return: the left edge used.
 */
int viz_text_aligned(struct viz_canvas *c, int x, int y, const char *s, struct viz_rgb col,
		     int scale, enum viz_align h, enum viz_align v);
/* viz_text_up() - @s rotated a quarter turn counter-clockwise, centred on (@x, @y). */
void viz_text_up(struct viz_canvas *c, int x, int y, const char *s, struct viz_rgb col,
		 int scale);
/*
 * viz_text_fit() - copy @s into @buf (of @size bytes) cut to at most @max_px pixels wide at
 * @scale; a cut string ends in "..". Return: @buf.
 */
char *viz_text_fit(char *buf, size_t size, const char *s, int max_px, int scale);

#endif /* VIZ_FONT_HDR */
