// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of report/hot-defer.c: the deferred sums give every object the numbers of the
 * per-snapshot arithmetic. Snapshots over the symbols fixture prog-pie (tests/symbols/prog.c,
 * whose text holds several functions) are measured with the deferred sums and without them
 * (hot_opts.no_defer); every object's numbers must agree, including its state "now" after
 * whole, cut and whole covers. The first window stretched to 150 ms of its 100 ms interval: its
 * rate is still nr_accesses over 100 ms (design note 48), on both paths.
 */
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "format/dpf.h"
#include "report/hot.h"
#include "report/session.h"
#include "test-tmp.h"

#define MS 1000000ull
#define BASE 0x555555554000ull
#define TEXT (BASE + 0x1000)

static char prog[PATH_MAX];

struct snap {
	uint32_t nr;
	struct dpf_region r[4];
};

/* text whole, idle; cut in two (a function partly in each); whole; whole and idle for long */
static const uint64_t span_ms[] = { 150, 100, 100, 100, 100 };
static const struct snap snaps[] = {
	{ 2, { { TEXT, TEXT + 0x1000, 3, 0 }, { BASE + 0x6000, BASE + 0x106000, 1, 0 } } },
	{ 2, { { TEXT, TEXT + 0x1000, 0, 1 }, { BASE + 0x6000, BASE + 0x106000, 0, 1 } } },
	{ 3, { { TEXT, TEXT + 0x7c0, 5, 0 }, { TEXT + 0x7c0, TEXT + 0x1000, 0, 2 },
	       { BASE + 0x6000, BASE + 0x206000, 2, 0 } } },
	{ 2, { { TEXT, TEXT + 0x1000, 0, 3 }, { BASE + 0x6000, BASE + 0x206000, 0, 1 } } },
	{ 2, { { TEXT, TEXT + 0x1000, 0, 40 }, { BASE + 0x6000, BASE + 0x206000, 0, 2 } } },
};

static void write_rec(const char *path, size_t nr_snaps)
{
	struct dpf_writer_opts o = { .level = 1 };
	struct dpf_mapping m[] = {
		{ .start = BASE, .end = BASE + 0x1000, .offset = 0, .perms = DPF_MAP_READ, .path = prog },
		{ .start = TEXT, .end = TEXT + 0x1000, .offset = 0x1000,
		  .perms = DPF_MAP_READ | DPF_MAP_EXEC, .path = prog },
		{ .start = BASE + 0x2000, .end = BASE + 0x4000, .offset = 0x2000, .perms = DPF_MAP_READ,
		  .path = prog },
		{ .start = BASE + 0x4000, .end = BASE + 0x6000, .offset = 0x3000,
		  .perms = DPF_MAP_READ | DPF_MAP_WRITE, .path = prog },
		{ .start = BASE + 0x6000, .end = BASE + 0x206000, .perms = DPF_MAP_READ | DPF_MAP_WRITE,
		  .path = "" },
	};
	struct dpf_maps mp = { .target = 0, .time_ns = 0, .nr = 5, .maps = m };
	struct dpf_writer *w;
	struct dpf_meta meta;
	uint64_t t = 1000 * MS;

	dpf_meta_init(&meta);
	dpf_meta_set(&meta, "backend", "test");
	dpf_meta_set(&meta, "ops", "vaddr");
	dpf_meta_set(&meta, "aggr_us", "100000");
	assert_int_equal(dpf_writer_open(&w, path, &o, &meta), 0);
	assert_int_equal(dpf_writer_maps(w, &mp), 0);
	for (size_t i = 0; i < nr_snaps; i++) {
		struct dpf_region r[5];
		struct dpf_snapshot s = { .start_ns = t, .end_ns = t + span_ms[i] * MS,
					  .regions = r };
		uint32_t n = 0;

		r[n++] = (struct dpf_region){ 0x10000, 0x11000, 1, 0 };	/* unmapped */
		for (uint32_t k = 0; k < snaps[i].nr; k++)
			r[n++] = snaps[i].r[k];
		s.nr_regions = n;
		assert_int_equal(dpf_writer_snapshot(w, &s), 0);
		t = s.end_ns;
	}
	assert_int_equal(dpf_writer_close(w), 0);
	dpf_meta_release(&meta);
}

static struct hot *build(void **state, int no_defer, size_t nr_snaps, const char *name)
{
	struct hot_opts o = HOT_OPTS_INIT;
	struct session *s;
	struct hot *h;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.data", (char *)*state, name);
	write_rec(path, nr_snaps);
	o.idle_ns = 300 * MS;
	o.no_defer = no_defer;
	assert_int_equal(session_open(&s, path, NULL), 0);
	assert_int_equal(hot_build(&h, s, &o), 0);
	session_close(s);
	hot_rank(h, 0);
	return h;
}

