// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of named metrics (metrics.h): a short array searched by name. A report has tens
 * of metrics per series, so a linear search costs nothing next to reading the recording.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/metrics.h"
#include "report/units.h"

static struct metric *slot(struct metrics *ms, const char *name)
{
	struct metric *m;

	if (strlen(name) >= sizeof(m->name))
		return NULL;
	for (size_t i = 0; i < ms->nr; i++)
		if (!strcmp(ms->m[i].name, name))
			return &ms->m[i];
	if (ms->nr == ms->alloc) {
		size_t n = ms->alloc ? ms->alloc * 2 : 128;
		void *p = realloc(ms->m, n * sizeof(*ms->m));

		if (!p)
			return NULL;
		ms->m = p;
		ms->alloc = n;
	}
	m = &ms->m[ms->nr++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	return m;
}

int metrics_add_u64(struct metrics *ms, const char *name, uint64_t v, enum metric_unit unit,
		    const char *description)
{
	struct metric *m = slot(ms, name);

	if (!m)
		return strlen(name) >= sizeof(m->name) ? -EINVAL : -ENOMEM;
	m->unit = unit;
	m->integral = 1;
	m->u64 = v;
	m->value = (double)v;
	m->description = description;
	return 0;
}

int metrics_add_double(struct metrics *ms, const char *name, double v, enum metric_unit unit,
		       const char *description)
{
	struct metric *m = slot(ms, name);

	if (!m)
		return strlen(name) >= sizeof(m->name) ? -EINVAL : -ENOMEM;
	m->unit = unit;
	m->integral = 0;
	m->u64 = 0;
	m->value = v;
	m->description = description;
	return 0;
}

const struct metric *metrics_find(const struct metrics *ms, const char *name)
{
	for (size_t i = 0; i < ms->nr; i++)
		if (!strcmp(ms->m[i].name, name))
			return &ms->m[i];
	return NULL;
}

void metrics_release(struct metrics *ms)
{
	free(ms->m);
	*ms = (struct metrics)METRICS_INIT;
}

const char *metric_unit_name(enum metric_unit unit)
{
	static const char *const names[] = {
		[METRIC_BYTES] = "bytes", [METRIC_COUNT] = "count", [METRIC_SECONDS] = "s",
		[METRIC_HZ] = "Hz", [METRIC_BYTE_SECONDS] = "byte-seconds", [METRIC_RATIO] = "ratio",
	};

	return (unsigned)unit < sizeof(names) / sizeof(names[0]) && names[unit] ? names[unit] : "?";
}

char *metrics_percentile_name(char *buf, size_t size, const char *prefix, double p)
{
	/* the shortest form that reads back as @p: two percentiles never share a name */
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(buf, size, "%s.p%.*g", prefix, prec, p);
		if (strtod(strrchr(buf, 'p') + 1, NULL) == p)
			break;
	}
	return buf;
}

/* A byte count from a double: rounded, and clamped to what a uint64_t holds. */
static uint64_t to_bytes(double v)
{
	if (!(v > 0))
		return 0;
	return v >= 18446744073709549568.0 ? UINT64_MAX : (uint64_t)llround(v);
}

char *metric_format(char *buf, size_t size, const struct metric *m)
{
	char u[UNITS_BUF];

	switch (m->unit) {
	case METRIC_BYTES:
		units_size(buf, size, m->integral ? m->u64 : to_bytes(m->value));
		break;
	case METRIC_SECONDS:
		units_time(buf, size, m->value * 1e9);
		break;
	case METRIC_HZ:
		snprintf(buf, size, "%.3g Hz", m->value);
		break;
	case METRIC_BYTE_SECONDS:
		snprintf(buf, size, "%s-s", units_size(u, sizeof(u), to_bytes(m->value)));
		break;
	case METRIC_RATIO:
		snprintf(buf, size, "%.3g%%", m->value * 100);
		break;
	default:
		if (m->integral)
			snprintf(buf, size, "%" PRIu64, m->u64);
		else
			snprintf(buf, size, "%.6g", m->value);
	}
	return buf;
}
