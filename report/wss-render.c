// SPDX-License-Identifier: GPL-2.0
/*
 * Drawing a working-set report with viz/: the series' names, and the picture of each series over
 * time beside its distribution (the sorted values as steps, the reported percentiles marked),
 * the two panels sharing the WSS axis. Every number comes from the series' metrics (wss.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/session.h"
#include "report/text.h"
#include "report/units.h"
#include "report/wss-render.h"
#include "viz/axis.h"
#include "viz/canvas.h"
#include "viz/font.h"

#define INK	VIZ_RGB(0x202020)
#define PAPER	VIZ_RGB(0xffffff)
#define SOFT	VIZ_RGB(0x707070)
#define GRID	VIZ_RGB(0xe4e4e4)

/* Okabe and Ito's palette: distinguishable with every common colour-vision deficiency. */
static const unsigned series_colors[] = {
	0x0072b2, 0xd55e00, 0x009e73, 0xcc79a7, 0xe69f00, 0x56b4e9, 0x000000,
};

char *wss_series_name(const struct session *ses, uint32_t target, char *buf, size_t size)
{
	const struct session_target *t = session_target(ses, target);
	const char *what = t ? (t->cmdline ? t->cmdline : t->comm) : NULL;
	char raw[512], pid[32] = "";

	if (target == WSS_SUM_TARGET) {
		snprintf(buf, size, "all targets, summed");
		return buf;
	}
	if (t && t->pid)
		snprintf(pid, sizeof(pid), "pid %llu", (unsigned long long)t->pid);
	snprintf(raw, sizeof(raw), "target %u%s%s%s%s%s", target, *pid || what ? " (" : "", pid,
		 *pid && what ? ", " : "", what ? what : "", *pid || what ? ")" : "");
	return report_text_escape(buf, size, raw);	/* a stored newline must not break the line */
}

static double nice_top(double max)
{
	struct viz_ticks t;

	if (!(max > 0))
		return 1;
	if (viz_ticks_linear(&t, 0, max, 6, VIZ_UNIT_BYTES) || !t.n)
		return max;
	return t.value[t.n - 1] >= max ? t.value[t.n - 1] : t.value[t.n - 1] + t.step;
}

/* ---- text ---- */

static void print_bar(FILE *out, uint64_t v, uint64_t max)
{
	int n = max ? (int)llround(40.0 * (double)v / (double)max) : 0;

	if (n)
		fputs("  ", out);
	for (int i = 0; i < n; i++)
		putc('#', out);
}

void wss_print_table(FILE *out, const struct wss_view *v, const struct session *ses,
		     const struct wss_stats *st, size_t n)
{
	char line[512], a[UNITS_BUF];

	fprintf(out, "daprof report wss: ");
	report_text_fputs(out, v->input);
	putc('\n', out);
	report_text_fputs(out, session_facts(ses)->source_line);
	putc('\n', out);
	if (session_facts(ses)->sees_caveat)
		fprintf(out, "note: %s\n", session_facts(ses)->sees_caveat);
	fprintf(out, "%s: bytes of regions with nr_accesses >= %u%s, per snapshot",
		sees_wss_label(session_facts(ses)->sees), v->min_accesses,
		sees_weighted(session_facts(ses)->sees) && session_facts(ses)->sample_us ?
		" times their share of accessed samples" : "");
	if (v->skip)
		fprintf(out, " (first %" PRIu64 " snapshots of each target skipped)", v->skip);
	fprintf(out, "\n");
	for (size_t i = 0; i < n; i++) {
		const struct wss_series *s = st[i].s;
		uint64_t max = (uint64_t)wss_stats_get(&st[i], "wss.max");
		double mean = wss_stats_get(&st[i], "wss.mean");

		wss_series_name(ses, s->target, line, sizeof(line));
		fprintf(out, "\n%s: %zu snapshot%s\n", line, s->n, s->n == 1 ? "" : "s");
		if (!s->n) {
			fprintf(out, "  no snapshots left to summarise\n");
			continue;
		}
		fprintf(out, "  %10s %16s %12s\n", "percentile", "bytes", "size");
		for (int k = 0; k < v->nr_pct; k++) {
			uint64_t b = wss_stats_percentile(&st[i], v->pct[k]);

			fprintf(out, "  %10g %16" PRIu64 " %12s", v->pct[k], b,
				units_size(a, sizeof(a), b));
			print_bar(out, b, max);
			putc('\n', out);
		}
		fprintf(out, "  %10s %16.0f %12s\n", "mean", mean,
			units_size(a, sizeof(a), (uint64_t)llround(mean)));
	}
}

