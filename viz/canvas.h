/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An RGB raster to draw figures on before they are written out as PNG: rectangles, lines
 * (anti-aliased for curves), and single pixels. Knows nothing of what is drawn.
 */
#ifndef VIZ_CANVAS_H
#define VIZ_CANVAS_H

#include <stddef.h>
#include <stdint.h>

struct viz_rgb {
	uint8_t r, g, b;
};

#define VIZ_RGB(hex) ((struct viz_rgb){ ((hex) >> 16) & 0xff, ((hex) >> 8) & 0xff, (hex) & 0xff })

struct viz_canvas {
	int width;
	int height;
	uint8_t *pix;	/* height rows of width RGB triplets, top row first */
	size_t mapped;	/* pix is an mmap() of this length (large canvases), or 0: malloc() */
};

#define VIZ_CANVAS_MAX_SIDE 16384	/* larger images are refused (-EINVAL) */

/*
 * viz_canvas_new() - allocate a @width x @height canvas filled with @bg.
 * Return: 0, -EINVAL for a size outside 1..VIZ_CANVAS_MAX_SIDE, -ENOMEM.
 */
int viz_canvas_new(struct viz_canvas **out, int width, int height, struct viz_rgb bg);
void viz_canvas_free(struct viz_canvas *c);

/* viz_canvas_put() - set one pixel; coordinates outside the canvas are ignored. */
static inline void viz_canvas_put(struct viz_canvas *c, int x, int y, struct viz_rgb col)
{
	uint8_t *p;

	if (x < 0 || y < 0 || x >= c->width || y >= c->height)
		return;
	p = c->pix + ((size_t)y * c->width + x) * 3;
	p[0] = col.r;
	p[1] = col.g;
	p[2] = col.b;
}

/*
 * viz_canvas_put_row() - set @n pixels of row @y from (@x, @y) rightwards to @cols; what falls
 * outside the canvas is ignored. For images made pixel by pixel (a heat map's cells).
 */
void viz_canvas_put_row(struct viz_canvas *c, int x, int y, const struct viz_rgb *cols, int n);
/* viz_canvas_get() - one pixel; black outside the canvas. */
struct viz_rgb viz_canvas_get(const struct viz_canvas *c, int x, int y);
/* viz_canvas_blend() - mix @col into a pixel with opacity @alpha (0..1). */
void viz_canvas_blend(struct viz_canvas *c, int x, int y, struct viz_rgb col, double alpha);
/* viz_canvas_fill() - fill the rectangle [x, x+w) x [y, y+h), clipped to the canvas. */
void viz_canvas_fill(struct viz_canvas *c, int x, int y, int w, int h, struct viz_rgb col);
/* viz_canvas_rect() - a one-pixel outline of the rectangle [x, x+w) x [y, y+h). */
void viz_canvas_rect(struct viz_canvas *c, int x, int y, int w, int h, struct viz_rgb col);
/*
 * viz_canvas_line() - an anti-aliased line of @width pixels (1 or more) from (@x0, @y0) to
 * (@x1, @y1), in pixel-centre coordinates (the centre of pixel (3, 4) is (3.0, 4.0)).
 */
void viz_canvas_line(struct viz_canvas *c, double x0, double y0, double x1, double y1,
		     double width, struct viz_rgb col);
/* viz_canvas_hatch() - light diagonal hatching of a rectangle (marks "no data" areas). */
void viz_canvas_hatch(struct viz_canvas *c, int x, int y, int w, int h, struct viz_rgb bg,
		      struct viz_rgb ink, int spacing);

#endif /* VIZ_CANVAS_H */
