// SPDX-License-Identifier: GPL-2.0
/*
 * report/session: the filters (target, time range, address range, skipped snapshots) on
 * recordings written here, damage reported once per part and counted, the INDEX seek reading
 * about a tenth of the chunks for the last tenth of the time, memory maps resolved at a time,
 * typed facts from metadata written after the snapshots (final, not the first chunk's), and
 * two sessions walked side by side in time order, and each snapshot's intervals from the
 * recording's changes whatever the pass, its rewinds and the index seek.
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

#define MS 1000000ULL

/*
 * @n snapshots of 1 ms for each of @targets targets, snapshot k at [k ms, k+1 ms) + 1 s, two
 * regions [0x1000, 0x2000) and [0x3000, 0x4000) with nr_accesses k; a chunk every @flush
 * snapshots (0: never); a map of each target at 0 and at 50 ms; metadata "late" chunk at the end.
 */
static void write_rec(const char *path, int targets, int n, int flush)
{
	struct dpf_writer_opts o = { .level = 1 };
	struct dpf_writer *w;
	struct dpf_meta meta, late;
	struct dpf_mapping m0 = { .start = 0x1000, .end = 0x5000, .path = "/bin/early" };
	struct dpf_mapping m1 = { .start = 0x1000, .end = 0x5000, .path = "/bin/late",
				  .build_id_len = 2, .build_id = { 0xab, 0xcd } };

	dpf_meta_init(&meta);
	dpf_meta_set(&meta, "backend", "test");
	dpf_meta_set(&meta, "nr_targets", "1");
	dpf_meta_set(&meta, "target.0.comm", "early");
	dpf_meta_set(&meta, "target.0.pid", "42");
	assert_int_equal(dpf_writer_open(&w, path, &o, &meta), 0);
	for (int t = 0; t < targets; t++) {
		struct dpf_maps mp = { .target = t, .time_ns = 0, .nr = 1, .maps = &m0 };

		assert_int_equal(dpf_writer_maps(w, &mp), 0);
	}
	for (int k = 0; k < n; k++) {
		if (k == 50) {
			struct dpf_maps mp = { .target = 0, .time_ns = 1000 * MS + 50 * MS, .nr = 1,
					       .maps = &m1 };

			assert_int_equal(dpf_writer_maps(w, &mp), 0);
		}
		for (int t = 0; t < targets; t++) {
			struct dpf_region r[2] = { { 0x1000, 0x2000, (uint32_t)k, 0 },
						   { 0x3000, 0x4000, (uint32_t)k, 0 } };
			struct dpf_snapshot s = { .target = t, .start_ns = 1000 * MS + k * MS,
						  .end_ns = 1000 * MS + (k + 1) * MS,
						  .nr_regions = 2, .regions = r };

			assert_int_equal(dpf_writer_snapshot(w, &s), 0);
		}
		if (flush && (k + 1) % flush == 0)
			assert_int_equal(dpf_writer_flush(w), 0);
	}
	dpf_meta_init(&late);
	dpf_meta_set(&late, "target.0.comm", "late");
	dpf_meta_set(&late, "aggr_us", "1000");
	dpf_meta_set(&late, "nr_targets", "2");
	assert_int_equal(dpf_writer_meta(w, &late), 0);
	assert_int_equal(dpf_writer_close(w), 0);
	dpf_meta_release(&meta);
	dpf_meta_release(&late);
}

struct seen {
	int snapshots;
	uint64_t first_start, last_start;
	uint64_t regions;
	uint64_t bytes;
	uint32_t targets;	/* bit per target id */
	int maps;
};

static int on_snapshot(void *arg, const struct dpf_snapshot *s)
{
	struct seen *v = arg;

	if (!v->snapshots++)
		v->first_start = s->start_ns;
	v->last_start = s->start_ns;
	v->regions += s->nr_regions;
	for (uint32_t i = 0; i < s->nr_regions; i++)
		v->bytes += s->regions[i].end - s->regions[i].start;
	v->targets |= 1u << s->target;
	return 0;
}

static int on_maps(void *arg, const struct dpf_maps *m)
{
	((struct seen *)arg)->maps++;
	return 0;
}

