// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report hot" and "report hints": registered so that they are listed and documented, but
 * not implemented in this release; they say so and fail, whatever options they are given.
 */
#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/parse-options.h"

static int not_built(int argc, char **argv, const char *cmd, const char *usage)
{
	static const struct parse_opt options[] = {
		OPT_END()
	};
	int n = parse_options(argc, argv, options, cmd, usage, PARSE_OPT_KEEP_UNKNOWN);

	if (n < 0)
		return parse_opt_exit(n);
	return cmd_not_built(cmd);
}

int cmd_report_hot(int argc, char **argv)
{
	return not_built(argc, argv, "report hot", "[-i <file>] [--cold] [--top N] "
			 "[--by symbol|mapping|region] (not yet implemented)");
}

int cmd_report_hints(int argc, char **argv)
{
	return not_built(argc, argv, "report hints", "[-i <file>] [--format text|json|c] "
			 "(not yet implemented)");
}
