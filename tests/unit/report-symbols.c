// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of report/symbols*.c, the labeler. The fixtures (tests/symbols/, built by "make
 * test-bins" into BUILD/tests/symbols/) are run: each prints the addresses of its globals, a
 * function-scope static, a function, its heap, stacks and a dlopen'ed library's objects, and its
 * own /proc/self/maps. The test turns those maps into the mappings a recording holds (with the
 * build-ids read from the files, as the recorder reads them) and symbolizes the addresses after
 * the process is gone. Damaged and missing files must give labels, never a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "record/procmaps.h"
#include "report/symbols.h"
#include "test-tmp.h"

static char fixdir[4096];	/* BUILD/tests/symbols */

struct run {
	char names[32][32];
	uint64_t addrs[32];
	int nr_addrs;
	struct pm_map pm;
	struct dpf_mapping *maps;
	size_t nr;
};

static uint64_t addr_of(const struct run *r, const char *name)
{
	for (int i = 0; i < r->nr_addrs; i++)
		if (!strcmp(r->names[i], name))
			return r->addrs[i];
	fail_msg("fixture printed no '%s'", name);
	return 0;
}

/* Runs fixture @prog (a path) with the library, and reads what it printed into @r. */
static void run_fixture(const char *prog, struct run *r)
{
	char cmd[8192], line[512];
	char *maps = NULL;
	size_t len = 0, cap = 0;
	FILE *p;
	int in_maps = 0;

	memset(r, 0, sizeof(*r));
	snprintf(cmd, sizeof(cmd), "'%s' '%s/libsym.so'", prog, fixdir);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		if (in_maps) {
			size_t n = strlen(line);

			if (len + n + 1 > cap) {
				cap = (len + n + 1) * 2;
				maps = realloc(maps, cap);
				assert_non_null(maps);
			}
			memcpy(maps + len, line, n + 1);
			len += n;
		} else if (!strcmp(line, "maps\n")) {
			in_maps = 1;
		} else if (r->nr_addrs < 32) {
			unsigned long long a;

			assert_int_equal(sscanf(line, "%31s 0x%llx", r->names[r->nr_addrs], &a), 2);
			r->addrs[r->nr_addrs++] = a;
		}
	}
	assert_int_equal(pclose(p), 0);
	assert_non_null(maps);
	assert_int_equal(pm_parse(maps, len, &r->pm), 0);
	r->nr = r->pm.nr;
	r->maps = calloc(r->nr, sizeof(*r->maps));
	assert_non_null(r->maps);
	for (size_t i = 0; i < r->nr; i++) {
		struct dpf_mapping *m = &r->maps[i];
		const struct pm_entry *e = &r->pm.e[i];

		m->start = e->start;
		m->end = e->end;
		m->offset = e->offset;
		m->perms = e->perms;
		m->path = e->path;
		if (e->path[0] == '/') {
			int fd = open(e->path, O_RDONLY);
			int n = fd >= 0 ? pm_elf_build_id(fd, m->build_id, sizeof(m->build_id)) : 0;

			m->build_id_len = n > 0 ? (uint8_t)n : 0;
			if (fd >= 0)
				close(fd);
		}
	}
}

static void run_release(struct run *r)
{
	free(r->maps);
	pm_release(&r->pm);
}

static void fixture(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", fixdir, name);
}

static struct sym_cache *cache_with_debug_dir(const char *dir)
{
	const char *dirs[] = { dir, NULL };
	struct sym_opts o = SYM_OPTS_INIT;
	struct sym_cache *c;

	o.debug_dirs = dirs;
	assert_int_equal(sym_cache_new(&c, &o), 0);
	return c;
}

static struct sym_cache *cache_without_debug(void)
{
	return cache_with_debug_dir("/nonexistent-debug-dir");
}

static void resolve(struct sym_cache *c, const struct run *r, uint64_t addr, struct sym_result *s)
{
	assert_int_equal(sym_resolve(c, r->maps, r->nr, addr, s), 0);
}

