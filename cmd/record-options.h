/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recorder's options that "daprof record" and "daprof top" share: the target (-p, --paddr,
 * -- COMMAND), the backend and primitive, the intervals, the region bounds and the duration.
 * One table fragment and one check, so that both commands take the same words with the same
 * meaning and the same messages.
 */
#ifndef DP_RECORD_OPTIONS_H
#define DP_RECORD_OPTIONS_H

#include "cmd/parse-options.h"
#include "record/record.h"

int record_opt_output(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int record_opt_duration(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int record_opt_backend(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int record_opt_primitive(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int record_opt_interval(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int record_opt_count(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int record_opt_pid(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
/*
 * The default --max-overhead: 2 % of a core, the recorder's CPU and its estimated cost to the
 * target together (issue 13's goals: <= 2 % recorder CPU, <= 3 % target slowdown). It guards
 * the default intervals (and those --intervals-goal tunes): intervals asked with -s or -a are
 * kept as asked unless --max-overhead is given too (design note 44).
 */
#define RECORD_DEFAULT_OVERHEAD_BP 200
#define RECORD_OVERHEAD_UNSET UINT32_MAX	/* no --max-overhead: record_opts_check() decides */

int record_opt_overhead(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx);
int record_opt_intervals_goal(const struct parse_opt *opt, const char *arg,
			      struct parse_ctx *ctx);

#define RECORD_OPT_INTERVAL(s, l, v, h, what) \
	{ .type = PARSE_OPT_CALLBACK, .short_name = (s), .long_name = (l), \
	  .value = PARSE_OPT_PTR(uint64_t, v), .argh = "time", .help = (h), \
	  .callback = record_opt_interval, .data = (what) }

/* The entries of an option table for the recorder's options of @o (a struct rec_opts *). */
#define RECORD_OPTIONS(o) \
	OPT_CALLBACK('d', "duration", PARSE_OPT_PTR(uint64_t, &(o)->duration_ns), "time", \
		     "stop after this time (default: when the target exits)", \
		     record_opt_duration), \
	OPT_CALLBACK('b', "backend", PARSE_OPT_PTR(const char *, &(o)->backend), "backend", \
		     "auto (the default), sampler or damon", record_opt_backend), \
	OPT_CALLBACK(0, "primitive", PARSE_OPT_PTR(const char *, &(o)->params.primitive), "p", \
		     "the sampler's access check (default auto)", record_opt_primitive), \
	RECORD_OPT_INTERVAL('s', "sample", &(o)->params.sample_us, \
			    "sampling interval (default 5ms)", "sampling interval"), \
	RECORD_OPT_INTERVAL('a', "aggr", &(o)->params.aggr_us, \
			    "aggregation interval (default 100ms)", "aggregation interval"), \
	RECORD_OPT_INTERVAL('u', "update", &(o)->params.update_us, \
			    "memory-map update interval (default 1s)", "update interval"), \
	OPT_CALLBACK('n', "min-regions", PARSE_OPT_PTR(uint32_t, &(o)->params.min_nr_regions), \
		     "n", "minimum number of regions (default 10)", record_opt_count), \
	OPT_CALLBACK('m', "max-regions", PARSE_OPT_PTR(uint32_t, &(o)->params.max_nr_regions), \
		     "n", "maximum number of regions (default 1000)", record_opt_count), \
	OPT_CALLBACK(0, "max-overhead", PARSE_OPT_PTR(uint32_t, &(o)->params.max_overhead_bp), \
		     "pct", "the recorder's budget, % of one core (default 2; 0: none)", \
		     record_opt_overhead), \
	OPT_CALLBACK(0, "intervals-goal", \
		     PARSE_OPT_PTR(struct rec_intervals_goal, &(o)->params.goal), "goal", \
		     "tune the intervals to a share of access events: off, auto, " \
		     "or A%,N,MIN,MAX", record_opt_intervals_goal), \
	{ .type = PARSE_OPT_CALLBACK, .short_name = 'p', .long_name = "pid", \
	  .value = PARSE_OPT_PTR(pid_t, &(o)->params.pid), .argh = "pid", \
	  .help = "record this running process", .callback = record_opt_pid, \
	  .flags = PARSE_OPT_NO_USAGE_LINE }, \
	{ .type = PARSE_OPT_BOOL, .long_name = "paddr", .value = &(o)->params.paddr, \
	  .help = "record physical memory (kernel DAMON only)", \
	  .flags = PARSE_OPT_NO_USAGE_LINE }

/* The operands of the usage line: what the recorder watches. */
#define RECORD_TARGET_USAGE "(-p <pid> | --paddr | -- <command> [<arg>...])"

/* record_opts_defaults() - the recorder's defaults (the man pages state them). */
void record_opts_defaults(struct rec_opts *o);
/*
 * record_opts_check() - after parse_options() returned @n operands at @argv: set the command to
 * start, and check that one target is given and that the intervals and bounds agree.
 * Return: 0, or 2 after the one-line usage error of @cmd.
 */
int record_opts_check(const char *cmd, struct rec_opts *o, int n, char **argv);

#endif /* DP_RECORD_OPTIONS_H */
