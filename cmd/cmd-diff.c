// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof diff": registered so that it is listed and documented, but not implemented in this
 * release; it says so and fails (daprof-design-notes(7), note 9: never let a command vanish).
 */
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"

static const char diff_usage[] =
	"daprof diff <old.data> <new.data> [--fail-on <expr>]... [--format text|json|junit] (not yet implemented)";

int cmd_diff(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return dp_usage(diff_usage);
	return cmd_not_built("diff");
}
