// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof top": a live, full-screen view of a recording as it is made (perf top, damo monitor).
 * The recorder (record/record.c, the same options as "daprof record") runs in the main thread
 * and hands each snapshot, memory map and resource sample to a live recording in memory
 * (report/live.h); a display thread draws a frame per aggregation interval from its last
 * snapshots with the reports' own code: the folded heat map of "report heatmap --ascii", the
 * working set of "report wss", the hot and cold mappings of "report hot --by mapping". Keys
 * pause, zoom the time axis and quit. --batch prints frames to stdout instead (top -b), which is
 * what scripts and tests read. Documentation/daprof-design-notes.7 (note 23) says why so.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/parse-options.h"
#include "cmd/record-options.h"
#include "cmd/report-hot-common.h"
#include "format/outfile.h"
#include "record/record.h"
#include "report/heatmap-render.h"
#include "report/hot.h"
#include "report/live.h"
#include "report/session.h"
#include "report/symbols.h"
#include "report/units.h"
#include "report/wss.h"

#define TOP_MAX_ZOOM	16	/* snapshots per column, at most */
#define TOP_MAX_COLUMNS	1000	/* of the heat map */
#define TOP_HOT_NS	10000000000ULL	/* the hot and cold lists: the last 10 s */
#define TOP_SYMBOLS_EVERY_NS 1000000000ULL	/* by symbol: a new list each second */
#define TOP_KEPT	4000	/* snapshots kept: 250 columns at the widest zoom (note 23) */
#define TOP_HEAD_LINES	6	/* above the map: title, wss, hot, cold, overhead, caveat/note */

static volatile sig_atomic_t top_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

static void on_sigpipe(int sig)
{
	(void)sig;
}

/* ---- the terminal ---- */

struct term {
	int in, out;		/* the terminal's fds, kept while fds 0-2 go to /dev/null */
	int err;		/* our stderr, put back at the end */
	struct termios saved;
	int raw;		/* saved is valid and the screen is ours */
};

static struct term term = { .in = -1, .out = -1, .err = -1 };

static const char screen_enter[] = "\033[?1049h\033[?25l\033[H\033[2J";
static const char screen_leave[] = "\033[?25h\033[?1049l";

/* Give the terminal back as it was; safe in a signal handler, and more than once. */
static void term_restore(void)
{
	if (!term.raw)
		return;
	term.raw = 0;
	tcsetattr(term.in, TCSAFLUSH, &term.saved);
	if (write(term.out, screen_leave, sizeof(screen_leave) - 1) < 0)
		return;
}

/* A signal that ends the process gives the terminal back first, then does what it does. */
static void on_fatal_signal(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int term_enter(void)
{
	struct termios t;

	if (tcgetattr(term.in, &term.saved))
		return -errno;
	t = term.saved;
	/* keys one by one, not echoed; ^C still interrupts (ISIG) and ends top cleanly */
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	t.c_cc[VSUSP] = _POSIX_VDISABLE;	/* ^Z would stop the recorder with the screen ours */
	if (tcsetattr(term.in, TCSAFLUSH, &t))
		return -errno;
	term.raw = 1;
	if (write(term.out, screen_enter, sizeof(screen_enter) - 1) < 0)
		return -errno;
	return 0;
}

static void term_size(int fd, int *cols, int *rows)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS"), *r = getenv("LINES");

	*cols = 80;
	*rows = 24;
	if (fd >= 0 && !ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
		return;
	}
	if (c && atoi(c) > 0)
		*cols = atoi(c);
	if (r && atoi(r) > 0)
		*rows = atoi(r);
}

/* ---- the state the recorder and the display share ---- */

struct top {
	pthread_mutex_t lock;
	struct live *live;		/* NULL until the recording has started */
	int wake[2];			/* the recorder's "a snapshot came", to the display */
	pthread_t thread;
	int thread_started;
	volatile sig_atomic_t done;	/* the recorder has returned */
	int err;			/* of the live recording (-ENOMEM) */

