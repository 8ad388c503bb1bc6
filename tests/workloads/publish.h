/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How workloads hand files to the tests (ground truth, reports, heartbeats): the text is written
 * to NAME.tmp and renamed to NAME, so that a test that waits for the file never reads half of it.
 * Header-only: each workload is one file and links nothing of daprof's.
 *
 *   FILE *f = publish_begin(path);   (exits with a message when it cannot)
 *   fprintf(f, ...);
 *   publish_end(f, path);
 *
 * or, for a text made beforehand, publish_text(path, suffix, text).
 */
#ifndef TESTS_WORKLOADS_PUBLISH_H
#define TESTS_WORKLOADS_PUBLISH_H

#include <stdio.h>
#include <stdlib.h>

static inline FILE *publish_begin(const char *path)
{
	char tmp[4096 + 8];	/* a name of up to 4095 bytes, and ".tmp" */
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		perror(tmp);
		exit(1);
	}
	return f;
}

static inline void publish_end(FILE *f, const char *path)
{
	char tmp[4096 + 8];	/* a name of up to 4095 bytes, and ".tmp" */

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fclose(f);
	rename(tmp, path);
}

/* publish_text() - @text as the file named @path followed by @suffix (e.g. ".pid"). */
static inline void publish_text(const char *path, const char *suffix, const char *text)
{
	char dst[4096];
	FILE *f;

	snprintf(dst, sizeof(dst), "%s%s", path, suffix);
	f = publish_begin(dst);
	fputs(text, f);
	publish_end(f, dst);
}

#endif /* TESTS_WORKLOADS_PUBLISH_H */
