// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the damo importers (format/damo*.c) on good input: every quirk of damo's formats
 * that the importers handle (JSON, perf script and trace-cmd text, compressed or not), each on a
 * small hand-written input whose regions, times and metadata are stated here by hand and read
 * back from the written recording with the dpf reader; then the sink interface the fuzzers use
 * and damo's number text. Bad input is format-damo-bad.c's; the helpers are damo-test-util.h's.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tests/unit/damo-test-util.h"

/* ---- JSON ---- */

static void expect_v33(const struct got *g)
{
	assert_int_equal(g->nr, 2);
	expect_snap(g, 0, 0, 1000000000000ULL, 1000100072940ULL, 2);
	expect_region(g, 0, 0, 94371810639872ULL, 94371856179200ULL, 5, 0);
	expect_region(g, 0, 1, 94371856179200ULL, 94371860373504ULL, 0, 12);
	expect_snap(g, 1, 0, 1000100072940ULL, 1000200145880ULL, 1);
	expect_region(g, 1, 0, 94371810639872ULL, 94371860373504ULL, 20, 1234);
	expect_meta(g, "backend", "damon");
	expect_meta(g, "clock", "damo");
	expect_meta(g, "sample_us", "5000");
	expect_meta(g, "aggr_us", "100000");
	expect_meta(g, "update_us", "1000000");
	expect_meta(g, "intervals", NULL);
	expect_meta(g, "nr_targets", "1");
	expect_meta(g, "target.0.id", "0");
	expect_meta(g, "target.0.kdamond", "0");
	expect_meta(g, "target.0.context", "0");
	expect_meta(g, "target.0.scheme", NULL);
	expect_meta(g, "target.0.data_source", "unknown");
	assert_int_equal(g->st.nr_records, 1);
	assert_int_equal(g->st.nr_snapshots, 2);
	assert_int_equal(g->st.nr_regions, 3);
}

static void test_json_v33_regions_times_and_metadata(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(convert_str(v33, &g), 0);
	expect_v33(&g);
	expect_meta(&g, "source", "damo json");
	assert_string_equal(g.st.source, "damo json");
	assert_int_equal(g.st.in_bytes, strlen(v33));
	assert_true(g.st.out_bytes > 64);
	release(&g);
}

static void test_json_compressed_found_by_content(void **state)
{
	static uint8_t z[4096];
	size_t n = zcompress(v33, z, sizeof(z), 0);
	struct got g;

	(void)state;
	assert_int_equal(z[0], 0x78);	/* a zlib header, not gzip */
	assert_int_equal(convert(z, n, &g), 0);
	expect_v33(&g);
	expect_meta(&g, "source", "damo json_compressed");
	assert_int_equal(g.st.in_bytes, n);
	assert_int_equal(g.st.text_bytes, strlen(v33));
	release(&g);
}

static void test_gzip_found_by_content(void **state)
{
	static uint8_t z[8192];
	size_t n = zcompress(v33, z, sizeof(z), 1);
	struct got g;

	(void)state;
	assert_int_equal(z[0], 0x1f);
	assert_int_equal(convert(z, n, &g), 0);
	expect_v33(&g);
	expect_meta(&g, "source", "damo json (gzip)");
	release(&g);
}

/* A byte order mark, and gzip's concatenated members (as "cat a.gz b.gz" makes). */
static void test_bom_and_gzip_members(void **state)
{
	static const char head[] = "\xef\xbb\xbf[{\"target_id\": 1, \"snapshots\": [";
	static const char tail[] = "{\"start_time\": 1, \"end_time\": 2, \"regions\": "
				   "[{\"start\": 4096, \"end\": 8192, \"nr_accesses\": 3}]}]}]";
	static uint8_t z[1024];
	size_t n;
	struct got g;
	char text[256];

	(void)state;
	snprintf(text, sizeof(text), "%s%s", head, tail);
	assert_int_equal(convert_str(text, &g), 0);
	expect_snap(&g, 0, 0, 1, 2, 1);
	release(&g);
	n = zcompress(head, z, sizeof(z), 1);
	n += zcompress(tail, z + n, sizeof(z) - n, 1);
	assert_int_equal(convert(z, n, &g), 0);
	expect_snap(&g, 0, 0, 1, 2, 1);
	expect_region(&g, 0, 0, 4096, 8192, 3, 0);
	release(&g);
}

