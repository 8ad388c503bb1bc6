// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof info": what a recording is (format, backend, primitive, target, intervals), how much it
 * holds (time span, snapshots, regions, bytes per region), whether it is whole (damaged chunks,
 * clean close) and what recording it cost (CPU of recorder and target).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/parse-options.h"
#include "format/dpf.h"
#include "report/summary.h"

static void print_kv(const char *key, const char *value)
{
	printf("%-16s ", key);
	dp_text_puts(value);	/* a newline stored in a value must not start a line */
	putchar('\n');
}

static void print_meta_line(const struct dpf_meta *m, const char *label, const char *key)
{
	const char *v = dpf_meta_get(m, key);

	if (v && *v)
		print_kv(label, v);
}

static void print_targets(const struct dpf_meta *m, const struct summary *s)
{
	uint64_t n = dpf_meta_get_u64(m, "nr_targets", s->nr_targets);
	char key[64], line[512];
	int shown = 0;

	for (uint64_t i = 0; i < n && i < 64; i++) {
		const char *pid, *comm, *cmdline;

		snprintf(key, sizeof(key), "target.%llu.pid", (unsigned long long)i);
		pid = dpf_meta_get(m, key);
		snprintf(key, sizeof(key), "target.%llu.comm", (unsigned long long)i);
		comm = dpf_meta_get(m, key);
		snprintf(key, sizeof(key), "target.%llu.cmdline", (unsigned long long)i);
		cmdline = dpf_meta_get(m, key);
		if (!pid && !comm && !cmdline)
			continue;
		snprintf(line, sizeof(line), "%llu:%s%s%s%s%s%s%s", (unsigned long long)i,
			 pid ? " pid " : "", pid ? pid : "",
			 comm ? " '" : "", comm ? comm : "", comm ? "'" : "",
			 cmdline ? " " : "", cmdline ? cmdline : "");
		print_kv(shown++ ? "" : "targets", line);
	}
}

