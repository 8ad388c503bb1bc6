// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the recording format: round trips through the writer and reader, the delta
 * coding's edge cases, damage recovery, version and chunk-type rules, and the golden 1.0 file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "format/dpf.h"
#include "tests/unit/test-tmp.h"

/* A tiny deterministic generator so that test data are the same on every run. */
static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random sorted regions with random gaps, sizes, counts and ages. */
static void random_snapshot(struct dpf_snapshot *s, struct dpf_region *buf, uint32_t nr,
			    uint64_t *seed)
{
	uint64_t a = 0x400000 + (rng(seed) % 16) * 4096;

	for (uint32_t i = 0; i < nr; i++) {
		a += (rng(seed) % 3 == 0) ? (rng(seed) % 1000) * 4096 : 0;
		buf[i].start = a;
		a += (1 + rng(seed) % 5000) * 4096;
		buf[i].end = a;
		buf[i].nr_accesses = rng(seed) % 3 ? rng(seed) % 21 : UINT32_MAX - rng(seed) % 2;
		buf[i].age = rng(seed) % 4 ? rng(seed) % 100 : UINT32_MAX;
	}
	s->regions = buf;
	s->nr_regions = nr;
}

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*buf = malloc(n ? n : 1);
	*len = fread(*buf, 1, n, f);
	fclose(f);
	return *len == (size_t)n ? 0 : -1;
}

static void write_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static void test_roundtrip_keeps_every_value(void **state)
{
	struct dpf_writer_opts o = { .chunk_bytes = 3000 };	/* many chunks */
	struct dpf_region *buf = calloc(300 * 200, sizeof(*buf));
	struct dpf_snapshot *want = calloc(300, sizeof(*want));
	struct dpf_writer *w;
	struct dpf_reader *r;
	struct dpf_event ev;
	struct dpf_meta m;
	uint64_t seed = 12345, t = 5;
	int got = 0;

	dpf_meta_init(&m);
	assert_int_equal(dpf_meta_set(&m, "backend", "sampler"), 0);
	assert_int_equal(dpf_meta_setf(&m, "sample_us", "%d", 5000), 0);
	assert_int_equal(dpf_writer_open(&w, *state, &o, &m), 0);
	for (int k = 0; k < 300; k++) {
		want[k].target = k % 3;
		want[k].start_ns = t;
		/* time may go backwards between targets; both must survive */
		t += (k % 7 == 0) ? 0 : 100000000 + rng(&seed) % 1000;
		want[k].end_ns = t;
		random_snapshot(&want[k], buf + k * 200, 1 + rng(&seed) % 200, &seed);
		assert_int_equal(dpf_writer_snapshot(w, &want[k]), 0);
	}
	assert_int_equal(dpf_writer_close(w), 0);

	assert_int_equal(dpf_reader_open(&r, *state), 0);
	assert_string_equal(dpf_meta_get(dpf_reader_meta(r), "backend"), "sampler");
	assert_int_equal(dpf_meta_get_u64(dpf_reader_meta(r), "sample_us", 0), 5000);
	assert_true(dpf_reader_closed_cleanly(r));
	while (dpf_reader_next(r, &ev) > 0) {
		assert_int_not_equal(ev.type, DPF_EV_DAMAGE);
		if (ev.type != DPF_EV_SNAPSHOT)
			continue;
		assert_true(got < 300);
		assert_int_equal(ev.snapshot.target, want[got].target);
		assert_int_equal(ev.snapshot.start_ns, want[got].start_ns);
		assert_int_equal(ev.snapshot.end_ns, want[got].end_ns);
		assert_int_equal(ev.snapshot.nr_regions, want[got].nr_regions);
		assert_memory_equal(ev.snapshot.regions, want[got].regions,
				    want[got].nr_regions * sizeof(struct dpf_region));
		got++;
	}
	assert_int_equal(got, 300);
	dpf_reader_close(r);
	dpf_meta_release(&m);
	free(buf);
	free(want);
}

