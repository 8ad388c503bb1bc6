// SPDX-License-Identifier: GPL-2.0
/*
 * Two sides of "daprof diff" compared (diff.h): each metric's medians, change and Mann-Whitney
 * p-value over the slices of every recording of a side; the objects of both sides matched by
 * kind, mapping label and name; and the --fail-on gates judged on the result.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/diff.h"
#include "report/diff-stats.h"

const char *const diff_default_gates[] = { "wss.p90>+10%", "hot.bytes>+10%", NULL };

/* The values of one metric on one side: one whole per recording, the slices of all of them. */
struct side_values {
	double *whole;
	double *slices;
	size_t nr_whole, nr_slices;
};

static int side_alloc(struct side_values *v, struct diff_profile *const *p, size_t n)
{
	size_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += p[i]->nr_slices;
	v->whole = calloc(n ? n : 1, sizeof(*v->whole));
	v->slices = calloc(s ? s : 1, sizeof(*v->slices));
	v->nr_whole = n;
	v->nr_slices = s;
	return v->whole && v->slices ? 0 : -ENOMEM;
}

static void side_release(struct side_values *v)
{
	free(v->whole);
	free(v->slices);
}

/* Fill @v from the series @get gives of each profile (NULL: zeros, the object is absent). */
static void side_fill(struct side_values *v, struct diff_profile *const *p, size_t n,
		      const struct diff_series *(*get)(const struct diff_profile *, const void *),
		      const void *arg)
{
	size_t s = 0;

	for (size_t i = 0; i < n; i++) {
		const struct diff_series *ser = get(p[i], arg);

		v->whole[i] = ser ? ser->whole : 0;
		for (size_t j = 0; j < p[i]->nr_slices; j++)
			v->slices[s++] = ser ? ser->slice[j] : 0;
	}
}

static int make_row(struct diff_row *r, const struct side_values *o, const struct side_values *n,
		    double alpha, struct diff_mw_cache *cache)
{
	r->old = diff_median(o->whole, o->nr_whole);
	r->new = diff_median(n->whole, n->nr_whole);
	r->delta = r->new - r->old;
	r->rel = r->old != 0 ? r->delta / fabs(r->old) : r->delta > 0 ? INFINITY :
		 r->delta < 0 ? -INFINITY : 0;
	r->n_old = o->nr_slices;
	r->n_new = n->nr_slices;
	r->tested = o->nr_slices >= 2 && n->nr_slices >= 2;
	r->p = 1;
	if (r->tested) {
		r->p = diff_mann_whitney(o->slices, o->nr_slices, n->slices, n->nr_slices, NULL,
					 NULL, cache);
		if (r->p < 0)
			return -ENOMEM;
	}
	r->significant = r->tested && r->p < alpha;
	return 0;
}

static const struct diff_series *global_of(const struct diff_profile *p, const void *name)
{
	return diff_profile_find(p, name);
}

/* ---- objects across profiles ---- */

/* the object a change points at, per profile: arg is the change's array of object pointers */
struct per_profile {
	const struct diff_object **objs;	/* nr_old + nr_new */
	size_t base;	/* 0 for the old side, nr_old for the new */
	int measure;
	struct diff_profile *const *all;
};

static const struct diff_series *object_of(const struct diff_profile *p, const void *arg)
{
	const struct per_profile *pp = arg;
	size_t i = 0;

	while (pp->all[pp->base + i] != p)
		i++;
	return pp->objs[pp->base + i] ? &pp->objs[pp->base + i]->m[pp->measure] : NULL;
}

static int id_cmp(const struct diff_object *x, const struct diff_object *y)
{
	int c = strcmp(x->kind, y->kind);

	if (!c)
		c = strcmp(x->label, y->label);
	return c ? c : strcmp(x->name, y->name);
}

