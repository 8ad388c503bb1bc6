/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring that carries the heap-site library's messages to the recorder (record/heap/proto.h
 * says what they are): slots in memory that the target and the recorder share (a memfd), so
 * that recording an allocation costs the target no system call and never blocks it.
 *
 * Many producers (the target's threads and signal handlers), one consumer (the recorder's
 * reader thread); fixed-size slots, each with a sequence number (D. Vyukov's bounded queue):
 * slot i of lap L holds seq = L * n + i when free for a producer, + 1 when its message is
 * ready. A producer reserves a position with one compare-and-swap on the shared head and
 * never waits: a slot still unread from the last lap means "full", a lost message the caller
 * counts. A producer that never finishes (its program exec'd, or a signal handler longjmp'd
 * out of the library) would stop the consumer for good; the consumer waits @patience_ns for a
 * reserved slot and then moves past it, and the producer commits with a compare-and-swap, so
 * that a late one finds its slot taken back and counts its message lost instead of corrupting
 * the sequence (design note 54).
 *
 * Both sides include this header: the library (which may use nothing else of daprof's but
 * proto.h) and record/heap-sites.c. Plain uint64_t fields and __atomic builtins, so that the
 * layout is the same for both and for the recorder, which must not trust it (the target can
 * write over shared memory): the consumer copies a message out before anyone checks it.
 */
#ifndef RECORD_HEAP_RING_H
#define RECORD_HEAP_RING_H

#include <stdint.h>
#include <string.h>

#include "record/heap/proto.h"

#define HEAP_RING_SLOTS		(1u << 12)	/* 1.75 MiB of 448-byte slots */

/* Cache-line aligned, so that a producer and the reader at neighbouring slots share no line. */
struct heap_slot {
	uint64_t seq;
	struct heap_msg msg;
} __attribute__((aligned(64)));

/* The memfd both sides map: the page of struct heap_shared, then the slots. */
#define HEAP_SHM_SIZE	(HEAP_SHM_RING_OFF + (uint64_t)HEAP_RING_SLOTS * sizeof(struct heap_slot))

/* The consumer's own state (in the recorder, out of the target's reach). */
struct heap_ring_reader {
	uint64_t tail;		/* the next position to read */
	uint64_t stuck_since;	/* when the slot at tail was first seen reserved, unwritten */
	uint64_t skipped;	/* reserved slots given up on: lost messages */
};

/* heap_ring_init() - make @nr (a power of two) slots free for lap 0, before any producer. */
static inline void heap_ring_init(struct heap_slot *slots, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++)
		__atomic_store_n(&slots[i].seq, i, __ATOMIC_RELAXED);
}

/*
 * heap_ring_put() - write message @m (@m->h.len bytes) into the ring of @nr @slots whose
 * producers share *@head. Lock-free and async-signal-safe; never waits.
 * Return: 0 written, -1 lost (the ring is full, or the consumer gave up on the slot).
 */
static inline int heap_ring_put(uint64_t *head, struct heap_slot *slots, uint32_t nr,
				const struct heap_msg *m)
{
	uint64_t pos = __atomic_load_n(head, __ATOMIC_RELAXED), want;
	struct heap_slot *s;

	for (;;) {
		uint64_t seq;

		s = &slots[pos & (nr - 1)];
		seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		if (seq == pos) {
			if (__atomic_compare_exchange_n(head, &pos, pos + 1, 1, __ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
				break;	/* else pos is the head now: try again there */
		} else if ((int64_t)(seq - pos) < 0) {
			return -1;	/* last lap's message is still unread: full */
		} else {
			pos = __atomic_load_n(head, __ATOMIC_RELAXED);	/* taken: move on */
		}
	}
	memcpy(&s->msg, m, m->h.len);
	want = pos;
	return __atomic_compare_exchange_n(&s->seq, &want, pos + 1, 0, __ATOMIC_RELEASE,
					   __ATOMIC_RELAXED) ? 0 : -1;
}

/*
 * heap_ring_get() - the next message, copied into @out (unchecked: the caller checks it).
 * @now_ns is the caller's clock; a slot reserved and unwritten for @patience_ns is skipped
 * (counted in @r->skipped). Return: 1 a message, 0 none ready now.
 */
static inline int heap_ring_get(struct heap_ring_reader *r, uint64_t *head,
				struct heap_slot *slots, uint32_t nr, uint64_t now_ns,
				uint64_t patience_ns, struct heap_msg *out)
{
	for (;;) {
		struct heap_slot *s = &slots[r->tail & (nr - 1)];
		uint64_t seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);

		if (seq == r->tail + 1) {
			uint16_t len;

			/* only the lines written: the others stay in the producers' caches */
			memcpy(&out->h, &s->msg.h, sizeof(out->h));
			len = out->h.len;
			memcpy(out, &s->msg, len < sizeof(*out) ? len : sizeof(*out));
			__atomic_store_n(&s->seq, r->tail + nr, __ATOMIC_RELEASE);
			r->tail++;
			r->stuck_since = 0;
			return 1;
		}
		if (__atomic_load_n(head, __ATOMIC_ACQUIRE) == r->tail)
			return 0;	/* nothing reserved: empty */
		if (!r->stuck_since) {
			r->stuck_since = now_ns ? now_ns : 1;
			return 0;
		}
		if (now_ns - r->stuck_since < patience_ns)
			return 0;	/* a producer is writing it: wait */
		/* give the slot up, unless its message came just now (then read it) */
		if (__atomic_compare_exchange_n(&s->seq, &seq, r->tail + nr, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			r->tail++;
			r->skipped++;
			r->stuck_since = 0;
		}
	}
}

/* heap_ring_empty() - nothing reserved past what the reader has read. */
static inline int heap_ring_empty(const struct heap_ring_reader *r, uint64_t *head)
{
	return __atomic_load_n(head, __ATOMIC_ACQUIRE) == r->tail;
}

#endif /* RECORD_HEAP_RING_H */
