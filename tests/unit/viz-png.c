// SPDX-License-Identifier: GPL-2.0
/*
 * viz/png: an image written by viz_png_write() reads back with libpng at its size, with its
 * pixels and its tEXt chunks; a failed write leaves no file behind, and an existing file is
 * replaced whole.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <png.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "viz/canvas.h"
#include "viz/png.h"

struct image {
	png_uint_32 w, h;
	uint8_t *rgb;
	char source[256];
	int nr_text;
};

/* Read @path with libpng into @im (8-bit RGB expected). Return: 0 or -1. */
static int read_png(const char *path, struct image *im)
{
	FILE *f = fopen(path, "rb");
	png_structp png;
	png_infop info;
	png_textp text;
	int depth, type, n;

	memset(im, 0, sizeof(*im));
	if (!f)
		return -1;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		fclose(f);
		return -1;
	}
	png_init_io(png, f);
	png_read_info(png, info);
	png_get_IHDR(png, info, &im->w, &im->h, &depth, &type, NULL, NULL, NULL);
	if (depth != 8 || type != PNG_COLOR_TYPE_RGB)
		png_error(png, "not 8-bit RGB");
	im->rgb = malloc((size_t)im->w * im->h * 3);
	for (png_uint_32 y = 0; y < im->h; y++)
		png_read_row(png, im->rgb + (size_t)y * im->w * 3, NULL);
	png_read_end(png, info);
	if (png_get_text(png, info, &text, &n) > 0) {
		im->nr_text = n;
		for (int i = 0; i < n; i++)
			if (!strcmp(text[i].key, "Source"))
				snprintf(im->source, sizeof(im->source), "%s", text[i].text);
	}
	png_destroy_read_struct(&png, &info, NULL);
	fclose(f);
	return 0;
}

static int setup_dir(void **state)
{
	char *dir = strdup("/tmp/viz-png-XXXXXX");

	if (!dir || !mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static int teardown_dir(void **state)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	free(*state);
	return system(cmd) == 0 ? 0 : -1;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void test_written_image_reads_back_with_size_pixels_and_text(void **state)
{
	const struct viz_png_text text[] = {
		{ "Source", "/data/run 1/daprof.data" }, { "Software", "daprof test" },
	};
	struct viz_canvas *c;
	struct image im;
	char path[512];

	snprintf(path, sizeof(path), "%s/out.png", (char *)*state);
	assert_int_equal(viz_canvas_new(&c, 37, 23, (struct viz_rgb){ 255, 255, 255 }), 0);
	viz_canvas_put(c, 5, 7, (struct viz_rgb){ 253, 231, 37 });
	viz_canvas_put(c, 36, 22, (struct viz_rgb){ 1, 2, 3 });
	assert_int_equal(viz_png_write(c, path, text, 2), 0);
	viz_canvas_free(c);

	assert_int_equal(read_png(path, &im), 0);
	assert_int_equal(im.w, 37);
	assert_int_equal(im.h, 23);
	assert_memory_equal(im.rgb + (7 * 37 + 5) * 3, "\xfd\xe7\x25", 3);
	assert_memory_equal(im.rgb + (22 * 37 + 36) * 3, "\x01\x02\x03", 3);
	assert_memory_equal(im.rgb, "\xff\xff\xff", 3);
	assert_string_equal(im.source, "/data/run 1/daprof.data");
	assert_int_equal(im.nr_text, 2);
	assert_int_equal(count_entries(*state), 1);	/* no temporary file left */
	free(im.rgb);
}

static void test_an_existing_file_is_replaced_whole(void **state)
{
	struct viz_canvas *c;
	struct image im;
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/old.png", (char *)*state);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("an old file that is much longer than nothing at all, to be replaced", f);
	fclose(f);
	assert_int_equal(viz_canvas_new(&c, 4, 4, (struct viz_rgb){ 9, 9, 9 }), 0);
	assert_int_equal(viz_png_write(c, path, NULL, 0), 0);
	viz_canvas_free(c);
	assert_int_equal(read_png(path, &im), 0);
	assert_int_equal(im.w, 4);
	assert_memory_equal(im.rgb, "\x09\x09\x09", 3);
	free(im.rgb);
	assert_int_equal(count_entries(*state), 1);
}

static void test_failed_writes_return_errno_and_leave_nothing(void **state)
{
	const struct viz_png_text bad_key[] = { { "", "x" } };
	struct viz_canvas *c;
	char path[512];

	assert_int_equal(viz_canvas_new(&c, 4, 4, (struct viz_rgb){ 0, 0, 0 }), 0);
	snprintf(path, sizeof(path), "%s/no/such/dir/x.png", (char *)*state);
	assert_int_equal(viz_png_write(c, path, NULL, 0), -ENOENT);
	/* the target is a directory: the rename fails after the data was written */
	snprintf(path, sizeof(path), "%s/adir", (char *)*state);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(viz_png_write(c, path, NULL, 0), -EISDIR);
	snprintf(path, sizeof(path), "%s/x.png", (char *)*state);
	assert_int_equal(viz_png_write(c, path, bad_key, 1), -EINVAL);
	assert_int_equal(count_entries(*state), 1);	/* only adir */
	viz_canvas_free(c);
}

static void test_canvas_refuses_absurd_sizes(void **state)
{
	struct viz_canvas *c;

	(void)state;
	assert_int_equal(viz_canvas_new(&c, 0, 10, (struct viz_rgb){ 0, 0, 0 }), -EINVAL);
	assert_int_equal(viz_canvas_new(&c, 10, VIZ_CANVAS_MAX_SIDE + 1, (struct viz_rgb){ 0, 0, 0 }),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_written_image_reads_back_with_size_pixels_and_text,
						setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_an_existing_file_is_replaced_whole, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_failed_writes_return_errno_and_leave_nothing,
						setup_dir, teardown_dir),
		cmocka_unit_test(test_canvas_refuses_absurd_sizes),
	};

	return cmocka_run_group_tests_name("viz/png", tests, NULL, NULL);
}
