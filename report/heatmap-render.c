// SPDX-License-Identifier: GPL-2.0
/*
 * Drawing the heat map (heatmap.h's matrix) with viz/: the colour scale and its log floor, the
 * PNG layout (title, folded and labelled address ranges, time axis, colour bar, footnote naming
 * backend and primitive), 256-colour terminal cells, and "time_ns addr value" rows for other
 * plotting tools. The names and facts come from the reading session's final metadata.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/heatmap-render.h"
#include "report/session.h"
#include "report/text.h"
#include "report/units.h"
#include "viz/axis.h"
#include "viz/canvas.h"
#include "viz/font.h"
#include "viz/term.h"

#define INK	VIZ_RGB(0x202020)
#define PAPER	VIZ_RGB(0xffffff)
#define SOFT	VIZ_RGB(0x707070)
#define HATCH	VIZ_RGB(0xcccccc)

/* What was recorded, for the title: the command line, else the name, pid, or the file. */
static void subject_raw(const struct session *ses, const struct heatmap_view *v,
			const struct heatmap *h, char *buf, size_t size)
{
	const struct session_facts *f = session_facts(ses);
	const struct session_target *t = session_target(ses, v->target < 0 ? 0 : (unsigned)v->target);
	uint64_t nt = 1;

	/* the targets drawn; the metadata may name more */
	for (size_t i = 1; i < h->nr_ranges; i++)
		nt += h->ranges[i].target != h->ranges[i - 1].target;
	if (f->nr_targets > nt)
		nt = f->nr_targets;

	if (f->ops && !strcmp(f->ops, "paddr"))
		snprintf(buf, size, "physical memory");
	else if (nt > 1 && v->target < 0)
		snprintf(buf, size, "%" PRIu64 " processes", nt);
	else if (t && t->named)
		snprintf(buf, size, "%s", t->name);
	else
		snprintf(buf, size, "%s", v->input);
}

/* The same, escaped: a stored newline must not break a title or a text line. */
static void subject(const struct session *ses, const struct heatmap_view *v,
		    const struct heatmap *h, char *buf, size_t size)
{
	char raw[512];

	subject_raw(ses, v, h, raw, sizeof(raw));
	report_text_escape(buf, size, raw);
}

static inline double scale_t(const struct heatmap_scale *s, double v)
{
	v *= s->mult;
	if (s->log) {
		if (!(v > s->lo))
			return 0;
		return (log10(v) - log10(s->lo)) / (log10(s->hi) - log10(s->lo));
	}
	return (v - s->lo) / (s->hi - s->lo);
}

int heatmap_make_scale(const struct heatmap_view *v, const struct heatmap *h, struct heatmap_scale *s)
{
	double min_pos = INFINITY;

	s->mult = 1;
	s->unit = h->hz ? "Hz" : "accesses";
	s->what = h->hz ? "access rate (Hz)" : "accesses per aggregation interval";
	if (v->percent) {
		if (!(h->max_rate > 0))
			return -ENODATA;
		s->mult = 100 / h->max_rate;
		s->unit = "%";
		s->what = "access rate (% of the highest)";
	}
	s->lo = 0;
	s->hi = h->vmax * s->mult;
	if (!(s->hi > 0))
		s->hi = 1;
	s->log = v->log;
	if (!s->log)
		return 0;
	for (size_t i = 0; i < (size_t)h->width * h->height; i++)
		if (h->value[i] > 0 && h->value[i] * s->mult < min_pos)
			min_pos = h->value[i] * s->mult;
	/* four decades are plenty; below that everything is "cold" */
	s->lo = isfinite(min_pos) ? fmax(min_pos, s->hi / 1e4) : s->hi / 10;
	if (!(s->lo < s->hi))
		s->lo = s->hi / 10;
	return 0;
}

static void scale_ticks(const struct heatmap_scale *s, int length_px, struct viz_ticks *t)
{
	if (s->log)
		viz_ticks_log(t, s->lo, s->hi, length_px / 22 > 2 ? length_px / 22 : 2);
	else if (viz_ticks_fit(t, s->lo, s->hi, length_px, 1, VIZ_UNIT_NUMBER))
		t->n = 0;
}

/* ---- PNG ---- */


