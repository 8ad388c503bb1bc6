// SPDX-License-Identifier: GPL-2.0
/*
 * report/heatmap: small recordings written here with the dpf writer, whose cells are known by
 * hand or computed by a brute-force reference in this file (every snapshot x region x cell,
 * straight from the definition: the time- and byte-weighted mean rate, NaN where nothing was
 * monitored). Also folding, row allocation, labels, zoom, targets and damaged files.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <png.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "format/dpf.h"
#include "tests/unit/test-tmp.h"
#include "report/heatmap.h"
#include "viz/colormap.h"

/* equal within rounding: the code sums in another order than the reference */
#define assert_near(a, b) \
	assert_true(fabs((double)(a) - (double)(b)) <= 1e-9 * fabs((double)(b)) + 1e-9)

#define MAXR 8

struct tsnap {
	uint32_t target;
	uint64_t start, end;
	int n;
	struct dpf_region r[MAXR];
};

struct tmap {
	uint32_t target;
	uint64_t start, end;
	const char *path;
};

/* Write @snaps (and @maps first) to @path; aggr_us 0 leaves the intervals out. */
static void write_rec(const char *path, const struct tsnap *snaps, int ns, const struct tmap *maps,
		      int nm, uint64_t aggr_us, int flush_each)
{
	struct dpf_writer_opts o = { .level = 1 };
	struct dpf_writer *w;
	struct dpf_meta meta;

	dpf_meta_init(&meta);
	dpf_meta_set(&meta, "backend", "test");
	if (aggr_us) {
		dpf_meta_setf(&meta, "aggr_us", "%llu", (unsigned long long)aggr_us);
		dpf_meta_set(&meta, "sample_us", "100");
	}
	assert_int_equal(dpf_writer_open(&w, path, &o, &meta), 0);
	for (int i = 0; i < nm; i++) {
		struct dpf_mapping mp = { .start = maps[i].start, .end = maps[i].end,
					  .perms = DPF_MAP_READ, .path = (char *)maps[i].path };
		struct dpf_maps m = { .target = maps[i].target, .nr = 1, .maps = &mp };

		assert_int_equal(dpf_writer_maps(w, &m), 0);
	}
	for (int i = 0; i < ns; i++) {
		struct dpf_snapshot s = { .target = snaps[i].target, .start_ns = snaps[i].start,
					  .end_ns = snaps[i].end, .nr_regions = snaps[i].n,
					  .regions = (struct dpf_region *)snaps[i].r };

		assert_int_equal(dpf_writer_snapshot(w, &s), 0);
		if (flush_each)
			assert_int_equal(dpf_writer_flush(w), 0);
	}
	assert_int_equal(dpf_writer_close(w), 0);
	dpf_meta_release(&meta);
}

static uint64_t overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	uint64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;

	return hi > lo ? hi - lo : 0;
}

/* The definition, by brute force: mean of nr_accesses * scale over time x bytes. */
static double ref_cell(const struct tsnap *s, int ns, uint32_t target, double scale,
		       uint64_t t0, uint64_t t1, uint64_t a0, uint64_t a1)
{
	double vw = 0, w = 0;

	for (int i = 0; i < ns; i++) {
		double dt = (double)overlap(s[i].start, s[i].end, t0, t1);

		if (s[i].target != target || !dt)
			continue;
		for (int k = 0; k < s[i].n; k++) {
			double db = (double)overlap(s[i].r[k].start, s[i].r[k].end, a0, a1);

			vw += s[i].r[k].nr_accesses * scale * dt * db;
			w += dt * db;
		}
	}
	return w > 0 ? vw / w : NAN;
}

/* Every cell of @h against the reference, for a matrix with a single range. */
static void check_against_reference(const struct heatmap *h, const struct tsnap *s, int ns,
				    double scale)
{
	const struct heatmap_range *rg = &h->ranges[0];
	uint64_t span = h->t_end_ns - h->t_start_ns, size = rg->end - rg->start;

	assert_int_equal(h->nr_ranges, 1);
	for (unsigned c = 0; c < h->width; c++) {
		uint64_t t0 = h->t_start_ns + span * c / h->width;
		uint64_t t1 = h->t_start_ns + span * (c + 1) / h->width;

		for (unsigned r = 0; r < h->height; r++) {
			uint64_t a0 = rg->start + size * r / h->height;
			uint64_t a1 = rg->start + size * (r + 1) / h->height;
			double want = ref_cell(s, ns, rg->target, scale, t0, t1, a0, a1);
			double got = heatmap_value(h, c, r);

			if (isnan(want))
				assert_true(isnan(got));
			else
				assert_near(got, want);
		}
	}
}

