// SPDX-License-Identifier: GPL-2.0
/*
 * The "uffd-wp" primitive: page-exact writes, through a userfaultfd in asynchronous write-protect
 * mode (Linux 6.7+). A userfaultfd acts on the address space of the process that created it, so
 * one is created inside the target by an injected userfaultfd() (record/inject.c; for a launched
 * command at its exec, before it runs its own code), taken over with pidfd_getfd(), and the
 * target's own copy closed again, so that its file table is as it was. Every mapping that can be
 * registered is registered for write-protection; with UFFD_FEATURE_WP_ASYNC a write to a
 * protected page costs the target one minor fault and no message, and PAGEMAP_SCAN on
 * /proc/PID/pagemap tells which pages were written since they were protected.
 *
 * DAMON's mkold/young become: prepare() write-protects the page of each sample address, and
 * no other (registration protects nothing, so a page that is never sampled never faults),
 * through PAGEMAP_SCAN with PM_SCAN_WP_MATCHING over that one page, and check() asks whether it is
 * written now (a plain PAGEMAP_SCAN of the page). A page inside a PMD-mapped huge page is treated
 * as DAMON treats it: the whole huge page is protected and checked (protecting 4 KiB of it would
 * split it at once). But a write to a write-protected huge page splits it all the same in
 * asynchronous mode (mm/memory.c, wp_huge_pmd(): "goto split"), so the target's transparent huge
 * pages that are written while watched end up as 4 KiB pages; the caveat() line says so, with
 * how many there were, and the recording keeps it. Kernel DAMON does not split them.
 * Closing the userfaultfd (stop, or the recorder's death) unregisters everything and lifts the
 * protection; at a normal stop, detach() then collapses again the huge pages that were split.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "record/inject.h"
#include "record/pagemap-scan.h"
#include "record/prim.h"

/* Linux 6.7 uapi, for build hosts with older headers. */
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC		(1 << 15)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY		1
#endif

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE			25	/* Linux 6.1 */
#endif

#define HUGE_SZ (2ULL << 20)
#define BLOCK_CACHE 4096		/* power of two */

enum { BLOCK_UNKNOWN, BLOCK_SMALL, BLOCK_HUGE };

struct uffd {
	struct prim base;
	pid_t pid;
	int uffd;
	int pagemap_fd;
	struct dr_range *last;		/* the VMAs as last registered */
	size_t nr_last;
	struct dr_range *thp;		/* where huge pages may be: VMAs with THPs or "hg" */
	size_t nr_thp;
	uint64_t block[BLOCK_CACHE];	/* 2 MiB blocks seen: address | state */
	uint64_t *start;		/* the range prepare() protected for each address */
	uint64_t *end;
	size_t alloc;
	uint64_t nr_registered;
	uint64_t nr_unregistrable;
	int protect_whole;		/* protect whole mappings at registration (uffd-wp+refs) */
	struct dr_range *huge;		/* where the target had PMD-mapped huge pages: sorted, merged */
	size_t nr_huge, alloc_huge;
	unsigned int thp_age;		/* map updates since smaps was last read */
	uint64_t thp_kib_max;		/* most huge-page memory seen in the target (smaps) */
	uint64_t nr_faults;		/* written protected sample pages since target_cost_ns() */
	uint64_t nr_protected;		/* sample pages protected since target_cost_ns() */
};

/*
 * Reading smaps walks every page table of the target (about 1 % of a core per second at 2 GiB
 * resident, in this project's VMs), so the THP areas are read again when the mappings change,
 * and otherwise every THP_REREAD updates, for huge pages that khugepaged makes in an area that
 * had none and is not marked "hg" (a file or shmem mapping, a THP mode changed meanwhile).
 */
#define THP_REREAD 10

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL	/* Linux 6.9 */
#endif

static long sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return syscall(SYS_pidfd_open, pid, flags);
}

