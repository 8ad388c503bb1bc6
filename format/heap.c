// SPDX-License-Identifier: GPL-2.0
/*
 * The payload of a HEAP chunk (daprof-data.5, "HEAP chunk"): a target's recorded allocations and
 * frees with the call stacks they name. Kept apart from codec.c because it shares nothing with
 * the snapshot coding but the varints. The decoder treats the payload as hostile: every count is
 * checked against the bytes left and the reader's DPF_MAX_DECODE_BYTES before anything is
 * allocated, every stack index against the chunk's stacks.
 */
#include "format/codec.h"

int dpf_encode_heap(struct dpf_buf *out, const struct dpf_heap *h)
{
	uint64_t prev_time = 0;

	dpf_buf_uvarint(out, h->target);
	dpf_buf_uvarint(out, h->sample_bytes);
	dpf_buf_uvarint(out, h->recorded);
	dpf_buf_uvarint(out, h->lost_events);
	dpf_buf_uvarint(out, h->lost_untracked);
	dpf_buf_uvarint(out, h->lost_reentrant);
	dpf_buf_uvarint(out, h->nr_stacks);
	for (uint32_t i = 0; i < h->nr_stacks; i++) {
		const struct dpf_heap_stack *st = &h->stacks[i];
		uint64_t prev = 0;

		if (st->nr > DPF_HEAP_MAX_FRAMES)
			return -EINVAL;
		dpf_buf_uvarint(out, st->nr);
		for (uint32_t k = 0; k < st->nr; k++) {
			dpf_buf_uvarint(out, zigzag((int64_t)(st->frames[k] - prev)));
			prev = st->frames[k];
		}
	}
	dpf_buf_uvarint(out, h->nr_events);
	for (uint32_t i = 0; i < h->nr_events; i++) {
		const struct dpf_heap_event *e = &h->events[i];

		if (e->kind < DPF_HEAP_START || e->kind > DPF_HEAP_FREE ||
		    (e->kind == DPF_HEAP_ALLOC && e->stack >= h->nr_stacks))
			return -EINVAL;
		dpf_buf_uvarint(out, e->kind);
		dpf_buf_uvarint(out, zigzag((int64_t)(e->time_ns - prev_time)));
		prev_time = e->time_ns;
		dpf_buf_uvarint(out, e->addr);
		dpf_buf_uvarint(out, e->size);
		if (e->kind == DPF_HEAP_ALLOC) {
			dpf_buf_uvarint(out, e->weight);
			dpf_buf_uvarint(out, e->stack);
		}
	}
	return out->err;
}

void dpf_heap_release(struct dpf_heap *h)
{
	free(h->stacks);
	free(h->events);
	free(h->frames);
	memset(h, 0, sizeof(*h));
}

int dpf_decode_heap(struct dpf_cursor *in, struct dpf_heap *h)
{
	uint64_t nr, held, nr_frames = 0, prev_time = 0, v;
	const uint8_t *stacks_at;

	memset(h, 0, sizeof(*h));
	v = cursor_uvarint(in);
	h->sample_bytes = cursor_uvarint(in);
	h->recorded = cursor_uvarint(in);
	h->lost_events = cursor_uvarint(in);
	h->lost_untracked = cursor_uvarint(in);
	h->lost_reentrant = cursor_uvarint(in);
	nr = cursor_uvarint(in);
	/* a stack takes at least one byte */
	if (in->err || v > UINT32_MAX || nr > (uint64_t)(in->end - in->p))
		return -EBADMSG;
	h->target = (uint32_t)v;
	/* first pass over the stacks: their frame count, so that one array holds them all */
	stacks_at = in->p;
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t n = cursor_uvarint(in);

		if (in->err || n > DPF_HEAP_MAX_FRAMES)
			return -EBADMSG;
		for (uint64_t k = 0; k < n; k++)
			cursor_uvarint(in);
		nr_frames += n;
	}
	if (in->err)
		return -EBADMSG;
	held = nr * sizeof(*h->stacks) + nr_frames * sizeof(*h->frames);
	if (held > DPF_MAX_DECODE_BYTES)
		return -E2BIG;
	h->stacks = calloc(nr ? nr : 1, sizeof(*h->stacks));
	h->frames = calloc(nr_frames ? nr_frames : 1, sizeof(*h->frames));
	if (!h->stacks || !h->frames)
		goto out_nomem;
	in->p = stacks_at;
	nr_frames = 0;
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t n = cursor_uvarint(in), prev = 0;

		h->stacks[i].nr = (uint32_t)n;
		h->stacks[i].frames = h->frames + nr_frames;
		for (uint64_t k = 0; k < n; k++) {
			prev += (uint64_t)unzigzag(cursor_uvarint(in));
			h->frames[nr_frames++] = prev;
		}
	}
	h->nr_stacks = (uint32_t)nr;
	nr = cursor_uvarint(in);
	/* an event takes at least four bytes */
	if (in->err || nr > (uint64_t)(in->end - in->p) / 4)
		goto out_bad;
	held += nr * sizeof(*h->events);
	if (held > DPF_MAX_DECODE_BYTES) {
		dpf_heap_release(h);
		return -E2BIG;
	}
	h->events = calloc(nr ? nr : 1, sizeof(*h->events));
	if (!h->events)
		goto out_nomem;
	for (uint64_t i = 0; i < nr; i++) {
		struct dpf_heap_event *e = &h->events[i];
		uint64_t kind = cursor_uvarint(in), stack = 0;

		prev_time += (uint64_t)unzigzag(cursor_uvarint(in));
		e->time_ns = prev_time;
		e->addr = cursor_uvarint(in);
		e->size = cursor_uvarint(in);
		if (kind == DPF_HEAP_ALLOC) {
			e->weight = cursor_uvarint(in);
			stack = cursor_uvarint(in);
		}
		if (in->err || kind < DPF_HEAP_START || kind > DPF_HEAP_FREE ||
		    (kind == DPF_HEAP_ALLOC && stack >= h->nr_stacks))
			goto out_bad;
		e->kind = (uint8_t)kind;
		e->stack = (uint32_t)stack;
	}
	h->nr_events = (uint32_t)nr;
	if (!cursor_done(in))
		goto out_bad;	/* trailing bytes: not what a writer makes */
	return 0;

out_bad:
	dpf_heap_release(h);
	return -EBADMSG;
out_nomem:
	dpf_heap_release(h);
	return -ENOMEM;
}
