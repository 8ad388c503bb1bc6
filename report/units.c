// SPDX-License-Identifier: GPL-2.0
/* Sizes in binary units and durations in the largest unit that fits; see units.h. */
#include <stdio.h>

#include "report/units.h"

const char *units_size(char *buf, uint64_t bytes)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, UNITS_BUF, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, UNITS_BUF, "%.*f %s", v < 10 ? 2 : v < 100 ? 1 : 0, v, units[u]);
	return buf;
}

const char *units_time(char *buf, uint64_t ns)
{
	if (ns >= 3600000000000ULL)
		snprintf(buf, UNITS_BUF, "%.2f h", ns / 3600e9);
	else if (ns >= 60000000000ULL)
		snprintf(buf, UNITS_BUF, "%.2f min", ns / 60e9);
	else if (ns >= 1000000000ULL)
		snprintf(buf, UNITS_BUF, "%.3g s", ns / 1e9);
	else if (ns >= 1000000)
		snprintf(buf, UNITS_BUF, "%.3g ms", ns / 1e6);
	else if (ns >= 1000)
		snprintf(buf, UNITS_BUF, "%.3g us", ns / 1e3);
	else
		snprintf(buf, UNITS_BUF, "%llu ns", (unsigned long long)ns);
	return buf;
}