static void print_info(const char *path, struct dpf_reader *r, const struct summary *s)
{
	const struct dpf_meta *m = dpf_reader_meta(r);
	uint64_t size = dpf_reader_file_size(r);
	unsigned major, minor;
	char line[512], a[32], b[32], c[32];
	const char *v;
	double share;

	dpf_reader_version(r, &major, &minor);
	snprintf(line, sizeof(line), "%s (%s)", path, dp_fmt_size(a, size));
	print_kv("file", line);
	snprintf(line, sizeof(line), "%u.%u, %s", major, minor,
		 dpf_reader_closed_cleanly(r) ? "closed cleanly" :
		 "not closed cleanly (recorder killed, or still recording)");
	print_kv("format", line);
	print_meta_line(m, "source", "source");
	print_meta_line(m, "daprof", "daprof_version");
	v = dpf_meta_get(m, "backend");
	if (v) {
		const char *prim = dpf_meta_get(m, "primitive");
		const char *sees = dpf_meta_get(m, "primitive_sees");

		snprintf(line, sizeof(line), "%s%s%s%s%s%s", v, prim ? ", primitive " : "",
			 prim ? prim : "", sees ? " (sees " : "", sees ? sees : "", sees ? ")" : "");
		print_kv("backend", line);
	}
	print_meta_line(m, "caveat", "primitive_caveat");
	print_meta_line(m, "target execs", "target_execs");
	print_meta_line(m, "operations", "ops");
	print_targets(m, s);
	if (dpf_meta_get(m, "sample_us")) {
		snprintf(line, sizeof(line), "sampling %s, aggregation %s, update %s",
			 dp_fmt_time(a, dpf_meta_get_u64(m, "sample_us", 0) * 1000),
			 dp_fmt_time(b, dpf_meta_get_u64(m, "aggr_us", 0) * 1000),
			 dp_fmt_time(c, dpf_meta_get_u64(m, "update_us", 0) * 1000));
		print_kv("intervals", line);
	} else {
		print_kv("intervals", "unknown (nr_accesses are raw sample counts)");
	}
	if (dpf_meta_get(m, "aggr_real_median_us")) {
		/* the recorder's final figures: what the aggregation intervals really were */
		uint64_t late = dpf_meta_get_u64(m, "snapshots_late", 0);

		snprintf(line, sizeof(line), "every %s (median), the longest %s; %llu snapshot%s "
			 "late%s",
			 dp_fmt_time(a, dpf_meta_get_u64(m, "aggr_real_median_us", 0) * 1000),
			 dp_fmt_time(b, dpf_meta_get_u64(m, "aggr_real_max_us", 0) * 1000),
			 (unsigned long long)late, late == 1 ? "" : "s",
			 late * 2 > s->nr_snapshots ? " (the recorder fell behind)" : "");
		print_kv("snapshots came", line);
	}
	if (dpf_meta_get(m, "min_nr_regions")) {
		snprintf(line, sizeof(line), "min %s, max %s", dpf_meta_get(m, "min_nr_regions"),
			 dpf_meta_get(m, "max_nr_regions") ? dpf_meta_get(m, "max_nr_regions") : "?");
		print_kv("region bounds", line);
	}
	print_meta_line(m, "kernel", "kernel");
	print_meta_line(m, "host", "hostname");
	v = dpf_meta_get(m, "start_wall_ns");
	if (v) {
		time_t t = dpf_meta_get_u64(m, "start_wall_ns", 0) / 1000000000ULL;
		struct tm tm;

		if (localtime_r(&t, &tm) && strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S %z", &tm))
			print_kv("started", line);
	}
	if (s->nr_snapshots) {
		snprintf(line, sizeof(line), "%s (%.3f s to %.3f s on the recording clock)",
			 dp_fmt_time(a, s->last_end_ns - s->first_start_ns),
			 s->first_start_ns / 1e9, s->last_end_ns / 1e9);
		print_kv("time span", line);
	} else {
		print_kv("time span", "empty (no snapshots)");
	}
	snprintf(line, sizeof(line), "%llu (%u target%s)", (unsigned long long)s->nr_snapshots,
		 s->nr_targets, s->nr_targets == 1 ? "" : "s");
	print_kv("snapshots", line);
	snprintf(line, sizeof(line), "%llu (mean %.1f, max %llu per snapshot)",
		 (unsigned long long)s->nr_regions,
		 s->nr_snapshots ? (double)s->nr_regions / s->nr_snapshots : 0.0,
		 (unsigned long long)s->max_regions);
	print_kv("regions", line);
	if (s->nr_regions) {
		snprintf(line, sizeof(line), "%.2f", (double)size / s->nr_regions);
		print_kv("bytes/region", line);
	}
	snprintf(line, sizeof(line), "%llu", (unsigned long long)s->nr_maps);
	print_kv("memory maps", line);
	share = summary_cpu_share(s, 1);
	if (share >= 0) {
		double tshare = summary_cpu_share(s, 0);

		snprintf(line, sizeof(line), "recorder %.2f%% of a core, target %.1f%%, target RSS "
			 "max %s (%llu samples)", share * 100, tshare * 100,
			 dp_fmt_size(a, s->max_target_rss), (unsigned long long)s->nr_rusage);
		print_kv("overhead", line);
	}
	if (!s->nr_damage) {
		print_kv("damage", "none");
		return;
	}
	snprintf(line, sizeof(line), "%llu damaged part%s, %s skipped",
		 (unsigned long long)s->nr_damage, s->nr_damage == 1 ? "" : "s",
		 dp_fmt_size(a, s->damaged_bytes));
	print_kv("damage", line);
	for (uint64_t i = 0; i < s->nr_damage && i < SUMMARY_MAX_DAMAGE; i++) {
		snprintf(line, sizeof(line), "  at offset %llu: %s (%llu bytes)",
			 (unsigned long long)s->damage[i].offset, s->damage[i].reason,
			 (unsigned long long)s->damage[i].length);
		print_kv("", line);
	}
}

int cmd_info(int argc, char **argv)
{
	const char *path = "daprof.data";
	const struct parse_opt options[] = {
		OPT_INPUT(&path),
		OPT_END()
	};
	struct dpf_reader *r;
	struct summary s;
	int n, ret;

	n = parse_options(argc, argv, options, "info", NULL, 0);
	if (n < 0)
		return parse_opt_exit(n);
	if (n)
		return dp_bad_usage("info", "unexpected argument '%s'", argv[0]);
	if (cmd_open_recording(path, &r))
		return 1;
	ret = summary_build(r, &s);
	if (ret < 0) {
		dp_error_str(dpf_strerror(ret), "cannot read '%s'", path);
		dpf_reader_close(r);
		return 1;
	}
	print_info(path, r, &s);
	dpf_reader_close(r);
	return 0;
}
