// SPDX-License-Identifier: GPL-2.0
/*
 * The damo JSON importer (damo's "json" and, inflated by the source, "json_compressed"). yajl
 * parses the text as a stream of events and a small state machine picks records, snapshots and
 * regions out of it, so that only the snapshot being read is ever in memory, whatever the size of
 * the text. damo's quirks handled here: numbers as JSON numbers or as strings with thousands
 * commas and units ("94,371,810,639,872", "0 B", "5 ms"), "max", nulls, records without
 * intervals (old damo), regions without age or with nr_accesses only as a percentage, and damo's
 * fake "0-0: -1 -1" snapshot.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "format/damo-priv.h"

enum jstate {
	JS_TOP, JS_RECORDS, JS_RECORD, JS_INTERVALS, JS_SNAPSHOTS, JS_SNAPSHOT, JS_REGIONS,
	JS_REGION, JS_NRACC, JS_AGE, JS_END,
};

enum jkey {
	K_OTHER, K_KDAMOND, K_CONTEXT, K_SCHEME, K_TARGET, K_INTERVALS, K_SNAPSHOTS,
	K_DATA_SOURCE, K_SAMPLE_US, K_AGGR_US, K_UPDATE_US, K_START_TIME, K_END_TIME, K_REGIONS,
	K_START, K_END, K_NRACC, K_AGE, K_SAMPLES, K_PERCENT, K_USEC, K_AGGR_INTERVALS,
};

enum jtype { JT_NULL, JT_BOOL, JT_NUM, JT_STR, JT_MAP, JT_ARRAY };

struct jkeyname {
	enum jstate state;
	enum jkey key;
	const char *name;
	size_t len;
};

#define KN(st, k, name) { st, k, name, sizeof(name) - 1 }

static const struct jkeyname key_names[] = {
	KN(JS_RECORD, K_KDAMOND, "kdamond_idx"),
	KN(JS_RECORD, K_CONTEXT, "context_idx"),
	KN(JS_RECORD, K_SCHEME, "scheme_idx"),
	KN(JS_RECORD, K_TARGET, "target_id"),
	KN(JS_RECORD, K_INTERVALS, "intervals"),
	KN(JS_RECORD, K_SNAPSHOTS, "snapshots"),
	KN(JS_RECORD, K_DATA_SOURCE, "data_source"),
	KN(JS_INTERVALS, K_SAMPLE_US, "sample_us"),
	KN(JS_INTERVALS, K_AGGR_US, "aggr_us"),
	KN(JS_INTERVALS, K_UPDATE_US, "ops_update_us"),
	KN(JS_SNAPSHOT, K_START_TIME, "start_time"),
	KN(JS_SNAPSHOT, K_END_TIME, "end_time"),
	KN(JS_SNAPSHOT, K_REGIONS, "regions"),
	KN(JS_REGION, K_START, "start"),
	KN(JS_REGION, K_END, "end"),
	KN(JS_REGION, K_NRACC, "nr_accesses"),
	KN(JS_REGION, K_AGE, "age"),
	KN(JS_NRACC, K_SAMPLES, "samples"),
	KN(JS_NRACC, K_PERCENT, "percent"),
	KN(JS_AGE, K_USEC, "usec"),
	KN(JS_AGE, K_AGGR_INTERVALS, "aggr_intervals"),
};

struct jrec {
	struct damo_tkey key;
	int resolved;
	uint32_t target;
	int has_intervals;
	int intervals_applied;
	uint64_t sample_us, aggr_us, update_us;
	int has_sample, has_aggr, has_update;
	char data_source[64];
	uint64_t nr_snapshots;
	int has_prev_end;
	uint64_t prev_end;
};

struct jsnap {
	int has_start, has_end, fake;
	uint64_t start, end;
	uint64_t nr_items;		/* regions seen, the fake one included */
};

struct jregion {
	int has_start, has_end, has_samples, has_percent, has_age, has_usec;
	uint64_t start, end, usec;
	struct damo_num samples, age;
	long double percent;
};