static struct heatmap_opts opts(unsigned w, unsigned h)
{
	struct heatmap_opts o = HEATMAP_OPTS_INIT;

	o.width = w;
	o.height = h;
	o.min_rows = 1;
	o.sep_rows = 0;
	o.max_ranges = 8;
	return o;
}

static void test_cells_hold_the_rates_worked_out_by_hand(void **state)
{
	/* aggr 1 ms: one access per interval is 1000 Hz */
	const struct tsnap s[] = {
		{ 0, 1000, 1100, 2, { { 0x10000, 0x11000, 2, 0 }, { 0x11000, 0x14000, 0, 0 } } },
		{ 0, 1100, 1200, 2, { { 0x10000, 0x12000, 4, 0 }, { 0x12000, 0x14000, 1, 0 } } },
	};
	const double want[2][4] = { { 2000, 0, 0, 0 }, { 4000, 4000, 1000, 1000 } };
	struct heatmap_opts o = opts(2, 4);
	struct heatmap *h;

	write_rec(*state, s, 2, NULL, 0, 1000, 0);
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	assert_int_equal(h->hz, 1);
	assert_int_equal(h->nr_snapshots, 2);
	assert_int_equal(h->t_start_ns, 1000);
	assert_int_equal(h->t_end_ns, 1200);
	assert_int_equal(h->nr_ranges, 1);
	assert_int_equal(h->ranges[0].start, 0x10000);
	assert_int_equal(h->ranges[0].end, 0x14000);
	for (int c = 0; c < 2; c++)
		for (int r = 0; r < 4; r++)
			assert_near(heatmap_value(h, c, r), want[c][r]);
	assert_near(h->vmax, 4000);
	assert_near(h->vmin, 0);
	assert_near(h->max_rate, 10000);	/* 1 / 100 us */
	heatmap_free(h);
}

static void test_cells_across_time_and_address_boundaries_are_weighted_means(void **state)
{
	const uint64_t a = 0x7f0000000000;
	const struct tsnap s[] = {
		{ 0, 0, 150, 2, { { a, a + 1000, 3, 0 }, { a + 1000, a + 3000, 6, 0 } } },
		{ 0, 150, 300, 2, { { a, a + 2500, 1, 0 }, { a + 2500, a + 3000, 9, 0 } } },
	};
	struct heatmap_opts o = opts(3, 2);
	struct heatmap *h;

	write_rec(*state, s, 2, NULL, 0, 1000, 0);
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	/* column [100, 200) x rows [a, a + 1500): worked out by hand in the comment above */
	assert_near(heatmap_value(h, 1, 0), 2500);
	check_against_reference(h, s, 2, 1000);
	heatmap_free(h);
}

static void test_a_snapshot_spanning_many_columns_fills_each_with_its_share(void **state)
{
	const struct tsnap s[] = {
		{ 0, 0, 1000, 1, { { 4096, 8192, 5, 0 } } },
		{ 0, 1000, 1003, 2, { { 4096, 6000, 1, 0 }, { 6000, 8192, 7, 0 } } },
	};
	struct heatmap_opts o = opts(7, 3);
	struct heatmap *h;

	write_rec(*state, s, 2, NULL, 0, 1000, 0);
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	check_against_reference(h, s, 2, 1000);
	heatmap_free(h);
}

static void test_cells_never_monitored_are_nan(void **state)
{
	const struct tsnap s[] = {
		{ 0, 0, 100, 1, { { 0x2000, 0x3000, 1, 0 } } },
		{ 0, 100, 200, 2, { { 0x1000, 0x2000, 2, 0 }, { 0x2000, 0x3000, 1, 0 } } },
	};
	struct heatmap_opts o = opts(2, 2);
	struct heatmap *h;

	write_rec(*state, s, 2, NULL, 0, 1000, 0);
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	assert_int_equal(h->nr_ranges, 1);	/* touching ranges are one */
	assert_true(isnan(heatmap_value(h, 0, 0)));
	assert_near(heatmap_value(h, 0, 1), 1000);
	assert_near(heatmap_value(h, 1, 0), 2000);
	assert_near(heatmap_value(h, 1, 1), 1000);
	heatmap_free(h);
}

