/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two halves of fake-damon share: the node of the pretend sysfs tree, which model.c
 * builds and changes and fuse.c serves over /dev/fuse, and the few calls between them.
 */
#ifndef TESTS_FAKE_DAMON_H
#define TESTS_FAKE_DAMON_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum ftype {
	F_NUM,		/* unsigned number, base 0 */
	F_INT,		/* signed number */
	F_BOOL,
	F_KEY,		/* one of a keyword list */
	F_TEXT,		/* free text (memcg_path) */
	F_RO,		/* read-only value */
	F_NR,		/* nr_* : recreates numbered children */
	F_STATE,
	F_PID,
	F_CTL,
	F_LOG,
};

struct node;
typedef void (*builder_fn)(struct node *dir);

struct node {
	char *name;
	int is_dir;
	int dead;
	uint64_t nlookup;
	mode_t mode;
	enum ftype type;
	char val[64];
	const char *const *keys;
	builder_fn build;	/* F_NR: builds one numbered child dir */
	int kd;			/* F_STATE/F_PID: kdamond index */
	struct node *parent;
	struct node *child;
	struct node *next;
};

/* What the command line asks of the model (the options are listed in fuse.c). */
struct model_opts {
	int tree;		/* --tree: 612 for 6.12 */
	const char *ops;	/* --ops: avail_operations, comma-separated */
	pid_t kdamond_pid;	/* --kdamond-pid: what kdamonds/K/pid shows when on */
	int other;		/* --other N: kdamonds of another user at start */
	int other_on;		/* --other N:on: kdamond 0 of those is running */
	int tried_gaps;		/* --tried-gaps: tried_regions names as Debian's 6.17 gives them */
};

/* Set on SIGTERM/SIGINT or unmount (fuse.c); a write waiting for an aggregation gives up. */
extern volatile sig_atomic_t fake_stop;

void die(const char *fmt, ...);

/* model.c: the tree and the pretend kdamonds */
void model_add_region(uint64_t s, uint64_t e, uint32_t nr, long from, long to);
struct node *model_build(const struct model_opts *o);
struct node *node_lookup(struct node *d, const char *name);
void node_free(struct node *n);
int node_store(struct node *n, const char *data, size_t len);
int node_show(struct node *n, char *buf, size_t len);

#endif