static int ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

/* The globals of an unstripped program, from its DWARF. */
static void check_program_objects(const char *prog, const char *label)
{
	struct sym_cache *c = cache_without_debug();
	struct sym_result s;
	struct run r;
	char path[4096];
	uint64_t table;

	fixture(path, sizeof(path), prog);
	run_fixture(path, &r);
	table = addr_of(&r, "table");

	resolve(c, &r, table + 100 * 32 + 5, &s);	/* inside, in the anonymous .bss tail */
	assert_int_equal(s.kind, SYM_OBJECT);
	assert_string_equal(s.name, "table");
	assert_string_equal(s.type, "struct entry[65536]");
	assert_int_equal(s.start, table);
	assert_int_equal(s.size, 65536 * 32);
	assert_string_equal(s.label, label);
	assert_true(ends_with(s.cu, "tests/symbols/prog.c"));
	assert_string_equal(s.note, "");

	resolve(c, &r, addr_of(&r, "hot_counter"), &s);
	assert_int_equal(s.kind, SYM_OBJECT);
	assert_string_equal(s.name, "hot_counter");
	assert_string_equal(s.type, "int");
	assert_int_equal(s.size, 4);

	resolve(c, &r, addr_of(&r, "cold_flags") + 1020, &s);
	assert_string_equal(s.name, "cold_flags");
	assert_string_equal(s.type, "int[256]");
	assert_int_equal(s.start, addr_of(&r, "cold_flags"));

	resolve(c, &r, addr_of(&r, "banner") + 4095, &s);
	assert_string_equal(s.name, "banner");
	assert_string_equal(s.type, "const char[4096]");

	resolve(c, &r, addr_of(&r, "hits"), &s);
	assert_int_equal(s.kind, SYM_OBJECT);
	assert_string_equal(s.name, "work::hits");
	assert_string_equal(s.type, "int");
	assert_int_equal(s.size, 4);

	resolve(c, &r, addr_of(&r, "hot_function") + 3, &s);
	assert_int_equal(s.kind, SYM_FUNCTION);
	assert_string_equal(s.name, "hot_function");
	assert_int_equal(s.start, addr_of(&r, "hot_function"));
	assert_true(s.size > 3);
	assert_true(ends_with(s.cu, "tests/symbols/prog.c"));

	run_release(&r);
	sym_cache_free(c);
}

static void test_pie_program_objects_by_dwarf(void **state)
{
	(void)state;
	check_program_objects("prog-pie", "prog-pie");
}

static void test_non_pie_program_objects_by_dwarf(void **state)
{
	(void)state;
	check_program_objects("prog-nopie", "prog-nopie");
}

static void test_dlopened_library_at_random_base(void **state)
{
	struct sym_cache *c = cache_without_debug();
	struct sym_result s;
	struct run r;
	char path[4096];

	(void)state;
	fixture(path, sizeof(path), "prog-pie");
	run_fixture(path, &r);
	resolve(c, &r, addr_of(&r, "lib_table") + 16, &s);
	assert_int_equal(s.kind, SYM_OBJECT);
	assert_string_equal(s.name, "lib_table");
	assert_string_equal(s.type, "struct record[1000]");
	assert_int_equal(s.size, 16000);
	assert_string_equal(s.label, "libsym.so");
	assert_true(ends_with(s.cu, "tests/symbols/lib.c"));

	resolve(c, &r, addr_of(&r, "lib_counter"), &s);
	assert_string_equal(s.name, "lib_counter");

	resolve(c, &r, addr_of(&r, "lib_function"), &s);
	assert_int_equal(s.kind, SYM_FUNCTION);
	assert_string_equal(s.name, "lib_function");

	resolve(c, &r, addr_of(&r, "lib_hidden") + 8 * 63, &s);	/* past the file: .bss tail */
	assert_string_equal(s.name, "lib_hidden_addr::hidden");
	assert_string_equal(s.type, "long int[64]");
	assert_string_equal(s.label, "libsym.so");
	run_release(&r);
	sym_cache_free(c);
}

