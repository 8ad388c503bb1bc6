// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the INTERVALS chunk (format/intervals.c): a round trip through the writer and the
 * reader (a change comes before the snapshots queued after it, several changes share a chunk),
 * the writer's refusals of values no recorder makes, fields a later minor version appends read
 * and dropped, and hostile payloads (bad cause, sample interval 0, aggregation shorter than the
 * sampling, region bounds upside down, too many fields, cut short) turned into damage that
 * costs only the rest of the chunk. With DAPROF_WRITE_SEED=PATH it writes the fuzz seed
 * tests/fuzz/corpus/recording/intervals.data instead.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "format/codec.h"
#include "format/layout.h"
#include "tests/unit/test-tmp.h"

static const struct dpf_intervals change_a = {
	.target = 0, .cause = DPF_IV_BUDGET, .time_ns = 200, .sample_us = 10000,
	.aggr_us = 200000, .update_us = 1000000, .min_nr_regions = 10, .max_nr_regions = 500,
};
static const struct dpf_intervals change_b = {
	.target = 1, .cause = DPF_IV_KERNEL, .time_ns = 300, .sample_us = 1,
	.aggr_us = 1, .update_us = 0, .min_nr_regions = 3, .max_nr_regions = 3,
};

static void write_recording(const char *path)
{
	struct dpf_region reg = { 0x1000, 0x3000, 5, 1 };
	struct dpf_snapshot s = { .target = 0, .start_ns = 0, .end_ns = 100, .nr_regions = 1,
				  .regions = &reg };
	struct dpf_writer *w;

	assert_int_equal(dpf_writer_open(&w, path, NULL, NULL), 0);
	assert_int_equal(dpf_writer_snapshot(w, &s), 0);
	assert_int_equal(dpf_writer_flush(w), 0);
	assert_int_equal(dpf_writer_intervals(w, &change_a), 0);
	assert_int_equal(dpf_writer_intervals(w, &change_b), 0);
	s.start_ns = 200;
	s.end_ns = 400;
	assert_int_equal(dpf_writer_snapshot(w, &s), 0);
	assert_int_equal(dpf_writer_close(w), 0);
}

static void test_round_trip(void **state)
{
	struct dpf_reader *r;
	struct dpf_event e;
	unsigned major, minor;
	char order[8] = "";
	int n = 0;

	write_recording(*state);
	assert_int_equal(dpf_reader_open(&r, *state), 0);
	dpf_reader_version(r, &major, &minor);
	assert_int_equal(minor, 2);
	while (dpf_reader_next(r, &e) > 0 && n < 7) {
		assert_int_not_equal(e.type, DPF_EV_DAMAGE);
		order[n++] = e.type == DPF_EV_SNAPSHOT ? 's' : e.type == DPF_EV_INTERVALS ? 'i' : '?';
		if (e.type != DPF_EV_INTERVALS)
			continue;
		assert_memory_equal(&e.intervals, n == 2 ? &change_a : &change_b,
				    sizeof(e.intervals));
	}
	/* the changes come before the snapshot queued after them */
	assert_string_equal(order, "siis");
	dpf_reader_close(r);
}

static void test_writer_refuses_bad_values(void **state)
{
	struct dpf_intervals iv = change_a;
	struct dpf_writer *w;
	struct dpf_reader *r;
	struct dpf_event e;
	int n = 0;

	assert_int_equal(dpf_writer_open(&w, *state, NULL, NULL), 0);
	iv.cause = 0;
	assert_int_equal(dpf_writer_intervals(w, &iv), -EINVAL);
	iv.cause = DPF_IV_CAUSE_MAX + 1;
	assert_int_equal(dpf_writer_intervals(w, &iv), -EINVAL);
	iv = change_a;
	iv.sample_us = 0;
	assert_int_equal(dpf_writer_intervals(w, &iv), -EINVAL);
	iv = change_a;
	iv.aggr_us = iv.sample_us - 1;
	assert_int_equal(dpf_writer_intervals(w, &iv), -EINVAL);
	iv = change_a;
	iv.min_nr_regions = iv.max_nr_regions + 1;
	assert_int_equal(dpf_writer_intervals(w, &iv), -EINVAL);
	assert_int_equal(dpf_writer_intervals(w, &change_a), 0);	/* the file is still fine */
	assert_int_equal(dpf_writer_close(w), 0);
	assert_int_equal(dpf_reader_open(&r, *state), 0);
	while (dpf_reader_next(r, &e) > 0) {
		assert_int_equal(e.type, DPF_EV_INTERVALS);
		assert_memory_equal(&e.intervals, &change_a, sizeof(e.intervals));
		n++;
	}
	assert_int_equal(n, 1);
	dpf_reader_close(r);
}

/* One change's fields, as a writer codes them: the count, then @nf values of @f. */
static void payload(struct dpf_buf *b, uint64_t count, const uint64_t *f, int nf)
{
	b->len = 0;
	dpf_buf_uvarint(b, count);
	for (int i = 0; i < nf; i++)
		dpf_buf_uvarint(b, f[i]);
}

static int decode(const struct dpf_buf *b, struct dpf_intervals *iv)
{
	struct dpf_cursor c = { b->data, b->data + b->len, 0 };

	return dpf_decode_intervals(&c, iv);
}

