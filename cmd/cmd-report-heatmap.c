// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report heatmap": time on x, folded address on y, colour = access rate. The matrix is
 * report/heatmap.c's; this file chooses sizes, then draws it with viz/ as a PNG (title, folded
 * and labelled address ranges, time axis, colour bar, footnote naming backend and primitive),
 * as 256-colour terminal cells, or as "time_ns addr value" rows for other plotting tools.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/parse-options.h"
#include "format/dpf.h"
#include "report/heatmap.h"
#include "viz/axis.h"
#include "viz/canvas.h"
#include "viz/colormap.h"
#include "viz/font.h"
#include "viz/png.h"
#include "viz/term.h"

enum heat_mode { HEAT_PNG, HEAT_ASCII, HEAT_TSV };

#define HEAT_MAX_CELLS	(4u << 20)	/* width x height: the memory budget of a map */

struct heat_cmd {
	const char *path;
	const char *out;
	enum heat_mode mode;
	unsigned long long width, height;	/* 0: the mode's default */
	int log;
	int percent;
	struct viz_colormap cmap;
	struct heatmap_opts hm;
};

/* How values become colours: t in [0, 1] from lo (bottom of the bar) to hi. */
struct heat_scale {
	double mult;		/* cell value -> shown unit */
	double lo, hi;		/* in the shown unit */
	int log;
	const char *unit;	/* "Hz", "%", "accesses" */
	const char *what;	/* colour bar title */
};

#define INK	VIZ_RGB(0x202020)
#define PAPER	VIZ_RGB(0xffffff)
#define SOFT	VIZ_RGB(0x707070)
#define HATCH	VIZ_RGB(0xcccccc)

/* What was recorded, for the title: the command line, else the name, pid, or the file. */
static void subject_raw(const struct dpf_meta *m, const struct heatmap *h, const char *path,
			int target, char *buf, size_t size)
{
	const char *v, *ops = dpf_meta_get(m, "ops");
	uint64_t nt = 1;
	char key[64];
	unsigned t = target < 0 ? 0 : (unsigned)target;

	/* the targets drawn; the metadata may name more */
	for (size_t i = 1; i < h->nr_ranges; i++)
		nt += h->ranges[i].target != h->ranges[i - 1].target;
	if (dpf_meta_get_u64(m, "nr_targets", 0) > nt)
		nt = dpf_meta_get_u64(m, "nr_targets", 0);

	if (ops && !strcmp(ops, "paddr")) {
		snprintf(buf, size, "physical memory");
		return;
	}
	if (nt > 1 && target < 0) {
		snprintf(buf, size, "%" PRIu64 " processes", nt);
		return;
	}
	snprintf(key, sizeof(key), "target.%u.cmdline", t);
	if ((v = dpf_meta_get(m, key)) && *v) {
		snprintf(buf, size, "%s", v);
		return;
	}
	snprintf(key, sizeof(key), "target.%u.comm", t);
	if ((v = dpf_meta_get(m, key)) && *v) {
		snprintf(buf, size, "%s", v);
		return;
	}
	snprintf(key, sizeof(key), "target.%u.pid", t);
	if ((v = dpf_meta_get(m, key)) && *v)
		snprintf(buf, size, "pid %s", v);
	else
		snprintf(buf, size, "%s", path);
}

/* The same, escaped: a stored newline must not break a title or a text line. */
static void subject(const struct dpf_meta *m, const struct heatmap *h, const char *path,
		    int target, char *buf, size_t size)
{
	char raw[512];

	subject_raw(m, h, path, target, raw, sizeof(raw));
	dp_text_escape(buf, size, raw);
}

static inline double scale_t(const struct heat_scale *s, double v)
{
	v *= s->mult;
	if (s->log) {
		if (!(v > s->lo))
			return 0;
		return (log10(v) - log10(s->lo)) / (log10(s->hi) - log10(s->lo));
	}
	return (v - s->lo) / (s->hi - s->lo);
}

