// SPDX-License-Identifier: GPL-2.0
/*
 * Workload with a moving hot window: a 32 MiB heap buffer (its own mapping, 4 KiB pages) of
 * which a 4 MiB window is written over and over; every PERIOD the window moves to the next
 * 4 MiB, cycling. TRUTH_FILE gets "buffer START END", "window BYTES", "period_ns P" and
 * "t0_ns T" (CLOCK_MONOTONIC, the clock of daprof's snapshots): the window covers
 * [START + k * BYTES, + BYTES) with k = ((t - T) / P) mod (buffer / window).
 *
 *   movewin SECONDS PERIOD_MS [TRUTH_FILE]    prints "movewin: N Mwrites/s" at the end
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "publish.h"

#define BUF_SZ (32UL << 20)
#define WIN_SZ (4UL << 20)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	double secs = argc > 2 ? atof(argv[1]) : 0;
	uint64_t period = argc > 2 ? (uint64_t)(atof(argv[2]) * 1e6) : 0, t0, end;
	unsigned long writes = 0;
	char *buf;

	if (secs <= 0 || !period) {
		fprintf(stderr, "usage: movewin SECONDS PERIOD_MS [TRUTH_FILE]\n");
		return 2;
	}
	buf = mmap(NULL, BUF_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("movewin: mmap");
		return 1;
	}
	madvise(buf, BUF_SZ, MADV_NOHUGEPAGE);
	memset(buf, 1, BUF_SZ);
	t0 = now_ns();
	if (argc > 3) {
		FILE *f = publish_begin(argv[3]);

		fprintf(f, "buffer %lu %lu\nwindow %lu\nperiod_ns %llu\nt0_ns %llu\n",
			(unsigned long)buf, (unsigned long)(buf + BUF_SZ), WIN_SZ,
			(unsigned long long)period, (unsigned long long)t0);
		publish_end(f, argv[3]);
	}
	end = t0 + (uint64_t)(secs * 1e9);
	for (uint64_t t = t0; t < end; t = now_ns()) {
		char *w = buf + ((t - t0) / period) % (BUF_SZ / WIN_SZ) * WIN_SZ;

		for (int k = 0; k < 8; k++) {
			for (size_t i = 0; i < WIN_SZ; i += 4096)
				w[i + (writes & 4095)]++;
			writes += WIN_SZ / 4096;
		}
	}
	printf("movewin: %.2f Mwrites/s\n", writes / ((now_ns() - t0) / 1e9) / 1e6);
	return 0;
}