/* Bounds the bytes yajl buffers for one token that spans feeds (a zlib bomb of one string). */
struct jscan {
	int in_str;
	int esc;
	size_t run;
};

struct jctx {
	struct damo_ctx *c;
	enum jstate st[DAMO_MAX_DEPTH + 2];
	enum jkey key[DAMO_MAX_DEPTH + 2];
	int depth;
	unsigned skip;		/* levels inside a value we ignore */
	struct jrec rec;
	struct jsnap snap;
	struct jregion reg;
	char what[96];
};

static const char *key_name(enum jkey k)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (key_names[i].key == k)
			return key_names[i].name;
	return "?";
}

static const char *type_name(enum jtype t)
{
	static const char *const names[] = { "null", "a boolean", "a number", "a string",
					     "an object", "a list" };

	return names[t];
}

/* "record 2, snapshot 7, region 3" for the current position. */
static const char *where(struct jctx *j)
{
	struct damo_ctx *c = j->c;
	int in_snap = 0, in_reg = 0, in_rec = 0;

	for (int i = 0; i <= j->depth; i++) {
		in_rec |= j->st[i] == JS_RECORD;
		in_snap |= j->st[i] == JS_SNAPSHOT;
		in_reg |= j->st[i] == JS_REGION;
	}
	if (!in_rec)
		snprintf(j->what, sizeof(j->what), "JSON");
	else if (!in_snap)
		snprintf(j->what, sizeof(j->what), "record %" PRIu64, c->st->nr_records - 1);
	else if (!in_reg)
		snprintf(j->what, sizeof(j->what), "record %" PRIu64 ", snapshot %" PRIu64,
			 c->st->nr_records - 1, j->rec.nr_snapshots - 1);
	else
		snprintf(j->what, sizeof(j->what), "record %" PRIu64 ", snapshot %" PRIu64
			 ", region %" PRIu64, c->st->nr_records - 1, j->rec.nr_snapshots - 1,
			 j->snap.nr_items - 1);
	return j->what;
}

/* Record the error and return 0, which makes yajl stop. */
static int jfail(struct jctx *j, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int jfail(struct jctx *j, int err, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	damo_fail(j->c, err, "%s: %s", where(j), msg);
	return 0;
}

/* A printable excerpt of @s for an error line. */
static const char *excerpt(char *buf, size_t len, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < len; i++)
		buf[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (n > o) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

static int jnum(struct jctx *j, enum jtype t, const char *s, size_t n, enum damo_unit u,
		int allow_neg, struct damo_num *out)
{
	enum jkey k = j->key[j->depth];
	char ex[48];
	int ret;

	if (t != JT_NUM && t != JT_STR)
		return jfail(j, -EBADMSG, "'%s' is %s, not a number", key_name(k), type_name(t));
	ret = damo_parse_num(s, n, u, out);
	if (ret == -ERANGE)
		return jfail(j, -ERANGE, "'%s' is out of range: \"%s\"", key_name(k),
			     excerpt(ex, sizeof(ex), s, n));
	if (ret)
		return jfail(j, -EBADMSG, "'%s' is not a number: \"%s\"", key_name(k),
			     excerpt(ex, sizeof(ex), s, n));
	if (out->neg && !allow_neg)
		return jfail(j, -EBADMSG, "'%s' is negative: \"%s\"", key_name(k),
			     excerpt(ex, sizeof(ex), s, n));
	return 1;
}

static int jpercent(struct jctx *j, enum jtype t, const char *s, size_t n, long double *out)
{
	char buf[64], ex[48], *end;
	size_t o = 0;

	if (t != JT_NUM && t != JT_STR)
		return jfail(j, -EBADMSG, "'percent' is %s, not a number", type_name(t));
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ',' || s[i] == '%' || s[i] == ' ')
			continue;
		if (o == sizeof(buf) - 1 || !(s[i] == '.' || s[i] == 'e' || s[i] == 'E' ||
					      s[i] == '+' || (s[i] >= '0' && s[i] <= '9')))
			return jfail(j, -EBADMSG, "'percent' is not a number: \"%s\"",
				     excerpt(ex, sizeof(ex), s, n));
		buf[o++] = s[i];
	}
	buf[o] = '\0';
	*out = strtold(buf, &end);
	if (!o || *end || !(*out >= 0 && *out <= 1e6))
		return jfail(j, -EBADMSG, "'percent' is not a usable number: \"%s\"",
			     excerpt(ex, sizeof(ex), s, n));
	return 1;
}