static void test_unknown_intervals_give_raw_access_counts(void **state)
{
	const struct tsnap s[] = { { 0, 0, 100, 1, { { 0x1000, 0x2000, 7, 0 } } } };
	struct heatmap_opts o = opts(1, 1);
	struct heatmap *h;

	write_rec(*state, s, 1, NULL, 0, 0, 0);
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	assert_int_equal(h->hz, 0);
	assert_near(heatmap_value(h, 0, 0), 7);
	heatmap_free(h);
}

static void test_gaps_are_folded_away_and_small_ranges_get_readable_rows(void **state)
{
	const uint64_t hi = 0x7f0000000000;
	const struct tsnap s[] = {
		{ 0, 0, 100, 2, { { 0x1000, 0x2000, 1, 0 }, { hi, hi + 0x100000, 3, 0 } } },
	};
	struct heatmap_opts o = opts(4, 41);
	struct heatmap *h;
	uint64_t lo_a, hi_a;

	o.min_rows = 10;
	o.sep_rows = 1;
	write_rec(*state, s, 1, NULL, 0, 1000, 0);
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	assert_int_equal(h->nr_ranges, 2);
	assert_int_equal(h->height, 40);	/* one row left out for the rule */
	/* 4 KiB would get 0.16 rows in proportion: it gets the minimum, the 1 MiB the rest */
	assert_int_equal(h->ranges[0].row, 0);
	assert_int_equal(h->ranges[0].nr_rows, 10);
	assert_int_equal(h->ranges[1].row, 10);
	assert_int_equal(h->ranges[1].nr_rows, 30);
	assert_int_equal(heatmap_row_span(h, 9, &lo_a, &hi_a), 0);
	assert_int_equal(hi_a, 0x2000);
	assert_int_equal(heatmap_row_span(h, 10, &lo_a, &hi_a), 1);
	assert_int_equal(lo_a, hi);	/* no row holds any of the gap */
	for (unsigned r = 0; r < 40; r++)
		assert_near(heatmap_value(h, 0, r), r < 10 ? 1000 : 3000);
	heatmap_free(h);
}

static void test_fold_closes_the_smallest_gaps_of_one_target(void **state)
{
	struct heatmap_range r[] = {
		{ .target = 0, .start = 0, .end = 10 }, { .target = 0, .start = 20, .end = 30 },
		{ .target = 0, .start = 31, .end = 40 }, { .target = 0, .start = 140, .end = 150 },
		{ .target = 0, .start = 155, .end = 160 }, { .target = 1, .start = 161, .end = 170 },
	};

	(void)state;
	/* gaps 10, 1, 100, 5 in target 0; none between the targets */
	assert_int_equal(heatmap_fold(r, 6, 4), 4);
	assert_int_equal(r[0].end, 10);
	assert_int_equal(r[1].start, 20);
	assert_int_equal(r[1].end, 40);
	assert_int_equal(r[2].start, 140);
	assert_int_equal(r[2].end, 160);
	assert_int_equal(r[3].target, 1);
	/* asking for fewer than the targets closes every gap but keeps the targets apart */
	assert_int_equal(heatmap_fold(r, 4, 1), 2);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].end, 160);
}

static void test_rows_follow_size_with_a_minimum_and_add_up(void **state)
{
	struct heatmap_range r[] = {
		{ .start = 0, .end = 1000 }, { .start = 2000, .end = 2010 },
		{ .start = 3000, .end = 3010 },
	};
	struct heatmap_range eq[] = {
		{ .start = 0, .end = 1 }, { .start = 2, .end = 3 }, { .start = 4, .end = 5 },
	};

	(void)state;
	assert_int_equal(heatmap_give_rows(r, 3, 100, 10), 0);
	assert_int_equal(r[0].nr_rows, 80);
	assert_int_equal(r[1].nr_rows, 10);
	assert_int_equal(r[2].nr_rows, 10);
	assert_int_equal(r[1].row, 80);
	assert_int_equal(r[2].row, 90);
	assert_int_equal(heatmap_give_rows(eq, 3, 10, 1), 0);
	assert_int_equal(eq[0].nr_rows + eq[1].nr_rows + eq[2].nr_rows, 10);
	assert_int_equal(eq[0].nr_rows, 4);	/* ties go to the lower address */
	/* a minimum the height cannot give shrinks; fewer rows than ranges is an error */
	assert_int_equal(heatmap_give_rows(r, 3, 12, 10), 0);
	assert_int_equal(r[0].nr_rows + r[1].nr_rows + r[2].nr_rows, 12);
	assert_true(r[1].nr_rows >= 4);
	assert_int_equal(heatmap_give_rows(r, 3, 2, 1), -EINVAL);
}

