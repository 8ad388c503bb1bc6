// SPDX-License-Identifier: GPL-2.0
/* "daprof report wss": placeholder until its issue lands; it says so and fails. */
#include "cmd/cmd.h"

int cmd_report_wss(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_not_built("report wss");
}