	/* the display's own (no lock) */
	int batch;
	uint64_t max_frames;		/* 0: no limit */
	int color;
	int paused;
	int by_symbol;			/* key s: hot and cold by symbol, not by mapping */
	unsigned zoom;			/* snapshots per column */
	uint64_t frames;
	uint64_t aggr_ns;
	struct sym_cache *syms;		/* kept from frame to frame */
	char *hot_lines;		/* the last hot and cold lines, */
	uint64_t hot_ns;		/*   when they were made, */
	int hot_cols, hot_by_symbol;	/*   for which width and list */
	char *last;			/* the last frame's body, redrawn while paused */
	size_t last_len;
	uint64_t cpu_t0, cpu_all0, cpu_ui0;	/* for the overhead line */
	double rec_pct, ui_pct;
	int measured;			/* rec_pct and ui_pct hold a measure */

	/* notices of the recorder, shown on the screen and printed at the end */
	char notes[4][256];
	int nr_notes;
};

static void wake_display(struct top *t)
{
	if (write(t->wake[1], "", 1) < 0)
		return;		/* full: the display is awake anyway */
}

static void top_note(void *arg, const char *msg)
{
	struct top *t = arg;

	pthread_mutex_lock(&t->lock);
	if (t->batch) {
		dp_info("%s", msg);	/* stderr is not the screen */
	} else {
		if (t->nr_notes == 4) {
			memmove(t->notes[0], t->notes[1], sizeof(t->notes[0]) * 3);
			t->nr_notes--;
		}
		snprintf(t->notes[t->nr_notes++], sizeof(t->notes[0]), "%s", msg);
	}
	pthread_mutex_unlock(&t->lock);
}

static void *display_main(void *arg);

/* The recording has started: keep its records, and start the display. */
static void top_meta(void *arg, const struct dpf_meta *m)
{
	static const int held[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD };
	struct top *t = arg;
	sigset_t all, old;
	int ret;

	pthread_mutex_lock(&t->lock);
	ret = live_new(&t->live, m, TOP_KEPT);
	pthread_mutex_unlock(&t->lock);
	if (ret) {
		t->err = ret;
		top_stop = 1;
		return;
	}
	t->aggr_ns = dpf_meta_get_u64(m, "aggr_us", 100000) * 1000;
	/*
	 * The signals that end a recording stay with the recorder, which ends it on them (a
	 * fault of the display's own, SIGSEGV say, still reaches the handler that gives the
	 * terminal back: it is not blocked).
	 */
	sigemptyset(&all);
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
		sigaddset(&all, held[i]);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (!pthread_create(&t->thread, NULL, display_main, t))
		t->thread_started = 1;
	else
		top_stop = 1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void top_snapshot(void *arg, const struct dpf_snapshot *s)
{
	struct top *t = arg;

	pthread_mutex_lock(&t->lock);
	if (t->live && live_add_snapshot(t->live, s)) {
		t->err = -ENOMEM;
		top_stop = 1;
	}
	pthread_mutex_unlock(&t->lock);
	wake_display(t);
}

/* The recorder changed its intervals: the live working set and the time geometry follow. */
static void top_intervals(void *arg, const struct dpf_intervals *iv)
{
	struct top *t = arg;

	pthread_mutex_lock(&t->lock);
	if (t->live && live_set_intervals(t->live, iv)) {
		t->err = -ENOMEM;
		top_stop = 1;
	}
	t->aggr_ns = iv->aggr_us * 1000;
	pthread_mutex_unlock(&t->lock);
}

static void top_maps(void *arg, const struct dpf_maps *m)
{
	struct top *t = arg;

	pthread_mutex_lock(&t->lock);
	if (t->live && live_add_maps(t->live, m)) {
		t->err = -ENOMEM;
		top_stop = 1;
	}
	pthread_mutex_unlock(&t->lock);
}

static void top_rusage(void *arg, const struct dpf_rusage *u)
{
	struct top *t = arg;

	pthread_mutex_lock(&t->lock);
	if (t->live)
		live_add_rusage(t->live, u);
	pthread_mutex_unlock(&t->lock);
}

/* ---- a frame ---- */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The recorder's CPU share and the display's, over the last second or so. */
static void measure_cpu(struct top *t)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	uint64_t all = clock_ns(CLOCK_PROCESS_CPUTIME_ID), ui = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	double dt;

	if (!t->cpu_t0) {
		t->cpu_t0 = now;
		t->cpu_all0 = all;
		t->cpu_ui0 = ui;
		return;
	}
	if (now - t->cpu_t0 < 1000000000ULL)
		return;
	dt = (double)(now - t->cpu_t0);
	t->ui_pct = 100.0 * (double)(ui - t->cpu_ui0) / dt;
	t->rec_pct = 100.0 * (double)((all - t->cpu_all0) - (ui - t->cpu_ui0)) / dt;
	t->measured = 1;
	t->cpu_t0 = now;
	t->cpu_all0 = all;
	t->cpu_ui0 = ui;
}

