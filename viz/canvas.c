// SPDX-License-Identifier: GPL-2.0
/*
 * The RGB raster that every figure is drawn on. Lines are anti-aliased by the distance of each
 * pixel centre to the segment, which keeps time series and CDF curves smooth at any slope.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "viz/canvas.h"

int viz_canvas_new(struct viz_canvas **out, int width, int height, struct viz_rgb bg)
{
	struct viz_canvas *c;
	size_t n;

	if (width < 1 || height < 1 || width > VIZ_CANVAS_MAX_SIDE || height > VIZ_CANVAS_MAX_SIDE)
		return -EINVAL;
	c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	n = (size_t)width * height;
	c->mapped = 0;
	if (n * 3 >= (1u << 20)) {
		/* prefaulted in one go: page by page was a tenth of drawing a heat map */
		c->pix = mmap(NULL, n * 3, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (c->pix == MAP_FAILED)
			c->pix = NULL;
		else
			c->mapped = n * 3;
	} else {
		c->pix = malloc(n * 3);
	}
	if (!c->pix) {
		free(c);
		return -ENOMEM;
	}
	c->width = width;
	c->height = height;
	if (bg.r == bg.g && bg.g == bg.b) {
		memset(c->pix, bg.r, n * 3);
	} else {
		for (size_t i = 0; i < n; i++) {
			c->pix[i * 3] = bg.r;
			c->pix[i * 3 + 1] = bg.g;
			c->pix[i * 3 + 2] = bg.b;
		}
	}
	*out = c;
	return 0;
}

void viz_canvas_free(struct viz_canvas *c)
{
	if (!c)
		return;
	if (c->mapped)
		munmap(c->pix, c->mapped);
	else
		free(c->pix);
	free(c);
}

struct viz_rgb viz_canvas_get(const struct viz_canvas *c, int x, int y)
{
	const uint8_t *p;

	if (x < 0 || y < 0 || x >= c->width || y >= c->height)
		return (struct viz_rgb){ 0, 0, 0 };
	p = c->pix + ((size_t)y * c->width + x) * 3;
	return (struct viz_rgb){ p[0], p[1], p[2] };
}

void viz_canvas_blend(struct viz_canvas *c, int x, int y, struct viz_rgb col, double alpha)
{
	uint8_t *p;

	if (x < 0 || y < 0 || x >= c->width || y >= c->height || !(alpha > 0))
		return;
	if (alpha > 1)
		alpha = 1;
	p = c->pix + ((size_t)y * c->width + x) * 3;
	p[0] = (uint8_t)lrint(p[0] + (col.r - p[0]) * alpha);
	p[1] = (uint8_t)lrint(p[1] + (col.g - p[1]) * alpha);
	p[2] = (uint8_t)lrint(p[2] + (col.b - p[2]) * alpha);
}

void viz_canvas_put_row(struct viz_canvas *c, int x, int y, const struct viz_rgb *cols, int n)
{
	uint8_t *p;

	if (y < 0 || y >= c->height || n <= 0 || x >= c->width || x + n <= 0)
		return;
	if (x < 0) {
		cols -= x;
		n += x;
		x = 0;
	}
	if (n > c->width - x)
		n = c->width - x;
	p = c->pix + ((size_t)y * c->width + x) * 3;
	for (int i = 0; i < n; i++, p += 3) {
		p[0] = cols[i].r;
		p[1] = cols[i].g;
		p[2] = cols[i].b;
	}
}

void viz_canvas_fill(struct viz_canvas *c, int x, int y, int w, int h, struct viz_rgb col)
{
	int x1 = x + w, y1 = y + h;

	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x1 > c->width)
		x1 = c->width;
	if (y1 > c->height)
		y1 = c->height;
	for (int j = y; j < y1; j++)
		for (int i = x; i < x1; i++)
			viz_canvas_put(c, i, j, col);
}

void viz_canvas_rect(struct viz_canvas *c, int x, int y, int w, int h, struct viz_rgb col)
{
	viz_canvas_fill(c, x, y, w, 1, col);
	viz_canvas_fill(c, x, y + h - 1, w, 1, col);
	viz_canvas_fill(c, x, y, 1, h, col);
	viz_canvas_fill(c, x + w - 1, y, 1, h, col);
}

/* Distance from (px, py) to the segment (x0, y0)-(x1, y1). */
static double seg_dist(double px, double py, double x0, double y0, double x1, double y1)
{
	double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy, t = 0;

	if (len2 > 0) {
		t = ((px - x0) * dx + (py - y0) * dy) / len2;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
	}
	dx = x0 + t * dx - px;
	dy = y0 + t * dy - py;
	return sqrt(dx * dx + dy * dy);
}

void viz_canvas_line(struct viz_canvas *c, double x0, double y0, double x1, double y1,
		     double width, struct viz_rgb col)
{
	double half = (width < 1 ? 1 : width) / 2, reach = half + 1;
	int steep = fabs(y1 - y0) > fabs(x1 - x0);
	double a0 = steep ? y0 : x0, a1 = steep ? y1 : x1;	/* major axis */
	double b0 = steep ? x0 : y0, b1 = steep ? x1 : y1;	/* minor axis */
	double slope, span;
	long lo, hi;

	/* far outside any canvas (and beyond what long holds): nothing to draw */
	if (!(fabs(x0) < 1e7 && fabs(y0) < 1e7 && fabs(x1) < 1e7 && fabs(y1) < 1e7))
		return;
	if (a0 > a1) {
		double t = a0;

		a0 = a1;
		a1 = t;
		t = b0;
		b0 = b1;
		b1 = t;
	}
	slope = a1 > a0 ? (b1 - b0) / (a1 - a0) : 0;
	/* a pixel column across the line is at most reach * sqrt(1 + slope^2) wide */
	span = reach * sqrt(1 + slope * slope) + 1;
	lo = lround(floor(a0 - reach));
	hi = lround(ceil(a1 + reach));
	if (lo < -1)
		lo = -1;
	if (hi > (steep ? c->height : c->width))
		hi = steep ? c->height : c->width;
	for (long a = lo; a <= hi; a++) {
		double ac = a < a0 ? a0 : a > a1 ? a1 : a;
		double bc = b0 + (ac - a0) * slope;

		for (long b = lround(floor(bc - span)); b <= lround(ceil(bc + span)); b++) {
			double px = steep ? b : a, py = steep ? a : b;
			double cover = half + 0.5 - seg_dist(px, py, x0, y0, x1, y1);

			if (cover > 0)
				viz_canvas_blend(c, (int)px, (int)py, col, cover > 1 ? 1 : cover);
		}
	}
}

void viz_canvas_hatch(struct viz_canvas *c, int x, int y, int w, int h, struct viz_rgb bg,
		      struct viz_rgb ink, int spacing)
{
	if (spacing < 2)
		spacing = 2;
	for (int j = y; j < y + h; j++)
		for (int i = x; i < x + w; i++)
			viz_canvas_put(c, i, j, ((i + j) % spacing) ? bg : ink);
}
