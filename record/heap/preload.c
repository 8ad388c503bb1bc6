// SPDX-License-Identifier: GPL-2.0
/*
 * libdaprof-heap.so: loaded into a command by "daprof record --heap-sites" (LD_PRELOAD), it
 * tells the recorder which call stack allocated which heap block, so that a report can name the
 * code that owns hot and cold bytes. It interposes the C allocator (malloc, calloc, realloc,
 * free, posix_memalign, aligned_alloc, memalign, valloc, pvalloc; C++ operator new and delete
 * reach it through libstdc++'s calls of malloc and free) and mmap, munmap and mremap.
 *
 * Cost is bounded by sampling: a block of a page or more is always recorded; smaller ones are
 * sampled by allocated bytes (one sample point per SAMPLE_BYTES on average, exponential gaps,
 * so a block of n bytes is sampled with probability 1 - exp(-n / SAMPLE_BYTES) and stands for
 * n / that probability bytes: the sum is an unbiased estimate). Only recorded blocks are
 * unwound (libunwind's cached unw_backtrace when the build has libunwind, else libgcc's
 * _Unwind_Backtrace, which finds unwind tables through glibc's lock-free _dl_find_object) and
 * kept in a lock-free table, so that their free is reported. The fast paths, of a small block
 * with no sample point and of the free of a block that was not recorded, are a few
 * instructions and a tail call each: a thread-local byte countdown, a load from a 16 KiB filter,
 * no atomics and no test of initialisation (design note 53).
 *
 * Safety: no lock is ever taken by our code. A thread-local flag makes the hooks pass straight
 * through when they are entered again on the same thread (from the unwinder's own allocations,
 * dlsym's, or a signal handler that interrupts a hook). Before the real functions are known,
 * dlsym's allocations come from a static arena. Messages go into a ring in memory shared with
 * the recorder (record/heap/ring.h), lock-free and without a system call: a full ring loses the
 * message and counts the loss in the shared page. A forked child and any other
 * process that inherits the environment stays silent (the variable names one pid); a program
 * the recorded process execs is recorded again from its start. Design note 37.
 *
 * It links nothing of daprof's but record/heap/proto.h.
 * (HEAP_LIBUNWIND: set by the Makefile when pkg-config finds libunwind.)
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifdef HEAP_LIBUNWIND
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#else
#include <unwind.h>
#endif

#include "record/heap/proto.h"
#include "record/heap/ring.h"

#define EXPORT __attribute__((visibility("default")))
#define TLS __thread __attribute__((tls_model("initial-exec")))
#define PAGE 4096u

/* ---- the real functions ---- */

/*
 * malloc, calloc, realloc and free start at stubs that resolve the real ones, so that their
 * fast paths call through the pointer without testing it first.
 */
static void *early_malloc(size_t n);
static void *early_calloc(size_t nmemb, size_t size);
static void *early_realloc(void *old, size_t n);
static void early_free(void *p);
static void *(*real_malloc)(size_t) = early_malloc;
static void *(*real_calloc)(size_t, size_t) = early_calloc;
static void *(*real_realloc)(void *, size_t) = early_realloc;
static void (*real_free)(void *) = early_free;
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void *(*real_pvalloc)(size_t);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_munmap)(void *, size_t);
static void *(*real_mremap)(void *, size_t, size_t, int, ...);

/* dlsym's own allocations, before real_calloc is known */
static char arena[65536] __attribute__((aligned(64)));
static size_t arena_used;
static int resolving;
static int resolved;

static int in_arena(const void *p)
{
	return (const char *)p >= arena && (const char *)p < arena + sizeof(arena);
}

static void mark_arena_block(const void *p);

static void *arena_alloc(size_t n)
{
	size_t at = (arena_used + 15) & ~(size_t)15;

	if (at + n > sizeof(arena))
		return NULL;
	arena_used = at + n;
	mark_arena_block(arena + at);	/* free() must take the slow path for it */
	return arena + at;	/* static storage: already zero */
}

