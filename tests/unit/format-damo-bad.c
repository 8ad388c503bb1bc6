// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the damo importers (format/damo*.c) on bad input of every kind: empty, not damo,
 * truncated or corrupt compression, broken JSON and perf script text, wrong types, deep nesting,
 * huge numbers, overlapping regions, long tokens, too many targets. Each must give a clear
 * reason, the right errno and no output file. Good input is format-damo-quirks.c's; the helpers
 * are damo-test-util.h's.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/damo-test-util.h"

static void test_bad_empty_and_not_damo(void **state)
{
	static const uint8_t binary[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0 };
	static uint8_t z[64];

	(void)state;
	expect_failure("", 0, -EBADMSG, "empty");
	expect_failure_str(" \n\t\n", -EBADMSG, "not a damo recording");
	expect_failure((const char *)binary, sizeof(binary), -EBADMSG, "not a damo recording");
	expect_failure("PERFILE2\0\0\0\0\0\0", 14, -EBADMSG, "perf.data");
	expect_failure(DPF_MAGIC "\1\0\0\0", 12, -EBADMSG, "already a daprof recording");
	expect_failure_str("hello\nworld\n", -EBADMSG,
			   "no damon:damon_aggregated events in 2 lines");
	expect_failure((const char *)z, zcompress("", z, sizeof(z), 0), -EBADMSG, "holds nothing");
}

static void test_bad_truncated_and_bit_flipped_zlib(void **state)
{
	static uint8_t z[4096];
	size_t n = zcompress(v33, z, sizeof(z), 0);

	(void)state;
	expect_failure((const char *)z, n / 2, -EBADMSG, "ends early");
	expect_failure((const char *)z, n - 2, -EBADMSG, "ends early");	/* no checksum */
	z[n / 2] ^= 0x10;
	expect_failure((const char *)z, n, -EBADMSG, "corrupt");
	z[n / 2] ^= 0x10;
	z[n - 1] ^= 0x01;	/* the adler32 */
	expect_failure((const char *)z, n, -EBADMSG, "corrupt (zlib: incorrect data check)");
}

static void test_bad_json_syntax_and_truncation(void **state)
{
	char cut[sizeof(v33)];

	(void)state;
	memcpy(cut, v33, sizeof(v33));
	expect_failure(cut, strlen(v33) / 2, -EBADMSG, "ends early");
	expect_failure_str("[{\"target_id\": 0,}]", -EBADMSG, "JSON: parse error");
	expect_failure_str("[] []", -EBADMSG, "JSON:");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": "
			   "[{\"start\": 1 2}]}]}]",
			   -EBADMSG, "JSON:");
}

static void test_bad_json_types(void **state)
{
	(void)state;
	expect_failure_str("{\"target_id\": 0}", -EBADMSG, "top level is an object");
	expect_failure_str("5", -EBADMSG, "not a damo recording");
	expect_failure_str("[5]", -EBADMSG, "record is a number");
	expect_failure_str("[{\"snapshots\": 5}]", -EBADMSG, "record 0: 'snapshots' is a number");
	expect_failure_str("[{\"snapshots\": [[]]}]", -EBADMSG, "snapshot is a list");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": [{\"start\": true, "
			   "\"end\": 2}]}]}]", -EBADMSG,
			   "record 0, snapshot 0, region 0: 'start' is a boolean, not a number");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": [{\"start\": 1, "
			   "\"end\": 2, \"nr_accesses\": {\"samples\": \"abc\"}}]}]}]", -EBADMSG,
			   "'samples' is not a number: \"abc\"");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": \"soon\", \"regions\": []}]}]",
			   -EBADMSG, "'end_time' is not a number");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": {}}]}]", -EBADMSG,
			   "'regions' is an object");
	expect_failure_str("[{\"snapshots\": [{\"start_time\": 1, \"regions\": []}]}]", -EBADMSG,
			   "record 0, snapshot 0: the snapshot has no 'end_time'");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": [{\"end\": 2, "
			   "\"nr_accesses\": 1}]}]}]", -EBADMSG, "the region has no 'start'");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": [{\"start\": 1, "
			   "\"end\": 2}]}]}]", -EBADMSG, "the region has no nr_accesses");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": [{\"start\": 1, "
			   "\"end\": 2, \"nr_accesses\": {\"percent\": 5}}]}]}]", -EBADMSG,
			   "has no intervals");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": [{\"start\": 1, "
			   "\"end\": 2, \"nr_accesses\": "
			   "-3}]}]}]", -EBADMSG, "'samples' is negative");
	expect_failure_str("[{\"snapshots\": [{\"start_time\": 5, \"end_time\": 1, "
			   "\"regions\": "
			   "[]}]}]", -EBADMSG, "snapshot ends (1 ns) before it starts (5 ns)");
}

