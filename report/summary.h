/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The facts "daprof info" states about a recording, gathered in one streaming pass of a reading
 * session (session.h): time span, counts, targets, damage, and the overhead from the
 * resource-use samples.
 */
#ifndef REPORT_SUMMARY_H
#define REPORT_SUMMARY_H

#include <stdint.h>

#include "format/dpf.h"

#define SUMMARY_MAX_DAMAGE 16	/* damaged spots kept for listing; all are counted */
#define SUMMARY_SPAN_BUCKETS 2400	/* snapshot spans by 1 % steps from 1 us to beyond 10^4 s */

struct summary {
	uint64_t nr_snapshots;
	uint64_t nr_regions;
	uint64_t max_regions;	/* in one snapshot */
	uint64_t first_start_ns;
	uint64_t last_end_ns;
	uint64_t nr_maps;
	uint64_t nr_rusage;
	uint32_t nr_targets;	/* distinct target ids seen */
	uint32_t targets[64];
	struct dpf_rusage first_rusage;
	struct dpf_rusage last_rusage;
	uint64_t max_target_rss;
	uint64_t nr_damage;
	uint64_t damaged_bytes;
	uint32_t nr_listed;	/* of damage[] */
	struct dpf_damage damage[SUMMARY_MAX_DAMAGE];	/* reasons point into static text */
	uint64_t nr_spans;	/* snapshots with a known span, in span_hist */
	uint64_t span_hist[SUMMARY_SPAN_BUCKETS];
};

struct session;
/*
 * summary_build() - one pass of @ses, through its filters. The damaged parts are listed in
 * @s, not warned about: this takes the session's damage callback. Return: 0 or -errno (damage
 * is counted, not an error).
 */
int summary_build(struct session *ses, struct summary *s);

/*
 * summary_cpu_share() - CPU time of the recorder (@self) or target per wall-clock time between
 * the first and last resource samples, as a fraction of one core; -1 without two samples.
 */
double summary_cpu_share(const struct summary *s, int self);

/*
 * summary_median_span_ns() - the median span of the snapshots that record their end, to 1 %;
 * 0 when none does. Unlike the recorder's aggr_real_median_us, whatever the interval changes.
 */
uint64_t summary_median_span_ns(const struct summary *s);

#endif /* REPORT_SUMMARY_H */
