// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report wss": the working-set size per snapshot, summarised as percentiles (damo's
 * nearest-rank rule, so the numbers compare with "damo report wss") and a mean, as a table with
 * bars, CSV or JSON; --plot draws the time series and the distribution side by side.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/json-writer.h"
#include "cmd/parse-options.h"
#include "format/dpf.h"
#include "report/wss.h"
#include "viz/axis.h"
#include "viz/canvas.h"
#include "viz/font.h"
#include "viz/png.h"

#define MAX_PERCENTILES 64

enum wss_format { WSS_TEXT, WSS_JSON, WSS_CSV };	/* parse_opt_text_json_csv order */

struct wss_cmd {
	const char *path;
	const char *plot;
	enum wss_format format;
	int sum_targets;
	int series;		/* print every snapshot's WSS instead of the percentiles */
	int nr_pct;
	double pct[MAX_PERCENTILES];
	struct wss_opts o;
};

/* One series' summary: the sorted values and what is printed of them. */
struct wss_stat {
	const struct wss_series *s;
	uint64_t *sorted;
	uint64_t value[MAX_PERCENTILES];
	double mean;
};

#define INK	VIZ_RGB(0x202020)
#define PAPER	VIZ_RGB(0xffffff)
#define SOFT	VIZ_RGB(0x707070)
#define GRID	VIZ_RGB(0xe4e4e4)

/* Okabe and Ito's palette: distinguishable with every common colour-vision deficiency. */
static const unsigned series_colors[] = {
	0x0072b2, 0xd55e00, 0x009e73, 0xcc79a7, 0xe69f00, 0x56b4e9, 0x000000,
};

/* "target 0 (pid 42, ./bench --size 4G)" or "all targets, summed" */
static void series_name(const struct dpf_meta *m, uint32_t target, char *buf, size_t size)
{
	char key[64];
	const char *pid, *what;

	if (target == WSS_SUM_TARGET) {
		snprintf(buf, size, "all targets, summed");
		return;
	}
	snprintf(key, sizeof(key), "target.%u.pid", target);
	pid = dpf_meta_get(m, key);
	snprintf(key, sizeof(key), "target.%u.cmdline", target);
	what = dpf_meta_get(m, key);
	if (!what || !*what) {
		snprintf(key, sizeof(key), "target.%u.comm", target);
		what = dpf_meta_get(m, key);
	}
	char raw[512];

	snprintf(raw, sizeof(raw), "target %u%s%s%s%s%s%s", target, pid || what ? " (" : "",
		 pid ? "pid " : "", pid ? pid : "", pid && what ? ", " : "", what ? what : "",
		 pid || what ? ")" : "");
	dp_text_escape(buf, size, raw);	/* a stored newline must not break the line */
}

static void json_meta(struct json_writer *jw, const struct dpf_meta *m, const char *key)
{
	const char *v = dpf_meta_get(m, key);

	jsonw_name(jw, key);
	if (v)
		jsonw_string(jw, v);
	else
		jsonw_null(jw);
}

/* "target": 3, or "target": "sum" for the summed series */
static void json_target(struct json_writer *jw, const struct wss_series *s)
{
	jsonw_name(jw, "target");
	if (s->target == WSS_SUM_TARGET)
		jsonw_string(jw, "sum");
	else
		jsonw_uint(jw, s->target);
}