void heatmap_plan_png(int w, int h, struct heatmap_layout *l)
{
	l->w = w;
	l->h = h;
	l->left = w / 4 < 206 ? w / 4 : 206;
	l->x0 = l->left;
	l->x1 = w - 104;
	l->y0 = 74;	/* title (2x), subtitle, and the "address range" heading */
	l->y1 = h - 80;	/* the time axis, what the primitive cannot see, the source */
}

/* Pixel row of the bottom edge of range @i's band (matrix row r of it at y1 - 1 - r - i). */
static int band_bottom(const struct heatmap_layout *l, const struct heatmap *h, size_t i)
{
	return l->y1 - 1 - (int)h->ranges[i].row - (int)i;
}

/* "mysqld [heap]" when ranges of several targets are stacked, else just "[heap]" */
static void range_label(const struct heatmap *h, const struct session *ses,
			const struct heatmap_range *rg, char *buf, size_t size)
{
	const struct session_target *t = session_target(ses, rg->target);
	const char *who = t ? t->comm : NULL;

	if (h->ranges[0].target == h->ranges[h->nr_ranges - 1].target) {
		snprintf(buf, size, "%s", rg->label);
		return;
	}
	if (who)
		snprintf(buf, size, "%s %s", who, rg->label);
	else
		snprintf(buf, size, "%u: %s", rg->target, rg->label);
}

static void draw_range_labels(struct viz_canvas *c, const struct heatmap_layout *l,
			      const struct heatmap *h, const struct session *ses)
{
	int label_px = l->left - 70;	/* the rest holds offset ticks */

	for (size_t i = 0; i < h->nr_ranges; i++) {
		const struct heatmap_range *rg = &h->ranges[i];
		int bot = band_bottom(l, h, i), top = bot - (int)rg->nr_rows + 1;
		int band = rg->nr_rows, lines = band / 14, y;
		char text[3][64], fit[64];
		struct viz_ticks t;
		uint64_t size = rg->end - rg->start;

		/* name, size, start address; an unnamed range is called by its address */
		range_label(h, ses, rg, text[0], sizeof(text[0]));
		units_size(text[1], sizeof(text[1]), size);
		snprintf(text[2], sizeof(text[2]), "0x%" PRIx64, rg->start);
		if (lines > (rg->named ? 3 : 2))
			lines = rg->named ? 3 : 2;
		if (lines < 1)
			lines = 1;
		y = (top + bot) / 2 - (lines * 14) / 2 + 7;
		for (int k = 0; k < lines; k++, y += 14)
			viz_text_aligned(c, 8, y, viz_text_fit(fit, sizeof(fit), text[k], label_px, 1),
					 k ? SOFT : INK, 1, VIZ_ALIGN_LEFT, VIZ_ALIGN_CENTER);
		/* the boundary to the next range, across the label column */
		if (i + 1 < h->nr_ranges)
			viz_canvas_fill(c, 8, top - 1, l->x0 - 8, 1, HATCH);
		/* offsets inside the range, where there is room for several */
		if (band < 70 || viz_ticks_fit(&t, 0, (double)size, band, 1, VIZ_UNIT_BYTES))
			continue;
		for (int k = 0; k < t.n; k++) {
			int ty = (int)lround(bot - t.value[k] / (double)size * (band - 1));
			char lab[40];

			if (ty > bot - 9 || ty < top + 9)
				continue;
			snprintf(lab, sizeof(lab), "+%s %s", t.label[k], t.unit);
			viz_canvas_fill(c, l->x0 - 5, ty, 4, 1, INK);
			viz_text_aligned(c, l->x0 - 8, ty, lab, SOFT, 1, VIZ_ALIGN_RIGHT,
					 VIZ_ALIGN_CENTER);
		}
	}
}

