// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the HEAP chunk (format/heap.c): a round trip through the writer and the reader,
 * a reader that did not ask for heap sites passing over them as an older reader does, the
 * writer's refusals, and hostile payloads (counts past the bytes, stack indexes out of range,
 * too many frames) turned into damage, never into a crash or a large allocation. With
 * DAPROF_WRITE_SEED=PATH it writes the file instead: the fuzz seed
 * tests/fuzz/corpus/recording/heap.data and the golden tests/data/format-1.1-heap.data.
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

#include "format/codec.h"
#include "tests/unit/test-tmp.h"

static const uint64_t frames_a[] = { 0x401234, 0x401100, 0x7f0000012345 };
static const uint64_t frames_b[] = { 0x402000 };

static void sample_heap(struct dpf_heap *h, struct dpf_heap_stack *st, struct dpf_heap_event *ev)
{
	memset(h, 0, sizeof(*h));
	st[0] = (struct dpf_heap_stack){ 3, frames_a };
	st[1] = (struct dpf_heap_stack){ 1, frames_b };
	ev[0] = (struct dpf_heap_event){ .kind = DPF_HEAP_START, .time_ns = 1000 };
	ev[1] = (struct dpf_heap_event){ .kind = DPF_HEAP_ALLOC, .stack = 1, .time_ns = 2000,
					 .addr = 0x7f0000100000, .size = 1 << 20,
					 .weight = 1 << 20 };
	/* a later thread's event can carry an earlier time: the delta goes negative */
	ev[2] = (struct dpf_heap_event){ .kind = DPF_HEAP_ALLOC, .stack = 0, .time_ns = 1500,
					 .addr = 0x5555000010, .size = 48, .weight = 524312 };
	ev[3] = (struct dpf_heap_event){ .kind = DPF_HEAP_FREE, .time_ns = 3000,
					 .addr = 0x5555000010 };
	ev[4] = (struct dpf_heap_event){ .kind = DPF_HEAP_FREE, .time_ns = 4000,
					 .addr = 0x7f0000100000, .size = 1 << 20 };
	h->target = 0;
	h->sample_bytes = 524288;
	h->recorded = 2;
	h->lost_events = 7;
	h->lost_untracked = 1;
	h->lost_reentrant = 3;
	h->nr_stacks = 2;
	h->stacks = st;
	h->nr_events = 5;
	h->events = ev;
}

static void write_recording(const char *path, int with_heap)
{
	struct dpf_region reg = { 0x1000, 0x3000, 5, 1 };
	struct dpf_snapshot s = { .target = 0, .start_ns = 0, .end_ns = 100, .nr_regions = 1,
				  .regions = &reg };
	struct dpf_heap_stack st[2];
	struct dpf_heap_event ev[5];
	struct dpf_writer *w;
	struct dpf_heap h;

	sample_heap(&h, st, ev);
	assert_int_equal(dpf_writer_open(&w, path, NULL, NULL), 0);
	assert_int_equal(dpf_writer_snapshot(w, &s), 0);
	if (with_heap)
		assert_int_equal(dpf_writer_heap(w, &h), 0);
	s.start_ns = 100;
	s.end_ns = 200;
	assert_int_equal(dpf_writer_snapshot(w, &s), 0);
	assert_int_equal(dpf_writer_close(w), 0);
}

/* The file at @path holds write_recording()'s chunks, heap sites included, as minor @want_minor. */
static void check_recording(const char *path, unsigned want_minor)
{
	struct dpf_reader *r;
	struct dpf_event e;
	int heaps = 0, snaps = 0;
	unsigned major, minor;

	assert_int_equal(dpf_reader_open(&r, path), 0);
	dpf_reader_version(r, &major, &minor);
	assert_int_equal(minor, want_minor);
	dpf_reader_want_heap(r, 1);
	while (dpf_reader_next(r, &e) > 0) {
		snaps += e.type == DPF_EV_SNAPSHOT;
		assert_int_not_equal(e.type, DPF_EV_DAMAGE);
		if (e.type != DPF_EV_HEAP)
			continue;
		heaps++;
		assert_int_equal(e.heap.sample_bytes, 524288);
		assert_int_equal(e.heap.recorded, 2);
		assert_int_equal(e.heap.lost_events, 7);
		assert_int_equal(e.heap.lost_untracked, 1);
		assert_int_equal(e.heap.lost_reentrant, 3);
		assert_int_equal(e.heap.nr_stacks, 2);
		assert_int_equal(e.heap.stacks[0].nr, 3);
		assert_memory_equal(e.heap.stacks[0].frames, frames_a, sizeof(frames_a));
		assert_int_equal(e.heap.stacks[1].frames[0], 0x402000);
		assert_int_equal(e.heap.nr_events, 5);
		assert_int_equal(e.heap.events[0].kind, DPF_HEAP_START);
		assert_int_equal(e.heap.events[1].stack, 1);
		assert_int_equal(e.heap.events[1].weight, 1 << 20);
		assert_int_equal(e.heap.events[2].time_ns, 1500);
		assert_int_equal(e.heap.events[2].weight, 524312);
		assert_int_equal(e.heap.events[2].addr, 0x5555000010);
		assert_int_equal(e.heap.events[3].kind, DPF_HEAP_FREE);
		assert_int_equal(e.heap.events[3].size, 0);
		assert_int_equal(e.heap.events[4].size, 1 << 20);
	}
	assert_int_equal(heaps, 1);
	assert_int_equal(snaps, 2);
	dpf_reader_close(r);
}

