// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report hot" (and --cold): the objects of a recording ranked by heat or by idleness, as a
 * table, CSV, JSON or the folded stacks of a flame graph. Options and printing only; the table is
 * report/hot.c's. "report hints" is in cmd-report-hints.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/json-writer.h"
#include "cmd/parse-options.h"
#include "cmd/report-hot-common.h"
#include "report/hot.h"
#include "report/session.h"
#include "report/units.h"

enum hot_format { HOT_TEXT, HOT_CSV, HOT_JSON, HOT_FOLDED };

static const char *const hot_formats[] = { "text", "csv", "json", "folded", NULL };
static const char *const by_names[] = { "symbol", "mapping", "region", "site", NULL };

struct hot_cmd {
	struct hot_common c;
	int format;
	int cold;
	int top;
	int top_set;
};

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void print_csv(const struct hot_cmd *hc, const struct hot *h, size_t n)
{
	printf("rank,name,kind,mapping,bytes,access_rate_hz,hot_share,idle_s,idle_bytes,"
	       "shares_region,size,offset,build_id,target\n");
	for (size_t i = 0; i < n; i++) {
		const struct hot_object *o = &h->obj[i];

		printf("%zu,", i + 1);
		csv_field(o->name);
		printf(",%s,", o->kind);
		csv_field(o->label);
		printf(",%" PRIu64 ",%.3f,%.4f,%.3f,%" PRIu64 ",%d,%" PRIu64 ",0x%" PRIx64 ",%s,%u\n",
		       o->bytes, hot_rate_hz(o), hot_share(o), (double)o->idle_ns / 1e9,
		       o->idle_bytes, o->shares, o->size, o->map_offset, o->build_id, o->target);
	}
	(void)hc;
}

static void print_json(const struct hot_cmd *hc, const struct session *s, const struct hot *h,
		       size_t n)
{
	struct json_writer *jw = jsonw_new(stdout);

	if (!jw)
		return;
	jsonw_start_object(jw, JSONW_LINES);
	hot_common_json_header(jw, &hc->c, s, h, hc->cold ? "cold" : "hot");
	jsonw_name(jw, "objects");
	jsonw_start_array(jw, JSONW_LINES);
	for (size_t i = 0; i < n; i++) {
		jsonw_start_object(jw, JSONW_INLINE);
		jsonw_name(jw, "rank");
		jsonw_uint(jw, i + 1);
		hot_common_json_object(jw, &h->obj[i]);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_end_object(jw);
	jsonw_destroy(&jw);
}

/* A frame of a folded stack: no ';' (the separator) and no blank (the weight's). */
static void folded_frame(const char *s)
{
	for (; *s; s++)
		putchar(*s == ';' || *s == ' ' || *s == '\t' || *s == '\n' ? '_' : *s);
}

/* "mapping;section;symbol weight": the middle frame is the section of a gap, else the kind. */
static void print_folded(const struct hot_cmd *hc, const struct hot *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct hot_object *o = &h->obj[i];
		double w = hc->cold ? o->idle_byte_s : o->heat;
		uint64_t weight = w > 0 ? (uint64_t)llround(w) : 0;
		char section[64];

		if (!weight)
			continue;
		if (o->stack) {	/* --by site: "site;caller;caller weight" */
			for (const char *f = o->stack; *f; f += strcspn(f, ";") + !!f[strcspn(f, ";")]) {
				char one[320];

				snprintf(one, sizeof(one), "%.*s", (int)strcspn(f, ";"), f);
				if (f != o->stack)
					putchar(';');
				folded_frame(one);
			}
			printf(" %" PRIu64 "\n", weight);
			continue;
		}
		snprintf(section, sizeof(section), "%s", o->kind);
		if (!strcmp(o->kind, "section"))
			snprintf(section, sizeof(section), "%.*s", (int)strcspn(o->name, "+"),
				 o->name);
		folded_frame(o->label[0] ? o->label : "[none]");
		putchar(';');
		folded_frame(section);
		putchar(';');
		folded_frame(o->name);
		printf(" %" PRIu64 "\n", weight);
	}
}

