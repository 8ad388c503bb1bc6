/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NUMA node layout that a --paddr recording keeps in its metadata (phys.memory_block_size,
 * phys.node_blocks; record/nodes.h, design note 29), read back so that report hot can name a
 * physical range "node N, memory block M". Parsing is bounded and refuses what it does not know.
 */
#ifndef REPORT_PHYSMAP_H
#define REPORT_PHYSMAP_H

#include <stddef.h>
#include <stdint.h>

struct dpf_meta;

struct phys_span {
	uint64_t first, last;	/* memory block numbers, inclusive */
	uint32_t node;
};

struct physmap {
	uint64_t block_size;	/* bytes, a power of two; 0: no layout */
	struct phys_span *spans;	/* sorted by first, disjoint */
	size_t nr;
};

/*
 * physmap_read() - the layout of @m. A recording without one, or with a malformed one, gives
 * an empty layout (block_size 0), never an error. Return: 0 or -ENOMEM.
 */
int physmap_read(const struct dpf_meta *m, struct physmap *pm);
void physmap_free(struct physmap *pm);

/* physmap_node() - the node of memory block @block, or -1 when the layout does not say. */
int64_t physmap_node(const struct physmap *pm, uint64_t block);

#endif /* REPORT_PHYSMAP_H */