static void test_round_trip(void **state)
{
	write_recording(*state, 1);
	check_recording(*state, DPF_MINOR);
}

/* The first file with heap sites, as 1.1 wrote it (made with DAPROF_WRITE_SEED), read forever. */
static void test_golden_1_1_reads_forever(void **state)
{
	(void)state;
	check_recording("tests/data/format-1.1-heap.data", 1);
}

/* A reader that does not ask sees the file as a 1.0 reader does: the same snapshots, no damage. */
static void test_skipped_unless_asked(void **state)
{
	struct dpf_reader *r;
	struct dpf_event e;
	int snaps = 0;

	write_recording(*state, 1);
	assert_int_equal(dpf_reader_open(&r, *state), 0);
	while (dpf_reader_next(r, &e) > 0) {
		assert_true(e.type == DPF_EV_SNAPSHOT || e.type == DPF_EV_RUSAGE);
		snaps++;
	}
	assert_int_equal(snaps, 2);
	dpf_reader_close(r);
}

static void test_writer_refuses_bad_chunks(void **state)
{
	struct dpf_heap_stack st[2];
	struct dpf_heap_event ev[5];
	struct dpf_writer *w;
	struct dpf_heap h;

	sample_heap(&h, st, ev);
	assert_int_equal(dpf_writer_open(&w, *state, NULL, NULL), 0);
	ev[1].stack = 2;	/* past the stacks */
	assert_int_equal(dpf_writer_heap(w, &h), -EINVAL);
	ev[1].stack = 1;
	ev[1].kind = 9;
	assert_int_equal(dpf_writer_heap(w, &h), -EINVAL);
	ev[1].kind = DPF_HEAP_ALLOC;
	st[0].nr = DPF_HEAP_MAX_FRAMES + 1;
	assert_int_equal(dpf_writer_heap(w, &h), -EINVAL);
	st[0].nr = 3;
	assert_int_equal(dpf_writer_heap(w, &h), 0);	/* the file is still fine */
	assert_int_equal(dpf_writer_close(w), 0);
}

/* Decode @payload (built with dpf_buf_uvarint) and expect @want. */
static void expect_decode(const struct dpf_buf *b, int want)
{
	struct dpf_cursor c = { b->data, b->data + b->len, 0 };
	struct dpf_heap h;

	assert_int_equal(dpf_decode_heap(&c, &h), want);
	if (!want)
		dpf_heap_release(&h);
	else
		assert_null(h.events);
}

static void header(struct dpf_buf *b, uint64_t nr_stacks)
{
	b->len = 0;
	for (int i = 0; i < 6; i++)
		dpf_buf_uvarint(b, i == 0 ? 0 : 1);	/* target, rate, counts */
	dpf_buf_uvarint(b, nr_stacks);
}

static void test_hostile_payloads(void **state)
{
	struct dpf_buf b = { 0 };

	(void)state;
	header(&b, 1);
	dpf_buf_uvarint(&b, 1);		/* one stack of one frame */
	dpf_buf_uvarint(&b, 0x80);
	dpf_buf_uvarint(&b, 1);		/* one event */
	dpf_buf_uvarint(&b, DPF_HEAP_ALLOC);
	dpf_buf_uvarint(&b, 10);
	dpf_buf_uvarint(&b, 0x1000);
	dpf_buf_uvarint(&b, 64);
	dpf_buf_uvarint(&b, 64);
	dpf_buf_uvarint(&b, 0);		/* stack 0: fine */
	expect_decode(&b, 0);
	b.data[b.len - 1] = 1;		/* stack 1 of 1 */
	expect_decode(&b, -EBADMSG);
	b.data[b.len - 1] = 0;
	dpf_buf_uvarint(&b, 0);		/* a trailing byte */
	expect_decode(&b, -EBADMSG);

	header(&b, 1000000000);		/* a billion stacks in a few bytes */
	expect_decode(&b, -EBADMSG);
	header(&b, 1);
	dpf_buf_uvarint(&b, DPF_HEAP_MAX_FRAMES + 1);	/* too many frames */
	for (int i = 0; i <= DPF_HEAP_MAX_FRAMES; i++)
		dpf_buf_uvarint(&b, 1);
	dpf_buf_uvarint(&b, 0);
	expect_decode(&b, -EBADMSG);
	header(&b, 0);
	dpf_buf_uvarint(&b, 1u << 30);	/* a billion events in a few bytes */
	expect_decode(&b, -EBADMSG);
	header(&b, 0);
	dpf_buf_uvarint(&b, 1);
	dpf_buf_uvarint(&b, 7);		/* an unknown kind */
	for (int i = 0; i < 3; i++)
		dpf_buf_uvarint(&b, 1);
	expect_decode(&b, -EBADMSG);
	b.len = 3;			/* cut short */
	expect_decode(&b, -EBADMSG);
	free(b.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_skipped_unless_asked, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_writer_refuses_bad_chunks, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test(test_hostile_payloads),
		cmocka_unit_test(test_golden_1_1_reads_forever),
	};

	if (getenv("DAPROF_WRITE_SEED")) {
		write_recording(getenv("DAPROF_WRITE_SEED"), 1);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
