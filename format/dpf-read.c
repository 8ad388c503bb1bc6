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
	struct dpf_meta meta;
	struct dpf_codec codec;
	struct dpf_buf stored;	/* the current chunk as stored */
	struct dpf_buf raw;	/* and inflated */
	struct dpf_cursor cur;	/* position in raw while a snapshot chunk is being iterated */
	uint64_t cur_off;	/* offset of that chunk */
	int in_snapshots;
	struct dpf_maps maps;	/* owned by the last DPF_EV_MAPS event */
	struct dpf_cursor rusage_cur;
	int in_rusage;
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
		return "not a regular file (a recording is read with random access: save a pipe to a "
		       "file first)";
	default:
		return strerror(-err);
	}
}

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
	r->end = r->size - DPF_TRAILER_SIZE;
}

/*
 * Load the chunk at r->pos into r->raw. Return: 1 loaded (*ch filled), 0 end, -EBADMSG damaged
 * (*skip = bytes to skip), other -errno fatal.
 */
static int load_chunk(struct dpf_reader *r, struct dpf_chunk_header *ch, uint64_t *skip,
		      const char **why)
{
	uint8_t h[DPF_CHUNK_HEADER_SIZE];
	uLongf rawlen;
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
	r->stored.len = 0;
	if (dpf_buf_reserve(&r->stored, ch->stored_size + 1))
		return -ENOMEM;
	ret = read_at(r, r->pos + DPF_CHUNK_HEADER_SIZE, r->stored.data, ch->stored_size);
	if (ret)
		return ret;
	if (dpf_crc32(r->stored.data, ch->stored_size) != ch->payload_crc) {
		*why = "payload checksum mismatch";
		return -EBADMSG;
	}
	r->raw.len = 0;
	if (dpf_buf_reserve(&r->raw, ch->raw_size + 1))
		return -ENOMEM;
	if (ch->flags & DPF_CF_STORED) {
		if (ch->stored_size != ch->raw_size) {
			*why = "stored chunk with inconsistent sizes";
			return -EBADMSG;
		}
		memcpy(r->raw.data, r->stored.data, ch->raw_size);
	} else {
		rawlen = ch->raw_size;
		if (uncompress(r->raw.data, &rawlen, r->stored.data, ch->stored_size) != Z_OK ||
		    rawlen != ch->raw_size) {
			*why = "payload does not inflate";
			return -EBADMSG;
		}
	}
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
				     "undecodable snapshot; rest of chunk lost");
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
		r->cur_off = r->pos;
		r->pos += skip;
		c.p = r->raw.data;
		c.end = r->raw.data + r->raw.len;
		c.err = 0;
		switch (ch.type) {
		case DPF_CHUNK_SNAPSHOTS:
			dpf_codec_reset(&r->codec);
			r->cur = c;
			r->in_snapshots = 1;
			continue;
		case DPF_CHUNK_RUSAGE:
			r->rusage_cur = c;
			r->in_rusage = 1;
			continue;
		case DPF_CHUNK_MAPS:
			ret = dpf_decode_maps(&c, &r->maps);
			if (ret == -ENOMEM)
				return ret;
			if (ret) {
				damage_event(ev, r->cur_off, skip, ch.type, "undecodable memory map");
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
				damage_event(ev, r->cur_off, skip, ch.type, "undecodable metadata");
				return 1;
			}
			ev->type = DPF_EV_META;
			ev->offset = r->cur_off;
			return 1;
		case DPF_CHUNK_INDEX:
			continue;	/* only for seeking; the stream has the same facts */
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
	return 0;
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
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		ret = -errno;
		free(r);
		return ret;
	}
	if (fstat(r->fd, &st)) {
		ret = -errno;
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -ESPIPE;	/* a pipe or a device: no size, no pread */
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
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
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
	free(r->stored.data);
	free(r->raw.data);
	free(r);
}
