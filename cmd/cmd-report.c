// SPDX-License-Identifier: GPL-2.0
/* "daprof report": the nested table of report views; each view is its own cmd-report-*.c. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"

const struct cmd dp_report_commands[] = {
	{ "heatmap",	cmd_report_heatmap,	"address x time heat map (PNG, terminal, TSV)" },
	{ "wss",	cmd_report_wss,		"working-set size distribution and time series" },
	{ "hot",	cmd_report_hot,		"hottest (or coldest) symbols, mappings, regions" },
	{ "hints",	cmd_report_hints,	"mlock/madvise advice from hot and cold memory" },
	{ "raw",	cmd_report_raw,		"every snapshot and region (text, JSON, CSV)" },
	{ NULL, NULL, NULL }
};

static const char report_usage[] = "daprof report <view> [<options>]";

int cmd_report(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		FILE *out = argc < 2 ? stderr : stdout;

		fprintf(out, "usage: %s\n\nviews:\n", report_usage);
		if (argc >= 2)
			cmd_list(dp_report_commands);
		return argc < 2 ? 2 : 0;
	}
	return cmd_select(dp_report_commands, "daprof report", argc - 1, argv + 1);
}
