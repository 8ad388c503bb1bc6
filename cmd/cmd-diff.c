// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof diff": registered so that it is listed and documented, but not implemented in this
 * release; it says so and fails (daprof-design-notes(7), note 9: never let a command vanish).
 */
#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/parse-options.h"

int cmd_diff(int argc, char **argv)
{
	static const struct parse_opt options[] = {
		OPT_END()
	};
	int n = parse_options(argc, argv, options, "diff", "<old.data> <new.data> "
			      "[--fail-on <expr>]... [--format text|json|junit] (not yet implemented)",
			      PARSE_OPT_KEEP_UNKNOWN);

	if (n < 0)
		return parse_opt_exit(n);
	return cmd_not_built("diff");
}