static int make_scale(const struct heat_cmd *hc, const struct heatmap *h, struct heat_scale *s)
{
	double min_pos = INFINITY;

	s->mult = 1;
	s->unit = h->hz ? "Hz" : "accesses";
	s->what = h->hz ? "access rate (Hz)" : "accesses per aggregation interval";
	if (hc->percent) {
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
	s->log = hc->log;
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

static void scale_ticks(const struct heat_scale *s, int length_px, struct viz_ticks *t)
{
	if (s->log)
		viz_ticks_log(t, s->lo, s->hi, length_px / 22 > 2 ? length_px / 22 : 2);
	else if (viz_ticks_fit(t, s->lo, s->hi, length_px, 1, VIZ_UNIT_NUMBER))
		t->n = 0;
}

/* ---- PNG ---- */

struct layout {
	int w, h;
	int x0, x1;	/* plot columns [x0, x1) */
	int y0, y1;	/* plot rows [y0, y1) */
	int left;	/* label column width */
};

static void plan_png(int w, int h, struct layout *l)
{
	l->w = w;
	l->h = h;
	l->left = w / 4 < 206 ? w / 4 : 206;
	l->x0 = l->left;
	l->x1 = w - 104;
	l->y0 = 74;	/* title (2x), subtitle, and the "address range" heading */
	l->y1 = h - 66;
}

/* Pixel row of the bottom edge of range @i's band (matrix row r of it at y1 - 1 - r - i). */
static int band_bottom(const struct layout *l, const struct heatmap *h, size_t i)
{
	return l->y1 - 1 - (int)h->ranges[i].row - (int)i;
}

/* "mysqld [heap]" when ranges of several targets are stacked, else just "[heap]" */
static void range_label(const struct heatmap *h, const struct dpf_meta *m,
			const struct heatmap_range *rg, char *buf, size_t size)
{
	char key[64];
	const char *who;

	if (h->ranges[0].target == h->ranges[h->nr_ranges - 1].target) {
		snprintf(buf, size, "%s", rg->label);
		return;
	}
	snprintf(key, sizeof(key), "target.%u.comm", rg->target);
	who = dpf_meta_get(m, key);
	if (who && *who)
		snprintf(buf, size, "%s %s", who, rg->label);
	else
		snprintf(buf, size, "%u: %s", rg->target, rg->label);
}

static void draw_range_labels(struct viz_canvas *c, const struct layout *l,
			      const struct heatmap *h, const struct dpf_meta *m)
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
		range_label(h, m, rg, text[0], sizeof(text[0]));
		viz_fmt_bytes(text[1], sizeof(text[1]), (double)size);
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

static void draw_cells(struct viz_canvas *c, const struct layout *l, const struct heatmap *h,
		       const struct heat_scale *s, const struct viz_colormap *cm)
{
	const struct viz_rgb paper = PAPER, hatch = HATCH;

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
				uint8_t *p = c->pix + ((size_t)y * c->width + l->x0 + c0) * 3;

				for (unsigned col = c0; col < c1; col++, p += 3) {
					double v = h->value[(size_t)col * h->height + rg->row + r];
					int x = l->x0 + (int)col;
					const struct viz_rgb *rgb;
					double t;

					if (isnan(v)) {
						rgb = ((x + y) % 6) ? &paper : &hatch;
					} else {
						t = scale_t(s, v);
						t = t > 0 ? (t < 1 ? t : 1) : 0;
						rgb = &cm->lut[(int)(t * (VIZ_CMAP_SIZE - 1) + 0.5)];
					}
					p[0] = rgb->r;
					p[1] = rgb->g;
					p[2] = rgb->b;
				}
			}
		}
		if (i + 1 < h->nr_ranges)	/* the rule between this range and the next */
			viz_canvas_fill(c, l->x0, bot - (int)rg->nr_rows, (int)h->width, 1, PAPER);
	}
}

