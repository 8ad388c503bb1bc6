/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Colour maps for quantities: perceptually ordered (lightness rises linearly from the low end to
 * the high end, so a brighter pixel always means more) and readable with the common forms of
 * colour blindness (the hue path avoids red-green contrasts) and in grayscale print.
 */
#ifndef VIZ_COLORMAP_H
#define VIZ_COLORMAP_H

#include "viz/canvas.h"

#define VIZ_CMAP_SIZE 256

enum viz_cmap_id {
	VIZ_CMAP_VIRIDIS,	/* dark blue-violet -> teal -> yellow; the default */
	VIZ_CMAP_MAGMA,		/* black -> purple -> orange -> pale yellow */
	VIZ_CMAP_INFERNO,	/* black -> purple -> red-orange -> yellow */
	VIZ_CMAP_GRAY,		/* near black -> near white */
	VIZ_CMAP_NR,
};

struct viz_colormap {
	enum viz_cmap_id id;
	const char *name;
	struct viz_rgb lut[VIZ_CMAP_SIZE];
};

/* viz_colormap_init() - fill @cm for @id (computed, not read from anywhere). */
void viz_colormap_init(struct viz_colormap *cm, enum viz_cmap_id id);
/* viz_colormap_by_name() - init @cm from a name in viz_colormap_names(). Return: 0 or -EINVAL. */
int viz_colormap_by_name(struct viz_colormap *cm, const char *name);
/* viz_colormap_names() - "viridis, magma, inferno, gray", for messages. */
const char *viz_colormap_names(void);
/* viz_colormap_at() - the colour of @t in [0, 1] (clamped; NaN gives the low end). */
struct viz_rgb viz_colormap_at(const struct viz_colormap *cm, double t);

#endif /* VIZ_COLORMAP_H */
