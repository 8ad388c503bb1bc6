// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-threaded workload: NTHREADS threads each write their own 4 MiB buffer (own mapping)
 * over and over, while a shared 4 MiB buffer stays cold and the main thread waits in
 * pthread_join() (blocked in a futex, which is where ptrace injection finds it). TRUTH_FILE
 * gets "hot_N START END" per thread and "cold START END" (decimal).
 *
 *   threads SECONDS NTHREADS [TRUTH_FILE]     prints "threads: N passes/s" at the end
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "publish.h"

#define HOT_SZ (4UL << 20)
#define COLD_SZ (4UL << 20)
#define MAX_THREADS 16

static double secs;
static char *hot[MAX_THREADS];
static unsigned long passes[MAX_THREADS];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *map_buffer(size_t sz)
{
	/* a PROT_NONE page after each buffer keeps the mappings apart */
	char *p = mmap(NULL, sz + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("threads: mmap");
		exit(1);
	}
	mprotect(p + sz, 4096, PROT_NONE);
	madvise(p, sz, MADV_NOHUGEPAGE);
	memset(p, 1, sz);
	return p;
}

static void *worker(void *arg)
{
	long id = (long)arg;
	double end = now_s() + secs;

	while (now_s() < end) {
		for (int k = 0; k < 16; k++, passes[id]++)
			for (size_t i = 0; i < HOT_SZ; i += 4096)
				hot[id][i + (passes[id] & 4095)]++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[MAX_THREADS];
	int n = argc > 2 ? atoi(argv[2]) : 0;
	unsigned long total = 0;
	char *cold;
	double t0;

	secs = argc > 2 ? atof(argv[1]) : 0;
	if (secs <= 0 || n < 1 || n > MAX_THREADS) {
		fprintf(stderr, "usage: threads SECONDS NTHREADS(1-16) [TRUTH_FILE]\n");
		return 2;
	}
	cold = map_buffer(COLD_SZ);
	for (int i = 0; i < n; i++)
		hot[i] = map_buffer(HOT_SZ);
	if (argc > 3) {
		FILE *f = publish_begin(argv[3]);

		for (int i = 0; i < n; i++)
			fprintf(f, "hot_%d %lu %lu\n", i, (unsigned long)hot[i],
				(unsigned long)(hot[i] + HOT_SZ));
		fprintf(f, "cold %lu %lu\n", (unsigned long)cold, (unsigned long)(cold + COLD_SZ));
		publish_end(f, argv[3]);
	}
	t0 = now_s();
	for (long i = 0; i < n; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		total += passes[i];
	}
	printf("threads: %.0f passes/s\n", total / (now_s() - t0));
	return 0;
}
