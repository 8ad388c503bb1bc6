// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof record": options, signals and the live status line. The recording itself is
 * record/record.c; this file only turns argv into struct rec_opts and its outcome into
 * messages and an exit status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/parse-options.h"
#include "format/outfile.h"
#include "record/prim.h"
#include "record/record.h"
#include "report/units.h"

static volatile sig_atomic_t record_stop;

static void on_signal(int sig)
{
	(void)sig;
	record_stop = 1;
}

struct record_ui {
	int tty;		/* draw the status line */
	int quiet;
	int drawn;		/* a status line is on screen */
};

static void ui_status(void *arg, const struct rec_status *st)
{
	struct record_ui *ui = arg;
	char a[32], b[32], c[32];

	if (!ui->tty || ui->quiet)
		return;
	fprintf(stderr, "\r\033[K[ %s ] %llu snapshots, %u regions, %s", units_time(a, sizeof(a), st->elapsed_ns),
		(unsigned long long)st->nr_snapshots, st->nr_regions, units_size(b, sizeof(b), st->bytes));
	if (st->behind && st->recent_aggr_ns)
		fprintf(stderr, ", behind: snapshots every %s for %s", units_time(a, sizeof(a), st->recent_aggr_ns),
			units_time(c, sizeof(c), st->aggr_ns));
	else if (st->behind)
		fprintf(stderr, ", behind: no snapshot yet for %s", units_time(c, sizeof(c), st->aggr_ns));
	fflush(stderr);
	ui->drawn = 1;
}

static void ui_clear(struct record_ui *ui)
{
	if (ui->drawn) {
		fputs("\r\033[K", stderr);
		ui->drawn = 0;
	}
}

static void ui_note(void *arg, const char *msg)
{
	struct record_ui *ui = arg;

	if (ui->quiet)
		return;
	ui_clear(ui);
	dp_info("%s", msg);
}

/* ---- the options' callbacks ---- */

static int opt_output(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	if (!*arg)
		return dp_bad_usage("record", "empty output file name");
	*(const char **)opt->value = arg;
	return 0;
}

static int opt_duration(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t *ns = opt->value;

	if (dp_parse_time_ns(arg, 1000000000ULL, ns) || !*ns)
		return dp_bad_usage("record", "bad duration '%s' (e.g. 10s, 500ms)", arg);
	return 0;
}

static int opt_backend(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	if (strcmp(arg, "auto") && strcmp(arg, "sampler") && strcmp(arg, "damon"))
		return dp_bad_usage("record", "unknown backend '%s' (auto, sampler, damon)", arg);
	*(const char **)opt->value = arg;
	return 0;
}

static int opt_primitive(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	if (strcmp(arg, "auto") && !prim_find(arg))
		return dp_bad_usage("record", "unknown primitive '%s' (auto, %s)", arg,
				    prim_names());
	*(const char **)opt->value = arg;
	return 0;
}

/* -s, -a, -u: the interval's name in messages is the option's data */
static int opt_interval(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t ns, *us = opt->value;

	/* a plain number is in microseconds, as DAMON's sysfs files */
	if (dp_parse_time_ns(arg, 1000, &ns) || ns < 1000 || ns % 1000)
		return dp_bad_usage("record", "bad %s '%s' (a time of at least 1us, e.g. 5ms)",
				    (const char *)opt->data, arg);
	*us = ns / 1000;
	return 0;
}

static int opt_count(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint32_t *out = opt->value;
	uint64_t v;

	if (dp_parse_u64(arg, &v) || v > UINT32_MAX)
		return dp_bad_usage("record", "bad --%s '%s' (a number of regions)", opt->long_name,
				    arg);
	*out = (uint32_t)v;
	return 0;
}

static int opt_pid(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t v;

	if (dp_parse_u64(arg, &v) || !v || v > 0x7fffffff)
		return dp_bad_usage("record", "bad pid '%s'", arg);
	*(pid_t *)opt->value = (pid_t)v;
	return 0;
}

static int opt_heap_rate(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t *out = opt->value;

	if (dp_parse_size(arg, out) || *out < 1 || *out > (1ull << 40))
		return dp_bad_usage("record", "bad --heap-sample-bytes '%s' (a size from 1 byte to "
				    "1 TiB, e.g. 512K)", arg);
	return 0;
}

#define OPT_INTERVAL(s, l, v, h, what) \
	{ .type = PARSE_OPT_CALLBACK, .short_name = (s), .long_name = (l), \
	  .value = PARSE_OPT_PTR(uint64_t, v), .argh = "time", .help = (h), \
	  .callback = opt_interval, .data = (what) }

static void on_sigpipe(int sig)
{
	(void)sig;	/* the write fails with EPIPE instead, and that is reported */
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a sleeping sampler wakes up and finishes the file */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/*
	 * A FIFO whose reader exits would kill the recorder with SIGPIPE, silently and without
	 * ending the recording. Caught rather than ignored: a caught signal is reset by exec, so a
	 * started command gets its SIGPIPE as usual, where an ignored one would be inherited.
	 */
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, NULL);
}

static const char *end_words(enum rec_end e)
{
	switch (e) {
	case REC_END_TARGET:
		return "the target exited";
	case REC_END_SIGNAL:
		return "interrupted";
	case REC_END_DURATION:
		return "duration reached";
	default:
		return "stopped by an error";
	}
}

