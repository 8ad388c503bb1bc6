/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the heap-site preload library (record/heap/preload.c, loaded into the target) and the
 * recorder (record/heap-sites.c) say to each other. With record/heap/ring.h it is all the two
 * share: the library links nothing else of daprof's. Both map one memfd: a page of counters
 * that must survive the target's death (losses), then the ring of messages (ring.h), which
 * the target writes without a system call and never waits on.
 */
#ifndef RECORD_HEAP_PROTO_H
#define RECORD_HEAP_PROTO_H

#include <stdint.h>

/*
 * The environment variable that turns the library on: "SHMFD:PID:INO:SAMPLE_BYTES". SHMFD is
 * the shared memfd (inode INO, checked so that a reused descriptor number is never mapped), PID
 * the one process to record (its forked children stay silent). A killed recorder leaves the
 * ring to fill: the target loses messages and runs on.
 */
#define HEAP_ENV		"DAPROF_HEAP"
#define HEAP_LIB_NAME		"libdaprof-heap.so"
#define HEAP_MAX_FRAMES		48
/* the memfd's name, and how the target's memory map shows it (never monitored: procmaps.c) */
#define HEAP_SHM_NAME		"daprof-heap"
#define HEAP_SHM_PATH		"/memfd:" HEAP_SHM_NAME
#define HEAP_SHM_MAGIC		0x3250414548504144ull	/* "DAPHEAP2": the page and a ring */

enum heap_msg_type {
	HEAP_MSG_START = 1,	/* the library started in a (new) program: earlier blocks are gone */
	HEAP_MSG_ALLOC,		/* a recorded allocation and its stack */
	HEAP_MSG_FREE,		/* the free of a recorded block (size 0), or an munmap range */
};

struct heap_msg_hdr {
	uint16_t type;
	uint16_t len;		/* of the whole message */
	uint32_t nr_frames;	/* HEAP_MSG_ALLOC */
};

struct heap_msg {
	struct heap_msg_hdr h;
	uint64_t time_ns;	/* CLOCK_MONOTONIC */
	uint64_t addr;
	uint64_t size;		/* START: the sampling rate in bytes */
	uint64_t weight;	/* bytes the allocation stands for (>= size for a sampled one) */
	uint64_t frames[HEAP_MAX_FRAMES];	/* return addresses, innermost first */
};

#define HEAP_MSG_BASE_LEN	((uint16_t)(sizeof(struct heap_msg) - HEAP_MAX_FRAMES * 8))

/*
 * The shared page: counters the library adds to and the recorder reads at any time, and the
 * ring's head, which the producers share. The ring's slots follow at HEAP_SHM_RING_OFF.
 */
struct heap_shared {
	uint64_t magic;
	uint64_t lost_events;	/* messages not written: the ring was full */
	uint64_t lost_untracked;	/* recorded blocks whose free cannot be seen (table full) */
	uint64_t lost_reentrant;	/* large allocations made while the library was busy on
					 * the same thread (a signal handler) and not recorded */
	uint64_t recorded;	/* ALLOC messages written */
	uint64_t ring_head __attribute__((aligned(64)));	/* the next position to reserve */
};

#define HEAP_SHM_RING_OFF	4096u

#endif /* RECORD_HEAP_PROTO_H */
