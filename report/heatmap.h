/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The heat map matrix of a recording: time columns x address rows, each cell the time- and
 * byte-weighted mean access rate of the regions that covered it (NaN where nothing was
 * monitored). The address axis is folded: only ranges monitored at some time (less what no
 * recorded memory map ever held) get rows, stacked in (target, address) order, each at least a
 * few rows high. Built in two streaming passes over
 * the file; memory is bounded by the matrix, never by the recording's length.
 */
#ifndef REPORT_HEATMAP_H
#define REPORT_HEATMAP_H

#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"

struct heatmap_opts {
	unsigned width;		/* time columns */
	unsigned height;	/* address rows */
	unsigned min_rows;	/* rows a folded range gets at least, height permitting */
	unsigned sep_rows;	/* rows left out between ranges (for a rule): the matrix is
				 * height - sep_rows * (nr_ranges - 1) rows high */
	unsigned max_ranges;	/* folded ranges; beyond, the smallest gaps are closed */
	/* the filters and damage callback of heatmap_build() by path (a session has its own) */
	int target;		/* only this target id, or -1 for every target */
	int time_range;		/* 1: only [time_lo_ns, time_hi_ns) after the first snapshot */
	uint64_t time_lo_ns;
	uint64_t time_hi_ns;
	int addr_range;		/* 1: only addresses in [addr_lo, addr_hi) */
	uint64_t addr_lo;
	uint64_t addr_hi;
	/* called once per damaged part of the file; reading goes on after it */
	void (*damage)(void *arg, const struct dpf_damage *d);
	void *arg;
};

#define HEATMAP_OPTS_INIT { .width = 1000, .height = 600, .min_rows = 16, .max_ranges = 24, \
			    .target = -1 }

/* A folded address range: rows [row, row + nr_rows) of the matrix, row 0 the lowest address. */
struct heatmap_range {
	uint32_t target;
	uint64_t start;		/* [start, end) */
	uint64_t end;
	unsigned row;
	unsigned nr_rows;
	int named;		/* 1: @label comes from a recorded memory map */
	char label[48];		/* "[heap]", "[stack]", a file's base name, or "0x7f..." */
	uint64_t best_overlap;	/* bytes of the mapping that named it */
};

struct heatmap_cell {
	double vw;	/* sum of rate x time x bytes */
	double w;	/* sum of time x bytes */
};

struct heatmap {
	unsigned width;
	unsigned height;
	uint64_t rec_start_ns;	/* start of the recording's first snapshot: time 0 of the axis */
	uint64_t t_start_ns;	/* the matrix spans [t_start_ns, t_end_ns), absolute */
	uint64_t t_end_ns;
	int hz;			/* 1: values are Hz (nr_accesses per second); 0: raw nr_accesses */
	double scale;		/* value of one access: 1e6 / aggr_us, or 1 */
	double max_rate;	/* the highest possible value (every sample accessed), 0: unknown */
	double vmin;		/* over cells that have a value */
	double vmax;
	uint64_t nr_snapshots;	/* snapshots that fell in the matrix */
	uint64_t nr_regions;
	size_t nr_ranges;
	struct heatmap_range *ranges;
	/* internals, for the accumulation */
	uint64_t *col_start;	/* width + 1 column boundaries, absolute ns */
	uint64_t *row_lo;	/* address span of each row */
	uint64_t *row_hi;
	struct heatmap_cell *row_acc;	/* one snapshot's per-row sums */
	struct heatmap_cell *acc;	/* column-major, width x height; NULL once finished */
	double *value;		/* column-major values, after heatmap_finish(), where acc was */
	size_t cells_mapped;	/* acc/value is an mmap() of this length, or 0: malloc() */
};

/*
 * heatmap_build() - read the recording at @path twice (ranges and time span, then the values)
 * through a reading session (report/session.h) with @o's filters, and return its matrix.
 * Return: 0, -ENODATA when no snapshot falls in the selected time/address/target range,
 * -EINVAL for bad options, or an error of dpf_reader_open()/dpf_reader_next().
 */
int heatmap_build(struct heatmap **out, const char *path, const struct heatmap_opts *o);

struct session;
/*
 * heatmap_build_session() - the same over a session, whose filters select what is drawn (its
 * time range is the matrix's span) and whose final facts give the unit.
 */
int heatmap_build_session(struct heatmap **out, struct session *s, const struct heatmap_opts *o);

/*
 * heatmap_new() - an empty matrix over [@t_start_ns, @t_end_ns) and the @nr folded @ranges
 * (sorted by target then address, disjoint), with rows given out as heatmap_build() does.
 * @scale multiplies nr_accesses into the cell unit. Return: 0, -EINVAL or -ENOMEM.
 */
int heatmap_new(struct heatmap **out, const struct heatmap_opts *o, uint64_t t_start_ns,
		uint64_t t_end_ns, const struct heatmap_range *ranges, size_t nr, double scale);
/* heatmap_add_snapshot() - accumulate one snapshot (regions sorted, disjoint). */
void heatmap_add_snapshot(struct heatmap *h, const struct dpf_snapshot *s);
/* heatmap_add_maps() - name the ranges from a memory map of their target. */
void heatmap_add_maps(struct heatmap *h, const struct dpf_maps *m);
/* heatmap_finish() - turn the sums into values (NaN where nothing was seen); frees the sums. */
void heatmap_finish(struct heatmap *h);
void heatmap_free(struct heatmap *h);

/* heatmap_value() - the value of cell (@col, @row), row 0 the lowest address; NaN if unseen. */
static inline double heatmap_value(const struct heatmap *h, unsigned col, unsigned row)
{
	return h->value[(size_t)col * h->height + row];
}

/* heatmap_col_span() - the absolute time span [*start, *end) of column @col. */
void heatmap_col_span(const struct heatmap *h, unsigned col, uint64_t *start, uint64_t *end);
/* heatmap_row_span() - the address span [*lo, *hi) of row @row; return: its range's index. */
size_t heatmap_row_span(const struct heatmap *h, unsigned row, uint64_t *lo, uint64_t *hi);

/*
 * heatmap_fold() - merge the smallest gaps of @ranges (sorted, disjoint) between ranges of the
 * same target until at most @max remain. Return: the new count.
 */
size_t heatmap_fold(struct heatmap_range *ranges, size_t nr, size_t max);
/*
 * heatmap_give_rows() - set row/nr_rows of @ranges: @height rows in proportion to size, each at
 * least @min_rows (less when @height cannot give every range that much).
 * Return: 0, or -EINVAL when @height < @nr.
 */
int heatmap_give_rows(struct heatmap_range *ranges, size_t nr, unsigned height,
		      unsigned min_rows);

#endif /* REPORT_HEATMAP_H */
