/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sampler's overhead controller and DAMON's monitoring-intervals goal (record --max-overhead,
 * --intervals-goal). It is pure arithmetic: the sampler measures each aggregation window (its
 * span, the recorder's CPU time, the cost it estimates it imposed on the target, the access
 * events seen and possible) and the controller answers with the intervals for the next ones. No
 * clock and no I/O here, so that a model primitive with a fake clock can test it exactly.
 *
 * The budget sets a floor on the sampling interval (cost follows the checks per second); the
 * goal (Linux 6.15's kdamond_tune_intervals(), same arithmetic) moves the sampling interval
 * toward a share of the possible access events; the longer of the two is in force, and the
 * aggregation interval keeps its ratio to it, as the kernel's tuning does. Past the budget's
 * longest stretch, the region bound is lowered instead. daprof-design-notes(7) says why.
 */
#ifndef RECORD_OVERHEAD_H
#define RECORD_OVERHEAD_H

#include <stdint.h>

#include "record/backend.h"

/* What one aggregation window cost and saw. */
struct ovh_input {
	uint64_t wall_ns;	/* its span */
	uint64_t self_ns;	/* recorder CPU time in it */
	uint64_t target_ns;	/* estimated time the target lost to the monitoring in it */
	uint64_t events;	/* sum of region size * nr_accesses */
	uint64_t possible;	/* sum of region size * samples per window */
};

struct ovh_ctl {
	struct rec_intervals asked;	/* the user's */
	struct rec_intervals cur;	/* in force */
	uint32_t budget_bp;		/* 0: no budget */
	struct rec_intervals_goal goal;	/* goal.aggrs 0: no goal */
	uint64_t aggr_samples;		/* asked aggr_us / sample_us, kept */
	uint64_t goal_us;		/* the goal's sampling interval (asked without a goal) */
	uint64_t floor_us;		/* the budget's floor on the sampling interval, 0: none */
	uint64_t cap_us;		/* the longest floor the budget sets */
	double avg_bp;			/* cost share since the last change, moving average */
	unsigned int nr_avg;		/* windows in avg_bp */
	unsigned int calm;		/* windows in a row well under the budget */
	uint64_t nr_windows;
	unsigned int changes;		/* times the intervals changed */
	/* the whole run, for the metadata */
	uint64_t wall_ns, self_ns, target_ns;
};

/* Longest stretch of the sampling interval the budget asks, in times the asked one (<= 1 s). */
#define OVH_MAX_STRETCH 32
/* The budget's band: lengthen above it, shorten after OVH_CALM windows under OVH_LOW of it. */
#define OVH_AIM 0.75		/* a change aims at this share of the budget */
#define OVH_LOW 0.5
#define OVH_CALM 3
#define OVH_SETTLE 2		/* windows measured after a change before lengthening again */

/* ovh_init() - start from the user's @asked intervals, a budget (0: none) and a @goal (or NULL). */
void ovh_init(struct ovh_ctl *c, const struct rec_intervals *asked, uint32_t budget_bp,
	      const struct rec_intervals_goal *goal);

/*
 * ovh_window() - account one finished aggregation window, run the goal and the budget.
 * Return: 1 when the intervals in force changed (*@out gets them), else 0.
 */
int ovh_window(struct ovh_ctl *c, const struct ovh_input *in, struct rec_intervals *out);

/*
 * ovh_goal_adaptation_bp() - damon_get_intervals_adaptation_bp(): the factor, in basis points,
 * that the kernel applies to the sampling interval for @events of @possible at @access_bp.
 */
uint64_t ovh_goal_adaptation_bp(uint64_t events, uint64_t possible, uint32_t access_bp);

/* ovh_feed_loop_next_input() - damon_feed_loop_next_input() (goal 10000). */
uint64_t ovh_feed_loop_next_input(uint64_t last_input, uint64_t score);

#endif /* RECORD_OVERHEAD_H */
