// SPDX-License-Identifier: GPL-2.0
/*
 * The colour maps, computed when a map is set up: a few hue anchor points (sRGB, close to the
 * well-known viridis/magma/inferno designs) are taken into CIELAB, the a* and b* chroma path is
 * interpolated between them, and the lightness L* is replaced by an exactly linear ramp. So the
 * lightness of the result rises steadily by construction, whatever the anchors are, and the
 * colours are then brought back into sRGB (clipped in gamut by reducing chroma, not lightness).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "viz/colormap.h"

struct anchor_set {
	const char *name;
	double l_lo, l_hi;	/* L* of the two ends */
	int n;
	unsigned rgb[11];	/* hue anchors, evenly spaced along the map */
};

static const struct anchor_set sets[VIZ_CMAP_NR] = {
	[VIZ_CMAP_VIRIDIS] = { "viridis", 15, 91, 11, {
		0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
		0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725 } },
	[VIZ_CMAP_MAGMA] = { "magma", 1, 98, 11, {
		0x000004, 0x140e36, 0x3b0f70, 0x641a80, 0x8c2981, 0xb73779,
		0xde4968, 0xf7705c, 0xfe9f6d, 0xfecf92, 0xfcfdbf } },
	[VIZ_CMAP_INFERNO] = { "inferno", 1, 97, 11, {
		0x000004, 0x160b39, 0x420a68, 0x6a176e, 0x932667, 0xbc3754,
		0xdd513a, 0xf37819, 0xfca50a, 0xf6d746, 0xfcffa4 } },
	[VIZ_CMAP_GRAY] = { "gray", 8, 97, 2, { 0x000000, 0xffffff } },
};

/* sRGB <-> CIELAB (D65), the textbook formulas. */
static double to_linear(double c)
{
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double from_linear(double c)
{
	return c <= 0.0031308 ? c * 12.92 : 1.055 * pow(c, 1 / 2.4) - 0.055;
}

static double lab_f(double t)
{
	return t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116;
}

static double lab_finv(double t)
{
	return t * t * t > 216.0 / 24389 ? t * t * t : (116 * t - 16) / (24389.0 / 27);
}

static void rgb_to_lab(unsigned hex, double lab[3])
{
	double r = to_linear(((hex >> 16) & 0xff) / 255.0);
	double g = to_linear(((hex >> 8) & 0xff) / 255.0);
	double b = to_linear((hex & 0xff) / 255.0);
	double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
	double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
	double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;

	lab[0] = 116 * lab_f(y) - 16;
	lab[1] = 500 * (lab_f(x) - lab_f(y));
	lab[2] = 200 * (lab_f(y) - lab_f(z));
}

/* Return 1 when the colour is inside the sRGB gamut; @rgb gets it (clamped) either way. */
static int lab_to_rgb(const double lab[3], double rgb[3])
{
	double fy = (lab[0] + 16) / 116;
	double x = 0.95047 * lab_finv(fy + lab[1] / 500);
	double y = lab_finv(fy);
	double z = 1.08883 * lab_finv(fy - lab[2] / 200);
	double lin[3] = {
		3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
		-0.9692660 * x + 1.8760108 * y + 0.0415560 * z,
		0.0556434 * x - 0.2040259 * y + 1.0572252 * z,
	};
	int inside = 1;

	for (int i = 0; i < 3; i++) {
		if (lin[i] < -1e-9 || lin[i] > 1 + 1e-9)
			inside = 0;
		lin[i] = lin[i] < 0 ? 0 : lin[i] > 1 ? 1 : lin[i];
		rgb[i] = from_linear(lin[i]);
	}
	return inside;
}

void viz_colormap_init(struct viz_colormap *cm, enum viz_cmap_id id)
{
	const struct anchor_set *s;
	double lab[11][3];

	if ((unsigned)id >= VIZ_CMAP_NR)
		id = VIZ_CMAP_VIRIDIS;
	s = &sets[id];
	cm->id = id;
	cm->name = s->name;
	for (int k = 0; k < s->n; k++)
		rgb_to_lab(s->rgb[k], lab[k]);
	for (int i = 0; i < VIZ_CMAP_SIZE; i++) {
		double t = (double)i / (VIZ_CMAP_SIZE - 1), pos = t * (s->n - 1), f, want[3], rgb[3];
		int k = (int)pos;

		if (k >= s->n - 1)
			k = s->n - 2;
		f = pos - k;
		want[0] = s->l_lo + t * (s->l_hi - s->l_lo);
		want[1] = lab[k][1] + f * (lab[k + 1][1] - lab[k][1]);
		want[2] = lab[k][2] + f * (lab[k + 1][2] - lab[k][2]);
		/* out of gamut: shrink the chroma until it fits, keeping L* */
		for (int tries = 0; !lab_to_rgb(want, rgb) && tries < 40; tries++) {
			want[1] *= 0.9;
			want[2] *= 0.9;
		}
		cm->lut[i].r = (uint8_t)lrint(rgb[0] * 255);
		cm->lut[i].g = (uint8_t)lrint(rgb[1] * 255);
		cm->lut[i].b = (uint8_t)lrint(rgb[2] * 255);
	}
}

int viz_colormap_by_name(struct viz_colormap *cm, const char *name)
{
	for (int id = 0; id < VIZ_CMAP_NR; id++) {
		if (!strcmp(name, sets[id].name)) {
			viz_colormap_init(cm, id);
			return 0;
		}
	}
	if (!strcmp(name, "grey")) {
		viz_colormap_init(cm, VIZ_CMAP_GRAY);
		return 0;
	}
	return -EINVAL;
}

const char *viz_colormap_names(void)
{
	return "viridis, magma, inferno, gray";
}

struct viz_rgb viz_colormap_at(const struct viz_colormap *cm, double t)
{
	long i;

	if (!(t > 0))
		return cm->lut[0];
	if (t >= 1)
		return cm->lut[VIZ_CMAP_SIZE - 1];
	i = lrint(t * (VIZ_CMAP_SIZE - 1));
	return cm->lut[i];
}
