// SPDX-License-Identifier: GPL-2.0
/*
 * The reading session (session.h). Opening reads only the metadata chunks (every other chunk's
 * header is checked and its payload passed over), so the facts are final before the first
 * record. A pass then streams the file; the filters work on each snapshot as it comes, and with
 * a time range on a cleanly closed file the INDEX chunk tells which snapshot chunks lie wholly
 * outside it: those are passed over unread (memory maps and metadata are always read, so the
 * names and facts do not depend on the range).
 *
 * The changes of the monitoring intervals (INTERVALS chunks) are read at open with the metadata,
 * into one timeline sorted by target and time: what a snapshot was taken with is then known
 * whatever the pass, its rewinds and the chunks the index seek passes over.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/session.h"

struct skip_count {
	uint32_t target;
	uint64_t seen;
};

struct kept_maps {
	uint32_t target;
	uint64_t time_ns;
	uint32_t nr;
	struct dpf_mapping *maps;	/* paths owned */
};

struct session_iv {
	struct dpf_intervals iv;
	uint64_t seq;		/* file order: of two at one time, the later holds */
};

/* Changes kept (40 bytes each: 10 MiB): a real recording changes at most every aggregation */
#define SESSION_MAX_INTERVALS	(1u << 18)

struct session {
	char *path;
	struct dpf_reader *r;
	struct session_filter f;
	struct session_facts facts;
	struct dpf_meta meta;	/* the final merged metadata, a copy: the facts point into it, and
				 * a pass merges the metadata chunks into the reader's again */
	struct dpf_meta first_meta;	/* the first chunk's alone */
	char (*names)[64];	/* made-up display names ("pid N", "target N") */
	/* damage */
	void (*on_damage)(void *arg, const struct dpf_damage *d);
	void *damage_arg;
	uint64_t nr_damage, damaged_bytes;
	uint64_t damage_reported_to;	/* file offset up to which damage was reported */
	/* the time window, known once the first snapshot is seen */
	int have_start;
	uint64_t rec_start, win_lo, win_hi;
	struct dpf_index_entry *index;
	size_t nr_index;
	/* per pass */
	int have_span;
	uint64_t span_lo, span_hi;
	struct skip_count *skips;
	size_t nr_skips;
	struct dpf_region *clip;
	size_t clip_alloc;
	/* maps history */
	int keep_maps;
	struct kept_maps *kept;
	size_t nr_kept;
	/* the intervals in force: the metadata's per target, then the recording's changes */
	struct session_intervals base[DPF_MAX_TARGETS];
	struct session_iv *ivs;	/* sorted by target, time, file order */
	size_t nr_ivs, ivs_alloc;
	uint64_t ivs_dropped;	/* changes past SESSION_MAX_INTERVALS */
	/* paired iteration: one snapshot looked ahead */
	int peeked;
	struct session_event peek;
};

static const char *meta_str(const struct dpf_meta *m, const char *key)
{
	const char *v = dpf_meta_get(m, key);

	return v && *v ? v : NULL;
}