/* Numbers as JSON numbers, strings with commas, units, fractions, "max"; times with units. */
static void test_json_number_quirks(void **state)
{
	static const char text[] =
		"[{\"intervals\": {\"sample_us\": \"5 ms\", \"aggr_us\": \"100 ms\", "
		"\"ops_update_us\": "
		"\"1 s\"}, \"target_id\": \"3\", \"snapshots\": ["
		"{\"start_time\": \"1 m 3 s\", \"end_time\": \"63 s 100 ms\", \"regions\": ["
		"{\"start\": \"4 KiB\", \"end\": \"1.5 KiB\", \"nr_accesses\": {\"samples\": 1}, "
		"\"age\": {\"aggr_intervals\": 2}},"
		"{\"start\": \"1,048,576\", \"end\": \"max\", \"nr_accesses\": {\"samples\": "
		"\"7\"}, "
		"\"age\": {\"aggr_intervals\": \"1,234\"}},"
		"{\"start\": 8192, \"end\": \"12 KiB\", \"nr_accesses\": 3, \"age\": 4}]},"
		"{\"start_time\": 63100000000, \"end_time\": \"63,200,000,000\", \"regions\": "
		"[]}]}]";
	static const char fixed[] =
		"[{\"intervals\": {\"sample_us\": \"5 ms\", \"aggr_us\": \"100 ms\", "
		"\"ops_update_us\": "
		"\"1 s\"}, \"target_id\": \"3\", \"snapshots\": ["
		"{\"start_time\": \"1 m 3 s\", \"end_time\": \"63 s 100 ms\", \"regions\": ["
		"{\"start\": \"1 KiB\", \"end\": \"1.5 KiB\", \"nr_accesses\": {\"samples\": 1}, "
		"\"age\": {\"aggr_intervals\": 2}},"
		"{\"start\": \"1,048,576\", \"end\": \"max\", \"nr_accesses\": {\"samples\": "
		"\"7\"}, "
		"\"age\": {\"aggr_intervals\": \"1,234\"}},"
		"{\"start\": 8192, \"end\": \"12 KiB\", \"nr_accesses\": 3, \"age\": 4}]},"
		"{\"start_time\": 63100000000, \"end_time\": \"63,200,000,000\", \"regions\": "
		"[]}]}]";
	struct got g;

	(void)state;
	/* "4 KiB"-"1.5 KiB" is 4096-1536: an inverted region */
	expect_failure_str(text, -EBADMSG, "region 4096-1536 is empty");
	assert_int_equal(convert_str(fixed, &g), 0);
	assert_int_equal(g.nr, 2);
	expect_snap(&g, 0, 0, 63000000000ULL, 63100000000ULL, 3);
	expect_region(&g, 0, 0, 1024, 1536, 1, 2);
	expect_region(&g, 0, 1, 8192, 12288, 3, 4);	/* sorted into place */
	expect_region(&g, 0, 2, 1048576, UINT64_MAX, 7, 1234);
	expect_snap(&g, 1, 0, 63100000000ULL, 63200000000ULL, 0);
	expect_meta(&g, "sample_us", "5000");
	expect_meta(&g, "aggr_us", "100000");
	expect_meta(&g, "update_us", "1000000");
	expect_meta(&g, "target.0.id", "3");
	assert_int_equal(g.st.nr_sorted, 1);
	release(&g);
}