/* Boundaries that move, split and merge between snapshots are coded against the right base. */
static void test_delta_coding_follows_splits_and_merges(void **state)
{
	struct dpf_region a[] = {
		{ 0x1000, 0x5000, 3, 7 }, { 0x5000, 0x9000, 0, 2 }, { 0xa000, 0xb000, 9, 0 },
	};
	struct dpf_region b[] = {	/* split, merge, shifted start before the old first region */
		{ 0x0000, 0x2000, 3, 8 }, { 0x2000, 0x3000, 4, 0 }, { 0x3000, 0xb000, 1, 1 },
		{ 0xffff0000, 0xffff1000, 0, 0 },
	};
	struct dpf_snapshot s1 = { .target = 7, .start_ns = 10, .end_ns = 20, .nr_regions = 3,
				   .regions = a };
	struct dpf_snapshot s2 = { .target = 7, .start_ns = 20, .end_ns = 30, .nr_regions = 4,
				   .regions = b };
	struct dpf_snapshot s3 = { .target = 7, .start_ns = 30, .end_ns = 30, .nr_regions = 0 };
	struct dpf_writer *w;
	struct dpf_reader *r;
	struct dpf_event ev;

	assert_int_equal(dpf_writer_open(&w, *state, NULL, NULL), 0);
	assert_int_equal(dpf_writer_snapshot(w, &s1), 0);
	assert_int_equal(dpf_writer_snapshot(w, &s2), 0);
	assert_int_equal(dpf_writer_snapshot(w, &s3), 0);
	assert_int_equal(dpf_writer_close(w), 0);
	assert_int_equal(dpf_reader_open(&r, *state), 0);
	assert_int_equal(dpf_reader_next(r, &ev), 1);
	assert_memory_equal(ev.snapshot.regions, a, sizeof(a));
	assert_int_equal(dpf_reader_next(r, &ev), 1);
	assert_int_equal(ev.snapshot.nr_regions, 4);
	assert_memory_equal(ev.snapshot.regions, b, sizeof(b));
	assert_int_equal(dpf_reader_next(r, &ev), 1);
	assert_int_equal(ev.snapshot.nr_regions, 0);
	assert_int_equal(dpf_reader_next(r, &ev), 0);
	dpf_reader_close(r);
}

static void test_writer_rejects_unsorted_regions(void **state)
{
	struct dpf_region bad[] = { { 0x5000, 0x6000, 0, 0 }, { 0x4000, 0x5000, 0, 0 } };
	struct dpf_region empty[] = { { 0x5000, 0x5000, 0, 0 } };
	struct dpf_snapshot s = { .start_ns = 1, .end_ns = 2, .nr_regions = 2, .regions = bad };
	struct dpf_writer *w;

	assert_int_equal(dpf_writer_open(&w, *state, NULL, NULL), 0);
	assert_int_equal(dpf_writer_snapshot(w, &s), -EINVAL);
	s.nr_regions = 1;
	s.regions = empty;
	assert_int_equal(dpf_writer_snapshot(w, &s), -EINVAL);
	s.regions = bad;
	s.end_ns = 0;
	assert_int_equal(dpf_writer_snapshot(w, &s), -EINVAL);
	/* the file stays usable after a rejected snapshot */
	s.end_ns = 2;
	assert_int_equal(dpf_writer_snapshot(w, &s), 0);
	assert_int_equal(dpf_writer_close(w), 0);
}

static void test_many_targets_start_new_chunks(void **state)
{
	struct dpf_region reg = { 0x1000, 0x2000, 1, 1 };
	struct dpf_writer *w;
	struct dpf_reader *r;
	struct dpf_event ev;
	uint32_t n = 0;

	assert_int_equal(dpf_writer_open(&w, *state, NULL, NULL), 0);
	for (uint32_t t = 0; t < 200; t++) {
		struct dpf_snapshot s = { .target = t * 1000, .start_ns = t, .end_ns = t + 1,
					  .nr_regions = 1, .regions = &reg };

		assert_int_equal(dpf_writer_snapshot(w, &s), 0);
	}
	assert_int_equal(dpf_writer_close(w), 0);
	assert_int_equal(dpf_reader_open(&r, *state), 0);
	while (dpf_reader_next(r, &ev) > 0) {
		assert_int_equal(ev.type, DPF_EV_SNAPSHOT);
		assert_int_equal(ev.snapshot.target, n * 1000);
		assert_int_equal(ev.snapshot.regions[0].end, 0x2000);
		n++;
	}
	assert_int_equal(n, 200);
	dpf_reader_close(r);
}