static void test_ranges_are_named_from_the_memory_maps(void **state)
{
	const uint64_t h0 = 0x555555600000, l0 = 0x7f3a00000000, s0 = 0x7ffd00000000;
	const struct tmap maps[] = {
		{ 0, h0, h0 + 0x100000, "[heap]" },
		{ 0, l0, l0 + 0x200000, "/usr/lib/x86_64-linux-gnu/libc.so.6" },
		{ 0, l0 + 0x200000, l0 + 0x210000, "" },
		{ 0, s0, s0 + 0x21000, "" },
	};
	const struct tsnap s[] = {
		{ 0, 0, 100, 3, { { h0, h0 + 0x100000, 1, 0 }, { l0, l0 + 0x210000, 1, 0 },
				  { s0, s0 + 0x21000, 5, 0 } } },
	};
	struct heatmap_opts o = opts(2, 30);
	struct heatmap *h;

	write_rec(*state, s, 1, maps, 4, 1000, 0);
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	assert_int_equal(h->nr_ranges, 3);
	assert_string_equal(h->ranges[0].label, "[heap]");
	assert_true(h->ranges[0].named);
	assert_string_equal(h->ranges[1].label, "libc.so.6");	/* the larger part of it */
	assert_string_equal(h->ranges[2].label, "0x7ffd00000000");	/* anonymous */
	assert_false(h->ranges[2].named);
	heatmap_free(h);
}

static void test_unmapped_parts_of_monitored_ranges_are_folded_away(void **state)
{
	/* DAMON-style: one region from the program's start over the gap to the heap's end */
	const struct tmap maps[] = {
		{ 0, 0x10000, 0x13000, "/usr/bin/prog" },
		{ 0, 0x13000, 0x15000, "" },	/* its .bss */
		{ 0, 0x800000, 0x820000, "[heap]" },
	};
	const struct tsnap s[] = {
		{ 0, 0, 100, 2, { { 0x10000, 0x820000, 2, 0 }, { 0x900000, 0x901000, 4, 0 } } },
		{ 1, 0, 100, 1, { { 0x10000, 0x820000, 3, 0 } } },	/* no maps: stays whole */
	};
	struct heatmap_opts o = opts(1, 40);
	struct heatmap *h;

	write_rec(*state, s, 2, maps, 3, 1000, 0);
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	assert_int_equal(h->nr_ranges, 4);
	assert_int_equal(h->ranges[0].start, 0x10000);
	assert_int_equal(h->ranges[0].end, 0x15000);
	assert_string_equal(h->ranges[0].label, "prog");
	assert_int_equal(h->ranges[1].start, 0x800000);
	assert_int_equal(h->ranges[1].end, 0x820000);
	assert_string_equal(h->ranges[1].label, "[heap]");
	assert_int_equal(h->ranges[2].start, 0x900000);	/* no map touches it: kept */
	assert_int_equal(h->ranges[2].end, 0x901000);
	assert_int_equal(h->ranges[3].target, 1);
	assert_int_equal(h->ranges[3].start, 0x10000);
	assert_int_equal(h->ranges[3].end, 0x820000);
	assert_near(heatmap_value(h, 0, h->ranges[1].row), 2000);
	heatmap_free(h);
}

