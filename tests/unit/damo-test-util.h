/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two damo importer test files (format-damo-quirks.c, format-damo-bad.c) share: a
 * conversion through a file in a private temporary folder, read back with the dpf reader; checks
 * of what was written or of how it failed; zlib and gzip streams as damo's Python makes them; and
 * the inputs both use, damo 3.3's JSON file and perf script's damon_aggregated lines. One test
 * binary includes it once, so its static state and functions are that binary's own.
 */
#ifndef TESTS_DAMO_TEST_UTIL_H
#define TESTS_DAMO_TEST_UTIL_H

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>
#include <zlib.h>

#include "tests/unit/test-tmp.h"
#include "format/damo-priv.h"
#include "format/dpf.h"

#define MAX_SNAPS	16
#define MAX_REGS	8

struct snap {
	uint32_t target;
	uint64_t start, end;
	uint32_t nr;
	struct dpf_region r[MAX_REGS];
};

/* What a conversion wrote, read back with the dpf reader. */
struct got {
	struct dpf_meta meta;
	uint32_t nr;
	struct snap s[MAX_SNAPS];
	struct damo_import_stats st;
	char why[320];
};

static char dir[64];
static char in_path[96];
static char out_path[96];

static inline int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/daprof-damo-test.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(in_path, sizeof(in_path), "%s/in.json", dir);	/* the name must not matter */
	snprintf(out_path, sizeof(out_path), "%s/out.data", dir);
	return 0;
}

static inline int teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[400];

	(void)state;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return 0;
}

static inline int nr_files(void)
{
	return tmpdir_count(dir);
}

static inline void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static inline void read_back(struct got *g)
{
	struct dpf_reader *r;
	struct dpf_event ev;
	int ret;

	assert_int_equal(dpf_reader_open(&r, out_path), 0);
	while ((ret = dpf_reader_next(r, &ev)) > 0) {
		struct snap *s;

		assert_int_not_equal(ev.type, DPF_EV_DAMAGE);
		if (ev.type != DPF_EV_SNAPSHOT)
			continue;
		assert_true(g->nr < MAX_SNAPS);
		assert_true(ev.snapshot.nr_regions <= MAX_REGS);
		s = &g->s[g->nr++];
		s->target = ev.snapshot.target;
		s->start = ev.snapshot.start_ns;
		s->end = ev.snapshot.end_ns;
		s->nr = ev.snapshot.nr_regions;
		if (s->nr)
			memcpy(s->r, ev.snapshot.regions, s->nr * sizeof(s->r[0]));
	}
	assert_int_equal(ret, 0);
	assert_true(dpf_reader_closed_cleanly(r));
	for (size_t i = 0; i < dpf_reader_meta(r)->nr; i++)
		dpf_meta_set(&g->meta, dpf_reader_meta(r)->entries[i].key,
			     dpf_reader_meta(r)->entries[i].value);
	dpf_reader_close(r);
}

/* Convert @len bytes through a file; on failure check that nothing was left behind. */
static inline int convert(const void *buf, size_t len, struct got *g)
{
	int ret;

	memset(g, 0, sizeof(*g));
	dpf_meta_init(&g->meta);
	unlink(out_path);
	write_file(in_path, buf, len);
	ret = damo_import(in_path, out_path, NULL, &g->st, g->why, sizeof(g->why));
	if (ret) {
		assert_int_equal(nr_files(), 1);	/* the input: no output, no temp file */
		assert_true(g->why[0] != '\0');
		assert_null(strchr(g->why, '\n'));
		return ret;
	}
	read_back(g);
	return 0;
}

static inline int convert_str(const char *text, struct got *g)
{
	return convert(text, strlen(text), g);
}

static inline void release(struct got *g)
{
	dpf_meta_release(&g->meta);
}

static inline void expect_meta(const struct got *g, const char *key, const char *value)
{
	const char *v = dpf_meta_get(&g->meta, key);

	if (!value) {
		if (v)
			fail_msg("meta %s = '%s', expected none", key, v);
		return;
	}
	if (!v)
		fail_msg("meta %s missing, expected '%s'", key, value);
	assert_string_equal(v, value);
}