void wss_print_metrics(FILE *out, const struct wss_view *v, const struct session *ses,
		       const struct wss_stats *st, size_t n, int csv)
{
	char line[512], a[UNITS_BUF];

	if (csv)
		fprintf(out, "target,metric,value,unit\n");
	else
		fprintf(out, "working set: bytes of regions with nr_accesses >= %u, per snapshot\n",
			v->min_accesses);
	for (size_t i = 0; i < n; i++) {
		const struct metrics *ms = &st[i].metrics;

		if (!csv) {
			wss_series_name(ses, st[i].s->target, line, sizeof(line));
			fprintf(out, "\n%s\n", line);
		}
		for (size_t k = 0; k < ms->nr; k++) {
			const struct metric *m = &ms->m[k];

			if (!csv) {
				fprintf(out, "  %-20s %14s  %s\n", m->name,
					metric_format(a, sizeof(a), m), m->description);
				continue;
			}
			if (st[i].s->target == WSS_SUM_TARGET)
				fprintf(out, "sum,");
			else
				fprintf(out, "%u,", st[i].s->target);
			if (m->integral)
				fprintf(out, "%s,%" PRIu64 ",%s\n", m->name, m->u64,
					metric_unit_name(m->unit));
			else
				fprintf(out, "%s,%.17g,%s\n", m->name, m->value,
					metric_unit_name(m->unit));
		}
	}
}

void wss_print_csv(FILE *out, const struct wss_view *v, const struct wss_stats *st, size_t n)
{
	/* one series: exactly "percentile,bytes"; several: which one, first */
	fprintf(out, n > 1 ? "target,percentile,bytes\n" : "percentile,bytes\n");
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < v->nr_pct; k++) {
			if (n > 1)
				fprintf(out, "%u,", st[i].s->target);
			fprintf(out, "%g,%" PRIu64 "\n", v->pct[k],
				wss_stats_percentile(&st[i], v->pct[k]));
		}
	}
}

void wss_print_series(FILE *out, const struct wss_view *v, const struct session *ses,
		      const struct wss *w, int csv)
{
	char line[512];
	int several = w->nr_series > 1;

	if (csv) {
		fprintf(out, several ? "target,time_ns,bytes\n" : "time_ns,bytes\n");
	} else {
		fprintf(out, "daprof report wss: %s\n", v->input);
		fprintf(out, "%s\n", session_facts(ses)->source_line);
		if (session_facts(ses)->sees_caveat)
			fprintf(out, "note: %s\n", session_facts(ses)->sees_caveat);
	}
	for (size_t i = 0; i < w->nr_series; i++) {
		const struct wss_series *s = &w->series[i];

		if (!csv) {
			wss_series_name(ses, s->target, line, sizeof(line));
			fprintf(out, "\n%s\n  %14s %16s\n", line, "time_ns", "bytes");
		}
		for (size_t k = 0; k < s->n; k++) {
			if (csv && several)
				fprintf(out, "%u,", s->target);
			fprintf(out, csv ? "%" PRIu64 ",%" PRIu64 "\n" : "  %14" PRIu64 " %16" PRIu64
				"\n", s->time_ns[k] - w->rec_start_ns, s->bytes[k]);
		}
	}
}

/* ---- the picture ---- */

/*
 * A polyline that draws the points falling into one pixel column as that column's extent, so
 * that 10,000 snapshots cost about one segment per column and look the same as every segment.
 */
struct trace {
	struct viz_canvas *c;
	struct viz_rgb col;
	int have, joined;
	long column;
	double x, ymin, ymax, yfirst, ylast;
	double px, py;		/* the last point of the previous column */
};

static void trace_flush(struct trace *t)
{
	if (t->joined)
		viz_canvas_line(t->c, t->px, t->py, t->x, t->yfirst, 1.5, t->col);
	if (t->ymax > t->ymin)
		viz_canvas_line(t->c, t->x, t->ymin, t->x, t->ymax, 1.5, t->col);
	t->px = t->x;
	t->py = t->ylast;
	t->joined = 1;
}

