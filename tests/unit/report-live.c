// SPDX-License-Identifier: GPL-2.0
/*
 * report/live: the ring keeps the last snapshots and drops the oldest, the working-set series
 * keeps one figure per snapshot since the start, and the window opens as a recording whose
 * session gives back exactly the kept snapshots, the latest memory map (dated no later than the
 * window) and the metadata; a filter applies to it. The window carries the changes of the
 * intervals that rule its snapshots, so that report hot divides each one's rate by its own.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "format/dpf.h"
#include "report/hot.h"
#include "report/live.h"
#include "report/wss.h"
#include "report/session.h"

#define PAGE 4096ULL
#define AGGR 100000000ULL	/* 100 ms */

/* snapshot k: one region of (k + 1) pages accessed k % 3 times, then an idle one */
static void add(struct live *l, unsigned k)
{
	struct dpf_region r[2] = {
		{ 0x10000, 0x10000 + (k + 1) * PAGE, k % 3, 0 },
		{ 0x100000, 0x200000, 0, 5 },
	};
	struct dpf_snapshot s = { .target = 0, .start_ns = 1000000000ULL + k * AGGR,
				  .end_ns = 1000000000ULL + (k + 1) * AGGR, .nr_regions = 2,
				  .regions = r };

	assert_int_equal(live_add_snapshot(l, &s), 0);
}

static struct live *make(size_t capacity)
{
	struct dpf_meta m;
	struct live *l;

	dpf_meta_init(&m);
	assert_int_equal(dpf_meta_set(&m, "aggr_us", "100000"), 0);
	assert_int_equal(dpf_meta_set(&m, "sample_us", "5000"), 0);
	assert_int_equal(dpf_meta_set(&m, "backend", "test"), 0);
	assert_int_equal(live_new(&l, &m, capacity), 0);
	dpf_meta_release(&m);
	return l;
}

/* A per-mapping primitive (refs): a region counts by its share of accessed samples, as in wss. */
static void test_a_per_mapping_working_set_counts_shares(void **state)
{
	struct dpf_region r = { 0x10000, 0x10000 + 20 * PAGE, 5, 0 };
	struct dpf_snapshot sn = { .target = 0, .start_ns = 1000000000ULL,
				   .end_ns = 1000000000ULL + AGGR, .nr_regions = 1, .regions = &r };
	struct dpf_meta m;
	struct live *l;

	dpf_meta_init(&m);
	assert_int_equal(dpf_meta_set(&m, "aggr_us", "100000"), 0);
	assert_int_equal(dpf_meta_set(&m, "sample_us", "5000"), 0);
	assert_int_equal(dpf_meta_set(&m, "primitive_sees", "reads+writes, mapping"), 0);
	assert_int_equal(live_new(&l, &m, 4), 0);
	dpf_meta_release(&m);
	assert_int_equal(live_add_snapshot(l, &sn), 0);
	/* 20 pages seen in 5 of 20 samples: 5 pages touched, not 20 */
	assert_int_equal(live_wss(l)->bytes[0], 5 * PAGE);
	assert_int_equal(live_wss(l)->bytes[0], wss_snapshot_bytes_shared(&sn, 1, 20));
	live_free(l);
}

static void test_no_window_before_the_first_snapshot(void **state)
{
	struct live *l = make(4);
	struct session *s = NULL;

	assert_int_equal(live_open_window(l, 4, NULL, &s), -ENODATA);
	assert_int_equal(live_nr_snapshots(l), 0);
	live_free(l);
}

