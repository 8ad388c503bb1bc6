// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report wss": the working-set size per snapshot, summarised as percentiles (damo's
 * nearest-rank rule, so the numbers compare with "damo report wss") and a mean, as a table with
 * bars, CSV or JSON; --plot draws the time series and the distribution side by side. Wiring
 * and printing only: the recording is read through a session (report/session.h), the series
 * and their named metrics are report/wss.c's, the picture report/wss-render.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "format/dpf.h"
#include "report/session.h"
#include "report/wss-render.h"
#include "report/wss.h"
#include "viz/canvas.h"

static const char wss_usage[] =
	"daprof report wss [-i <file>] [--percentiles <list>] [--min-accesses <n>]\n"
	"                         [--skip-snapshots <n>] [--sum-targets] [--plot <out.png>]\n"
	"                         [--series] [--format text|json|csv]";

#define MAX_PERCENTILES 64

enum wss_format { WSS_TEXT, WSS_JSON, WSS_CSV };

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

static void json_fact(const char *v, const char *name)
{
	printf("  \"%s\": ", name);
	if (v)
		dp_json_string(v);
	else
		printf("null");
	printf(",\n");
}

static void print_json(const struct wss_cmd *wc, const struct session_facts *f,
		       const struct wss_stats *st, size_t n)
{
	printf("{\n  \"input\": ");
	dp_json_string(wc->path);
	printf(",\n");
	json_fact(f->backend, "backend");
	json_fact(f->primitive, "primitive");
	json_fact(f->primitive_sees, "primitive_sees");
	printf("  \"min_accesses\": %u,\n  \"skip_snapshots\": %" PRIu64 ",\n  \"targets\": [",
	       wc->o.min_accesses, wc->o.skip);
	for (size_t i = 0; i < n; i++) {
		const struct wss_series *s = st[i].s;

		printf("%s\n    {\"target\": ", i ? "," : "");
		if (s->target == WSS_SUM_TARGET)
			printf("\"sum\"");
		else
			printf("%u", s->target);
		printf(", \"snapshots\": %.0f, \"skipped\": %.0f, \"mean\": %.1f, "
		       "\"percentiles\": [", wss_stats_get(&st[i], "wss.snapshots"),
		       wss_stats_get(&st[i], "wss.skipped"), wss_stats_get(&st[i], "wss.mean"));
		for (int k = 0; k < wc->nr_pct; k++)
			printf("%s{\"percentile\": %g, \"bytes\": %" PRIu64 "}", k ? ", " : "",
			       wc->pct[k], wss_stats_percentile(&st[i], wc->pct[k]));
		printf("]}");
	}
	printf("%s]\n}\n", n ? "\n  " : "");
}

/* Every snapshot's working set as JSON; text and CSV are wss_print_series()'s. */
static void print_series_json(const struct wss_cmd *wc, const struct wss *w)
{
	printf("{\n  \"input\": ");
	dp_json_string(wc->path);
	printf(",\n  \"min_accesses\": %u,\n  \"series\": [", wc->o.min_accesses);
	for (size_t i = 0; i < w->nr_series; i++) {
		const struct wss_series *s = &w->series[i];

		printf("%s\n    {\"target\": ", i ? "," : "");
		if (s->target == WSS_SUM_TARGET)
			printf("\"sum\"");
		else
			printf("%u", s->target);
		printf(", \"time_ns\": [");
		for (size_t k = 0; k < s->n; k++)
			printf("%s%" PRIu64, k ? ", " : "", s->time_ns[k] - w->rec_start_ns);
		printf("], \"bytes\": [");
		for (size_t k = 0; k < s->n; k++)
			printf("%s%" PRIu64, k ? ", " : "", s->bytes[k]);
		printf("]}");
	}
	printf("%s]\n}\n", w->nr_series ? "\n  " : "");
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

enum {
	OPT_PERCENTILES = 256, OPT_MIN_ACCESSES, OPT_SKIP, OPT_FORMAT, OPT_PLOT, OPT_SUM,
	OPT_SERIES,
};

static int parse_args(int argc, char **argv, struct wss_cmd *wc)
{
	static const struct option longopts[] = {
		{ "input",		required_argument,	NULL, 'i' },
		{ "percentiles",	required_argument,	NULL, OPT_PERCENTILES },
		{ "min-accesses",	required_argument,	NULL, OPT_MIN_ACCESSES },
		{ "skip-snapshots",	required_argument,	NULL, OPT_SKIP },
		{ "format",		required_argument,	NULL, OPT_FORMAT },
		{ "plot",		required_argument,	NULL, OPT_PLOT },
		{ "sum-targets",	no_argument,		NULL, OPT_SUM },
		{ "series",		no_argument,		NULL, OPT_SERIES },
		{ "help",		no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "report wss";
	uint64_t v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			wc->path = cmd_input_path(optarg);
			break;
		case OPT_PERCENTILES:
			if (parse_percentiles(optarg, wc))
				return dp_bad_usage(cmd, "bad percentile list '%s' (numbers 0 to 100, "
						    "comma-separated, at most %d)", optarg,
						    MAX_PERCENTILES);
			break;
		case OPT_MIN_ACCESSES:
			if (dp_parse_u64(optarg, &v) || v > UINT32_MAX)
				return dp_bad_usage(cmd, "bad --min-accesses '%s'", optarg);
			wc->o.min_accesses = (uint32_t)v;
			break;
		case OPT_SKIP:
			if (dp_parse_u64(optarg, &v))
				return dp_bad_usage(cmd, "bad --skip-snapshots '%s'", optarg);
			wc->o.skip = v;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				wc->format = WSS_TEXT;
			else if (!strcmp(optarg, "json"))
				wc->format = WSS_JSON;
			else if (!strcmp(optarg, "csv"))
				wc->format = WSS_CSV;
			else
				return dp_bad_usage(cmd, "unknown format '%s' (text, json, csv)",
						    optarg);
			break;
		case OPT_PLOT:
			wc->plot = optarg;
			break;
		case OPT_SUM:
			wc->sum_targets = 1;
			break;
		case OPT_SERIES:
			wc->series = 1;
			break;
		case 'h':
			return dp_usage(wss_usage);
		default:
			return cmd_option_error(cmd, c, argv);
		}
	}
	if (optind < argc)
		return dp_bad_usage(cmd, "unexpected argument '%s'", argv[optind]);
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
	struct wss_cmd wc = { .path = "daprof.data", .o = WSS_OPTS_INIT };
	struct session_filter f = SESSION_FILTER_INIT;
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
	f.skip_snapshots = wc.o.skip;
	if (cmd_open_session(wc.path, &f, &ses))
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
			dp_error(0, "no snapshots in '%s'", wc.path);
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
		print_series_json(&wc, w);
	else if (wc.series)
		wss_print_series(stdout, &v, ses, w, wc.format == WSS_CSV);
	else if (wc.format == WSS_JSON)
		print_json(&wc, session_facts(ses), st, n);
	else if (wc.format == WSS_CSV)
		wss_print_csv(stdout, &v, st, n);
	else
		wss_print_table(stdout, &v, ses, st, n);
	ret = wc.plot ? write_plot(&wc, &v, ses, w, st, n) : 0;
out:
	wss_stats_free(st, n);
	wss_free(w);
	session_close(ses);
	return ret;
}
