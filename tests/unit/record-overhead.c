// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the overhead controller and the intervals goal (record/overhead.c), on a model
 * primitive with a fake clock: a window lasts its aggregation interval, the recorder pays a
 * cost per check (regions times samples) and per window, the target a cost per positive
 * sample. The controller must bring an expensive start under the budget, stay there without
 * oscillating, give the asked resolution back when the target calms, lower the region bound
 * only past its longest stretch, and do nothing at budget 0; the goal must give the kernel's
 * numbers (mm/damon/core.c, Linux 6.15) on hand-computed cases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "format/dpf.h"
#include "record/overhead.h"

/* The model target and primitive: what one window at intervals @iv costs and sees. */
struct model {
	uint32_t regions;	/* the engine's region count, up to max_nr_regions */
	uint64_t check_ns;	/* recorder CPU per region and sample */
	uint64_t window_ns;	/* recorder CPU per window (snapshot, write) */
	double positive;	/* share of samples that find the page written */
	uint64_t fault_ns;	/* target cost per positive sample */
	uint32_t noise;		/* +- percent of pseudo-random noise on the recorder's CPU */
	uint64_t rng;
};

static struct ovh_input window(struct model *m, const struct rec_intervals *iv)
{
	uint32_t regions = m->regions < iv->max_nr_regions ? m->regions : iv->max_nr_regions;
	uint64_t samples = iv->aggr_us / iv->sample_us, checks = regions * samples;
	struct ovh_input in = {
		.wall_ns = iv->aggr_us * 1000,
		.self_ns = checks * m->check_ns + m->window_ns,
		.target_ns = (uint64_t)(checks * m->positive) * m->fault_ns,
		.events = (uint64_t)(checks * m->positive) * 4096,
		.possible = checks * 4096,
	};

	if (m->noise) {
		m->rng = m->rng * 6364136223846793005ULL + 1442695040888963407ULL;
		in.self_ns = in.self_ns * (100 - m->noise + (m->rng >> 33) % (2 * m->noise + 1)) /
			     100;
	}
	return in;
}

static double share_pct(const struct ovh_input *in)
{
	return 100.0 * (in->self_ns + in->target_ns) / in->wall_ns;
}

static const struct rec_intervals asked_1ms = { 1000, 100000, 1000000, 10, 1000, 0 };

/* Run @n windows; return the number of changes, and the last window's share in *@last. */
static unsigned int run(struct ovh_ctl *c, struct model *m, int n, double *last)
{
	unsigned int changes = 0;
	struct rec_intervals out;

	for (int i = 0; i < n; i++) {
		struct ovh_input in = window(m, &c->cur);

		if (last)
			*last = share_pct(&in);
		changes += ovh_window(c, &in, &out);
	}
	return changes;
}

/* 100 regions at 1 ms, 2 us a check: 20 % of a core against a 2 % budget. */
static void test_expensive_start_converges_under_the_budget(void **state)
{
	struct model m = { .regions = 100, .check_ns = 2000, .window_ns = 20000,
			   .positive = 0.1, .fault_ns = 3000 };
	struct ovh_ctl c;
	double share;

	(void)state;
	ovh_init(&c, &asked_1ms, 200, NULL);
	run(&c, &m, 1, &share);
	assert_true(share > 20);	/* the model is expensive indeed */
	run(&c, &m, 30, &share);
	assert_true(share <= 2.0);
	assert_true(c.cur.sample_us > asked_1ms.sample_us);
	/* the ratio of aggregation to sampling interval is kept, as the kernel's tuning does */
	assert_int_equal(c.cur.aggr_us / c.cur.sample_us, 100);
	assert_int_equal(c.cur.aggr_us % c.cur.sample_us, 0);
	/* and it stays there, not wastefully far under it */
	for (int i = 0; i < 200; i++) {
		struct ovh_input in = window(&m, &c.cur);
		struct rec_intervals out;

		assert_true(share_pct(&in) <= 2.0);
		assert_true(share_pct(&in) >= 0.5);
		ovh_window(&c, &in, &out);
	}
}