static void test_maps_and_rusage_round_trip(void **state)
{
	struct dpf_mapping mp[2] = {
		{ .start = 0x400000, .end = 0x401000, .offset = 0, .perms = DPF_MAP_READ | DPF_MAP_EXEC,
		  .path = "/usr/bin/x", .build_id_len = 20, .build_id = { 1, 2, 3, 4, 5 } },
		{ .start = 0x7f0000, .end = 0x900000, .offset = 4096, .perms = DPF_MAP_WRITE,
		  .path = "" },
	};
	struct dpf_maps m = { .target = 2, .time_ns = 99, .nr = 2, .maps = mp };
	struct dpf_rusage u = { 1, 2, 3, 4, 5, 6, 7 };
	struct dpf_writer *w;
	struct dpf_reader *r;
	struct dpf_event ev;
	int seen_maps = 0, seen_rusage = 0;

	assert_int_equal(dpf_writer_open(&w, *state, NULL, NULL), 0);
	assert_int_equal(dpf_writer_maps(w, &m), 0);
	assert_int_equal(dpf_writer_rusage(w, &u), 0);
	assert_int_equal(dpf_writer_close(w), 0);
	assert_int_equal(dpf_reader_open(&r, *state), 0);
	while (dpf_reader_next(r, &ev) > 0) {
		if (ev.type == DPF_EV_MAPS) {
			seen_maps++;
			assert_int_equal(ev.maps.target, 2);
			assert_int_equal(ev.maps.time_ns, 99);
			assert_int_equal(ev.maps.nr, 2);
			assert_string_equal(ev.maps.maps[0].path, "/usr/bin/x");
			assert_int_equal(ev.maps.maps[0].build_id_len, 20);
			assert_memory_equal(ev.maps.maps[0].build_id, mp[0].build_id, 20);
			assert_int_equal(ev.maps.maps[1].start, 0x7f0000);
			assert_int_equal(ev.maps.maps[1].end, 0x900000);
			assert_int_equal(ev.maps.maps[1].offset, 4096);
			assert_int_equal(ev.maps.maps[1].perms, DPF_MAP_WRITE);
			assert_string_equal(ev.maps.maps[1].path, "");
		} else if (ev.type == DPF_EV_RUSAGE) {
			seen_rusage++;
			assert_memory_equal(&ev.rusage, &u, sizeof(u));
		}
	}
	assert_int_equal(seen_maps, 1);
	assert_int_equal(seen_rusage, 1);
	dpf_reader_close(r);
}

/* Writes 3 chunks of 10 snapshots each; returns the file's bytes. */
static void three_chunk_file(const char *path, uint8_t **buf, size_t *len)
{
	struct dpf_region reg[4] = {
		{ 0x1000, 0x2000, 1, 0 }, { 0x2000, 0x8000, 0, 3 }, { 0x9000, 0xa000, 20, 1 },
		{ 0x10000, 0x20000, 5, 5 },
	};
	struct dpf_writer *w;
	struct dpf_meta m;

	dpf_meta_init(&m);
	dpf_meta_set(&m, "k", "v");
	assert_int_equal(dpf_writer_open(&w, path, NULL, &m), 0);
	for (int k = 0; k < 30; k++) {
		struct dpf_snapshot s = { .start_ns = k * 10, .end_ns = k * 10 + 10, .nr_regions = 4,
					  .regions = reg };

		assert_int_equal(dpf_writer_snapshot(w, &s), 0);
		if (k % 10 == 9)
			assert_int_equal(dpf_writer_flush(w), 0);
	}
	assert_int_equal(dpf_writer_close(w), 0);
	dpf_meta_release(&m);
	assert_int_equal(read_file(path, buf, len), 0);
}

struct tally {
	int snapshots;
	int damage;
	uint64_t first_lost_ns;
};

static struct tally read_all(const uint8_t *buf, size_t len)
{
	struct tally t = { 0 };
	struct dpf_reader *r;
	struct dpf_event ev;
	uint64_t expect_ns = 0;