/* Old damo: only target_id and snapshots, numbers as JSON numbers, age null. */
static void test_json_old_file_without_intervals_or_age(void **state)
{
	static const char text[] =
		"[{\"target_id\": 18446623438842320000, \"snapshots\": [{\"start_time\": "
		"4000000000, "
		"\"end_time\": 4100000000, \"regions\": [{\"start\": 4194304, \"end\": 4268032, "
		"\"nr_accesses\": {\"samples\": 3, \"percent\": null}, \"age\": {\"usec\": null, "
		"\"aggr_intervals\": null}}], \"total_bytes\": 73728}]}]";
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	assert_int_equal(g.nr, 1);
	expect_snap(&g, 0, 0, 4000000000ULL, 4100000000ULL, 1);
	expect_region(&g, 0, 0, 4194304, 4268032, 3, 0);
	expect_meta(&g, "intervals", "unknown");
	expect_meta(&g, "sample_us", NULL);
	expect_meta(&g, "aggr_us", NULL);
	expect_meta(&g, "target.0.id", "18446623438842320000");
	expect_meta(&g, "target.0.kdamond", NULL);
	assert_false(g.st.intervals_known);
	release(&g);
}

#define SNAP(t0, t1, s, e) "{\"start_time\": " #t0 ", \"end_time\": " #t1 ", \"regions\": [" \
	"{\"start\": " #s ", \"end\": " #e ", \"nr_accesses\": {\"samples\": 1}}]}"

static void test_json_records_become_targets_in_order(void **state)
{
	static const char text[] = "["
		"{\"kdamond_idx\": 0, \"context_idx\": 0, \"scheme_idx\": null, \"target_id\": 42, "
		"\"snapshots\": [" SNAP(10, 20, 4096, 8192) "]},"
		"{\"kdamond_idx\": 0, \"context_idx\": 0, \"target_id\": 7, "
		"\"snapshots\": [" SNAP(10, 20, 8192, 12288) "]},"
		"{\"kdamond_idx\": 1, \"context_idx\": 2, \"scheme_idx\": 3, \"target_id\": 42, "
		"\"snapshots\": [" SNAP(10, 20, 12288, 16384) "]},"
		"{\"kdamond_idx\": 0, \"context_idx\": 0, \"scheme_idx\": null, \"target_id\": 42, "
		"\"snapshots\": [" SNAP(20, 30, 4096, 8192) "]}]";
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	assert_int_equal(g.nr, 4);
	expect_snap(&g, 0, 0, 10, 20, 1);
	expect_snap(&g, 1, 1, 10, 20, 1);
	expect_snap(&g, 2, 2, 10, 20, 1);
	expect_snap(&g, 3, 0, 20, 30, 1);	/* the first record's key again: its target */
	expect_region(&g, 2, 0, 12288, 16384, 1, 0);
	expect_meta(&g, "nr_targets", "3");
	expect_meta(&g, "target.0.id", "42");
	expect_meta(&g, "target.1.id", "7");
	expect_meta(&g, "target.2.id", "42");
	expect_meta(&g, "target.2.kdamond", "1");
	expect_meta(&g, "target.2.context", "2");
	expect_meta(&g, "target.2.scheme", "3");
	expect_meta(&g, "target.0.scheme", NULL);
	assert_int_equal(g.st.nr_records, 4);
	assert_int_equal(g.st.nr_targets, 3);
	release(&g);
}

