// SPDX-License-Identifier: GPL-2.0
/*
 * The streaming reader. It walks the chunks in file order with one chunk's bytes in memory, and
 * treats the file as hostile: every size is checked against the file and DPF_MAX_CHUNK_RAW, every
 * payload against its CRC, every decoded value against its range. A damaged chunk becomes a
 * DPF_EV_DAMAGE event; the reader then resynchronises on the next well-formed chunk header.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/codec.h"
#include "format/layout.h"

struct dpf_reader {
	int fd;			/* -1 for a memory buffer */
	const uint8_t *mem;
	uint64_t size;
	uint64_t pos;		/* next chunk header */
	uint64_t end;		/* where chunks stop: the trailer, or the file size */
	unsigned major, minor;
	int clean;		/* valid trailer seen at open */
	uint64_t index_off;	/* of the INDEX chunk, when clean */
	uint64_t first_pos;	/* the first chunk after the one reader_init() read */
	uint64_t chunks_read;	/* payloads inflated */
	int (*skip)(void *arg, uint32_t type, uint64_t offset);	/* chunks passed over */
	void *skip_arg;
	struct dpf_meta meta;
	struct dpf_codec codec;
	uint8_t *piece;		/* READ_PIECE bytes: the stored payload passes through it */
	struct dpf_buf raw;	/* the current chunk, inflated; alloc is exactly what it needs */
	struct dpf_cursor cur;	/* position in raw while a snapshot chunk is being iterated */
	uint64_t cur_off;	/* offset of that chunk */
	int in_snapshots;
	struct dpf_maps maps;	/* owned by the last DPF_EV_MAPS event */
	struct dpf_cursor rusage_cur;
	int in_rusage;
	struct dpf_cursor intervals_cur;
	int in_intervals;
	int want_heap;		/* yield HEAP chunks */
	struct dpf_heap heap;	/* owned by the last DPF_EV_HEAP event */
};

const char *dpf_strerror(int err)
{
	switch (err) {
	case -EBADMSG:
		return "not a daprof recording, or its header is damaged";
	case -EPROTONOSUPPORT:
		return "made by a newer daprof";
	case -ENOTSUP:
		return "contains a required part this daprof does not know";
	case -E2BIG:
		return "chunk too large";
	case -ESPIPE:
		return "a FIFO, socket or device, not a regular file (a recording is read with random "
		       "access: save a pipe to a file first)";
	default:
		return strerror(-err);
	}
}

#define READ_PIECE	(64u << 10)

