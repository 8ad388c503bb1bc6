// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof help [CMD]": opens the man page daprof-CMD(1) (report views: daprof-report-VIEW(1)).
 * A build tree's Documentation/ beside the binary is used first, so that help works before
 * "make install" and shows the pages of the binary that runs; otherwise the installed page.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/parse-options.h"

static const char help_operands[] = "[<command> [<view>]]";

static int known(const char *page)
{
	if (!strcmp(page, "daprof") || !strcmp(page, "daprof-data"))
		return 1;
	for (const struct cmd *c = dp_commands; c->name; c++) {
		char name[64];

		snprintf(name, sizeof(name), "daprof-%s", c->name);
		if (!strcmp(page, name))
			return 1;
	}
	for (const struct cmd *c = dp_report_commands; c->name; c++) {
		char name[64];

		snprintf(name, sizeof(name), "daprof-report-%s", c->name);
		if (!strcmp(page, name))
			return 1;
	}
	return 0;
}

/*
 * The page in a Documentation/ folder beside the running binary or up to two folders above it
 * (a build tree: ./daprof, build/asan/daprof), if there is one.
 */
static int local_page(const char *page, char *out, size_t len)
{
	char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	char *slash;

	if (n <= 0)
		return 0;
	dir[n] = '\0';
	for (int up = 0; up < 3; up++) {
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return 0;
		*slash = '\0';
		for (int sect = 1; sect <= 5; sect += 4) {
			snprintf(out, len, "%s/Documentation/%s.%d", dir, page, sect);
			if (!access(out, R_OK))
				return 1;
		}
	}
	return 0;
}

int cmd_help(int argc, char **argv)
{
	static const struct parse_opt options[] = {
		OPT_END()
	};
	char page[128], path[PATH_MAX + 64];
	int n = parse_options(argc, argv, options, "help", help_operands, 0);

	if (n < 0)
		return parse_opt_exit(n);
	if (n > 2)
		return dp_bad_usage("help", "unexpected argument '%s'", argv[2]);
	if (n == 0)
		snprintf(page, sizeof(page), "daprof");
	else if (n == 2)
		snprintf(page, sizeof(page), "daprof-%s-%s", argv[0], argv[1]);
	else if (!strncmp(argv[0], "daprof", 6))
		snprintf(page, sizeof(page), "%s", argv[0]);
	else
		snprintf(page, sizeof(page), "daprof-%s", argv[0]);
	if (!known(page)) {
		dp_error(0, "no manual page '%s' (see 'daprof --help' for the commands)", page);
		return 1;
	}
	fflush(stdout);
	if (local_page(page, path, sizeof(path)))
		execlp("man", "man", "-l", path, (char *)NULL);
	else
		execlp("man", "man", page, (char *)NULL);
	dp_error(-errno, "cannot run 'man' for '%s'", page);
	return 1;
}
