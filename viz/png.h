/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PNG output of a canvas. libpng's error model (longjmp) stays inside viz/png.c; callers get
 * -errno. A file is written under a temporary name and renamed into place, so a failure never
 * leaves a half-written image behind.
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
 * viz_png_write() - write @c as an 8-bit RGB PNG to @path with @nr_text tEXt chunks.
 * Return: 0, -errno from the file system, -EINVAL for a bad keyword, -EIO when libpng fails.
 */
int viz_png_write(const struct viz_canvas *c, const char *path, const struct viz_png_text *text,
		  int nr_text);
/* viz_png_write_stream() - the same to an open stream (e.g. stdout); nothing is renamed. */
int viz_png_write_stream(const struct viz_canvas *c, FILE *f, const struct viz_png_text *text,
			 int nr_text);

#endif /* VIZ_PNG_H */