/* "name size rate | ..." of the first objects of @h as ranked, as many as fit @width. */
static void print_objects(FILE *out, const char *what, const struct hot *h, int cold, int width)
{
	char line[1024], a[32], b[32];
	size_t len = (size_t)snprintf(line, sizeof(line), "%-5s", what);
	size_t max = width > 0 && (size_t)width < sizeof(line) ? (size_t)width : sizeof(line) - 1;

	for (size_t i = 0, shown = 0; i < h->nr_listed && shown < 4; i++) {
		const struct hot_object *o = &h->obj[i];
		char one[160];
		int n;

		if (cold && o->idle_byte_s <= 0)
			break;	/* ranked by idle byte-time: nothing idle from here on */
		if (cold)
			n = snprintf(one, sizeof(one), "%s %s %s idle %.0f%%%s%s", shown ? " |" : "",
				     o->name, units_size(a, sizeof(a), o->bytes),
				     o->byte_s > 0 ? 100.0 * o->idle_byte_s / o->byte_s : 0.0,
				     o->idle_ns ? " for " : "",
				     o->idle_ns ? units_time(b, sizeof(b), o->idle_ns) : "");
		else
			n = snprintf(one, sizeof(one), "%s %s %s %.3g Hz", shown ? " |" : "", o->name,
				     units_size(a, sizeof(a), o->bytes), hot_rate_hz(o));
		if (n < 0 || len + (size_t)n > max)
			break;
		memcpy(line + len, one, (size_t)n + 1);
		len += (size_t)n;
		shown++;
	}
	if (len == 5)
		len += (size_t)snprintf(line + len, sizeof(line) - len, cold ? " (nothing idle)" :
					" (no mapping yet)");
	fprintf(out, "%.*s\n", (int)(len < max ? len : max), line);
}

/* The heat map of "report heatmap --ascii", less its two title lines (ours say it). */
static void print_map(FILE *out, struct top *t, struct session *ses, int cols, int rows)
{
	struct heatmap_opts ho = HEATMAP_OPTS_INIT;
	struct heatmap_view v = { .input = "daprof top", .target = -1, .color = t->color,
				  .percent = 1, .no_head = 1 };
	struct heatmap_scale s;
	struct heatmap *h = NULL;
	int ret;

	ho.width = (unsigned)(cols - HEATMAP_ASCII_LABEL - 1);
	ho.height = (unsigned)rows;
	ho.min_rows = 2;
	ho.sep_rows = 1;
	ho.max_ranges = ho.height / 3 > 1 ? ho.height / 3 : 1;
	viz_colormap_init(&v.cmap, VIZ_CMAP_VIRIDIS);
	ret = heatmap_build_session(&h, ses, &ho);
	if (ret) {
		fprintf(out, "(no heat map yet: %s)\n", ret == -ENODATA ? "no snapshot" :
			dpf_strerror(ret));
		return;
	}
	if (heatmap_make_scale(&v, h, &s)) {
		v.percent = 0;
		heatmap_make_scale(&v, h, &s);
	}
	heatmap_print_ascii(out, &v, h, ses, &s);
	heatmap_free(h);
}