static void test_bad_deep_nesting(void **state)
{
	char text[600];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 100; i++)
		text[n++] = '[';
	expect_failure(text, n, -EBADMSG, "a record is a list");
	n = snprintf(text, sizeof(text), "[{\"new\": ");
	for (int i = 0; i < 70; i++)
		n += snprintf(text + n, sizeof(text) - n, "{\"a\":");
	expect_failure(text, n, -EBADMSG, "nested deeper than 64 levels");
	/* the same inside a key that is otherwise skipped, well-formed */
	n = snprintf(text, sizeof(text), "[{\"scheme_filters\": ");
	for (int i = 0; i < 100; i++)
		text[n++] = '[';
	for (int i = 0; i < 100; i++)
		text[n++] = ']';
	n += snprintf(text + n, sizeof(text) - n, "}]");
	expect_failure(text, n, -EBADMSG, "nested deeper");
}

static void test_bad_huge_numbers(void **state)
{
	(void)state;
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": [{\"start\": "
			   "\"99,999,999,999,999,999,999\", \"end\": 2, \"nr_accesses\": 1}]}]}]",
			   -ERANGE, "'start' is out of range");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": [{\"start\": 1, "
			   "\"end\": \"16 EiB\", \"nr_accesses\": "
			   "1}]}]}]", -ERANGE, "out of range");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1e30, \"regions\": []}]}]", -ERANGE,
			   "'end_time' is out of range");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": [{\"start\": 1, "
			   "\"end\": 2, \"nr_accesses\": 4294967296}]}]}]", -ERANGE,
			   "nr_accesses 4294967296 is out of range");
	expect_failure_str("[{\"target_id\": 18446744073709551616, \"snapshots\": []}]", -ERANGE,
			   "'target_id' is out of range");
	expect_failure_str(PL("1.0", "0", "1", "4096", "8192", "1 99999999999"), -ERANGE,
			   "line 1: age 99999999999 is out of range");
	expect_failure_str(PL("1.0", "0", "1", "4096", "99999999999999999999", "1 1"), -ERANGE,
			   "line 1: bad address range");
}

static void test_bad_overlapping_and_empty_regions(void **state)
{
	(void)state;
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": ["
			   "{\"start\": \"4,096\", \"end\": \"12,288\", \"nr_accesses\": 1},"
			   "{\"start\": \"8,192\", \"end\": \"16,384\", \"nr_accesses\": 1}]}]}]",
			   -EBADMSG,
			   "record 0, snapshot 0: regions 4096-12288 and 8192-16384 overlap");
	expect_failure_str(PL("1.0", "0", "2", "8192", "16384", "1 1")
			   PL("1.0", "0", "2", "4096", "12288", "1 1"), -EBADMSG,
			   "line 2: regions 4096-12288 and 8192-16384 overlap");
	expect_failure_str(PL("1.0", "0", "1", "8192", "8192", "1 1"), -EBADMSG,
			   "line 1: region 8192-8192 is empty");
	expect_failure_str("[{\"snapshots\": [{\"end_time\": 1, \"regions\": [{\"start\": 0, "
			   "\"end\": 0, \"nr_accesses\": -1, \"age\": -1}, {\"start\": 1, \"end\": "
			   "2, "
			   "\"nr_accesses\": "
			   "1}]}]}]", -EBADMSG, "fake region 0-0 among real regions");
}

static void test_bad_perf_script_lines(void **state)
{
	(void)state;
	expect_failure_str(PL("1.0", "0", "2", "4096", "8192", "1 1")
			   "kdamond.x xxxx xxxx 1.0: damon:damon_aggregated: target_id=0 "
			   "nr_regions=2 "
			   "8192-1x6384: 0 "
			   "3\n", -EBADMSG, "line 2: bad address range '8192-1x6384:'");
	expect_failure_str("kdamond.x xxxx xxxx 1.0: damon:damon_aggregated: garbage\n", -EBADMSG,
			   "line 1: damon_aggregated event with 1 fields");
	expect_failure_str("kdamond.x xxxx xxxx 1.0: damon:damon_aggregated: target_id=0 "
			   "nr_regions=1 4096-8192 1 1\n", -EBADMSG, "expected 'START-END:'");
	expect_failure_str("kdamond.x xxxx xxxx 1.0: damon:damon_aggregated: target=0 "
			   "nr_regions=1 4096-8192: 1 1\n", -EBADMSG, "expected 'target_id='");
	expect_failure_str(PL("1.0", "0", "0", "4096", "8192", "1 1"), -EBADMSG,
			   "nr_regions=0 is out of range");
	expect_failure_str(PL("1.0", "0", "1", "4096", "8192", "x 1"), -EBADMSG,
			   "bad nr_accesses 'x'");
	expect_failure_str(PL("1.0", "0", "1", "4096", "8192", "-1 1"), -EBADMSG,
			   "negative count");
	expect_failure_str(PL("2.0", "0", "1", "4096", "8192", "1 1")
			   PL("1.0", "0", "1", "4096", "8192", "1 1"), -EBADMSG,
			   "line 2: time goes backwards for target_id=0");
	expect_failure_str(PL("1.0", "0", "2", "0", "0", "-1 -1"), -EBADMSG,
			   "fake region 0-0 in a snapshot of 2 regions");
}

