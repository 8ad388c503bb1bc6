// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark helper: how many chunks a reading session reads for a time range, against a whole
 * pass. "session-seek FILE LO_TENTHS HI_TENTHS" passes over FILE once whole and once for
 * [LO, HI) tenths of its time span, and prints the chunks read and snapshots seen by each; on
 * a cleanly closed file the INDEX lets the second read about (HI - LO) tenths of the chunks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/session.h"

struct count {
	uint64_t snapshots, first, last;
};

static int on_snapshot(void *arg, const struct dpf_snapshot *s)
{
	struct count *c = arg;

	if (!c->snapshots++)
		c->first = s->start_ns;
	c->last = s->end_ns > c->last ? s->end_ns : c->last;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct session_tool tool = { .snapshot = on_snapshot };
	struct session_filter f = SESSION_FILTER_INIT;
	struct count all = { 0 }, part = { 0 };
	struct session *s;
	uint64_t n_all, n_part, span;

	if (argc != 4) {
		fprintf(stderr, "usage: session-seek FILE LO_TENTHS HI_TENTHS\n");
		return 2;
	}
	if (session_open(&s, argv[1], NULL) || session_process(s, &tool, &all))
		return 1;
	n_all = session_chunks_read(s);
	session_close(s);
	span = all.last - all.first;
	f.time_range = 1;
	f.time_lo_ns = span / 10 * strtoull(argv[2], NULL, 10);
	f.time_hi_ns = span / 10 * strtoull(argv[3], NULL, 10) + (argv[3][0] == '1' ? 10 : 0);
	if (session_open(&s, argv[1], &f) || session_process(s, &tool, &part))
		return 1;
	n_part = session_chunks_read(s);
	session_close(s);
	printf("%-24s chunks read %" PRIu64 " of %" PRIu64 " (%.0f%%), snapshots %" PRIu64
	       " of %" PRIu64 "\n", "time range, last tenth", n_part, n_all,
	       100.0 * n_part / n_all, part.snapshots, all.snapshots);
	return 0;
}
