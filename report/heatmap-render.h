/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a heat map (heatmap.h) is drawn: the colour scale, the PNG layout and picture, terminal
 * cells and TSV rows. cmd/ chooses the view and writes the result; this composes it with viz/.
 */
#ifndef REPORT_HEATMAP_RENDER_H
#define REPORT_HEATMAP_RENDER_H

#include <stdio.h>

#include "report/heatmap.h"
#include "viz/colormap.h"
#include "viz/png.h"

struct session;
struct viz_canvas;

#define HEATMAP_ASCII_LABEL 20	/* terminal label column, including the space before the map */

/* What the command asked for. */
struct heatmap_view {
	const char *input;	/* the input as named on the command line (footer, TSV, tEXt) */
	const char *software;	/* "daprof 0.1.0", for the PNG's tEXt */
	int target;		/* the --target drawn, or -1 */
	int log;		/* log colour scale */
	int percent;		/* values in % of the highest possible rate */
	int color;		/* terminal: 256-colour cells (else digits) */
	int no_head;		/* terminal: the map without the lines above it (a live view
				 * prints its own) */
	struct viz_colormap cmap;
};

/* How values become colours: t in [0, 1] from lo (bottom of the bar) to hi. */
struct heatmap_scale {
	double mult;		/* cell value -> shown unit */
	double lo, hi;		/* in the shown unit */
	int log;
	const char *unit;	/* "Hz", "%", "accesses" */
	const char *what;	/* colour bar title */
};

/*
 * heatmap_make_scale() - the scale of @h for @v; a log scale spans at most four decades.
 * Return: 0, -ENODATA for --percent without a known sampling interval.
 */
int heatmap_make_scale(const struct heatmap_view *v, const struct heatmap *h,
		       struct heatmap_scale *s);

struct heatmap_layout {
	int w, h;
	int x0, x1;	/* plot columns [x0, x1) */
	int y0, y1;	/* plot rows [y0, y1) */
	int left;	/* label column width */
};

/* heatmap_plan_png() - where things go on a @w x @h image; the plot is the matrix's size. */
void heatmap_plan_png(int w, int h, struct heatmap_layout *l);

struct heatmap_png {
	struct viz_canvas *canvas;	/* viz_canvas_free() it */
	struct viz_png_text text[4];	/* Source, Software, Description, Title */
	char title[300];
	char source[256];
};

/* heatmap_render_png() - draw the picture into @out. Return: 0 or -ENOMEM. */
int heatmap_render_png(struct heatmap_png *out, const struct heatmap_view *v,
		       const struct heatmap *h, const struct session *ses,
		       const struct heatmap_layout *l, const struct heatmap_scale *s);
/* heatmap_print_ascii() - the map as terminal lines (cells, labels, time axis, legend). */
void heatmap_print_ascii(FILE *out, const struct heatmap_view *v, const struct heatmap *h,
			 const struct session *ses, const struct heatmap_scale *s);
/* heatmap_print_tsv() - "time_ns addr value" rows after a commented header. */
void heatmap_print_tsv(FILE *out, const struct heatmap_view *v, const struct heatmap *h,
		       const struct session *ses, const struct heatmap_scale *s);

#endif /* REPORT_HEATMAP_RENDER_H */
