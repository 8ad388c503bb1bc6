/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scratch space for cmocka tests that write files, as setup/teardown pairs whose path is the
 * test's state: tmpdir_*() a private folder /tmp/daprof-unit-XXXXXX, removed with everything in
 * it, and tmpdir_count() of its entries (to see that no temporary file was left behind);
 * tmpfile_*() a fresh file /tmp/daprof-unit-XXXXXX, removed with the PATH.tmp.* files an atomic
 * writer may have left beside it. Included once per test binary.
 */
#ifndef TESTS_TEST_TMP_H
#define TESTS_TEST_TMP_H

#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline int tmpdir_setup(void **state)
{
	char *dir = strdup("/tmp/daprof-unit-XXXXXX");

	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static inline int tmpdir_teardown(void **state)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	free(*state);
	return system(cmd) == 0 ? 0 : -1;
}

static inline int tmpdir_count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static inline int tmpfile_setup(void **state)
{
	char *path = strdup("/tmp/daprof-unit-XXXXXX");
	int fd = path ? mkstemp(path) : -1;

	if (fd < 0) {
		free(path);
		return -1;
	}
	close(fd);
	*state = path;
	return 0;
}

static inline int tmpfile_teardown(void **state)
{
	char pattern[512];
	glob_t g;

	unlink(*state);
	snprintf(pattern, sizeof(pattern), "%s.tmp.*", (char *)*state);
	if (!glob(pattern, 0, NULL, &g)) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	free(*state);
	return 0;
}

#endif /* TESTS_TEST_TMP_H */