static void draw_cells(struct viz_canvas *c, const struct heatmap_layout *l,
		       const struct heatmap *h, const struct heatmap_scale *s,
		       const struct viz_colormap *cm)
{
	const struct viz_rgb paper = PAPER, hatch = HATCH;
	struct viz_rgb strip[16];

	for (size_t i = 0; i < h->nr_ranges; i++) {
		const struct heatmap_range *rg = &h->ranges[i];
		int bot = band_bottom(l, h, i);

		/*
		 * In strips of 16 columns: the values are stored column by column and the canvas
		 * row by row, and a strip keeps both streams sequential.
		 */
		for (unsigned c0 = 0; c0 < h->width; c0 += 16) {
			unsigned c1 = c0 + 16 < h->width ? c0 + 16 : h->width;

			for (unsigned r = 0; r < rg->nr_rows; r++) {
				int y = bot - (int)r;

				for (unsigned col = c0; col < c1; col++) {
					double v = h->value[(size_t)col * h->height + rg->row + r];
					int x = l->x0 + (int)col;
					double t;

					if (isnan(v)) {
						strip[col - c0] = ((x + y) % 6) ? paper : hatch;
					} else {
						t = scale_t(s, v);
						t = t > 0 ? (t < 1 ? t : 1) : 0;
						strip[col - c0] =
							cm->lut[(int)(t * (VIZ_CMAP_SIZE - 1) + 0.5)];
					}
				}
				viz_canvas_put_row(c, l->x0 + (int)c0, y, strip, (int)(c1 - c0));
			}
		}
		if (i + 1 < h->nr_ranges)	/* the rule between this range and the next */
			viz_canvas_fill(c, l->x0, bot - (int)rg->nr_rows, (int)h->width, 1, PAPER);
	}
}

int heatmap_render_png(struct heatmap_png *out, const struct heatmap_view *v,
		       const struct heatmap *h, const struct session *ses,
		       const struct heatmap_layout *l, const struct heatmap_scale *s)
{
	const struct session_facts *f = session_facts(ses);
	struct viz_canvas *c;
	struct viz_ticks t;
	char line[512], fit[512], a[32], b[32], d[32], subj[256];
	char *title = out->title, *src = out->source;
	double tlo = (double)(h->t_start_ns - h->rec_start_ns);
	double thi = (double)(h->t_end_ns - h->rec_start_ns);
	uint64_t sample_us = f->sample_us, aggr_us = f->aggr_us;
	int ret, bar_x = l->x1 + 14, right, n;

	ret = viz_canvas_new(&c, l->w, l->h, PAPER);
	if (ret)
		return ret;
	subject(ses, v, h, subj, sizeof(subj));
	snprintf(src, sizeof(out->source), "%s", f->source_line);
	snprintf(title, sizeof(out->title), "Data access heat map: %s", subj);
	viz_text_aligned(c, l->w / 2, 8, viz_text_fit(fit, sizeof(fit), title, l->w - 16, 2), INK,
			 2, VIZ_ALIGN_CENTER, VIZ_ALIGN_LEFT);
	if (tlo > 0)
		n = snprintf(line, sizeof(line), "%s to %s", units_time(a, sizeof(a), tlo),
			     units_time(b, sizeof(b), thi));
	else
		n = snprintf(line, sizeof(line), "%s", units_time(a, sizeof(a), thi));
	n += snprintf(line + n, sizeof(line) - n, ", %" PRIu64 " snapshots, %zu address range%s",
		      h->nr_snapshots, h->nr_ranges, h->nr_ranges == 1 ? "" : "s");
	if (h->nr_ranges > 1)
		n += snprintf(line + n, sizeof(line) - n, " (unmonitored gaps folded away)");
	if (sample_us && aggr_us)
		snprintf(line + n, sizeof(line) - n, ", sampling %s, aggregation %s",
			 units_time(a, sizeof(a), sample_us * 1e3),
			 units_time(d, sizeof(d), aggr_us * 1e3));
	viz_text_aligned(c, l->w / 2, 38, viz_text_fit(fit, sizeof(fit), line, l->w - 16, 1), SOFT,
			 1, VIZ_ALIGN_CENTER, VIZ_ALIGN_LEFT);

	draw_cells(c, l, h, s, &v->cmap);
	viz_canvas_rect(c, l->x0 - 1, l->y0 - 1, l->x1 - l->x0 + 2, l->y1 - l->y0 + 2, INK);
	draw_range_labels(c, l, h, ses);
	viz_text(c, 8, l->y0 - 17, "address range", INK, 1);

	if (!viz_ticks_fit(&t, tlo, thi, l->x1 - l->x0, 0, VIZ_UNIT_TIME)) {
		viz_axis_x(c, l->x0, l->x1 - 1, l->y1, tlo, thi, &t, INK);
		snprintf(line, sizeof(line), "time (%s)", t.unit);
		viz_text_aligned(c, (l->x0 + l->x1) / 2, l->y1 + 24, line, INK, 1, VIZ_ALIGN_CENTER,
				 VIZ_ALIGN_LEFT);
	}

	scale_ticks(s, l->y1 - l->y0, &t);
	right = viz_colorbar(c, bar_x, l->y0, 16, l->y1 - l->y0, &v->cmap, s->lo, s->hi, s->log,
			     &t, INK);
	snprintf(line, sizeof(line), "%s%s", s->what, s->log ? ", log scale" : "");
	viz_text_up(c, right + 12, (l->y0 + l->y1) / 2,
		    viz_text_fit(fit, sizeof(fit), line, l->y1 - l->y0, 1), INK, 1);
	viz_canvas_hatch(c, bar_x, l->y1 + 8, 16, 12, PAPER, HATCH, 6);
	viz_canvas_rect(c, bar_x - 1, l->y1 + 7, 18, 14, SOFT);
	viz_text(c, bar_x + 22, l->y1 + 8, "no data", SOFT, 1);

	if (f->sees_caveat) {
		snprintf(line, sizeof(line), "note: %s", f->sees_caveat);
		viz_text(c, 8, l->h - 31, viz_text_fit(fit, sizeof(fit), line, l->w - 16, 1),
			 INK, 1);
	}
	snprintf(line, sizeof(line), "%s   input: %s", src, v->input);
	viz_text(c, 8, l->h - 17, viz_text_fit(fit, sizeof(fit), line, l->w - 16, 1), SOFT, 1);

	out->text[0] = (struct viz_png_text){ "Source", v->input };
	out->text[1] = (struct viz_png_text){ "Software", v->software };
	out->text[2] = (struct viz_png_text){ "Description", src };
	out->text[3] = (struct viz_png_text){ "Title", title };
	out->canvas = c;
	return 0;
}

