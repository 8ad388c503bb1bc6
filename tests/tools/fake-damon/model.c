// SPDX-License-Identifier: GPL-2.0
/*
 * fake-damon's model of the kernel: the DAMON sysfs tree (mm/damon/sysfs*.c) for the --tree
 * level chosen, what a write to each file does (the kernel's store() handlers: their checks,
 * staging and errno values), what a read shows, and the pretend kdamond behind the state files,
 * whose regions come from a script. Kept apart from fuse.c, which only carries requests between
 * /dev/fuse and these nodes, so that the kernel behaviour being faked reads without the protocol
 * around it. fuse.c says why FUSE, and lists the options and the control commands (ctl() here).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake-damon.h"

#define MAX_KD		16
#define MAX_REGIONS	200000

struct sregion {
	uint64_t start;
	uint64_t end;
	uint32_t nr;
	long from;
	long to;
};

struct kdamond {
	int built;		/* "on" once built a context */
	int running;
	uint64_t on_ns;
	uint64_t sample_us;
	uint64_t aggr_us;
	uint64_t tuned_sample_us;	/* the kernel's copy, which intervals_goal tunes */
	uint64_t tuned_aggr_us;
	int paddr;
	int nr_targets;
	pid_t pids[8];
	long last_aggr;
};

static struct {
	int tree;		/* 612 for 6.12 */
	int tried_gaps;		/* --tried-gaps */
	unsigned long tried_seq;	/* the next tried_regions name, with --tried-gaps */
	char ops[64];
	pid_t kdamond_pid;
	struct node *root;
	struct node *admin;
	struct sregion *script;
	size_t nr_script;
	struct kdamond kd[MAX_KD];
	int busy;
	char fail_cmd[64];
	int fail_err;
	int fail_count;
	char *log;
	size_t log_len;
} g;

static const char *const ops_keys[] = { "vaddr", "fvaddr", "paddr", NULL };
static const char *const action_keys[] = { "willneed", "cold", "pageout", "hugepage",
	"nohugepage", "lru_prio", "lru_deprio", "migrate_hot", "migrate_cold", "stat", NULL };
static const char *const metric_keys[] = { "none", "free_mem_rate", NULL };
static const char *const filter_keys[] = { "anon", "memcg", "young", "hugepage_size",
	"unmapped", "active", "addr", "target", NULL };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("fake-damon: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void logf_(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	g.log = realloc(g.log, g.log_len + n + 1);
	if (!g.log)
		die("out of memory");
	memcpy(g.log + g.log_len, line, n + 1);
	g.log_len += n;
}

/* ---- the tree ---- */

static struct node *add(struct node *dir, const char *name, int is_dir, mode_t mode)
{
	struct node *n = calloc(1, sizeof(*n));
	struct node **p;

	if (!n || !(n->name = strdup(name)))
		die("out of memory");
	n->is_dir = is_dir;
	n->mode = mode;
	n->parent = dir;
	if (dir) {
		for (p = &dir->child; *p; p = &(*p)->next)
			;
		*p = n;
	}
	return n;
}

static struct node *dir(struct node *parent, const char *name)
{
	return add(parent, name, 1, 0755);
}

static struct node *file(struct node *d, const char *name, enum ftype t, const char *val)
{
	struct node *n = add(d, name, 0, t == F_RO || t == F_PID ? 0400 : 0600);

	n->type = t;
	snprintf(n->val, sizeof(n->val), "%s", val);
	return n;
}

static struct node *key(struct node *d, const char *name, const char *const *keys,
			const char *val)
{
	struct node *n = file(d, name, F_KEY, val);

	n->keys = keys;
	return n;
}

static struct node *nr_file(struct node *d, const char *name, builder_fn b)
{
	struct node *n = file(d, name, F_NR, "0");

	n->build = b;
	return n;
}