static int print_json(const struct wss_cmd *wc, const struct dpf_meta *m,
		      const struct wss_stat *st, size_t n)
{
	struct json_writer *jw = jsonw_new(stdout);

	if (!jw)
		return -ENOMEM;
	jsonw_start_object(jw, JSONW_LINES);
	jsonw_name(jw, "input");
	jsonw_string(jw, wc->path);
	json_meta(jw, m, "backend");
	json_meta(jw, m, "primitive");
	json_meta(jw, m, "primitive_sees");
	jsonw_name(jw, "min_accesses");
	jsonw_uint(jw, wc->o.min_accesses);
	jsonw_name(jw, "skip_snapshots");
	jsonw_uint(jw, wc->o.skip);
	jsonw_name(jw, "targets");
	jsonw_start_array(jw, JSONW_LINES);
	for (size_t i = 0; i < n; i++) {
		const struct wss_series *s = st[i].s;

		jsonw_start_object(jw, JSONW_INLINE);
		json_target(jw, s);
		jsonw_name(jw, "snapshots");
		jsonw_uint(jw, s->n);
		jsonw_name(jw, "skipped");
		jsonw_uint(jw, s->skipped);
		jsonw_name(jw, "mean");
		jsonw_float_fmt(jw, "%.1f", st[i].mean);
		jsonw_name(jw, "percentiles");
		jsonw_start_array(jw, JSONW_INLINE);
		for (int k = 0; k < wc->nr_pct; k++) {
			jsonw_start_object(jw, JSONW_INLINE);
			jsonw_name(jw, "percentile");
			jsonw_float_fmt(jw, "%g", wc->pct[k]);
			jsonw_name(jw, "bytes");
			jsonw_uint(jw, st[i].value[k]);
			jsonw_end_object(jw);
		}
		jsonw_end_array(jw);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_end_object(jw);
	jsonw_destroy(&jw);
	return 0;
}

/* Every snapshot's WSS as JSON: per series, the times and the bytes. */
static int print_series_json(const struct wss_cmd *wc, const struct wss *w)
{
	struct json_writer *jw = jsonw_new(stdout);

	if (!jw)
		return -ENOMEM;
	jsonw_start_object(jw, JSONW_LINES);
	jsonw_name(jw, "input");
	jsonw_string(jw, wc->path);
	jsonw_name(jw, "min_accesses");
	jsonw_uint(jw, wc->o.min_accesses);
	jsonw_name(jw, "series");
	jsonw_start_array(jw, JSONW_LINES);
	for (size_t i = 0; i < w->nr_series; i++) {
		const struct wss_series *s = &w->series[i];

		jsonw_start_object(jw, JSONW_INLINE);
		json_target(jw, s);
		jsonw_name(jw, "time_ns");
		jsonw_start_array(jw, JSONW_INLINE);
		for (size_t k = 0; k < s->n; k++)
			jsonw_uint(jw, s->time_ns[k] - w->rec_start_ns);
		jsonw_end_array(jw);
		jsonw_name(jw, "bytes");
		jsonw_start_array(jw, JSONW_INLINE);
		for (size_t k = 0; k < s->n; k++)
			jsonw_uint(jw, s->bytes[k]);
		jsonw_end_array(jw);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_end_object(jw);
	jsonw_destroy(&jw);
	return 0;
}

static void print_csv(const struct wss_cmd *wc, const struct wss_stat *st, size_t n)
{
	/* one series: exactly "percentile,bytes"; several: which one, first */
	printf(n > 1 ? "target,percentile,bytes\n" : "percentile,bytes\n");
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < wc->nr_pct; k++) {
			if (n > 1)
				printf("%u,", st[i].s->target);
			printf("%g,%" PRIu64 "\n", wc->pct[k], st[i].value[k]);
		}
	}
}

static void print_bar(uint64_t v, uint64_t max)
{
	int n = max ? (int)llround(40.0 * (double)v / (double)max) : 0;

	if (n)
		printf("  ");
	for (int i = 0; i < n; i++)
		putchar('#');
}

