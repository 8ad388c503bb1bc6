// SPDX-License-Identifier: GPL-2.0
/*
 * The overhead controller and the intervals goal (see overhead.h). The goal's arithmetic is the
 * kernel's (mm/damon/core.c, Linux 6.15: damon_get_intervals_score(),
 * damon_get_intervals_adaptation_bp(), damon_feed_loop_next_input(), kdamond_tune_intervals()),
 * kept integer so that it gives the kernel's numbers; the budget's is this project's.
 */
#include <string.h>

#include "format/dpf.h"
#include "record/overhead.h"

__extension__ typedef unsigned __int128 ovh_u128;

uint64_t ovh_feed_loop_next_input(uint64_t last_input, uint64_t score)
{
	const uint64_t goal = 10000, min_input = 10000;
	uint64_t diff, comp;
	int over = score > goal;

	if (score == goal)
		return last_input;
	if (score >= goal * 2)
		return min_input;
	diff = over ? score - goal : goal - score;
	if (last_input < UINT64_MAX / diff)
		comp = last_input * diff / goal;
	else
		comp = last_input / goal * diff;
	if (over)
		return last_input - comp > min_input ? last_input - comp : min_input;
	return last_input < UINT64_MAX - comp ? last_input + comp : UINT64_MAX;
}

