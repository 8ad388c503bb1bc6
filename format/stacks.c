// SPDX-License-Identifier: GPL-2.0
/* The table of call stacks by content (stacks.h): open addressing, kept at most half full. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format/stacks.h"

static uint64_t hash_frames(const uint64_t *f, uint32_t n)
{
	uint64_t x = 1469598103934665603ull ^ n;

	for (uint32_t i = 0; i < n; i++)
		x = (x ^ f[i]) * 0x100000001b3ull;
	return x ^ (x >> 29);
}

static int grow_slots(struct dpf_stacks *t)
{
	size_t n = t->nr_slots ? t->nr_slots * 2 : 1024;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < t->nr; i++) {
		size_t k = t->s[i].hash & (n - 1);

		while (s[k])
			k = (k + 1) & (n - 1);
		s[k] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = s;
	t->nr_slots = n;
	return 0;
}

long dpf_stacks_intern(struct dpf_stacks *t, const uint64_t *f, uint32_t n)
{
	uint64_t x = hash_frames(f, n);
	struct dpf_stack *s;
	size_t k;

	if ((t->nr + 1) * 2 > t->nr_slots && grow_slots(t))
		return -ENOMEM;
	for (k = x & (t->nr_slots - 1); t->slots[k]; k = (k + 1) & (t->nr_slots - 1)) {
		s = &t->s[t->slots[k] - 1];
		if (s->hash == x && s->nr == n && (!n || !memcmp(s->frames, f, n * sizeof(*f))))
			return t->slots[k] - 1;
	}
	if (t->max && t->nr == t->max)
		return -ENOSPC;
	if (t->nr == t->alloc) {
		size_t na = t->alloc ? t->alloc * 2 : 256;
		void *p = realloc(t->s, na * sizeof(*t->s));

		if (!p)
			return -ENOMEM;
		t->s = p;
		t->alloc = na;
	}
	s = &t->s[t->nr];
	s->frames = malloc((n ? n : 1) * sizeof(*f));
	if (!s->frames)
		return -ENOMEM;
	if (n)	/* an empty stack may come as NULL */
		memcpy(s->frames, f, n * sizeof(*f));
	s->nr = n;
	s->hash = x;
	t->slots[k] = (uint32_t)t->nr + 1;
	return (long)t->nr++;
}

void dpf_stacks_release(struct dpf_stacks *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->s[i].frames);
	free(t->s);
	free(t->slots);
	*t = (struct dpf_stacks){ .max = t->max };
}
