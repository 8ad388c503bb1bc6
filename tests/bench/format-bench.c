// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of the recording format ("make bench"; not a test): write and read throughput in
 * regions per second on one core, and bytes per region, for the synthetic moving-hot-window
 * pattern of mkrec --synth (10,000 snapshots x 150 regions = 1.5 million regions by default).
 * The recorder flushes a chunk per second (10 snapshots at 100 ms); a converter writes 1 MiB
 * chunks: both are measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format/dpf.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The same pattern as tests/tools/mkrec.c --synth: a hot window moving over 4 GiB. */
static void next_snapshot(struct dpf_snapshot *s, uint64_t k, uint64_t nreg, uint64_t *seed,
			  uint64_t *t)
{
	uint64_t hot = (k * nreg / 50) % nreg;

	s->start_ns = *t;
	s->end_ns = *t + 100000000ULL + rng(seed) % 100000;
	*t = s->end_ns;
	for (uint64_t i = 0; i < nreg; i++) {
		struct dpf_region *r = &s->regions[i];
		uint32_t want = (i >= hot && i < hot + nreg / 10 + 1) ? 15 + rng(seed) % 6 :
				(rng(seed) % 8 == 0);

		if (i + 1 < nreg && rng(seed) % 16 == 0) {
			uint64_t mid = (r->start + s->regions[i + 1].end) / 2 & ~4095ULL;

			if (mid > r->start && mid < s->regions[i + 1].end) {
				r->end = mid;
				s->regions[i + 1].start = mid;
			}
		}
		r->age = (r->nr_accesses == want) ? r->age + 1 : 0;
		r->nr_accesses = want;
	}
}

static void bench(const char *path, uint64_t nsnap, uint64_t nreg, int flush_every)
{
	struct dpf_writer_opts o = { 0 };
	struct dpf_snapshot s = { .nr_regions = nreg };
	struct dpf_writer *w;
	struct dpf_reader *r;
	struct dpf_event ev;
	uint64_t seed = 88172645463325252ULL, t = 1000000000ULL, got = 0;
	double t0, t_gen = 0, t_write, t_read;
	struct stat st;

	s.regions = calloc(nreg, sizeof(*s.regions));
	for (uint64_t i = 0; i < nreg; i++) {
		s.regions[i].start = 0x555555554000ULL + i * (4ULL << 30) / nreg;
		s.regions[i].end = 0x555555554000ULL + (i + 1) * (4ULL << 30) / nreg;
	}
	/* time the generator alone, to subtract it from the write figure */
	t0 = now();
	for (uint64_t k = 0; k < nsnap; k++)
		next_snapshot(&s, k, nreg, &seed, &t);
	t_gen = now() - t0;
	seed = 88172645463325252ULL;
	t = 1000000000ULL;
	for (uint64_t i = 0; i < nreg; i++) {
		s.regions[i].start = 0x555555554000ULL + i * (4ULL << 30) / nreg;
		s.regions[i].end = 0x555555554000ULL + (i + 1) * (4ULL << 30) / nreg;
		s.regions[i].nr_accesses = s.regions[i].age = 0;
	}
	t0 = now();
	if (dpf_writer_open(&w, path, &o, NULL))
		exit(1);
	for (uint64_t k = 0; k < nsnap; k++) {
		next_snapshot(&s, k, nreg, &seed, &t);
		if (dpf_writer_snapshot(w, &s))
			exit(1);
		if (flush_every && (k + 1) % flush_every == 0 && dpf_writer_flush(w))
			exit(1);
	}
	if (dpf_writer_close(w))
		exit(1);
	t_write = now() - t0 - t_gen;
	stat(path, &st);
	t0 = now();
	if (dpf_reader_open(&r, path))
		exit(1);
	while (dpf_reader_next(r, &ev) > 0)
		if (ev.type == DPF_EV_SNAPSHOT)
			got += ev.snapshot.nr_regions;
	dpf_reader_close(r);
	t_read = now() - t0;
	printf("format %-22s %8.2f bytes/region  write %6.1f M regions/s  read %6.1f M regions/s"
	       "  (%llu regions, %.1f MB)\n",
	       flush_every ? "(chunk per 10 snaps)" : "(1 MiB chunks)",
	       (double)st.st_size / got, got / t_write / 1e6, got / t_read / 1e6,
	       (unsigned long long)got, st.st_size / 1e6);
	free(s.regions);
}

int main(int argc, char **argv)
{
	uint64_t nsnap = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000;
	uint64_t nreg = argc > 2 ? strtoull(argv[2], NULL, 0) : 150;
	char path[] = "/tmp/daprof-bench-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return 1;
	close(fd);
	bench(path, nsnap, nreg, 0);
	bench(path, nsnap, nreg, 10);
	unlink(path);
	return 0;
}
