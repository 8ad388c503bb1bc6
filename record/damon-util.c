// SPDX-License-Identifier: GPL-2.0
/*
 * Small read-only helpers of the kernel DAMON backend: where the sysfs tree is, which
 * operations sets the kernel offers, the "System RAM" ranges for paddr, the tracepoint's record
 * layout and whether a pid is a kdamond. They are separate from damon-sysfs.c so that unit tests
 * can feed them files of their own, and so that "daprof check" can use them without starting
 * anything.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "record/damon-sysfs.h"

#define PF_KTHREAD_FLAG	0x00200000u	/* include/linux/sched.h PF_KTHREAD */

uint64_t damon_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *damon_sysfs_root(const struct rec_params *p)
{
	const char *env;

	if (p && p->sysfs_root && *p->sysfs_root)
		return p->sysfs_root;
	env = getenv(DAMON_SYSFS_ENV_ROOT);
	if (env && *env)
		return env;
	return DAMON_SYSFS_DEFAULT_ROOT;
}

int damon_read_small_at(int dirfd, const char *path, char *buf, size_t len)
{
	int fd;
	ssize_t n;

	do {
		fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	do {
		n = read(fd, buf, len - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int damon_read_small(const char *path, char *buf, size_t len)
{
	return damon_read_small_at(AT_FDCWD, path, buf, len);
}

/* "vaddr\nfvaddr\npaddr" -> "vaddr,fvaddr,paddr" */
static void lines_to_list(char *s)
{
	for (; *s; s++)
		if (*s == '\n')
			*s = ',';
}

/*
 * Which of the @n name prefixes some symbol of /proc/kallsyms has: found[i] set to 1 for each,
 * in one pass that stops once all are found. Return: 0 or -errno.
 */
static int kallsyms_prefixes(const char *const *prefix, size_t n, int *found)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[256];
	size_t left = n;

	if (!f)
		return -errno;
	for (size_t i = 0; i < n; i++)
		found[i] = 0;
	while (left && fgets(line, sizeof(line), f)) {
		const char *name = strrchr(line, ' ');

		if (!name)
			continue;
		name++;
		for (size_t i = 0; i < n; i++)
			if (!found[i] && !strncmp(name, prefix[i], strlen(prefix[i]))) {
				found[i] = 1;
				left--;
			}
	}
	fclose(f);
	return 0;
}

static int avail_from_kallsyms(char *buf, size_t len)
{
	static const char *const prefix[] = { "damon_va_", "damon_pa_" };
	int found[2];
	int ret = kallsyms_prefixes(prefix, 2, found);

	if (ret)
		return ret;
	if (!found[0] && !found[1])
		return -ENOENT;
	snprintf(buf, len, "%s%s%s", found[0] ? "vaddr,fvaddr" : "", found[0] && found[1] ? "," : "",
		 found[1] ? "paddr" : "");
	return 0;
}

/*
 * The context directory (kdamonds/K/contexts/0) of the first kdamond under @root that has @rel
 * in it, into @ctx. Return: 0, -ENOENT when none has, or the error of reading nr_kdamonds.
 */
static int first_context_with(const char *root, const char *rel, char *ctx, size_t len)
{
	char path[PATH_MAX];
	char val[64];
	long nr;
	int ret;

	snprintf(path, sizeof(path), "%s/kdamonds/nr_kdamonds", root);
	ret = damon_read_small(path, val, sizeof(val));
	if (ret)
		return ret;
	nr = strtol(val, NULL, 10);
	for (long k = 0; k < nr && k < 64; k++) {
		snprintf(ctx, len, "%s/kdamonds/%ld/contexts/0", root, k);
		snprintf(path, sizeof(path), "%s/%s", ctx, rel);
		if (!access(path, F_OK))
			return 0;
	}
	return -ENOENT;
}

int damon_sysfs_avail_ops(const char *root, char *buf, size_t len)
{
	char ctx[PATH_MAX], path[PATH_MAX + 32];
	int ret = first_context_with(root, "avail_operations", ctx, sizeof(ctx));

	if (ret && ret != -ENOENT)
		return ret;
	if (!ret) {
		snprintf(path, sizeof(path), "%s/avail_operations", ctx);
		ret = damon_read_small(path, buf, len);
		if (!ret) {
			lines_to_list(buf);
			return 0;
		}
	}
	/* kallsyms tells about this kernel only, not about a tree DAPROF_SYSFS_ROOT points at */
	if (strcmp(root, DAMON_SYSFS_DEFAULT_ROOT))
		return -ENOENT;
	return avail_from_kallsyms(buf, len);
}

static int cmp_range(const void *a, const void *b)
{
	const struct rec_range *x = a;
	const struct rec_range *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int damon_system_ram(const char *iomem, struct rec_range **ranges, size_t *nr)
{
	FILE *f = fopen(iomem ? iomem : "/proc/iomem", "re");
	struct rec_range *r = NULL;
	size_t n = 0;
	size_t alloc = 0;
	int all_zero = 1;
	char line[256];

	*ranges = NULL;
	*nr = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s;
		unsigned long long e;
		int name_at = 0;

		/* top-level entries only: nested ones are indented */
		if (line[0] == ' ')
			continue;
		if (sscanf(line, "%llx-%llx : %n", &s, &e, &name_at) != 2 || !name_at)
			continue;
		if (strncmp(line + name_at, "System RAM", 10) ||
		    (line[name_at + 10] != '\n' && line[name_at + 10] != '\0'))
			continue;
		if (s || e)
			all_zero = 0;
		if (e < s)
			continue;
		if (n == alloc) {
			size_t want = alloc ? alloc * 2 : 8;
			struct rec_range *nr_ = realloc(r, want * sizeof(*r));

			if (!nr_) {
				free(r);
				fclose(f);
				return -ENOMEM;
			}
			r = nr_;
			alloc = want;
		}
		r[n].start = s;
		r[n].end = (uint64_t)e + 1;	/* iomem ends are inclusive */
		n++;
	}
	fclose(f);
	if (!n) {
		free(r);
		return -ENOENT;
	}
	if (all_zero) {
		free(r);
		return -EPERM;
	}
	qsort(r, n, sizeof(*r), cmp_range);
	*ranges = r;
	*nr = n;
	return 0;
}

/*
 * One line of a tracefs "format" file:
 *	field:unsigned long start;	offset:24;	size:8;	signed:0;
 */
static int parse_field(const char *line, char *name, size_t name_len, int *off, int *size)
{
	const char *f = strstr(line, "field:");
	const char *semi;
	const char *p;
	const char *o;
	const char *s;
	size_t l;

	if (!f)
		return -1;
	semi = strchr(f, ';');
	if (!semi)
		return -1;
	p = semi;
	while (p > f && p[-1] == ']') {	/* "char comm[16]" -> "comm" */
		while (p > f && p[-1] != '[')
			p--;
		if (p > f)
			p--;
	}
	l = 0;
	while (p - l > f && (isalnum((unsigned char)p[-1 - (long)l]) || p[-1 - (long)l] == '_'))
		l++;
	if (!l || l >= name_len)
		return -1;
	memcpy(name, p - l, l);
	name[l] = '\0';
	o = strstr(semi, "offset:");
	s = strstr(semi, "size:");
	if (!o || !s)
		return -1;
	*off = atoi(o + 7);
	*size = atoi(s + 5);
	return 0;
}

int damon_tp_parse_format(const char *text, struct damon_tp_format *f)
{
	const char *line = text;
	const char *id;

	memset(f, 0, sizeof(*f));
	f->id = -1;
	f->off_common_pid = f->off_target_id = f->off_nr_regions = f->off_start = -1;
	f->off_end = f->off_nr_accesses = f->off_age = -1;
	id = strstr(text, "\nID:");
	if (!id && !strncmp(text, "ID:", 3))
		id = text - 1;
	if (id)
		f->id = atoi(id + 4);
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		char name[64];
		char one[512];
		size_t l = eol ? (size_t)(eol - line) : strlen(line);
		int off;
		int size;

		if (l >= sizeof(one))
			l = sizeof(one) - 1;
		memcpy(one, line, l);
		one[l] = '\0';
		if (!parse_field(one, name, sizeof(name), &off, &size)) {
			if (!strcmp(name, "common_pid") && size == 4) {
				f->off_common_pid = off;
			} else if (!strcmp(name, "target_id")) {
				f->off_target_id = off;
				f->sz_target_id = size;
			} else if (!strcmp(name, "nr_regions")) {
				f->off_nr_regions = off;
				f->sz_nr_regions = size;
			} else if (!strcmp(name, "start")) {
				f->off_start = off;
				f->sz_start = size;
			} else if (!strcmp(name, "end")) {
				f->off_end = off;
				f->sz_end = size;
			} else if (!strcmp(name, "nr_accesses")) {
				f->off_nr_accesses = off;
				f->sz_nr_accesses = size;
			} else if (!strcmp(name, "age")) {
				f->off_age = off;
				f->sz_age = size;
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	/* age came in 5.16; everything else is needed */
	if (f->id < 0 || f->off_target_id < 0 || f->off_nr_regions < 0 || f->off_start < 0 ||
	    f->off_end < 0 || f->off_nr_accesses < 0)
		return -EPROTO;
#define SZ_OK(s) ((s) == 4 || (s) == 8)
	if (!SZ_OK(f->sz_target_id) || !SZ_OK(f->sz_nr_regions) || !SZ_OK(f->sz_start) ||
	    !SZ_OK(f->sz_end) || !SZ_OK(f->sz_nr_accesses) || (f->off_age >= 0 && !SZ_OK(f->sz_age)))
		return -EPROTO;
#undef SZ_OK
	return 0;
}

int damon_tracefs_event_dir(char *buf, size_t len)
{
	static const char *const mounts[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	const char *env = getenv(DAMON_ENV_TRACEFS);
	char path[PATH_MAX];

	for (size_t i = 0; i < 3; i++) {
		const char *m = i == 0 ? env : mounts[i - 1];

		if (!m || !*m)
			continue;
		snprintf(path, sizeof(path), "%s/events/damon/damon_aggregated", m);
		if (access(path, F_OK) == 0) {
			snprintf(buf, len, "%s", path);
			return 0;
		}
		if (i == 0)	/* an explicit tracefs that lacks the event: do not look elsewhere */
			return -ENOENT;
	}
	return -ENOENT;
}

int damon_is_kdamond(pid_t pid)
{
	char path[64];
	char buf[1024];
	char *p;
	unsigned long flags = 0;
	int field;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (damon_read_small(path, buf, sizeof(buf)))
		return 0;
	/* "PID (comm) S ppid ..." : comm may hold spaces, so work from the last ')' */
	p = strchr(buf, '(');
	if (!p || strncmp(p + 1, "kdamond", 7))
		return 0;
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	for (field = 3, p++; *p && field <= 9; field++) {
		while (*p == ' ')
			p++;
		if (field == 9)
			flags = strtoul(p, NULL, 10);
		while (*p && *p != ' ')
			p++;
	}
	return (flags & PF_KTHREAD_FLAG) != 0;
}

int damon_sysfs_intervals_goal(const char *root)
{
	static const char *const prefix[] = { "damon_sysfs_", "damon_sysfs_intervals_goal" };
	char ctx[PATH_MAX], path[PATH_MAX + 64];
	int found[2];
	int ret = first_context_with(root, "monitoring_attrs/intervals", ctx, sizeof(ctx));

	if (ret && ret != -ENOENT)
		return ret;
	if (!ret) {
		snprintf(path, sizeof(path), "%s/monitoring_attrs/intervals/intervals_goal", ctx);
		return access(path, F_OK) == 0;
	}
	/* kallsyms tells about this kernel only, not about a tree DAPROF_SYSFS_ROOT points at */
	if (strcmp(root, DAMON_SYSFS_DEFAULT_ROOT))
		return -ENOENT;
	ret = kallsyms_prefixes(prefix, 2, found);
	if (ret)
		return ret;
	return found[1] ? 1 : found[0] ? 0 : -ENOENT;
}
