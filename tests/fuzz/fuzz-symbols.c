// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the symbolizer's ELF input (tests/fuzz/run.sh). Each input is written to a
 * file that a made-up process maps the way the loader maps a program (four segments and a .bss
 * tail), and addresses all over it are symbolized, one by one and as a walk over a range. Any
 * bytes must give labels: no crash, no leak, no unbounded time or memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/symbols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(const struct sym_result *r, uint64_t lo, uint64_t hi, void *arg)
{
	*(size_t *)arg += r->name[0] + (hi - lo);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static const char *const dirs[] = { "/nonexistent-fuzz-debug", NULL };
	const uint64_t base = 0x555555554000ull;
	struct sym_opts o = SYM_OPTS_INIT;
	struct dpf_mapping maps[7];
	struct sym_cache *c;
	struct sym_result r;
	size_t sum = 0;
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/fuzz-symbols-%d.elf", (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return 0;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	memset(maps, 0, sizeof(maps));
	for (int i = 0; i < 4; i++) {	/* r--, r-x, r--, rw- at file offsets 0, 4k, 8k, 12k */
		maps[i].start = base + 0x1000 * (uint64_t)i;
		maps[i].end = maps[i].start + 0x1000;
		maps[i].offset = 0x1000 * (uint64_t)i;
		maps[i].perms = i == 1 ? 5 : i == 3 ? 3 : 1;
		maps[i].path = path;
	}
	maps[4] = (struct dpf_mapping){ .start = base + 0x4000, .end = base + 0x204000, .perms = 3,
					.path = "" };
	maps[5] = (struct dpf_mapping){ .start = base + 0x300000, .end = base + 0x301000,
					.offset = 0x3000, .perms = 1, .path = path };
	maps[6] = (struct dpf_mapping){ .start = 0x7ffd00000000ull, .end = 0x7ffd00021000ull,
					.perms = 3, .path = "[stack]" };
	o.debug_dirs = dirs;
	if (sym_cache_new(&c, &o))
		return 0;
	for (uint64_t a = base - 0x100; a < base + 0x4400; a += 0x1f3)
		sum += sym_resolve(c, maps, 7, a, &r) ? 1 : (size_t)r.kind + r.size + r.name[0];
	sum += sym_resolve(c, maps, 7, base + 0x300010, &r) ? 1 : r.size;
	sym_objects_in(c, maps, 7, base + 0x800, base + 0x4800, count, &sum);
	sym_cache_free(c);
	return sum == 42;	/* keep the work from being optimised away */
}
