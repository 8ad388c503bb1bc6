/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Chunk payload coding, private to format/: the writer encodes and the reader decodes with the same
 * per-target delta state, so the two cannot drift apart. Every chunk starts from empty state, so a
 * chunk never depends on another one and a damaged chunk costs only itself.
 */
#ifndef DPF_CODEC_H
#define DPF_CODEC_H

#include "format/bytes.h"
#include "format/dpf.h"

#define DPF_META_KEY_MAX	256
#define DPF_META_VALUE_MAX	65536
#define DPF_PATH_MAX		4096

/* The previous snapshot of one target in the current chunk; regions are the delta base. */
struct dpf_prev {
	uint32_t target;
	uint32_t nr;
	uint32_t alloc;
	struct dpf_region *regions;
	struct dpf_region *spare;	/* decode buffer swapped with regions */
	uint32_t spare_alloc;
};

/* Region slots a codec keeps across chunks (6 MiB); beyond, a chunk boundary frees them. */
#define DPF_CODEC_KEEP_REGIONS	(1u << 18)

struct dpf_codec {
	uint64_t last_start_ns;
	size_t held;		/* region slots allocated over all targets (regions + spare) */
	unsigned nr_targets;
	struct dpf_prev targets[DPF_MAX_TARGETS];
};

/*
 * dpf_codec_reset() - forget all delta state (at every chunk boundary); keeps the buffers while
 * they hold at most DPF_CODEC_KEEP_REGIONS regions.
 */
void dpf_codec_reset(struct dpf_codec *c);
void dpf_codec_release(struct dpf_codec *c);

/*
 * Return: 0, -EINVAL for an unsorted/empty region or end < start, -E2BIG for too many targets or
 * regions (DPF_MAX_CHUNK_REGIONS over the chunk's targets, delta bases included).
 */
int dpf_encode_snapshot(struct dpf_codec *c, struct dpf_buf *out, const struct dpf_snapshot *s);
/*
 * dpf_decode_snapshot() - decode the next snapshot at @in into @s; s->regions points into @c and
 * stays valid until the next decode of the same target. Return: 0, -EBADMSG, -E2BIG past
 * DPF_MAX_CHUNK_REGIONS, -ENOMEM.
 */
int dpf_decode_snapshot(struct dpf_codec *c, struct dpf_cursor *in, struct dpf_snapshot *s);

void dpf_encode_maps(struct dpf_buf *out, const struct dpf_maps *m);
/*
 * dpf_decode_maps() - fills @m with allocated arrays; free with dpf_maps_release().
 * Return: 0, -EBADMSG, -E2BIG for a map of more than DPF_MAX_DECODE_BYTES, -ENOMEM.
 */
int dpf_decode_maps(struct dpf_cursor *in, struct dpf_maps *m);
void dpf_maps_release(struct dpf_maps *m);

void dpf_encode_rusage(struct dpf_buf *out, const struct dpf_rusage *u);
int dpf_decode_rusage(struct dpf_cursor *in, struct dpf_rusage *u);

void dpf_encode_meta(struct dpf_buf *out, const struct dpf_meta *m);
/*
 * dpf_decode_meta() - merge the chunk's keys into @m (later keys override).
 * Return: 0, -EBADMSG, -E2BIG once @m holds more than DPF_MAX_META_BYTES, -ENOMEM.
 */
int dpf_decode_meta(struct dpf_cursor *in, struct dpf_meta *m);

/* format/heap.c */
int dpf_encode_heap(struct dpf_buf *out, const struct dpf_heap *h);
/*
 * dpf_decode_heap() - fills @h with allocated arrays; free with dpf_heap_release().
 * Return: 0, -EBADMSG, -E2BIG for more than DPF_MAX_DECODE_BYTES, -ENOMEM.
 */
int dpf_decode_heap(struct dpf_cursor *in, struct dpf_heap *h);

/* format/intervals.c. Return: 0, -EINVAL for values out of range (nothing written). */
int dpf_encode_intervals(struct dpf_buf *out, const struct dpf_intervals *iv);
/* dpf_decode_intervals() - one change. Return: 0, -EBADMSG (malformed or out of range). */
int dpf_decode_intervals(struct dpf_cursor *in, struct dpf_intervals *iv);

#endif /* DPF_CODEC_H */
