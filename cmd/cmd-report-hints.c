// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof report hints": mlock/madvise advice from report hot's table, as a table, as JSON for a
 * tool that applies it to a later run of the same build (build-ids and offsets from the load
 * base, never bare addresses alone), or as C to paste into the program. Options and printing
 * only; the rules are report/hints.c's, the table report/hot.c's.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/json-writer.h"
#include "cmd/parse-options.h"
#include "cmd/report-hot-common.h"
#include "report/hints.h"
#include "report/hot.h"
#include "report/session.h"
#include "report/units.h"

enum hints_format { HINTS_TEXT, HINTS_JSON, HINTS_C };

static const char *const hints_formats[] = { "text", "json", "c", NULL };

struct hints_cmd {
	struct hot_common c;
	struct hints_opts ho;
	int format;
};

/* The program of the recording: its path and build-id as the objects of its file carry them. */
struct program {
	const char *path;	/* "" when unknown */
	const char *build_id;
	const char *label;
};

static int opt_hot_share(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || !(v > 0 && v <= 1))
		return dp_bad_usage(ctx->cmd, "bad --hot-share '%s' (a share above 0, up to 1)", arg);
	*(double *)opt->value = v;
	return 0;
}

static int opt_idle(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	uint64_t v;

	if (dp_parse_time_ns(arg, 1000000000ull, &v) || !v)
		return dp_bad_usage(ctx->cmd, "bad --idle '%s' (a time above 0, such as 500ms, 2s)",
				    arg);
	*(uint64_t *)opt->value = v;
	return 0;
}

