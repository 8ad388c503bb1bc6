// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof diff" output (diff-output.h): the same comparison as a table for people, JSON for
 * scripts, JUnit XML (one testcase per gate, so that CI systems list them) and folded lines
 * "frames old new" for inferno's differential flame graph.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diff-output.h"
#include "cmd/json-writer.h"
#include "report/metrics.h"
#include "report/units.h"

/* The metrics of the text table, then those the gates name. */
static const char *const shown[] = {
	"wss.p50", "wss.p90", "wss.p99", "wss.max", "wss.time_mean", "hot.bytes", "cold.bytes",
	"idle.p50", "idle.p90", "access.rate_hz", NULL
};

static char *fmt_value(char *buf, size_t size, enum metric_unit unit, double v)
{
	struct metric m = { .unit = unit, .value = fabs(v) };
	char tmp[UNITS_BUF + 8];

	metric_format(tmp, sizeof(tmp), &m);
	snprintf(buf, size, "%s%s", v < 0 ? "-" : "", tmp);
	return buf;
}

static char *fmt_rel(char *buf, size_t size, double rel)
{
	if (isinf(rel))
		snprintf(buf, size, "%s", rel > 0 ? "+inf%" : "-inf%");
	else
		snprintf(buf, size, "%+.1f%%", 100 * rel);
	return buf;
}

/* "+25.0% (+256 KiB)", or "~" when the change is within the noise. */
static char *fmt_change(char *buf, size_t size, const struct diff_row *r)
{
	char a[48], b[48];

	if (r->tested && !r->significant)
		snprintf(buf, size, "~");
	else if (r->delta == 0)
		snprintf(buf, size, "0");
	else
		snprintf(buf, size, "%s (%s%s)", fmt_rel(a, sizeof(a), r->rel), r->delta > 0 ? "+" : "",
			 fmt_value(b, sizeof(b), r->unit, r->delta));
	return buf;
}

char *diff_gate_line(char *buf, size_t size, const struct diff_gate *g)
{
	const struct diff_row *r = g->row;
	char o[48], n[48], c[48], p[64];

	if (!r->tested)
		snprintf(p, sizeof(p), "no noise estimate");
	else
		snprintf(p, sizeof(p), "p=%.3g, %s", r->p,
			 r->significant ? "significant" : "not significant");
	snprintf(buf, size, "%s: %s -> %s (%s, %s)", g->expr->text,
		 fmt_value(o, sizeof(o), r->unit, r->old), fmt_value(n, sizeof(n), r->unit, r->new),
		 g->expr->unit == DIFF_UNIT_PERCENT ? fmt_rel(c, sizeof(c), r->rel) :
		 fmt_value(c, sizeof(c), r->unit, r->delta), p);
	return buf;
}

static size_t nr_failed(const struct diff_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nr_gates; i++)
		n += r->gates[i].failed;
	return n;
}

static void side_names(const char *what, struct diff_profile *const *p, size_t n)
{
	printf("%s:", what);
	for (size_t i = 0; i < n; i++) {
		putchar(' ');
		dp_text_puts(p[i]->path);
	}
	putchar('\n');
}

static void text_row(const struct diff_row *row)
{
	char o[48], n[48], c[96], p[32] = "";

	if (row->tested)
		snprintf(p, sizeof(p), "%.3g", row->p);
	printf("%-20s %12s %12s  %-26s %s\n", row->name,
	       fmt_value(o, sizeof(o), row->unit, row->old),
	       fmt_value(n, sizeof(n), row->unit, row->new), fmt_change(c, sizeof(c), row), p);
}

/* An object's line: its name, mapping and kind, heat share and rate old -> new. */
static void text_object(const char *what, const struct diff_obj_change *c)
{
	char name[300], label[160];

	dp_text_escape(name, sizeof(name), c->display);
	dp_text_escape(label, sizeof(label), c->id.label);
	printf("  %-9s %-32s %-14s %-8s heat %5.1f%% -> %5.1f%%  rate %.3g -> %.3g Hz%s\n", what,
	       name, label, c->id.kind, 100 * c->share_old, 100 * c->share_new, c->rate_old,
	       c->rate_new, c->rebuilt ? "  (rebuilt)" : "");
}

