// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report hints": registered so that it is listed and documented, but not implemented in
 * this release (report hot is); it says so and fails, whatever options it is given.
 */
#include "cmd/cmd.h"
#include "cmd/parse-options.h"

int cmd_report_hints(int argc, char **argv)
{
	static const struct parse_opt options[] = {
		OPT_END()
	};
	int n = parse_options(argc, argv, options, "report hints",
			      "[-i <file>] [--format text|json|c] (not yet implemented)",
			      PARSE_OPT_KEEP_UNKNOWN);

	if (n < 0)
		return parse_opt_exit(n);
	return cmd_not_built("report hints");
}