static void trace_point(struct trace *t, double x, double y)
{
	long column = lround(x);

	if (t->have && column == t->column) {
		t->ymin = fmin(t->ymin, y);
		t->ymax = fmax(t->ymax, y);
		t->ylast = y;
		return;
	}
	if (t->have)
		trace_flush(t);
	t->have = 1;
	t->column = column;
	t->x = x;
	t->ymin = t->ymax = t->yfirst = t->ylast = y;
}

static void trace_end(struct trace *t)
{
	if (t->have)
		trace_flush(t);
}

int wss_render_png(struct wss_png *out, const struct wss_view *v, const struct session *ses,
		   const struct wss *w, const struct wss_stats *st, size_t n)
{
	const int W = 1200, H = 530, top = 78, bottom = H - 84;	/* room for a note line */
	const int lx0 = 90, lx1 = 730, rx0 = 800, rx1 = W - 30;
	struct viz_canvas *c;
	struct viz_ticks ty, tx, tp;
	char line[512], fit[512], a[UNITS_BUF];
	double ymax = 0, tmax = (double)(w->rec_end_ns - w->rec_start_ns);
	int ret, n_sub;

	for (size_t i = 0; i < n; i++)
		if (st[i].s->n && wss_stats_get(&st[i], "wss.max") > ymax)
			ymax = wss_stats_get(&st[i], "wss.max");
	ymax = nice_top(ymax);
	if (!(tmax > 0))
		tmax = 1;
	ret = viz_canvas_new(&c, W, H, PAPER);
	if (ret)
		return ret;
	wss_series_name(ses, n == 1 ? st[0].s->target : 0, line, sizeof(line));
	if (n > 1)
		snprintf(line, sizeof(line), "%zu targets", n);
	snprintf(out->title, sizeof(out->title), "Working set size: %s", line);
	viz_text_aligned(c, W / 2, 10, viz_text_fit(fit, sizeof(fit), out->title, W - 16, 2), INK, 2,
			 VIZ_ALIGN_CENTER, VIZ_ALIGN_LEFT);
	n_sub = snprintf(line, sizeof(line), "bytes of regions with nr_accesses >= %u in each "
			 "snapshot", v->min_accesses);
	if (v->skip)
		snprintf(line + n_sub, sizeof(line) - n_sub, "; the first %" PRIu64 " snapshots of "
			 "each target skipped", v->skip);
	viz_text_aligned(c, W / 2, 38, line, SOFT, 1, VIZ_ALIGN_CENTER, VIZ_ALIGN_LEFT);

	/* both panels share the WSS axis */
	viz_ticks_fit(&ty, 0, ymax, bottom - top, 1, VIZ_UNIT_BYTES);
	viz_ticks_fit(&tx, 0, tmax, lx1 - lx0, 0, VIZ_UNIT_TIME);
	viz_ticks_linear(&tp, 0, 100, 10, VIZ_UNIT_NUMBER);
	viz_grid_y(c, lx0, lx1, bottom, top, 0, ymax, &ty, GRID);
	viz_grid_y(c, rx0, rx1, bottom, top, 0, ymax, &ty, GRID);
	viz_grid_x(c, rx0, rx1, bottom, top, 0, 100, &tp, GRID);
	for (size_t i = 0; i < n; i++) {
		const struct wss_series *s = st[i].s;
		struct viz_rgb col = VIZ_RGB(series_colors[i % 7]);
		struct trace tr = { .c = c, .col = col };

		for (size_t k = 0; k < s->n; k++) {
			double x = lx0 + (double)(s->time_ns[k] - w->rec_start_ns) / tmax * (lx1 - lx0);
			double y = bottom - (double)s->bytes[k] / ymax * (bottom - top);

			trace_point(&tr, x, y);
			if (s->n == 1)
				viz_canvas_fill(c, (int)x - 2, (int)y - 2, 5, 5, col);
		}
		trace_end(&tr);
		/* the distribution: the k-th smallest value at percentile 100 k / (n - 1), as steps */
		tr = (struct trace){ .c = c, .col = col };
		for (size_t k = 0; k < s->n; k++) {
			double x = rx0 + (s->n > 1 ? (double)k / (s->n - 1) : 0.5) * (rx1 - rx0);
			double y = bottom - (double)st[i].sorted[k] / ymax * (bottom - top);

			if (k)
				trace_point(&tr, x, bottom - (double)st[i].sorted[k - 1] / ymax *
					    (bottom - top));
			trace_point(&tr, x, y);
		}
		trace_end(&tr);
		for (int k = 0; k < v->nr_pct && s->n; k++) {
			double x = rx0 + v->pct[k] / 100 * (rx1 - rx0);
			double y = bottom - (double)wss_stats_percentile(&st[i], v->pct[k]) / ymax *
				   (bottom - top);

			viz_canvas_fill(c, (int)lround(x) - 2, (int)lround(y) - 2, 5, 5, col);
		}
		if (n > 1) {
			wss_series_name(ses, s->target, line, sizeof(line));
			viz_canvas_fill(c, lx0 + 12, top + 12 + 16 * (int)i, 14, 3, col);
			viz_text_aligned(c, lx0 + 32, top + 13 + 16 * (int)i,
					 viz_text_fit(fit, sizeof(fit), line, lx1 - lx0 - 44, 1), INK,
					 1, VIZ_ALIGN_LEFT, VIZ_ALIGN_CENTER);
		}
	}
	viz_canvas_rect(c, lx0, top, lx1 - lx0 + 1, bottom - top + 1, INK);
	viz_canvas_rect(c, rx0, top, rx1 - rx0 + 1, bottom - top + 1, INK);
	viz_axis_y(c, lx0, bottom, top, 0, ymax, &ty, INK);
	viz_axis_y(c, rx0, bottom, top, 0, ymax, &ty, INK);
	viz_axis_x(c, lx0, lx1, bottom, 0, tmax, &tx, INK);
	viz_axis_x(c, rx0, rx1, bottom, 0, 100, &tp, INK);
	snprintf(line, sizeof(line), "working set (%s)", ty.unit);
	viz_text_up(c, 16, (top + bottom) / 2, line, INK, 1);
	snprintf(line, sizeof(line), "time (%s)", tx.unit);
	viz_text_aligned(c, (lx0 + lx1) / 2, bottom + 24, line, INK, 1, VIZ_ALIGN_CENTER,
			 VIZ_ALIGN_LEFT);
	viz_text_aligned(c, (rx0 + rx1) / 2, bottom + 24, "percentile of snapshots (%)", INK, 1,
			 VIZ_ALIGN_CENTER, VIZ_ALIGN_LEFT);
	viz_text_aligned(c, (lx0 + lx1) / 2, top - 17, "over time", INK, 1, VIZ_ALIGN_CENTER,
			 VIZ_ALIGN_LEFT);
	viz_text_aligned(c, (rx0 + rx1) / 2, top - 17, "distribution (marks: reported percentiles)",
			 INK, 1, VIZ_ALIGN_CENTER, VIZ_ALIGN_LEFT);
	snprintf(out->source, sizeof(out->source), "%s", session_facts(ses)->source_line);
	if (n == 1 && st[0].s->n)
		snprintf(line, sizeof(line), "%s   mean %s   input: %s", out->source,
			 units_size(a, sizeof(a), (uint64_t)llround(wss_stats_get(&st[0], "wss.mean"))),
			 v->input);
	else
		snprintf(line, sizeof(line), "%s   input: %s", out->source, v->input);
	viz_text(c, 8, H - 17, viz_text_fit(fit, sizeof(fit), line, W - 16, 1), SOFT, 1);
	if (session_facts(ses)->sees_caveat) {
		snprintf(line, sizeof(line), "note: %s", session_facts(ses)->sees_caveat);
		viz_text(c, 8, H - 31, viz_text_fit(fit, sizeof(fit), line, W - 16, 1), INK, 1);
	}

	out->canvas = c;
	out->text[0] = (struct viz_png_text){ "Source", v->input };
	out->text[1] = (struct viz_png_text){ "Software", v->software };
	out->text[2] = (struct viz_png_text){ "Description", out->source };
	out->text[3] = (struct viz_png_text){ "Title", out->title };
	return 0;
}
