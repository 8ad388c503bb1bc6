// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of record/damon-tune.c, the kernel DAMON backend's changes and measures of a
 * running kdamond: the start intervals moved into an intervals goal's bounds, the goal's files,
 * the tuned intervals read back, online changes (staged files then "commit") and a task's CPU
 * time. The functions work on paths, so a directory of plain files laid out as a kdamond's
 * stands in for sysfs: what a write leaves in a file is what the backend wrote. The kernel's
 * answers to these writes are tested against tests/tools/fake-damon (tests/unit/record-damon.c,
 * tests/cli/t0410-record-damon-goal.sh).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "record/damon-sysfs.h"
#include "test-tmp.h"

static const char *const files[] = {
	"kd/state", "kd/ctx/monitoring_attrs/intervals/sample_us",
	"kd/ctx/monitoring_attrs/intervals/aggr_us", "kd/ctx/monitoring_attrs/intervals/update_us",
	"kd/ctx/monitoring_attrs/nr_regions/min", "kd/ctx/monitoring_attrs/nr_regions/max",
	"kd/ctx/monitoring_attrs/intervals/intervals_goal/access_bp",
	"kd/ctx/monitoring_attrs/intervals/intervals_goal/aggrs",
	"kd/ctx/monitoring_attrs/intervals/intervals_goal/min_sample_us",
	"kd/ctx/monitoring_attrs/intervals/intervals_goal/max_sample_us", NULL,
};

/* A kdamond directory of plain files under the test's folder, each holding "-". */
static int tree_setup(void **state)
{
	char cmd[1024];

	if (tmpdir_setup(state))
		return -1;
	snprintf(cmd, sizeof(cmd), "cd '%s' && mkdir -p kd/ctx/monitoring_attrs/intervals/"
		 "intervals_goal kd/ctx/monitoring_attrs/nr_regions", (char *)*state);
	if (system(cmd))
		return -1;
	for (int i = 0; files[i]; i++) {
		char path[PATH_MAX];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", (char *)*state, files[i]);
		f = fopen(path, "w");
		if (!f)
			return -1;
		fputs("-", f);
		fclose(f);
	}
	return 0;
}

static const char *get(void **state, const char *rel)
{
	static char buf[128];
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", (char *)*state, rel);
	assert_int_equal(damon_read_small(path, buf, sizeof(buf)), 0);
	return buf;
}

/* what the kernel shows in a file (replacing all of it, unlike a write(2) at offset 0) */
static void put(void **state, const char *rel, const char *val)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", (char *)*state, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(val, f);
	fclose(f);
}

static void paths(void **state, char *kd, char *ctx)
{
	snprintf(kd, PATH_MAX, "%s/kd", (char *)*state);
	snprintf(ctx, PATH_MAX, "%s/kd/ctx", (char *)*state);
}

static void test_start_intervals_move_into_the_goal_keeping_their_ratio(void **state)
{
	struct rec_intervals_goal g = { 400, 3, 5000, 10000000 };
	struct rec_intervals_goal off = { 0 };
	uint64_t s = 1000;
	uint64_t a = 20000;

	(void)state;
	assert_int_equal(damon_goal_fit(&g, &s, &a), 1);
	assert_int_equal(s, 5000);
	assert_int_equal(a, 100000);	/* 20 samples per aggregation, as asked */
	s = 20000000;
	a = 40000000;
	assert_int_equal(damon_goal_fit(&g, &s, &a), 1);
	assert_int_equal(s, 10000000);
	assert_int_equal(a, 20000000);
	s = 6000;
	a = 60000;
	assert_int_equal(damon_goal_fit(&g, &s, &a), 0);
	assert_int_equal(s, 6000);
	assert_int_equal(a, 60000);
	s = 1000;
	assert_int_equal(damon_goal_fit(&off, &s, &a), 0);	/* no goal: no rule */
	assert_int_equal(s, 1000);
}

static void test_the_goal_goes_to_its_four_files(void **state)
{
	struct rec_intervals_goal g = { 250, 4, 2000, 3000000 };
	char kd[PATH_MAX], ctx[PATH_MAX];
	const char *d = "kd/ctx/monitoring_attrs/intervals/intervals_goal";
	char rel[128];

	paths(state, kd, ctx);
	assert_int_equal(damon_goal_write(ctx, &g), 0);
	snprintf(rel, sizeof(rel), "%s/access_bp", d);
	assert_string_equal(get(state, rel), "250");
	snprintf(rel, sizeof(rel), "%s/aggrs", d);
	assert_string_equal(get(state, rel), "4");
	snprintf(rel, sizeof(rel), "%s/min_sample_us", d);
	assert_string_equal(get(state, rel), "2000");
	snprintf(rel, sizeof(rel), "%s/max_sample_us", d);
	assert_string_equal(get(state, rel), "3000000");
}

