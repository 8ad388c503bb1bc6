// SPDX-License-Identifier: GPL-2.0
/*
 * Stored strings made safe for one line of text: well-formed UTF-8 kept, everything else escaped.
 * Here, below cmd/, because report/ composes titles and labels from recorded names too.
 */
#include <stdio.h>
#include <string.h>

#include "report/text.h"

/*
 * report_utf8_len() - the length (2 to 4) of the well-formed UTF-8 sequence at @s, or 0: no overlong forms, no
 * surrogates, nothing past U+10FFFF (RFC 3629).
 */
size_t report_utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)	/* the NUL terminator stops here too */
			return 0;
	return n;
}

char *report_text_escape(char *dst, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;

	if (!size)
		return dst;
	while (*s) {
		size_t n = *s < 0x80 ? 1 : report_utf8_len(s);
		char e[8];
		size_t en;

		if (*s == '\n' || *s == '\t' || *s == '\r')
			en = snprintf(e, sizeof(e), "\\%c", *s == '\n' ? 'n' : *s == '\t' ? 't' : 'r');
		else if (*s < 0x20 || *s == 0x7f || !n)
			en = snprintf(e, sizeof(e), "\\x%02x", *s);
		else
			en = 0;
		if (o + (en ? en : n) >= size)
			break;
		memcpy(dst + o, en ? e : (const char *)s, en ? en : n);
		o += en ? en : n;
		s += n ? n : 1;
	}
	dst[o] = '\0';
	return dst;
}


void report_text_fputs(FILE *out, const char *s)
{
	char buf[1024];
	size_t n = strlen(s);

	/* escaping at most quadruples a byte: go in pieces that fit, never splitting a sequence */
	while (n) {
		size_t take = n < 190 ? n : 190;

		while (take < n && take > 1 && ((unsigned char)s[take] & 0xc0) == 0x80)
			take--;
		memcpy(buf, s, take);
		buf[take] = '\0';
		fputs(report_text_escape(buf + 256, sizeof(buf) - 256, buf), out);
		s += take;
		n -= take;
	}
}