/* Two offsets in one section differ as the addresses do. */
static uint64_t section_offset(const struct sym_result *s, const char *section)
{
	size_t n = strlen(section);

	assert_true(!strncmp(s->name, section, n) && !strncmp(s->name + n, "+0x", 3));
	return strtoull(s->name + n + 3, NULL, 16);
}

static void test_stripped_program_degrades_to_sections(void **state)
{
	struct sym_cache *c = cache_without_debug();
	struct sym_result s, t;
	struct run r;
	char path[4096];

	(void)state;
	fixture(path, sizeof(path), "prog-stripped");
	run_fixture(path, &r);
	resolve(c, &r, addr_of(&r, "table"), &s);
	assert_int_equal(s.kind, SYM_SECTION);
	assert_string_equal(s.label, "prog-stripped");
	assert_string_equal(s.note, "stripped: .dynsym only");
	resolve(c, &r, addr_of(&r, "hot_counter"), &t);
	assert_int_equal(section_offset(&s, ".bss") - section_offset(&t, ".bss"),
			 addr_of(&r, "table") - addr_of(&r, "hot_counter"));
	assert_true(s.start <= s.addr && s.addr < s.start + s.size);

	resolve(c, &r, addr_of(&r, "banner"), &s);
	assert_int_equal(s.kind, SYM_SECTION);
	assert_true(!strncmp(s.name, ".rodata+0x", 10));
	resolve(c, &r, addr_of(&r, "hot_function"), &s);
	assert_true(!strncmp(s.name, ".text+0x", 8));
	resolve(c, &r, addr_of(&r, "cold_flags"), &s);
	assert_true(!strncmp(s.name, ".data+0x", 8));

	/* the library is not stripped, and keeps its names */
	resolve(c, &r, addr_of(&r, "lib_table"), &s);
	assert_string_equal(s.name, "lib_table");
	run_release(&r);
	sym_cache_free(c);
}

static void test_split_debug_found_by_build_id(void **state)
{
	struct sym_cache *c;
	struct sym_result s;
	struct run r;
	char path[4096], debug[4096];

	(void)state;
	fixture(path, sizeof(path), "prog-split");
	fixture(debug, sizeof(debug), "debug");
	run_fixture(path, &r);
	c = cache_with_debug_dir(debug);
	resolve(c, &r, addr_of(&r, "hits"), &s);
	assert_int_equal(s.kind, SYM_OBJECT);
	assert_string_equal(s.name, "work::hits");
	resolve(c, &r, addr_of(&r, "table") + 64, &s);
	assert_string_equal(s.name, "table");
	assert_string_equal(s.type, "struct entry[65536]");
	assert_string_equal(s.label, "prog-split");
	assert_string_equal(s.note, "");
	sym_cache_free(c);

	c = cache_without_debug();	/* without it: what the stripped file has */
	resolve(c, &r, addr_of(&r, "hits"), &s);
	assert_int_equal(s.kind, SYM_SECTION);
	assert_string_equal(s.note, "stripped: .dynsym only");
	sym_cache_free(c);
	run_release(&r);
}

static void test_split_debug_found_by_debuglink(void **state)
{
	struct sym_cache *c = cache_without_debug();
	struct sym_result s;
	struct run r;
	char path[4096];

	(void)state;
	fixture(path, sizeof(path), "prog-linked");
	run_fixture(path, &r);
	resolve(c, &r, addr_of(&r, "hits"), &s);
	assert_string_equal(s.name, "work::hits");
	assert_string_equal(s.label, "prog-linked");
	run_release(&r);
	sym_cache_free(c);
}