static void text_objects(const struct diff_report *r)
{
	const struct diff *d = r->d;
	static const char *const groups[] = { "appeared", "vanished", "hotter", "colder" };
	int any = 0;

	printf("\nobjects whose heat changed most (share of all accesses, old -> new):\n");
	for (int g = 0; g < 4; g++) {
		int n = 0;

		for (size_t i = 0; i < d->nr_objs && n < r->top; i++) {
			const struct diff_obj_change *c = &d->objs[i];
			int in = g == 0 ? !c->in_old && c->in_new : g == 1 ? c->in_old && !c->in_new :
				 c->in_old && c->in_new &&
				 (g == 2 ? c->share_new > c->share_old : c->share_new < c->share_old);

			if (!in || (g >= 2 && fabs(c->share_new - c->share_old) < 0.01))
				continue;
			text_object(groups[g], c);
			n++;
			any = 1;
		}
	}
	if (!any)
		printf("  (none: every object's share of the heat moved by less than 1%%)\n");
}

void diff_print_text(const struct diff_report *r)
{
	const struct diff *d = r->d;
	char line[1200];
	size_t failed = nr_failed(r);

	printf("daprof diff\n");
	side_names("old", r->old, d->nr_old);
	side_names("new", r->new, d->nr_new);
	printf("samples: %zu time slices of %zu recording%s (old), %zu of %zu (new); "
	       "Mann-Whitney U test, alpha %g; ~: no significant change\n", d->slices_old,
	       d->nr_old, d->nr_old == 1 ? "" : "s", d->slices_new, d->nr_new, d->alpha);
	if (d->weak)
		printf("note: one recording a side: the noise is estimated from the spread over time "
		       "within a recording, a weaker estimate than from several recordings\n");
	printf("\n%-20s %12s %12s  %-26s %s\n", "metric", "old", "new", "change", "p");
	for (int i = 0; shown[i]; i++) {
		const struct diff_row *row = diff_find(d, shown[i]);

		if (row)
			text_row(row);
	}
	for (size_t g = 0; g < r->nr_gates; g++) {
		int listed = 0;

		for (int i = 0; shown[i]; i++)
			listed |= !strcmp(shown[i], r->gates[g].row->name);
		for (size_t h = 0; h < g; h++)
			listed |= r->gates[h].row == r->gates[g].row;
		if (!listed)
			text_row(r->gates[g].row);
	}
	text_objects(r);
	if (!r->nr_gates) {
		printf("\nno gate (--no-gate)\n");
		return;
	}
	printf("\ngates%s:\n", r->default_gates ? " (the default: give --fail-on to choose)" : "");
	for (size_t g = 0; g < r->nr_gates; g++)
		printf("  %s  %s\n", r->gates[g].failed ? "FAIL" : "pass",
		       diff_gate_line(line, sizeof(line), &r->gates[g]));
	if (failed)
		printf("result: FAIL (%zu of %zu gate%s)\n", failed, r->nr_gates,
		       r->nr_gates == 1 ? "" : "s");
	else
		printf("result: pass\n");
}

/* ---- JSON ---- */

static void json_num(struct json_writer *jw, double v)
{
	if (isfinite(v))
		jsonw_float_fmt(jw, "%.17g", v);
	else
		jsonw_null(jw);	/* JSON has no infinity: a change from 0 */
}

