// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the heap-block replay (report/heap-sites.c) on recordings written here: blocks
 * live between their allocation and their free, an munmap range ending every block it touches,
 * a program start (exec) ending all of them, stacks merged across chunks, the page-sharing flag,
 * and a replay that goes back in time.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "format/dpf.h"
#include "report/heap-sites.h"
#include "tests/unit/test-tmp.h"

static const uint64_t fa[] = { 0x401000, 0x402000 };
static const uint64_t fb[] = { 0x403000 };

#define ALLOC(t, a, n, w, st) { .kind = DPF_HEAP_ALLOC, .time_ns = (t), .addr = (a), .size = (n), \
				.weight = (w), .stack = (st) }
#define FREE(t, a, n) { .kind = DPF_HEAP_FREE, .time_ns = (t), .addr = (a), .size = (n) }
#define START(t) { .kind = DPF_HEAP_START, .time_ns = (t) }

/* Two HEAP chunks: the second names stack fa as its stack 1, to be merged with the first's 0. */
static void write_file(const char *path)
{
	struct dpf_heap_stack s1[] = { { 2, fa }, { 1, fb } }, s2[] = { { 1, fb }, { 2, fa } };
	struct dpf_heap_event e1[] = {
		START(10),
		ALLOC(20, 0x10000, 0x2000, 0x2000, 0),	/* A: stack fa */
		ALLOC(30, 0x12000, 0x100, 0x8000, 1),	/* B: fb, sampled, A's neighbour */
		ALLOC(40, 0x20000, 0x4000, 0x4000, 1),	/* C: fb */
	};
	struct dpf_heap_event e2[] = {
		FREE(100, 0x12000, 0),		/* B ends */
		FREE(200, 0x1f000, 0x2000),	/* munmap over C's first page: C ends */
		ALLOC(250, 0x30000, 0x1000, 0x1000, 1),	/* D: fa (its stack 1 here) */
		START(300),			/* exec: A and D end */
		ALLOC(400, 0x50000, 0x1000, 0x1000, 0),	/* E: fb */
	};
	struct dpf_heap h1 = { .sample_bytes = 4096, .nr_stacks = 2, .stacks = s1, .nr_events = 4,
			       .events = e1 };
	struct dpf_heap h2 = { .sample_bytes = 4096, .recorded = 5, .lost_events = 2,
			       .nr_stacks = 2, .stacks = s2, .nr_events = 5, .events = e2 };
	struct dpf_writer *w;

	assert_int_equal(dpf_writer_open(&w, path, NULL, NULL), 0);
	assert_int_equal(dpf_writer_heap(w, &h1), 0);
	assert_int_equal(dpf_writer_heap(w, &h2), 0);
	assert_int_equal(dpf_writer_close(w), 0);
}

struct seen {
	int n;
	uint64_t addr[8], lo[8], hi[8], weight[8];
	uint32_t stack[8];
	int shares[8];
};

static int collect(void *arg, const struct heapsites_block *b, uint64_t lo, uint64_t hi)
{
	struct seen *s = arg;

	assert_true(s->n < 8);
	s->addr[s->n] = b->addr;
	s->lo[s->n] = lo;
	s->hi[s->n] = hi;
	s->weight[s->n] = b->weight;
	s->stack[s->n] = b->stack;
	s->shares[s->n] = b->shares_page;
	s->n++;
	return 0;
}

static struct seen at(struct heapsites *h, uint64_t t)
{
	struct seen s = { 0 };

	assert_int_equal(heapsites_at(h, t), 0);
	assert_int_equal(heapsites_cover(h, 0, 0, UINT64_MAX, collect, &s), 0);
	return s;
}

