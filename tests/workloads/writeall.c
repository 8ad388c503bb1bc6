// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark workload for the cost of write-watching: SIZE_MIB of anonymous memory (4 KiB pages,
 * or transparent huge pages with "huge"), every page of it written once per pass, pass after
 * pass, for SECONDS. This is the write-heavy case (a page cache, a heap being freed) where a
 * primitive that protects more than the sampled pages makes every page fault. With "churn",
 * each pass also maps one page right after the buffer and unmaps it again, so that the
 * buffer's mapping merges and splits, as a heap that grows and shrinks does. With "burst", it
 * waits for READY_FILE.go to appear (a test creates it once the recorder watches) and then
 * writes every page exactly once, for a count of the faults that one pass costs. With "sweep",
 * it sleeps 1.5 s after each pass, so that its memory lies idle between passes (a checkpoint,
 * a collector's sweep): a primitive that protects what went idle makes every page fault again.
 *
 *   writeall SIZE_MIB SECONDS [READY_FILE [huge|churn|burst|sweep]]
 *   prints "writeall: P passes/s, C us CPU/pass, F minor faults, H MiB huge at end" (the timed
 *   part only; CPU time per pass is the steadier figure on a machine shared with others);
 *   READY_FILE gets "buf START END" once the buffer is resident, before the timed part.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "publish.h"

#define HUGE_SZ (2UL << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(const struct rusage *ru)
{
	return ru->ru_utime.tv_sec + ru->ru_stime.tv_sec +
	       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;
}

/* AnonHugePages of the mapping holding @addr, in MiB (from our own smaps) */
static long huge_mib(uintptr_t addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[256];
	unsigned long s, e, kb;
	int in = 0;
	long mib = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2)
			in = addr >= s && addr < e;
		else if (in && sscanf(line, "AnonHugePages: %lu", &kb) == 1)
			mib += (long)(kb / 1024);
	}
	fclose(f);
	return mib;
}

int main(int argc, char **argv)
{
	size_t size = argc > 2 ? (size_t)atol(argv[1]) << 20 : 0;
	double secs = argc > 2 ? atof(argv[2]) : 0, t0, t;
	const char *mode = argc > 4 ? argv[4] : "";
	int huge = !strcmp(mode, "huge"), churn = !strcmp(mode, "churn");
	int burst = !strcmp(mode, "burst"), sweep = !strcmp(mode, "sweep");
	unsigned long pass = 0;
	struct rusage ru0, ru1;
	char *buf, *raw;

	if (!size || secs <= 0 || (argc > 4 && !huge && !churn && !burst && !sweep)) {
		fprintf(stderr,
			"usage: writeall SIZE_MIB SECONDS [READY_FILE [huge|churn|burst|sweep]]\n");
		return 2;
	}
	raw = mmap(NULL, size + HUGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (raw == MAP_FAILED) {
		perror("writeall: mmap");
		return 1;
	}
	/* 2 MiB-aligned, and nothing of ours right after it (where "churn" maps its page) */
	buf = (char *)(((uintptr_t)raw + HUGE_SZ - 1) & ~(HUGE_SZ - 1));
	if (buf > raw)
		munmap(raw, (size_t)(buf - raw));
	munmap(buf + size, (size_t)(raw + size + HUGE_SZ - (buf + size)));
	madvise(buf, size, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	memset(buf, 1, size);
	if (argc > 3) {
		FILE *f = publish_begin(argv[3]);

		fprintf(f, "buf %lu %lu\n", (unsigned long)buf, (unsigned long)(buf + size));
		publish_end(f, argv[3]);
	}
	if (burst) {
		char go[4096 + 8];

		snprintf(go, sizeof(go), "%s.go", argv[3]);
		for (int i = 0; i < 3000 && access(go, F_OK); i++)
			usleep(10000);
	}
	getrusage(RUSAGE_SELF, &ru0);
	t0 = now_s();
	do {
		for (size_t i = 0; i < size; i += 4096)
			buf[i + (pass & 4095)]++;
		if (churn) {
			char *p = mmap(buf + size, 4096, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

			if (p != MAP_FAILED) {
				madvise(p, 4096, MADV_NOHUGEPAGE);
				p[0] = 1;
				munmap(p, 4096);
			}
		}
		pass++;
		t = now_s();
		if (sweep && t < t0 + secs) {
			usleep(1500000);
			t = now_s();
		}
	} while (!burst && t < t0 + secs);
	getrusage(RUSAGE_SELF, &ru1);
	printf("writeall: %.3f passes/s, %.1f us CPU/pass, %ld minor faults, %ld MiB huge at end\n",
	       pass / (t - t0), (cpu_s(&ru1) - cpu_s(&ru0)) * 1e6 / (double)pass,
	       ru1.ru_minflt - ru0.ru_minflt, huge_mib((uintptr_t)buf));
	return 0;
}
