/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Colour cells for terminals: the nearest of the xterm 256-colour palette to an RGB colour, and
 * the ANSI escape sequences that set it. The caller writes them; nothing here prints.
 */
#ifndef VIZ_TERM_H
#define VIZ_TERM_H

#include <stddef.h>

#include "viz/canvas.h"

#define VIZ_TERM_RESET "\033[0m"

/*
 * viz_term_index() - the xterm-256 palette entry (16..255: the 6x6x6 cube or the gray ramp)
 * closest to @col, by squared distance of the sRGB values.
 */
int viz_term_index(struct viz_rgb col);
/* viz_term_palette() - the sRGB colour xterm shows for palette entry @idx (16..255). */
struct viz_rgb viz_term_palette(int idx);
/*
 * viz_term_cell() - "\033[48;5;N;38;5;Mm" into @buf (at least 24 bytes): background @bg and a
 * foreground (black or white) that reads on it. Return: the length written.
 */
int viz_term_cell(char *buf, size_t size, struct viz_rgb bg);

#endif /* VIZ_TERM_H */
