/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a kernel DAMON recording costs, and the controller of an asked budget over it. The cost
 * is the kdamond's CPU time (utime + stime of its task) plus the recorder's own; the budget
 * (record --max-overhead, asked for: the default one guards the sampler only, design note 57)
 * is kept by the same controller as the sampler's (record/overhead.c), whose answers the
 * backend commits online. Apart from record/damon-sysfs.c so that the backend's state machine
 * stays readable.
 */
#ifndef RECORD_DAMON_COST_H
#define RECORD_DAMON_COST_H

#include <stdint.h>
#include <sys/types.h>

#include "format/dpf.h"
#include "record/overhead.h"

struct damon_cost {
	pid_t kpid;
	uint32_t budget_bp;		/* 0: none */
	uint64_t start_ns;		/* when "on" returned */
	uint64_t self0_ns;		/* our process's CPU time then */
	uint64_t kcpu0_ns;		/* the kdamond's CPU time at its first reading */
	uint64_t kcpu_ns;		/* ... and since then, at the last */
	int kcpu_ok;
	uint64_t win_at_ns;		/* the last window's end */
	uint64_t win_self_ns;		/* our CPU time then */
	struct ovh_ctl ovh;		/* the budget's controller; ovh_on 0: none */
	int ovh_on;
	uint64_t refused;		/* its changes the kernel refused */
};

/*
 * damon_cost_start() - begin at @now_ns for kdamond @kpid with @budget_bp over the intervals
 * @iv in force (@controlled 0: measure only, as when the kernel tunes the intervals itself).
 */
void damon_cost_start(struct damon_cost *c, pid_t kpid, uint64_t now_ns, uint32_t budget_bp,
		      const struct rec_intervals *iv, int controlled);
/*
 * damon_cost_window() - an aggregation window ended at @now_ns: measure it and ask the
 * controller. Return: 1 with the intervals the controller wants in *@out, else 0.
 */
int damon_cost_window(struct damon_cost *c, uint64_t now_ns, struct rec_intervals *out);
/* damon_cost_refused() - the kernel refused the last change: @in_force still runs. */
void damon_cost_refused(struct damon_cost *c, const struct rec_intervals *in_force);
/* damon_cost_describe() - the run's cost as metadata at @now_ns (daprof-data.5). */
int damon_cost_describe(struct damon_cost *c, uint64_t now_ns, struct dpf_meta *m);

#endif /* RECORD_DAMON_COST_H */
