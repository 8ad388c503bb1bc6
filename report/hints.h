/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "report hints" decides here: from report hot's table (report/hot.h, built once; its hot and
 * its idle measures both come from that one pass), each data object that is hot and stable gets
 * mlock or MADV_WILLNEED (and MADV_HUGEPAGE when large), each one idle for long gets MADV_COLD or
 * MADV_PAGEOUT (and MADV_NOHUGEPAGE when large), with the evidence, a confidence and flags for
 * what the advice cannot do exactly. The thresholds are options; design note 21 states the rules.
 */
#ifndef REPORT_HINTS_H
#define REPORT_HINTS_H

#include <stddef.h>
#include <stdint.h>

#include "report/hot.h"

enum hint_advice {
	HINT_MLOCK,
	HINT_WILLNEED,
	HINT_HUGEPAGE,
	HINT_COLD,
	HINT_PAGEOUT,
	HINT_NOHUGEPAGE,
};

enum hint_confidence { HINT_LOW, HINT_MEDIUM, HINT_HIGH };

#define HINT_UNALIGNED	 1u	/* its start or end is not on a page boundary */
#define HINT_SHARES	 2u	/* it shares its region or page: its numbers are a share of them */
#define HINT_RANGE	 4u	/* heap or anonymous memory: advice by range and mapping */
#define HINT_WRITES_ONLY 8u	/* idle as seen by a primitive that sees writes only */

/* Cold advice becomes MADV_PAGEOUT from this many bytes on (16 pages), when idle twice as long. */
#define HINTS_PAGEOUT_MIN_SIZE (16u * HOT_PAGE_SIZE)
/* The default idle threshold: this long, or a quarter of the recording when that is shorter. */
#define HINTS_DEFAULT_IDLE_NS 10000000000ull

struct hints_opts {
	double hot_share;	/* hot: at least this share of its byte-time hot */
	uint64_t idle_ns;	/* cold: idle at least this long; 0: hints_default_idle_ns() */
	uint64_t huge;		/* MADV_HUGEPAGE / NOHUGEPAGE from this size on */
	uint64_t min_size;	/* smaller objects get no advice */
	uint64_t idle_bytes_ns;	/* the idle time the table's idle_bytes were counted at (its
				 * hot_opts.idle_ns): from the idle threshold on, an object most
				 * of whose bytes were idle that long is idle too */
	int writes_only;	/* the primitive sees writes only (idle may still be read) */
};
#define HINTS_OPTS_INIT { .hot_share = 0.9, .idle_ns = 0, .huge = 2ull << 20, \
			  .min_size = HOT_PAGE_SIZE }

struct hint {
	enum hint_advice advice;
	const struct hot_object *obj;	/* in the table given to hints_build() */
	enum hint_confidence confidence;
	unsigned flags;			/* HINT_UNALIGNED, ... */
	uint64_t size;			/* the object's size (its bytes seen when unknown) */
	double coverage;		/* the share of the recording its snapshots covered */
	uint64_t neighbours;		/* the bytes of the pages it touches that are not its own */
};

struct hints {
	struct hint *hint;	/* the hot ones (in the table's order), then the cold ones (the
				 * most idle byte-time first) */
	size_t nr;
	uint64_t idle_ns;	/* the idle threshold applied */
	uint64_t span_ns;	/* the recording's span */
};

/* hints_default_idle_ns() - HINTS_DEFAULT_IDLE_NS, or a quarter of @span_ns if shorter. */
uint64_t hints_default_idle_ns(uint64_t span_ns);

/*
 * hints_build() - the hints of the listed objects of @h, in its order (rank it first).
 * Return: 0 or -ENOMEM.
 */
int hints_build(struct hints *out, const struct hot *h, const struct hints_opts *o);
void hints_release(struct hints *hs);

const char *hint_advice_name(enum hint_advice a);	/* "mlock", "MADV_COLD", ... */
const char *hint_confidence_name(enum hint_confidence c);	/* "high", "medium", "low" */
/* hint_is_hot() - 1 for the advice given to hot memory, 0 for that given to idle memory. */
int hint_is_hot(enum hint_advice a);

#endif /* REPORT_HINTS_H */
