// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the heap-site ring (record/heap/ring.h): messages come out whole and in order
 * over many laps; a full ring refuses (a loss the library counts) and takes messages again
 * once read; a slot reserved and never written holds the reader only for its patience, after
 * which it is skipped and counted, while a slot written just in time is read; and messages of
 * producers on several threads, racing for a small ring, come out once each and in each
 * thread's order.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "record/heap/ring.h"

#define NR 16u		/* a small ring: laps and fullness come quickly */

struct ring {
	uint64_t head;
	struct heap_slot slots[NR];
	struct heap_ring_reader r;
};

static void ring_init(struct ring *q)
{
	memset(q, 0, sizeof(*q));
	heap_ring_init(q->slots, NR);
}

static void make_msg(struct heap_msg *m, uint64_t addr, uint32_t frames)
{
	memset(m, 0, sizeof(*m));
	m->h.type = HEAP_MSG_ALLOC;
	m->h.nr_frames = frames;
	m->h.len = HEAP_MSG_BASE_LEN + frames * 8;
	m->addr = addr;
	for (uint32_t i = 0; i < frames; i++)
		m->frames[i] = addr * 100 + i;
}

static int get(struct ring *q, uint64_t now, struct heap_msg *out)
{
	return heap_ring_get(&q->r, &q->head, q->slots, NR, now, 1000, out);
}

static void test_in_order_over_laps(void **state)
{
	struct ring *q = malloc(sizeof(*q));
	struct heap_msg m, out;
	uint64_t next = 0;

	(void)state;
	ring_init(q);
	assert_int_equal(get(q, 1, &out), 0);	/* empty */
	assert_true(heap_ring_empty(&q->r, &q->head));
	for (uint64_t i = 0; i < 5 * NR; i++) {
		make_msg(&m, i, (uint32_t)(i % (HEAP_MAX_FRAMES + 1)));
		assert_int_equal(heap_ring_put(&q->head, q->slots, NR, &m), 0);
		if (i % 3 == 2) {	/* read in bursts: positions wrap at different points */
			while (get(q, 1, &out)) {
				assert_int_equal(out.addr, next);
				assert_int_equal(out.h.nr_frames, next % (HEAP_MAX_FRAMES + 1));
				assert_int_equal(out.h.len, HEAP_MSG_BASE_LEN + out.h.nr_frames * 8);
				if (out.h.nr_frames)
					assert_int_equal(out.frames[out.h.nr_frames - 1],
							 next * 100 + out.h.nr_frames - 1);
				next++;
			}
		}
	}
	while (get(q, 1, &out))
		assert_int_equal(out.addr, next++);
	assert_int_equal(next, 5 * NR);
	assert_int_equal(q->r.skipped, 0);
	free(q);
}

static void test_full(void **state)
{
	struct ring *q = malloc(sizeof(*q));
	struct heap_msg m, out;

	(void)state;
	ring_init(q);
	for (uint64_t i = 0; i < NR; i++) {
		make_msg(&m, i, 1);
		assert_int_equal(heap_ring_put(&q->head, q->slots, NR, &m), 0);
	}
	make_msg(&m, 99, 1);
	assert_int_equal(heap_ring_put(&q->head, q->slots, NR, &m), -1);	/* full */
	assert_int_equal(q->head, NR);	/* a refused message reserves nothing */
	assert_int_equal(get(q, 1, &out), 1);
	assert_int_equal(out.addr, 0);
	assert_int_equal(heap_ring_put(&q->head, q->slots, NR, &m), 0);	/* room again */
	for (uint64_t i = 1; i < NR; i++) {
		assert_int_equal(get(q, 1, &out), 1);
		assert_int_equal(out.addr, i);
	}
	assert_int_equal(get(q, 1, &out), 1);
	assert_int_equal(out.addr, 99);
	assert_int_equal(get(q, 1, &out), 0);
	free(q);
}

