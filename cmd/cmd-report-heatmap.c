// SPDX-License-Identifier: GPL-2.0
/* "daprof report heatmap": placeholder until its issue lands; it says so and fails. */
#include "cmd/cmd.h"

int cmd_report_heatmap(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_not_built("report heatmap");
}