int cmd_record(int argc, char **argv)
{
	struct rec_opts o = REC_OPTS_INIT;
	struct record_ui ui = { .tty = isatty(STDERR_FILENO) };
	const struct parse_opt options[] = {
		OPT_CALLBACK('o', "output", PARSE_OPT_PTR(const char *, &o.output), "file",
			     "the recording written (default daprof.data)", opt_output),
		OPT_CALLBACK('d', "duration", PARSE_OPT_PTR(uint64_t, &o.duration_ns), "time",
			     "stop after this time (default: when the target exits)",
			     opt_duration),
		OPT_CALLBACK('b', "backend", PARSE_OPT_PTR(const char *, &o.backend), "backend",
			     "auto (the default), sampler or damon", opt_backend),
		OPT_CALLBACK(0, "primitive", PARSE_OPT_PTR(const char *, &o.params.primitive), "p",
			     "the sampler's access check (default auto)", opt_primitive),
		OPT_INTERVAL('s', "sample", &o.params.sample_us, "sampling interval (default 5ms)",
			     "sampling interval"),
		OPT_INTERVAL('a', "aggr", &o.params.aggr_us,
			     "aggregation interval (default 100ms)", "aggregation interval"),
		OPT_INTERVAL('u', "update", &o.params.update_us,
			     "memory-map update interval (default 1s)", "update interval"),
		OPT_CALLBACK('n', "min-regions", PARSE_OPT_PTR(uint32_t, &o.params.min_nr_regions),
			     "n", "minimum number of regions (default 10)", opt_count),
		OPT_CALLBACK('m', "max-regions", PARSE_OPT_PTR(uint32_t, &o.params.max_nr_regions),
			     "n", "maximum number of regions (default 1000)", opt_count),
		OPT_BOOL('q', "quiet", &ui.quiet, "no status line and no notices"),
		OPT_BOOL(0, "heap-sites", &o.heap_sites,
			 "record the call stacks of heap allocations (a started command only)"),
		OPT_CALLBACK(0, "heap-sample-bytes", PARSE_OPT_PTR(uint64_t, &o.heap_sample_bytes),
			     "size", "one sampled allocation under a page per this many bytes "
			     "(default 512K)", opt_heap_rate),
		{ .type = PARSE_OPT_CALLBACK, .short_name = 'p', .long_name = "pid",
		  .value = PARSE_OPT_PTR(pid_t, &o.params.pid), .argh = "pid",
		  .help = "record this running process", .callback = opt_pid,
		  .flags = PARSE_OPT_NO_USAGE_LINE },
		{ .type = PARSE_OPT_BOOL, .long_name = "paddr", .value = &o.params.paddr,
		  .help = "record physical memory (kernel DAMON only)",
		  .flags = PARSE_OPT_NO_USAGE_LINE },
		OPT_END()
	};
	struct rec_result res;
	char why[1024], a[32];
	int n, ret, have_pid;

	o.params.sample_us = 5000;
	o.params.aggr_us = 100000;
	o.params.update_us = 1000000;
	o.params.min_nr_regions = 10;
	o.params.max_nr_regions = 1000;
	o.params.primitive = "auto";
	o.heap_sample_bytes = 512 * 1024;
	/* options end at the first operand: what follows is the command and its arguments */
	n = parse_options(argc, argv, options, "record",
			  "(-p <pid> | --paddr | -- <command> [<arg>...])",
			  PARSE_OPT_STOP_AT_OPERAND);
	if (n < 0)
		return parse_opt_exit(n);
	have_pid = o.params.pid != 0;
	if (n)
		o.argv = argv;
	if (have_pid + o.params.paddr + !!o.argv != 1)
		return dp_bad_usage("record", have_pid + o.params.paddr + !!o.argv ?
				    "give only one target: -p <pid>, --paddr or -- <command>" :
				    "nothing to record: give -p <pid>, --paddr or -- <command>");
	if (o.heap_sites && !o.argv)
		return dp_bad_usage("record", "--heap-sites needs a command (-- <command>): the "
				    "library is loaded at exec, and this daprof does not inject it "
				    "into a running process");
	if (o.params.sample_us > o.params.aggr_us)
		return dp_bad_usage("record", "the sampling interval (%s) exceeds the aggregation "
				    "interval", units_time(a, sizeof(a), o.params.sample_us * 1000));
	if (o.params.min_nr_regions < 3)
		return dp_bad_usage("record", "--min-regions must be at least 3");
	if (o.params.min_nr_regions > o.params.max_nr_regions)
		return dp_bad_usage("record", "--min-regions (%u) exceeds --max-regions (%u)",
				    o.params.min_nr_regions, o.params.max_nr_regions);

	install_signals();
	o.stop = &record_stop;
	o.status = ui_status;
	o.note = ui_note;
	o.cb_arg = &ui;
	ret = rec_run(&o, &res, why, sizeof(why));
	ui_clear(&ui);
	if (ret) {
		dp_error(0, "%s", why);
		return 1;
	}
	if (res.end == REC_END_ERROR) {
		if (res.err == -EPIPE || res.err == -ETIME || outfile_special(o.output))
			dp_error(0, "%s", why);
		else
			dp_error(0, "%s ('%s' holds what was recorded until then)", why, o.output);
		return 1;
	}
	if (!ui.quiet)
		dp_info("wrote %llu snapshots (%s) to '%s': %s", (unsigned long long)res.nr_snapshots,
			units_size(a, sizeof(a), res.bytes), o.output, end_words(res.end));
	return 0;
}