static long sys_pidfd_getfd(int pidfd, int fd)
{
	return syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

static int scan_to(int pagemap_fd, uint64_t start, uint64_t end, uint64_t flags,
		   uint64_t category_mask, struct page_region *vec, size_t vec_len,
		   uint64_t *walk_end)
{
	struct pm_scan_arg a = {
		.size = sizeof(a), .flags = flags, .start = start, .end = end,
		.vec = (uint64_t)(uintptr_t)vec, .vec_len = vec_len,
		.category_mask = category_mask,
		.return_mask = PAGE_IS_WRITTEN | PAGE_IS_PRESENT | PAGE_IS_PFNZERO | PAGE_IS_HUGE |
			       PAGE_IS_WPALLOWED,
	};
	int n = ioctl(pagemap_fd, PAGEMAP_SCAN, &a);

	if (walk_end)
		*walk_end = a.walk_end;
	return n < 0 ? -errno : n;
}

static int scan(int pagemap_fd, uint64_t start, uint64_t end, uint64_t flags,
		uint64_t category_mask, struct page_region *vec, size_t vec_len)
{
	return scan_to(pagemap_fd, start, end, flags, category_mask, vec, vec_len, NULL);
}

/*
 * Write-protect the pages of [start, end) that are present and written. Pages that are not
 * present need nothing (a write creates a fresh page that reads as written), and protecting
 * them would install markers and page tables all over a sparse mapping.
 */
#define WP_PRESENT (PAGE_IS_WRITTEN | PAGE_IS_PRESENT)

static int protect_range(int pagemap_fd, uint64_t start, uint64_t end)
{
	struct page_region vec[64];

	while (start < end) {
		uint64_t walk_end = end;
		int n = scan_to(pagemap_fd, start, end, PM_SCAN_WP_MATCHING, WP_PRESENT, vec, 64,
				&walk_end);

		if (n < 0)
			return n;
		if (walk_end <= start)
			break;
		start = walk_end;
	}
	return 0;
}

/* Can this kernel do it? Tried on a page of our own, as the target's would be used. */
static int probe_self(char *why, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
	struct page_region vec[4];
	volatile char *page = MAP_FAILED;
	int fd, pm = -1, ret = 0, n;

#if !defined(__x86_64__)
	return rec_why(why, len, -ENOTSUP, "syscall injection is implemented for x86-64 only");
#endif
	fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (fd < 0)
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return rec_why(why, len, -ENOTSUP, "no userfaultfd (CONFIG_USERFAULTFD, or "
				"vm.unprivileged_userfaultfd): %s", strerror(errno));
	if (ioctl(fd, UFFDIO_API, &api)) {
		ret = rec_why(why, len, -ENOTSUP, "userfaultfd lacks asynchronous write-protect "
			       "(UFFD_FEATURE_WP_ASYNC, Linux 6.7)");
		goto out;
	}
	page = mmap(NULL, prim_page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (page == MAP_FAILED || pm < 0) {
		ret = rec_why(why, len, -ENOMEM, "cannot map a page to try it on");
		goto out;
	}
	page[0] = 1;
	{
		struct uffdio_register reg = {
			.range = { .start = (uint64_t)(uintptr_t)page, .len = prim_page_size() },
			.mode = UFFDIO_REGISTER_MODE_WP,
		};

		if (ioctl(fd, UFFDIO_REGISTER, &reg)) {
			ret = rec_why(why, len, -ENOTSUP, "cannot register memory for "
				       "write-protection: %s", strerror(errno));
			goto out;
		}
	}
	n = scan(pm, (uint64_t)(uintptr_t)page, (uint64_t)(uintptr_t)page + prim_page_size(),
		 PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC, WP_PRESENT, vec, 4);
	if (n == -ENOTTY || n == -EINVAL) {
		ret = rec_why(why, len, -ENOTSUP, "no PAGEMAP_SCAN ioctl (Linux 6.7)");
		goto out;
	}
	page[0] = 2;
	n = scan(pm, (uint64_t)(uintptr_t)page, (uint64_t)(uintptr_t)page + prim_page_size(), 0,
		 PAGE_IS_WRITTEN, vec, 4);
	if (n != 1)
		ret = rec_why(why, len, -ENOTSUP, "write-protection does not see writes here");
out:
	if (page != MAP_FAILED)
		munmap((void *)page, prim_page_size());
	if (pm >= 0)
		close(pm);
	close(fd);
	return ret;
}

/* Does the target use write-protect userfaultfds itself? ("uw" in a VmFlags line) */
static int uses_uffd_wp(pid_t pid)
{
	char path[64], *text, *s;
	int ret = 0;

	pm_path(path, sizeof(path), pid, "smaps");
	if (pm_slurp(path, &text, NULL))
		return 0;
	for (s = text; (s = strstr(s, "\nVmFlags:")); s++) {
		char *eol = strchr(s + 1, '\n');

		if (eol)
			*eol = '\0';
		if (strstr(s, " uw"))
			ret = 1;
		if (!eol)
			break;
		*eol = '\n';
	}
	free(text);
	return ret;
}

static int uffd_probe(pid_t pid, char *why, size_t len)
{
	char path[64];
	pid_t tracer;
	int ret = probe_self(why, len);

	if (ret || !pid)
		return ret;
	ret = prim_check_pid(pid, "pagemap", O_RDONLY, why, len);
	if (ret)
		return ret;
	/* opening mem needs the same rights as ptrace attach (Yama included) */
	snprintf(path, sizeof(path), "mem");
	ret = prim_check_pid(pid, path, O_RDONLY, why, len);
	if (ret)
		return ret;
	tracer = inj_find_tracer(pid);
	if (tracer && tracer != getpid()) {
		struct pm_proc p;

		if (pm_proc_read(tracer, &p))
			snprintf(p.comm, sizeof(p.comm), "?");
		return rec_why(why, len, -EBUSY, "cannot attach to pid %d: it is already traced "
				"by pid %d (%s)", (int)pid, (int)tracer, p.comm);
	}
	if (uses_uffd_wp(pid))
		return rec_why(why, len, -EBUSY, "pid %d uses userfaultfd write-protection "
				"itself; uffd-wp cannot watch it (try --primitive refs)", (int)pid);
	return 0;
}

/* Create the userfaultfd inside the target and take it over. Return: our fd or -errno. */
static int take_uffd(const struct prim_target *t, char *why, size_t len)
{
	long args[6] = { O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY, 0, 0, 0, 0, 0 };
	long fd = -1, r;
	struct inj j;
	int ret, pidfd, ours = -1;

	ret = inj_attach(&j, t->pid, t->launched, why, len);
	if (ret)
		return ret;
	ret = inj_syscall(&j, SYS_userfaultfd, args, &fd);
	if (!ret && (fd == -EINVAL || fd == -EPERM)) {
		args[0] = O_CLOEXEC | O_NONBLOCK;	/* kernels before UFFD_USER_MODE_ONLY */
		ret = inj_syscall(&j, SYS_userfaultfd, args, &fd);
	}
	if (ret || fd < 0) {
		inj_detach(&j);
		if (ret)
			return rec_why(why, len, ret, "cannot run userfaultfd() in pid %d: %s",
					(int)t->pid, strerror(-ret));
		return rec_why(why, len, (int)fd, "userfaultfd() failed in pid %d: %s",
				(int)t->pid, strerror((int)-fd));
	}
	/* a process whose main thread has exited is reached through the thread we stopped */
	pidfd = (int)sys_pidfd_open(j.tid, j.tid == t->pid ? 0 : PIDFD_THREAD);
	if (pidfd >= 0) {
		ours = (int)sys_pidfd_getfd(pidfd, (int)fd);
		if (ours < 0)
			ret = -errno;
		close(pidfd);
	} else {
		ret = -errno;
	}
	/* close the target's copy whatever happened: its file table is as it was */
	args[0] = fd;
	inj_syscall(&j, SYS_close, args, &r);
	inj_detach(&j);
	if (ours < 0)
		return rec_why(why, len, ret, "cannot take the userfaultfd of pid %d: %s",
				(int)t->pid, strerror(-ret));
	return ours;
}

static int register_range(struct uffd *u, uint64_t start, uint64_t end)
{
	struct uffdio_register reg = {
		.range = { .start = start, .len = end - start },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};

	if (ioctl(u->uffd, UFFDIO_REGISTER, &reg)) {
		u->nr_unregistrable++;
		return errno == ESRCH ? -ESRCH : 0;	/* a mapping that cannot: not watched */
	}
	u->nr_registered++;
	/*
	 * Nothing is protected here: prepare() protects each sample page, as DAMON's mkold acts on
	 * the sample address only. Protecting the whole mapping cost the target one fault per page
	 * it wrote afterwards (and again at each change of the mapping, which registers it anew),
	 * however few of its pages were ever sampled. uffd-wp+refs counts every written page, so it
	 * asks for the whole mapping (prim_uffd_protect_whole()).
	 */
	if (!u->protect_whole)
		return 0;
	return protect_range(u->pagemap_fd, start, end) == -ESRCH ? -ESRCH : 0;
}

/*
 * Register the mappings of @m that were not there, as they are, last time.
 * Return: 1 when the mappings changed since last time, 0 when not, or -errno.
 */
static int register_new(struct uffd *u, const struct pm_map *m)
{
	struct dr_range *now;
	size_t nr, k = 0, same = 0;
	int ret = pm_ranges(m, &now, &nr);

	if (ret)
		return ret;
	for (size_t i = 0; i < nr; i++) {
		while (k < u->nr_last && u->last[k].end <= now[i].start)
			k++;
		if (k < u->nr_last && u->last[k].start == now[i].start &&
		    u->last[k].end == now[i].end) {
			same++;
			continue;
		}
		ret = register_range(u, now[i].start, now[i].end);
		if (ret)
			break;
	}
	if (!ret)
		ret = same != nr || nr != u->nr_last;
	free(u->last);
	u->last = now;
	u->nr_last = nr;
	return ret;
}

static void find_thp_areas(struct uffd *u);

static int uffd_open(struct prim **out, const struct prim_target *t, char *why, size_t len)
{
	/* no UFFD_FEATURE_WP_UNPOPULATED: markers in holes are page tables we do not need */
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
	char path[64];
	struct uffd *u;
	int ret = uffd_probe(t->pid, why, len);

	if (ret)
		return ret;
	u = calloc(1, sizeof(*u));
	if (!u)
		return rec_why(why, len, -ENOMEM, "out of memory");
	u->base.ops = &prim_uffd_wp;
	u->pid = t->pid;
	u->pagemap_fd = -1;
	u->uffd = take_uffd(t, why, len);
	if (u->uffd < 0) {
		ret = u->uffd;
		free(u);
		return ret;
	}
	if (ioctl(u->uffd, UFFDIO_API, &api)) {
		ret = rec_why(why, len, -ENOTSUP, "userfaultfd lacks asynchronous write-protect");
		goto fail;
	}
	pm_path(path, sizeof(path), t->pid, "pagemap");
	u->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (u->pagemap_fd < 0) {
		ret = rec_why(why, len, -errno, "cannot open %s: %s", path, strerror(errno));
		goto fail;
	}
	find_thp_areas(u);
	ret = register_new(u, t->maps);
	if (ret < 0) {
		rec_why(why, len, ret, "cannot register the memory of pid %d: %s", (int)t->pid,
			 strerror(-ret));
		goto fail;
	}
	*out = &u->base;
	return 0;
fail:
	if (u->pagemap_fd >= 0)
		close(u->pagemap_fd);
	close(u->uffd);
	free(u->last);
	free(u->thp);
	free(u);
	return ret;
}

/* Is transparent huge page support off altogether ("[never]")? */
static int thp_never(void)
{
	char *a = NULL, *b = NULL;
	int never = 0;

	if (!pm_slurp("/sys/kernel/mm/transparent_hugepage/enabled", &a, NULL) &&
	    !pm_slurp("/sys/kernel/mm/transparent_hugepage/shmem_enabled", &b, NULL))
		never = strstr(a, "[never]") && (strstr(b, "[never]") || strstr(b, "[deny]"));
	else if (a)
		never = !!strstr(a, "[never]");
	free(a);
	free(b);
	return never;
}

/* Add [start, end) to the sorted, merged list of ranges where huge pages were seen. */
static int add_huge(struct uffd *u, uint64_t start, uint64_t end)
{
	size_t i = 0, j;

	while (i < u->nr_huge && u->huge[i].end < start)
		i++;
	if (i < u->nr_huge && u->huge[i].start <= end) {	/* overlaps or touches: merge */
		if (start < u->huge[i].start)
			u->huge[i].start = start;
		if (end > u->huge[i].end)
			u->huge[i].end = end;
		for (j = i + 1; j < u->nr_huge && u->huge[j].start <= u->huge[i].end; j++)
			if (u->huge[j].end > u->huge[i].end)
				u->huge[i].end = u->huge[j].end;
		memmove(&u->huge[i + 1], &u->huge[j], (u->nr_huge - j) * sizeof(*u->huge));
		u->nr_huge -= j - i - 1;
		return 0;
	}
	if (u->nr_huge == u->alloc_huge) {
		size_t n = u->alloc_huge ? 2 * u->alloc_huge : 16;
		struct dr_range *r = realloc(u->huge, n * sizeof(*r));

		if (!r)
			return -ENOMEM;
		u->huge = r;
		u->alloc_huge = n;
	}
	memmove(&u->huge[i + 1], &u->huge[i], (u->nr_huge - i) * sizeof(*u->huge));
	u->huge[i].start = start;
	u->huge[i].end = end;
	u->nr_huge++;
	return 0;
}

/*
 * Bytes of [start, end) that are PMD-mapped huge pages now (PAGEMAP_SCAN's PAGE_IS_HUGE), each
 * range of them also passed to add_huge() when @keep. Return: bytes, or -errno.
 */
static int64_t huge_bytes(struct uffd *u, uint64_t start, uint64_t end, int keep)
{
	struct page_region vec[64];
	int64_t bytes = 0;

	while (start < end) {
		uint64_t walk_end = end;
		int n = scan_to(u->pagemap_fd, start, end, 0, PAGE_IS_HUGE, vec, 64, &walk_end);

		if (n < 0)
			return n == -ENOENT ? -ESRCH : n;
		for (int i = 0; i < n; i++) {
			bytes += (int64_t)(vec[i].end - vec[i].start);
			if (keep && add_huge(u, vec[i].start, vec[i].end))
				return -ENOMEM;
		}
		if (walk_end <= start)
			break;
		start = walk_end;
	}
	return bytes;
}

/*
 * Remember where the huge pages of the areas found below are, so that detach() can collapse
 * again those that uffd-wp split (a page-table walk of the huge-page areas only).
 */
static void note_huge(struct uffd *u)
{
	for (size_t i = 0; i < u->nr_thp; i++)
		if (huge_bytes(u, u->thp[i].start, u->thp[i].end, 1) < 0)
			break;
}

/*
 * Where may the target have huge pages? The VMAs that hold some (AnonHugePages, ShmemPmdMapped,
 * FilePmdMapped) or may get them (MADV_HUGEPAGE, or THP "always" and not MADV_NOHUGEPAGE).
 * Read from smaps at each map update; nothing when THP is off.
 */
static void find_thp_areas(struct uffd *u)
{
	char path[64], *text, *line, *next;
	int always = 0, possible = 0;
	uint64_t s = 0, e = 0, thp_kib = 0;
	char *a = NULL;

	free(u->thp);
	u->thp = NULL;
	u->nr_thp = 0;
	u->thp_age = 0;
	memset(u->block, 0, sizeof(u->block));
	if (thp_never())
		return;
	if (!pm_slurp("/sys/kernel/mm/transparent_hugepage/enabled", &a, NULL))
		always = !!strstr(a, "[always]");
	free(a);
	pm_path(path, sizeof(path), u->pid, "smaps");
	if (pm_slurp(path, &text, NULL))
		return;
	for (line = text; line && *line; line = next) {
		unsigned long long x, y, kb;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if ((*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f')) {
			if (sscanf(line, "%llx-%llx", &x, &y) == 2) {
				s = x;
				e = y;
				possible = 0;
			}
		} else if ((sscanf(line, "AnonHugePages: %llu", &kb) == 1 ||
			    sscanf(line, "ShmemPmdMapped: %llu", &kb) == 1 ||
			    sscanf(line, "FilePmdMapped: %llu", &kb) == 1) && kb) {
			possible = 1;
			thp_kib += kb;
		} else if (!strncmp(line, "VmFlags:", 8)) {
			if (strstr(line, " hg") || (always && !strstr(line, " nh")))
				possible = 1;
			/* only where a whole aligned 2 MiB block fits */
			if (possible && ((s + HUGE_SZ - 1) & ~(HUGE_SZ - 1)) + HUGE_SZ <= e) {
				struct dr_range *n = realloc(u->thp, (u->nr_thp + 1) * sizeof(*n));

				if (!n)
					break;
				u->thp = n;
				u->thp[u->nr_thp].start = s;
				u->thp[u->nr_thp].end = e;
				u->nr_thp++;
			}
		}
	}
	free(text);
	if (thp_kib > u->thp_kib_max)
		u->thp_kib_max = thp_kib;
	if (thp_kib)
		note_huge(u);
}

int prim_uffd_splits_thp(void)
{
	return !thp_never();
}

static uint64_t *block_slot(struct uffd *u, uint64_t block)
{
	return &u->block[(block / HUGE_SZ * 0x9e3779b97f4a7c15ULL) >> 52 & (BLOCK_CACHE - 1)];
}

static int block_state(struct uffd *u, uint64_t block)
{
	uint64_t v = *block_slot(u, block);

	return (v & ~(HUGE_SZ - 1)) == block ? (int)(v & 3) : BLOCK_UNKNOWN;
}

static void set_block(struct uffd *u, uint64_t block, int state)
{
	*block_slot(u, block) = block | (uint64_t)state;
}

/* May the 2 MiB block of @addr be one huge page? Only inside the areas found above. */
static int thp_possible(const struct uffd *u, uint64_t addr)
{
	uint64_t block = addr & ~(HUGE_SZ - 1);

	for (size_t i = 0; i < u->nr_thp; i++)
		if (block >= u->thp[i].start && block + HUGE_SZ <= u->thp[i].end)
			return 1;
	return 0;
}

/*
 * The range to protect and check for @addr: its page, or, as DAMON does for a PMD-mapped huge
 * page, the whole huge page (protecting 4 KiB of it would split the mapping). A plain scan of
 * the page (it protects nothing) says which, once per block.
 */
static int range_of(struct uffd *u, uint64_t addr, uint64_t *start, uint64_t *end)
{
	uint64_t block = addr & ~(HUGE_SZ - 1);
	int state = BLOCK_SMALL;

	*start = addr & ~(prim_page_size() - 1);
	*end = *start + prim_page_size();
	if (!u->nr_thp || !thp_possible(u, addr))
		return 0;
	state = block_state(u, block);
	if (state == BLOCK_UNKNOWN) {
		struct page_region vec[1];
		int n = scan(u->pagemap_fd, *start, *end, 0, 0, vec, 1);

		if (n == -ESRCH || n == -ENOENT)
			return -ESRCH;
		state = n == 1 && (vec[0].categories & PAGE_IS_HUGE) ? BLOCK_HUGE : BLOCK_SMALL;
		set_block(u, block, state);
	}
	if (state == BLOCK_HUGE) {
		*start = block;
		*end = block + HUGE_SZ;
	}
	return 0;
}

static int reserve_ranges(struct uffd *u, size_t n)
{
	uint64_t *a, *b;

	if (n <= u->alloc)
		return 0;
	a = realloc(u->start, n * sizeof(*a));
	if (!a)
		return -ENOMEM;
	u->start = a;
	b = realloc(u->end, n * sizeof(*b));
	if (!b)
		return -ENOMEM;
	u->end = b;
	u->alloc = n;
	return 0;
}

static int uffd_prepare(struct prim *p, const uint64_t *addrs, size_t n)
{
	struct uffd *u = (struct uffd *)p;
	struct page_region vec[1];
	int ret = reserve_ranges(u, n);

	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		ret = range_of(u, addrs[i], &u->start[i], &u->end[i]);
		if (!ret)
			ret = scan(u->pagemap_fd, u->start[i], u->end[i], PM_SCAN_WP_MATCHING,
				   WP_PRESENT, vec, 1);
		if (ret == -ESRCH || ret == -ENOENT)
			return -ESRCH;
		u->nr_protected += ret > 0;	/* a PTE changed: the target's TLB is shot down */
	}
	return 0;
}

static int uffd_check(struct prim *p, const uint64_t *addrs, size_t n, uint8_t *accessed)
{
	struct uffd *u = (struct uffd *)p;
	struct page_region vec[1];

	if (n > u->alloc)
		return -EINVAL;		/* check() without prepare() */
	for (size_t i = 0; i < n; i++) {
		uint64_t block = addrs[i] & ~(HUGE_SZ - 1);
		int ret, huge;

		/* every page matches (mask 0): the categories say written, present, huge */
		ret = scan(u->pagemap_fd, u->start[i], u->end[i], 0, 0, vec, 1);
		if (ret == -ESRCH || ret == -ENOENT)
			return -ESRCH;
		if (ret < 1)
			continue;
		huge = !!(vec[0].categories & PAGE_IS_HUGE);
		if (u->nr_thp && huge != (block_state(u, block) == BLOCK_HUGE) &&
		    thp_possible(u, addrs[i]))
			set_block(u, block, huge ? BLOCK_HUGE : BLOCK_SMALL);
		accessed[i] = (vec[0].categories & PAGE_IS_WRITTEN) &&
			      (vec[0].categories & PAGE_IS_PRESENT) &&
			      !(vec[0].categories & PAGE_IS_PFNZERO);
		/* a written sample page took one write-protect fault (at most: it may have been
		 * written before prepare() protected it, or not present then) */
		u->nr_faults += accessed[i];
	}
	return 0;
}

/*
 * What the protections (a TLB shootdown each, PRIM_SHOOTDOWN_NS) and the faults on protected
 * sample pages (PRIM_WP_FAULT_NS each) cost the target.
 */
static uint64_t uffd_target_cost_ns(struct prim *p)
{
	struct uffd *u = (struct uffd *)p;
	uint64_t ns = u->nr_faults * PRIM_WP_FAULT_NS + u->nr_protected * PRIM_SHOOTDOWN_NS;

	u->nr_faults = 0;
	u->nr_protected = 0;
	return ns;
}

int64_t prim_uffd_take_written(struct prim *p, uint64_t start, uint64_t end)
{
	struct uffd *u = (struct uffd *)p;
	struct page_region vec[64];
	int64_t bytes = 0;

	/* only where uffd-wp is registered (WPALLOWED): nothing is protected anywhere else */
	while (start < end) {
		uint64_t walk_end = end;
		int n = scan_to(u->pagemap_fd, start, end, PM_SCAN_WP_MATCHING,
				WP_PRESENT | PAGE_IS_WPALLOWED, vec, 64, &walk_end);

		if (n < 0)
			return n == -ENOENT ? -ESRCH : n;
		for (int i = 0; i < n; i++)
			bytes += (int64_t)(vec[i].end - vec[i].start);
		if (walk_end <= start)
			break;
		start = walk_end;
	}
	return bytes;
}

int prim_uffd_protect_whole(struct prim *p)
{
	struct uffd *u = (struct uffd *)p;
	int ret = 0;

	u->protect_whole = 1;
	for (size_t i = 0; !ret && i < u->nr_last; i++)
		ret = protect_range(u->pagemap_fd, u->last[i].start, u->last[i].end);
	return ret == -ENOENT ? -ESRCH : ret;
}

static int uffd_maps_changed(struct prim *p, const struct pm_map *m)
{
	struct uffd *u = (struct uffd *)p;
	int changed = register_new(u, m);

	if (changed < 0)
		return changed;
	if (changed || ++u->thp_age >= THP_REREAD)
		find_thp_areas(u);
	return 0;
}

static int uffd_caveat(struct prim *p, char *buf, size_t len)
{
	struct uffd *u = (struct uffd *)p;

	if (!u->thp_kib_max)
		return 0;
	snprintf(buf, len, "uffd-wp splits the transparent huge pages that are written while "
		 "watched (the target had %llu MiB of them); --primitive refs leaves them whole",
		 (unsigned long long)(u->thp_kib_max + 1023) / 1024);
	return 1;
}

/*
 * Lift the protection (closing the last reference to the userfaultfd unregisters every range),
 * then collapse again, with process_madvise(MADV_COLLAPSE), the huge pages that were seen and
 * are split now: uffd-wp split them (the target's own munmap or madvise may have too, and then
 * the collapse fails or finds nothing there). The collapse must come after the unregistering:
 * the kernel does not collapse over write-protected page-table entries.
 */
static int uffd_detach(struct prim *p, char *buf, size_t len)
{
	struct uffd *u = (struct uffd *)p;
	int64_t before = 0, after = 0, seen = 0, b;
	int pidfd, err = 0;

	if (u->uffd >= 0)
		close(u->uffd);
	u->uffd = -1;
	if (!u->nr_huge)
		return 0;
	for (size_t i = 0; i < u->nr_huge; i++) {
		b = huge_bytes(u, u->huge[i].start, u->huge[i].end, 0);
		if (b < 0)
			return 0;	/* the target is gone: nothing to leave as it was */
		before += b;
		seen += (int64_t)(u->huge[i].end - u->huge[i].start);
	}
	if (before >= seen)
		return 0;
	pidfd = (int)sys_pidfd_open(u->pid, 0);
	if (pidfd < 0)
		return 0;
	for (size_t i = 0; i < u->nr_huge; i++) {
		struct iovec iov = { .iov_base = (void *)(uintptr_t)u->huge[i].start,
				     .iov_len = u->huge[i].end - u->huge[i].start };

		if (syscall(SYS_process_madvise, pidfd, &iov, 1, MADV_COLLAPSE, 0) < 0 &&
		    (errno == EINVAL || errno == ENOSYS || errno == EPERM)) {
			err = errno;
			break;
		}
	}
	close(pidfd);
	for (size_t i = 0; !err && i < u->nr_huge; i++) {
		b = huge_bytes(u, u->huge[i].start, u->huge[i].end, 0);
		if (b < 0)
			return 0;
		after += b;
	}
	if (err)
		snprintf(buf, len, "uffd-wp split %lld MiB of the target's huge pages, and they stay "
			 "split: %s", (long long)((seen - before) >> 20), err == EPERM ?
			 "collapsing them again is not permitted here (process_madvise needs "
			 "CAP_SYS_NICE)" : "this kernel cannot collapse them again (process_madvise "
			 "with MADV_COLLAPSE, Linux 6.1)");
	else
		snprintf(buf, len, "uffd-wp split %lld MiB of the target's huge pages; collapsed "
			 "again at detach: %lld of %lld MiB are huge pages now (process_madvise "
			 "MADV_COLLAPSE)", (long long)((seen - before) >> 20),
			 (long long)(after >> 20), (long long)(seen >> 20));
	return 1;
}

static void uffd_close(struct prim *p)
{
	struct uffd *u = (struct uffd *)p;

	/* the last reference: the kernel unregisters every range and lifts the protection */
	if (u->uffd >= 0)
		close(u->uffd);
	close(u->pagemap_fd);
	free(u->last);
	free(u->huge);
	free(u->thp);
	free(u->start);
	free(u->end);
	free(u);
}

const struct prim_ops prim_uffd_wp = {
	.name = "uffd-wp",
	.sees = "writes, page",
	.probe = uffd_probe,
	.open = uffd_open,
	.prepare = uffd_prepare,
	.check = uffd_check,
	.maps_changed = uffd_maps_changed,
	.caveat = uffd_caveat,
	.detach = uffd_detach,
	.target_cost_ns = uffd_target_cost_ns,
	.close = uffd_close,
};
