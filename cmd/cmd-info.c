// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof info": what a recording is (format, backend, primitive, target, intervals), how much it
 * holds (time span, snapshots, regions, bytes per region), whether it is whole (damaged chunks,
 * clean close) and what recording it cost (CPU of recorder and target, against the budget of
 * --max-overhead), with how the intervals changed and how far the aggregation windows stretched.
 */
#include <stdlib.h>
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

/*
 * The changes of the intervals the recording stores (INTERVALS chunks): how many, by cause, and
 * the range of sampling and aggregation intervals used, the metadata's included.
 */
static void print_interval_changes(const struct session *ses, const struct session_facts *f)
{
	uint64_t dropped, by_cause[DPF_IV_CAUSE_MAX + 1] = { 0 };
	uint64_t smin = f->sample_us, smax = f->sample_us, amin = f->aggr_us, amax = f->aggr_us;
	size_t n = session_intervals_changes(ses, &dropped), len;
	char line[512], a[32], b[32], c[32], d[32];

	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct dpf_intervals *iv = session_intervals_change(ses, i);

		by_cause[iv->cause <= DPF_IV_CAUSE_MAX ? iv->cause : 0]++;
		if (!smin || iv->sample_us < smin)
			smin = iv->sample_us;
		if (iv->sample_us > smax)
			smax = iv->sample_us;
		if (!amin || iv->aggr_us < amin)
			amin = iv->aggr_us;
		if (iv->aggr_us > amax)
			amax = iv->aggr_us;
	}
	len = (size_t)snprintf(line, sizeof(line), "%zu change%s (", n, n == 1 ? "" : "s");
	for (unsigned k = DPF_IV_START, first = 1; k <= DPF_IV_CAUSE_MAX; k++) {
		if (!by_cause[k] || len >= sizeof(line))
			continue;
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s %llu", first ? "" : ", ",
					dpf_intervals_cause_name(k), (unsigned long long)by_cause[k]);
		first = 0;
	}
	if (len < sizeof(line))
		snprintf(line + len, sizeof(line) - len, "); sampling %s to %s, aggregation %s to %s%s",
			 units_time(a, sizeof(a), smin * 1000), units_time(b, sizeof(b), smax * 1000),
			 units_time(c, sizeof(c), amin * 1000), units_time(d, sizeof(d), amax * 1000),
			 dropped ? "; more not read (past the reader's cap)" : "");
	print_kv("interval changes", line);
}

/*
 * The recorder's final figures of what the aggregation windows really were, and by how much they
 * stretched: against the interval in force for each snapshot when the recorder says so
 * (aggr_real_*_pct, 1.2), else against the one asked for. The recorder's median span is given
 * as if the intervals never changed (daprof-data.5); when they did, the snapshots' own median
 * (@ses's, from @s) is the one that says how often they came.
 */
static void print_real_aggr(const struct session *ses, const struct session_facts *f,
			    const struct dpf_meta *m, const struct summary *s)
{
	uint64_t dropped, own_ns = summary_median_span_ns(s);
	uint64_t median_ns = f->aggr_real_median_us * 1000;
	const char *med = dpf_meta_get(m, "aggr_real_median_pct");
	const char *max = dpf_meta_get(m, "aggr_real_max_pct");
	uint64_t late = f->snapshots_late;
	double med_x = 0, max_x = 0;
	char line[512], a[32], b[32];
	int n;

	if (own_ns && session_intervals_changes(ses, &dropped))
		median_ns = own_ns;
	n = snprintf(line, sizeof(line), "every %s (median), the longest %s; %llu snapshot%s "
		     "late%s", units_time(a, sizeof(a), median_ns),
		     units_time(b, sizeof(b), f->aggr_real_max_us * 1000),
		     (unsigned long long)late, late == 1 ? "" : "s",
		     late * 2 > s->nr_snapshots ? " (the recorder fell behind)" : "");
	print_kv("snapshots came", line);
	if (med && max) {
		med_x = strtoull(med, NULL, 10) / 100.0;
		max_x = strtoull(max, NULL, 10) / 100.0;
	} else if (f->aggr_us) {
		med_x = (double)f->aggr_real_median_us / f->aggr_us;
		max_x = (double)f->aggr_real_max_us / f->aggr_us;
	}
	if (n < 0 || !(med_x > 0))
		return;
	snprintf(line, sizeof(line), "%s: median %.2fx, the longest %.2fx the interval %s",
		 max_x * 100 > 125 ? "stretched" : "on time", med_x, max_x,
		 med && max ? "in force" : "asked for");
	print_kv("aggr windows", line);
}

/* record --max-overhead: what the recording cost against its budget (the controller's keys). */
static void print_budget(const struct dpf_meta *m)
{
	const char *budget = dpf_meta_get(m, "overhead_budget_pct");
	const char *self = dpf_meta_get(m, "overhead_self_pct");
	const char *target = dpf_meta_get(m, "overhead_target_pct");
	const char *changes = dpf_meta_get(m, "overhead_changes");
	char line[512];
	double total;

	if (!budget || !self)
		return;
	total = strtod(self, NULL) + (target ? strtod(target, NULL) : 0);
	snprintf(line, sizeof(line), "recorder %s %% of a core%s%s%s, budget %s %%%s%s%s%s",
		 self, target ? ", target ~" : "", target ? target : "", target ? " %" : "",
		 budget, total > strtod(budget, NULL) ? " (over budget)" : " (within)",
		 changes ? "; " : "", changes ? changes : "",
		 changes ? (strcmp(changes, "1") ? " changes" : " change") : "");
	print_kv("budget", line);
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
	print_interval_changes(ses, f);
	if (f->real_aggr)
		print_real_aggr(ses, f, session_meta(ses), s);
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
	print_budget(session_meta(ses));
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
