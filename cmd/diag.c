// SPDX-License-Identifier: GPL-2.0
/* Diagnostics for cmd/: the only code that writes errors and warnings to stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd/diag.h"

int dp_debug_enabled;

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fputs("daprof: ", stderr);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
}

int dp_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err < 0 ? -err : err));
	fputc('\n', stderr);
	return err ? err : -1;
}

int dp_error_str(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	if (reason)
		fprintf(stderr, ": %s", reason);
	fputc('\n', stderr);
	return -1;
}

void dp_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void dp_debug(const char *fmt, ...)
{
	va_list ap;

	if (!dp_debug_enabled)
		return;
	va_start(ap, fmt);
	vmsg("debug: ", fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void dp_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int dp_usage(const char *usage)
{
	printf("usage: %s\n", usage);
	return 0;
}

int dp_usage_error(const char *usage)
{
	fprintf(stderr, "usage: %s\n", usage);
	return 2;
}

int dp_bad_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'daprof %s -h')\n", cmd);
	return 2;
}
