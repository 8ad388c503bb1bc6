// SPDX-License-Identifier: GPL-2.0
/*
 * The parser of "daprof diff --fail-on" expressions (diff-expr.h): one pass from the left, each
 * failure naming the column where the text stopped making sense.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/diff-expr.h"

static const char *const symbol_measures[] = { "rate", "hot_share", "idle_bytes", "bytes", NULL };

static int fail(size_t *col, const char **why, size_t at, const char *msg)
{
	*col = at;
	*why = msg;
	return -EINVAL;
}

/* The metric in [b, e) of @s, spaces trimmed by the caller. */
static int check_metric(const char *s, size_t b, size_t e, size_t *col, const char **why)
{
	if (b == e)
		return fail(col, why, b, "expected a metric name such as wss.p90 before the operator");
	if (!strncmp(s + b, "symbol:", 7)) {
		size_t name = b + 7;
		const char *dot = NULL;

		for (size_t i = name; i < e; i++)
			if (s[i] == '.')
				dot = s + i;
		if (!dot || (size_t)(dot - s) == name)
			return fail(col, why, !dot ? e : name,
				    "expected symbol:NAME.MEASURE (rate, hot_share, idle_bytes or bytes)");
		for (int k = 0; symbol_measures[k]; k++)
			if (strlen(symbol_measures[k]) == (size_t)(s + e - dot - 1) &&
			    !strncmp(dot + 1, symbol_measures[k], (size_t)(s + e - dot - 1)))
				return 0;
		return fail(col, why, (size_t)(dot - s) + 1,
			    "expected a measure of a symbol: rate, hot_share, idle_bytes or bytes");
	}
	for (size_t i = b; i < e; i++)
		if (s[i] == '>' || s[i] == '<')
			return fail(col, why, i, "one operator only, > or <");
		else if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '_')
			return fail(col, why, i, "a metric name holds letters, digits, '.' and '_' "
				    "(or is symbol:NAME.MEASURE)");
	if (!isalpha((unsigned char)s[b]))
		return fail(col, why, b, "a metric name starts with a letter");
	return 0;
}

struct suffix {
	const char *text;
	enum diff_change_unit unit;
	double mult;
};

static const struct suffix suffixes[] = {
	{ "%", DIFF_UNIT_PERCENT, 0.01 },
	{ "B", DIFF_UNIT_BYTES, 1 },
	{ "K", DIFF_UNIT_BYTES, 1024.0 }, { "KiB", DIFF_UNIT_BYTES, 1024.0 },
	{ "KB", DIFF_UNIT_BYTES, 1024.0 },
	{ "M", DIFF_UNIT_BYTES, 1048576.0 }, { "MiB", DIFF_UNIT_BYTES, 1048576.0 },
	{ "MB", DIFF_UNIT_BYTES, 1048576.0 },
	{ "G", DIFF_UNIT_BYTES, 1073741824.0 }, { "GiB", DIFF_UNIT_BYTES, 1073741824.0 },
	{ "GB", DIFF_UNIT_BYTES, 1073741824.0 },
	{ "T", DIFF_UNIT_BYTES, 1099511627776.0 }, { "TiB", DIFF_UNIT_BYTES, 1099511627776.0 },
	{ "TB", DIFF_UNIT_BYTES, 1099511627776.0 },
	{ "ns", DIFF_UNIT_SECONDS, 1e-9 }, { "us", DIFF_UNIT_SECONDS, 1e-6 },
	{ "ms", DIFF_UNIT_SECONDS, 1e-3 }, { "s", DIFF_UNIT_SECONDS, 1 },
	{ "m", DIFF_UNIT_SECONDS, 60 }, { "min", DIFF_UNIT_SECONDS, 60 },
	{ "h", DIFF_UNIT_SECONDS, 3600 },
	{ "Hz", DIFF_UNIT_HZ, 1 },
	{ NULL, DIFF_UNIT_PLAIN, 0 }
};

static int parse_change(const char *s, size_t b, size_t e, struct diff_expr *x, size_t *col,
			const char **why)
{
	char num[64], *end;
	size_t i = b, unit_at;
	double v;

	if (b == e)
		return fail(col, why, b, "expected a change after the operator, such as +10%, -20% "
			    "or +5M");
	if (s[i] != '+' && s[i] != '-' && !isdigit((unsigned char)s[i]) && s[i] != '.')
		return fail(col, why, i, "expected a change such as +10%, -20% or +5M");
	if (e - b >= sizeof(num))
		return fail(col, why, b, "the change is too long");
	memcpy(num, s + b, e - b);
	num[e - b] = '\0';
	/* strtod would read "inf", "nan" and hex floats: only decimal digits are asked for */
	for (i = b + (s[b] == '+' || s[b] == '-'); i < e && (isdigit((unsigned char)s[i]) ||
							     s[i] == '.'); i++)
		;
	if (i == b + (s[b] == '+' || s[b] == '-'))
		return fail(col, why, i, "expected digits of the change, such as +10%");
	if (i < e && (s[i] == 'e' || s[i] == 'E') && i + 1 < e &&
	    (isdigit((unsigned char)s[i + 1]) || s[i + 1] == '-' || s[i + 1] == '+'))
		for (i += 2; i < e && isdigit((unsigned char)s[i]); i++)
			;
	num[i - b] = '\0';
	v = strtod(num, &end);
	if (*end || !isfinite(v))
		return fail(col, why, b + (size_t)(end - num), "expected a number such as +10%");
	unit_at = i;
	x->unit = DIFF_UNIT_PLAIN;
	if (unit_at < e) {
		const struct suffix *sf;

		for (sf = suffixes; sf->text; sf++)
			if (strlen(sf->text) == e - unit_at && !strncmp(s + unit_at, sf->text, e - unit_at))
				break;
		if (!sf->text)
			return fail(col, why, unit_at, "unknown unit (% for relative; K, M, G, B for "
				    "bytes; ms, s for time; Hz; or none)");
		x->unit = sf->unit;
		v *= sf->mult;
	}
	x->change = v;
	return 0;
}

int diff_expr_parse(const char *s, struct diff_expr *e, size_t *col, const char **why)
{
	size_t n = strlen(s), op = n, mb = 0, me, cb, ce;
	int ret;

	memset(e, 0, sizeof(*e));
	snprintf(e->text, sizeof(e->text), "%s", s);
	for (size_t i = n; i-- > 0;)
		if (s[i] == '>' || s[i] == '<') {
			op = i;
			break;
		}
	if (op == n)
		return fail(col, why, n, "expected an operator, > or <, and a change (e.g. "
			    "wss.p90>+10%)");
	if (op + 1 < n && s[op + 1] == '=')
		return fail(col, why, op + 1, "the operator is > or < alone");
	while (mb < op && isspace((unsigned char)s[mb]))
		mb++;
	me = op;
	while (me > mb && isspace((unsigned char)s[me - 1]))
		me--;
	if (me - mb >= sizeof(e->metric))
		return fail(col, why, mb, "the metric name is too long");
	ret = check_metric(s, mb, me, col, why);
	if (ret)
		return ret;
	cb = op + 1;
	while (cb < n && isspace((unsigned char)s[cb]))
		cb++;
	ce = n;
	while (ce > cb && isspace((unsigned char)s[ce - 1]))
		ce--;
	ret = parse_change(s, cb, ce, e, col, why);
	if (ret)
		return ret;
	memcpy(e->metric, s + mb, me - mb);
	e->metric[me - mb] = '\0';
	e->op = s[op];
	return 0;
}

int diff_expr_is_symbol(const struct diff_expr *e)
{
	return !strncmp(e->metric, "symbol:", 7);
}
