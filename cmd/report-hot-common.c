// SPDX-License-Identifier: GPL-2.0
/*
 * The command-line side that "report hot" and "report hints" share (report-hot-common.h): the
 * measuring options, building the table, and the header that names the backend and what it sees.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/json-writer.h"
#include "cmd/report-hot-common.h"
#include "format/dpf.h"
#include "report/session.h"
#include "report/units.h"

int hot_common_opt_min_accesses(const struct parse_opt *opt, const char *arg,
				struct parse_ctx *ctx)
{
	uint64_t v;

	if (dp_parse_u64(arg, &v) || v > UINT32_MAX)
		return dp_bad_usage(ctx->cmd, "bad %s '%s'", ctx->name, arg);
	*(uint32_t *)opt->value = (uint32_t)v;
	return 0;
}

int hot_common_opt_time(const struct parse_opt *opt, const char *arg, struct parse_ctx *ctx)
{
	if (dp_parse_time_ns(arg, 1000000000ull, opt->value))
		return dp_bad_usage(ctx->cmd, "bad %s '%s' (a time such as 500ms, 2s, 1m)",
				    ctx->name, arg);
	return 0;
}

int hot_common_build(struct hot_common *c, struct session **s, struct hot **h)
{
	int ret;

	c->path = cmd_input_path(c->path);
	if (c->debug_dir) {
		c->debug_dirs[0] = c->debug_dir;
		c->debug_dirs[1] = "/usr/lib/debug";
		c->debug_dirs[2] = NULL;
		c->o.sym.debug_dirs = c->debug_dirs;
	}
	c->o.sym.debuginfod_cache = c->debuginfod_cache;
	if (cmd_open_filtered(c->path, &c->sel, s))
		return 1;
	ret = hot_build(h, *s, &c->o);
	if (ret == -ENODATA) {
		dp_error(0, "'%s' has no heap allocation sites (record it with --heap-sites)",
			 c->path);
		session_close(*s);
		*s = NULL;
		return 1;
	}
	if (ret) {
		dp_error_str(dpf_strerror(ret), "cannot read '%s'", c->path);
		session_close(*s);
		*s = NULL;
		return 1;
	}
	if (!(*h)->nr_snapshots) {
		dp_error(0, "no snapshots in '%s' in the selected time, address and target range",
			 c->path);
		hot_free(*h);
		session_close(*s);
		*h = NULL;
		*s = NULL;
		return 1;
	}
	return 0;
}

int hot_common_sees_writes_only(const struct session *s)
{
	return session_facts(s)->sees == SEES_WRITES;
}

static const char *by_name(enum hot_by by)
{
	return by == HOT_BY_MAPPING ? "mapping" : by == HOT_BY_REGION ? "region" :
	       by == HOT_BY_SITE ? "site" : "symbol";
}

void hot_common_text_header(const struct hot_common *c, const struct session *s,
			    const struct hot *h, const char *view)
{
	const struct session_facts *f = session_facts(s);
	char a[32];

	printf("daprof report %s: ", view);
	dp_text_puts(c->path);
	putchar('\n');
	dp_text_puts(f->source_line);
	putchar('\n');
	if (f->sees_caveat)
		printf("note: %s\n", f->sees_caveat);
	if (h->physical && h->phys_nodes)
		printf("physical addresses, listed by %" PRIu64 " MiB memory block and NUMA node "
		       "(the layout recorded with it)\n", h->phys_block >> 20);
	else if (h->physical)
		printf("physical addresses, listed by %" PRIu64 " MiB block (no NUMA node layout "
		       "was recorded)\n", h->phys_block >> 20);
	printf("by %s, %" PRIu64 " snapshot%s over %s\n", by_name(c->o.by), h->nr_snapshots,
	       h->nr_snapshots == 1 ? "" : "s", units_time(a, sizeof(a), h->end_ns - h->start_ns));
	if (h->heap_sites)
		hot_common_heap_line(h);
}

void hot_common_heap_line(const struct hot *h)
{
	const struct heapsites_stats *st = &h->heap;
	char a[32];

	printf("heap sites: %" PRIu64 " allocations recorded (every block of a page or more, "
	       "smaller ones sampled once per %s), %" PRIu64 " stacks", st->nr_allocs,
	       units_size(a, sizeof(a), st->sample_bytes), st->nr_stacks);
	if (st->nr_programs > 1)
		printf(", %" PRIu64 " programs (exec)", st->nr_programs);
	putchar('\n');
	if (st->lost_events || st->lost_untracked || st->lost_reentrant || st->not_read)
		printf("heap sites lost: %" PRIu64 " events (the channel was full), %" PRIu64
		       " frees untracked, %" PRIu64 " large blocks in signal handlers, %" PRIu64
		       " events not read (reader's limit)\n", st->lost_events, st->lost_untracked,
		       st->lost_reentrant, st->not_read);
}

void hot_common_json_header(struct json_writer *jw, const struct hot_common *c,
			    const struct session *s, const struct hot *h, const char *view)
{
	const struct session_facts *f = session_facts(s);

	jsonw_name(jw, "input");
	jsonw_string(jw, c->path);
	jsonw_name(jw, "view");
	jsonw_string(jw, view);
	jsonw_name(jw, "backend");
	f->backend ? jsonw_string(jw, f->backend) : jsonw_null(jw);
	jsonw_name(jw, "primitive");
	f->primitive ? jsonw_string(jw, f->primitive) : jsonw_null(jw);
	jsonw_name(jw, "primitive_sees");
	f->primitive_sees ? jsonw_string(jw, f->primitive_sees) : jsonw_null(jw);
	jsonw_name(jw, "writes_only");
	jsonw_uint(jw, hot_common_sees_writes_only(s));
	jsonw_name(jw, "caveat");
	f->sees_caveat ? jsonw_string(jw, f->sees_caveat) : jsonw_null(jw);
	jsonw_name(jw, "by");
	jsonw_string(jw, by_name(c->o.by));
	jsonw_name(jw, "physical");
	jsonw_uint(jw, h->physical);
	jsonw_name(jw, "min_accesses");
	jsonw_uint(jw, c->o.min_accesses);
	jsonw_name(jw, "idle_threshold_s");
	jsonw_float_fmt(jw, "%.3f", (double)c->o.idle_ns / 1e9);
	jsonw_name(jw, "snapshots");
	jsonw_uint(jw, h->nr_snapshots);
	jsonw_name(jw, "duration_s");
	jsonw_float_fmt(jw, "%.3f", (double)(h->end_ns - h->start_ns) / 1e9);
	if (h->heap_sites) {
		jsonw_name(jw, "heap_allocations");
		jsonw_uint(jw, h->heap.nr_allocs);
		jsonw_name(jw, "heap_sample_bytes");
		jsonw_uint(jw, h->heap.sample_bytes);
		jsonw_name(jw, "heap_lost_events");
		jsonw_uint(jw, h->heap.lost_events);
		jsonw_name(jw, "heap_lost_untracked");
		jsonw_uint(jw, h->heap.lost_untracked);
	}
}

void hot_common_json_identity(struct json_writer *jw, const struct hot_object *o)
{
	jsonw_name(jw, "name");
	jsonw_string(jw, o->name);
	jsonw_name(jw, "kind");
	jsonw_string(jw, o->kind);
	jsonw_name(jw, "mapping");
	jsonw_string(jw, o->label);
	jsonw_name(jw, "file");
	jsonw_string(jw, o->file);
	jsonw_name(jw, "build_id");
	jsonw_string(jw, o->build_id);
	jsonw_name(jw, "offset");
	jsonw_uint(jw, o->map_offset);
}

void hot_common_json_measures(struct json_writer *jw, const struct hot_object *o)
{
	jsonw_name(jw, "access_rate_hz");
	jsonw_float_fmt(jw, "%.3f", hot_rate_hz(o));
	jsonw_name(jw, "hot_share");
	jsonw_float_fmt(jw, "%.4f", hot_share(o));
	jsonw_name(jw, "idle_s");
	jsonw_float_fmt(jw, "%.3f", (double)o->idle_ns / 1e9);
	jsonw_name(jw, "idle_bytes");
	jsonw_uint(jw, o->idle_bytes);
}

void hot_common_json_object(struct json_writer *jw, const struct hot_object *o)
{
	hot_common_json_identity(jw, o);
	jsonw_name(jw, "addr");
	jsonw_uint(jw, o->addr);
	jsonw_name(jw, "size");
	jsonw_uint(jw, o->size);
	jsonw_name(jw, "bytes");
	jsonw_uint(jw, o->bytes);
	hot_common_json_measures(jw, o);
	jsonw_name(jw, "shares_region");
	jsonw_uint(jw, o->shares);
	jsonw_name(jw, "target");
	jsonw_uint(jw, o->target);
	if (o->note[0]) {
		jsonw_name(jw, "note");
		jsonw_string(jw, o->note);
	}
	if (o->stack) {
		jsonw_name(jw, "stack");
		jsonw_string(jw, o->stack);
		jsonw_name(jw, "stacks");
		jsonw_uint(jw, o->nr_stacks ? o->nr_stacks : 1);
		jsonw_name(jw, "sampled");
		jsonw_uint(jw, o->sampled);
		jsonw_name(jw, "shares_page");
		jsonw_uint(jw, o->shares_page);
	}
}
