// SPDX-License-Identifier: GPL-2.0
/*
 * Workload whose main thread is gone while the process lives: main maps one 4 MiB buffer per
 * worker, starts NTHREADS workers that write their buffer over and over for SECONDS, publishes
 * OUT_FILE and calls pthread_exit(). The leader then shows as a zombie ('Z' in /proc/PID/stat,
 * and its /proc/PID/maps reads empty) although the workers keep the address space alive: a
 * recorder must find a live thread to look through. OUT_FILE holds "pid PID" and one
 * "tid TID START END" line per worker (its id and its buffer, decimal), written once every
 * worker runs.
 *
 *   leaderless SECONDS NTHREADS OUT_FILE
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "publish.h"

#define BUF_SZ (4UL << 20)
#define MAX_THREADS 8

static double secs;
static char *buf[MAX_THREADS];
static volatile pid_t tids[MAX_THREADS];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	long id = (long)arg;
	double end = now_s() + secs;
	unsigned long pass = 0;

	tids[id] = (pid_t)syscall(SYS_gettid);
	while (now_s() < end) {
		for (size_t i = 0; i < BUF_SZ; i += 4096)
			buf[id][i + (pass & 4095)]++;
		pass++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th;
	int n = argc == 4 ? atoi(argv[2]) : 0;
	FILE *f;

	secs = argc == 4 ? atof(argv[1]) : 0;
	if (secs <= 0 || n < 1 || n > MAX_THREADS) {
		fprintf(stderr, "usage: leaderless SECONDS NTHREADS(1-%d) OUT_FILE\n", MAX_THREADS);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		buf[i] = mmap(NULL, BUF_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			      0);
		if (buf[i] == MAP_FAILED) {
			perror("leaderless: mmap");
			return 1;
		}
		memset(buf[i], 1, BUF_SZ);
	}
	for (long i = 0; i < n; i++) {
		if (pthread_create(&th, NULL, worker, (void *)i)) {
			fprintf(stderr, "leaderless: cannot start a thread\n");
			return 1;
		}
		pthread_detach(th);
	}
	for (int i = 0; i < n; i++)
		while (!tids[i])
			usleep(1000);
	f = publish_begin(argv[3]);
	fprintf(f, "pid %d\n", (int)getpid());
	for (int i = 0; i < n; i++)
		fprintf(f, "tid %d %lu %lu\n", (int)tids[i], (unsigned long)(uintptr_t)buf[i],
			(unsigned long)(uintptr_t)buf[i] + BUF_SZ);
	publish_end(f, argv[3]);
	pthread_exit(NULL);	/* the process lives on in its workers */
}
