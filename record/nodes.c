// SPDX-License-Identifier: GPL-2.0
/*
 * The machine's NUMA node layout, read at record time for a --paddr recording (record/nodes.h):
 * which memory blocks (/sys/devices/system/memory, block_size_bytes each) belong to which node
 * (/sys/devices/system/node/nodeN/memoryM links), so that report hot can say "node 1, memory
 * block 40" of a physical range after the fact and on another machine. Design note 29.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/nodes.h"

#define NODES_MAX_BLOCKS	(1u << 20)	/* 128 TiB of 128 MiB blocks */

struct node_block {
	uint32_t node;
	uint64_t block;
};

static int by_node_block(const void *a, const void *b)
{
	const struct node_block *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return x->block < y->block ? -1 : x->block > y->block;
}

/* printf to the end of the growing string *@buf. */
__attribute__((format(printf, 4, 5)))
static int append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	char one[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(one))
		return -EINVAL;
	if (*len + (size_t)n + 1 > *cap) {
		size_t c = (*cap ? *cap * 2 : 256) + (size_t)n;
		char *p = realloc(*buf, c);

		if (!p)
			return -ENOMEM;
		*buf = p;
		*cap = c;
	}
	memcpy(*buf + *len, one, (size_t)n + 1);
	*len += (size_t)n;
	return 0;
}

int rec_node_layout(const char *sys_root, uint64_t *block_size, char **layout)
{
	char path[4096], line[64];
	struct node_block *nb = NULL;
	size_t nr = 0, alloc = 0, len = 0, cap = 0;
	char *out = NULL;
	DIR *nodes;
	FILE *f;
	int ret = 0;

	*layout = NULL;
	*block_size = 0;
	if (!sys_root || !*sys_root)
		sys_root = "/sys";
	snprintf(path, sizeof(path), "%s/devices/system/memory/block_size_bytes", sys_root);
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	if (!fgets(line, sizeof(line), f) || sscanf(line, "%" SCNx64, block_size) != 1 ||
	    !*block_size || (*block_size & (*block_size - 1)))
		ret = -EINVAL;
	fclose(f);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/devices/system/node", sys_root);
	nodes = opendir(path);
	if (!nodes)
		return -ENOENT;
	for (struct dirent *d; !ret && (d = readdir(nodes));) {
		unsigned node;
		char tail;
		DIR *mem;

		if (sscanf(d->d_name, "node%u%c", &node, &tail) != 1)
			continue;
		snprintf(path, sizeof(path), "%s/devices/system/node/%s", sys_root, d->d_name);
		mem = opendir(path);
		if (!mem)
			continue;
		for (struct dirent *e; !ret && (e = readdir(mem));) {
			uint64_t block;

			if (sscanf(e->d_name, "memory%" SCNu64 "%c", &block, &tail) != 1)
				continue;
			if (nr == alloc) {
				size_t n = alloc ? alloc * 2 : 64;
				void *p = n <= NODES_MAX_BLOCKS ? realloc(nb, n * sizeof(*nb)) : NULL;

				if (!p) {
					ret = n > NODES_MAX_BLOCKS ? -E2BIG : -ENOMEM;
					break;
				}
				nb = p;
				alloc = n;
			}
			nb[nr++] = (struct node_block){ node, block };
		}
		closedir(mem);
	}
	closedir(nodes);
	if (!ret && !nr)
		ret = -ENOENT;
	if (ret) {
		free(nb);
		return ret;
	}
	qsort(nb, nr, sizeof(*nb), by_node_block);
	/* "0:0-15,32-47;1:16-31": each node, then its blocks as runs */
	for (size_t i = 0; i < nr && !ret;) {
		uint32_t node = nb[i].node;

		ret = append(&out, &len, &cap, "%s%" PRIu32 ":", i ? ";" : "", node);
		for (int first = 1; !ret && i < nr && nb[i].node == node; first = 0) {
			size_t k = i;

			while (k + 1 < nr && nb[k + 1].node == node && nb[k + 1].block == nb[k].block + 1)
				k++;
			ret = k == i ? append(&out, &len, &cap, "%s%" PRIu64, first ? "" : ",", nb[i].block)
				     : append(&out, &len, &cap, "%s%" PRIu64 "-%" PRIu64, first ? "" : ",",
					      nb[i].block, nb[k].block);
			i = k + 1;
		}
	}
	free(nb);
	if (ret) {
		free(out);
		return ret;
	}
	*layout = out;
	return 0;
}
