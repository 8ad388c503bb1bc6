/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live recording for "daprof top": the snapshots, memory maps and resource use that the
 * recorder hands over as it writes them, kept in memory (the last few snapshots in a ring, the
 * latest memory map, one working-set figure per snapshot since the start). A frame is drawn by
 * the reports themselves: live_open_window() writes the ring's last snapshots as a small
 * recording in memory (memfd) and opens a reading session on it, so that the heat map, the hot
 * list and the working set of a frame are the ones "daprof report" computes, by the same code.
 */
#ifndef REPORT_LIVE_H
#define REPORT_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"
#include "report/wss.h"

struct session;
struct live;

/*
 * live_new() - keep the last @capacity snapshots; @meta (copied) describes the recording.
 * Return: 0 or -ENOMEM.
 */
int live_new(struct live **out, const struct dpf_meta *meta, size_t capacity);
void live_free(struct live *l);

/* live_add_snapshot(), live_add_maps() - copies of the records. Return: 0 or -ENOMEM. */
int live_add_snapshot(struct live *l, const struct dpf_snapshot *s);
int live_add_maps(struct live *l, const struct dpf_maps *m);
void live_add_rusage(struct live *l, const struct dpf_rusage *u);
/*
 * live_set_intervals() - the intervals in force from the next snapshot on (the recorder changed
 * them, @iv as it writes them): its working set counts a per-mapping primitive's regions by the
 * new checks and divides its rate by the new aggregation interval, and the window carries the
 * change, so that the reports over it divide each snapshot's rate by its own (design note 48).
 * Return: 0 or -ENOMEM.
 */
int live_set_intervals(struct live *l, const struct dpf_intervals *iv);

/* live_nr_snapshots() - snapshots added since the start (not only those kept). */
uint64_t live_nr_snapshots(const struct live *l);
/*
 * live_wss() - the working set (min_accesses 1, measured as report wss measures it) of every
 * snapshot since the start.
 */
const struct wss_series *live_wss(const struct live *l);
/* live_rusage() - the latest resource use; 0 without one. */
int live_rusage(const struct live *l, struct dpf_rusage *u);

struct session_filter;
/*
 * live_open_window() - the last @nr snapshots kept (fewer when fewer are), with the latest
 * memory map and the metadata, as a recording in memory, and a reading session over it with
 * filter @f (may be NULL; its times count from the window's first snapshot); session_close()
 * it. Return: 0, -ENODATA before the first snapshot, or -errno.
 */
int live_open_window(struct live *l, size_t nr, const struct session_filter *f,
		     struct session **out);

#endif /* REPORT_LIVE_H */