static void test_tuned_intervals_are_asked_for_then_read(void **state)
{
	char kd[PATH_MAX], ctx[PATH_MAX];
	uint64_t s = 0;
	uint64_t a = 0;

	paths(state, kd, ctx);
	put(state, "kd/ctx/monitoring_attrs/intervals/sample_us", "40000");
	put(state, "kd/ctx/monitoring_attrs/intervals/aggr_us", "800000");
	assert_int_equal(damon_tuned_read(kd, ctx, 0, &s, &a), 0);
	assert_string_equal(get(state, "kd/state"), "update_tuned_intervals");
	assert_int_equal(s, 40000);
	assert_int_equal(a, 800000);
	/* refresh_ms keeps the files fresh: nothing is written */
	put(state, "kd/state", "on");
	put(state, "kd/ctx/monitoring_attrs/intervals/sample_us", "80000");
	put(state, "kd/ctx/monitoring_attrs/intervals/aggr_us", "1600000");
	assert_int_equal(damon_tuned_read(kd, ctx, 1, &s, &a), 0);
	assert_string_equal(get(state, "kd/state"), "on");
	assert_int_equal(s, 80000);
	assert_int_equal(a, 1600000);
	/* nonsense from the files is no interval */
	put(state, "kd/ctx/monitoring_attrs/intervals/aggr_us", "10");
	assert_int_equal(damon_tuned_read(kd, ctx, 1, &s, &a), -EPROTO);
	assert_int_equal(s, 80000);
}

static void test_online_change_stages_every_file_then_commits(void **state)
{
	struct rec_intervals iv = { 10000, 200000, 2000000, 20, 500, 0 };
	char kd[PATH_MAX], ctx[PATH_MAX], why[256] = "";

	paths(state, kd, ctx);
	assert_int_equal(damon_apply_online(kd, ctx, &iv, NULL, why, sizeof(why)), 0);
	assert_string_equal(get(state, "kd/ctx/monitoring_attrs/intervals/sample_us"), "10000");
	assert_string_equal(get(state, "kd/ctx/monitoring_attrs/intervals/aggr_us"), "200000");
	assert_string_equal(get(state, "kd/ctx/monitoring_attrs/intervals/update_us"), "2000000");
	assert_string_equal(get(state, "kd/ctx/monitoring_attrs/nr_regions/min"), "20");
	assert_string_equal(get(state, "kd/ctx/monitoring_attrs/nr_regions/max"), "500");
	assert_string_equal(get(state, "kd/state"), "commit");
}

static void test_online_change_the_kernel_would_refuse_writes_nothing(void **state)
{
	struct rec_intervals_goal g = { 400, 3, 5000, 100000 };
	struct rec_intervals outside = { 200000, 4000000, 0, 10, 1000, 0 };
	struct rec_intervals bad_ratio = { 20000, 10000, 0, 10, 1000, 0 };
	struct rec_intervals bad_regions = { 20000, 400000, 0, 2, 1000, 0 };
	char kd[PATH_MAX], ctx[PATH_MAX], why[256] = "";

	paths(state, kd, ctx);
	assert_int_equal(damon_apply_online(kd, ctx, &outside, &g, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "outside the intervals goal's 5000..100000 us"));
	assert_int_equal(damon_apply_online(kd, ctx, &bad_ratio, NULL, why, sizeof(why)), -EINVAL);
	assert_int_equal(damon_apply_online(kd, ctx, &bad_regions, NULL, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(get(state, "kd/state"), "-");
	assert_string_equal(get(state, "kd/ctx/monitoring_attrs/intervals/sample_us"), "-");
	/* without the goal, the same intervals are fine */
	assert_int_equal(damon_apply_online(kd, ctx, &outside, NULL, why, sizeof(why)), 0);
	assert_string_equal(get(state, "kd/state"), "commit");
}

static void test_cpu_time_of_a_busy_task_grows_and_a_gone_one_is_esrch(void **state)
{
	uint64_t before = 0;
	uint64_t after = 0;
	struct timespec t0, t;
	volatile uint64_t x = 0;
	pid_t child;
	int status;

	(void)state;
	assert_int_equal(damon_task_cpu_ns(getpid(), &before), 0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	do {	/* 50 ms of our own CPU: five ticks at 100 Hz */
		for (int i = 0; i < 100000; i++)
			x += (uint64_t)i;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 50000000L);
	assert_int_equal(damon_task_cpu_ns(getpid(), &after), 0);
	assert_true(after > before);
	child = fork();
	assert_true(child >= 0);
	if (!child)
		_exit(0);
	waitpid(child, &status, 0);
	assert_int_equal(damon_task_cpu_ns(child, &after), -ESRCH);
	assert_int_equal(damon_task_cpu_ns(0, &after), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_intervals_move_into_the_goal_keeping_their_ratio),
		cmocka_unit_test_setup_teardown(test_the_goal_goes_to_its_four_files, tree_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_tuned_intervals_are_asked_for_then_read,
						tree_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_online_change_stages_every_file_then_commits,
						tree_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_online_change_the_kernel_would_refuse_writes_nothing,
						tree_setup, tmpdir_teardown),
		cmocka_unit_test(test_cpu_time_of_a_busy_task_grows_and_a_gone_one_is_esrch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
