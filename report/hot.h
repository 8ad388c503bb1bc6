/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "report hot" and "report hints" compute here: every region of every snapshot is split across
 * the objects it covers (report/symbols.h, with the memory map that was live at the snapshot's
 * time), and each object accumulates its byte-time, its heat (bytes x time x access rate), the
 * byte-time it was hot and idle, and its idle time at the end. Documentation/daprof-design-notes.7,
 * note 20, states the arithmetic.
 */
#ifndef REPORT_HOT_H
#define REPORT_HOT_H

#include <stddef.h>
#include <stdint.h>

#include "report/heap-sites.h"
#include "report/symbols.h"

struct session;

enum hot_by {
	HOT_BY_SYMBOL,		/* each function, object, section gap, or labelled mapping */
	HOT_BY_MAPPING,		/* each mapping label ("prog", "libc.so.6", "[heap]") */
	HOT_BY_REGION,		/* each distinct monitoring region */
	HOT_BY_SITE,		/* heap bytes by the call stack that allocated them (a recording
				 * made with --heap-sites), other bytes by symbol */
};

struct hot_opts {
	enum hot_by by;
	uint32_t min_accesses;	/* a piece is hot in a snapshot with nr_accesses >= this */
	uint64_t idle_ns;	/* idle_bytes counts bytes idle at least this long */
	uint64_t phys_block;	/* a --paddr recording's unit of listing, bytes */
	int no_defer;		/* 1: every object updated per snapshot, no deferred sums (tests:
				 * report/hot-defer.c must give the same numbers) */
	int sites_if_recorded;	/* --by symbol becomes --by site for a recording that has heap
				 * allocation sites ("report hints") */
	int site_stacks;	/* --by site: one row per allocation stack (folded output), not
				 * one per site (its stacks merged) */
	struct sym_opts sym;
	/*
	 * A symbol cache to use and keep (a live view builds a list per frame, diff one table
	 * per time slice: loading the files each time would cost more than the rest); NULL:
	 * one of its own, from @sym.
	 */
	struct sym_cache *cache;
};
#define HOT_OPTS_INIT { .by = HOT_BY_SYMBOL, .min_accesses = 1, .idle_ns = 1000000000ull, \
			.phys_block = 128ull << 20, .sym = SYM_OPTS_INIT }

/* The page size the sharing flag and the hints assume. */
#define HOT_PAGE_SIZE 4096u

struct hot_object {
	uint32_t target;
	char name[256];		/* "hot_table", "work::hits", ".bss+0x40", "[heap]", a range */
	char kind[16];		/* sym_kind_name(), "region" or "physical" */
	char label[128];	/* the mapping as a user knows it: "prog", "[heap]"; "" for none */
	char file[256];		/* the mapping's path as recorded, "" for anonymous memory */
	char build_id[65];	/* hex, "" when the recording has none */
	char note[64];		/* the symbolizer's note ("stripped: .dynsym only", ...) */
	uint64_t addr;		/* the object's start address (its last sighting) */
	uint64_t size;		/* its size (0: unknown) */
	uint64_t map_offset;	/* its start from the file's load base (where the file's first
				 * page is mapped; the same in every run of that build), or from
				 * its mapping's start (anonymous memory) */
	int file_backed;
	int extent;		/* 1: one contiguous extent [addr, addr + size) of one file's image
				 * (a symbol, a section gap, a file offset), never a label over
				 * several mappings */
	int unmapped;		/* the target's memory outside every mapping (not listed) */

	/* the measurements (design note 20) */
	uint64_t bytes;		/* the most bytes of it that one snapshot covered */
	double byte_s;		/* sum of bytes x seconds over the pieces */
	double heat;		/* sum of bytes x seconds x rate, the rate nr_accesses over the
				 * interval in force: bytes x nr_accesses x span / aggr_us */
	double hot_byte_s;	/* the byte-seconds with nr_accesses >= min_accesses */
	double idle_byte_s;	/* the byte-seconds with nr_accesses == 0 */
	uint64_t observed_ns;	/* the time of the snapshots that covered it */
	uint64_t idle_ns;	/* at its last snapshot: how long it had been idle, when most of
				 * its bytes were (0 otherwise) */
	uint64_t idle_bytes;	/* at its last snapshot: its bytes idle for >= opts.idle_ns */
	uint64_t min_region;	/* the smallest region that covered part of it */
	int shares;		/* 1: smaller than a page or than a region covering it, so its
				 * numbers are a proportional share of a region's, not its own */
	char *stack;		/* --by site: "site;caller;caller..." (owned), else NULL; the
				 * heaviest stack of a site whose stacks were merged */
	uint32_t nr_stacks;	/* --by site: the allocation stacks merged into it */
	int sampled;		/* --by site: its bytes are estimated from sampled blocks */
	int shares_page;	/* --by site: a block of it shared a page with another site's */

	/* scratch of the snapshot being added */
	uint64_t seq;
	uint64_t cur_bytes, cur_idle_bytes, cur_idle_ns;
	uint64_t cur_idle_part;
};

struct hot {
	struct hot_object *obj;	/* ranked by hot_rank() */
	size_t nr;
	size_t nr_listed;	/* after hot_rank(): the first ones, objects; the others are
				 * each target's memory outside every mapping */
	double total_byte_s;
	double total_heat;
	uint64_t nr_snapshots;
	uint64_t nr_pieces;
	uint64_t start_ns, end_ns;	/* the span of the snapshots added */
	int physical;		/* a --paddr recording, listed by physical range */
	uint64_t phys_block;	/* its unit of listing: the recorded memory block size, else
				 * opts.phys_block */
	int phys_nodes;		/* 1: rows are named "node N, memory block M" */
	struct sym_stats sym;	/* what the symbolizer loaded */
	int heap_sites;		/* --by site: the recording has heap sites */
	struct heapsites_stats heap;	/* --by site: what was recorded and lost */
};

/*
 * hot_build() - one pass over @s (with its filters), splitting each region across the objects
 * it covers. Return: 0, -ENOMEM, -ENODATA for --by site on a recording without heap sites, or an
 * error of the session (-EBADMSG, ...).
 */
int hot_build(struct hot **out, struct session *s, const struct hot_opts *o);
void hot_free(struct hot *h);

/* Derived numbers of an object. */
double hot_rate_hz(const struct hot_object *o);		/* heat / byte-seconds */
double hot_share(const struct hot_object *o);		/* hot byte-time / byte-time */

/*
 * hot_rank() - order the objects: by heat (then hot share, then name) or, @cold, by idle
 * byte-time (then idle time, then the least heat); memory outside every mapping goes last,
 * past nr_listed.
 */
void hot_rank(struct hot *h, int cold);

#endif /* REPORT_HOT_H */