#define RESOLVE(ptr, name)				\
	do {						\
		void *f = dlsym(RTLD_NEXT, name);	\
							\
		if (f)					\
			ptr = f;			\
	} while (0)

static void resolve(void)
{
	if (resolved || resolving)
		return;	/* resolved, or dlsym called a hook: it gets the fallbacks below */
	resolving = 1;
	RESOLVE(real_malloc, "malloc");
	RESOLVE(real_calloc, "calloc");
	RESOLVE(real_realloc, "realloc");
	real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
	real_memalign = dlsym(RTLD_NEXT, "memalign");
	real_valloc = dlsym(RTLD_NEXT, "valloc");
	real_pvalloc = dlsym(RTLD_NEXT, "pvalloc");
	real_mmap = dlsym(RTLD_NEXT, "mmap");
	real_munmap = dlsym(RTLD_NEXT, "munmap");
	real_mremap = dlsym(RTLD_NEXT, "mremap");
	RESOLVE(real_free, "free");
	resolving = 0;
	resolved = 1;
}

static void *early_malloc(size_t n)
{
	if (resolving)
		return arena_alloc(n);
	resolve();
	return real_malloc == early_malloc ? NULL : real_malloc(n);
}

static void *early_calloc(size_t nmemb, size_t size)
{
	if (resolving)
		return arena_alloc(nmemb * size);	/* the caller checked the product */
	resolve();
	return real_calloc == early_calloc ? NULL : real_calloc(nmemb, size);
}

static void *early_realloc(void *old, size_t n)
{
	if (resolving)
		return arena_alloc(n);
	resolve();
	return real_realloc == early_realloc ? NULL : real_realloc(old, n);
}

static void early_free(void *p)
{
	if (!p || in_arena(p))
		return;
	resolve();
	if (real_free != early_free)
		real_free(p);	/* else inside dlsym, a block that is not the arena's: leak it */
}

/* ---- the connection ---- */

static int active;		/* 1: this process is recorded */
static struct heap_shared *shared;
static struct heap_slot *ring;	/* after the shared page (record/heap/ring.h) */
static uint64_t sample_bytes = 512 * 1024;
static uintptr_t self_lo, self_hi;	/* our code, skipped at the top of stacks */

static TLS int busy;		/* inside a hook on this thread */
static TLS int unwinding;	/* inside the unwinder, whose own allocations are not lost ones */
/*
 * Bytes before the next sample point: 0 on a thread that has not drawn its first gap yet,
 * NEVER_SAMPLE in a process that is not recorded and while the thread records a block (so that
 * the unwinder's allocations take the fast path).
 */
static TLS int64_t until_sample;
#define NEVER_SAMPLE	INT64_MAX
static TLS uint64_t rng;

