// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof convert": import a damo recording (json_compressed, json, perf script or trace-cmd
 * text) into a daprof recording. Options and messages only; the work is in format/damo*.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/parse-options.h"
#include "format/damo.h"
#include "format/outfile.h"
#include "report/units.h"

static void warn_lossy(const char *in, const struct damo_import_stats *st)
{
	if (st->nr_incomplete)
		dp_warn("'%s': %" PRIu64 " snapshot%s had fewer region lines than nr_regions "
			"(events lost by the tracer?); kept as they are", in, st->nr_incomplete,
			st->nr_incomplete == 1 ? "" : "s");
	if (st->nr_skipped_lines)
		dp_debug("'%s': skipped %" PRIu64 " lines that are not damon_aggregated events",
			 in, st->nr_skipped_lines);
	if (st->nr_guessed_start)
		dp_warn("'%s': the start time of %" PRIu64 " snapshot%s is unknown; taken as the "
			"others' mean duration before the end, or the end itself", in,
			st->nr_guessed_start, st->nr_guessed_start == 1 ? "" : "s");
	if (st->nr_sorted)
		dp_debug("'%s': sorted the regions of %" PRIu64 " snapshots", in, st->nr_sorted);
	if (!st->nr_snapshots)
		dp_warn("'%s' holds no snapshots", in);
}

int cmd_convert(int argc, char **argv)
{
	int force = 0;
	const struct parse_opt options[] = {
		OPT_BOOL('f', "force", &force, "overwrite the daprof file if it exists"),
		OPT_END()
	};
	struct damo_import_stats st;
	const char *in, *out;
	char why[320], a[32], b[32];
	struct stat sb;
	int n, ret;

	n = parse_options(argc, argv, options, "convert", "<damo-file> <daprof-file>", 0);
	if (n < 0)
		return parse_opt_exit(n);
	if (n < 2)
		return dp_bad_usage("convert", "%s", !n ? "missing the damo file and the output "
				    "file" : "missing the output file");
	if (n > 2)
		return dp_bad_usage("convert", "unexpected argument '%s'", argv[2]);
	in = argv[0];
	out = argv[1];
	/* a device or a pipe (/dev/null) is written to, not overwritten */
	if (!force && lstat(out, &sb) == 0 && !outfile_special(out)) {
		dp_error(0, "'%s' exists (use --force to overwrite it)", out);
		return 1;
	}
	ret = damo_import(in, out, NULL, &st, why, sizeof(why));
	if (ret) {
		if (why[0])
			dp_error_str(why, "cannot convert '%s'", in);
		else
			dp_error(ret, "cannot convert '%s'", in);
		return 1;
	}
	warn_lossy(in, &st);
	dp_info("converted '%s' (%s, %s) to '%s' (%s): %" PRIu64 " record%s, %u target%s, %"
		PRIu64 " snapshots, %" PRIu64 " regions", in, st.source,
		units_size(a, sizeof(a), st.in_bytes), out, units_size(b, sizeof(b), st.out_bytes), st.nr_records,
		st.nr_records == 1 ? "" : "s", st.nr_targets, st.nr_targets == 1 ? "" : "s",
		st.nr_snapshots, st.nr_regions);
	return 0;
}
