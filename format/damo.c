// SPDX-License-Identifier: GPL-2.0
/*
 * The common part of the damo importers: reading the input (a file or a buffer, inflated on the
 * fly when it is a zlib or gzip stream, in fixed-size buffers), telling JSON from trace text by
 * content, damo's number text, and the emitter that turns damo records into daprof targets and
 * metadata and hands checked snapshots to a sink. The writer sink behind damo_import() is here too.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/damo-priv.h"

/* ---- errors ---- */

int damo_fail(struct damo_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	if (c->err)
		return c->err;
	c->err = err;
	if (c->why && c->why_len && fmt) {
		va_start(ap, fmt);
		vsnprintf(c->why, c->why_len, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* ---- numbers ---- */

struct unit_mult {
	const char *name;
	uint64_t mult;
};

static const struct unit_mult byte_units[] = {
	{ "B", 1 },
	{ "K", 1ULL << 10 }, { "KB", 1ULL << 10 }, { "KiB", 1ULL << 10 },
	{ "M", 1ULL << 20 }, { "MB", 1ULL << 20 }, { "MiB", 1ULL << 20 },
	{ "G", 1ULL << 30 }, { "GB", 1ULL << 30 }, { "GiB", 1ULL << 30 },
	{ "T", 1ULL << 40 }, { "TB", 1ULL << 40 }, { "TiB", 1ULL << 40 },
	{ "P", 1ULL << 50 }, { "PB", 1ULL << 50 }, { "PiB", 1ULL << 50 },
	{ "E", 1ULL << 60 }, { "EB", 1ULL << 60 }, { "EiB", 1ULL << 60 },
	{ NULL, 0 }
};

static const struct unit_mult time_units[] = {	/* in ns */
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000ULL },
	{ "m", 60000000000ULL }, { "h", 3600000000000ULL }, { "d", 86400000000000ULL },
	{ NULL, 0 }
};

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static uint64_t find_unit(const struct unit_mult *t, const char *s, size_t n)
{
	for (; t->name; t++)
		if (strlen(t->name) == n && !memcmp(t->name, s, n))
			return t->mult;
	return 0;
}

/*
 * One "<number>[ ]<unit>" term at *@p: the number may have thousands commas, a fraction and an
 * exponent (as Python's float() reads it). Its value times the unit goes to @out, truncated like
 * damo's int(). @den divides the product (ns -> us).
 */
static int parse_term(const char **p, const char *end, enum damo_unit unit, uint64_t *out)
{
	const char *s = *p, *num_end, *u;
	char clean[80];
	size_t nc = 0;
	int exact = 1, digits = 0;
	uint64_t v = 0, mult = 1, den = 1;

	while (s < end && (is_digit(*s) || *s == ',')) {
		if (*s != ',') {
			digits++;
			if (exact && (__builtin_mul_overflow(v, 10, &v) ||
				      __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v)))
				exact = 0;	/* too big for u64: the float path says -ERANGE */
			if (nc < sizeof(clean) - 1)
				clean[nc++] = *s;
		}
		s++;
	}
	if (s < end && *s == '.') {
		exact = 0;
		clean[nc < sizeof(clean) - 1 ? nc++ : nc] = '.';
		for (s++; s < end && is_digit(*s); s++, digits++)
			if (nc < sizeof(clean) - 1)
				clean[nc++] = *s;
	}
	if (!digits)
		return -EINVAL;
	if (s < end && (*s == 'e' || *s == 'E')) {
		const char *e = s + 1;

		if (e < end && (*e == '+' || *e == '-'))
			e++;
		if (e < end && is_digit(*e)) {
			exact = 0;
			clean[nc < sizeof(clean) - 1 ? nc++ : nc] = 'e';
			for (s++; s < end && (is_digit(*s) || *s == '+' || *s == '-'); s++)
				if (nc < sizeof(clean) - 1)
					clean[nc++] = *s;
		}
	}
	if (nc >= sizeof(clean) - 1)
		return -ERANGE;		/* no damo number has 80 significant characters */
	clean[nc] = '\0';
	num_end = s;
	while (s < end && is_space(*s))
		s++;
	u = s;
	while (s < end && is_alpha(*s))
		s++;
	if (s > u) {
		if (unit == DAMO_U_BYTES)
			mult = find_unit(byte_units, u, s - u);
		else if (unit == DAMO_U_NS || unit == DAMO_U_US)
			mult = find_unit(time_units, u, s - u);
		else
			mult = 0;
		if (!mult)
			return -EINVAL;
		if (unit == DAMO_U_US)
			den = 1000;
	} else {
		s = num_end;
	}
	if (exact) {
		if (__builtin_mul_overflow(v, mult, &v))
			return -ERANGE;
		*out = v / den;
	} else {
		long double f = strtold(clean, NULL) * mult / den;

		if (!(f >= 0) || f >= 18446744073709551616.0L)
			return -ERANGE;
		*out = (uint64_t)f;
	}
	*p = s;
	return 0;
}

int damo_parse_num(const char *s, size_t n, enum damo_unit unit, struct damo_num *out)
{
	const char *end = s + n;
	uint64_t total = 0;
	int neg = 0, terms = 0, ret;

	while (s < end && is_space(*s))
		s++;
	while (end > s && is_space(end[-1]))
		end--;
	if (end - s == 3 && (!memcmp(s, "max", 3) || !memcmp(s, "min", 3))) {
		out->v = s[1] == 'a' ? UINT64_MAX : 0;
		out->neg = 0;
		return 0;
	}
	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	while (s < end) {
		uint64_t v;

		if (terms && unit != DAMO_U_NS && unit != DAMO_U_US)
			return -EINVAL;		/* "1 m 3 s" is for times only */
		ret = parse_term(&s, end, unit, &v);
		if (ret)
			return ret;
		if (__builtin_add_overflow(total, v, &total))
			return -ERANGE;
		terms++;
		while (s < end && is_space(*s))
			s++;
	}
	if (!terms)
		return -EINVAL;
	out->v = total;
	out->neg = neg && total;
	return 0;
}

/* ---- input ---- */

static int read_raw(struct damo_ctx *c, uint8_t *buf, size_t cap, size_t *got)
{
	struct damo_src *s = &c->src;
	size_t n = 0;

	if (s->fd < 0) {
		n = s->mem_len - s->mem_off < cap ? s->mem_len - s->mem_off : cap;
		memcpy(buf, s->mem + s->mem_off, n);
		s->mem_off += n;
	} else {
		while (n < cap) {
			ssize_t r = read(s->fd, buf + n, cap - n);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return damo_fail(c, -errno, "cannot read the input: %s",
						 strerror(errno));
			if (r == 0)
				break;
			n += r;
		}
	}
	if (n < cap)
		s->raw_eof = 1;
	s->in_bytes += n;
	c->st->in_bytes = s->in_bytes;
	*got = n;
	return 0;
}

static int is_zlib_header(const uint8_t *p, size_t n)
{
	/* deflate, window <= 32K, no preset dictionary, header checksum */
	return n >= 2 && (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 && !(p[1] & 0x20) &&
	       ((p[0] << 8) | p[1]) % 31 == 0;
}

/* Read the first raw block and set up decompression for what it shows. */
static int src_start(struct damo_ctx *c)
{
	struct damo_src *s = &c->src;
	int ret;

	s->raw_eof = 0;
	s->raw_off = 0;
	s->z_done = 0;
	s->in_bytes = 0;
	s->out_bytes = 0;
	ret = read_raw(c, s->raw, DAMO_RAW_BUF, &s->raw_len);
	if (ret)
		return ret;
	if (s->raw_len >= 2 && s->raw[0] == 0x1f && s->raw[1] == 0x8b)
		s->comp = DAMO_GZIP;
	else if (is_zlib_header(s->raw, s->raw_len))
		s->comp = DAMO_ZLIB;
	else
		s->comp = DAMO_PLAIN;
	if (s->comp == DAMO_PLAIN)
		return 0;
	if (s->z_live)
		inflateEnd(&s->z);
	memset(&s->z, 0, sizeof(s->z));
	if (inflateInit2(&s->z, s->comp == DAMO_GZIP ? 16 + 15 : 15) != Z_OK)
		return damo_fail(c, -ENOMEM, "cannot set up zlib");
	s->z_live = 1;
	s->z.next_in = s->raw;
	s->z.avail_in = s->raw_len;
	return 0;
}

int damo_src_rewind(struct damo_ctx *c)
{
	if (c->src.fd < 0)
		c->src.mem_off = 0;
	else if (lseek(c->src.fd, 0, SEEK_SET) < 0)
		return damo_fail(c, -errno, "cannot read the input twice (trace text must be a "
				 "regular file): %s", strerror(errno));
	return src_start(c);
}

static int fill_plain(struct damo_ctx *c, uint8_t *buf, size_t cap, size_t *got)
{
	struct damo_src *s = &c->src;
	size_t n = 0, more;
	int ret;

	if (s->raw_off < s->raw_len) {
		n = s->raw_len - s->raw_off < cap ? s->raw_len - s->raw_off : cap;
		memcpy(buf, s->raw + s->raw_off, n);
		s->raw_off += n;
	}
	if (n < cap && !s->raw_eof) {
		ret = read_raw(c, buf + n, cap - n, &more);
		if (ret)
			return ret;
		n += more;
	}
	*got = n;
	return 0;
}

/* The next compressed bytes of the file into the inflater's input. */
static int refill_z(struct damo_ctx *c)
{
	struct damo_src *s = &c->src;
	size_t n;
	int ret = read_raw(c, s->raw, DAMO_RAW_BUF, &n);

	if (ret)
		return ret;
	s->z.next_in = s->raw;
	s->z.avail_in = n;
	return 0;
}

static int fill_z(struct damo_ctx *c, uint8_t *buf, size_t cap, size_t *got)
{
	struct damo_src *s = &c->src;
	z_stream *z = &s->z;
	int ret;

	z->next_out = buf;
	z->avail_out = cap;
	while (z->avail_out && !s->z_done) {
		if (!z->avail_in && !s->raw_eof && (ret = refill_z(c)))
			return ret;
		if (!z->avail_in && s->raw_eof)
			return damo_fail(c, -EBADMSG, "the compressed data ends early (truncated "
					 "file?) after %" PRIu64 " bytes", s->in_bytes);
		ret = inflate(z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END) {
			/* gzip may hold further members; anything else after the stream is damage */
			if (!z->avail_in && !s->raw_eof && (ret = refill_z(c)))
				return ret;
			if (s->comp == DAMO_GZIP && z->avail_in >= 2 && z->next_in[0] == 0x1f &&
			    z->next_in[1] == 0x8b && inflateReset(z) == Z_OK)
				continue;
			if (z->avail_in)
				return damo_fail(c, -EBADMSG, "bytes after the end of the compressed "
						 "data, at byte %" PRIu64 " (a damaged or concatenated "
						 "file?)", s->in_bytes - z->avail_in);
			s->z_done = 1;
		} else if (ret == Z_MEM_ERROR) {
			return damo_fail(c, -ENOMEM, "out of memory in zlib");
		} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			return damo_fail(c, -EBADMSG, "the compressed data is corrupt (zlib: %s)",
					 z->msg ? z->msg : "bad data");
		}
	}
	*got = cap - z->avail_out;
	return 0;
}

int damo_src_fill(struct damo_ctx *c, uint8_t *buf, size_t cap, size_t *got)
{
	int ret = c->src.comp == DAMO_PLAIN ? fill_plain(c, buf, cap, got) :
		  fill_z(c, buf, cap, got);

	if (!ret) {
		c->src.out_bytes += *got;
		c->st->text_bytes = c->src.out_bytes;
	}
	return ret;
}

/* ---- emitter ---- */

int damo_meta_set(struct damo_ctx *c, const char *key, const char *fmt, ...)
{
	char val[256];
	const char *old;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	old = dpf_meta_get(&c->meta, key);
	if (old && !strcmp(old, val))
		return 0;
	c->meta_dirty = 1;
	if (dpf_meta_set(&c->meta, key, val))
		return damo_fail(c, -ENOMEM, "out of memory");
	return 0;
}

static int send_meta(struct damo_ctx *c)
{
	int ret = c->sink->meta ? c->sink->meta(c->sink->arg, &c->meta) : 0;

	c->meta_sent = 1;
	c->meta_dirty = 0;
	if (ret && !c->err)
		c->err = ret;	/* the sink's own failure: damo_import() words it */
	return ret;
}

static int same_key(const struct damo_tkey *a, const struct damo_tkey *b)
{
	return a->has_id && b->has_id && a->id == b->id &&
	       a->has_kdamond == b->has_kdamond && (!a->has_kdamond || a->kdamond == b->kdamond) &&
	       a->has_context == b->has_context && (!a->has_context || a->context == b->context) &&
	       a->has_scheme == b->has_scheme && (!a->has_scheme || a->scheme == b->scheme);
}

int damo_target(struct damo_ctx *c, const struct damo_tkey *key, uint32_t *target)
{
	uint32_t n = c->nr_targets;
	char k[64];
	int ret = 0;

	for (uint32_t i = n; i-- > 0;) {	/* newest first: records repeat the last one */
		if (same_key(&c->targets[i], key)) {
			*target = i;
			return 0;
		}
	}
	if (n == DAMO_MAX_TARGETS)
		return -E2BIG;	/* the caller says where */
	if (n == c->alloc_targets) {
		uint32_t want = n ? n * 2 : 8;
		struct damo_tkey *t = realloc(c->targets, want * sizeof(*t));

		if (!t)
			return damo_fail(c, -ENOMEM, "out of memory");
		c->targets = t;
		c->alloc_targets = want;
	}
	c->targets[n] = *key;
	c->nr_targets = n + 1;
	c->st->nr_targets = n + 1;
	if (key->has_id) {
		snprintf(k, sizeof(k), "target.%u.id", n);
		ret = damo_meta_set(c, k, "%" PRIu64, key->id);
	}
	if (!ret && key->has_kdamond) {
		snprintf(k, sizeof(k), "target.%u.kdamond", n);
		ret = damo_meta_set(c, k, "%" PRId64, key->kdamond);
	}
	if (!ret && key->has_context) {
		snprintf(k, sizeof(k), "target.%u.context", n);
		ret = damo_meta_set(c, k, "%" PRId64, key->context);
	}
	if (!ret && key->has_scheme) {
		snprintf(k, sizeof(k), "target.%u.scheme", n);
		ret = damo_meta_set(c, k, "%" PRId64, key->scheme);
	}
	*target = n;
	return ret;
}

int damo_set_intervals(struct damo_ctx *c, uint32_t target, uint64_t sample_us, uint64_t aggr_us,
		       uint64_t update_us)
{
	char k[64];
	int ret = 0;

	c->st->intervals_known = 1;
	if (!c->have_intervals) {
		c->have_intervals = 1;
		c->sample_us = sample_us;
		c->aggr_us = aggr_us;
		c->update_us = update_us;
		ret = damo_meta_set(c, "sample_us", "%" PRIu64, sample_us);
		if (!ret)
			ret = damo_meta_set(c, "aggr_us", "%" PRIu64, aggr_us);
		if (!ret && update_us)
			ret = damo_meta_set(c, "update_us", "%" PRIu64, update_us);
		return ret;
	}
	if (sample_us == c->sample_us && aggr_us == c->aggr_us && update_us == c->update_us)
		return 0;
	/* a record of its own pace: keep its intervals with the target */
	snprintf(k, sizeof(k), "target.%u.sample_us", target);
	ret = damo_meta_set(c, k, "%" PRIu64, sample_us);
	snprintf(k, sizeof(k), "target.%u.aggr_us", target);
	if (!ret)
		ret = damo_meta_set(c, k, "%" PRIu64, aggr_us);
	snprintf(k, sizeof(k), "target.%u.update_us", target);
	if (!ret && update_us)
		ret = damo_meta_set(c, k, "%" PRIu64, update_us);
	return ret;
}

int damo_region_add(struct damo_ctx *c, uint64_t start, uint64_t end, uint64_t nr_accesses,
		    uint64_t age)
{
	struct dpf_region *r;

	if (nr_accesses > UINT32_MAX)
		return damo_fail(c, -ERANGE, "nr_accesses %" PRIu64 " is too large", nr_accesses);
	if (age > UINT32_MAX)
		return damo_fail(c, -ERANGE, "age %" PRIu64 " is too large", age);
	if (c->nr_regions == DAMO_MAX_REGIONS)
		return damo_fail(c, -E2BIG, "a snapshot has more than %u regions",
				 DAMO_MAX_REGIONS);
	if (c->nr_regions == c->alloc_regions) {
		uint32_t want = c->alloc_regions ? c->alloc_regions * 2 : 256;

		r = realloc(c->regions, (size_t)want * sizeof(*r));
		if (!r)
			return damo_fail(c, -ENOMEM, "out of memory");
		c->regions = r;
		c->alloc_regions = want;
	}
	r = &c->regions[c->nr_regions++];
	r->start = start;
	r->end = end;
	r->nr_accesses = nr_accesses;
	r->age = age;
	return 0;
}

void damo_snapshot_drop(struct damo_ctx *c)
{
	c->nr_regions = 0;
}

static int cmp_region(const void *a, const void *b)
{
	const struct dpf_region *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

int damo_snapshot_emit(struct damo_ctx *c, uint32_t target, uint64_t start_ns, uint64_t end_ns,
		       const char *what)
{
	struct dpf_region *r = c->regions;
	uint32_t n = c->nr_regions;
	struct dpf_snapshot s = {
		.target = target, .start_ns = start_ns, .end_ns = end_ns,
		.nr_regions = n, .regions = r,
	};
	int ret;

	c->nr_regions = 0;
	for (uint32_t i = 1; i < n; i++) {
		if (r[i].start < r[i - 1].start) {
			qsort(r, n, sizeof(*r), cmp_region);
			c->st->nr_sorted++;
			break;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		if (r[i].end <= r[i].start)
			return damo_fail(c, -EBADMSG, "%s: region %" PRIu64 "-%" PRIu64 " is empty",
					 what, r[i].start, r[i].end);
		if (i && r[i].start < r[i - 1].end)
			return damo_fail(c, -EBADMSG, "%s: regions %" PRIu64 "-%" PRIu64 " and %"
					 PRIu64 "-%" PRIu64 " overlap", what, r[i - 1].start,
					 r[i - 1].end, r[i].start, r[i].end);
	}
	if (end_ns < start_ns)
		return damo_fail(c, -EBADMSG, "%s: snapshot ends (%" PRIu64 " ns) before it "
				 "starts (%" PRIu64 " ns)", what, end_ns, start_ns);
	if (!c->meta_sent && (ret = send_meta(c)))
		return ret;
	ret = c->sink->snapshot(c->sink->arg, &s);
	if (ret) {
		if (!c->err)
			c->err = ret;
		return ret;
	}
	c->st->nr_snapshots++;
	c->st->nr_regions += n;
	return 0;
}

/* ---- the import ---- */

static const char *source_name(enum damo_comp comp)
{
	switch (comp) {
	case DAMO_ZLIB:
		return "damo json_compressed";
	case DAMO_GZIP:
		return "damo json (gzip)";
	default:
		return "damo json";
	}
}

/* What a binary non-damo input is, for the error line. */
static int refuse_binary(struct damo_ctx *c, const uint8_t *p, size_t n)
{
	if (n >= 8 && !memcmp(p, "PERFILE2", 8))
		return damo_fail(c, -EBADMSG, "a perf.data file: convert the text of 'perf script "
				 "-i FILE' instead");
	if (n >= 8 && !memcmp(p, DPF_MAGIC, 8))
		return damo_fail(c, -EBADMSG, "already a daprof recording");
	if (n >= 16 && !memcmp(p, "damon_recfmt_ver", 16))
		return damo_fail(c, -EBADMSG, "damo's legacy binary 'record' format is not "
				 "supported (rewrite it as json with an older damo first)");
	return damo_fail(c, -EBADMSG, "not a damo recording (neither json_compressed, json nor "
			 "perf script text)");
}

static int import_run(struct damo_ctx *c)
{
	uint8_t *buf = malloc(DAMO_FEED_BUF);
	size_t n = 0, i = 0;
	int json, ret;

	c->src.raw = malloc(DAMO_RAW_BUF);
	if (!buf || !c->src.raw) {
		free(buf);
		return damo_fail(c, -ENOMEM, "out of memory");
	}
	dpf_meta_init(&c->meta);
	ret = src_start(c);
	if (!ret)
		ret = damo_src_fill(c, buf, DAMO_FEED_BUF, &n);
	if (ret)
		goto out;
	if (!n) {
		ret = damo_fail(c, -EBADMSG, c->src.comp == DAMO_PLAIN ? "the input is empty" :
				"the compressed input holds nothing");
		goto out;
	}
	if (n >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		memmove(buf, buf + 3, n - 3);	/* a UTF-8 byte order mark: yajl wants none */
		n -= 3;
	}
	while (i < n && is_space(buf[i]))
		i++;
	json = i < n && (buf[i] == '[' || buf[i] == '{');
	if (!json && (i == n || memchr(buf, '\0', n))) {
		ret = refuse_binary(c, buf, n);
		goto out;
	}
	/* the text importer names its source (perf or trace-cmd) once it has seen the lines */
	c->st->source = json ? source_name(c->src.comp) : "damo perf-script";
	ret = damo_meta_set(c, "source", "%s", c->st->source);
	if (!ret)
		ret = damo_meta_set(c, "backend", "damon");
	if (!ret)
		ret = damo_meta_set(c, "clock", "damo");
#ifdef DAPROF_VERSION
	if (!ret)
		ret = damo_meta_set(c, "daprof_version", "%s", DAPROF_VERSION);
#endif
	if (!ret)
		ret = json ? damo_json_parse(c, buf, n) : damo_text_parse(c, buf, n);
	if (ret)
		goto out;
	/*
	 * JSON names its records one after the other, so the count comes only with the closing
	 * metadata: better none in the first chunk than a wrong one.
	 */
	ret = damo_meta_set(c, "nr_targets", "%u", c->nr_targets);
	if (!ret && !c->have_intervals)
		ret = damo_meta_set(c, "intervals", "unknown");
	if (!ret && (!c->meta_sent || c->meta_dirty))
		ret = send_meta(c);
out:
	free(buf);
	return c->err ? c->err : ret;
}

static int import_common(struct damo_ctx *c, const struct damo_sink *sink,
			 struct damo_import_stats *st, char *why, size_t why_len)
{
	int ret;

	memset(st, 0, sizeof(*st));
	if (why && why_len)
		why[0] = '\0';
	c->sink = sink;
	c->st = st;
	c->why = why;
	c->why_len = why_len;
	ret = import_run(c);
	if (c->src.z_live)
		inflateEnd(&c->src.z);
	free(c->src.raw);
	dpf_meta_release(&c->meta);
	free(c->targets);
	free(c->regions);
	return ret;
}

int damo_import_mem(const void *buf, size_t len, const struct damo_sink *sink,
		    struct damo_import_stats *st, char *why, size_t why_len)
{
	struct damo_ctx c = { .src = { .fd = -1, .mem = buf, .mem_len = len } };

	return import_common(&c, sink, st, why, why_len);
}

int damo_import_fd(int fd, const struct damo_sink *sink, struct damo_import_stats *st,
		   char *why, size_t why_len)
{
	struct damo_ctx c = { .src = { .fd = fd } };

	return import_common(&c, sink, st, why, why_len);
}

/* ---- the writer sink ---- */

struct wsink {
	struct dpf_writer *w;
	const char *path;
	struct dpf_writer_opts o;
	int err;	/* the writer failed (not the input) */
};

static int wsink_meta(void *arg, const struct dpf_meta *m)
{
	struct wsink *s = arg;
	int ret;

	ret = s->w ? dpf_writer_meta(s->w, m) : dpf_writer_open(&s->w, s->path, &s->o, m);
	if (ret)
		s->err = ret;
	return ret;
}

static int wsink_snapshot(void *arg, const struct dpf_snapshot *snap)
{
	struct wsink *s = arg;
	int ret = s->w ? dpf_writer_snapshot(s->w, snap) : -EINVAL;

	if (ret)
		s->err = ret;
	return ret;
}

int damo_import(const char *in_path, const char *out_path, const struct dpf_writer_opts *o,
		struct damo_import_stats *st, char *why, size_t why_len)
{
	struct wsink ws = { .path = out_path };
	struct damo_sink sink = { .arg = &ws, .meta = wsink_meta, .snapshot = wsink_snapshot };
	struct stat sb;
	int fd, ret;

	memset(st, 0, sizeof(*st));
	if (why && why_len)
		why[0] = '\0';
	if (o)
		ws.o = *o;
	ws.o.atomic = 1;
	fd = dpf_input_open(in_path, &sb);
	if (fd == -ESPIPE && why && why_len)
		snprintf(why, why_len, "'%s' is a FIFO or a socket: convert reads a regular file",
			 in_path);
	if (fd < 0)
		return fd;
	ret = damo_import_fd(fd, &sink, st, why, why_len);
	close(fd);
	if (!ret) {
		ret = dpf_writer_close(ws.w);	/* frees; on error drops the temporary */
		ws.w = NULL;
		if (ret)
			ws.err = ret;
	}
	if (ret) {
		dpf_writer_abort(ws.w);
		if (ws.err && why && why_len)
			snprintf(why, why_len, "cannot write '%s': %s", out_path,
				 strerror(-ws.err));
		return ret;
	}
	if (stat(out_path, &sb) == 0)
		st->out_bytes = sb.st_size;
	return 0;
}
