/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a recording's access check could see, told in one wording everywhere: the report headers
 * (hot, hints, heat map, wss), the heat-map image's footer, "info", record's line at the start
 * and the ranking of "check". A primitive that sees writes only leaves read-mostly memory cold
 * and out of the working set; one that sees whole mappings knows how many bytes of a mapping were
 * touched but not which. Saying so in one place keeps every output equally honest.
 */
#ifndef REPORT_SEES_H
#define REPORT_SEES_H

#include <stddef.h>

enum sees_kind {
	SEES_UNKNOWN,		/* not recorded (an import, an old file) */
	SEES_PAGES,		/* reads and writes, page by page (page-idle, kernel DAMON) */
	SEES_MIXED,		/* writes page by page, reads a count per mapping (uffd-wp+refs) */
	SEES_MAPPINGS,		/* reads and writes, a count per mapping (refs) */
	SEES_WRITES,		/* writes only, page by page (uffd-wp, soft-dirty) */
};

/* sees_kind() - the kind of a primitive_sees value ("writes, page", "reads+writes, mapping"). */
enum sees_kind sees_kind(const char *primitive_sees);
/*
 * sees_rank() - 1 for the kind that sees most: reads and writes per page, then writes per page
 * with reads per mapping, then both per mapping (it sees read-mostly memory, if not where in the
 * mapping), then writes only, then unknown.
 */
int sees_rank(enum sees_kind k);
/* sees_words() - "reads and writes, page by page", ... for a list (check). */
const char *sees_words(enum sees_kind k);
/*
 * sees_caveat() - the one line a report prints under its source line ("note: " before it), or
 * NULL when the primitive sees reads and writes page by page (or is not recorded).
 */
const char *sees_caveat(enum sees_kind k);
/*
 * sees_advice() - record's line at the start: the caveat and what to use instead, into @buf.
 * @kernel_vaddr: this kernel's DAMON has vaddr (then that is the advice). Return: @buf, or NULL
 * when there is nothing to say.
 */
const char *sees_advice(char *buf, size_t size, enum sees_kind k, int kernel_vaddr);
/*
 * sees_wss_label() - what a working set of this kind is: "working set" for page-exact kinds,
 * "written set" for writes only, "working set (per mapping: bytes referenced, not where)".
 * sees_weighted() - 1 when a region counts in the working set by its share of accessed samples
 * (a per-mapping count answered with that probability; report/wss.c).
 */
const char *sees_wss_label(enum sees_kind k);
int sees_weighted(enum sees_kind k);

#endif /* REPORT_SEES_H */
