// SPDX-License-Identifier: GPL-2.0
/*
 * daprof's entry point: the command table and the global options (--version, --debug, --help,
 * --list-cmds), from which the subcommands are started. It checks that stdout was really written
 * before exiting, so that "daprof report raw > full-disk" fails instead of lying.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"

const struct cmd dp_commands[] = {
	{ "record",	cmd_record,	"record data accesses of a process or of physical memory" },
	{ "top",	cmd_top,	"a live view of a process's data accesses as they are recorded" },
	{ "report",	cmd_report,	"analyse a recording (heatmap, wss, hot, hints, raw)" },
	{ "info",	cmd_info,	"metadata, time span, counts and integrity of a recording" },
	{ "convert",	cmd_convert,	"import a damo recording into a daprof recording" },
	{ "diff",	cmd_diff,	"compare two recordings and gate CI on regressions" },
	{ "check",	cmd_check,	"what this system supports: backends, primitives, why not" },
	{ "help",	cmd_help,	"show the manual page of a command" },
	{ NULL, NULL, NULL }
};

static const char main_usage[] =
	"daprof [--version] [--debug] [--help] <command> [<args>]";

static int main_help(FILE *out)
{
	fprintf(out, "usage: %s\n\ncommands:\n", main_usage);
	if (out == stdout)
		cmd_list(dp_commands);
	fprintf(out, "\nSee 'daprof help <command>' or 'daprof <command> -h'.\n");
	return out == stdout ? 0 : 2;
}

static int finish(int status)
{
	/* perf's run_builtin(): a failed write to stdout is a failure of the command */
	if (fflush(stdout) || ferror(stdout)) {
		dp_error(errno ? -errno : -EIO, "cannot write to standard output");
		return 1;
	}
	if (fclose(stdout) && errno != EBADF) {
		dp_error(-errno, "cannot write to standard output");
		return 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--version") || !strcmp(a, "-v")) {
			printf("daprof %s (recording format %d.%d)\n", DAPROF_VERSION, 1, 0);
			return finish(0);
		} else if (!strcmp(a, "--debug")) {
			dp_debug_enabled = 1;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			return finish(main_help(stdout));
		} else if (!strcmp(a, "--list-cmds")) {
			for (const struct cmd *c = dp_commands; c->name; c++)
				printf("%s\n", c->name);
			for (const struct cmd *c = dp_report_commands; c->name; c++)
				printf("report-%s\n", c->name);
			return finish(0);
		} else {
			dp_error(0, "unknown option '%s'", a);
			return main_help(stderr);
		}
	}
	if (i == argc)
		return main_help(stderr);
	return finish(cmd_select(dp_commands, "daprof", argc - i, argv + i));
}
