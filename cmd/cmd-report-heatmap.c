// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report heatmap": time on x, folded address on y, colour = access rate. Wiring only:
 * the options, the sizes for each output (image, terminal, TSV) and the memory budget; the
 * recording is read through a session (report/session.h), the matrix is report/heatmap.c's and
 * the picture report/heatmap-render.c's.
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
#include "report/heatmap-render.h"
#include "report/session.h"
#include "viz/canvas.h"
#include "viz/colormap.h"
#include "viz/png.h"

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
	struct opt_filters sel;
};

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
		OPT_FILTERS(&hc->sel),
		OPT_CALLBACK(0, "colormap", PARSE_OPT_PTR(struct viz_colormap, &hc->cmap), "name",
			     "viridis (the default), magma, inferno or gray", opt_colormap),
		OPT_BOOL(0, "log", &hc->log, "a logarithmic colour scale"),
		OPT_BOOL(0, "percent", &hc->percent, "rates as a percentage of the highest"),
		OPT_END()
	};
	const char *cmd = "report heatmap";
	unsigned long long w, h;	/* at most 10000 each */
	int n = parse_options(argc, argv, options, cmd, NULL, 0);

	if (n < 0)
		return parse_opt_exit(n);
	if (n)
		return dp_bad_usage(cmd, "unexpected argument '%s'", argv[0]);
	hc->hm.target = hc->sel.target;
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

/* The matrix size and folding for the output mode. Return: 0, or 2 after a usage error. */
static int plan(struct heat_cmd *hc, struct heatmap_layout *l)
{
	switch (hc->mode) {
	case HEAT_PNG:
		heatmap_plan_png(hc->width ? (int)hc->width : 1200, hc->height ? (int)hc->height : 800,
				 l);
		hc->hm.width = l->x1 - l->x0;
		hc->hm.height = l->y1 - l->y0;
		hc->hm.min_rows = 16;
		hc->hm.sep_rows = 1;
		hc->hm.max_ranges = hc->hm.height / 17 < 24 ? hc->hm.height / 17 : 24;
		break;
	case HEAT_ASCII:
		hc->hm.width = (hc->width ? (int)hc->width : term_columns()) - HEATMAP_ASCII_LABEL - 1;
		if ((int)hc->hm.width < 1 || hc->hm.width > 1000) {
			dp_error(0, "--width must leave 1 to 1000 columns for the map (%d are labels)",
				 HEATMAP_ASCII_LABEL + 1);
			return 2;
		}
		hc->hm.height = hc->height ? hc->height : (unsigned)term_rows();
		hc->hm.min_rows = 2;
		hc->hm.sep_rows = 1;
		hc->hm.max_ranges = hc->hm.height / 3 > 1 ? hc->hm.height / 3 : 1;
		break;
	case HEAT_TSV:
		hc->hm.width = hc->width ? hc->width : 400;
		hc->hm.height = hc->height ? hc->height : 200;
		hc->hm.min_rows = 4;
		hc->hm.sep_rows = 0;
		break;
	}
	return 0;
}

static int write_png(const struct heat_cmd *hc, const struct heatmap_view *v,
		     const struct heatmap *h, const struct session *ses,
		     const struct heatmap_layout *l, const struct heatmap_scale *s)
{
	struct heatmap_png png;
	int ret = heatmap_render_png(&png, v, h, ses, l, s);

	if (!ret) {
		if (!strcmp(hc->out, "-"))
			ret = isatty(STDOUT_FILENO) ? -ENOTTY :
			      viz_png_write_stream(png.canvas, stdout, png.text, 4);
		else
			ret = cmd_write_png(png.canvas, hc->out, png.text, 4);
		viz_canvas_free(png.canvas);
	}
	if (ret == -ENOTTY) {
		dp_error(0, "not writing a PNG image to a terminal; redirect it or use -o FILE");
		return 1;
	}
	if (ret) {
		dp_error(ret, "cannot write '%s'", hc->out);
		return 1;
	}
	if (strcmp(hc->out, "-"))
		dp_info("wrote %s (%dx%d, %zu address range%s)", hc->out, l->w, l->h, h->nr_ranges,
			h->nr_ranges == 1 ? "" : "s");
	return 0;
}

int cmd_report_heatmap(int argc, char **argv)
{
	struct heat_cmd hc = { .path = "daprof.data", .out = "heatmap.png",
			       .hm = HEATMAP_OPTS_INIT, .sel = OPT_FILTERS_INIT };
	struct heatmap_view v = { .software = "daprof " DAPROF_VERSION };
	struct heatmap *h = NULL;
	struct session *ses = NULL;
	struct heatmap_scale s;
	struct heatmap_layout l = { 0 };
	int ret;

	viz_colormap_init(&hc.cmap, VIZ_CMAP_VIRIDIS);
	ret = parse_args(argc, argv, &hc);
	if (ret >= 0)
		return ret;
	if (cmd_open_filtered(hc.path, &hc.sel, &ses))
		return 1;
	v.input = hc.path;
	v.target = hc.hm.target;
	v.log = hc.log;
	v.percent = hc.percent;
	v.color = !getenv("NO_COLOR") || !*getenv("NO_COLOR");
	v.cmap = hc.cmap;
	ret = plan(&hc, &l);
	if (ret)
		goto out;
	ret = heatmap_build_session(&h, ses, &hc.hm);
	if (ret) {
		dp_error_str(build_error(ret), "cannot draw '%s'", hc.path);
		ret = 1;
		goto out;
	}
	if (heatmap_make_scale(&v, h, &s)) {
		dp_error(0, "'%s' does not record its sampling interval; --percent needs it",
			 hc.path);
		ret = 1;
		goto out;
	}
	ret = 0;
	if (hc.mode == HEAT_ASCII)
		heatmap_print_ascii(stdout, &v, h, ses, &s);
	else if (hc.mode == HEAT_TSV)
		heatmap_print_tsv(stdout, &v, h, ses, &s);
	else
		ret = write_png(&hc, &v, h, ses, &l, &s);
out:
	heatmap_free(h);
	session_close(ses);
	return ret;
}
