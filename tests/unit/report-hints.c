// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of report/hints.c on a fabricated report hot table whose every number is set here:
 * the hot and idle rules and their thresholds, MADV_PAGEOUT against MADV_COLD, the huge-page
 * advice, the confidence from coverage and doubts, the flags and the neighbours' bytes, all
 * against values computed by hand (design note 21).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report/hints.h"
#include "report/hot.h"

#define S 1000000000ull
#define KiB 1024ull
#define MiB (1024ull * 1024)

static void obj(struct hot_object *o, const char *name, const char *kind, uint64_t size,
		uint64_t offset, double share, uint64_t idle_ns, uint64_t observed_ns,
		double idle_byte_s, int shares)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->kind, sizeof(o->kind), "%s", kind);
	o->size = size;
	o->map_offset = offset;
	o->byte_s = 1000;
	o->hot_byte_s = 1000 * share;
	o->heat = share > 0 ? 5000 : 0;
	o->idle_ns = idle_ns;
	o->observed_ns = observed_ns;
	o->idle_byte_s = idle_byte_s;
	o->shares = shares;
}

/* A recording of 10 s: the default idle threshold is a quarter of it, 2.5 s (PAGEOUT: 5 s). */
static struct hot *table(void)
{
	struct hot *h = calloc(1, sizeof(*h));
	struct hot_object *o;

	assert_non_null(h);
	h->obj = o = calloc(13, sizeof(*o));
	assert_non_null(o);
	obj(&o[0], "big_hot", "object", 4 * MiB, 0x200000, 0.95, 0, 10 * S, 0, 0);
	obj(&o[1], "half_seen", "object", 64 * KiB, 0x10000, 1.0, 0, 6 * S, 0, 0);
	obj(&o[2], "not_hot_enough", "object", 64 * KiB, 0x20000, 0.89, 0, 10 * S, 0, 0);
	obj(&o[3], "cold_long", "object", 1 * MiB, 0x1000, 0, 6 * S, 10 * S, 800, 0);
	obj(&o[4], "cold_short", "object", 1 * MiB, 0x400000, 0, 3 * S, 10 * S, 700, 0);
	obj(&o[5], "cold_small_long", "object", 32 * KiB, 0x30000, 0, 8 * S, 10 * S, 600, 0);
	obj(&o[6], "cold_unaligned", "object", 5000, 0x3100, 0, 3 * S, 10 * S, 500, 1);
	obj(&o[7], "[heap]", "heap", 3 * MiB, 0, 0, 6 * S, 10 * S, 900, 0);
	obj(&o[8], "tiny", "object", 100, 0x50, 1.0, 0, 10 * S, 0, 0);
	obj(&o[9], "some_func", "function", 1 * MiB, 0x1000, 1.0, 0, 10 * S, 0, 0);
	obj(&o[10], "quarter_seen", "object", 16 * KiB, 0x40000, 1.0, 0, 2 * S, 0, 0);
	obj(&o[11], "barely_idle", "object", 1 * MiB, 0x500000, 0, 2 * S, 10 * S, 400, 0);
	obj(&o[12], "[unmapped]", "unknown", 1 * MiB, 0, 0, 9 * S, 10 * S, 1000, 0);
	o[12].unmapped = 1;
	h->nr = 13;
	h->nr_listed = 12;
	h->start_ns = 100 * S;
	h->end_ns = 110 * S;
	return h;
}

static void free_table(struct hot *h)
{
	free(h->obj);
	free(h);
}

static void expect(const struct hint *t, enum hint_advice a, const char *name,
		   enum hint_confidence c, unsigned flags)
{
	assert_string_equal(t->obj->name, name);
	assert_string_equal(hint_advice_name(t->advice), hint_advice_name(a));
	assert_string_equal(hint_confidence_name(t->confidence), hint_confidence_name(c));
	assert_int_equal(t->flags, flags);
}

static void test_the_default_rules(void **state)
{
	struct hints_opts o = HINTS_OPTS_INIT;
	struct hot *h = table();
	struct hints hs;

	assert_int_equal(hints_build(&hs, h, &o), 0);
	assert_int_equal(hs.span_ns, 10 * S);
	assert_int_equal(hs.idle_ns, 2500000000ull);
	assert_int_equal(hs.nr, 10);
	/* hot, in the table's order: high confidence pins, lower ones prefetch */
	expect(&hs.hint[0], HINT_MLOCK, "big_hot", HINT_HIGH, 0);
	expect(&hs.hint[1], HINT_HUGEPAGE, "big_hot", HINT_HIGH, 0);
	expect(&hs.hint[2], HINT_WILLNEED, "half_seen", HINT_MEDIUM, 0);	/* 6 of 10 s */
	assert_true(hs.hint[2].coverage > 0.599 && hs.hint[2].coverage < 0.601);
	expect(&hs.hint[3], HINT_WILLNEED, "quarter_seen", HINT_LOW, 0);	/* 2 of 10 s */
	/* idle, the most idle byte-time first: 6 s >= 2 x 2.5 s and >= 64 KiB pages out */
	expect(&hs.hint[4], HINT_PAGEOUT, "[heap]", HINT_HIGH, HINT_RANGE);
	expect(&hs.hint[5], HINT_NOHUGEPAGE, "[heap]", HINT_HIGH, HINT_RANGE);
	expect(&hs.hint[6], HINT_PAGEOUT, "cold_long", HINT_HIGH, 0);
	expect(&hs.hint[7], HINT_COLD, "cold_short", HINT_HIGH, 0);		/* 3 s < 5 s */
	expect(&hs.hint[8], HINT_COLD, "cold_small_long", HINT_HIGH, 0);	/* 32 KiB */
	/* 5000 bytes at 0x3100: pages 0x3000-0x5000, 8192 - 5000 bytes of neighbours; it shares
	 * its region, so one level less sure */
	expect(&hs.hint[9], HINT_COLD, "cold_unaligned", HINT_MEDIUM, HINT_UNALIGNED | HINT_SHARES);
	assert_int_equal(hs.hint[9].neighbours, 3192);
	assert_int_equal(hs.hint[9].size, 5000);
	assert_int_equal(hs.hint[0].neighbours, 0);
	hints_release(&hs);
	free_table(h);
}

