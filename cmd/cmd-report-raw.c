// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report raw": every snapshot and region, as text blocks (like damo's raw form), JSON or
 * CSV. Streams a reading session (report/session.h) without filters: one snapshot in memory at
 * a time, whatever the recording's length.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "format/dpf.h"
#include "report/session.h"

static const char raw_usage[] = "daprof report raw [-i <file>] [--format text|json|csv]";

enum raw_format { RAW_TEXT, RAW_JSON, RAW_CSV };

static void print_snapshot(enum raw_format f, uint64_t idx, uint64_t base_ns,
			   const struct dpf_snapshot *s)
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
		printf("%s\n    {\"snapshot\": %" PRIu64 ", \"target\": %u, \"start_ns\": %" PRIu64
		       ", \"end_ns\": %" PRIu64 ", \"regions\": [", idx ? "," : "", idx, s->target,
		       s->start_ns, s->end_ns);
		for (uint32_t i = 0; i < s->nr_regions; i++) {
			const struct dpf_region *r = &s->regions[i];

			printf("%s\n      {\"start\": %" PRIu64 ", \"end\": %" PRIu64
			       ", \"nr_accesses\": %u, \"age\": %u}", i ? "," : "",
			       r->start, r->end, r->nr_accesses, r->age);
		}
		printf("%s]}", s->nr_regions ? "\n    " : "");
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

static void json_meta(const struct dpf_meta *m)
{
	printf("  \"meta\": {");
	for (size_t i = 0; i < m->nr; i++) {
		printf("%s\n    ", i ? "," : "");
		dp_json_string(m->entries[i].key);
		printf(": ");
		dp_json_string(m->entries[i].value);
	}
	printf("%s}\n", m->nr ? "\n  " : "");
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

static void print_head(enum raw_format f, const struct dpf_meta *m)
{
	if (f == RAW_CSV)
		printf("snapshot,target,start_ns,end_ns,start,end,nr_accesses,age\n");
	else if (f == RAW_JSON)
		printf("{\n  \"snapshots\": [");
	else
		text_meta(m);
}

/*
 * Metadata can grow after the snapshots (an importer learns the last target's keys only at the
 * end), so JSON gets the merged metadata last, and text repeats it at the end when it changed.
 */
static void print_tail(enum raw_format f, const struct dpf_meta *m, uint64_t nr, int meta_changed)
{
	if (f == RAW_JSON) {
		printf("%s],\n", nr ? "\n  " : "");
		json_meta(m);
		printf("}\n");
	} else if (f == RAW_TEXT && meta_changed) {
		printf("# metadata as completed later in the file:\n");
		text_meta(m);
	}
}

int cmd_report_raw(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "input",	required_argument,	NULL, 'i' },
		{ "format",	required_argument,	NULL, 'f' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum raw_format f = RAW_TEXT;
	const char *path = "daprof.data";
	struct session *ses;
	struct session_event ev;
	uint64_t idx = 0, base_ns = 0;
	int c, ret, meta_changed = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:i:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			path = cmd_input_path(optarg);
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				f = RAW_TEXT;
			else if (!strcmp(optarg, "json"))
				f = RAW_JSON;
			else if (!strcmp(optarg, "csv"))
				f = RAW_CSV;
			else
				return dp_bad_usage("report raw", "unknown format '%s' (text, json, csv)",
						    optarg);
			break;
		case 'h':
			return dp_usage(raw_usage);
		default:
			return cmd_option_error("report raw", c, argv);
		}
	}
	if (optind < argc)
		return dp_bad_usage("report raw", "unexpected argument '%s'", argv[optind]);
	/* damage is warned about as the session meets it */
	if (cmd_open_session(path, NULL, &ses))
		return 1;
	/* the file as it is: the first chunk's metadata first, the merged one at the end */
	print_head(f, session_meta_first(ses));
	while ((ret = session_next(ses, &ev)) > 0) {
		if (ev.type == SESSION_META)
			meta_changed = 1;
		if (ev.type != SESSION_SNAPSHOT)
			continue;
		if (!idx)
			base_ns = ev.snapshot.start_ns;
		print_snapshot(f, idx++, base_ns, &ev.snapshot);
	}
	print_tail(f, session_meta(ses), idx, meta_changed);
	session_close(ses);
	if (ret < 0) {
		dp_error_str(dpf_strerror(ret), "cannot read '%s'", path);
		return 1;
	}
	return 0;
}