static int render_png(const struct heat_cmd *hc, const struct heatmap *h,
		      const struct dpf_meta *m, const struct layout *l, const struct heat_scale *s)
{
	struct viz_canvas *c;
	struct viz_ticks t;
	char line[512], fit[512], a[32], b[32], d[32], title[300], subj[256], src[256];
	double tlo = (double)(h->t_start_ns - h->rec_start_ns);
	double thi = (double)(h->t_end_ns - h->rec_start_ns);
	uint64_t sample_us = dpf_meta_get_u64(m, "sample_us", 0);
	uint64_t aggr_us = dpf_meta_get_u64(m, "aggr_us", 0);
	int ret, bar_x = l->x1 + 14, right, n;
	struct viz_png_text text[4];

	ret = viz_canvas_new(&c, l->w, l->h, PAPER);
	if (ret)
		return ret;
	subject(m, h, hc->path, hc->hm.target, subj, sizeof(subj));
	cmd_source_line(m, src, sizeof(src));
	snprintf(title, sizeof(title), "Data access heat map: %s", subj);
	viz_text_aligned(c, l->w / 2, 8, viz_text_fit(fit, sizeof(fit), title, l->w - 16, 2), INK,
			 2, VIZ_ALIGN_CENTER, VIZ_ALIGN_LEFT);
	if (tlo > 0)
		n = snprintf(line, sizeof(line), "%s to %s", viz_fmt_time(a, sizeof(a), tlo),
			     viz_fmt_time(b, sizeof(b), thi));
	else
		n = snprintf(line, sizeof(line), "%s", viz_fmt_time(a, sizeof(a), thi));
	n += snprintf(line + n, sizeof(line) - n, ", %" PRIu64 " snapshots, %zu address range%s",
		      h->nr_snapshots, h->nr_ranges, h->nr_ranges == 1 ? "" : "s");
	if (h->nr_ranges > 1)
		n += snprintf(line + n, sizeof(line) - n, " (unmonitored gaps folded away)");
	if (sample_us && aggr_us)
		snprintf(line + n, sizeof(line) - n, ", sampling %s, aggregation %s",
			 viz_fmt_time(a, sizeof(a), sample_us * 1e3),
			 viz_fmt_time(d, sizeof(d), aggr_us * 1e3));
	viz_text_aligned(c, l->w / 2, 38, viz_text_fit(fit, sizeof(fit), line, l->w - 16, 1), SOFT,
			 1, VIZ_ALIGN_CENTER, VIZ_ALIGN_LEFT);

	draw_cells(c, l, h, s, &hc->cmap);
	viz_canvas_rect(c, l->x0 - 1, l->y0 - 1, l->x1 - l->x0 + 2, l->y1 - l->y0 + 2, INK);
	draw_range_labels(c, l, h, m);
	viz_text(c, 8, l->y0 - 17, "address range", INK, 1);

	if (!viz_ticks_fit(&t, tlo, thi, l->x1 - l->x0, 0, VIZ_UNIT_TIME)) {
		viz_axis_x(c, l->x0, l->x1 - 1, l->y1, tlo, thi, &t, INK);
		snprintf(line, sizeof(line), "time (%s)", t.unit);
		viz_text_aligned(c, (l->x0 + l->x1) / 2, l->y1 + 24, line, INK, 1, VIZ_ALIGN_CENTER,
				 VIZ_ALIGN_LEFT);
	}

	scale_ticks(s, l->y1 - l->y0, &t);
	right = viz_colorbar(c, bar_x, l->y0, 16, l->y1 - l->y0, &hc->cmap, s->lo, s->hi, s->log,
			     &t, INK);
	snprintf(line, sizeof(line), "%s%s", s->what, s->log ? ", log scale" : "");
	viz_text_up(c, right + 12, (l->y0 + l->y1) / 2,
		    viz_text_fit(fit, sizeof(fit), line, l->y1 - l->y0, 1), INK, 1);
	viz_canvas_hatch(c, bar_x, l->y1 + 8, 16, 12, PAPER, HATCH, 6);
	viz_canvas_rect(c, bar_x - 1, l->y1 + 7, 18, 14, SOFT);
	viz_text(c, bar_x + 22, l->y1 + 8, "no data", SOFT, 1);

	snprintf(line, sizeof(line), "%s   input: %s", src, hc->path);
	viz_text(c, 8, l->h - 17, viz_text_fit(fit, sizeof(fit), line, l->w - 16, 1), SOFT, 1);

	text[0] = (struct viz_png_text){ "Source", hc->path };
	text[1] = (struct viz_png_text){ "Software", "daprof " DAPROF_VERSION };
	text[2] = (struct viz_png_text){ "Description", src };
	text[3] = (struct viz_png_text){ "Title", title };
	if (!strcmp(hc->out, "-"))
		ret = isatty(STDOUT_FILENO) ? -ENOTTY : viz_png_write_stream(c, stdout, text, 4);
	else
		ret = cmd_write_png(c, hc->out, text, 4);
	viz_canvas_free(c);
	return ret;
}

/* ---- terminal ---- */

static int term_columns(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col >= 20)
		return ws.ws_col;
	if (env && atoi(env) >= 20)
		return atoi(env);
	return 80;
}

static int term_rows(void)
{
	struct winsize ws;

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row >= 16)
		return ws.ws_row - 8 > 60 ? 60 : ws.ws_row - 8;
	return 20;
}

#define ASCII_LABEL 20	/* label column, including the space before the matrix */