static void test_json_intervals_from_first_record_that_has_them(void **state)
{
	static const char text[] = "["
		"{\"intervals\": null, \"target_id\": 0, \"snapshots\": "
		"[" SNAP(10, 20, 4096, 8192) "]},"
		"{\"intervals\": {\"sample_us\": \"5000\", \"aggr_us\": \"100000\", "
		"\"ops_update_us\": "
		"\"1000000\"}, \"target_id\": 1, \"snapshots\": []},"
		"{\"intervals\": {\"sample_us\": 10000, \"aggr_us\": 200000, \"ops_update_us\": "
		"1000000},"
		" \"target_id\": 2, \"snapshots\": [" SNAP(10, 20, 4096, 8192) "]}]";
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	assert_int_equal(g.nr, 2);
	expect_snap(&g, 1, 2, 10, 20, 1);
	expect_meta(&g, "sample_us", "5000");
	expect_meta(&g, "aggr_us", "100000");
	expect_meta(&g, "update_us", "1000000");
	expect_meta(&g, "target.1.sample_us", NULL);
	expect_meta(&g, "target.2.sample_us", "10000");
	expect_meta(&g, "target.2.aggr_us", "200000");
	expect_meta(&g, "intervals", NULL);
	expect_meta(&g, "nr_targets", "3");
	release(&g);
}

static void test_json_fake_snapshot_dropped(void **state)
{
	static const char text[] = "[{\"target_id\": 0, \"snapshots\": ["
		SNAP("100", "200", "4,096", "8,192") ","
		"{\"start_time\": \"200\", \"end_time\": \"300\", \"regions\": [{\"start\": \"0\", "
		"\"end\": \"0\", \"nr_accesses\": {\"samples\": -1, \"percent\": null}, "
		"\"age\": {\"usec\": null, \"aggr_intervals\": \"-1\"}}]}]}]";
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	assert_int_equal(g.nr, 1);
	expect_snap(&g, 0, 0, 100, 200, 1);
	expect_region(&g, 0, 0, 4096, 8192, 1, 0);
	assert_int_equal(g.st.nr_fake, 1);
	release(&g);
}

/* samples = int(percent * (aggr / sample) / 100); age = int(usec / aggr) */
static void test_json_percent_and_usec_converted(void **state)
{
	static const char text[] = "[{\"intervals\": {\"sample_us\": 5000, \"aggr_us\": 100000},"
		" \"target_id\": 0, \"snapshots\": [{\"start_time\": 0, \"end_time\": 100,"
		" \"regions\": [{\"start\": 4096, \"end\": 8192, \"nr_accesses\": {\"samples\": "
		"null,"
		" \"percent\": 50}, \"age\": {\"usec\": \"350 ms\", \"aggr_intervals\": null}},"
		" {\"start\": 8192, \"end\": 12288, \"nr_accesses\": {\"samples\": null,"
		" \"percent\": \"12.5\"}, \"age\": {\"usec\": 99999, \"aggr_intervals\": "
		"null}}]}]}]";
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	expect_region(&g, 0, 0, 4096, 8192, 10, 3);	/* 50% of 20 samples; 350 ms / 100 ms */
	expect_region(&g, 0, 1, 8192, 12288, 2, 0);	/* int(2.5); int(0.99999) */
	expect_meta(&g, "update_us", NULL);
	release(&g);
}

static void test_json_missing_start_time(void **state)
{
	static const char text[] = "[{\"target_id\": 0, \"snapshots\": ["
		"{\"end_time\": 200, \"regions\": []}, {\"start_time\": null, \"end_time\": 300, "
		"\"regions\": []}]}]";
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	expect_snap(&g, 0, 0, 200, 200, 0);	/* nothing to go by: zero length, counted */
	expect_snap(&g, 1, 0, 200, 300, 0);	/* the previous end */
	assert_int_equal(g.st.nr_guessed_start, 1);
	release(&g);
}

/* Unknown keys, whatever their shape, are skipped; an empty list is an empty recording. */
static void test_json_unknown_keys_and_empty_list(void **state)
{
	static const char text[] = "[{\"new_key\": {\"a\": [1, {\"b\": null}], \"c\": true}, "
		"\"target_id\": 5, \"scheme_filters\": [{\"filter_type\": \"anon\"}], "
		"\"snapshots\": ["
		"{\"start_time\": 1, \"end_time\": 2, \"damos_stats\": {\"nr_tried\": 3}, "
		"\"regions\": [{\"start\": 4096, \"end\": 8192, \"probe_hits\": [1, 2], "
		"\"nr_accesses\": {\"samples\": 9, \"extra\": [true]}}]}]}]";
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	expect_snap(&g, 0, 0, 1, 2, 1);
	expect_region(&g, 0, 0, 4096, 8192, 9, 0);
	release(&g);
	assert_int_equal(convert_str(" \n[]\n", &g), 0);
	assert_int_equal(g.nr, 0);
	expect_meta(&g, "nr_targets", "0");
	expect_meta(&g, "source", "damo json");
	release(&g);
}

