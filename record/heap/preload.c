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
 * kept in a lock-free table, so that their free is reported.
 *
 * Safety: no lock is ever taken by our code. A thread-local flag makes the hooks pass straight
 * through when they are entered again on the same thread (from the unwinder's own allocations,
 * dlsym's, or a signal handler that interrupts a hook). Before the real functions are known,
 * dlsym's allocations come from a static arena. Writes go through a non-blocking pipe: a full
 * pipe loses the message and counts the loss in a shared page. A forked child and any other
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

#define EXPORT __attribute__((visibility("default")))
#define TLS __thread __attribute__((tls_model("initial-exec")))
#define PAGE 4096u

/* ---- the real functions ---- */

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
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

static int in_arena(const void *p)
{
	return (const char *)p >= arena && (const char *)p < arena + sizeof(arena);
}

static void *arena_alloc(size_t n)
{
	size_t at = (arena_used + 15) & ~(size_t)15;

	if (at + n > sizeof(arena))
		return NULL;
	arena_used = at + n;
	return arena + at;	/* static storage: already zero */
}

static void resolve(void)
{
	if (real_free || resolving)
		return;	/* resolved, or dlsym called a hook: it gets the fallbacks below */
	resolving = 1;
	real_malloc = dlsym(RTLD_NEXT, "malloc");
	real_calloc = dlsym(RTLD_NEXT, "calloc");
	real_realloc = dlsym(RTLD_NEXT, "realloc");
	real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
	real_memalign = dlsym(RTLD_NEXT, "memalign");
	real_valloc = dlsym(RTLD_NEXT, "valloc");
	real_pvalloc = dlsym(RTLD_NEXT, "pvalloc");
	real_mmap = dlsym(RTLD_NEXT, "mmap");
	real_munmap = dlsym(RTLD_NEXT, "munmap");
	real_mremap = dlsym(RTLD_NEXT, "mremap");
	real_free = dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

/* ---- the connection ---- */

static int active;		/* 1: this process is recorded */
static int out_fd = -1;
static struct heap_shared *shared;
static uint64_t sample_bytes = 512 * 1024;
static uintptr_t self_lo, self_hi;	/* our code, skipped at the top of stacks */

static TLS int busy;		/* inside a hook on this thread */
static TLS int unwinding;	/* inside the unwinder, whose own allocations are not lost ones */
static TLS int64_t until_sample;	/* bytes before the next sample point */
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
	ssize_t n;

	if (!active)
		return;
	do {
		n = write(out_fd, m, m->h.len);
	} while (n < 0 && errno == EINTR);
	if (n != m->h.len)
		count(&shared->lost_events);
	else if (m->h.type == HEAP_MSG_ALLOC)
		count(&shared->recorded);
}

/* ---- the table of recorded blocks (lock-free open addressing) ---- */

#define TABLE_BITS	20
#define TABLE_SLOTS	(1u << TABLE_BITS)
#define TOMB		((uintptr_t)1)
#define FILTER_SLOTS	(1u << 16)	/* 64 KiB: stays in cache */

static _Atomic uintptr_t *table;	/* block addresses; 0 empty, TOMB removed */
/*
 * A counting filter by page number: 0 means no block in the table starts in that page (modulo
 * FILTER_SLOTS pages). By page, not by a hash, so that frees of neighbouring blocks read the
 * same cache lines: the free of a block that was not recorded costs one load that hits.
 */
static _Atomic uint8_t *filter;

static uint32_t filter_slot(uintptr_t a)
{
	return (uint32_t)(a >> 12) & (FILTER_SLOTS - 1);
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
			uint32_t f = filter_slot(a);
			uint8_t c = atomic_load_explicit(&filter[f], memory_order_relaxed);

			/* a saturated counter stays: a false "maybe" costs a probe, never a miss */
			while (c < 255 && !atomic_compare_exchange_weak(&filter[f], &c, c + 1))
				;
			return 0;
		}
	}
	return -1;
}

