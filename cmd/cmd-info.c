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
#include "report/session.h"
#include "report/summary.h"
#include "report/units.h"

static void print_kv(const char *key, const char *value)
{
	printf("%-16s ", key);
	dp_text_puts(value);	/* a newline stored in a value must not start a line */
	putchar('\n');
}

static void print_fact(const char *label, const char *v)
{
	if (v)
		print_kv(label, v);
}

static void print_targets(const struct session_facts *f)
{
	char line[512];
	int shown = 0;

	for (uint32_t i = 0; i < f->nr_targets; i++) {
		const struct session_target *t = &f->targets[i];
		char pid[32] = "";

		if (!t->named)
			continue;
		if (t->pid)
			snprintf(pid, sizeof(pid), " pid %llu", (unsigned long long)t->pid);
		snprintf(line, sizeof(line), "%u:%s%s%s%s%s%s", i, pid,
			 t->comm ? " '" : "", t->comm ? t->comm : "", t->comm ? "'" : "",
			 t->cmdline ? " " : "", t->cmdline ? t->cmdline : "");
		print_kv(shown++ ? "" : "targets", line);
	}
}

/* A recording made with --heap-sites: its rate, and what was recorded and lost (the metadata). */
static void print_heap_sites(const struct dpf_meta *m)
{
	const char *rec = dpf_meta_get(m, "heap_recorded");
	char line[256], a[32];

	if (!dpf_meta_get(m, "heap_sites"))
		return;
	snprintf(line, sizeof(line), "blocks under a page sampled once per %s",
		 units_size(a, sizeof(a), dpf_meta_get_u64(m, "heap_sample_bytes", 0)));
	if (rec)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "; %s allocations "
			 "recorded, %llu events lost, %llu program%s", rec,
			 (unsigned long long)dpf_meta_get_u64(m, "heap_lost", 0),
			 (unsigned long long)dpf_meta_get_u64(m, "heap_programs", 0),
			 dpf_meta_get_u64(m, "heap_programs", 0) == 1 ? "" : "s");
	print_kv("heap sites", line);
}

static void print_info(const char *path, const struct session *ses, const struct summary *s)
{
	const struct session_facts *f = session_facts(ses);
	struct dpf_reader *r = session_reader(ses);
	uint64_t size = dpf_reader_file_size(r);
	unsigned major, minor;
	char line[512], a[32], b[32], c[32];
	double share;

	dpf_reader_version(r, &major, &minor);
	snprintf(line, sizeof(line), "%s (%s)", path, units_size(a, sizeof(a), size));
	print_kv("file", line);
	snprintf(line, sizeof(line), "%u.%u, %s", major, minor,
		 dpf_reader_closed_cleanly(r) ? "closed cleanly" :
		 "not closed cleanly (recorder killed, or still recording)");
	print_kv("format", line);
	print_fact("source", f->source);
	print_fact("daprof", f->daprof_version);
	if (f->backend) {
		snprintf(line, sizeof(line), "%s%s%s%s%s%s", f->backend,
			 f->primitive ? ", primitive " : "", f->primitive ? f->primitive : "",
			 f->primitive_sees ? " (sees " : "",
			 f->primitive_sees ? f->primitive_sees : "", f->primitive_sees ? ")" : "");
		print_kv("backend", line);
	}
	print_fact("caveat", f->primitive_caveat);
	print_fact("detach", f->primitive_detach);
	print_fact("cannot see", f->sees_caveat);
	print_fact("target execs", f->target_execs);
	print_fact("operations", f->ops);
	print_targets(f);
	if (f->intervals) {
		snprintf(line, sizeof(line), "sampling %s, aggregation %s, update %s",
			 units_time(a, sizeof(a), f->sample_us * 1000), units_time(b, sizeof(b), f->aggr_us * 1000),
			 units_time(c, sizeof(c), f->update_us * 1000));
		print_kv("intervals", line);
	} else {
		print_kv("intervals", "unknown (nr_accesses are raw sample counts)");
	}
	if (f->real_aggr) {
		/* the recorder's final figures: what the aggregation intervals really were */
		uint64_t late = f->snapshots_late;

		snprintf(line, sizeof(line), "every %s (median), the longest %s; %llu snapshot%s "
			 "late%s", units_time(a, sizeof(a), f->aggr_real_median_us * 1000),
			 units_time(b, sizeof(b), f->aggr_real_max_us * 1000),
			 (unsigned long long)late, late == 1 ? "" : "s",
			 late * 2 > s->nr_snapshots ? " (the recorder fell behind)" : "");
		print_kv("snapshots came", line);
	}
	if (f->min_nr_regions) {
		snprintf(line, sizeof(line), "min %s, max %s", f->min_nr_regions,
			 f->max_nr_regions ? f->max_nr_regions : "?");
		print_kv("region bounds", line);
	}
	print_fact("kernel", f->kernel);
	print_fact("host", f->host);
	if (f->start_wall) {
		time_t t = f->start_wall_ns / 1000000000ULL;
		struct tm tm;

		if (localtime_r(&t, &tm) && strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S %z", &tm))
			print_kv("started", line);
	}
	if (s->nr_snapshots) {
		snprintf(line, sizeof(line), "%s (%.3f s to %.3f s on the recording clock)",
			 units_time(a, sizeof(a), s->last_end_ns - s->first_start_ns),
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
	print_heap_sites(session_meta(ses));
	share = summary_cpu_share(s, 1);
	if (share >= 0) {
		double tshare = summary_cpu_share(s, 0);

		snprintf(line, sizeof(line), "recorder %.2f%% of a core, target %.1f%%, target RSS "
			 "max %s (%llu samples)", share * 100, tshare * 100,
			 units_size(a, sizeof(a), s->max_target_rss), (unsigned long long)s->nr_rusage);
		print_kv("overhead", line);
	}
	if (!s->nr_damage) {
		print_kv("damage", "none");
		return;
	}
	snprintf(line, sizeof(line), "%llu damaged part%s, %s skipped",
		 (unsigned long long)s->nr_damage, s->nr_damage == 1 ? "" : "s",
		 units_size(a, sizeof(a), s->damaged_bytes));
	print_kv("damage", line);
	for (uint32_t i = 0; i < s->nr_listed; i++) {
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
	struct session *ses;
	struct summary s;
	int n, ret;

	n = parse_options(argc, argv, options, "info", NULL, 0);
	if (n < 0)
		return parse_opt_exit(n);
	if (n)
		return dp_bad_usage("info", "unexpected argument '%s'", argv[0]);
	if (cmd_open_session(path, NULL, &ses))
		return 1;
	ret = summary_build(ses, &s);
	if (ret < 0) {
		dp_error_str(dpf_strerror(ret), "cannot read '%s'", path);
		session_close(ses);
		return 1;
	}
	print_info(path, ses, &s);
	session_close(ses);
	return 0;
}
