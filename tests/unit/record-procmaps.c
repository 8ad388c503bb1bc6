// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of record/procmaps.c: parsing /proc/PID/maps text, the VMA list for the region
 * engine (without [vsyscall]), the ELF build-id reader (checked against readelf's own reading of
 * the same file), and the process facts (comm, kernel thread, tracer).
 */
#include <errno.h>
#include <fcntl.h>
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

static const char maps_text[] =
	"55d0c0a00000-55d0c0a02000 r--p 00000000 fe:00 1234                       /usr/bin/x y\n"
	"55d0c0a02000-55d0c0a05000 r-xp 00002000 fe:00 1234                       /usr/bin/x y\n"
	"55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0                          [heap]\n"
	"7f0000000000-7f0000100000 rw-s 00000000 00:05 99                         /dev/zero (deleted)\n"
	"7f0000200000-7f0000201000 ---p 00000000 00:00 0 \n"
	"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";

static void test_parse_maps_fields(void **state)
{
	struct pm_map m;

	(void)state;
	assert_int_equal(pm_parse(strdup(maps_text), sizeof(maps_text) - 1, &m), 0);
	assert_int_equal(m.nr, 7);
	assert_int_equal(m.e[1].start, 0x55d0c0a02000ULL);
	assert_int_equal(m.e[1].end, 0x55d0c0a05000ULL);
	assert_int_equal(m.e[1].offset, 0x2000);
	assert_int_equal(m.e[1].perms, DPF_MAP_READ | DPF_MAP_EXEC);
	assert_int_equal(m.e[1].inode, 1234);
	assert_int_equal(m.e[1].dev_major, 0xfe);
	assert_string_equal(m.e[1].path, "/usr/bin/x y");	/* spaces kept */
	assert_string_equal(m.e[2].path, "[heap]");
	assert_int_equal(m.e[3].perms, DPF_MAP_READ | DPF_MAP_WRITE | DPF_MAP_SHARED);
	assert_string_equal(m.e[3].path, "/dev/zero (deleted)");
	assert_string_equal(m.e[4].path, "");
	assert_int_equal(m.e[4].perms, 0);
	pm_release(&m);
}