static void print_ascii(const struct heat_cmd *hc, const struct heatmap *h,
			const struct dpf_meta *m, const struct heat_scale *s)
{
	int color = !getenv("NO_COLOR") || !*getenv("NO_COLOR");
	char line[512], a[32], cell[32];
	struct viz_ticks t;
	int last;
	double tlo = (double)(h->t_start_ns - h->rec_start_ns);
	double thi = (double)(h->t_end_ns - h->rec_start_ns);

	subject(m, h, hc->path, hc->hm.target, line, sizeof(line));
	printf("daprof heat map: %s (%s, %" PRIu64 " snapshots)\n", line,
	       viz_fmt_time(a, sizeof(a), thi - tlo), h->nr_snapshots);
	cmd_source_line(m, line, sizeof(line));
	printf("%s\n", line);
	for (size_t i = h->nr_ranges; i-- > 0;) {
		const struct heatmap_range *rg = &h->ranges[i];

		for (unsigned r = rg->nr_rows; r-- > 0;) {
			unsigned row = rg->row + r, from_top = rg->nr_rows - 1 - r;
			char label[ASCII_LABEL + 1] = "";

			if (from_top == 0) {
				range_label(h, m, rg, line, sizeof(line));
				viz_text_fit(label, ASCII_LABEL, line, (ASCII_LABEL - 1) * VIZ_FONT_W, 1);
			}
			else if (from_top == 1)
				viz_fmt_bytes(label, ASCII_LABEL, (double)(rg->end - rg->start));
			printf("%-*s|", ASCII_LABEL - 1, label);
			last = -1;
			for (unsigned col = 0; col < h->width; col++) {
				double v = heatmap_value(h, col, row), x;
				int level, idx;

				if (isnan(v)) {
					if (color && last != 0)
						fputs(VIZ_TERM_RESET, stdout);
					last = 0;
					putchar(' ');
					continue;
				}
				x = scale_t(s, v);
				level = x >= 1 ? 9 : x <= 0 ? 0 : (int)(x * 10);
				if (level > 9)
					level = 9;
				if (!color) {
					putchar('0' + level);
					continue;
				}
				/* an escape only where the colour changes */
				idx = viz_term_index(viz_colormap_at(&hc->cmap, x));
				if (idx != last) {
					viz_term_cell(cell, sizeof(cell), viz_colormap_at(&hc->cmap, x));
					fputs(cell, stdout);
					last = idx;
				}
				putchar(' ');
			}
			printf("%s|\n", color && last ? VIZ_TERM_RESET : "");
		}
		if (i)
			printf("%*s+%.*s+\n", ASCII_LABEL - 1, "", (int)h->width,
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
			int pos = ASCII_LABEL + col, n = (int)strlen(t.label[k]);

			if (pos < len + 1 || pos + n >= (int)sizeof(axis) - 8)
				continue;
			memcpy(axis + pos, t.label[k], n);
			len = pos + n;
		}
		len += snprintf(axis + len, sizeof(axis) - len, " %s", t.unit);
		printf("%.*s\n", len, axis);
	}
	printf("legend: ");
	for (int k = 0; k < 10; k++) {
		if (color) {
			viz_term_cell(cell, sizeof(cell), viz_colormap_at(&hc->cmap, (k + 0.5) / 10));
			printf("%s%d", cell, k);
		} else {
			putchar('0' + k);
		}
	}
	printf("%s %g to %g %s (%s%s); blank: not monitored\n", color ? VIZ_TERM_RESET : "",
	       s->log ? s->lo : 0.0, s->hi, s->unit, s->log ? "log" : "linear",
	       s->log ? "" : ", in tenths");
}

/* ---- TSV ---- */

static void print_tsv(const struct heat_cmd *hc, const struct heatmap *h,
		      const struct dpf_meta *m, const struct heat_scale *s)
{
	char line[512];

	printf("# daprof report heatmap: %s\n", hc->path);
	cmd_source_line(m, line, sizeof(line));
	printf("# %s\n", line);
	printf("# %u columns x %u rows; time_ns from the first snapshot (column start), addr of "
	       "the row start, value in %s (nan: not monitored)\n", h->width, h->height, s->unit);
	for (size_t i = 0; i < h->nr_ranges; i++)
		printf("# range %zu: target %u %s 0x%" PRIx64 "-0x%" PRIx64 " rows %u-%u\n", i,
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
				printf("%" PRIu64 "\t%" PRIu64 "\tnan\n", t0 - h->rec_start_ns, a0);
			else
				printf("%" PRIu64 "\t%" PRIu64 "\t%.9g\n", t0 - h->rec_start_ns, a0,
				       v * s->mult);
		}
	}
}

