// SPDX-License-Identifier: GPL-2.0
/*
 * Median and Mann-Whitney U test for "daprof diff" (diff-stats.h). The exact distribution is
 * counted by the recurrence of Mann and Whitney (1947): the arrangements of m and n values
 * with U = u are those ending in an m-value (U - n of the rest) plus those ending in an n-value.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/diff-stats.h"

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double diff_median(const double *v, size_t n)
{
	double *s, med;

	if (!n)
		return 0;
	if (n == 1)
		return v[0];
	s = malloc(n * sizeof(*s));
	if (!s) {	/* no memory: the mean of the two ends is no median; fall back to a scan */
		double lo = v[0], hi = v[0];

		for (size_t i = 1; i < n; i++) {
			lo = v[i] < lo ? v[i] : lo;
			hi = v[i] > hi ? v[i] : hi;
		}
		return (lo + hi) / 2;
	}
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), dbl_cmp);
	med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return med;
}

/* P(U <= u) for every u of sizes m and n, into c. Return: 0 or -ENOMEM. */
static int exact_cdf(struct diff_mw_cache *c, size_t m, size_t n)
{
	size_t mn = m * n, stride = mn + 1;
	double *f, *cdf, total = 0, run = 0;

	if (c->cdf && c->m == m && c->n == n)
		return 0;
	f = calloc((m + 1) * (n + 1) * stride, sizeof(*f));
	cdf = malloc(stride * sizeof(*cdf));
	if (!f || !cdf) {
		free(f);
		free(cdf);
		return -ENOMEM;
	}
#define F(i, j) (f + ((i) * (n + 1) + (j)) * stride)
	for (size_t i = 0; i <= m; i++)
		for (size_t j = 0; j <= n; j++) {
			double *cur = F(i, j);

			if (!i || !j) {
				cur[0] = 1;	/* one arrangement, U = 0 */
				continue;
			}
			for (size_t u = 0; u <= i * j; u++) {
				/* the last is an m-value: it beats the j n-values */
				double end_m = u >= j && u - j <= (i - 1) * j ? F(i - 1, j)[u - j] : 0;
				double end_n = u <= i * (j - 1) ? F(i, j - 1)[u] : 0;

				cur[u] = end_m + end_n;
			}
		}
	for (size_t u = 0; u <= mn; u++)
		total += F(m, n)[u];
	for (size_t u = 0; u <= mn; u++) {
		run += F(m, n)[u];
		cdf[u] = run / total;
	}
#undef F
	free(f);
	free(c->cdf);
	c->cdf = cdf;
	c->m = m;
	c->n = n;
	return 0;
}

struct ranked {
	double v;
	int side;	/* 0: a, 1: b */
};

static int ranked_cmp(const void *a, const void *b)
{
	return dbl_cmp(&((const struct ranked *)a)->v, &((const struct ranked *)b)->v);
}

double diff_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *u,
			 int *exact, struct diff_mw_cache *c)
{
	struct diff_mw_cache local = DIFF_MW_CACHE_INIT;
	size_t n = na + nb;
	struct ranked *r;
	double rank_sum_a = 0, ties = 0, ua, mu, sigma2, dev, p;
	int has_ties = 0;

	if (u)
		*u = 0;
	if (exact)
		*exact = 0;
	if (!na || !nb)
		return 1;
	r = malloc(n * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < na; i++)
		r[i] = (struct ranked){ a[i], 0 };
	for (size_t i = 0; i < nb; i++)
		r[na + i] = (struct ranked){ b[i], 1 };
	qsort(r, n, sizeof(*r), ranked_cmp);
	for (size_t i = 0; i < n;) {	/* mid-ranks over each run of equal values */
		size_t j = i;
		double mid;

		while (j < n && r[j].v == r[i].v)
			j++;
		mid = (double)(i + 1 + j) / 2;
		for (size_t k = i; k < j; k++)
			if (!r[k].side)
				rank_sum_a += mid;
		if (j - i > 1) {
			double t = (double)(j - i);

			ties += t * t * t - t;
			has_ties = 1;
		}
		i = j;
	}
	free(r);
	ua = rank_sum_a - (double)na * (double)(na + 1) / 2;
	if (u)
		*u = ua;
	mu = (double)na * (double)nb / 2;
	if (!has_ties && na * nb <= DIFF_MW_EXACT_PAIRS) {
		struct diff_mw_cache *cc = c ? c : &local;
		size_t k = (size_t)llround(ua);

		if (exact_cdf(cc, na, nb))
			return -ENOMEM;
		/* two-sided: twice the smaller tail; U is symmetric about m * n / 2 */
		p = 2 * (ua <= mu ? cc->cdf[k] : cc->cdf[na * nb - k]);
		diff_mw_cache_release(&local);
		if (exact)
			*exact = 1;
		return p > 1 ? 1 : p;
	}
	sigma2 = (double)na * (double)nb / 12 *
		 ((double)(n + 1) - ties / ((double)n * (double)(n - 1)));
	if (!(sigma2 > 0))
		return 1;	/* every value the same */
	dev = fabs(ua - mu) - 0.5;	/* continuity correction */
	if (dev <= 0)
		return 1;
	p = erfc(dev / sqrt(sigma2) / sqrt(2));
	return p > 1 ? 1 : p;
}

void diff_mw_cache_release(struct diff_mw_cache *c)
{
	free(c->cdf);
	*c = (struct diff_mw_cache)DIFF_MW_CACHE_INIT;
}
