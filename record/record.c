// SPDX-License-Identifier: GPL-2.0
/*
 * The recording loop (see record.h). A started command is forked, seized and let exec: the
 * kernel stops it after the exec (PTRACE_EVENT_EXEC), before it runs any code of its own, so
 * that a backend (and the uffd-wp primitive, which must create its userfaultfd inside the new
 * address space) can be set up; then it is released with PTRACE_DETACH. The output is checked
 * before the target is touched, written under a temporary name once the backend runs, and moved
 * into place only when the recording has really started, so a failure to start leaves no file
 * and an existing one as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "format/outfile.h"
#include "record/heap-sites.h"
#include "record/prim.h"
#include "record/procmaps.h"
#include "record/why.h"
#include "record/record.h"

/* The backends "auto" tries, in order: the one place that lists them. */
static const struct rec_backend_ops *const backends[] = {
	&damon_backend_ops,
	&sampler_backend_ops,
	NULL
};

const struct rec_backend_ops *const *rec_backends(void)
{
	return backends;
}

const struct rec_backend_ops *rec_backend_find(const char *name)
{
	for (int i = 0; backends[i]; i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

static void note(const struct rec_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(const struct rec_opts *o, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	if (!o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->note(o->cb_arg, msg);
}

/* ---- a started command ---- */

/*
 * Start @argv stopped at its exec. The child waits for a byte on a pipe while we seize it with
 * PTRACE_O_TRACEEXEC, so its exec ends in a PTRACE_EVENT_EXEC stop. Not PTRACE_TRACEME: its
 * exec stop is a real SIGTRAP, which kills the command if we die while it is pending, and a
 * PTRACE_TRACEME made after our death makes the process that inherited the child its tracer.
 * If we die before the byte is sent, the child sees the pipe close and does not run the command;
 * after it, the kernel detaches the child and the command runs on untraced.
 */
static int launch(char *const *argv, struct heaprec *heap, pid_t *out, char *why, size_t len)
{
	int go[2], pfd[2], err = 0, status;
	pid_t pid;
	ssize_t n;

	if (pipe2(go, O_CLOEXEC))
		return rec_why(why, len, -errno, "cannot start '%s': %s", argv[0], strerror(errno));
	if (pipe2(pfd, O_CLOEXEC)) {
		err = -errno;
		close(go[0]);
		close(go[1]);
		return rec_why(why, len, err, "cannot start '%s': %s", argv[0], strerror(-err));
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(go[0]);
		close(go[1]);
		close(pfd[0]);
		close(pfd[1]);
		return rec_why(why, len, err, "cannot start '%s': %s", argv[0], strerror(-err));
	}
	if (!pid) {
		char c;

		close(go[1]);
		close(pfd[0]);
		do {
			n = read(go[0], &c, 1);
		} while (n < 0 && errno == EINTR);
		if (n != 1)
			_exit(127);	/* the recorder is gone: the command is not run */
		err = heap ? -heaprec_child(heap) : 0;
		if (!err)
			execvp(argv[0], argv);
		err = err ? err : errno;
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(go[0]);
	close(pfd[1]);
	if (ptrace(PTRACE_SEIZE, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD))) {
		err = -errno;
		close(go[1]);
		close(pfd[0]);
		waitpid(pid, &status, 0);
		return rec_why(why, len, err, "cannot start '%s': cannot trace it: %s", argv[0],
			       strerror(-err));
	}
	n = write(go[1], "g", 1);
	close(go[1]);
	do {
		n = read(pfd[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == sizeof(err)) {
		waitpid(pid, &status, 0);
		return rec_why(why, len, -err, "cannot run '%s': %s", argv[0], strerror(err));
	}
	/*
	 * exec worked: it stops before running anything of its own, first inside execve()
	 * (the exec event), then at its syscall-exit stop, where injected calls can start from a
	 * finished call; pass on any signal
	 */
	for (int exec_seen = 0;;) {
		if (waitpid(pid, &status, 0) < 0) {
			if (errno == EINTR)
				continue;
			return rec_why(why, len, -errno, "cannot start '%s': %s", argv[0],
				       strerror(errno));
		}
		if (!WIFSTOPPED(status))
			return rec_why(why, len, -ECHILD, "'%s' ended before it started (status %d)",
				       argv[0], status);
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			exec_seen = 1;
			ptrace(PTRACE_SYSCALL, pid, NULL, NULL);
			continue;
		}
		if (exec_seen && WSTOPSIG(status) == (SIGTRAP | 0x80))
			break;
		ptrace(exec_seen ? PTRACE_SYSCALL : PTRACE_CONT, pid, NULL,
		       (void *)(long)(status >> 16 ? 0 : WSTOPSIG(status)));
	}
	*out = pid;
	return 0;
}

/* End a started command that is still running, politely first. Return: its wait status. */
static int finish_child(pid_t pid, int kill_it)
{
	int status = -1;

	if (kill_it && waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 200; i++) {
			struct timespec ts = { 0, 10000000 };

			if (waitpid(pid, &status, WNOHANG) == pid)
				return status;
			nanosleep(&ts, NULL);
		}
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* ---- backend choice ---- */

/*
 * Probe and start the backend: the named one, or with "auto" the first that both probes usable
 * and starts (DAMON's probe is read-only, so some refusals, such as a missing operations set or
 * a kdamond created meanwhile, only show at start). @passed says, in one line, why an earlier
 * backend of "auto" was passed over.
 */
static int start_backend(const struct rec_opts *o, const struct rec_params *p,
			 const struct rec_backend_ops **out, struct rec_backend **b, char *passed,
			 size_t plen, char *why, size_t len)
{
	const struct rec_backend_ops *ops;
	char one[512];
	int ret = -ENOTSUP;

	passed[0] = '\0';
	if (strcmp(o->backend, "auto")) {
		ops = rec_backend_find(o->backend);
		if (!ops)
			return rec_why(why, len, -EINVAL, "unknown backend '%s' (auto, sampler, damon)",
				       o->backend);
		ret = ops->probe(p, one, sizeof(one));
		if (ret)
			return rec_why(why, len, ret, "%s", one);
		*out = ops;
		return ops->start(b, p, why, len);
	}
	for (int i = 0; backends[i]; i++) {
		ops = backends[i];
		ret = ops->probe(p, one, sizeof(one));
		if (!ret) {
			ret = ops->start(b, p, one, sizeof(one));
			if (!ret) {
				*out = ops;
				return 0;
			}
		}
		if (!passed[0])
			snprintf(passed, plen, "%s backend passed over: %s", ops->name, one);
		/* when all refuse, the last reason comes first, then why the first was passed over */
		if (i)
			rec_why(why, len, ret, "%s; %s", one, passed);
		else
			rec_why(why, len, ret, "%s", one);
	}
	return ret;
}

/* ---- metadata, maps, resource use ---- */

static int build_meta(const struct rec_opts *o, const struct rec_params *p,
		      struct dpf_meta *m, uint64_t start_wall_ns)
{
	char buf[4096], host[256];
	struct utsname u;
	struct pm_proc pr;
	int ret = 0;

#define SETF(k, ...) do { if (!ret) ret = dpf_meta_setf(m, k, __VA_ARGS__); } while (0)
	SETF("source", "daprof record");
	SETF("daprof_version", "%s", DAPROF_VERSION);
	SETF("sample_us", "%llu", (unsigned long long)p->sample_us);
	SETF("aggr_us", "%llu", (unsigned long long)p->aggr_us);
	SETF("update_us", "%llu", (unsigned long long)p->update_us);
	SETF("min_nr_regions", "%u", p->min_nr_regions);
	SETF("max_nr_regions", "%u", p->max_nr_regions);
	SETF("nr_targets", "1");
	if (o->heap_sites) {
		SETF("heap_sites", "1");
		SETF("heap_sample_bytes", "%llu", (unsigned long long)o->heap_sample_bytes);
	}
	if (p->pid) {
		SETF("target.0.pid", "%d", (int)p->pid);
		if (o->argv) {
			size_t n = 0;

			buf[0] = '\0';
			for (int i = 0; o->argv[i] && n < sizeof(buf) - 1; i++)
				n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
					      o->argv[i]);
			SETF("target.0.cmdline", "%s", buf);
			/* comm is what exec made of it; /proc says it now that exec happened */
		} else if (!pm_cmdline(p->pid, buf, sizeof(buf))) {
			SETF("target.0.cmdline", "%s", buf);
		}
		if (!pm_proc_read(p->pid, &pr))
			SETF("target.0.comm", "%s", pr.comm);
	}
	if (!uname(&u))
		SETF("kernel", "%s", u.release);
	SETF("page_size", "%llu", (unsigned long long)prim_page_size());
	if (!gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = '\0';
		SETF("hostname", "%s", host);
	}
	SETF("start_wall_ns", "%llu", (unsigned long long)start_wall_ns);
	SETF("clock", "monotonic");
#undef SETF
	return ret;
}

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

struct maps_state {
	struct pm_map last;
	struct pm_buildids *ids;
	int have;
};

/* Write the target's maps when they differ from the last ones written. */
static int capture_maps(const struct rec_opts *o, struct dpf_writer *w, pid_t pid,
			struct maps_state *ms)
{
	struct dpf_maps dm = { 0 };
	struct pm_map m;
	int ret = pm_read(pid, &m);

	if (ret)
		return ret == -ESRCH ? 0 : ret;
	if (ms->have && pm_same(&ms->last, &m)) {
		pm_release(&m);
		return 0;
	}
	ret = pm_to_dpf(pid, &m, ms->ids, &dm);
	if (!ret) {
		dm.target = 0;
		dm.time_ns = prim_now_ns();
		ret = dpf_writer_maps(w, &dm);
		if (!ret && o->on_maps)
			o->on_maps(o->cb_arg, &dm);
	}
	free(dm.maps);
	if (ms->have)
		pm_release(&ms->last);
	ms->last = m;
	ms->have = 1;
	return ret;
}

static int capture_rusage(const struct rec_opts *o, struct dpf_writer *w, pid_t pid)
{
	struct dpf_rusage u = { .time_ns = prim_now_ns() };
	struct rusage ru;
	struct pm_proc p;

	if (!getrusage(RUSAGE_SELF, &ru)) {
		u.self_utime_ns = (uint64_t)ru.ru_utime.tv_sec * 1000000000ULL +
				  ru.ru_utime.tv_usec * 1000ULL;
		u.self_stime_ns = (uint64_t)ru.ru_stime.tv_sec * 1000000000ULL +
				  ru.ru_stime.tv_usec * 1000ULL;
		u.self_maxrss = (uint64_t)ru.ru_maxrss * 1024;
	}
	if (pid && !pm_proc_read(pid, &p) && p.state != 'Z') {
		u.target_utime_ns = p.utime_ns;
		u.target_stime_ns = p.stime_ns;
		u.target_rss = p.rss;
	}
	if (o->on_rusage)
		o->on_rusage(o->cb_arg, &u);
	return dpf_writer_rusage(w, &u);
}

/* ---- the loop ---- */

/* "cannot write 'PATH': ..." with a reader's words for a pipe whose reader has gone. */
static int write_why(const struct rec_opts *o, int err, char *why, size_t len)
{
	if (err == -EPIPE)
		return rec_why(why, len, err, "cannot write '%s': the reader of the pipe went away",
			       o->output);
	return rec_why(why, len, err, "cannot write '%s': %s", o->output, strerror(-err));
}

/* Can the output be created? Asked before the target is touched (format/outfile.h). */
static int check_output(const struct rec_opts *o, char *why, size_t len)
{
	int ret = outfile_check(o->output);

	if (ret == -EISDIR)
		return rec_why(why, len, ret, "cannot write '%s': it is a directory", o->output);
	if (ret)
		return rec_why(why, len, ret, "cannot create '%s': %s", o->output, strerror(-ret));
	return 0;
}

/* ---- how long the aggregation intervals really were ---- */

#define LAG_BUCKETS 10000	/* 1 % of the interval each, up to 100 times it */

struct lag {
	uint64_t aggr_ns;	/* asked for (the metadata's) */
	uint64_t n;
	uint64_t late;
	uint64_t max_ns;
	uint64_t max_pct;	/* the longest span, in % of the interval in force for it */
	uint64_t cur_aggr_ns;	/* the interval in force for the last snapshot */
	uint64_t recent_ns;	/* moving average of the last few */
	uint32_t *hist;		/* snapshots by span, in % of the interval; NULL: no median */
};

/*
 * One snapshot's span against the aggregation interval in force for it (@aggr_ns: the controller
 * or the auto-tuning may have lengthened it, which is no lateness); the median and the lateness
 * are in % of that interval, so that they mean the same whatever the changes.
 */
static void lag_add(struct lag *l, const struct dpf_snapshot *s, uint64_t aggr_ns)
{
	uint64_t d = s->end_ns > s->start_ns ? s->end_ns - s->start_ns : 0;
	uint64_t pct = aggr_ns ? d * 100 / aggr_ns : 0;

	l->n++;
	l->cur_aggr_ns = aggr_ns;
	if (pct > REC_LATE_PCT)
		l->late++;
	if (d > l->max_ns)
		l->max_ns = d;
	if (pct > l->max_pct)
		l->max_pct = pct;
	l->recent_ns = l->recent_ns ? (l->recent_ns * 3 + d) / 4 : d;
	if (l->hist)
		l->hist[pct < LAG_BUCKETS ? pct : LAG_BUCKETS - 1]++;
}

/* The median span in % of the interval in force; UINT64_MAX: not known (no histogram). */
static uint64_t lag_median_pct(const struct lag *l)
{
	uint64_t seen = 0;

	if (!l->n || !l->hist)
		return UINT64_MAX;
	for (size_t i = 0; i < LAG_BUCKETS; i++) {
		seen += l->hist[i];
		if (seen * 2 >= l->n)
			return i == LAG_BUCKETS - 1 ? l->max_pct : i;
	}
	return l->max_pct;
}

/* The median span as if every interval had been the one asked for (exact when none changed). */
static uint64_t lag_median_ns(const struct lag *l)
{
	uint64_t pct = lag_median_pct(l);

	if (pct == UINT64_MAX)
		return l->recent_ns;
	if (pct >= LAG_BUCKETS - 1)
		return l->max_ns;
	return (pct * 2 + 1) * l->aggr_ns / 200;
}

static int lag_behind(const struct lag *l, uint64_t elapsed_ns)
{
	if (!l->n)
		return elapsed_ns >= 2 * l->aggr_ns;
	return l->recent_ns * 100 > (l->cur_aggr_ns ? l->cur_aggr_ns : l->aggr_ns) * REC_LATE_PCT;
}

/* The final figures, as metadata keys (daprof-data.5). */
static int lag_describe(const struct lag *l, struct dpf_meta *m)
{
	int ret = 0;

	if (!l->n)
		return 0;
	ret = dpf_meta_setf(m, "aggr_real_median_us", "%llu",
			    (unsigned long long)(lag_median_ns(l) / 1000));
	if (!ret)
		ret = dpf_meta_setf(m, "aggr_real_max_us", "%llu",
				    (unsigned long long)(l->max_ns / 1000));
	if (!ret)
		ret = dpf_meta_setf(m, "snapshots_late", "%llu", (unsigned long long)l->late);
	/* against the interval in force for each snapshot: the stretch, whatever the changes */
	if (!ret && lag_median_pct(l) != UINT64_MAX)
		ret = dpf_meta_setf(m, "aggr_real_median_pct", "%llu",
				    (unsigned long long)lag_median_pct(l));
	if (!ret)
		ret = dpf_meta_setf(m, "aggr_real_max_pct", "%llu", (unsigned long long)l->max_pct);
	return ret;
}

static void report_status(const struct rec_opts *o, uint64_t start, uint64_t nr,
			  uint32_t regions, struct dpf_writer *w, const struct lag *l)
{
	struct rec_status st = {
		.elapsed_ns = prim_now_ns() - start, .nr_snapshots = nr, .nr_regions = regions,
		.bytes = dpf_writer_bytes(w), .aggr_ns = l->aggr_ns, .recent_aggr_ns = l->recent_ns,
	};

	st.behind = lag_behind(l, st.elapsed_ns);
	if (o->status)
		o->status(o->cb_arg, &st);
}

/*
 * The primitive's caveat (the huge pages uffd-wp splits) said once, as soon as it applies: at the
 * start for a running process, later for a launched command, which has none at its exec.
 */
static void note_caveat(const struct rec_opts *o, const struct rec_backend_ops *ops,
			struct rec_backend *b, int *noted)
{
	char caveat[256];

	if (*noted || !ops->caveat || !ops->caveat(b, caveat, sizeof(caveat)))
		return;
	note(o, "%s", caveat);
	*noted = 1;
}

/* ---- the intervals in force, stored as they change (daprof-data.5, INTERVALS chunk) ---- */

struct iv_track {
	struct rec_intervals last[DPF_MAX_TARGETS];	/* last written (or the metadata's) */
	uint64_t test_at;	/* DAPROF_TEST_INTERVALS: after this many snapshots, ... */
	struct rec_intervals test;	/* ... these are reported as in force (tests only) */
	uint64_t changes;
};

static void iv_init(struct iv_track *t, const struct rec_params *p)
{
	const char *e = getenv("DAPROF_TEST_INTERVALS");
	unsigned long long at, sample, aggr;

	memset(t, 0, sizeof(*t));
	for (int i = 0; i < DPF_MAX_TARGETS; i++)
		t->last[i] = (struct rec_intervals){ .sample_us = p->sample_us,
						     .aggr_us = p->aggr_us,
						     .update_us = p->update_us,
						     .min_nr_regions = p->min_nr_regions,
						     .max_nr_regions = p->max_nr_regions };
	/*
	 * A test hook, as DAPROF_TEST_INJECT_DIE_AT: "N:SAMPLE_US:AGGR_US" makes the recorder store
	 * a change after N snapshots as though the backend had made it, so that the CLI tests see
	 * the storage path end to end before any backend changes its intervals.
	 */
	if (e && sscanf(e, "%llu:%llu:%llu", &at, &sample, &aggr) == 3 && sample && aggr >= sample) {
		t->test_at = at + 1;
		t->test = t->last[0];
		t->test.sample_us = sample;
		t->test.aggr_us = aggr;
		t->test.cause = DPF_IV_GOAL;
	}
}

/* What made a change the backend did not name: the options say which mechanism was on. */
static uint8_t iv_cause(const struct rec_backend_ops *ops, const struct rec_params *p,
			const struct rec_intervals *iv)
{
	if (iv->cause >= DPF_IV_START && iv->cause <= DPF_IV_CAUSE_MAX)
		return (uint8_t)iv->cause;
	if (p->max_overhead_bp)
		return DPF_IV_BUDGET;
	if (p->goal.aggrs)
		return strcmp(ops->name, "damon") ? DPF_IV_GOAL : DPF_IV_KERNEL;
	return DPF_IV_KERNEL;	/* nothing of ours was on: the kernel's own tuning */
}

/*
 * The intervals in force for snapshot @s (the backend's, else the metadata's), queued as a
 * change before @s when they differ from the last written for its target. *@aggr_ns gets the
 * aggregation interval in force. Return: 0 or the writer's -errno.
 */
static int iv_note(struct iv_track *t, const struct rec_opts *o, const struct rec_backend_ops *ops,
		   struct rec_backend *b, struct dpf_writer *w, const struct dpf_snapshot *s,
		   uint64_t nr_snapshots, uint64_t *aggr_ns)
{
	struct rec_intervals cur, *last = &t->last[s->target % DPF_MAX_TARGETS];
	struct dpf_intervals iv;
	int ret;

	cur = *last;
	if (ops->intervals) {
		memset(&cur, 0, sizeof(cur));
		ops->intervals(b, &cur);
	}
	if (t->test_at && nr_snapshots + 1 >= t->test_at)
		cur = t->test;
	*aggr_ns = cur.aggr_us * 1000;
	if (rec_intervals_same(&cur, last))
		return 0;
	iv = (struct dpf_intervals){ .target = s->target, .cause = iv_cause(ops, &o->params, &cur),
				     .time_ns = s->start_ns, .sample_us = cur.sample_us,
				     .aggr_us = cur.aggr_us, .update_us = cur.update_us,
				     .min_nr_regions = cur.min_nr_regions,
				     .max_nr_regions = cur.max_nr_regions };
	ret = dpf_writer_intervals(w, &iv);
	if (ret == -EINVAL) {
		*aggr_ns = last->aggr_us * 1000;
		return 0;	/* values no recording can hold: the last ones stay */
	}
	if (!ret) {
		*last = cur;
		t->changes++;
		if (o->on_intervals)
			o->on_intervals(o->cb_arg, &iv);
	}
	return ret;
}

static void record_loop(const struct rec_opts *o, const struct rec_backend_ops *ops,
			struct rec_backend *b, struct heaprec *heap, struct dpf_writer *w, pid_t pid,
			struct maps_state *ms, struct lag *lag, struct rec_result *res,
			char *why, size_t len)
{
	uint64_t start = prim_now_ns(), update_ns = o->params.update_us * 1000;
	uint64_t next_flush = start + 1000000000ULL, next_status = start + 500000000ULL;
	/* the first map again after one window: a launched program maps its libraries at once */
	uint64_t next_maps = start + (o->params.aggr_us * 1000 < update_ns ?
				      o->params.aggr_us * 1000 : update_ns);
	uint64_t programs = 0;
	uint32_t regions = 0;
	struct iv_track *ivt = malloc(sizeof(*ivt));

	if (ivt)
		iv_init(ivt, &o->params);
	for (;;) {
		struct dpf_snapshot s;
		uint64_t now = prim_now_ns();
		int timeout = 100, ret;

		if (o->stop && *o->stop) {
			res->end = REC_END_SIGNAL;
			break;
		}
		if (o->duration_ns) {
			uint64_t left;

			if (now - start >= o->duration_ns) {
				res->end = REC_END_DURATION;
				break;
			}
			left = (o->duration_ns - (now - start)) / 1000000;
			if (left < (uint64_t)timeout)
				timeout = (int)left + 1;
		}
		ret = ops->next_snapshot(b, &s, timeout);
		if (ret == 1) {
			uint64_t aggr_ns = lag->aggr_ns;

			ret = ivt ? iv_note(ivt, o, ops, b, w, &s, res->nr_snapshots, &aggr_ns) : 0;
			if (!ret)
				ret = dpf_writer_snapshot(w, &s);
			if (ret) {
				res->end = REC_END_ERROR;
				res->err = ret;
				write_why(o, ret, why, len);
				break;
			}
			if (o->on_snapshot)
				o->on_snapshot(o->cb_arg, &s);
			res->nr_snapshots++;
			regions = s.nr_regions;
			lag_add(lag, &s, aggr_ns);
		} else if (ret == -ESRCH) {
			res->end = REC_END_TARGET;
			break;
		} else if (ret < 0) {
			const char *reason = ops->why ? ops->why(b) : NULL;

			res->end = REC_END_ERROR;
			res->err = ret;
			rec_why(why, len, ret, "monitoring stopped: %s", reason ? reason : strerror(-ret));
			break;
		}
		now = prim_now_ns();
		/* a program the heap-site library started in: its code's map, to name its stacks */
		if (heap) {
			uint64_t n = heaprec_programs(heap);

			if (n > programs && n > 1)
				next_maps = now;
			programs = n;
		}
		if (pid && now >= next_maps) {
			capture_maps(o, w, pid, ms);
			next_maps = now + update_ns;
		}
		if (now >= next_flush) {
			note_caveat(o, ops, b, &res->caveat_noted);
			capture_rusage(o, w, pid);
			dpf_writer_flush(w);
			if (heap)
				heaprec_flush(heap, w);
			next_flush += 1000000000ULL;
			if (next_flush < now)
				next_flush = now + 1000000000ULL;
		}
		if (now >= next_status) {
			report_status(o, start, res->nr_snapshots, regions, w, lag);
			next_status = now + 500000000ULL;
		}
	}
	if (res->end != REC_END_TARGET)
		capture_rusage(o, w, pid);
	free(ivt);
	res->elapsed_ns = prim_now_ns() - start;
	report_status(o, start, res->nr_snapshots, regions, w, lag);
}

/*
 * Say at the end when the snapshots came late, and make a recording of some length that got no
 * snapshot at all an error: an empty file is no success.
 */
static void judge_lag(const struct rec_opts *o, const struct rec_backend_ops *ops,
		      const struct rec_params *p, const struct lag *l, struct rec_result *res,
		      char *why, size_t len)
{
	/*
	 * A target that ended the run early on a loaded machine may not have lived through a
	 * whole interval of ours: that is its short life, not our failure, unless it lived long.
	 */
	uint64_t long_run = res->end == REC_END_TARGET ?
			    (10 * l->aggr_ns > 1000000000ULL ? 10 * l->aggr_ns : 1000000000ULL) :
			    2 * l->aggr_ns;

	res->aggr_median_ns = lag_median_ns(l);
	res->aggr_max_ns = l->max_ns;
	res->nr_late = l->late;
	if (!res->nr_snapshots && res->end != REC_END_ERROR && res->elapsed_ns >= long_run) {
		res->end = REC_END_ERROR;
		res->err = -ETIME;
		rec_why(why, len, -ETIME, "0 snapshots in %.1f s: the %s backend did not finish one "
			"aggregation interval of %llu ms with %u regions or more; lower -n/-m or "
			"raise -a", res->elapsed_ns / 1e9, ops->name,
			(unsigned long long)(l->aggr_ns / 1000000), p->min_nr_regions);
		return;
	}
	/* a late snapshot now and then is a busy machine; a late median is falling behind */
	if (l->n && res->aggr_median_ns * 100 > l->aggr_ns * REC_LATE_PCT)
		note(o, "the %s backend fell behind: %llu of %llu snapshots came late, every %llu "
		     "ms (median; the longest %llu ms) for an aggregation interval of %llu ms; "
		     "lower -n/-m or raise -a", ops->name, (unsigned long long)l->late,
		     (unsigned long long)l->n,
		     (unsigned long long)(res->aggr_median_ns / 1000000),
		     (unsigned long long)(l->max_ns / 1000000),
		     (unsigned long long)(l->aggr_ns / 1000000));
}

int rec_run(const struct rec_opts *o, struct rec_result *res, char *why, size_t len)
{
	struct rec_params p = o->params;
	const struct rec_backend_ops *ops = NULL;
	struct dpf_writer_opts wo = { .atomic = 1 };	/* published once started */
	struct maps_state ms = { 0 };
	struct lag lag = { 0 };
	struct rec_backend *b = NULL;
	struct dpf_writer *w = NULL;
	struct heaprec *heap = NULL;
	struct dpf_meta meta;
	char passed[512];
	pid_t child = 0;
	int ret;

	memset(res, 0, sizeof(*res));
	res->wait_status = -1;
	why[0] = '\0';
	dpf_meta_init(&meta);
	ret = check_output(o, why, len);
	if (ret)
		return ret;
	if (o->heap_sites && !o->argv)
		return rec_why(why, len, -EINVAL, "--heap-sites needs a command to start "
			       "(-p: the library cannot be loaded into a running process)");
	if (o->heap_sites) {
		ret = heaprec_new(&heap, NULL, o->heap_sample_bytes, why, len);
		if (ret)
			return ret;
	}
	if (o->argv) {
		ret = launch(o->argv, heap, &child, why, len);
		if (!ret && heap)
			ret = heaprec_start(heap, 0, why, len);
		if (ret && child) {
			kill(child, SIGKILL);
			finish_child(child, 0);
		}
		if (ret) {
			heaprec_free(heap);
			return ret;
		}
		p.pid = child;
		p.launched = 1;
	} else if (!p.paddr) {
		struct pm_proc pr;

		/* a thread id stands for its process: threads share one address space */
		if (!pm_proc_read(p.pid, &pr) && pr.tgid != p.pid) {
			note(o, "pid %d is a thread of process %d: recording the process", (int)p.pid,
			     (int)pr.tgid);
			p.pid = pr.tgid;
		}
		if (p.pid == getpid())
			return rec_why(why, len, -EINVAL, "cannot record daprof itself (pid %d)",
				       (int)p.pid);
		ret = prim_check_pid(p.pid, "maps", O_RDONLY, why, len);
		if (ret)
			return ret;
	}
	ret = start_backend(o, &p, &ops, &b, passed, sizeof(passed), why, len);
	if (ret)
		goto fail;
	ret = build_meta(o, &p, &meta, wall_ns());
	if (!ret)
		ret = ops->describe(b, &meta);
	if (ret) {
		rec_why(why, len, ret, "cannot describe the recording: %s", strerror(-ret));
		goto fail;
	}
	/*
	 * The recording is written under a temporary name until it has really started (header,
	 * metadata, maps and resource use written and synced); only then does an existing file
	 * become PATH.old and the new one PATH, written in place from then on so that a recorder
	 * killed later leaves it readable. A start that fails leaves both as they were.
	 */
	ret = dpf_writer_open(&w, o->output, &wo, &meta);
	if (ret) {
		if (ret == -EISDIR)
			rec_why(why, len, ret, "cannot write '%s': it is a directory", o->output);
		else
			write_why(o, ret, why, len);
		goto fail;
	}
	if (o->on_meta)
		o->on_meta(o->cb_arg, &meta);
	ret = pm_buildids_new(&ms.ids);
	if (!ret && p.pid)
		ret = capture_maps(o, w, p.pid, &ms);
	if (!ret)
		ret = capture_rusage(o, w, p.pid);
	if (!ret)
		ret = dpf_writer_publish(w, ".old");
	if (ret) {
		write_why(o, ret, why, len);
		dpf_writer_abort(w);	/* the temporary file goes; PATH stays as it was */
		w = NULL;
		goto fail;
	}
	{
		const char *prim = dpf_meta_get(&meta, "primitive");
		const char *sees = dpf_meta_get(&meta, "primitive_sees");
		const char *pnote = dpf_meta_get(&meta, "primitive_note");

		note(o, "recording %s %d with the %s backend%s%s%s%s%s%s%s", child ? "command, pid" :
		     "pid", (int)p.pid, ops->name, prim ? ", primitive " : "", prim ? prim : "",
		     sees ? " (sees " : "", sees ? sees : "", sees ? ")" : "",
		     passed[0] ? "; " : "", passed);
		if (pnote)
			note(o, "primitive %s chosen because %s", prim ? prim : "?", pnote);
		note_caveat(o, ops, b, &res->caveat_noted);
		if (o->started)
			o->started(o->cb_arg, ops->name, sees);
	}
	if (child)
		ptrace(PTRACE_DETACH, child, NULL, NULL);	/* let it run its own code */

	lag.aggr_ns = p.aggr_us * 1000;
	lag.hist = calloc(LAG_BUCKETS, sizeof(*lag.hist));	/* none: no median, no harm */
	record_loop(o, ops, b, heap, w, p.pid, &ms, &lag, res, why, len);
	judge_lag(o, ops, &p, &lag, res, why, len);

	if (ops->detach) {
		char line[256];

		if (ops->detach(b, line, sizeof(line)))
			note(o, "%s", line);
	}
	/* the figures of the whole run (backend counts and notes, real intervals) come last */
	dpf_meta_release(&meta);
	dpf_meta_init(&meta);
	if (!ops->describe(b, &meta) && !lag_describe(&lag, &meta))
		dpf_writer_meta(w, &meta);
	free(lag.hist);
	note_caveat(o, ops, b, &res->caveat_noted);
	if (dpf_meta_get(&meta, "target_execs"))
		note(o, "the target called exec %s time(s); each new program was watched from then on",
		     dpf_meta_get(&meta, "target_execs"));
	ops->stop(b);
	if (child)
		res->wait_status = finish_child(child, res->end != REC_END_TARGET);
	if (heap) {	/* what the target wrote before it ended, and the run's counts */
		heaprec_stop(heap);
		heaprec_flush(heap, w);
		dpf_meta_release(&meta);
		dpf_meta_init(&meta);
		if (!heaprec_describe(heap, &meta))
			dpf_writer_meta(w, &meta);
		heaprec_free(heap);
	}
	res->bytes = dpf_writer_bytes(w);
	ret = dpf_writer_close(w);
	if (ret && res->end != REC_END_ERROR) {
		res->end = REC_END_ERROR;
		res->err = ret;
		write_why(o, ret, why, len);
	}
	if (ms.have)
		pm_release(&ms.last);
	pm_buildids_free(ms.ids);
	dpf_meta_release(&meta);
	return 0;

fail:
	if (b)
		ops->stop(b);
	if (child) {
		kill(child, SIGKILL);
		finish_child(child, 0);
	}
	heaprec_free(heap);
	if (ms.have)
		pm_release(&ms.last);
	pm_buildids_free(ms.ids);
	dpf_meta_release(&meta);
	return ret;
}