static void copy_file(const char *from, const char *to)
{
	char cmd[8400];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

static void test_rebuilt_file_is_a_build_id_mismatch(void **state)
{
	struct sym_cache *c = cache_without_debug();
	struct sym_result s;
	struct run r;
	char path[4096], prog[4096], debug[4096];

	snprintf(prog, sizeof(prog), "%s/prog", (char *)*state);
	fixture(path, sizeof(path), "prog-pie");
	copy_file(path, prog);
	run_fixture(prog, &r);
	fixture(path, sizeof(path), "prog-rebuilt");
	copy_file(path, prog);	/* the process is gone; its file is rebuilt */

	resolve(c, &r, addr_of(&r, "banner"), &s);
	assert_int_equal(s.kind, SYM_FILE);
	assert_string_equal(s.label, "prog");
	assert_string_equal(s.note, "build-id mismatch");
	assert_true(!strncmp(s.name, "prog+0x", 7));
	resolve(c, &r, addr_of(&r, "hot_function"), &s);
	assert_int_equal(s.kind, SYM_FILE);
	sym_cache_free(c);

	/* the split debug info of the recorded build gives the names back */
	fixture(debug, sizeof(debug), "debug");
	c = cache_with_debug_dir(debug);
	resolve(c, &r, addr_of(&r, "banner"), &s);
	assert_int_equal(s.kind, SYM_OBJECT);
	assert_string_equal(s.name, "banner");
	assert_string_equal(s.note, "build-id mismatch, used debug file");
	resolve(c, &r, addr_of(&r, "hits"), &s);
	assert_string_equal(s.name, "work::hits");
	sym_cache_free(c);
	run_release(&r);
}

static void test_labels_of_memory_without_a_file(void **state)
{
	struct sym_cache *c = cache_without_debug();
	struct sym_result s;
	struct run r;
	char path[4096];

	(void)state;
	fixture(path, sizeof(path), "prog-pie");
	run_fixture(path, &r);
	resolve(c, &r, addr_of(&r, "heap"), &s);
	assert_int_equal(s.kind, SYM_HEAP);
	assert_string_equal(s.label, "[heap]");
	assert_string_equal(s.name, "[heap]");
	assert_true(s.start <= s.addr && s.addr < s.start + s.size);

	resolve(c, &r, addr_of(&r, "stack"), &s);
	assert_int_equal(s.kind, SYM_STACK);
	assert_string_equal(s.label, "[stack]");

	resolve(c, &r, addr_of(&r, "thread_stack"), &s);
	assert_int_equal(s.kind, SYM_STACK);
	assert_string_equal(s.label, "[thread stack]");
	assert_string_equal(s.note, "guess");

	resolve(c, &r, addr_of(&r, "arena"), &s);
	assert_int_equal(s.kind, SYM_HEAP);
	assert_string_equal(s.label, "[malloc arena]");

	resolve(c, &r, addr_of(&r, "anon"), &s);
	assert_int_equal(s.kind, SYM_ANON);
	assert_string_equal(s.label, "[anon]");

	for (size_t i = 0; i < r.nr; i++) {
		if (strcmp(r.maps[i].path, "[vdso]") && strcmp(r.maps[i].path, "[vvar]"))
			continue;
		resolve(c, &r, r.maps[i].start, &s);
		assert_int_equal(s.kind, SYM_VDSO);
		assert_string_equal(s.label, r.maps[i].path);
	}
	run_release(&r);
	sym_cache_free(c);
}

static void test_labels_of_named_and_unmapped_memory(void **state)
{
	struct dpf_mapping maps[] = {
		{ .start = 0x10000, .end = 0x20000, .perms = DPF_MAP_READ | DPF_MAP_WRITE,
		  .path = "[anon:jemalloc pool]" },
		{ .start = 0x30000, .end = 0x31000, .perms = DPF_MAP_READ, .path = "/dev/zero (deleted)" },
	};
	struct sym_cache *c = cache_without_debug();
	struct sym_result s;

	(void)state;
	assert_int_equal(sym_resolve(c, maps, 2, 0x18000, &s), 0);
	assert_int_equal(s.kind, SYM_ANON);
	assert_string_equal(s.label, "[anon:jemalloc pool]");
	assert_int_equal(s.start, 0x10000);
	assert_int_equal(s.size, 0x10000);

	assert_int_equal(sym_resolve(c, maps, 2, 0x30010, &s), 0);
	assert_int_equal(s.kind, SYM_FILE);
	assert_string_equal(s.label, "zero");
	assert_string_equal(s.name, "zero+0x10");
	assert_string_equal(s.note, "file deleted");

	assert_int_equal(sym_resolve(c, maps, 2, 0x25000, &s), 0);
	assert_int_equal(s.kind, SYM_UNKNOWN);
	assert_int_equal(s.start, 0x25000);
	assert_int_equal(s.size, 0xb000);	/* up to the next mapping */
	assert_int_equal(sym_resolve(c, maps, 2, 0x25000, NULL), -EINVAL);
	sym_cache_free(c);
}

static void test_executable_is_named_as_started(void **state)
{
	struct sym_opts o = SYM_OPTS_INIT;
	struct sym_cache *c;
	struct sym_result s;
	struct run r;
	char path[4096];

	(void)state;
	o.exe_name = "/usr/local/bin/myprog";
	assert_int_equal(sym_cache_new(&c, &o), 0);
	fixture(path, sizeof(path), "prog-pie");
	run_fixture(path, &r);
	resolve(c, &r, addr_of(&r, "hot_function"), &s);
	assert_string_equal(s.label, "myprog");
	resolve(c, &r, addr_of(&r, "table") + 1000000, &s);
	assert_string_equal(s.label, "myprog");
	resolve(c, &r, addr_of(&r, "lib_function"), &s);
	assert_string_equal(s.label, "libsym.so");
	run_release(&r);
	sym_cache_free(c);
}

struct walk {
	uint64_t next;
	int pieces;
	int tables;
	int gaps;
};

static int on_object(const struct sym_result *s, uint64_t lo, uint64_t hi, void *arg)
{
	struct walk *w = arg;

	assert_int_equal(lo, w->next);
	assert_true(lo < hi);
	w->next = hi;
	w->pieces++;
	if (!strcmp(s->name, "table")) {
		w->tables++;
		assert_int_equal(hi - lo, s->size);
	}
	if (s->kind == SYM_SECTION)
		w->gaps++;
	return 0;
}

static int stop_at_second(const struct sym_result *s, uint64_t lo, uint64_t hi, void *arg)
{
	return ++*(int *)arg == 2 ? 7 : 0;
}

static void test_objects_in_a_range_split_it(void **state)
{
	struct sym_cache *c = cache_without_debug();
	struct run r;
	char path[4096];
	struct walk w = { 0 };
	uint64_t table, start, end;
	int n = 0;

	(void)state;
	fixture(path, sizeof(path), "prog-pie");
	run_fixture(path, &r);
	table = addr_of(&r, "table");
	start = addr_of(&r, "cold_flags");
	end = table + 65536 * 32 + 8;	/* into work::hits */
	w.next = start;
	assert_int_equal(sym_objects_in(c, r.maps, r.nr, start, end, on_object, &w), 0);
	assert_int_equal(w.next, end);
	assert_int_equal(w.tables, 1);
	assert_true(w.pieces >= 4);	/* cold_flags, hot_counter, table, hits at least */
	assert_int_equal(sym_objects_in(c, r.maps, r.nr, start, end, stop_at_second, &n), 7);
	run_release(&r);
	sym_cache_free(c);
}

static void test_each_file_is_loaded_once(void **state)
{
	struct sym_cache *c = cache_without_debug();
	struct sym_result s;
	struct sym_stats st;
	struct run r;
	char path[4096];

	(void)state;
	fixture(path, sizeof(path), "prog-pie");
	run_fixture(path, &r);
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < r.nr_addrs; i++)
			resolve(c, &r, r.addrs[i], &s);
	sym_cache_stats(c, &st);
	assert_int_equal(st.elf_loads, 2);	/* the program and the library */
	assert_int_equal(st.dwarf_loads, 2);
	run_release(&r);
	sym_cache_free(c);
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_damaged_files_give_labels(void **state)
{
	const char *dir = *state;
	struct sym_cache *c = cache_without_debug();
	char path[4096], names[5][4200], *buf;
	struct dpf_mapping maps[5];
	struct sym_result s;
	size_t len;
	FILE *f;

	fixture(path, sizeof(path), "prog-pie");
	f = fopen(path, "r");
	assert_non_null(f);
	buf = malloc(1 << 20);
	assert_non_null(buf);
	len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	snprintf(names[0], sizeof(names[0]), "%s/truncated", dir);
	write_file(names[0], buf, 200);		/* the ELF header and part of the program headers */
	snprintf(names[1], sizeof(names[1]), "%s/garbage", dir);
	for (size_t i = 64; i < len; i++)	/* a real header over scrambled tables */
		buf[i] = (char)(buf[i] * 7 + i);
	write_file(names[1], buf, len);
	snprintf(names[2], sizeof(names[2]), "%s/empty", dir);
	write_file(names[2], buf, 0);
	snprintf(names[3], sizeof(names[3]), "%s/missing", dir);
	snprintf(names[4], sizeof(names[4]), "%s", dir);	/* a folder */
	memset(maps, 0, sizeof(maps));
	for (int i = 0; i < 5; i++) {
		maps[i].start = 0x100000 * (uint64_t)(i + 1);
		maps[i].end = maps[i].start + 0x10000;
		maps[i].offset = 0x1000;
		maps[i].perms = DPF_MAP_READ;
		maps[i].path = names[i];
	}
	for (int i = 0; i < 5; i++) {
		assert_int_equal(sym_resolve(c, maps, 5, maps[i].start + 0x20, &s), 0);
		assert_int_equal(s.kind, SYM_FILE);
		assert_string_equal(s.label, strrchr(names[i], '/') + 1);
		assert_int_equal(s.start, maps[i].start);
		assert_int_equal(s.size, 0x10000);
	}
	assert_int_equal(sym_resolve(c, maps, 5, maps[3].start + 0x20, &s), 0);
	assert_string_equal(s.note, "file not found");
	free(buf);
	sym_cache_free(c);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pie_program_objects_by_dwarf),
		cmocka_unit_test(test_non_pie_program_objects_by_dwarf),
		cmocka_unit_test(test_dlopened_library_at_random_base),
		cmocka_unit_test(test_stripped_program_degrades_to_sections),
		cmocka_unit_test(test_split_debug_found_by_build_id),
		cmocka_unit_test(test_split_debug_found_by_debuglink),
		cmocka_unit_test_setup_teardown(test_rebuilt_file_is_a_build_id_mismatch,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test(test_labels_of_memory_without_a_file),
		cmocka_unit_test(test_labels_of_named_and_unmapped_memory),
		cmocka_unit_test(test_executable_is_named_as_started),
		cmocka_unit_test(test_objects_in_a_range_split_it),
		cmocka_unit_test(test_each_file_is_loaded_once),
		cmocka_unit_test_setup_teardown(test_damaged_files_give_labels,
						tmpdir_setup, tmpdir_teardown),
	};
	char self[4096];

	/* the fixtures are beside the unit tests: BUILD/tests/unit/x -> BUILD/tests/symbols */
	snprintf(self, sizeof(self), "%s", argc > 0 ? argv[0] : ".");
	snprintf(fixdir, sizeof(fixdir), "%s/../symbols", dirname(self));
	if (!realpath(fixdir, self) || access(self, F_OK)) {
		fprintf(stderr, "report-symbols: no fixtures in '%s' (make test-bins)\n", fixdir);
		return 1;
	}
	snprintf(fixdir, sizeof(fixdir), "%s", self);
	return cmocka_run_group_tests_name("report/symbols", tests, NULL, NULL);
}