/* ---- terminal ---- */

void heatmap_print_ascii(FILE *out, const struct heatmap_view *view, const struct heatmap *h,
			 const struct session *ses, const struct heatmap_scale *s)
{
	int color = view->color;
	char line[512], a[32], cell[32], lo[UNITS_BUF], hi[UNITS_BUF];
	struct viz_ticks t;
	int last;
	double tlo = (double)(h->t_start_ns - h->rec_start_ns);
	double thi = (double)(h->t_end_ns - h->rec_start_ns);

	if (!view->no_head) {
		subject(ses, view, h, line, sizeof(line));
		fprintf(out, "daprof heat map: %s (%s, %" PRIu64 " snapshots)\n", line,
			units_time(a, sizeof(a), thi - tlo), h->nr_snapshots);
		fprintf(out, "%s\n", session_facts(ses)->source_line);
		if (session_facts(ses)->sees_caveat)
			fprintf(out, "note: %s\n", session_facts(ses)->sees_caveat);
	}
	for (size_t i = h->nr_ranges; i-- > 0;) {
		const struct heatmap_range *rg = &h->ranges[i];

		for (unsigned r = rg->nr_rows; r-- > 0;) {
			unsigned row = rg->row + r, from_top = rg->nr_rows - 1 - r;
			char label[HEATMAP_ASCII_LABEL + 1] = "";

			if (from_top == 0) {
				range_label(h, ses, rg, line, sizeof(line));
				viz_text_fit(label, HEATMAP_ASCII_LABEL, line, (HEATMAP_ASCII_LABEL - 1) * VIZ_FONT_W, 1);
			}
			else if (from_top == 1)
				units_size(label, HEATMAP_ASCII_LABEL, rg->end - rg->start);
			fprintf(out, "%-*s|", HEATMAP_ASCII_LABEL - 1, label);
			last = -1;
			for (unsigned col = 0; col < h->width; col++) {
				double v = heatmap_value(h, col, row), x;
				int level, idx;

				if (isnan(v)) {
					if (color && last != 0)
						fputs(VIZ_TERM_RESET, out);
					last = 0;
					putc(' ', out);
					continue;
				}
				x = scale_t(s, v);
				level = x >= 1 ? 9 : x <= 0 ? 0 : (int)(x * 10);
				if (level > 9)
					level = 9;
				if (!color) {
					putc('0' + level, out);
					continue;
				}
				/* an escape only where the colour changes */
				idx = viz_term_index(viz_colormap_at(&view->cmap, x));
				if (idx != last) {
					viz_term_cell(cell, sizeof(cell), viz_colormap_at(&view->cmap, x));
					fputs(cell, out);
					last = idx;
				}
				putc(' ', out);
			}
			fprintf(out, "%s|\n", color && last ? VIZ_TERM_RESET : "");
		}
		if (i)
			fprintf(out, "%*s+%.*s+\n", HEATMAP_ASCII_LABEL - 1, "", (int)h->width,
			       "----------------------------------------------------------------"
			       "----------------------------------------------------------------"
			       "----------------------------------------------------------------"
			       "----------------------------------------------------------------");
	}
	/* time axis: labels at their column where they do not run into each other */
	if (!viz_ticks_linear(&t, tlo, thi, h->width / 12 > 1 ? (int)h->width / 12 : 1,
			      VIZ_UNIT_TIME)) {
		char axis[1024];
		int len = 0;

		memset(axis, ' ', sizeof(axis));
		for (int k = 0; k < t.n; k++) {
			int col = (int)lround((t.value[k] - tlo) / (thi - tlo) * (h->width - 1));
			int pos = HEATMAP_ASCII_LABEL + col, n = (int)strlen(t.label[k]);

			if (pos < len + 1 || pos + n >= (int)sizeof(axis) - 8)
				continue;
			memcpy(axis + pos, t.label[k], n);
			len = pos + n;
		}
		len += snprintf(axis + len, sizeof(axis) - len, " %s", t.unit);
		fprintf(out, "%.*s\n", len, axis);
	}
	fprintf(out, "legend: ");
	for (int k = 0; k < 10; k++) {
		if (color) {
			viz_term_cell(cell, sizeof(cell), viz_colormap_at(&view->cmap, (k + 0.5) / 10));
			fprintf(out, "%s%d", cell, k);
		} else {
			putc('0' + k, out);
		}
	}
	fprintf(out, "%s %s to %s %s (%s%s); blank: not monitored\n", color ? VIZ_TERM_RESET : "",
		units_number(lo, sizeof(lo), s->log ? s->lo : 0.0),
		units_number(hi, sizeof(hi), s->hi), s->unit, s->log ? "log" : "linear",
		s->log ? "" : ", in tenths");
}

