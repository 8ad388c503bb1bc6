/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one interface between "daprof record"'s loop and a monitoring backend (the kernel's DAMON
 * through sysfs, or the userspace sampler). The loop owns the target's lifetime, the output file,
 * memory-map capture, resource sampling and signals; a backend only turns "monitor this" into a
 * stream of snapshots. Keeping the interface this small lets both backends be tested alone.
 */
#ifndef RECORD_BACKEND_H
#define RECORD_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "format/dpf.h"

struct rec_range {
	uint64_t start;
	uint64_t end;
};

/*
 * The monitoring intervals and region bounds in force. The overhead controller (record
 * --max-overhead) and the intervals auto-tuning (--intervals-goal, or the kernel's own) change
 * them while recording; the recording stores each change (daprof-data.5, INTERVALS chunk).
 */
struct rec_intervals {
	uint64_t sample_us;
	uint64_t aggr_us;
	uint64_t update_us;
	uint32_t min_nr_regions;
	uint32_t max_nr_regions;
	uint32_t cause;		/* what made the last change: enum dpf_intervals_cause (format/dpf.h);
				 * 0: the recorder infers it from the options and the backend */
};

/* rec_intervals_same() - 1 when @a and @b set the same intervals and bounds (the cause aside). */
static inline int rec_intervals_same(const struct rec_intervals *a, const struct rec_intervals *b)
{
	return a->sample_us == b->sample_us && a->aggr_us == b->aggr_us &&
	       a->update_us == b->update_us && a->min_nr_regions == b->min_nr_regions &&
	       a->max_nr_regions == b->max_nr_regions;
}

/*
 * DAMON's monitoring intervals goal (Linux 6.15, "intervals_goal"): every @aggrs aggregations,
 * lengthen the intervals when fewer than @access_bp basis points of the possible access events
 * were seen, shorten them when more, keeping the sampling interval within [min, max] and the
 * ratio of aggregation to sampling interval. @aggrs 0: off.
 */
struct rec_intervals_goal {
	uint32_t access_bp;
	uint32_t aggrs;
	uint64_t min_sample_us;
	uint64_t max_sample_us;
};

/* What to monitor and how; filled by cmd/cmd-record.c. */
struct rec_params {
	pid_t pid;			/* target process; 0 with paddr */
	int paddr;			/* physical memory (kernel DAMON only) */
	const struct rec_range *ranges;	/* paddr: the "System RAM" ranges; NULL otherwise */
	size_t nr_ranges;
	uint64_t sample_us;
	uint64_t aggr_us;
	uint64_t update_us;
	uint32_t min_nr_regions;
	uint32_t max_nr_regions;
	const char *primitive;		/* sampler: "auto" or a primitive name */
	const char *sysfs_root;		/* DAMON: "/sys/kernel/mm/damon/admin" unless overridden */
	int launched;			/* started by daprof, ptrace-stopped at its exec */
	uint32_t max_overhead_bp;	/* budget, basis points of one core; 0: no controller */
	int max_overhead_default;	/* 1: the budget is the default, not asked for */
	struct rec_intervals_goal goal;	/* --intervals-goal; goal.aggrs 0: off */
};

struct rec_backend;

struct rec_backend_ops {
	const char *name;		/* "damon", "sampler" */
	/*
	 * probe() - can this backend monitor what @p asks, here and now? Read-only: it must not
	 * change the system. Return: 0 when usable; -errno with a one-line reason in @why otherwise.
	 */
	int (*probe)(const struct rec_params *p, char *why, size_t why_len);
	/* start() - begin monitoring. Return: 0 or -errno with a reason in @why. */
	int (*start)(struct rec_backend **b, const struct rec_params *p, char *why, size_t why_len);
	/*
	 * next_snapshot() - wait for the next aggregation and fill @s (s->regions is owned by the
	 * backend and valid until the next call). Return: 1 got one, 0 timed out (@timeout_ms
	 * passed; the caller checks signals and calls again), -ESRCH the target is gone, -errno.
	 */
	int (*next_snapshot)(struct rec_backend *b, struct dpf_snapshot *s, int timeout_ms);
	/*
	 * why() - a one-line reason for the error next_snapshot() last returned, or NULL when
	 * strerror() says it all (optional).
	 */
	const char *(*why)(struct rec_backend *b);
	/*
	 * intervals() - the intervals and region bounds in force for the snapshot next_snapshot()
	 * returned last (the controller or the auto-tuning may have changed them since start()).
	 * Optional: a backend without it keeps what start() was given.
	 */
	void (*intervals)(struct rec_backend *b, struct rec_intervals *out);
	/* describe() - metadata of the backend (primitive, what it sees, kernel figures). */
	int (*describe)(struct rec_backend *b, struct dpf_meta *m);
	/*
	 * caveat() - the primitive's caveat of this run so far (prim_ops.caveat), which may come
	 * only once the target has grown (a launched command has no huge pages at its exec).
	 * Optional. Return: 1 with one line in @buf, or 0.
	 */
	int (*caveat)(struct rec_backend *b, char *buf, size_t len);
	/*
	 * detach() - at a normal end, before describe() and stop(): stop watching and leave the
	 * target as it was (prim_ops.detach). Optional. Return: 1 with one line in @buf, or 0.
	 */
	int (*detach)(struct rec_backend *b, char *buf, size_t len);
	/* stop() - stop monitoring and free; must undo everything start() did, on every path. */
	void (*stop)(struct rec_backend *b);
};

extern const struct rec_backend_ops sampler_backend_ops;	/* record/sampler.c */
extern const struct rec_backend_ops damon_backend_ops;		/* record/damon-sysfs.c */

#endif /* RECORD_BACKEND_H */
