// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of report/demangle.c: C++ names of functions, methods, templates and clones come
 * out readable; C names, non-names and rejected manglings are copied unchanged; the output is
 * cut to fit and always terminated.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report/demangle.h"

static void check(const char *in, const char *want, int want_ret)
{
	char out[256];

	assert_int_equal(demangle_name(in, out, sizeof(out)), want_ret);
	assert_string_equal(out, want);
}

static void test_cxx_names(void **state)
{
	(void)state;
	check("_ZN5Cache4fillEm", "Cache::fill(unsigned long)", 1);
	check("_ZN5store5inner4deepEv", "store::inner::deep()", 1);
	check("_Z9make_nodei", "make_node(int)", 1);
	check("_ZNSt6vectorIiSaIiEE9push_backERKi",
	      "std::vector<int, std::allocator<int> >::push_back(int const&)", 1);
	check("_Z9make_nodei.isra.0", "make_node(int) [clone .isra.0]", 1);
}

static void test_not_cxx(void **state)
{
	(void)state;
	check("make_node", "make_node", 0);
	check("main", "main", 0);
	check("", "", 0);
	check("libc.so.6+0x1000", "libc.so.6+0x1000", 0);
	check("_Z", "_Z", 0);			/* a prefix, not a name */
	check("_Zjunk(", "_Zjunk(", 0);
}

static void test_cut_to_fit(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(demangle_name("_ZN5Cache4fillEm", out, sizeof(out)), 1);
	assert_string_equal(out, "Cache::");
	assert_int_equal(demangle_name("a_long_c_name", out, sizeof(out)), 0);
	assert_string_equal(out, "a_long_");
	assert_int_equal(demangle_name("_ZN5Cache4fillEm", out, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cxx_names),
		cmocka_unit_test(test_not_cxx),
		cmocka_unit_test(test_cut_to_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
