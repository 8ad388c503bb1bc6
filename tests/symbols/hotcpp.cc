// SPDX-License-Identifier: GPL-2.0
/*
 * C++ workload of tests/cli/t0534-report-hot-cxx.sh: statics named by their C++ scope through
 * DWARF (DW_AT_specification of a static data member or a namespace's variable, defined at the
 * top of the compilation unit). Written every pass: Cache::slots (512 KiB, a static data member),
 * store::table (256 KiB), store::inner::deep (64 KiB), Cache::touch()'s function-scope static
 * scratch (32 KiB), store::fill()'s static buf (16 KiB) and an anonymous namespace's counts
 * (16 KiB); Cache::cold (256 KiB) is written once at the start.
 *
 *   hotcpp SECONDS          prints "hotcpp: N passes" at the end
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#define PAGE_ALIGNED __attribute__((aligned(4096)))

namespace store {
char table[256 << 10] PAGE_ALIGNED;
namespace inner {
char deep[64 << 10] PAGE_ALIGNED;
}
void fill(unsigned pass);
}

namespace {
char counts[16 << 10] PAGE_ALIGNED;
}

class Cache {
public:
	static char slots[512 << 10];
	static char cold[256 << 10];
	static void touch(unsigned pass);
};
char Cache::slots[512 << 10] PAGE_ALIGNED;
char Cache::cold[256 << 10] PAGE_ALIGNED;

void Cache::touch(unsigned pass)
{
	static char scratch[32 << 10] PAGE_ALIGNED;

	memset(slots, (int)pass, sizeof(slots));
	memset(scratch, (int)pass, sizeof(scratch));
}

void store::fill(unsigned pass)
{
	static char buf[16 << 10] PAGE_ALIGNED;

	memset(table, (int)pass, sizeof(table));
	memset(inner::deep, (int)pass, sizeof(inner::deep));
	memset(buf, (int)pass, sizeof(buf));
}

static double now_s()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct timespec pause = { 0, 2000000 };
	unsigned pass = 0;
	double end;

	if (argc < 2) {
		fprintf(stderr, "usage: hotcpp SECONDS\n");
		return 2;
	}
	memset(Cache::cold, 1, sizeof(Cache::cold));
	end = now_s() + atof(argv[1]);
	while (now_s() < end) {
		Cache::touch(pass);
		store::fill(pass);
		memset(counts, (int)pass, sizeof(counts));
		pass++;
		nanosleep(&pause, NULL);
	}
	printf("hotcpp: %u passes\n", pass);
	return 0;
}