struct node *node_lookup(struct node *d, const char *name)
{
	for (struct node *c = d ? d->child : NULL; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static struct node *walk(struct node *d, const char *path)
{
	char buf[256];
	char *save;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *t = strtok_r(buf, "/", &save); t && d; t = strtok_r(NULL, "/", &save))
		d = node_lookup(d, t);
	return d;
}

static const char *val(struct node *d, const char *path)
{
	struct node *n = walk(d, path);

	return n ? n->val : "";
}

static uint64_t num(struct node *d, const char *path)
{
	return strtoull(val(d, path), NULL, 0);
}

void node_free(struct node *n)
{
	free(n->name);
	free(n);
}

/* Detach @n and everything below it; nodes the kernel still knows wait for their FORGET. */
static void kill_tree(struct node *n)
{
	struct node *c = n->child;

	while (c) {
		struct node *next = c->next;

		kill_tree(c);
		c = next;
	}
	n->child = NULL;
	n->next = NULL;
	n->parent = NULL;
	n->dead = 1;
	if (!n->nlookup)
		node_free(n);
}

static void remove_numbered(struct node *d)
{
	struct node **p = &d->child;

	while (*p) {
		struct node *c = *p;

		if (c->is_dir && c->name[0] >= '0' && c->name[0] <= '9') {
			*p = c->next;
			kill_tree(c);
		} else {
			p = &c->next;
		}
	}
}

static void rel_path(struct node *n, char *buf, size_t len)
{
	char tmp[512];

	buf[0] = '\0';
	for (; n && n != g.root; n = n->parent) {
		snprintf(tmp, sizeof(tmp), "%s%s%s", n->name, *buf ? "/" : "", buf);
		snprintf(buf, len, "%s", tmp);
	}
}

/* ---- builders: what a new numbered directory holds (defaults as in the kernel) ---- */

static void build_region(struct node *d)
{
	file(d, "start", F_NUM, "0");
	file(d, "end", F_NUM, "0");
}

static void build_target(struct node *d)
{
	file(d, "pid_target", F_INT, "0");
	nr_file(dir(d, "regions"), "nr_regions", build_region);
}

static void build_filter(struct node *d)
{
	key(d, "type", filter_keys, "anon");
	file(d, "matching", F_BOOL, "N");
	if (g.tree >= 614)
		file(d, "allow", F_BOOL, "N");
	file(d, "memcg_path", F_TEXT, "");
	file(d, "addr_start", F_NUM, "0");
	file(d, "addr_end", F_NUM, "0");
	file(d, "damon_target_idx", F_INT, "0");
}

static void build_goal(struct node *d)
{
	file(d, "target_metric", F_TEXT, "user_input");
	file(d, "target_value", F_NUM, "0");
	file(d, "current_value", F_NUM, "0");
}

static void range(struct node *d, const char *name)
{
	struct node *r = dir(d, name);

	file(r, "min", F_NUM, "0");
	file(r, "max", F_NUM, "0");
}

static void build_scheme(struct node *d)
{
	struct node *q;
	struct node *w;
	struct node *s;

	key(d, "action", action_keys, "stat");
	if (g.tree >= 607)
		file(d, "apply_interval_us", F_NUM, "0");
	if (g.tree >= 611)
		file(d, "target_nid", F_INT, "-1");
	w = dir(d, "access_pattern");
	range(w, "sz");
	range(w, "nr_accesses");
	range(w, "age");
	q = dir(d, "quotas");
	file(q, "ms", F_NUM, "0");
	file(q, "bytes", F_NUM, "0");
	file(q, "reset_interval_ms", F_NUM, "0");
	if (g.tree >= 609)
		file(q, "effective_bytes", F_RO, "0");
	w = dir(q, "weights");
	file(w, "sz_permil", F_NUM, "0");
	file(w, "nr_accesses_permil", F_NUM, "0");
	file(w, "age_permil", F_NUM, "0");
	if (g.tree >= 608)
		nr_file(dir(q, "goals"), "nr_goals", build_goal);
	w = dir(d, "watermarks");
	key(w, "metric", metric_keys, "none");
	file(w, "interval_us", F_NUM, "0");
	file(w, "high", F_NUM, "0");
	file(w, "mid", F_NUM, "0");
	file(w, "low", F_NUM, "0");
	if (g.tree >= 603)
		nr_file(dir(d, "filters"), "nr_filters", build_filter);
	if (g.tree >= 615) {
		nr_file(dir(d, "core_filters"), "nr_filters", build_filter);
		nr_file(dir(d, "ops_filters"), "nr_filters", build_filter);
	}
	s = dir(d, "stats");
	file(s, "nr_tried", F_RO, "0");
	file(s, "sz_tried", F_RO, "0");
	file(s, "nr_applied", F_RO, "0");
	file(s, "sz_applied", F_RO, "0");
	file(s, "qt_exceeds", F_RO, "0");
	if (g.tree >= 614)
		file(s, "sz_ops_filter_passed", F_RO, "0");
	if (g.tree >= 602) {
		s = dir(d, "tried_regions");
		if (g.tree >= 606)
			file(s, "total_bytes", F_RO, "0");
	}
}

static void build_context(struct node *d)
{
	struct node *m;
	struct node *i;
	char avail[80];
	size_t l;

	snprintf(avail, sizeof(avail), "%s", g.ops);
	for (l = 0; avail[l]; l++)
		if (avail[l] == ',')
			avail[l] = '\n';
	if (g.tree >= 519)
		file(d, "avail_operations", F_RO, avail);
	key(d, "operations", ops_keys, "vaddr");
	if (g.tree >= 618)
		file(d, "addr_unit", F_NUM, "1");
	m = dir(d, "monitoring_attrs");
	i = dir(m, "intervals");
	file(i, "sample_us", F_NUM, "5000");
	file(i, "aggr_us", F_NUM, "100000");
	file(i, "update_us", F_NUM, "60000000");
	if (g.tree >= 615) {
		struct node *goal = dir(i, "intervals_goal");

		file(goal, "access_bp", F_NUM, "0");
		file(goal, "aggrs", F_NUM, "0");
		file(goal, "min_sample_us", F_NUM, "0");
		file(goal, "max_sample_us", F_NUM, "0");
	}
	i = dir(m, "nr_regions");
	file(i, "min", F_NUM, "10");
	file(i, "max", F_NUM, "1000");
	nr_file(dir(d, "targets"), "nr_targets", build_target);
	nr_file(dir(d, "schemes"), "nr_schemes", build_scheme);
}

static void build_kdamond(struct node *d)
{
	struct node *n;

	n = file(d, "state", F_STATE, "off");
	n->kd = atoi(d->name);
	n = file(d, "pid", F_PID, "-1");
	n->kd = atoi(d->name);
	if (g.tree >= 617)
		file(d, "refresh_ms", F_NUM, "0");
	nr_file(dir(d, "contexts"), "nr_contexts", build_context);
}

/* ---- the pretend kdamond ---- */

/* Stop kdamonds whose every target died, as kdamond_fn() does. */
static void reap(void)
{
	for (int k = 0; k < MAX_KD; k++) {
		struct kdamond *kd = &g.kd[k];
		int alive = 0;

		if (!kd->running || kd->paddr)
			continue;
		for (int t = 0; t < kd->nr_targets; t++)
			if (kill(kd->pids[t], 0) == 0 || errno != ESRCH)
				alive = 1;
		if (!alive)
			kd->running = 0;
	}
}

static struct node *ctx_of(int k)
{
	char path[64];

