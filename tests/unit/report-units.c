// SPDX-License-Identifier: GPL-2.0
/*
 * report/units: the one size and time formatter. Three significant digits with trailing zeros
 * dropped, binary units up to EiB, seconds up to two minutes and minutes up to two hours, and a
 * value that rounds up to 1000 of a unit shown in the next one; plain figures the same way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report/units.h"

static void test_sizes(void **state)
{
	char b[UNITS_BUF], small[8];

	assert_string_equal(units_size(b, sizeof(b), 0), "0 B");
	assert_string_equal(units_size(b, sizeof(b), 512), "512 B");
	assert_string_equal(units_size(b, sizeof(b), 1023), "1023 B");
	assert_string_equal(units_size(b, sizeof(b), 1024), "1 KiB");
	assert_string_equal(units_size(b, sizeof(b), 1536), "1.5 KiB");
	assert_string_equal(units_size(b, sizeof(b), 64ULL << 20), "64 MiB");
	assert_string_equal(units_size(b, sizeof(b), 258ULL << 20), "258 MiB");
	assert_string_equal(units_size(b, sizeof(b), 5ULL << 30 | 1ULL << 28), "5.25 GiB");
	assert_string_equal(units_size(b, sizeof(b), 7ULL << 39), "3.5 TiB");
	assert_string_equal(units_size(b, sizeof(b), UINT64_MAX), "16 EiB");
	/* just under the next unit: rounds into it, not to "1024 KiB" */
	assert_string_equal(units_size(b, sizeof(b), (1ULL << 20) - 1), "1 MiB");
	assert_string_equal(units_size(b, sizeof(b), 1023ULL << 10), "1023 KiB");
	/* a short buffer is cut, never overrun */
	assert_string_equal(units_size(small, sizeof(small), 1536), "1.5 KiB");
	assert_string_equal(units_size(small, 4, 1536), "1.5");
}

static void test_times(void **state)
{
	char b[UNITS_BUF];

	assert_string_equal(units_time(b, sizeof(b), 0), "0 ns");
	assert_string_equal(units_time(b, sizeof(b), 999), "999 ns");
	assert_string_equal(units_time(b, sizeof(b), 100e3), "100 us");
	assert_string_equal(units_time(b, sizeof(b), 5e6), "5 ms");
	assert_string_equal(units_time(b, sizeof(b), 250e6), "250 ms");
	assert_string_equal(units_time(b, sizeof(b), 1.25e9), "1.25 s");
	assert_string_equal(units_time(b, sizeof(b), 2.5e9), "2.5 s");
	assert_string_equal(units_time(b, sizeof(b), 30e9), "30 s");
	assert_string_equal(units_time(b, sizeof(b), 119e9), "119 s");
	assert_string_equal(units_time(b, sizeof(b), 150e9), "2.5 min");
	assert_string_equal(units_time(b, sizeof(b), 2 * 3600e9), "2 h");
	/* rounding up to a thousand moves to the next unit */
	assert_string_equal(units_time(b, sizeof(b), 999.7e3), "1 ms");
	assert_string_equal(units_time(b, sizeof(b), 999.6e6), "1 s");
	assert_string_equal(units_time(b, sizeof(b), 999.4e6), "999 ms");
}

static void test_numbers(void **state)
{
	char b[UNITS_BUF];

	assert_string_equal(units_number(b, sizeof(b), 0), "0");
	assert_string_equal(units_number(b, sizeof(b), 24.2424), "24.2");
	assert_string_equal(units_number(b, sizeof(b), 0.5), "0.5");
	assert_string_equal(units_number(b, sizeof(b), 2.0), "2");
	assert_string_equal(units_number(b, sizeof(b), 242.424), "242");
	assert_string_equal(units_number(b, sizeof(b), 4000), "4000");
	assert_string_equal(units_number(b, sizeof(b), 123456.7), "123457");
	assert_string_equal(units_number(b, sizeof(b), 0.001234), "0.00123");
	assert_string_equal(units_number(b, sizeof(b), -1.25), "-1.25");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