static void test_hostile_payloads(void **state)
{
	/* target, cause, time, sample, aggr, update, min, max, and one field from the future */
	uint64_t good[9] = { 3, DPF_IV_GOAL, 5000, 100, 1000, 10000, 10, 1000, 77 };
	struct dpf_buf b = { 0 };
	struct dpf_intervals iv;
	uint64_t f[9];

	(void)state;
	payload(&b, 8, good, 8);
	assert_int_equal(decode(&b, &iv), 0);
	assert_int_equal(iv.target, 3);
	assert_int_equal(iv.cause, DPF_IV_GOAL);
	assert_int_equal(iv.time_ns, 5000);
	assert_int_equal(iv.aggr_us, 1000);
	assert_int_equal(iv.max_nr_regions, 1000);
	payload(&b, 9, good, 9);	/* a later minor version's field: read and dropped */
	assert_int_equal(decode(&b, &iv), 0);
	assert_int_equal(iv.max_nr_regions, 1000);
	payload(&b, 7, good, 7);	/* fewer fields than a change has */
	assert_int_equal(decode(&b, &iv), -EBADMSG);
	payload(&b, 1000000, good, 9);	/* a million fields */
	assert_int_equal(decode(&b, &iv), -EBADMSG);
	payload(&b, 8, good, 5);	/* cut short */
	assert_int_equal(decode(&b, &iv), -EBADMSG);
	struct { int field; uint64_t value; } bad[] = {
		{ 0, (uint64_t)UINT32_MAX + 1 },	/* target */
		{ 1, 0 }, { 1, DPF_IV_CAUSE_MAX + 1 },	/* cause */
		{ 3, 0 },				/* sample interval */
		{ 4, 99 },				/* aggregation shorter than the sampling */
		{ 6, 1001 },				/* min above max */
		{ 7, (uint64_t)UINT32_MAX + 1 },	/* max */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(f, good, sizeof(f));
		f[bad[i].field] = bad[i].value;
		if (bad[i].field == 7)
			f[6] = 0;
		payload(&b, 8, f, 8);
		assert_int_equal(decode(&b, &iv), -EBADMSG);
	}
	free(b.data);
}

/* Append @payload to @file as one stored chunk of @type, framed as a writer frames it. */
static void frame_chunk(struct dpf_buf *file, uint16_t type, const struct dpf_buf *payload)
{
	struct dpf_chunk_header ch = { .type = type, .flags = DPF_CF_STORED,
				       .stored_size = payload->len, .raw_size = payload->len,
				       .payload_crc = dpf_crc32(payload->data, payload->len) };
	uint8_t h[DPF_CHUNK_HEADER_SIZE];

	dpf_chunk_header_encode(h, &ch);
	dpf_buf_put(file, h, sizeof(h));
	dpf_buf_put(file, payload->data, payload->len);
}

/* A damaged change in a chunk: damage once, the rest of its chunk lost, the next chunk read. */
static void test_damage_costs_rest_of_chunk(void **state)
{
	uint64_t good[8] = { 0, DPF_IV_BUDGET, 100, 100, 1000, 0, 1, 2 };
	uint64_t bad[8] = { 0, DPF_IV_BUDGET, 200, 0, 1000, 0, 1, 2 };	/* sampling 0 */
	struct dpf_buf file = { 0 }, p = { 0 }, one = { 0 };
	uint8_t hdr[DPF_HEADER_SIZE];
	struct dpf_reader *r;
	struct dpf_event e;
	int changes = 0, damage = 0;
	uint64_t times = 0;

	(void)state;
	dpf_header_encode(hdr);
	dpf_buf_put(&file, hdr, sizeof(hdr));
	payload(&one, 8, good, 8);
	dpf_buf_put(&p, one.data, one.len);		/* read */
	payload(&one, 8, bad, 8);
	dpf_buf_put(&p, one.data, one.len);		/* damage */
	payload(&one, 8, good, 8);
	dpf_buf_put(&p, one.data, one.len);		/* lost with the rest of the chunk */
	frame_chunk(&file, DPF_CHUNK_INTERVALS, &p);
	good[2] = 300;
	payload(&one, 8, good, 8);
	frame_chunk(&file, DPF_CHUNK_INTERVALS, &one);	/* the next chunk: read */
	assert_int_equal(dpf_reader_open_mem(&r, file.data, file.len), 0);
	while (dpf_reader_next(r, &e) > 0) {
		if (e.type == DPF_EV_INTERVALS) {
			changes++;
			times += e.intervals.time_ns;
		}
		if (e.type == DPF_EV_DAMAGE) {
			damage++;
			assert_int_equal(e.damage.chunk_type, DPF_CHUNK_INTERVALS);
		}
	}
	dpf_reader_close(r);
	assert_int_equal(damage, 1);
	assert_int_equal(changes, 2);
	assert_int_equal(times, 100 + 300);
	free(file.data);
	free(p.data);
	free(one.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, tmpfile_setup, tmpfile_teardown),
		cmocka_unit_test_setup_teardown(test_writer_refuses_bad_values, tmpfile_setup,
						tmpfile_teardown),
		cmocka_unit_test(test_hostile_payloads),
		cmocka_unit_test(test_damage_costs_rest_of_chunk),
	};

	if (getenv("DAPROF_WRITE_SEED")) {
		write_recording(getenv("DAPROF_WRITE_SEED"));
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