	snprintf(path, sizeof(path), "kdamonds/%d/contexts/0", k);
	return walk(g.admin, path);
}

/*
 * damon_set_attrs() and damon_valid_intervals_goal(): the checks "on" and "commit" make of the
 * staged intervals.
 */
static int valid_attrs(struct node *c)
{
	uint64_t sample = num(c, "monitoring_attrs/intervals/sample_us");
	uint64_t aggr = num(c, "monitoring_attrs/intervals/aggr_us");
	const char *goal = "monitoring_attrs/intervals/intervals_goal";
	char path[96];

	if (!aggr || sample > aggr)
		return -EINVAL;
	if (num(c, "monitoring_attrs/nr_regions/min") < 3 ||
	    num(c, "monitoring_attrs/nr_regions/min") > num(c, "monitoring_attrs/nr_regions/max"))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/aggrs", goal);
	if (g.tree >= 615 && num(c, path)) {
		uint64_t min;
		uint64_t max;

		snprintf(path, sizeof(path), "%s/min_sample_us", goal);
		min = num(c, path);
		snprintf(path, sizeof(path), "%s/max_sample_us", goal);
		max = num(c, path);
		if (min > max || sample < min || sample > max)
			return -EINVAL;
	}
	return 0;
}

/* damon_sysfs_turn_damon_on(): build the context from the staged values. */
static int turn_on(int k)
{
	struct kdamond *kd = &g.kd[k];
	char path[64];
	struct node *c;
	const char *ops;
	int nt;

	if (kd->running)
		return -EBUSY;
	snprintf(path, sizeof(path), "kdamonds/%d/contexts/nr_contexts", k);
	if (num(g.admin, path) != 1)
		return -EINVAL;
	c = ctx_of(k);
	ops = val(c, "operations");
	{
		char list[80];
		char *save;
		int found = 0;

		snprintf(list, sizeof(list), "%s", g.ops);
		for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
			if (!strcmp(t, ops))
				found = 1;
		if (!found)
			return -EINVAL;	/* damon_select_ops() */
	}
	if (valid_attrs(c))
		return -EINVAL;
	kd->sample_us = num(c, "monitoring_attrs/intervals/sample_us");
	kd->aggr_us = num(c, "monitoring_attrs/intervals/aggr_us");
	kd->tuned_sample_us = kd->sample_us;
	kd->tuned_aggr_us = kd->aggr_us;
	kd->paddr = !strcmp(ops, "paddr");
	nt = (int)num(c, "targets/nr_targets");
	if (nt > 8 || (kd->paddr && nt > 1))
		return -EINVAL;
	for (int t = 0; t < nt; t++) {
		char tp[64];
		uint64_t prev_end = 0;
		int nr;

		snprintf(tp, sizeof(tp), "targets/%d/pid_target", t);
		kd->pids[t] = (pid_t)atoi(val(c, tp));
		if (!kd->paddr && (kd->pids[t] <= 0 || (kill(kd->pids[t], 0) && errno == ESRCH)))
			return -EINVAL;	/* find_get_pid() */
		snprintf(tp, sizeof(tp), "targets/%d/regions/nr_regions", t);
		nr = (int)num(c, tp);
		for (int r = 0; r < nr; r++) {
			uint64_t s;
			uint64_t e;

			snprintf(tp, sizeof(tp), "targets/%d/regions/%d/start", t, r);
			s = num(c, tp);
			snprintf(tp, sizeof(tp), "targets/%d/regions/%d/end", t, r);
			e = num(c, tp);
			if (s > e || s < prev_end)
				return -EINVAL;
			prev_end = e;
		}
	}
	kd->nr_targets = nt;
	kd->built = 1;
	kd->running = 1;
	kd->on_ns = now_ns();
	kd->last_aggr = -1;
	return 0;
}

static int cmp_sregion(const void *a, const void *b)
{
	const struct sregion *x = a;
	const struct sregion *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The regions of aggregation @a: the script, or the paddr target's regions with its heat. */
static size_t regions_at(int k, long a, struct sregion **out)
{
	struct kdamond *kd = &g.kd[k];
	struct sregion *r = calloc(MAX_REGIONS, sizeof(*r));
	uint32_t cap = (uint32_t)(kd->aggr_us / (kd->sample_us ? kd->sample_us : 1));
	size_t n = 0;

	if (!r)
		die("out of memory");
	if (kd->paddr) {
		struct node *c = ctx_of(k);
		int nr = (int)num(c, "targets/0/regions/nr_regions");

		for (int i = 0; i < nr && n < MAX_REGIONS; i++) {
			char tp[64];

			snprintf(tp, sizeof(tp), "targets/0/regions/%d/start", i);
			r[n].start = num(c, tp);
			snprintf(tp, sizeof(tp), "targets/0/regions/%d/end", i);
			r[n].end = num(c, tp);
			r[n].from = 0;
			for (size_t s = 0; s < g.nr_script; s++)
				if (g.script[s].start <= r[n].start && r[n].start < g.script[s].end &&
				    g.script[s].from <= a && a <= g.script[s].to)
					r[n].nr = g.script[s].nr;
			n++;
		}
	} else {
		for (size_t s = 0; s < g.nr_script && n < MAX_REGIONS; s++)
			if (g.script[s].from <= a && a <= g.script[s].to)
				r[n++] = g.script[s];
	}
	for (size_t i = 0; i < n; i++)
		if (r[i].nr > cap)
			r[i].nr = cap;
	qsort(r, n, sizeof(*r), cmp_sregion);
	*out = r;
	return n;
}

static int matches(struct node *s, const struct sregion *r, uint64_t age)
{
	uint64_t sz = r->end - r->start;

	return sz >= num(s, "access_pattern/sz/min") && sz <= num(s, "access_pattern/sz/max") &&
	       r->nr >= num(s, "access_pattern/nr_accesses/min") &&
	       r->nr <= num(s, "access_pattern/nr_accesses/max") &&
	       age >= num(s, "access_pattern/age/min") && age <= num(s, "access_pattern/age/max");
}

/* Fill schemes/<S>/tried_regions as damos_sysfs_populate_region_dir() does. */
static void populate(int k, long a, int bytes_only)
{
	struct node *c = ctx_of(k);
	int ns = (int)num(c, "schemes/nr_schemes");
	struct sregion *r;
	size_t n = regions_at(k, a, &r);

	for (int si = 0; si < ns; si++) {
		char sp[32];
		struct node *s;
		struct node *tr;
		uint64_t quota;
		uint64_t total = 0;
		size_t idx = 0;

		snprintf(sp, sizeof(sp), "schemes/%d", si);
		s = walk(c, sp);
		tr = walk(s, "tried_regions");
		if (!tr)
			continue;
		remove_numbered(tr);
		quota = num(s, "quotas/bytes");
		for (size_t i = 0; i < n; i++) {
			uint64_t age = (uint64_t)(a - (r[i].from > 0 ? r[i].from : 0));
			char name[24];
			char v[32];
			struct node *d;

			if (!matches(s, &r[i], age))
				continue;
			if (quota && total >= quota)
				break;
			total += r[i].end - r[i].start;
			if (bytes_only)
				continue;
			/*
			 * Linux 6.17.13 (Debian's trixie-backports) named them from a count that
			 * goes on across updates, in steps of two: "1 3 5", then "11 13 ..."
			 */
			if (g.tried_gaps) {
				g.tried_seq += 2;
				snprintf(name, sizeof(name), "%lu", g.tried_seq - 1);
			} else {
				snprintf(name, sizeof(name), "%zu", idx++);
			}
			d = dir(tr, name);
			snprintf(v, sizeof(v), "%llu", (unsigned long long)r[i].start);
			file(d, "start", F_RO, v);
			snprintf(v, sizeof(v), "%llu", (unsigned long long)r[i].end);
			file(d, "end", F_RO, v);
			snprintf(v, sizeof(v), "%u", r[i].nr);
			file(d, "nr_accesses", F_RO, v);
			snprintf(v, sizeof(v), "%llu", (unsigned long long)age);
			file(d, "age", F_RO, v);
			if (g.tree >= 614)
				file(d, "sz_filter_passed", F_RO, "0");
		}
		if (node_lookup(tr, "total_bytes"))
			snprintf(node_lookup(tr, "total_bytes")->val, 64, "%llu",
				 (unsigned long long)total);
	}
	free(r);
}

static void sleep_until(uint64_t t)
{
	uint64_t n = now_ns();

	if (t > n) {
		struct timespec ts = { (time_t)((t - n) / 1000000000u), (long)((t - n) % 1000000000u) };

		while (nanosleep(&ts, &ts) && errno == EINTR && !fake_stop)
			;
	}
}

static int tried_update(int k, int bytes_only)
{
	struct kdamond *kd = &g.kd[k];
	struct node *c = ctx_of(k);
	uint64_t aggr_ns = kd->aggr_us * 1000;
	uint64_t next;
	long a;

	if (!kd->running)
		return -EINVAL;
	if (!num(c, "schemes/nr_schemes") || strcmp(val(c, "schemes/0/watermarks/metric"), "none"))
		return -ECANCELED;	/* no scheme, or deactivated by watermarks */
	/* the walk is served at the next aggregation that has not been reported */
	a = (long)((now_ns() - kd->on_ns) / aggr_ns) + 1;
	if (a <= kd->last_aggr)
		a = kd->last_aggr + 1;
	next = kd->on_ns + (uint64_t)a * aggr_ns;
	sleep_until(next);
	reap();
	if (!kd->running)
		return g.tree >= 614 ? -ECANCELED : 0;
	kd->last_aggr = a;
	populate(k, a, bytes_only);
	if (g.tree < 614)	/* the callback design finishes one aggregation later */
		sleep_until(next + aggr_ns);
	return 0;
}

/* damon_sysfs_upd_tuned_intervals(): the kernel's intervals into the sysfs files. */
static void show_tuned(int k)
{
	struct node *i = walk(ctx_of(k), "monitoring_attrs/intervals");

	snprintf(node_lookup(i, "sample_us")->val, 64, "%llu",
		 (unsigned long long)g.kd[k].tuned_sample_us);
	snprintf(node_lookup(i, "aggr_us")->val, 64, "%llu",
		 (unsigned long long)g.kd[k].tuned_aggr_us);
}

/*
 * "tune K SAMPLE_US": kdamond K's auto-tuning (kdamond_tune_intervals()) picks this sampling
 * interval, clamped to the goal's bounds, with the same samples per aggregation. The files show
 * it after update_tuned_intervals, or at once with refresh_ms (the kdamond refreshes them).
 */
static int tune(int k, uint64_t sample)
{
	struct kdamond *kd = &g.kd[k];
	struct node *goal = walk(ctx_of(k), "monitoring_attrs/intervals/intervals_goal");
	char path[32];
	uint64_t samples;

	if (!kd->running || !goal || !num(goal, "aggrs"))
		return -EINVAL;
	if (sample < num(goal, "min_sample_us"))
		sample = num(goal, "min_sample_us");
	if (sample > num(goal, "max_sample_us"))
		sample = num(goal, "max_sample_us");
	samples = kd->tuned_aggr_us / (kd->tuned_sample_us ? kd->tuned_sample_us : 1);
	kd->tuned_sample_us = sample;
	kd->tuned_aggr_us = sample * (samples ? samples : 1);
	snprintf(path, sizeof(path), "kdamonds/%d/refresh_ms", k);
	if (num(g.admin, path))
		show_tuned(k);
	return 0;
}

static int state_cmd(int k, const char *cmd)
{
	struct kdamond *kd = &g.kd[k];

	if (g.fail_count && !strcmp(cmd, g.fail_cmd)) {
		if (g.fail_count > 0)
			g.fail_count--;
		return -g.fail_err;
	}
	reap();
	if (!strcmp(cmd, "on"))
		return turn_on(k);
	if (!strcmp(cmd, "off")) {
		if (!kd->built)
			return -EINVAL;
		if (!kd->running)
			return -EPERM;
		kd->running = 0;
		return 0;
	}
	if (!strcmp(cmd, "update_schemes_tried_regions"))
		return g.tree >= 602 ? tried_update(k, 0) : -EINVAL;
	if (!strcmp(cmd, "update_schemes_tried_bytes"))
		return g.tree >= 606 ? tried_update(k, 1) : -EINVAL;
	if (!strcmp(cmd, "clear_schemes_tried_regions")) {
		struct node *tr = walk(ctx_of(k), "schemes/0/tried_regions");

		if (!kd->running)
			return -EINVAL;
		if (tr)
			remove_numbered(tr);
		return 0;
	}
	if (!strcmp(cmd, "commit")) {
		/* the staged intervals replace the kernel's (tuned) ones; the pace stays */
		struct node *c = ctx_of(k);

		if (!kd->running || valid_attrs(c))
			return -EINVAL;
		kd->tuned_sample_us = num(c, "monitoring_attrs/intervals/sample_us");
		kd->tuned_aggr_us = num(c, "monitoring_attrs/intervals/aggr_us");
		return 0;
	}
	if (!strcmp(cmd, "update_tuned_intervals")) {
		if (!kd->running || g.tree < 615)
			return -EINVAL;
		show_tuned(k);
		return 0;
	}
	if (!strcmp(cmd, "update_schemes_stats") ||
	    !strcmp(cmd, "update_schemes_effective_quotas") ||
	    !strcmp(cmd, "commit_schemes_quota_goals"))
		return kd->running ? 0 : -EINVAL;
	return -EINVAL;
}

static int parse_errno(const char *s)
{
	static const struct { const char *n; int e; } names[] = {
		{ "EBUSY", EBUSY }, { "EINVAL", EINVAL }, { "ECANCELED", ECANCELED },
		{ "EPERM", EPERM }, { "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EIO", EIO },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].n))
			return names[i].e;
	return atoi(s);
}

