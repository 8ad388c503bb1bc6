// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace sampler backend (sampler_backend_ops): kdamond's loop in a process. It keeps one
 * region engine (record/regions.c) for the target, drives it with one access-check primitive
 * (record/prim*.c) at the sampling interval, hands out a snapshot per aggregation interval and
 * refreshes the regions from /proc/PID/maps at the update interval. Whether the target still
 * lives is asked of a pidfd, which works for a child and for any other process alike. When the
 * target calls exec, the primitive loses the old address space (-ESRCH) while the pidfd says the
 * process lives: the primitive is opened again on the new program, and the regions follow its map.
 *
 * A program maps most of its memory in its first moments (the heap, its libraries' data, the
 * first big buffers), when the update interval (1 s by default) would leave it unwatched: for the
 * first EARLY_NS (and again after an exec) the map is read again at every sampling interval while
 * it changes, backing off (doubling the gap) while it stays the same, until the gap reaches the
 * update interval.
 *
 * Each window's cost (the recorder's CPU time, and the target's as the primitive estimates it)
 * and the access events it saw go to the overhead controller (record/overhead.c), which may
 * lengthen or shorten the intervals and lower the region bound for the windows to come.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "record/backend.h"
#include "record/overhead.h"
#include "record/prim.h"
#include "record/regions.h"

#define EARLY_NS 2000000000ULL	/* how long after the start the map is followed closely */
#define EXEC_RETRY_NS 1000000000ULL	/* how long a new program may take to become watchable */
#define EXEC_RETRY_GAP_NS 5000000ULL

struct rec_backend {
	struct rec_params p;
	const struct prim_ops *ops;
	struct prim *prim;
	struct dr_ctx ctx;
	struct dr_prim drp;
	int pidfd;
	int prepared;
	uint64_t check_at_ns;		/* when the prepared samples are due */
	uint64_t window_start_ns;
	struct dpf_region *out;
	size_t out_alloc;
	char auto_note[256];		/* why auto passed over a primitive this system has */
	char primitive[32];
	char caveat[256];		/* of a primitive closed at an exec */
	char detached[256];		/* what detach() did to leave the target as it was */
	char why[320];			/* why monitoring had to stop, for why() */
	unsigned int nr_execs;		/* exec calls of the target followed */
	/* the early map schedule: 0 gap when over */
	uint64_t early_end_ns;
	uint64_t early_gap_ns;
	uint64_t early_next_ns;
	uint64_t map_hash;		/* of the maps text last applied */
	struct ovh_ctl ovh;		/* the budget and the intervals goal */
	struct rec_intervals snap_iv;	/* in force for the snapshot returned last */
	uint64_t cpu_at_ns;		/* the recorder's CPU time at the last window's end */
};

static uint64_t now_ns(void)
{
	return prim_now_ns();
}

static int drp_prepare(void *priv, const uint64_t *addrs, size_t n)
{
	struct prim *p = priv;

	return p->ops->prepare(p, addrs, n);
}

static int drp_check(void *priv, const uint64_t *addrs, size_t n, uint8_t *accessed)
{
	struct prim *p = priv;

	return p->ops->check(p, addrs, n, accessed);
}

static int sampler_probe(const struct rec_params *p, char *why, size_t len)
{
	const struct prim_ops *ops;
	char first[256] = "";
	int ret = -ENOTSUP;

	if (p->paddr)
		return rec_why(why, len, -EOPNOTSUPP, "the userspace sampler records processes; "
				"--paddr needs the kernel DAMON backend");
	if (p->primitive && strcmp(p->primitive, "auto")) {
		ops = prim_find(p->primitive);
		if (!ops)
			return rec_why(why, len, -EINVAL, "unknown primitive '%s' (%s)", p->primitive,
					prim_names());
		ret = ops->probe(p->pid, why, len);
		if (ret && why && len) {
			char tmp[512];

			snprintf(tmp, sizeof(tmp), "primitive %s: %s", ops->name, why);
			snprintf(why, len, "%s", tmp);
		}
		return ret;
	}
	for (int i = 0; prim_all[i]; i++) {
		char one[256];

		ret = prim_all[i]->probe(p->pid, one, sizeof(one));
		if (!ret)
			return 0;
		if (!first[0])
			snprintf(first, sizeof(first), "%s", one);
		/* a reason about the target itself beats "not on this kernel" */
		if (!prim_all[i]->probe(0, NULL, 0))
			snprintf(first, sizeof(first), "%s", one);
	}
	return rec_why(why, len, ret, "no access-check primitive works here: %s", first);
}

