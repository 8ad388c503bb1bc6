// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof diff OLD NEW" and "daprof diff OLD... -- NEW...": compare recordings and gate CI on
 * the result. Options and wiring only: the numbers are report/diff*.c's, the printers
 * diff-output.c's. Exit status as diff(1): 0 every gate passes, 1 one fails, 2 an error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/diff-output.h"
#include "cmd/parse-options.h"
#include "cmd/report-hot-common.h"
#include "format/dpf.h"
#include "report/diff.h"
#include "report/diff-heatmap.h"
#include "report/session.h"
#include "viz/canvas.h"

enum diff_format { DIFF_TEXT, DIFF_JSON, DIFF_JUNIT, DIFF_FOLDED };

static const char *const diff_formats[] = { "text", "json", "junit", "folded", NULL };

#define MAX_GATES 64
#define MAX_PCT 16

struct diff_cmd {
	struct diff_opts o;
	struct opt_filters sel;
	struct diff_expr gates[MAX_GATES];
	int nr_gates;
	int default_gates;	/* 1: none was given, the gates are diff_default_gates */
	int no_gate;
	int format;
	int top;
	const char *png;
	double alpha;
	double pct[MAX_PCT];
};

static const char *const cmd_name = "diff";

static int opt_fail_on(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	struct diff_cmd *dc = opt->value;
	const char *why;
	size_t col;

	if (dc->nr_gates == MAX_GATES)
		return dp_bad_usage(ctx->cmd, "more than %d --fail-on expressions", MAX_GATES);
	if (diff_expr_parse(arg, &dc->gates[dc->nr_gates], &col, &why)) {
		/* the expression again with the bad character in brackets: "wss.p90>[>]10%" */
		int at_end = col >= strlen(arg);

		return dp_bad_usage(ctx->cmd, "bad --fail-on '%s' at column %zu: '%.*s[%.*s]%s': %s",
				    arg, col + 1, (int)col, arg, at_end ? 0 : 1, at_end ? "" : arg + col,
				    at_end ? "" : arg + col + 1, why);
	}
	dc->nr_gates++;
	return 0;
}

static int opt_slices(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t v;

	if (dp_parse_u64(arg, &v) || !v || v > 1000)
		return dp_bad_usage(ctx->cmd, "bad --slices '%s' (1 to 1000)", arg);
	*(unsigned *)opt->value = (unsigned)v;
	return 0;
}

static int opt_alpha(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	char *end;
	double v = strtod(arg, &end);

	if (*end || end == arg || !(v > 0 && v < 1))
		return dp_bad_usage(ctx->cmd, "bad --alpha '%s' (a level between 0 and 1, e.g. 0.05)",
				    arg);
	*(double *)opt->value = v;
	return 0;
}

static int opt_top(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t v;

	if (dp_parse_u64(arg, &v) || v > 1000000)
		return dp_bad_usage(ctx->cmd, "bad --top '%s'", arg);
	*(int *)opt->value = (int)v;
	return 0;
}

/* The WSS percentiles the gates name that "report wss" does not make by default. */
static int gate_percentiles(struct diff_cmd *dc)
{
	int n = 0;

	for (int i = 0; i < dc->nr_gates && n < MAX_PCT; i++) {
		const char *m = dc->gates[i].metric;
		char *end;
		double p;

		if (strncmp(m, "wss.p", 5))
			continue;
		p = strtod(m + 5, &end);
		if (!*end && end != m + 5 && p >= 0 && p <= 100)
			dc->pct[n++] = p;
	}
	return n;
}

static void free_profiles(struct diff_profile **p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		diff_profile_free(p[i]);
	free(p);
}

/* The profiles of @paths. Return: 0, or the exit status 2 (the reason printed). */
static int build_profiles(struct diff_cmd *dc, char **paths, size_t n, struct diff_profile ***out)
{
	struct diff_profile **p = calloc(n, sizeof(*p));

	if (!p) {
		dp_error(-ENOMEM, "cannot compare");
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		const char *path = cmd_input_path(paths[i]);
		struct session *s;
		int ret;

		if (cmd_open_session(path, &dc->o.filter, &s)) {
			free_profiles(p, i);
			return 2;
		}
		ret = diff_profile_build(&p[i], s, &dc->o);
		session_close(s);
		if (ret) {
			if (ret == -ENODATA)
				dp_error(0, "no snapshots in '%s' in the selected time, address and "
					 "target range", path);
			else
				dp_error_str(dpf_strerror(ret), "cannot read '%s'", path);
			free_profiles(p, i);
			return 2;
		}
	}
	*out = p;
	return 0;
}

