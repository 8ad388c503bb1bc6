// SPDX-License-Identifier: GPL-2.0
/*
 * The option callbacks and checks of the recorder's options, shared by "daprof record" and
 * "daprof top" (cmd/record-options.h says why they are shared).
 */
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

void record_opts_defaults(struct rec_opts *o)
{
	o->params.sample_us = 5000;
	o->params.aggr_us = 100000;
	o->params.update_us = 1000000;
	o->params.min_nr_regions = 10;
	o->params.max_nr_regions = 1000;
	o->params.primitive = "auto";
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
	return 0;
}
