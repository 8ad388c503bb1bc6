// SPDX-License-Identifier: GPL-2.0
/*
 * report/wss: the working set of a snapshot, series per target from recordings written here,
 * damo's nearest-rank percentiles against values worked out in this file, skipping, sums over
 * targets, means, and damaged files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "format/dpf.h"
#include "tests/unit/test-tmp.h"
#include "report/session.h"
#include "report/wss.h"

#define PAGE 4096ULL

/*
 * Snapshot k of target t: pages [0, want) accessed (nr_accesses 1 + k % 3), then a cold region
 * of 5 pages. So its WSS at min_accesses 1 is want * PAGE.
 */
static void write_series(const char *path, int targets, const uint64_t *want, int n, int flush)
{
	struct dpf_writer_opts o = { .level = 1 };
	struct dpf_writer *w;
	struct dpf_meta meta;

	dpf_meta_init(&meta);
	dpf_meta_set(&meta, "backend", "test");
	assert_int_equal(dpf_writer_open(&w, path, &o, &meta), 0);
	for (int k = 0; k < n; k++) {
		for (int t = 0; t < targets; t++) {
			struct dpf_region r[2] = {
				{ 0x10000, 0x10000 + (want[k] + t) * PAGE, 1 + k % 3, 0 },
				{ 0x10000 + (want[k] + t) * PAGE, 0x10000 + (want[k] + t + 5) * PAGE,
				  0, 0 },
			};
			struct dpf_snapshot s = { .target = t, .start_ns = 1000 + k * 100,
						  .end_ns = 1100 + k * 100, .nr_regions = 2,
						  .regions = r };

			assert_int_equal(dpf_writer_snapshot(w, &s), 0);
		}
		if (flush)
			assert_int_equal(dpf_writer_flush(w), 0);
	}
	assert_int_equal(dpf_writer_close(w), 0);
	dpf_meta_release(&meta);
}

/* The series of @path, through a session whose skip filter is @o's (as cmd/ sets it). */
static struct wss *build(const char *path, const struct wss_opts *o)
{
	struct session_filter f = SESSION_FILTER_INIT;
	struct session *ses;
	struct wss *w = NULL;

	f.skip_snapshots = o->skip;
	assert_int_equal(session_open(&ses, path, &f), 0);
	assert_int_equal(wss_build(&w, ses, o), 0);
	session_close(ses);
	return w;
}

static void test_snapshot_wss_counts_regions_at_or_above_the_threshold(void **state)
{
	struct dpf_region r[] = {
		{ 0x1000, 0x3000, 0, 0 }, { 0x3000, 0x4000, 1, 0 }, { 0x8000, 0x10000, 2, 0 },
		{ 0x10000, 0x11000, 5, 0 },
	};
	struct dpf_snapshot s = { .nr_regions = 4, .regions = r };

	(void)state;
	assert_int_equal(wss_snapshot_bytes(&s, 1), 0x1000 + 0x8000 + 0x1000);
	assert_int_equal(wss_snapshot_bytes(&s, 2), 0x8000 + 0x1000);
	assert_int_equal(wss_snapshot_bytes(&s, 6), 0);
	assert_int_equal(wss_snapshot_bytes(&s, 0), 0x2000 + 0x1000 + 0x8000 + 0x1000);
}

/* a per-mapping primitive's working set: each region's bytes times its share of positive samples */
static void test_snapshot_wss_shared_weighs_by_accessed_samples(void **state)
{
	struct dpf_region r[] = {
		{ 0x0, 0x4000, 0, 0 }, { 0x4000, 0x8000, 1, 0 }, { 0x8000, 0x10000, 2, 0 },
		{ 0x10000, 0x11000, 9, 0 },
	};
	struct dpf_snapshot s = { .nr_regions = 4, .regions = r };

	(void)state;
	/* 4 samples per aggregation: 1/4 of 16 KiB, 2/4 of 32 KiB, all of 4 KiB (9 > 4 is capped) */
	assert_int_equal(wss_snapshot_bytes_shared(&s, 1, 4), 0x1000 + 0x4000 + 0x1000);
	assert_int_equal(wss_snapshot_bytes_shared(&s, 2, 4), 0x4000 + 0x1000);
	/* no sample count known: the plain rule */
	assert_int_equal(wss_snapshot_bytes_shared(&s, 1, 0), wss_snapshot_bytes(&s, 1));
}

