// SPDX-License-Identifier: GPL-2.0
/*
 * format/stacks: a stack is kept once by content, ids count up in the order first met, the
 * frames are copied, the table grows past its first slots, and a full table says so.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "format/stacks.h"

static void test_same_content_same_id(void **state)
{
	struct dpf_stacks t = DPF_STACKS_INIT(0);
	uint64_t a[] = { 1, 2, 3 }, b[] = { 1, 2, 4 }, a2[] = { 1, 2, 3 };

	assert_int_equal(dpf_stacks_intern(&t, a, 3), 0);
	assert_int_equal(dpf_stacks_intern(&t, b, 3), 1);
	assert_int_equal(dpf_stacks_intern(&t, a, 2), 2);	/* a prefix is another stack */
	assert_int_equal(dpf_stacks_intern(&t, a2, 3), 0);
	assert_int_equal(dpf_stacks_intern(&t, NULL, 0), 3);
	assert_int_equal(dpf_stacks_intern(&t, NULL, 0), 3);
	a[2] = 9;	/* the table holds its own copy */
	assert_int_equal(t.s[0].frames[2], 3);
	assert_int_equal(t.nr, 4);
	dpf_stacks_release(&t);
	assert_int_equal(t.nr, 0);
}

static void test_grows_and_fills(void **state)
{
	struct dpf_stacks t = DPF_STACKS_INIT(5000);
	uint64_t f[2];

	for (uint64_t i = 0; i < 5000; i++) {
		f[0] = i;
		f[1] = i * 7;
		assert_int_equal(dpf_stacks_intern(&t, f, 2), (long)i);
	}
	for (uint64_t i = 0; i < 5000; i += 499) {
		f[0] = i;
		f[1] = i * 7;
		assert_int_equal(dpf_stacks_intern(&t, f, 2), (long)i);	/* found, when full */
	}
	f[0] = 5000;
	assert_int_equal(dpf_stacks_intern(&t, f, 2), -ENOSPC);
	dpf_stacks_release(&t);
	assert_int_equal(t.max, 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_content_same_id),
		cmocka_unit_test(test_grows_and_fills),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
