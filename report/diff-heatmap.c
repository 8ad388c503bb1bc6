// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof diff -o DIFF.png" (diff-heatmap.h). Each recording gets report/heatmap.c's folded
 * matrix; the common axis stacks one block per mapping label in either, as high as the larger
 * side's rows for it, and each side's rows of that label are stretched over the block. Columns
 * are each recording's own time (both from start to end), so the difference panel subtracts
 * the same share of each run.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/diff-heatmap.h"
#include "report/heatmap.h"
#include "viz/axis.h"
#include "viz/canvas.h"
#include "viz/colormap.h"
#include "viz/font.h"

#define INK	VIZ_RGB(0x202020)
#define PAPER	VIZ_RGB(0xffffff)
#define SOFT	VIZ_RGB(0x707070)
#define HATCH	VIZ_RGB(0xcccccc)

#define PANEL_W 320		/* time columns of each panel */
#define MATRIX_H 480		/* rows of each side's matrix */
#define MAX_PLOT_H 600		/* rows of the common axis drawn at most */
#define LEFT 132		/* label column */
#define GAP 28			/* between panels */
#define TOP 56
#define BOTTOM 64
#define RIGHT 110		/* colour bar and its labels */

/* One mapping label on the common axis: its block of rows, and each side's rows of it. */
struct block {
	char label[48];
	unsigned row, nr_rows;	/* on the common axis, row 0 the lowest address */
	unsigned side_rows[2];
};

struct axis {
	struct block *b;
	size_t nr;
	unsigned rows;
	int *map[2];		/* per common row: the side's matrix row, or -1 */
};

static struct block *block_of(struct axis *a, const char *label)
{
	struct block *b;

	for (size_t i = 0; i < a->nr; i++)
		if (!strcmp(a->b[i].label, label))
			return &a->b[i];
	b = realloc(a->b, (a->nr + 1) * sizeof(*b));
	if (!b)
		return NULL;
	a->b = b;
	b += a->nr++;
	memset(b, 0, sizeof(*b));
	snprintf(b->label, sizeof(b->label), "%s", label);
	return b;
}

/* The side's k-th row (of @n) of @label's ranges, in address order. */
static int side_row(const struct heatmap *h, const char *label, unsigned k)
{
	for (size_t i = 0; i < h->nr_ranges; i++) {
		const struct heatmap_range *r = &h->ranges[i];

		if (strcmp(r->label, label))
			continue;
		if (k < r->nr_rows)
			return (int)(r->row + k);
		k -= r->nr_rows;
	}
	return -1;
}

static int make_axis(struct axis *a, struct heatmap *const h[2])
{
	unsigned row = 0;

	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < h[s]->nr_ranges; i++) {
			struct block *b = block_of(a, h[s]->ranges[i].label);

			if (!b)
				return -ENOMEM;
			b->side_rows[s] += h[s]->ranges[i].nr_rows;
		}
	for (size_t i = 0; i < a->nr; i++) {
		struct block *b = &a->b[i];

		b->row = row;
		b->nr_rows = b->side_rows[0] > b->side_rows[1] ? b->side_rows[0] : b->side_rows[1];
		row += b->nr_rows;
	}
	a->rows = row;
	for (int s = 0; s < 2; s++) {
		a->map[s] = malloc((row ? row : 1) * sizeof(*a->map[s]));
		if (!a->map[s])
			return -ENOMEM;
		for (size_t i = 0; i < a->nr; i++) {
			const struct block *b = &a->b[i];

			for (unsigned o = 0; o < b->nr_rows; o++)
				a->map[s][b->row + o] = b->side_rows[s] ?
					side_row(h[s], b->label,
						 (unsigned)((uint64_t)o * b->side_rows[s] / b->nr_rows)) :
					-1;
		}
	}
	return 0;
}

static double cell(const struct heatmap *h, const int *map, unsigned col, unsigned row)
{
	return map[row] < 0 ? NAN : heatmap_value(h, col, (unsigned)map[row]);
}

struct plot {
	int y0, ph;		/* plot rows [y0, y0 + ph), top to bottom */
	double vmax, dmax;
};