static void print_text(const struct hot_cmd *hc, const struct session *s, const struct hot *h,
		       size_t n)
{
	char a[32], b[32], name[300], map[160];
	int any_shares = 0, any_sampled = 0, any_page = 0;

	hot_common_text_header(&hc->c, s, h, hc->cold ? "cold" : "hot");
	if (hc->cold)
		printf("ranked by idle byte-time (bytes x seconds at zero accesses); idle: how long "
		       "all of it had been idle at its last snapshot\n");
	else
		printf("ranked by heat (bytes x seconds x access rate); hot: the share of its "
		       "byte-time with nr_accesses >= %u\n", hc->c.o.min_accesses);
	printf("\n%4s %6s %10s %5s %9s %10s %-9s %-32s %s\n", "rank", "heat%", "rate_hz",
	       "hot%", "idle", "bytes", "kind", "name", "mapping");
	for (size_t i = 0; i < n; i++) {
		const struct hot_object *o = &h->obj[i];
		double pct = h->total_heat > 0 ? 100.0 * o->heat / h->total_heat : 0;

		any_shares |= o->shares;
		any_sampled |= o->sampled;
		any_page |= o->shares_page;
		dp_text_escape(name, sizeof(name), o->name);
		dp_text_escape(map, sizeof(map), o->label);
		printf("%4zu %6.2f %10.2f %5.1f %9s %10s %-9s %s%-31s %s\n", i + 1, pct,
		       hot_rate_hz(o), 100.0 * hot_share(o),
		       o->idle_ns ? units_time(a, sizeof(a), o->idle_ns) : "-", units_size(b, sizeof(b), o->bytes),
		       o->kind, o->shares ? "~" : o->shares_page ? "!" : o->sampled ? "*" : " ",
		       name, map);
	}
	if (!n)
		printf("  (nothing: no region of the selection was covered)\n");
	if (any_shares)
		printf("\n~ smaller than a page or than the regions that covered it: its numbers are "
		       "its share of those regions, shared with its neighbours\n");
	if (any_page)
		printf("%s! an allocation site whose blocks share pages with another site's: its "
		       "heat mixes with theirs (allocate it apart to tell them apart)\n",
		       any_shares ? "" : "\n");
	if (any_sampled)
		printf("%s* bytes estimated from sampled blocks (smaller than a page)\n",
		       any_shares || any_page ? "" : "\n");
}

static int opt_top(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	struct hot_cmd *hc = opt->value;
	uint64_t v;

	if (dp_parse_u64(arg, &v) || v > 1000000000)
		return dp_bad_usage(ctx->cmd, "bad --top '%s'", arg);
	hc->top = (int)v;
	hc->top_set = 1;
	return 0;
}

int cmd_report_hot(int argc, char **argv)
{
	struct hot_cmd hc = { .c = HOT_COMMON_INIT };
	int by = HOT_BY_SYMBOL;
	const struct parse_opt options[] = {
		HOT_COMMON_OPTIONS(&hc.c),
		{ .type = PARSE_OPT_CALLBACK, .long_name = "by", .value = &by, .argh = "what",
		  .help = "one row per symbol (the default), mapping, region or heap allocation "
			  "site (--heap-sites recordings)",
		  .callback = parse_opt_format, .data = by_names },
		OPT_BOOL(0, "cold", &hc.cold, "rank by idleness instead of heat"),
		OPT_CALLBACK(0, "top", PARSE_OPT_PTR(struct hot_cmd, &hc), "n",
			     "the first n rows (default 20 for text, all otherwise; 0: all)",
			     opt_top),
		OPT_FORMAT(&hc.format, hot_formats, "text (the default), csv, json or folded"),
		OPT_END()
	};
	const char *cmd = "report hot";
	struct session *ses = NULL;
	struct hot *h = NULL;
	size_t n;
	int ret = parse_options(argc, argv, options, cmd, NULL, 0);

	if (ret < 0)
		return parse_opt_exit(ret);
	if (ret)
		return dp_bad_usage(cmd, "unexpected argument '%s'", argv[0]);
	hc.c.o.by = by;
	hc.c.o.site_stacks = hc.format == HOT_FOLDED;	/* a flame graph wants every stack */
	ret = hot_common_build(&hc.c, &ses, &h);
	if (ret)
		return ret;
	hot_rank(h, hc.cold);
	n = h->nr_listed;
	if (!hc.top_set && hc.format == HOT_TEXT)
		hc.top = 20;
	if (hc.top && (size_t)hc.top < n)
		n = hc.top;
	switch (hc.format) {
	case HOT_CSV:
		print_csv(&hc, h, n);
		break;
	case HOT_JSON:
		print_json(&hc, ses, h, n);
		break;
	case HOT_FOLDED:
		print_folded(&hc, h, n);
		break;
	default:
		print_text(&hc, ses, h, n);
	}
	hot_free(h);
	session_close(ses);
	return 0;
}