static const struct session_tool tool = { .snapshot = on_snapshot, .maps = on_maps };

static struct seen pass(const char *path, const struct session_filter *f)
{
	struct session *s;
	struct seen v = { 0 };

	assert_int_equal(session_open(&s, path, f), 0);
	assert_int_equal(session_process(s, &tool, &v), 0);
	session_close(s);
	return v;
}

static void test_no_filter(void **state)
{
	struct seen v;

	write_rec(*state, 2, 100, 10);
	v = pass(*state, NULL);
	assert_int_equal(v.snapshots, 200);
	assert_int_equal(v.targets, 3);
	assert_int_equal(v.maps, 3);
	assert_int_equal(v.bytes, 200 * 0x2000);
}

static void test_target_filter(void **state)
{
	struct session_filter f = SESSION_FILTER_INIT;
	struct seen v;

	write_rec(*state, 2, 100, 10);
	f.target = 1;
	v = pass(*state, &f);
	assert_int_equal(v.snapshots, 100);
	assert_int_equal(v.targets, 2);
	assert_int_equal(v.maps, 1);	/* target 1's map only */
}

static void test_time_filter(void **state)
{
	struct session_filter f = SESSION_FILTER_INIT;
	struct seen v;

	write_rec(*state, 1, 100, 10);
	f.time_range = 1;	/* relative to the first snapshot's start: snapshots 20..29 */
	f.time_lo_ns = 20 * MS;
	f.time_hi_ns = 30 * MS;
	v = pass(*state, &f);
	assert_int_equal(v.snapshots, 10);
	assert_int_equal(v.first_start, 1000 * MS + 20 * MS);
	assert_int_equal(v.last_start, 1000 * MS + 29 * MS);
}

static void test_addr_filter(void **state)
{
	struct session_filter f = SESSION_FILTER_INIT;
	struct seen v;

	write_rec(*state, 1, 10, 0);
	f.addr_range = 1;	/* half of the first region only */
	f.addr_lo = 0x1800;
	f.addr_hi = 0x2800;
	v = pass(*state, &f);
	assert_int_equal(v.snapshots, 10);
	assert_int_equal(v.regions, 10);
	assert_int_equal(v.bytes, 10 * 0x800);
	f.addr_lo = 0x5000;	/* nothing there: every snapshot is dropped */
	f.addr_hi = 0x6000;
	v = pass(*state, &f);
	assert_int_equal(v.snapshots, 0);
}

static void test_skip_filter(void **state)
{
	struct session_filter f = SESSION_FILTER_INIT;
	struct seen v;

	write_rec(*state, 2, 10, 0);
	f.skip_snapshots = 3;	/* per target */
	v = pass(*state, &f);
	assert_int_equal(v.snapshots, 14);
	assert_int_equal(v.first_start, 1000 * MS + 3 * MS);
}

/* What the skip dropped, per target, and the span of every snapshot before the filters. */
static void test_skipped_and_span(void **state)
{
	struct session_filter f = SESSION_FILTER_INIT;
	struct session *s;
	struct seen v = { 0 };
	uint64_t nr, lo, hi;
	uint32_t target;

	write_rec(*state, 2, 10, 0);
	f.skip_snapshots = 12;	/* more than a target has */
	f.time_range = 1;
	f.time_lo_ns = 2 * MS;	/* the span still starts at the first snapshot */
	f.time_hi_ns = 1000 * MS;
	assert_int_equal(session_open(&s, *state, &f), 0);
	assert_int_equal(session_span(s, &lo, &hi), 0);
	assert_int_equal(session_process(s, &tool, &v), 0);
	assert_int_equal(v.snapshots, 0);
	assert_int_equal(session_span(s, &lo, &hi), 1);
	assert_int_equal(lo, 1000 * MS);
	assert_int_equal(hi, 1010 * MS);
	/* snapshots 2 to 9 passed the time range: 8 of each target skipped */
	assert_int_equal(session_skipped(s, 0, &target, &nr), 1);
	assert_int_equal(target, 0);
	assert_int_equal(nr, 8);
	assert_int_equal(session_skipped(s, 1, &target, &nr), 1);
	assert_int_equal(target, 1);
	assert_int_equal(nr, 8);
	assert_int_equal(session_skipped(s, 2, &target, &nr), 0);
	session_close(s);
	/* fewer than passed: the count is the skip */
	f.skip_snapshots = 3;
	assert_int_equal(session_open(&s, *state, &f), 0);
	assert_int_equal(session_process(s, &tool, &v), 0);
	assert_int_equal(session_skipped(s, 1, &target, &nr), 1);
	assert_int_equal(nr, 3);
	session_close(s);
}

