// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the NUMA node layout of a --paddr recording's metadata (report/physmap.c,
 * design note 29) comes from a file; any value must parse or be refused, never crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/dpf.h"
#include "report/physmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v = malloc(size + 1);
	struct dpf_meta m;
	struct physmap pm;
	int64_t sum = 0;

	if (!v)
		return 0;
	memcpy(v, data, size);
	v[size] = '\0';
	dpf_meta_init(&m);
	dpf_meta_set(&m, "phys.memory_block_size", "134217728");
	dpf_meta_set(&m, "phys.node_blocks", v);
	if (!physmap_read(&m, &pm)) {
		for (uint64_t b = 0; b < 64; b++)
			sum += physmap_node(&pm, b);
		if (pm.nr)
			sum += physmap_node(&pm, pm.spans[pm.nr - 1].last);
		physmap_free(&pm);
	}
	dpf_meta_release(&m);
	free(v);
	return sum == 42;
}
