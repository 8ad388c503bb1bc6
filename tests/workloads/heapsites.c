// SPDX-License-Identifier: GPL-2.0
/*
 * Heap allocation sites of known heat, for "record --heap-sites" and "report hot --by site"
 * (tests/cli/t0560-heap-sites.sh, tests/bench/heap-sites.sh). Each site is its own function,
 * never inlined, so that the symbolizer names it:
 *   hot_table()    32 MiB, one malloc, read all the time
 *   cold_index()   32 MiB, one malloc, written once, then idle
 *   make_node()    16 B to 256 B nodes (12 MiB in all, many small allocations), read all the time
 *   grow_log()     a buffer realloc'ed from 4 KiB to 8 MiB, written once, then idle
 *   scratch()      4 MiB blocks allocated, written and freed over and over
 *   churn()        threads allocating and freeing small objects at once: 64 allocations and a
 *                  100 us pause per round, or no pause with "busy" (a benchmark's flood)
 * Usage: heapsites SECONDS [TRUTH [busy]]; TRUTH gets "site bytes" lines (the bytes each site
 * holds; "-" for none).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "publish.h"

#define MIB (1u << 20)
#define NR_NODES 100000
#define NR_CHURN 4

static volatile int stop;
static int busy;
static volatile uint64_t sink;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static char *hot_table(void)
{
	char *p = malloc(32 * MIB);

	memset(p, 1, 32 * MIB);
	return p;
}

__attribute__((noinline)) static char *cold_index(void)
{
	char *p = malloc(32 * MIB);

	memset(p, 2, 32 * MIB);
	return p;
}

__attribute__((noinline)) static char *make_node(size_t n)
{
	char *p = malloc(n);

	memset(p, 3, n);
	return p;
}

__attribute__((noinline)) static char *grow_log(void)
{
	char *p = NULL;

	for (size_t n = 4096; n <= 8 * MIB; n *= 2) {
		p = realloc(p, n);
		memset(p + n / 2, 4, n / 2);
	}
	return p;
}

__attribute__((noinline)) static void scratch(void)
{
	char *p = malloc(4 * MIB);

	memset(p, 5, 4 * MIB);
	free(p);
}

__attribute__((noinline)) static void *churn(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 2654435761u + 1, sum = 0;

	while (!stop) {
		void *v[64];

		for (int i = 0; i < 64; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			v[i] = malloc(16 + (seed >> 58) * 8);
			sum += (uintptr_t)v[i];
		}
		for (int i = 0; i < 64; i++)
			free(v[i]);
		if (!busy) {
			struct timespec ts = { 0, 100000 };

			nanosleep(&ts, NULL);
		}
	}
	sink += sum;
	return NULL;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3, end;
	static char *nodes[NR_NODES];
	uint64_t node_bytes = 0, sum = 0;
	pthread_t th[NR_CHURN];
	char *hot, *cold, *log;

	busy = argc > 3 && !strcmp(argv[3], "busy");
	hot = hot_table();
	cold = cold_index();
	for (int i = 0; i < NR_NODES; i++) {
		size_t n = 16 + (size_t)(i % 31) * 8;

		nodes[i] = make_node(n);
		node_bytes += n;
	}
	log = grow_log();
	for (int i = 0; i < NR_CHURN; i++)
		pthread_create(&th[i], NULL, churn, (void *)(uintptr_t)i);
	if (argc > 2 && strcmp(argv[2], "-")) {
		FILE *f = publish_begin(argv[2]);

		fprintf(f, "hot_table %u\ncold_index %u\nmake_node %llu\ngrow_log %u\n", 32 * MIB,
			32 * MIB, (unsigned long long)node_bytes, 8 * MIB);
		publish_end(f, argv[2]);
	}
	end = now_s() + secs;
	for (int round = 0; now_s() < end; round++) {
		for (size_t i = 0; i < 32 * MIB; i += 64)
			hot[i]++;
		for (int i = 0; i < NR_NODES; i++)
			nodes[i][0]++;
		if (round % 8 == 0)
			scratch();
	}
	stop = 1;
	for (int i = 0; i < NR_CHURN; i++)
		pthread_join(th[i], NULL);
	sink += sum + cold[0] + log[0] + hot[0];
	return 0;
}