static int make_facts(struct session *s)
{
	const struct dpf_meta *m = &s->meta;
	struct session_facts *f = &s->facts;
	uint64_t n = dpf_meta_get_u64(m, "nr_targets", 0);
	char key[64];

	f->sample_us = dpf_meta_get_u64(m, "sample_us", 0);
	f->aggr_us = dpf_meta_get_u64(m, "aggr_us", 0);
	f->update_us = dpf_meta_get_u64(m, "update_us", 0);
	f->backend = meta_str(m, "backend");
	f->primitive = meta_str(m, "primitive");
	f->primitive_sees = meta_str(m, "primitive_sees");
	f->ops = meta_str(m, "ops");
	f->host = meta_str(m, "hostname");
	f->kernel = meta_str(m, "kernel");
	f->source = meta_str(m, "source");
	f->daprof_version = meta_str(m, "daprof_version");
	f->primitive_caveat = meta_str(m, "primitive_caveat");
	f->primitive_detach = meta_str(m, "primitive_detach");
	f->sees = sees_kind(f->primitive_sees);
	f->sees_caveat = sees_caveat(f->sees);
	f->target_execs = meta_str(m, "target_execs");
	f->intervals = dpf_meta_get(m, "sample_us") != NULL;
	f->real_aggr = dpf_meta_get(m, "aggr_real_median_us") != NULL;
	f->aggr_real_median_us = dpf_meta_get_u64(m, "aggr_real_median_us", 0);
	f->aggr_real_max_us = dpf_meta_get_u64(m, "aggr_real_max_us", 0);
	f->snapshots_late = dpf_meta_get_u64(m, "snapshots_late", 0);
	f->min_nr_regions = dpf_meta_get(m, "min_nr_regions");
	f->max_nr_regions = dpf_meta_get(m, "max_nr_regions");
	f->start_wall = dpf_meta_get(m, "start_wall_ns") != NULL;
	f->start_wall_ns = dpf_meta_get_u64(m, "start_wall_ns", 0);
	snprintf(f->source_line, sizeof(f->source_line), "backend: %s%s%s%s%s%s",
		 f->backend ? f->backend : "unknown", f->primitive ? ", primitive: " : "",
		 f->primitive ? f->primitive : "", f->primitive_sees ? " (sees " : "",
		 f->primitive_sees ? f->primitive_sees : "", f->primitive_sees ? ")" : "");
	/* targets named by keys beyond the count still count */
	for (uint32_t i = (uint32_t)(n < DPF_MAX_TARGETS ? n : DPF_MAX_TARGETS); i < DPF_MAX_TARGETS;
	     i++) {
		snprintf(key, sizeof(key), "target.%u.pid", i);
		if (meta_str(m, key))
			n = i + 1;
		snprintf(key, sizeof(key), "target.%u.comm", i);
		if (meta_str(m, key))
			n = i + 1;
		snprintf(key, sizeof(key), "target.%u.cmdline", i);
		if (meta_str(m, key))
			n = i + 1;
	}
	if (n > DPF_MAX_TARGETS)
		n = DPF_MAX_TARGETS;
	f->nr_targets = (uint32_t)n;
	f->targets = calloc(n ? n : 1, sizeof(*f->targets));
	s->names = calloc(n ? n : 1, sizeof(*s->names));
	if (!f->targets || !s->names)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct session_target *t = &f->targets[i];

		t->id = i;
		snprintf(key, sizeof(key), "target.%u.comm", i);
		t->comm = meta_str(m, key);
		snprintf(key, sizeof(key), "target.%u.cmdline", i);
		t->cmdline = meta_str(m, key);
		snprintf(key, sizeof(key), "target.%u.pid", i);
		t->pid = dpf_meta_get_u64(m, key, 0);
		t->named = t->comm || t->cmdline || meta_str(m, key);
		if (meta_str(m, key))
			snprintf(s->names[i], sizeof(s->names[i]), "pid %s", meta_str(m, key));
		else
			snprintf(s->names[i], sizeof(s->names[i]), "target %u", i);
		t->name = t->cmdline ? t->cmdline : t->comm ? t->comm : s->names[i];
	}
	return 0;
}

static int only_meta(void *arg, uint32_t type, uint64_t offset)
{
	return type != DPF_CHUNK_META && type != DPF_CHUNK_INTERVALS;
}

static struct session_intervals make_intervals(uint64_t sample_us, uint64_t aggr_us)
{
	struct session_intervals iv = { .sample_us = sample_us, .aggr_us = aggr_us };

	if (sample_us && aggr_us >= sample_us)
		iv.samples = (uint32_t)(aggr_us / sample_us < UINT32_MAX ? aggr_us / sample_us
									 : UINT32_MAX);
	return iv;
}

/* Each target's intervals before its first change: its own keys (a damo import), else global. */
static void make_base_intervals(struct session *s)
{
	char k1[64], k2[64];

	for (uint32_t i = 0; i < DPF_MAX_TARGETS; i++) {
		snprintf(k1, sizeof(k1), "target.%u.sample_us", i);
		snprintf(k2, sizeof(k2), "target.%u.aggr_us", i);
		s->base[i] = make_intervals(dpf_meta_get_u64(&s->meta, k1, s->facts.sample_us),
					    dpf_meta_get_u64(&s->meta, k2, s->facts.aggr_us));
	}
}