static void test_time_and_address_ranges_zoom(void **state)
{
	const uint64_t a = 0x10000;
	const struct tsnap s[] = {
		{ 0, 5000, 5100, 2, { { a, a + 3000, 2, 0 }, { a + 3000, a + 8000, 8, 0 } } },
		{ 0, 5100, 5200, 1, { { a, a + 8000, 4, 0 } } },
		{ 0, 5200, 5300, 2, { { a, a + 1000, 1, 0 }, { a + 1000, a + 8000, 3, 0 } } },
	};
	struct heatmap_opts o = opts(5, 4);
	struct heatmap *h;

	write_rec(*state, s, 3, NULL, 0, 1000, 0);
	o.time_range = 1;
	o.time_lo_ns = 50;	/* relative to the first snapshot's start */
	o.time_hi_ns = 250;
	o.addr_range = 1;
	o.addr_lo = a + 2000;
	o.addr_hi = a + 6000;
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	assert_int_equal(h->t_start_ns, 5050);
	assert_int_equal(h->t_end_ns, 5250);
	assert_int_equal(h->rec_start_ns, 5000);
	assert_int_equal(h->ranges[0].start, a + 2000);
	assert_int_equal(h->ranges[0].end, a + 6000);
	check_against_reference(h, s, 3, 1000);
	heatmap_free(h);

	o.time_lo_ns = 400;	/* after the end */
	o.time_hi_ns = 500;
	assert_int_equal(heatmap_build(&h, *state, &o), -ENODATA);
	o.time_lo_ns = 50;
	o.time_hi_ns = 40;
	assert_int_equal(heatmap_build(&h, *state, &o), -EINVAL);
}

static void test_targets_are_stacked_or_chosen(void **state)
{
	const struct tsnap s[] = {
		{ 0, 0, 100, 1, { { 0x1000, 0x3000, 1, 0 } } },
		{ 1, 0, 100, 1, { { 0x1000, 0x3000, 6, 0 } } },
	};
	struct heatmap_opts o = opts(1, 4);
	struct heatmap *h;

	write_rec(*state, s, 2, NULL, 0, 1000, 0);
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	assert_int_equal(h->nr_ranges, 2);
	assert_int_equal(h->ranges[0].target, 0);
	assert_int_equal(h->ranges[1].target, 1);
	assert_near(heatmap_value(h, 0, 0), 1000);
	assert_near(heatmap_value(h, 0, 3), 6000);
	heatmap_free(h);
	o.target = 1;
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	assert_int_equal(h->nr_ranges, 1);
	check_against_reference(h, s, 2, 1000);
	heatmap_free(h);
	o.target = 7;
	assert_int_equal(heatmap_build(&h, *state, &o), -ENODATA);
}

static int damage_seen;

static void count_damage(void *arg, const struct dpf_damage *d)
{
	(void)arg;
	(void)d;
	damage_seen++;
}

static void test_damaged_files_give_partial_maps_or_clear_errors(void **state)
{
	struct tsnap s[12];
	struct heatmap_opts o = opts(4, 4);
	struct heatmap *h;
	char junk[] = "this is not a recording at all";
	off_t size;
	int fd;

	for (int i = 0; i < 12; i++)
		s[i] = (struct tsnap){ 0, i * 100, i * 100 + 100, 1, { { 0x1000, 0x5000, i, 0 } } };
	write_rec(*state, s, 12, NULL, 0, 1000, 1);
	o.damage = count_damage;
	/* flip bytes in the middle of the file: one chunk is lost, the rest is drawn */
	fd = open(*state, O_RDWR);
	assert_true(fd >= 0);
	size = lseek(fd, 0, SEEK_END);
	assert_int_equal(pwrite(fd, "\xff\xff\xff\xff", 4, size / 2), 4);
	damage_seen = 0;
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	assert_true(damage_seen >= 1);
	assert_true(h->nr_snapshots >= 6 && h->nr_snapshots < 12);
	heatmap_free(h);
	/* cut the tail off */
	assert_int_equal(ftruncate(fd, size * 2 / 3), 0);
	assert_int_equal(heatmap_build(&h, *state, &o), 0);
	assert_true(h->nr_snapshots < 12);
	heatmap_free(h);
	/* not a recording at all */
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 0), (ssize_t)sizeof(junk));
	close(fd);
	assert_int_equal(heatmap_build(&h, *state, &o), -EBADMSG);
	assert_int_equal(heatmap_build(&h, "/nonexistent/daprof.data", &o), -ENOENT);
}

static void test_a_recording_without_snapshots_has_no_map(void **state)
{
	struct heatmap_opts o = opts(4, 4);
	struct heatmap *h;

	write_rec(*state, NULL, 0, NULL, 0, 1000, 0);
	assert_int_equal(heatmap_build(&h, *state, &o), -ENODATA);
}

