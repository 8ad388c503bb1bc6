// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark workload: SIZE_MIB of anonymous memory made resident, of which the first HOT_PCT
 * percent is written over and over (one byte per 4 KiB page per pass) for SECONDS; the rest
 * stays cold. Reports its own throughput, so that a benchmark can compare a monitored run with
 * an unmonitored one. TRUTH_FILE gets "hot START END" and "cold START END". With "huge", the
 * buffer is 2 MiB-aligned, asks for transparent huge pages (MADV_HUGEPAGE) and the hot part is
 * a whole number of 2 MiB pages; otherwise it is kept to 4 KiB pages.
 *
 *   memtouch SIZE_MIB HOT_PCT SECONDS [TRUTH_FILE [huge]]
 *   prints "memtouch: N Mwrites/s, M minor faults" (faults of the timed part only)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "publish.h"

#define HUGE_SZ (2UL << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t size = argc > 3 ? (size_t)atol(argv[1]) << 20 : 0, hot;
	double pct = argc > 3 ? atof(argv[2]) : 0, secs = argc > 3 ? atof(argv[3]) : 0, t0, end;
	unsigned long writes = 0, pass = 0;
	struct rusage ru0, ru1;
	char *buf;
	int huge;

	if (!size || pct <= 0 || pct > 100 || secs <= 0) {
		fprintf(stderr, "usage: memtouch SIZE_MIB HOT_PCT SECONDS [TRUTH_FILE [huge]]\n");
		return 2;
	}
	huge = argc > 5 && !strcmp(argv[5], "huge");
	hot = (size_t)(size * pct / 100) & ~(huge ? HUGE_SZ - 1 : 4095UL);
	buf = mmap(NULL, size + (huge ? HUGE_SZ : 0), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("memtouch: mmap");
		return 1;
	}
	if (huge) {
		buf = (char *)(((uintptr_t)buf + HUGE_SZ - 1) & ~(HUGE_SZ - 1));
		madvise(buf, size, MADV_HUGEPAGE);
	} else {
		madvise(buf, size, MADV_NOHUGEPAGE);
	}
	memset(buf, 1, size);
	if (argc > 4) {
		FILE *f = publish_begin(argv[4]);

		fprintf(f, "hot %lu %lu\ncold %lu %lu\n", (unsigned long)buf,
			(unsigned long)(buf + hot), (unsigned long)(buf + hot),
			(unsigned long)(buf + size));
		publish_end(f, argv[4]);
	}
	getrusage(RUSAGE_SELF, &ru0);
	t0 = now_s();
	end = t0 + secs;
	while (now_s() < end) {
		for (int k = 0; k < 4; k++, pass++)
			for (size_t i = 0; i < hot; i += 4096)
				buf[i + (pass & 4095)]++;
		writes += 4 * (hot / 4096);
	}
	getrusage(RUSAGE_SELF, &ru1);
	printf("memtouch: %.3f Mwrites/s, %ld minor faults\n", writes / (now_s() - t0) / 1e6,
	       ru1.ru_minflt - ru0.ru_minflt);
	return 0;
}
