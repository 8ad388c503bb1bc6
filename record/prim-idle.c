// SPDX-License-Identifier: GPL-2.0
/*
 * The "page-idle" primitive: DAMON vaddr's own mechanism from userspace. prepare() looks up the
 * page frame of each sample address in /proc/PID/pagemap and sets its bit in
 * /sys/kernel/mm/page_idle/bitmap (which clears the accessed bits through rmap); check() reads
 * the bit back: cleared means the page was accessed. Reads and writes, page-exact, needs root and
 * CONFIG_IDLE_PAGE_TRACKING. The bitmap path can be changed with DAPROF_PAGE_IDLE_BITMAP so that
 * tests can run it against a plain file on kernels without idle page tracking.
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
#define PM_PFN_MASK	((1ULL << 55) - 1)

struct idle {
	struct prim base;
	pid_t pid;
	int pagemap_fd;
	int bitmap_fd;
	uint64_t *pfn;		/* of each sample address at prepare(); 0 when not present */
	uint64_t *sorted;	/* the present ones, sorted, for one write per bitmap word */
	size_t alloc;
	uint64_t nr_refills;	/* accessed sample pages since target_cost_ns() */
};

static const char *bitmap_path(void)
{
	const char *p = getenv("DAPROF_PAGE_IDLE_BITMAP");

	return p && *p ? p : "/sys/kernel/mm/page_idle/bitmap";
}

static int pfn_of(int fd, uint64_t addr, uint64_t *pfn)
{
	uint64_t e = 0;
	ssize_t r = pread(fd, &e, sizeof(e), addr / prim_page_size() * sizeof(e));

	if (r < 0)
		return -errno;
	*pfn = (r == sizeof(e) && (e & PM_PRESENT)) ? (e & PM_PFN_MASK) : 0;
	return 0;
}

/* Do we see page frame numbers? Only with CAP_SYS_ADMIN; without it pagemap shows 0. */
static int probe_pfn(char *why, size_t len)
{
	volatile char *page = mmap(NULL, prim_page_size(), PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), ret = 0;
	uint64_t pfn = 0;

	if (page == MAP_FAILED || fd < 0) {
		ret = rec_why(why, len, -ENOTSUP, "cannot read /proc/self/pagemap");
		goto out;
	}
	page[0] = 1;
	if (pfn_of(fd, (uint64_t)(uintptr_t)page, &pfn) || !pfn)
		ret = rec_why(why, len, -EPERM, "page frame numbers are hidden without "
			       "CAP_SYS_ADMIN (try as root)");
out:
	if (page != MAP_FAILED)
		munmap((void *)page, prim_page_size());
	if (fd >= 0)
		close(fd);
	return ret;
}

static int idle_probe(pid_t pid, char *why, size_t len)
{
	const char *path = bitmap_path();
	int ret;

	if (access(path, F_OK))
		return rec_why(why, len, -ENOTSUP, "kernel has no idle page tracking (no %s: "
				"CONFIG_IDLE_PAGE_TRACKING)", path);
	if (access(path, R_OK | W_OK))
		return rec_why(why, len, -EPERM, "%s needs root", path);
	ret = probe_pfn(why, len);
	if (ret || !pid)
		return ret;
	return prim_check_pid(pid, "pagemap", O_RDONLY, why, len);
}

static int idle_open(struct prim **out, const struct prim_target *t, char *why, size_t len)
{
	struct idle *d;
	char path[64];
	int ret = idle_probe(t->pid, why, len);

	if (ret)
		return ret;
	d = calloc(1, sizeof(*d));
	if (!d)
		return rec_why(why, len, -ENOMEM, "out of memory");
	d->base.ops = &prim_page_idle;
	d->pid = t->pid;
	pm_path(path, sizeof(path), t->pid, "pagemap");
	d->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
	d->bitmap_fd = open(bitmap_path(), O_RDWR | O_CLOEXEC);
	if (d->pagemap_fd < 0 || d->bitmap_fd < 0) {
		ret = -errno;
		if (d->pagemap_fd >= 0)
			close(d->pagemap_fd);
		if (d->bitmap_fd >= 0)
			close(d->bitmap_fd);
		free(d);
		return rec_why(why, len, ret, "cannot open the pagemap or the idle bitmap: %s",
				strerror(-ret));
	}
	*out = &d->base;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int idle_prepare(struct prim *p, const uint64_t *addrs, size_t n)
{
	struct idle *d = (struct idle *)p;
	size_t nr = 0;

	if (n > d->alloc) {
		uint64_t *np = realloc(d->pfn, n * sizeof(*np)), *ns;

		if (!np)
			return -ENOMEM;
		d->pfn = np;
		ns = realloc(d->sorted, n * sizeof(*ns));
		if (!ns)
			return -ENOMEM;
		d->sorted = ns;
		d->alloc = n;
	}
	for (size_t i = 0; i < n; i++) {
		int ret = pfn_of(d->pagemap_fd, addrs[i], &d->pfn[i]);

		if (ret)
			return ret;
		if (d->pfn[i])
			d->sorted[nr++] = d->pfn[i];
	}
	/*
	 * One write per 64-frame word with all its bits: the kernel ignores 0 bits, but a word
	 * written twice would keep only the second write's bits in a plain file.
	 */
	qsort(d->sorted, nr, sizeof(*d->sorted), cmp_u64);
	for (size_t i = 0; i < nr;) {
		uint64_t w = d->sorted[i] / 64, word = 0;

		for (; i < nr && d->sorted[i] / 64 == w; i++)
			word |= 1ULL << (d->sorted[i] % 64);
		/* a frame the kernel does not track fails the write: it just gives no answer */
		if (pwrite(d->bitmap_fd, &word, sizeof(word), w * 8) != sizeof(word))
			continue;
	}
	return 0;
}

static int idle_check(struct prim *p, const uint64_t *addrs, size_t n, uint8_t *accessed)
{
	struct idle *d = (struct idle *)p;

	for (size_t i = 0; i < n && i < d->alloc; i++) {
		uint64_t pfn, word = 0;
		ssize_t r;
		int ret = pfn_of(d->pagemap_fd, addrs[i], &pfn);

		if (ret)
			return ret;
		if (!pfn)
			continue;		/* not present: not accessed */
		if (pfn != d->pfn[i]) {
			accessed[i] = 1;	/* faulted in or replaced since prepare() */
			continue;
		}
		r = pread(d->bitmap_fd, &word, sizeof(word), pfn / 64 * 8);
		if (r != sizeof(word))
			continue;
		accessed[i] = !(word & (1ULL << (pfn % 64)));
		d->nr_refills += accessed[i];
	}
	return 0;
}

/* An accessed sample page had its TLB entry flushed by prepare(): one refill each. */
static uint64_t idle_target_cost_ns(struct prim *p)
{
	struct idle *d = (struct idle *)p;
	uint64_t ns = d->nr_refills * PRIM_TLB_REFILL_NS;

	d->nr_refills = 0;
	return ns;
}

static void idle_close(struct prim *p)
{
	struct idle *d = (struct idle *)p;

	close(d->pagemap_fd);
	close(d->bitmap_fd);
	free(d->pfn);
	free(d->sorted);
	free(d);
}

const struct prim_ops prim_page_idle = {
	.name = "page-idle",
	.sees = "reads+writes, page",
	.probe = idle_probe,
	.open = idle_open,
	.prepare = idle_prepare,
	.check = idle_check,
	.target_cost_ns = idle_target_cost_ns,
	.close = idle_close,
};