static int ctl(const char *cmd)
{
	char a[64] = "";
	char b[64] = "";
	int n = 1;

	if (sscanf(cmd, "busy %d", &n) == 1) {
		g.busy = n;
		return 0;
	}
	if (sscanf(cmd, "fail %63s %63s %d", a, b, &n) >= 2) {
		snprintf(g.fail_cmd, sizeof(g.fail_cmd), "%s", a);
		g.fail_err = parse_errno(b);
		g.fail_count = n;
		return 0;
	}
	if (sscanf(cmd, "tune %d %63s", &n, a) == 2 && n >= 0 && n < MAX_KD)
		return tune(n, strtoull(a, NULL, 0));
	if (sscanf(cmd, "stop %d", &n) == 1 && n >= 0 && n < MAX_KD) {
		g.kd[n].running = 0;
		return 0;
	}
	return -EINVAL;
}

static int parse_value(struct node *n, const char *v)
{
	char *end;

	switch (n->type) {
	case F_NUM:
		if (*v == '-')
			return -EINVAL;
		errno = 0;
		strtoull(v, &end, 0);
		if (errno)
			return -errno;
		break;
	case F_INT:
		errno = 0;
		strtoll(v, &end, 0);
		if (errno)
			return -errno;
		break;
	case F_BOOL:
		if (strcmp(v, "Y") && strcmp(v, "N") && strcmp(v, "1") && strcmp(v, "0"))
			return -EINVAL;
		snprintf(n->val, sizeof(n->val), "%s", !strcmp(v, "Y") || !strcmp(v, "1") ? "Y" : "N");
		return 0;
	case F_KEY:
		for (const char *const *k = n->keys; *k; k++)
			if (!strcmp(*k, v)) {
				snprintf(n->val, sizeof(n->val), "%s", v);
				return 0;
			}
		return -EINVAL;
	case F_TEXT:
		snprintf(n->val, sizeof(n->val), "%s", v);
		return 0;
	default:
		return -EINVAL;
	}
	if (end == v || *end)
		return -EINVAL;
	snprintf(n->val, sizeof(n->val), "%s", v);
	return 0;
}

