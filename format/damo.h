/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Importers of damo's recordings ("daprof convert"): json_compressed (a zlib stream of JSON),
 * json, and the text of "perf script" or "trace-cmd report" of damon:damon_aggregated events.
 * The kind is found from the content, never from the file name. Input is parsed as a stream
 * (yajl events over zlib inflated in fixed-size buffers), so memory is bounded by one snapshot
 * however large the input is. damo's formats are those of its src/_damo_records.py (damo 3.3),
 * each quirk with a test in tests/unit/format-damo-quirks.c; what is kept and how times are
 * derived: Documentation/daprof-convert.1.
 *
 * The importers hand snapshots to a sink, so that they can run without files (tests, fuzzing);
 * damo_import() is the sink that writes a daprof recording.
 */
#ifndef DPF_DAMO_H
#define DPF_DAMO_H

#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"

#define DAMO_MAX_REGIONS	(1u << 20)	/* per snapshot: bounds memory on hostile input */
#define DAMO_MAX_TARGETS	1024		/* distinct records or target ids */
#define DAMO_MAX_DEPTH		64		/* JSON nesting */
#define DAMO_MAX_TOKEN		(1u << 20)	/* bytes of one JSON string or number */

struct damo_import_stats {
	const char *source;		/* static: "damo json_compressed", "damo json", ... */
	uint64_t in_bytes;		/* read from the input (per pass) */
	uint64_t text_bytes;		/* after decompression */
	uint64_t nr_records;		/* JSON records, or text lines' distinct target ids */
	uint32_t nr_targets;		/* daprof targets 0..nr_targets-1 */
	uint64_t nr_snapshots;		/* handed to the sink */
	uint64_t nr_regions;		/* handed to the sink */
	uint64_t nr_fake;		/* damo's fake "0-0: -1 -1" snapshots dropped */
	uint64_t nr_sorted;		/* snapshots whose regions came unsorted */
	uint64_t nr_incomplete;		/* text snapshots short of their nr_regions lines */
	uint64_t nr_skipped_lines;	/* text lines that are not damon_aggregated events */
	uint64_t nr_guessed_start;	/* snapshots whose start time could not be derived */
	int intervals_known;		/* some record had monitoring intervals */
	uint64_t out_bytes;		/* size of the written recording (damo_import() only) */
};

/*
 * Where the snapshots go. meta() is called once before the first snapshot (or at the end when
 * there is none) with every key known then, and once more at the end if keys were added or
 * changed since (later keys override, as dpf_writer_meta() does). snapshot() gets snapshots in
 * file order with regions sorted and non-overlapping; its regions are valid during the call only.
 * A callback's negative return aborts the import with that value.
 */
struct damo_sink {
	void *arg;
	int (*meta)(void *arg, const struct dpf_meta *m);
	int (*snapshot)(void *arg, const struct dpf_snapshot *s);
};

/*
 * damo_import_mem() - import a damo recording held in @buf.
 * @why: gets one line saying what is wrong with the input (with a line number or byte offset),
 *       or is set to "" when the errno says it all.
 * Return: 0; -EBADMSG for input that is not a damo recording or is malformed, -ERANGE for a
 * number too large for its field, -E2BIG for input beyond the DAMO_MAX_* bounds, -ENOMEM, or a
 * sink's error.
 */
int damo_import_mem(const void *buf, size_t len, const struct damo_sink *sink,
		    struct damo_import_stats *st, char *why, size_t why_len);

/* damo_import_fd() - the same over an open file; trace text needs a seekable one (-ESPIPE). */
int damo_import_fd(int fd, const struct damo_sink *sink, struct damo_import_stats *st,
		   char *why, size_t why_len);

/*
 * damo_import() - convert the damo recording @in_path into the daprof recording @out_path,
 * written with dpf_writer_open() in atomic mode (@o may be NULL; its atomic field is forced on),
 * so that on failure no output is left and an existing @out_path is untouched.
 * Return: as damo_import_fd(), or the writer's -errno (@why then says so).
 */
int damo_import(const char *in_path, const char *out_path, const struct dpf_writer_opts *o,
		struct damo_import_stats *st, char *why, size_t why_len);

#endif /* DPF_DAMO_H */
