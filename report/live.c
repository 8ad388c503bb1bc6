// SPDX-License-Identifier: GPL-2.0
/*
 * The live recording of "daprof top" (report/live.h): a ring of snapshot copies, the latest
 * memory map, the changes of the intervals that rule them, the working-set series, and the window
 * written as a recording into a memfd so that the reports read it through a session like any
 * file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report/live.h"
#include "report/session.h"

struct live {
	struct dpf_meta meta;
	struct dpf_snapshot *ring;	/* capacity slots; regions owned */
	size_t capacity, head, nr;	/* head: the oldest kept */
	uint64_t nr_added;
	struct dpf_maps maps;		/* the latest; paths owned */
	int have_maps;
	struct dpf_rusage rusage;
	int have_rusage;
	struct wss_series wss;
	struct wss_measure measure;	/* of every snapshot added to wss */
	/* the recorder's changes of the intervals that may rule a kept snapshot, in time order */
	struct dpf_intervals *changes;
	size_t nr_changes, alloc_changes;
};

int live_new(struct live **out, const struct dpf_meta *meta, size_t capacity)
{
	struct live *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	dpf_meta_init(&l->meta);
	l->capacity = capacity ? capacity : 1;
	/* report wss's rule: a per-mapping primitive's regions count by their share */
	l->measure = wss_measure_of(meta ? dpf_meta_get(meta, "primitive_sees") : NULL,
				    meta ? dpf_meta_get_u64(meta, "sample_us", 0) : 0,
				    meta ? dpf_meta_get_u64(meta, "aggr_us", 0) : 0, 1);
	l->ring = calloc(l->capacity, sizeof(*l->ring));
	if (!l->ring)
		goto nomem;
	for (size_t i = 0; meta && i < meta->nr; i++)
		if (dpf_meta_set(&l->meta, meta->entries[i].key, meta->entries[i].value))
			goto nomem;
	*out = l;
	return 0;
nomem:
	live_free(l);
	return -ENOMEM;
}

/* Drop the changes that a later change of their target overrides before the oldest kept. */
static void prune_changes(struct live *l)
{
	uint64_t oldest = l->nr ? l->ring[l->head].start_ns : 0;
	size_t k = 0;

	for (size_t i = 0; i < l->nr_changes; i++) {
		const struct dpf_intervals *c = &l->changes[i];
		int overridden = 0;

		for (size_t j = i + 1; c->time_ns <= oldest && !overridden && j < l->nr_changes;
		     j++)
			overridden = l->changes[j].target == c->target &&
				     l->changes[j].time_ns <= oldest;
		if (!overridden)
			l->changes[k++] = *c;
	}
	l->nr_changes = k;
}

int live_set_intervals(struct live *l, const struct dpf_intervals *iv)
{
	l->measure = wss_measure_of(dpf_meta_get(&l->meta, "primitive_sees"), iv->sample_us,
				    iv->aggr_us, l->measure.min_accesses);
	prune_changes(l);
	if (l->nr_changes == l->alloc_changes) {
		size_t n = l->alloc_changes ? 2 * l->alloc_changes : 8;
		void *p = realloc(l->changes, n * sizeof(*l->changes));

		if (!p)
			return -ENOMEM;
		l->changes = p;
		l->alloc_changes = n;
	}
	l->changes[l->nr_changes++] = *iv;
	return 0;
}

static void maps_release(struct dpf_maps *m)
{
	for (uint32_t i = 0; i < m->nr; i++)
		free(m->maps[i].path);
	free(m->maps);
	memset(m, 0, sizeof(*m));
}

void live_free(struct live *l)
{
	if (!l)
		return;
	for (size_t i = 0; l->ring && i < l->capacity; i++)
		free(l->ring[i].regions);
	free(l->ring);
	maps_release(&l->maps);
	wss_series_release(&l->wss);
	dpf_meta_release(&l->meta);
	free(l->changes);
	free(l);
}

int live_add_snapshot(struct live *l, const struct dpf_snapshot *s)
{
	size_t slot = (l->head + l->nr) % l->capacity;
	struct dpf_snapshot *d = &l->ring[slot];
	struct dpf_region *r = NULL;

	if (s->nr_regions) {
		r = malloc(s->nr_regions * sizeof(*r));
		if (!r)
			return -ENOMEM;
		memcpy(r, s->regions, s->nr_regions * sizeof(*r));
	}
	if (wss_series_add(&l->wss, s, &l->measure)) {
		free(r);
		return -ENOMEM;
	}
	if (l->nr == l->capacity) {	/* the ring is full: the oldest goes */
		l->head = (l->head + 1) % l->capacity;
		l->nr--;
	}
	free(d->regions);
	*d = *s;
	d->regions = r;
	l->nr++;
	l->nr_added++;
	return 0;
}

int live_add_maps(struct live *l, const struct dpf_maps *m)
{
	struct dpf_maps c = *m;

	c.maps = calloc(m->nr ? m->nr : 1, sizeof(*c.maps));
	if (!c.maps)
		return -ENOMEM;
	for (uint32_t i = 0; i < m->nr; i++) {
		c.maps[i] = m->maps[i];
		c.maps[i].path = strdup(m->maps[i].path ? m->maps[i].path : "");
		if (!c.maps[i].path) {
			c.nr = i;
			maps_release(&c);
			return -ENOMEM;
		}
	}
	maps_release(&l->maps);
	l->maps = c;
	l->have_maps = 1;
	return 0;
}

void live_add_rusage(struct live *l, const struct dpf_rusage *u)
{
	l->rusage = *u;
	l->have_rusage = 1;
}

uint64_t live_nr_snapshots(const struct live *l)
{
	return l->nr_added;
}

const struct wss_series *live_wss(const struct live *l)
{
	return &l->wss;
}

int live_rusage(const struct live *l, struct dpf_rusage *u)
{
	if (!l->have_rusage)
		return 0;
	*u = l->rusage;
	return 1;
}

/* Write the window into the memfd @fd; it is a whole recording, index and all. */
static int write_window(struct live *l, int fd, size_t nr)
{
	struct dpf_writer_opts wo = { .level = 1 };
	struct dpf_writer *w;
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ret = dpf_writer_open(&w, path, &wo, &l->meta);
	if (ret)
		return ret;
	/* the map first, dated before the window, so that every snapshot resolves with it */
	if (l->have_maps) {
		struct dpf_maps m = l->maps;
		const struct dpf_snapshot *first = &l->ring[(l->head + l->nr - nr) % l->capacity];

		if (m.time_ns > first->start_ns)
			m.time_ns = first->start_ns;
		ret = dpf_writer_maps(w, &m);
	}
	/* the session finds the one in force for each snapshot, wherever they lie in the file */
	for (size_t i = 0; !ret && i < l->nr_changes; i++)
		ret = dpf_writer_intervals(w, &l->changes[i]);
	for (size_t i = l->nr - nr; !ret && i < l->nr; i++)
		ret = dpf_writer_snapshot(w, &l->ring[(l->head + i) % l->capacity]);
	if (ret) {
		dpf_writer_abort(w);
		return ret;
	}
	return dpf_writer_close(w);
}

int live_open_window(struct live *l, size_t nr, const struct session_filter *f,
		     struct session **out)
{
	char path[64];
	int fd, ret;

	if (!l->nr)
		return -ENODATA;
	if (!nr || nr > l->nr)
		nr = l->nr;
	fd = memfd_create("daprof-top", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write_window(l, fd, nr);
	if (!ret) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ret = session_open(out, path, f);
	}
	close(fd);
	return ret;
}
