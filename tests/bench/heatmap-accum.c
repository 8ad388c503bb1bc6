// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: heat map accumulation throughput in regions per second on one core, without file
 * reading or decoding. Snapshots like "mkrec --synth" (a moving hot window, jittered region
 * boundaries over 4 GiB) are made in memory first, then fed to heatmap_add_snapshot(); the best
 * of three runs is reported.
 *
 *   heatmap-accum [SNAPSHOTS [REGIONS [WIDTH HEIGHT]]]   default 10000 150 1200 800
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "report/heatmap.h"

#define DISTINCT 64	/* distinct region layouts, reused with advancing times */

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t nsnap = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000;
	uint64_t nreg = argc > 2 ? strtoull(argv[2], NULL, 0) : 150;
	unsigned width = argc > 4 ? atoi(argv[3]) : 1200, height = argc > 4 ? atoi(argv[4]) : 800;
	const uint64_t base = 0x555555554000ULL, span = 4ULL << 30, t0 = 1000000000ULL;
	struct heatmap_opts o = HEATMAP_OPTS_INIT;
	struct heatmap_range range = { .start = base, .end = base + span };
	struct dpf_region *layouts;
	uint64_t seed = 88172645463325252ULL;
	double best = 1e30, checksum = 0;

	if (!nsnap || !nreg || !width || !height) {
		fprintf(stderr, "usage: heatmap-accum [SNAPSHOTS [REGIONS [WIDTH HEIGHT]]]\n");
		return 2;
	}
	layouts = calloc(DISTINCT * nreg, sizeof(*layouts));
	if (!layouts)
		return 1;
	for (int k = 0; k < DISTINCT; k++) {
		struct dpf_region *r = layouts + k * nreg;
		uint64_t hot = (k * nreg / DISTINCT) % nreg;

		for (uint64_t i = 0; i < nreg; i++) {
			r[i].start = base + i * span / nreg;
			r[i].end = base + (i + 1) * span / nreg;
		}
		for (uint64_t i = 0; i + 1 < nreg; i++) {
			uint64_t mid = (r[i].start + r[i + 1].end) / 2 & ~4095ULL;

			if (rng(&seed) % 16 == 0 && mid > r[i].start && mid < r[i + 1].end) {
				r[i].end = mid;
				r[i + 1].start = mid;
			}
		}
		for (uint64_t i = 0; i < nreg; i++)
			r[i].nr_accesses = (i >= hot && i < hot + nreg / 10 + 1) ?
					   15 + rng(&seed) % 6 : (rng(&seed) % 8 == 0);
	}
	o.width = width;
	o.height = height;
	for (int run = 0; run < 3; run++) {
		struct heatmap *h;
		double start;

		if (heatmap_new(&h, &o, t0, t0 + nsnap * 100000000ULL, &range, 1, 10)) {
			fprintf(stderr, "heatmap-accum: cannot set up a %ux%u matrix\n", width, height);
			return 1;
		}
		start = now();
		for (uint64_t k = 0; k < nsnap; k++) {
			struct dpf_snapshot s = {
				.start_ns = t0 + k * 100000000ULL,
				.end_ns = t0 + (k + 1) * 100000000ULL,
				.nr_regions = nreg,
				.regions = layouts + (k % DISTINCT) * nreg,
			};

			heatmap_add_snapshot(h, &s);
		}
		start = now() - start;
		best = start < best ? start : best;
		heatmap_finish(h);
		checksum = h->vmax;
		heatmap_free(h);
	}
	printf("heatmap-accum: %ux%u cells, %llu snapshots x %llu regions: %.1f ms, "
	       "%.1f million regions/s (vmax %.0f Hz)\n", width, height,
	       (unsigned long long)nsnap, (unsigned long long)nreg, best * 1e3,
	       nsnap * nreg / best / 1e6, checksum);
	free(layouts);
	return 0;
}