static void test_replay(void **state)
{
	struct heapsites *h;
	const uint64_t *f;
	struct seen s;

	write_file(*state);
	assert_int_equal(heapsites_load(&h, *state), 0);
	assert_int_equal(heapsites_stats(h)->nr_events, 9);
	assert_int_equal(heapsites_stats(h)->nr_allocs, 5);
	assert_int_equal(heapsites_stats(h)->nr_programs, 2);
	assert_int_equal(heapsites_stats(h)->nr_stacks, 2);	/* merged across the chunks */
	assert_int_equal(heapsites_stats(h)->lost_events, 2);	/* the last chunk's count */

	s = at(h, 50);				/* A, B, C, in address order */
	assert_int_equal(s.n, 3);
	assert_int_equal(s.addr[0], 0x10000);
	assert_int_equal(s.addr[1], 0x12000);
	assert_int_equal(s.weight[1], 0x8000);
	assert_int_equal(s.addr[2], 0x20000);
	assert_int_equal(heapsites_stack(h, s.stack[0], &f), 2);
	assert_int_equal(f[0], 0x401000);
	assert_int_equal(heapsites_stack(h, s.stack[1], &f), 1);
	/* A ends at 0x12000, where B starts: no page shared; C is alone */
	assert_false(s.shares[0] || s.shares[1] || s.shares[2]);

	s = at(h, 150);				/* B freed */
	assert_int_equal(s.n, 2);
	assert_int_equal(s.addr[1], 0x20000);

	s = at(h, 260);				/* C unmapped, D allocated with A's stack */
	assert_int_equal(s.n, 2);
	assert_int_equal(s.addr[0], 0x10000);
	assert_int_equal(s.addr[1], 0x30000);
	assert_int_equal(s.stack[1], s.stack[0]);

	s = at(h, 500);				/* exec: only E */
	assert_int_equal(s.n, 1);
	assert_int_equal(s.addr[0], 0x50000);

	s = at(h, 35);				/* back in time: A and B again */
	assert_int_equal(s.n, 2);
	heapsites_free(h);
}

static void test_cover_clips_and_flags_shared_pages(void **state)
{
	struct dpf_heap_stack st[] = { { 2, fa }, { 1, fb } };
	struct dpf_heap_event ev[] = {
		ALLOC(1, 0x10000, 0x1800, 0x1800, 0),	/* ends inside page 0x11000 */
		ALLOC(2, 0x11800, 0x100, 0x100, 1),	/* another stack in that page */
		ALLOC(3, 0x11900, 0x100, 0x100, 1),	/* the same stack: no new flag */
	};
	struct dpf_heap c = { .nr_stacks = 2, .stacks = st, .nr_events = 3, .events = ev };
	struct dpf_writer *w;
	struct heapsites *h;
	struct seen s = { 0 };

	assert_int_equal(dpf_writer_open(&w, *state, NULL, NULL), 0);
	assert_int_equal(dpf_writer_heap(w, &c), 0);
	assert_int_equal(dpf_writer_close(w), 0);
	assert_int_equal(heapsites_load(&h, *state), 0);
	assert_int_equal(heapsites_at(h, 10), 0);
	assert_int_equal(heapsites_cover(h, 0, 0x11000, 0x11880, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.lo[0], 0x11000);	/* clipped to the range */
	assert_int_equal(s.hi[0], 0x11800);
	assert_int_equal(s.lo[1], 0x11800);
	assert_int_equal(s.hi[1], 0x11880);
	assert_true(s.shares[0] && s.shares[1]);
	memset(&s, 0, sizeof(s));
	assert_int_equal(heapsites_cover(h, 1, 0, UINT64_MAX, collect, &s), 0);
	assert_int_equal(s.n, 0);		/* another target has none */
	heapsites_free(h);
}

static void test_no_heap_chunks(void **state)
{
	struct dpf_writer *w;
	struct heapsites *h;

	assert_int_equal(dpf_writer_open(&w, *state, NULL, NULL), 0);
	assert_int_equal(dpf_writer_close(w), 0);
	assert_int_equal(heapsites_load(&h, *state), 0);
	assert_int_equal(heapsites_stats(h)->nr_events, 0);
	heapsites_free(h);
	assert_int_equal(heapsites_load(&h, "/nonexistent/x.data"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replay, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_cover_clips_and_flags_shared_pages,
						tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_no_heap_chunks, tmpfile_setup, tmpfile_teardown),
	};

	return cmocka_run_group_tests_name("report/heap-sites", tests, NULL, NULL);
}