/* ---- command line ---- */

/* -o, --ascii and --tsv choose the output, and only one may be given */
struct heat_output_opt {
	struct heat_cmd *hc;
	int outputs;
};

static int opt_output(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	struct heat_output_opt *out = opt->value;

	out->hc->mode = *(const enum heat_mode *)opt->data;
	if (arg)
		out->hc->out = arg;
	out->outputs++;
	return 0;
}

static int opt_size(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t v;

	if (dp_parse_u64(arg, &v) || v < 1 || v > 10000)
		return dp_bad_usage(ctx->cmd, "bad %s '%s' (1 to 10000)", opt->long_name, arg);
	*(unsigned long long *)opt->value = v;
	return 0;
}

static int opt_colormap(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	if (viz_colormap_by_name(opt->value, arg))
		return dp_bad_usage(ctx->cmd, "unknown colour map '%s' (%s)", arg,
				    viz_colormap_names());
	return 0;
}

static const enum heat_mode mode_png = HEAT_PNG, mode_ascii = HEAT_ASCII, mode_tsv = HEAT_TSV;

static int parse_args(int argc, char **argv, struct heat_cmd *hc)
{
	struct heat_output_opt out = { .hc = hc };
	struct opt_range time = { 0 }, addr = { 0 };
	const struct parse_opt options[] = {
		OPT_INPUT(&hc->path),
		{ .type = PARSE_OPT_CALLBACK, .short_name = 'o', .long_name = "output",
		  .value = &out, .argh = "out.png", .help = "write the PNG image here "
		  "(default heatmap.png)", .callback = opt_output, .data = &mode_png },
		{ .type = PARSE_OPT_CALLBACK, .long_name = "ascii", .value = &out,
		  .help = "draw the map in the terminal", .callback = opt_output,
		  .data = &mode_ascii },
		{ .type = PARSE_OPT_CALLBACK, .long_name = "tsv", .value = &out,
		  .help = "print time, address and value rows", .callback = opt_output,
		  .data = &mode_tsv },
		OPT_CALLBACK(0, "width", PARSE_OPT_PTR(unsigned long long, &hc->width), "n",
			     "width of the output", opt_size),
		OPT_CALLBACK(0, "height", PARSE_OPT_PTR(unsigned long long, &hc->height), "n",
			     "height of the output", opt_size),
		OPT_TIME_RANGE(&time),
		OPT_ADDR_RANGE(&addr),
		OPT_CALLBACK(0, "colormap", PARSE_OPT_PTR(struct viz_colormap, &hc->cmap), "name",
			     "viridis (the default), magma, inferno or gray", opt_colormap),
		OPT_BOOL(0, "log", &hc->log, "a logarithmic colour scale"),
		OPT_BOOL(0, "percent", &hc->percent, "rates as a percentage of the highest"),
		OPT_TARGET(&hc->hm.target),
		OPT_END()
	};
	const char *cmd = "report heatmap";
	unsigned long long w, h;	/* at most 10000 each */
	int n = parse_options(argc, argv, options, cmd, NULL, 0);

	if (n < 0)
		return parse_opt_exit(n);
	if (n)
		return dp_bad_usage(cmd, "unexpected argument '%s'", argv[0]);
	if (time.set) {
		hc->hm.time_range = 1;
		hc->hm.time_lo_ns = time.lo;
		hc->hm.time_hi_ns = time.hi;
	}
	if (addr.set) {
		hc->hm.addr_range = 1;
		hc->hm.addr_lo = addr.lo;
		hc->hm.addr_hi = addr.hi;
	}
	if (out.outputs > 1)
		return dp_bad_usage(cmd, "choose one of -o, --ascii and --tsv");
	/*
	 * A cell costs about 17 bytes at the peak (the sums, the values, the picture): the budget
	 * keeps a map near 70 MB, well under the 256 MB a report may use (daprof-report-heatmap.1).
	 */
	w = hc->width ? hc->width : hc->mode == HEAT_PNG ? 1200 : hc->mode == HEAT_TSV ? 400 : 1;
	h = hc->height ? hc->height : hc->mode == HEAT_PNG ? 800 : hc->mode == HEAT_TSV ? 200 : 1;
	if (w * h > HEAT_MAX_CELLS)
		return dp_bad_usage(cmd, "a %llu x %llu map is too large (at most %u cells, about "
				    "70 MB)", w, h, HEAT_MAX_CELLS);
	if (hc->mode == HEAT_PNG && (hc->width && hc->width < 320))
		return dp_bad_usage(cmd, "an image needs --width 320 or more");
	if (hc->mode == HEAT_PNG && (hc->height && hc->height < 240))
		return dp_bad_usage(cmd, "an image needs --height 240 or more");
	return -1;
}

