/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one size formatter and the one time formatter of every report and command line message,
 * so that a number reads the same in "info", "report wss", the heat map and "record"'s lines.
 */
#ifndef REPORT_UNITS_H
#define REPORT_UNITS_H

#include <stdint.h>

#define UNITS_BUF 32	/* room for any result */

/* units_size() - "512 B", "1.50 MiB" into @buf (UNITS_BUF bytes). Return: @buf. */
const char *units_size(char *buf, uint64_t bytes);
/* units_time() - "250 us", "1.25 s", "2.50 min" from @ns into @buf (UNITS_BUF bytes). */
const char *units_time(char *buf, uint64_t ns);

#endif /* REPORT_UNITS_H */
