// SPDX-License-Identifier: GPL-2.0
/*
 * The trace-text importer: "perf script" output of damon:damon_aggregated events (damo's
 * perf_script format) and "trace-cmd report" output of the same event. One line is one region;
 * a snapshot is nr_regions consecutive lines of one target at one time stamp. The text stores
 * only each snapshot's end time, so, as damo does, a snapshot starts where the previous one of
 * its target ended and the first one starts one mean snapshot duration before its end. That mean
 * needs the last end time before the first snapshot can be written, so the text is read twice:
 * once for the time stamps, once to write, keeping the file's order and memory to one snapshot.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/damo-priv.h"

#define LINE_MAX_BYTES	4096	/* longer lines are kept only if they are other events */
#define MAX_TOKENS	32

struct tok {
	const char *s;
	size_t n;
};

struct ttarget {
	uint64_t id;
	uint64_t nr_snap;	/* pass 1, fake snapshots included */
	uint64_t first_end;
	uint64_t last_end;
	uint64_t first_start;	/* derived after pass 1 */
	int guessed;		/* first_start is a guess */
	uint64_t seen;		/* pass 2 */
	uint64_t prev_end;
};

/* One damon_aggregated line. */
struct tevent {
	uint64_t time_ns;
	uint64_t target_id;
	uint64_t nr_regions;
	uint64_t start, end;
	uint64_t nr_accesses;
	uint64_t age;
	int fake;
};

struct tctx {
	struct damo_ctx *c;
	int pass;
	uint64_t lineno;
	char carry[LINE_MAX_BYTES];
	size_t carry_len;
	int carry_long;
	int carrying;
	struct ttarget *targets;	/* parallel to the daprof targets */
	uint32_t nr_targets;
	uint32_t alloc;
	uint32_t last;			/* target of the previous line: the common case */
	uint64_t nr_events;
	uint64_t nr_perf, nr_tracecmd;
	/* the snapshot being read */
	int open;
	uint32_t cur;
	uint64_t time_ns;
	uint64_t nr_regions;
	uint64_t got;
	int fake;
};

static int tfail(struct tctx *t, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int tfail(struct tctx *t, int err, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return damo_fail(t->c, err, "line %" PRIu64 ": %s", t->lineno, msg);
}

/* Decimal digits only, into a u64. Return: 0, -EINVAL, -ERANGE. */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (!n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
			return -ERANGE;
	}
	*out = v;
	return 0;
}

/* "SECS.FRACTION:" as the tracers print it, to ns without rounding. Return: 1 if it is one. */
static int time_token(const struct tok *k, uint64_t *ns)
{
	const char *s = k->s, *dot;
	size_t n = k->n;
	uint64_t secs, frac = 0;
	size_t nf;

	if (n < 4 || s[n - 1] != ':')
		return 0;
	dot = memchr(s, '.', n - 1);
	if (!dot || dot == s)
		return 0;
	if (parse_u64(s, dot - s, &secs))
		return 0;
	nf = s + n - 1 - (dot + 1);
	if (!nf)
		return 0;
	for (size_t i = 0; i < nf; i++) {
		char ch = dot[1 + i];

		if (ch < '0' || ch > '9')
			return 0;
		if (i < 9)
			frac = frac * 10 + (ch - '0');
	}
	for (size_t i = nf; i < 9; i++)
		frac *= 10;
	if (secs > (UINT64_MAX - frac) / 1000000000ULL)
		return 0;
	*ns = secs * 1000000000ULL + frac;
	return 1;
}

static int tok_is(const struct tok *k, const char *s)
{
	size_t n = strlen(s);

	return k->n == n && !memcmp(k->s, s, n);
}

/* "KEY=VALUE" with a decimal value. */
static int kv_field(struct tctx *t, const struct tok *k, const char *key, uint64_t *v)
{
	size_t n = strlen(key);
	int ret;

	if (k->n <= n || memcmp(k->s, key, n))
		return tfail(t, -EBADMSG, "expected '%s' in the damon_aggregated event", key);
	ret = parse_u64(k->s + n, k->n - n, v);
	if (ret)
		return tfail(t, ret == -ERANGE ? -ERANGE : -EBADMSG, "bad number in '%.*s'",
			     (int)(k->n < 60 ? k->n : 60), k->s);
	return 0;
}