static int keep_intervals(struct session *s, const struct dpf_intervals *iv)
{
	if (s->nr_ivs == SESSION_MAX_INTERVALS) {
		s->ivs_dropped++;
		return 0;
	}
	if (s->nr_ivs == s->ivs_alloc) {
		size_t n = s->ivs_alloc ? s->ivs_alloc * 2 : 16;
		void *p = realloc(s->ivs, n * sizeof(*s->ivs));

		if (!p)
			return -ENOMEM;
		s->ivs = p;
		s->ivs_alloc = n;
	}
	s->ivs[s->nr_ivs].iv = *iv;
	s->ivs[s->nr_ivs].seq = s->nr_ivs;
	s->nr_ivs++;
	return 0;
}

static int cmp_iv(const void *a, const void *b)
{
	const struct session_iv *x = a, *y = b;

	if (x->iv.target != y->iv.target)
		return x->iv.target < y->iv.target ? -1 : 1;
	if (x->iv.time_ns != y->iv.time_ns)
		return x->iv.time_ns < y->iv.time_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Is the SNAPSHOTS chunk at @offset wholly outside the window, by the index? */
static int outside_window(void *arg, uint32_t type, uint64_t offset)
{
	const struct session *s = arg;
	size_t lo = 0, hi = s->nr_index;
	const struct dpf_index_entry *e;

	if (type != DPF_CHUNK_SNAPSHOTS || !s->have_start)
		return 0;
	while (lo < hi) {	/* the last entry at or before @offset */
		size_t mid = (lo + hi) / 2;

		if (s->index[mid].offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return 0;
	e = &s->index[lo - 1];
	/* the writer's snapshots start in order: none of the entry starts before its first */
	return e->last_end_ns <= s->win_lo || e->first_start_ns >= s->win_hi;
}

int session_open(struct session **out, const char *path, const struct session_filter *f)
{
	struct session *s;
	struct dpf_event ev;
	int ret;

	*out = NULL;
	if (f && ((f->time_range && f->time_hi_ns <= f->time_lo_ns) ||
		  (f->addr_range && f->addr_hi <= f->addr_lo)))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (f)
		s->f = *f;
	else
		s->f = (struct session_filter)SESSION_FILTER_INIT;
	s->win_hi = UINT64_MAX;
	dpf_meta_init(&s->meta);
	dpf_meta_init(&s->first_meta);
	s->path = strdup(strcmp(path, "-") ? path : "/dev/stdin");
	if (!s->path) {
		free(s);
		return -ENOMEM;
	}
	ret = dpf_reader_open(&s->r, s->path);
	if (ret)
		goto fail;
	/* what the reader read at open: the first chunk's metadata */
	for (size_t i = 0; i < dpf_reader_meta(s->r)->nr && !ret; i++)
		ret = dpf_meta_set(&s->first_meta, dpf_reader_meta(s->r)->entries[i].key,
				   dpf_reader_meta(s->r)->entries[i].value);
	if (ret)
		goto fail;
	/* the metadata chunks alone: the facts are final before the first record */
	dpf_reader_set_skip(s->r, only_meta, s);
	while ((ret = dpf_reader_next(s->r, &ev)) > 0)
		if (ev.type == DPF_EV_INTERVALS && (ret = keep_intervals(s, &ev.intervals)))
			break;
	if (ret < 0)
		goto fail;
	if (s->nr_ivs)
		qsort(s->ivs, s->nr_ivs, sizeof(*s->ivs), cmp_iv);
	dpf_reader_set_skip(s->r, NULL, NULL);
	dpf_reader_rewind(s->r);
	for (size_t i = 0; i < dpf_reader_meta(s->r)->nr && !ret; i++)
		ret = dpf_meta_set(&s->meta, dpf_reader_meta(s->r)->entries[i].key,
				   dpf_reader_meta(s->r)->entries[i].value);
	if (!ret)
		ret = make_facts(s);
	if (ret)
		goto fail;
	make_base_intervals(s);
	if (s->f.time_range && dpf_reader_closed_cleanly(s->r) &&
	    !dpf_reader_index(s->r, &s->index, &s->nr_index))
		dpf_reader_set_skip(s->r, outside_window, s);
	*out = s;
	return 0;
fail:
	session_close(s);
	return ret;
}

static void release_kept(struct session *s)
{
	for (size_t i = 0; i < s->nr_kept; i++) {
		for (uint32_t k = 0; k < s->kept[i].nr; k++)
			free(s->kept[i].maps[k].path);
		free(s->kept[i].maps);
	}
	free(s->kept);
	s->kept = NULL;
	s->nr_kept = 0;
}

void session_close(struct session *s)
{
	if (!s)
		return;
	dpf_reader_close(s->r);
	dpf_meta_release(&s->meta);
	dpf_meta_release(&s->first_meta);
	release_kept(s);
	free(s->facts.targets);
	free(s->names);
	free(s->index);
	free(s->ivs);
	free(s->skips);
	free(s->clip);
	free(s->path);
	free(s);
}

const char *session_path(const struct session *s)
{
	return s->path;
}

const struct session_filter *session_get_filter(const struct session *s)
{
	return &s->f;
}

struct dpf_reader *session_reader(const struct session *s)
{
	return s->r;
}

void session_on_damage(struct session *s, void (*cb)(void *arg, const struct dpf_damage *d),
		       void *arg)
{
	s->on_damage = cb;
	s->damage_arg = arg;
}

uint64_t session_damage(const struct session *s, uint64_t *bytes)
{
	if (bytes)
		*bytes = s->damaged_bytes;
	return s->nr_damage;
}

const struct dpf_meta *session_meta(const struct session *s)
{
	return &s->meta;
}

const struct dpf_meta *session_meta_first(const struct session *s)
{
	return &s->first_meta;
}

const struct session_facts *session_facts(const struct session *s)
{
	return &s->facts;
}

struct session_intervals session_snapshot_intervals(const struct session *s,
						    const struct dpf_snapshot *snap)
{
	size_t lo = 0, hi = s->nr_ivs;

	/* the first change after (target, start): the one before it is in force, if its target's */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct dpf_intervals *m = &s->ivs[mid].iv;

		if (m->target < snap->target ||
		    (m->target == snap->target && m->time_ns <= snap->start_ns))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && s->ivs[lo - 1].iv.target == snap->target)
		return make_intervals(s->ivs[lo - 1].iv.sample_us, s->ivs[lo - 1].iv.aggr_us);
	if (snap->target < DPF_MAX_TARGETS)
		return s->base[snap->target];
	return make_intervals(s->facts.sample_us, s->facts.aggr_us);
}

size_t session_intervals_changes(const struct session *s, uint64_t *dropped)
{
	if (dropped)
		*dropped = s->ivs_dropped;
	return s->nr_ivs;
}

const struct dpf_intervals *session_intervals_change(const struct session *s, size_t i)
{
	return i < s->nr_ivs ? &s->ivs[i].iv : NULL;
}

const struct session_target *session_target(const struct session *s, uint32_t id)
{
	return id < s->facts.nr_targets ? &s->facts.targets[id] : NULL;
}

const char *session_target_name(const struct session *s, uint32_t id, char *buf, size_t size)
{
	if (id < s->facts.nr_targets)
		return s->facts.targets[id].name;
	snprintf(buf, size, "target %u", id);
	return buf;
}

void session_rewind(struct session *s)
{
	dpf_reader_rewind(s->r);
	s->nr_skips = 0;
	s->peeked = 0;
	s->have_span = 0;
}

int session_span(const struct session *s, uint64_t *start_ns, uint64_t *end_ns)
{
	if (s->have_span) {
		*start_ns = s->span_lo;
		*end_ns = s->span_hi;
	}
	return s->have_span;
}

int session_rec_start_ns(const struct session *s, uint64_t *ns)
{
	if (s->have_start)
		*ns = s->rec_start;
	return s->have_start;
}

int session_skipped(const struct session *s, size_t i, uint32_t *target, uint64_t *nr)
{
	if (i >= s->nr_skips)
		return 0;
	*target = s->skips[i].target;
	*nr = s->skips[i].seen < s->f.skip_snapshots ? s->skips[i].seen : s->f.skip_snapshots;
	return 1;
}

void session_window(const struct session *s, uint64_t *lo_ns, uint64_t *hi_ns)
{
	*lo_ns = s->win_lo;
	*hi_ns = s->win_hi;
}

uint64_t session_chunks_read(const struct session *s)
{
	return dpf_reader_chunks_read(s->r);
}

static void note_start(struct session *s, uint64_t start_ns)
{
	uint64_t room;

	s->have_start = 1;
	s->rec_start = start_ns;
	if (!s->f.time_range)
		return;
	room = UINT64_MAX - start_ns;
	s->win_lo = start_ns + (s->f.time_lo_ns < room ? s->f.time_lo_ns : room);
	s->win_hi = start_ns + (s->f.time_hi_ns < room ? s->f.time_hi_ns : room);
}

/* The regions of @snap inside the address window, into s->clip. Return: 0 or -ENOMEM. */
static int clip_regions(struct session *s, struct dpf_snapshot *snap)
{
	uint32_t n = 0;

	if (snap->nr_regions > s->clip_alloc) {
		size_t want = snap->nr_regions;
		void *p = realloc(s->clip, want * sizeof(*s->clip));

		if (!p)
			return -ENOMEM;
		s->clip = p;
		s->clip_alloc = want;
	}
	for (uint32_t i = 0; i < snap->nr_regions; i++) {
		struct dpf_region r = snap->regions[i];

		if (r.start < s->f.addr_lo)
			r.start = s->f.addr_lo;
		if (r.end > s->f.addr_hi)
			r.end = s->f.addr_hi;
		if (r.start < r.end)
			s->clip[n++] = r;
	}
	snap->regions = s->clip;
	snap->nr_regions = n;
	return 0;
}

/* Is this one of the target's first skip_snapshots? Counts it. Return: 1 skip, 0, -ENOMEM. */
static int skip_snapshot(struct session *s, uint32_t target)
{
	size_t i;

	for (i = 0; i < s->nr_skips && s->skips[i].target != target; i++)
		;
	if (i == s->nr_skips) {
		void *p = realloc(s->skips, (s->nr_skips + 1) * sizeof(*s->skips));

		if (!p)
			return -ENOMEM;
		s->skips = p;
		s->skips[s->nr_skips++] = (struct skip_count){ .target = target };
	}
	return s->skips[i].seen++ < s->f.skip_snapshots;
}

/* Return: 1 keep @snap (regions maybe clipped), 0 drop it, <0 -errno. */
static int filter_snapshot(struct session *s, struct dpf_snapshot *snap)
{
	int ret;

	if (!s->have_start)
		note_start(s, snap->start_ns);
	if (!s->have_span || snap->start_ns < s->span_lo)
		s->span_lo = snap->start_ns;
	if (!s->have_span || snap->end_ns > s->span_hi)
		s->span_hi = snap->end_ns;
	s->have_span = 1;
	if (s->f.target >= 0 && snap->target != (uint32_t)s->f.target)
		return 0;
	if (s->f.time_range) {
		uint64_t a = snap->start_ns > s->win_lo ? snap->start_ns : s->win_lo;
		uint64_t b = snap->end_ns < s->win_hi ? snap->end_ns : s->win_hi;

		if (a >= b)
			return 0;
	}
	if (s->f.addr_range) {
		ret = clip_regions(s, snap);
		if (ret)
			return ret;
		if (!snap->nr_regions)
			return 0;
	}
	if (s->f.skip_snapshots) {
		ret = skip_snapshot(s, snap->target);
		if (ret)
			return ret < 0 ? ret : 0;
	}
	return 1;
}

static int keep(struct session *s, const struct dpf_maps *m)
{
	struct kept_maps k = { .target = m->target, .time_ns = m->time_ns, .nr = m->nr };
	void *p;

	k.maps = calloc(m->nr ? m->nr : 1, sizeof(*k.maps));
	if (!k.maps)
		return -ENOMEM;
	for (uint32_t i = 0; i < m->nr; i++) {
		k.maps[i] = m->maps[i];
		k.maps[i].path = strdup(m->maps[i].path ? m->maps[i].path : "");
		if (!k.maps[i].path) {
			k.nr = i;
			goto fail;
		}
	}
	p = realloc(s->kept, (s->nr_kept + 1) * sizeof(*s->kept));
	if (!p)
		goto fail;
	s->kept = p;
	s->kept[s->nr_kept++] = k;
	return 0;
fail:
	for (uint32_t i = 0; i < k.nr; i++)
		free(k.maps[i].path);
	free(k.maps);
	return -ENOMEM;
}

int session_next(struct session *s, struct session_event *ev)
{
	struct dpf_event e;
	int ret;

	if (s->peeked) {
		s->peeked = 0;
		*ev = s->peek;
		return 1;
	}
	while ((ret = dpf_reader_next(s->r, &e)) > 0) {
		switch (e.type) {
		case DPF_EV_HEAP:
			continue;	/* the session never asks for them (report/heap-sites.c reads them) */
		case DPF_EV_INTERVALS:
			continue;	/* read at open: session_snapshot_intervals() */
		case DPF_EV_DAMAGE:
			/* each part once, though a second pass meets it again */
			if (e.damage.offset < s->damage_reported_to && s->nr_damage)
				continue;
			s->damage_reported_to = e.damage.offset + 1;
			s->nr_damage++;
			s->damaged_bytes += e.damage.length;
			if (s->on_damage)
				s->on_damage(s->damage_arg, &e.damage);
			continue;
		case DPF_EV_SNAPSHOT:
			ret = filter_snapshot(s, &e.snapshot);
			if (ret < 0)
				return ret;
			if (!ret)
				continue;
			ev->type = SESSION_SNAPSHOT;
			ev->snapshot = e.snapshot;
			return 1;
		case DPF_EV_MAPS:
			if (s->keep_maps && (ret = keep(s, &e.maps)))
				return ret;
			if (s->f.target >= 0 && e.maps.target != (uint32_t)s->f.target)
				continue;
			ev->type = SESSION_MAPS;
			ev->maps = e.maps;
			return 1;
		case DPF_EV_RUSAGE:
			ev->type = SESSION_RUSAGE;
			ev->rusage = e.rusage;
			return 1;
		case DPF_EV_META:
			ev->type = SESSION_META;
			return 1;
		}
	}
	return ret;
}

int session_process(struct session *s, const struct session_tool *t, void *arg)
{
	struct session_event ev;
	int ret;

	session_rewind(s);
	while ((ret = session_next(s, &ev)) > 0) {
		switch (ev.type) {
		case SESSION_SNAPSHOT:
			ret = t->snapshot ? t->snapshot(arg, &ev.snapshot) : 0;
			break;
		case SESSION_MAPS:
			ret = t->maps ? t->maps(arg, &ev.maps) : 0;
			break;
		case SESSION_RUSAGE:
			ret = t->rusage ? t->rusage(arg, &ev.rusage) : 0;
			break;
		case SESSION_META:
			ret = t->meta ? t->meta(arg, session_meta(s)) : 0;
			break;
		}
		if (ret)
			return ret < 0 ? ret : 0;
	}
	return ret;
}

void session_keep_maps(struct session *s)
{
	s->keep_maps = 1;
}

const struct dpf_mapping *session_resolve(const struct session *s, uint32_t target,
					  uint64_t addr, uint64_t time_ns)
{
	const struct kept_maps *before = NULL, *first = NULL, *best;

	for (size_t i = 0; i < s->nr_kept; i++) {
		const struct kept_maps *k = &s->kept[i];

		if (k->target != target)
			continue;
		if (!first || k->time_ns < first->time_ns)
			first = k;
		/* the latest at or before @time_ns; of two at one time, the later in the file */
		if (k->time_ns <= time_ns && (!before || k->time_ns >= before->time_ns))
			before = k;
	}
	best = before ? before : first;
	if (!best)
		return NULL;
	for (uint32_t i = 0; i < best->nr; i++)
		if (best->maps[i].start <= addr && addr < best->maps[i].end)
			return &best->maps[i];
	return NULL;
}

/* The next snapshot of @s into its look-ahead. Return: 1, 0 at the end, <0. */
static int peek_snapshot(struct session *s)
{
	struct session_event ev;
	int ret;

	if (s->peeked)
		return 1;
	while ((ret = session_next(s, &ev)) > 0) {
		if (ev.type != SESSION_SNAPSHOT)
			continue;
		s->peek = ev;
		s->peeked = 1;
		return 1;
	}
	return ret;
}

int session_next_pair(struct session *a, struct session *b, int *side,
		      const struct dpf_snapshot **snap)
{
	int ra = peek_snapshot(a), rb;
	struct session *pick;

	if (ra < 0)
		return ra;
	rb = peek_snapshot(b);
	if (rb < 0)
		return rb;
	if (!ra && !rb)
		return 0;
	if (ra && (!rb || a->peek.snapshot.start_ns <= b->peek.snapshot.start_ns))
		pick = a;
	else
		pick = b;
	*side = pick == b;
	pick->peeked = 0;
	*snap = &pick->peek.snapshot;
	return 1;
}
