// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of "report hints" (report/hints.h): which objects of report hot's table get which
 * mlock/madvise advice, how sure it is, and what the advice cannot do exactly (a page holds
 * neighbours too; a region's numbers are shared). Printing is cmd/cmd-report-hints.c's. Design
 * note 21 states the rules; tests/unit/report-hints.c checks them on a fabricated table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/hints.h"

uint64_t hints_default_idle_ns(uint64_t span_ns)
{
	uint64_t quarter = span_ns / 4;

	return quarter && quarter < HINTS_DEFAULT_IDLE_NS ? quarter : HINTS_DEFAULT_IDLE_NS;
}

const char *hint_advice_name(enum hint_advice a)
{
	switch (a) {
	case HINT_MLOCK:	return "mlock";
	case HINT_WILLNEED:	return "MADV_WILLNEED";
	case HINT_HUGEPAGE:	return "MADV_HUGEPAGE";
	case HINT_COLD:		return "MADV_COLD";
	case HINT_PAGEOUT:	return "MADV_PAGEOUT";
	case HINT_NOHUGEPAGE:	return "MADV_NOHUGEPAGE";
	}
	return "?";
}

const char *hint_confidence_name(enum hint_confidence c)
{
	return c == HINT_HIGH ? "high" : c == HINT_MEDIUM ? "medium" : "low";
}

int hint_is_hot(enum hint_advice a)
{
	return a == HINT_MLOCK || a == HINT_WILLNEED || a == HINT_HUGEPAGE;
}

/* Data that advice can act on: not code (the writes-only primitives call all code cold), not
 * the stack (always live), not a label of a whole file. */
static int advisable_kind(const char *kind)
{
	return !strcmp(kind, "object") || !strcmp(kind, "heap") || !strcmp(kind, "anon") ||
	       !strcmp(kind, "region") || !strcmp(kind, "site");
}

static int is_range_kind(const char *kind)
{
	return !strcmp(kind, "heap") || !strcmp(kind, "anon") || !strcmp(kind, "region") ||
	       !strcmp(kind, "site");
}

/* From how much of the recording the evidence covers, less a level per doubt (note 21). */
static enum hint_confidence confidence(double coverage, int doubts)
{
	int level = coverage >= 0.8 ? HINT_HIGH : coverage >= 0.5 ? HINT_MEDIUM : HINT_LOW;

	level -= doubts;
	return level < HINT_LOW ? HINT_LOW : (enum hint_confidence)level;
}

static int add(struct hints *hs, size_t *alloc, const struct hint *h)
{
	if (hs->nr == *alloc) {
		size_t n = *alloc ? *alloc * 2 : 32;
		void *p = realloc(hs->hint, n * sizeof(*hs->hint));

		if (!p)
			return -ENOMEM;
		hs->hint = p;
		*alloc = n;
	}
	hs->hint[hs->nr++] = *h;
	return 0;
}

/* The hot hints first, in the table's order; then the cold ones, the most idle byte-time first. */
static int hot_first(const void *pa, const void *pb)
{
	const struct hint *a = pa, *b = pb;
	int ha = hint_is_hot(a->advice), hb = hint_is_hot(b->advice);

	if (ha != hb)
		return hb - ha;
	if (!ha && a->obj->idle_byte_s != b->obj->idle_byte_s)
		return a->obj->idle_byte_s > b->obj->idle_byte_s ? -1 : 1;
	if (a->obj != b->obj)
		return a->obj < b->obj ? -1 : 1;
	return (int)a->advice - (int)b->advice;
}

int hints_build(struct hints *out, const struct hot *h, const struct hints_opts *o)
{
	size_t alloc = 0;

	memset(out, 0, sizeof(*out));
	out->span_ns = h->end_ns > h->start_ns ? h->end_ns - h->start_ns : 0;
	out->idle_ns = o->idle_ns ? o->idle_ns : hints_default_idle_ns(out->span_ns);
	for (size_t i = 0; i < h->nr_listed; i++) {
		const struct hot_object *obj = &h->obj[i];
		struct hint t = { .obj = obj };
		uint64_t lo, hi;
		int hot, cold, ret = 0;

		t.size = obj->size ? obj->size : obj->bytes;
		if (obj->unmapped || !advisable_kind(obj->kind) || t.size < o->min_size ||
		    obj->byte_s <= 0)
			continue;
		hot = hot_share(obj) >= o->hot_share && obj->heat > 0;
		/* idle for long: all of it (its least idle piece), or most of its bytes; the
		 * first alone would let one piece split anew (its age restarts) hide the rest */
		cold = !hot && (obj->idle_ns >= out->idle_ns ||
				(o->idle_bytes_ns >= out->idle_ns && 2 * obj->idle_bytes > t.size));
		if (!hot && !cold)
			continue;
		t.coverage = out->span_ns ? (double)obj->observed_ns / (double)out->span_ns : 0;
		if (t.coverage > 1)
			t.coverage = 1;
		/* the load base and a mapping's start are page-aligned: the offset tells */
		lo = obj->map_offset - obj->map_offset % HOT_PAGE_SIZE;
		hi = obj->map_offset + t.size;
		hi += (HOT_PAGE_SIZE - hi % HOT_PAGE_SIZE) % HOT_PAGE_SIZE;
		t.neighbours = hi - lo - t.size;
		t.flags = (t.neighbours ? HINT_UNALIGNED : 0) | (obj->shares ? HINT_SHARES : 0) |
			  (is_range_kind(obj->kind) ? HINT_RANGE : 0) |
			  (cold && o->writes_only ? HINT_WRITES_ONLY : 0);
		t.confidence = confidence(t.coverage, !!obj->shares + (cold && o->writes_only));
		if (hot) {
			/* pinning is for strong evidence; a prefetch hint costs nothing if wrong */
			t.advice = t.confidence == HINT_HIGH ? HINT_MLOCK : HINT_WILLNEED;
			ret = add(out, &alloc, &t);
			t.advice = HINT_HUGEPAGE;
		} else {
			t.advice = obj->idle_ns >= 2 * out->idle_ns &&
				   t.size >= HINTS_PAGEOUT_MIN_SIZE ? HINT_PAGEOUT : HINT_COLD;
			ret = add(out, &alloc, &t);
			t.advice = HINT_NOHUGEPAGE;
		}
		if (!ret && t.size >= o->huge)
			ret = add(out, &alloc, &t);
		if (ret) {
			hints_release(out);
			return ret;
		}
	}
	if (out->nr)
		qsort(out->hint, out->nr, sizeof(*out->hint), hot_first);
	return 0;
}

void hints_release(struct hints *hs)
{
	free(hs->hint);
	hs->hint = NULL;
	hs->nr = 0;
}