static void test_bad_long_tokens(void **state)
{
	size_t n = (2u << 20) + 64, o;
	char *text = malloc(n);

	(void)state;
	assert_non_null(text);
	o = snprintf(text, n, "[{\"data_source\": \"");
	memset(text + o, 'a', n - o - 4);
	memcpy(text + n - 4, "\"}]", 3);
	expect_failure(text, n - 1, -E2BIG, "longer than 1048576 bytes");
	o = snprintf(text, n, "[{\"target_id\": 1");
	memset(text + o, '0', n - o - 3);
	memcpy(text + n - 3, "}]", 2);
	expect_failure(text, n - 1, -E2BIG, "longer than");
	o = snprintf(text, n, "kdamond.x xxxx xxxx 1.0: damon:damon_aggregated: target_id=0 "
		     "nr_regions=1 4096-8192: 1 1");
	memset(text + o, ' ', n - o);
	text[n - 1] = '\n';
	expect_failure(text, n, -EBADMSG, "line 1: damon_aggregated event line too long");
	free(text);
}

static void test_bad_too_many_targets(void **state)
{
	size_t cap = 1100 * 40, n = 0;
	char *text = malloc(cap);

	(void)state;
	assert_non_null(text);
	text[n++] = '[';
	for (int i = 0; i < 1025; i++)
		n += snprintf(text + n, cap - n, "%s{\"target_id\": %d, \"snapshots\": []}",
			      i ? "," : "", i);
	text[n++] = ']';
	expect_failure(text, n, -E2BIG, "record 1024: more than 1024 targets");
	free(text);
	cap = 1100 * 100;
	text = malloc(cap);
	assert_non_null(text);
	n = 0;
	for (int i = 0; i < 1025; i++)
		n += snprintf(text + n, cap - n, "k 1 [0] 1.0: damon_aggregated: target_id=%d "
			      "nr_regions=1 4096-8192: 1 1\n", i);
	expect_failure(text, n, -E2BIG, "line 1025: more than 1024 target ids");
	free(text);
}

/* A failed conversion leaves an existing output as it was. */
static void test_failure_keeps_existing_output(void **state)
{
	struct damo_import_stats st;
	char why[200], buf[16] = { 0 };
	FILE *f;

	(void)state;
	write_file(out_path, "precious", 8);
	write_file(in_path, "[{\"snapshots\": 5}]", 18);
	assert_int_equal(damo_import(in_path, out_path, NULL, &st, why, sizeof(why)), -EBADMSG);
	f = fopen(out_path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 8);
	fclose(f);
	assert_string_equal(buf, "precious");
	assert_int_equal(nr_files(), 2);
	assert_int_equal(damo_import(in_path, "/nonexistent-dir/x.data", NULL, &st, why,
				     sizeof(why)), -EBADMSG);
	write_file(in_path, v33, strlen(v33));
	assert_int_equal(damo_import(in_path, "/nonexistent-dir/x.data", NULL, &st, why,
				     sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "cannot write '/nonexistent-dir/x.data'"));
	unlink(in_path);
	assert_int_equal(damo_import(in_path, out_path, NULL, &st, why, sizeof(why)), -ENOENT);
	unlink(out_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_empty_and_not_damo),
		cmocka_unit_test(test_bad_truncated_and_bit_flipped_zlib),
		cmocka_unit_test(test_bad_json_syntax_and_truncation),
		cmocka_unit_test(test_bad_json_types),
		cmocka_unit_test(test_bad_deep_nesting),
		cmocka_unit_test(test_bad_huge_numbers),
		cmocka_unit_test(test_bad_overlapping_and_empty_regions),
		cmocka_unit_test(test_bad_perf_script_lines),
		cmocka_unit_test(test_bad_long_tokens),
		cmocka_unit_test(test_bad_too_many_targets),
		cmocka_unit_test(test_failure_keeps_existing_output),
	};

	return cmocka_run_group_tests_name("format/damo bad input", tests, setup, teardown);
}
