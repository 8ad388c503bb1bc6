// SPDX-License-Identifier: GPL-2.0
/*
 * format/outfile: a committed file appears whole with the umask's mode and no temporary file
 * beside it; an aborted or failed one leaves the old file as it was; a directory or a missing
 * folder is an error; and a FIFO (standing for /dev/null and other devices, which a test must
 * not risk replacing) is written in place and stays a FIFO.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/test-tmp.h"
#include "format/outfile.h"

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The file's contents, NUL-terminated, in @buf; the length, or -1. */
static ssize_t get_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static void test_commit_makes_the_file_whole_with_the_umask_mode(void **state)
{
	struct outfile f;
	struct stat st;
	char path[512], buf[64];
	mode_t mask = umask(022);

	snprintf(path, sizeof(path), "%s/new.data", (char *)*state);
	assert_int_equal(outfile_open(&f, path, 1), 0);
	assert_int_equal(f.regular, 1);
	assert_int_equal(write(f.fd, "hello", 5), 5);
	assert_int_equal(access(path, F_OK), -1);	/* not there before the commit */
	assert_int_equal(tmpdir_count(*state), 1);	/* the temporary file */
	assert_int_equal(outfile_commit(&f, 1), 0);
	assert_int_equal(get_file(path, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(tmpdir_count(*state), 1);	/* no temporary file left */
	umask(mask);
}

static void test_an_existing_file_is_replaced_whole_or_kept(void **state)
{
	struct outfile f;
	char path[512], buf[128];

	snprintf(path, sizeof(path), "%s/old.data", (char *)*state);
	put_file(path, "an old file that is much longer than what replaces it");
	/* aborted: the old file stays, the temporary one goes */
	assert_int_equal(outfile_open(&f, path, 1), 0);
	assert_int_equal(write(f.fd, "partial", 7), 7);
	outfile_abort(&f);
	assert_int_equal(get_file(path, buf, sizeof(buf)), 53);
	assert_int_equal(tmpdir_count(*state), 1);
	/* committed: replaced whole */
	assert_int_equal(outfile_open(&f, path, 1), 0);
	assert_int_equal(write(f.fd, "new", 3), 3);
	assert_int_equal(outfile_commit(&f, 0), 0);
	assert_int_equal(get_file(path, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "new");
	assert_int_equal(tmpdir_count(*state), 1);
}

static void test_in_place_mode_creates_or_truncates_the_file_itself(void **state)
{
	struct outfile f;
	char path[512], buf[128];

	snprintf(path, sizeof(path), "%s/live.data", (char *)*state);
	put_file(path, "older and longer contents");
	assert_int_equal(outfile_open(&f, path, 0), 0);
	assert_null(f.tmp);
	assert_int_equal(get_file(path, buf, sizeof(buf)), 0);	/* truncated at once */
	assert_int_equal(write(f.fd, "abc", 3), 3);
	assert_int_equal(outfile_commit(&f, 1), 0);
	assert_int_equal(get_file(path, buf, sizeof(buf)), 3);
	assert_int_equal(tmpdir_count(*state), 1);
}

static void test_directories_and_missing_folders_are_errors(void **state)
{
	struct outfile f;
	char path[512];

	snprintf(path, sizeof(path), "%s/no/such/dir/x.data", (char *)*state);
	assert_int_equal(outfile_open(&f, path, 1), -ENOENT);
	assert_int_equal(outfile_open(&f, path, 0), -ENOENT);
	snprintf(path, sizeof(path), "%s/adir", (char *)*state);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(outfile_open(&f, path, 1), -EISDIR);
	assert_int_equal(outfile_open(&f, path, 0), -EISDIR);
	assert_int_equal(tmpdir_count(*state), 1);	/* only adir */
}

static void test_a_fifo_is_written_in_place_and_stays_a_fifo(void **state)
{
	struct outfile f;
	struct stat st;
	char path[512], buf[64];
	int rd;

	snprintf(path, sizeof(path), "%s/pipe", (char *)*state);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(outfile_special(path), 1);
	rd = open(path, O_RDONLY | O_NONBLOCK);	/* a reader, so that the writer's open returns */
	assert_true(rd >= 0);
	assert_int_equal(outfile_open(&f, path, 1), 0);
	assert_null(f.tmp);
	assert_int_equal(f.regular, 0);
	assert_int_equal(write(f.fd, "through", 7), 7);
	assert_int_equal(outfile_commit(&f, 1), 0);	/* no fsync on a FIFO: no EINVAL */
	assert_int_equal(read(rd, buf, sizeof(buf)), 7);
	close(rd);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(tmpdir_count(*state), 1);
}

static void test_special_means_an_existing_device_fifo_or_socket(void **state)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/regular", (char *)*state);
	put_file(path, "x");
	assert_int_equal(outfile_special(path), 0);
	assert_int_equal(outfile_special(*state), 0);		/* a directory */
	snprintf(path, sizeof(path), "%s/missing", (char *)*state);
	assert_int_equal(outfile_special(path), 0);
	assert_int_equal(outfile_special("/dev/null"), 1);	/* only looked at */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_makes_the_file_whole_with_the_umask_mode,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_an_existing_file_is_replaced_whole_or_kept,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_in_place_mode_creates_or_truncates_the_file_itself,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_directories_and_missing_folders_are_errors,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_a_fifo_is_written_in_place_and_stays_a_fifo,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_special_means_an_existing_device_fifo_or_socket,
						tmpdir_setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests_name("format/outfile", tests, NULL, NULL);
}
