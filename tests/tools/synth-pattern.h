/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The synthetic recording shared by mkrec --synth, mkdamo and the format benchmark: a hot window
 * moving over 4 GiB (a tenth of the regions, 15-20 accesses), sparse background accesses, and
 * region boundaries that jitter now and then like DAMON's. One copy of the generator, so that
 * the daprof and damo files the tools write describe exactly the same data (t0300 compares them).
 * Deterministic: the same seed gives the same snapshots on every machine.
 */
#ifndef TESTS_SYNTH_PATTERN_H
#define TESTS_SYNTH_PATTERN_H

#include <stdint.h>
#include <stdlib.h>

#include "format/dpf.h"

#define SYNTH_DEFAULT_SEED	88172645463325252ULL

struct synth {
	uint64_t seed;
	uint64_t t;		/* end of the last snapshot, ns */
	uint64_t k;		/* snapshots made */
	struct dpf_snapshot s;
};

static inline uint64_t synth_rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* synth_init() - @nreg equal regions from 0x555555554000. Return: 0 or -ENOMEM. */
static inline int synth_init(struct synth *g, uint32_t nreg, uint64_t seed)
{
	const uint64_t base = 0x555555554000ULL;

	g->seed = seed;
	g->t = 1000000000ULL;
	g->k = 0;
	g->s = (struct dpf_snapshot){ .nr_regions = nreg };
	g->s.regions = calloc(nreg ? nreg : 1, sizeof(*g->s.regions));
	if (!g->s.regions)
		return -1;
	for (uint64_t i = 0; i < nreg; i++) {
		g->s.regions[i].start = base + i * (4ULL << 30) / nreg;
		g->s.regions[i].end = base + (i + 1) * (4ULL << 30) / nreg;
	}
	return 0;
}

/* synth_next() - the next snapshot (valid until the next call). */
static inline const struct dpf_snapshot *synth_next(struct synth *g)
{
	uint64_t nreg = g->s.nr_regions, hot = (g->k * nreg / 50) % nreg;
	struct dpf_region *reg = g->s.regions;

	g->s.start_ns = g->t;
	g->s.end_ns = g->t + 100000000ULL + synth_rng(&g->seed) % 100000;
	g->t = g->s.end_ns;
	for (uint64_t i = 0; i < nreg; i++) {
		struct dpf_region *r = &reg[i];
		uint32_t want = (i >= hot && i < hot + nreg / 10 + 1) ?
				15 + synth_rng(&g->seed) % 6 : (synth_rng(&g->seed) % 8 == 0);

		if (i + 1 < nreg && synth_rng(&g->seed) % 16 == 0) {
			uint64_t mid = (r->start + reg[i + 1].end) / 2 & ~4095ULL;

			if (mid > r->start && mid < reg[i + 1].end) {
				r->end = mid;
				reg[i + 1].start = mid;
			}
		}
		r->age = (r->nr_accesses == want) ? r->age + 1 : 0;
		r->nr_accesses = want;
	}
	g->k++;
	return &g->s;
}

static inline void synth_release(struct synth *g)
{
	free(g->s.regions);
	g->s.regions = NULL;
}

#endif /* TESTS_SYNTH_PATTERN_H */