/* A producer that reserved position 0 and never wrote it (its program exec'd). */
static void test_abandoned_slot(void **state)
{
	struct ring *q = malloc(sizeof(*q));
	struct heap_msg m, out;
	uint64_t pos = 0;

	(void)state;
	ring_init(q);
	assert_true(__atomic_compare_exchange_n(&q->head, &pos, 1, 0, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST));
	make_msg(&m, 7, 2);
	assert_int_equal(heap_ring_put(&q->head, q->slots, NR, &m), 0);	/* position 1 */
	assert_int_equal(get(q, 5000, &out), 0);	/* first seen reserved */
	assert_int_equal(get(q, 5999, &out), 0);	/* within its patience */
	assert_int_equal(q->r.skipped, 0);
	assert_int_equal(get(q, 6000, &out), 1);	/* given up: the next is read */
	assert_int_equal(out.addr, 7);
	assert_int_equal(q->r.skipped, 1);
	assert_int_equal(get(q, 6000, &out), 0);
	assert_true(heap_ring_empty(&q->r, &q->head));
	/* the slot serves its next lap */
	for (uint64_t i = 0; i < NR; i++) {
		make_msg(&m, 100 + i, 0);
		assert_int_equal(heap_ring_put(&q->head, q->slots, NR, &m), 0);
	}
	for (uint64_t i = 0; i < NR; i++) {
		assert_int_equal(get(q, 6000, &out), 1);
		assert_int_equal(out.addr, 100 + i);
	}
	free(q);
}

/* A producer slow to write its slot, but within the reader's patience: nothing is lost. */
static void test_slow_slot(void **state)
{
	struct ring *q = malloc(sizeof(*q));
	struct heap_msg out;
	uint64_t pos = 0;

	(void)state;
	ring_init(q);
	assert_true(__atomic_compare_exchange_n(&q->head, &pos, 1, 0, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST));
	assert_int_equal(get(q, 5000, &out), 0);
	make_msg(&q->slots[0].msg, 42, 3);	/* written, then committed as put() does */
	__atomic_store_n(&q->slots[0].seq, 1, __ATOMIC_RELEASE);
	assert_int_equal(get(q, 9000, &out), 1);	/* past its patience, but written */
	assert_int_equal(out.addr, 42);
	assert_int_equal(q->r.skipped, 0);
	free(q);
}

#define PRODUCERS	4
#define PER_PRODUCER	20000u

struct shared_ring {
	uint64_t head;
	struct heap_slot *slots;
	uint64_t full[PRODUCERS];	/* puts refused */
};

struct producer {
	struct shared_ring *q;
	int id;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	struct heap_msg m;

	/* every message again until it goes in: all of them must come out, once, in order */
	for (uint32_t i = 0; i < PER_PRODUCER; i++) {
		make_msg(&m, ((uint64_t)p->id << 32) | i, i % 4);
		while (heap_ring_put(&p->q->head, p->q->slots, 64, &m))
			p->q->full[p->id]++;
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct shared_ring q = { 0 };
	struct heap_ring_reader r = { 0 };
	struct producer pr[PRODUCERS];
	pthread_t th[PRODUCERS];
	uint64_t got[PRODUCERS] = { 0 }, last[PRODUCERS], total = 0, full = 0;
	struct heap_msg out;

	(void)state;
	q.slots = calloc(64, sizeof(*q.slots));
	assert_non_null(q.slots);
	heap_ring_init(q.slots, 64);
	for (int i = 0; i < PRODUCERS; i++) {
		last[i] = UINT64_MAX;
		pr[i] = (struct producer){ &q, i };
		assert_int_equal(pthread_create(&th[i], NULL, produce, &pr[i]), 0);
	}
	while (total < (uint64_t)PRODUCERS * PER_PRODUCER) {
		while (heap_ring_get(&r, &q.head, q.slots, 64, 1, UINT64_MAX, &out)) {
			int id = (int)(out.addr >> 32);
			uint64_t seq = out.addr & 0xffffffffu;

			assert_true(id >= 0 && id < PRODUCERS);
			assert_true(last[id] == UINT64_MAX || seq > last[id]);	/* in order */
			assert_int_equal(out.h.nr_frames, seq % 4);
			last[id] = seq;
			got[id]++;
			total++;
		}
	}
	for (int i = 0; i < PRODUCERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(got[i], PER_PRODUCER);
		full += q.full[i];
	}
	assert_int_equal(r.skipped, 0);
	assert_true(heap_ring_empty(&r, &q.head));
	assert_true(full > 0);	/* the ring was full at times: the test went round it */
	free(q.slots);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_over_laps),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_abandoned_slot),
		cmocka_unit_test(test_slow_slot),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