static int int_index(struct jctx *j, enum jtype t, const char *s, size_t n, int64_t *v,
		     uint8_t *has)
{
	struct damo_num num;

	if (t == JT_NULL) {
		*has = 0;
		return 1;
	}
	if (!jnum(j, t, s, n, DAMO_U_NR, 0, &num))
		return 0;
	if (num.v > INT64_MAX)
		return jfail(j, -ERANGE, "'%s' is out of range", key_name(j->key[j->depth]));
	*v = num.v;
	*has = 1;
	return 1;
}

static int apply_intervals(struct jctx *j)
{
	struct jrec *r = &j->rec;

	if (!r->resolved || !r->has_intervals || r->intervals_applied)
		return 1;
	r->intervals_applied = 1;
	return !damo_set_intervals(j->c, r->target, r->sample_us, r->aggr_us, r->update_us);
}

/* The record's daprof target: fixed when its snapshots start (damo writes the keys first). */
static int rec_resolve(struct jctx *j)
{
	int ret;

	if (j->rec.resolved)
		return 1;
	ret = damo_target(j->c, &j->rec.key, &j->rec.target);
	if (ret == -E2BIG)
		return jfail(j, ret, "more than %u targets", DAMO_MAX_TARGETS);
	if (ret)
		return 0;
	j->rec.resolved = 1;
	return apply_intervals(j);
}

static int rec_end(struct jctx *j)
{
	char k[64];

	if (!rec_resolve(j) || !apply_intervals(j))
		return 0;
	if (j->rec.data_source[0]) {
		snprintf(k, sizeof(k), "target.%u.data_source", j->rec.target);
		if (damo_meta_set(j->c, k, "%s", j->rec.data_source))
			return 0;
	}
	return 1;
}

static int region_end(struct jctx *j)
{
	struct jrec *rec = &j->rec;
	struct jregion *r = &j->reg;
	uint64_t nr, age = 0;

	if (!r->has_start || !r->has_end)
		return jfail(j, -EBADMSG, "the region has no '%s'", r->has_start ? "end" : "start");
	if (r->start == 0 && r->end == 0 && r->has_samples && r->samples.neg && r->samples.v == 1 &&
	    r->has_age && r->age.neg && r->age.v == 1) {
		j->snap.fake = 1;	/* damo's marker, dropped with its snapshot */
		return 1;
	}
	if (r->has_samples) {
		if (r->samples.neg)
			return jfail(j, -EBADMSG, "'samples' is negative");
		nr = r->samples.v;
	} else if (r->has_percent) {
		/* damo: samples = int(percent * (aggr / sample) / 100) */
		if (!rec->has_intervals)
			return jfail(j, -EBADMSG, "nr_accesses is only a percentage and the record "
				     "has no intervals to turn it into samples");
		nr = (uint64_t)(r->percent * ((long double)rec->aggr_us / rec->sample_us) / 100);
	} else {
		return jfail(j, -EBADMSG, "the region has no nr_accesses");
	}
	if (r->has_age) {
		if (r->age.neg)
			return jfail(j, -EBADMSG, "'aggr_intervals' is negative");
		age = r->age.v;
	} else if (r->has_usec) {
		if (!rec->has_intervals)
			return jfail(j, -EBADMSG, "age is only in usec and the record has no "
				     "intervals to turn it into aggregation intervals");
		age = r->usec / rec->aggr_us;
	}
	if (nr > UINT32_MAX || age > UINT32_MAX)
		return jfail(j, -ERANGE, "%s %" PRIu64 " is out of range",
			     nr > UINT32_MAX ? "nr_accesses" : "age", nr > UINT32_MAX ? nr : age);
	if (j->c->nr_regions == DAMO_MAX_REGIONS)
		return jfail(j, -E2BIG, "a snapshot with more than %u regions", DAMO_MAX_REGIONS);
	return !damo_region_add(j->c, r->start, r->end, nr, age);
}

