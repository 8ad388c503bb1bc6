// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of the recording format ("make bench"; not a test): write and read throughput in
 * regions per second on one core, and bytes per region, for the synthetic moving-hot-window
 * pattern of tests/tools/synth-pattern.h, as mkrec --synth writes it (10,000 snapshots x 150
 * regions = 1.5 million regions by default).
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
#include "tests/tools/synth-pattern.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void bench(const char *path, uint64_t nsnap, uint64_t nreg, int flush_every)
{
	struct dpf_writer_opts o = { 0 };
	struct dpf_writer *w;
	struct dpf_reader *r;
	struct dpf_event ev;
	struct synth g;
	uint64_t got = 0;
	double t0, t_gen, t_write, t_read;
	struct stat st;

	/* time the generator alone, to subtract it from the write figure */
	if (synth_init(&g, nreg, SYNTH_DEFAULT_SEED))
		exit(1);
	t0 = now();
	for (uint64_t k = 0; k < nsnap; k++)
		synth_next(&g);
	t_gen = now() - t0;
	synth_release(&g);
	if (synth_init(&g, nreg, SYNTH_DEFAULT_SEED))
		exit(1);
	t0 = now();
	if (dpf_writer_open(&w, path, &o, NULL))
		exit(1);
	for (uint64_t k = 0; k < nsnap; k++) {
		if (dpf_writer_snapshot(w, synth_next(&g)))
			exit(1);
		if (flush_every && (k + 1) % flush_every == 0 && dpf_writer_flush(w))
			exit(1);
	}
	if (dpf_writer_close(w))
		exit(1);
	t_write = now() - t0 - t_gen;
	synth_release(&g);
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
