// SPDX-License-Identifier: GPL-2.0
/*
 * Tick placement and axis drawing. Ticks are multiples of 1, 2 or 5 times a power of ten of the
 * unit the axis is labelled in (so a byte axis reads 0, 200, 400 MiB and a time axis 0, 2, 4 s),
 * and all labels of an axis have the same number of decimals.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "viz/axis.h"
#include "viz/font.h"

double viz_nice_step(double span, int max_ticks)
{
	static const double mult[] = { 1, 2, 5, 10 };
	double raw, mag;

	if (!(span > 0) || !isfinite(span))
		return 0;
	if (max_ticks < 1)
		max_ticks = 1;
	raw = span / max_ticks;
	mag = pow(10, floor(log10(raw)));
	for (int i = 0; i < 4; i++)
		if (mult[i] * mag >= raw * (1 - 1e-9))
			return mult[i] * mag;
	return 10 * mag;
}

double viz_unit_pick(enum viz_unit_kind kind, double max_abs, const char **name)
{
	static const char *const bytes[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double size = 1;

	switch (kind) {
	case VIZ_UNIT_BYTES:
		for (int i = 4; i >= 0; i--) {
			size = ldexp(1, 10 * i);
			if (max_abs >= size || i == 0) {
				*name = bytes[i];
				return size;
			}
		}
		break;
	case VIZ_UNIT_TIME:
		if (max_abs < 1e3) {
			*name = "ns";
			return 1;
		}
		if (max_abs < 1e6) {
			*name = "us";
			return 1e3;
		}
		if (max_abs < 1e9) {
			*name = "ms";
			return 1e6;
		}
		if (max_abs < 120e9) {
			*name = "s";
			return 1e9;
		}
		if (max_abs < 7200e9) {
			*name = "min";
			return 60e9;
		}
		*name = "h";
		return 3600e9;
	case VIZ_UNIT_NUMBER:
		break;
	}
	*name = "";
	return 1;
}

static void set_label(char *buf, size_t size, double v, int decimals)
{
	snprintf(buf, size, "%.*f", decimals, v);
	/* "-0" and "-0.0" are just zero */
	if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
		memmove(buf, buf + 1, strlen(buf));
}

int viz_ticks_linear(struct viz_ticks *t, double lo, double hi, int max_ticks,
		     enum viz_unit_kind kind)
{
	const char *name;
	double unit, step_u;
	int decimals = 0;
	long long k;

	memset(t, 0, sizeof(*t));
	if (!isfinite(lo) || !isfinite(hi) || !(hi > lo))
		return -EINVAL;
	if (max_ticks > VIZ_MAX_TICKS - 1)
		max_ticks = VIZ_MAX_TICKS - 1;
	unit = viz_unit_pick(kind, fmax(fabs(lo), fabs(hi)), &name);
	step_u = viz_nice_step((hi - lo) / unit, max_ticks);
	if (!(step_u > 0))
		return -EINVAL;
	if (step_u < 1)
		decimals = (int)ceil(-log10(step_u) - 1e-9);
	snprintf(t->unit, sizeof(t->unit), "%s", name);
	t->unit_size = unit;
	t->step = step_u * unit;
	for (k = (long long)ceil(lo / t->step - 1e-9); t->n < VIZ_MAX_TICKS; k++) {
		double v = k * step_u;

		if (v * unit > hi + t->step * 1e-9)
			break;
		t->value[t->n] = v * unit;
		set_label(t->label[t->n], sizeof(t->label[0]), v, decimals);
		t->n++;
	}
	return 0;
}

int viz_ticks_log(struct viz_ticks *t, double lo, double hi, int max_ticks)
{
	static const double m125[] = { 1, 2, 5 };
	int e0, e1, every, nm;

	memset(t, 0, sizeof(*t));
	if (!(lo > 0) || !(hi > lo) || !isfinite(hi))
		return -EINVAL;
	if (max_ticks < 2)
		max_ticks = 2;
	e0 = (int)floor(log10(lo) + 1e-9);
	e1 = (int)ceil(log10(hi) - 1e-9);
	nm = e1 - e0 <= 2 ? 3 : 1;
	every = (e1 - e0 + 1 + max_ticks - 1) / max_ticks;
	if (every < 1)
		every = 1;
	t->unit_size = 1;
	for (int e = e0; e <= e1 && t->n < VIZ_MAX_TICKS; e += every) {
		for (int i = 0; i < nm && t->n < VIZ_MAX_TICKS; i++) {
			double v = m125[i] * pow(10, e);

			if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9))
				continue;
			t->value[t->n] = v;
			snprintf(t->label[t->n], sizeof(t->label[0]), "%g", v);
			t->n++;
		}
	}
	return 0;
}

