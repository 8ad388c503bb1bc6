// SPDX-License-Identifier: GPL-2.0
/*
 * The streaming writer. It holds at most one chunk of encoded snapshots (plus pending resource
 * samples) in memory, compresses it as one zlib stream and appends it with its header; nothing
 * already written is ever rewritten, so a recorder killed at any point leaves every flushed chunk
 * readable. Whole-file writers (convert) use the atomic mode: a temporary name renamed on close.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/codec.h"
#include "format/layout.h"
#include "format/outfile.h"

#define DEFAULT_CHUNK_BYTES	(1u << 20)
#define MAX_INDEX_ENTRIES	65536	/* coarsened by halving beyond this: memory stays bounded */

struct dpf_writer {
	struct outfile out;	/* out.fd is the file written; -1 once it is closed */
	int err;		/* first error; later calls fail with it */
	struct dpf_writer_opts opts;
	uint64_t offset;	/* bytes written */
	struct dpf_codec codec;
	struct dpf_buf snaps;	/* encoded snapshots of the open chunk */
	struct dpf_buf rusage;	/* encoded rusage samples not yet written */
	struct dpf_buf intervals;	/* encoded intervals changes not yet written */
	struct dpf_buf zbuf;	/* compression output */
	struct dpf_index_entry cur;	/* the open chunk's index figures */
	struct dpf_index_entry *index;
	size_t nr_index;
	uint64_t nr_snapshots;
};

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int writer_fail(struct dpf_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

/* Compress @raw (unless that doesn't shrink it) and append it as one chunk. */
static int write_chunk(struct dpf_writer *w, uint16_t type, uint16_t flags, const struct dpf_buf *raw)
{
	struct dpf_chunk_header ch = { .type = type, .flags = flags, .raw_size = raw->len };
	uint8_t hdr[DPF_CHUNK_HEADER_SIZE];
	const uint8_t *payload = raw->data;
	uLongf zlen;
	int ret;

	if (w->err)
		return w->err;
	if (raw->err)
		return writer_fail(w, raw->err);
	if (raw->len > DPF_MAX_CHUNK_RAW)
		return writer_fail(w, -E2BIG);
	zlen = compressBound(raw->len);
	w->zbuf.len = 0;
	if (dpf_buf_reserve(&w->zbuf, zlen))
		return writer_fail(w, -ENOMEM);
	if (compress2(w->zbuf.data, &zlen, raw->data, raw->len, w->opts.level) != Z_OK)
		return writer_fail(w, -EIO);
	if (zlen < raw->len) {
		payload = w->zbuf.data;
		ch.stored_size = zlen;
	} else {
		ch.flags |= DPF_CF_STORED;
		ch.stored_size = raw->len;
	}
	ch.payload_crc = dpf_crc32(payload, ch.stored_size);
	dpf_chunk_header_encode(hdr, &ch);
	ret = write_all(w->out.fd, hdr, sizeof(hdr));
	if (!ret)
		ret = write_all(w->out.fd, payload, ch.stored_size);
	if (ret)
		return writer_fail(w, ret);
	w->offset += sizeof(hdr) + ch.stored_size;
	if (w->opts.sync_flushes && w->out.regular && fdatasync(w->out.fd))
		return writer_fail(w, -errno);
	return 0;
}

/* Halve the index by merging neighbours, so that a day-long recording keeps a bounded index. */
static void coarsen_index(struct dpf_writer *w)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nr_index; i += 2, n++) {
		struct dpf_index_entry e = w->index[i];

		if (i + 1 < w->nr_index) {
			e.last_end_ns = w->index[i + 1].last_end_ns;
			e.nr_snapshots += w->index[i + 1].nr_snapshots;
			e.nr_regions += w->index[i + 1].nr_regions;
		}
		w->index[n] = e;
	}
	w->nr_index = n;
}

static int flush_rusage(struct dpf_writer *w)
{
	int ret;

	if (!w->rusage.len)
		return 0;
	ret = write_chunk(w, DPF_CHUNK_RUSAGE, 0, &w->rusage);
	w->rusage.len = 0;
	return ret;
}

