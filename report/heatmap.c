// SPDX-License-Identifier: GPL-2.0
/*
 * The heat map matrix. Pass 1 reads the recording for its time span, the union of the address
 * ranges monitored in it (a small sorted set: each snapshot's regions are first joined into
 * contiguous runs, and a snapshot whose runs the set already holds costs one lookup per run)
 * and the union of its memory maps. Monitored less never mapped is folded to a few ranges and
 * rows are given out. Pass 2 accumulates: per
 * snapshot, a walk over the sorted regions and the row boundaries sums rate x bytes per row, and
 * those row sums are added, times the overlap in time, into the one or two columns the snapshot
 * covers. So each region costs a handful of additions, with no division and no search.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "report/heatmap.h"
#include "report/session.h"

#define SCAN_SET_CAP	4096	/* ranges kept while scanning; beyond, small gaps are closed */
#define SCAN_RUNS_CAP	(2 * SCAN_SET_CAP)	/* runs of one snapshot or map, likewise */

/* A sorted set of disjoint, non-touching ranges, kept small by closing gaps past a cap. */
struct rset {
	struct heatmap_range *v;
	size_t nr, alloc;
};

struct scan {
	const struct heatmap_opts *o;
	struct session *session;
	int have_start;
	uint64_t win_lo, win_hi;	/* absolute time window */
	uint64_t t_first, t_last;
	uint64_t nr_selected;
	struct rset set;	/* monitored */
	struct rset mapped;	/* in a recorded memory map */
	struct heatmap_range *runs;
	size_t nr_runs, runs_alloc;
};