/* A sorted merge of every profile's sorted objects: *@out gets n_profiles pointers a match. */
static int match_objects(struct diff_profile *const *all, size_t np, const struct diff_object ***out,
			 size_t *nr_out)
{
	size_t *at = calloc(np, sizeof(*at)), n = 0, alloc = 0;
	const struct diff_object **m = NULL;

	if (!at)
		return -ENOMEM;
	for (;;) {
		const struct diff_object *least = NULL, **row;

		for (size_t i = 0; i < np; i++)
			if (at[i] < all[i]->nr_obj &&
			    (!least || id_cmp(&all[i]->obj[at[i]], least) < 0))
				least = &all[i]->obj[at[i]];
		if (!least)
			break;
		if (n == alloc) {
			void *q;

			alloc = alloc ? alloc * 2 : 64;
			q = realloc(m, alloc * np * sizeof(*m));
			if (!q) {
				free(m);
				free(at);
				return -ENOMEM;
			}
			m = q;
		}
		row = m + n * np;
		for (size_t i = 0; i < np; i++) {
			row[i] = NULL;
			if (at[i] < all[i]->nr_obj && !id_cmp(&all[i]->obj[at[i]], least))
				row[i] = &all[i]->obj[at[i]++];
		}
		n++;
	}
	free(at);
	*out = m;
	*nr_out = n;
	return 0;
}

enum { MEDIAN_SHARE, MEDIAN_RATE, MEDIAN_HEAT };

/* The median over recordings of an object's heat share, rate or heat (0 where it is absent). */
static double median_of(const struct diff_object *const *objs, size_t n, int what, double *tmp)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = !objs[i] ? 0 : what == MEDIAN_SHARE ? objs[i]->heat_share :
			 what == MEDIAN_RATE ? objs[i]->m[DIFF_RATE].whole : objs[i]->heat;
	return diff_median(tmp, n);
}

static int change_cmp(const void *a, const void *b)
{
	const struct diff_obj_change *x = a, *y = b;
	double dx = fabs(x->share_new - x->share_old), dy = fabs(y->share_new - y->share_old);

	if (dx != dy)
		return dx < dy ? 1 : -1;
	return strcmp(x->display, y->display);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* NAME, or NAME@LABEL for a name that more than one object has. */
static int set_display_names(struct diff *d)
{
	const char **names = malloc((d->nr_objs ? d->nr_objs : 1) * sizeof(*names));

	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < d->nr_objs; i++)
		names[i] = d->objs[i].id.name;
	qsort(names, d->nr_objs, sizeof(*names), name_cmp);
	for (size_t i = 0; i < d->nr_objs; i++) {
		struct diff_obj_change *c = &d->objs[i];
		const char *key = c->id.name;
		const char **hit = bsearch(&key, names, d->nr_objs, sizeof(*names), name_cmp);
		int dup = (hit > names && !strcmp(hit[-1], key)) ||
			  (hit + 1 < names + d->nr_objs && !strcmp(hit[1], key));

		if (dup)
			snprintf(c->display, sizeof(c->display), "%s@%s", c->id.name,
				 c->id.label[0] ? c->id.label : c->id.kind);
		else
			snprintf(c->display, sizeof(c->display), "%s", c->id.name);
	}
	free(names);
	return 0;
}

static int compare_objects(struct diff *d, struct diff_profile *const *all, size_t nr_old,
			   size_t nr_new, struct diff_mw_cache *cache,
			   struct side_values *vo, struct side_values *vn)
{
	size_t np = nr_old + nr_new, nr;
	const struct diff_object **m;
	double *tmp = malloc(np * sizeof(*tmp));
	int ret = tmp ? match_objects(all, np, &m, &nr) : -ENOMEM;

