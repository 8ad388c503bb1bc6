// SPDX-License-Identifier: GPL-2.0
/*
 * Reads back the node layout of a --paddr recording (report/physmap.h): "0:0-15,32-47;1:16-31"
 * into sorted spans of memory blocks. The value comes from a file and may be anything: at most
 * PHYSMAP_MAX_SPANS spans, numbers checked for overflow, and any surprise drops the layout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format/dpf.h"
#include "report/physmap.h"

#define PHYSMAP_MAX_SPANS	65536u
#define PHYSMAP_MAX_NODE	65535u

static int number(const char **p, uint64_t *v)
{
	uint64_t x = 0;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	for (; **p >= '0' && **p <= '9'; (*p)++) {
		if (x > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(**p - '0');
	}
	*v = x;
	return 0;
}

static int by_first(const void *a, const void *b)
{
	const struct phys_span *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static int parse(const char *p, struct physmap *pm)
{
	size_t alloc = 0;

	while (*p) {
		uint64_t node;

		if (number(&p, &node) || node > PHYSMAP_MAX_NODE || *p++ != ':')
			return -EINVAL;
		for (;;) {
			uint64_t a, b;

			if (number(&p, &a))
				return -EINVAL;
			b = a;
			if (*p == '-' && (p++, number(&p, &b) || b < a))
				return -EINVAL;
			if (pm->nr == alloc) {
				size_t n = alloc ? alloc * 2 : 16;
				void *q;

				if (n > PHYSMAP_MAX_SPANS)
					return -EINVAL;
				q = realloc(pm->spans, n * sizeof(*pm->spans));
				if (!q)
					return -ENOMEM;
				pm->spans = q;
				alloc = n;
			}
			pm->spans[pm->nr++] = (struct phys_span){ a, b, (uint32_t)node };
			if (*p != ',')
				break;
			p++;
		}
		if (*p == ';')
			p++;
		else if (*p)
			return -EINVAL;
	}
	if (!pm->nr)
		return -EINVAL;
	qsort(pm->spans, pm->nr, sizeof(*pm->spans), by_first);
	for (size_t i = 1; i < pm->nr; i++)
		if (pm->spans[i].first <= pm->spans[i - 1].last)
			return -EINVAL;		/* a block in two nodes */
	return 0;
}

int physmap_read(const struct dpf_meta *m, struct physmap *pm)
{
	const char *v = m ? dpf_meta_get(m, "phys.node_blocks") : NULL;
	uint64_t bs = m ? dpf_meta_get_u64(m, "phys.memory_block_size", 0) : 0;
	int ret;

	memset(pm, 0, sizeof(*pm));
	if (!v || !bs || (bs & (bs - 1)))
		return 0;
	ret = parse(v, pm);
	if (ret == -ENOMEM) {
		physmap_free(pm);
		return ret;
	}
	if (ret) {
		physmap_free(pm);	/* malformed: no labels */
		return 0;
	}
	pm->block_size = bs;
	return 0;
}

void physmap_free(struct physmap *pm)
{
	free(pm->spans);
	memset(pm, 0, sizeof(*pm));
}

int64_t physmap_node(const struct physmap *pm, uint64_t block)
{
	size_t lo = 0, hi = pm->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pm->spans[mid].last < block)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pm->nr && pm->spans[lo].first <= block ? (int64_t)pm->spans[lo].node : -1;
}
