// SPDX-License-Identifier: GPL-2.0
/*
 * report/diff: the comparison and the gates on profiles made by hand, so that every median,
 * change and verdict is known: medians of several recordings, relative change from zero,
 * significance deciding a gate, units that do not fit, unknown metrics, objects that appeared,
 * vanished or share a name (NAME@MAPPING).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report/diff.h"

#define SLICES 4

/* A profile of one global metric "hot.bytes" (bytes): @whole, and slices @base + 0, 1, 2, 3. */
static struct diff_profile *profile(double whole, double base)
{
	struct diff_profile *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->path = strdup("x.data");
	p->nr_slices = SLICES;
	p->nr_m = 1;
	p->m = calloc(1, sizeof(*p->m));
	strcpy(p->m[0].name, "hot.bytes");
	p->m[0].unit = METRIC_BYTES;
	p->m[0].whole = whole;
	p->m[0].slice = calloc(SLICES, sizeof(double));
	for (int j = 0; j < SLICES; j++)
		p->m[0].slice[j] = base + j;
	return p;
}

/* Add object @name of mapping @label with heat share @share and rate @rate (every slice). */
static void add_object(struct diff_profile *p, const char *name, const char *label, double share,
		       double rate)
{
	struct diff_object *o;

	p->obj = realloc(p->obj, (p->nr_obj + 1) * sizeof(*p->obj));
	o = &p->obj[p->nr_obj++];
	memset(o, 0, sizeof(*o));
	strcpy(o->name, name);
	strcpy(o->kind, "object");
	strcpy(o->label, label);
	o->heat_share = share;
	o->heat = share * 1000;
	for (int k = 0; k < DIFF_NR_MEASURES; k++) {
		o->m[k].unit = k == DIFF_RATE ? METRIC_HZ : METRIC_BYTES;
		o->m[k].slice = calloc(SLICES, sizeof(double));
		o->m[k].whole = k == DIFF_RATE ? rate : 0;
		for (int j = 0; j < SLICES; j++)
			o->m[k].slice[j] = k == DIFF_RATE ? rate + j * 0.001 : 0;
	}
}

static struct diff_expr expr(const char *s)
{
	struct diff_expr e;
	const char *why;
	size_t col;

	assert_int_equal(diff_expr_parse(s, &e, &col, &why), 0);
	return e;
}

static void test_medians_and_changes(void **state)
{
	/* old: wholes 100, 300, 200 -> median 200; new: 260, 240 -> 250 */
	struct diff_profile *old[3] = { profile(100, 10), profile(300, 10), profile(200, 10) };
	struct diff_profile *new[2] = { profile(260, 50), profile(240, 50) };
	struct diff *d;
	const struct diff_row *r;

	(void)state;
	assert_int_equal(diff_compare(&d, old, 3, new, 2, 0.05), 0);
	r = diff_find(d, "hot.bytes");
	assert_non_null(r);
	assert_float_equal(r->old, 200, 0);
	assert_float_equal(r->new, 250, 0);
	assert_float_equal(r->delta, 50, 0);
	assert_float_equal(r->rel, 0.25, 1e-12);
	/* 12 slices 10..13 against 8 slices 50..53: fully separated (ties only within a side) */
	assert_int_equal(r->n_old, 12);
	assert_int_equal(r->n_new, 8);
	assert_true(r->tested && r->significant && r->p < 0.001);
	assert_int_equal(d->weak, 0);
	diff_free(d);
	for (int i = 0; i < 3; i++)
		diff_profile_free(old[i]);
	diff_profile_free(new[0]);
	diff_profile_free(new[1]);
}

static void test_gates_need_the_threshold_and_significance(void **state)
{
	struct diff_profile *old = profile(100, 10), *same = profile(130, 10);
	struct diff_profile *moved = profile(130, 50);
	struct diff_expr rel = expr("hot.bytes>+10%"), abs = expr("hot.bytes>+40B");
	struct diff_expr down = expr("hot.bytes<-10%");
	struct diff_gate g;
	struct diff *d;

	(void)state;
	/* +30 %, but the slices are the same: not significant, the gate holds */
	assert_int_equal(diff_compare(&d, &old, 1, &same, 1, 0.05), 0);
	assert_int_equal(d->weak, 1);
	assert_int_equal(diff_gate_judge(d, &rel, &g), 0);
	assert_float_equal(g.change, 0.30, 1e-12);
	assert_int_equal(g.beyond, 1);
	assert_int_equal(g.failed, 0);
	diff_free(d);
	/* +30 % with slices apart: fails; +30 B is not beyond +40 B; nor is it a fall */
	assert_int_equal(diff_compare(&d, &old, 1, &moved, 1, 0.05), 0);
	assert_int_equal(diff_gate_judge(d, &rel, &g), 0);
	assert_int_equal(g.failed, 1);
	assert_int_equal(diff_gate_judge(d, &abs, &g), 0);
	assert_float_equal(g.change, 30, 0);
	assert_int_equal(g.failed, 0);
	assert_int_equal(diff_gate_judge(d, &down, &g), 0);
	assert_int_equal(g.beyond, 0);
	diff_free(d);
	diff_profile_free(old);
	diff_profile_free(same);
	diff_profile_free(moved);
}

