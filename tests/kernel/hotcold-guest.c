// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's workload with a known hot range (tests/kernel/run.sh): one 64 MiB anonymous
 * mapping, all written once; then [16, 24) MiB is written page by page again and again while
 * [32, 64) MiB is never touched. It writes "HOT_LO HOT_HI COLD_LO COLD_HI" (hex) to INFO once
 * the pattern runs, and exits after SECONDS (0: runs until killed). Static, no daprof code.
 *
 *   hotcold-guest INFO [SECONDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024ul * 1024)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 2 ? atof(argv[2]) : 0;
	char tmp[256];
	char *base;
	double t0;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: hotcold-guest INFO [SECONDS]\n");
		return 2;
	}
	base = mmap(NULL, 64 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return 1;
	memset(base, 1, 64 * MIB);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	f = fopen(tmp, "w");
	if (!f)
		return 1;
	fprintf(f, "0x%lx 0x%lx 0x%lx 0x%lx\n", (unsigned long)(base + 16 * MIB),
		(unsigned long)(base + 24 * MIB), (unsigned long)(base + 32 * MIB),
		(unsigned long)(base + 64 * MIB));
	fclose(f);
	rename(tmp, argv[1]);
	t0 = now_s();
	for (unsigned long pass = 0;; pass++) {
		for (char *p = base + 16 * MIB; p < base + 24 * MIB; p += 4096)
			p[pass % 4096]++;
		if (seconds > 0 && now_s() - t0 >= seconds)
			break;
	}
	return 0;
}