static void test_the_ring_keeps_the_last_and_the_series_all(void **state)
{
	struct live *l = make(4);
	struct session *s;
	struct session_event ev;
	unsigned seen[8], n = 0;

	for (unsigned k = 0; k < 7; k++)
		add(l, k);
	assert_int_equal(live_nr_snapshots(l), 7);
	/* the series: every snapshot since the start, (k + 1) pages when k % 3 != 0, else 0 */
	assert_int_equal(live_wss(l)->n, 7);
	for (unsigned k = 0; k < 7; k++)
		assert_int_equal(live_wss(l)->bytes[k], k % 3 ? (k + 1) * PAGE : 0);
	/* asking for more than is kept gives what is kept: snapshots 3 to 6, in order */
	assert_int_equal(live_open_window(l, 100, NULL, &s), 0);
	assert_string_equal(dpf_meta_get(session_meta(s), "backend"), "test");
	while (session_next(s, &ev) == 1)
		if (ev.type == SESSION_SNAPSHOT) {
			assert_true(n < 8);
			seen[n++] = (unsigned)((ev.snapshot.start_ns - 1000000000ULL) / AGGR);
			assert_int_equal(ev.snapshot.nr_regions, 2);
		}
	session_close(s);
	assert_int_equal(n, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(seen[i], 3 + i);
	/* the last two only */
	assert_int_equal(live_open_window(l, 2, NULL, &s), 0);
	n = 0;
	while (session_next(s, &ev) == 1)
		if (ev.type == SESSION_SNAPSHOT)
			seen[n++] = (unsigned)((ev.snapshot.start_ns - 1000000000ULL) / AGGR);
	session_close(s);
	assert_int_equal(n, 2);
	assert_int_equal(seen[0], 5);
	assert_int_equal(seen[1], 6);
	live_free(l);
}

static void test_the_map_comes_first_and_resolves_every_snapshot(void **state)
{
	struct live *l = make(8);
	struct dpf_mapping mm[1] = { { .start = 0x10000, .end = 0x20000, .perms = DPF_MAP_READ,
				       .path = "[heap]" } };
	struct dpf_maps m = { .target = 0, .time_ns = 5000000000ULL, .nr = 1, .maps = mm };
	struct session *s;
	struct session_event ev;
	int first = 1, maps = 0;

	add(l, 0);
	assert_int_equal(live_add_maps(l, &m), 0);
	mm[0].path = "changed";	/* the live copy is its own */
	add(l, 1);
	assert_int_equal(live_open_window(l, 8, NULL, &s), 0);
	session_keep_maps(s);
	while (session_next(s, &ev) == 1) {
		if (ev.type == SESSION_MAPS) {
			assert_true(first);
			assert_int_equal(ev.maps.nr, 1);
			assert_string_equal(ev.maps.maps[0].path, "[heap]");
			assert_true(ev.maps.time_ns <= 1000000000ULL);
			maps++;
		}
		if (ev.type == SESSION_SNAPSHOT)
			first = 0;
	}
	assert_int_equal(maps, 1);
	assert_non_null(session_resolve(s, 0, 0x10000, 1000000000ULL));
	session_close(s);
	live_free(l);
}

static void test_a_filter_applies_to_the_window(void **state)
{
	struct live *l = make(8);
	struct session_filter f = SESSION_FILTER_INIT;
	struct session *s;
	struct session_event ev;
	int n = 0;

	for (unsigned k = 0; k < 6; k++)
		add(l, k);
	f.time_range = 1;
	f.time_lo_ns = 0;
	f.time_hi_ns = 2 * AGGR;	/* from the window's first snapshot */
	assert_int_equal(live_open_window(l, 4, &f, &s), 0);
	while (session_next(s, &ev) == 1)
		if (ev.type == SESSION_SNAPSHOT)
			n++;
	session_close(s);
	assert_int_equal(n, 2);
	live_free(l);
}

static void test_resource_use_is_the_latest(void **state)
{
	struct live *l = make(2);
	struct dpf_rusage u = { .time_ns = 1, .target_rss = 4096 }, got;

	assert_int_equal(live_rusage(l, &got), 0);
	live_add_rusage(l, &u);
	u.target_rss = 8192;
	live_add_rusage(l, &u);
	assert_int_equal(live_rusage(l, &got), 1);
	assert_int_equal(got.target_rss, 8192);
	live_free(l);
}

/* One snapshot at @start_ms of @aggr_ms, accessed at 20 Hz: nr_accesses 20 x its interval. */
static void add_at(struct live *l, uint64_t start_ms, uint64_t aggr_ms)
{
	struct dpf_region r = { 0x10000, 0x10000 + 4 * PAGE, (uint32_t)(20 * aggr_ms / 1000), 0 };
	struct dpf_snapshot s = { .target = 0, .start_ns = start_ms * 1000000,
				  .end_ns = (start_ms + aggr_ms) * 1000000, .nr_regions = 1,
				  .regions = &r };

	assert_int_equal(live_add_snapshot(l, &s), 0);
}

static void change(struct live *l, uint64_t at_ms, uint64_t aggr_ms)
{
	struct dpf_intervals iv = { .target = 0, .cause = DPF_IV_BUDGET, .time_ns = at_ms * 1000000,
				    .sample_us = 5000, .aggr_us = aggr_ms * 1000,
				    .update_us = 1000000, .min_nr_regions = 10,
				    .max_nr_regions = 1000 };

	assert_int_equal(live_set_intervals(l, &iv), 0);
}

static void test_the_window_carries_the_intervals_in_force(void **state)
{
	static const uint64_t want_aggr_us[] = { 400000, 400000, 100000, 200000 };
	struct hot_opts ho = HOT_OPTS_INIT;
	struct live *l = make(4);
	struct session_event ev;
	struct session *s;
	struct hot *h;
	unsigned n = 0;

	add_at(l, 1000, 100);
	add_at(l, 1100, 100);
	change(l, 1200, 200);
	add_at(l, 1200, 200);
	add_at(l, 1400, 200);
	change(l, 1600, 400);
	add_at(l, 1600, 400);
	add_at(l, 2000, 400);
	add_at(l, 2400, 400);
	change(l, 2800, 100);	/* the one of 1200 still rules the oldest kept, of 1400 */
	add_at(l, 2800, 100);
	change(l, 2900, 200);	/* now the one of 1600 does: 1200's goes */
	add_at(l, 2900, 200);
	assert_int_equal(live_open_window(l, 4, NULL, &s), 0);
	assert_int_equal(session_intervals_changes(s, NULL), 3);
	while (session_next(s, &ev) == 1)
		if (ev.type == SESSION_SNAPSHOT) {
			assert_true(n < 4);
			assert_int_equal(session_snapshot_intervals(s, &ev.snapshot).aggr_us,
					 want_aggr_us[n++]);
		}
	session_close(s);
	assert_int_equal(n, 4);
	/* 20 Hz in every snapshot, whatever its interval (design note 48) */
	ho.by = HOT_BY_REGION;
	assert_int_equal(live_open_window(l, 4, NULL, &s), 0);
	assert_int_equal(hot_build(&h, s, &ho), 0);
	session_close(s);
	assert_true(h->nr >= 1);
	for (size_t i = 0; i < h->nr; i++)
		assert_true(fabs(hot_rate_hz(&h->obj[i]) - 20) < 1e-9);
	hot_free(h);
	live_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_window_before_the_first_snapshot),
		cmocka_unit_test(test_a_per_mapping_working_set_counts_shares),
		cmocka_unit_test(test_the_ring_keeps_the_last_and_the_series_all),
		cmocka_unit_test(test_the_map_comes_first_and_resolves_every_snapshot),
		cmocka_unit_test(test_a_filter_applies_to_the_window),
		cmocka_unit_test(test_resource_use_is_the_latest),
		cmocka_unit_test(test_the_window_carries_the_intervals_in_force),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
