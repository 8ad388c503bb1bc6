/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The picture of "daprof diff -o DIFF.png": the heat maps of the old and the new recording on
 * one folded address axis of matched mappings (matched by label: "[heap]", a file's name; each
 * recording's own addresses never meet), and a third panel of their difference, drawn with the
 * same colour map centred on "no change". Built from report/heatmap.c's matrix, drawn with viz/.
 */
#ifndef REPORT_DIFF_HEATMAP_H
#define REPORT_DIFF_HEATMAP_H

#include "viz/png.h"

struct session;
struct viz_canvas;

struct diff_png {
	struct viz_canvas *canvas;	/* viz_canvas_free() it */
	struct viz_png_text text[2];	/* Title, Software */
	char title[600];
	unsigned nr_labels;	/* mapping labels on the axis */
	unsigned nr_matched;	/* of them, on both sides */
};

/*
 * diff_heatmap_render() - the picture of the recordings @old and @new read (through their
 * filters), named @old_name and @new_name in the title.
 * Return: 0, -ENODATA when a side has no snapshot, -ENOMEM, or a reading error.
 */
int diff_heatmap_render(struct diff_png *out, struct session *old, struct session *new,
			const char *old_name, const char *new_name);

#endif /* REPORT_DIFF_HEATMAP_H */
