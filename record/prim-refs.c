// SPDX-License-Identifier: GPL-2.0
/*
 * The "refs" primitive: `echo 1 > /proc/PID/clear_refs` clears the accessed bits of every page
 * of the target, and a later read of /proc/PID/smaps says, per mapping, how many bytes were
 * referenced since (Referenced:) and how many are resident (Rss:). It works on any Linux but
 * knows nothing finer than a mapping, and no more than that is claimed: a page that is not
 * resident (PAGEMAP_SCAN's present ranges, read with each round; on kernels before 6.7 the
 * sample's own pagemap entry) was not touched, and a resident sample page counts as
 * accessed with the probability Referenced / Rss of its mapping. Summed over a mapping's
 * regions, a region's size times its share of accessed samples is then Referenced in
 * expectation, never more than Rss: the exact bytes touched, placed evenly over the mapping's
 * resident pages (report wss sums it so for a per-mapping recording). The old rule, Referenced
 * / Size over every page, made a half-resident mapping look wholly accessed.
 * uffd-wp+refs combines it with uffd-wp: a sample page written since it was protected is
 * accessed (page-exact); the rest of a mapping's Referenced bytes, less the W bytes uffd-wp saw
 * written there in the round (prim_uffd_take_written(), which protects them again for the next),
 * is spread over its resident pages with the probability (Referenced - W) / (Rss - W).
 * Both the clear and the read walk every page of the target, so rounds are
 * spaced to bound their cost (struct prim_rounds); samples between rounds reuse the last round.
 * Clearing does not flush the TLB (Linux flushes only for soft-dirty since 5.x), so pages that
 * stay in a CPU's TLB keep their accessed bits clear however hot they are: on some machines a
 * busy target that is never switched out shows nothing at all. Where soft-dirty bits never set,
 * "echo 4" does nothing but walk the page tables and flush the TLB, so it follows each clear;
 * where they do, it would write-protect every page, and the TLB blind spot stays (as DAMON's).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "record/pagemap-scan.h"
#include "record/prim.h"

struct refs_vma {
	uint64_t start;
	uint64_t end;
	uint64_t rss;		/* resident bytes */
	uint64_t ref;		/* referenced bytes */
	uint32_t ppm;		/* referenced share of the resident bytes, parts per million */
	int partly;		/* some of it is not resident: ask the pagemap per sample */
	size_t present, nr_present;	/* its resident ranges in refs.present, when scanned */
};

struct refs {
	struct prim base;
	pid_t pid;
	int clear_fd;
	int pagemap_fd;		/* -1: not readable; then a partly resident mapping is spread over */
	struct prim_rounds rounds;
	int flush;		/* follow each clear with "4": a TLB flush and nothing else here */
	struct refs_vma *v;
	size_t nr;
	size_t alloc;
	int scan;		/* 1: PAGEMAP_SCAN works (resident ranges per round), 0: no, -1: untried */
	struct prim *wp;	/* uffd-wp+refs: the uffd-wp primitive; else NULL */
	struct dr_range *present;	/* resident ranges of the partly resident mappings */
	size_t nr_present, alloc_present;
	uint64_t rng;
	uint64_t referenced;	/* bytes referenced in the rounds read since target_cost_ns() */
};

static uint64_t refs_target_cost_ns(struct prim *p);

static int refs_probe(pid_t pid, char *why, size_t len)
{
	char *text;
	int ret;

	if (access("/proc/self/clear_refs", W_OK))
		return rec_why(why, len, -ENOTSUP, "no writable /proc/PID/clear_refs "
				"(CONFIG_PROC_PAGE_MONITOR off)");
	ret = pm_slurp("/proc/self/smaps", &text, NULL);
	if (ret)
		return rec_why(why, len, ret, "cannot read /proc/self/smaps: %s", strerror(-ret));
	ret = strstr(text, "\nReferenced:") ? 0 : -ENOTSUP;
	free(text);
	if (ret)
		return rec_why(why, len, ret, "/proc/PID/smaps has no Referenced: field");
	if (!pid)
		return 0;
	ret = prim_check_pid(pid, "smaps", O_RDONLY, why, len);
	return ret ? ret : prim_check_pid(pid, "clear_refs", O_WRONLY, why, len);
}

