// SPDX-License-Identifier: GPL-2.0
/*
 * "daprof check": what this system supports for recording, one line per backend and per
 * access-check primitive: available or not, and why (kernel configuration, kernel version,
 * permission, ptrace scope). Every probe is read-only or touches only daprof's own pages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/parse-options.h"
#include "record/damon-sysfs.h"
#include "record/prim.h"
#include "record/record.h"
#include "report/sees.h"

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/*
 * The kernel DAMON backend: the operations sets offered, whether the kernel tunes its intervals
 * (intervals_goal), and whether daprof could create its own kdamond for a process (vaddr) and
 * for physical memory (paddr). All read-only: DAMON's probe
 * never writes to sysfs. Return: 1 when vaddr recording would use DAMON.
 */
static int damon_lines(const struct rec_backend_ops *damon)
{
	struct rec_params vp = { .primitive = "auto", .pid = getpid() };
	struct rec_params pp = { .primitive = "auto", .paddr = 1 };
	const char *root = damon_sysfs_root(NULL);
	char why[512], ops[128], dir[512];
	int ret, vaddr_ok;

	ret = damon_sysfs_avail_ops(root, ops, sizeof(ops));
	if (!ret)
		printf("damon operations     %s (from %s)\n", ops, root);
	else if (ret == -ENOENT && !access(root, F_OK))
		printf("damon operations     unknown until a kdamond exists (%s)\n", root);
	ret = damon_sysfs_intervals_goal(root);
	if (ret == 1)
		printf("damon auto-tuning    available (intervals_goal): --intervals-goal with the "
		       "damon backend uses the kernel's\n");
	else if (ret == 0)
		printf("damon auto-tuning    unavailable: this kernel's DAMON has no intervals_goal "
		       "(Linux 6.15); --intervals-goal needs the sampler backend\n");
	else if (ret == -ENOENT && !access(root, F_OK))
		printf("damon auto-tuning    unknown until a kdamond exists (%s)\n", root);
	else
		printf("damon auto-tuning    unavailable: no DAMON sysfs interface\n");
	ret = damon->probe(&vp, why, sizeof(why));
	vaddr_ok = !ret;
	if (ret)
		printf("backend damon        unavailable for -p/--: %s\n", why);
	else
		printf("backend damon        available for -p/-- (vaddr): a kdamond can be created\n");
	if (damon->probe(&pp, why, sizeof(why)))
		printf("backend damon        unavailable for --paddr: %s\n", why);
	else
		printf("backend damon        available for --paddr: a kdamond can be created\n");
	if (!damon_tracefs_event_dir(dir, sizeof(dir)))
		printf("damon tracepoint     damon:damon_aggregated at %s (snapshots from it)\n", dir);
	else if (access(root, F_OK))
		printf("damon tracepoint     not found\n");
	else
		printf("damon tracepoint     not found (snapshots would come from tried_regions)\n");
	return vaddr_ok;
}

static void ptrace_words(char *buf, size_t len)
{
	char scope[16];

	if (read_line("/proc/sys/kernel/yama/ptrace_scope", scope, sizeof(scope))) {
		snprintf(buf, len, "no Yama ptrace_scope: %s", geteuid() ? "same-uid targets only" :
			 "root may attach to any process");
		return;
	}
	switch (atoi(scope)) {
	case 0:
		snprintf(buf, len, "ptrace_scope 0: %s", geteuid() ? "same-uid targets only" :
			 "root may attach to any process");
		break;
	case 1:
		snprintf(buf, len, "ptrace_scope 1: %s", geteuid() ? "own children only, -p needs "
			 "root or CAP_SYS_PTRACE" : "root may attach to any process");
		break;
	case 2:
		snprintf(buf, len, "ptrace_scope 2: only with CAP_SYS_PTRACE");
		break;
	default:
		snprintf(buf, len, "ptrace_scope %s: attaching is disabled", scope);
		break;
	}
}

/*
 * The choices for -p/--, ranked by what they see: reads and writes page by page, then per
 * mapping, then writes only (report/sees.c owns the ranking and the words). Within a rank, the
 * order --primitive auto tries.
 */
static void rank_lines(int damon_ok)
{
	const struct prim_ops *choices[16];
	int nr = 0, nr_choices = 0;

	/* the table, and the combined primitive that auto does not try */
	for (int i = 0; prim_all[i] && nr_choices < 15; i++)
		choices[nr_choices++] = prim_all[i];
	choices[nr_choices++] = &prim_uffd_refs;

	for (int rank = 1; rank <= 5; rank++) {
		if (rank == sees_rank(SEES_PAGES))
			printf("rank %-15d kernel DAMON (vaddr): %s; %s\n", ++nr,
			       sees_words(SEES_PAGES), damon_ok ? "available" : "unavailable");
		for (int i = 0; i < nr_choices; i++) {
			enum sees_kind k = sees_kind(choices[i]->sees);

			if (sees_rank(k) == rank)
				printf("rank %-15d sampler, primitive %s: %s; %s\n", ++nr,
				       choices[i]->name, sees_words(k),
				       choices[i]->probe(0, NULL, 0) ? "unavailable" : "available");
		}
	}
}

int cmd_check(int argc, char **argv)
{
	static const struct parse_opt options[] = {
		OPT_END()
	};
	const struct rec_backend_ops *const *be = rec_backends();
	struct rec_params p = { .primitive = "auto" };
	const char *best = NULL;
	struct utsname u;
	char why[512], pt[128];
	int n, usable = 0, damon_ok = 0;

	n = parse_options(argc, argv, options, "check", NULL, 0);
	if (n < 0)
		return parse_opt_exit(n);
	if (n)
		return dp_bad_usage("check", "unexpected argument '%s'", argv[0]);

	if (!uname(&u))
		printf("kernel               %s %s %s, %s\n", u.sysname, u.release, u.machine,
		       geteuid() ? "not root" : "root");
	for (int i = 0; be[i]; i++) {
		if (!strcmp(be[i]->name, "damon")) {
			damon_ok = damon_lines(be[i]);
			continue;
		}
		if (be[i]->probe(&p, why, sizeof(why))) {
			printf("backend %-12s unavailable: %s\n", be[i]->name, why);
			continue;
		}
		usable = 1;
		printf("backend %-12s available (DAMON's algorithm in userspace, with the first "
		       "primitive below that works)\n", be[i]->name);
	}
	ptrace_words(pt, sizeof(pt));
	for (int i = 0; prim_all[i]; i++) {
		const struct prim_ops *o = prim_all[i];

		if (o->probe(0, why, sizeof(why))) {
			printf("primitive %-10s unavailable: %s\n", o->name, why);
			continue;
		}
		if (!best)
			best = o->name;
		printf("primitive %-10s available: sees %s%s%s%s%s\n", o->name, o->sees,
		       o == &prim_uffd_wp ? " (attaching: " : "", o == &prim_uffd_wp ? pt : "",
		       o == &prim_uffd_wp ? ")" : "",
		       o == &prim_uffd_wp && prim_uffd_splits_thp() ?
		       "; splits the transparent huge pages it sees written" : "");
	}
	rank_lines(damon_ok);
	if (damon_ok)
		printf("auto                 kernel DAMON (vaddr)\n");
	else if (usable && best)
		printf("auto                 sampler with primitive %s\n", best);
	else
		printf("auto                 nothing can record on this system\n");
	return damon_ok || (usable && best) ? 0 : 1;
}
