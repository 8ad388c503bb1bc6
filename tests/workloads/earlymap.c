// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload for what a recording sees of a program's first moments: DELAY_MS after its start
 * it maps a SIZE_MIB buffer and writes every page of it over and over for SECONDS. TRUTH_FILE
 * gets "buf START END" and "mapped_ns T" (CLOCK_MONOTONIC, the clock of a recording's snapshot
 * times), so that a test can ask how soon after the mapping the buffer showed up as accessed.
 *
 *   earlymap DELAY_MS SIZE_MIB SECONDS TRUTH_FILE
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "publish.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t t0 = now_ns(), mapped, end;
	long delay_ms = argc > 4 ? atol(argv[1]) : -1;
	size_t size = argc > 4 ? (size_t)atol(argv[2]) << 20 : 0;
	double secs = argc > 4 ? atof(argv[3]) : 0;
	struct timespec ts;
	unsigned long pass = 0;
	char *buf;
	FILE *f;

	if (delay_ms < 0 || !size || secs <= 0) {
		fprintf(stderr, "usage: earlymap DELAY_MS SIZE_MIB SECONDS TRUTH_FILE\n");
		return 2;
	}
	ts.tv_sec = (time_t)((t0 + delay_ms * 1000000ULL) / 1000000000ULL);
	ts.tv_nsec = (long)((t0 + delay_ms * 1000000ULL) % 1000000000ULL);
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("earlymap: mmap");
		return 1;
	}
	mapped = now_ns();
	end = mapped + (uint64_t)(secs * 1e9);
	while (now_ns() < end) {
		for (size_t i = 0; i < size; i += 4096)
			buf[i + (pass & 4095)]++;
		pass++;
	}
	f = publish_begin(argv[4]);
	fprintf(f, "buf %lu %lu\nmapped_ns %llu\n", (unsigned long)buf, (unsigned long)(buf + size),
		(unsigned long long)mapped);
	publish_end(f, argv[4]);
	return 0;
}