/* Read exactly @len bytes at @off. Return: 0, -EBADMSG past the end, or -errno. */
static int read_at(struct dpf_reader *r, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (off > r->size || len > r->size - off)
		return -EBADMSG;
	if (r->fd < 0) {
		memcpy(buf, r->mem + off, len);
		return 0;
	}
	while (len) {
		ssize_t n = pread(r->fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EBADMSG;	/* the file shrank under us */
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

static int check_header(struct dpf_reader *r)
{
	uint8_t h[DPF_HEADER_SIZE];
	uint32_t hsize;
	int ret = read_at(r, 0, h, sizeof(h));

	if (ret)
		return ret == -EBADMSG ? -EBADMSG : ret;
	if (memcmp(h, DPF_MAGIC, 8))
		return -EBADMSG;
	r->major = get_le16(h + 8);
	r->minor = get_le16(h + 10);
	if (r->major > DPF_MAJOR)
		return -EPROTONOSUPPORT;
	if (r->major < 1 || get_le32(h + 60) != dpf_crc32(h, 60))
		return -EBADMSG;
	hsize = get_le32(h + 12);
	if (hsize < DPF_HEADER_SIZE || hsize > r->size)
		return -EBADMSG;
	if (memcmp(h + 20, "zlib", 5))
		return -ENOTSUP;
	r->pos = hsize;
	return 0;
}

static void check_trailer(struct dpf_reader *r)
{
	uint8_t t[DPF_TRAILER_SIZE];
	uint64_t index_off;

	r->end = r->size;
	if (r->size < r->pos + DPF_TRAILER_SIZE ||
	    read_at(r, r->size - DPF_TRAILER_SIZE, t, sizeof(t)) ||
	    !dpf_trailer_decode(t, &index_off) || index_off < r->pos ||
	    index_off > r->size - DPF_TRAILER_SIZE)
		return;
	r->clean = 1;
	r->index_off = index_off;
	r->end = r->size - DPF_TRAILER_SIZE;
}

/* Room for exactly @n raw bytes (not the next power of two: chunks go up to 64 MiB). */
static int raw_reserve(struct dpf_reader *r, size_t n)
{
	uint8_t *p;

	r->raw.len = 0;
	if (n + 1 <= r->raw.alloc)
		return 0;
	free(r->raw.data);	/* nothing in it is kept: no realloc copy */
	r->raw.data = NULL;
	r->raw.alloc = 0;
	p = malloc(n + 1);
	if (!p)
		return -ENOMEM;
	r->raw.data = p;
	r->raw.alloc = n + 1;
	return 0;
}

/*
 * Check the CRC of the payload at @off and inflate it into r->raw, reading it in READ_PIECE
 * pieces: one chunk costs its raw size, not its raw and stored sizes together.
 * Return: 0, -EBADMSG (*@why says why), other -errno.
 */
static int inflate_payload(struct dpf_reader *r, uint64_t off, const struct dpf_chunk_header *ch,
			   const char **why)
{
	z_stream z = { 0 };
	uint32_t crc = crc32(0L, Z_NULL, 0);
	uint64_t left = ch->stored_size;
	int stored = ch->flags & DPF_CF_STORED, zret = Z_OK, ret = 0;

	if (!r->piece && !(r->piece = malloc(READ_PIECE)))
		return -ENOMEM;
	if (!stored && inflateInit(&z) != Z_OK)
		return -ENOMEM;
	z.next_out = r->raw.data;
	z.avail_out = ch->raw_size;
	while (left) {
		size_t n = left < READ_PIECE ? left : READ_PIECE;
		const uint8_t *p = r->piece;

		if (r->fd < 0)
			p = r->mem + off;
		else if ((ret = read_at(r, off, r->piece, n)))
			break;
		crc = crc32(crc, p, n);
		if (stored) {
			memcpy(r->raw.data + (ch->stored_size - left), p, n);
		} else if (zret == Z_OK) {
			z.next_in = (uint8_t *)p;
			z.avail_in = n;
			while (zret == Z_OK && z.avail_in)
				zret = inflate(&z, Z_NO_FLUSH);	/* Z_BUF_ERROR: more than raw_size */
		}
		off += n;
		left -= n;
	}
	if (!stored) {
		if (zret == Z_OK && !ret) {
			z.avail_in = 0;
			zret = inflate(&z, Z_FINISH);
		}
		inflateEnd(&z);
	}
	if (ret)
		return ret;
	if (crc != ch->payload_crc) {
		*why = "payload checksum mismatch";
		return -EBADMSG;
	}
	if (!stored && (zret != Z_STREAM_END || z.avail_out)) {
		*why = zret == Z_MEM_ERROR ? "out of memory inflating" : "payload does not inflate";
		return zret == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
	}
	return 0;
}

/*
 * Load the chunk at r->pos into r->raw. Return: 1 loaded (*ch filled), 2 passed over as r->skip
 * asked (*skip = its bytes), 0 end, -EBADMSG damaged (*skip = bytes to skip), other -errno fatal.
 */
static int load_chunk(struct dpf_reader *r, struct dpf_chunk_header *ch, uint64_t *skip,
		      const char **why)
{
	uint8_t h[DPF_CHUNK_HEADER_SIZE];
	int ret;

	if (r->pos >= r->end)
		return 0;
	if (r->end - r->pos < DPF_CHUNK_HEADER_SIZE) {
		*skip = r->end - r->pos;
		*why = "truncated chunk header";
		return -EBADMSG;
	}
	ret = read_at(r, r->pos, h, sizeof(h));
	if (ret)
		return ret;
	if (!dpf_chunk_header_decode(h, ch)) {
		*skip = 0;	/* resynchronise */
		*why = "damaged chunk header";
		return -EBADMSG;
	}
	if (ch->raw_size > DPF_MAX_CHUNK_RAW || ch->stored_size > DPF_MAX_CHUNK_RAW + 4096) {
		*skip = 0;
		*why = "chunk larger than any writer makes";
		return -EBADMSG;
	}
	if (ch->stored_size > r->end - r->pos - DPF_CHUNK_HEADER_SIZE) {
		*skip = r->end - r->pos;
		*why = "truncated chunk";
		return -EBADMSG;
	}
	*skip = DPF_CHUNK_HEADER_SIZE + (uint64_t)ch->stored_size;
	if (ch->flags & DPF_CF_STORED && ch->stored_size != ch->raw_size) {
		*why = "stored chunk with inconsistent sizes";
		return -EBADMSG;
	}
	if (r->skip && r->skip(r->skip_arg, ch->type, r->pos))
		return 2;
	ret = raw_reserve(r, ch->raw_size);
	if (ret)
		return ret;
	r->chunks_read++;
	ret = inflate_payload(r, r->pos + DPF_CHUNK_HEADER_SIZE, ch, why);
	if (ret)
		return ret;
	r->raw.len = ch->raw_size;
	return 1;
}

/* Find the next well-formed chunk header (or the end) after a damaged spot at r->pos. */
static uint64_t resync(struct dpf_reader *r)
{
	uint8_t buf[65536];
	uint64_t off = r->pos + 1;

	while (off < r->end) {
		size_t n = r->end - off < sizeof(buf) ? r->end - off : sizeof(buf);

		if (n < DPF_CHUNK_HEADER_SIZE || read_at(r, off, buf, n))
			break;
		for (size_t i = 0; i + DPF_CHUNK_HEADER_SIZE <= n; i++) {
			struct dpf_chunk_header ch;

			if (buf[i] == 'D' && dpf_chunk_header_decode(buf + i, &ch))
				return off + i;
		}
		off += n - DPF_CHUNK_HEADER_SIZE + 1;
	}
	return r->end;
}

static void damage_event(struct dpf_event *ev, uint64_t off, uint64_t len, uint32_t type,
			 const char *why)
{
	ev->type = DPF_EV_DAMAGE;
	ev->offset = off;
	ev->damage.offset = off;
	ev->damage.length = len;
	ev->damage.chunk_type = type;
	ev->damage.reason = why;
}

#define CAP_WORDS	"96 MiB"	/* DPF_MAX_DECODE_BYTES */

static int next_in_chunk(struct dpf_reader *r, struct dpf_event *ev)
{
	int ret;

	if (r->in_snapshots) {
		if (cursor_done(&r->cur)) {
			r->in_snapshots = 0;
			return 0;
		}
		ret = dpf_decode_snapshot(&r->codec, &r->cur, &ev->snapshot);
		if (ret == -ENOMEM)
			return ret;
		if (ret) {
			r->in_snapshots = 0;
			damage_event(ev, r->cur_off, r->cur.end - r->cur.p, DPF_CHUNK_SNAPSHOTS,
				     ret == -E2BIG ? "more regions than a reader holds (" CAP_WORDS
						     "); rest of chunk lost"
						   : "undecodable snapshot; rest of chunk lost");
			return 1;
		}
		ev->type = DPF_EV_SNAPSHOT;
		ev->offset = r->cur_off;
		return 1;
	}
	if (r->in_rusage) {
		if (cursor_done(&r->rusage_cur)) {
			r->in_rusage = 0;
			return 0;
		}
		if (dpf_decode_rusage(&r->rusage_cur, &ev->rusage)) {
			r->in_rusage = 0;
			damage_event(ev, r->cur_off, 0, DPF_CHUNK_RUSAGE, "undecodable resource sample");
			return 1;
		}
		ev->type = DPF_EV_RUSAGE;
		ev->offset = r->cur_off;
		return 1;
	}
	if (r->in_intervals) {
		if (cursor_done(&r->intervals_cur)) {
			r->in_intervals = 0;
			return 0;
		}
		if (dpf_decode_intervals(&r->intervals_cur, &ev->intervals)) {
			r->in_intervals = 0;
			damage_event(ev, r->cur_off, 0, DPF_CHUNK_INTERVALS,
				     "undecodable intervals change; rest of chunk lost");
			return 1;
		}
		ev->type = DPF_EV_INTERVALS;
		ev->offset = r->cur_off;
		return 1;
	}
	return 0;
}

int dpf_reader_next(struct dpf_reader *r, struct dpf_event *ev)
{
	struct dpf_chunk_header ch;
	struct dpf_cursor c;
	const char *why = NULL;
	uint64_t skip;
	int ret;

	dpf_maps_release(&r->maps);
	dpf_heap_release(&r->heap);
	for (;;) {
		ret = next_in_chunk(r, ev);
		if (ret)
			return ret;
		memset(&ch, 0, sizeof(ch));
		ret = load_chunk(r, &ch, &skip, &why);
		if (ret == 0)
			return 0;
		if (ret == -EBADMSG) {
			uint64_t at = r->pos;

			r->pos = skip ? r->pos + skip : resync(r);
			damage_event(ev, at, r->pos - at, ch.type, why);
			return 1;
		}
		if (ret < 0)
			return ret;
		if (ret == 2) {
			r->pos += skip;
			continue;
		}
		r->cur_off = r->pos;
		r->pos += skip;
		dpf_codec_reset(&r->codec);	/* frees a big earlier chunk's region arrays */
		c.p = r->raw.data;
		c.end = r->raw.data + r->raw.len;
		c.err = 0;
		switch (ch.type) {
		case DPF_CHUNK_SNAPSHOTS:
			r->cur = c;
			r->in_snapshots = 1;
			continue;
		case DPF_CHUNK_RUSAGE:
			r->rusage_cur = c;
			r->in_rusage = 1;
			continue;
		case DPF_CHUNK_INTERVALS:
			r->intervals_cur = c;
			r->in_intervals = 1;
			continue;
		case DPF_CHUNK_MAPS:
			ret = dpf_decode_maps(&c, &r->maps);
			if (ret == -ENOMEM)
				return ret;
			if (ret) {
				damage_event(ev, r->cur_off, skip, ch.type, ret == -E2BIG ?
					     "memory map larger than a reader holds (" CAP_WORDS ")" :
					     "undecodable memory map");
				return 1;
			}
			ev->type = DPF_EV_MAPS;
			ev->offset = r->cur_off;
			ev->maps = r->maps;
			return 1;
		case DPF_CHUNK_META:
			ret = dpf_decode_meta(&c, &r->meta);
			if (ret == -ENOMEM)
				return ret;
			if (ret) {
				damage_event(ev, r->cur_off, skip, ch.type, ret == -E2BIG ?
					     "more metadata than a reader holds (32 MiB); rest of chunk "
					     "lost" : "undecodable metadata");
				return 1;
			}
			ev->type = DPF_EV_META;
			ev->offset = r->cur_off;
			return 1;
		case DPF_CHUNK_INDEX:
			continue;	/* only for seeking; the stream has the same facts */
		case DPF_CHUNK_HEAP:
			if (!r->want_heap)
				continue;	/* as an optional chunk this reader does not know */
			ret = dpf_decode_heap(&c, &r->heap);
			if (ret == -ENOMEM)
				return ret;
			if (ret) {
				damage_event(ev, r->cur_off, skip, ch.type, ret == -E2BIG ?
					     "heap sites larger than a reader holds (" CAP_WORDS ")" :
					     "undecodable heap sites");
				return 1;
			}
			ev->type = DPF_EV_HEAP;
			ev->offset = r->cur_off;
			ev->heap = r->heap;
			return 1;
		default:
			if (ch.flags & DPF_CF_REQUIRED)
				return -ENOTSUP;
			continue;	/* an optional chunk of a later minor version */
		}
	}
}

static int reader_init(struct dpf_reader *r)
{
	struct dpf_chunk_header ch;
	struct dpf_cursor c;
	const char *why;
	uint64_t skip;
	int ret = check_header(r);

	if (ret)
		return ret;
	check_trailer(r);
	/* The first chunk is normally the metadata: read it now so that callers have it first. */
	ret = load_chunk(r, &ch, &skip, &why);
	if (ret < 0 && ret != -EBADMSG)
		return ret;
	if (ret == 1 && ch.type == DPF_CHUNK_META) {
		c.p = r->raw.data;
		c.end = r->raw.data + r->raw.len;
		c.err = 0;
		if (dpf_decode_meta(&c, &r->meta) == 0)
			r->pos += skip;
		else
			dpf_meta_release(&r->meta);	/* next() reports it as damage */
	}
	r->first_pos = r->pos;
	return 0;
}

int dpf_input_open(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), flags, ret;

	if (fd < 0)
		return -errno;
	if (fstat(fd, st)) {
		ret = -errno;
		goto out_close;
	}
	if (S_ISDIR(st->st_mode)) {
		ret = -EISDIR;
		goto out_close;
	}
	if (S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode)) {
		ret = -ESPIPE;
		goto out_close;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)) {
		ret = -errno;
		goto out_close;
	}
	return fd;

out_close:
	close(fd);
	return ret;
}