int viz_ticks_fit(struct viz_ticks *t, double lo, double hi, int length_px, int vertical,
		  enum viz_unit_kind kind)
{
	int max = vertical ? length_px / 45 : length_px / 50;
	int ret = -EINVAL;

	if (max < 1)
		max = 1;
	for (; max >= 1; max--) {
		double gap_px;
		int widest = 0;

		ret = viz_ticks_linear(t, lo, hi, max, kind);
		if (ret)
			return ret;
		gap_px = length_px * t->step / (hi - lo);
		for (int i = 0; i < t->n; i++) {
			int w = viz_text_width(t->label[i], 1);

			widest = w > widest ? w : widest;
		}
		if (vertical ? gap_px >= VIZ_FONT_H + 8 : gap_px >= widest + 14)
			break;
	}
	return ret;
}

void viz_axis_x(struct viz_canvas *c, int x0, int x1, int y, double lo, double hi,
		const struct viz_ticks *t, struct viz_rgb ink)
{
	viz_canvas_fill(c, x0, y, x1 - x0 + 1, 1, ink);
	for (int i = 0; i < t->n; i++) {
		int x = (int)lround(x0 + (t->value[i] - lo) / (hi - lo) * (x1 - x0));
		int w = viz_text_width(t->label[i], 1), left = x - w / 2;

		if (left < 0)
			left = 0;
		if (left + w > c->width)
			left = c->width - w;
		viz_canvas_fill(c, x, y + 1, 1, 4, ink);
		viz_text(c, left, y + 6, t->label[i], ink, 1);
	}
}

void viz_axis_y(struct viz_canvas *c, int x, int y0, int y1, double lo, double hi,
		const struct viz_ticks *t, struct viz_rgb ink)
{
	viz_canvas_fill(c, x, y1, 1, y0 - y1 + 1, ink);
	for (int i = 0; i < t->n; i++) {
		int y = (int)lround(y0 - (t->value[i] - lo) / (hi - lo) * (y0 - y1));

		viz_canvas_fill(c, x - 4, y, 4, 1, ink);
		viz_text_aligned(c, x - 7, y, t->label[i], ink, 1, VIZ_ALIGN_RIGHT, VIZ_ALIGN_CENTER);
	}
}

void viz_grid_y(struct viz_canvas *c, int x0, int x1, int y0, int y1, double lo, double hi,
		const struct viz_ticks *t, struct viz_rgb col)
{
	for (int i = 0; i < t->n; i++) {
		int y = (int)lround(y0 - (t->value[i] - lo) / (hi - lo) * (y0 - y1));

		viz_canvas_fill(c, x0, y, x1 - x0 + 1, 1, col);
	}
}

void viz_grid_x(struct viz_canvas *c, int x0, int x1, int y0, int y1, double lo, double hi,
		const struct viz_ticks *t, struct viz_rgb col)
{
	for (int i = 0; i < t->n; i++) {
		int x = (int)lround(x0 + (t->value[i] - lo) / (hi - lo) * (x1 - x0));

		viz_canvas_fill(c, x, y1, 1, y0 - y1 + 1, col);
	}
}

int viz_colorbar(struct viz_canvas *c, int x, int y, int w, int h, const struct viz_colormap *cm,
		 double lo, double hi, int log, const struct viz_ticks *t, struct viz_rgb ink)
{
	int right = x + w + 1;

	if (h < 2)
		return right;
	for (int j = 0; j < h; j++)
		viz_canvas_fill(c, x, y + j, w, 1, viz_colormap_at(cm, (double)(h - 1 - j) / (h - 1)));
	viz_canvas_rect(c, x - 1, y - 1, w + 2, h + 2, ink);
	for (int i = 0; i < t->n; i++) {
		double f = log ? (log10(t->value[i]) - log10(lo)) / (log10(hi) - log10(lo)) :
				 (t->value[i] - lo) / (hi - lo);
		int ty = (int)lround(y + (h - 1) - f * (h - 1)), tw;

		if (!(f >= -1e-9 && f <= 1 + 1e-9))
			continue;
		viz_canvas_fill(c, x + w + 1, ty, 4, 1, ink);
		tw = viz_text_width(t->label[i], 1);
		viz_text_aligned(c, x + w + 8, ty, t->label[i], ink, 1, VIZ_ALIGN_LEFT,
				 VIZ_ALIGN_CENTER);
		if (x + w + 8 + tw > right)
			right = x + w + 8 + tw;
	}
	return right;
}
