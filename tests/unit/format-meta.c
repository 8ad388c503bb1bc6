// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of format/meta.c (the hashed metadata) and of the decoders' memory caps in
 * format/codec.c: what a crafted chunk asks for beyond DPF_MAX_* is refused, never allocated.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>

#include "format/codec.h"

static void test_meta_keeps_order_and_replaces_in_place(void **state)
{
	struct dpf_meta m;

	(void)state;
	dpf_meta_init(&m);
	assert_int_equal(dpf_meta_set(&m, "b", "1"), 0);
	assert_int_equal(dpf_meta_set(&m, "a", "2"), 0);
	assert_int_equal(dpf_meta_set(&m, "b", "3"), 0);
	assert_int_equal(m.nr, 2);
	assert_string_equal(m.entries[0].key, "b");
	assert_string_equal(m.entries[0].value, "3");
	assert_string_equal(dpf_meta_get(&m, "a"), "2");
	assert_null(dpf_meta_get(&m, "c"));
	dpf_meta_release(&m);
	assert_null(dpf_meta_get(&m, "a"));
}

static void test_meta_finds_every_one_of_many_keys(void **state)
{
	struct dpf_meta m;
	char k[32], v[32];

	(void)state;
	dpf_meta_init(&m);
	for (int i = 0; i < 100000; i++) {
		snprintf(k, sizeof(k), "key.%d", i);
		snprintf(v, sizeof(v), "%d", i * 7);
		assert_int_equal(dpf_meta_set(&m, k, v), 0);
	}
	assert_int_equal(m.nr, 100000);
	for (int i = 0; i < 100000; i += 997) {
		snprintf(k, sizeof(k), "key.%d", i);
		assert_int_equal(dpf_meta_get_u64(&m, k, 0), (uint64_t)i * 7);
	}
	assert_true(m.bytes > 100000 * 32);	/* counted for the reader's cap */
	dpf_meta_release(&m);
}

static void test_decode_meta_refuses_past_the_cap(void **state)
{
	struct dpf_buf b = { 0 };
	struct dpf_cursor c;
	struct dpf_meta m;
	char k[32];
	const unsigned n = 1000000;	/* ~56 bytes each held: past 32 MiB */

	(void)state;
	dpf_buf_uvarint(&b, n);
	for (unsigned i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "k%u", i);
		dpf_buf_str(&b, k);
		dpf_buf_str(&b, "");
	}
	assert_int_equal(b.err, 0);
	c = (struct dpf_cursor){ b.data, b.data + b.len, 0 };
	dpf_meta_init(&m);
	assert_int_equal(dpf_decode_meta(&c, &m), -E2BIG);
	assert_true(m.bytes <= DPF_MAX_META_BYTES + 4096 + m.index_size * 4);
	dpf_meta_release(&m);
	free(b.data);
}

/* One snapshot of @nr four-byte regions of @target. */
static void tiny_snapshot(struct dpf_buf *b, uint32_t target, uint64_t nr)
{
	dpf_buf_uvarint(b, target);
	dpf_buf_uvarint(b, 0);
	dpf_buf_uvarint(b, 0);
	dpf_buf_uvarint(b, 1);
	dpf_buf_uvarint(b, nr);
	for (uint64_t i = 0; i < nr; i++)
		dpf_buf_put(b, "\0\1\0\0", 4);
}

static void test_decode_snapshot_refuses_more_regions_than_the_cap(void **state)
{
	struct dpf_codec codec = { 0 };
	struct dpf_snapshot s;
	struct dpf_buf b = { 0 };
	struct dpf_cursor c;

	(void)state;
	tiny_snapshot(&b, 0, DPF_MAX_CHUNK_REGIONS + 1);
	c = (struct dpf_cursor){ b.data, b.data + b.len, 0 };
	assert_int_equal(dpf_decode_snapshot(&codec, &c, &s), -E2BIG);
	assert_int_equal(codec.held, 0);
	dpf_codec_release(&codec);
	free(b.data);
}

static void test_targets_of_a_chunk_share_the_cap(void **state)
{
	struct dpf_codec codec = { 0 };
	struct dpf_snapshot s;
	struct dpf_buf b = { 0 };
	struct dpf_cursor c;
	const uint64_t third = DPF_MAX_CHUNK_REGIONS / 3 + 1;

	(void)state;
	for (uint32_t t = 0; t < 3; t++)
		tiny_snapshot(&b, t, third);
	c = (struct dpf_cursor){ b.data, b.data + b.len, 0 };
	assert_int_equal(dpf_decode_snapshot(&codec, &c, &s), 0);
	assert_int_equal(dpf_decode_snapshot(&codec, &c, &s), 0);
	assert_int_equal(dpf_decode_snapshot(&codec, &c, &s), -E2BIG);
	assert_true(codec.held <= DPF_MAX_CHUNK_REGIONS);
	dpf_codec_reset(&codec);	/* a big chunk's arrays are not kept */
	assert_int_equal(codec.held, 0);
	dpf_codec_release(&codec);
	free(b.data);
}

static void test_decode_maps_refuses_a_map_past_the_cap(void **state)
{
	struct dpf_buf b = { 0 };
	struct dpf_cursor c;
	struct dpf_maps m;
	const uint64_t n = DPF_MAX_DECODE_BYTES / sizeof(struct dpf_mapping) + 1;

	(void)state;
	dpf_buf_uvarint(&b, 0);
	dpf_buf_uvarint(&b, 0);
	dpf_buf_uvarint(&b, n);
	for (uint64_t i = 0; i < n; i++)
		dpf_buf_put(&b, "\0\0\0\0\0\0", 6);
	c = (struct dpf_cursor){ b.data, b.data + b.len, 0 };
	assert_int_equal(dpf_decode_maps(&c, &m), -E2BIG);
	assert_null(m.maps);
	free(b.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meta_keeps_order_and_replaces_in_place),
		cmocka_unit_test(test_meta_finds_every_one_of_many_keys),
		cmocka_unit_test(test_decode_meta_refuses_past_the_cap),
		cmocka_unit_test(test_decode_snapshot_refuses_more_regions_than_the_cap),
		cmocka_unit_test(test_targets_of_a_chunk_share_the_cap),
		cmocka_unit_test(test_decode_maps_refuses_a_map_past_the_cap),
	};

	return cmocka_run_group_tests_name("format/meta and decode caps", tests, NULL, NULL);
}
