// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark workload with a known read-mostly hot set, for what a primitive sees of reads: a
 * SIZE_MIB anonymous buffer of which the first RES_PCT percent is made resident once (written)
 * and the rest is never touched; of the resident part, the first HOT_PCT percent of the buffer
 * is read over and over (every cache line), never written, for SECONDS. The truth is then
 *   hot       read, resident          (a page-exact reads+writes primitive sees it hot)
 *   cold      resident, idle
 *   untouched never resident          (nothing may call it accessed: RSS stays below the buffer)
 * A primitive that sees writes only sees no hot page at all; one that counts per mapping knows
 * the hot bytes but not where they are.
 *
 *   readhot SIZE_MIB HOT_PCT RES_PCT SECONDS TRUTH_FILE
 *   prints "readhot: N Mreads/s"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "publish.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t size = argc > 5 ? (size_t)atol(argv[1]) << 20 : 0, hot, res;
	double hot_pct = argc > 5 ? atof(argv[2]) : 0, res_pct = argc > 5 ? atof(argv[3]) : 0;
	double secs = argc > 5 ? atof(argv[4]) : 0, t0, end;
	volatile uint64_t sink = 0;
	unsigned long reads = 0;
	char *buf;
	FILE *f;

	if (!size || hot_pct <= 0 || res_pct < hot_pct || res_pct > 100 || secs <= 0) {
		fprintf(stderr, "usage: readhot SIZE_MIB HOT_PCT RES_PCT SECONDS TRUTH_FILE "
			"(0 < HOT_PCT <= RES_PCT <= 100)\n");
		return 2;
	}
	hot = (size_t)(size * hot_pct / 100) & ~4095UL;
	res = (size_t)(size * res_pct / 100) & ~4095UL;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("readhot: mmap");
		return 1;
	}
	madvise(buf, size, MADV_NOHUGEPAGE);	/* page-exact truth */
	memset(buf, 1, res);
	f = publish_begin(argv[5]);
	fprintf(f, "hot %lu %lu\ncold %lu %lu\nuntouched %lu %lu\n", (unsigned long)buf,
		(unsigned long)(buf + hot), (unsigned long)(buf + hot), (unsigned long)(buf + res),
		(unsigned long)(buf + res), (unsigned long)(buf + size));
	publish_end(f, argv[5]);
	t0 = now_s();
	end = t0 + secs;
	while (now_s() < end) {
		uint64_t s = 0;

		for (size_t i = 0; i < hot; i += 64)
			s += *(const volatile uint64_t *)(buf + i);
		sink += s;
		reads += hot / 64;
	}
	printf("readhot: %.3f Mreads/s\n", reads / (now_s() - t0) / 1e6);
	return 0;
}