/* Open the asked primitive, or the first of the table that opens. */
static int open_prim(struct rec_backend *b, const struct prim_target *t, char *why, size_t len)
{
	const char *name = b->p.primitive;
	char first[256] = "";
	int ret = -ENOTSUP;

	if (name && strcmp(name, "auto")) {
		b->ops = prim_find(name);
		if (!b->ops)
			return rec_why(why, len, -EINVAL, "unknown primitive '%s' (%s)", name,
					prim_names());
		return b->ops->open(&b->prim, t, why, len);
	}
	for (int i = 0; prim_all[i]; i++) {
		char one[256];

		ret = prim_all[i]->open(&b->prim, t, one, sizeof(one));
		if (!ret) {
			b->ops = prim_all[i];
			return 0;
		}
		/* say so when a primitive this system has could not take this target */
		if (!b->auto_note[0] && !prim_all[i]->probe(0, NULL, 0))
			snprintf(b->auto_note, sizeof(b->auto_note), "%s: %s", prim_all[i]->name,
				 one);
		if (!first[0])
			snprintf(first, sizeof(first), "%s", one);
	}
	return rec_why(why, len, ret, "no access-check primitive works here: %s",
			b->auto_note[0] ? b->auto_note : first);
}

static void sampler_stop(struct rec_backend *b)
{
	if (!b)
		return;
	if (b->prim)
		b->prim->ops->close(b->prim);
	if (b->pidfd >= 0)
		close(b->pidfd);
	dr_ctx_release(&b->ctx);
	free(b->out);
	free(b);
}

static int read_ranges(pid_t pid, struct pm_map *m, struct dr_range **r, size_t *n)
{
	int ret = pm_read(pid, m);

	if (ret)
		return ret;
	ret = pm_ranges(m, r, n);
	if (ret)
		pm_release(m);
	return ret;
}

/* FNV-1a of the map's areas and their permissions: has it changed since it was last applied? */
static uint64_t map_hash(const struct pm_map *m)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < m->nr; i++) {
		uint64_t v[3] = { m->e[i].start, m->e[i].end, m->e[i].perms };
		const unsigned char *p = (const unsigned char *)v;

		for (size_t k = 0; k < sizeof(v); k++)
			h = (h ^ p[k]) * 0x100000001b3ULL;
	}
	return h;
}

/* Follow the map closely from @now: a start, or a new program after an exec. */
static void early_start(struct rec_backend *b, uint64_t now)
{
	b->early_gap_ns = b->p.sample_us * 1000;
	b->early_next_ns = now + b->early_gap_ns;
	b->early_end_ns = now + EARLY_NS;
}

