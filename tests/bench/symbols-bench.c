// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of report/symbols.c (run by tests/bench/symbols-bench.sh): runs a program that prints
 * "maps" and its /proc/self/maps (the symbols fixture, or a generated one with 100,000 globals),
 * turns the maps into recorded mappings, and then times, after the process is gone:
 *   - the first lookup in each distinct file (open, symbols, DWARF variables), cache cold;
 *   - N random lookups over all its mappings with a warm cache (lookups per second);
 *   - a walk of the objects of its largest data mapping;
 * and prints the peak RSS.   usage: symbols-bench N PROGRAM [ARG...]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "record/procmaps.h"
#include "report/symbols.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int read_maps(char **argv, struct pm_map *pm, struct dpf_mapping **out)
{
	char cmd[8192] = "", line[4096];
	size_t len = 0, cap = 1 << 16;
	char *text = malloc(cap);
	int in_maps = 0;
	FILE *p;

	for (int i = 0; argv[i]; i++) {
		strncat(cmd, "'", sizeof(cmd) - strlen(cmd) - 1);
		strncat(cmd, argv[i], sizeof(cmd) - strlen(cmd) - 1);
		strncat(cmd, "' ", sizeof(cmd) - strlen(cmd) - 1);
	}
	p = popen(cmd, "r");
	if (!p || !text)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		size_t n = strlen(line);

		if (!in_maps) {
			in_maps = !strcmp(line, "maps\n");
			continue;
		}
		if (len + n + 1 > cap) {
			cap *= 2;
			text = realloc(text, cap);
			if (!text)
				return -1;
		}
		memcpy(text + len, line, n + 1);
		len += n;
	}
	if (pclose(p) != 0 || !len || pm_parse(text, len, pm))
		return -1;
	*out = calloc(pm->nr, sizeof(**out));
	if (!*out)
		return -1;
	for (size_t i = 0; i < pm->nr; i++) {
		struct dpf_mapping *m = &(*out)[i];
		int fd, n;

		m->start = pm->e[i].start;
		m->end = pm->e[i].end;
		m->offset = pm->e[i].offset;
		m->perms = pm->e[i].perms;
		m->path = pm->e[i].path;
		if (m->path[0] != '/' || (fd = open(m->path, O_RDONLY)) < 0)
			continue;
		n = pm_elf_build_id(fd, m->build_id, sizeof(m->build_id));
		m->build_id_len = n > 0 ? (uint8_t)n : 0;
		close(fd);
	}
	return 0;
}

static int count_object(const struct sym_result *r, uint64_t lo, uint64_t hi, void *arg)
{
	++*(size_t *)arg;
	return 0;
}

int main(int argc, char **argv)
{
	struct dpf_mapping *maps;
	struct sym_cache *c;
	struct sym_result r;
	struct sym_stats st;
	struct rusage ru;
	struct pm_map pm;
	uint64_t total = 0, x = 88172645463325252ull;
	size_t nr, lookups, objects = 0, big;
	uint64_t data_start, data_end;
	double t0, t1, all = 0;

	if (argc < 3 || (lookups = strtoul(argv[1], NULL, 0)) == 0) {
		fprintf(stderr, "usage: symbols-bench N PROGRAM [ARG...]\n");
		return 2;
	}
	if (read_maps(argv + 2, &pm, &maps)) {
		fprintf(stderr, "symbols-bench: cannot run '%s'\n", argv[2]);
		return 1;
	}
	nr = pm.nr;
	/* cache cold: the first lookup in each distinct file, in its last (data) mapping */
	for (size_t i = 0; i < nr; i++) {
		int seen = 0;

		if (maps[i].path[0] != '/' || (i + 1 < nr && !strcmp(maps[i + 1].path, maps[i].path)))
			continue;
		for (size_t k = 0; k < i; k++)
			seen |= !strcmp(maps[k].path, maps[i].path) &&
				strcmp(maps[k + 1].path, maps[i].path);
		if (seen || sym_cache_new(&c, NULL))
			continue;
		t0 = now();
		sym_resolve(c, maps, nr, maps[i].start + 8, &r);
		t1 = now();
		sym_cache_stats(c, &st);
		printf("symbols: first lookup in %-28s %8.2f ms (%zu symbols, %zu variables)\n",
		       strrchr(maps[i].path, '/') + 1, (t1 - t0) * 1e3, st.symbols, st.variables);
		all += t1 - t0;
		sym_cache_free(c);
	}
	printf("symbols: all files loaded in %.2f ms\n", all * 1e3);

	for (size_t i = 0; i < nr; i++)
		total += maps[i].end - maps[i].start;
	/* the program's data: its first writable file mapping and the anonymous .bss after it */
	for (big = 0; big < nr && !(maps[big].path[0] == '/' && (maps[big].perms & DPF_MAP_WRITE));)
		big++;
	if (big == nr)
		return 1;
	data_start = maps[big].start;
	data_end = maps[big].end;
	for (size_t i = big + 1; i < nr && maps[i].start == data_end && !maps[i].path[0]; i++)
		data_end = maps[i].end;
	if (sym_cache_new(&c, NULL))
		return 1;
	t0 = now();
	for (size_t n = 0; n < lookups; n++) {
		uint64_t pick;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		pick = x % total;
		for (size_t i = 0; i < nr; i++) {	/* a random address of a random mapping */
			if (pick < maps[i].end - maps[i].start) {
				sym_resolve(c, maps, nr, maps[i].start + pick, &r);
				break;
			}
			pick -= maps[i].end - maps[i].start;
		}
	}
	t1 = now();
	sym_cache_stats(c, &st);
	printf("symbols: %zu random lookups in %.1f ms, with %zu file loads: %.0f lookups/s\n",
	       lookups, (t1 - t0) * 1e3, st.elf_loads, lookups / (t1 - t0));
	t0 = now();
	for (size_t n = 0; n < lookups; n++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sym_resolve(c, maps, nr, data_start + x % (data_end - data_start), &r);
	}
	t1 = now();
	printf("symbols: %zu lookups in the data of %s (warm): %.0f lookups/s\n", lookups,
	       strrchr(maps[big].path, '/') + 1, lookups / (t1 - t0));
	t0 = now();
	sym_objects_in(c, maps, nr, data_start, data_end, count_object, &objects);
	t1 = now();
	printf("symbols: walk of the data of %s (%llu KiB): %zu objects in %.2f ms\n",
	       strrchr(maps[big].path, '/') + 1, (unsigned long long)(data_end - data_start) >> 10,
	       objects, (t1 - t0) * 1e3);
	getrusage(RUSAGE_SELF, &ru);
	printf("symbols: peak RSS %ld MiB\n", ru.ru_maxrss / 1024);
	sym_cache_free(c);
	free(maps);
	pm_release(&pm);
	return 0;
}