static void test_untestable_changes_are_judged_alone(void **state)
{
	struct diff_profile *old = profile(100, 10), *new = profile(130, 10);
	struct diff_expr rel = expr("hot.bytes>+10%");
	struct diff_gate g;
	struct diff *d;

	(void)state;
	old->nr_slices = 1;	/* one sample a side: no test */
	new->nr_slices = 1;
	assert_int_equal(diff_compare(&d, &old, 1, &new, 1, 0.05), 0);
	assert_int_equal(diff_find(d, "hot.bytes")->tested, 0);
	assert_int_equal(diff_gate_judge(d, &rel, &g), 0);
	assert_int_equal(g.failed, 1);
	diff_free(d);
	old->nr_slices = new->nr_slices = SLICES;
	diff_profile_free(old);
	diff_profile_free(new);
}

static void test_unknown_metrics_and_units_that_do_not_fit(void **state)
{
	struct diff_profile *old = profile(0, 10), *new = profile(5, 10);
	struct diff_expr unknown = expr("wss.p91>+1%"), secs = expr("hot.bytes>+5s");
	struct diff_expr rel = expr("hot.bytes>+1000%");
	struct diff_gate g;
	struct diff *d;

	(void)state;
	assert_int_equal(diff_compare(&d, &old, 1, &new, 1, 0.05), 0);
	assert_int_equal(diff_gate_judge(d, &unknown, &g), -ENOENT);
	assert_int_equal(diff_gate_judge(d, &secs, &g), -EDOM);
	/* from 0 to 5: +inf, beyond any relative threshold */
	assert_int_equal(diff_gate_judge(d, &rel, &g), 0);
	assert_true(isinf(g.change) && g.change > 0);
	assert_int_equal(g.beyond, 1);
	diff_free(d);
	diff_profile_free(old);
	diff_profile_free(new);
}

static void test_objects_appear_vanish_and_share_names(void **state)
{
	struct diff_profile *old = profile(1, 1), *new = profile(1, 1);
	struct diff_expr gate = expr("symbol:table.rate>+50%");
	struct diff_gate g;
	struct diff *d;
	const struct diff_row *r;

	(void)state;
	/* old: table in prog, gone in new; new: fresh in prog; .bss+0x40 in two files */
	add_object(old, ".bss+0x40", "liba.so", 0.1, 1);
	add_object(old, ".bss+0x40", "prog", 0.2, 1);
	add_object(old, "table", "prog", 0.7, 10);
	add_object(new, ".bss+0x40", "liba.so", 0.1, 1);
	add_object(new, ".bss+0x40", "prog", 0.2, 1);
	add_object(new, "fresh", "prog", 0.7, 10);
	assert_int_equal(diff_compare(&d, &old, 1, &new, 1, 0.05), 0);
	assert_int_equal(d->nr_objs, 4);
	/* the largest moves first: fresh and table (0.7 each), in name order */
	assert_string_equal(d->objs[0].display, "fresh");
	assert_int_equal(d->objs[0].in_old, 0);
	assert_int_equal(d->objs[0].in_new, 1);
	assert_string_equal(d->objs[1].display, "table");
	assert_int_equal(d->objs[1].in_new, 0);
	assert_string_equal(d->objs[2].display, ".bss+0x40@liba.so");
	assert_non_null(diff_find(d, "symbol:.bss+0x40@prog.rate"));
	/* the plain name is ambiguous there */
	assert_null(diff_find(d, "symbol:.bss+0x40.rate"));
	/* a vanished object's rate fell to 0 */
	r = diff_find(d, "symbol:table.rate");
	assert_non_null(r);
	assert_float_equal(r->old, 10, 0);
	assert_float_equal(r->new, 0, 0);
	assert_int_equal(diff_gate_judge(d, &gate, &g), 0);
	assert_int_equal(g.failed, 0);
	diff_free(d);
	diff_profile_free(old);
	diff_profile_free(new);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_medians_and_changes),
		cmocka_unit_test(test_gates_need_the_threshold_and_significance),
		cmocka_unit_test(test_untestable_changes_are_judged_alone),
		cmocka_unit_test(test_unknown_metrics_and_units_that_do_not_fit),
		cmocka_unit_test(test_objects_appear_vanish_and_share_names),
	};

	return cmocka_run_group_tests_name("report/diff", tests, NULL, NULL);
}
