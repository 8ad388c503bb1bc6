// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report raw": every snapshot and region, as text blocks (like damo's raw form), JSON or
 * CSV. Streams a reading session (report/session.h) through the report filters: one snapshot in
 * memory at a time, whatever the recording's length.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/json-writer.h"
#include "cmd/parse-options.h"
#include "format/dpf.h"
#include "report/session.h"

enum raw_format { RAW_TEXT, RAW_JSON, RAW_CSV };	/* parse_opt_text_json_csv order */

static void json_snapshot(struct json_writer *jw, uint64_t idx, const struct dpf_snapshot *s)
{
	jsonw_start_object(jw, JSONW_INLINE);
	jsonw_name(jw, "snapshot");
	jsonw_uint(jw, idx);
	jsonw_name(jw, "target");
	jsonw_uint(jw, s->target);
	jsonw_name(jw, "start_ns");
	jsonw_uint(jw, s->start_ns);
	jsonw_name(jw, "end_ns");
	jsonw_uint(jw, s->end_ns);
	jsonw_name(jw, "regions");
	jsonw_start_array(jw, JSONW_LINES);
	for (uint32_t i = 0; i < s->nr_regions; i++) {
		const struct dpf_region *r = &s->regions[i];

		jsonw_start_object(jw, JSONW_INLINE);
		jsonw_name(jw, "start");
		jsonw_uint(jw, r->start);
		jsonw_name(jw, "end");
		jsonw_uint(jw, r->end);
		jsonw_name(jw, "nr_accesses");
		jsonw_uint(jw, r->nr_accesses);
		jsonw_name(jw, "age");
		jsonw_uint(jw, r->age);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_end_object(jw);
}

static void print_snapshot(enum raw_format f, struct json_writer *jw, uint64_t idx,
			   uint64_t base_ns, const struct dpf_snapshot *s)
{
	switch (f) {
	case RAW_CSV:
		for (uint32_t i = 0; i < s->nr_regions; i++) {
			const struct dpf_region *r = &s->regions[i];

			printf("%" PRIu64 ",%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%u,%u\n",
			       idx, s->target, s->start_ns, s->end_ns, r->start, r->end,
			       r->nr_accesses, r->age);
		}
		break;
	case RAW_JSON:
		json_snapshot(jw, idx, s);
		break;
	case RAW_TEXT:
		printf("snapshot %" PRIu64 "\n", idx);
		printf("monitoring_start:  %" PRIu64 " ns\n", s->start_ns - base_ns);
		printf("monitoring_end:    %" PRIu64 " ns\n", s->end_ns - base_ns);
		printf("monitoring_duration: %" PRIu64 " ns\n", s->end_ns - s->start_ns);
		printf("target_id: %u\nnr_regions: %u\n", s->target, s->nr_regions);
		for (uint32_t i = 0; i < s->nr_regions; i++) {
			const struct dpf_region *r = &s->regions[i];

			printf("%012" PRIx64 "-%012" PRIx64 " (%12" PRIu64 ") %11u %5u\n",
			       r->start, r->end, r->end - r->start, r->nr_accesses, r->age);
		}
		putchar('\n');
		break;
	}
}

static void json_meta(struct json_writer *jw, const struct dpf_meta *m)
{
	jsonw_name(jw, "meta");
	jsonw_start_object(jw, JSONW_LINES);
	for (size_t i = 0; i < m->nr; i++) {
		jsonw_name(jw, m->entries[i].key);
		jsonw_string(jw, m->entries[i].value);
	}
	jsonw_end_object(jw);
}

static void text_meta(const struct dpf_meta *m)
{
	for (size_t i = 0; i < m->nr; i++) {
		printf("# ");
		dp_text_puts(m->entries[i].key);
		printf(": ");
		dp_text_puts(m->entries[i].value);
		putchar('\n');
	}
	printf("\n");
}

static void print_head(enum raw_format f, struct json_writer *jw, const struct dpf_meta *m)
{
	if (f == RAW_CSV) {
		printf("snapshot,target,start_ns,end_ns,start,end,nr_accesses,age\n");
	} else if (f == RAW_JSON) {
		jsonw_start_object(jw, JSONW_LINES);
		jsonw_name(jw, "snapshots");
		jsonw_start_array(jw, JSONW_LINES);
	} else {
		text_meta(m);
	}
}

/*
 * The recording's changes of the intervals (INTERVALS chunks), in time order per target; absent
 * when there are none (a file of before 1.2 prints as it did).
 */
static void json_intervals(struct json_writer *jw, const struct session *ses)
{
	size_t n = session_intervals_changes(ses, NULL);

	if (!n)
		return;
	jsonw_name(jw, "interval_changes");
	jsonw_start_array(jw, JSONW_LINES);
	for (size_t i = 0; i < n; i++) {
		const struct dpf_intervals *iv = session_intervals_change(ses, i);

		jsonw_start_object(jw, JSONW_INLINE);
		jsonw_name(jw, "target");
		jsonw_uint(jw, iv->target);
		jsonw_name(jw, "time_ns");
		jsonw_uint(jw, iv->time_ns);
		jsonw_name(jw, "cause");
		jsonw_string(jw, dpf_intervals_cause_name(iv->cause));
		jsonw_name(jw, "sample_us");
		jsonw_uint(jw, iv->sample_us);
		jsonw_name(jw, "aggr_us");
		jsonw_uint(jw, iv->aggr_us);
		jsonw_name(jw, "update_us");
		jsonw_uint(jw, iv->update_us);
		jsonw_name(jw, "min_nr_regions");
		jsonw_uint(jw, iv->min_nr_regions);
		jsonw_name(jw, "max_nr_regions");
		jsonw_uint(jw, iv->max_nr_regions);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
}

static void text_intervals(const struct session *ses)
{
	size_t n = session_intervals_changes(ses, NULL);

	if (!n)
		return;
	printf("# interval changes (target time_ns cause sample_us aggr_us update_us min max):\n");
	for (size_t i = 0; i < n; i++) {
		const struct dpf_intervals *iv = session_intervals_change(ses, i);

		printf("# %u %llu %s %llu %llu %llu %u %u\n", iv->target,
		       (unsigned long long)iv->time_ns, dpf_intervals_cause_name(iv->cause),
		       (unsigned long long)iv->sample_us, (unsigned long long)iv->aggr_us,
		       (unsigned long long)iv->update_us, iv->min_nr_regions, iv->max_nr_regions);
	}
	printf("\n");
}

/*
 * Metadata can grow after the snapshots (an importer learns the last target's keys only at the
 * end), so JSON gets the merged metadata last, and text repeats it at the end when it changed.
 */
static void print_tail(enum raw_format f, struct json_writer *jw, const struct session *ses,
		       int meta_changed)
{
	if (f == RAW_JSON) {
		jsonw_end_array(jw);
		json_meta(jw, session_meta(ses));
		json_intervals(jw, ses);
		jsonw_end_object(jw);
	} else if (f == RAW_TEXT) {
		if (meta_changed) {
			printf("# metadata as completed later in the file:\n");
			text_meta(session_meta(ses));
		}
		text_intervals(ses);
	}
}

int cmd_report_raw(int argc, char **argv)
{
	int format = RAW_TEXT;
	const char *path = "daprof.data";
	struct opt_filters sel = OPT_FILTERS_INIT;
	const struct parse_opt options[] = {
		OPT_INPUT(&path),
		OPT_FILTERS(&sel),
		OPT_FORMAT(&format, parse_opt_text_json_csv, "text (the default), json or csv"),
		OPT_END()
	};
	enum raw_format f;
	struct json_writer *jw = NULL;
	struct session *ses;
	struct session_event ev;
	uint64_t idx = 0, base_ns = 0;
	int n, ret, meta_changed = 0;

	n = parse_options(argc, argv, options, "report raw", NULL, 0);
	if (n < 0)
		return parse_opt_exit(n);
	if (n)
		return dp_bad_usage("report raw", "unexpected argument '%s'", argv[0]);
	f = format;
	if (f == RAW_JSON && !(jw = jsonw_new(stdout))) {
		dp_error(-ENOMEM, "cannot print '%s'", path);
		return 1;
	}
	/* damage is warned about as the session meets it */
	if (cmd_open_filtered(path, &sel, &ses)) {
		jsonw_destroy(&jw);
		return 1;
	}
	/* the file as it is: the first chunk's metadata first, the merged one at the end */
	print_head(f, jw, session_meta_first(ses));
	while ((ret = session_next(ses, &ev)) > 0) {
		if (ev.type == SESSION_META)
			meta_changed = 1;
		if (ev.type != SESSION_SNAPSHOT)
			continue;
		/* times from the recording's start, the same with and without filters */
		if (!idx && !session_rec_start_ns(ses, &base_ns))
			base_ns = ev.snapshot.start_ns;
		print_snapshot(f, jw, idx++, base_ns, &ev.snapshot);
	}
	print_tail(f, jw, ses, meta_changed);
	jsonw_destroy(&jw);
	session_close(ses);
	if (ret < 0) {
		dp_error_str(dpf_strerror(ret), "cannot read '%s'", path);
		return 1;
	}
	return 0;
}