static void test_a_writes_only_primitive_makes_idle_less_sure(void **state)
{
	struct hints_opts o = HINTS_OPTS_INIT;
	struct hot *h = table();
	struct hints hs;

	o.writes_only = 1;
	assert_int_equal(hints_build(&hs, h, &o), 0);
	assert_int_equal(hs.nr, 10);
	expect(&hs.hint[0], HINT_MLOCK, "big_hot", HINT_HIGH, 0);
	expect(&hs.hint[6], HINT_PAGEOUT, "cold_long", HINT_MEDIUM, HINT_WRITES_ONLY);
	expect(&hs.hint[9], HINT_COLD, "cold_unaligned", HINT_LOW,
	       HINT_UNALIGNED | HINT_SHARES | HINT_WRITES_ONLY);
	hints_release(&hs);
	free_table(h);
}

static void test_the_thresholds_are_options(void **state)
{
	struct hints_opts o = HINTS_OPTS_INIT;
	struct hot *h = table();
	struct hints hs;

	o.hot_share = 0.96;	/* big_hot (0.95) is no longer hot, and it is not idle */
	o.idle_ns = 7 * S;	/* only cold_small_long (8 s); 8 s < 14 s: cold, not paged out */
	o.huge = 8 * MiB;
	assert_int_equal(hints_build(&hs, h, &o), 0);
	assert_int_equal(hs.idle_ns, 7 * S);
	assert_int_equal(hs.nr, 3);
	expect(&hs.hint[0], HINT_WILLNEED, "half_seen", HINT_MEDIUM, 0);
	expect(&hs.hint[1], HINT_WILLNEED, "quarter_seen", HINT_LOW, 0);
	expect(&hs.hint[2], HINT_COLD, "cold_small_long", HINT_HIGH, 0);
	hints_release(&hs);

	o = (struct hints_opts)HINTS_OPTS_INIT;
	o.idle_ns = 2 * S;	/* barely_idle (2 s) joins */
	o.min_size = 2 * MiB;	/* and only big objects count */
	assert_int_equal(hints_build(&hs, h, &o), 0);
	assert_int_equal(hs.nr, 4);
	expect(&hs.hint[0], HINT_MLOCK, "big_hot", HINT_HIGH, 0);
	expect(&hs.hint[1], HINT_HUGEPAGE, "big_hot", HINT_HIGH, 0);
	expect(&hs.hint[2], HINT_PAGEOUT, "[heap]", HINT_HIGH, HINT_RANGE);
	expect(&hs.hint[3], HINT_NOHUGEPAGE, "[heap]", HINT_HIGH, HINT_RANGE);
	hints_release(&hs);
	free_table(h);
}

/* Its least idle piece was idle 1 s only (a region split anew), but 600 KiB of its 1 MiB were
 * idle for at least the threshold: that counts, when idle_bytes were counted at it or above. */
static void test_most_bytes_idle_is_idle(void **state)
{
	struct hints_opts o = HINTS_OPTS_INIT;
	struct hot *h = table();
	struct hints hs;

	h->obj[11].idle_ns = 1 * S;
	h->obj[11].idle_bytes = 600 * KiB;
	o.min_size = 1 * MiB;	/* big_hot, cold_long, cold_short, [heap], barely_idle */
	o.idle_bytes_ns = 2 * S;	/* below the threshold (2.5 s): says nothing */
	assert_int_equal(hints_build(&hs, h, &o), 0);
	assert_int_equal(hs.nr, 6);
	hints_release(&hs);
	o.idle_bytes_ns = 2500 * 1000000ull;
	assert_int_equal(hints_build(&hs, h, &o), 0);
	assert_int_equal(hs.nr, 7);
	expect(&hs.hint[6], HINT_COLD, "barely_idle", HINT_HIGH, 0);	/* 1 s: not paged out */
	hints_release(&hs);
	h->obj[11].idle_bytes = 512 * KiB;	/* half is not most */
	assert_int_equal(hints_build(&hs, h, &o), 0);
	assert_int_equal(hs.nr, 6);
	hints_release(&hs);
	free_table(h);
}

static void test_the_default_idle_threshold(void **state)
{
	assert_int_equal(hints_default_idle_ns(10 * S), 2500000000ull);
	assert_int_equal(hints_default_idle_ns(100 * S), 10 * S);
	assert_int_equal(hints_default_idle_ns(0), 10 * S);
	assert_string_equal(hint_advice_name(HINT_PAGEOUT), "MADV_PAGEOUT");
	assert_int_equal(hint_is_hot(HINT_HUGEPAGE), 1);
	assert_int_equal(hint_is_hot(HINT_NOHUGEPAGE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_default_rules),
		cmocka_unit_test(test_a_writes_only_primitive_makes_idle_less_sure),
		cmocka_unit_test(test_the_thresholds_are_options),
		cmocka_unit_test(test_most_bytes_idle_is_idle),
		cmocka_unit_test(test_the_default_idle_threshold),
	};

	return cmocka_run_group_tests_name("report/hints", tests, NULL, NULL);
}