static void test_ranges_drop_vsyscall(void **state)
{
	struct dr_range *r;
	struct pm_map m;
	size_t n;

	(void)state;
	assert_int_equal(pm_parse(strdup(maps_text), sizeof(maps_text) - 1, &m), 0);
	assert_int_equal(pm_ranges(&m, &r, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(r[5].start, 0x7ffd00000000ULL);
	assert_int_equal(r[5].end, 0x7ffd00021000ULL);
	free(r);
	pm_release(&m);
}

static void test_same_maps_compare_equal(void **state)
{
	struct pm_map a, b;

	(void)state;
	assert_int_equal(pm_parse(strdup(maps_text), sizeof(maps_text) - 1, &a), 0);
	assert_int_equal(pm_parse(strdup(maps_text), sizeof(maps_text) - 1, &b), 0);
	assert_true(pm_same(&a, &b));
	b.e[2].end += 4096;
	assert_false(pm_same(&a, &b));
	pm_release(&a);
	pm_release(&b);
}

static void test_read_own_maps(void **state)
{
	struct pm_map m;
	int found = 0;

	(void)state;
	assert_int_equal(pm_read(getpid(), &m), 0);
	assert_true(m.nr > 3);
	for (size_t i = 0; i < m.nr; i++)
		if ((uint64_t)(uintptr_t)&found >= m.e[i].start &&
		    (uint64_t)(uintptr_t)&found < m.e[i].end)
			found = !strcmp(m.e[i].path, "[stack]");
	assert_true(found);
	pm_release(&m);
}

/* The build-id readelf -n prints for @path, as hex; "" without one. */
static void readelf_build_id(const char *path, char *hex, size_t len)
{
	char cmd[4200], line[512];
	FILE *p;

	hex[0] = '\0';
	snprintf(cmd, sizeof(cmd), "readelf -n '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	if (!p)
		return;
	while (fgets(line, sizeof(line), p)) {
		char *s = strstr(line, "Build ID: ");

		if (s) {
			snprintf(hex, len, "%s", s + 10);
			hex[strcspn(hex, "\n ")] = '\0';
		}
	}
	pclose(p);
}

static void check_build_id(const char *path)
{
	uint8_t id[32];
	char want[128], got[128] = "";
	int fd = open(path, O_RDONLY), n;

	assert_true(fd >= 0);
	n = pm_elf_build_id(fd, id, sizeof(id));
	close(fd);
	readelf_build_id(path, want, sizeof(want));
	if (!want[0]) {
		assert_int_equal(n, 0);
		return;
	}
	assert_true(n > 0);
	for (int i = 0; i < n; i++)
		sprintf(got + 2 * i, "%02x", id[i]);
	assert_string_equal(got, want);
}

static void test_build_id_matches_readelf(void **state)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	(void)state;
	if (system("readelf --version >/dev/null 2>&1")) {
		skip();
		return;
	}
	assert_true(n > 0);
	self[n] = '\0';
	check_build_id(self);
	check_build_id("/bin/sh");
	if (!access("/lib/x86_64-linux-gnu/libc.so.6", R_OK))
		check_build_id("/lib/x86_64-linux-gnu/libc.so.6");
}

static void test_build_id_of_non_elf_is_enoexec(void **state)
{
	char path[] = "/tmp/daprof-notelf-XXXXXX";
	int fd = mkstemp(path);
	uint8_t id[32];

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\necho hello\n", 21), 21);
	assert_int_equal(pm_elf_build_id(fd, id, sizeof(id)), -ENOEXEC);
	assert_int_equal(ftruncate(fd, 2), 0);
	assert_int_equal(pm_elf_build_id(fd, id, sizeof(id)), -ENOEXEC);
	/* an ELF header that points its notes past the end of the file: no id, no crash */
	{
		uint8_t eh[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

		eh[32] = 0xff;	/* e_phoff far away */
		eh[54] = 56;	/* e_phentsize */
		eh[56] = 3;	/* e_phnum */
		assert_int_equal(pwrite(fd, eh, sizeof(eh), 0), (ssize_t)sizeof(eh));
		assert_int_equal(pm_elf_build_id(fd, id, sizeof(id)), 0);
	}
	close(fd);
	unlink(path);
}

static void test_maps_for_the_recording_carry_build_ids(void **state)
{
	struct pm_buildids *b;
	struct dpf_maps dm;
	struct pm_map m;
	char self[4096], want[128];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int seen = 0;

	(void)state;
	assert_true(n > 0);
	self[n] = '\0';
	readelf_build_id(self, want, sizeof(want));
	assert_int_equal(pm_read(getpid(), &m), 0);
	assert_int_equal(pm_buildids_new(&b), 0);
	assert_int_equal(pm_to_dpf(getpid(), &m, b, &dm), 0);
	assert_int_equal(dm.nr, m.nr);
	for (uint32_t i = 0; i < dm.nr; i++) {
		char got[128] = "";

		if (strcmp(dm.maps[i].path, self))
			continue;
		for (int k = 0; k < dm.maps[i].build_id_len; k++)
			sprintf(got + 2 * k, "%02x", dm.maps[i].build_id[k]);
		if (want[0])
			assert_string_equal(got, want);
		seen++;
	}
	assert_true(seen >= 1);
	free(dm.maps);
	pm_buildids_free(b);
	pm_release(&m);
}

static void test_process_facts(void **state)
{
	struct pm_proc p;

	(void)state;
	assert_int_equal(pm_proc_read(getpid(), &p), 0);
	assert_false(p.kthread);
	assert_true(p.rss > 0);
	assert_true(p.state == 'R' || p.state == 'S');
	assert_int_equal(pm_proc_read(2, &p), 0);	/* kthreadd */
	assert_true(p.kthread);
	assert_int_equal(pm_proc_read(0x7ffffff0, &p), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_maps_fields),
		cmocka_unit_test(test_ranges_drop_vsyscall),
		cmocka_unit_test(test_same_maps_compare_equal),
		cmocka_unit_test(test_read_own_maps),
		cmocka_unit_test(test_build_id_matches_readelf),
		cmocka_unit_test(test_build_id_of_non_elf_is_enoexec),
		cmocka_unit_test(test_maps_for_the_recording_carry_build_ids),
		cmocka_unit_test(test_process_facts),
	};

	return cmocka_run_group_tests_name("record/procmaps", tests, NULL, NULL);
}