static void test_steady_noisy_load_does_not_oscillate(void **state)
{
	struct model m = { .regions = 100, .check_ns = 2000, .window_ns = 20000,
			   .positive = 0.1, .fault_ns = 3000, .noise = 25, .rng = 7 };
	struct ovh_ctl c;
	unsigned int settle, later;

	(void)state;
	ovh_init(&c, &asked_1ms, 200, NULL);
	settle = run(&c, &m, 40, NULL);
	assert_true(settle >= 1);
	later = run(&c, &m, 400, NULL);
	/* +-25 % noise around a point inside the band: a change or two, not a swing per window */
	assert_true(later <= 2);
}

static void test_calm_target_gets_the_asked_resolution_back(void **state)
{
	struct model m = { .regions = 100, .check_ns = 2000, .window_ns = 20000,
			   .positive = 0.3, .fault_ns = 3000 };
	struct ovh_ctl c;
	double share;

	(void)state;
	ovh_init(&c, &asked_1ms, 200, NULL);
	run(&c, &m, 40, NULL);
	assert_true(c.cur.sample_us > 1000);
	/* the target calms: few regions, nothing written, a cheap check */
	m.regions = 10;
	m.check_ns = 100;
	m.positive = 0;
	run(&c, &m, 100, &share);
	assert_int_equal(c.cur.sample_us, asked_1ms.sample_us);
	assert_int_equal(c.cur.aggr_us, asked_1ms.aggr_us);
	assert_int_equal(c.cur.max_nr_regions, asked_1ms.max_nr_regions);
	assert_true(share < 2.0);
	/* never shorter than asked, however calm */
	run(&c, &m, 100, NULL);
	assert_int_equal(c.cur.sample_us, asked_1ms.sample_us);
}

/* A cost the longest stretch cannot bring under: the region bound comes down, not below min. */
static void test_past_the_longest_stretch_the_region_bound_comes_down(void **state)
{
	struct model m = { .regions = 1000, .check_ns = 20000, .window_ns = 0 };
	struct ovh_ctl c;

	(void)state;
	ovh_init(&c, &asked_1ms, 100, NULL);
	run(&c, &m, 200, NULL);
	assert_int_equal(c.cur.sample_us, 1000 * OVH_MAX_STRETCH);
	assert_true(c.cur.max_nr_regions < 1000);
	assert_true(c.cur.max_nr_regions >= asked_1ms.min_nr_regions);
	/* at 10 regions and 32 ms, 20 us a check is 0.6 % of a core: under the 1 % budget */
	{
		struct ovh_input in = window(&m, &c.cur);

		assert_true(share_pct(&in) <= 1.0);
	}
}

static void test_budget_zero_changes_nothing(void **state)
{
	struct model m = { .regions = 1000, .check_ns = 20000, .window_ns = 100000,
			   .positive = 0.5, .fault_ns = 3000 };
	struct ovh_ctl c;

	(void)state;
	ovh_init(&c, &asked_1ms, 0, NULL);
	assert_int_equal(run(&c, &m, 100, NULL), 0);
	assert_int_equal(c.cur.sample_us, 1000);
	assert_int_equal(c.cur.max_nr_regions, 1000);
	assert_int_equal(c.changes, 0);
	/* the run's figures are kept all the same */
	assert_true(c.self_ns > 0 && c.target_ns > 0 && c.wall_ns == 100 * 100000000ULL);
}

/* damon_feed_loop_next_input() and the adaptation, by hand (access_bp 400: 4 %). */
static void test_goal_arithmetic_is_the_kernels(void **state)
{
	(void)state;
	assert_int_equal(ovh_feed_loop_next_input(100000000, 10000), 100000000);
	assert_int_equal(ovh_feed_loop_next_input(100000000, 0), 200000000);
	assert_int_equal(ovh_feed_loop_next_input(100000000, 20000), 10000);
	assert_int_equal(ovh_feed_loop_next_input(100000000, 5000), 150000000);
	assert_int_equal(ovh_feed_loop_next_input(100000000, 15000), 50000000);
	assert_int_equal(ovh_feed_loop_next_input(20000, 19999), 10000);	/* min_input */
	/* target = 1e6 * 400 / 1e4 = 40000 events */
	assert_int_equal(ovh_goal_adaptation_bp(0, 1000000, 400), 20000);
	assert_int_equal(ovh_goal_adaptation_bp(20000, 1000000, 400), 15000);
	assert_int_equal(ovh_goal_adaptation_bp(40000, 1000000, 400), 10000);
	/* over: 1e8 - 5e7 = 5e7 -> 5000 bp, rescaled to 5000 + 2500 */
	assert_int_equal(ovh_goal_adaptation_bp(60000, 1000000, 400), 7500);
	assert_int_equal(ovh_goal_adaptation_bp(80000, 1000000, 400), 5000);
	/* a target below one event counts as one */
	assert_int_equal(ovh_goal_adaptation_bp(0, 10, 400), 20000);
	/* wide address spaces do not overflow: 2^57 possible events */
	assert_int_equal(ovh_goal_adaptation_bp(1ULL << 57, 1ULL << 57, 10000), 10000);
}

