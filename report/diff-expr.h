/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gate expressions of "daprof diff --fail-on": METRIC OP CHANGE, such as "wss.p90>+10%",
 * "hot.bytes>+5M" or "symbol:table.rate<-20%". The expression names the failure: the gate fails
 * when the metric moved past CHANGE in the direction of OP. Parsing is pure syntax (the metric
 * is looked up in the recordings later); an error gives the column of the bad part, so that the
 * command's one-line message can point at it.
 */
#ifndef REPORT_DIFF_EXPR_H
#define REPORT_DIFF_EXPR_H

#include <stddef.h>

enum diff_change_unit {
	DIFF_UNIT_PLAIN,	/* a bare number, in the metric's own unit */
	DIFF_UNIT_PERCENT,	/* relative: +10% */
	DIFF_UNIT_BYTES,	/* K, M, G, T, P (binary, as everywhere in daprof), KiB, B, ... */
	DIFF_UNIT_SECONDS,	/* ns, us, ms, s, m, h */
	DIFF_UNIT_HZ,		/* Hz */
};

#define DIFF_EXPR_METRIC_MAX 320

struct diff_expr {
	char text[DIFF_EXPR_METRIC_MAX + 64];	/* as given */
	char metric[DIFF_EXPR_METRIC_MAX];	/* "wss.p90", "symbol:table.rate" */
	char op;		/* '>' or '<' */
	double change;		/* +0.10 for +10%; bytes, seconds or plain for the others */
	enum diff_change_unit unit;
};

/*
 * diff_expr_parse() - parse @s into @e. Spaces around the parts are allowed. The operator is
 * the last '>' or '<' (a symbol's name may hold one: "vec<int>::at.rate>+5%"); the metric is
 * "wss.pP", another name of letters, digits, '.' and '_', or "symbol:NAME.MEASURE" with MEASURE
 * one of rate, hot_share, idle_bytes, bytes.
 * Return: 0, or -EINVAL with *@col the 0-based column of the bad part and *@why a static
 * phrase saying what was expected there.
 */
int diff_expr_parse(const char *s, struct diff_expr *e, size_t *col, const char **why);

/* diff_expr_is_symbol() - 1 for "symbol:..." metrics. */
int diff_expr_is_symbol(const struct diff_expr *e);

#endif /* REPORT_DIFF_EXPR_H */