static void json_row(struct json_writer *jw, const struct diff_row *row)
{
	jsonw_start_object(jw, JSONW_INLINE);
	jsonw_name(jw, "name");
	jsonw_string(jw, row->name);
	jsonw_name(jw, "unit");
	jsonw_string(jw, metric_unit_name(row->unit));
	jsonw_name(jw, "old");
	json_num(jw, row->old);
	jsonw_name(jw, "new");
	json_num(jw, row->new);
	jsonw_name(jw, "delta");
	json_num(jw, row->delta);
	jsonw_name(jw, "relative");
	json_num(jw, row->rel);
	jsonw_name(jw, "p");
	row->tested ? json_num(jw, row->p) : jsonw_null(jw);
	jsonw_name(jw, "significant");
	jsonw_uint(jw, row->significant);
	jsonw_name(jw, "samples_old");
	jsonw_uint(jw, row->n_old);
	jsonw_name(jw, "samples_new");
	jsonw_uint(jw, row->n_new);
	jsonw_end_object(jw);
}

static void json_paths(struct json_writer *jw, const char *name, struct diff_profile *const *p,
		       size_t n)
{
	jsonw_name(jw, name);
	jsonw_start_array(jw, JSONW_INLINE);
	for (size_t i = 0; i < n; i++)
		jsonw_string(jw, p[i]->path);
	jsonw_end_array(jw);
}