static int snap_end(struct jctx *j)
{
	struct damo_ctx *c = j->c;
	struct jrec *rec = &j->rec;
	struct jsnap *s = &j->snap;
	uint64_t start;

	if (s->fake) {
		if (s->nr_items != 1)
			return jfail(j, -EBADMSG, "damo's fake region 0-0 among real regions");
		c->st->nr_fake++;
		damo_snapshot_drop(c);
		return 1;
	}
	if (!s->has_end)
		return jfail(j, -EBADMSG, "the snapshot has no 'end_time'");
	if (rec->has_prev_end && s->end < rec->prev_end)
		return jfail(j, -EBADMSG, "times go backwards: the snapshot ends at %" PRIu64 " ns, "
			     "before the previous one of its record (%" PRIu64 " ns)", s->end,
			     rec->prev_end);
	if (s->has_start) {
		start = s->start;
	} else if (rec->has_prev_end) {
		start = rec->prev_end;	/* as damo does for trace-based records */
	} else {
		start = s->end;
		c->st->nr_guessed_start++;
	}
	if (!rec_resolve(j))
		return 0;
	if (damo_snapshot_emit(c, rec->target, start, s->end, where(j)))
		return 0;
	rec->has_prev_end = 1;
	rec->prev_end = s->end;
	return 1;
}

static int on_scalar(struct jctx *j, enum jtype t, const char *s, size_t n)
{
	enum jstate st = j->st[j->depth];
	enum jkey k = j->key[j->depth];
	struct jrec *rec = &j->rec;
	struct jregion *r = &j->reg;
	struct damo_num v;

	if (j->skip)
		return 1;
	switch (st) {
	case JS_TOP:
		return jfail(j, -EBADMSG, "the top level is %s, not damo's list of records",
			     type_name(t));
	case JS_RECORDS:
		return jfail(j, -EBADMSG, "a record is %s, not an object", type_name(t));
	case JS_SNAPSHOTS:
		return jfail(j, -EBADMSG, "a snapshot is %s, not an object", type_name(t));
	case JS_REGIONS:
		return jfail(j, -EBADMSG, "a region is %s, not an object", type_name(t));
	case JS_RECORD:
		switch (k) {
		case K_KDAMOND:
			return int_index(j, t, s, n, &rec->key.kdamond, &rec->key.has_kdamond);
		case K_CONTEXT:
			return int_index(j, t, s, n, &rec->key.context, &rec->key.has_context);
		case K_SCHEME:
			return int_index(j, t, s, n, &rec->key.scheme, &rec->key.has_scheme);
		case K_TARGET:
			if (t == JT_NULL || rec->resolved)
				return 1;
			if (!jnum(j, t, s, n, DAMO_U_NR, 0, &v))
				return 0;
			rec->key.id = v.v;
			rec->key.has_id = 1;
			return 1;
		case K_DATA_SOURCE:
			if (t == JT_STR)
				excerpt(rec->data_source, sizeof(rec->data_source), s, n);
			return 1;
		case K_INTERVALS:
		case K_SNAPSHOTS:
			if (t == JT_NULL)
				return 1;
			return jfail(j, -EBADMSG, "'%s' is %s", key_name(k), type_name(t));
		default:
			return 1;
		}
	case JS_INTERVALS:
		if (k != K_SAMPLE_US && k != K_AGGR_US && k != K_UPDATE_US)
			return 1;
		if (t == JT_NULL)
			return 1;
		if (!jnum(j, t, s, n, DAMO_U_US, 0, &v))
			return 0;
		if (k == K_SAMPLE_US)
			rec->sample_us = v.v, rec->has_sample = 1;
		else if (k == K_AGGR_US)
			rec->aggr_us = v.v, rec->has_aggr = 1;
		else
			rec->update_us = v.v, rec->has_update = 1;
		return 1;
	case JS_SNAPSHOT:
		if (k == K_REGIONS && t != JT_NULL)
			return jfail(j, -EBADMSG, "'regions' is %s, not a list", type_name(t));
		if ((k != K_START_TIME && k != K_END_TIME) || t == JT_NULL)
			return 1;
		if (!jnum(j, t, s, n, DAMO_U_NS, 0, &v))
			return 0;
		if (k == K_START_TIME)
			j->snap.start = v.v, j->snap.has_start = 1;
		else
			j->snap.end = v.v, j->snap.has_end = 1;
		return 1;
	case JS_REGION:
		switch (k) {
		case K_START:
		case K_END:
			if (!jnum(j, t, s, n, DAMO_U_BYTES, 0, &v))
				return 0;
			if (k == K_START)
				r->start = v.v, r->has_start = 1;
			else
				r->end = v.v, r->has_end = 1;
			return 1;
		case K_NRACC:	/* a bare number: samples */
			if (t == JT_NULL)
				return 1;
			r->has_samples = 1;
			return jnum(j, t, s, n, DAMO_U_NR, 1, &r->samples);
		case K_AGE:
			if (t == JT_NULL)
				return 1;
			r->has_age = 1;
			return jnum(j, t, s, n, DAMO_U_NR, 1, &r->age);
		default:
			return 1;
		}
	case JS_NRACC:
		if (t == JT_NULL || (k != K_SAMPLES && k != K_PERCENT))
			return 1;
		if (k == K_PERCENT) {
			r->has_percent = 1;
			return jpercent(j, t, s, n, &r->percent);
		}
		r->has_samples = 1;
		return jnum(j, t, s, n, DAMO_U_NR, 1, &r->samples);
	case JS_AGE:
		if (t == JT_NULL || (k != K_USEC && k != K_AGGR_INTERVALS))
			return 1;
		if (k == K_USEC) {
			if (!jnum(j, t, s, n, DAMO_U_US, 0, &v))
				return 0;
			r->usec = v.v;
			r->has_usec = 1;
			return 1;
		}
		r->has_age = 1;
		return jnum(j, t, s, n, DAMO_U_NR, 1, &r->age);
	default:
		return jfail(j, -EBADMSG, "unexpected JSON value");
	}
}