static void test_bad_filter(void **state)
{
	struct session_filter f = SESSION_FILTER_INIT;
	struct session *s;

	write_rec(*state, 1, 10, 0);
	f.time_range = 1;
	f.time_lo_ns = f.time_hi_ns = 5;
	assert_int_equal(session_open(&s, *state, &f), -EINVAL);
	assert_null(s);
}

/* The facts come from the final metadata: the late chunk's keys win over the first chunk's. */
static void test_final_meta(void **state)
{
	const struct session_facts *fa;
	struct session *s;
	char buf[32];

	write_rec(*state, 2, 10, 0);
	assert_int_equal(session_open(&s, *state, NULL), 0);
	fa = session_facts(s);
	assert_string_equal(session_target(s, 0)->name, "late");
	assert_int_equal(session_target(s, 0)->pid, 42);
	assert_int_equal(fa->aggr_us, 1000);
	assert_int_equal(fa->nr_targets, 2);
	assert_string_equal(session_target_name(s, 1, buf, sizeof(buf)), "target 1");
	assert_string_equal(session_target_name(s, 7, buf, sizeof(buf)), "target 7");
	assert_null(session_target(s, 7));
	assert_string_equal(fa->source_line, "backend: test");
	assert_string_equal(dpf_meta_get(session_meta(s), "target.0.comm"), "late");
	/* the first chunk's alone, as stored, for report raw */
	assert_string_equal(dpf_meta_get(session_meta_first(s), "target.0.comm"), "early");
	assert_null(dpf_meta_get(session_meta_first(s), "aggr_us"));
	/* still so after a pass, which merges the metadata chunks into the reader's again */
	{
		struct seen v = { 0 };

		assert_int_equal(session_process(s, &tool, &v), 0);
	}
	assert_string_equal(session_target(s, 0)->name, "late");
	assert_int_equal(session_facts(s)->aggr_us, 1000);
	session_close(s);
}

struct damage_log {
	int calls;
	uint64_t offsets[8];
};

static void on_damage(void *arg, const struct dpf_damage *d)
{
	struct damage_log *l = arg;

	if (l->calls < 8)
		l->offsets[l->calls] = d->offset;
	l->calls++;
}

/* Two damaged chunks: reported once each, counted, and not again on a second pass. */
static void test_damage(void **state)
{
	struct damage_log log = { 0 };
	struct session *s;
	struct seen v = { 0 };
	uint64_t bytes = 0;
	int fd;

	write_rec(*state, 1, 100, 10);
	fd = open(*state, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "XXXXXXXXXXXXXXXX", 16, 700), 16);
	assert_int_equal(pwrite(fd, "XXXXXXXXXXXXXXXX", 16, 1500), 16);
	close(fd);
	assert_int_equal(session_open(&s, *state, NULL), 0);
	session_on_damage(s, on_damage, &log);
	assert_int_equal(session_process(s, &tool, &v), 0);
	assert_int_equal(log.calls, 2);
	assert_true(log.offsets[0] < log.offsets[1]);
	assert_int_equal(session_damage(s, &bytes), 2);
	assert_true(bytes > 0);
	assert_true(v.snapshots < 100 && v.snapshots >= 70);
	assert_int_equal(session_process(s, &tool, &v), 0);
	assert_int_equal(log.calls, 2);
	assert_int_equal(session_damage(s, NULL), 2);
	session_close(s);
}

static uint64_t chunks_for(const char *path, const struct session_filter *f, struct seen *v)
{
	struct session *s;
	uint64_t n;

	memset(v, 0, sizeof(*v));
	assert_int_equal(session_open(&s, path, f), 0);
	assert_int_equal(session_process(s, &tool, v), 0);
	n = session_chunks_read(s);
	session_close(s);
	return n;
}