static int store_nr(struct node *n, const char *v)
{
	struct node *d = n->parent;
	char *end;
	long nr = strtol(v, &end, 0);

	if (end == v || *end || nr < 0 || nr > 100000)
		return -EINVAL;
	if (!strcmp(n->name, "nr_contexts") && nr > 1)
		return -EINVAL;
	if (!strcmp(n->name, "nr_kdamonds")) {
		if (nr > MAX_KD)
			return -EINVAL;
		for (int k = 0; k < MAX_KD; k++)
			if (g.kd[k].running)
				return -EBUSY;	/* damon_sysfs_kdamonds_busy() */
		memset(g.kd, 0, sizeof(g.kd));
	}
	remove_numbered(d);
	for (long i = 0; i < nr; i++) {
		char name[24];

		snprintf(name, sizeof(name), "%ld", i);
		n->build(dir(d, name));
	}
	snprintf(n->val, sizeof(n->val), "%ld", nr);
	return 0;
}

/* A write to a file: the kernel's store() handler. */
int node_store(struct node *n, const char *data, size_t len)
{
	char v[4096];
	char path[512];
	int ret;

	if (len >= sizeof(v))
		return -EINVAL;
	memcpy(v, data, len);
	v[len] = '\0';
	while (len && (v[len - 1] == '\n' || v[len - 1] == ' '))	/* sysfs_streq */
		v[--len] = '\0';
	if (n->type == F_CTL)
		return ctl(v);
	if (g.busy && (n->type == F_NR || n->type == F_STATE)) {
		g.busy--;
		ret = -EBUSY;
	} else if (n->type == F_NR) {
		ret = store_nr(n, v);
	} else if (n->type == F_STATE) {
		ret = state_cmd(n->kd, v);
	} else {
		ret = parse_value(n, v);
	}
	rel_path(n, path, sizeof(path));
	logf_("%s %s = %d\n", path, v, ret);
	return ret;
}