static int refs_open(struct prim **out, const struct prim_target *t, char *why, size_t len)
{
	struct refs *r;
	char path[64];
	int ret = refs_probe(t->pid, why, len);

	if (ret)
		return ret;
	r = calloc(1, sizeof(*r));
	if (!r)
		return rec_why(why, len, -ENOMEM, "out of memory");
	r->base.ops = &prim_refs;
	r->pid = t->pid;
	r->rng = prim_now_ns() ^ (uint64_t)t->pid << 32;
	/* a round's Referenced is what was touched from its clear to its read: at least a window */
	r->rounds.min_period_ns = (t->aggr_us > t->sample_us ? t->aggr_us : t->sample_us) * 1000;
	r->rounds.budget_bp = t->budget_bp;
	r->flush = prim_soft_dirty_works() == 0;
		pm_path(path, sizeof(path), t->pid, "clear_refs");
	r->clear_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (r->clear_fd < 0) {
		ret = -errno;
		free(r);
		return rec_why(why, len, ret, "cannot open %s: %s", path, strerror(-ret));
	}
	pm_path(path, sizeof(path), t->pid, "pagemap");
	r->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);	/* the present bit needs no root */
	r->scan = r->pagemap_fd >= 0 ? -1 : 0;
	*out = &r->base;
	return 0;
}

