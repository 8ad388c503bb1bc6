// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of record/nodes.c: the node layout of a fake /sys tree (memory block size, the
 * memoryM links of each nodeN) as the metadata string of a --paddr recording, and the trees it
 * refuses. The real /sys is never read here.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "record/nodes.h"
#include "test-tmp.h"

static void put(const char *root, const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s/%s')\"", root, rel);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (!text) {
		assert_int_equal(mkdir(path, 0755), 0);
		return;
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_two_nodes_as_runs(void **state)
{
	const char *root = *state;
	const char *blocks[] = { "node0/memory0", "node0/memory1", "node0/memory2", "node0/memory7",
				 "node1/memory3", "node1/memory4", "node0/power", "node1/memory5x" };
	uint64_t bs;
	char *layout, rel[128];

	put(root, "devices/system/memory/block_size_bytes", "8000000\n");
	for (size_t i = 0; i < sizeof(blocks) / sizeof(*blocks); i++) {
		snprintf(rel, sizeof(rel), "devices/system/node/%s", blocks[i]);
		put(root, rel, NULL);
	}
	put(root, "devices/system/node/possible", "0-1\n");
	assert_int_equal(rec_node_layout(root, &bs, &layout), 0);
	assert_int_equal(bs, 128 << 20);
	assert_string_equal(layout, "0:0-2,7;1:3-4");
	free(layout);
}

static void test_refused_trees(void **state)
{
	const char *root = *state;
	char missing[512];
	uint64_t bs;
	char *layout = (char *)1;

	snprintf(missing, sizeof(missing), "%s/none", root);
	assert_int_equal(rec_node_layout(missing, &bs, &layout), -ENOENT);
	assert_null(layout);
	put(root, "devices/system/memory/block_size_bytes", "3000\n");	/* not a power of two */
	assert_int_equal(rec_node_layout(root, &bs, &layout), -EINVAL);
	put(root, "devices/system/memory/block_size_bytes", "8000000\n");
	assert_int_equal(rec_node_layout(root, &bs, &layout), -ENOENT);	/* no node folder */
	put(root, "devices/system/node/node0", NULL);
	assert_int_equal(rec_node_layout(root, &bs, &layout), -ENOENT);	/* no blocks */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_nodes_as_runs, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_refused_trees, tmpdir_setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
