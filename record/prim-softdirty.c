// SPDX-License-Identifier: GPL-2.0
/*
 * The "soft-dirty" primitive: `echo 4 > /proc/PID/clear_refs` clears the soft-dirty bits of the
 * whole target (write-protecting every page), and bit 55 of a page's /proc/PID/pagemap entry
 * tells whether it was written since. Page-exact, writes only. The clear is process-wide and
 * costs the target a fault on its next write to each page, so clears come in rounds spaced like
 * refs' (struct prim_rounds); a check reads the bit of each sample page, i.e. "written since the
 * last clear". Kernels without CONFIG_MEM_SOFT_DIRTY never set the bit: the probe writes one of
 * the recorder's own pages to find out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "record/prim.h"

#define PM_PRESENT	(1ULL << 63)
#define PM_SOFT_DIRTY	(1ULL << 55)

struct softdirty {
	struct prim base;
	pid_t pid;
	int clear_fd;
	int pagemap_fd;
	struct prim_rounds rounds;
	uint64_t nr_dirty;	/* soft-dirty sample pages seen since target_cost_ns() */
};

static int read_entry(int fd, uint64_t addr, uint64_t *e)
{
	ssize_t r = pread(fd, e, sizeof(*e), addr / prim_page_size() * sizeof(*e));

	if (r < 0)
		return -errno;
	if (r != sizeof(*e))
		*e = 0;
	return 0;
}

/* Does the soft-dirty bit work? Tried on a page of our own: clear, check 0, write, check 1. */
static int probe_self(char *why, size_t len)
{
	volatile char *page;
	int cfd, pfd, ret = 0;
	uint64_t e0 = 0, e1 = 0;

	cfd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	pfd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	page = mmap(NULL, prim_page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (cfd < 0 || pfd < 0 || page == MAP_FAILED) {
		ret = rec_why(why, len, -ENOTSUP, "no /proc/PID/clear_refs or pagemap");
		goto out;
	}
	page[0] = 1;
	if (prim_write_str(cfd, "4") || read_entry(pfd, (uint64_t)(uintptr_t)page, &e0)) {
		ret = rec_why(why, len, -ENOTSUP, "cannot clear soft-dirty bits");
		goto out;
	}
	page[0] = 2;
	if (read_entry(pfd, (uint64_t)(uintptr_t)page, &e1))
		e1 = 0;
	if ((e0 & PM_SOFT_DIRTY) || !(e1 & PM_SOFT_DIRTY))
		ret = rec_why(why, len, -ENOTSUP, "the soft-dirty bit never sets on this kernel "
			       "(CONFIG_MEM_SOFT_DIRTY off)");
out:
	if (page != MAP_FAILED)
		munmap((void *)page, prim_page_size());
	if (cfd >= 0)
		close(cfd);
	if (pfd >= 0)
		close(pfd);
	return ret;
}

int prim_soft_dirty_works(void)
{
	static int known = -1;
	char why[256];

	if (known < 0) {
		int ret = probe_self(why, sizeof(why));

		if (!ret)
			known = 1;
		else if (strstr(why, "never sets"))
			known = 0;
		else
			return ret;
	}
	return known;
}

static int sd_probe(pid_t pid, char *why, size_t len)
{
	int ret = probe_self(why, len);

	if (ret || !pid)
		return ret;
	ret = prim_check_pid(pid, "pagemap", O_RDONLY, why, len);
	return ret ? ret : prim_check_pid(pid, "clear_refs", O_WRONLY, why, len);
}

static int sd_open(struct prim **out, const struct prim_target *t, char *why, size_t len)
{
	struct softdirty *s;
	char path[64];
	int ret = sd_probe(t->pid, why, len);

	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return rec_why(why, len, -ENOMEM, "out of memory");
	s->base.ops = &prim_soft_dirty;
	s->pid = t->pid;
	s->rounds.min_period_ns = t->sample_us * 1000;
	s->rounds.budget_bp = t->budget_bp;
	pm_path(path, sizeof(path), t->pid, "clear_refs");
	s->clear_fd = open(path, O_WRONLY | O_CLOEXEC);
	pm_path(path, sizeof(path), t->pid, "pagemap");
	s->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->clear_fd < 0 || s->pagemap_fd < 0) {
		ret = -errno;
		if (s->clear_fd >= 0)
			close(s->clear_fd);
		if (s->pagemap_fd >= 0)
			close(s->pagemap_fd);
		free(s);
		return rec_why(why, len, ret, "cannot open /proc/%d: %s", (int)t->pid,
				strerror(-ret));
	}
	*out = &s->base;
	return 0;
}

static int sd_prepare(struct prim *p, const uint64_t *addrs, size_t n)
{
	struct softdirty *s = (struct softdirty *)p;
	uint64_t now = prim_now_ns();
	int ret;

	(void)addrs;
	(void)n;
	if (!prim_round_due(&s->rounds, now))
		return 0;
	ret = prim_clear_refs(&s->clear_fd, s->pid, "4");
	if (ret)
		return ret;
	prim_round_started(&s->rounds, now, prim_now_ns() - now);
	return 0;
}

static int sd_check(struct prim *p, const uint64_t *addrs, size_t n, uint8_t *accessed)
{
	struct softdirty *s = (struct softdirty *)p;
	uint64_t t0 = prim_now_ns();

	for (size_t i = 0; i < n; i++) {
		uint64_t e;
		int ret = read_entry(s->pagemap_fd, addrs[i], &e);

		if (ret)
			return ret;
		accessed[i] = (e & PM_PRESENT) && (e & PM_SOFT_DIRTY);
		s->nr_dirty += accessed[i];
	}
	if (s->rounds.in_round)
		prim_round_done(&s->rounds, prim_now_ns(), prim_now_ns() - t0);
	return 0;
}

/*
 * A clear write-protects every page; the first write to each after it faults (PRIM_WP_FAULT_NS).
 * Only the sample pages are seen: a lower bound, one fault per dirty sample page and round.
 */
static uint64_t sd_target_cost_ns(struct prim *p)
{
	struct softdirty *s = (struct softdirty *)p;
	uint64_t ns = s->nr_dirty * PRIM_WP_FAULT_NS;

	s->nr_dirty = 0;
	return ns;
}

static void sd_close(struct prim *p)
{
	struct softdirty *s = (struct softdirty *)p;

	close(s->clear_fd);
	close(s->pagemap_fd);
	free(s);
}

const struct prim_ops prim_soft_dirty = {
	.name = "soft-dirty",
	.sees = "writes, page",
	.probe = sd_probe,
	.open = sd_open,
	.prepare = sd_prepare,
	.check = sd_check,
	.target_cost_ns = sd_target_cost_ns,
	.close = sd_close,
};