/*
 * The hot and the cold lines: "report hot --by mapping" (or by symbol, key s) and its --cold
 * ranking over the last TOP_HOT_NS of snapshots, what is hot now rather than since the start
 * (and a window short enough for symbols to stay cheap: design note 23).
 */
static void print_hot(FILE *out, struct top *t, int cols)
{
	struct hot_opts hopt = HOT_OPTS_INIT;
	struct session *ses = NULL;
	struct hot *h = NULL;
	size_t nr = t->aggr_ns ? TOP_HOT_NS / t->aggr_ns : 1;
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int ret;

	/*
	 * By symbol, a list costs some 35 ms whatever its window (each mapping's symbols are
	 * enumerated anew): it is made once a second, and the frames between show the last one.
	 */
	if (t->by_symbol && t->hot_lines && t->hot_by_symbol && t->hot_cols == cols &&
	    now - t->hot_ns < TOP_SYMBOLS_EVERY_NS) {
		fputs(t->hot_lines, out);
		return;
	}
	m = open_memstream(&buf, &len);
	if (!m)
		return;

	pthread_mutex_lock(&t->lock);
	ret = live_open_window(t->live, nr ? nr : 1, NULL, &ses);
	pthread_mutex_unlock(&t->lock);
	hopt.by = t->by_symbol ? HOT_BY_SYMBOL : HOT_BY_MAPPING;
	if (!t->syms && sym_cache_new(&t->syms, &hopt.sym))
		t->syms = NULL;
	hopt.cache = t->syms;
	if (!ret && !hot_build(&h, ses, &hopt)) {
		hot_rank(h, 0);
		print_objects(m, "hot:", h, 0, cols - 1);
		hot_rank(h, 1);
		print_objects(m, "cold:", h, 1, cols - 1);
		hot_free(h);
	} else {
		fprintf(m, "hot:\ncold:\n");
	}
	session_close(ses);
	fclose(m);
	fputs(buf, out);
	free(t->hot_lines);
	t->hot_lines = buf;
	t->hot_ns = now;
	t->hot_cols = cols;
	t->hot_by_symbol = t->by_symbol;
}