static int range_cmp(const void *a, const void *b)
{
	const struct heatmap_range *x = a, *y = b;

	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Sort and join overlapping or touching ranges of the same target. Return: the new count. */
static size_t coalesce(struct heatmap_range *v, size_t n)
{
	size_t out = 0;

	qsort(v, n, sizeof(*v), range_cmp);
	for (size_t i = 0; i < n; i++) {
		if (out && v[out - 1].target == v[i].target && v[i].start <= v[out - 1].end) {
			if (v[i].end > v[out - 1].end)
				v[out - 1].end = v[i].end;
			continue;
		}
		v[out++] = v[i];
	}
	return out;
}

struct gap {
	uint64_t size;
	size_t idx;	/* the range after the gap */
};

static int gap_cmp(const void *a, const void *b)
{
	const struct gap *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

size_t heatmap_fold(struct heatmap_range *r, size_t nr, size_t max)
{
	struct gap *gaps;
	unsigned char *join;
	size_t ng = 0, out = 0;

	if (nr <= max || nr < 2)
		return nr;
	gaps = malloc((nr - 1) * sizeof(*gaps));
	join = calloc(nr, 1);
	if (!gaps || !join) {
		/* no memory to choose: close every gap between ranges of one target */
		for (size_t i = 0; i < nr; i++) {
			if (out && r[i].target == r[out - 1].target)
				r[out - 1].end = r[i].end;
			else
				r[out++] = r[i];
		}
		free(gaps);
		free(join);
		return out;
	}
	for (size_t i = 1; i < nr; i++)
		if (r[i].target == r[i - 1].target)
			gaps[ng++] = (struct gap){ r[i].start - r[i - 1].end, i };
	qsort(gaps, ng, sizeof(*gaps), gap_cmp);
	for (size_t k = 0; k < ng && k < nr - max; k++)
		join[gaps[k].idx] = 1;
	for (size_t i = 0; i < nr; i++) {
		if (join[i])
			r[out - 1].end = r[i].end;
		else
			r[out++] = r[i];
	}
	free(gaps);
	free(join);
	return out;
}

int heatmap_give_rows(struct heatmap_range *r, size_t nr, unsigned height, unsigned min_rows)
{
	unsigned char *fixed;
	double *frac;
	unsigned left;
	int changed = 1;

	if (!nr || height < nr)
		return -EINVAL;
	if (min_rows < 1)
		min_rows = 1;
	if ((uint64_t)min_rows * nr > height)
		min_rows = height / nr;
	fixed = calloc(nr, 1);
	frac = calloc(nr, sizeof(*frac));
	if (!fixed || !frac) {
		free(fixed);
		free(frac);
		return -ENOMEM;
	}
	/* ranges whose share is below the minimum get the minimum; the rest share what is left */
	while (changed) {
		double total = 0, avail = height;

		changed = 0;
		for (size_t i = 0; i < nr; i++) {
			if (fixed[i])
				avail -= min_rows;
			else
				total += (double)(r[i].end - r[i].start);
		}
		for (size_t i = 0; i < nr; i++) {
			frac[i] = total > 0 ? avail * (double)(r[i].end - r[i].start) / total : 0;
			if (!fixed[i] && frac[i] < min_rows) {
				fixed[i] = 1;
				changed = 1;
			}
		}
	}
	left = height;
	for (size_t i = 0; i < nr; i++) {
		r[i].nr_rows = fixed[i] ? min_rows : (unsigned)floor(frac[i]);
		frac[i] = fixed[i] ? 0 : frac[i] - floor(frac[i]);
		left -= r[i].nr_rows < left ? r[i].nr_rows : left;
	}
	/* rows lost to rounding go to the largest remainders (lower addresses first on ties) */
	while (left) {
		size_t best = 0;

		for (size_t i = 1; i < nr; i++)
			if (frac[i] > frac[best])
				best = i;
		r[best].nr_rows++;
		frac[best] = -1;
		left--;
		if (frac[best] < 0 && left) {
			int any = 0;

			for (size_t i = 0; i < nr; i++)
				any |= frac[i] >= 0;
			for (size_t i = 0; i < nr && !any; i++)	/* all served: go round again */
				frac[i] = 0;
		}
	}
	for (size_t i = 0, row = 0; i < nr; i++) {
		r[i].row = row;
		row += r[i].nr_rows;
	}
	free(fixed);
	free(frac);
	return 0;
}

/* ---- pass 1 ---- */

static int push_run(struct scan *sc, uint32_t target, uint64_t start, uint64_t end)
{
	struct heatmap_range *last = sc->nr_runs ? &sc->runs[sc->nr_runs - 1] : NULL;

	if (last && last->target == target && last->end == start) {
		last->end = end;
		return 0;
	}
	if (sc->nr_runs == SCAN_RUNS_CAP) {
		/* a snapshot of millions of disjoint regions must not cost a range each */
		sc->nr_runs = coalesce(sc->runs, sc->nr_runs);
		sc->nr_runs = heatmap_fold(sc->runs, sc->nr_runs, SCAN_RUNS_CAP / 2);
	}
	if (sc->nr_runs == sc->runs_alloc) {
		size_t n = sc->runs_alloc ? sc->runs_alloc * 2 : 64;
		void *p = realloc(sc->runs, n * sizeof(*sc->runs));

		if (!p)
			return -ENOMEM;
		sc->runs = p;
		sc->runs_alloc = n;
	}
	sc->runs[sc->nr_runs++] = (struct heatmap_range){ .target = target, .start = start,
							  .end = end };
	return 0;
}

/* Is @run inside one range of @set? */
static int set_holds(const struct rset *set, const struct heatmap_range *run)
{
	size_t lo = 0, hi = set->nr;

	while (lo < hi) {	/* first range that sorts after @run's start */
		size_t mid = (lo + hi) / 2;
		const struct heatmap_range *m = &set->v[mid];

		if (m->target < run->target || (m->target == run->target && m->start <= run->start))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return 0;
	return set->v[lo - 1].target == run->target && set->v[lo - 1].end >= run->end;
}

/* Add @n @runs to @set; runs it already holds cost a lookup each. */
static int set_union(struct rset *set, const struct heatmap_range *runs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!set_holds(set, &runs[i]))
			break;
	if (i == n)
		return 0;
	if (set->nr + n > set->alloc) {
		size_t want = (set->nr + n) * 2;
		void *p = realloc(set->v, want * sizeof(*set->v));

		if (!p)
			return -ENOMEM;
		set->v = p;
		set->alloc = want;
	}
	memcpy(set->v + set->nr, runs, n * sizeof(*runs));
	set->nr = coalesce(set->v, set->nr + n);
	if (set->nr > SCAN_SET_CAP)
		set->nr = heatmap_fold(set->v, set->nr, SCAN_SET_CAP / 2);
	return 0;
}

/* One snapshot that passed the session's filters (target, time, clipped address range). */
static int scan_snapshot(struct scan *sc, const struct dpf_snapshot *s)
{
	uint64_t a = s->start_ns > sc->win_lo ? s->start_ns : sc->win_lo;
	uint64_t b = s->end_ns < sc->win_hi ? s->end_ns : sc->win_hi;

	sc->nr_runs = 0;
	for (uint32_t i = 0; i < s->nr_regions; i++) {
		uint64_t start = s->regions[i].start, end = s->regions[i].end;
		int ret;

		/* regions mostly touch: gather each contiguous run before storing it */
		while (i + 1 < s->nr_regions && s->regions[i + 1].start == end)
			end = s->regions[++i].end;
		if (start >= end)
			continue;
		ret = push_run(sc, s->target, start, end);
		if (ret)
			return ret;
	}
	if (!sc->nr_runs)
		return 0;
	if (!sc->nr_selected++ || a < sc->t_first)
		sc->t_first = a;
	if (b > sc->t_last)
		sc->t_last = b;
	return set_union(&sc->set, sc->runs, sc->nr_runs);
}

static int scan_maps(struct scan *sc, const struct dpf_maps *m)
{
	sc->nr_runs = 0;
	for (uint32_t i = 0; i < m->nr; i++) {
		uint64_t start = m->maps[i].start, end = m->maps[i].end;
		int ret;

		if (start >= end)
			continue;
		ret = push_run(sc, m->target, start, end);
		if (ret)
			return ret;
	}
	return set_union(&sc->mapped, sc->runs, sc->nr_runs);
}

/*
 * Take out of the monitored ranges what no recorded map ever held: DAMON-style monitoring covers
 * the gaps between mappings too (hundreds of MiB between a program's data and its heap), and
 * nothing there can be accessed. A target without maps, and a range no map touches, stay whole.
 */
static int cut_unmapped(struct scan *sc)
{
	struct rset out = { 0 };
	size_t j = 0;
	int ret = 0;

	for (size_t i = 0; i < sc->set.nr && !ret; i++) {
		const struct heatmap_range *r = &sc->set.v[i];
		size_t before = out.nr;

		while (j < sc->mapped.nr && (sc->mapped.v[j].target < r->target ||
		       (sc->mapped.v[j].target == r->target && sc->mapped.v[j].end <= r->start)))
			j++;
		for (size_t k = j; k < sc->mapped.nr && sc->mapped.v[k].target == r->target &&
		     sc->mapped.v[k].start < r->end && !ret; k++) {
			struct heatmap_range piece = *r;

			piece.start = r->start > sc->mapped.v[k].start ? r->start : sc->mapped.v[k].start;
			piece.end = r->end < sc->mapped.v[k].end ? r->end : sc->mapped.v[k].end;
			ret = set_union(&out, &piece, 1);
		}
		if (out.nr == before && !ret)
			ret = set_union(&out, r, 1);
	}
	if (ret) {
		free(out.v);
		return ret;
	}
	free(sc->set.v);
	sc->set = out;
	return 0;
}

static int scan_snapshot_cb(void *arg, const struct dpf_snapshot *s)
{
	struct scan *sc = arg;

	if (!sc->have_start) {	/* the session knows the window from its first snapshot on */
		sc->have_start = 1;
		session_window(sc->session, &sc->win_lo, &sc->win_hi);
	}
	return scan_snapshot(sc, s);
}

static int scan_maps_cb(void *arg, const struct dpf_maps *m)
{
	return scan_maps(arg, m);
}

/* ---- the matrix ---- */

/*
 * The sums matrix, zeroed. A large one is mapped directly, 2 MiB aligned and in huge pages where
 * the kernel allows it: it comes zeroed (no memset), and first-touch page faults were a tenth of
 * the run time of a 1200x800 map. *@mapped gets the mapping's length, or 0 for calloc().
 */
static struct heatmap_cell *alloc_cells(size_t n, size_t *mapped)
{
	const size_t huge = 2u << 20;
	size_t bytes = n * sizeof(struct heatmap_cell), len, head;
	uint8_t *p;

	*mapped = 0;
	if (bytes < 4 * huge)
		return calloc(n, sizeof(struct heatmap_cell));
	len = (bytes + huge - 1) / huge * huge;
	p = mmap(NULL, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	head = (huge - (uintptr_t)p % huge) % huge;
	if (head)
		munmap(p, head);
	munmap(p + head + len, huge - head);
	madvise(p + head, len, MADV_HUGEPAGE);
	*mapped = len;
	return (struct heatmap_cell *)(p + head);
}

static void free_cells(void *p, size_t mapped)
{
	if (mapped)
		munmap(p, mapped);
	else
		free(p);
}

static void name_default(struct heatmap_range *r)
{
	snprintf(r->label, sizeof(r->label), "0x%" PRIx64, r->start);
	r->named = 0;
	r->best_overlap = 0;
}

int heatmap_new(struct heatmap **out, const struct heatmap_opts *o, uint64_t t_start_ns,
		uint64_t t_end_ns, const struct heatmap_range *ranges, size_t nr, double scale)
{
	struct heatmap *h;
	size_t cells;
	int ret;

	if (!o->width || !o->height || !nr || o->height < nr || t_end_ns <= t_start_ns ||
	    o->width > 100000 || o->height > 100000)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->width = o->width;
	h->height = o->height;
	h->t_start_ns = t_start_ns;
	h->t_end_ns = t_end_ns;
	h->rec_start_ns = t_start_ns;
	h->scale = scale;
	h->nr_ranges = nr;
	cells = (size_t)h->width * h->height;
	h->ranges = malloc(nr * sizeof(*h->ranges));
	h->col_start = malloc((h->width + 1) * sizeof(*h->col_start));
	h->row_lo = malloc(h->height * sizeof(*h->row_lo));
	h->row_hi = malloc(h->height * sizeof(*h->row_hi));
	h->row_acc = calloc(h->height, sizeof(*h->row_acc));
	h->acc = alloc_cells(cells, &h->cells_mapped);
	if (!h->ranges || !h->col_start || !h->row_lo || !h->row_hi || !h->row_acc || !h->acc) {
		heatmap_free(h);
		return -ENOMEM;
	}
	memcpy(h->ranges, ranges, nr * sizeof(*ranges));
	ret = heatmap_give_rows(h->ranges, nr, h->height, o->min_rows);
	if (ret) {
		heatmap_free(h);
		return ret;
	}
	for (unsigned c = 0; c <= h->width; c++)
		h->col_start[c] = t_start_ns +
			(uint64_t)((unsigned __int128)(t_end_ns - t_start_ns) * c / h->width);
	for (size_t i = 0; i < nr; i++) {
		struct heatmap_range *rg = &h->ranges[i];
		uint64_t size = rg->end - rg->start;

		name_default(rg);
		for (unsigned k = 0; k < rg->nr_rows; k++) {
			h->row_lo[rg->row + k] = rg->start +
				(uint64_t)((unsigned __int128)size * k / rg->nr_rows);
			h->row_hi[rg->row + k] = rg->start +
				(uint64_t)((unsigned __int128)size * (k + 1) / rg->nr_rows);
		}
	}
	*out = h;
	return 0;
}

/* The rows [*r0, *r1) of @target's ranges. Return: 0 when it has none. */
static int target_rows(const struct heatmap *h, uint32_t target, unsigned *r0, unsigned *r1)
{
	size_t i = 0, j;

	while (i < h->nr_ranges && h->ranges[i].target < target)
		i++;
	if (i == h->nr_ranges || h->ranges[i].target != target)
		return 0;
	for (j = i; j + 1 < h->nr_ranges && h->ranges[j + 1].target == target; j++)
		;
	*r0 = h->ranges[i].row;
	*r1 = h->ranges[j].row + h->ranges[j].nr_rows;
	return 1;
}

/*
 * Add @s's regions, each weighted by its bytes in a row times @dt, into @cells (one per row, of
 * rows [r0, r1)). Return: one past the last row touched; *@first gets the first.
 */
static unsigned add_rows(const struct heatmap *h, const struct dpf_snapshot *s, unsigned r0,
			 unsigned r1, struct heatmap_cell *cells, double dt, unsigned *first)
{
	const uint64_t *lo = h->row_lo, *hi = h->row_hi;
	unsigned row, end = r0, cl = r0, ch = r1;

	/* the first row that ends after the first region starts */
	while (cl < ch) {
		unsigned mid = (cl + ch) / 2;

		if (hi[mid] <= s->regions[0].start)
			cl = mid + 1;
		else
			ch = mid;
	}
	row = *first = cl;
	for (uint32_t i = 0; i < s->nr_regions; i++) {
		const struct dpf_region *rg = &s->regions[i];
		double v = rg->nr_accesses * h->scale;
		unsigned k;

		while (row < r1 && hi[row] <= rg->start)
			row++;
		for (k = row; k < r1 && lo[k] < rg->end; k++) {
			uint64_t x0 = rg->start > lo[k] ? rg->start : lo[k];
			uint64_t x1 = rg->end < hi[k] ? rg->end : hi[k];

			if (x1 > x0) {
				double w = dt * (double)(x1 - x0);

				cells[k].w += w;
				cells[k].vw += v * w;
			}
		}
		if (k > end)
			end = k;
	}
	return end;
}

void heatmap_add_snapshot(struct heatmap *h, const struct dpf_snapshot *s)
{
	uint64_t a = s->start_ns > h->t_start_ns ? s->start_ns : h->t_start_ns;
	uint64_t b = s->end_ns < h->t_end_ns ? s->end_ns : h->t_end_ns;
	struct heatmap_cell *prof = h->row_acc;
	unsigned r0, r1, rmin, rmax, c, cl, ch;

	if (a >= b || !s->nr_regions || !target_rows(h, s->target, &r0, &r1))
		return;
	h->nr_snapshots++;
	h->nr_regions += s->nr_regions;
	/* the first column that ends after a */
	cl = 0;
	ch = h->width;
	while (cl < ch) {
		unsigned mid = (cl + ch) / 2;

		if (h->col_start[mid + 1] <= a)
			cl = mid + 1;
		else
			ch = mid;
	}
	/* the common case, a snapshot inside one column: straight into the matrix */
	if (b <= h->col_start[cl + 1]) {
		add_rows(h, s, r0, r1, h->acc + (size_t)cl * h->height, (double)(b - a), &rmin);
		return;
	}
	/* else a per-row profile, added to each column with its share of the time */
	rmax = add_rows(h, s, r0, r1, prof, 1, &rmin);
	for (c = cl; c < h->width && h->col_start[c] < b; c++) {
		uint64_t t0 = a > h->col_start[c] ? a : h->col_start[c];
		uint64_t t1 = b < h->col_start[c + 1] ? b : h->col_start[c + 1];
		struct heatmap_cell *cell = h->acc + (size_t)c * h->height;
		double dt;

		if (t1 <= t0)
			continue;
		dt = (double)(t1 - t0);
		for (unsigned k = rmin; k < rmax; k++) {
			if (prof[k].w > 0) {
				cell[k].vw += dt * prof[k].vw;
				cell[k].w += dt * prof[k].w;
			}
		}
	}
	if (rmax > rmin)
		memset(prof + rmin, 0, (rmax - rmin) * sizeof(*prof));
}

/* The label a mapping gives: "[heap]" as is, a file's base name, NULL when anonymous. */
static const char *map_name(const char *path)
{
	const char *slash;

	if (!path || !*path)
		return NULL;
	if (path[0] == '[')
		return path;
	slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

void heatmap_add_maps(struct heatmap *h, const struct dpf_maps *m)
{
	for (uint32_t i = 0; i < m->nr; i++) {
		const struct dpf_mapping *mp = &m->maps[i];
		const char *name = map_name(mp->path);

		/* an anonymous mapping right after a file's is its .bss: the program's globals */
		if (!name && i && m->maps[i - 1].end == mp->start && m->maps[i - 1].path &&
		    m->maps[i - 1].path[0] == '/')
			name = map_name(m->maps[i - 1].path);

		for (size_t k = 0; k < h->nr_ranges; k++) {
			struct heatmap_range *rg = &h->ranges[k];
			uint64_t x0 = rg->start > mp->start ? rg->start : mp->start;
			uint64_t x1 = rg->end < mp->end ? rg->end : mp->end;

			if (rg->target != m->target || x1 <= x0 || x1 - x0 <= rg->best_overlap)
				continue;
			rg->best_overlap = x1 - x0;
			if (name) {
				snprintf(rg->label, sizeof(rg->label), "%s", name);
				rg->named = 1;
			} else {
				name_default(rg);
				rg->best_overlap = x1 - x0;
			}
		}
	}
}

void heatmap_finish(struct heatmap *h)
{
	size_t cells = (size_t)h->width * h->height;
	double *v = (double *)h->acc;
	int any = 0;

	if (!h->acc)
		return;
	/* in place: value i (one double) lands where sums i/2 were, already read */
	for (size_t i = 0; i < cells; i++) {
		struct heatmap_cell cell = h->acc[i];
		double x = cell.w > 0 ? cell.vw / cell.w : NAN;

		v[i] = x;
		if (isnan(x))
			continue;
		if (!any || x < h->vmin)
			h->vmin = x;
		if (!any || x > h->vmax)
			h->vmax = x;
		any = 1;
	}
	if (!h->cells_mapped) {
		h->value = realloc(v, cells * sizeof(*v));
		if (!h->value)
			h->value = v;
	} else {
		h->value = v;	/* the second half stays mapped until heatmap_free() */
	}
	h->acc = NULL;
	free(h->row_acc);
	h->row_acc = NULL;
}

void heatmap_free(struct heatmap *h)
{
	if (!h)
		return;
	free(h->ranges);
	free(h->col_start);
	free(h->row_lo);
	free(h->row_hi);
	free(h->row_acc);
	free_cells(h->acc ? (void *)h->acc : (void *)h->value, h->cells_mapped);
	free(h);
}

void heatmap_col_span(const struct heatmap *h, unsigned col, uint64_t *start, uint64_t *end)
{
	*start = h->col_start[col];
	*end = h->col_start[col + 1];
}

size_t heatmap_row_span(const struct heatmap *h, unsigned row, uint64_t *lo, uint64_t *hi)
{
	size_t i = 0;

	*lo = h->row_lo[row];
	*hi = h->row_hi[row];
	while (i + 1 < h->nr_ranges && h->ranges[i + 1].row <= row)
		i++;
	return i;
}

/* ---- both passes ---- */

struct fill {
	struct heatmap *h;
	const struct session *ses;
};

/*
 * Hz by the snapshot's own aggregation interval, the one in force when it was taken (record
 * --max-overhead and the intervals auto-tuning change it): nr_accesses of its aggr_us / sample_us
 * checks, each seeing an access at rate f with probability about f x sample_us, is about
 * f x aggr_us, whatever the intervals. Not by its real span: a window that stretched because
 * the recorder was late still holds the same number of checks (design notes).
 */
static int fill_snapshot(void *arg, const struct dpf_snapshot *s)
{
	struct fill *fl = arg;

	if (fl->h->hz) {
		struct session_intervals iv = session_snapshot_intervals(fl->ses, s);

		if (iv.aggr_us)
			fl->h->scale = 1e6 / iv.aggr_us;
	}
	/* rows cover only the selected ranges: what lies outside adds nothing */
	heatmap_add_snapshot(fl->h, s);
	return 0;
}

static int fill_maps(void *arg, const struct dpf_maps *m)
{
	heatmap_add_maps(((struct fill *)arg)->h, m);
	return 0;
}

/* The fastest sampling of the recording: the highest rate a cell can show (every check seen). */
static uint64_t min_sample_us(const struct session *ses)
{
	uint64_t v = session_facts(ses)->sample_us;
	size_t n = session_intervals_changes(ses, NULL);

	for (size_t i = 0; i < n; i++) {
		uint64_t s = session_intervals_change(ses, i)->sample_us;

		if (!v || s < v)
			v = s;
	}
	return v;
}

int heatmap_build_session(struct heatmap **out, struct session *ses, const struct heatmap_opts *o)
{
	static const struct session_tool scan_tool = { .snapshot = scan_snapshot_cb,
						       .maps = scan_maps_cb };
	static const struct session_tool fill_tool = { .snapshot = fill_snapshot,
						       .maps = fill_maps };
	const struct session_facts *facts = session_facts(ses);
	struct scan sc = { .o = o, .session = ses };
	struct heatmap_opts mo;
	struct heatmap *h = NULL;
	double scale = 1, max_rate = 0;
	uint64_t t0, t1, rec_start = 0;
	int ret;

	if (!o->width || !o->height)
		return -EINVAL;
	ret = session_process(ses, &scan_tool, &sc);
	if (ret)
		goto out;
	session_rec_start_ns(ses, &rec_start);
	/* Hz when the aggregation interval is known, else raw nr_accesses (final metadata) */
	if (facts->aggr_us) {
		scale = 1e6 / facts->aggr_us;	/* each snapshot's own: fill_snapshot() */
		uint64_t fastest = min_sample_us(ses);

		max_rate = fastest ? 1e6 / fastest : 0;
	}
	if (!sc.nr_selected) {
		ret = -ENODATA;
		goto out;
	}
	t0 = sc.t_first;
	t1 = sc.t_last;
	if (session_get_filter(ses)->time_range) {	/* the matrix spans the time range */
		t0 = sc.win_lo;
		t1 = sc.win_hi;
	}
	ret = cut_unmapped(&sc);
	if (ret)
		goto out;
	sc.set.nr = heatmap_fold(sc.set.v, sc.set.nr, o->max_ranges ? o->max_ranges : 1);
	/* every range needs a row, and a rule between it and the next */
	sc.set.nr = heatmap_fold(sc.set.v, sc.set.nr, (o->height + o->sep_rows) / (1 + o->sep_rows));
	if ((uint64_t)sc.set.nr * (1 + o->sep_rows) > (uint64_t)o->height + o->sep_rows) {
		ret = -EINVAL;	/* more targets than rows */
		goto out;
	}
	mo = *o;
	mo.height = o->height - o->sep_rows * (unsigned)(sc.set.nr - 1);
	ret = heatmap_new(&h, &mo, t0, t1, sc.set.v, sc.set.nr, scale);
	if (ret)
		goto out;
	/* time 0 is the first snapshot's start, or earlier data's in a file out of order */
	h->rec_start_ns = rec_start < t0 ? rec_start : t0;
	h->hz = facts->aggr_us != 0;
	h->max_rate = max_rate;
	ret = session_process(ses, &fill_tool, &(struct fill){ .h = h, .ses = ses });
	if (ret < 0) {
		heatmap_free(h);
		goto out;
	}
	ret = 0;
	heatmap_finish(h);
	*out = h;
out:
	free(sc.set.v);
	free(sc.mapped.v);
	free(sc.runs);
	return ret;
}

int heatmap_build(struct heatmap **out, const char *path, const struct heatmap_opts *o)
{
	struct session_filter f = SESSION_FILTER_INIT;
	struct session *ses;
	int ret;

	if (!o->width || !o->height || (o->time_range && o->time_hi_ns <= o->time_lo_ns) ||
	    (o->addr_range && o->addr_hi <= o->addr_lo))
		return -EINVAL;
	f.target = o->target;
	f.time_range = o->time_range;
	f.time_lo_ns = o->time_lo_ns;
	f.time_hi_ns = o->time_hi_ns;
	f.addr_range = o->addr_range;
	f.addr_lo = o->addr_lo;
	f.addr_hi = o->addr_hi;
	ret = session_open(&ses, path, &f);
	if (ret)
		return ret;
	session_on_damage(ses, o->damage, o->arg);
	ret = heatmap_build_session(out, ses, o);
	session_close(ses);
	return ret;
}
