// SPDX-License-Identifier: GPL-2.0
/*
 * The "make demo" workload: an access pattern with visible structure for the heat map.
 *   - a hot global (1 MiB, written all the time) and a cold global (4 MiB, written once)
 *   - a 256 MiB heap buffer in three phases of equal length:
 *       1. a 16 MiB hot window moving from the bottom to the top of the buffer
 *       2. two fixed hot stripes (at 1/4 and 3/4 of the buffer)
 *       3. the whole buffer swept slowly, bottom to top, twice
 * It writes (not only reads) so that write-only access checks see it too.
 * usage: demo-phases [SECONDS]   (default 6)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE		4096
#define BUF_SIZE	(256UL << 20)
#define WINDOW		(16UL << 20)
#define STRIPE		(8UL << 20)

static char hot_global[1 << 20];
static char cold_global[4 << 20];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void touch(volatile char *p, size_t len)
{
	for (size_t off = 0; off < len; off += PAGE)
		p[off]++;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 6;
	double t0, t, phase = secs / 3;
	char *buf = malloc(BUF_SIZE);

	if (!buf || secs <= 0)
		return 1;
	memset(buf, 1, BUF_SIZE);
	memset(cold_global, 1, sizeof(cold_global));
	t0 = now();	/* the phases start once the buffer is populated */
	while ((t = now() - t0) < secs) {
		touch(hot_global, sizeof(hot_global));
		if (t < phase) {
			size_t at = (size_t)((BUF_SIZE - WINDOW) * (t / phase)) & ~(PAGE - 1UL);

			touch(buf + at, WINDOW);
		} else if (t < 2 * phase) {
			touch(buf + BUF_SIZE / 4, STRIPE);
			touch(buf + 3 * BUF_SIZE / 4, STRIPE);
		} else {
			double f = (t - 2 * phase) / phase * 2;
			size_t at = (size_t)((BUF_SIZE - WINDOW) * (f - (int)f)) & ~(PAGE - 1UL);

			touch(buf + at, WINDOW / 4);
		}
	}
	printf("demo-phases: ran %.1f s; heap buffer at %p (%lu MiB), hot global at %p, cold global at %p\n",
	       secs, (void *)buf, BUF_SIZE >> 20, (void *)hot_global, (void *)cold_global);
	free(buf);
	return 0;
}
