// SPDX-License-Identifier: GPL-2.0
/*
 * The one wording of what a recording's primitive cannot see (sees.h). Every output that shows
 * heat or a working set takes its caveat from here, so that no output is silent where another
 * warns.
 */
#include <stdio.h>
#include <string.h>

#include "report/sees.h"

enum sees_kind sees_kind(const char *primitive_sees)
{
	if (!primitive_sees || !*primitive_sees)
		return SEES_UNKNOWN;
	if (!strncmp(primitive_sees, "writes", 6))
		return SEES_WRITES;
	if (strstr(primitive_sees, "mapping"))
		return strstr(primitive_sees, "page") ? SEES_MIXED : SEES_MAPPINGS;
	if (strstr(primitive_sees, "reads"))
		return SEES_PAGES;
	return SEES_UNKNOWN;
}

int sees_rank(enum sees_kind k)
{
	switch (k) {
	case SEES_PAGES:
		return 1;
	case SEES_MIXED:
		return 2;
	case SEES_MAPPINGS:
		return 3;
	case SEES_WRITES:
		return 4;
	default:
		return 5;
	}
}

const char *sees_words(enum sees_kind k)
{
	switch (k) {
	case SEES_PAGES:
		return "reads and writes, page by page";
	case SEES_MIXED:
		return "writes page by page, reads as bytes per mapping (not where in it)";
	case SEES_MAPPINGS:
		return "reads and writes, bytes per mapping (not where in it)";
	case SEES_WRITES:
		return "writes only (blind to memory that is only read)";
	default:
		return "not recorded";
	}
}

const char *sees_caveat(enum sees_kind k)
{
	switch (k) {
	case SEES_WRITES:
		return "this primitive sees writes only: memory that is only read (a read-only table, "
		       "code, a file read through mmap) shows as cold and is not in the working set";
	case SEES_MIXED:
		return "this primitive sees writes page by page but reads only per mapping: it counts "
		       "the bytes of a mapping that were read, not where they lie, so read objects of "
		       "one mapping share its heat";
	case SEES_MAPPINGS:
		return "this primitive sees whole mappings, not pages: it counts the bytes of a mapping "
		       "that were touched, not where they lie, so objects of one mapping share its heat";
	default:
		return NULL;
	}
}

const char *sees_advice(char *buf, size_t size, enum sees_kind k, int kernel_vaddr)
{
	switch (k) {
	case SEES_WRITES:
		snprintf(buf, size, "this primitive sees writes only: read-mostly memory will look "
			 "idle; %s", kernel_vaddr ? "--backend damon sees reads too (this kernel's "
			 "DAMON has vaddr)" : "--primitive refs sees reads too, per mapping (this "
			 "kernel's DAMON has no vaddr)");
		return buf;
	case SEES_MIXED:
		snprintf(buf, size, "this primitive sees reads per mapping: the bytes read are "
			 "counted, where they lie in a mapping is not%s", kernel_vaddr ?
			 "; --backend damon sees pages (this kernel's DAMON has vaddr)" : "");
		return buf;
	case SEES_MAPPINGS:
		snprintf(buf, size, "this primitive sees whole mappings: the bytes touched are exact, "
			 "where they lie in a mapping is not%s", kernel_vaddr ? "; --backend damon "
			 "sees pages (this kernel's DAMON has vaddr)" : "");
		return buf;
	default:
		return NULL;
	}
}

const char *sees_wss_label(enum sees_kind k)
{
	switch (k) {
	case SEES_WRITES:
		return "written set (writes only: memory that is only read is not in it)";
	case SEES_MIXED:
		return "working set (writes by page, reads per mapping: bytes read, not where they lie)";
	case SEES_MAPPINGS:
		return "working set (per mapping: bytes referenced, not where they lie)";
	default:
		return "working set";
	}
}

int sees_weighted(enum sees_kind k)
{
	return k == SEES_MIXED || k == SEES_MAPPINGS;
}
