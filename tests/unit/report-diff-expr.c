// SPDX-License-Identifier: GPL-2.0
/*
 * report/diff-expr: the --fail-on grammar. Good expressions with each kind of change (relative,
 * bytes, time, a bare number) and symbol names that hold dots and '<'; bad ones, each with the
 * column the error points at.
 */
#include <errno.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report/diff-expr.h"

static void test_relative_change(void **state)
{
	struct diff_expr e;
	const char *why;
	size_t col;

	(void)state;
	assert_int_equal(diff_expr_parse("wss.p90>+10%", &e, &col, &why), 0);
	assert_string_equal(e.metric, "wss.p90");
	assert_int_equal(e.op, '>');
	assert_int_equal(e.unit, DIFF_UNIT_PERCENT);
	assert_float_equal(e.change, 0.10, 1e-12);
	assert_int_equal(diff_expr_parse(" hot.bytes < -20% ", &e, &col, &why), 0);
	assert_string_equal(e.metric, "hot.bytes");
	assert_int_equal(e.op, '<');
	assert_float_equal(e.change, -0.20, 1e-12);
}

static void test_absolute_changes_with_units(void **state)
{
	struct diff_expr e;
	const char *why;
	size_t col;

	(void)state;
	assert_int_equal(diff_expr_parse("hot.bytes>+5M", &e, &col, &why), 0);
	assert_int_equal(e.unit, DIFF_UNIT_BYTES);
	assert_float_equal(e.change, 5 * 1048576.0, 0);
	assert_int_equal(diff_expr_parse("cold.bytes>1.5GiB", &e, &col, &why), 0);
	assert_float_equal(e.change, 1.5 * 1073741824.0, 0);
	assert_int_equal(diff_expr_parse("idle.p90<-500ms", &e, &col, &why), 0);
	assert_int_equal(e.unit, DIFF_UNIT_SECONDS);
	assert_float_equal(e.change, -0.5, 1e-12);
	assert_int_equal(diff_expr_parse("symbol:t.hot_share<-0.25", &e, &col, &why), 0);
	assert_int_equal(e.unit, DIFF_UNIT_PLAIN);
	assert_float_equal(e.change, -0.25, 0);
	assert_int_equal(diff_expr_parse("access.rate_hz>+2.5e1Hz", &e, &col, &why), 0);
	assert_int_equal(e.unit, DIFF_UNIT_HZ);
	assert_float_equal(e.change, 25, 0);
}

static void test_symbol_names_may_hold_dots_and_angles(void **state)
{
	struct diff_expr e;
	const char *why;
	size_t col;

	(void)state;
	assert_int_equal(diff_expr_parse("symbol:.bss+0x40.rate>+10%", &e, &col, &why), 0);
	assert_string_equal(e.metric, "symbol:.bss+0x40.rate");
	assert_int_equal(diff_expr_is_symbol(&e), 1);
	assert_int_equal(diff_expr_parse("symbol:vec<int>::at.idle_bytes<-1K", &e, &col, &why), 0);
	assert_string_equal(e.metric, "symbol:vec<int>::at.idle_bytes");
	assert_int_equal(e.op, '<');
	assert_float_equal(e.change, -1024, 0);
}

/* @s fails, pointing at column @want (0-based) */
static void bad(const char *s, size_t want)
{
	struct diff_expr e;
	const char *why = NULL;
	size_t col = 999;

	assert_int_equal(diff_expr_parse(s, &e, &col, &why), -EINVAL);
	assert_non_null(why);
	if (col != want)
		fail_msg("'%s': column %zu, expected %zu (%s)", s, col, want, why);
}

static void test_bad_expressions_point_at_the_bad_part(void **state)
{
	(void)state;
	bad("wss.p90", 7);		/* no operator: at the end */
	bad("wss.p90>>10%", 7);		/* the last '>' is the operator: the first is extra */
	bad("wss.p90>", 8);		/* no change */
	bad("wss.p90>+10x", 11);	/* unknown unit */
	bad("wss.p90>abc", 8);		/* not a number */
	bad(">+10%", 0);		/* no metric */
	bad("wss p90>+10%", 3);		/* a space inside the name */
	bad("symbol:table>+10%", 12);	/* no measure */
	bad("symbol:table.speed>+10%", 13);	/* unknown measure */
	bad("wss.p90>=+10%", 8);	/* >= is not an operator: "=" is where it goes wrong */
	bad("wss.p90>+inf%", 9);	/* digits only */
	bad("9ss>+1%", 0);		/* a name starts with a letter */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relative_change),
		cmocka_unit_test(test_absolute_changes_with_units),
		cmocka_unit_test(test_symbol_names_may_hold_dots_and_angles),
		cmocka_unit_test(test_bad_expressions_point_at_the_bad_part),
	};

	return cmocka_run_group_tests_name("report/diff-expr", tests, NULL, NULL);
}
