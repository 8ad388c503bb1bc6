// SPDX-License-Identifier: GPL-2.0
/*
 * Workload with a known, stable access pattern: a hot and a cold global array (.bss) and a hot
 * and a cold heap buffer (separate mappings: a PROT_NONE page lies between them). Hot ranges
 * are written in full again and again; cold ranges are written once at the start and never
 * touched again. The ranges go to TRUTH_FILE as "NAME START END" lines (decimal, page-aligned),
 * through a rename, so that a test can wait for the file and then knows the ground truth.
 *
 *   hotcold SECONDS [TRUTH_FILE]     prints "hotcold: N passes/s" at the end
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "publish.h"

#define GLOBAL_SZ (1 << 20)
#define HEAP_SZ (4 << 20)

static char hot_global[GLOBAL_SZ] __attribute__((aligned(4096)));
static char gap_global[64 << 10] __attribute__((aligned(4096)));
static char cold_global[GLOBAL_SZ] __attribute__((aligned(4096)));

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *map_buffer(size_t sz)
{
	void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("hotcold: mmap");
		exit(1);
	}
	madvise(p, sz, MADV_NOHUGEPAGE);	/* keep it 4 KiB pages: page precision */
	return p;
}

static void write_truth(const char *path, char *hot_heap, char *cold_heap)
{
	FILE *f = publish_begin(path);

	fprintf(f, "hot_global %lu %lu\n", (unsigned long)hot_global,
		(unsigned long)(hot_global + GLOBAL_SZ));
	fprintf(f, "cold_global %lu %lu\n", (unsigned long)cold_global,
		(unsigned long)(cold_global + GLOBAL_SZ));
	fprintf(f, "hot_heap %lu %lu\n", (unsigned long)hot_heap, (unsigned long)(hot_heap + HEAP_SZ));
	fprintf(f, "cold_heap %lu %lu\n", (unsigned long)cold_heap,
		(unsigned long)(cold_heap + HEAP_SZ));
	publish_end(f, path);
}

int main(int argc, char **argv)
{
	double secs, end, t0;
	char *hot_heap, *cold_heap;
	unsigned long passes = 0;

	if (argc < 2 || (secs = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: hotcold SECONDS [TRUTH_FILE]\n");
		return 2;
	}
	/* one mapping with a PROT_NONE page in the middle: two VMAs that never merge */
	cold_heap = map_buffer(2 * HEAP_SZ + 4096);
	mprotect(cold_heap + HEAP_SZ, 4096, PROT_NONE);
	hot_heap = cold_heap + HEAP_SZ + 4096;
	memset(cold_global, 1, GLOBAL_SZ);
	memset(cold_heap, 1, HEAP_SZ);
	memset(gap_global, 1, sizeof(gap_global));
	if (argc > 2)
		write_truth(argv[2], hot_heap, cold_heap);
	t0 = now_s();
	end = t0 + secs;
	while (now_s() < end) {
		for (int k = 0; k < 16; k++) {
			for (size_t i = 0; i < GLOBAL_SZ; i += 4096)
				hot_global[i + (passes & 4095)]++;
			for (size_t i = 0; i < HEAP_SZ; i += 4096)
				hot_heap[i + (passes & 4095)]++;
			passes++;
		}
	}
	printf("hotcold: %.0f passes/s\n", passes / (now_s() - t0));
	return 0;
}