static const char *build_error(int err)
{
	switch (err) {
	case -ENODATA:
		return "no snapshots in the selected time, address and target range";
	case -EINVAL:
		return "more targets than rows; raise --height or choose one with --target";
	default:
		return dpf_strerror(err);
	}
}

int cmd_report_heatmap(int argc, char **argv)
{
	struct heat_cmd hc = { .path = "daprof.data", .out = "heatmap.png",
			       .hm = HEATMAP_OPTS_INIT };
	struct heatmap *h = NULL;
	struct dpf_reader *r;
	struct dpf_meta meta;
	struct heat_scale s;
	struct layout l = { 0 };
	int ret;

	viz_colormap_init(&hc.cmap, VIZ_CMAP_VIRIDIS);
	ret = parse_args(argc, argv, &hc);
	if (ret >= 0)
		return ret;
	if (cmd_open_recording(hc.path, &r))
		return 1;
	/* keep a copy of the metadata: the file is read again by heatmap_build() */
	dpf_meta_init(&meta);
	for (size_t i = 0; i < dpf_reader_meta(r)->nr; i++)
		dpf_meta_set(&meta, dpf_reader_meta(r)->entries[i].key,
			     dpf_reader_meta(r)->entries[i].value);
	dpf_reader_close(r);
	hc.hm.damage = cmd_warn_damage_cb;
	hc.hm.arg = (void *)hc.path;
	switch (hc.mode) {
	case HEAT_PNG:
		plan_png(hc.width ? (int)hc.width : 1200, hc.height ? (int)hc.height : 800, &l);
		hc.hm.width = l.x1 - l.x0;
		hc.hm.height = l.y1 - l.y0;
		hc.hm.min_rows = 16;
		hc.hm.sep_rows = 1;
		hc.hm.max_ranges = hc.hm.height / 17 < 24 ? hc.hm.height / 17 : 24;
		break;
	case HEAT_ASCII:
		hc.hm.width = (hc.width ? (int)hc.width : term_columns()) - ASCII_LABEL - 1;
		if ((int)hc.hm.width < 1 || hc.hm.width > 1000) {
			dp_error(0, "--width must leave 1 to 1000 columns for the map (%d are labels)",
				 ASCII_LABEL + 1);
			ret = 2;
			goto out;
		}
		hc.hm.height = hc.height ? hc.height : (unsigned)term_rows();
		hc.hm.min_rows = 2;
		hc.hm.sep_rows = 1;
		hc.hm.max_ranges = hc.hm.height / 3 > 1 ? hc.hm.height / 3 : 1;
		break;
	case HEAT_TSV:
		hc.hm.width = hc.width ? hc.width : 400;
		hc.hm.height = hc.height ? hc.height : 200;
		hc.hm.min_rows = 4;
		hc.hm.sep_rows = 0;
		break;
	}
	ret = heatmap_build(&h, hc.path, &hc.hm);
	if (ret) {
		dp_error_str(build_error(ret), "cannot draw '%s'", hc.path);
		ret = 1;
		goto out;
	}
	if (make_scale(&hc, h, &s)) {
		dp_error(0, "'%s' does not record its sampling interval; --percent needs it",
			 hc.path);
		ret = 1;
		goto out;
	}
	ret = 0;
	if (hc.mode == HEAT_ASCII) {
		print_ascii(&hc, h, &meta, &s);
	} else if (hc.mode == HEAT_TSV) {
		print_tsv(&hc, h, &meta, &s);
	} else {
		ret = render_png(&hc, h, &meta, &l, &s);
		if (ret == -ENOTTY) {
			dp_error(0, "not writing a PNG image to a terminal; redirect it or use -o FILE");
			ret = 1;
		} else if (ret) {
			dp_error(ret, "cannot write '%s'", hc.out);
			ret = 1;
		} else if (strcmp(hc.out, "-")) {
			dp_info("wrote %s (%dx%d, %zu address range%s)", hc.out, l.w, l.h,
				h->nr_ranges, h->nr_ranges == 1 ? "" : "s");
		}
	}
out:
	heatmap_free(h);
	dpf_meta_release(&meta);
	return ret;
}
