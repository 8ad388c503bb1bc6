/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel DAMON backend (damon_backend_ops, record/backend.h), split in six files:
 * damon-sysfs.c drives the sysfs tree (its own kdamond, the stat scheme, tried_regions),
 * damon-probe.c is its read-only probe, damon-io.c holds its retrying sysfs reads and writes,
 * damon-tune.c what changes or is measured while the kdamond runs (the kernel's intervals
 * tuning, online changes, the kdamond's CPU time), damon-trace.c reads the
 * damon:damon_aggregated tracepoint through perf_event_open, and damon-util.c holds the small
 * parsers they use and that tests call directly. This header is
 * what they share; the record loop and "daprof check" need only backend.h plus the helpers
 * marked "public" below.
 */
#ifndef RECORD_DAMON_SYSFS_H
#define RECORD_DAMON_SYSFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "format/dpf.h"
#include "record/backend.h"

#define DAMON_SYSFS_DEFAULT_ROOT	"/sys/kernel/mm/damon/admin"
#define DAMON_SYSFS_ENV_ROOT		"DAPROF_SYSFS_ROOT"	/* overrides the default root */
#define DAMON_ENV_SOURCE		"DAPROF_DAMON_SOURCE"	/* auto|tracepoint|tried_regions */
#define DAMON_ENV_TRACEFS		"DAPROF_TRACEFS_ROOT"	/* tracefs mount to use */

/* public: the sysfs root a backend would use for @p (params, then environment, then default). */
const char *damon_sysfs_root(const struct rec_params *p);

/*
 * public: damon_sysfs_avail_ops() - the operations sets the kernel offers, as "vaddr,fvaddr,paddr",
 * read without changing anything: from avail_operations of an existing context directory, else
 * from the ops' symbols in /proc/kallsyms. Return: 0; -ENOENT when it cannot be told without
 * creating a kdamond (start() then finds out); -errno.
 */
int damon_sysfs_avail_ops(const char *root, char *buf, size_t len);

/*
 * public: damon_system_ram() - the top-level "System RAM" ranges of @iomem (NULL:
 * /proc/iomem), [start, end) sorted. Return: 0; -EPERM when the addresses read as zero (not
 * root); -ENOENT when there is none; -errno. *@ranges is malloc()ed.
 */
int damon_system_ram(const char *iomem, struct rec_range **ranges, size_t *nr);

/*
 * public: damon_backend_stop() - damon_backend_ops.stop() that tells whether the kdamond could be
 * turned off and nr_kdamonds set back to 0. Always frees @b. Return: 0 or the first -errno.
 */
int damon_backend_stop(struct rec_backend *b);

/* public: words for the last next_snapshot() error of @b, or NULL. */
const char *damon_backend_last_error(struct rec_backend *b);

/*
 * public: damon_backend_apply() - give the running kdamond of @b new intervals and region bounds
 * (sysfs files, then "commit"): the lever of an overhead controller. With the kernel's
 * intervals tuning on, @iv->sample_us must lie within the goal's bounds, and the kernel goes on
 * tuning from the new values. Return: 0, or -errno with one line in @why; the kdamond keeps its
 * old values on error.
 */
int damon_backend_apply(struct rec_backend *b, const struct rec_intervals *iv, char *why,
			size_t len);

/*
 * public: damon_sysfs_intervals_goal() - whether the kernel has the intervals auto-tuning
 * (intervals_goal, 6.15), told without changing anything: from an existing context directory,
 * else from the sysfs code's symbols in /proc/kallsyms. Return: 1 yes, 0 no, -ENOENT when it
 * cannot be told without creating a kdamond, -errno.
 */
int damon_sysfs_intervals_goal(const char *root);

/* ---- shared by damon-sysfs.c and damon-trace.c (and unit tests) ---- */

/*
 * damon-probe.c: damon_backend_probe() is damon_backend_ops.probe; damon_count_kdamonds() counts
 * the kdamonds that exist and those on (unreadable counts as on); damon_busy_reason() and
 * damon_ops_reason() say why DAMON cannot be used (they return -EBUSY and -EOPNOTSUPP);
 * damon_has_op() tells whether the comma-separated @list holds @op.
 */
int damon_backend_probe(const struct rec_params *p, char *why, size_t len);
int damon_count_kdamonds(const char *root, long *nr, long *running);
int damon_busy_reason(const char *root, long nr, long running, char *why, size_t len);
int damon_ops_reason(const char *avail, const char *op, char *why, size_t len);
int damon_has_op(const char *list, const char *op);

/*
 * damon_module_busy() - whether one of the kernel's own DAMON modules (DAMON_STAT, DAMON_RECLAIM,
 * DAMON_LRU_SORT) runs its kdamond: they start it exclusive, so no sysfs kdamond can turn on
 * (EBUSY). Looked up under $DAPROF_SYS_ROOT/module, else under /sys/module when @root is the
 * default DAMON root (a fake tree elsewhere has no modules). Return: 1 with the one-line reason
 * in @why, naming the module and how to stop it; 0 when none runs (@why untouched).
 */
int damon_module_busy(const char *root, char *why, size_t len);

#define DAMON_BUSY_RETRY_MS	3000	/* how long a write keeps retrying on EBUSY (lock contention) */

/*
 * damon-io.c: damon_sysfs_write() writes @val in one write(2), retrying on EBUSY for up to
 * DAMON_BUSY_RETRY_MS; damon_sysfs_read_retry() reads as damon_read_small() with the same
 * retry. damon_wr() and damon_wr_u64() write to the path formatted from @fmt, damon_exists()
 * tells whether it exists, damon_read_long() reads a number. Return: 0 (or 1/0) or -errno.
 */
int damon_sysfs_write(const char *path, const char *val);
int damon_sysfs_read_retry(const char *path, char *buf, size_t len);
int damon_wr(const char *val, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int damon_wr_u64(uint64_t v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int damon_exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int damon_read_long(const char *path, long *v);

/*
 * damon_read_small() - read a small sysfs/proc file into @buf, NUL-terminated, trailing newlines
 * and blanks removed. Return: 0 or -errno.
 * damon_read_small_at() - the same for @path relative to the directory @dirfd (openat(2)).
 */
int damon_read_small(const char *path, char *buf, size_t len);
int damon_read_small_at(int dirfd, const char *path, char *buf, size_t len);

/* Field offsets of a tracepoint's raw record, parsed from its tracefs "format" file. */
struct damon_tp_format {
	int id;
	int off_common_pid, off_target_id, off_nr_regions, off_start, off_end, off_nr_accesses,
	    off_age;
	int sz_target_id, sz_nr_regions, sz_start, sz_end, sz_nr_accesses, sz_age;
};

/* damon_tp_parse_format() - parse @text of a "format" file. Return: 0 or -EPROTO. */
int damon_tp_parse_format(const char *text, struct damon_tp_format *f);

/* damon_tracefs_event_dir() - the damon_aggregated event directory under a tracefs mount. */
int damon_tracefs_event_dir(char *buf, size_t len);

/* damon_is_kdamond() - 1 when @pid is a kernel thread named "kdamond.*" (its events are real). */
int damon_is_kdamond(pid_t pid);

struct damon_trace;

struct damon_trace_stats {
	uint64_t events;
	uint64_t lost;		/* events the kernel dropped (ring full) */
	uint64_t dropped;	/* incomplete snapshots thrown away */
	uint64_t ring_bytes;
};

/*
 * damon_trace_open() - attach to the damon_aggregated events of kdamond @kpid.
 * Return: 0, or -errno with a reason in @why.
 */
int damon_trace_open(struct damon_trace **t, const char *event_dir, pid_t kpid,
		     uint32_t max_regions, uint64_t aggr_us, char *why, size_t why_len);
/* damon_trace_next() - as rec_backend_ops.next_snapshot, except that it never returns -ESRCH. */
int damon_trace_next(struct damon_trace *t, struct dpf_snapshot *s, int timeout_ms);
void damon_trace_stats(const struct damon_trace *t, struct damon_trace_stats *st);
void damon_trace_close(struct damon_trace *t);

uint64_t damon_now_ns(void);

/*
 * damon-tune.c, on the paths of a kdamond directory @kd and its context @ctx:
 * damon_goal_fit() - move *@sample_us into the goal's [min, max] as the kernel demands, keeping
 * the samples per aggregation. Return: 1 when it changed the intervals, else 0.
 * damon_goal_write() - stage the goal's four files (before "on").
 * damon_tuned_read() - the intervals the kdamond uses now: writes "update_tuned_intervals" to
 * its state unless @refreshed (refresh_ms keeps the files fresh), then reads the files.
 * damon_intervals_valid() - 0, or -EINVAL with a reason when @iv breaks the kernel's rules
 * (@g: the goal in force, or NULL).
 * damon_apply_online() - stage @iv and "commit", when damon_intervals_valid().
 * damon_task_cpu_ns() - utime + stime of task @pid from /proc/PID/stat; -ESRCH when it is gone.
 * Return: 0 or -errno unless said.
 */
int damon_goal_fit(const struct rec_intervals_goal *g, uint64_t *sample_us, uint64_t *aggr_us);
int damon_goal_write(const char *ctx, const struct rec_intervals_goal *g);
int damon_tuned_read(const char *kd, const char *ctx, int refreshed, uint64_t *sample_us,
		     uint64_t *aggr_us);
int damon_intervals_valid(const struct rec_intervals *iv, const struct rec_intervals_goal *g,
			 char *why, size_t len);
int damon_apply_online(const char *kd, const char *ctx, const struct rec_intervals *iv,
		       const struct rec_intervals_goal *g, char *why, size_t len);
int damon_task_cpu_ns(pid_t pid, uint64_t *ns);

/* damon_trace_set_aggr() - the aggregation interval changed (tuning, controller). */
void damon_trace_set_aggr(struct damon_trace *t, uint64_t aggr_us);

#endif /* RECORD_DAMON_SYSFS_H */