static int opt_size(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	if (dp_parse_size(arg, opt->value))
		return dp_bad_usage(ctx->cmd, "bad %s '%s' (a size such as 4K, 2M)", ctx->name, arg);
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/*
 * The recording's program: the file named by the first target's command line (or comm), else
 * the file-backed object with the most heat that is not a shared library.
 */
static struct program find_program(const struct session *s, const struct hot *h)
{
	struct program p = { "", "", "" };
	const struct hot_object *best = NULL;
	char want[256] = "";

	for (size_t i = 0; i < h->nr_listed && !want[0]; i++) {
		const struct session_target *t = session_target(s, h->obj[i].target);

		if (t && t->cmdline)
			snprintf(want, sizeof(want), "%.*s", (int)strcspn(t->cmdline, " "), t->cmdline);
		else if (t && t->comm)
			snprintf(want, sizeof(want), "%s", t->comm);
	}
	for (size_t i = 0; i < h->nr_listed; i++) {
		const struct hot_object *o = &h->obj[i];

		if (!o->file_backed || !o->file[0])
			continue;
		if (want[0] && !strcmp(base_name(o->file), base_name(want))) {
			best = o;
			break;
		}
		if (!best && !strstr(base_name(o->file), ".so"))
			best = o;	/* the table is in heat order */
	}
	if (best) {
		p.path = best->file;
		p.build_id = best->build_id;
		p.label = best->label;
	}
	return p;
}

static void flag_names(char *buf, size_t size, unsigned flags)
{
	snprintf(buf, size, "%s%s%s%s", flags & HINT_UNALIGNED ? ",unaligned" : "",
		 flags & HINT_SHARES ? ",shares" : "", flags & HINT_RANGE ? ",range" : "",
		 flags & HINT_WRITES_ONLY ? ",writes-only" : "");
	if (buf[0])
		memmove(buf, buf + 1, strlen(buf));
	else
		snprintf(buf, size, "-");
}

static void print_rules(const struct hints_cmd *hc, const struct hints *hs)
{
	char a[32], b[32], c[32], d[32], e[32];

	printf("hot: hot share >= %.2f (nr_accesses >= %u) -> mlock (high confidence) or "
	       "MADV_WILLNEED; idle >= %s -> MADV_COLD, MADV_PAGEOUT from %s idle and %s; "
	       "MADV_HUGEPAGE/NOHUGEPAGE from %s; objects from %s\n", hc->ho.hot_share,
	       hc->c.o.min_accesses, units_time(a, sizeof(a), hs->idle_ns),
	       units_time(b, sizeof(b), 2 * hs->idle_ns),
	       units_size(c, sizeof(c), HINTS_PAGEOUT_MIN_SIZE),
	       units_size(d, sizeof(d), hc->ho.huge), units_size(e, sizeof(e), hc->ho.min_size));
}

/*
 * The advice of the heap allocation sites (--heap-sites recordings), in words: where the block
 * was allocated, what it did, and what to do in the code that allocates it.
 */
static void print_sites(const struct hints *hs)
{
	char a[32], b[32], name[300];
	int first = 1;

	for (size_t i = 0; i < hs->nr; i++) {
		const struct hint *t = &hs->hint[i];
		const struct hot_object *o = t->obj;

		if (strcmp(o->kind, "site"))
			continue;
		if (first)
			printf("\nby allocation site:\n");
		first = 0;
		dp_text_escape(name, sizeof(name), o->name);
		if (hint_is_hot(t->advice))
			printf("  allocated at %s: %s hot %.0f %% of the time at %.2f Hz -> %s on "
			       "%s once allocated, or allocate %s apart from idle data%s\n", name,
			       units_size(a, sizeof(a), t->size), 100.0 * hot_share(o),
			       hot_rate_hz(o), hint_advice_name(t->advice),
			       o->sampled ? "its blocks" : "the block", o->sampled ? "them" : "it",
			       o->sampled ? " (small blocks: from one pool, to advise them together)"
					  : "");
		else
			printf("  allocated at %s: %s idle for %s -> %s on %s after %s built, or "
			       "allocate %s apart from the hot data%s\n", name,
			       units_size(a, sizeof(a), t->size),
			       units_time(b, sizeof(b), o->idle_ns), hint_advice_name(t->advice),
			       o->sampled ? "its blocks" : "the block",
			       o->sampled ? "they are" : "it is", o->sampled ? "them" : "it",
			       o->sampled ? " (small blocks: from one pool, to advise them together)"
					  : "");
	}
}

static void print_text(const struct hints_cmd *hc, const struct session *s, const struct hot *h,
		       const struct hints *hs)
{
	char a[32], b[32], name[300], map[160], fl[64];
	int any_unaligned = 0;

	hot_common_text_header(&hc->c, s, h, "hints");
	print_rules(hc, hs);
	printf("\n%-15s %-6s %10s %9s %5s %9s %-24s %-16s %-10s %s\n", "advice", "conf", "size",
	       "rate_hz", "hot%", "idle", "name", "mapping", "offset", "flags");
	for (size_t i = 0; i < hs->nr; i++) {
		const struct hint *t = &hs->hint[i];
		const struct hot_object *o = t->obj;
		char off[32];

		any_unaligned |= !!(t->flags & HINT_UNALIGNED);
		dp_text_escape(name, sizeof(name), o->name);
		dp_text_escape(map, sizeof(map), o->label);
		snprintf(off, sizeof(off), "0x%" PRIx64, o->map_offset);
		flag_names(fl, sizeof(fl), t->flags);
		printf("%-15s %-6s %10s %9.2f %5.1f %9s %-24s %-16s %-10s %s\n",
		       hint_advice_name(t->advice), hint_confidence_name(t->confidence),
		       units_size(a, sizeof(a), t->size), hot_rate_hz(o), 100.0 * hot_share(o),
		       o->idle_ns ? units_time(b, sizeof(b), o->idle_ns) : "-", name, map, off, fl);
	}
	if (!hs->nr)
		printf("  (none: no object of %s or more was hot or idle enough)\n",
		       units_size(a, sizeof(a), hc->ho.min_size));
	if (any_unaligned)
		printf("\nunaligned: the advice covers whole pages, so also part of its neighbours; "
		       "shares: its numbers are its share of a larger region's; range: heap or "
		       "anonymous memory, by mapping and offset\n");
	print_sites(hs);
}

static void print_json(const struct hints_cmd *hc, const struct session *s, const struct hot *h,
		       const struct hints *hs)
{
	struct json_writer *jw = jsonw_new(stdout);
	struct program p = find_program(s, h);

	if (!jw)
		return;
	jsonw_start_object(jw, JSONW_LINES);
	hot_common_json_header(jw, &hc->c, s, h, "hints");
	jsonw_name(jw, "target");
	jsonw_start_object(jw, JSONW_INLINE);
	jsonw_name(jw, "build_id");
	jsonw_string(jw, p.build_id);
	jsonw_name(jw, "path");
	jsonw_string(jw, p.path);
	jsonw_end_object(jw);
	jsonw_name(jw, "thresholds");
	jsonw_start_object(jw, JSONW_INLINE);
	jsonw_name(jw, "hot_share");
	jsonw_float_fmt(jw, "%.4f", hc->ho.hot_share);
	jsonw_name(jw, "idle_s");
	jsonw_float_fmt(jw, "%.3f", (double)hs->idle_ns / 1e9);
	jsonw_name(jw, "pageout_idle_s");
	jsonw_float_fmt(jw, "%.3f", 2.0 * (double)hs->idle_ns / 1e9);
	jsonw_name(jw, "pageout_size");
	jsonw_uint(jw, HINTS_PAGEOUT_MIN_SIZE);
	jsonw_name(jw, "huge");
	jsonw_uint(jw, hc->ho.huge);
	jsonw_name(jw, "min_size");
	jsonw_uint(jw, hc->ho.min_size);
	jsonw_end_object(jw);
	jsonw_name(jw, "hints");
	jsonw_start_array(jw, JSONW_LINES);
	for (size_t i = 0; i < hs->nr; i++) {
		const struct hint *t = &hs->hint[i];
		const struct hot_object *o = t->obj;

		jsonw_start_object(jw, JSONW_INLINE);
		jsonw_name(jw, "advice");
		jsonw_string(jw, hint_advice_name(t->advice));
		jsonw_name(jw, "object");
		jsonw_start_object(jw, JSONW_INLINE);
		hot_common_json_identity(jw, o);	/* never a bare address */
		jsonw_name(jw, "size");
		jsonw_uint(jw, t->size);
		jsonw_name(jw, "target");
		jsonw_uint(jw, o->target);
		jsonw_end_object(jw);
		jsonw_name(jw, "evidence");
		jsonw_start_object(jw, JSONW_INLINE);
		hot_common_json_measures(jw, o);
		jsonw_name(jw, "coverage");
		jsonw_float_fmt(jw, "%.3f", t->coverage);
		jsonw_end_object(jw);
		jsonw_name(jw, "confidence");
		jsonw_string(jw, hint_confidence_name(t->confidence));
		jsonw_name(jw, "page_aligned");
		jsonw_uint(jw, !(t->flags & HINT_UNALIGNED));
		jsonw_name(jw, "neighbour_bytes");
		jsonw_uint(jw, t->neighbours);
		jsonw_name(jw, "shares_region");
		jsonw_uint(jw, !!(t->flags & HINT_SHARES));
		jsonw_name(jw, "range");
		jsonw_uint(jw, !!(t->flags & HINT_RANGE));
		jsonw_name(jw, "writes_only");
		jsonw_uint(jw, !!(t->flags & HINT_WRITES_ONLY));
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_end_object(jw);
	jsonw_destroy(&jw);
}

/* ---- --format c ---- */

static int c_identifier(const char *s)
{
	if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* A global of the program itself: the C can name it. */
static int nameable(const struct hint *t, const struct program *p)
{
	return !strcmp(t->obj->kind, "object") && t->obj->file_backed &&
	       !strcmp(t->obj->file, p->path) && c_identifier(t->obj->name);
}

/* A string inside a C comment: no comment mark (to end it early or nest) and no line break. */
static void c_comment_str(const char *s)
{
	for (; *s; s++) {
		if ((*s == '*' && s[1] == '/') || (*s == '/' && s[1] == '*'))
			printf("%c ", *s);
		else if (*s == '\n' || *s == '\r' || (unsigned char)*s < 0x20)
			putchar('?');
		else
			putchar(*s);
	}
}

static const char *c_advice(enum hint_advice a)
{
	return a == HINT_MLOCK ? "mlock" : hint_advice_name(a);
}

static void c_hint(const struct hint *t, const struct program *p)
{
	const struct hot_object *o = t->obj;
	char a[32], b[32];

	printf("\t/* %s ", c_advice(t->advice));
	c_comment_str(o->name);
	printf(": %s in ", units_size(a, sizeof(a), t->size));
	c_comment_str(o->label[0] ? o->label : "?");
	printf(" at offset 0x%" PRIx64 "; %.2f Hz, hot %.1f %%, idle %s; confidence %s */\n",
	       o->map_offset, hot_rate_hz(o), 100.0 * hot_share(o),
	       o->idle_ns ? units_time(b, sizeof(b), o->idle_ns) : "0 s",
	       hint_confidence_name(t->confidence));
	if (t->flags & HINT_UNALIGNED)
		printf("\t/* not page-aligned: this also advises %s of its neighbours */\n",
		       units_size(a, sizeof(a), t->neighbours));
	if (t->flags & HINT_SHARES)
		printf("\t/* its numbers are its share of a larger region's, shared with its "
		       "neighbours */\n");
	if (t->flags & HINT_WRITES_ONLY)
		printf("\t/* idle for writes only (the primitive sees no reads): it may still be "
		       "read */\n");
	if (!strcmp(o->kind, "site")) {
		printf("\t/* a heap block allocated at ");
		c_comment_str(o->name);
		printf(": advise the block where it is allocated, or allocate it apart */\n");
		return;
	}
	if (t->flags & HINT_RANGE) {
		printf("\t/* a range of the mapping ");
		c_comment_str(o->label);
		printf(" (offset 0x%" PRIx64 " from its start): its address differs in every run; "
		       "no code (a later release names its allocation site) */\n", o->map_offset);
		return;
	}
	if (!nameable(t, p)) {
		printf("\t/* not addressable by name from here: ");
		if (strstr(o->name, "::"))
			printf("a function-scope static, visible only inside its function; ");
		else if (strcmp(o->file, p->path))
			printf("in another file; ");
		printf("offset 0x%" PRIx64 " from the load base of ", o->map_offset);
		c_comment_str(o->file[0] ? o->file : o->label);
		printf(" */\n");
		return;
	}
	if (t->advice == HINT_MLOCK)
		printf("\tmlock(page_align_down(%s), page_span(%s, %" PRIu64 "));\n", o->name,
		       o->name, t->size);
	else
		printf("\tmadvise(page_align_down(%s), page_span(%s, %" PRIu64 "), %s);\n", o->name,
		       o->name, t->size, hint_advice_name(t->advice));
}

static void print_c(const struct hints_cmd *hc, const struct session *s, const struct hot *h,
		    const struct hints *hs)
{
	struct program p = find_program(s, h);

	printf("/*\n * daprof report hints --format c: ");
	c_comment_str(hc->c.path);
	printf("\n * program ");
	c_comment_str(p.path[0] ? p.path : "(unknown)");
	printf(", build-id %s\n", p.build_id[0] ? p.build_id : "(none)");
	printf(" * Paste into that program and call daprof_hints_apply() once the objects hold their "
	       "data.\n */\n");
	printf("#ifndef _DEFAULT_SOURCE\n#define _DEFAULT_SOURCE\t/* madvise() under -std=c11: "
	       "before the file's first #include */\n#endif\n");
	printf("#include <stddef.h>\n#include <stdint.h>\n#include <sys/mman.h>\n"
	       "#include <unistd.h>\n\n");
	printf("#ifndef MADV_COLD\n#define MADV_COLD 20\n#endif\n"
	       "#ifndef MADV_PAGEOUT\n#define MADV_PAGEOUT 21\n#endif\n\n");
	printf("/* the start of the page holding p */\n"
	       "static inline void *page_align_down(const void *p)\n{\n"
	       "\tuintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);\n\n"
	       "\treturn (void *)((uintptr_t)p & ~(page - 1));\n}\n\n"
	       "/* p rounded up to the next page boundary */\n"
	       "static inline void *page_align_up(const void *p)\n{\n"
	       "\tuintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);\n\n"
	       "\treturn (void *)(((uintptr_t)p + page - 1) & ~(page - 1));\n}\n\n"
	       "/* the length of the whole pages that hold [p, p + size) */\n"
	       "static inline size_t page_span(const void *p, size_t size)\n{\n"
	       "\treturn (size_t)((char *)page_align_up((const char *)p + size) -\n"
	       "\t\t\t(char *)page_align_down(p));\n}\n\n");
	printf("/* the objects, as extern declarations (drop those the file already has) */\n");
	for (size_t i = 0; i < hs->nr; i++) {
		int seen = 0;

		if (!nameable(&hs->hint[i], &p))
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = hs->hint[k].obj == hs->hint[i].obj && nameable(&hs->hint[k], &p);
		if (!seen)
			printf("extern char %s[];\n", hs->hint[i].obj->name);
	}
	printf("\nstatic inline void daprof_hints_apply(void)\n{\n");
	for (size_t i = 0; i < hs->nr; i++)
		c_hint(&hs->hint[i], &p);
	if (!hs->nr)
		printf("\t/* no advice: no object was hot or idle enough */\n");
	printf("}\n");
}

int cmd_report_hints(int argc, char **argv)
{
	struct hints_cmd hc = { .c = HOT_COMMON_INIT, .ho = HINTS_OPTS_INIT };
	const struct parse_opt options[] = {
		HOT_COMMON_SELECT_OPTIONS(&hc.c),
		OPT_CALLBACK(0, "hot-share", PARSE_OPT_PTR(double, &hc.ho.hot_share), "share",
			     "hot: at least this share of its time hot (default 0.9)", opt_hot_share),
		OPT_CALLBACK(0, "idle", PARSE_OPT_PTR(uint64_t, &hc.ho.idle_ns), "time",
			     "cold: idle this long (default 10s, or a quarter of the recording)",
			     opt_idle),
		OPT_CALLBACK(0, "huge", PARSE_OPT_PTR(uint64_t, &hc.ho.huge), "size",
			     "MADV_HUGEPAGE/NOHUGEPAGE from this size (default 2M)", opt_size),
		OPT_CALLBACK(0, "min-size", PARSE_OPT_PTR(uint64_t, &hc.ho.min_size), "size",
			     "no advice for smaller objects (default 4K)", opt_size),
		OPT_FORMAT(&hc.format, hints_formats, "text (the default), json or c"),
		OPT_END()
	};
	const char *cmd = "report hints";
	struct session *ses = NULL;
	struct hints hs;
	struct hot *h = NULL;
	int ret = parse_options(argc, argv, options, cmd, NULL, 0);

	if (ret < 0)
		return parse_opt_exit(ret);
	if (ret)
		return dp_bad_usage(cmd, "unexpected argument '%s'", argv[0]);
	if (hc.ho.idle_ns)
		hc.c.o.idle_ns = hc.ho.idle_ns;
	hc.c.o.sites_if_recorded = 1;	/* heap advice names the allocation site */
	ret = hot_common_build(&hc.c, &ses, &h);
	if (ret)
		return ret;
	hot_rank(h, 0);
	hc.ho.writes_only = hot_common_sees_writes_only(ses);
	hc.ho.idle_bytes_ns = hc.c.o.idle_ns;
	if (h->heap_sites)
		hc.c.o.by = HOT_BY_SITE;	/* the header says so */
	if (hints_build(&hs, h, &hc.ho)) {
		dp_error(0, "out of memory");
		hot_free(h);
		session_close(ses);
		return 1;
	}
	hc.c.o.idle_ns = hs.idle_ns;	/* the header's idle threshold: the one applied */
	switch (hc.format) {
	case HINTS_JSON:
		print_json(&hc, ses, h, &hs);
		break;
	case HINTS_C:
		print_c(&hc, ses, h, &hs);
		break;
	default:
		print_text(&hc, ses, h, &hs);
	}
	hints_release(&hs);
	hot_free(h);
	session_close(ses);
	return 0;
}
