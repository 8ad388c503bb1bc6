/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Access-check primitives of the userspace sampler. The kernel offers several partial answers to
 * "was this page of process P accessed since I last looked?" (daprof-record(1), "Primitives");
 * each is one struct prim_ops, probed before use, and all drive the same region engine through
 * prepare()/check(). The table order is what --primitive auto tries: what a primitive sees
 * first (reads and writes, then writes only), page-exact before per-mapping.
 */
#ifndef RECORD_PRIM_H
#define RECORD_PRIM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "record/procmaps.h"
#include "record/why.h"

struct prim_target {
	pid_t pid;
	int launched;		/* stopped at its exec, traced by this process */
	uint64_t sample_us;
	uint64_t aggr_us;	/* 0: not known */
	uint32_t budget_bp;	/* record --max-overhead, basis points of a core; 0: none */
	const struct pm_map *maps;	/* the map when monitoring starts */
};

struct prim_ops;

/* Every primitive's state begins with this. */
struct prim {
	const struct prim_ops *ops;
};

struct prim_ops {
	const char *name;	/* "uffd-wp" */
	const char *sees;	/* "writes, page": stored as primitive_sees */
	/*
	 * probe() - can this primitive work here (@pid 0: on this system at all; otherwise also for
	 * that process)? Read-only, or touching only the recorder's own pages.
	 * Return: 0, or -errno with a one-line reason in @why.
	 */
	int (*probe)(pid_t pid, char *why, size_t len);
	/* open() - start on @t. Return: 0 or -errno with a one-line reason in @why. */
	int (*open)(struct prim **p, const struct prim_target *t, char *why, size_t len);
	/* prepare(), check() - as struct dr_prim (record/regions.h). -ESRCH: target gone. */
	int (*prepare)(struct prim *p, const uint64_t *addrs, size_t n);
	int (*check)(struct prim *p, const uint64_t *addrs, size_t n, uint8_t *accessed);
	/* maps_changed() - the target's map is @m now (optional). Return: 0 or -errno. */
	int (*maps_changed)(struct prim *p, const struct pm_map *m);
	/*
	 * caveat() - what a user must know of this run beyond what the primitive sees: an effect
	 * on the target, or memory it cannot watch (optional). Return: 1 with one line in @buf,
	 * or 0 when there is nothing to say.
	 */
	int (*caveat)(struct prim *p, char *buf, size_t len);
	/*
	 * detach() - leave the target as it was before close(): lift what open() put on it and
	 * repair what watching changed, where that can be done (optional). Return: 1 with one
	 * line in @buf for the user, or 0 when there is nothing to say.
	 */
	int (*detach)(struct prim *p, char *buf, size_t len);
	/*
	 * target_cost_ns() - the time the target lost to this primitive since the last call, an
	 * estimate from what it did (faults it caused, TLB entries it made the target refill; the
	 * PRIM_*_NS constants below). Optional: 0. The recorder's own work is not in it.
	 */
	uint64_t (*target_cost_ns)(struct prim *p);
	/* close() - undo everything open() did and free. */
	void (*close)(struct prim *p);
};

extern const struct prim_ops prim_page_idle;
extern const struct prim_ops prim_uffd_wp;
/* prim_uffd_splits_thp() - 1 when transparent huge pages are on, which uffd-wp splits when written */
int prim_uffd_splits_thp(void);
/*
 * prim_uffd_take_written() - the bytes of [@start, @end) written since they were last protected,
 * protected again: what the uffd-wp primitive @p saw written there since the last call.
 * Return: bytes, or -errno (-ESRCH: the target is gone).
 */
int64_t prim_uffd_take_written(struct prim *p, uint64_t start, uint64_t end);
/*
 * prim_uffd_protect_whole() - from now on, protect every written page of each mapping when it is
 * registered, and do so now for those registered already (uffd-wp alone protects only the sample
 * pages). Return: 0 or -errno (-ESRCH: the target is gone).
 */
int prim_uffd_protect_whole(struct prim *p);
/*
 * The combined primitive (not tried by auto): uffd-wp's page-exact writes, and refs' per-mapping
 * count of the rest (reads, and writes uffd-wp could not watch) spread over the mapping's
 * resident pages that were not written.
 */
extern const struct prim_ops prim_uffd_refs;
extern const struct prim_ops prim_soft_dirty;
extern const struct prim_ops prim_refs;

