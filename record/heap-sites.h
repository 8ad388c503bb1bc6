/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recorder's side of "record --heap-sites": it finds the preload library, gives a started
 * command the shared page and ring the library writes to (record/heap/proto.h, ring.h), reads
 * the messages on a thread of its own so that the target rarely finds the ring full, and
 * writes what came as HEAP chunks (format/dpf.h) when the loop flushes.
 */
#ifndef RECORD_HEAP_SITES_H
#define RECORD_HEAP_SITES_H

#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"

struct heaprec;

/*
 * heaprec_new() - find the library (@lib, or DAPROF_HEAP_LIB, or beside the program, or in
 * ../lib/daprof from it) and make the shared page and ring. Return: 0 or -errno with a
 * one-line reason in @why.
 */
int heaprec_new(struct heaprec **out, const char *lib, uint64_t sample_bytes, char *why,
		size_t len);
/*
 * heaprec_child() - in the forked child, before exec: preload the library and hand it the ring.
 * The recorder has one thread when it forks, so setenv() is safe there. Return: 0 or -errno.
 */
int heaprec_child(struct heaprec *h);
/* heaprec_start() - after the fork: start the reader thread. */
int heaprec_start(struct heaprec *h, uint32_t target, char *why, size_t len);
/* heaprec_flush() - write what came since the last flush as a HEAP chunk (none when nothing). */
int heaprec_flush(struct heaprec *h, struct dpf_writer *w);
/* heaprec_programs() - programs the library started in so far: a change means an exec. */
uint64_t heaprec_programs(struct heaprec *h);
/* heaprec_stop() - read what is left in the ring, stop the thread. */
void heaprec_stop(struct heaprec *h);
/* heaprec_describe() - the figures of the run as metadata keys (daprof-data.5). */
int heaprec_describe(struct heaprec *h, struct dpf_meta *m);
void heaprec_free(struct heaprec *h);

#endif /* RECORD_HEAP_SITES_H */
