// SPDX-License-Identifier: GPL-2.0
/*
 * "record --heap-sites", the recorder's side (record/heap-sites.h). A reader thread drains the
 * library's ring (record/heap/ring.h) as fast as it fills, checks the messages of
 * record/heap/proto.h, keeps each distinct call stack once, and queues the events; the
 * recording loop's flush turns the queue into a HEAP chunk that carries the stacks it names, so
 * that every chunk is read alone. The library's losses are read from the shared page, which
 * outlives the target.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format/stacks.h"
#include "record/heap-sites.h"
#include "record/heap/proto.h"
#include "record/heap/ring.h"
#include "record/why.h"

#define MAX_PENDING	(1u << 20)	/* events queued between flushes (48 MiB) */
#define MAX_STACKS	(1u << 20)	/* distinct stacks kept */
/* how long a reserved slot may stay unwritten: while recording, and at the end */
#define PATIENCE_NS	1000000000ull
#define STOP_PATIENCE_NS 100000000ull

/* Per stack: the chunk that last listed it, and its index there. */
struct stack_mark {
	uint64_t chunk_seq;
	uint32_t chunk_idx;
};

struct pending {
	uint8_t kind;
	uint32_t stack;		/* index into stacks */
	uint64_t time_ns, addr, size, weight;
};

struct heaprec {
	char lib[PATH_MAX];
	uint64_t sample_bytes;
	int shmfd;
	struct heap_shared *shared;
	struct heap_slot *slots;
	struct heap_ring_reader ring;
	uint32_t target;
	pthread_t thread;
	int running;
	volatile int stop;
	pthread_mutex_t lock;	/* the members below */
	struct dpf_stacks stacks;	/* each distinct stack once */
	struct stack_mark *marks;	/* by stack id */
	size_t alloc_marks;
	struct pending *pend;
	size_t nr_pend, alloc_pend;
	uint64_t lost_queue;	/* events dropped here: queue or stack table full */
	uint64_t chunk_seq;
	uint64_t nr_starts;	/* programs the library started in */
	long stall_ms;		/* DAPROF_HEAP_TEST_STALL_MS: the reader starts late (tests fill
				 * the ring with it) */
};

/* ---- finding the library ---- */

static int usable(const char *path)
{
	return access(path, R_OK) == 0;
}