static int sampler_start(struct rec_backend **out, const struct rec_params *p, char *why,
			 size_t len)
{
	struct dr_attrs a = {
		.sample_us = p->sample_us, .aggr_us = p->aggr_us, .update_us = p->update_us,
		.min_nr_regions = p->min_nr_regions, .max_nr_regions = p->max_nr_regions,
	};
	struct prim_target t = { .pid = p->pid, .launched = p->launched, .aggr_us = p->aggr_us,
				 .sample_us = p->sample_us, .budget_bp = p->max_overhead_bp };
	struct rec_intervals asked = {
		.sample_us = p->sample_us, .aggr_us = p->aggr_us, .update_us = p->update_us,
		.min_nr_regions = p->min_nr_regions, .max_nr_regions = p->max_nr_regions,
	};
	struct rec_backend *b;
	struct dr_range *ranges = NULL;
	struct pm_map m;
	size_t nr = 0;
	int ret;

	ret = sampler_probe(p, why, len);
	if (ret)
		return ret;
	b = calloc(1, sizeof(*b));
	if (!b)
		return rec_why(why, len, -ENOMEM, "out of memory");
	b->p = *p;
	b->pidfd = -1;
	ret = dr_ctx_init(&b->ctx, &a, prim_page_size(), now_ns() ^ (uint64_t)p->pid << 40);
	if (ret) {
		sampler_stop(b);
		return rec_why(why, len, ret, "bad intervals or region bounds");
	}
	b->ctx.cut_wide_gaps = 1;	/* design note 28 */
	b->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (b->pidfd < 0) {
		ret = -errno;
		sampler_stop(b);
		return rec_why(why, len, ret, "cannot attach to pid %d: %s", (int)p->pid,
				ret == -ESRCH ? "no such process" : strerror(-ret));
	}
	ret = read_ranges(p->pid, &m, &ranges, &nr);
	if (ret) {
		sampler_stop(b);
		return rec_why(why, len, ret, "cannot read the memory map of pid %d: %s",
				(int)p->pid, strerror(-ret));
	}
	t.maps = &m;
	b->map_hash = map_hash(&m);
	ret = open_prim(b, &t, why, len);
	if (!ret)
		ret = dr_init_regions(&b->ctx, ranges, nr);
	if (ret == -EINVAL)
		ret = 0;	/* fewer than three areas yet: regions come with the first update */
	free(ranges);
	pm_release(&m);
	if (ret) {
		sampler_stop(b);
		return ret;
	}
	snprintf(b->primitive, sizeof(b->primitive), "%s", b->ops->name);
	b->drp.priv = b->prim;
	b->drp.prepare = drp_prepare;
	b->drp.check = drp_check;
	ovh_init(&b->ovh, &asked, p->max_overhead_bp, &p->goal);
	b->snap_iv = asked;
	b->cpu_at_ns = prim_cpu_ns();
	b->window_start_ns = now_ns();
	b->check_at_ns = b->window_start_ns;
	early_start(b, b->window_start_ns);
	*out = b;
	return 0;
}

/* Has the target exited, or does it within @wait_ms? */
static int target_gone_within(struct rec_backend *b, int wait_ms)
{
	struct pollfd pfd = { .fd = b->pidfd, .events = POLLIN };

	return poll(&pfd, 1, wait_ms) > 0;
}

static int target_gone(struct rec_backend *b)
{
	return target_gone_within(b, 0);
}

/* Sleep until @t (CLOCK_MONOTONIC ns). Return: 0, or -EINTR when a signal came. */
static int sleep_until(uint64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000000ULL, .tv_nsec = t % 1000000000ULL };
	int ret = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);

	return ret == EINTR ? -EINTR : 0;
}

static int fill_snapshot(struct rec_backend *b, struct dpf_snapshot *s, uint64_t now)
{
	const struct dr_ctx *c = &b->ctx;

	if (c->nr > b->out_alloc) {
		struct dpf_region *n = realloc(b->out, c->nr * sizeof(*n));

		if (!n)
			return -ENOMEM;
		b->out = n;
		b->out_alloc = c->nr;
	}
	for (size_t i = 0; i < c->nr; i++) {
		b->out[i].start = c->r[i].start;
		b->out[i].end = c->r[i].end;
		b->out[i].nr_accesses = c->r[i].nr_accesses;
		b->out[i].age = c->r[i].age;
	}
	s->target = 0;
	s->start_ns = b->window_start_ns;
	s->end_ns = now;
	s->nr_regions = (uint32_t)c->nr;
	s->regions = b->out;
	b->window_start_ns = now;
	return 0;
}

