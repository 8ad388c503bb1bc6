// SPDX-License-Identifier: GPL-2.0
/*
 * The option callbacks and checks of the recorder's options, shared by "daprof record" and
 * "daprof top" (cmd/record-options.h says why they are shared).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/record-options.h"
#include "record/prim.h"
#include "report/units.h"

int record_opt_output(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	if (!*arg)
		return dp_bad_usage(ctx->cmd, "empty output file name");
	*(const char **)opt->value = arg;
	return 0;
}

int record_opt_duration(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t *ns = opt->value;

	if (dp_parse_time_ns(arg, 1000000000ULL, ns) || !*ns)
		return dp_bad_usage(ctx->cmd, "bad duration '%s' (e.g. 10s, 500ms)", arg);
	return 0;
}

int record_opt_backend(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	if (strcmp(arg, "auto") && strcmp(arg, "sampler") && strcmp(arg, "damon"))
		return dp_bad_usage(ctx->cmd, "unknown backend '%s' (auto, sampler, damon)", arg);
	*(const char **)opt->value = arg;
	return 0;
}

int record_opt_primitive(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	if (strcmp(arg, "auto") && !prim_find(arg))
		return dp_bad_usage(ctx->cmd, "unknown primitive '%s' (auto, %s)", arg,
				    prim_names());
	*(const char **)opt->value = arg;
	return 0;
}

/* -s, -a, -u: the interval's name in messages is the option's data */
int record_opt_interval(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t ns, *us = opt->value;

	/* a plain number is in microseconds, as DAMON's sysfs files */
	if (dp_parse_time_ns(arg, 1000, &ns) || ns < 1000 || ns % 1000)
		return dp_bad_usage(ctx->cmd, "bad %s '%s' (a time of at least 1us, e.g. 5ms)",
				    (const char *)opt->data, arg);
	*us = ns / 1000;
	return 0;
}

int record_opt_count(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint32_t *out = opt->value;
	uint64_t v;

	if (dp_parse_u64(arg, &v) || v > UINT32_MAX)
		return dp_bad_usage(ctx->cmd, "bad --%s '%s' (a number of regions)",
				    opt->long_name, arg);
	*out = (uint32_t)v;
	return 0;
}

int record_opt_pid(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t v;

	if (dp_parse_u64(arg, &v) || !v || v > 0x7fffffff)
		return dp_bad_usage(ctx->cmd, "bad pid '%s'", arg);
	*(pid_t *)opt->value = (pid_t)v;
	return 0;
}

/* --max-overhead PCT: a percentage of one core, "2", "2%" or "0.5"; 0 turns the controller off */
int record_opt_overhead(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint32_t *bp = opt->value;
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end != arg && *end == '%')
		end++;
	if (errno || end == arg || *end || !(v >= 0 && v <= 100))
		return dp_bad_usage(ctx->cmd, "bad --max-overhead '%s' (a percentage of one core "
				    "from 0 to 100, e.g. 2 or 0.5%%)", arg);
	*bp = (uint32_t)(v * 100 + 0.5);
	if (v > 0 && !*bp)
		*bp = 1;
	return 0;
}

/*
 * --intervals-goal: "off", "auto" (damo's goal: 4%,3,5ms,10s) or ACCESS%,AGGRS,MIN,MAX as damo's
 * --monitoring_intervals_goal takes them, with commas.
 */
int record_opt_intervals_goal(const struct parse_opt *opt, const char *arg,
			      struct parse_ctx *ctx)
{
	struct rec_intervals_goal *g = opt->value, v = { 0 };
	char buf[128], *f[4], *save = NULL, *pct;
	uint64_t n, min_ns, max_ns;
	double bp;
	int nr = 0;

	if (!strcmp(arg, "off")) {
		*g = v;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", !strcmp(arg, "auto") ? "4%,3,5ms,10s" : arg);
	for (char *t = strtok_r(buf, ",", &save); t && nr < 5; t = strtok_r(NULL, ",", &save))
		if (nr++ < 4)
			f[nr - 1] = t;
	if (nr != 4)
		goto bad;
	bp = strtod(f[0], &pct);
	if (pct == f[0] || strcmp(pct, "%") || !(bp > 0 && bp <= 100))
		goto bad;
	if (dp_parse_u64(f[1], &n) || !n || n > UINT32_MAX ||
	    dp_parse_time_ns(f[2], 1000, &min_ns) || dp_parse_time_ns(f[3], 1000, &max_ns) ||
	    min_ns < 1000 || min_ns > max_ns)
		goto bad;
	v.access_bp = (uint32_t)(bp * 100 + 0.5);
	v.aggrs = (uint32_t)n;
	v.min_sample_us = min_ns / 1000;
	v.max_sample_us = max_ns / 1000;
	*g = v;
	return 0;
bad:
	return dp_bad_usage(ctx->cmd, "bad --intervals-goal '%s' (off, auto, or ACCESS%%,AGGRS,"
			    "MIN,MAX as in 4%%,3,5ms,10s)", arg);
}

#define DEFAULT_SAMPLE_US 5000
#define DEFAULT_AGGR_US 100000

void record_opts_defaults(struct rec_opts *o)
{
	o->params.sample_us = DEFAULT_SAMPLE_US;
	o->params.aggr_us = DEFAULT_AGGR_US;
	o->params.update_us = 1000000;
	o->params.min_nr_regions = 10;
	o->params.max_nr_regions = 1000;
	o->params.primitive = "auto";
	o->params.max_overhead_bp = RECORD_OVERHEAD_UNSET;
}

int record_opts_check(const char *cmd, struct rec_opts *o, int n, char **argv)
{
	int have_pid = o->params.pid != 0, nr_targets;
	char a[32];

	if (n)
		o->argv = argv;
	nr_targets = have_pid + o->params.paddr + !!o->argv;
	if (nr_targets != 1)
		return dp_bad_usage(cmd, nr_targets ?
				    "give only one target: -p <pid>, --paddr or -- <command>" :
				    "nothing to record: give -p <pid>, --paddr or -- <command>");
	if (o->params.sample_us > o->params.aggr_us)
		return dp_bad_usage(cmd, "the sampling interval (%s) exceeds the aggregation "
				    "interval", units_time(a, sizeof(a), o->params.sample_us * 1000));
	if (o->params.min_nr_regions < 3)
		return dp_bad_usage(cmd, "--min-regions must be at least 3");
	if (o->params.min_nr_regions > o->params.max_nr_regions)
		return dp_bad_usage(cmd, "--min-regions (%u) exceeds --max-regions (%u)",
				    o->params.min_nr_regions, o->params.max_nr_regions);
	if (o->params.max_overhead_bp == RECORD_OVERHEAD_UNSET) {
		/* the default budget: over the default intervals or the goal's, not asked ones */
		int asked = o->params.sample_us != DEFAULT_SAMPLE_US ||
			    o->params.aggr_us != DEFAULT_AGGR_US;

		o->params.max_overhead_bp = asked && !o->params.goal.aggrs ?
					    0 : RECORD_DEFAULT_OVERHEAD_BP;
		o->params.max_overhead_default = 1;
	}
	return 0;
}
