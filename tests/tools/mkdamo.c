// SPDX-License-Identifier: GPL-2.0
/*
 * Test and benchmark helper: writes a damo recording of the same synthetic data as
 * "mkrec --synth" (same generator, seed and pattern), formatted byte for byte as damo 3.3 writes
 * it (Python's json.dumps(indent=4) of DamonRecord.to_kvpairs(raw=True): region addresses and
 * ages with thousands commas, "0 B" filter sizes), then zlib-compressed at zlib's default level as
 * damo's json_compressed. Comparing its conversion with mkrec's file checks "daprof convert", and
 * the pair gives the bytes-per-region comparison of tests/bench/damo-convert.sh.
 *
 *   mkdamo [--json] OUT SNAPSHOTS REGIONS [SEED]    --json: write the JSON text uncompressed
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "format/dpf.h"
#include "tests/tools/synth-pattern.h"

struct out {
	FILE *f;
	int compress;
	z_stream z;
	char buf[1 << 16];
	size_t len;
	uint8_t zbuf[1 << 16];
	int err;
};

static void out_flush(struct out *o, int finish)
{
	if (!o->compress) {
		if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
			o->err = 1;
		o->len = 0;
		return;
	}
	o->z.next_in = (uint8_t *)o->buf;
	o->z.avail_in = o->len;
	do {
		int ret;

		o->z.next_out = o->zbuf;
		o->z.avail_out = sizeof(o->zbuf);
		ret = deflate(&o->z, finish ? Z_FINISH : Z_NO_FLUSH);
		if (ret == Z_STREAM_ERROR)
			o->err = 1;
		if (fwrite(o->zbuf, 1, sizeof(o->zbuf) - o->z.avail_out, o->f) !=
		    sizeof(o->zbuf) - o->z.avail_out)
			o->err = 1;
	} while (o->z.avail_out == 0 || (finish && o->z.avail_in));
	o->len = 0;
}

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len + n > sizeof(o->buf))
		out_flush(o, 0);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	put(o, line);
}

/* damo's format_nr(): "94,371,810,639,872" */
static const char *commas(char *buf, uint64_t v)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%" PRIu64, v), o = 0;

	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static void write_snapshot(struct out *o, const struct dpf_snapshot *s, int last)
{
	uint64_t total = 0;
	char a[32], b[32], c[32];

	putf(o, "            {\n"
		"                \"start_time\": \"%" PRIu64 "\",\n"
		"                \"end_time\": \"%" PRIu64 "\",\n"
		"                \"regions\": [\n", s->start_ns, s->end_ns);
	for (uint32_t i = 0; i < s->nr_regions; i++) {
		const struct dpf_region *r = &s->regions[i];

		total += r->end - r->start;
		putf(o, "                    {\n"
			"                        \"start\": \"%s\",\n"
			"                        \"end\": \"%s\",\n"
			"                        \"nr_accesses\": {\n"
			"                            \"samples\": %u,\n"
			"                            \"percent\": null\n"
			"                        },\n"
			"                        \"age\": {\n"
			"                            \"usec\": null,\n"
			"                            \"aggr_intervals\": \"%s\"\n"
			"                        },\n"
			"                        \"probe_hits\": [],\n"
			"                        \"sz_filter_passed\": \"0 B\"\n"
			"                    }%s\n", commas(a, r->start), commas(b, r->end),
			r->nr_accesses, commas(c, r->age), i + 1 < s->nr_regions ? "," : "");
	}
	putf(o, "                ],\n"
		"                \"total_bytes\": \"%" PRIu64 "\",\n"
		"                \"damos_stats\": null,\n"
		"                \"sample_interval_us\": null\n"
		"            }%s\n", total, last ? "" : ",");
}

int main(int argc, char **argv)
{
	static struct out o;
	struct synth g;
	uint64_t nsnap, nreg, seed = SYNTH_DEFAULT_SEED;
	int a = 1;

	if (argc > 1 && !strcmp(argv[1], "--json"))
		a++;
	else
		o.compress = 1;
	if (argc - a < 3) {
		fprintf(stderr, "usage: mkdamo [--json] OUT SNAPSHOTS REGIONS [SEED]\n");
		return 2;
	}
	nsnap = strtoull(argv[a + 1], NULL, 0);
	nreg = strtoull(argv[a + 2], NULL, 0);
	if (argc - a > 3)
		seed = strtoull(argv[a + 3], NULL, 0);
	o.f = fopen(argv[a], "wb");
	if (!o.f || !nreg || !nsnap) {
		fprintf(stderr, "mkdamo: cannot write '%s'\n", argv[a]);
		return 1;
	}
	if (o.compress && deflateInit(&o.z, Z_DEFAULT_COMPRESSION) != Z_OK)
		return 1;
	put(&o, "[\n"
		"    {\n"
		"        \"kdamond_idx\": 0,\n"
		"        \"context_idx\": 0,\n"
		"        \"intervals\": {\n"
		"            \"sample_us\": \"5000\",\n"
		"            \"aggr_us\": \"100000\",\n"
		"            \"ops_update_us\": \"1000000\",\n"
		"            \"intervals_goal\": {\n"
		"                \"access_bp\": \"0.000000\",\n"
		"                \"aggrs\": \"0\",\n"
		"                \"min_sample_us\": \"0\",\n"
		"                \"max_sample_us\": \"0\"\n"
		"            }\n"
		"        },\n"
		"        \"scheme_idx\": null,\n"
		"        \"target_id\": 0,\n"
		"        \"scheme_filters\": [],\n"
		"        \"snapshots\": [\n");
	if (synth_init(&g, nreg, seed)) {
		fprintf(stderr, "mkdamo: out of memory\n");
		return 1;
	}
	for (uint64_t k = 0; k < nsnap; k++)
		write_snapshot(&o, synth_next(&g), k + 1 == nsnap);
	put(&o, "        ],\n"
		"        \"data_source\": \"unknown\"\n"
		"    }\n"
		"]");
	out_flush(&o, 1);
	if (o.compress)
		deflateEnd(&o.z);
	synth_release(&g);
	if (fclose(o.f) || o.err) {
		fprintf(stderr, "mkdamo: cannot write '%s'\n", argv[a]);
		return 1;
	}
	return 0;
}
