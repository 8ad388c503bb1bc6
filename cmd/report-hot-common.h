/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "report hot" and "report hints" share on the command line: the options that select and
 * measure (input, filters, --min-accesses, --idle), opening the session and building the table
 * with one way of failing, and the header that says what the backend could see.
 */
#ifndef DP_REPORT_HOT_COMMON_H
#define DP_REPORT_HOT_COMMON_H

#include "cmd/parse-options.h"
#include "report/hot.h"

struct json_writer;
struct session;

struct hot_common {
	const char *path;
	struct hot_opts o;
	struct opt_filters sel;
	const char *debug_dir;		/* --debug-dir, searched before /usr/lib/debug */
	const char *debuginfod_cache;	/* --debuginfod-cache */
	const char *debug_dirs[3];	/* what the symbolizer gets */
};
#define HOT_COMMON_INIT { .path = "daprof.data", .o = HOT_OPTS_INIT, .sel = OPT_FILTERS_INIT }

int hot_common_opt_min_accesses(const struct parse_opt *opt, const char *arg,
				struct parse_ctx *ctx);
int hot_common_opt_time(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);

/* The options that select and measure, but --idle (whose default is each command's own). */
#define HOT_COMMON_SELECT_OPTIONS(c) \
	OPT_INPUT(&(c)->path), \
	OPT_FILTERS(&(c)->sel), \
	OPT_CALLBACK(0, "min-accesses", PARSE_OPT_PTR(uint32_t, &(c)->o.min_accesses), "n", \
		     "the least nr_accesses that counts as hot (default 1)", \
		     hot_common_opt_min_accesses), \
	OPT_STRING(0, "debug-dir", &(c)->debug_dir, "dir", \
		   "split debug info by build-id here first (dir/.build-id/xx/yyyy.debug)"), \
	OPT_STRING(0, "debuginfod-cache", &(c)->debuginfod_cache, "dir", \
		   "a debuginfod client's cache (dir/BUILDID/debuginfo)")

#define HOT_COMMON_OPTIONS(c) \
	HOT_COMMON_SELECT_OPTIONS(c), \
	OPT_CALLBACK(0, "idle", PARSE_OPT_PTR(uint64_t, &(c)->o.idle_ns), "time", \
		     "idle bytes: idle at least this long (default 1s)", hot_common_opt_time)

/*
 * hot_common_build() - open the session of @c and build its table; on failure print why.
 * Return: 0, or the exit status (1).
 */
int hot_common_build(struct hot_common *c, struct session **s, struct hot **h);

/* hot_common_text_header() - the lines above a table: input, source, caveat, span. */
void hot_common_text_header(const struct hot_common *c, const struct session *s,
			    const struct hot *h, const char *view);
/* hot_common_heap_line() - what a --by site table rests on: allocations recorded and lost. */
void hot_common_heap_line(const struct hot *h);
/* hot_common_sees_writes_only() - 1 when the primitive cannot see reads. */
int hot_common_sees_writes_only(const struct session *s);
void hot_common_json_header(struct json_writer *jw, const struct hot_common *c,
			    const struct session *s, const struct hot *h, const char *view);
/*
 * hot_common_json_identity() - what names an object across runs: name, kind, mapping, file,
 * build-id and mapping-relative offset (no address). hot_common_json_object() - those and its
 * measures. Both write members inside an object the caller opened.
 */
void hot_common_json_identity(struct json_writer *jw, const struct hot_object *o);
/* hot_common_json_measures() - its access rate, hot share, idle time and idle bytes. */
void hot_common_json_measures(struct json_writer *jw, const struct hot_object *o);
void hot_common_json_object(struct json_writer *jw, const struct hot_object *o);

#endif /* DP_REPORT_HOT_COMMON_H */
