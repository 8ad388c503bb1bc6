// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof record": options, signals and the live status line. The recording itself is
 * record/record.c; this file only turns argv into struct record_opts and its outcome into
 * messages and an exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "format/outfile.h"
#include "record/prim.h"
#include "record/record.h"
#include "report/units.h"

static const char record_usage[] =
	"daprof record [-o <file>] [-d <time>] [-b auto|sampler|damon] [--primitive <p>]\n"
	"                     [-s <time>] [-a <time>] [-u <time>] [-n <min>] [-m <max>] [-q]\n"
	"                     (-p <pid> | --paddr | -- <command> [<arg>...])";

enum { OPT_PRIMITIVE = 256, OPT_PADDR };

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

static void ui_status(void *arg, const struct record_status *st)
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

static int parse_interval(const char *opt, const char *s, uint64_t *us)
{
	uint64_t ns;

	/* a plain number is in microseconds, as DAMON's sysfs files */
	if (dp_parse_time_ns(s, 1000, &ns) || ns < 1000 || ns % 1000)
		return dp_bad_usage("record", "bad %s '%s' (a time of at least 1us, e.g. 5ms)", opt,
				    s);
	*us = ns / 1000;
	return 0;
}

static int parse_count(const char *opt, const char *s, uint32_t *out)
{
	uint64_t v;

	if (dp_parse_u64(s, &v) || v > UINT32_MAX)
		return dp_bad_usage("record", "bad %s '%s' (a number of regions)", opt, s);
	*out = (uint32_t)v;
	return 0;
}

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

static const char *end_words(enum record_end e)
{
	switch (e) {
	case RECORD_END_TARGET:
		return "the target exited";
	case RECORD_END_SIGNAL:
		return "interrupted";
	case RECORD_END_DURATION:
		return "duration reached";
	default:
		return "stopped by an error";
	}
}

int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output",	 required_argument,	NULL, 'o' },
		{ "duration",	 required_argument,	NULL, 'd' },
		{ "backend",	 required_argument,	NULL, 'b' },
		{ "primitive",	 required_argument,	NULL, OPT_PRIMITIVE },
		{ "sample",	 required_argument,	NULL, 's' },
		{ "aggr",	 required_argument,	NULL, 'a' },
		{ "update",	 required_argument,	NULL, 'u' },
		{ "min-regions", required_argument,	NULL, 'n' },
		{ "max-regions", required_argument,	NULL, 'm' },
		{ "quiet",	 no_argument,		NULL, 'q' },
		{ "pid",	 required_argument,	NULL, 'p' },
		{ "paddr",	 no_argument,		NULL, OPT_PADDR },
		{ "help",	 no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct record_opts o = RECORD_OPTS_INIT;
	struct record_ui ui = { .tty = isatty(STDERR_FILENO) };
	struct record_result res;
	uint64_t v;
	char why[1024], a[32];
	int c, ret, have_pid = 0;

	o.params.sample_us = 5000;
	o.params.aggr_us = 100000;
	o.params.update_us = 1000000;
	o.params.min_nr_regions = 10;
	o.params.max_nr_regions = 1000;
	o.params.primitive = "auto";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:d:b:s:a:u:n:m:qp:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return dp_bad_usage("record", "empty output file name");
			o.output = optarg;
			break;
		case 'd':
			if (dp_parse_time_ns(optarg, 1000000000ULL, &o.duration_ns) ||
			    !o.duration_ns)
				return dp_bad_usage("record", "bad duration '%s' (e.g. 10s, 500ms)",
						    optarg);
			break;
		case 'b':
			if (strcmp(optarg, "auto") && strcmp(optarg, "sampler") &&
			    strcmp(optarg, "damon"))
				return dp_bad_usage("record", "unknown backend '%s' (auto, sampler, "
						    "damon)", optarg);
			o.backend = optarg;
			break;
		case OPT_PRIMITIVE:
			if (strcmp(optarg, "auto") && !prim_find(optarg))
				return dp_bad_usage("record", "unknown primitive '%s' (auto, %s)",
						    optarg, prim_names());
			o.params.primitive = optarg;
			break;
		case 's':
			if (parse_interval("sampling interval", optarg, &o.params.sample_us))
				return 2;
			break;
		case 'a':
			if (parse_interval("aggregation interval", optarg, &o.params.aggr_us))
				return 2;
			break;
		case 'u':
			if (parse_interval("update interval", optarg, &o.params.update_us))
				return 2;
			break;
		case 'n':
			if (parse_count("--min-regions", optarg, &o.params.min_nr_regions))
				return 2;
			break;
		case 'm':
			if (parse_count("--max-regions", optarg, &o.params.max_nr_regions))
				return 2;
			break;
		case 'q':
			ui.quiet = 1;
			break;
		case 'p':
			if (dp_parse_u64(optarg, &v) || !v || v > 0x7fffffff)
				return dp_bad_usage("record", "bad pid '%s'", optarg);
			o.params.pid = (pid_t)v;
			have_pid = 1;
			break;
		case OPT_PADDR:
			o.params.paddr = 1;
			break;
		case 'h':
			return dp_usage(record_usage);
		default:
			return cmd_option_error("record", c, argv);
		}
	}
	if (optind < argc)
		o.argv = argv + optind;
	if (have_pid + o.params.paddr + !!o.argv != 1)
		return dp_bad_usage("record", have_pid + o.params.paddr + !!o.argv ?
				    "give only one target: -p <pid>, --paddr or -- <command>" :
				    "nothing to record: give -p <pid>, --paddr or -- <command>");
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
	ret = record_run(&o, &res, why, sizeof(why));
	ui_clear(&ui);
	if (ret) {
		dp_error(0, "%s", why);
		return 1;
	}
	if (res.end == RECORD_END_ERROR) {
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