static int push(struct jctx *j, enum jstate st)
{
	j->depth++;
	j->st[j->depth] = st;
	j->key[j->depth] = K_OTHER;
	return 1;
}

/* A container value under key @k where only a scalar or nothing is expected. */
static int container_value(struct jctx *j, enum jkey k, enum jtype t)
{
	if (k == K_OTHER) {
		j->skip = 1;
		return 1;
	}
	return jfail(j, -EBADMSG, "'%s' is %s", key_name(k), type_name(t));
}

static int on_open(struct jctx *j, int is_map)
{
	enum jstate st = j->st[j->depth];
	enum jkey k = j->key[j->depth];
	enum jtype t = is_map ? JT_MAP : JT_ARRAY;

	if (j->depth + j->skip >= DAMO_MAX_DEPTH)
		return jfail(j, -EBADMSG, "JSON nested deeper than %d levels", DAMO_MAX_DEPTH);
	if (j->skip) {
		j->skip++;
		return 1;
	}
	switch (st) {
	case JS_TOP:
		if (is_map)
			return jfail(j, -EBADMSG, "the top level is an object, not damo's list of "
				     "records");
		return push(j, JS_RECORDS);
	case JS_RECORDS:
		if (!is_map)
			return jfail(j, -EBADMSG, "a record is a list, not an object");
		memset(&j->rec, 0, sizeof(j->rec));
		j->c->st->nr_records++;
		return push(j, JS_RECORD);
	case JS_RECORD:
		if (k == K_INTERVALS && is_map) {
			j->rec.has_sample = j->rec.has_aggr = j->rec.has_update = 0;
			return push(j, JS_INTERVALS);
		}
		if (k == K_SNAPSHOTS && !is_map)
			return rec_resolve(j) && push(j, JS_SNAPSHOTS);
		return container_value(j, k, t);
	case JS_INTERVALS:
		return container_value(j, k, t);
	case JS_SNAPSHOTS:
		if (!is_map)
			return jfail(j, -EBADMSG, "a snapshot is a list, not an object");
		memset(&j->snap, 0, sizeof(j->snap));
		damo_snapshot_drop(j->c);
		j->rec.nr_snapshots++;
		return push(j, JS_SNAPSHOT);
	case JS_SNAPSHOT:
		if (k == K_REGIONS && !is_map)
			return push(j, JS_REGIONS);
		return container_value(j, k, t);
	case JS_REGIONS:
		if (!is_map)
			return jfail(j, -EBADMSG, "a region is a list, not an object");
		memset(&j->reg, 0, sizeof(j->reg));
		j->snap.nr_items++;
		return push(j, JS_REGION);
	case JS_REGION:
		if (k == K_NRACC && is_map)
			return push(j, JS_NRACC);
		if (k == K_AGE && is_map)
			return push(j, JS_AGE);
		return container_value(j, k, t);
	case JS_NRACC:
	case JS_AGE:
		return container_value(j, k, t);
	default:
		return jfail(j, -EBADMSG, "unexpected JSON value");
	}
}