/* ---- perf script and trace-cmd text (PL() is in damo-test-util.h) ---- */

/* Written by damo's write_perf_script(): record after record; target 1 has one snapshot and
 * damo's fake one after it, there for the start time only. */
static void test_perf_script_times_targets_and_fake(void **state)
{
	static const char text[] =
		PL("1000.100073", "0", "2", "4096", "8192", "5 0")
		PL("1000.100073", "0", "2", "8192", "12288", "0 3")
		PL("1000.200146", "0", "1", "4096", "12288", "6 1")
		PL("1000.300219", "0", "1", "4096", "12288", "7 2")
		PL("1000.100073", "77", "1", "65536", "69632", "2 7")
		PL("1000.250000", "77", "1", "0", "0", "-1 -1");
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	assert_int_equal(g.nr, 4);
	/* target 0: ends .100073 .200146 .300219 s, mean 100073000 ns before the first */
	expect_snap(&g, 0, 0, 1000000000000ULL, 1000100073000ULL, 2);
	expect_region(&g, 0, 0, 4096, 8192, 5, 0);
	expect_region(&g, 0, 1, 8192, 12288, 0, 3);
	expect_snap(&g, 1, 0, 1000100073000ULL, 1000200146000ULL, 1);
	expect_snap(&g, 2, 0, 1000200146000ULL, 1000300219000ULL, 1);
	expect_region(&g, 2, 0, 4096, 12288, 7, 2);
	/* target 77: ends .100073 and (fake) .25, so 149927000 ns before .100073 */
	expect_snap(&g, 3, 1, 999950146000ULL, 1000100073000ULL, 1);
	expect_region(&g, 3, 0, 65536, 69632, 2, 7);
	assert_int_equal(g.st.nr_fake, 1);
	expect_meta(&g, "source", "damo perf-script");
	expect_meta(&g, "nr_targets", "2");
	expect_meta(&g, "target.0.id", "0");
	expect_meta(&g, "target.1.id", "77");
	expect_meta(&g, "intervals", "unknown");
	expect_meta(&g, "sample_us", NULL);
	release(&g);
}

/* Linux 5.15: no age field. perf's own spacing, a header, interleaved targets, other events. */
static void test_perf_script_515_without_age(void **state)
{
	static const char text[] =
		"# ========\n# captured on    : Thu Nov 11 10:00:00 2021\n#\n"
		"       kdamond.0  4452 [001]  82877.315633: damon:damon_aggregated: "
		"target_id=18446623435582458880 nr_regions=1 140731667070976-140731668037632: 4\n"
		"       kdamond.0  4452 [001]  82877.315640: damon:damon_aggregated: "
		"target_id=3 nr_regions=1 4194304-4268032: 1\n"
		"            bash  5000 [000]  82877.400000: sched:sched_process_exec: "
		"filename=/bin/ls pid=5000 old_pid=5000\n"
		"       kdamond.0  4452 [001]  82877.415633: damon:damon_aggregated: "
		"target_id=18446623435582458880 nr_regions=1 140731667070976-140731668037632: 0\n"
		"       kdamond.0  4452 [001]  82877.415640: damon:damon_aggregated: "
		"target_id=3 nr_regions=1 4194304-4268032: 2\n";
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	assert_int_equal(g.nr, 4);
	expect_snap(&g, 0, 0, 82877215633000ULL, 82877315633000ULL, 1);
	expect_region(&g, 0, 0, 140731667070976ULL, 140731668037632ULL, 4, 0);
	expect_snap(&g, 1, 1, 82877215640000ULL, 82877315640000ULL, 1);
	expect_snap(&g, 2, 0, 82877315633000ULL, 82877415633000ULL, 1);
	expect_region(&g, 2, 0, 140731667070976ULL, 140731668037632ULL, 0, 0);
	expect_snap(&g, 3, 1, 82877315640000ULL, 82877415640000ULL, 1);
	expect_region(&g, 3, 0, 4194304, 4268032, 2, 0);
	expect_meta(&g, "target.0.id", "18446623435582458880");
	expect_meta(&g, "target.1.id", "3");
	assert_int_equal(g.st.nr_skipped_lines, 4);	/* 3 header lines, 1 other event */
	release(&g);
}