	if (ret) {
		free(tmp);
		return ret;
	}
	d->objs = calloc(nr ? nr : 1, sizeof(*d->objs));
	ret = d->objs ? 0 : -ENOMEM;
	for (size_t i = 0; i < nr && !ret; i++) {
		const struct diff_object **row = m + i * np;
		struct diff_obj_change *c = &d->objs[i];

		for (size_t k = 0; k < np; k++) {
			if (!row[k])
				continue;
			if (k < nr_old) {
				c->in_old = 1;
				c->old_obj = c->old_obj ? c->old_obj : row[k];
			} else {
				c->in_new = 1;
				c->new_obj = c->new_obj ? c->new_obj : row[k];
			}
		}
		c->id = *(c->new_obj ? c->new_obj : c->old_obj);
		memset(c->id.m, 0, sizeof(c->id.m));
		c->rebuilt = c->old_obj && c->new_obj && c->old_obj->build_id[0] &&
			     c->new_obj->build_id[0] &&
			     strcmp(c->old_obj->build_id, c->new_obj->build_id);
		c->share_old = median_of(row, nr_old, MEDIAN_SHARE, tmp);
		c->share_new = median_of(row + nr_old, nr_new, MEDIAN_SHARE, tmp);
		c->rate_old = median_of(row, nr_old, MEDIAN_RATE, tmp);
		c->rate_new = median_of(row + nr_old, nr_new, MEDIAN_RATE, tmp);
		c->heat_old = median_of(row, nr_old, MEDIAN_HEAT, tmp);
		c->heat_new = median_of(row + nr_old, nr_new, MEDIAN_HEAT, tmp);
	}
	d->nr_objs = nr;
	if (!ret)
		ret = set_display_names(d);
	/* four rows an object, in the order of the objects as matched (then sorted below) */
	if (!ret && nr) {
		void *q = realloc(d->rows, (d->nr_rows + nr * DIFF_NR_MEASURES) * sizeof(*d->rows));

		ret = q ? 0 : -ENOMEM;
		if (q)
			d->rows = q;
	}
	for (size_t i = 0; i < nr && !ret; i++) {
		for (int k = 0; k < DIFF_NR_MEASURES && !ret; k++) {
			struct diff_row *r = &d->rows[d->nr_rows];
			struct per_profile pp = { .objs = m + i * np, .measure = k, .all = all };

			memset(r, 0, sizeof(*r));
			snprintf(r->name, sizeof(r->name), "symbol:%s.%s", d->objs[i].display,
				 diff_measure_names[k]);
			r->unit = k == DIFF_RATE ? METRIC_HZ : k == DIFF_HOT_SHARE ? METRIC_RATIO :
				  METRIC_BYTES;
			r->object = (int)i;
			pp.base = 0;
			side_fill(vo, all, nr_old, object_of, &pp);
			pp.base = nr_old;
			side_fill(vn, all + nr_old, nr_new, object_of, &pp);
			ret = make_row(r, vo, vn, d->alpha, cache);
			d->nr_rows++;
		}
	}
	free(m);
	free(tmp);
	if (ret)
		return ret;
	/* order the objects by change, and point the rows at the new order */
	{
		size_t *where = malloc((nr ? nr : 1) * sizeof(*where));

		if (!where)
			return -ENOMEM;
		for (size_t i = 0; i < nr; i++)
			d->objs[i].matched = i;
		qsort(d->objs, nr, sizeof(*d->objs), change_cmp);
		for (size_t i = 0; i < nr; i++)
			where[d->objs[i].matched] = i;
		for (size_t r = d->nr_global; r < d->nr_rows; r++)
			d->rows[r].object = (int)where[d->rows[r].object];
		free(where);
	}
	return 0;
}

int diff_compare(struct diff **out, struct diff_profile *const *old, size_t nr_old,
		 struct diff_profile *const *new, size_t nr_new, double alpha)
{
	struct diff_mw_cache cache = DIFF_MW_CACHE_INIT;
	struct side_values vo = { 0 }, vn = { 0 };
	struct diff_profile **all;
	struct diff *d;
	int ret;