static void count(uint64_t *c)
{
	if (shared)
		__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void send_msg(struct heap_msg *m)
{
	if (!active)
		return;
	if (heap_ring_put(&shared->ring_head, ring, HEAP_RING_SLOTS, m))
		count(&shared->lost_events);
	else if (m->h.type == HEAP_MSG_ALLOC)
		count(&shared->recorded);
}

/* ---- the table of recorded blocks (lock-free open addressing) ---- */

#define TABLE_BITS	20
#define TABLE_SLOTS	(1u << TABLE_BITS)
#define TOMB		((uintptr_t)1)
#define BLOCK_SLOTS	(1u << 14)	/* 16 KiB: stays in the L1 cache */
#define PAGE_SLOTS	(1u << 16)

static _Atomic uintptr_t *table;	/* block addresses; 0 empty, TOMB removed */
/*
 * Two counting filters say where the table may hold a block; 0 means it holds none. A
 * saturated counter stays: a false "maybe" costs the slow path, never a miss. Both are static,
 * so that free() reads one without testing a pointer first.
 *
 * block_filter, by the block's address in 16-byte units (modulo 1 MiB): what free() and
 * realloc() read. Not hashed, so that the frees of neighbouring blocks read the same cache
 * line; not by page, because a sampled block would then send the frees of every block of its
 * page to the table (a cache miss each: 1.3 % of all frees on tests/workloads/allocbench's
 * "work" workload, 2.4 % of its CPU time). The blocks the early arena hands to dlsym are
 * saturated in it, so that free() does not test for them on its fast path.
 *
 * page_filter, by page (modulo 256 MiB): what munmap() reads to skip a range that starts no
 * recorded block, a page at a time.
 */
static _Atomic uint8_t block_filter[BLOCK_SLOTS];
static _Atomic uint8_t page_filter[PAGE_SLOTS];

static inline uint32_t block_slot(uintptr_t a)
{
	return (uint32_t)(a >> 4) & (BLOCK_SLOTS - 1);
}

static inline uint32_t page_slot(uintptr_t a)
{
	return (uint32_t)(a >> 12) & (PAGE_SLOTS - 1);
}

static inline int may_be_recorded(const void *p)
{
	return atomic_load_explicit(&block_filter[block_slot((uintptr_t)p)], memory_order_relaxed);
}

static void filter_add(_Atomic uint8_t *f, int delta)
{
	uint8_t c = atomic_load_explicit(f, memory_order_relaxed);

	while (c && c < 255 && delta < 0 && !atomic_compare_exchange_weak(f, &c, c - 1))
		;
	while (c < 255 && delta > 0 && !atomic_compare_exchange_weak(f, &c, c + 1))
		;
}

static void mark_arena_block(const void *p)
{
	atomic_store_explicit(&block_filter[block_slot((uintptr_t)p)], 255, memory_order_relaxed);
}

static uint32_t hash_addr(uintptr_t a)
{
	uint64_t h = (uint64_t)a * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32);
}

static int table_insert(uintptr_t a)
{
	uint32_t k = hash_addr(a) & (TABLE_SLOTS - 1);

	if (!table)
		return -1;
	for (uint32_t i = 0; i < 64; i++, k = (k + 1) & (TABLE_SLOTS - 1)) {
		uintptr_t cur = atomic_load_explicit(&table[k], memory_order_relaxed);

		if ((cur == 0 || cur == TOMB) &&
		    atomic_compare_exchange_strong(&table[k], &cur, a)) {
			filter_add(&block_filter[block_slot(a)], 1);
			filter_add(&page_filter[page_slot(a)], 1);
			return 0;
		}
	}
	return -1;
}

/* Return: 1 when @a was in the table (and is removed now). */
static int table_remove(uintptr_t a)
{
	uint32_t k;

	if (!table || !may_be_recorded((const void *)a))
		return 0;
	k = hash_addr(a) & (TABLE_SLOTS - 1);
	for (uint32_t i = 0; i < 64; i++, k = (k + 1) & (TABLE_SLOTS - 1)) {
		uintptr_t cur = atomic_load_explicit(&table[k], memory_order_relaxed);

		if (cur == 0)
			return 0;
		if (cur == a && atomic_compare_exchange_strong(&table[k], &cur, TOMB)) {
			filter_add(&block_filter[block_slot(a)], -1);
			filter_add(&page_filter[page_slot(a)], -1);
			return 1;
		}
	}
	return 0;
}

/* ---- stacks ---- */

#ifdef HEAP_LIBUNWIND
/*
 * libunwind's unw_backtrace() caches what it learns of each return address (its fast trace
 * path), where libgcc interprets the unwind tables again at every frame: several times faster.
 */
static unsigned backtrace_pcs(uint64_t *pc)
{
	void *buf[HEAP_MAX_FRAMES + 8];
	int n = unw_backtrace(buf, HEAP_MAX_FRAMES + 8), k = 0;
	unsigned out = 0;

	while (k < n && (uintptr_t)buf[k] >= self_lo && (uintptr_t)buf[k] < self_hi)
		k++;	/* our own frames */
	for (; k < n && out < HEAP_MAX_FRAMES; k++)
		pc[out++] = (uintptr_t)buf[k];
	return out;
}
#else
struct walk {
	uint64_t *pc;
	unsigned n;
};

