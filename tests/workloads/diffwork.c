// SPDX-License-Identifier: GPL-2.0
/*
 * Workload of the "daprof diff" tests (tests/cli/t0551-diff-real.sh) and of the false-alarm and
 * detection benchmark (tests/bench/diff-noise.sh): a program whose hot set has a size given on
 * the command line, so that two runs can differ by exactly as much as a test wants. work_table
 * (8 MiB, .bss) has its first HOT_KIB written again and again; the rest of it is written once at
 * the start and never again (cold). With "newhot", new_table (1 MiB, .bss; untouched otherwise)
 * is written every pass as well: an object that becomes hot.
 *
 *   diffwork SECONDS HOT_KIB [newhot]     prints "diffwork: N passes" at the end
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORK_SZ (8 << 20)

char work_table[WORK_SZ] __attribute__((aligned(4096)));
char new_table[1 << 20] __attribute__((aligned(4096)));

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct timespec pause = { 0, 2000000 };	/* 2 ms: busy, but not the whole CPU */
	size_t hot;
	int newhot;
	unsigned pass = 0;
	double end;

	if (argc < 3) {
		fprintf(stderr, "usage: diffwork SECONDS HOT_KIB [newhot]\n");
		return 2;
	}
	hot = (size_t)atol(argv[2]) << 10;
	if (hot > WORK_SZ)
		hot = WORK_SZ;
	newhot = argc > 3 && !strcmp(argv[3], "newhot");
	memset(work_table, 7, sizeof(work_table));
	end = now_s() + atof(argv[1]);
	while (now_s() < end) {
		/* one byte a page is enough to be seen, and cheap */
		for (size_t off = 0; off < hot; off += 4096)
			work_table[off] = (char)pass;
		if (newhot)
			for (size_t off = 0; off < sizeof(new_table); off += 4096)
				new_table[off] = (char)pass;
		pass++;
		nanosleep(&pause, NULL);
	}
	printf("diffwork: %u passes\n", pass);
	return 0;
}
