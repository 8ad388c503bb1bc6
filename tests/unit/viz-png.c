// SPDX-License-Identifier: GPL-2.0
/*
 * viz/png: an image written by viz_png_write_stream() reads back with libpng at its size, with
 * its pixels and its tEXt chunks; a bad keyword or a failing stream is an error. (That files
 * appear whole is format/outfile.c's, tested in format-outfile.c.)
 */
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

#include "tests/unit/test-tmp.h"
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

/* viz_png_write_stream() to a new file at @path. Return: its result, or -errno of fopen/fclose. */
static int write_file(const struct viz_canvas *c, const char *path,
		      const struct viz_png_text *text, int nr_text)
{
	FILE *f = fopen(path, "wb");
	int ret;

	if (!f)
		return -errno;
	ret = viz_png_write_stream(c, f, text, nr_text);
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
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
	assert_int_equal(write_file(c, path, text, 2), 0);
	viz_canvas_free(c);

	assert_int_equal(read_png(path, &im), 0);
	assert_int_equal(im.w, 37);
	assert_int_equal(im.h, 23);
	assert_memory_equal(im.rgb + (7 * 37 + 5) * 3, "\xfd\xe7\x25", 3);
	assert_memory_equal(im.rgb + (22 * 37 + 36) * 3, "\x01\x02\x03", 3);
	assert_memory_equal(im.rgb, "\xff\xff\xff", 3);
	assert_string_equal(im.source, "/data/run 1/daprof.data");
	assert_int_equal(im.nr_text, 2);
	free(im.rgb);
}

static void test_bad_keyword_and_failing_stream_are_errors(void **state)
{
	const struct viz_png_text bad_key[] = { { "", "x" } };
	struct viz_canvas *c;
	char path[512];
	FILE *f;

	assert_int_equal(viz_canvas_new(&c, 4, 4, (struct viz_rgb){ 0, 0, 0 }), 0);
	snprintf(path, sizeof(path), "%s/x.png", (char *)*state);
	assert_int_equal(write_file(c, path, bad_key, 1), -EINVAL);
	/* /dev/full takes the bytes into the stream's buffer and fails the flush */
	f = fopen("/dev/full", "wb");
	if (f) {
		assert_int_equal(viz_png_write_stream(c, f, NULL, 0), -ENOSPC);
		fclose(f);
	}
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
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_bad_keyword_and_failing_stream_are_errors,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test(test_canvas_refuses_absurd_sizes),
	};

	return cmocka_run_group_tests_name("viz/png", tests, NULL, NULL);
}