static void test_goal_runs_every_aggrs_windows_within_its_bounds(void **state)
{
	const struct rec_intervals asked = { 5000, 100000, 1000000, 10, 1000, 0 };
	const struct rec_intervals_goal goal = { 400, 3, 5000, 10000 };
	struct ovh_input few = { 100000000, 0, 0, 20000, 1000000 };	/* 2 %: lengthen x1.5 */
	struct ovh_input many = { 100000000, 0, 0, 80000, 1000000 };	/* 8 %: halve */
	struct rec_intervals out;
	struct ovh_ctl c;

	(void)state;
	ovh_init(&c, &asked, 0, &goal);
	assert_int_equal(ovh_window(&c, &few, &out), 0);
	assert_int_equal(ovh_window(&c, &few, &out), 0);
	assert_int_equal(ovh_window(&c, &few, &out), 1);
	assert_int_equal(out.sample_us, 7500);
	assert_int_equal(out.aggr_us, 150000);	/* aggr_samples kept: 20 */
	for (int i = 0; i < 3; i++)
		ovh_window(&c, &few, &out);
	assert_int_equal(c.cur.sample_us, 10000);	/* 11250 clamped to max_sample_us */
	for (int i = 0; i < 6; i++)
		ovh_window(&c, &many, &out);
	assert_int_equal(c.cur.sample_us, 5000);	/* 10000 -> 5000, then min_sample_us */
	assert_int_equal(c.changes, 3);
}

/*
 * The budget's floor wins over a goal that asks for a shorter interval; once the goal asks for
 * a longer one, the floor is let go.
 */
static void test_budget_floor_beats_the_goal(void **state)
{
	const struct rec_intervals asked = { 5000, 100000, 1000000, 10, 1000, 0 };
	const struct rec_intervals_goal goal = { 400, 1, 1000, 1000000 };
	struct ovh_input busy = { 100000000, 10000000, 0, 80000, 1000000 }; /* 10 % of a core */
	struct rec_intervals out;
	struct ovh_ctl c;

	(void)state;
	ovh_init(&c, &asked, 200, &goal);
	ovh_window(&c, &busy, &out);
	/* the goal halved 5 ms to 2.5 ms; the budget's floor, 4x the 5 ms in force, won */
	assert_int_equal(c.goal_us, 2500);
	assert_int_equal(c.cur.sample_us, 20000);
	assert_int_equal(out.cause, DPF_IV_BUDGET);	/* the recording says whose rule */
	/* the target idles: no events, no cost; the goal doubles past the floor */
	busy.self_ns = 0;
	busy.events = 0;
	ovh_window(&c, &busy, &out);
	assert_int_equal(c.goal_us, 40000);
	assert_int_equal(c.floor_us, 0);
	assert_int_equal(c.cur.sample_us, 40000);
	assert_int_equal(out.cause, DPF_IV_GOAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expensive_start_converges_under_the_budget),
		cmocka_unit_test(test_steady_noisy_load_does_not_oscillate),
		cmocka_unit_test(test_calm_target_gets_the_asked_resolution_back),
		cmocka_unit_test(test_past_the_longest_stretch_the_region_bound_comes_down),
		cmocka_unit_test(test_budget_zero_changes_nothing),
		cmocka_unit_test(test_goal_arithmetic_is_the_kernels),
		cmocka_unit_test(test_goal_runs_every_aggrs_windows_within_its_bounds),
		cmocka_unit_test(test_budget_floor_beats_the_goal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
