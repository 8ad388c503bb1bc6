/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a working-set report (wss.h) is shown: the name of each series, the text table with bars,
 * CSV rows, and the PNG picture of the time series beside the distribution. cmd/ chooses the
 * view and writes the result; this composes it (the picture with viz/), reading every number
 * from the series' metrics. JSON is written in cmd/.
 */
#ifndef REPORT_WSS_RENDER_H
#define REPORT_WSS_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/wss.h"
#include "viz/png.h"

struct session;
struct viz_canvas;

/*
 * wss_series_name() - "target 0 (pid 42, ./bench --size 4G)", or "all targets, summed", escaped
 * for one line of text. Return: @buf.
 */
char *wss_series_name(const struct session *ses, uint32_t target, char *buf, size_t size);

/* What the command asked for. */
struct wss_view {
	const char *input;	/* as named on the command line (footer, tEXt) */
	const char *software;	/* "daprof 0.1.0", for the PNG's tEXt */
	uint32_t min_accesses;
	uint64_t skip;
	const double *pct;	/* the percentiles marked on the distribution */
	int nr_pct;
};

struct wss_png {
	struct viz_canvas *canvas;	/* viz_canvas_free() it */
	struct viz_png_text text[4];	/* Source, Software, Description, Title */
	char title[300];
	char source[256];
};

/*
 * wss_print_table() - the text report: the input, the source line, what the working set is, then
 * per series its percentiles (bytes, size, a bar of at most 40 '#') and the mean.
 */
void wss_print_table(FILE *out, const struct wss_view *v, const struct session *ses,
		     const struct wss_stats *st, size_t n);
/*
 * wss_print_metrics() - every named metric of each series (the names "diff" compares): as text,
 * per series its name then "metric  value  description" lines; as CSV (@csv 1),
 * "target,metric,value,unit" rows with the value exact.
 */
void wss_print_metrics(FILE *out, const struct wss_view *v, const struct session *ses,
		       const struct wss_stats *st, size_t n, int csv);
/* wss_print_csv() - "percentile,bytes" rows ("target,percentile,bytes" for several series). */
void wss_print_csv(FILE *out, const struct wss_view *v, const struct wss_stats *st, size_t n);
/*
 * wss_print_series() - every snapshot's working set, time from the start of the recording: as
 * text blocks per series (@csv 0) or CSV rows ("target,time_ns,bytes" for several series).
 */
void wss_print_series(FILE *out, const struct wss_view *v, const struct session *ses,
		      const struct wss *w, int csv);

/* wss_render_png() - the picture of the @n series of @w (@st their metrics). Return: 0, -ENOMEM. */
int wss_render_png(struct wss_png *out, const struct wss_view *v, const struct session *ses,
		   const struct wss *w, const struct wss_stats *st, size_t n);

#endif /* REPORT_WSS_RENDER_H */
