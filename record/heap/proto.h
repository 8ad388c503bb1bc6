/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the heap-site preload library (record/heap/preload.c, loaded into the target) and the
 * recorder (record/heap-sites.c) say to each other. It is the only file the two share: the
 * library links nothing else of daprof's. Messages travel over a pipe whose write end is
 * non-blocking in the target; each is written whole by one write(2) of at most PIPE_BUF bytes,
 * so that messages of concurrent threads never interleave. Counters that must survive the
 * target's death (losses) live in a shared page instead.
 */
#ifndef RECORD_HEAP_PROTO_H
#define RECORD_HEAP_PROTO_H

#include <stdint.h>

/*
 * The environment variable that turns the library on: "FD:PID:INO:SAMPLE_BYTES:SHMFD:RFD". FD
 * is the pipe's write end (inode INO, checked so that a reused descriptor number is never
 * written to), PID the one process to record (its forked children stay silent), SHMFD the shared
 * page, RFD the pipe's read end, which the recorded process holds open and never reads: were the
 * recorder killed, a write would find the pipe full (a loss), not readerless (SIGPIPE, which
 * would kill the target).
 */
#define HEAP_ENV		"DAPROF_HEAP"
#define HEAP_LIB_NAME		"libdaprof-heap.so"
#define HEAP_MAX_FRAMES		48
#define HEAP_SHM_MAGIC		0x50414548504144ull	/* "DAPHEAP" */

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

/* The shared page: counters the library adds to and the recorder reads at any time. */
struct heap_shared {
	uint64_t magic;
	uint64_t lost_events;	/* messages not written: the pipe was full */
	uint64_t lost_untracked;	/* recorded blocks whose free cannot be seen (table full) */
	uint64_t lost_reentrant;	/* large allocations made while the library was busy on
					 * the same thread (a signal handler) and not recorded */
	uint64_t recorded;	/* ALLOC messages written */
};

#endif /* RECORD_HEAP_PROTO_H */