static inline void expect_snap(const struct got *g, uint32_t i, uint32_t target,
			       uint64_t start, uint64_t end, uint32_t nr)
{
	assert_true(i < g->nr);
	assert_int_equal(g->s[i].target, target);
	assert_int_equal(g->s[i].start, start);
	assert_int_equal(g->s[i].end, end);
	assert_int_equal(g->s[i].nr, nr);
}

static inline void expect_region(const struct got *g, uint32_t i, uint32_t j, uint64_t start,
				 uint64_t end, uint32_t nr_accesses, uint32_t age)
{
	const struct dpf_region *r = &g->s[i].r[j];

	assert_true(j < g->s[i].nr);
	assert_int_equal(r->start, start);
	assert_int_equal(r->end, end);
	assert_int_equal(r->nr_accesses, nr_accesses);
	assert_int_equal(r->age, age);
}

static inline void expect_failure(const char *text, size_t len, int err,
				  const char *why_has)
{
	struct got g;
	int ret = convert(text, len, &g);

	if (ret != err || !strstr(g.why, why_has))
		fail_msg("got %d '%s', expected %d with '%s'", ret, g.why, err, why_has);
	release(&g);
}

static inline void expect_failure_str(const char *text, int err, const char *why_has)
{
	expect_failure(text, strlen(text), err, why_has);
}

/* A zlib stream of @text as Python's zlib.compress() makes it (window 15, default level). */
static inline size_t zcompress(const char *text, uint8_t *out, size_t cap, int gzip)
{
	z_stream z = { 0 };

	assert_int_equal(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip ? 31 : 15, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (uint8_t *)text;
	z.avail_in = strlen(text);
	z.next_out = out;
	z.avail_out = cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return cap - z.avail_out;
}

/* damo 3.3's json layout (its src/_damo_records.py), one record, two snapshots. */
static const char v33[] =
	"[\n    {\n        \"kdamond_idx\": 0,\n        \"context_idx\": 0,\n"
	"        \"intervals\": {\"sample_us\": \"5000\", \"aggr_us\": \"100000\", "
	"\"ops_update_us\": \"1000000\", \"intervals_goal\": {\"access_bp\": \"0.000000\", "
	"\"aggrs\": \"0\", \"min_sample_us\": \"0\", \"max_sample_us\": \"0\"}},\n"
	"        \"scheme_idx\": null,\n        \"target_id\": 0,\n        \"scheme_filters\": "
	"[],\n"
	"        \"snapshots\": [\n"
	"            {\"start_time\": \"1000000000000\", \"end_time\": \"1000100072940\", "
	"\"regions\": [\n"
	"                {\"start\": \"94,371,810,639,872\", \"end\": \"94,371,856,179,200\", "
	"\"nr_accesses\": {\"samples\": 5, \"percent\": null}, \"age\": {\"usec\": null, "
	"\"aggr_intervals\": \"0\"}, \"probe_hits\": [], \"sz_filter_passed\": \"0 B\"},\n"
	"                {\"start\": \"94,371,856,179,200\", \"end\": \"94,371,860,373,504\", "
	"\"nr_accesses\": {\"samples\": 0, \"percent\": null}, \"age\": {\"usec\": null, "
	"\"aggr_intervals\": \"12\"}, \"probe_hits\": [], \"sz_filter_passed\": \"0 B\"}],\n"
	"             \"total_bytes\": \"49733632\", \"damos_stats\": null, "
	"\"sample_interval_us\": null},\n"
	"            {\"start_time\": \"1000100072940\", \"end_time\": \"1000200145880\", "
	"\"regions\": [\n"
	"                {\"start\": \"94,371,810,639,872\", \"end\": \"94,371,860,373,504\", "
	"\"nr_accesses\": {\"samples\": 20, \"percent\": null}, \"age\": {\"usec\": null, "
	"\"aggr_intervals\": \"1,234\"}, \"probe_hits\": [], \"sz_filter_passed\": \"0 B\"}],\n"
	"             \"total_bytes\": \"49733632\", \"damos_stats\": null, "
	"\"sample_interval_us\": null}\n"
	"        ],\n        \"data_source\": \"unknown\"\n    }\n]\n";

/* One damon_aggregated event as perf script prints it. */
#define PL(t, tid, n, s, e, rest) \
	"kdamond.x xxxx xxxx " t ": damon:damon_aggregated: target_id=" tid " nr_regions=" n " " \
	s "-" e ": " rest "\n"

#endif
