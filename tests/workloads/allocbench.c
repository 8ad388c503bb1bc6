// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation throughput for the heap-site benchmark (tests/bench/heap-sites.sh): THREADS threads
 * allocate and free for SECONDS, and the total rate is printed as "allocbench: N Mops/s, C Mops
 * per CPU-s": the second, per second of the process's CPU time, is what a benchmark compares on a
 * machine shared with other work (the first falls whenever another process takes the CPU).
 *   small   64 blocks of 16 to 512 bytes allocated, written once, then freed, over and over:
 *           nothing but the allocator, the worst case for an interposed one
 *   work    a program that allocates millions of small blocks per second and uses them: each
 *           thread keeps 4,096 live blocks of 16 to 512 bytes (about 1 MiB); an operation frees
 *           a random one, allocates its replacement, fills it whole, and reads another live
 *           block whole (the blocks' bytes are summed)
 *   large   one block of 64 KiB to 1 MiB allocated, written whole, then freed
 * Usage: allocbench small|work|large THREADS SECONDS
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIVE	4096

static volatile int stop;
static int large;
static int work;

static double clock_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static uint64_t work_loop(uint64_t seed)
{
	static _Thread_local unsigned char *live[LIVE];
	static _Thread_local uint32_t len[LIVE];
	uint64_t ops = 0, sum = 0;

	while (!stop) {
		for (int k = 0; k < 64; k++) {
			uint32_t i = (uint32_t)(seed >> 40) % LIVE, j = (uint32_t)(seed >> 20) % LIVE;
			uint32_t n = 16 + (uint32_t)((seed >> 58) & 63) * 8;

			free(live[i]);
			live[i] = malloc(n);
			len[i] = n;
			memset(live[i], (int)(ops + k), n);
			for (uint32_t b = 0; live[j] && b < len[j]; b += 8)
				sum += *(uint64_t *)(live[j] + b);
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		}
		ops += 64;
	}
	for (int i = 0; i < LIVE; i++)
		free(live[i]);
	return ops + (sum == 42);	/* sum escapes */
}

static void *worker(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x9e3779b97f4a7c15ull + 1, ops = 0;
	char *volatile escape;	/* the compiler may not drop a block that escapes */

	if (work)
		return (void *)(uintptr_t)work_loop(seed);
	while (!stop) {
		if (large) {
			size_t n = (size_t)(16 + (seed >> 60)) << 16;	/* 1 MiB at most */
			char *p = malloc(n);

			memset(p, (int)ops, n);
			escape = p;
			free(escape);
			ops++;
		} else {
			char *v[64];

			for (int i = 0; i < 64; i++) {
				v[i] = malloc(16 + ((seed >> 58) & 63) * 8);
				v[i][0] = (char)i;
				escape = v[i];
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			}
			for (int i = 0; i < 64; i++)
				free(v[i]);
			ops += 64;
		}
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	}
	return (void *)(uintptr_t)ops;
}

int main(int argc, char **argv)
{
	int nr = argc > 2 ? atoi(argv[2]) : 4;
	double secs = argc > 3 ? atof(argv[3]) : 3, t0;
	pthread_t th[64];
	uint64_t ops = 0;

	large = argc > 1 && !strcmp(argv[1], "large");
	work = argc > 1 && !strcmp(argv[1], "work");
	if (nr < 1 || nr > 64)
		return 2;
	t0 = now_s();
	for (int i = 0; i < nr; i++)
		pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	while (now_s() < t0 + secs) {
		struct timespec ts = { 0, 10000000 };

		nanosleep(&ts, NULL);
	}
	stop = 1;
	for (int i = 0; i < nr; i++) {
		void *r;

		pthread_join(th[i], &r);
		ops += (uintptr_t)r;
	}
	printf("allocbench: %.5f Mops/s, %.5f Mops per CPU-s\n", ops / (now_s() - t0) / 1e6,
	       ops / clock_s(CLOCK_PROCESS_CPUTIME_ID) / 1e6);
	return 0;
}
