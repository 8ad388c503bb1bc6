// SPDX-License-Identifier: GPL-2.0
/*
 * Workload of tests/cli/t0530-report-hot.sh: named globals whose heat is known, so that "report
 * hot" can be checked by name, kind and rank. hot_table (1 MiB, .bss) is written in full again and
 * again; warm_table (256 KiB, .data) every eighth pass; cold_table (1 MiB, .bss) once at the start
 * and never again; the function-scope static tick::scratch (64 KiB) every pass; hot_function() is
 * the code that does it (uffd-wp sees writes only, so code shows as cold). With a library path as
 * the third argument it dlopens it (at whatever base ASLR gives) and calls its lib_tick(pass)
 * every pass (tests/symbols/libhot.c).
 *
 *   hotsyms SECONDS [LIBRARY]          prints "hotsyms: N passes" at the end
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TABLE_SZ (1 << 20)

char hot_table[TABLE_SZ] __attribute__((aligned(4096)));
char cold_table[TABLE_SZ] __attribute__((aligned(4096)));
char warm_table[256 << 10] __attribute__((aligned(4096))) = { 1 };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void tick(unsigned pass)
{
	static char scratch[64 << 10] __attribute__((aligned(4096)));

	memset(scratch, (int)pass, sizeof(scratch));
}

void hot_function(unsigned pass, void (*lib_tick)(unsigned))
{
	memset(hot_table, (int)pass, sizeof(hot_table));
	if (pass % 8 == 0)
		memset(warm_table, (int)pass, sizeof(warm_table));
	tick(pass);
	if (lib_tick)
		lib_tick(pass);
}

int main(int argc, char **argv)
{
	void (*lib_tick)(unsigned) = NULL;
	double end;
	unsigned pass = 0;

	struct timespec pause = { 0, 2000000 };	/* 2 ms: busy, but not the whole CPU */

	if (argc < 2) {
		fprintf(stderr, "usage: hotsyms SECONDS [LIBRARY]\n");
		return 2;
	}
	if (argc > 2) {
		void *lib = dlopen(argv[2], RTLD_NOW);

		if (!lib || !(*(void **)&lib_tick = dlsym(lib, "lib_tick"))) {
			fprintf(stderr, "hotsyms: %s\n", dlerror());
			return 1;
		}
	}
	memset(cold_table, 7, sizeof(cold_table));
	end = now_s() + atof(argv[1]);
	while (now_s() < end) {
		hot_function(pass++, lib_tick);
		nanosleep(&pause, NULL);
	}
	printf("hotsyms: %u passes\n", pass);
	return 0;
}
