// SPDX-License-Identifier: GPL-2.0
/*
 * Recording metadata: an ordered list of key/value strings with a hash index, so that a reader
 * merging a hostile chunk of hundreds of thousands of keys does so in linear time (a linear
 * search per key made it quadratic: minutes for 400,000 keys). Each entry's key and value share
 * one allocation, and the bytes held are counted so that the reader can cap them
 * (DPF_MAX_META_BYTES).
 */
#include <stdarg.h>
#include <stdio.h>

#include "format/codec.h"

/* What malloc really spends on @n bytes (glibc: 8 bytes of header, 16-byte steps, 32 at least). */
static size_t heap_cost(size_t n)
{
	n = (n + 8 + 15) & ~(size_t)15;
	return n < 32 ? 32 : n;
}

static uint32_t key_hash(const char *key)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *key; key++)
		h = (h ^ (uint8_t)*key) * 16777619u;
	return h;
}

/* The index slot that holds @key, or the empty slot where it would go. */
static uint32_t *index_slot(const struct dpf_meta *m, const char *key)
{
	size_t mask = m->index_size - 1;
	size_t i = key_hash(key) & mask;

	while (m->index[i] && strcmp(m->entries[m->index[i] - 1].key, key))
		i = (i + 1) & mask;
	return &m->index[i];
}

/* Keep the index at most half full. */
static int index_grow(struct dpf_meta *m)
{
	size_t want = m->index_size ? m->index_size : 32;
	uint32_t *old = m->index;
	size_t old_size = m->index_size;

	while (want < 2 * (m->nr + 1))
		want *= 2;
	if (want == m->index_size)
		return 0;
	if (m->nr + 1 >= UINT32_MAX)
		return -ENOMEM;
	m->index = calloc(want, sizeof(*m->index));
	if (!m->index) {
		m->index = old;
		return -ENOMEM;
	}
	m->index_size = want;
	for (size_t i = 0; i < m->nr; i++)
		*index_slot(m, m->entries[i].key) = i + 1;
	free(old);
	m->bytes += (want - old_size) * sizeof(*m->index);
	return 0;
}

void dpf_meta_init(struct dpf_meta *m)
{
	memset(m, 0, sizeof(*m));
}

void dpf_meta_release(struct dpf_meta *m)
{
	for (size_t i = 0; i < m->nr; i++)
		free(m->entries[i].key);	/* the value shares the key's allocation */
	free(m->entries);
	free(m->index);
	dpf_meta_init(m);
}

/* One allocation "KEY\0VALUE\0"; the entry's value points into it. */
static int entry_fill(struct dpf_meta_entry *e, const char *key, const char *value, size_t *cost)
{
	size_t kn = strlen(key), vn = strlen(value);
	char *b = malloc(kn + vn + 2);

	if (!b)
		return -ENOMEM;
	memcpy(b, key, kn + 1);
	memcpy(b + kn + 1, value, vn + 1);
	e->key = b;
	e->value = b + kn + 1;
	*cost = heap_cost(kn + vn + 2);
	return 0;
}

int dpf_meta_set(struct dpf_meta *m, const char *key, const char *value)
{
	struct dpf_meta_entry e;
	uint32_t *slot;
	size_t cost;

	if (!value)
		value = "";
	if (index_grow(m))
		return -ENOMEM;
	slot = index_slot(m, key);
	if (entry_fill(&e, key, value, &cost))
		return -ENOMEM;
	if (*slot) {
		struct dpf_meta_entry *old = &m->entries[*slot - 1];

		m->bytes -= heap_cost(strlen(old->key) + strlen(old->value) + 2);
		free(old->key);
		*old = e;
		m->bytes += cost;
		return 0;
	}
	if (m->nr == m->alloc) {
		size_t want = m->alloc ? m->alloc * 2 : 16;
		struct dpf_meta_entry *n = realloc(m->entries, want * sizeof(*n));

		if (!n) {
			free(e.key);
			return -ENOMEM;
		}
		m->entries = n;
		m->bytes += (want - m->alloc) * sizeof(*n);
		m->alloc = want;
	}
	m->entries[m->nr++] = e;
	*slot = m->nr;
	m->bytes += cost;
	return 0;
}

int dpf_meta_setf(struct dpf_meta *m, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *v;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return -ENOMEM;
	ret = dpf_meta_set(m, key, v);
	free(v);
	return ret;
}

const char *dpf_meta_get(const struct dpf_meta *m, const char *key)
{
	uint32_t i;

	if (!m->index_size)
		return NULL;
	i = *index_slot(m, key);
	return i ? m->entries[i - 1].value : NULL;
}

uint64_t dpf_meta_get_u64(const struct dpf_meta *m, const char *key, uint64_t def)
{
	const char *v = dpf_meta_get(m, key);
	char *end;
	unsigned long long n;

	if (!v || !*v || *v == '-')
		return def;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end)
		return def;
	return n;
}
