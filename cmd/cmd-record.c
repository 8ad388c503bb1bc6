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
#include "cmd/record-options.h"
#include "format/outfile.h"
#include "record/record.h"
#include "report/sees.h"
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

/*
 * What the primitive cannot see, in the one wording of report/sees.c, and what to use instead:
 * kernel DAMON where this kernel's DAMON has vaddr (its probe is read-only).
 */
static void ui_started(void *arg, const char *backend, const char *primitive_sees)
{
	const struct rec_backend_ops *damon = rec_backend_find("damon");
	struct rec_params vp = { .primitive = "auto", .pid = getpid() };
	enum sees_kind k = sees_kind(primitive_sees);
	char advice[512], why[256];

	if (!sees_caveat(k))
		return;
	if (sees_advice(advice, sizeof(advice), k, damon && !damon->probe(&vp, why, sizeof(why))))
		ui_note(arg, advice);
}

static int opt_heap_rate(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t *out = opt->value;

	if (dp_parse_size(arg, out) || *out < 1 || *out > (1ull << 40))
		return dp_bad_usage("record", "bad --heap-sample-bytes '%s' (a size from 1 byte to "
				    "1 TiB, e.g. 512K)", arg);
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
			     "the recording written (default daprof.data)", record_opt_output),
		RECORD_OPTIONS(&o),
		OPT_BOOL('q', "quiet", &ui.quiet, "no status line and no notices"),
		OPT_BOOL(0, "heap-sites", &o.heap_sites,
			 "record the call stacks of heap allocations (a started command only)"),
		OPT_CALLBACK(0, "heap-sample-bytes", PARSE_OPT_PTR(uint64_t, &o.heap_sample_bytes),
			     "size", "one sampled allocation under a page per this many bytes "
			     "(default 512K)", opt_heap_rate),
		OPT_END()
	};
	struct rec_result res;
	char why[1024], a[32];
	int n, ret;

	record_opts_defaults(&o);
	o.heap_sample_bytes = 512 * 1024;
	/* options end at the first operand: what follows is the command and its arguments */
	n = parse_options(argc, argv, options, "record",
			  RECORD_TARGET_USAGE,
			  PARSE_OPT_STOP_AT_OPERAND);
	if (n < 0)
		return parse_opt_exit(n);
	ret = record_opts_check("record", &o, n, argv);
	if (ret)
		return ret;
	if (o.heap_sites && !o.argv)
		return dp_bad_usage("record", "--heap-sites needs a command (-- <command>): the "
				    "library is loaded at exec, and this daprof does not inject it "
				    "into a running process");

	install_signals();
	o.stop = &record_stop;
	o.status = ui_status;
	o.note = ui_note;
	o.started = ui_started;
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
