// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report hot" and "report hints": registered so that they are listed and documented, but
 * not implemented in this release; they say so and fail.
 */
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"

static const char hot_usage[] =
	"daprof report hot [-i <file>] [--cold] [--top N] [--by symbol|mapping|region] (not yet implemented)";
static const char hints_usage[] =
	"daprof report hints [-i <file>] [--format text|json|c] (not yet implemented)";

static int wants_help(int argc, char **argv)
{
	return argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
}

int cmd_report_hot(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return dp_usage(hot_usage);
	return cmd_not_built("report hot");
}

int cmd_report_hints(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return dp_usage(hints_usage);
	return cmd_not_built("report hints");
}