/*
 * prim_soft_dirty_works() - 1 when this kernel sets soft-dirty bits, 0 when it never does (then
 * "echo 4 > clear_refs" only walks the page tables and flushes the TLB), -errno when unknown.
 * Tried once on a page of the recorder's own, then remembered.
 */
int prim_soft_dirty_works(void);

/* prim_all - every primitive in the order --primitive auto tries them, NULL-terminated. */
extern const struct prim_ops *const prim_all[];

/* prim_find() - the primitive named @name, or NULL. */
const struct prim_ops *prim_find(const char *name);
/* prim_names() - "page-idle, uffd-wp, soft-dirty, refs" for messages. */
const char *prim_names(void);

/* ---- helpers shared by the primitives ---- */

uint64_t prim_now_ns(void);
/*
 * prim_cpu_ns() - the CPU time of the whole recorder (its writing and, for top, its drawing count
 * too): what a budget charges it.
 */
uint64_t prim_cpu_ns(void);
/* prim_page_size() - the page size, cached. */
uint64_t prim_page_size(void);
/*
 * prim_check_pid() - the checks every primitive makes on a pid: it exists, is a user process,
 * and @file under /proc/PID can be opened with @flags. Return: 0 or -errno with @why.
 */
int prim_check_pid(pid_t pid, const char *file, int flags, char *why, size_t len);
/* prim_write_str() - write @value at offset 0 of @fd (clear_refs). Return: 0 or -errno. */
int prim_write_str(int fd, const char *value);
/*
 * prim_clear_refs() - write @value to the clear_refs file open as *@fd for process @pid. A write
 * acts through the thread the file was opened for: when that thread has exited (the process
 * living on in others) the file is opened again through a live one (pm_mm_pid()).
 * Return: 0 or -errno (-ESRCH when the process is gone).
 */
int prim_clear_refs(int *fd, pid_t pid, const char *value);

/*
 * What one event costs the target, as target_cost_ns() estimates it (design note 43): a write
 * to a write-protected page (uffd-wp's asynchronous fault, soft-dirty's fault after a clear:
 * the trap, the PTE change, the TLB refill; a guest traps to the hypervisor), the shootdown of
 * its TLB entries when a page of it is write-protected (an interrupt on each CPU running it),
 * and the refill of a TLB entry whose accessed bit was cleared (page-idle's sample pages, refs'
 * clear_refs).
 */
#define PRIM_WP_FAULT_NS 8000
#define PRIM_SHOOTDOWN_NS 6000
#define PRIM_TLB_REFILL_NS 200

/*
 * Rounds of a process-wide primitive (clear_refs based): the clear and the read cost time in
 * proportion to the target's size, so rounds are spaced to keep the recorder's share of a core
 * near PRIM_ROUND_BUDGET_PCT, or three quarters of the recorder's budget when it has one
 * (prim_target.budget_bp; the rest is the sampling's and the writing's, so that the overhead
 * controller, which cannot space the rounds, does not chase them), and checks between rounds
 * answer from the last finished round.
 */
#define PRIM_ROUND_BUDGET_PCT 2

struct prim_rounds {
	uint32_t budget_bp;	/* the recorder's budget (prim_target); 0: PRIM_ROUND_BUDGET_PCT */
	uint64_t nr_rounds;	/* finished */
	uint64_t min_period_ns;	/* the sampling interval */
	uint64_t next_ns;	/* earliest start of the next round */
	uint64_t start_ns;
	uint64_t cost_ns;	/* of the round in progress: clear + read */
	uint64_t period_ns;	/* from one round's start to the next: cost / budget */
	int in_round;
	int have_result;
};

/* prim_round_due() - 1 when a new round may start now. */
int prim_round_due(const struct prim_rounds *r, uint64_t now);
/* prim_round_started() - a round began at @now and its clear cost @cost_ns. */
void prim_round_started(struct prim_rounds *r, uint64_t now, uint64_t cost_ns);
/* prim_round_done() - the round's read finished at @now after costing @cost_ns. */
void prim_round_done(struct prim_rounds *r, uint64_t now, uint64_t cost_ns);

/* A small generator for primitives that answer with a probability (refs). */
uint64_t prim_rand(uint64_t *state);

#endif /* RECORD_PRIM_H */