static void test_trace_cmd_report_lines(void **state)
{
	static const char text[] =
		"cpus=2\n"
		"       kdamond.0-1234  [001] .....  1394.412830: damon_aggregated:     "
		"target_id=0 "
		"nr_regions=2 4096-8192: 1 5\n"
		"       kdamond.0-1234  [001] .....  1394.412830: damon_aggregated:     "
		"target_id=0 "
		"nr_regions=2 8192-16384: 0 9\r\n"
		"       kdamond.0-1234  [001]  1394.512830123: damon_aggregated: target_id=0 "
		"nr_regions=1 4096-16384: 2 "
		"None";	/* ns stamp, damo's "None" age, no newline */
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	assert_int_equal(g.nr, 2);
	expect_snap(&g, 0, 0, 1394312829877ULL, 1394412830000ULL, 2);
	expect_region(&g, 0, 0, 4096, 8192, 1, 5);
	expect_region(&g, 0, 1, 8192, 16384, 0, 9);
	expect_snap(&g, 1, 0, 1394412830000ULL, 1394512830123ULL, 1);
	expect_region(&g, 1, 0, 4096, 16384, 2, 0);
	expect_meta(&g, "source", "trace-cmd report");
	release(&g);
}

/* Lines lost by the tracer: a snapshot short of nr_regions is kept and counted. */
static void test_perf_script_incomplete_snapshot_kept(void **state)
{
	static const char text[] =
		PL("10.000001", "0", "3", "4096", "8192", "1 0")
		PL("10.000001", "0", "3", "8192", "12288", "2 0")
		PL("10.000002", "0", "1", "4096", "12288", "3 1")
		PL("10.000003", "0", "2", "4096", "8192", "4 2");
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	assert_int_equal(g.nr, 3);
	expect_snap(&g, 0, 0, 10000000000ULL, 10000001000ULL, 2);
	expect_snap(&g, 1, 0, 10000001000ULL, 10000002000ULL, 1);
	expect_snap(&g, 2, 0, 10000002000ULL, 10000003000ULL, 1);
	expect_region(&g, 2, 0, 4096, 8192, 4, 2);
	assert_int_equal(g.st.nr_incomplete, 2);
	release(&g);
}

static void test_perf_script_single_snapshot_start_guessed(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(convert_str(PL("5.000000", "0", "1", "4096", "8192", "1 1"), &g), 0);
	expect_snap(&g, 0, 0, 5000000000ULL, 5000000000ULL, 1);
	assert_int_equal(g.st.nr_guessed_start, 1);
	release(&g);
}

/* damo: start = int(end - (last - first) / (n - 1)) with a float division: 4000 / 3 ns */
static void test_perf_script_first_start_truncated_like_damo(void **state)
{
	static const char text[] =
		PL("1.000000", "0", "1", "4096", "8192", "1 1")
		PL("1.000001", "0", "1", "4096", "8192", "1 2")
		PL("1.000002", "0", "1", "4096", "8192", "1 3")
		PL("1.000004", "0", "1", "4096", "8192", "1 4");
	struct got g;

	(void)state;
	assert_int_equal(convert_str(text, &g), 0);
	assert_int_equal(g.nr, 4);
	expect_snap(&g, 0, 0, 999998666ULL, 1000000000ULL, 1);	/* int(999998666.67) */
	expect_snap(&g, 3, 0, 1000002000ULL, 1000004000ULL, 1);
	release(&g);
}