/* Before the snapshots queued with them: a reader knows a change before the snapshots it rules. */
static int flush_intervals(struct dpf_writer *w)
{
	int ret;

	if (!w->intervals.len)
		return 0;
	ret = write_chunk(w, DPF_CHUNK_INTERVALS, 0, &w->intervals);
	w->intervals.len = 0;
	return ret;
}

int dpf_writer_flush(struct dpf_writer *w)
{
	int ret = flush_intervals(w);

	if (!ret)
		ret = flush_rusage(w);

	if (ret || !w->snaps.len)
		return ret;
	w->cur.offset = w->offset;
	ret = write_chunk(w, DPF_CHUNK_SNAPSHOTS, 0, &w->snaps);
	w->snaps.len = 0;
	dpf_codec_reset(&w->codec);
	if (ret)
		return ret;
	if (w->nr_index == MAX_INDEX_ENTRIES)
		coarsen_index(w);
	if (!w->index) {
		w->index = calloc(MAX_INDEX_ENTRIES, sizeof(*w->index));
		if (!w->index)
			return writer_fail(w, -ENOMEM);
	}
	w->index[w->nr_index++] = w->cur;
	memset(&w->cur, 0, sizeof(w->cur));
	return 0;
}

int dpf_writer_snapshot(struct dpf_writer *w, const struct dpf_snapshot *s)
{
	int ret;

	if (w->err)
		return w->err;
	ret = dpf_encode_snapshot(&w->codec, &w->snaps, s);
	if (ret == -E2BIG) {
		/* more targets than one chunk codes: start a new chunk */
		ret = dpf_writer_flush(w);
		if (!ret)
			ret = dpf_encode_snapshot(&w->codec, &w->snaps, s);
	}
	if (ret == -EINVAL)
		return ret;	/* caller's bad snapshot; the file is still fine */
	if (ret)
		return writer_fail(w, ret);
	if (!w->cur.nr_snapshots)
		w->cur.first_start_ns = s->start_ns;
	if (s->end_ns > w->cur.last_end_ns)
		w->cur.last_end_ns = s->end_ns;
	w->cur.nr_snapshots++;
	w->cur.nr_regions += s->nr_regions;
	w->nr_snapshots++;
	if (w->snaps.len >= w->opts.chunk_bytes)
		return dpf_writer_flush(w);
	return 0;
}

static int write_small_chunk(struct dpf_writer *w, uint16_t type, uint16_t flags,
			     void (*encode)(struct dpf_buf *, const void *), const void *arg)
{
	struct dpf_buf b = { 0 };
	int ret = dpf_writer_flush(w);

	if (ret)
		return ret;
	encode(&b, arg);
	ret = write_chunk(w, type, flags, &b);
	free(b.data);
	return ret;
}

static void encode_maps_cb(struct dpf_buf *b, const void *arg)
{
	dpf_encode_maps(b, arg);
}

static void encode_meta_cb(struct dpf_buf *b, const void *arg)
{
	dpf_encode_meta(b, arg);
}

int dpf_writer_maps(struct dpf_writer *w, const struct dpf_maps *m)
{
	return write_small_chunk(w, DPF_CHUNK_MAPS, 0, encode_maps_cb, m);
}

int dpf_writer_meta(struct dpf_writer *w, const struct dpf_meta *meta)
{
	return write_small_chunk(w, DPF_CHUNK_META, DPF_CF_REQUIRED, encode_meta_cb, meta);
}

int dpf_writer_heap(struct dpf_writer *w, const struct dpf_heap *h)
{
	struct dpf_buf b = { 0 };
	int ret = dpf_writer_flush(w);

	if (ret)
		return ret;
	ret = dpf_encode_heap(&b, h);
	if (ret == -EINVAL) {
		free(b.data);
		return ret;	/* the caller's bad chunk; the file is still fine */
	}
	ret = write_chunk(w, DPF_CHUNK_HEAP, 0, &b);
	free(b.data);
	return ret;
}

int dpf_writer_rusage(struct dpf_writer *w, const struct dpf_rusage *u)
{
	if (w->err)
		return w->err;
	dpf_encode_rusage(&w->rusage, u);
	if (w->rusage.err)
		return writer_fail(w, w->rusage.err);
	return 0;
}

