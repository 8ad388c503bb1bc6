// SPDX-License-Identifier: GPL-2.0
/*
 * The xterm 256-colour palette: entries 16-231 are a 6x6x6 cube with the channel levels 0, 95,
 * 135, 175, 215, 255, and 232-255 a gray ramp 8, 18, ..., 238. Entries 0-15 are left alone
 * because terminals theme them. Matching is by nearest distance over the whole palette.
 */
#include <stdio.h>

#include "viz/term.h"

static const uint8_t cube[6] = { 0, 95, 135, 175, 215, 255 };

struct viz_rgb viz_term_palette(int idx)
{
	if (idx >= 232 && idx <= 255) {
		uint8_t v = 8 + 10 * (idx - 232);

		return (struct viz_rgb){ v, v, v };
	}
	if (idx < 16 || idx > 255)
		return (struct viz_rgb){ 0, 0, 0 };
	idx -= 16;
	return (struct viz_rgb){ cube[idx / 36], cube[idx / 6 % 6], cube[idx % 6] };
}

static int dist2(struct viz_rgb a, struct viz_rgb b)
{
	int dr = a.r - b.r, dg = a.g - b.g, db = a.b - b.b;

	return dr * dr + dg * dg + db * db;
}

int viz_term_index(struct viz_rgb col)
{
	int best = 16, best_d = 1 << 30;

	for (int i = 16; i < 256; i++) {
		int d = dist2(col, viz_term_palette(i));

		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

int viz_term_cell(char *buf, size_t size, struct viz_rgb bg)
{
	struct viz_rgb shown = viz_term_palette(viz_term_index(bg));
	/* Rec. 709 luma of what the terminal shows decides the text colour */
	int luma = (2126 * shown.r + 7152 * shown.g + 722 * shown.b) / 10000;

	return snprintf(buf, size, "\033[48;5;%d;38;5;%dm", viz_term_index(bg),
			luma > 110 ? 16 : 231);
}
