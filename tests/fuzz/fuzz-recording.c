// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the recording reader must survive any bytes (tests/fuzz/run.sh), with the
 * HEAP chunks of --heap-sites decoded too (every stack index and frame of them touched), and the
 * INTERVALS chunks' changes (every field touched).
 */
#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpf_reader *r;
	struct dpf_event ev;
	uint64_t sum = 0;
	int n = 0;

	if (dpf_reader_open_mem(&r, data, size))
		return 0;
	dpf_reader_want_heap(r, 1);
	while (dpf_reader_next(r, &ev) > 0 && n++ < 100000) {
		if (ev.type == DPF_EV_SNAPSHOT)
			for (uint32_t i = 0; i < ev.snapshot.nr_regions; i++)
				sum += ev.snapshot.regions[i].end - ev.snapshot.regions[i].start;
		else if (ev.type == DPF_EV_MAPS)
			for (uint32_t i = 0; i < ev.maps.nr; i++)
				sum += ev.maps.maps[i].path[0];
		else if (ev.type == DPF_EV_INTERVALS)
			sum += ev.intervals.time_ns + ev.intervals.sample_us + ev.intervals.aggr_us +
			       ev.intervals.update_us + ev.intervals.min_nr_regions +
			       ev.intervals.max_nr_regions + ev.intervals.cause + ev.intervals.target +
			       dpf_intervals_cause_name(ev.intervals.cause)[0];
		else if (ev.type == DPF_EV_HEAP)
			for (uint32_t i = 0; i < ev.heap.nr_events; i++) {
				const struct dpf_heap_stack *st = &ev.heap.stacks[ev.heap.events[i].stack];

				sum += ev.heap.events[i].addr;
				if (ev.heap.events[i].kind == DPF_HEAP_ALLOC)
					for (uint32_t k = 0; k < st->nr; k++)
						sum += st->frames[k];
			}
	}
	dpf_reader_close(r);
	return sum == 42;	/* keep the loop from being optimised away */
}