static void test_perf_script_compressed(void **state)
{
	static uint8_t z[1024];
	size_t n = zcompress(PL("1.5", "0", "1", "4096", "8192", "1 1")
			     PL("2.5", "0", "1", "4096", "8192", "1 2"), z, sizeof(z), 0);
	struct got g;

	(void)state;
	assert_int_equal(convert(z, n, &g), 0);
	expect_snap(&g, 0, 0, 500000000ULL, 1500000000ULL, 1);
	expect_snap(&g, 1, 0, 1500000000ULL, 2500000000ULL, 1);
	expect_meta(&g, "source", "damo perf-script (zlib)");
	release(&g);
}

/* ---- the sink interface (what the fuzzers use) ---- */

struct capture {
	int nr_meta;
	int meta_before_first;
	uint32_t nr_snaps;
	int fail_at;
	char last_targets[16];
};

static int cap_meta(void *arg, const struct dpf_meta *m)
{
	struct capture *c = arg;

	c->nr_meta++;
	if (!c->nr_snaps)
		c->meta_before_first = 1;
	snprintf(c->last_targets, sizeof(c->last_targets), "%s",
		 dpf_meta_get(m, "nr_targets") ? dpf_meta_get(m, "nr_targets") : "-");
	return 0;
}

static int cap_snapshot(void *arg, const struct dpf_snapshot *s)
{
	struct capture *c = arg;

	(void)s;
	if (++c->nr_snaps == (uint32_t)c->fail_at)
		return -ENOSPC;
	return 0;
}

static void test_sink_gets_metadata_first_and_last(void **state)
{
	struct capture c = { 0 };
	struct damo_sink sink = { &c, cap_meta, cap_snapshot };
	struct damo_import_stats st;
	char why[200];

	(void)state;
	assert_int_equal(damo_import_mem(v33, strlen(v33), &sink, &st, why, sizeof(why)), 0);
	assert_true(c.meta_before_first);
	assert_int_equal(c.nr_meta, 2);	/* again at the end: nr_targets, data_source */
	assert_string_equal(c.last_targets, "1");
	assert_int_equal(c.nr_snaps, 2);
	memset(&c, 0, sizeof(c));
	c.fail_at = 2;
	assert_int_equal(damo_import_mem(v33, strlen(v33), &sink, &st, why, sizeof(why)), -ENOSPC);
	assert_int_equal(st.nr_snapshots, 1);
}

/* ---- damo's number text ---- */

static void expect_num(const char *s, enum damo_unit u, int ret, uint64_t v, int neg)
{
	struct damo_num n = { 0 };

	if (damo_parse_num(s, strlen(s), u, &n) != ret)
		fail_msg("'%s': expected %d", s, ret);
	if (!ret && (n.v != v || n.neg != neg))
		fail_msg("'%s': got %s%llu, expected %s%llu", s, n.neg ? "-" : "",
			 (unsigned long long)n.v, neg ? "-" : "", (unsigned long long)v);
}

