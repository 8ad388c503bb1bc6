// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture of tests/unit/report-symbols.c: a program with known globals, a function-scope static
 * and a hot function, built PIE and non-PIE, stripped, with split debug info, and rebuilt
 * (-DREBUILT, a different build-id). It dlopens the library named by argv[1] (at whatever base
 * ASLR gives), prints the addresses of what the test will look up as "NAME 0xADDR" lines, then
 * "maps" and its own /proc/self/maps, from a second thread while that thread is alive.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

struct entry {
	long key;
	char value[24];
};

struct entry table[65536];		/* .bss, 2 MiB: most of it past the file, anonymous */
int hot_counter;			/* .bss */
int cold_flags[256] = { 1 };		/* .data */
const char banner[4096] = "symbols fixture";	/* .rodata */
#ifdef REBUILT
int rebuilt_marker = 2;
#endif

static void show(const char *name, const void *p)
{
	printf("%s 0x%lx\n", name, (unsigned long)(uintptr_t)p);
}

int *work(int n)
{
	static int hits;

	hits += n;
	return &hits;
}

void hot_function(void)
{
	for (int i = 0; i < 65536; i++)
		table[i].key += hot_counter++;
}

static void *lib;
static char *main_heap;
static void *main_stack;
static void *anon_area;

static void *dump(void *arg)
{
	int local = 1;
	char *arena = malloc(100);	/* a thread's first malloc makes an arena */
	FILE *maps;
	int c;

	show("table", table);
	show("hot_counter", &hot_counter);
	show("cold_flags", cold_flags);
	show("banner", banner);
	show("hits", work(local));
	show("hot_function", (void *)(uintptr_t)hot_function);
	show("heap", main_heap);
	show("stack", main_stack);
	show("anon", anon_area);
	show("thread_stack", &local);
	show("arena", arena);
	if (lib) {
		long *(*hidden)(void) = (long *(*)(void))(uintptr_t)dlsym(lib, "lib_hidden_addr");

		show("lib_table", dlsym(lib, "lib_table"));
		show("lib_counter", dlsym(lib, "lib_counter"));
		show("lib_function", dlsym(lib, "lib_function"));
		show("lib_hidden", hidden ? hidden() : NULL);
	}
	printf("maps\n");
	maps = fopen("/proc/self/maps", "r");
	while (maps && (c = getc(maps)) != EOF)
		putchar(c);
	if (maps)
		fclose(maps);
	fflush(stdout);
	free(arena);
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t t;
	int local = 0;

	if (argc > 1 && !(lib = dlopen(argv[1], RTLD_NOW))) {
		fprintf(stderr, "prog: %s\n", dlerror());
		return 1;
	}
	main_heap = malloc(100);
	main_stack = &local;
	/* read-only, so that it never merges with a stack or an arena beside it */
	anon_area = mmap(NULL, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hot_function();
	if (pthread_create(&t, NULL, dump, NULL) || pthread_join(t, NULL))
		return 1;
	free(main_heap);
	return local;
}