/* The daprof binary of this build: $DAPROF, else next to or above this test's build folder. */
static int find_daprof(char *out, size_t size)
{
	char self[4096], *cut;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *env = getenv("DAPROF");

	if (env && *env) {
		snprintf(out, size, "%s", env);
		return 0;
	}
	if (n <= 0)
		return -1;
	self[n] = '\0';
	cut = strstr(self, "/tests/unit/");
	if (!cut)
		return -1;
	*cut = '\0';	/* the build folder: build/asan holds daprof, build/plain's is ../../daprof */
	snprintf(out, size, "%s/daprof", self);
	if (access(out, X_OK))
		snprintf(out, size, "%s/../../daprof", self);
	return access(out, X_OK);
}

static void test_the_image_draws_the_hot_half_in_the_top_colour(void **state)
{
	const struct tsnap s[] = {
		{ 0, 0, 1000000, 2, { { 0x10000, 0x18000, 10, 0 }, { 0x18000, 0x20000, 0, 0 } } },
	};
	char daprof[4096], png_path[4200], cmd[8500];
	struct viz_colormap cm;
	png_image im = { .version = PNG_IMAGE_VERSION };
	uint8_t *rgb;
	int hot_top = -1, hot_bottom = -1, cold_top = -1, cold_bottom = -1;

	if (find_daprof(daprof, sizeof(daprof))) {
		skip();
		return;
	}
	write_rec(*state, s, 1, NULL, 0, 1000, 0);
	snprintf(png_path, sizeof(png_path), "%s.png", (char *)*state);
	snprintf(cmd, sizeof(cmd), "'%s' report heatmap -i '%s' -o '%s' 2>/dev/null", daprof,
		 (char *)*state, png_path);
	assert_int_equal(system(cmd), 0);
	assert_true(png_image_begin_read_from_file(&im, png_path));
	assert_int_equal(im.width, 1200);
	assert_int_equal(im.height, 800);
	im.format = PNG_FORMAT_RGB;
	rgb = malloc(PNG_IMAGE_SIZE(im));
	assert_true(png_image_finish_read(&im, NULL, rgb, 0, NULL));
	unlink(png_path);
	viz_colormap_init(&cm, VIZ_CMAP_VIRIDIS);
	/* down the middle column: the cold upper half in the lowest colour, the hot lower half
	 * (the only rate, so the highest) in the top colour, each about half the plot */
	for (int y = 0; y < 800; y++) {
		const uint8_t *p = rgb + (y * 1200 + 600) * 3;

		if (!memcmp(p, &cm.lut[VIZ_CMAP_SIZE - 1], 3)) {
			hot_top = hot_top < 0 ? y : hot_top;
			hot_bottom = y;
		}
		if (!memcmp(p, &cm.lut[0], 3)) {
			cold_top = cold_top < 0 ? y : cold_top;
			cold_bottom = y;
		}
	}
	free(rgb);
	assert_true(cold_top >= 0 && hot_top > cold_bottom);
	assert_true(hot_bottom - hot_top > 250);
	assert_true(abs((hot_bottom - hot_top) - (cold_bottom - cold_top)) <= 2);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tmpfile_setup, tmpfile_teardown)
	const struct CMUnitTest tests[] = {
		T(test_cells_hold_the_rates_worked_out_by_hand),
		T(test_cells_across_time_and_address_boundaries_are_weighted_means),
		T(test_a_snapshot_spanning_many_columns_fills_each_with_its_share),
		T(test_cells_never_monitored_are_nan),
		T(test_unknown_intervals_give_raw_access_counts),
		T(test_gaps_are_folded_away_and_small_ranges_get_readable_rows),
		cmocka_unit_test(test_fold_closes_the_smallest_gaps_of_one_target),
		cmocka_unit_test(test_rows_follow_size_with_a_minimum_and_add_up),
		T(test_ranges_are_named_from_the_memory_maps),
		T(test_unmapped_parts_of_monitored_ranges_are_folded_away),
		T(test_time_and_address_ranges_zoom),
		T(test_targets_are_stacked_or_chosen),
		T(test_damaged_files_give_partial_maps_or_clear_errors),
		T(test_a_recording_without_snapshots_has_no_map),
		T(test_the_image_draws_the_hot_half_in_the_top_colour),
	};

	return cmocka_run_group_tests_name("report/heatmap", tests, NULL, NULL);
}
