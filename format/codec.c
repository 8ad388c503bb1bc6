// SPDX-License-Identifier: GPL-2.0
/*
 * Payload coding of the chunk types (daprof-data.5, "Chunk payloads"). Snapshots are coded
 * against the previous snapshot of the same target in the same chunk: a region whose start lies in
 * a previous region stores its end, nr_accesses and age as differences from that region (end
 * unchanged, count unchanged and age + 1 are the common case, all coded as the byte 0), so zlib
 * then sees long runs of zeros.
 */
#include <stdarg.h>
#include <stdio.h>

#include "format/codec.h"

/* Free the region arrays of target slots @from and up. */
static void release_slots(struct dpf_codec *c, unsigned from)
{
	for (unsigned i = from; i < DPF_MAX_TARGETS; i++) {
		struct dpf_prev *p = &c->targets[i];

		c->held -= (size_t)p->alloc + p->spare_alloc;
		free(p->regions);
		free(p->spare);
		p->regions = p->spare = NULL;
		p->alloc = p->spare_alloc = p->nr = 0;
	}
}

void dpf_codec_reset(struct dpf_codec *c)
{
	c->last_start_ns = 0;
	for (unsigned i = 0; i < c->nr_targets; i++)
		c->targets[i].nr = 0;
	c->nr_targets = 0;
	/* the buffers of an earlier, larger chunk are not kept for the next ones */
	if (c->held > DPF_CODEC_KEEP_REGIONS)
		release_slots(c, 0);
}

void dpf_codec_release(struct dpf_codec *c)
{
	release_slots(c, 0);
	memset(c, 0, sizeof(*c));
}

/* The state of @target, created empty on first use; NULL when the chunk has too many targets. */
static struct dpf_prev *codec_target(struct dpf_codec *c, uint32_t target)
{
	struct dpf_prev *p;

	for (unsigned i = 0; i < c->nr_targets; i++)
		if (c->targets[i].target == target)
			return &c->targets[i];
	if (c->nr_targets == DPF_MAX_TARGETS)
		return NULL;
	p = &c->targets[c->nr_targets++];
	p->target = target;
	p->nr = 0;
	return p;
}

/*
 * Room for @nr regions in @p's spare buffer, within DPF_MAX_CHUNK_REGIONS over all targets.
 * Return: 0, -E2BIG past the cap, -ENOMEM.
 */
static int ensure_spare(struct dpf_codec *c, struct dpf_prev *p, uint64_t nr)
{
	struct dpf_region *n;
	uint32_t want;

	if (nr <= p->spare_alloc)
		return 0;
	if (nr > DPF_MAX_CHUNK_REGIONS)
		return -E2BIG;
	want = nr < 64 ? 64 : nr;
	if (c->held - p->spare_alloc + want > DPF_MAX_CHUNK_REGIONS)
		release_slots(c, c->nr_targets);	/* slots this chunk does not use */
	if (c->held - p->spare_alloc + want > DPF_MAX_CHUNK_REGIONS)
		return -E2BIG;
	n = realloc(p->spare, (size_t)want * sizeof(*n));
	if (!n)
		return -ENOMEM;
	c->held += want - p->spare_alloc;
	p->spare = n;
	p->spare_alloc = want;
	return 0;
}

/* Make the decoded/encoded spare buffer the new delta base. */
static void swap_prev(struct dpf_prev *p, uint32_t nr)
{
	struct dpf_region *t = p->regions;
	uint32_t ta = p->alloc;

	p->regions = p->spare;
	p->alloc = p->spare_alloc;
	p->spare = t;
	p->spare_alloc = ta;
	p->nr = nr;
}

int dpf_encode_snapshot(struct dpf_codec *c, struct dpf_buf *out, const struct dpf_snapshot *s)
{
	struct dpf_prev *p = codec_target(c, s->target);
	uint64_t prev_end = 0;
	uint32_t j = 0;
	uint8_t *o;
	int ret;

	if (!p)
		return -E2BIG;
	if (s->end_ns < s->start_ns)
		return -EINVAL;
	for (uint32_t i = 0; i < s->nr_regions; i++) {
		const struct dpf_region *r = &s->regions[i];

		if (r->end <= r->start || (i && r->start < prev_end))
			return -EINVAL;
		prev_end = r->end;
	}
	ret = ensure_spare(c, p, s->nr_regions);
	if (ret)
		return ret;
	if (dpf_buf_reserve(out, 50 + (size_t)s->nr_regions * 40))
		return out->err;
	o = out->data + out->len;
	o = put_uvarint_raw(o, s->target);
	o = put_uvarint_raw(o, 0);	/* snapshot flags: none defined in 1.0 */
	o = put_uvarint_raw(o, zigzag((int64_t)(s->start_ns - c->last_start_ns)));
	o = put_uvarint_raw(o, s->end_ns - s->start_ns);
	o = put_uvarint_raw(o, s->nr_regions);
	prev_end = p->nr ? p->regions[0].start : 0;
	for (uint32_t i = 0; i < s->nr_regions; i++) {
		const struct dpf_region *r = &s->regions[i];

		o = put_uvarint_raw(o, zigzag((int64_t)(r->start - prev_end)));
		while (j < p->nr && p->regions[j].end <= r->start)
			j++;
		if (j < p->nr && p->regions[j].start <= r->start) {
			const struct dpf_region *b = &p->regions[j];

			o = put_uvarint_raw(o, zigzag((int64_t)(r->end - b->end)));
			o = put_uvarint_raw(o, zigzag((int64_t)r->nr_accesses - b->nr_accesses));
			o = put_uvarint_raw(o, zigzag((int64_t)r->age - b->age - 1));
		} else {
			o = put_uvarint_raw(o, r->end - r->start);
			o = put_uvarint_raw(o, r->nr_accesses);
			o = put_uvarint_raw(o, r->age);
		}
		prev_end = r->end;
		p->spare[i] = *r;
	}
	out->len = o - out->data;
	swap_prev(p, s->nr_regions);
	c->last_start_ns = s->start_ns;
	return 0;
}

