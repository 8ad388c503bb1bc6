// SPDX-License-Identifier: GPL-2.0
/*
 * Workload whose memory map keeps changing: a stable 1 MiB hot buffer, and 1 MiB chunks that
 * are mapped into one of four fixed slots, written for CHURN_MS, unmapped and mapped again in
 * the next slot. TRUTH_FILE gets "hot START END" and "slots START END" (the four slots).
 *
 *   mapunmap SECONDS CHURN_MS [TRUTH_FILE]     prints "mapunmap: N maps" at the end
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "publish.h"

#define SZ (1UL << 20)
#define NSLOTS 4

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 2 ? atof(argv[1]) : 0, churn = argc > 2 ? atof(argv[2]) / 1e3 : 0;
	unsigned long maps = 0, pass = 0;
	char *hot, *slots;
	double end;

	if (secs <= 0 || churn <= 0) {
		fprintf(stderr, "usage: mapunmap SECONDS CHURN_MS [TRUTH_FILE]\n");
		return 2;
	}
	hot = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* reserve the slots' span, then free it: chunks are mapped back at fixed addresses */
	slots = mmap(NULL, NSLOTS * SZ + SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hot == MAP_FAILED || slots == MAP_FAILED) {
		perror("mapunmap: mmap");
		return 1;
	}
	madvise(hot, SZ, MADV_NOHUGEPAGE);
	memset(hot, 1, SZ);
	munmap(slots, NSLOTS * SZ + SZ);
	if (argc > 3) {
		FILE *f = publish_begin(argv[3]);

		fprintf(f, "hot %lu %lu\nslots %lu %lu\n", (unsigned long)hot,
			(unsigned long)(hot + SZ), (unsigned long)slots,
			(unsigned long)(slots + NSLOTS * SZ));
		publish_end(f, argv[3]);
	}
	end = now_s() + secs;
	while (now_s() < end) {
		char *want = slots + (maps % NSLOTS) * SZ;
		char *c = mmap(want, SZ, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		double stop = now_s() + churn;

		if (c == MAP_FAILED) {
			perror("mapunmap: mmap slot");
			return 1;
		}
		maps++;
		while (now_s() < stop) {
			for (int k = 0; k < 16; k++, pass++) {
				for (size_t i = 0; i < SZ; i += 4096) {
					hot[i + (pass & 4095)]++;
					c[i + (pass & 4095)]++;
				}
			}
		}
		munmap(c, SZ);
	}
	printf("mapunmap: %lu maps\n", maps);
	return 0;
}