static void print_text(const struct wss_cmd *wc, const struct dpf_meta *m,
		       const struct wss_stat *st, size_t n)
{
	char line[512], a[32];

	printf("daprof report wss: ");
	dp_text_puts(wc->path);
	cmd_source_line(m, line, sizeof(line));
	putchar('\n');
	dp_text_puts(line);
	putchar('\n');
	printf("working set: bytes of regions with nr_accesses >= %u, per snapshot",
	       wc->o.min_accesses);
	if (wc->o.skip)
		printf(" (first %" PRIu64 " snapshots of each target skipped)", wc->o.skip);
	printf("\n");
	for (size_t i = 0; i < n; i++) {
		const struct wss_series *s = st[i].s;
		uint64_t max = s->n ? st[i].sorted[s->n - 1] : 0;

		series_name(m, s->target, line, sizeof(line));
		printf("\n%s: %zu snapshot%s\n", line, s->n, s->n == 1 ? "" : "s");
		if (!s->n) {
			printf("  no snapshots left to summarise\n");
			continue;
		}
		printf("  %10s %16s %12s\n", "percentile", "bytes", "size");
		for (int k = 0; k < wc->nr_pct; k++) {
			printf("  %10g %16" PRIu64 " %12s", wc->pct[k], st[i].value[k],
			       dp_fmt_size(a, st[i].value[k]));
			print_bar(st[i].value[k], max);
			putchar('\n');
		}
		printf("  %10s %16.0f %12s\n", "mean", st[i].mean,
		       dp_fmt_size(a, (uint64_t)llround(st[i].mean)));
	}
}

/* Every snapshot: "time_ns bytes", time from the first snapshot of the recording. */
static int print_series(const struct wss_cmd *wc, const struct dpf_meta *m, const struct wss *w)
{
	char line[512];
	int several = w->nr_series > 1;

	if (wc->format == WSS_JSON)
		return print_series_json(wc, w);
	if (wc->format == WSS_CSV) {
		printf(several ? "target,time_ns,bytes\n" : "time_ns,bytes\n");
	} else {
		printf("daprof report wss: %s\n", wc->path);
		cmd_source_line(m, line, sizeof(line));
		printf("%s\n", line);
	}
	for (size_t i = 0; i < w->nr_series; i++) {
		const struct wss_series *s = &w->series[i];

		if (wc->format == WSS_TEXT) {
			series_name(m, s->target, line, sizeof(line));
			printf("\n%s\n  %14s %16s\n", line, "time_ns", "bytes");
		}
		for (size_t k = 0; k < s->n; k++) {
			if (wc->format == WSS_CSV && several)
				printf("%u,", s->target);
			printf(wc->format == WSS_CSV ? "%" PRIu64 ",%" PRIu64 "\n" :
			       "  %14" PRIu64 " %16" PRIu64 "\n", s->time_ns[k] - w->rec_start_ns,
			       s->bytes[k]);
		}
	}
	return 0;
}

/* ---- the plot ---- */

static double nice_top(double max)
{
	struct viz_ticks t;

	if (!(max > 0))
		return 1;
	if (viz_ticks_linear(&t, 0, max, 6, VIZ_UNIT_BYTES) || !t.n)
		return max;
	return t.value[t.n - 1] >= max ? t.value[t.n - 1] : t.value[t.n - 1] + t.step;
}

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