uint64_t ovh_goal_adaptation_bp(uint64_t events, uint64_t possible, uint32_t access_bp)
{
	/* damon_get_intervals_score(), wide enough for any address space */
	ovh_u128 target = (ovh_u128)possible * access_bp / 10000, score;
	uint64_t adapt;

	if (!target)
		target = 1;
	score = (ovh_u128)events * 10000 / target;
	if (score > UINT64_MAX)
		score = UINT64_MAX;
	adapt = ovh_feed_loop_next_input(100000000, (uint64_t)score) / 10000;
	/* [1, 10000] is rescaled to [5000, 10000]: the intervals shrink slowly */
	if (adapt <= 10000)
		adapt = 5000 + adapt / 2;
	return adapt;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

void ovh_init(struct ovh_ctl *c, const struct rec_intervals *asked, uint32_t budget_bp,
	      const struct rec_intervals_goal *goal)
{
	memset(c, 0, sizeof(*c));
	c->asked = *asked;
	c->cur = *asked;
	c->budget_bp = budget_bp;
	if (goal && goal->aggrs)
		c->goal = *goal;
	c->aggr_samples = asked->sample_us ? asked->aggr_us / asked->sample_us : 1;
	if (!c->aggr_samples)
		c->aggr_samples = 1;
	c->goal_us = asked->sample_us;
	c->cap_us = max_u64(asked->sample_us,
			    min_u64(asked->sample_us * OVH_MAX_STRETCH, 1000000));
}

/* The sampling interval in force: the longer of the goal's and the budget's floor. */
static uint64_t effective_us(const struct ovh_ctl *c)
{
	return max_u64(c->goal_us, c->floor_us);
}

/* Start measuring afresh: the windows to come run at other intervals. */
static void restart_average(struct ovh_ctl *c)
{
	c->avg_bp = 0;
	c->nr_avg = 0;
	c->calm = 0;
}

/*
 * The goal, every goal.aggrs windows, on the window just finished, which ran at @ran_us.
 * Return: 1 when it moved.
 */
static int run_goal(struct ovh_ctl *c, const struct ovh_input *in, uint64_t ran_us)
{
	uint64_t adapt, us;

	if (!c->goal.aggrs || c->nr_windows % c->goal.aggrs)
		return 0;
	adapt = ovh_goal_adaptation_bp(in->events, in->possible, c->goal.access_bp);
	if (adapt == 10000)
		return 0;
	/* kdamond_tune_intervals() scales the interval in force, whoever set it */
	us = (uint64_t)((ovh_u128)ran_us * adapt / 10000);
	us = min_u64(us, c->goal.max_sample_us);
	us = max_u64(us, c->goal.min_sample_us);
	if (us == c->goal_us)
		return 0;
	c->goal_us = us;
	if (c->floor_us && c->floor_us <= c->goal_us)
		c->floor_us = 0;	/* the goal is the slower: the budget's floor is not needed */
	return 1;
}

/* The budget on the window just finished, which ran at @eff. Return: 1 when it moved. */
static int run_budget(struct ovh_ctl *c, const struct ovh_input *in, uint64_t eff)
{
	double share = in->wall_ns ? (double)(in->self_ns + in->target_ns) * 10000 / in->wall_ns : 0;
	double budget = c->budget_bp, factor;
	uint64_t lowest = c->goal.aggrs ? 0 : c->asked.sample_us;

	if (!c->budget_bp || !in->wall_ns)
		return 0;
	/* a mean over the windows since the last change, of at most the last four */
	c->nr_avg += c->nr_avg < 4;
	c->avg_bp += (share - c->avg_bp) / c->nr_avg;
	if (c->avg_bp > budget) {
		c->calm = 0;
		if (c->nr_avg < OVH_SETTLE && c->avg_bp < 2 * budget)
			return 0;	/* one window may be noise; twice the budget is not */
		if (eff < c->cap_us) {
			/* cost follows the checks per second: aim under the budget */
			factor = c->avg_bp / (OVH_AIM * budget);
			factor = factor < 1.25 ? 1.25 : factor > 4 ? 4 : factor;
			c->floor_us = min_u64(c->cap_us, (uint64_t)(eff * factor + 0.5));
			return 1;
		}
		if (c->cur.max_nr_regions > c->asked.min_nr_regions) {
			c->cur.max_nr_regions = (uint32_t)max_u64(c->asked.min_nr_regions,
								  c->cur.max_nr_regions / 2);
			return 1;
		}
		return 0;	/* nothing left to give: the recording says what it cost */
	}
	if (c->avg_bp >= OVH_LOW * budget) {
		c->calm = 0;
		return 0;
	}
	if (++c->calm < OVH_CALM)
		return 0;
	/* well under for a while: give back regions first, then the interval (last taken first) */
	if (c->cur.max_nr_regions < c->asked.max_nr_regions) {
		c->cur.max_nr_regions = (uint32_t)min_u64(c->asked.max_nr_regions,
							  (uint64_t)c->cur.max_nr_regions * 2);
		return 1;
	}
	if (!c->floor_us)
		return 0;
	factor = c->avg_bp / (OVH_AIM * budget);
	factor = factor < 0.5 ? 0.5 : factor;
	c->floor_us = (uint64_t)(eff * factor + 0.5);
	if (c->floor_us <= max_u64(c->goal_us, lowest))
		c->floor_us = 0;
	return 1;
}

int ovh_window(struct ovh_ctl *c, const struct ovh_input *in, struct rec_intervals *out)
{
	struct rec_intervals before = c->cur;
	uint64_t eff, ran_us = c->cur.sample_us;
	int moved;

	c->wall_ns += in->wall_ns;
	c->self_ns += in->self_ns;
	c->target_ns += in->target_ns;
	c->nr_windows++;
	moved = run_goal(c, in, ran_us);
	moved |= run_budget(c, in, ran_us);
	if (moved)
		restart_average(c);
	eff = effective_us(c);
	c->cur.sample_us = eff;
	c->cur.aggr_us = eff * c->aggr_samples;
	c->cur.update_us = max_u64(c->asked.update_us, eff);
	if (rec_intervals_same(&before, &c->cur))
		return 0;
	c->changes++;
	/* whose rule set them: the budget's floor or region cut, else the goal */
	c->cur.cause = c->floor_us > c->goal_us ||
		       c->cur.max_nr_regions < c->asked.max_nr_regions ? DPF_IV_BUDGET : DPF_IV_GOAL;
	*out = c->cur;
	return 1;
}