static void test_percentiles_use_damos_nearest_rank(void **state)
{
	const uint64_t sorted[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	uint64_t hundred[100];

	(void)state;
	/* sorted[floor(p / 100 * 10)], clamped to 9 */
	assert_int_equal(wss_percentile(sorted, 10, 0), 1);
	assert_int_equal(wss_percentile(sorted, 10, 25), 3);	/* index 2 */
	assert_int_equal(wss_percentile(sorted, 10, 50), 6);	/* index 5 */
	assert_int_equal(wss_percentile(sorted, 10, 75), 8);	/* index 7 (7.5) */
	assert_int_equal(wss_percentile(sorted, 10, 90), 10);	/* index 9 */
	assert_int_equal(wss_percentile(sorted, 10, 99), 10);	/* index 9 (9.9) */
	assert_int_equal(wss_percentile(sorted, 10, 100), 10);	/* index 10, clamped */
	assert_int_equal(wss_percentile(sorted, 1, 100), 1);
	assert_int_equal(wss_percentile(sorted, 0, 50), 0);
	/* Python's int(29 / 100 * 100) is 28: 0.29 * 100 = 28.999999999999996 */
	for (int i = 0; i < 100; i++)
		hundred[i] = i;
	assert_int_equal(wss_percentile(hundred, 100, 29), 28);
	assert_int_equal(wss_percentile(hundred, 100, 30), 30);
	assert_int_equal(wss_percentile(hundred, 100, 99.9), 99);
}

static void test_series_percentiles_match_a_sort_done_here(void **state)
{
	const uint64_t want[] = { 9, 3, 7, 1, 12, 5, 5, 20, 2, 8, 11 };
	const int n = 11;
	const double pct[] = { 0, 25, 50, 75, 90, 99, 100 };
	struct wss_opts o = WSS_OPTS_INIT;
	uint64_t mine[11], *sorted;
	struct wss *w;
	double sum = 0;

	write_series(*state, 1, want, n, 0);
	w = build(*state, &o);
	assert_int_equal(w->nr_series, 1);
	assert_int_equal(w->series[0].n, n);
	assert_int_equal(w->rec_start_ns, 1000);
	assert_int_equal(w->rec_end_ns, 1100 + (n - 1) * 100);
	for (int k = 0; k < n; k++) {
		assert_int_equal(w->series[0].bytes[k], want[k] * PAGE);	/* file order kept */
		assert_int_equal(w->series[0].time_ns[k], 1000 + k * 100);
	}
	/* an insertion sort, independent of the code's qsort */
	for (int i = 0; i < n; i++) {
		int j = i;

		mine[i] = want[i] * PAGE;
		for (; j > 0 && mine[j - 1] > mine[j]; j--) {
			uint64_t t = mine[j];

			mine[j] = mine[j - 1];
			mine[j - 1] = t;
		}
		sum += want[i] * PAGE;
	}
	assert_int_equal(wss_sorted(&w->series[0], &sorted), 0);
	for (int k = 0; k < 7; k++) {
		int idx = (int)(pct[k] * n / 100);	/* exact for these p and n */

		if (idx > n - 1)
			idx = n - 1;
		assert_int_equal(wss_percentile(sorted, n, pct[k]), mine[idx]);
	}
	assert_true(wss_mean(&w->series[0]) > sum / n - 1e-6);
	assert_true(wss_mean(&w->series[0]) < sum / n + 1e-6);
	free(sorted);
	wss_free(w);
}

static void test_skip_and_threshold(void **state)
{
	const uint64_t want[] = { 100, 100, 1, 2, 3, 4 };
	struct wss_opts o = WSS_OPTS_INIT;
	struct wss *w;

	write_series(*state, 1, want, 6, 0);
	o.skip = 2;
	w = build(*state, &o);
	assert_int_equal(w->series[0].n, 4);
	assert_int_equal(w->series[0].skipped, 2);
	assert_int_equal(w->series[0].bytes[0], 1 * PAGE);
	wss_free(w);
	/* nr_accesses is 1 + k % 3: at least 2 only in snapshots 1, 2, 4, 5 */
	o.skip = 0;
	o.min_accesses = 2;
	w = build(*state, &o);
	assert_int_equal(w->series[0].bytes[0], 0);
	assert_int_equal(w->series[0].bytes[1], 100 * PAGE);
	assert_int_equal(w->series[0].bytes[3], 0);
	assert_int_equal(w->series[0].bytes[5], 4 * PAGE);
	wss_free(w);
	o.skip = 50;
	o.min_accesses = 1;
	w = build(*state, &o);
	assert_int_equal(w->series[0].n, 0);
	assert_int_equal(w->series[0].skipped, 6);
	wss_free(w);
}

static void test_targets_are_kept_apart_or_summed_index_by_index(void **state)
{
	const uint64_t want[] = { 4, 6, 8 };
	struct wss_opts o = WSS_OPTS_INIT;
	struct wss *w;

	write_series(*state, 3, want, 3, 0);	/* target t has want + t pages */
	w = build(*state, &o);
	assert_int_equal(w->nr_series, 3);
	for (int t = 0; t < 3; t++) {
		assert_int_equal(w->series[t].target, t);
		assert_int_equal(w->series[t].n, 3);
		assert_int_equal(w->series[t].bytes[1], (6 + t) * PAGE);
	}
	assert_int_equal(wss_sum_targets(w), 0);
	assert_int_equal(w->nr_series, 1);
	assert_int_equal(w->series[0].target, WSS_SUM_TARGET);
	assert_int_equal(w->series[0].n, 3);
	assert_int_equal(w->series[0].bytes[0], (4 + 5 + 6) * PAGE);
	assert_int_equal(w->series[0].bytes[2], (8 + 9 + 10) * PAGE);
	assert_int_equal(w->series[0].time_ns[2], 1200);
	wss_free(w);
}

static void test_damaged_files_lose_only_the_damaged_part(void **state)
{
	uint64_t want[16];
	struct wss_opts o = WSS_OPTS_INIT;
	struct dpf_reader *r;
	struct wss *w;
	off_t size;
	int fd;

	for (int i = 0; i < 16; i++)
		want[i] = i + 1;
	write_series(*state, 1, want, 16, 1);
	fd = open(*state, O_RDWR);
	assert_true(fd >= 0);
	size = lseek(fd, 0, SEEK_END);
	assert_int_equal(pwrite(fd, "\x00\x00\x00\x00\x00", 5, size / 2), 5);
	w = build(*state, &o);
	assert_true(w->series[0].n >= 8 && w->series[0].n < 16);
	wss_free(w);
	assert_int_equal(ftruncate(fd, 10), 0);	/* not even a header */
	close(fd);
	assert_int_equal(dpf_reader_open(&r, *state), -EBADMSG);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tmpfile_setup, tmpfile_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_wss_counts_regions_at_or_above_the_threshold),
		cmocka_unit_test(test_snapshot_wss_shared_weighs_by_accessed_samples),
		cmocka_unit_test(test_percentiles_use_damos_nearest_rank),
		T(test_series_percentiles_match_a_sort_done_here),
		T(test_skip_and_threshold),
		T(test_targets_are_kept_apart_or_summed_index_by_index),
		T(test_damaged_files_lose_only_the_damaged_part),
	};

	return cmocka_run_group_tests_name("report/wss", tests, NULL, NULL);
}