/* Return: 1 when @a was in the table (and is removed now). */
static int table_remove(uintptr_t a)
{
	uint32_t f = filter_slot(a), k;

	if (!table || !atomic_load_explicit(&filter[f], memory_order_relaxed))
		return 0;
	k = hash_addr(a) & (TABLE_SLOTS - 1);
	for (uint32_t i = 0; i < 64; i++, k = (k + 1) & (TABLE_SLOTS - 1)) {
		uintptr_t cur = atomic_load_explicit(&table[k], memory_order_relaxed);

		if (cur == 0)
			return 0;
		if (cur == a && atomic_compare_exchange_strong(&table[k], &cur, TOMB)) {
			uint8_t c = atomic_load_explicit(&filter[f], memory_order_relaxed);

			while (c && c < 255 && !atomic_compare_exchange_weak(&filter[f], &c, c - 1))
				;
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

static void after_alloc(void *p, size_t n)
{
	uint64_t weight;

	if (!p || !active)
		return;
	if (busy) {
		if (n >= PAGE && !unwinding)
			count(&shared->lost_reentrant);
		return;
	}
	weight = weigh(n);
	if (!weight)
		return;
	busy = 1;
	record_alloc(p, n, weight);
	busy = 0;
}

static void before_free(void *p)
{
	if (p && active && table_remove((uintptr_t)p))
		record_free((uintptr_t)p, 0);
}

EXPORT void *malloc(size_t n)
{
	void *p;

	if (__builtin_expect(!real_malloc, 0)) {
		if (resolving)
			return arena_alloc(n);
		resolve();
	}
	if (!active)
		return real_malloc(n);	/* a tail call: silent processes pay one jump */
	p = real_malloc(n);
	/* the common case inline: a small block and no sample point within it */
	if (__builtin_expect(p && n < PAGE && until_sample > (int64_t)n && !busy, 1)) {
		until_sample -= (int64_t)n;
		return p;
	}
	after_alloc(p, n);
	return p;
}

EXPORT void *calloc(size_t nmemb, size_t size)
{
	size_t n;
	void *p;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	if (!real_calloc) {
		if (resolving)
			return arena_alloc(n);
		resolve();
	}
	p = real_calloc(nmemb, size);
	after_alloc(p, n);
	return p;
}

EXPORT void free(void *p)
{
	if (__builtin_expect(!real_free || in_arena(p), 0)) {
		if (!p || in_arena(p))
			return;
		resolve();
		if (!real_free)
			return;	/* inside dlsym, a block that is not the arena's: leak it */
	}
	if (active && p)
		before_free(p);
	real_free(p);	/* a tail call */
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
	if (!real_realloc) {
		if (resolving)
			return arena_alloc(n);
		resolve();
	}
	/* out of the table before the block can be handed to another thread */
	tracked = old && active && table_remove((uintptr_t)old);
	p = real_realloc(old, n);
	if (!p && n) {
		if (tracked && table_insert((uintptr_t)old))
			count(&shared->lost_untracked);
		return p;
	}
	if (tracked)
		record_free((uintptr_t)old, 0);
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

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	if (!real_mmap)
		resolve();
	if (!real_mmap)	/* inside dlsym: the system call itself */
		return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	p = real_mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && (flags & MAP_ANONYMOUS))
		after_alloc(p, len);
	return p;
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

/* Can [@a, @a + @len) hold the start of a recorded block? (The filter, page by page.) */
static int may_hold_blocks(uintptr_t a, size_t len)
{
	uintptr_t first = a >> 12, last = (a + len - 1) >> 12;

	if (!table || last - first >= FILTER_SLOTS)
		return 1;
	for (uintptr_t pg = first; pg <= last; pg++)
		if (atomic_load_explicit(&filter[pg & (FILTER_SLOTS - 1)], memory_order_relaxed))
			return 1;
	return 0;
}

EXPORT int munmap(void *addr, size_t len)
{
	if (!real_munmap)
		resolve();
	if (!real_munmap)
		return (int)syscall(SYS_munmap, addr, len);
	/* a range that holds no recorded block is not worth a message (file mappings, ...) */
	if (active && len && may_hold_blocks((uintptr_t)addr, len)) {
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
			after_alloc(p, len);
		}
	}
	return p;
}

/* ---- start ---- */

static int in_fd = -1;		/* the pipe's read end, held open (record/heap/proto.h) */

static void on_fork_child(void)
{
	if (active) {
		active = 0;
		close(out_fd);
		close(in_fd);
	}
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
	uint64_t fd, pid, ino, rate, shm, rfd;
	struct stat st, rst;
	void *page;

	resolve();
	if (!env)
		return;
	fd = parse_u64(&env);
	pid = parse_u64(&env);
	ino = parse_u64(&env);
	rate = parse_u64(&env);
	shm = parse_u64(&env);
	rfd = parse_u64(&env);
	/* a descriptor of ours only when it is still our pipe: a child may have reused it */
	if (fd > 1024 || fstat((int)fd, &st) || !S_ISFIFO(st.st_mode) || st.st_ino != ino)
		return;
	if (rfd > 1024 || fstat((int)rfd, &rst) || rst.st_ino != ino)
		rfd = (uint64_t)-1;
	if ((pid_t)pid != getpid()) {
		close((int)fd);	/* a child that exec'd: stay silent, hold no pipe open */
		close((int)shm);
		if (rfd != (uint64_t)-1)
			close((int)rfd);
		return;
	}
	in_fd = (int)rfd;
	page = real_mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, (int)shm, 0);
	if (page == MAP_FAILED || ((struct heap_shared *)page)->magic != HEAP_SHM_MAGIC)
		return;
	table = real_mmap(NULL, TABLE_SLOTS * sizeof(*table) + FILTER_SLOTS,
			  PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (table == MAP_FAILED) {
		table = NULL;
		return;
	}
	filter = (_Atomic uint8_t *)(table + TABLE_SLOTS);
	shared = page;
	out_fd = (int)fd;
	if (rate)
		sample_bytes = rate;
	dl_iterate_phdr(find_self, (void *)(uintptr_t)heap_start);
#ifdef HEAP_LIBUNWIND
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
#endif
	pthread_atfork(NULL, NULL, on_fork_child);
	active = 1;
	memset(&m, 0, sizeof(m));
	m.h.type = HEAP_MSG_START;
	m.h.len = HEAP_MSG_BASE_LEN;
	m.time_ns = now_ns();
	m.addr = (uint64_t)getpid();
	m.size = sample_bytes;
	send_msg(&m);
}