/* One frame into @out: @cols x @rows characters at most (the escapes aside). */
static void compose(FILE *out, struct top *t, int cols, int rows)
{
	struct session_filter f = SESSION_FILTER_INIT;
	struct session *ses = NULL;
	struct wss_stats st = { 0 };
	double pct[] = { 50, 90 };
	struct dpf_rusage u;
	uint64_t nr = 0, now_wss = 0;
	int have_u = 0, ret, mapw = cols - HEATMAP_ASCII_LABEL - 1;
	char a[32], b[32], c[32], d[32];
	const struct session_facts *facts;
	char note[256] = "";

	if (mapw > TOP_MAX_COLUMNS)
		mapw = TOP_MAX_COLUMNS;
	if (mapw < 10 || rows < TOP_HEAD_LINES + 5) {
		fprintf(out, "daprof top: the terminal is too small (%dx%d; at least %dx%d)\n", cols,
			rows, HEATMAP_ASCII_LABEL + 11, TOP_HEAD_LINES + 5);
		return;
	}
	/* the map spans its width of intervals from the window's first: it fills, then scrolls */
	f.time_range = 1;
	f.time_lo_ns = 0;
	f.time_hi_ns = (uint64_t)mapw * t->zoom * t->aggr_ns;
	pthread_mutex_lock(&t->lock);
	ret = live_open_window(t->live, (size_t)mapw * t->zoom, &f, &ses);
	if (!ret)
		ret = wss_stats_make(&st, live_wss(t->live), pct, 2);
	nr = live_nr_snapshots(t->live);
	if (live_wss(t->live)->n)
		now_wss = live_wss(t->live)->bytes[live_wss(t->live)->n - 1];
	have_u = live_rusage(t->live, &u);
	if (t->nr_notes)
		snprintf(note, sizeof(note), "%s", t->notes[t->nr_notes - 1]);
	pthread_mutex_unlock(&t->lock);
	if (ret) {
		fprintf(out, "(waiting for the first snapshot)\n");
		session_close(ses);
		return;
	}
	facts = session_facts(ses);
	fprintf(out, "working set %s now, p50 %s, p90 %s (%llu snapshots)",
		units_size(a, sizeof(a), now_wss), units_size(b, sizeof(b),
		wss_stats_percentile(&st, 50)), units_size(c, sizeof(c), wss_stats_percentile(&st, 90)),
		(unsigned long long)nr);
	if (have_u && u.target_rss)
		fprintf(out, "; target RSS %s", units_size(d, sizeof(d), u.target_rss));
	fputc('\n', out);
	wss_stats_release(&st);

	print_hot(out, t, cols);
	fprintf(out, "%s\n", facts->source_line);
	if (facts->sees_caveat)	/* report/sees.c's one wording */
		fprintf(out, "note: %s\n", facts->sees_caveat);
	else
		fprintf(out, "%s\n", note);
	print_map(out, t, ses, mapw + HEATMAP_ASCII_LABEL + 1, rows - TOP_HEAD_LINES - 2);
	session_close(ses);
}

/* The first line: what is watched, the frame, the zoom, the recorder's overhead, the keys. */
static void title(FILE *out, struct top *t, int cols)
{
	char line[512], a[32];

	char rec[16] = "-", ui[16] = "-";

	if (t->measured) {
		snprintf(rec, sizeof(rec), "%.1f%%", t->rec_pct);
		snprintf(ui, sizeof(ui), "%.1f%%", t->ui_pct);
	}
	snprintf(line, sizeof(line), "daprof top: frame %llu, %s a column%s | recorder %s CPU, "
		 "display %s%s", (unsigned long long)t->frames,
		 units_time(a, sizeof(a), t->aggr_ns * t->zoom), t->paused ? " [paused]" : "",
		 rec, ui, t->batch ? "" : " | p pause, +/- zoom, s symbols, q quit");
	fprintf(out, "%s\n", line);
}

/*
 * Write the line [@p, @p + @n) to @o cut to @cols - 1 visible characters (the last column
 * left free, so that no terminal wraps the line): escape sequences take no room.
 */
static void put_clipped(FILE *o, const char *p, size_t n, int cols)
{
	int seen = 0, esc = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\033')
			esc = 1;
		if (esc) {
			putc(p[i], o);
			esc = !((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z'));
			continue;
		}
		if (seen >= cols - 1)
			continue;	/* the escapes after the cut still go out: a colour ends */
		putc(p[i], o);
		if (((unsigned char)p[i] & 0xc0) != 0x80)
			seen++;
	}
}

/* Draw: the title, then the body (new, or the last one again while paused). */
static void draw(struct top *t, int fresh)
{
	int fd = t->batch ? STDOUT_FILENO : term.out, cols, rows;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	term_size(fd, &cols, &rows);
	if (fresh) {
		m = open_memstream(&buf, &len);
		if (!m)
			return;
		measure_cpu(t);
		compose(m, t, cols, rows);
		fclose(m);
		free(t->last);
		t->last = buf;
		t->last_len = len;
		t->frames++;
	}
	m = open_memstream(&buf, &len);
	if (!m)
		return;
	title(m, t, cols);
	fclose(m);
	if (t->batch) {
		for (int pass = 0; pass < 2; pass++)
			for (const char *p = pass ? t->last : buf; p && *p;) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);

				put_clipped(stdout, p, n, cols);
				putc('\n', stdout);
				p += n + (nl ? 1 : 0);
			}
		fputc('\n', stdout);
		fflush(stdout);
	} else {
		/* home, then each line cleared to its end, then the rest of the screen */
		FILE *o = fdopen(dup(term.out), "w");
		const char *p;

		if (!o) {
			free(buf);
			return;
		}
		/* no newline after the last line: it would scroll the screen by one */
		fputs("\033[H", o);
		for (int pass = 0, line = 0; pass < 2; pass++)
			for (p = pass ? t->last : buf; p && *p && line < rows; line++) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);

				if (line)
					fputs("\r\n", o);
				put_clipped(o, p, n, cols);
				fputs("\033[K", o);
				p += n + (nl ? 1 : 0);
			}
		fputs("\033[J", o);
		fclose(o);
	}
	free(buf);
}