/*
 * Read the map and apply it. @if_changed: only when its text differs from the last one applied.
 * Return: 1 applied, 0 unchanged, -errno.
 */
static int apply_map(struct rec_backend *b, int if_changed)
{
	struct dr_range *ranges;
	struct pm_map m;
	size_t nr;
	uint64_t hash;
	int ret = read_ranges(b->p.pid, &m, &ranges, &nr);

	if (ret)
		return ret == -ENOENT ? -ESRCH : ret;
	hash = map_hash(&m);
	if (if_changed && hash == b->map_hash) {
		free(ranges);
		pm_release(&m);
		return 0;
	}
	b->map_hash = hash;
	ret = dr_update(&b->ctx, ranges, nr);
	if (!ret && b->ops->maps_changed)
		ret = b->ops->maps_changed(b->prim, &m);
	free(ranges);
	pm_release(&m);
	return ret ? ret : 1;
}

static int update_map(struct rec_backend *b)
{
	int ret = apply_map(b, 0);

	return ret < 0 ? ret : 0;
}

/*
 * The early schedule: re-read the map at the sampling interval while it changes, doubling the
 * gap while it does not, until the gap reaches the update interval or EARLY_NS has passed.
 */
static int early_map(struct rec_backend *b, uint64_t now)
{
	uint64_t fast = b->p.sample_us * 1000;
	int ret;

	if (!b->early_gap_ns || now < b->early_next_ns)
		return 0;
	if (now >= b->early_end_ns) {
		b->early_gap_ns = 0;
		return 0;
	}
	ret = apply_map(b, 1);
	if (ret < 0)
		return ret;
	b->early_gap_ns = ret ? fast : b->early_gap_ns * 2;
	if (b->early_gap_ns >= b->p.update_us * 1000)
		b->early_gap_ns = 0;	/* the update interval takes over */
	b->early_next_ns = now + b->early_gap_ns;
	return 0;
}

/*
 * The primitive lost the target's address space. Gone, or replaced by an exec: then open the same
 * primitive on the new program and let the regions follow its map. Return: 0 when followed,
 * -ESRCH when the target is gone, or -errno.
 */
static int follow_exec(struct rec_backend *b, int err)
{
	struct prim_target t = { .pid = b->p.pid, .sample_us = b->p.sample_us,
				 .aggr_us = b->p.aggr_us, .budget_bp = b->p.max_overhead_bp };
	struct pm_map m;
	char why[256] = "";
	int ret;

	if (err != -ESRCH || target_gone(b))
		return target_gone(b) ? -ESRCH : err;
	if (b->ops->caveat)
		b->ops->caveat(b->prim, b->caveat, sizeof(b->caveat));
	b->ops->close(b->prim);
	b->prim = NULL;
	/*
	 * Right after the exec the new program may have only its loader mapped, and what uffd-wp
	 * injects with (a "syscall; ret" and rt_sigreturn) comes with the C library (t0561 saw
	 * it refused so, now and then): -ENOTSUP is tried again while the loader works, for up
	 * to EXEC_RETRY_NS. A program that never maps one is refused then.
	 */
	for (uint64_t until = now_ns() + EXEC_RETRY_NS;;) {
		ret = pm_read(b->p.pid, &m);
		if (!ret && !m.nr) {
			pm_release(&m);	/* no memory at all: exiting, its pidfd not readable yet */
			return -ESRCH;
		}
		if (!ret) {
			t.maps = &m;
			why[0] = 0;
			ret = b->ops->open(&b->prim, &t, why, sizeof(why));
			pm_release(&m);
		}
		if (ret != -ENOTSUP || now_ns() >= until || target_gone(b) ||
		    sleep_until(now_ns() + EXEC_RETRY_GAP_NS))
			break;
	}
	if (ret) {
		b->prim = NULL;
		/*
		 * It is exiting (its memory goes before the pidfd says so: give it 100 ms), or
		 * the new program cannot be watched (set-uid, or traced by someone else).
		 */
		if (target_gone_within(b, 100) || ret == -ENOENT)
			return -ESRCH;
		snprintf(b->why, sizeof(b->why), "the target called exec, and %s cannot watch "
			 "the new program: %s", b->ops->name, why[0] ? why : strerror(-ret));
		return ret;
	}
	b->drp.priv = b->prim;
	b->prepared = 0;
	b->nr_execs++;
	early_start(b, now_ns());	/* the new program's first moments, as a launched one's */
	ret = update_map(b);
	return ret == -ESRCH && !target_gone(b) ? -EIO : ret;
}

