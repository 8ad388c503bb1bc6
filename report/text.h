/* SPDX-License-Identifier: GPL-2.0 */
/* Text escaping of stored strings, shared by report/ and cmd/ (see text.c). */
#ifndef REPORT_TEXT_H
#define REPORT_TEXT_H

#include <stddef.h>
#include <stdio.h>

/*
 * report_utf8_len() - the length (2 to 4) of the well-formed UTF-8 sequence at @s, or 0: no
 * overlong forms, no surrogates, nothing past U+10FFFF (RFC 3629).
 */
size_t report_utf8_len(const unsigned char *s);
/*
 * report_text_escape() - @src for a line of text into @dst (@size bytes, truncated if need be):
 * newline, tab and return as \n \t \r, other controls and bytes of bad UTF-8 as \xHH.
 * Return: @dst.
 */
char *report_text_escape(char *dst, size_t size, const char *src);
/* report_text_fputs() - @s escaped as above, whole (however long), to @out; no newline added. */
void report_text_fputs(FILE *out, const char *s);

#endif /* REPORT_TEXT_H */
