// SPDX-License-Identifier: GPL-2.0
/*
 * The munmap of the tail of a recorded mapping (tests/cli/t0563-heap-sites-munmap.sh), and a new
 * mapping made where the tail was, which a report must not give to the first block's site:
 *   tail_map    maps 8 MiB anonymous (a block the heap-site library records), writes it whole
 *               and unmaps its last 2 MiB: 6 MiB stay
 *   reuse_map   maps 2 MiB at the address where tail_map's tail was (a hint, no MAP_FIXED)
 *   whole_map   maps 8 MiB and keeps them
 * All three are written on for SECONDS. "heaptail: reused" says the hint was taken.
 * Usage: heaptail [SECONDS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define MIB (1ul << 20)

static volatile uint64_t sink;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* inlined, so that each caller is its own allocation site */
static inline __attribute__((always_inline)) char *map_at(void *hint, size_t len)
{
	char *p = mmap(hint, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("heaptail: mmap");
		exit(1);
	}
	memset(p, 1, len);
	return p;
}

__attribute__((noinline)) static char *tail_map(void)
{
	char *p = map_at(NULL, 8 * MIB);

	munmap(p + 6 * MIB, 2 * MIB);
	return p;
}

__attribute__((noinline)) static char *reuse_map(char *where)
{
	return map_at(where, 2 * MIB);
}

__attribute__((noinline)) static char *whole_map(void)
{
	return map_at(NULL, 8 * MIB);
}

static void touch(char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 4096)
		p[i]++;
	sink += (uintptr_t)p[0];
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1, end;
	char *t = tail_map(), *r = reuse_map(t + 6 * MIB), *w = whole_map();
	unsigned long passes = 0;

	if (r == t + 6 * MIB)
		printf("heaptail: reused\n");
	for (end = now_s() + secs; now_s() < end; passes++) {
		touch(t, 6 * MIB);
		touch(r, 2 * MIB);
		touch(w, 8 * MIB);
	}
	printf("heaptail: %lu passes\n", passes);
	return 0;
}
