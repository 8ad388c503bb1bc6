// SPDX-License-Identifier: GPL-2.0
/*
 * The only user of libpng (and of its setjmp/longjmp error handling). Locals changed between
 * setjmp() and a possible longjmp() are volatile, and libpng's own messages are kept out of the
 * terminal (cmd/ reports the returned errno). It writes to a stream: which file, and that it
 * appears only complete, is the caller's (cmd/ goes through format/outfile.h).
 */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "viz/png.h"

static void png_quiet_error(png_structp p, png_const_charp msg)
{
	(void)msg;
	png_longjmp(p, 1);
}

static void png_quiet_warning(png_structp p, png_const_charp msg)
{
	(void)p;
	(void)msg;
}

static int check_text(const struct viz_png_text *text, int nr_text)
{
	for (int i = 0; i < nr_text; i++) {
		size_t n = text[i].key ? strlen(text[i].key) : 0;

		if (n < 1 || n > 79 || !text[i].text)
			return -EINVAL;
	}
	return 0;
}

int viz_png_write_stream(const struct viz_canvas *c, FILE *f, const struct viz_png_text *text,
			 int nr_text)
{
	png_structp png;
	png_infop info = NULL;
	png_textp volatile chunks = NULL;
	int ret = check_text(text, nr_text);

	if (ret)
		return ret;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_quiet_error,
				      png_quiet_warning);
	if (!png)
		return -ENOMEM;
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -ENOMEM;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(chunks);
		return ferror(f) && errno ? -errno : -EIO;
	}
	png_init_io(png, f);
	/*
	 * Figures are flat areas and rows like the row above: "none or up" filtering with zlib
	 * level 2 is within 10% of the smallest file at a third of the default's time.
	 */
	png_set_compression_level(png, 2);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE | PNG_FILTER_UP);
	png_set_IHDR(png, info, c->width, c->height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (nr_text > 0) {
		chunks = calloc(nr_text, sizeof(*chunks));
		if (!chunks)
			png_error(png, "out of memory");
		for (int i = 0; i < nr_text; i++) {
			chunks[i].compression = PNG_TEXT_COMPRESSION_NONE;
			chunks[i].key = (png_charp)text[i].key;
			chunks[i].text = (png_charp)text[i].text;
		}
		png_set_text(png, info, chunks, nr_text);
	}
	png_write_info(png, info);
	for (int y = 0; y < c->height; y++)
		png_write_row(png, c->pix + (size_t)y * c->width * 3);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(chunks);
	if (fflush(f))
		return errno ? -errno : -EIO;
	return 0;
}
