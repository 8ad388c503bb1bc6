// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer (json-writer.h) over yajl_gen. yajl writes no whitespace in its compact mode
 * and hands each separator ("," or ":") to the print callback as a chunk of its own, before the
 * value it precedes; the callback adds the layout's whitespace there. yajl escapes controls in
 * upper-case hex and passes bad UTF-8 through (yajl_gen_validate_utf8 is off), so a string that
 * needs a \u escape is generated as "" and its literal written by us in place of those chunks:
 * yajl still places it (key or value, commas), and the text stays byte for byte what daprof
 * wrote before it used yajl.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/json-writer.h"
#include "report/text.h"

#define JSONW_MAX_DEPTH	32	/* daprof's documents nest 4 deep */

struct json_level {
	enum jsonw_layout layout;
	int is_object;
	unsigned long count;	/* members (keys of an object) so far */
	int want_value;		/* an object's key was written, its value comes next */
};

struct json_writer {
	yajl_gen g;
	FILE *out;
	int depth;
	struct json_level level[JSONW_MAX_DEPTH];
	char ws[2 + 2 * JSONW_MAX_DEPTH];	/* written after the next separator, or before */
	size_t ws_len;
	int ws_pending;
	const char *literal;	/* a string of ours to write in place of yajl's "" */
	int literal_done;
	size_t used;
	char buf[65536];	/* yajl prints in pieces of a few bytes: stdio per piece was 3x slower */
};

static void flush_buf(struct json_writer *jw)
{
	fwrite(jw->buf, 1, jw->used, jw->out);
	jw->used = 0;
}

static void put(struct json_writer *jw, const char *s, size_t len)
{
	if (jw->used + len > sizeof(jw->buf)) {
		flush_buf(jw);
		if (len > sizeof(jw->buf)) {
			fwrite(s, 1, len, jw->out);
			return;
		}
	}
	memcpy(jw->buf + jw->used, s, len);
	jw->used += len;
}

/* ---- strings ---- */

/*
 * Whether yajl escapes @str exactly as daprof does (valid UTF-8, no control needing \u); its
 * length in *@len when it does.
 */
static int yajl_can_escape(const char *str, size_t *len)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t n = *s < 0x80 ? 1 : report_utf8_len(s);

		if (!n || (*s < 0x20 && !strchr("\b\t\n\f\r", *s)))
			return 0;
		s += n;
	}
	*len = (size_t)(s - (const unsigned char *)str);
	return 1;
}

/*
 * @str as a JSON string literal: controls are escaped, and each byte that is not part of
 * well-formed UTF-8 is written as \u00XX (its Latin-1 reading), so no byte is lost.
 */
static void write_literal(struct json_writer *jw, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	static const char short_esc[] = "btn\0fr";	/* \b \t \n (\v) \f \r */
	char e[8];

	put(jw, "\"", 1);
	while (*s) {
		size_t n = *s < 0x80 ? 1 : report_utf8_len(s);

		if (*s == '"' || *s == '\\')
			put(jw, e, snprintf(e, sizeof(e), "\\%c", *s));
		else if (*s >= 0x08 && *s <= 0x0d && *s != 0x0b)
			put(jw, e, snprintf(e, sizeof(e), "\\%c", short_esc[*s - 0x08]));
		else if (*s < 0x20 || !n)	/* a control, or a byte of bad UTF-8 */
			put(jw, e, snprintf(e, sizeof(e), "\\u%04x", *s));
		else
			put(jw, (const char *)s, n);
		s += n ? n : 1;
	}
	put(jw, "\"", 1);
}

/* ---- yajl's output ---- */

static void print_cb(void *ctx, const char *s, size_t len)
{
	struct json_writer *jw = ctx;

	if (jw->ws_pending) {
		jw->ws_pending = 0;
		if (len == 1 && (*s == ',' || *s == ':')) {
			put(jw, s, 1);
			put(jw, jw->ws, jw->ws_len);
			return;
		}
		put(jw, jw->ws, jw->ws_len);
	}
	if (jw->literal) {
		/* yajl's chunks for "" ('"', nothing, '"') become our literal */
		if (!jw->literal_done)
			write_literal(jw, jw->literal);
		jw->literal_done = 1;
		return;
	}
	put(jw, s, len);
}

static void check(yajl_gen_status st)
{
	if (st != yajl_gen_status_ok)
		DP_BUG("JSON generated out of order");
}

/* "\n" and the indent of @lines levels, into jw->ws */
static void newline_ws(struct json_writer *jw, int lines)
{
	jw->ws[0] = '\n';
	memset(jw->ws + 1, ' ', 2 * lines);
	jw->ws_len = 1 + 2 * lines;
}

