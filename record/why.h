/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recorder's one-line reasons: every part of record/ that can fail in a way the user must
 * understand (a backend, a primitive, the injection, the recording loop) formats the reason into
 * a caller's buffer and returns the errno in one step, so that an error path stays one line.
 * cmd/ prints the reason; record/ never does.
 */
#ifndef RECORD_WHY_H
#define RECORD_WHY_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* rec_why() - format a reason into @why (may be NULL or @len 0); returns @err. */
static inline int rec_why(char *why, size_t len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static inline int rec_why(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return err;
}

#endif /* RECORD_WHY_H */
