// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation sites in C++ for tests/cli/t0562-heap-sites-cxx.sh: a member function of a class
 * in a namespace allocating with operator new[], and a function template allocating with
 * malloc, each a large block (always recorded), both written over and over for SECONDS.
 * Usage: heapcpp [SECONDS]
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace store {
struct Index {
	char *table;
	__attribute__((noinline)) void build(unsigned long n)
	{
		table = new char[n];
		memset(table, 1, n);
	}
};
}

template <typename T> __attribute__((noinline)) T *make_block(unsigned long n)
{
	T *p = static_cast<T *>(malloc(n * sizeof(T)));

	memset(p, 2, n * sizeof(T));
	return p;
}

static double now_s()
{
	timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1, end = now_s() + secs;
	store::Index ix;
	long *blk;
	unsigned long passes = 0;

	ix.build(4ul << 20);
	blk = make_block<long>(1ul << 18);
	while (now_s() < end) {
		for (unsigned long i = 0; i < (4ul << 20); i += 64)
			ix.table[i]++;
		for (unsigned long i = 0; i < (1ul << 18); i += 8)
			blk[i]++;
		passes++;
	}
	printf("heapcpp: %lu passes\n", passes);
	delete[] ix.table;
	free(blk);
	return 0;
}