int dpf_reader_open(struct dpf_reader **out, const char *path)
{
	struct dpf_reader *r;
	struct stat st;
	int ret;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fd = dpf_input_open(path, &st);
	if (r->fd < 0) {
		ret = r->fd;
		free(r);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -ESPIPE;	/* a device: no size, no pread */
		goto out_close;
	}
	r->size = st.st_size;
	ret = reader_init(r);
	if (ret)
		goto out_close;
	*out = r;
	return 0;

out_close:
	dpf_reader_close(r);
	return ret;
}

int dpf_reader_open_mem(struct dpf_reader **out, const void *buf, size_t len)
{
	struct dpf_reader *r;
	int ret;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fd = -1;
	r->mem = buf;
	r->size = len;
	ret = reader_init(r);
	if (ret) {
		dpf_reader_close(r);
		return ret;
	}
	*out = r;
	return 0;
}

int dpf_file_version(const char *path, unsigned *major, unsigned *minor)
{
	uint8_t h[12];
	struct stat st;
	int fd = dpf_input_open(path, &st);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, DPF_MAGIC, 8))
		return -EBADMSG;
	*major = get_le16(h + 8);
	*minor = get_le16(h + 10);
	return 0;
}

const struct dpf_meta *dpf_reader_meta(const struct dpf_reader *r)
{
	return &r->meta;
}

