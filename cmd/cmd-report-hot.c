// SPDX-License-Identifier: GPL-2.0
/* "daprof report hot" and "report hints": placeholders until their issue lands; they fail. */
#include "cmd/cmd.h"

int cmd_report_hot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_not_built("report hot");
}

int cmd_report_hints(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_not_built("report hints");
}
