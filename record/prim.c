// SPDX-License-Identifier: GPL-2.0
/*
 * The table of access-check primitives and what they share: pid checks with the recorder's
 * error wording, time, and the pacing of process-wide rounds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "record/prim.h"

const struct prim_ops *const prim_all[] = {
	&prim_page_idle,	/* reads + writes, page */
	&prim_uffd_wp,		/* writes, page; cheap for the target */
	&prim_soft_dirty,	/* writes, page; process-wide clear */
	&prim_refs,		/* reads + writes, mapping */
	NULL
};

const struct prim_ops *prim_find(const char *name)
{
	for (int i = 0; prim_all[i]; i++)
		if (!strcmp(prim_all[i]->name, name))
			return prim_all[i];
	/* asked for by name only: auto does not try it (see daprof-record(1)) */
	if (!strcmp(prim_uffd_refs.name, name))
		return &prim_uffd_refs;
	return NULL;
}

const char *prim_names(void)
{
	return "page-idle, uffd-wp, soft-dirty, refs, uffd-wp+refs";
}

uint64_t prim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

uint64_t prim_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

uint64_t prim_page_size(void)
{
	static uint64_t page;

	if (!page) {
		long p = sysconf(_SC_PAGESIZE);

		page = p > 0 ? (uint64_t)p : 4096;
	}
	return page;
}

int prim_check_pid(pid_t pid, const char *file, int flags, char *why, size_t len)
{
	struct pm_proc p;
	char path[96];
	int fd, ret;

	ret = pm_proc_read(pid, &p);
	if (ret == -ESRCH)
		return rec_why(why, len, ret, "cannot attach to pid %d: no such process", (int)pid);
	if (ret)
		return rec_why(why, len, ret, "cannot read /proc/%d: %s", (int)pid, strerror(-ret));
	if (p.kthread)
		return rec_why(why, len, -EINVAL, "pid %d is a kernel thread (%s): it has no user "
				"memory to record", (int)pid, p.comm);
	if (p.state == 'Z' || p.state == 'X')
		return rec_why(why, len, -ESRCH, "pid %d (%s) has exited", (int)pid, p.comm);
	pm_path(path, sizeof(path), pid, file);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -EACCES || ret == -EPERM)
			return rec_why(why, len, ret, "cannot attach to pid %d: operation not "
					"permitted (try as root, or lower "
					"/proc/sys/kernel/yama/ptrace_scope)", (int)pid);
		if (ret == -ENOENT)
			return rec_why(why, len, -ESRCH, "cannot attach to pid %d: no such process",
					(int)pid);
		return rec_why(why, len, ret, "cannot open %s: %s", path, strerror(-ret));
	}
	close(fd);
	return 0;
}

int prim_write_str(int fd, const char *value)
{
	size_t n = strlen(value);
	ssize_t w = pwrite(fd, value, n, 0);

	if (w < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return (size_t)w == n ? 0 : -EIO;
}

int prim_clear_refs(int *fd, pid_t pid, const char *value)
{
	char path[64];
	int ret = prim_write_str(*fd, value);

	if (ret != -ESRCH)
		return ret;
	/* the thread it was opened through may have exited while the process lives on */
	pm_path(path, sizeof(path), pid, "clear_refs");
	ret = open(path, O_WRONLY | O_CLOEXEC);
	if (ret < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	close(*fd);
	*fd = ret;
	return prim_write_str(*fd, value);
}

int prim_round_due(const struct prim_rounds *r, uint64_t now)
{
	return !r->in_round && now >= r->next_ns;
}

void prim_round_started(struct prim_rounds *r, uint64_t now, uint64_t cost_ns)
{
	r->in_round = 1;
	r->start_ns = now;
	r->cost_ns = cost_ns;
	if (!r->period_ns)
		r->period_ns = r->min_period_ns;
}

void prim_round_done(struct prim_rounds *r, uint64_t now, uint64_t cost_ns)
{
	uint64_t period;

	r->in_round = 0;
	r->have_result = 1;
	r->nr_rounds++;
	r->cost_ns += cost_ns;
	/* cost / period = budget; never shorter than a sampling interval */
	period = r->budget_bp ? r->cost_ns * 10000 * 4 / (r->budget_bp * 3ULL) :
				r->cost_ns * (100 / PRIM_ROUND_BUDGET_PCT);
	if (period < r->min_period_ns)
		period = r->min_period_ns;
	/* the round itself lasted (now - start); the next starts a period after this one did */
	r->period_ns = period;
	r->next_ns = r->start_ns + period;
	if (r->next_ns < now)
		r->next_ns = now;
}

uint64_t prim_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