void dpf_reader_version(const struct dpf_reader *r, unsigned *major, unsigned *minor)
{
	*major = r->major;
	*minor = r->minor;
}

uint64_t dpf_reader_file_size(const struct dpf_reader *r)
{
	return r->size;
}

int dpf_reader_closed_cleanly(const struct dpf_reader *r)
{
	return r->clean;
}

void dpf_reader_close(struct dpf_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	dpf_meta_release(&r->meta);
	dpf_codec_release(&r->codec);
	dpf_maps_release(&r->maps);
	dpf_heap_release(&r->heap);
	free(r->piece);
	free(r->raw.data);
	free(r);
}

int dpf_reader_index(struct dpf_reader *r, struct dpf_index_entry **entries, size_t *nr)
{
	struct dpf_chunk_header ch;
	struct dpf_index_entry *v;
	struct dpf_cursor c;
	const char *why;
	uint64_t skip, n, saved = r->pos;
	int ret;

	*entries = NULL;
	*nr = 0;
	if (!r->clean)
		return -ENOENT;
	if (r->in_snapshots || r->in_rusage || r->in_intervals)
		return -EBUSY;	/* r->raw holds the chunk being iterated */
	r->pos = r->index_off;
	ret = load_chunk(r, &ch, &skip, &why);
	r->pos = saved;
	if (ret < 0)
		return ret;
	if (ret != 1 || ch.type != DPF_CHUNK_INDEX)
		return -EBADMSG;
	c.p = r->raw.data;
	c.end = r->raw.data + r->raw.len;
	c.err = 0;
	n = cursor_uvarint(&c);
	/* each entry takes at least five bytes: a count beyond that is hostile */
	if (c.err || n > (uint64_t)(c.end - c.p) / 5)
		return -EBADMSG;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		v[i].offset = cursor_uvarint(&c);
		v[i].first_start_ns = cursor_uvarint(&c);
		v[i].last_end_ns = cursor_uvarint(&c);
		v[i].nr_snapshots = cursor_uvarint(&c);
		v[i].nr_regions = cursor_uvarint(&c);
		if (c.err || (i && v[i].offset <= v[i - 1].offset)) {
			free(v);
			return -EBADMSG;
		}
	}
	*entries = v;
	*nr = n;
	return 0;
}

void dpf_reader_set_skip(struct dpf_reader *r, int (*skip)(void *arg, uint32_t type,
							   uint64_t offset), void *arg)
{
	r->skip = skip;
	r->skip_arg = arg;
}

void dpf_reader_want_heap(struct dpf_reader *r, int on)
{
	r->want_heap = on;
}

void dpf_reader_rewind(struct dpf_reader *r)
{
	r->pos = r->first_pos;
	r->in_snapshots = 0;
	r->in_rusage = 0;
	r->in_intervals = 0;
	dpf_codec_reset(&r->codec);
}

uint64_t dpf_reader_chunks_read(const struct dpf_reader *r)
{
	return r->chunks_read;
}