static int fits_u32(int64_t v)
{
	return v >= 0 && v <= UINT32_MAX;
}

int dpf_decode_snapshot(struct dpf_codec *c, struct dpf_cursor *in, struct dpf_snapshot *s)
{
	uint64_t target = cursor_uvarint(in);
	uint64_t flags = cursor_uvarint(in);
	int64_t dstart = unzigzag(cursor_uvarint(in));
	uint64_t dur = cursor_uvarint(in);
	uint64_t nr = cursor_uvarint(in);
	uint64_t prev_end;
	struct dpf_prev *p;
	uint32_t j = 0;
	int ret;

	if (in->err)
		return in->err;
	/* every region takes at least 4 bytes, which bounds memory by the chunk size */
	if (target > UINT32_MAX || flags || nr > (uint64_t)(in->end - in->p) / 4)
		return -EBADMSG;
	p = codec_target(c, target);
	if (!p)
		return -EBADMSG;
	s->target = target;
	s->start_ns = c->last_start_ns + dstart;
	if (s->start_ns + dur < s->start_ns)
		return -EBADMSG;
	s->end_ns = s->start_ns + dur;
	s->nr_regions = nr;
	ret = ensure_spare(c, p, nr);
	if (ret)
		return ret;
	prev_end = p->nr ? p->regions[0].start : 0;
	for (uint32_t i = 0; i < nr; i++) {
		struct dpf_region *r = &p->spare[i];
		int64_t v;

		r->start = prev_end + unzigzag(cursor_uvarint(in));
		if (i && r->start < prev_end)
			return -EBADMSG;
		while (j < p->nr && p->regions[j].end <= r->start)
			j++;
		if (j < p->nr && p->regions[j].start <= r->start) {
			const struct dpf_region *b = &p->regions[j];

			r->end = b->end + unzigzag(cursor_uvarint(in));
			v = (int64_t)b->nr_accesses + unzigzag(cursor_uvarint(in));
			if (!fits_u32(v))
				return -EBADMSG;
			r->nr_accesses = v;
			v = (int64_t)b->age + 1 + unzigzag(cursor_uvarint(in));
			if (!fits_u32(v))
				return -EBADMSG;
			r->age = v;
		} else {
			uint64_t size = cursor_uvarint(in);
			uint64_t acc = cursor_uvarint(in);
			uint64_t age = cursor_uvarint(in);

			if (acc > UINT32_MAX || age > UINT32_MAX)
				return -EBADMSG;
			r->end = r->start + size;
			r->nr_accesses = acc;
			r->age = age;
		}
		if (in->err)
			return in->err;
		if (r->end <= r->start)
			return -EBADMSG;
		prev_end = r->end;
	}
	swap_prev(p, nr);
	s->regions = p->regions;
	c->last_start_ns = s->start_ns;
	return 0;
}

void dpf_encode_maps(struct dpf_buf *out, const struct dpf_maps *m)
{
	uint64_t prev_end = 0;

	dpf_buf_uvarint(out, m->target);
	dpf_buf_uvarint(out, m->time_ns);
	dpf_buf_uvarint(out, m->nr);
	for (uint32_t i = 0; i < m->nr; i++) {
		const struct dpf_mapping *mp = &m->maps[i];
		uint8_t n = mp->build_id_len > 32 ? 32 : mp->build_id_len;

		dpf_buf_uvarint(out, zigzag((int64_t)(mp->start - prev_end)));
		dpf_buf_uvarint(out, mp->end - mp->start);
		dpf_buf_uvarint(out, mp->offset);
		dpf_buf_uvarint(out, mp->perms);
		dpf_buf_str(out, mp->path);
		dpf_buf_uvarint(out, n);
		dpf_buf_put(out, mp->build_id, n);
		prev_end = mp->end;
	}
}