static int on_close(struct jctx *j)
{
	enum jstate st;

	if (j->skip) {
		j->skip--;
		return 1;
	}
	st = j->st[j->depth];
	switch (st) {	/* finish while the position still names the closed object */
	case JS_RECORD:
		if (!rec_end(j))
			return 0;
		break;
	case JS_INTERVALS:
		j->rec.has_intervals = j->rec.has_sample && j->rec.has_aggr &&
				       j->rec.sample_us && j->rec.aggr_us;
		if (!j->rec.has_update)
			j->rec.update_us = 0;
		break;
	case JS_SNAPSHOT:
		if (!snap_end(j))
			return 0;
		break;
	case JS_REGION:
		if (!region_end(j))
			return 0;
		break;
	default:
		break;
	}
	j->depth--;
	if (st == JS_RECORDS)
		j->st[j->depth] = JS_END;
	if (st == JS_INTERVALS)
		return apply_intervals(j);
	return 1;
}

static int cb_null(void *ctx)
{
	return on_scalar(ctx, JT_NULL, NULL, 0);
}

static int cb_boolean(void *ctx, int v)
{
	(void)v;
	return on_scalar(ctx, JT_BOOL, NULL, 0);
}

static int cb_number(void *ctx, const char *s, size_t n)
{
	return on_scalar(ctx, JT_NUM, s, n);
}

static int cb_string(void *ctx, const unsigned char *s, size_t n)
{
	return on_scalar(ctx, JT_STR, (const char *)s, n);
}

static int cb_start_map(void *ctx)
{
	return on_open(ctx, 1);
}

static int cb_start_array(void *ctx)
{
	return on_open(ctx, 0);
}

static int cb_end(void *ctx)
{
	return on_close(ctx);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t n)
{
	struct jctx *j = ctx;
	enum jstate st = j->st[j->depth];
	enum jkey k = K_OTHER;

	if (j->skip)
		return 1;
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		const struct jkeyname *kn = &key_names[i];

		if (kn->state == st && kn->len == n && !memcmp(kn->name, s, n)) {
			k = kn->key;
			break;
		}
	}
	j->key[j->depth] = k;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_boolean,
	.yajl_number = cb_number,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = cb_end,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end,
};

static int is_sep(uint8_t ch)
{
	return ch == ' ' || ch == '\n' || ch == ',' || ch == ':' || ch == '{' || ch == '}' ||
	       ch == '[' || ch == ']' || ch == '\t' || ch == '\r';
}

/* The longest run of non-separators in [p, end), given @run bytes of it before p. */
static size_t bare_run(const uint8_t *p, const uint8_t *end, size_t run, size_t *max)
{
	for (; p < end; p++) {
		run = is_sep(*p) ? 0 : run + 1;
		if (run > *max)
			*max = run;
	}
	return run;
}