/* A count that damo's fake region writes as -1 (and old damo's missing age as "None"). */
static int count_field(struct tctx *t, const struct tok *k, const char *what, uint64_t *v,
		       int *minus_one)
{
	int ret;

	*minus_one = tok_is(k, "-1");
	if (*minus_one) {
		*v = 0;
		return 0;
	}
	ret = parse_u64(k->s, k->n, v);
	if (ret)
		return tfail(t, ret == -ERANGE ? -ERANGE : -EBADMSG, "bad %s '%.*s'", what,
			     (int)(k->n < 60 ? k->n : 60), k->s);
	if (*v > UINT32_MAX)
		return tfail(t, -ERANGE, "%s %" PRIu64 " is out of range", what, *v);
	return 0;
}

/* Fields after the event name: target_id=N nr_regions=N START-END: NR_ACCESSES [AGE] */
static int parse_fields(struct tctx *t, const struct tok *f, int nf, struct tevent *e)
{
	const struct tok *r;
	const char *dash;
	int fake_nr = 0, fake_age = 0, ret;

	if (nf != 4 && nf != 5)
		return tfail(t, -EBADMSG, "damon_aggregated event with %d fields (expected "
			     "'target_id=N nr_regions=N START-END: NR_ACCESSES [AGE]')", nf);
	if (kv_field(t, &f[0], "target_id=", &e->target_id) ||
	    kv_field(t, &f[1], "nr_regions=", &e->nr_regions))
		return t->c->err;
	if (!e->nr_regions || e->nr_regions > DAMO_MAX_REGIONS)
		return tfail(t, e->nr_regions ? -E2BIG : -EBADMSG, "nr_regions=%" PRIu64
			     " is out of range (1 to %u)", e->nr_regions, DAMO_MAX_REGIONS);
	r = &f[2];
	dash = r->n ? memchr(r->s, '-', r->n) : NULL;
	if (!dash || r->s[r->n - 1] != ':')
		return tfail(t, -EBADMSG, "expected 'START-END:', not '%.*s'",
			     (int)(r->n < 60 ? r->n : 60), r->s);
	ret = parse_u64(r->s, dash - r->s, &e->start);
	if (!ret)
		ret = parse_u64(dash + 1, r->s + r->n - 1 - (dash + 1), &e->end);
	if (ret)
		return tfail(t, ret == -ERANGE ? -ERANGE : -EBADMSG, "bad address range '%.*s'",
			     (int)(r->n < 60 ? r->n : 60), r->s);
	if (count_field(t, &f[3], "nr_accesses", &e->nr_accesses, &fake_nr))
		return t->c->err;
	e->age = 0;
	if (nf == 5 && !tok_is(&f[4], "None") &&
	    count_field(t, &f[4], "age", &e->age, &fake_age))
		return t->c->err;
	e->fake = fake_nr && fake_age && !e->start && !e->end;
	if ((fake_nr || fake_age) && !e->fake)
		return tfail(t, -EBADMSG, "negative count outside damo's fake region 0-0: -1 -1");
	if (e->fake && e->nr_regions != 1)
		return tfail(t, -EBADMSG, "damo's fake region 0-0 in a snapshot of %" PRIu64
			     " regions", e->nr_regions);
	if (!e->fake && e->end <= e->start)
		return tfail(t, -EBADMSG, "region %" PRIu64 "-%" PRIu64 " is empty", e->start,
			     e->end);
	return 0;
}

static int target_of(struct tctx *t, uint64_t id, uint32_t *idx)
{
	struct damo_tkey key = { .id = id, .has_id = 1 };
	uint32_t got;
	int ret;

	if (t->nr_targets && t->targets[t->last].id == id) {
		*idx = t->last;
		return 0;
	}
	for (uint32_t i = 0; i < t->nr_targets; i++) {
		if (t->targets[i].id == id) {
			*idx = t->last = i;
			return 0;
		}
	}
	if (t->pass == 2)
		return tfail(t, -EIO, "target_id=%" PRIu64 " appeared only on the second reading "
			     "(input changed?)", id);
	if (t->nr_targets == t->alloc) {
		uint32_t want = t->alloc ? t->alloc * 2 : 8;
		struct ttarget *n = realloc(t->targets, want * sizeof(*n));

		if (!n)
			return damo_fail(t->c, -ENOMEM, "out of memory");
		t->targets = n;
		t->alloc = want;
	}
	ret = damo_target(t->c, &key, &got);	/* in first-appearance order: index == got */
	if (ret == -E2BIG)
		return tfail(t, ret, "more than %u target ids", DAMO_MAX_TARGETS);
	if (ret)
		return t->c->err;
	memset(&t->targets[t->nr_targets], 0, sizeof(t->targets[0]));
	t->targets[t->nr_targets].id = id;
	t->c->st->nr_records = t->nr_targets + 1;
	*idx = t->last = t->nr_targets++;
	return 0;
}