static int find_lib(struct heaprec *h, const char *lib, char *why, size_t len)
{
	char exe[PATH_MAX], *slash;
	const char *env = getenv("DAPROF_HEAP_LIB");
	ssize_t n;

	if (!lib && env && *env)
		lib = env;
	if (lib) {
		if (!usable(lib))
			return rec_why(why, len, -ENOENT, "cannot use the heap-site library '%s': %s",
				       lib, strerror(errno));
		snprintf(h->lib, sizeof(h->lib), "%s", lib);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return rec_why(why, len, -ENOENT, "cannot find " HEAP_LIB_NAME ": /proc/self/exe: "
			       "%s (set DAPROF_HEAP_LIB)", strerror(errno));
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(h->lib, sizeof(h->lib), "%s/" HEAP_LIB_NAME, exe);
	if (usable(h->lib))
		return 0;
	snprintf(h->lib, sizeof(h->lib), "%s/../lib/daprof/" HEAP_LIB_NAME, exe);
	if (usable(h->lib))
		return 0;
	return rec_why(why, len, -ENOENT, "cannot find " HEAP_LIB_NAME " beside the program or in "
		       "%s/../lib/daprof (set DAPROF_HEAP_LIB)", exe);
}

int heaprec_new(struct heaprec **out, const char *lib, uint64_t sample_bytes, char *why,
		size_t len)
{
	struct heaprec *h = calloc(1, sizeof(*h));
	int ret;
	void *map;

	*out = NULL;
	if (!h)
		return rec_why(why, len, -ENOMEM, "out of memory");
	h->shmfd = -1;
	h->stacks.max = MAX_STACKS;
	pthread_mutex_init(&h->lock, NULL);
	h->sample_bytes = sample_bytes;
	ret = find_lib(h, lib, why, len);
	if (ret)
		goto out_free;
	h->shmfd = memfd_create(HEAP_SHM_NAME, MFD_CLOEXEC);
	if (h->shmfd < 0 || ftruncate(h->shmfd, HEAP_SHM_SIZE)) {
		ret = rec_why(why, len, -errno, "cannot make the heap-site ring: %s", strerror(errno));
		goto out_free;
	}
	map = mmap(NULL, HEAP_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, h->shmfd, 0);
	if (map == MAP_FAILED) {
		ret = rec_why(why, len, -errno, "cannot map the heap-site ring: %s", strerror(errno));
		goto out_free;
	}
	h->shared = map;
	h->slots = (struct heap_slot *)((char *)map + HEAP_SHM_RING_OFF);
	heap_ring_init(h->slots, HEAP_RING_SLOTS);
	h->shared->magic = HEAP_SHM_MAGIC;
	*out = h;
	return 0;

out_free:
	heaprec_free(h);
	return ret;
}

int heaprec_child(struct heaprec *h)
{
	const char *old = getenv("LD_PRELOAD");
	char env[160], preload[PATH_MAX * 2];
	struct stat st;

	if (fstat(h->shmfd, &st) || fcntl(h->shmfd, F_SETFD, 0))
		return -errno;
	snprintf(env, sizeof(env), "%d:%d:%llu:%llu", h->shmfd, (int)getpid(),
		 (unsigned long long)st.st_ino, (unsigned long long)h->sample_bytes);
	/* ours first, so that its dlsym(RTLD_NEXT) finds an allocator preloaded after it */
	snprintf(preload, sizeof(preload), "%s%s%s", h->lib, old && *old ? ":" : "",
		 old ? old : "");
	if (setenv("LD_PRELOAD", preload, 1) || setenv(HEAP_ENV, env, 1))
		return -errno;
	return 0;
}

/* ---- reading the ring ---- */

/* The id of the stack @f (kept once). Return: it, or -1 when it cannot be kept. */
static long stack_of(struct heaprec *h, const uint64_t *f, uint32_t n)
{
	long id = dpf_stacks_intern(&h->stacks, f, n);

	if (id < 0)
		return -1;
	if ((size_t)id >= h->alloc_marks) {
		size_t na = h->alloc_marks ? h->alloc_marks * 2 : 256;
		struct stack_mark *p = realloc(h->marks, na * sizeof(*p));

		if (!p)
			return -1;
		for (size_t i = h->alloc_marks; i < na; i++)
			p[i] = (struct stack_mark){ .chunk_seq = UINT64_MAX };
		h->marks = p;
		h->alloc_marks = na;
	}
	return id;
}

static void queue(struct heaprec *h, const struct heap_msg *m)
{
	struct pending *p;
	long st = 0;

	if (m->h.type == HEAP_MSG_START)
		h->nr_starts++;
	if (m->h.type == HEAP_MSG_ALLOC) {
		st = stack_of(h, m->frames, m->h.nr_frames);
		if (st < 0) {
			h->lost_queue++;
			return;
		}
	}
	if (h->nr_pend == h->alloc_pend) {
		size_t n = h->alloc_pend ? h->alloc_pend * 2 : 1024;
		void *q;

		if (n > MAX_PENDING || !(q = realloc(h->pend, n * sizeof(*h->pend)))) {
			h->lost_queue++;
			return;
		}
		h->pend = q;
		h->alloc_pend = n;
	}
	p = &h->pend[h->nr_pend++];
	p->kind = m->h.type == HEAP_MSG_START ? DPF_HEAP_START :
		  m->h.type == HEAP_MSG_ALLOC ? DPF_HEAP_ALLOC : DPF_HEAP_FREE;
	p->stack = (uint32_t)st;
	p->time_ns = m->time_ns;
	p->addr = m->addr;
	p->size = m->size;
	p->weight = m->weight;
}

/* A message as our library writes it? (The target can write over the shared memory.) */
static int well_formed(const struct heap_msg *m)
{
	const struct heap_msg_hdr *hd = &m->h;

	return hd->len >= HEAP_MSG_BASE_LEN && hd->len <= sizeof(*m) &&
	       hd->nr_frames <= HEAP_MAX_FRAMES && hd->len == HEAP_MSG_BASE_LEN + hd->nr_frames * 8 &&
	       hd->type >= HEAP_MSG_START && hd->type <= HEAP_MSG_FREE;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Read what the ring holds now. Return: the messages read. */
static size_t drain(struct heaprec *h, uint64_t patience_ns)
{
	struct heap_msg m;
	size_t n = 0;

	pthread_mutex_lock(&h->lock);
	while (heap_ring_get(&h->ring, &h->shared->ring_head, h->slots, HEAP_RING_SLOTS,
			     mono_ns(), patience_ns, &m)) {
		if (well_formed(&m))
			queue(h, &m);
		else
			h->lost_queue++;
		n++;
	}
	pthread_mutex_unlock(&h->lock);
	return n;
}

static void *reader(void *arg)
{
	struct heaprec *h = arg;
	uint64_t stop_at = 0;

	if (h->stall_ms > 0) {
		struct timespec ts = { h->stall_ms / 1000, (h->stall_ms % 1000) * 1000000 };

		nanosleep(&ts, NULL);
	}
	/*
	 * Drain, then sleep: the target never wakes us (a cross-CPU wake-up per message cost the
	 * target 17 % of its time on a virtual machine, when this was a pipe). A ring of 4,096
	 * slots drained every 2 ms holds 2 million messages a second. At the stop, drain until
	 * the ring is empty, or a reserved slot stayed unwritten STOP_PATIENCE_NS.
	 */
	for (;;) {
		int stopping = h->stop;
		struct timespec ts = { 0, stopping ? 1000000 : 2000000 };

		drain(h, stopping ? STOP_PATIENCE_NS : PATIENCE_NS);
		if (stopping) {
			uint64_t now = mono_ns();

			if (!stop_at)
				stop_at = now;
			if (heap_ring_empty(&h->ring, &h->shared->ring_head) ||
			    now - stop_at > 2 * STOP_PATIENCE_NS)
				break;
		}
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int heaprec_start(struct heaprec *h, uint32_t target, char *why, size_t len)
{
	int ret;

	h->target = target;
	if (getenv("DAPROF_HEAP_TEST_STALL_MS"))
		h->stall_ms = atol(getenv("DAPROF_HEAP_TEST_STALL_MS"));
	ret = pthread_create(&h->thread, NULL, reader, h);
	if (ret)
		return rec_why(why, len, -ret, "cannot start the heap-site reader: %s", strerror(ret));
	h->running = 1;
	return 0;
}

uint64_t heaprec_programs(struct heaprec *h)
{
	uint64_t n;

	pthread_mutex_lock(&h->lock);
	n = h->nr_starts;
	pthread_mutex_unlock(&h->lock);
	return n;
}

void heaprec_stop(struct heaprec *h)
{
	if (!h || !h->running)
		return;
	h->stop = 1;
	pthread_join(h->thread, NULL);
	h->running = 0;
}

/* ---- writing ---- */

/*
 * Events per HEAP chunk: whatever the stacks, a chunk stays far below the 64 MiB a chunk may
 * hold and the 96 MiB a reader decodes (65536 events of 48 frames: 31 MiB at most).
 */
#define CHUNK_EVENTS	65536u

int heaprec_flush(struct heaprec *h, struct dpf_writer *w)
{
	struct dpf_heap base = { .target = h->target, .sample_bytes = h->sample_bytes }, *c = NULL;
	size_t nr_chunks, nr_pend;
	int ret = 0;

	pthread_mutex_lock(&h->lock);
	nr_pend = h->nr_pend;
	nr_chunks = (nr_pend + CHUNK_EVENTS - 1) / CHUNK_EVENTS;
	if (!nr_pend) {
		pthread_mutex_unlock(&h->lock);
		return 0;
	}
	base.recorded = __atomic_load_n(&h->shared->recorded, __ATOMIC_RELAXED);
	base.lost_events = __atomic_load_n(&h->shared->lost_events, __ATOMIC_RELAXED) +
			   h->lost_queue + h->ring.skipped;
	base.lost_untracked = __atomic_load_n(&h->shared->lost_untracked, __ATOMIC_RELAXED);
	base.lost_reentrant = __atomic_load_n(&h->shared->lost_reentrant, __ATOMIC_RELAXED);
	c = calloc(nr_chunks, sizeof(*c));
	for (size_t k = 0; c && k < nr_chunks; k++) {
		size_t from = k * CHUNK_EVENTS, n = nr_pend - from < CHUNK_EVENTS ?
						    nr_pend - from : CHUNK_EVENTS;

		c[k] = base;
		c[k].events = calloc(n, sizeof(*c[k].events));
		c[k].stacks = calloc(n, sizeof(*c[k].stacks));
		if (!c[k].events || !c[k].stacks) {
			ret = -ENOMEM;
			break;
		}
		h->chunk_seq++;	/* each chunk lists the stacks it names */
		for (size_t i = 0; i < n; i++) {
			const struct pending *p = &h->pend[from + i];
			struct dpf_heap_event *e = &c[k].events[i];

			*e = (struct dpf_heap_event){ .kind = p->kind, .time_ns = p->time_ns,
				.addr = p->addr, .size = p->size, .weight = p->weight };
			if (p->kind == DPF_HEAP_ALLOC) {
				const struct dpf_stack *s = &h->stacks.s[p->stack];
				struct stack_mark *mk = &h->marks[p->stack];

				if (mk->chunk_seq != h->chunk_seq) {
					mk->chunk_seq = h->chunk_seq;
					mk->chunk_idx = c[k].nr_stacks;
					c[k].stacks[c[k].nr_stacks++] =
						(struct dpf_heap_stack){ s->nr, s->frames };
				}
				e->stack = mk->chunk_idx;
			}
		}
		c[k].nr_events = (uint32_t)n;
	}
	if (!c)
		ret = -ENOMEM;
	if (!ret)
		h->nr_pend = 0;
	pthread_mutex_unlock(&h->lock);
	/* the frames belong to the stack table, which only grows: safe without the lock */
	for (size_t k = 0; !ret && k < nr_chunks; k++)
		ret = dpf_writer_heap(w, &c[k]);
	for (size_t k = 0; c && k < nr_chunks; k++) {
		free(c[k].events);
		free(c[k].stacks);
	}
	free(c);
	return ret;
}

int heaprec_describe(struct heaprec *h, struct dpf_meta *m)
{
	int ret = dpf_meta_set(m, "heap_sites", "1");

	if (!ret)
		ret = dpf_meta_setf(m, "heap_sample_bytes", "%llu",
				    (unsigned long long)h->sample_bytes);
	if (!ret)
		ret = dpf_meta_setf(m, "heap_recorded", "%llu", (unsigned long long)
				    __atomic_load_n(&h->shared->recorded, __ATOMIC_RELAXED));
	if (!ret)
		ret = dpf_meta_setf(m, "heap_lost", "%llu", (unsigned long long)
				    (__atomic_load_n(&h->shared->lost_events, __ATOMIC_RELAXED) +
				     h->lost_queue + h->ring.skipped));
	if (!ret)
		ret = dpf_meta_setf(m, "heap_programs", "%llu", (unsigned long long)h->nr_starts);
	return ret;
}

void heaprec_free(struct heaprec *h)
{
	if (!h)
		return;
	heaprec_stop(h);
	if (h->shmfd >= 0)
		close(h->shmfd);
	if (h->shared)
		munmap(h->shared, HEAP_SHM_SIZE);
	dpf_stacks_release(&h->stacks);
	free(h->marks);
	free(h->pend);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