void dpf_maps_release(struct dpf_maps *m)
{
	for (uint32_t i = 0; m->maps && i < m->nr; i++)
		free(m->maps[i].path);
	free(m->maps);
	m->maps = NULL;
	m->nr = 0;
}

int dpf_decode_maps(struct dpf_cursor *in, struct dpf_maps *m)
{
	uint64_t target = cursor_uvarint(in);
	uint64_t nr;
	uint64_t prev_end = 0;
	uint64_t held;
	int ret = -EBADMSG;

	memset(m, 0, sizeof(*m));
	m->time_ns = cursor_uvarint(in);
	nr = cursor_uvarint(in);
	/* a mapping takes at least 6 bytes */
	if (in->err || target > UINT32_MAX || nr > (uint64_t)(in->end - in->p) / 6)
		return -EBADMSG;
	m->target = target;
	held = nr * sizeof(*m->maps);
	if (held > DPF_MAX_DECODE_BYTES)
		return -E2BIG;
	m->maps = calloc(nr ? nr : 1, sizeof(*m->maps));
	if (!m->maps)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr; i++) {
		struct dpf_mapping *mp = &m->maps[i];
		uint64_t perms, idlen;

		m->nr = i + 1;	/* so that release frees what was decoded */
		mp->start = prev_end + unzigzag(cursor_uvarint(in));
		mp->end = mp->start + cursor_uvarint(in);
		mp->offset = cursor_uvarint(in);
		perms = cursor_uvarint(in);
		mp->path = cursor_strdup(in, DPF_PATH_MAX);
		idlen = cursor_uvarint(in);
		if (in->err || perms > UINT32_MAX || idlen > 32 ||
		    idlen > (uint64_t)(in->end - in->p) || mp->end < mp->start)
			goto out_bad;
		held += 32 + strlen(mp->path);	/* malloc's least, roughly */
		if (held > DPF_MAX_DECODE_BYTES) {
			ret = -E2BIG;
			goto out_bad;
		}
		mp->perms = perms;
		mp->build_id_len = idlen;
		memcpy(mp->build_id, in->p, idlen);
		in->p += idlen;
		prev_end = mp->end;
	}
	return 0;

out_bad:
	dpf_maps_release(m);
	return in->err ? in->err : ret;
}

#define RUSAGE_FIELDS 7

void dpf_encode_rusage(struct dpf_buf *out, const struct dpf_rusage *u)
{
	const uint64_t f[RUSAGE_FIELDS] = {
		u->time_ns, u->self_utime_ns, u->self_stime_ns, u->self_maxrss,
		u->target_utime_ns, u->target_stime_ns, u->target_rss,
	};

	dpf_buf_uvarint(out, RUSAGE_FIELDS);
	for (int i = 0; i < RUSAGE_FIELDS; i++)
		dpf_buf_uvarint(out, f[i]);
}

int dpf_decode_rusage(struct dpf_cursor *in, struct dpf_rusage *u)
{
	uint64_t nfields = cursor_uvarint(in);
	uint64_t f[RUSAGE_FIELDS] = { 0 };

	if (in->err || nfields > 64)
		return -EBADMSG;
	/* fields a later minor version appends are read and dropped */
	for (uint64_t i = 0; i < nfields; i++) {
		uint64_t v = cursor_uvarint(in);

		if (i < RUSAGE_FIELDS)
			f[i] = v;
	}
	if (in->err)
		return in->err;
	u->time_ns = f[0];
	u->self_utime_ns = f[1];
	u->self_stime_ns = f[2];
	u->self_maxrss = f[3];
	u->target_utime_ns = f[4];
	u->target_stime_ns = f[5];
	u->target_rss = f[6];
	return 0;
}

void dpf_encode_meta(struct dpf_buf *out, const struct dpf_meta *m)
{
	dpf_buf_uvarint(out, m->nr);
	for (size_t i = 0; i < m->nr; i++) {
		dpf_buf_str(out, m->entries[i].key);
		dpf_buf_str(out, m->entries[i].value);
	}
}

int dpf_decode_meta(struct dpf_cursor *in, struct dpf_meta *m)
{
	uint64_t nr = cursor_uvarint(in);

	if (in->err || nr > (uint64_t)(in->end - in->p) / 2)
		return -EBADMSG;
	for (uint64_t i = 0; i < nr; i++) {
		char *key = cursor_strdup(in, DPF_META_KEY_MAX);
		char *value = key ? cursor_strdup(in, DPF_META_VALUE_MAX) : NULL;
		int ret = -EBADMSG;

		if (value)
			ret = dpf_meta_set(m, key, value);
		free(key);
		free(value);
		if (!ret && m->bytes > DPF_MAX_META_BYTES)
			ret = -E2BIG;
		if (ret)
			return in->err ? in->err : ret;
	}
	return 0;
}