static int close_snapshot(struct tctx *t)
{
	struct ttarget *tt = &t->targets[t->cur];
	int incomplete = t->got < t->nr_regions;
	char what[48];
	uint64_t start;

	t->open = 0;
	if (t->pass == 1) {
		if (tt->nr_snap && t->time_ns < tt->last_end)
			return tfail(t, -EBADMSG, "time goes backwards for target_id=%" PRIu64
				     " (the trace is not sorted by time)", tt->id);
		if (!tt->nr_snap)
			tt->first_end = t->time_ns;
		tt->last_end = t->time_ns;
		tt->nr_snap++;
		return 0;
	}
	start = tt->seen ? tt->prev_end : tt->first_start;
	if (!tt->seen && tt->guessed)
		t->c->st->nr_guessed_start++;
	tt->seen++;
	tt->prev_end = t->time_ns;
	if (t->fake) {
		t->c->st->nr_fake++;
		damo_snapshot_drop(t->c);
		return 0;
	}
	if (incomplete)
		t->c->st->nr_incomplete++;
	snprintf(what, sizeof(what), "line %" PRIu64, t->lineno);
	return damo_snapshot_emit(t->c, t->cur, start, t->time_ns, what);
}

static int on_event(struct tctx *t, const struct tevent *e)
{
	uint32_t idx = 0;
	int ret;

	ret = target_of(t, e->target_id, &idx);
	if (ret)
		return ret;
	/* a new time, target or size before the last one's lines were all there: lines lost */
	if (t->open && (idx != t->cur || e->time_ns != t->time_ns ||
			e->nr_regions != t->nr_regions) && (ret = close_snapshot(t)))
		return ret;
	if (!t->open) {
		t->open = 1;
		t->cur = idx;
		t->time_ns = e->time_ns;
		t->nr_regions = e->nr_regions;
		t->got = 0;
		t->fake = 0;
	}
	if (e->fake)
		t->fake = 1;
	else if (t->pass == 2 && damo_region_add(t->c, e->start, e->end, e->nr_accesses, e->age))
		return t->c->err;
	t->nr_events++;
	if (++t->got == t->nr_regions)
		return close_snapshot(t);
	return 0;
}