/*
 * Return: 0, or -1 when a string or bare token runs longer than DAMO_MAX_TOKEN. Outside strings
 * it jumps from quote to quote and looks closer only at stretches long enough to matter: the
 * indentation of damo's JSON is most of its bytes.
 */
static int scan_tokens(struct jscan *s, const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;
	size_t run = s->run, max = 0;
	int esc = s->esc;

	while (p < end) {
		if (s->in_str) {
			/* jump to the next quote or backslash */
			const uint8_t *q = p;

			if (esc) {
				esc = 0;
				q++;
			}
			while (q < end && *q != '"' && *q != '\\')
				q++;
			run += q - p;
			p = q;
			if (p >= end)
				break;
			if (*p == '\\') {
				esc = 1;
				run++;
			} else {
				s->in_str = 0;
				run = 0;
			}
			p++;
			if (run > DAMO_MAX_TOKEN)
				return -1;
		} else {
			const uint8_t *q = memchr(p, '"', end - p);
			const uint8_t *stop = q ? q : end;

			if (run + (stop - p) > DAMO_MAX_TOKEN) {
				run = bare_run(p, stop, run, &max);
				if (max > DAMO_MAX_TOKEN)
					return -1;
			} else if (!q) {
				const uint8_t *b = end;

				while (b > p && !is_sep(b[-1]))
					b--;
				run = b == p ? run + (end - p) : (size_t)(end - b);
			}
			if (!q)
				break;
			s->in_str = 1;
			run = 0;
			p = q + 1;
		}
	}
	if (run > DAMO_MAX_TOKEN)
		return -1;
	s->run = run;
	s->esc = esc;
	return 0;
}

int damo_json_parse(struct damo_ctx *c, uint8_t *buf, size_t len)
{
	struct jctx *j = calloc(1, sizeof(*j));
	struct jscan scan = { 0 };
	yajl_handle h = NULL;
	yajl_status ys;
	uint64_t base = 0;
	int final = 0, ret = 0;

	if (!j)
		return damo_fail(c, -ENOMEM, "out of memory");
	j->c = c;
	h = yajl_alloc(&callbacks, NULL, j);
	if (!h) {
		free(j);
		return damo_fail(c, -ENOMEM, "out of memory");
	}
	for (;;) {
		if (scan_tokens(&scan, buf, len)) {
			ret = damo_fail(c, -E2BIG, "JSON: a string or number longer than %u bytes "
					"before byte %" PRIu64, DAMO_MAX_TOKEN, base + len);
			goto out;
		}
		ys = yajl_parse(h, buf, len);
		if (ys != yajl_status_ok)
			break;
		base += len;
		ret = damo_src_fill(c, buf, DAMO_FEED_BUF, &len);
		if (ret)
			goto out;
		if (!len) {
			final = 1;
			ys = yajl_complete_parse(h);
			break;
		}
	}
	if (ys == yajl_status_client_canceled) {
		ret = c->err ? c->err : damo_fail(c, -EBADMSG, "JSON: parse stopped");
	} else if (ys != yajl_status_ok) {
		unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
		char text[160];
		size_t n;

		snprintf(text, sizeof(text), "%s", msg ? (char *)msg : "parse error");
		n = strlen(text);
		while (n && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '.'))
			text[--n] = '\0';
		if (msg)
			yajl_free_error(h, msg);
		if (final)
			ret = damo_fail(c, -EBADMSG, "JSON: the text ends early at byte %" PRIu64
					" (truncated file?): %s", base, text);
		else
			ret = damo_fail(c, -EBADMSG, "JSON: %s at byte %" PRIu64, text,
					base + yajl_get_bytes_consumed(h));
	} else if (j->st[0] != JS_END) {
		ret = damo_fail(c, -EBADMSG, "JSON: the text ends early (truncated file?)");
	}
out:
	yajl_free(h);
	free(j);
	return ret;
}