/*
 * A key: 1 to quit, else 0, with *@redraw 1 when the title changes and 2 when the frame does.
 * '+' zooms in (fewer intervals a column), '-' out, 'z' steps out and wraps around; 's'
 * lists by symbol or by mapping.
 */
static int on_key(struct top *t, int c, int *redraw)
{
	switch (c) {
	case 'q':
	case 'Q':
		return 1;
	case 'p':
	case ' ':
		t->paused = !t->paused;
		*redraw = 1;
		return 0;
	case 's':
		t->by_symbol = !t->by_symbol;
		break;
	case '+':
	case '=':
		if (t->zoom > 1)
			t->zoom /= 2;
		break;
	case '-':
		if (t->zoom < TOP_MAX_ZOOM)
			t->zoom *= 2;
		break;
	case 'z':
		t->zoom = t->zoom < TOP_MAX_ZOOM ? t->zoom * 2 : 1;
		break;
	default:
		return 0;
	}
	/* a new zoom or list shows at once, unless paused: a paused frame stays as it is */
	*redraw = t->paused ? 1 : 2;
	return 0;
}

static void *display_main(void *arg)
{
	struct top *t = arg;
	int quit = 0;

	if (!t->batch && term_enter()) {
		top_stop = 1;
		return NULL;
	}
	while (!quit && !t->done) {
		struct pollfd pf[2] = { { .fd = t->wake[0], .events = POLLIN },
					{ .fd = term.in, .events = POLLIN } };
		int fresh = 0, redraw = 0;
		char buf[64];

		if (poll(pf, t->batch ? 1 : 2, 250) < 0 && errno != EINTR)
			break;
		if (pf[0].revents & POLLIN)
			while (read(t->wake[0], buf, sizeof(buf)) > 0)
				fresh = 1;
		if (!t->batch && (pf[1].revents & POLLIN)) {
			ssize_t n = read(term.in, buf, sizeof(buf));

			for (ssize_t i = 0; i < n && !quit; i++)
				quit = on_key(t, (unsigned char)buf[i], &redraw);
		}
		if (quit)
			break;
		if ((fresh && !t->paused) || redraw == 2)
			draw(t, 1);
		else if (redraw)
			draw(t, 0);
		if (t->max_frames && t->frames >= t->max_frames)
			break;
	}
	top_stop = 1;	/* the recording ends with the display */
	return NULL;
}

/* ---- the command ---- */

static int opt_frames(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t *n = opt->value;

	if (dp_parse_u64(arg, n) || !*n)
		return dp_bad_usage(ctx->cmd, "bad --frames '%s' (a number of frames, 1 or more)",
				    arg);
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa;
	const int fatal[] = { SIGQUIT, SIGABRT, SIGSEGV, SIGBUS };

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;	/* no SA_RESTART: the recorder wakes up and finishes */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_sigpipe;	/* as record: a failed write is reported instead */
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
}

/*
 * Keep the terminal for the display: a started command gets /dev/null as its stdin, stdout and
 * stderr (its output would draw over the screen, and it would read our keys).
 */