static int add_vma(struct refs *r, uint64_t start, uint64_t end)
{
	if (r->nr == r->alloc) {
		size_t alloc = r->alloc ? r->alloc * 2 : 64;
		struct refs_vma *n = realloc(r->v, alloc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->v = n;
		r->alloc = alloc;
	}
	r->v[r->nr].start = start;
	r->v[r->nr].end = end;
	r->v[r->nr].ppm = 0;
	r->v[r->nr].rss = 0;
	r->v[r->nr].ref = 0;
	r->v[r->nr].partly = 0;
	r->v[r->nr].nr_present = 0;
	r->nr++;
	return 0;
}

static int parse_smaps(struct refs *r, char *text)
{
	char *line = text;

	r->nr = 0;
	while (*line) {
		char *nl = strchr(line, '\n');
		unsigned long long s, e, kb;

		if (nl)
			*nl = '\0';
		if ((*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f')) {
			if (sscanf(line, "%llx-%llx", &s, &e) == 2 && add_vma(r, s, e))
				return -ENOMEM;
		} else if (r->nr && !strncmp(line, "Rss:", 4) &&
			   sscanf(line + 4, "%llu", &kb) == 1) {
			struct refs_vma *v = &r->v[r->nr - 1];

			v->rss = kb * 1024;
			v->partly = v->rss < v->end - v->start;
		} else if (r->nr && !strncmp(line, "Referenced:", 11) &&
			   sscanf(line + 11, "%llu", &kb) == 1) {
			struct refs_vma *v = &r->v[r->nr - 1];
			/* Rss comes first in smaps; without it (never seen) the mapping's size */
			uint64_t base = v->rss ? v->rss : v->end - v->start;
			uint64_t ppm = base ? kb * 1024 * 1000000 / base : 0;

			v->ref = kb * 1024;
			v->ppm = ppm > 1000000 ? 1000000 : (uint32_t)ppm;
			if (r->pagemap_fd < 0 && v->rss) {	/* no pagemap: spread over the mapping */
				ppm = kb * 1024 * 1000000 / (v->end - v->start);
				v->ppm = ppm > 1000000 ? 1000000 : (uint32_t)ppm;
				v->partly = 0;
			}
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return 0;
}

static int add_present(struct refs *r, uint64_t start, uint64_t end)
{
	if (r->nr_present && r->present[r->nr_present - 1].end == start) {
		r->present[r->nr_present - 1].end = end;
		return 0;
	}
	if (r->nr_present == r->alloc_present) {
		size_t alloc = r->alloc_present ? r->alloc_present * 2 : 256;
		struct dr_range *n = realloc(r->present, alloc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->present = n;
		r->alloc_present = alloc;
	}
	r->present[r->nr_present].start = start;
	r->present[r->nr_present].end = end;
	r->nr_present++;
	return 0;
}

/*
 * The resident ranges of @v, from PAGEMAP_SCAN (cost in proportion to its page tables, counted
 * in the round's cost like the smaps read). Return: 0, -ENOTTY/-EINVAL when the kernel has no
 * PAGEMAP_SCAN, -errno.
 */
static int scan_present(struct refs *r, struct refs_vma *v)
{
	struct page_region vec[256];
	uint64_t start = v->start;

	v->present = r->nr_present;
	while (start < v->end) {
		struct pm_scan_arg a = {
			.size = sizeof(a), .start = start, .end = v->end,
			.vec = (uint64_t)(uintptr_t)vec, .vec_len = 256,
			.category_mask = PAGE_IS_PRESENT, .return_mask = PAGE_IS_PRESENT,
		};
		int n = ioctl(r->pagemap_fd, PAGEMAP_SCAN, &a);

		if (n < 0)
			return -errno;
		for (int i = 0; i < n; i++)
			if (add_present(r, vec[i].start, vec[i].end))
				return -ENOMEM;
		if (a.walk_end <= start)
			break;
		start = a.walk_end;
	}
	v->nr_present = r->nr_present - v->present;
	return 0;
}

/*
 * uffd-wp+refs: the bytes of @v that uffd-wp saw written in the round are known page by page;
 * what is left to spread is the rest of Referenced over the rest of Rss.
 */
static int take_written(struct refs *r, struct refs_vma *v)
{
	int64_t w = v->rss ? prim_uffd_take_written(r->wp, v->start, v->end) : 0;
	uint64_t ppm;

	if (w < 0)
		return (int)w;
	if ((uint64_t)w >= v->rss || (uint64_t)w >= v->ref) {
		v->ppm = 0;	/* every referenced byte was written, and seen so */
		return 0;
	}
	ppm = (v->ref - (uint64_t)w) * 1000000 / (v->rss - (uint64_t)w);
	v->ppm = ppm > 1000000 ? 1000000 : (uint32_t)ppm;
	return 0;
}

/* Read smaps: the referenced share of each mapping since the last clear, and where it is resident. */
static int read_round(struct refs *r)
{
	char path[64], *text;
	int ret;

	pm_path(path, sizeof(path), r->pid, "smaps");
	ret = pm_slurp(path, &text, NULL);

	if (ret)
		return ret == -ENOENT ? -ESRCH : ret;
	ret = parse_smaps(r, text);
	free(text);
	for (size_t i = 0; !ret && i < r->nr; i++)
		r->referenced += r->v[i].ref;
	for (size_t i = 0; !ret && r->wp && i < r->nr; i++)
		ret = take_written(r, &r->v[i]);
	r->nr_present = 0;
	for (size_t i = 0; !ret && r->scan && i < r->nr; i++) {
		if (!r->v[i].partly || !r->v[i].ppm)
			continue;
		ret = scan_present(r, &r->v[i]);
		if (ret == -ENOTTY || ret == -EINVAL) {
			r->scan = 0;	/* before 6.7: the pagemap entry per sample */
			ret = 0;
		} else if (ret == -ENOENT || ret == -ESRCH) {
			ret = -ESRCH;
		} else if (!ret) {
			r->scan = 1;
		}
	}
	return ret;
}

/*
 * A round is clear ... read: the read that ends a round comes right before the clear that
 * starts the next one, so each round watches the whole period between clears.
 */
static int refs_prepare(struct prim *p, const uint64_t *addrs, size_t n)
{
	struct refs *r = (struct refs *)p;
	uint64_t now = prim_now_ns(), t1;
	int ret;

	(void)addrs;
	(void)n;
	if (r->rounds.in_round) {
		if (now - r->rounds.start_ns < r->rounds.period_ns)
			return 0;
		ret = read_round(r);
		if (ret)
			return ret;
		t1 = prim_now_ns();
		prim_round_done(&r->rounds, t1, t1 - now);
		now = t1;
	}
	if (!prim_round_due(&r->rounds, now))
		return 0;
	ret = prim_clear_refs(&r->clear_fd, r->pid, "1");
	if (!ret && r->flush)
		ret = prim_clear_refs(&r->clear_fd, r->pid, "4");
	if (ret)
		return ret;
	prim_round_started(&r->rounds, now, prim_now_ns() - now);
	return 0;
}

/*
 * Is the page of @addr (in @v) resident? From the round's ranges, else bit 63 of its pagemap
 * entry (readable without root).
 */
static int resident(struct refs *r, const struct refs_vma *v, uint64_t addr)
{
	uint64_t e;

	if (r->scan == 1) {
		size_t lo = v->present, hi = v->present + v->nr_present;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (r->present[mid].end <= addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < v->present + v->nr_present && r->present[lo].start <= addr;
	}

	if (pread(r->pagemap_fd, &e, sizeof(e), (off_t)(addr / prim_page_size() * sizeof(e))) !=
	    (ssize_t)sizeof(e))
		return 1;	/* unknown: as if resident (the old spread) */
	return !!(e >> 63);
}

static int refs_check(struct prim *p, const uint64_t *addrs, size_t n, uint8_t *accessed)
{
	struct refs *r = (struct refs *)p;
	size_t k = 0;

	if (r->wp) {
		int ret = r->wp->ops->check(r->wp, addrs, n, accessed);

		if (ret)
			return ret;
	}
	if (!r->rounds.have_result)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (accessed[i])
			continue;	/* written: seen page-exact */
		while (k < r->nr && r->v[k].end <= addrs[i])
			k++;
		if (k == r->nr)
			break;
		if (addrs[i] < r->v[k].start || !r->v[k].ppm)
			continue;
		if (r->v[k].partly && !resident(r, &r->v[k], addrs[i]))
			continue;	/* not resident: not touched since the clear */
		accessed[i] = prim_rand(&r->rng) % 1000000 < r->v[k].ppm;
	}
	return 0;
}

static void refs_close(struct prim *p)
{
	struct refs *r = (struct refs *)p;

	if (r->wp)
		r->wp->ops->close(r->wp);
	close(r->clear_fd);
	if (r->pagemap_fd >= 0)
		close(r->pagemap_fd);
	free(r->present);
	free(r->v);
	free(r);
}

const struct prim_ops prim_refs = {
	.name = "refs",
	.sees = "reads+writes, mapping",
	.probe = refs_probe,
	.open = refs_open,
	.prepare = refs_prepare,
	.check = refs_check,
	.target_cost_ns = refs_target_cost_ns,
	.close = refs_close,
};

/* ---- uffd-wp+refs ---- */

static int uffd_refs_probe(pid_t pid, char *why, size_t len)
{
	int ret = prim_uffd_wp.probe(pid, why, len);

	return ret ? ret : refs_probe(pid, why, len);
}

static int uffd_refs_open(struct prim **out, const struct prim_target *t, char *why, size_t len)
{
	struct prim *wp;
	int ret = refs_probe(t->pid, why, len);

	if (!ret)
		ret = prim_uffd_wp.open(&wp, t, why, len);
	if (ret)
		return ret;
	/* the written bytes of a round are counted over whole mappings: protect them whole */
	ret = prim_uffd_protect_whole(wp);
	if (ret) {
		wp->ops->close(wp);
		return rec_why(why, len, ret, "cannot write-protect the memory of pid %d: %s",
			       (int)t->pid, strerror(-ret));
	}
	ret = refs_open(out, t, why, len);
	if (ret) {
		wp->ops->close(wp);
		return ret;
	}
	((struct refs *)*out)->wp = wp;
	(*out)->ops = &prim_uffd_refs;
	return 0;
}

static int uffd_refs_prepare(struct prim *p, const uint64_t *addrs, size_t n)
{
	struct refs *r = (struct refs *)p;
	int ret = r->wp->ops->prepare(r->wp, addrs, n);

	return ret ? ret : refs_prepare(p, addrs, n);
}

static int uffd_refs_maps_changed(struct prim *p, const struct pm_map *m)
{
	struct refs *r = (struct refs *)p;

	return r->wp->ops->maps_changed(r->wp, m);
}

static int uffd_refs_caveat(struct prim *p, char *buf, size_t len)
{
	struct refs *r = (struct refs *)p;

	return r->wp->ops->caveat(r->wp, buf, len);
}

static int uffd_refs_detach(struct prim *p, char *buf, size_t len)
{
	struct refs *r = (struct refs *)p;

	return r->wp->ops->detach(r->wp, buf, len);
}

/*
 * Each page referenced in a round had its accessed bit cleared (and its TLB entry flushed) by
 * the clear that began it: one refill each (PRIM_TLB_REFILL_NS).
 */
static uint64_t refs_target_cost_ns(struct prim *p)
{
	struct refs *r = (struct refs *)p;
	uint64_t ns = r->referenced / prim_page_size() * PRIM_TLB_REFILL_NS;

	r->referenced = 0;
	return ns;
}

static uint64_t uffd_refs_target_cost_ns(struct prim *p)
{
	struct refs *r = (struct refs *)p;

	return refs_target_cost_ns(p) + r->wp->ops->target_cost_ns(r->wp);
}

const struct prim_ops prim_uffd_refs = {
	.name = "uffd-wp+refs",
	.sees = "reads+writes, mapping; writes, page",
	.probe = uffd_refs_probe,
	.open = uffd_refs_open,
	.prepare = uffd_refs_prepare,
	.check = refs_check,
	.maps_changed = uffd_refs_maps_changed,
	.detach = uffd_refs_detach,
	.caveat = uffd_refs_caveat,
	.target_cost_ns = uffd_refs_target_cost_ns,
	.close = refs_close,
};
