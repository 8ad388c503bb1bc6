/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report hot's shortcut for regions that stay (report/hot-defer.c, design note 25): the objects
 * that lie wholly inside a region get the sums of all the snapshots in which that region stayed
 * the same at once, when it goes, instead of one update per snapshot. Private to report/hot*.c.
 */
#ifndef REPORT_HOT_DEFER_H
#define REPORT_HOT_DEFER_H

#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"
#include "report/hot.h"

/* One object's share of a region: @bytes of object @obj; @whole: it lies wholly inside. */
struct hot_piece {
	uint32_t obj;
	uint32_t whole;
	uint64_t bytes;
};

/* A region seen in consecutive snapshots of one target, with what it covers. */
struct hot_span {
	uint64_t start, end;
	struct hot_piece *pieces;	/* in address order */
	size_t nr;
	/* the sums of the snapshots since it came, for its whole pieces */
	uint64_t dt_ns;			/* observed time */
	double seconds, hot_seconds, idle_seconds;
	double accesses;		/* sum of nr_accesses */
	uint64_t count;			/* snapshots */
	/* the last of them, for what is "now" */
	struct dpf_region last;
	uint64_t last_dt_ns, last_seq;
};

/* The spans of one target. */
struct hot_spans {
	struct hot_span *s;
	size_t nr, alloc;
	uint32_t *slots;	/* by (start, end): index + 1, 0: free; nr_slots >= 2 * alloc */
	size_t nr_slots;
};

/* hot_add_piece() - one snapshot's @bytes of object @i under region @r (design note 20). */
void hot_add_piece(struct hot *h, const struct hot_opts *o, uint64_t seq, uint32_t i,
		   uint64_t bytes, const struct dpf_region *r, uint64_t dt_ns);

/* hot_span_find() - the span of [@start, @end), or NULL. */
struct hot_span *hot_span_find(struct hot_spans *sp, uint64_t start, uint64_t end);
/* hot_span_add() - a new span owning @pieces (malloc'ed). Return: it, or NULL (no memory). */
struct hot_span *hot_span_add(struct hot_spans *sp, uint64_t start, uint64_t end,
			      struct hot_piece *pieces, size_t nr);
/* hot_span_account() - snapshot @seq of the span's region @r: add its whole pieces' sums. */
void hot_span_account(struct hot_span *s, const struct hot_opts *o, const struct dpf_region *r,
		      uint64_t dt_ns, uint64_t seq);
/*
 * hot_spans_flush() - give the whole pieces of each span not seen in snapshot @seq (all of them
 * when @all) their sums, and drop those spans.
 */
void hot_spans_flush(struct hot_spans *sp, struct hot *h, const struct hot_opts *o, uint64_t seq,
		     int all);
void hot_spans_free(struct hot_spans *sp);

#endif /* REPORT_HOT_DEFER_H */