/*
 * The window just snapshot (@s; dr_aggregation_done() has moved its counts to
 * last_nr_accesses): what it cost and saw, to the controller. The intervals it answers take
 * effect now, for the window that begins. Return: 0.
 */
static int control_window(struct rec_backend *b, const struct dpf_snapshot *s)
{
	const struct dr_ctx *c = &b->ctx;
	uint32_t samples = dr_max_nr_accesses(&c->attrs);
	struct ovh_input in = { .wall_ns = s->end_ns - s->start_ns };
	struct rec_intervals iv;
	uint64_t cpu = prim_cpu_ns();
	struct dr_attrs a;

	for (size_t i = 0; i < c->nr; i++) {
		uint64_t sz = c->r[i].end - c->r[i].start;

		in.events += sz * c->r[i].last_nr_accesses;
		in.possible += sz * samples;
	}
	in.self_ns = cpu > b->cpu_at_ns ? cpu - b->cpu_at_ns : 0;
	b->cpu_at_ns = cpu;
	if (b->prim && b->ops->target_cost_ns)
		in.target_ns = b->ops->target_cost_ns(b->prim);
	b->snap_iv = b->ovh.cur;
	if (!ovh_window(&b->ovh, &in, &iv))
		return 0;
	a.sample_us = iv.sample_us;
	a.aggr_us = iv.aggr_us;
	a.update_us = iv.update_us;
	a.min_nr_regions = iv.min_nr_regions;
	a.max_nr_regions = iv.max_nr_regions;
	if (dr_set_attrs(&b->ctx, &a))
		b->ovh.cur = b->snap_iv;	/* refused (never seen): keep what runs */
	return 0;
}

static int sampler_next_snapshot(struct rec_backend *b, struct dpf_snapshot *s, int timeout_ms)
{
	uint64_t deadline = now_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000ULL;

	for (;;) {
		uint64_t sample_ns = b->ctx.attrs.sample_us * 1000;	/* the controller's */
		unsigned int ev;
		int ret, got = 0;

		if (!b->prepared) {
			ret = dr_sample_prepare(&b->ctx, &b->drp);
			if (ret == -ESRCH && !(ret = follow_exec(b, ret)))
				continue;	/* followed an exec: prepare on the new program */
			if (ret)
				return target_gone(b) ? -ESRCH : ret;
			b->prepared = 1;
			/* checks on a fixed grid, so that windows last aggr_us and not more */
			b->check_at_ns += sample_ns;
			if (b->check_at_ns < now_ns())
				b->check_at_ns = now_ns() + sample_ns;
		}
		if (b->check_at_ns > deadline) {
			sleep_until(deadline);
			return 0;
		}
		if (sleep_until(b->check_at_ns))
			return 0;
		ret = dr_sample_check(&b->ctx, &b->drp, &ev);
		b->prepared = 0;
		if (ret == -ESRCH && !(ret = follow_exec(b, ret)))
			continue;
		if (ret)
			return target_gone(b) ? -ESRCH : ret;
		if (ev & DR_EV_AGGREGATED) {
			/* the pidfd says when the target is gone; asked once a window */
			if (target_gone(b))
				return -ESRCH;
			ret = fill_snapshot(b, s, now_ns());
			if (!ret)
				ret = dr_aggregation_done(&b->ctx);
			if (!ret)
				ret = control_window(b, s);
			if (ret)
				return ret;
			got = 1;
		}
		if (ev & DR_EV_UPDATE_DUE)
			ret = update_map(b);
		else
			ret = early_map(b, now_ns());
		if (ret == -ESRCH)
			ret = follow_exec(b, ret);
		if (ret)
			return target_gone(b) ? -ESRCH : ret;
		if (got)
			return 1;
	}
}

