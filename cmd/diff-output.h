/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The printers of "daprof diff" (cmd-diff.c is the wiring): the text table, JSON, JUnit XML for
 * CI systems, and the two-count folded lines of a differential flame graph.
 */
#ifndef DP_DIFF_OUTPUT_H
#define DP_DIFF_OUTPUT_H

#include <stddef.h>

#include "report/diff.h"

/* What the printers are given: the comparison, its inputs and the gates judged on it. */
struct diff_report {
	const struct diff *d;
	struct diff_profile *const *old, *const *new;
	const struct diff_gate *gates;
	size_t nr_gates;
	int default_gates;	/* 1: the gates are the default ones */
	int top;		/* objects listed per group */
	const struct diff_opts *o;
};

void diff_print_text(const struct diff_report *r);
void diff_print_json(const struct diff_report *r);
void diff_print_junit(const struct diff_report *r);
void diff_print_folded(const struct diff_report *r);
/* diff_gate_line() - "wss.p90>+10%: 1 MiB -> 1.3 MiB (+25%, p=0.0002)" into @buf. */
char *diff_gate_line(char *buf, size_t size, const struct diff_gate *g);

#endif /* DP_DIFF_OUTPUT_H */
