/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one size formatter and the one time formatter of every report and command line message
 * ("info", "report wss", the heat map, "record" and "convert"), so that a number reads the same
 * everywhere: three significant digits, trailing zeros dropped, binary units for sizes.
 */
#ifndef REPORT_UNITS_H
#define REPORT_UNITS_H

#include <stddef.h>
#include <stdint.h>

#define UNITS_BUF 32	/* room for any result */

/* units_size() - "512 B", "1.5 KiB", "64 MiB", "1.25 GiB" (B to EiB) into @buf. Return: @buf. */
const char *units_size(char *buf, size_t size, uint64_t bytes);
/*
 * units_time() - "0 ns", "250 us", "2.5 s", "2.5 min", "2 h" from @ns into @buf: seconds up to
 * two minutes, minutes up to two hours. Return: @buf.
 */
const char *units_time(char *buf, size_t size, double ns);
/*
 * units_number() - a plain figure ("0", "0.5", "24.2", "150", "12300") into @buf: three
 * significant digits below 1000, the whole number above. Return: @buf.
 */
const char *units_number(char *buf, size_t size, double v);

#endif /* REPORT_UNITS_H */