static int near(double a, double b)
{
	return fabs(a - b) <= 1e-9 * (fabs(a) > fabs(b) ? fabs(a) : fabs(b));
}

static const struct hot_object *find(const struct hot *h, const char *name)
{
	for (size_t i = 0; i < h->nr; i++)
		if (!strcmp(h->obj[i].name, name))
			return &h->obj[i];
	return NULL;
}

/* Every object of @a is in @b with the same numbers; return how many are whole-covered ones. */
static size_t same_numbers(const struct hot *a, const struct hot *b)
{
	size_t functions = 0;

	assert_int_equal(a->nr, b->nr);
	assert_true(near(a->total_byte_s, b->total_byte_s));
	assert_true(near(a->total_heat, b->total_heat));
	for (size_t i = 0; i < a->nr; i++) {
		const struct hot_object *x = &a->obj[i], *y = find(b, x->name);

		assert_non_null(y);
		if (!near(x->byte_s, y->byte_s) || !near(x->heat, y->heat) ||
		    !near(x->hot_byte_s, y->hot_byte_s) || !near(x->idle_byte_s, y->idle_byte_s) ||
		    x->observed_ns != y->observed_ns || x->bytes != y->bytes ||
		    x->idle_ns != y->idle_ns || x->idle_bytes != y->idle_bytes ||
		    x->shares != y->shares)
			fail_msg("%s: byte_s %g/%g heat %g/%g hot %g/%g idle %g/%g observed %llu/%llu "
				 "bytes %llu/%llu idle_ns %llu/%llu idle_bytes %llu/%llu shares %d/%d",
				 x->name, x->byte_s, y->byte_s, x->heat, y->heat, x->hot_byte_s,
				 y->hot_byte_s, x->idle_byte_s, y->idle_byte_s,
				 (unsigned long long)x->observed_ns, (unsigned long long)y->observed_ns,
				 (unsigned long long)x->bytes, (unsigned long long)y->bytes,
				 (unsigned long long)x->idle_ns, (unsigned long long)y->idle_ns,
				 (unsigned long long)x->idle_bytes, (unsigned long long)y->idle_bytes,
				 x->shares, y->shares);
		functions += !strcmp(x->kind, "function");
	}
	return functions;
}

static void test_deferred_sums_are_the_per_snapshot_ones(void **state)
{
	/* ending after each snapshot: the state "now" after a whole, a cut and a whole cover */
	for (size_t n = 1; n <= sizeof(snaps) / sizeof(*snaps); n++) {
		char a[16], b[16];
		struct hot *deferred, *plain;

		snprintf(a, sizeof(a), "defer%zu", n);
		snprintf(b, sizeof(b), "plain%zu", n);
		deferred = build(state, 0, n, a);
		plain = build(state, 1, n, b);
		assert_true(same_numbers(deferred, plain) >= 3);
		hot_free(deferred);
		hot_free(plain);
	}
}

static void test_idle_now_is_the_last_cover(void **state)
{
	struct hot *h = build(state, 0, sizeof(snaps) / sizeof(*snaps), "last");
	const struct hot_object *o = find(h, "work");

	assert_non_null(o);
	/* the last snapshot: idle for 40 intervals of 100 ms, above the 300 ms threshold */
	assert_int_equal(o->idle_ns, 4000 * MS);
	assert_int_equal(o->idle_bytes, o->bytes);
	assert_int_equal(o->observed_ns, 550 * MS);
	hot_free(h);
}

static void test_stretched_window_keeps_the_rate_in_force(void **state)
{
	for (int no_defer = 0; no_defer <= 1; no_defer++) {
		struct hot *h = build(state, no_defer, 1, no_defer ? "plain" : "defer");
		size_t functions = 0;

		/* nr_accesses 3 over the 100 ms in force, not over the 150 ms the window took */
		for (size_t i = 0; i < h->nr; i++) {
			if (strcmp(h->obj[i].kind, "function"))
				continue;
			if (!near(hot_rate_hz(&h->obj[i]), 30))
				fail_msg("%s: %g Hz", h->obj[i].name, hot_rate_hz(&h->obj[i]));
			assert_true(near(h->obj[i].byte_s, (double)h->obj[i].bytes * 0.15));
			functions++;
		}
		assert_true(functions >= 3);
		hot_free(h);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_deferred_sums_are_the_per_snapshot_ones,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_idle_now_is_the_last_cover, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_stretched_window_keeps_the_rate_in_force,
						tmpdir_setup, tmpdir_teardown),
	};
	char self[PATH_MAX];

	(void)argc;
	if (!realpath(argv[0], self))
		return 1;
	snprintf(prog, sizeof(prog), "%s/../symbols/prog-pie", dirname(self));
	if (access(prog, R_OK)) {
		fprintf(stderr, "report-hot-defer: no fixture %s (make test-bins)\n", prog);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
