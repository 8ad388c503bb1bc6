/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PNG output of a canvas to a stream. libpng's error model (longjmp) stays inside viz/png.c;
 * callers get -errno.
 */
#ifndef VIZ_PNG_H
#define VIZ_PNG_H

#include <stdio.h>

#include "viz/canvas.h"

/* One tEXt chunk: Latin-1 keyword (1-79 bytes, e.g. "Source", "Software") and text. */
struct viz_png_text {
	const char *key;
	const char *text;
};

/*
 * viz_png_write_stream() - write @c as an 8-bit RGB PNG to @f with @nr_text tEXt chunks, and
 * flush it. Return: 0, -errno of the stream, -EINVAL for a bad keyword, -EIO when libpng fails.
 */
int viz_png_write_stream(const struct viz_canvas *c, FILE *f, const struct viz_png_text *text,
			 int nr_text);

#endif /* VIZ_PNG_H */