static int render_plot(const struct wss_cmd *wc, const struct dpf_meta *m, const struct wss *w,
		       const struct wss_stat *st, size_t n)
{
	const int W = 1200, H = 530, top = 78, bottom = H - 70;
	const int lx0 = 90, lx1 = 730, rx0 = 800, rx1 = W - 30;
	struct viz_canvas *c;
	struct viz_ticks ty, tx, tp;
	struct viz_png_text text[4];
	char line[512], fit[512], src[256], title[300], a[32];
	double ymax = 0, tmax = (double)(w->rec_end_ns - w->rec_start_ns);
	int ret, n_sub;

	for (size_t i = 0; i < n; i++)
		if (st[i].s->n && st[i].sorted[st[i].s->n - 1] > ymax)
			ymax = (double)st[i].sorted[st[i].s->n - 1];
	ymax = nice_top(ymax);
	if (!(tmax > 0))
		tmax = 1;
	ret = viz_canvas_new(&c, W, H, PAPER);
	if (ret)
		return ret;
	series_name(m, n == 1 ? st[0].s->target : 0, line, sizeof(line));
	if (n > 1)
		snprintf(line, sizeof(line), "%zu targets", n);
	snprintf(title, sizeof(title), "Working set size: %s", line);
	viz_text_aligned(c, W / 2, 10, viz_text_fit(fit, sizeof(fit), title, W - 16, 2), INK, 2,
			 VIZ_ALIGN_CENTER, VIZ_ALIGN_LEFT);
	n_sub = snprintf(line, sizeof(line), "bytes of regions with nr_accesses >= %u in each "
			 "snapshot", wc->o.min_accesses);
	if (wc->o.skip)
		snprintf(line + n_sub, sizeof(line) - n_sub, "; the first %" PRIu64 " snapshots of "
			 "each target skipped", wc->o.skip);
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
		for (int k = 0; k < wc->nr_pct && s->n; k++) {
			double x = rx0 + wc->pct[k] / 100 * (rx1 - rx0);
			double y = bottom - (double)st[i].value[k] / ymax * (bottom - top);

			viz_canvas_fill(c, (int)lround(x) - 2, (int)lround(y) - 2, 5, 5, col);
		}
		if (n > 1) {
			series_name(m, s->target, line, sizeof(line));
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
	cmd_source_line(m, src, sizeof(src));
	if (n == 1 && st[0].s->n)
		snprintf(line, sizeof(line), "%s   mean %s   input: %s", src,
			 dp_fmt_size(a, (uint64_t)llround(st[0].mean)), wc->path);
	else
		snprintf(line, sizeof(line), "%s   input: %s", src, wc->path);
	viz_text(c, 8, H - 17, viz_text_fit(fit, sizeof(fit), line, W - 16, 1), SOFT, 1);

	text[0] = (struct viz_png_text){ "Source", wc->path };
	text[1] = (struct viz_png_text){ "Software", "daprof " DAPROF_VERSION };
	text[2] = (struct viz_png_text){ "Description", src };
	text[3] = (struct viz_png_text){ "Title", title };
	ret = cmd_write_png(c, wc->plot, text, 4);
	viz_canvas_free(c);
	return ret;
}

/* ---- command line ---- */

static int parse_percentiles(const char *arg, struct wss_cmd *wc)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	wc->nr_pct = 0;
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		char *end;
		double p = strtod(tok, &end);

		if (*end || end == tok || !(p >= 0 && p <= 100) || wc->nr_pct == MAX_PERCENTILES) {
			ret = -EINVAL;
			break;
		}
		wc->pct[wc->nr_pct++] = p;
	}
	if (!wc->nr_pct)
		ret = -EINVAL;
	free(copy);
	return ret;
}

static int opt_percentiles(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	if (parse_percentiles(arg, opt->value))
		return dp_bad_usage(ctx->cmd, "bad percentile list '%s' (numbers 0 to 100, "
				    "comma-separated, at most %d)", arg, MAX_PERCENTILES);
	return 0;
}

static int opt_min_accesses(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t v;

	if (dp_parse_u64(arg, &v) || v > UINT32_MAX)
		return dp_bad_usage(ctx->cmd, "bad --min-accesses '%s'", arg);
	*(uint32_t *)opt->value = (uint32_t)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct wss_cmd *wc)
{
	int format = WSS_TEXT;
	const struct parse_opt options[] = {
		OPT_INPUT(&wc->path),
		OPT_OUTPUT(&wc->plot, "out.png", "also draw the working set to this PNG file"),
		{ .type = PARSE_OPT_STRING, .long_name = "plot", .value = &wc->plot,
		  .argh = "out.png", .help = "the same as --output (its older name)",
		  .flags = PARSE_OPT_NO_USAGE_LINE },
		OPT_CALLBACK(0, "percentiles", PARSE_OPT_PTR(struct wss_cmd, wc), "list",
			     "comma-separated percentiles (default 0,25,50,75,90,99,100)",
			     opt_percentiles),
		OPT_CALLBACK(0, "min-accesses", PARSE_OPT_PTR(uint32_t, &wc->o.min_accesses), "n",
			     "the least nr_accesses of the working set (default 1)",
			     opt_min_accesses),
		OPT_SKIP_SNAPSHOTS(&wc->o.skip),
		OPT_BOOL(0, "sum-targets", &wc->sum_targets, "one series, the sum of all targets"),
		OPT_BOOL(0, "series", &wc->series, "every snapshot's working set, not percentiles"),
		OPT_FORMAT(&format, parse_opt_text_json_csv, "text (the default), json or csv"),
		OPT_END()
	};
	const char *cmd = "report wss";
	int n = parse_options(argc, argv, options, cmd, NULL, 0);

	if (n < 0)
		return parse_opt_exit(n);
	if (n)
		return dp_bad_usage(cmd, "unexpected argument '%s'", argv[0]);
	wc->format = format;
	return -1;
}