void diff_print_json(const struct diff_report *r)
{
	const struct diff *d = r->d;
	struct json_writer *jw = jsonw_new(stdout);

	if (!jw)
		return;
	jsonw_start_object(jw, JSONW_LINES);
	json_paths(jw, "old", r->old, d->nr_old);
	json_paths(jw, "new", r->new, d->nr_new);
	jsonw_name(jw, "samples_old");
	jsonw_uint(jw, d->slices_old);
	jsonw_name(jw, "samples_new");
	jsonw_uint(jw, d->slices_new);
	jsonw_name(jw, "alpha");
	jsonw_float_fmt(jw, "%g", d->alpha);
	jsonw_name(jw, "weak_noise_estimate");
	jsonw_uint(jw, d->weak);
	jsonw_name(jw, "metrics");
	jsonw_start_array(jw, JSONW_LINES);
	for (size_t i = 0; i < d->nr_global; i++)
		json_row(jw, &d->rows[i]);
	jsonw_end_array(jw);
	jsonw_name(jw, "objects");
	jsonw_start_array(jw, JSONW_LINES);
	for (size_t i = 0; i < d->nr_objs && (int)i < r->top; i++) {
		const struct diff_obj_change *c = &d->objs[i];

		jsonw_start_object(jw, JSONW_INLINE);
		jsonw_name(jw, "name");
		jsonw_string(jw, c->id.name);
		jsonw_name(jw, "metric_name");
		jsonw_string(jw, c->display);
		jsonw_name(jw, "kind");
		jsonw_string(jw, c->id.kind);
		jsonw_name(jw, "mapping");
		jsonw_string(jw, c->id.label);
		jsonw_name(jw, "build_id");
		jsonw_string(jw, c->id.build_id);
		jsonw_name(jw, "change");
		jsonw_string(jw, !c->in_old ? "appeared" : !c->in_new ? "vanished" :
			     c->share_new > c->share_old ? "hotter" :
			     c->share_new < c->share_old ? "colder" : "same");
		jsonw_name(jw, "rebuilt");
		jsonw_uint(jw, c->rebuilt);
		jsonw_name(jw, "heat_share_old");
		json_num(jw, c->share_old);
		jsonw_name(jw, "heat_share_new");
		json_num(jw, c->share_new);
		jsonw_name(jw, "metrics");
		jsonw_start_array(jw, JSONW_INLINE);
		for (size_t k = d->nr_global; k < d->nr_rows; k++)
			if (d->rows[k].object == (int)i)
				json_row(jw, &d->rows[k]);
		jsonw_end_array(jw);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_name(jw, "gates");
	jsonw_start_array(jw, JSONW_LINES);
	for (size_t g = 0; g < r->nr_gates; g++) {
		const struct diff_gate *gt = &r->gates[g];

		jsonw_start_object(jw, JSONW_INLINE);
		jsonw_name(jw, "expression");
		jsonw_string(jw, gt->expr->text);
		jsonw_name(jw, "metric");
		jsonw_string(jw, gt->row->name);
		jsonw_name(jw, "result");
		jsonw_string(jw, gt->failed ? "fail" : "pass");
		jsonw_name(jw, "beyond_threshold");
		jsonw_uint(jw, gt->beyond);
		jsonw_name(jw, "change");
		json_num(jw, gt->change);
		jsonw_name(jw, "threshold");
		json_num(jw, gt->expr->change);
		jsonw_name(jw, "relative");
		jsonw_uint(jw, gt->expr->unit == DIFF_UNIT_PERCENT);
		jsonw_name(jw, "default");
		jsonw_uint(jw, r->default_gates);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_name(jw, "result");
	jsonw_string(jw, nr_failed(r) ? "fail" : "pass");
	jsonw_end_object(jw);
	jsonw_destroy(&jw);
}

/* ---- JUnit XML ---- */

/* @s as XML text or attribute: the five escapes, control characters and bad UTF-8 as '?'. */
static void xml_puts(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
			  (*p & 0xf8) == 0xf0 ? 4 : 0;
		int ok = len > 0;

		for (int k = 1; ok && k < len; k++)
			ok = (p[k] & 0xc0) == 0x80;
		if (!ok || (len == 2 && *p < 0xc2)) {
			putchar('?');
			p++;
			continue;
		}
		if (len > 1) {
			fwrite(p, 1, len, stdout);
			p += len;
			continue;
		}
		switch (*p) {
		case '&': fputs("&amp;", stdout); break;
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		case '\'': fputs("&apos;", stdout); break;
		default:
			putchar(*p < 0x20 && *p != '\t' && *p != '\n' ? '?' : *p);
		}
		p++;
	}
}

void diff_print_junit(const struct diff_report *r)
{
	size_t failed = nr_failed(r);
	char line[1200];

	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	printf("<testsuites name=\"daprof diff\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
	       r->nr_gates, failed);
	printf("  <testsuite name=\"daprof diff\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
	       "skipped=\"0\">\n", r->nr_gates, failed);
	printf("    <properties>\n");
	for (size_t i = 0; i < r->d->nr_old + r->d->nr_new; i++) {
		int old = i < r->d->nr_old;

		printf("      <property name=\"%s\" value=\"", old ? "old" : "new");
		xml_puts(old ? r->old[i]->path : r->new[i - r->d->nr_old]->path);
		printf("\"/>\n");
	}
	printf("      <property name=\"weak_noise_estimate\" value=\"%d\"/>\n", r->d->weak);
	printf("    </properties>\n");
	for (size_t g = 0; g < r->nr_gates; g++) {
		const struct diff_gate *gt = &r->gates[g];

		diff_gate_line(line, sizeof(line), gt);
		printf("    <testcase classname=\"daprof.diff\" name=\"");
		xml_puts(gt->expr->text);
		printf("\">\n");
		if (gt->failed) {
			printf("      <failure type=\"regression\" message=\"");
			xml_puts(line);
			printf("\">");
			xml_puts(line);
			printf("</failure>\n");
		} else {
			printf("      <system-out>");
			xml_puts(line);
			printf("</system-out>\n");
		}
		printf("    </testcase>\n");
	}
	printf("  </testsuite>\n</testsuites>\n");
}

/* ---- folded ---- */

static void folded_frame(const char *s)
{
	for (; *s; s++)
		putchar(*s == ';' || *s == ' ' || *s == '\t' || *s == '\n' ? '_' : *s);
}

static uint64_t count_of(double heat)
{
	return heat > 0 ? (uint64_t)llround(heat) : 0;
}

void diff_print_folded(const struct diff_report *r)
{
	const struct diff *d = r->d;

	for (size_t i = 0; i < d->nr_objs; i++) {
		const struct diff_obj_change *c = &d->objs[i];
		uint64_t a = count_of(c->heat_old), b = count_of(c->heat_new);

		if (!a && !b)
			continue;
		folded_frame(c->id.label[0] ? c->id.label : "[none]");
		putchar(';');
		folded_frame(c->id.kind);
		putchar(';');
		folded_frame(c->id.name);
		printf(" %" PRIu64 " %" PRIu64 "\n", a, b);
	}
}