static _Unwind_Reason_Code on_frame(struct _Unwind_Context *ctx, void *arg)
{
	struct walk *w = arg;
	uintptr_t ip = _Unwind_GetIP(ctx);

	if (!ip)
		return _URC_END_OF_STACK;
	if (ip >= self_lo && ip < self_hi && !w->n)
		return _URC_NO_REASON;	/* our own frames */
	w->pc[w->n++] = ip;
	return w->n == HEAP_MAX_FRAMES ? _URC_END_OF_STACK : _URC_NO_REASON;
}

static unsigned backtrace_pcs(uint64_t *pc)
{
	struct walk w = { pc, 0 };

	_Unwind_Backtrace(on_frame, &w);
	return w.n;
}
#endif

static void record_alloc(void *p, size_t size, uint64_t weight)
{
	struct heap_msg m;
	int saved = errno;
	unsigned n;

	if (table_insert((uintptr_t)p))
		count(&shared->lost_untracked);
	unwinding = 1;
	n = backtrace_pcs(m.frames);
	unwinding = 0;
	m.h.type = HEAP_MSG_ALLOC;
	m.h.nr_frames = n;
	m.h.len = HEAP_MSG_BASE_LEN + n * 8;
	m.time_ns = now_ns();
	m.addr = (uintptr_t)p;
	m.size = size;
	m.weight = weight;
	send_msg(&m);
	errno = saved;
}

static void record_free(uintptr_t a, size_t range)
{
	struct heap_msg m;
	int saved = errno;

	m.h.type = HEAP_MSG_FREE;
	m.h.nr_frames = 0;
	m.h.len = HEAP_MSG_BASE_LEN;
	m.time_ns = now_ns();
	m.addr = a;
	m.size = range;
	m.weight = 0;
	send_msg(&m);
	errno = saved;
}

/* ---- sampling ---- */

static double uniform(void)
{
	if (!rng)
		rng = (uint64_t)(uintptr_t)&rng ^ now_ns() ^ ((uint64_t)getpid() << 32) ^ 1;
	rng ^= rng << 13;	/* xorshift64 */
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((rng >> 11) + 0.5) / 9007199254740992.0;	/* (0, 1) */
}

static int64_t next_gap(void)
{
	return (int64_t)(-log(uniform()) * (double)sample_bytes) + 1;
}

/*
 * The bytes a block of @n stands for, or 0 when it is not recorded. Every block of a page or
 * more is; a smaller one when a sample point falls within its bytes.
 */
static uint64_t weigh(size_t n)
{
	if (n >= PAGE)
		return n;
	if (!until_sample)
		until_sample = next_gap();
	until_sample -= (int64_t)n;
	if (until_sample > 0)
		return 0;
	until_sample = next_gap();
	return (uint64_t)((double)n / -expm1(-(double)n / (double)sample_bytes) + 0.5);
}

/* ---- the hooks ---- */

/*
 * The fast path of an allocation: a small block with no sample point within its bytes. It
 * reads and writes one thread-local word and takes no other branch, so that malloc() is a
 * countdown and a tail call. Every other case (a large block, a sample point, a thread's first
 * allocation, a process that is not recorded, ...) goes to after_alloc().
 */
static inline int unsampled(size_t n)
{
	int64_t left = until_sample - (int64_t)n;

	if (__builtin_expect(n < PAGE && left > 0, 1)) {
		until_sample = left;
		return 1;
	}
	return 0;
}

static void after_alloc(void *p, size_t n)
{
	uint64_t weight;
	int64_t left;

	if (!p)
		return;
	if (!active) {
		until_sample = NEVER_SAMPLE;	/* never the slow path again for small blocks */
		return;
	}
	if (busy) {
		if (n >= PAGE && !unwinding)
			count(&shared->lost_reentrant);
		return;
	}
	weight = weigh(n);
	if (!weight)
		return;
	busy = 1;
	left = until_sample;
	until_sample = NEVER_SAMPLE;
	record_alloc(p, n, weight);
	until_sample = left;
	busy = 0;
}

static __attribute__((noinline)) void *malloc_slow(size_t n)
{
	void *p = real_malloc(n);

	after_alloc(p, n);
	return p;
}

