/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "daprof diff": the numbers of a recording that can be compared with another recording of the
 * same program (they survive ASLR and restarts: sizes, rates and times, and objects named by
 * symbol and mapping file, never by address), each recording cut into time slices so that the
 * noise within it is measured; then two sides of one or more recordings compared metric by
 * metric and object by object, with a significance test (diff-stats.h); and the gates of
 * --fail-on (diff-expr.h) judged on that. Design note 24 states the rules.
 */
#ifndef REPORT_DIFF_H
#define REPORT_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "report/diff-expr.h"
#include "report/metrics.h"
#include "report/session.h"
#include "report/symbols.h"

struct diff_opts {
	uint32_t min_accesses;	/* hot: nr_accesses >= this (the WSS rule) */
	uint64_t idle_ns;	/* cold: idle (nr_accesses 0) at least this long */
	unsigned slices;	/* time slices a recording is cut into (fewer when it is short) */
	unsigned min_slice_snapshots;	/* ... so that each holds at least this many snapshots */
	struct session_filter filter;	/* the report filters, applied to each recording */
	const double *pct;	/* further WSS percentiles to compute ("wss.p95" of a gate) */
	int nr_pct;
	struct sym_opts sym;
};

#define DIFF_OPTS_INIT { .min_accesses = 1, .idle_ns = 1000000000ull, .slices = 8, \
			 .min_slice_snapshots = 3, .filter = SESSION_FILTER_INIT, \
			 .sym = SYM_OPTS_INIT }

/* One number of a recording: over the whole of it, and in each time slice. */
struct diff_series {
	char name[40];		/* global metrics; objects' are named when compared */
	enum metric_unit unit;
	double whole;
	double *slice;		/* nr_slices values */
};

/* The four measures of an object, in this order (as in "symbol:NAME.rate"). */
enum diff_measure { DIFF_RATE, DIFF_HOT_SHARE, DIFF_IDLE_BYTES, DIFF_BYTES, DIFF_NR_MEASURES };
extern const char *const diff_measure_names[DIFF_NR_MEASURES];

/* An object as "report hot --by symbol" lists it, summed over targets. */
struct diff_object {
	char name[256];		/* symbol, section gap, or mapping label ("[heap]") */
	char kind[16];
	char label[128];	/* the mapping's file name ("prog", "libc.so.6") or label */
	char build_id[65];	/* "" when not recorded */
	double heat, byte_s, hot_byte_s;	/* whole recording */
	double heat_share;	/* of the recording's heat */
	struct diff_series m[DIFF_NR_MEASURES];
};

/* What one recording gives to a comparison. */
struct diff_profile {
	char *path;
	size_t nr_slices;
	uint64_t nr_snapshots;
	double seconds;		/* time the snapshots stand for */
	double total_heat;
	struct diff_series *m;	/* global metrics, in a fixed order */
	size_t nr_m;
	struct diff_object *obj;	/* sorted by identity (kind, label, name) */
	size_t nr_obj;
};

/*
 * diff_profile_build() - the profile of the recording @ses reads (with its filter, which should
 * be @o->filter). It reads @ses once for the working set, once for idle ages, and opens the file
 * again once per slice for the objects (each slice a time range of @o->filter).
 * Return: 0, -ENODATA when no snapshot passes the filters, -ENOMEM, or a reading error.
 */
int diff_profile_build(struct diff_profile **out, struct session *ses, const struct diff_opts *o);
void diff_profile_free(struct diff_profile *p);
/* diff_profile_find() - the global series @name, or NULL. */
const struct diff_series *diff_profile_find(const struct diff_profile *p, const char *name);

/* One metric compared. */
struct diff_row {
	char name[DIFF_EXPR_METRIC_MAX];	/* "wss.p90", "symbol:hot_table.rate" */
	enum metric_unit unit;
	int object;		/* index into diff.obj, or -1 for a global metric */
	double old, new;	/* medians of each side's recordings (whole values) */
	double delta;		/* new - old */
	double rel;		/* delta / old; +/-INFINITY from 0, 0 when both are 0 */
	double p;		/* Mann-Whitney p-value of the slices; 1 when not tested */
	int tested;		/* 1: both sides had at least two samples */
	int significant;	/* tested and p < alpha */
	size_t n_old, n_new;	/* the samples (slices of every recording of a side) */
};

/* An object compared: present on one side or both. */
struct diff_obj_change {
	struct diff_object id;	/* its names (of the new side when present on both) */
	char display[400];	/* its name in metrics: NAME, or NAME@LABEL when NAME is not unique */
	int in_old, in_new;
	int rebuilt;		/* build-ids recorded on both sides, and different */
	double share_old, share_new;	/* heat share, medians */
	double rate_old, rate_new;
	double heat_old, heat_new;	/* bytes x accesses, medians */
	const struct diff_object *old_obj, *new_obj;	/* of the first recording having it */
	size_t matched;		/* its index before the ordering by change (internal) */
};

struct diff {
	double alpha;
	size_t nr_old, nr_new;		/* recordings */
	size_t slices_old, slices_new;	/* samples per side */
	int weak;		/* a side has one recording: within-recording spread only */
	struct diff_row *rows;	/* global metrics first, then 4 per object */
	size_t nr_rows, nr_global;
	struct diff_obj_change *objs;	/* ordered by |share change|, largest first */
	size_t nr_objs;
};

/*
 * diff_compare() - compare the profiles of the old and the new side, with significance level
 * @alpha. Return: 0 or -ENOMEM.
 */
int diff_compare(struct diff **out, struct diff_profile *const *old, size_t nr_old,
		 struct diff_profile *const *new, size_t nr_new, double alpha);
void diff_free(struct diff *d);
/* diff_find() - the row of metric @name ("symbol:NAME.rate" by display name), or NULL. */
const struct diff_row *diff_find(const struct diff *d, const char *name);

/* The verdict of one gate. */
struct diff_gate {
	const struct diff_expr *expr;
	const struct diff_row *row;
	double change;		/* the change compared: rel for %, delta otherwise */
	int beyond;		/* the change is past the threshold in the direction of OP */
	int failed;		/* beyond, and significant (or untestable) */
};

/*
 * diff_gate_judge() - judge @e on @d into @g.
 * Return: 0; -ENOENT when @d has no such metric; -EDOM when the change's unit does not fit the
 * metric's (a size for a rate).
 */
int diff_gate_judge(const struct diff *d, const struct diff_expr *e, struct diff_gate *g);

/* The default gates, used when none is given: a working set or a hot set 10 % larger. */
extern const char *const diff_default_gates[];

#endif /* REPORT_DIFF_H */
