/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The statistics of "daprof diff" (benchstat's model): the median of a side's samples and the
 * Mann-Whitney U test of two sides, so that a change is called only when it stands out of the
 * noise. Exact for small samples without ties; the normal approximation with the tie and
 * continuity corrections otherwise. Design note 24 says why this test and how samples are made.
 */
#ifndef REPORT_DIFF_STATS_H
#define REPORT_DIFF_STATS_H

#include <stddef.h>

/* The exact null distribution of U for one pair of sample sizes, kept between tests. */
struct diff_mw_cache {
	size_t m, n;
	double *cdf;	/* cdf[u] = P(U <= u), u = 0 .. m * n */
};

#define DIFF_MW_CACHE_INIT { 0 }

/* Exact tests are made up to this many pairs (m * n); past it, the normal approximation. */
#define DIFF_MW_EXACT_PAIRS 400

/* diff_median() - the median of @n values (the mean of the middle two for an even n); 0 for none. */
double diff_median(const double *v, size_t n);

/*
 * diff_mann_whitney() - the two-sided p-value of the Mann-Whitney U test of samples @a (@na) and
 * @b (@nb): the chance of a rank sum at least this far from its mean when both come from one
 * distribution. *@u (may be NULL) gets U of @a: the pairs with a > b, ties counting a half.
 * *@exact (may be NULL) gets 1 when the exact distribution was used. @c (may be NULL) keeps the
 * exact distribution for the next test of the same sizes.
 * Return: p in [0, 1]; 1 when a side is empty or every value is the same; -ENOMEM (as a negative
 * number) when out of memory.
 */
double diff_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *u,
			 int *exact, struct diff_mw_cache *c);
void diff_mw_cache_release(struct diff_mw_cache *c);

#endif /* REPORT_DIFF_STATS_H */
