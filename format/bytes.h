/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte-level encoding shared by the writer and the reader: fixed little-endian integers (never a
 * struct written as it lies in memory), LEB128 varints, zigzag for signed deltas, and a growable
 * output buffer. Decoding is bounds-checked everywhere because the input may be hostile.
 */
#ifndef DPF_BYTES_H
#define DPF_BYTES_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static inline uint16_t get_le16(const uint8_t *p)
{
	return p[0] | (uint16_t)p[1] << 8;
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* A growable byte buffer; on allocation failure it remembers -ENOMEM and stops growing. */
struct dpf_buf {
	uint8_t *data;
	size_t len;
	size_t alloc;
	int err;
};

static inline int dpf_buf_reserve(struct dpf_buf *b, size_t more)
{
	size_t want;
	uint8_t *p;

	if (b->err)
		return b->err;
	if (b->len + more <= b->alloc)
		return 0;
	want = b->alloc ? b->alloc : 4096;
	while (want < b->len + more)
		want *= 2;
	p = realloc(b->data, want);
	if (!p)
		return b->err = -ENOMEM;
	b->data = p;
	b->alloc = want;
	return 0;
}

static inline void dpf_buf_put(struct dpf_buf *b, const void *src, size_t n)
{
	if (dpf_buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, src, n);
	b->len += n;
}

/* Callers reserve 10 bytes per varint in hot loops, then use this unchecked form. */
static inline uint8_t *put_uvarint_raw(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)v | 0x80;
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline void dpf_buf_uvarint(struct dpf_buf *b, uint64_t v)
{
	if (dpf_buf_reserve(b, 10))
		return;
	b->len = put_uvarint_raw(b->data + b->len, v) - b->data;
}

static inline void dpf_buf_str(struct dpf_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	dpf_buf_uvarint(b, n);
	dpf_buf_put(b, s, n);
}

/* A bounds-checked read cursor; any overrun sets err = -EBADMSG and reads zeros from then on. */
struct dpf_cursor {
	const uint8_t *p;
	const uint8_t *end;
	int err;
};

static inline uint64_t cursor_uvarint(struct dpf_cursor *c)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (c->p < c->end) {
		uint8_t byte = *c->p++;

		if (shift == 63 && byte > 1)
			break;
		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return v;
		shift += 7;
		if (shift > 63)
			break;
	}
	c->err = -EBADMSG;
	c->p = c->end;
	return 0;
}

static inline int cursor_done(const struct dpf_cursor *c)
{
	return c->p >= c->end;
}

/* A string of up to @max bytes, copied into a new NUL-terminated buffer; NULL on error. */
static inline char *cursor_strdup(struct dpf_cursor *c, size_t max)
{
	uint64_t n = cursor_uvarint(c);
	char *s;

	if (c->err || n > max || n > (uint64_t)(c->end - c->p)) {
		c->err = c->err ? c->err : -EBADMSG;
		return NULL;
	}
	s = malloc(n + 1);
	if (!s) {
		c->err = -ENOMEM;
		return NULL;
	}
	memcpy(s, c->p, n);
	s[n] = '\0';
	c->p += n;
	return s;
}

#endif /* DPF_BYTES_H */
