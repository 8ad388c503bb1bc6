/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Axes for figures: "nice" tick positions (1, 2 or 5 times a power of ten), the unit an axis is
 * labelled in (bytes in KiB..TiB, times in ms..h, or plain numbers), tick labels with a
 * consistent number of decimals, log-scale ticks, and the drawing of axes and a colour bar.
 */
#ifndef VIZ_AXIS_H
#define VIZ_AXIS_H

#include <stddef.h>

#include "viz/canvas.h"
#include "viz/colormap.h"

#define VIZ_MAX_TICKS 40

enum viz_unit_kind {
	VIZ_UNIT_NUMBER,	/* plain numbers, no unit */
	VIZ_UNIT_BYTES,		/* values are bytes: B, KiB, MiB, GiB, TiB */
	VIZ_UNIT_TIME,		/* values are nanoseconds: ns, us, ms, s, min, h */
};

struct viz_ticks {
	int n;
	double value[VIZ_MAX_TICKS];	/* positions, in the data's own units (bytes, ns, ...) */
	char label[VIZ_MAX_TICKS][20];	/* the positions written in @unit */
	char unit[8];			/* "MiB", "s", or "" for plain numbers */
	double unit_size;		/* data units per @unit (1048576 for MiB) */
	double step;			/* tick spacing in data units; 0 for log ticks */
};

/*
 * viz_nice_step() - the smallest step of 1, 2 or 5 times a power of ten that cuts @span into at
 * most @max_ticks intervals. Return: the step, or 0 for a span that is not positive and finite.
 */
double viz_nice_step(double span, int max_ticks);

/*
 * viz_unit_pick() - the unit to label values up to @max_abs in: the largest unit not bigger
 * than @max_abs (bytes, numbers), or for times ms below 1 s, s below 2 min, min below 2 h, h
 * beyond. Return: data units per unit; @name gets the unit's name ("" for plain numbers).
 */
double viz_unit_pick(enum viz_unit_kind kind, double max_abs, const char **name);

/*
 * viz_ticks_linear() - ticks over [@lo, @hi] for at most @max_ticks intervals, in the unit
 * viz_unit_pick() chooses for the larger end. Return: 0, or -EINVAL for an empty or
 * non-finite range.
 */
int viz_ticks_linear(struct viz_ticks *t, double lo, double hi, int max_ticks,
		     enum viz_unit_kind kind);
/*
 * viz_ticks_log() - ticks for a log axis over [@lo, @hi] (both > 0): every decade, or 1-2-5
 * within decades when the range spans two decades or less. Return: 0 or -EINVAL.
 */
int viz_ticks_log(struct viz_ticks *t, double lo, double hi, int max_ticks);
/*
 * viz_ticks_fit() - linear ticks as dense as fit on an axis @length_px long without labels
 * touching (@vertical: labels stacked one line apart; else side by side). Return: as above.
 */
int viz_ticks_fit(struct viz_ticks *t, double lo, double hi, int length_px, int vertical,
		  enum viz_unit_kind kind);


/*
 * viz_axis_x() - a horizontal axis line from @x0 to @x1 at @y with tick marks and labels below
 * it; data value @lo is at @x0 and @hi at @x1 (positions are pixel centres).
 */
void viz_axis_x(struct viz_canvas *c, int x0, int x1, int y, double lo, double hi,
		const struct viz_ticks *t, struct viz_rgb ink);
/* viz_axis_y() - a vertical axis at @x from @y0 (@lo, bottom) to @y1 (@hi, top), labels left. */
void viz_axis_y(struct viz_canvas *c, int x, int y0, int y1, double lo, double hi,
		const struct viz_ticks *t, struct viz_rgb ink);
/* viz_grid_y() - light horizontal grid lines at the ticks, between @x0 and @x1. */
void viz_grid_y(struct viz_canvas *c, int x0, int x1, int y0, int y1, double lo, double hi,
		const struct viz_ticks *t, struct viz_rgb col);
void viz_grid_x(struct viz_canvas *c, int x0, int x1, int y0, int y1, double lo, double hi,
		const struct viz_ticks *t, struct viz_rgb col);

/*
 * viz_colorbar() - a vertical colour bar in [@x, @x+@w) x [@y, @y+@h): @lo at the bottom, @hi
 * at the top, on a log scale when @log; tick marks and labels from @t on its right.
 * Return: the x just right of the widest label.
 */
int viz_colorbar(struct viz_canvas *c, int x, int y, int w, int h, const struct viz_colormap *cm,
		 double lo, double hi, int log, const struct viz_ticks *t, struct viz_rgb ink);

#endif /* VIZ_AXIS_H */
