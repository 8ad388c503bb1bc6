/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Call stacks kept once each, by content, with a small id: the recorder keeps so the stacks the
 * heap-site library sends, and a report merges the stacks of every HEAP chunk into one table.
 * Both sides of a HEAP chunk need the same table, so it lives with the format.
 */
#ifndef FORMAT_STACKS_H
#define FORMAT_STACKS_H

#include <stddef.h>
#include <stdint.h>

struct dpf_stack {
	uint64_t hash;
	uint32_t nr;
	uint64_t *frames;	/* owned; never moves once interned */
};

struct dpf_stacks {
	struct dpf_stack *s;	/* by id, in the order first met */
	size_t nr, alloc;
	uint32_t *slots;	/* id + 1 by hash, 0: free */
	size_t nr_slots;
	size_t max;		/* distinct stacks kept at most; 0: no limit */
};

#define DPF_STACKS_INIT(max_stacks) { .max = (max_stacks) }

/*
 * dpf_stacks_intern() - the id of the @n frames @f: the existing one, or a new one (ids count
 * from 0 up). Return: the id, -ENOSPC when the table is full, or -ENOMEM.
 */
long dpf_stacks_intern(struct dpf_stacks *t, const uint64_t *f, uint32_t n);
void dpf_stacks_release(struct dpf_stacks *t);

#endif /* FORMAT_STACKS_H */