int node_show(struct node *n, char *buf, size_t len)
{
	reap();
	switch (n->type) {
	case F_STATE:
		return snprintf(buf, len, "%s\n", g.kd[n->kd].running ? "on" : "off");
	case F_PID:
		return snprintf(buf, len, "%d\n", g.kd[n->kd].running ? (int)g.kdamond_pid : -1);
	case F_LOG:
		if (g.log_len + 1 > len)
			return snprintf(buf, len, "%s", g.log + g.log_len - (len - 1));
		return snprintf(buf, len, "%s", g.log ? g.log : "");
	case F_CTL:
		return snprintf(buf, len, "busy %d\n", g.busy);
	default:
		return snprintf(buf, len, "%s\n", n->val);
	}
}

/* ---- setting up ---- */

void model_add_region(uint64_t s, uint64_t e, uint32_t nr, long from, long to)
{
	if (g.nr_script % 1024 == 0) {
		g.script = realloc(g.script, (g.nr_script + 1024) * sizeof(*g.script));
		if (!g.script)
			die("out of memory");
	}
	g.script[g.nr_script++] = (struct sregion){ s, e, nr, from, to };
}

/* The tree at start, with --other's kdamonds of another user; returns its root. */
struct node *model_build(const struct model_opts *o)
{
	struct node *f;

	g.tree = o->tree;
	g.tried_gaps = o->tried_gaps;
	snprintf(g.ops, sizeof(g.ops), "%s", o->ops);
	g.kdamond_pid = o->kdamond_pid;
	g.root = dir(NULL, "");
	g.admin = dir(g.root, "admin");
	nr_file(dir(g.admin, "kdamonds"), "nr_kdamonds", build_kdamond);
	f = dir(g.root, "fake");
	file(f, "ctl", F_CTL, "");
	file(f, "log", F_LOG, "");
	if (o->other) {
		char v[16];

		snprintf(v, sizeof(v), "%d", o->other);
		store_nr(walk(g.admin, "kdamonds/nr_kdamonds"), v);
		if (o->other_on) {
			struct node *c;

			store_nr(walk(g.admin, "kdamonds/0/contexts/nr_contexts"), "1");
			c = ctx_of(0);
			snprintf(walk(c, "operations")->val, 64, "paddr");
			g.kd[0].built = g.kd[0].running = 1;
			g.kd[0].paddr = 1;
			g.kd[0].aggr_us = 100000;
			g.kd[0].sample_us = 5000;
			g.kd[0].on_ns = now_ns();
		}
	}
	return g.root;
}
