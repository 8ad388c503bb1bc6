/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that writes diagnostics. Every message is one line on stderr, "daprof: " first,
 * lowercase, no full stop, the problem first (git's CodingGuidelines).
 */
#ifndef DP_DIAG_H
#define DP_DIAG_H

#include <stdlib.h>

extern int dp_debug_enabled;

/* dp_error() - print "daprof: MSG[: strerror(-err)]". Return: @err, or -1 when @err is 0. */
int dp_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* dp_error_str() - the same with a reason string of the caller's (e.g. dpf_strerror()). */
int dp_error_str(const char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dp_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* dp_debug() - only with --debug: the long reasons behind a short error. */
void dp_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* dp_info() - a progress or status line on stderr (not an error). */
void dp_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* dp_usage() - usage on stdout (for -h). Return: exit status 0. */
int dp_usage(const char *usage);
/* dp_usage_error() - usage on stderr after a bad command line. Return: exit status 2. */
int dp_usage_error(const char *usage);
/* dp_bad_usage() - one line naming what is wrong, then the usage hint. Return: 2. */
int dp_bad_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define DP_BUG(msg) do { \
	fprintf(stderr, "daprof: BUG at %s:%d: %s\n", __FILE__, __LINE__, msg); \
	abort(); \
} while (0)

#endif /* DP_DIAG_H */