EXPORT void *malloc(size_t n)
{
	if (unsampled(n))
		return real_malloc(n);	/* a tail call */
	return malloc_slow(n);
}

static __attribute__((noinline)) void *calloc_slow(size_t nmemb, size_t size, size_t n)
{
	void *p = real_calloc(nmemb, size);

	after_alloc(p, n);
	return p;
}

EXPORT void *calloc(size_t nmemb, size_t size)
{
	size_t n;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	if (unsampled(n))
		return real_calloc(nmemb, size);
	return calloc_slow(nmemb, size, n);
}

/* A block marked in the block filter: it may be recorded, or be the arena's. */
static __attribute__((noinline)) void free_slow(void *p)
{
	if (!p || in_arena(p))
		return;
	if (active && table_remove((uintptr_t)p))
		record_free((uintptr_t)p, 0);
	real_free(p);
}

EXPORT void free(void *p)
{
	if (__builtin_expect(!may_be_recorded(p), 1)) {
		real_free(p);	/* a tail call */
		return;
	}
	free_slow(p);
}

EXPORT void cfree(void *p)
{
	free(p);
}

EXPORT void *realloc(void *old, size_t n)
{
	int tracked;
	void *p;

	if (in_arena(old)) {
		p = malloc(n);
		if (p)
			memcpy(p, old, n < sizeof(arena) - ((char *)old - arena) ?
			       n : sizeof(arena) - ((char *)old - arena));
		return p;
	}
	/* out of the table before the block can be handed to another thread */
	tracked = old && may_be_recorded(old) && active && table_remove((uintptr_t)old);
	p = real_realloc(old, n);
	if (!p && n) {
		if (tracked && table_insert((uintptr_t)old))
			count(&shared->lost_untracked);
		return p;
	}
	if (tracked)
		record_free((uintptr_t)old, 0);
	if (!unsampled(n))
		after_alloc(p, n);
	return p;
}

EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
	int ret;

	if (!real_posix_memalign)
		resolve();
	if (!real_posix_memalign)
		return ENOMEM;	/* inside dlsym */
	ret = real_posix_memalign(out, align, n);
	if (!ret)
		after_alloc(*out, n);
	return ret;
}