/* The budget, and what the run cost as measured and estimated (daprof-data(5)). */
static int describe_overhead(struct rec_backend *b, struct dpf_meta *m)
{
	const struct ovh_ctl *o = &b->ovh;
	int ret = 0;

	if (o->budget_bp)
		ret = dpf_meta_setf(m, "overhead_budget_pct", "%u.%02u", o->budget_bp / 100,
				    o->budget_bp % 100);
	if (ret || !o->wall_ns)
		return ret;
	ret = dpf_meta_setf(m, "overhead_self_pct", "%.2f", 100.0 * o->self_ns / o->wall_ns);
	ret = ret ? ret : dpf_meta_setf(m, "overhead_target_pct", "%.2f",
					100.0 * o->target_ns / o->wall_ns);
	return ret ? ret : dpf_meta_setf(m, "overhead_changes", "%u", o->changes);
}

static int sampler_describe(struct rec_backend *b, struct dpf_meta *m)
{
	int ret = dpf_meta_set(m, "backend", "sampler");

	ret = ret ? ret : dpf_meta_set(m, "ops", "vaddr");
	ret = ret ? ret : dpf_meta_set(m, "primitive", b->primitive);
	ret = ret ? ret : dpf_meta_set(m, "primitive_sees", b->ops->sees);
	if (!ret && b->auto_note[0])
		ret = dpf_meta_set(m, "primitive_note", b->auto_note);
	if (!ret && b->ops->caveat) {
		char caveat[256];

		if (b->prim && b->ops->caveat(b->prim, caveat, sizeof(caveat)))
			ret = dpf_meta_set(m, "primitive_caveat", caveat);
		else if (b->caveat[0])
			ret = dpf_meta_set(m, "primitive_caveat", b->caveat);
	}
	if (!ret && b->detached[0])
		ret = dpf_meta_set(m, "primitive_detach", b->detached);
	if (!ret && b->nr_execs)
		ret = dpf_meta_setf(m, "target_execs", "%u", b->nr_execs);
	return ret ? ret : describe_overhead(b, m);
}

static void sampler_intervals(struct rec_backend *b, struct rec_intervals *out)
{
	*out = b->snap_iv;
}

static int sampler_caveat(struct rec_backend *b, char *buf, size_t len)
{
	if (b->prim && b->ops->caveat && b->ops->caveat(b->prim, buf, len))
		return 1;
	if (!b->caveat[0])
		return 0;
	snprintf(buf, len, "%s", b->caveat);
	return 1;
}

static int sampler_detach(struct rec_backend *b, char *buf, size_t len)
{
	if (!b->prim || !b->ops->detach ||
	    !b->ops->detach(b->prim, b->detached, sizeof(b->detached)))
		return 0;
	snprintf(buf, len, "%s", b->detached);
	return 1;
}

static const char *sampler_why(struct rec_backend *b)
{
	return b->why[0] ? b->why : NULL;
}

const struct rec_backend_ops sampler_backend_ops = {
	.name = "sampler",
	.probe = sampler_probe,
	.start = sampler_start,
	.next_snapshot = sampler_next_snapshot,
	.why = sampler_why,
	.intervals = sampler_intervals,
	.describe = sampler_describe,
	.caveat = sampler_caveat,
	.detach = sampler_detach,
	.stop = sampler_stop,
};
