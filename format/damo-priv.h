/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the damo importers share, private to format/damo*.c: the byte source (file or memory,
 * inflated on the fly when zlib or gzip), damo's number text ("1,234", "5 ms", "max"), and the
 * emitter that maps damo records to daprof targets, checks and sorts regions, keeps the metadata
 * and hands snapshots to the sink.
 */
#ifndef DPF_DAMO_PRIV_H
#define DPF_DAMO_PRIV_H

#include <errno.h>
#include <zlib.h>

#include "format/damo.h"

#define DAMO_RAW_BUF	(64u << 10)	/* raw input read at a time */
#define DAMO_FEED_BUF	(256u << 10)	/* decompressed bytes per parser call */

enum damo_comp { DAMO_PLAIN, DAMO_ZLIB, DAMO_GZIP };

/* The input bytes, decompressed. */
struct damo_src {
	int fd;				/* -1: read from mem */
	const uint8_t *mem;
	size_t mem_len;
	size_t mem_off;
	enum damo_comp comp;
	z_stream z;
	int z_live;			/* inflateInit2 done */
	int z_done;			/* stream ended */
	int raw_eof;
	uint8_t *raw;			/* DAMO_RAW_BUF */
	size_t raw_len;			/* valid bytes in raw (plain: served from raw_off) */
	size_t raw_off;
	uint64_t in_bytes;
	uint64_t out_bytes;
};

/* A damo record, or a target id of trace text: what makes one daprof target. */
struct damo_tkey {
	uint64_t id;
	int64_t kdamond;
	int64_t context;
	int64_t scheme;
	uint8_t has_id;
	uint8_t has_kdamond;
	uint8_t has_context;
	uint8_t has_scheme;
};

struct damo_ctx {
	struct damo_src src;
	const struct damo_sink *sink;
	struct damo_import_stats *st;
	char *why;
	size_t why_len;
	int err;			/* first error */
	struct dpf_meta meta;
	int meta_sent;
	int meta_dirty;			/* keys set since the last meta() call */
	struct damo_tkey *targets;
	uint32_t nr_targets;
	uint32_t alloc_targets;
	int have_intervals;		/* global sample_us/aggr_us/update_us are set */
	uint64_t sample_us;
	uint64_t aggr_us;
	uint64_t update_us;
	struct dpf_region *regions;	/* the snapshot being built */
	uint32_t nr_regions;
	uint32_t alloc_regions;
};

/* A value of damo's number text: magnitude and sign. */
struct damo_num {
	uint64_t v;
	int neg;
};

enum damo_unit {
	DAMO_U_NR,	/* plain count: "1,234", "max" */
	DAMO_U_BYTES,	/* "0 B", "4 KiB", "1.5 GiB" */
	DAMO_U_NS,	/* nanoseconds unless a unit says: "5 ms", "1 m 3 s" */
	DAMO_U_US,	/* microseconds unless a unit says */
};

/* damo_parse_num() - @s (@n bytes, not NUL-terminated) in @unit. Return: 0, -EINVAL, -ERANGE. */
int damo_parse_num(const char *s, size_t n, enum damo_unit unit, struct damo_num *out);

/* damo_fail() - remember the first error and its reason. Return: the error. */
int damo_fail(struct damo_ctx *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* damo_src_fill() - up to @cap decompressed bytes into @buf; *@got == 0 at the end. */
int damo_src_fill(struct damo_ctx *c, uint8_t *buf, size_t cap, size_t *got);
/* damo_src_rewind() - start over from the first byte (the text importer reads twice). */
int damo_src_rewind(struct damo_ctx *c);

int damo_meta_set(struct damo_ctx *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * damo_target() - the daprof target of @key, created (with its metadata) on first sight.
 * Return: 0, -E2BIG past DAMO_MAX_TARGETS (not yet reported: the caller knows where), -ENOMEM.
 */
int damo_target(struct damo_ctx *c, const struct damo_tkey *key, uint32_t *target);
/* damo_set_intervals() - the recording's intervals, from the first record that has them. */
int damo_set_intervals(struct damo_ctx *c, uint32_t target, uint64_t sample_us, uint64_t aggr_us,
		       uint64_t update_us);
/* damo_region_add() - append a region to the snapshot being built. */
int damo_region_add(struct damo_ctx *c, uint64_t start, uint64_t end, uint64_t nr_accesses,
		    uint64_t age);
/*
 * damo_snapshot_emit() - check (sort if needed, refuse overlaps) and hand the regions added
 * since the last call to the sink as one snapshot. @what names it in errors ("line 12").
 */
int damo_snapshot_emit(struct damo_ctx *c, uint32_t target, uint64_t start_ns, uint64_t end_ns,
		       const char *what);
/* damo_snapshot_drop() - forget the regions added since the last emit. */
void damo_snapshot_drop(struct damo_ctx *c);

/* The parsers; @buf holds the first @len decompressed bytes and has room for DAMO_FEED_BUF. */
int damo_json_parse(struct damo_ctx *c, uint8_t *buf, size_t len);
int damo_text_parse(struct damo_ctx *c, uint8_t *buf, size_t len);

#endif /* DPF_DAMO_PRIV_H */
