/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reading session: the one way a report reads a recording (perf's util/session.c with its
 * tool callbacks, trace-cmd's iterate-events). It opens the file (a path, or "-" for standard
 * input redirected from a file), gives the final merged metadata as typed facts before the
 * first record, applies the filters every report takes (time range, address range, target,
 * skipped snapshots), reports damage one way (a callback, once per damaged part, and a count),
 * passes over the snapshot chunks that the INDEX places outside a time range, keeps each
 * target's memory-map history to resolve an address at a time, and walks two sessions side by
 * side in time order (for diff). Reports are tools: callbacks per record, or a pull loop.
 */
#ifndef REPORT_SESSION_H
#define REPORT_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"
#include "report/sees.h"

struct session_filter {
	int time_range;		/* 1: only snapshots overlapping [time_lo_ns, time_hi_ns) after */
	uint64_t time_lo_ns;	/*   the start of the recording's first snapshot */
	uint64_t time_hi_ns;
	int addr_range;		/* 1: regions clipped to [addr_lo, addr_hi); a snapshot left with */
	uint64_t addr_lo;	/*   none is dropped */
	uint64_t addr_hi;
	int target;		/* only this target id, or -1 for every target */
	uint64_t skip_snapshots;	/* drop each target's first N (after the filters above) */
};

#define SESSION_FILTER_INIT { .target = -1 }

/* A monitored process (or address space) as the metadata names it. */
struct session_target {
	uint32_t id;
	const char *name;	/* the one display name: cmdline, else comm, else "pid N", else
				 * "target N" (escaping is the printer's business) */
	const char *comm;	/* NULL when not recorded */
	const char *cmdline;
	uint64_t pid;		/* 0 when not recorded */
	int named;		/* 1: the metadata gives a cmdline, comm or pid */
};

/* What the final merged metadata says, typed. Strings are NULL when not recorded. */
struct session_facts {
	uint64_t sample_us;	/* 0: not recorded */
	uint64_t aggr_us;
	uint64_t update_us;
	const char *backend;
	const char *primitive;
	const char *primitive_sees;	/* "writes only", "reads and writes, page", ... */
	const char *ops;		/* "vaddr", "paddr", ... */
	const char *host;
	const char *kernel;
	const char *source;		/* an importer's description of the original */
	const char *daprof_version;	/* of the recorder */
	const char *primitive_caveat;
	const char *primitive_detach;	/* what was done at the end to leave the target as it was */
	enum sees_kind sees;	/* of primitive_sees */
	const char *sees_caveat;	/* what it cannot see (sees_caveat()), or NULL */
	const char *target_execs;	/* execs the sampler followed, as recorded */
	int intervals;		/* 1: sample_us is recorded (even as 0) */
	int real_aggr;		/* 1: the recorder's final figures below are recorded */
	uint64_t aggr_real_median_us, aggr_real_max_us, snapshots_late;
	const char *min_nr_regions;	/* region bounds as recorded; NULL when not */
	const char *max_nr_regions;
	int start_wall;		/* 1: start_wall_ns is recorded */
	uint64_t start_wall_ns;	/* wall-clock start, ns since the epoch */
	uint32_t nr_targets;	/* the metadata's count ("nr_targets"), else targets named */
	struct session_target *targets;	/* nr_targets of them, by id */
	char source_line[256];	/* "backend: sampler, primitive: uffd-wp (sees writes, page)" */
};

enum session_event_type {
	SESSION_SNAPSHOT = DPF_EV_SNAPSHOT,	/* filtered: target, time, clipped regions */
	SESSION_MAPS = DPF_EV_MAPS,		/* every memory map (of the selected target) */
	SESSION_RUSAGE = DPF_EV_RUSAGE,
	SESSION_META = DPF_EV_META,	/* a further metadata chunk (session_meta() is final anyway) */
};

/* Valid until the next session_next(). */
struct session_event {
	enum session_event_type type;
	union {
		struct dpf_snapshot snapshot;
		struct dpf_maps maps;
		struct dpf_rusage rusage;
	};
};

/* A report as a set of callbacks (perf's struct perf_tool); NULL members are not called. */
struct session_tool {
	int (*snapshot)(void *arg, const struct dpf_snapshot *s);	/* nonzero stops the pass */
	int (*maps)(void *arg, const struct dpf_maps *m);
	int (*rusage)(void *arg, const struct dpf_rusage *u);
	int (*meta)(void *arg, const struct dpf_meta *m);
};

struct session;

/*
 * session_open() - open @path ("-": standard input, which must be redirected from a file) and
 * read its metadata chunks, so that session_meta() and session_facts() are final at once.
 * @f may be NULL (no filter). Return: 0, or an error of dpf_reader_open() (-EINVAL for a
 * filter with an empty range).
 */
int session_open(struct session **out, const char *path, const struct session_filter *f);
void session_close(struct session *s);
const char *session_path(const struct session *s);
const struct session_filter *session_get_filter(const struct session *s);
/* session_reader() - the reader underneath, for its version and size (not for reading). */
struct dpf_reader *session_reader(const struct session *s);

