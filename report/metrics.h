/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named metrics: the numbers a report computes ("wss.p50", "wss.mean"), each with its unit and
 * a one-line description, in a small registry with a lookup by name. A report fills one per
 * series it summarises; printers read values from it instead of computing them, and "diff" can
 * compare two recordings metric by metric.
 */
#ifndef REPORT_METRICS_H
#define REPORT_METRICS_H

#include <stddef.h>
#include <stdint.h>

enum metric_unit {
	METRIC_BYTES,
	METRIC_COUNT,
	METRIC_SECONDS,
	METRIC_HZ,		/* per second */
	METRIC_BYTE_SECONDS,	/* bytes held for a time: time x bytes */
	METRIC_RATIO,		/* 0 to 1 */
};

struct metric {
	char name[40];
	enum metric_unit unit;
	int integral;		/* 1: the value is a whole number, exactly @u64 */
	uint64_t u64;
	double value;		/* always set (rounded for a huge integral value) */
	const char *description;	/* static text */
};

struct metrics {
	size_t nr, alloc;
	struct metric *m;	/* in the order added */
};

#define METRICS_INIT { 0 }

/*
 * metrics_add_u64(), metrics_add_double() - add metric @name (at most 39 bytes), or set it again
 * when it exists. Return: 0, -ENOMEM, or -EINVAL for a name too long.
 */
int metrics_add_u64(struct metrics *ms, const char *name, uint64_t v, enum metric_unit unit,
		    const char *description);
int metrics_add_double(struct metrics *ms, const char *name, double v, enum metric_unit unit,
		       const char *description);
/* metrics_find() - the metric named @name, or NULL. */
const struct metric *metrics_find(const struct metrics *ms, const char *name);
void metrics_release(struct metrics *ms);

/* metric_unit_name() - "bytes", "count", "s", "Hz", "byte-seconds", "ratio". */
const char *metric_unit_name(enum metric_unit unit);
/*
 * metric_format() - the value of @m for a person, by the units formatter: "1.5 GiB", "2.5 s",
 * "12.3 Hz", "1.5 GiB-s", "25%", "42". Return: @buf (UNITS_BUF bytes are enough).
 */
char *metric_format(char *buf, size_t size, const struct metric *m);
/*
 * metrics_percentile_name() - "@prefix.pP": "wss.p50", "wss.p99.9" (P in the shortest form
 * that reads back as @p; @size of 40 is enough for a short prefix).
 * Return: @buf.
 */
char *metrics_percentile_name(char *buf, size_t size, const char *prefix, double p);

#endif /* REPORT_METRICS_H */
