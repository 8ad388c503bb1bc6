// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of report/hot.c on a recording written here, whose every number is known: the
 * byte-time weighting, heat, rate, hot share, idle time and idle bytes are checked against
 * values computed by hand (design note 20), and memory outside the maps is kept out of the list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "format/dpf.h"
#include "report/hot.h"
#include "report/session.h"
#include "test-tmp.h"

#define MS 1000000ull

/*
 * One [heap] mapping of 64 KiB at 0x10000. Snapshot 1 (100 ms): its first half has 10
 * accesses, its second half none for 5 intervals, and a page past the mapping has 4. Snapshot 2
 * (100 ms): all of it idle for 3 intervals.
 */
static void write_rec(const char *path)
{
	struct dpf_writer_opts o = { .level = 1 };
	struct dpf_writer *w;
	struct dpf_meta meta;
	struct dpf_mapping m = { .start = 0x10000, .end = 0x20000, .perms = DPF_MAP_READ |
				 DPF_MAP_WRITE, .path = "[heap]" };
	struct dpf_maps mp = { .target = 0, .time_ns = 0, .nr = 1, .maps = &m };
	struct dpf_region r1[3] = { { 0x10000, 0x18000, 10, 0 }, { 0x18000, 0x20000, 0, 5 },
				    { 0x20000, 0x21000, 4, 0 } };
	struct dpf_region r2[1] = { { 0x10000, 0x20000, 0, 3 } };
	struct dpf_snapshot s1 = { .start_ns = 1000 * MS, .end_ns = 1100 * MS, .nr_regions = 3,
				   .regions = r1 };
	struct dpf_snapshot s2 = { .start_ns = 1100 * MS, .end_ns = 1200 * MS, .nr_regions = 1,
				   .regions = r2 };

	dpf_meta_init(&meta);
	dpf_meta_set(&meta, "backend", "test");
	dpf_meta_set(&meta, "ops", "vaddr");
	dpf_meta_set(&meta, "aggr_us", "100000");
	assert_int_equal(dpf_writer_open(&w, path, &o, &meta), 0);
	/* the snapshot comes first: it must wait for the map */
	assert_int_equal(dpf_writer_snapshot(w, &s1), 0);
	assert_int_equal(dpf_writer_maps(w, &mp), 0);
	assert_int_equal(dpf_writer_snapshot(w, &s2), 0);
	assert_int_equal(dpf_writer_close(w), 0);
	dpf_meta_release(&meta);
}

static struct hot *build(void **state, uint64_t idle_ns, enum hot_by by)
{
	struct hot_opts o = HOT_OPTS_INIT;
	struct session *s;
	struct hot *h;
	char path[512];

	snprintf(path, sizeof(path), "%s/rec.data", (char *)*state);
	write_rec(path);
	o.idle_ns = idle_ns;
	o.by = by;
	assert_int_equal(session_open(&s, path, NULL), 0);
	assert_int_equal(hot_build(&h, s, &o), 0);
	session_close(s);
	hot_rank(h, 0);
	return h;
}

static void test_heap_numbers_are_the_hand_computed_ones(void **state)
{
	struct hot *h = build(state, 250 * MS, HOT_BY_SYMBOL);
	const struct hot_object *o = &h->obj[0];

	assert_int_equal(h->nr_snapshots, 2);
	assert_int_equal(h->nr_listed, 1);
	assert_string_equal(o->name, "[heap]");
	assert_string_equal(o->kind, "heap");
	assert_int_equal(o->bytes, 65536);
	assert_true(o->byte_s > 13107.19 && o->byte_s < 13107.21);	/* 64 KiB x 0.2 s */
	assert_true(o->heat == 327680.0);			/* 32 KiB x 10 */
	assert_true(hot_rate_hz(o) > 24.999 && hot_rate_hz(o) < 25.001);
	assert_true(hot_share(o) > 0.2499 && hot_share(o) < 0.2501);
	assert_true(o->idle_byte_s > 9830.39 && o->idle_byte_s < 9830.41);
	assert_int_equal(o->idle_ns, 300 * MS);			/* age 3 x 100 ms */
	assert_int_equal(o->idle_bytes, 65536);
	assert_int_equal(o->shares, 0);
	assert_int_equal(o->observed_ns, 200 * MS);
	hot_free(h);
}

static void test_idle_bytes_follow_the_threshold(void **state)
{
	struct hot *h = build(state, 400 * MS, HOT_BY_SYMBOL);

	assert_int_equal(h->obj[0].idle_bytes, 0);
	assert_int_equal(h->obj[0].idle_ns, 300 * MS);
	hot_free(h);
}

static void test_unmapped_memory_counts_but_is_not_listed(void **state)
{
	struct hot *h = build(state, 250 * MS, HOT_BY_SYMBOL);

	assert_int_equal(h->nr, 2);
	assert_int_equal(h->nr_listed, 1);
	assert_string_equal(h->obj[1].name, "[unmapped]");
	assert_true(h->obj[1].heat == 4096.0 * 4);
	assert_true(h->total_heat == 327680.0 + 4096.0 * 4);
	hot_free(h);
}

static void test_by_region_keeps_each_region(void **state)
{
	struct hot *h = build(state, 250 * MS, HOT_BY_REGION);

	assert_int_equal(h->nr, 4);
	assert_string_equal(h->obj[0].name, "0x10000-0x18000");
	assert_string_equal(h->obj[0].label, "[heap]");
	assert_int_equal(h->obj[0].shares, 0);
	hot_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_heap_numbers_are_the_hand_computed_ones,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_idle_bytes_follow_the_threshold,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_unmapped_memory_counts_but_is_not_listed,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_by_region_keeps_each_region,
						tmpdir_setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests_name("report/hot", tests, NULL, NULL);
}
