// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper: writes a daprof recording from a plain-text description, so that tests can build
 * small recordings whose every value they know, or large synthetic ones for benchmarks.
 *
 *   mkrec OUT < description        lines (blank lines and '#' comments ignored):
 *       meta KEY VALUE...          metadata (before the first snapshot)
 *       latemeta KEY VALUE...      a further metadata chunk of that one key, written here (as
 *                                  the recorder writes its final figures at the end)
 *       metahex KEY HEX            the same with the value's bytes in hex (newlines, bad UTF-8)
 *       snap TARGET START_NS END_NS
 *       r START END NR_ACCESSES AGE   a region of the last snap (decimal or 0x hex)
 *       map TARGET TIME_NS START END OFFSET PERMS PATH   (PERMS like r-xp; PATH may be "-")
 *       map+ START END OFFSET PERMS PATH   one more entry of the last map line's memory map
 *       rusage TIME SELF_UTIME SELF_STIME SELF_MAXRSS TGT_UTIME TGT_STIME TGT_RSS
 *       intervals TARGET TIME_NS SAMPLE_US AGGR_US UPDATE_US MIN_NR MAX_NR CAUSE
 *                                  a change of the intervals (CAUSE: 1 start, 2 budget, 3 goal,
 *                                  4 kernel), queued before the snapshots after it
 *       flush                      cut a chunk here
 *   mkrec --synth OUT SNAPSHOTS REGIONS [SEED [FLUSH]]   a moving-hot-window recording (bench
 *                              input); FLUSH > 0 cuts a chunk every FLUSH snapshots, as the
 *                              recorder does each second
 *   mkrec --hostile KIND OUT   a small, well-formed (valid CRCs) file that asks a reader for a lot
 *                              of memory or time: "regions" (one 64 MiB chunk of 16.7 million
 *                              four-byte regions), "slots" (four such chunks, one target each),
 *                              "maps" (one map of 10 million entries), "meta" (400,000 keys),
 *                              "gaps" (4 million disjoint regions: just within the readers' cap);
 *                              the chunks are framed by hand, as no writer would make them
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/dpf.h"
#include "format/layout.h"
#include "tests/tools/synth-pattern.h"

static int die(const char *what, int err)
{
	fprintf(stderr, "mkrec: %s: %s\n", what, err ? strerror(-err) : "bad input");
	return 1;
}

/* The memory map being built by map and map+ lines; written at the next other line. */
static struct dpf_maps pending;
static size_t pending_alloc;

static int add_entry(const char *p, struct dpf_maps *m)
{
	char perms[8], path[3000];
	struct dpf_mapping mp = { 0 };

	if (sscanf(p, "%" SCNi64 " %" SCNi64 " %" SCNi64 " %7s %2999s", &mp.start, &mp.end,
		   &mp.offset, perms, path) != 5)
		return -EINVAL;
	mp.perms = (perms[0] == 'r' ? DPF_MAP_READ : 0) | (perms[1] == 'w' ? DPF_MAP_WRITE : 0) |
		   (perms[2] == 'x' ? DPF_MAP_EXEC : 0) | (perms[3] == 's' ? DPF_MAP_SHARED : 0);
	mp.path = strdup(strcmp(path, "-") ? path : "");
	if (m->nr == pending_alloc) {
		pending_alloc = pending_alloc ? pending_alloc * 2 : 64;
		m->maps = realloc(m->maps, pending_alloc * sizeof(*m->maps));
	}
	if (!mp.path || !m->maps)
		return -ENOMEM;
	m->maps[m->nr++] = mp;
	return 0;
}

static int flush_maps(struct dpf_writer *w)
{
	int ret = pending.nr ? dpf_writer_maps(w, &pending) : 0;

	for (size_t i = 0; i < pending.nr; i++)
		free((char *)pending.maps[i].path);
	pending.nr = 0;
	return ret;
}

static int flush_snap(struct dpf_writer *w, struct dpf_snapshot *s, int *have)
{
	int ret = 0;

	if (*have)
		ret = dpf_writer_snapshot(w, s);
	*have = 0;
	return ret;
}

static int from_text(const char *out)
{
	struct dpf_writer_opts o = { .level = 6 };
	struct dpf_writer *w = NULL;
	struct dpf_snapshot s = { 0 };
	struct dpf_meta meta;
	size_t alloc = 0;
	char line[4096];
	int have = 0, ret = 0;

	dpf_meta_init(&meta);
	while (fgets(line, sizeof(line), stdin)) {
		char *p = line + strspn(line, " \t");
		char key[256], val[3500];

		p[strcspn(p, "\n")] = '\0';
		if (!*p || *p == '#')
			continue;
		if (!strncmp(p, "metahex ", 8)) {
			char hex[2 * sizeof(val) + 1];
			size_t n = 0;
			unsigned b;

			if (sscanf(p, "metahex %255s %7000s", key, hex) != 2)
				return die(p, 0);
			while (n < sizeof(val) - 1 && sscanf(hex + 2 * n, "%2x", &b) == 1)
				val[n++] = b;
			val[n] = '\0';
			dpf_meta_set(&meta, key, val);
			continue;
		}
		if (!strncmp(p, "meta ", 5)) {
			if (sscanf(p, "meta %255s %3499[^\n]", key, val) < 1)
				return die(p, 0);
			if (sscanf(p, "meta %255s %3499[^\n]", key, val) == 1)
				val[0] = '\0';
			dpf_meta_set(&meta, key, val);
			continue;
		}
		if (!w) {
			ret = dpf_writer_open(&w, out, &o, &meta);
			if (ret)
				return die(out, ret);
		}
		if (strncmp(p, "map+ ", 5) && (ret = flush_maps(w)))
			return die("maps", ret);
		if (!strncmp(p, "latemeta ", 9)) {
			struct dpf_meta late;

			if (sscanf(p, "latemeta %255s %3499[^\n]", key, val) != 2)
				return die(p, 0);
			if ((ret = flush_snap(w, &s, &have)))
				return die("snapshot", ret);
			dpf_meta_init(&late);
			dpf_meta_set(&late, key, val);
			ret = dpf_writer_meta(w, &late);
			dpf_meta_release(&late);
			if (ret)
				return die("latemeta", ret);
		} else if (!strncmp(p, "snap ", 5)) {
			if ((ret = flush_snap(w, &s, &have)))
				return die("snapshot", ret);
			if (sscanf(p, "snap %" SCNu32 " %" SCNu64 " %" SCNu64, &s.target, &s.start_ns,
				   &s.end_ns) != 3)
				return die(p, 0);
			s.nr_regions = 0;
			have = 1;
		} else if (!strncmp(p, "r ", 2)) {
			struct dpf_region r;

			if (!have || sscanf(p, "r %" SCNi64 " %" SCNi64 " %" SCNu32 " %" SCNu32,
					    &r.start, &r.end, &r.nr_accesses, &r.age) != 4)
				return die(p, 0);
			if (s.nr_regions == alloc) {
				alloc = alloc ? alloc * 2 : 64;
				s.regions = realloc(s.regions, alloc * sizeof(r));
			}
			s.regions[s.nr_regions++] = r;
		} else if (!strncmp(p, "map ", 4)) {
			int n = 0;

			if ((ret = flush_snap(w, &s, &have)))
				return die("snapshot", ret);
			if (sscanf(p, "map %" SCNu32 " %" SCNu64 " %n", &pending.target,
				   &pending.time_ns, &n) != 2 || !n || add_entry(p + n, &pending))
				return die(p, 0);
		} else if (!strncmp(p, "map+ ", 5)) {
			if (!pending.nr || add_entry(p + 5, &pending))
				return die(p, 0);
		} else if (!strncmp(p, "rusage ", 7)) {
			struct dpf_rusage u;

			if (sscanf(p, "rusage %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
				   " %" SCNu64 " %" SCNu64, &u.time_ns, &u.self_utime_ns,
				   &u.self_stime_ns, &u.self_maxrss, &u.target_utime_ns,
				   &u.target_stime_ns, &u.target_rss) != 7)
				return die(p, 0);
			if ((ret = dpf_writer_rusage(w, &u)))
				return die("rusage", ret);
		} else if (!strncmp(p, "intervals ", 10)) {
			struct dpf_intervals iv = { 0 };
			unsigned cause;

			if ((ret = flush_snap(w, &s, &have)))
				return die("snapshot", ret);
			if (sscanf(p, "intervals %" SCNu32 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %"
				   SCNu64 " %" SCNu32 " %" SCNu32 " %u", &iv.target, &iv.time_ns,
				   &iv.sample_us, &iv.aggr_us, &iv.update_us, &iv.min_nr_regions,
				   &iv.max_nr_regions, &cause) != 8)
				return die(p, 0);
			iv.cause = (uint8_t)cause;
			if ((ret = dpf_writer_intervals(w, &iv)))
				return die("intervals", ret);
		} else if (!strcmp(p, "flush")) {
			if ((ret = flush_snap(w, &s, &have)) || (ret = dpf_writer_flush(w)))
				return die("flush", ret);
		} else {
			return die(p, 0);
		}
	}
	if (!w && (ret = dpf_writer_open(&w, out, &o, &meta)))
		return die(out, ret);
	if (w && (ret = flush_maps(w)))
		return die("maps", ret);
	if ((ret = flush_snap(w, &s, &have)))
		return die("snapshot", ret);
	ret = dpf_writer_close(w);
	dpf_meta_release(&meta);
	free(s.regions);
	return ret ? die("close", ret) : 0;
}

static int synth(const char *out, uint64_t nsnap, uint64_t nreg, uint64_t seed, uint64_t flush)
{
	struct dpf_writer_opts o = { 0 };
	struct dpf_writer *w;
	struct dpf_meta meta;
	struct synth g;
	int ret;

	dpf_meta_init(&meta);
	dpf_meta_set(&meta, "source", "mkrec --synth");
	dpf_meta_set(&meta, "backend", "synthetic");
	dpf_meta_set(&meta, "sample_us", "5000");
	dpf_meta_set(&meta, "aggr_us", "100000");
	dpf_meta_set(&meta, "update_us", "1000000");
	dpf_meta_set(&meta, "nr_targets", "1");
	ret = dpf_writer_open(&w, out, &o, &meta);
	if (ret)
		return die(out, ret);
	if (synth_init(&g, nreg, seed))
		return die("synth", -ENOMEM);
	for (uint64_t k = 0; k < nsnap; k++) {
		ret = dpf_writer_snapshot(w, synth_next(&g));
		if (!ret && flush && (k + 1) % flush == 0)
			ret = dpf_writer_flush(w);
		if (ret)
			return die("snapshot", ret);
	}
	synth_release(&g);
	dpf_meta_release(&meta);
	ret = dpf_writer_close(w);
	return ret ? die("close", ret) : 0;
}

/* Append one chunk of @type holding @raw (@len bytes), deflated, with valid CRCs. */
static int put_chunk(FILE *f, uint16_t type, const uint8_t *raw, size_t len)
{
	uLongf zlen = compressBound(len);
	uint8_t *z = malloc(zlen), h[DPF_CHUNK_HEADER_SIZE];
	struct dpf_chunk_header ch = { .type = type };

	if (!z || compress2(z, &zlen, raw, len, 9) != Z_OK)
		return -ENOMEM;
	ch.stored_size = zlen;
	ch.raw_size = len;
	ch.payload_crc = dpf_crc32(z, zlen);
	dpf_chunk_header_encode(h, &ch);
	fwrite(h, 1, sizeof(h), f);
	fwrite(z, 1, zlen, f);
	free(z);
	return ferror(f) ? -EIO : 0;
}

/* A snapshot chunk for @target filled with four-byte regions (start +0, size 1, 0, 0). */
static size_t tiny_regions_chunk(uint8_t *raw, size_t cap, uint32_t target)
{
	uint8_t *p = raw;
	uint64_t nr;

	p = put_uvarint_raw(p, target);
	p = put_uvarint_raw(p, 0);	/* flags */
	p = put_uvarint_raw(p, 0);	/* start delta */
	p = put_uvarint_raw(p, 1);	/* duration */
	nr = (cap - (p - raw) - 8) / 4;
	p = put_uvarint_raw(p, nr);
	for (uint64_t i = 0; i < nr; i++) {
		memcpy(p, "\0\1\0\0", 4);
		p += 4;
	}
	return p - raw;
}

/* A snapshot chunk of @nr disjoint regions (start +1, size 1, 1 access, age 0). */
static size_t gap_regions_chunk(uint8_t *raw, uint64_t nr)
{
	uint8_t *p = raw;

	p = put_uvarint_raw(p, 0);
	p = put_uvarint_raw(p, 0);
	p = put_uvarint_raw(p, 0);
	p = put_uvarint_raw(p, 1);
	p = put_uvarint_raw(p, nr);
	for (uint64_t i = 0; i < nr; i++) {
		memcpy(p, "\2\1\1\0", 4);
		p += 4;
	}
	return p - raw;
}

static int hostile(const char *kind, const char *out)
{
	size_t cap = DPF_MAX_CHUNK_RAW, len = 0;
	uint8_t *raw = malloc(cap), h[DPF_HEADER_SIZE], *p;
	FILE *f = fopen(out, "wb");
	int ret = 0;

	if (!raw || !f)
		return die(out, -errno);
	dpf_header_encode(h);
	fwrite(h, 1, sizeof(h), f);
	p = raw;
	p = put_uvarint_raw(p, 1);
	p = put_uvarint_raw(p, 6);
	memcpy(p, "source", 6);
	p += 6;
	p = put_uvarint_raw(p, 12);
	memcpy(p, "mkrec hostil", 12);
	p += 12;
	ret = put_chunk(f, DPF_CHUNK_META, raw, p - raw);
	if (!strcmp(kind, "regions") || !strcmp(kind, "slots")) {
		for (uint32_t t = 0; !ret && t < (kind[0] == 's' ? 4 : 1); t++) {
			len = tiny_regions_chunk(raw, cap, t);
			ret = put_chunk(f, DPF_CHUNK_SNAPSHOTS, raw, len);
		}
	} else if (!strcmp(kind, "gaps")) {
		len = gap_regions_chunk(raw, 4000000);
		ret = put_chunk(f, DPF_CHUNK_SNAPSHOTS, raw, len);
	} else if (!strcmp(kind, "maps")) {
		p = raw;
		p = put_uvarint_raw(p, 0);		/* target */
		p = put_uvarint_raw(p, 0);		/* time */
		p = put_uvarint_raw(p, 10000000);
		memset(p, 0, 60000000);			/* start +0, size 0, offset 0, perms 0, "", no id */
		ret = put_chunk(f, DPF_CHUNK_MAPS, raw, p - raw + 60000000);
	} else if (!strcmp(kind, "meta")) {
		p = raw;
		p = put_uvarint_raw(p, 400000);
		for (unsigned i = 0; i < 400000; i++) {
			int n = sprintf((char *)p + 1, "key.%u", i);

			p[0] = n;
			p += 1 + n;
			*p++ = 0;			/* empty value */
		}
		ret = put_chunk(f, DPF_CHUNK_META, raw, p - raw);
		if (!ret)	/* and one snapshot of one region, so that reports have something */
			ret = put_chunk(f, DPF_CHUNK_SNAPSHOTS, raw, gap_regions_chunk(raw, 1));
	} else {
		fprintf(stderr, "mkrec: unknown --hostile kind '%s'\n", kind);
		return 2;
	}
	free(raw);
	if (fclose(f) || ret)
		return die(out, ret ? ret : -errno);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--hostile"))
		return hostile(argv[2], argv[3]);
	if (argc >= 5 && !strcmp(argv[1], "--synth"))
		return synth(argv[2], strtoull(argv[3], NULL, 0), strtoull(argv[4], NULL, 0),
			     argc > 5 ? strtoull(argv[5], NULL, 0) : SYNTH_DEFAULT_SEED,
			     argc > 6 ? strtoull(argv[6], NULL, 0) : 0);
	if (argc == 2)
		return from_text(argv[1]);
	fprintf(stderr, "usage: mkrec OUT < description | mkrec --synth OUT SNAPSHOTS REGIONS [SEED [FLUSH]] | "
			"mkrec --hostile regions|slots|gaps|maps|meta OUT\n");
	return 2;
}