	assert_int_equal(dpf_reader_open_mem(&r, buf, len), 0);
	while (dpf_reader_next(r, &ev) > 0) {
		if (ev.type == DPF_EV_DAMAGE) {
			t.damage++;
			assert_non_null(ev.damage.reason);
		} else if (ev.type == DPF_EV_SNAPSHOT) {
			if (ev.snapshot.start_ns != expect_ns && !t.first_lost_ns)
				t.first_lost_ns = expect_ns + 1;
			expect_ns = ev.snapshot.end_ns;
			assert_int_equal(ev.snapshot.nr_regions, 4);
			assert_int_equal(ev.snapshot.regions[2].nr_accesses, 20);
			t.snapshots++;
		}
	}
	dpf_reader_close(r);
	return t;
}

/* Offset of the n-th chunk header (0 = metadata) found by its sync word. */
static size_t chunk_offset(const uint8_t *buf, size_t len, int n)
{
	for (size_t i = 64; i + 4 <= len; i++)
		if (!memcmp(buf + i, "DPCK", 4) && n-- == 0)
			return i;
	fail_msg("chunk not found");
	return 0;
}

static void test_flipped_payload_costs_only_its_chunk(void **state)
{
	uint8_t *buf;
	size_t len;
	struct tally t;

	three_chunk_file(*state, &buf, &len);
	t = read_all(buf, len);
	assert_int_equal(t.snapshots, 30);
	assert_int_equal(t.damage, 0);
	buf[chunk_offset(buf, len, 2) + 30] ^= 0x40;	/* payload of the second snapshot chunk */
	t = read_all(buf, len);
	assert_int_equal(t.snapshots, 20);
	assert_int_equal(t.damage, 1);
	assert_int_equal(t.first_lost_ns, 100 + 1);	/* snapshots 10..19 (100..200 ns) lost */
	free(buf);
}

static void test_damaged_chunk_header_resynchronises(void **state)
{
	uint8_t *buf;
	size_t len;
	struct tally t;

	three_chunk_file(*state, &buf, &len);
	buf[chunk_offset(buf, len, 1) + 9] ^= 0xff;	/* stored size of the first snapshot chunk */
	t = read_all(buf, len);
	assert_int_equal(t.snapshots, 20);
	assert_int_equal(t.damage, 1);
	free(buf);
}

static void test_truncated_file_keeps_whole_chunks(void **state)
{
	uint8_t *buf;
	size_t len, cut;
	struct tally t;
	struct dpf_reader *r;

	three_chunk_file(*state, &buf, &len);
	cut = chunk_offset(buf, len, 3) + 10;	/* inside the third snapshot chunk */
	t = read_all(buf, cut);
	assert_int_equal(t.snapshots, 20);
	assert_int_equal(t.damage, 1);
	assert_int_equal(dpf_reader_open_mem(&r, buf, cut), 0);
	assert_false(dpf_reader_closed_cleanly(r));
	dpf_reader_close(r);
	/* every cut point: never a crash, never more snapshots than were whole */
	for (size_t n = 0; n <= len; n += 7) {
		if (dpf_reader_open_mem(&r, buf, n) == 0) {
			struct dpf_event ev;
			int snaps = 0;

			while (dpf_reader_next(r, &ev) > 0)
				snaps += ev.type == DPF_EV_SNAPSHOT;
			assert_true(snaps <= 30);
			dpf_reader_close(r);
		} else {
			assert_true(n < 64);	/* only a missing header refuses the file */
		}
	}
	free(buf);
}

static void test_every_single_bit_flip_is_survived(void **state)
{
	uint8_t *buf;
	size_t len;

	three_chunk_file(*state, &buf, &len);
	for (size_t i = 0; i < len; i++) {
		struct dpf_reader *r;
		struct dpf_event ev;

		buf[i] ^= 1 << (i % 8);
		if (dpf_reader_open_mem(&r, buf, len) == 0) {
			int n = 0;

			while (dpf_reader_next(r, &ev) > 0)
				n++;
			assert_true(n <= 40);
			dpf_reader_close(r);
		}
		buf[i] ^= 1 << (i % 8);
	}
	free(buf);
}

