// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report heatmap": time on x, folded address on y, colour = access rate. Wiring only:
 * the options, the sizes for each output (image, terminal, TSV) and the memory budget; the
 * recording is read through a session (report/session.h), the matrix is report/heatmap.c's and
 * the picture report/heatmap-render.c's.
 */
#include <errno.h>
#include <getopt.h>
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
#include "format/dpf.h"
#include "report/heatmap-render.h"
#include "report/session.h"
#include "viz/canvas.h"
#include "viz/colormap.h"
#include "viz/png.h"

static const char heatmap_usage[] =
	"daprof report heatmap [-i <file>] [-o <out.png> | --ascii | --tsv] [--width <n>]\n"
	"                             [--height <n>] [--time-range <a> <b>] [--addr-range <a> <b>]\n"
	"                             [--colormap <name>] [--log] [--percent] [--target <id>]";

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

enum {
	OPT_ASCII = 256, OPT_TSV, OPT_WIDTH, OPT_HEIGHT, OPT_TIME_RANGE, OPT_ADDR_RANGE,
	OPT_COLORMAP, OPT_LOG, OPT_PERCENT, OPT_TARGET,
};

/* The two values of "--x-range A B" (or "A,B"); B is the next argument. */
static int two_values(int argc, char **argv, const char **a, const char **b, char *buf,
		      size_t size)
{
	const char *comma = strchr(optarg, ',');

	if (comma) {
		snprintf(buf, size, "%.*s", (int)(comma - optarg), optarg);
		*a = buf;
		*b = comma + 1;
		return 0;
	}
	if (optind >= argc)
		return -EINVAL;
	*a = optarg;
	*b = argv[optind++];
	return 0;
}

static int parse_args(int argc, char **argv, struct heat_cmd *hc)
{
	static const struct option longopts[] = {
		{ "input",	required_argument,	NULL, 'i' },
		{ "output",	required_argument,	NULL, 'o' },
		{ "ascii",	no_argument,		NULL, OPT_ASCII },
		{ "tsv",	no_argument,		NULL, OPT_TSV },
		{ "width",	required_argument,	NULL, OPT_WIDTH },
		{ "height",	required_argument,	NULL, OPT_HEIGHT },
		{ "time-range",	required_argument,	NULL, OPT_TIME_RANGE },
		{ "addr-range",	required_argument,	NULL, OPT_ADDR_RANGE },
		{ "colormap",	required_argument,	NULL, OPT_COLORMAP },
		{ "log",	no_argument,		NULL, OPT_LOG },
		{ "percent",	no_argument,		NULL, OPT_PERCENT },
		{ "target",	required_argument,	NULL, OPT_TARGET },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "report heatmap", *a, *b;
	unsigned long long w, h;	/* at most 10000 each */
	int c, outputs = 0;
	uint64_t v;
	char buf[128];

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:i:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			hc->path = cmd_input_path(optarg);
			break;
		case 'o':
			hc->out = optarg;
			hc->mode = HEAT_PNG;
			outputs++;
			break;
		case OPT_ASCII:
			hc->mode = HEAT_ASCII;
			outputs++;
			break;
		case OPT_TSV:
			hc->mode = HEAT_TSV;
			outputs++;
			break;
		case OPT_WIDTH:
		case OPT_HEIGHT:
			if (dp_parse_u64(optarg, &v) || v < 1 || v > 10000)
				return dp_bad_usage(cmd, "bad %s '%s' (1 to 10000)",
						    c == OPT_WIDTH ? "width" : "height", optarg);
			if (c == OPT_WIDTH)
				hc->width = v;
			else
				hc->height = v;
			break;
		case OPT_TIME_RANGE:
			if (two_values(argc, argv, &a, &b, buf, sizeof(buf)))
				return dp_bad_usage(cmd, "option '--time-range' needs two times");
			if (dp_parse_time_ns(a, 1000000000ULL, &hc->hm.time_lo_ns) ||
			    dp_parse_time_ns(b, 1000000000ULL, &hc->hm.time_hi_ns))
				return dp_bad_usage(cmd, "bad time range '%s %s' (e.g. 2s 10s)", a, b);
			if (hc->hm.time_hi_ns <= hc->hm.time_lo_ns)
				return dp_bad_usage(cmd, "empty time range '%s %s'", a, b);
			hc->hm.time_range = 1;
			break;
		case OPT_ADDR_RANGE:
			if (two_values(argc, argv, &a, &b, buf, sizeof(buf)))
				return dp_bad_usage(cmd, "option '--addr-range' needs two addresses");
			if (dp_parse_size(a, &hc->hm.addr_lo) || dp_parse_size(b, &hc->hm.addr_hi))
				return dp_bad_usage(cmd, "bad address range '%s %s' (e.g. 0x7f0000000000 "
						    "0x7f0040000000, or 0 64M)", a, b);
			if (hc->hm.addr_hi <= hc->hm.addr_lo)
				return dp_bad_usage(cmd, "empty address range '%s %s'", a, b);
			hc->hm.addr_range = 1;
			break;
		case OPT_COLORMAP:
			if (viz_colormap_by_name(&hc->cmap, optarg))
				return dp_bad_usage(cmd, "unknown colour map '%s' (%s)", optarg,
						    viz_colormap_names());
			break;
		case OPT_LOG:
			hc->log = 1;
			break;
		case OPT_PERCENT:
			hc->percent = 1;
			break;
		case OPT_TARGET:
			if (dp_parse_u64(optarg, &v) || v > INT32_MAX)
				return dp_bad_usage(cmd, "bad target id '%s'", optarg);
			hc->hm.target = (int)v;
			break;
		case 'h':
			return dp_usage(heatmap_usage);
		default:
			return cmd_option_error(cmd, c, argv);
		}
	}
	if (optind < argc)
		return dp_bad_usage(cmd, "unexpected argument '%s'", argv[optind]);
	if (outputs > 1)
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
			       .hm = HEATMAP_OPTS_INIT };
	struct session_filter f = SESSION_FILTER_INIT;
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
	f.target = hc.hm.target;
	f.time_range = hc.hm.time_range;
	f.time_lo_ns = hc.hm.time_lo_ns;
	f.time_hi_ns = hc.hm.time_hi_ns;
	f.addr_range = hc.hm.addr_range;
	f.addr_lo = hc.hm.addr_lo;
	f.addr_hi = hc.hm.addr_hi;
	if (cmd_open_session(hc.path, &f, &ses))
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
