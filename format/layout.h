/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixed-size framing of a recording (file header, chunk header, trailer), private to format/.
 * Offsets follow daprof-data.5 byte for byte; each frame carries a CRC32 of its own bytes so that
 * the reader can tell a real chunk boundary from garbage when it resynchronises after damage.
 */
#ifndef DPF_LAYOUT_H
#define DPF_LAYOUT_H

#include <zlib.h>

#include "format/bytes.h"
#include "format/dpf.h"

#define DPF_TRAILER_MAGIC	"DPFTRAIL"

struct dpf_chunk_header {
	uint16_t type;
	uint16_t flags;
	uint32_t stored_size;	/* payload bytes in the file */
	uint32_t raw_size;	/* payload bytes after inflating */
	uint32_t payload_crc;	/* CRC32 of the stored payload */
};

static inline uint32_t dpf_crc32(const void *p, size_t n)
{
	return crc32(0L, p, n);
}

static inline void dpf_header_encode(uint8_t h[DPF_HEADER_SIZE])
{
	memset(h, 0, DPF_HEADER_SIZE);
	memcpy(h, DPF_MAGIC, 8);
	put_le16(h + 8, DPF_MAJOR);
	put_le16(h + 10, DPF_MINOR);
	put_le32(h + 12, DPF_HEADER_SIZE);
	put_le32(h + 16, 0);		/* flags */
	memcpy(h + 20, "zlib", 4);	/* codec[16], NUL-padded */
	put_le32(h + 60, dpf_crc32(h, 60));
}

static inline void dpf_chunk_header_encode(uint8_t h[DPF_CHUNK_HEADER_SIZE],
					   const struct dpf_chunk_header *c)
{
	put_le32(h, DPF_CHUNK_SYNC);
	put_le16(h + 4, c->type);
	put_le16(h + 6, c->flags);
	put_le32(h + 8, c->stored_size);
	put_le32(h + 12, c->raw_size);
	put_le32(h + 16, c->payload_crc);
	put_le32(h + 20, dpf_crc32(h, 20));
}

/* Return: 1 when @h is a well-formed chunk header (sync word and header CRC), else 0. */
static inline int dpf_chunk_header_decode(const uint8_t h[DPF_CHUNK_HEADER_SIZE],
					  struct dpf_chunk_header *c)
{
	if (get_le32(h) != DPF_CHUNK_SYNC || get_le32(h + 20) != dpf_crc32(h, 20))
		return 0;
	c->type = get_le16(h + 4);
	c->flags = get_le16(h + 6);
	c->stored_size = get_le32(h + 8);
	c->raw_size = get_le32(h + 12);
	c->payload_crc = get_le32(h + 16);
	return 1;
}

static inline void dpf_trailer_encode(uint8_t t[DPF_TRAILER_SIZE], uint64_t index_off,
				      uint64_t nr_snapshots)
{
	memset(t, 0, DPF_TRAILER_SIZE);
	memcpy(t, DPF_TRAILER_MAGIC, 8);
	put_le64(t + 8, index_off);
	put_le64(t + 16, nr_snapshots);
	put_le32(t + 28, dpf_crc32(t, 28));
}

static inline int dpf_trailer_decode(const uint8_t t[DPF_TRAILER_SIZE], uint64_t *index_off)
{
	if (memcmp(t, DPF_TRAILER_MAGIC, 8) || get_le32(t + 28) != dpf_crc32(t, 28))
		return 0;
	*index_off = get_le64(t + 8);
	return 1;
}

#endif /* DPF_LAYOUT_H */