#define ALIGNED_HOOK(name, proto, call, size)		\
EXPORT void *name proto					\
{							\
	void *p;					\
							\
	if (!real_##name)				\
		resolve();				\
	if (!real_##name)	/* inside dlsym */	\
		return NULL;				\
	p = real_##name call;				\
	after_alloc(p, size);				\
	return p;					\
}

ALIGNED_HOOK(aligned_alloc, (size_t align, size_t n), (align, n), n)
ALIGNED_HOOK(memalign, (size_t align, size_t n), (align, n), n)
ALIGNED_HOOK(valloc, (size_t n), (n), n)
ALIGNED_HOOK(pvalloc, (size_t n), (n), n)

/*
 * The longest mapping recorded so far: a recorded block that [a, a + len) cuts starts at most
 * that far before a (an munmap of a mapping's tail cuts a block that starts before it).
 */
static uint64_t longest_map;

static void note_mapping(size_t len)
{
	uint64_t cur = __atomic_load_n(&longest_map, __ATOMIC_RELAXED);

	while (len > cur && !__atomic_compare_exchange_n(&longest_map, &cur, len, 1,
							 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	if (!real_mmap)
		resolve();
	if (!real_mmap)	/* inside dlsym: the system call itself */
		return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	p = real_mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && (flags & MAP_ANONYMOUS) && active) {
		note_mapping(len);
		after_alloc(p, len);
	}
	return p;
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

/* May [@a, @a + @len) cut a recorded block? (The page filter, over where one could start.) */
static int may_cut_blocks(uintptr_t a, size_t len)
{
	uint64_t back = __atomic_load_n(&longest_map, __ATOMIC_RELAXED);
	uintptr_t lo = back && a >= back ? a - back + 1 : back ? 0 : a;
	uintptr_t first = lo >> 12, last = (a + len - 1) >> 12;

	if (!table)
		return 0;	/* nothing recorded */
	if (last - first >= 1024)
		return 1;	/* a message costs less than the scan */
	for (uintptr_t pg = first; pg <= last; pg++)
		if (atomic_load_explicit(&page_filter[pg & (PAGE_SLOTS - 1)],
					 memory_order_relaxed))
			return 1;
	return 0;
}

EXPORT int munmap(void *addr, size_t len)
{
	if (!real_munmap)
		resolve();
	if (!real_munmap)
		return (int)syscall(SYS_munmap, addr, len);
	/* a range that cuts no recorded block is not worth a message (file mappings, ...) */
	if (active && len && may_cut_blocks((uintptr_t)addr, len)) {
		table_remove((uintptr_t)addr);
		record_free((uintptr_t)addr, len);
	}
	return real_munmap(addr, len);
}

EXPORT void *mremap(void *old, size_t old_len, size_t len, int flags, ...)
{
	void *p, *want = NULL;
	va_list ap;

	if (!real_mremap)
		resolve();
	if (!real_mremap)
		return MAP_FAILED;	/* inside dlsym: nobody remaps there */
	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		want = va_arg(ap, void *);
		va_end(ap);
	}
	p = real_mremap(old, old_len, len, flags, want);
	if (p != MAP_FAILED && active) {
		if (table_remove((uintptr_t)old) || p != old || len != old_len) {
			record_free((uintptr_t)old, old_len);
			note_mapping(len);
			after_alloc(p, len);
		}
	}
	return p;
}

/* ---- start ---- */

static void on_fork_child(void)
{
	active = 0;	/* (the mapping stays: a child's messages would not be told apart) */
}

static int find_self(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t me = (uintptr_t)arg;

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && me >= lo && me < lo + ph->p_memsz) {
			self_lo = lo;
			self_hi = lo + ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

static uint64_t parse_u64(const char **s)
{
	uint64_t v = 0;

	while (**s >= '0' && **s <= '9')
		v = v * 10 + (uint64_t)(*(*s)++ - '0');
	if (**s == ':')
		(*s)++;
	return v;
}

__attribute__((constructor)) static void heap_start(void)
{
	const char *env = getenv(HEAP_ENV);
	struct heap_msg m;
	uint64_t fd, pid, ino, rate;
	struct stat st;
	void *map;

	resolve();
	if (!env)
		return;
	fd = parse_u64(&env);
	pid = parse_u64(&env);
	ino = parse_u64(&env);
	rate = parse_u64(&env);
	/* a descriptor of ours only when it is still our memfd: a child may have reused it */
	if (fd > 1024 || fstat((int)fd, &st) || !S_ISREG(st.st_mode) || st.st_ino != ino ||
	    (uint64_t)st.st_size < HEAP_SHM_SIZE)
		return;
	if ((pid_t)pid != getpid()) {
		close((int)fd);	/* a child that exec'd: stay silent, hold nothing open */
		return;
	}
	map = real_mmap(NULL, HEAP_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	if (map == MAP_FAILED || ((struct heap_shared *)map)->magic != HEAP_SHM_MAGIC)
		return;
	table = real_mmap(NULL, TABLE_SLOTS * sizeof(*table),
			  PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (table == MAP_FAILED) {
		table = NULL;
		return;
	}
	shared = map;
	ring = (struct heap_slot *)((char *)map + HEAP_SHM_RING_OFF);
	if (rate)
		sample_bytes = rate;
	dl_iterate_phdr(find_self, (void *)(uintptr_t)heap_start);
#ifdef HEAP_LIBUNWIND
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
#endif
	pthread_atfork(NULL, NULL, on_fork_child);
	active = 1;
	until_sample = 0;	/* allocations before now may have set it to NEVER_SAMPLE */
	memset(&m, 0, sizeof(m));
	m.h.type = HEAP_MSG_START;
	m.h.len = HEAP_MSG_BASE_LEN;
	m.time_ns = now_ns();
	m.addr = (uint64_t)getpid();
	m.size = sample_bytes;
	send_msg(&m);
}
