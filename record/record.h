/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "daprof record"'s loop behind the backend interface (record/backend.h): it sets up the target
 * (a running pid, or a command started stopped at its exec), picks and starts a backend, streams
 * snapshots, memory maps and resource use into the recording, and finalizes the file however the
 * recording ends. It never prints: notices and the live status go to the caller's callbacks.
 *
 * The files of record/ and the prefix of the names each one exports, so that a name tells where
 * it is defined (static names need none; none is in a dependency's namespace, such as elf_):
 *   rec_       record.{c,h} (this loop), backend.h (the backend interface it drives) and
 *              why.h (rec_why(), the one-line reasons every part returns)
 *   sampler_   sampler.c, the userspace sampler backend (sampler_backend_ops)
 *   damon_     damon-sysfs.h: damon-sysfs.c, the kernel DAMON backend (damon_backend_ops,
 *              damon_backend_*()); damon-trace.c, its tracepoint reader (damon_trace_*());
 *              damon-util.c, the parsers and probes the others, cmd/ and tests share
 *   prim_      prim.h, the sampler's access-check primitives: one per file (prim_page_idle in
 *              prim-idle.c, prim_uffd_* in prim-uffd.c, prim_soft_dirty* in prim-softdirty.c,
 *              prim_refs in prim-refs.c), the table and the shared helpers in prim.c
 *   dr_        regions.{c,h}, the sampler's region engine (DAMON's regions)
 *   pm_        procmaps.{c,h}, /proc readers: memory maps, process facts, build-ids
 *   inj_       inject.{c,h}, system calls run inside the target; inj_frame_* in
 *              inject-frame.{c,h}, the restore frame that makes them safe
 *   heaprec_   heap-sites.{c,h}, the recorder's side of --heap-sites; the library it
 *              preloads into the target is record/heap/preload.c (built apart, links none of this)
 */
#ifndef RECORD_RECORD_H
#define RECORD_RECORD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "record/backend.h"

struct rec_status {
	uint64_t elapsed_ns;
	uint64_t nr_snapshots;
	uint32_t nr_regions;	/* in the last snapshot */
	uint64_t bytes;		/* written to the file so far */
	uint64_t aggr_ns;	/* the aggregation interval asked for */
	uint64_t recent_aggr_ns;	/* what the recent snapshots really spanned; 0: none yet */
	int behind;		/* snapshots come late (or none has come in two intervals) */
};

struct rec_opts {
	struct rec_params params;	/* pid is 0 when argv names a command to start */
	const char *backend;		/* "auto", "sampler" or "damon" */
	const char *output;
	uint64_t duration_ns;		/* 0: until the target ends or *stop is set */
	char *const *argv;		/* the command to start (execvp, no shell), or NULL */
	volatile sig_atomic_t *stop;	/* set by the caller's SIGINT/SIGTERM handler */
	/* status() - about twice a second and once at the end (may be NULL) */
	void (*status)(void *arg, const struct rec_status *st);
	/* note() - a one-line notice, e.g. which backend was chosen and why (may be NULL) */
	void (*note)(void *arg, const char *msg);
	/*
	 * started() - the recording has started with a backend whose primitive sees
	 * @primitive_sees ("writes, page"; NULL when not said), after the notes that name them
	 * (may be NULL): the caller says what that cannot see, in its one wording.
	 */
	void (*started)(void *arg, const char *backend, const char *primitive_sees);
	/*
	 * on_meta(), on_snapshot(), on_maps(), on_rusage(), on_intervals() - each record as it goes into the file,
	 * in file order (the metadata of the start first), for a live view such as "daprof top";
	 * any may be NULL. Called from the recording loop with data valid only during the call:
	 * copy what is kept, and return soon (the sampler's next interval is waiting).
	 */
	void (*on_meta)(void *arg, const struct dpf_meta *m);
	void (*on_snapshot)(void *arg, const struct dpf_snapshot *s);
	void (*on_maps)(void *arg, const struct dpf_maps *m);
	void (*on_rusage)(void *arg, const struct dpf_rusage *u);
	/* on_intervals() - a change of the intervals, before the first snapshot it rules */
	void (*on_intervals)(void *arg, const struct dpf_intervals *iv);
	void *cb_arg;
	int heap_sites;			/* preload the heap-site library into the started command */
	uint64_t heap_sample_bytes;	/* its sampling rate for blocks under a page */
};

#define REC_OPTS_INIT { .backend = "auto", .output = "daprof.data" }

enum rec_end {
	REC_END_TARGET = 1,		/* the target exited */
	REC_END_SIGNAL,			/* *stop was set */
	REC_END_DURATION,		/* -d expired */
	REC_END_ERROR,			/* a backend or write error; the file was finalized */
};

struct rec_result {
	enum rec_end end;
	uint64_t nr_snapshots;
	uint64_t bytes;
	int wait_status;	/* of a started command, when it was reaped; -1 otherwise */
	int err;		/* with REC_END_ERROR */
	uint64_t elapsed_ns;	/* from the start of the recording to its end */
	/* what the aggregation intervals really were (also in the file's metadata) */
	uint64_t aggr_median_ns;
	uint64_t aggr_max_ns;
	uint64_t nr_late;	/* snapshots that spanned more than REC_LATE_PCT of the interval */
	int caveat_noted;	/* the primitive's caveat was given to note() */
};

/*
 * A snapshot that spans more than this percentage of the aggregation interval is late. The
 * sampler's windows keep to a fixed grid and kdamond's to its timer, so a healthy recording
 * stays within a few percent; a sampler that cannot check its regions in time stretches them.
 */
#define REC_LATE_PCT 125

/*
 * rec_run() - record until the target ends, *stop is set or the duration passes.
 * Return: 0 with @res filled (the file is complete, even with REC_END_ERROR, whose reason is
 * in @why; a recording that lasted two aggregation intervals and got no snapshot ends so, with
 * -ETIME), or -errno with a one-line reason in @why when recording could not start (then no
 * file was created and an existing one was left alone, and a started command was killed).
 */
int rec_run(const struct rec_opts *o, struct rec_result *res, char *why, size_t len);

/*
 * rec_backends() - the backends in the order "auto" tries them, NULL-terminated.
 * rec_backend_find() - the backend named @name in this build, or NULL.
 */
const struct rec_backend_ops *const *rec_backends(void);
const struct rec_backend_ops *rec_backend_find(const char *name);

#endif /* RECORD_RECORD_H */