static void test_number_text(void **state)
{
	(void)state;
	expect_num("1,234", DAMO_U_NR, 0, 1234, 0);
	expect_num(" 94,371,810,639,872 ", DAMO_U_BYTES, 0, 94371810639872ULL, 0);
	expect_num("18446744073709551615", DAMO_U_NR, 0, UINT64_MAX, 0);
	expect_num("18446744073709551616", DAMO_U_NR, -ERANGE, 0, 0);
	expect_num("max", DAMO_U_NS, 0, UINT64_MAX, 0);
	expect_num("min", DAMO_U_BYTES, 0, 0, 0);
	expect_num("-1", DAMO_U_NR, 0, 1, 1);
	expect_num("-0", DAMO_U_NR, 0, 0, 0);
	expect_num("0 B", DAMO_U_BYTES, 0, 0, 0);
	expect_num("4KiB", DAMO_U_BYTES, 0, 4096, 0);
	expect_num("1.5 GiB", DAMO_U_BYTES, 0, 1610612736ULL, 0);
	expect_num("2 MB", DAMO_U_BYTES, 0, 2097152, 0);
	expect_num("3 E", DAMO_U_BYTES, 0, 3ULL << 60, 0);
	expect_num("16 E", DAMO_U_BYTES, -ERANGE, 0, 0);
	expect_num("5 ms", DAMO_U_NS, 0, 5000000, 0);
	expect_num("1 m 3 s", DAMO_U_NS, 0, 63000000000ULL, 0);
	expect_num("1 h 1 m 1 s 1 ms 1 us 1 ns", DAMO_U_NS, 0, 3661001001001ULL, 0);
	expect_num("1.250 s", DAMO_U_NS, 0, 1250000000, 0);
	expect_num("2 d", DAMO_U_NS, 0, 172800000000000ULL, 0);
	expect_num("5 ms", DAMO_U_US, 0, 5000, 0);
	expect_num("5000", DAMO_U_US, 0, 5000, 0);
	expect_num("1e3", DAMO_U_NR, 0, 1000, 0);
	expect_num("2.9", DAMO_U_NR, 0, 2, 0);
	expect_num("", DAMO_U_NR, -EINVAL, 0, 0);
	expect_num("  ", DAMO_U_NR, -EINVAL, 0, 0);
	expect_num("abc", DAMO_U_NR, -EINVAL, 0, 0);
	expect_num("5 ms", DAMO_U_NR, -EINVAL, 0, 0);
	expect_num("1 m 3 s", DAMO_U_BYTES, -EINVAL, 0, 0);
	expect_num("12 parsecs", DAMO_U_NS, -EINVAL, 0, 0);
	expect_num("1,2.5.6", DAMO_U_NR, -EINVAL, 0, 0);
	expect_num(".", DAMO_U_NR, -EINVAL, 0, 0);
	expect_num("--1", DAMO_U_NR, -EINVAL, 0, 0);
	expect_num("1e400", DAMO_U_NR, -ERANGE, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_v33_regions_times_and_metadata),
		cmocka_unit_test(test_json_compressed_found_by_content),
		cmocka_unit_test(test_gzip_found_by_content),
		cmocka_unit_test(test_bom_and_gzip_members),
		cmocka_unit_test(test_json_number_quirks),
		cmocka_unit_test(test_json_old_file_without_intervals_or_age),
		cmocka_unit_test(test_json_records_become_targets_in_order),
		cmocka_unit_test(test_json_intervals_from_first_record_that_has_them),
		cmocka_unit_test(test_json_fake_snapshot_dropped),
		cmocka_unit_test(test_json_percent_and_usec_converted),
		cmocka_unit_test(test_json_missing_start_time),
		cmocka_unit_test(test_json_unknown_keys_and_empty_list),
		cmocka_unit_test(test_perf_script_times_targets_and_fake),
		cmocka_unit_test(test_perf_script_515_without_age),
		cmocka_unit_test(test_trace_cmd_report_lines),
		cmocka_unit_test(test_perf_script_incomplete_snapshot_kept),
		cmocka_unit_test(test_perf_script_single_snapshot_start_guessed),
		cmocka_unit_test(test_perf_script_first_start_truncated_like_damo),
		cmocka_unit_test(test_perf_script_compressed),
		cmocka_unit_test(test_sink_gets_metadata_first_and_last),
		cmocka_unit_test(test_number_text),
	};

	return cmocka_run_group_tests_name("format/damo quirks", tests, setup, teardown);
}