/* The last tenth of a cleanly closed file of 100 snapshot chunks reads about a tenth of them. */
static void test_index_seek(void **state)
{
	struct session_filter f = SESSION_FILTER_INIT;
	struct seen all, tail;
	uint64_t n_all, n_tail;
	int fd;

	write_rec(*state, 1, 1000, 10);
	n_all = chunks_for(*state, NULL, &all);
	f.time_range = 1;
	f.time_lo_ns = 900 * MS;
	f.time_hi_ns = 1000 * MS;
	n_tail = chunks_for(*state, &f, &tail);
	assert_int_equal(all.snapshots, 1000);
	assert_int_equal(tail.snapshots, 100);
	assert_int_equal(tail.first_start, 1000 * MS + 900 * MS);
	assert_int_equal(tail.maps, 2);	/* maps are always read */
	assert_true(n_all >= 100);
	/*
	 * 10 chunks in the window, the first chunk (time 0), the index, 2 maps, and the 2 metadata
	 * chunks twice (at open and in the pass): 18 of 106
	 */
	assert_true(n_tail <= 20);
	assert_true(n_tail >= 11);
	/* without the trailer (not closed cleanly) the same answer, by reading everything */
	fd = open(*state, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, lseek(fd, 0, SEEK_END) - 1), 0);
	close(fd);
	assert_true(chunks_for(*state, &f, &tail) >= n_all - 1);
	assert_int_equal(tail.snapshots, 100);
}

static void test_maps_at_time(void **state)
{
	const struct dpf_mapping *m;
	struct session *s;
	struct seen v = { 0 };

	write_rec(*state, 1, 100, 10);
	assert_int_equal(session_open(&s, *state, NULL), 0);
	session_keep_maps(s);
	assert_int_equal(session_process(s, &tool, &v), 0);
	m = session_resolve(s, 0, 0x1800, 1000 * MS + 10 * MS);
	assert_non_null(m);
	assert_string_equal(m->path, "/bin/early");
	m = session_resolve(s, 0, 0x1800, 1000 * MS + 60 * MS);
	assert_non_null(m);
	assert_string_equal(m->path, "/bin/late");
	assert_int_equal(m->build_id_len, 2);
	assert_int_equal(m->build_id[0], 0xab);
	assert_null(session_resolve(s, 0, 0x9000, 1000 * MS));
	assert_null(session_resolve(s, 3, 0x1800, 1000 * MS));
	session_close(s);
}