static int on_line(struct tctx *t, const char *s, size_t n, int is_long)
{
	struct tok toks[MAX_TOKENS];
	struct tevent e;
	int nt = 0, ev = -1;
	const char *end;

	t->lineno++;
	if (n > LINE_MAX_BYTES) {
		n = LINE_MAX_BYTES;
		is_long = 1;
	}
	end = s + n;
	while (s < end && nt < MAX_TOKENS) {
		while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		if (s == end)
			break;
		toks[nt].s = s;
		while (s < end && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
		toks[nt].n = s - toks[nt].s;
		nt++;
	}
	for (int i = 0; i + 1 < nt; i++) {
		if (toks[i + 1].n > 1 && toks[i + 1].s[toks[i + 1].n - 1] == ':' &&
		    time_token(&toks[i], &e.time_ns)) {
			ev = i + 1;
			break;
		}
	}
	if (ev < 0) {
		/* an event whose timestamp does not read is an error, not a line to skip */
		for (int i = 1; i < nt; i++) {
			const struct tok *k = &toks[i - 1];

			if ((tok_is(&toks[i], "damon:damon_aggregated:") ||
			     tok_is(&toks[i], "damon_aggregated:")) && k->n > 1 && k->s[k->n - 1] == ':')
				return tfail(t, -EBADMSG, "bad timestamp '%.*s' (seconds.fraction)",
					     (int)(k->n - 1 > 40 ? 40 : k->n - 1), k->s);
		}
	}
	if (ev < 0 || !(tok_is(&toks[ev], "damon:damon_aggregated:") ||
			tok_is(&toks[ev], "damon_aggregated:"))) {
		if (t->pass == 1)
			t->c->st->nr_skipped_lines++;	/* headers, other events, stacks */
		return 0;
	}
	if (is_long)
		return tfail(t, -EBADMSG, "damon_aggregated event line too long");
	if (t->pass == 1) {
		if (toks[ev].n > sizeof("damon_aggregated:") - 1)
			t->nr_perf++;
		else
			t->nr_tracecmd++;
	}
	if (parse_fields(t, &toks[ev + 1], nt - ev - 1, &e))
		return t->c->err;
	return on_event(t, &e);
}

/* Split @len bytes into lines; a line cut by the buffer's end is carried to the next call. */
static int feed(struct tctx *t, const uint8_t *buf, size_t len)
{
	const char *p = (const char *)buf, *end = p + len, *nl;
	int ret;

	if (t->carrying) {
		size_t take, room = sizeof(t->carry) - t->carry_len;

		nl = memchr(p, '\n', len);
		take = (nl ? nl : end) - p;
		if (take > room)
			t->carry_long = 1;
		memcpy(t->carry + t->carry_len, p, take < room ? take : room);
		t->carry_len += take < room ? take : room;
		if (!nl)
			return 0;
		t->carrying = 0;
		ret = on_line(t, t->carry, t->carry_len, t->carry_long);
		if (ret)
			return ret;
		p = nl + 1;
	}
	while (p < end && (nl = memchr(p, '\n', end - p))) {
		ret = on_line(t, p, nl - p, 0);
		if (ret)
			return ret;
		p = nl + 1;
	}
	if (p < end) {
		size_t take = end - p < (ptrdiff_t)sizeof(t->carry) ? (size_t)(end - p) :
			      sizeof(t->carry);

		memcpy(t->carry, p, take);
		t->carry_len = take;
		t->carry_long = take < (size_t)(end - p);
		t->carrying = 1;
	}
	return 0;
}

static int run_pass(struct tctx *t, uint8_t *buf, size_t len)
{
	int ret;

	t->lineno = 0;
	t->open = 0;
	t->carrying = 0;
	t->nr_events = 0;
	for (;;) {
		ret = feed(t, buf, len);
		if (ret)
			return ret;
		ret = damo_src_fill(t->c, buf, DAMO_FEED_BUF, &len);
		if (ret)
			return ret;
		if (!len)
			break;
	}
	if (t->carrying) {
		t->carrying = 0;
		ret = on_line(t, t->carry, t->carry_len, t->carry_long);
		if (ret)
			return ret;
	}
	return t->open ? close_snapshot(t) : 0;
}

/* damo's set_first_snapshot_start_time(): the mean snapshot duration before the first end. */
static void first_starts(struct tctx *t)
{
	uint64_t span = 0, steps = 0;

	for (uint32_t i = 0; i < t->nr_targets; i++) {
		struct ttarget *tt = &t->targets[i];

		if (tt->nr_snap >= 2) {
			span += tt->last_end - tt->first_end;
			steps += tt->nr_snap - 1;
		}
	}
	for (uint32_t i = 0; i < t->nr_targets; i++) {
		struct ttarget *tt = &t->targets[i];
		uint64_t d;

		if (tt->nr_snap >= 2) {
			/* damo: int(end - (last - first) / (n - 1)), float division */
			d = (tt->last_end - tt->first_end + tt->nr_snap - 2) / (tt->nr_snap - 1);
		} else if (steps) {
			d = (span + steps - 1) / steps;	/* one snapshot: the others' mean */
			tt->guessed = 1;
		} else {
			d = 0;				/* nothing to go by: zero length */
			tt->guessed = 1;
		}
		tt->first_start = tt->first_end > d ? tt->first_end - d : 0;
	}
}

static const char *text_source(const struct tctx *t)
{
	int tc = t->nr_tracecmd > t->nr_perf;

	switch (t->c->src.comp) {
	case DAMO_ZLIB:
		return tc ? "trace-cmd report (zlib)" : "damo perf-script (zlib)";
	case DAMO_GZIP:
		return tc ? "trace-cmd report (gzip)" : "damo perf-script (gzip)";
	default:
		return tc ? "trace-cmd report" : "damo perf-script";
	}
}

int damo_text_parse(struct damo_ctx *c, uint8_t *buf, size_t len)
{
	struct tctx *t = calloc(1, sizeof(*t));
	int ret;

	if (!t)
		return damo_fail(c, -ENOMEM, "out of memory");
	t->c = c;
	t->pass = 1;
	ret = run_pass(t, buf, len);
	if (ret)
		goto out;
	if (!t->nr_events) {
		ret = damo_fail(c, -EBADMSG, "no damon:damon_aggregated events in %" PRIu64
				" lines (not a damo recording, nor perf script or trace-cmd text "
				"of DAMON)", t->lineno);
		goto out;
	}
	c->st->source = text_source(t);
	ret = damo_meta_set(c, "source", "%s", c->st->source);
	if (!ret)
		ret = damo_meta_set(c, "nr_targets", "%u", c->nr_targets);
	if (!ret)
		ret = damo_meta_set(c, "intervals", "unknown");	/* trace text has none */
	if (ret)
		goto out;
	first_starts(t);
	ret = damo_src_rewind(c);
	if (!ret)
		ret = damo_src_fill(c, buf, DAMO_FEED_BUF, &len);
	if (ret)
		goto out;
	t->pass = 2;
	ret = run_pass(t, buf, len);
out:
	free(t->targets);
	free(t);
	return ret;
}
