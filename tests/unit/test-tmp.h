/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A private temporary folder per cmocka test, for unit tests that write files: the setup makes
 * /tmp/daprof-unit-XXXXXX and passes its path as the test's state, the teardown removes it with
 * everything in it, and tmpdir_count() says how many entries it holds (to see that no temporary
 * file was left behind). Included once per test binary.
 */
#ifndef TESTS_TEST_TMPDIR_H
#define TESTS_TEST_TMPDIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#endif /* TESTS_TEST_TMPDIR_H */