/* The common row drawn at pixel row @y of the plot. */
static unsigned row_at(const struct axis *a, const struct plot *p, int y)
{
	return (unsigned)((uint64_t)(p->ph - 1 - y) * a->rows / (unsigned)p->ph);
}

static void draw_panel(struct viz_canvas *c, int x0, const struct axis *a, const struct plot *p,
		       struct heatmap *const h[2], int which, const struct viz_colormap *cm)
{
	for (int y = 0; y < p->ph; y++) {
		unsigned r = row_at(a, p, y);

		for (int x = 0; x < PANEL_W; x++) {
			double vo = cell(h[0], a->map[0], (unsigned)x, r);
			double vn = cell(h[1], a->map[1], (unsigned)x, r);
			double v = which == 0 ? vo : which == 1 ? vn : NAN, t;

			if (which == 2 && (isfinite(vo) || isfinite(vn)))
				v = (isfinite(vn) ? vn : 0) - (isfinite(vo) ? vo : 0);
			if (!isfinite(v)) {
				viz_canvas_put(c, x0 + x, p->y0 + y, ((x + y) / 3) % 2 ? HATCH : PAPER);
				continue;
			}
			t = which == 2 ? 0.5 + (p->dmax > 0 ? v / (2 * p->dmax) : 0) :
			    p->vmax > 0 ? v / p->vmax : 0;
			viz_canvas_put(c, x0 + x, p->y0 + y, viz_colormap_at(cm, t));
		}
	}
	viz_canvas_rect(c, x0 - 1, p->y0 - 1, PANEL_W + 2, p->ph + 2, INK);
}

/* Rules between the label blocks across every panel, and the labels left of the first. */
static void draw_blocks(struct viz_canvas *c, const struct axis *a, const struct plot *p)
{
	char fit[64];

	for (size_t i = 0; i < a->nr; i++) {
		const struct block *b = &a->b[i];
		/* the pixel rows of the block: row_at() inverted */
		int top = p->ph - 1 - (int)((uint64_t)(b->row + b->nr_rows) * (unsigned)p->ph / a->rows);
		int bottom = p->ph - 1 - (int)((uint64_t)b->row * (unsigned)p->ph / a->rows);
		int mid = p->y0 + (top + bottom) / 2;

		if (i)
			for (int k = 0; k < 3; k++)
				viz_canvas_fill(c, LEFT + k * (PANEL_W + GAP), p->y0 + bottom, PANEL_W, 1,
						PAPER);
		if (bottom - top >= 9)
			viz_text_aligned(c, LEFT - 6, mid - 4,
					 viz_text_fit(fit, sizeof(fit), b->label, LEFT - 12, 1),
					 b->side_rows[0] && b->side_rows[1] ? INK : SOFT, 1,
					 VIZ_ALIGN_RIGHT, VIZ_ALIGN_LEFT);
	}
}

static void draw_axes(struct viz_canvas *c, struct heatmap *const h[2], const struct plot *p,
		      const char *unit)
{
	static const char *const names[3] = { "old", "new", "new - old" };
	struct viz_ticks t;
	char line[160], fit[160];

	for (int k = 0; k < 3; k++) {
		int x0 = LEFT + k * (PANEL_W + GAP);
		const struct heatmap *hm = h[k == 2 ? 1 : k];
		double span = (double)(hm->t_end_ns - hm->t_start_ns);

		viz_text_aligned(c, x0 + PANEL_W / 2, p->y0 - 16, names[k], INK, 1, VIZ_ALIGN_CENTER,
				 VIZ_ALIGN_LEFT);
		if (span > 0 && !viz_ticks_fit(&t, 0, span, PANEL_W, 0, VIZ_UNIT_TIME)) {
			viz_axis_x(c, x0, x0 + PANEL_W - 1, p->y0 + p->ph, 0, span, &t, INK);
			snprintf(line, sizeof(line), "time (%s)", t.unit);
			viz_text_aligned(c, x0 + PANEL_W / 2, p->y0 + p->ph + 24, line, INK, 1,
					 VIZ_ALIGN_CENTER, VIZ_ALIGN_LEFT);
		}
	}
	snprintf(line, sizeof(line), "middle colour: no change; brighter: hotter (ends +/-%.3g %s)",
		 p->dmax, unit);
	viz_text(c, LEFT + 2 * (PANEL_W + GAP), p->y0 + p->ph + 42,
		 viz_text_fit(fit, sizeof(fit), line, PANEL_W + RIGHT - 8, 1), SOFT, 1);
}