/* ---- TSV ---- */

void heatmap_print_tsv(FILE *out, const struct heatmap_view *view, const struct heatmap *h,
		       const struct session *ses, const struct heatmap_scale *s)
{
	fprintf(out, "# daprof report heatmap: %s\n", view->input);
	fprintf(out, "# %s\n", session_facts(ses)->source_line);
	if (session_facts(ses)->sees_caveat)
		fprintf(out, "# note: %s\n", session_facts(ses)->sees_caveat);
	fprintf(out, "# %u columns x %u rows; time_ns from the first snapshot (column start), addr of "
	       "the row start, value in %s (nan: not monitored)\n", h->width, h->height, s->unit);
	for (size_t i = 0; i < h->nr_ranges; i++)
		fprintf(out, "# range %zu: target %u %s 0x%" PRIx64 "-0x%" PRIx64 " rows %u-%u\n", i,
		       h->ranges[i].target, h->ranges[i].label, h->ranges[i].start,
		       h->ranges[i].end, h->ranges[i].row,
		       h->ranges[i].row + h->ranges[i].nr_rows - 1);
	for (unsigned col = 0; col < h->width; col++) {
		uint64_t t0, t1;

		heatmap_col_span(h, col, &t0, &t1);
		for (unsigned row = 0; row < h->height; row++) {
			uint64_t a0, a1;
			double v = heatmap_value(h, col, row);

			heatmap_row_span(h, row, &a0, &a1);
			if (isnan(v))
				fprintf(out, "%" PRIu64 "\t%" PRIu64 "\tnan\n", t0 - h->rec_start_ns, a0);
			else
				fprintf(out, "%" PRIu64 "\t%" PRIu64 "\t%.9g\n", t0 - h->rec_start_ns, a0,
				       v * s->mult);
		}
	}
}

