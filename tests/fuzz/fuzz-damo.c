// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the damo importers (JSON, json_compressed through zlib, and perf-script or
 * trace-cmd text, plain or compressed) must survive any bytes, and whatever they accept must
 * reach the sink sorted, non-overlapping and with the metadata first (tests/fuzz/run.sh). The
 * importer finds the kind from the content, so one target with seeds of every kind
 * (tests/fuzz/corpus/damo/) covers them all.
 */
#include <stddef.h>
#include <stdint.h>

#include "format/damo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	int have_meta;
	uint64_t sum;
};

static int on_meta(void *arg, const struct dpf_meta *m)
{
	struct check *c = arg;

	if (!dpf_meta_get(m, "source") || !dpf_meta_get(m, "backend"))
		__builtin_trap();
	c->have_meta = 1;
	return 0;
}

static int on_snapshot(void *arg, const struct dpf_snapshot *s)
{
	struct check *c = arg;

	if (!c->have_meta || s->end_ns < s->start_ns)
		__builtin_trap();
	for (uint32_t i = 0; i < s->nr_regions; i++) {
		if (s->regions[i].end <= s->regions[i].start ||
		    (i && s->regions[i].start < s->regions[i - 1].end))
			__builtin_trap();
		c->sum += s->regions[i].end - s->regions[i].start;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct check c = { 0 };
	struct damo_sink sink = { &c, on_meta, on_snapshot };
	struct damo_import_stats st;
	char why[256];

	damo_import_mem(data, size, &sink, &st, why, sizeof(why));
	return c.sum == 42;	/* keep the sums from being optimised away */
}
