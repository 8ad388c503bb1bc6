/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON output of the commands, through yajl's generator (bpftool's json_writer is the model): the
 * generator keeps the nesting, the commas and the key/value order right, so a report cannot print
 * a broken document; this wrapper adds daprof's layout (a container either puts each member on a
 * line of its own or keeps them inline, "a": 1, "b": 2) and its escaping of stored strings (a byte
 * of bad UTF-8 is written as \u00XX, its Latin-1 reading, so the output is always valid UTF-8).
 */
#ifndef DP_JSON_WRITER_H
#define DP_JSON_WRITER_H

#include <stdint.h>
#include <stdio.h>

struct json_writer;

enum jsonw_layout {
	JSONW_INLINE,	/* {"a": 1, "b": 2} */
	JSONW_LINES,	/* each member on a line of its own, indented two spaces a level */
};

/* jsonw_new() - a writer to @out. Return: it, or NULL when out of memory. */
struct json_writer *jsonw_new(FILE *out);
/* jsonw_destroy() - free *@jw (which may be NULL) and set it to NULL. */
void jsonw_destroy(struct json_writer **jw);

void jsonw_start_object(struct json_writer *jw, enum jsonw_layout layout);
/* jsonw_end_object() - close the object; a newline follows the end of the whole document. */
void jsonw_end_object(struct json_writer *jw);
void jsonw_start_array(struct json_writer *jw, enum jsonw_layout layout);
void jsonw_end_array(struct json_writer *jw);

/* jsonw_name() - the key of the next member of the current object. */
void jsonw_name(struct json_writer *jw, const char *name);
void jsonw_string(struct json_writer *jw, const char *s);
void jsonw_null(struct json_writer *jw);
void jsonw_uint(struct json_writer *jw, uint64_t v);
/* jsonw_float_fmt() - a number as printf's @fmt writes it ("%.1f", "%g"). */
void jsonw_float_fmt(struct json_writer *jw, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* DP_JSON_WRITER_H */