int dpf_writer_intervals(struct dpf_writer *w, const struct dpf_intervals *iv)
{
	size_t len = w->intervals.len;
	int ret;

	if (w->err)
		return w->err;
	ret = dpf_encode_intervals(&w->intervals, iv);
	if (ret == -EINVAL) {
		w->intervals.len = len;
		return ret;	/* the caller's bad values; the file is still fine */
	}
	if (ret)
		return writer_fail(w, ret);
	/* a chunk's worth (a runaway caller): written now, memory stays bounded */
	if (w->intervals.len >= w->opts.chunk_bytes)
		return dpf_writer_flush(w);
	return 0;
}

int dpf_writer_publish(struct dpf_writer *w, const char *keep_suffix)
{
	int ret = dpf_writer_flush(w);

	if (!ret)
		ret = outfile_publish(&w->out, keep_suffix);
	return ret ? writer_fail(w, ret) : 0;
}

uint64_t dpf_writer_bytes(const struct dpf_writer *w)
{
	return w->offset;
}

static void writer_free(struct dpf_writer *w)
{
	if (w->out.fd >= 0)
		outfile_abort(&w->out);
	dpf_codec_release(&w->codec);
	free(w->snaps.data);
	free(w->rusage.data);
	free(w->intervals.data);
	free(w->zbuf.data);
	free(w->index);
	free(w);
}

int dpf_writer_open(struct dpf_writer **out, const char *path, const struct dpf_writer_opts *o,
		    const struct dpf_meta *meta)
{
	uint8_t hdr[DPF_HEADER_SIZE];
	struct dpf_writer *w;
	int ret;

	*out = NULL;
	if (o && (o->level < 0 || o->level > 9))
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->out.fd = -1;
	if (o)
		w->opts = *o;
	if (!w->opts.level)
		w->opts.level = 3;
	if (!w->opts.chunk_bytes || w->opts.chunk_bytes > DPF_MAX_CHUNK_RAW / 2)
		w->opts.chunk_bytes = DEFAULT_CHUNK_BYTES;
	ret = outfile_open(&w->out, path, w->opts.atomic);
	if (ret)
		goto out_free;
	dpf_header_encode(hdr);
	ret = write_all(w->out.fd, hdr, sizeof(hdr));
	if (ret)
		goto out_free;
	w->offset = sizeof(hdr);
	if (meta) {
		ret = dpf_writer_meta(w, meta);
		if (ret)
			goto out_free;
	}
	*out = w;
	return 0;

out_free:
	dpf_writer_abort(w);
	return ret;
}

static void encode_index(struct dpf_buf *b, const struct dpf_writer *w)
{
	dpf_buf_uvarint(b, w->nr_index);
	for (size_t i = 0; i < w->nr_index; i++) {
		const struct dpf_index_entry *e = &w->index[i];

		dpf_buf_uvarint(b, e->offset);
		dpf_buf_uvarint(b, e->first_start_ns);
		dpf_buf_uvarint(b, e->last_end_ns);
		dpf_buf_uvarint(b, e->nr_snapshots);
		dpf_buf_uvarint(b, e->nr_regions);
	}
}

int dpf_writer_close(struct dpf_writer *w)
{
	uint8_t trailer[DPF_TRAILER_SIZE];
	struct dpf_buf b = { 0 };
	uint64_t index_off;
	int ret = dpf_writer_flush(w);

	if (!ret) {
		index_off = w->offset;
		encode_index(&b, w);
		ret = write_chunk(w, DPF_CHUNK_INDEX, 0, &b);
		free(b.data);
	}
	if (!ret) {
		dpf_trailer_encode(trailer, index_off, w->nr_snapshots);
		ret = write_all(w->out.fd, trailer, sizeof(trailer));
	}
	if (ret) {
		dpf_writer_abort(w);
		return ret;
	}
	ret = outfile_commit(&w->out, 1);	/* out.fd is -1 after it, whatever it returns */
	writer_free(w);
	return ret;
}

void dpf_writer_abort(struct dpf_writer *w)
{
	if (!w)
		return;
	writer_free(w);		/* outfile_abort(): the temporary file goes */
}