/* Two recordings whose snapshots interleave come out in start order, each side named. */
static void test_pair(void **state)
{
	char other[600];
	struct session *a, *b;
	const struct dpf_snapshot *sn;
	uint64_t last = 0;
	int side, n[2] = { 0, 0 }, ret;

	snprintf(other, sizeof(other), "%s.b", (char *)*state);
	write_rec(*state, 1, 20, 5);
	write_rec(other, 2, 10, 0);
	assert_int_equal(session_open(&a, *state, NULL), 0);
	assert_int_equal(session_open(&b, other, NULL), 0);
	while ((ret = session_next_pair(a, b, &side, &sn)) > 0) {
		assert_true(sn->start_ns >= last);
		last = sn->start_ns;
		n[side]++;
		if (side == 1)
			assert_true(sn->start_ns < 1000 * MS + 10 * MS);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(n[0], 20);
	assert_int_equal(n[1], 20);
	session_close(a);
	session_close(b);
	unlink(other);
}


/*
 * 100 snapshots of 1 ms for target 0 (and target 1), a chunk every 10; the intervals change for
 * target 0 at snapshot 40 (sample doubled) and at 70 (aggr too), written in the chunks before
 * those snapshots; target 1 never changes.
 */
static void write_changes(const char *path)
{
	struct dpf_writer_opts o = { .level = 1 };
	struct dpf_intervals a = { .target = 0, .cause = DPF_IV_BUDGET, .time_ns = 1000 * MS + 40 * MS,
				   .sample_us = 200, .aggr_us = 1000, .update_us = 1000,
				   .min_nr_regions = 10, .max_nr_regions = 100 };
	struct dpf_intervals b = a;
	struct dpf_writer *w;
	struct dpf_meta meta;

	b.time_ns = 1000 * MS + 70 * MS;
	b.aggr_us = 2000;
	b.cause = DPF_IV_GOAL;
	dpf_meta_init(&meta);
	dpf_meta_set(&meta, "sample_us", "100");
	dpf_meta_set(&meta, "aggr_us", "1000");
	dpf_meta_set(&meta, "nr_targets", "2");
	assert_int_equal(dpf_writer_open(&w, path, &o, &meta), 0);
	for (int k = 0; k < 100; k++) {
		if (k == 40)
			assert_int_equal(dpf_writer_intervals(w, &a), 0);
		if (k == 70)
			assert_int_equal(dpf_writer_intervals(w, &b), 0);
		for (uint32_t t = 0; t < 2; t++) {
			struct dpf_region r = { 0x1000, 0x2000, (uint32_t)k, 0 };
			struct dpf_snapshot sn = { .target = t, .start_ns = 1000 * MS + k * MS,
						   .end_ns = 1000 * MS + (k + 1) * MS,
						   .nr_regions = 1, .regions = &r };

			assert_int_equal(dpf_writer_snapshot(w, &sn), 0);
		}
		if ((k + 1) % 10 == 0)
			assert_int_equal(dpf_writer_flush(w), 0);
	}
	assert_int_equal(dpf_writer_close(w), 0);
	dpf_meta_release(&meta);
}

/* Each snapshot's intervals, as the pass sees them: checks every one, returns how many. */
static int check_intervals_pass(struct session *s)
{
	struct session_event ev;
	int n = 0;

	while (session_next(s, &ev) > 0) {
		struct session_intervals iv;
		uint32_t k;

		if (ev.type != SESSION_SNAPSHOT)
			continue;
		k = ev.snapshot.regions[0].nr_accesses;
		iv = session_snapshot_intervals(s, &ev.snapshot);
		if (ev.snapshot.target == 1 || k < 40) {
			assert_int_equal(iv.sample_us, 100);
			assert_int_equal(iv.aggr_us, 1000);
			assert_int_equal(iv.samples, 10);
		} else if (k < 70) {
			assert_int_equal(iv.sample_us, 200);
			assert_int_equal(iv.aggr_us, 1000);
			assert_int_equal(iv.samples, 5);
		} else {
			assert_int_equal(iv.aggr_us, 2000);
			assert_int_equal(iv.samples, 10);
		}
		n++;
	}
	return n;
}

static void test_snapshot_intervals(void **state)
{
	struct session_filter f = SESSION_FILTER_INIT;
	const struct dpf_intervals *c;
	struct session *s;
	uint64_t dropped = 1;

	write_changes(*state);
	assert_int_equal(session_open(&s, *state, NULL), 0);
	assert_int_equal(session_intervals_changes(s, &dropped), 2);
	assert_int_equal(dropped, 0);
	c = session_intervals_change(s, 1);
	assert_non_null(c);
	assert_int_equal(c->cause, DPF_IV_GOAL);
	assert_null(session_intervals_change(s, 2));
	assert_int_equal(check_intervals_pass(s), 200);
	session_rewind(s);	/* a second pass answers the same */
	assert_int_equal(check_intervals_pass(s), 200);
	session_close(s);
	/* the last 25 ms: the index seek passes over the chunks that hold both changes */
	f.time_range = 1;
	f.time_lo_ns = 75 * MS;
	f.time_hi_ns = 200 * MS;
	assert_int_equal(session_open(&s, *state, &f), 0);
	assert_int_equal(check_intervals_pass(s), 50);
	assert_true(session_chunks_read(s) < 14);	/* 18 without the seek */
	session_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_filter, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_target_filter, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_time_filter, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_addr_filter, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_skip_filter, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_skipped_and_span, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_bad_filter, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_final_meta, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_damage, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_index_seek, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_maps_at_time, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_pair, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_intervals, tmpfile_setup,
						tmpfile_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