int cmd_report_wss(int argc, char **argv)
{
	static const double default_pct[] = { 0, 25, 50, 75, 90, 99, 100 };
	struct wss_cmd wc = { .path = "daprof.data", .o = WSS_OPTS_INIT };
	struct wss_stat *st = NULL;
	struct dpf_reader *r;
	struct wss *w = NULL;
	size_t n = 0, total = 0;
	int ret;

	wc.nr_pct = sizeof(default_pct) / sizeof(default_pct[0]);
	memcpy(wc.pct, default_pct, sizeof(default_pct));
	ret = parse_args(argc, argv, &wc);
	if (ret >= 0)
		return ret;
	if (cmd_open_recording(wc.path, &r))
		return 1;
	wc.o.damage = cmd_warn_damage_cb;
	wc.o.arg = (void *)wc.path;
	ret = wss_build(&w, r, &wc.o);
	if (!ret && wc.sum_targets)
		ret = wss_sum_targets(w);
	if (ret) {
		dp_error_str(dpf_strerror(ret), "cannot read '%s'", wc.path);
		ret = 1;
		goto out;
	}
	n = w->nr_series;
	for (size_t i = 0; i < n; i++)
		total += w->series[i].n;
	if (!total) {
		if (n && w->series[0].skipped)
			dp_error(0, "no snapshots left in '%s' after skipping %" PRIu64 " of each "
				 "target", wc.path, wc.o.skip);
		else
			dp_error(0, "no snapshots in '%s'", wc.path);
		ret = 1;
		goto out;
	}
	st = calloc(n, sizeof(*st));
	if (!st) {
		dp_error(-ENOMEM, "cannot summarise '%s'", wc.path);
		ret = 1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		st[i].s = &w->series[i];
		if (wss_sorted(st[i].s, &st[i].sorted)) {
			dp_error(-ENOMEM, "cannot summarise '%s'", wc.path);
			ret = 1;
			goto out;
		}
		for (int k = 0; k < wc.nr_pct; k++)
			st[i].value[k] = wss_percentile(st[i].sorted, st[i].s->n, wc.pct[k]);
		st[i].mean = wss_mean(st[i].s);
	}
	ret = 0;
	if (wc.series)
		ret = print_series(&wc, dpf_reader_meta(r), w);
	else if (wc.format == WSS_JSON)
		ret = print_json(&wc, dpf_reader_meta(r), st, n);
	else if (wc.format == WSS_CSV)
		print_csv(&wc, st, n);
	else
		print_text(&wc, dpf_reader_meta(r), st, n);
	if (ret) {
		dp_error(ret, "cannot print '%s'", wc.path);
		ret = 1;
		goto out;
	}
	if (wc.plot) {
		int err = render_plot(&wc, dpf_reader_meta(r), w, st, n);

		if (err) {
			dp_error(err, "cannot write '%s'", wc.plot);
			ret = 1;
		}
	}
out:
	for (size_t i = 0; st && i < n; i++)
		free(st[i].sorted);
	free(st);
	wss_free(w);
	dpf_reader_close(r);
	return ret;
}