static void test_refuses_newer_major_and_bad_magic(void **state)
{
	struct dpf_reader *r;
	unsigned major, minor;
	uint8_t *buf;
	size_t len;

	three_chunk_file(*state, &buf, &len);
	buf[8] = 2;	/* major 2; the header CRC is not even checked for a newer major */
	write_file(*state, buf, len);
	assert_int_equal(dpf_reader_open(&r, *state), -EPROTONOSUPPORT);
	assert_null(r);
	assert_int_equal(dpf_file_version(*state, &major, &minor), 0);
	assert_int_equal(major, 2);
	assert_int_equal(minor, DPF_MINOR);
	buf[8] = 1;
	buf[1] = 'X';
	assert_int_equal(dpf_reader_open_mem(&r, buf, len), -EBADMSG);
	assert_int_equal(dpf_reader_open_mem(&r, buf, 0), -EBADMSG);
	assert_int_equal(dpf_reader_open(&r, "/nonexistent/x.data"), -ENOENT);
	free(buf);
}

/* Append a chunk of @type/@flags with @payload stored uncompressed at the end of @buf. */
static size_t add_raw_chunk(uint8_t *buf, size_t len, uint16_t type, uint16_t flags,
			    const char *payload)
{
	size_t n = strlen(payload);
	uint8_t *h = buf + len;

	memcpy(h, "DPCK", 4);
	h[4] = type;
	h[5] = type >> 8;
	h[6] = flags | 2;	/* DPF_CF_STORED */
	h[7] = 0;
	for (int i = 0; i < 4; i++) {
		h[8 + i] = n >> (8 * i);
		h[12 + i] = n >> (8 * i);
	}
	uint32_t pc = crc32(0, (const uint8_t *)payload, n);
	for (int i = 0; i < 4; i++)
		h[16 + i] = pc >> (8 * i);
	uint32_t hc = crc32(0, h, 20);
	for (int i = 0; i < 4; i++)
		h[20 + i] = hc >> (8 * i);
	memcpy(h + 24, payload, n);
	return len + 24 + n;
}

static void test_unknown_chunks_skipped_unless_required(void **state)
{
	uint8_t *buf, *big;
	size_t len, n;
	struct tally t;
	struct dpf_reader *r;
	struct dpf_event ev;
	int ret;

	three_chunk_file(*state, &buf, &len);
	big = malloc(len + 200);
	/* cut off index + trailer: an unclean file, then add an unknown optional chunk */
	n = chunk_offset(buf, len, 4);
	memcpy(big, buf, n);
	n = add_raw_chunk(big, n, 999, 0, "future stuff");
	t = read_all(big, n);
	assert_int_equal(t.snapshots, 30);
	assert_int_equal(t.damage, 0);
	n = add_raw_chunk(big, n, 1000, 1 /* DPF_CF_REQUIRED */, "must know");
	assert_int_equal(dpf_reader_open_mem(&r, big, n), 0);
	while ((ret = dpf_reader_next(r, &ev)) > 0)
		;
	assert_int_equal(ret, -ENOTSUP);
	dpf_reader_close(r);
	free(big);
	free(buf);
}

static void test_atomic_writer_leaves_nothing_on_abort(void **state)
{
	struct dpf_writer_opts o = { .atomic = 1 };
	struct dpf_writer *w;
	struct stat st;
	char cmd[256];

	unlink(*state);
	assert_int_equal(dpf_writer_open(&w, *state, &o, NULL), 0);
	assert_int_not_equal(stat(*state, &st), 0);	/* not visible before close */
	dpf_writer_abort(w);
	assert_int_not_equal(stat(*state, &st), 0);
	snprintf(cmd, sizeof(cmd), "ls %s.tmp.* >/dev/null 2>&1", (char *)*state);
	assert_int_not_equal(system(cmd), 0);	/* no temporary left either */
	assert_int_equal(dpf_writer_open(&w, *state, &o, NULL), 0);
	assert_int_equal(dpf_writer_close(w), 0);
	assert_int_equal(stat(*state, &st), 0);
	/* header, index chunk holding the varint 0 (stored: compressing 1 byte grows it), trailer */
	assert_int_equal(st.st_size, 64 + 24 + 1 + 32);
}