static int build_side(struct heatmap **h, struct session *s)
{
	struct heatmap_opts o = HEATMAP_OPTS_INIT;

	o.width = PANEL_W;
	o.height = MATRIX_H;
	o.min_rows = 12;
	return heatmap_build_session(h, s, &o);
}

int diff_heatmap_render(struct diff_png *out, struct session *old, struct session *new,
			const char *old_name, const char *new_name)
{
	struct heatmap *h[2] = { NULL, NULL };
	struct axis a = { 0 };
	struct plot p = { .y0 = TOP };
	struct viz_colormap cm;
	struct viz_ticks t;
	const char *unit;
	char fit[600];
	int ret, w, bar_x;

	memset(out, 0, sizeof(*out));
	ret = build_side(&h[0], old);
	if (!ret)
		ret = build_side(&h[1], new);
	if (!ret)
		ret = make_axis(&a, h);
	if (ret || !a.rows) {
		ret = ret ? ret : -ENODATA;
		goto out;
	}
	unit = h[0]->hz && h[1]->hz ? "Hz" : "accesses";
	p.ph = a.rows < MAX_PLOT_H ? (int)a.rows : MAX_PLOT_H;
	for (unsigned r = 0; r < a.rows; r++)
		for (unsigned x = 0; x < PANEL_W; x++) {
			double vo = cell(h[0], a.map[0], x, r), vn = cell(h[1], a.map[1], x, r);

			p.vmax = isfinite(vo) && vo > p.vmax ? vo : p.vmax;
			p.vmax = isfinite(vn) && vn > p.vmax ? vn : p.vmax;
			if (isfinite(vo) || isfinite(vn)) {
				double d = fabs((isfinite(vn) ? vn : 0) - (isfinite(vo) ? vo : 0));

				p.dmax = d > p.dmax ? d : p.dmax;
			}
		}
	w = LEFT + 3 * PANEL_W + 2 * GAP + RIGHT;
	ret = viz_canvas_new(&out->canvas, w, TOP + p.ph + BOTTOM, PAPER);
	if (ret)
		goto out;
	viz_colormap_init(&cm, VIZ_CMAP_VIRIDIS);
	for (int k = 0; k < 3; k++)
		draw_panel(out->canvas, LEFT + k * (PANEL_W + GAP), &a, &p, h, k, &cm);
	draw_blocks(out->canvas, &a, &p);
	draw_axes(out->canvas, h, &p, unit);
	bar_x = LEFT + 3 * PANEL_W + 2 * GAP + 14;
	if (p.vmax > 0 && !viz_ticks_fit(&t, 0, p.vmax, p.ph, 1, VIZ_UNIT_NUMBER))
		viz_colorbar(out->canvas, bar_x, p.y0, 14, p.ph, &cm, 0, p.vmax, 0, &t, INK);
	viz_text(out->canvas, bar_x, p.y0 - 16, unit, INK, 1);
	snprintf(out->title, sizeof(out->title), "daprof diff: %s -> %s", old_name, new_name);
	viz_text(out->canvas, 8, 8, viz_text_fit(fit, sizeof(fit), out->title, w - 16, 1), INK, 1);
	for (size_t i = 0; i < a.nr; i++) {
		out->nr_labels++;
		out->nr_matched += a.b[i].side_rows[0] && a.b[i].side_rows[1];
	}
	out->text[0] = (struct viz_png_text){ "Title", out->title };
	out->text[1] = (struct viz_png_text){ "Software", "daprof diff" };
out:
	free(a.b);
	free(a.map[0]);
	free(a.map[1]);
	heatmap_free(h[0]);
	heatmap_free(h[1]);
	return ret;
}