/*
 * session_on_damage() - @cb is called once per damaged part of the file, the first time a pass
 * meets it (a second pass does not report it again); reading goes on after it.
 */
void session_on_damage(struct session *s, void (*cb)(void *arg, const struct dpf_damage *d),
		       void *arg);
/* session_damage() - damaged parts met so far, and the bytes they skipped. */
uint64_t session_damage(const struct session *s, uint64_t *bytes);

/* session_meta() - the final merged metadata (every metadata chunk of the file). */
const struct dpf_meta *session_meta(const struct session *s);
/*
 * session_meta_first() - the metadata of the file's first chunk alone, as stored before any
 * snapshot: for a report that shows the file as it is (report raw), not for facts.
 */
const struct dpf_meta *session_meta_first(const struct session *s);
const struct session_facts *session_facts(const struct session *s);
/* session_target() - the facts of target @id; NULL for one the metadata does not name. */
const struct session_target *session_target(const struct session *s, uint32_t id);
/* session_target_name() - its display name, or "target N" (in @buf) for an unnamed one. */
const char *session_target_name(const struct session *s, uint32_t id, char *buf, size_t size);

/*
 * session_next() - the next record that passes the filters. Return: 1, 0 at the end of the
 * pass, <0 -errno. A new pass starts with session_rewind().
 */
int session_next(struct session *s, struct session_event *ev);
void session_rewind(struct session *s);
/* session_process() - one whole pass from the start, calling @t's members. Return: 0 or <0. */
int session_process(struct session *s, const struct session_tool *t, void *arg);

/*
 * session_rec_start_ns() - the start of the recording's first snapshot (file order, before any
 * filter): time 0 of the time range. Return: 1 and *@ns once a pass has seen it, else 0.
 */
int session_rec_start_ns(const struct session *s, uint64_t *ns);
/*
 * session_skipped() - per target, the snapshots that filter.skip_snapshots dropped in the last
 * pass: the @i-th target met (in first-met order) into *@target and *@nr. Return: 1, or 0 past
 * the last. Every target whose snapshots passed the other filters is listed, even one left with
 * none.
 */
int session_skipped(const struct session *s, size_t i, uint32_t *target, uint64_t *nr);
/*
 * session_span() - the earliest start and the latest end of every snapshot the pass has met so
 * far, before any filter (snapshots need not be in time order: a damo import interleaves its
 * targets). Return: 1, or 0 before the first snapshot.
 */
int session_span(const struct session *s, uint64_t *start_ns, uint64_t *end_ns);
/* session_window() - the absolute time window of the filter; [0, UINT64_MAX) without one. */
void session_window(const struct session *s, uint64_t *lo_ns, uint64_t *hi_ns);
/* session_chunks_read() - chunk payloads read and inflated since open (the index seek's gain). */
uint64_t session_chunks_read(const struct session *s);

/*
 * session_keep_maps() - from now on keep every memory map read (each target's history), for
 * session_resolve().
 */
void session_keep_maps(struct session *s);
/*
 * session_resolve() - the mapping of @target holding @addr at @time_ns: from the latest map
 * recorded at or before @time_ns (the first one when none is that early). Its build-id keys the
 * symbol lookup. Return: NULL when no kept map holds @addr.
 */
const struct dpf_mapping *session_resolve(const struct session *s, uint32_t target,
					  uint64_t addr, uint64_t time_ns);

/* The monitoring intervals in force when a snapshot was taken. */
struct session_intervals {
	uint64_t sample_us;	/* 0: not known */
	uint64_t aggr_us;	/* 0: not known */
	uint32_t samples;	/* checks per aggregation, aggr_us / sample_us (0: not known) */
};

/*
 * session_snapshot_intervals() - the intervals in force for snapshot @snap of the pass in
 * progress: the latest the recording stores for its target at or before its start (record
 * --max-overhead and the intervals auto-tuning change them while recording), else the
 * metadata's sample_us and aggr_us.
 */
struct session_intervals session_snapshot_intervals(const struct session *s,
						    const struct dpf_snapshot *snap);
/*
 * session_intervals_changes() - how many changes of the intervals the recording stores
 * (INTERVALS chunks); *@dropped (may be NULL) gets those a hostile file had past the session's
 * cap (not kept). session_intervals_change() - the @i-th, sorted by target, then time, then
 * file order; NULL past the last.
 */
size_t session_intervals_changes(const struct session *s, uint64_t *dropped);
const struct dpf_intervals *session_intervals_change(const struct session *s, size_t i);

/*
 * session_next_pair() - the next snapshot of two sessions side by side, the one that starts
 * first (@a on ties); other records are passed over. *@side gets 0 for @a, 1 for @b.
 * Return: 1, 0 when both are done, <0 -errno.
 */
int session_next_pair(struct session *a, struct session *b, int *side,
		      const struct dpf_snapshot **snap);

#endif /* REPORT_SESSION_H */