/* -o: the picture of the first recording of each side. Return: 0, or the exit status 2. */
static int write_picture(const struct diff_cmd *dc, const char *old_path, const char *new_path)
{
	struct session *s[2] = { NULL, NULL };
	struct diff_png png;
	int ret = 2;

	if (cmd_open_session(old_path, &dc->o.filter, &s[0]) ||
	    cmd_open_session(new_path, &dc->o.filter, &s[1]))
		goto out;
	ret = diff_heatmap_render(&png, s[0], s[1], old_path, new_path);
	if (!ret) {
		ret = cmd_write_png(png.canvas, dc->png, png.text, 2);
		viz_canvas_free(png.canvas);
	}
	if (ret) {
		dp_error(ret, "cannot write '%s'", dc->png);
		ret = 2;
	} else {
		dp_info("wrote %s (%u mapping label%s, %u on both sides)", dc->png, png.nr_labels,
			png.nr_labels == 1 ? "" : "s", png.nr_matched);
	}
out:
	session_close(s[0]);
	session_close(s[1]);
	return ret;
}

static int judge_all(const struct diff_cmd *dc, const struct diff *d, struct diff_gate *g)
{
	for (int i = 0; i < dc->nr_gates; i++) {
		int ret = diff_gate_judge(d, &dc->gates[i], &g[i]);

		if (ret == -ENOENT) {
			dp_error(0, "no metric '%s' (of --fail-on '%s') in the recordings: see "
				 "daprof-diff(1) for the names", dc->gates[i].metric, dc->gates[i].text);
			return 2;
		}
		if (ret) {
			dp_error(0, "the unit of the change in --fail-on '%s' does not fit metric "
				 "'%s' (%s)", dc->gates[i].text, dc->gates[i].metric,
				 metric_unit_name(diff_find(d, dc->gates[i].metric)->unit));
			return 2;
		}
	}
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	static struct diff_cmd dc;	/* large: the gates */
	const struct parse_opt options[] = {
		OPT_CALLBACK(0, "fail-on", &dc, "expr",
			     "fail (exit 1) on METRIC>CHANGE or METRIC<CHANGE, e.g. wss.p90>+10% "
			     "(repeatable)", opt_fail_on),
		OPT_BOOL(0, "no-gate", &dc.no_gate, "no default gate: compare only, exit 0"),
		OPT_FORMAT(&dc.format, diff_formats, "text (the default), json, junit or folded"),
		OPT_OUTPUT(&dc.png, "file", "also draw the heat maps and their difference (PNG)"),
		OPT_FILTERS(&dc.sel),
		OPT_CALLBACK(0, "min-accesses", PARSE_OPT_PTR(uint32_t, &dc.o.min_accesses), "n",
			     "the least nr_accesses that counts as hot (default 1)",
			     hot_common_opt_min_accesses),
		OPT_CALLBACK(0, "idle", PARSE_OPT_PTR(uint64_t, &dc.o.idle_ns), "time",
			     "cold bytes: idle at least this long (default 1s)", hot_common_opt_time),
		OPT_CALLBACK(0, "slices", PARSE_OPT_PTR(unsigned, &dc.o.slices), "n",
			     "time slices of a recording, the samples of its noise (default 8)",
			     opt_slices),
		OPT_CALLBACK(0, "alpha", PARSE_OPT_PTR(double, &dc.alpha), "p",
			     "significance level of the test (default 0.05)", opt_alpha),
		OPT_CALLBACK(0, "top", PARSE_OPT_PTR(int, &dc.top), "n",
			     "objects listed per group (default 5; JSON: 20)", opt_top),
		OPT_END()
	};
	struct diff_profile **old = NULL, **new = NULL;
	struct diff_gate gates[MAX_GATES];
	size_t nr_old, nr_new, failed = 0;
	struct diff *d = NULL;
	int n, split = argc, ret;

	memset(&dc, 0, sizeof(dc));
	dc.o = (struct diff_opts)DIFF_OPTS_INIT;
	dc.sel = (struct opt_filters)OPT_FILTERS_INIT;
	dc.top = -1;
	dc.alpha = 0.05;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			split = i;
			break;
		}
	n = parse_options(split, argv, options, cmd_name, "<old.data>... [--] <new.data>...", 0);
	if (n < 0)
		return parse_opt_exit(n);
	if (split < argc) {
		nr_old = (size_t)n;
		nr_new = (size_t)(argc - split - 1);
		memmove(argv + n, argv + split + 1, nr_new * sizeof(*argv));
		if (!nr_old && nr_new == 2)	/* "diff -- OLD NEW": "--" only ends the options */
			nr_old = nr_new = 1;
	} else {
		if (n != 2)
			return dp_bad_usage(cmd_name, n < 2 ? "two recordings to compare are needed "
					    "(OLD NEW, or OLD... -- NEW...)" :
					    "more than two recordings: put -- between the old and "
					    "the new ones");
		nr_old = nr_new = 1;
	}
	if (!nr_old || !nr_new)
		return dp_bad_usage(cmd_name, "recordings are needed on both sides of --");
	if (!dc.nr_gates && !dc.no_gate) {
		dc.default_gates = 1;
		for (int i = 0; diff_default_gates[i]; i++) {
			const char *why;
			size_t col;

			if (diff_expr_parse(diff_default_gates[i], &dc.gates[dc.nr_gates++], &col, &why))
				DP_BUG("a default gate does not parse");
		}
	} else if (dc.no_gate) {
		dc.nr_gates = 0;
	}
	if (dc.top < 0)
		dc.top = dc.format == DIFF_JSON ? 20 : 5;
	dc.o.nr_pct = gate_percentiles(&dc);
	dc.o.pct = dc.pct;
	dc.o.filter = (struct session_filter){
		.time_range = dc.sel.time.set, .time_lo_ns = dc.sel.time.lo,
		.time_hi_ns = dc.sel.time.hi, .addr_range = dc.sel.addr.set,
		.addr_lo = dc.sel.addr.lo, .addr_hi = dc.sel.addr.hi, .target = dc.sel.target,
		.skip_snapshots = dc.sel.skip,
	};
	ret = build_profiles(&dc, argv, nr_old, &old);
	if (!ret)
		ret = build_profiles(&dc, argv + nr_old, nr_new, &new);
	if (!ret && (ret = diff_compare(&d, old, nr_old, new, nr_new, dc.alpha))) {
		dp_error(ret, "cannot compare");
		ret = 2;
	}
	if (!ret)
		ret = judge_all(&dc, d, gates);
	if (!ret && dc.png)
		ret = write_picture(&dc, cmd_input_path(argv[0]), cmd_input_path(argv[nr_old]));
	if (!ret) {
		struct diff_report r = { .d = d, .old = old, .new = new, .gates = gates,
					 .nr_gates = (size_t)dc.nr_gates, .top = dc.top, .o = &dc.o,
					 .default_gates = dc.default_gates };

		for (int i = 0; i < dc.nr_gates; i++)
			failed += gates[i].failed;
		if (dc.format == DIFF_JSON)
			diff_print_json(&r);
		else if (dc.format == DIFF_JUNIT)
			diff_print_junit(&r);
		else if (dc.format == DIFF_FOLDED)
			diff_print_folded(&r);
		else
			diff_print_text(&r);
		for (int i = 0; dc.format != DIFF_TEXT && i < dc.nr_gates; i++) {
			char line[1200];

			if (gates[i].failed)
				dp_info("diff: FAIL %s",
					diff_gate_line(line, sizeof(line), &gates[i]));
		}
		ret = failed ? 1 : 0;
	}
	diff_free(d);
	if (old)
		free_profiles(old, nr_old);
	if (new)
		free_profiles(new, nr_new);
	return ret;
}
