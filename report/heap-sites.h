/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The heap blocks of a recording made with --heap-sites, live at any time: the HEAP chunks are
 * read once into one event list (their stacks merged into one table), then replayed in time
 * order as the snapshots of a report go by, so that a region can be split across the blocks
 * that cover it at the snapshot's time. report/hot.c uses it for "report hot --by site".
 */
#ifndef REPORT_HEAP_SITES_H
#define REPORT_HEAP_SITES_H

#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"

struct heapsites_block {
	uint64_t addr, size;
	uint64_t weight;	/* the bytes it stands for (size, or more when sampled) */
	uint32_t stack;		/* index into heapsites_stack() */
	uint32_t target;
	int shares_page;	/* a page of it holds a block of another stack */
};

struct heapsites_stats {
	uint64_t nr_events;	/* read from the file */
	uint64_t nr_allocs;
	uint64_t nr_stacks;
	uint64_t sample_bytes;	/* 0: not recorded */
	uint64_t recorded, lost_events, lost_untracked, lost_reentrant;	/* the last counts */
	uint64_t not_read;	/* events past the reader's cap */
	uint64_t nr_programs;	/* program starts (the first, then each exec) */
};

struct heapsites;

/*
 * heapsites_load() - read the HEAP chunks of @path ("-" is standard input). Return: 0 (*@out
 * may hold no event: a recording without --heap-sites), or -errno of the reader.
 */
int heapsites_load(struct heapsites **out, const char *path);
void heapsites_free(struct heapsites *h);
const struct heapsites_stats *heapsites_stats(const struct heapsites *h);
/* heapsites_stack() - the frames of stack @id (innermost first) into *@frames. Return: count. */
uint32_t heapsites_stack(const struct heapsites *h, uint32_t id, const uint64_t **frames);

/* heapsites_at() - replay to @time_ns (back in time starts again from the beginning). */
int heapsites_at(struct heapsites *h, uint64_t time_ns);
/*
 * heapsites_cover() - call @fn for each live block of @target that overlaps [@lo, @hi), in
 * address order, with the overlap; a non-zero return stops the walk and is returned.
 */
int heapsites_cover(struct heapsites *h, uint32_t target, uint64_t lo, uint64_t hi,
		    int (*fn)(void *arg, const struct heapsites_block *b, uint64_t lo,
			      uint64_t hi), void *arg);

#endif /* REPORT_HEAP_SITES_H */
