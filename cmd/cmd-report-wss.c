// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report wss": the working-set size per snapshot, summarised as percentiles (damo's
 * nearest-rank rule, so the numbers compare with "damo report wss") and a mean, as a table with
 * bars, CSV or JSON; --plot draws the time series and the distribution side by side. Options,
 * wiring and JSON only: the recording is read through a session (report/session.h), the
 * series and their named metrics are report/wss.c's, the table, CSV rows and picture
 * report/wss-render.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/json-writer.h"
#include "cmd/parse-options.h"
#include "format/dpf.h"
#include "report/session.h"
#include "report/wss-render.h"
#include "report/wss.h"
#include "viz/canvas.h"

#define MAX_PERCENTILES 64

enum wss_format { WSS_TEXT, WSS_JSON, WSS_CSV };	/* parse_opt_text_json_csv order */

struct wss_cmd {
	const char *path;
	const char *plot;
	enum wss_format format;
	int sum_targets;
	int series;		/* print every snapshot's WSS instead of the percentiles */
	int metrics;		/* print every named metric instead of the percentiles */
	int nr_pct;
	double pct[MAX_PERCENTILES];
	struct wss_opts o;
	struct opt_filters sel;
};

/* "backend": "sampler", or null when the recording does not say */
static void json_fact(struct json_writer *jw, const char *key, const char *v)
{
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

static int print_json(const struct wss_cmd *wc, const struct session_facts *f,
		      const struct wss_stats *st, size_t n)
{
	struct json_writer *jw = jsonw_new(stdout);

	if (!jw)
		return -ENOMEM;
	jsonw_start_object(jw, JSONW_LINES);
	jsonw_name(jw, "input");
	jsonw_string(jw, wc->path);
	json_fact(jw, "backend", f->backend);
	json_fact(jw, "primitive", f->primitive);
	json_fact(jw, "primitive_sees", f->primitive_sees);
	json_fact(jw, "caveat", f->sees_caveat);
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
		jsonw_uint(jw, metrics_find(&st[i].metrics, "wss.snapshots")->u64);
		jsonw_name(jw, "skipped");
		jsonw_uint(jw, metrics_find(&st[i].metrics, "wss.skipped")->u64);
		jsonw_name(jw, "mean");
		jsonw_float_fmt(jw, "%.1f", wss_stats_get(&st[i], "wss.mean"));
		jsonw_name(jw, "percentiles");
		jsonw_start_array(jw, JSONW_INLINE);
		for (int k = 0; k < wc->nr_pct; k++) {
			jsonw_start_object(jw, JSONW_INLINE);
			jsonw_name(jw, "percentile");
			jsonw_float_fmt(jw, "%g", wc->pct[k]);
			jsonw_name(jw, "bytes");
			jsonw_uint(jw, wss_stats_percentile(&st[i], wc->pct[k]));
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

/* The start of a listing in JSON: the input, the threshold and the list named @list opened. */
static struct json_writer *json_begin(const struct wss_cmd *wc, const char *list)
{
	struct json_writer *jw = jsonw_new(stdout);

	if (!jw)
		return NULL;
	jsonw_start_object(jw, JSONW_LINES);
	jsonw_name(jw, "input");
	jsonw_string(jw, wc->path);
	jsonw_name(jw, "min_accesses");
	jsonw_uint(jw, wc->o.min_accesses);
	jsonw_name(jw, list);
	jsonw_start_array(jw, JSONW_LINES);
	return jw;
}

static int json_end(struct json_writer **jw)
{
	jsonw_end_array(*jw);
	jsonw_end_object(*jw);
	jsonw_destroy(jw);
	return 0;
}

/* Every named metric as JSON: per series, {name, value, unit, description}. */
static int print_metrics_json(const struct wss_cmd *wc, const struct wss_stats *st, size_t n)
{
	struct json_writer *jw = json_begin(wc, "targets");

	if (!jw)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct metrics *ms = &st[i].metrics;

		jsonw_start_object(jw, JSONW_LINES);
		json_target(jw, st[i].s);
		jsonw_name(jw, "metrics");
		jsonw_start_array(jw, JSONW_LINES);
		for (size_t k = 0; k < ms->nr; k++) {
			jsonw_start_object(jw, JSONW_INLINE);
			jsonw_name(jw, "name");
			jsonw_string(jw, ms->m[k].name);
			jsonw_name(jw, "value");
			if (ms->m[k].integral)
				jsonw_uint(jw, ms->m[k].u64);
			else
				jsonw_float_fmt(jw, "%.17g", ms->m[k].value);
			jsonw_name(jw, "unit");
			jsonw_string(jw, metric_unit_name(ms->m[k].unit));
			jsonw_name(jw, "description");
			jsonw_string(jw, ms->m[k].description);
			jsonw_end_object(jw);
		}
		jsonw_end_array(jw);
		jsonw_end_object(jw);
	}
	return json_end(&jw);
}

/* Every snapshot's WSS as JSON: per series, the times and the bytes. */
static int print_series_json(const struct wss_cmd *wc, const struct wss *w)
{
	struct json_writer *jw = json_begin(wc, "series");

	if (!jw)
		return -ENOMEM;
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
	return json_end(&jw);
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
		OPT_FILTERS(&wc->sel),
		OPT_BOOL(0, "sum-targets", &wc->sum_targets, "one series, the sum of all targets"),
		OPT_BOOL(0, "series", &wc->series, "every snapshot's working set, not percentiles"),
		OPT_BOOL(0, "metrics", &wc->metrics, "every named metric (what diff compares)"),
		OPT_FORMAT(&format, parse_opt_text_json_csv, "text (the default), json or csv"),
		OPT_END()
	};
	const char *cmd = "report wss";
	int n = parse_options(argc, argv, options, cmd, NULL, 0);

	if (n < 0)
		return parse_opt_exit(n);
	if (n)
		return dp_bad_usage(cmd, "unexpected argument '%s'", argv[0]);
	if (wc->series && wc->metrics)
		return dp_bad_usage(cmd, "choose one of --series and --metrics");
	wc->format = format;
	wc->o.skip = wc->sel.skip;
	return -1;
}

static int write_plot(const struct wss_cmd *wc, const struct wss_view *v,
		      const struct session *ses, const struct wss *w, const struct wss_stats *st,
		      size_t n)
{
	struct wss_png png;
	int ret = wss_render_png(&png, v, ses, w, st, n);

	if (!ret) {
		ret = cmd_write_png(png.canvas, wc->plot, png.text, 4);
		viz_canvas_free(png.canvas);
	}
	if (ret)
		dp_error(ret, "cannot write '%s'", wc->plot);
	return ret ? 1 : 0;
}

int cmd_report_wss(int argc, char **argv)
{
	static const double default_pct[] = { 0, 25, 50, 75, 90, 99, 100 };
	struct wss_cmd wc = { .path = "daprof.data", .o = WSS_OPTS_INIT, .sel = OPT_FILTERS_INIT };
	struct wss_stats *st = NULL;
	struct wss_view v;
	struct session *ses;
	struct wss *w = NULL;
	size_t n = 0, total = 0;
	int ret;

	wc.nr_pct = sizeof(default_pct) / sizeof(default_pct[0]);
	memcpy(wc.pct, default_pct, sizeof(default_pct));
	ret = parse_args(argc, argv, &wc);
	if (ret >= 0)
		return ret;
	if (cmd_open_filtered(wc.path, &wc.sel, &ses))
		return 1;
	ret = wss_build(&w, ses, &wc.o);
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
			dp_error(0, "no snapshots in '%s' in the selected time, address and target "
				 "range", wc.path);
		ret = 1;
		goto out;
	}
	if (wss_stats_all(&st, w, wc.pct, wc.nr_pct)) {
		dp_error(-ENOMEM, "cannot summarise '%s'", wc.path);
		ret = 1;
		goto out;
	}
	v = (struct wss_view){
		.input = wc.path, .software = "daprof " DAPROF_VERSION,
		.min_accesses = wc.o.min_accesses, .skip = wc.o.skip, .pct = wc.pct,
		.nr_pct = wc.nr_pct,
	};
	if (wc.series && wc.format == WSS_JSON)
		ret = print_series_json(&wc, w);
	else if (wc.series)
		wss_print_series(stdout, &v, ses, w, wc.format == WSS_CSV);
	else if (wc.metrics && wc.format == WSS_JSON)
		ret = print_metrics_json(&wc, st, n);
	else if (wc.metrics)
		wss_print_metrics(stdout, &v, ses, st, n, wc.format == WSS_CSV);
	else if (wc.format == WSS_JSON)
		ret = print_json(&wc, session_facts(ses), st, n);
	else if (wc.format == WSS_CSV)
		wss_print_csv(stdout, &v, st, n);
	else
		wss_print_table(stdout, &v, ses, st, n);
	if (ret) {
		dp_error(ret, "cannot print '%s'", wc.path);
		ret = 1;
		goto out;
	}
	ret = wc.plot ? write_plot(&wc, &v, ses, w, st, n) : 0;
out:
	wss_stats_free(st, n);
	wss_free(w);
	session_close(ses);
	return ret;
}
