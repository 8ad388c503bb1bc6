// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes and durations in short form (units.h). Two formatters with different precision used to
 * exist (cmd/'s "1.50 MiB" and "2.50 min", viz/'s "1.5 MiB" and "150 s"); this is the one, with
 * viz/'s rule, which the heat map already used.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/units.h"

/* @v (below 999.5) with three significant digits, "2.00" shortened to "2". */
static const char *fmt3(char *buf, size_t size, double v, const char *unit)
{
	int decimals = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
	char whole[64];

	snprintf(whole, sizeof(whole), "%.*f %s", decimals, v, unit);
	if (decimals) {	/* shortened whole, then cut to @size */
		char *dot = strchr(whole, '.'), *sp = strchr(whole, ' ');
		char *end = sp;

		while (end > dot + 1 && end[-1] == '0')
			end--;
		if (end == dot + 1)
			end = dot;
		memmove(end, sp, strlen(sp) + 1);
	}
	snprintf(buf, size, "%s", whole);
	return buf;
}

const char *units_size(char *buf, size_t size, uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = 0;

	if (bytes < 1024) {
		snprintf(buf, size, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	while (v >= 1023.5 && u < 6) {
		v /= 1024;
		u++;
	}
	return fmt3(buf, size, v, units[u]);
}

const char *units_time(char *buf, size_t size, double ns)
{
	static const struct { const char *name; double ns, below; } units[] = {
		{ "ns", 1, 1e3 }, { "us", 1e3, 1e6 }, { "ms", 1e6, 1e9 }, { "s", 1e9, 120e9 },
		{ "min", 60e9, 7200e9 }, { "h", 3600e9, INFINITY },
	};
	double a = fabs(ns);
	int u = 0;

	/* the unit the value is below, once rounded: 999.7 us is "1 ms", not "1000 us" */
	while (u < 5 && (a >= units[u].below || (u < 3 && a / units[u].ns >= 999.5)))
		u++;
	return fmt3(buf, size, ns / units[u].ns, units[u].name);
}

const char *units_number(char *buf, size_t size, double v)
{
	double a = fabs(v);
	char *sp;

	if (!isfinite(v) || a >= 999.5) {
		snprintf(buf, size, "%.0f", v);
		return buf;
	}
	/* below 0.01 three significant digits need more decimals than fmt3() gives */
	if (a > 0 && a < 0.00995) {
		snprintf(buf, size, "%.3g", v);
		return buf;
	}
	fmt3(buf, size, a, "");
	sp = strchr(buf, ' ');
	if (sp)
		*sp = '\0';
	if (v < 0 && strcmp(buf, "0")) {
		char tmp[UNITS_BUF];

		snprintf(tmp, sizeof(tmp), "-%s", buf);
		snprintf(buf, size, "%s", tmp);
	}
	return buf;
}