	if (!nr_old || !nr_new)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	all = malloc((nr_old + nr_new) * sizeof(*all));
	if (!d || !all) {
		free(d);
		free(all);
		return -ENOMEM;
	}
	memcpy(all, old, nr_old * sizeof(*all));
	memcpy(all + nr_old, new, nr_new * sizeof(*all));
	d->alpha = alpha;
	d->nr_old = nr_old;
	d->nr_new = nr_new;
	d->weak = nr_old == 1 || nr_new == 1;
	ret = side_alloc(&vo, old, nr_old);
	if (!ret)
		ret = side_alloc(&vn, new, nr_new);
	d->slices_old = vo.nr_slices;
	d->slices_new = vn.nr_slices;
	if (!ret) {
		d->rows = calloc(old[0]->nr_m ? old[0]->nr_m : 1, sizeof(*d->rows));
		ret = d->rows ? 0 : -ENOMEM;
	}
	for (size_t i = 0; !ret && i < old[0]->nr_m; i++) {
		struct diff_row *r = &d->rows[d->nr_rows];
		const char *name = old[0]->m[i].name;

		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%s", name);
		r->unit = old[0]->m[i].unit;
		r->object = -1;
		side_fill(&vo, old, nr_old, global_of, name);
		side_fill(&vn, new, nr_new, global_of, name);
		ret = make_row(r, &vo, &vn, alpha, &cache);
		d->nr_rows++;
	}
	d->nr_global = d->nr_rows;
	if (!ret)
		ret = compare_objects(d, all, nr_old, nr_new, &cache, &vo, &vn);
	side_release(&vo);
	side_release(&vn);
	diff_mw_cache_release(&cache);
	free(all);
	if (ret) {
		diff_free(d);
		return ret;
	}
	*out = d;
	return 0;
}

void diff_free(struct diff *d)
{
	if (!d)
		return;
	free(d->rows);
	free(d->objs);
	free(d);
}

const struct diff_row *diff_find(const struct diff *d, const char *name)
{
	const struct diff_row *only = NULL;
	const char *dot;
	size_t len;
	int many = 0;

	for (size_t i = 0; i < d->nr_rows; i++)
		if (!strcmp(d->rows[i].name, name))
			return &d->rows[i];
	/* symbol:NAME.MEASURE where NAME is not unique: the one object of that name and measure */
	if (strncmp(name, "symbol:", 7) || !(dot = strrchr(name, '.')))
		return NULL;
	len = (size_t)(dot - name) - 7;
	for (size_t i = d->nr_global; i < d->nr_rows; i++) {
		const struct diff_row *r = &d->rows[i];
		const struct diff_obj_change *c = &d->objs[r->object];

		if (strlen(c->id.name) == len && !strncmp(c->id.name, name + 7, len) &&
		    !strcmp(strrchr(r->name, '.'), dot)) {
			many += only != NULL;
			only = r;
		}
	}
	return many ? NULL : only;
}

int diff_gate_judge(const struct diff *d, const struct diff_expr *e, struct diff_gate *g)
{
	const struct diff_row *r = diff_find(d, e->metric);
	double limit = e->change;

	memset(g, 0, sizeof(*g));
	g->expr = e;
	if (!r)
		return -ENOENT;
	switch (e->unit) {
	case DIFF_UNIT_BYTES:
		if (r->unit != METRIC_BYTES && r->unit != METRIC_BYTE_SECONDS)
			return -EDOM;
		break;
	case DIFF_UNIT_SECONDS:
		if (r->unit != METRIC_SECONDS)
			return -EDOM;
		break;
	case DIFF_UNIT_HZ:
		if (r->unit != METRIC_HZ)
			return -EDOM;
		break;
	default:
		break;
	}
	g->row = r;
	g->change = e->unit == DIFF_UNIT_PERCENT ? r->rel : r->delta;
	g->beyond = e->op == '>' ? g->change > limit : g->change < limit;
	g->failed = g->beyond && (r->significant || !r->tested);
	return 0;
}