static int hold_terminal(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	term.in = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	term.out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	term.err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (null < 0 || term.in < 0 || term.out < 0 || term.err < 0)
		return -errno;
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	close(null);
	return 0;
}

static void release_terminal(void)
{
	term_restore();
	if (term.err >= 0) {
		dup2(term.in, STDIN_FILENO);
		dup2(term.out, STDOUT_FILENO);
		dup2(term.err, STDERR_FILENO);
	}
}

int cmd_top(int argc, char **argv)
{
	struct rec_opts o = REC_OPTS_INIT;
	struct top t = { .lock = PTHREAD_MUTEX_INITIALIZER, .zoom = 1, .wake = { -1, -1 } };
	const char *output = NULL;
	const struct parse_opt options[] = {
		OPT_CALLBACK('o', "output", PARSE_OPT_PTR(const char *, &output), "file",
			     "record to this file as well (default: none)", record_opt_output),
		RECORD_OPTIONS(&o),
		OPT_BOOL(0, "batch", &t.batch, "print frames to stdout, no keys (as top -b)"),
		OPT_BOOL(0, "symbols", &t.by_symbol,
			 "hot and cold by symbol, not by mapping (key s)"),
		OPT_CALLBACK(0, "frames", PARSE_OPT_PTR(uint64_t, &t.max_frames), "n",
			     "stop after this many frames", opt_frames),
		OPT_END()
	};
	struct rec_result res;
	char why[1024], a[32];
	int n, ret;

	record_opts_defaults(&o);
	n = parse_options(argc, argv, options, "top", RECORD_TARGET_USAGE,
			  PARSE_OPT_STOP_AT_OPERAND);
	if (n < 0)
		return parse_opt_exit(n);
	ret = record_opts_check("top", &o, n, argv);
	if (ret)
		return ret;
	if (!t.batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		return dp_bad_usage("top", "not a terminal: top draws on one (use --batch to print "
				    "frames to stdout)");
	o.output = output ? output : "/dev/null";
	t.color = t.batch ? isatty(STDOUT_FILENO) : 1;
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		t.color = 0;
	if (pipe2(t.wake, O_CLOEXEC | O_NONBLOCK))
		return dp_error(-errno, "cannot start the display"), 1;
	if (!t.batch && hold_terminal()) {
		release_terminal();
		return dp_error(-errno, "cannot keep the terminal"), 1;
	}
	install_signals();
	o.stop = &top_stop;
	o.note = top_note;
	o.on_meta = top_meta;
	o.on_snapshot = top_snapshot;
	o.on_intervals = top_intervals;
	o.on_maps = top_maps;
	o.on_rusage = top_rusage;
	o.cb_arg = &t;
	ret = rec_run(&o, &res, why, sizeof(why));
	t.done = 1;
	wake_display(&t);
	if (t.thread_started)
		pthread_join(t.thread, NULL);
	if (!t.batch)
		release_terminal();
	for (int i = 0; !t.batch && i < t.nr_notes; i++)
		dp_info("%s", t.notes[i]);
	free(t.last);
	free(t.hot_lines);
	sym_cache_free(t.syms);
	live_free(t.live);
	close(t.wake[0]);
	close(t.wake[1]);
	if (ret) {
		dp_error(0, "%s", why);
		return 1;
	}
	if (t.err) {
		dp_error(t.err, "the live view stopped");
		return 1;
	}
	if (res.end == REC_END_ERROR) {
		if (!output || res.err == -EPIPE || res.err == -ETIME || outfile_special(output))
			dp_error(0, "%s", why);
		else
			dp_error(0, "%s ('%s' holds what was recorded until then)", why, output);
		return 1;
	}
	if (output)
		dp_info("wrote %llu snapshots (%s) to '%s'", (unsigned long long)res.nr_snapshots,
			units_size(a, sizeof(a), res.bytes), output);
	return 0;
}