static void test_meta_helpers(void **state)
{
	struct dpf_meta m;

	(void)state;
	dpf_meta_init(&m);
	assert_null(dpf_meta_get(&m, "a"));
	assert_int_equal(dpf_meta_set(&m, "a", "1"), 0);
	assert_int_equal(dpf_meta_set(&m, "a", "18446744073709551615"), 0);
	assert_int_equal(m.nr, 1);
	assert_true(dpf_meta_get_u64(&m, "a", 0) == UINT64_MAX);
	assert_int_equal(dpf_meta_set(&m, "b", "12x"), 0);
	assert_int_equal(dpf_meta_get_u64(&m, "b", 7), 7);
	assert_int_equal(dpf_meta_get_u64(&m, "c", 9), 9);
	dpf_meta_release(&m);
}

/*
 * The golden file of format 1.0, written once by tests/data/format-1.0.txt through mkrec and
 * committed: every later build must read it exactly so. Values are those of the text file.
 */
static void test_golden_1_0_reads_forever(void **state)
{
	struct dpf_reader *r;
	struct dpf_event ev;
	int snaps = 0, maps = 0, rus = 0;
	unsigned major, minor;

	(void)state;
	assert_int_equal(dpf_reader_open(&r, "tests/data/format-1.0.data"), 0);
	dpf_reader_version(r, &major, &minor);
	assert_int_equal(major, 1);
	assert_int_equal(minor, 0);
	assert_true(dpf_reader_closed_cleanly(r));
	assert_string_equal(dpf_meta_get(dpf_reader_meta(r), "backend"), "sampler");
	assert_string_equal(dpf_meta_get(dpf_reader_meta(r), "target.0.comm"), "golden");
	assert_int_equal(dpf_meta_get_u64(dpf_reader_meta(r), "aggr_us", 0), 100000);
	while (dpf_reader_next(r, &ev) > 0) {
		switch (ev.type) {
		case DPF_EV_SNAPSHOT:
			if (snaps == 0) {
				assert_int_equal(ev.snapshot.start_ns, 1000000000);
				assert_int_equal(ev.snapshot.end_ns, 1100000000);
				assert_int_equal(ev.snapshot.nr_regions, 3);
				assert_int_equal(ev.snapshot.regions[0].start, 0x555555554000);
				assert_int_equal(ev.snapshot.regions[0].end, 0x555555556000);
				assert_int_equal(ev.snapshot.regions[0].nr_accesses, 20);
				assert_int_equal(ev.snapshot.regions[2].start, 0x7ffffffde000);
				assert_int_equal(ev.snapshot.regions[2].age, 4);
			}
			if (snaps == 1) {
				assert_int_equal(ev.snapshot.nr_regions, 4);
				assert_int_equal(ev.snapshot.regions[1].start, 0x555555555000);
				assert_int_equal(ev.snapshot.regions[1].nr_accesses, 0);
				assert_int_equal(ev.snapshot.regions[1].age, 0);
			}
			if (snaps == 2) {
				assert_int_equal(ev.snapshot.target, 1);
				assert_int_equal(ev.snapshot.regions[0].end, 0x20000);
			}
			snaps++;
			break;
		case DPF_EV_MAPS:
			maps++;
			assert_string_equal(ev.maps.maps[0].path, "[heap]");
			break;
		case DPF_EV_RUSAGE:
			rus++;
			assert_int_equal(ev.rusage.target_rss, 7340032);
			break;
		default:
			fail_msg("unexpected event %d", ev.type);
		}
	}
	assert_int_equal(snaps, 3);
	assert_int_equal(maps, 1);
	assert_int_equal(rus, 1);
	dpf_reader_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip_keeps_every_value, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_delta_coding_follows_splits_and_merges, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_writer_rejects_unsorted_regions, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_many_targets_start_new_chunks, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_maps_and_rusage_round_trip, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_flipped_payload_costs_only_its_chunk, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_damaged_chunk_header_resynchronises, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_truncated_file_keeps_whole_chunks, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_every_single_bit_flip_is_survived, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_refuses_newer_major_and_bad_magic, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_chunks_skipped_unless_required, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_atomic_writer_leaves_nothing_on_abort, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test(test_meta_helpers),
		cmocka_unit_test(test_golden_1_0_reads_forever),
	};

	return cmocka_run_group_tests_name("format/dpf", tests, NULL, NULL);
}