/* Containers laid out in lines, from the outermost to @depth (included). */
static int lines_levels(const struct json_writer *jw, int depth)
{
	int n = 0;

	for (int i = 0; i < depth; i++)
		n += jw->level[i].layout == JSONW_LINES;
	return n;
}

/* Set the whitespace before the next key or value, and count it in its container. */
static void before_item(struct json_writer *jw, int is_key)
{
	struct json_level *l;

	jw->ws_len = 0;
	jw->ws_pending = 1;
	if (!jw->depth)
		return;
	l = &jw->level[jw->depth - 1];
	if (l->is_object && !is_key) {
		if (!l->want_value)
			DP_BUG("JSON value without a key");
		l->want_value = 0;
		jw->ws[0] = ' ';
		jw->ws_len = 1;
		return;
	}
	if (l->layout == JSONW_LINES)
		newline_ws(jw, lines_levels(jw, jw->depth));
	else if (l->count)
		memcpy(jw->ws, " ", jw->ws_len = 1);
	l->count++;
	l->want_value = is_key;
}

/* ---- the API ---- */

struct json_writer *jsonw_new(FILE *out)
{
	struct json_writer *jw = calloc(1, sizeof(*jw));

	if (!jw)
		return NULL;
	jw->g = yajl_gen_alloc(NULL);
	if (!jw->g) {
		free(jw);
		return NULL;
	}
	jw->out = out;
	yajl_gen_config(jw->g, yajl_gen_beautify, 0);
	yajl_gen_config(jw->g, yajl_gen_validate_utf8, 0);
	yajl_gen_config(jw->g, yajl_gen_print_callback, print_cb, jw);
	return jw;
}

void jsonw_destroy(struct json_writer **jw)
{
	if (!*jw)
		return;
	flush_buf(*jw);
	yajl_gen_free((*jw)->g);
	free(*jw);
	*jw = NULL;
}

static void start(struct json_writer *jw, enum jsonw_layout layout, int is_object)
{
	if (jw->depth == JSONW_MAX_DEPTH)
		DP_BUG("JSON nested too deep");
	before_item(jw, 0);
	check(is_object ? yajl_gen_map_open(jw->g) : yajl_gen_array_open(jw->g));
	jw->level[jw->depth++] = (struct json_level){ .layout = layout, .is_object = is_object };
}

static void end(struct json_writer *jw, int is_object)
{
	struct json_level *l = jw->depth ? &jw->level[jw->depth - 1] : NULL;

	if (!l || l->is_object != is_object || l->want_value)
		DP_BUG("JSON container closed out of order");
	jw->ws_len = 0;
	if (l->layout == JSONW_LINES && l->count)
		newline_ws(jw, lines_levels(jw, jw->depth - 1));
	jw->ws_pending = 1;
	jw->depth--;
	check(is_object ? yajl_gen_map_close(jw->g) : yajl_gen_array_close(jw->g));
	if (!jw->depth) {
		put(jw, "\n", 1);
		flush_buf(jw);
	}
}

void jsonw_start_object(struct json_writer *jw, enum jsonw_layout layout)
{
	start(jw, layout, 1);
}

void jsonw_end_object(struct json_writer *jw)
{
	end(jw, 1);
}

void jsonw_start_array(struct json_writer *jw, enum jsonw_layout layout)
{
	start(jw, layout, 0);
}

void jsonw_end_array(struct json_writer *jw)
{
	end(jw, 0);
}

static void gen_string(struct json_writer *jw, const char *s)
{
	size_t len;

	if (yajl_can_escape(s, &len)) {
		check(yajl_gen_string(jw->g, (const unsigned char *)s, len));
		return;
	}
	jw->literal = s;
	jw->literal_done = 0;
	check(yajl_gen_string(jw->g, (const unsigned char *)"", 0));
	jw->literal = NULL;
}

void jsonw_name(struct json_writer *jw, const char *name)
{
	if (!jw->depth || !jw->level[jw->depth - 1].is_object ||
	    jw->level[jw->depth - 1].want_value)
		DP_BUG("JSON key outside an object");
	before_item(jw, 1);
	gen_string(jw, name);
}

void jsonw_string(struct json_writer *jw, const char *s)
{
	before_item(jw, 0);
	gen_string(jw, s);
}

void jsonw_null(struct json_writer *jw)
{
	before_item(jw, 0);
	check(yajl_gen_null(jw->g));
}

void jsonw_uint(struct json_writer *jw, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	/* by hand: snprintf was a quarter of "report raw --format json"; and yajl_gen_integer()
	 * would print a long long, negative above 2^63 */
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	before_item(jw, 0);
	check(yajl_gen_number(jw->g, p, (size_t)(buf + sizeof(buf) - p)));
}

void jsonw_float_fmt(struct json_writer *jw, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	before_item(jw, 0);
	check(yajl_gen_number(jw->g, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1));
}
