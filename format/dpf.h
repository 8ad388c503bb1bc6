/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daprof recording file: public API of the writer and the streaming reader.
 * Spec: Documentation/daprof-data.5. Change both in the same commit.
 *
 * A file is a 64-byte header, then self-describing chunks (each zlib-compressed with its own
 * CRC32), then, on a clean close, an index chunk and a 32-byte trailer. The writer streams with
 * memory bounded by one chunk; the reader iterates records in file order with memory bounded by
 * one chunk, reports damaged chunks as events and goes on with the next good one.
 */
#ifndef DPF_H
#define DPF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DPF_MAGIC		"\x89" "DPF\r\n\x1a\n"	/* 8 bytes; catches text-mode mangling */
#define DPF_MAJOR		1	/* bump: old readers must refuse the file */
#define DPF_MINOR		2	/* bump: additive only; old readers skip what they don't know */
#define DPF_HEADER_SIZE		64
#define DPF_CHUNK_HEADER_SIZE	24
#define DPF_TRAILER_SIZE	32
#define DPF_CHUNK_SYNC		0x4b435044u	/* "DPCK" little-endian: resync point */
#define DPF_MAX_CHUNK_RAW	(64u << 20)	/* readers refuse larger chunks as hostile */
#define DPF_MAX_TARGETS		64	/* distinct target ids per chunk */
/*
 * Readers are bounded whatever a file declares (daprof-data.5, "Limits"): besides one chunk's
 * raw bytes, a reader holds at most DPF_MAX_DECODE_BYTES of decoded state for the chunk (the
 * regions of the snapshots of all its targets, current and delta base, or one memory map) and
 * DPF_MAX_META_BYTES of metadata. A chunk that needs more is damage; writers refuse to make it.
 */
#define DPF_MAX_DECODE_BYTES	(96u << 20)
#define DPF_MAX_CHUNK_REGIONS	(DPF_MAX_DECODE_BYTES / sizeof(struct dpf_region))
#define DPF_MAX_META_BYTES	(32u << 20)

enum dpf_chunk_type {
	DPF_CHUNK_META		= 1,	/* key/value strings */
	DPF_CHUNK_SNAPSHOTS	= 2,	/* one or more snapshots, delta/varint coded */
	DPF_CHUNK_MAPS		= 3,	/* a target's memory map at a time */
	DPF_CHUNK_RUSAGE	= 4,	/* resource use samples */
	DPF_CHUNK_INDEX		= 5,	/* footer: time -> chunk offset */
	DPF_CHUNK_HEAP		= 6,	/* heap allocation sites (minor 1): events and stacks */
	DPF_CHUNK_INTERVALS	= 7,	/* changes of the monitoring intervals (minor 2) */
};

enum dpf_chunk_flags {
	DPF_CF_REQUIRED		= 1 << 0,	/* a reader that doesn't know the type must fail */
	DPF_CF_STORED		= 1 << 1,	/* payload is not compressed */
};

struct dpf_region {
	uint64_t start;		/* [start, end) */
	uint64_t end;
	uint32_t nr_accesses;	/* samples that saw an access in the aggregation interval */
	uint32_t age;		/* aggregation intervals the access level has held */
};

struct dpf_snapshot {
	uint32_t target;	/* index into the recording's targets (meta "target.N.*") */
	uint64_t start_ns;	/* aggregation interval [start_ns, end_ns), CLOCK_MONOTONIC unless */
	uint64_t end_ns;	/*   meta "clock" says otherwise */
	uint32_t nr_regions;
	struct dpf_region *regions;	/* sorted by start, non-overlapping */
};

struct dpf_meta_entry {
	char *key;
	char *value;
};

/*
 * Metadata: an ordered list of key/value strings; keys are listed in daprof-data.5. Read the
 * entries freely; change them only through dpf_meta_set() (an entry's key and value share one
 * allocation, and a hash index finds keys).
 */
struct dpf_meta {
	size_t nr;
	size_t alloc;
	struct dpf_meta_entry *entries;
	uint32_t *index;	/* open addressing: entry number + 1, or 0 for an empty slot */
	size_t index_size;	/* slots, a power of two, at least twice nr */
	size_t bytes;		/* heap bytes held, for the reader's DPF_MAX_META_BYTES */
};

enum dpf_map_perm {
	DPF_MAP_READ	= 1 << 0,
	DPF_MAP_WRITE	= 1 << 1,
	DPF_MAP_EXEC	= 1 << 2,
	DPF_MAP_SHARED	= 1 << 3,
};

struct dpf_mapping {
	uint64_t start;
	uint64_t end;
	uint64_t offset;	/* file offset of start */
	uint32_t perms;		/* enum dpf_map_perm */
	char *path;		/* "" for anonymous; "[heap]", "[stack]" as in /proc/PID/maps */
	uint8_t build_id_len;
	uint8_t build_id[32];
};

struct dpf_maps {
	uint32_t target;
	uint64_t time_ns;
	uint32_t nr;
	struct dpf_mapping *maps;
};

/* One resource-use sample. Fields a producer doesn't know are 0. */
struct dpf_rusage {
	uint64_t time_ns;
	uint64_t self_utime_ns;
	uint64_t self_stime_ns;
	uint64_t self_maxrss;	/* bytes */
	uint64_t target_utime_ns;
	uint64_t target_stime_ns;
	uint64_t target_rss;	/* bytes */
};

/*
 * Heap allocation sites (record --heap-sites): one HEAP chunk holds one target's recorded
 * allocations and frees of a stretch of time, the call stacks they name (each chunk has its own,
 * so that it is read alone) and the target's losses so far.
 */
enum dpf_heap_kind {
	DPF_HEAP_START = 1,	/* a program started in the target (exec): every block ends */
	DPF_HEAP_ALLOC,		/* a recorded block [addr, addr + size) */
	DPF_HEAP_FREE,		/* size 0: the block at addr ends; else every block in the range */
};

struct dpf_heap_event {
	uint8_t kind;		/* enum dpf_heap_kind */
	uint32_t stack;		/* DPF_HEAP_ALLOC: index into the chunk's stacks */
	uint64_t time_ns;
	uint64_t addr;
	uint64_t size;
	uint64_t weight;	/* bytes the block stands for: size, or more for a sampled one */
};

struct dpf_heap_stack {
	uint32_t nr;
	const uint64_t *frames;	/* return addresses, innermost first */
};

#define DPF_HEAP_MAX_FRAMES	64

struct dpf_heap {
	uint32_t target;
	uint64_t sample_bytes;	/* the sampling rate of blocks under a page (0: unknown) */
	/* the target's counts since its recording started (cumulative, as at the chunk's end) */
	uint64_t recorded;	/* allocations sent */
	uint64_t lost_events;	/* allocations and frees lost: the channel was full */
	uint64_t lost_untracked;	/* recorded blocks whose free could not be tracked */
	uint64_t lost_reentrant;	/* large blocks not recorded (allocated in a signal handler
					 * that interrupted the library) */
	uint32_t nr_stacks;
	struct dpf_heap_stack *stacks;
	uint32_t nr_events;
	struct dpf_heap_event *events;	/* in the order the target made them */
	uint64_t *frames;	/* the stacks' storage */
};

/*
 * A change of the monitoring intervals and region bounds of one target (INTERVALS chunk): they
 * hold for its snapshots that start at or after @time_ns, until its next change. Before a
 * target's first change, the metadata's (sample_us, aggr_us, ...) hold.
 */
enum dpf_intervals_cause {
	DPF_IV_START = 1,	/* what the recording started with, when the metadata cannot say */
	DPF_IV_BUDGET,		/* record --max-overhead: the overhead controller */
	DPF_IV_GOAL,		/* record --intervals-goal: daprof's own auto-tuning */
	DPF_IV_KERNEL,		/* the kernel's DAMON auto-tuning (intervals_goal) */
};
#define DPF_IV_CAUSE_MAX	DPF_IV_KERNEL

struct dpf_intervals {
	uint32_t target;
	uint8_t cause;		/* enum dpf_intervals_cause */
	uint64_t time_ns;	/* from when they hold (the first snapshot's start) */
	uint64_t sample_us;	/* > 0 */
	uint64_t aggr_us;	/* >= sample_us */
	uint64_t update_us;
	uint32_t min_nr_regions;	/* <= max_nr_regions */
	uint32_t max_nr_regions;
};

/* dpf_intervals_cause_name() - "start", "budget", "goal", "kernel", or "unknown". */
const char *dpf_intervals_cause_name(unsigned cause);

/* One entry of the INDEX chunk: consecutive SNAPSHOTS chunks from @offset on. */
struct dpf_index_entry {
	uint64_t offset;	/* of the first chunk it covers */
	uint64_t first_start_ns;	/* start of the first snapshot it covers */
	uint64_t last_end_ns;	/* the latest end of its snapshots */
	uint64_t nr_snapshots;
	uint64_t nr_regions;
};

/* ---- metadata helpers ---- */

void dpf_meta_init(struct dpf_meta *m);
void dpf_meta_release(struct dpf_meta *m);
/* dpf_meta_set() - set or replace @key. Return: 0 or -ENOMEM. */
int dpf_meta_set(struct dpf_meta *m, const char *key, const char *value);
int dpf_meta_setf(struct dpf_meta *m, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* dpf_meta_get() - the value of @key, or NULL. */
const char *dpf_meta_get(const struct dpf_meta *m, const char *key);
/* dpf_meta_get_u64() - @key parsed as a decimal integer, or @def when absent or malformed. */
uint64_t dpf_meta_get_u64(const struct dpf_meta *m, const char *key, uint64_t def);

/* ---- writer ---- */

struct dpf_writer;

struct dpf_writer_opts {
	int level;		/* zlib level 1..9; 0 means the default (3) */
	size_t chunk_bytes;	/* raw bytes that close a snapshot chunk; 0 = 1 MiB */
	int atomic;		/* write PATH.tmp.XXXXXX, rename to PATH on close (whole-file writers) */
	int sync_flushes;	/* fdatasync after every chunk (recorder); close always fsyncs */
};

/*
 * dpf_writer_open() - create @path and write the header and the metadata chunk.
 * Return: 0, or -errno (-EINVAL for bad options).
 */
int dpf_writer_open(struct dpf_writer **w, const char *path, const struct dpf_writer_opts *o,
		    const struct dpf_meta *meta);
/* dpf_writer_snapshot() - queue one snapshot; cuts a chunk when chunk_bytes are pending. */
int dpf_writer_snapshot(struct dpf_writer *w, const struct dpf_snapshot *s);
/* dpf_writer_maps() - write a memory-map chunk (flushes queued snapshots first, keeping order). */
int dpf_writer_maps(struct dpf_writer *w, const struct dpf_maps *m);
int dpf_writer_rusage(struct dpf_writer *w, const struct dpf_rusage *u);
/* dpf_writer_heap() - write a HEAP chunk. Return: 0, -EINVAL (a stack index out of range). */
int dpf_writer_heap(struct dpf_writer *w, const struct dpf_heap *h);
/*
 * dpf_writer_intervals() - queue a change of the intervals; written as an INTERVALS chunk before
 * the snapshots queued with it (at the next flush). Return: 0, -EINVAL for values out of range
 * (the file is still fine).
 */
int dpf_writer_intervals(struct dpf_writer *w, const struct dpf_intervals *iv);
/* dpf_writer_meta() - write a further metadata chunk; its keys override earlier ones. */
int dpf_writer_meta(struct dpf_writer *w, const struct dpf_meta *meta);
/* dpf_writer_flush() - write queued snapshots as a chunk now (the recorder calls this each second). */
int dpf_writer_flush(struct dpf_writer *w);
/*
 * dpf_writer_publish() - an atomic writer's file moves into place now (the recorder calls this
 * once its recording has really started): queued chunks are written and synced, an existing
 * regular file is kept as PATH@keep_suffix (none kept when NULL), the temporary file is renamed
 * to PATH, and later chunks are appended there, so that a recorder killed afterwards leaves a
 * readable PATH. Return: 0 or -errno; after an error dpf_writer_abort() removes the temporary
 * file and leaves PATH as it was.
 */
int dpf_writer_publish(struct dpf_writer *w, const char *keep_suffix);
/* dpf_writer_bytes() - bytes written to the file so far. */
uint64_t dpf_writer_bytes(const struct dpf_writer *w);
/*
 * dpf_writer_close() - flush, write the index and trailer, fsync, rename if atomic. Always frees.
 * Return: 0 or the first error met since open.
 */
int dpf_writer_close(struct dpf_writer *w);
/* dpf_writer_abort() - free without finishing; an atomic writer's temporary file is removed. */
void dpf_writer_abort(struct dpf_writer *w);

/* ---- reader ---- */

struct dpf_reader;

enum dpf_event_type {
	DPF_EV_SNAPSHOT = 1,
	DPF_EV_MAPS,
	DPF_EV_RUSAGE,
	DPF_EV_META,		/* a further metadata chunk was merged into dpf_reader_meta() */
	DPF_EV_DAMAGE,		/* bytes that could not be read; reading goes on after them */
	DPF_EV_HEAP,		/* a HEAP chunk: only after dpf_reader_want_heap() */
	DPF_EV_INTERVALS,	/* one change of an INTERVALS chunk (minor 2) */
};

struct dpf_damage {
	uint64_t offset;	/* file offset of the damaged bytes */
	uint64_t length;	/* bytes skipped */
	uint32_t chunk_type;	/* 0 when unknown */
	const char *reason;	/* static string */
};

/* Valid until the next dpf_reader_next() call. */
struct dpf_event {
	enum dpf_event_type type;
	uint64_t offset;	/* file offset of the chunk it came from */
	union {
		struct dpf_snapshot snapshot;
		struct dpf_maps maps;
		struct dpf_rusage rusage;
		struct dpf_damage damage;
		struct dpf_heap heap;
		struct dpf_intervals intervals;
	};
};

/*
 * dpf_reader_open() - open @path, check the header and read the first metadata chunk.
 * Return: 0, -ENOENT etc. from open(2), -EBADMSG for a file that is not a daprof recording (or
 * whose header is damaged), -EPROTONOSUPPORT for a newer major version (dpf_reader_version()
 * tells which), -ENOTSUP for a required chunk type this build does not know, -ESPIPE for a
 * FIFO, a socket or a device (the reader needs the size and random access; a FIFO is refused
 * without waiting for a writer), -EISDIR for a directory.
 */
int dpf_reader_open(struct dpf_reader **r, const char *path);
/*
 * dpf_input_open() - open @path for reading without ever blocking in open(2): a FIFO with no
 * writer would wait forever. *@st gets its fstat. Return: the file descriptor (blocking again),
 * -ESPIPE for a FIFO or a socket, -EISDIR for a directory, or -errno.
 */
struct stat;
int dpf_input_open(const char *path, struct stat *st);
/* dpf_reader_open_mem() - the same over a buffer the caller keeps alive (fuzzing, tests). */
int dpf_reader_open_mem(struct dpf_reader **r, const void *buf, size_t len);
/* dpf_reader_next() - the next record. Return: 1 got one, 0 end of file, <0 -errno. */
int dpf_reader_next(struct dpf_reader *r, struct dpf_event *ev);
const struct dpf_meta *dpf_reader_meta(const struct dpf_reader *r);
/* dpf_reader_version() - major and minor version of the open file. */
void dpf_reader_version(const struct dpf_reader *r, unsigned *major, unsigned *minor);
/*
 * dpf_file_version() - read only the header of @path: its major and minor version, so that a
 * caller can name both versions after dpf_reader_open() returned -EPROTONOSUPPORT.
 * Return: 0, -EBADMSG for no daprof header, or -errno.
 */
int dpf_file_version(const char *path, unsigned *major, unsigned *minor);
uint64_t dpf_reader_file_size(const struct dpf_reader *r);
/* dpf_reader_closed_cleanly() - 1 when the file ends with a valid index and trailer. */
int dpf_reader_closed_cleanly(const struct dpf_reader *r);
void dpf_reader_close(struct dpf_reader *r);
/*
 * dpf_reader_index() - the INDEX chunk of a cleanly closed file into *@entries (free() it),
 * *@nr entries in file order. Call it between chunks: at open, after a rewind, or after an event
 * other than a snapshot or resource sample. Return: 0, -ENOENT when the file was not closed
 * cleanly, -EBADMSG for a damaged index, -EBUSY inside a chunk, -ENOMEM.
 */
int dpf_reader_index(struct dpf_reader *r, struct dpf_index_entry **entries, size_t *nr);
/*
 * dpf_reader_set_skip() - from now on, a chunk for which @skip(@arg, type, offset) returns 1 is
 * passed over unread: its header is checked, its payload neither read nor checked, and it
 * yields no event (not even damage). NULL reads every chunk again.
 */
void dpf_reader_set_skip(struct dpf_reader *r, int (*skip)(void *arg, uint32_t type,
							   uint64_t offset), void *arg);
/*
 * dpf_reader_rewind() - the next dpf_reader_next() starts again at the first chunk after the
 * one dpf_reader_open() read; the metadata merged so far stays (later chunks only repeat it).
 */
void dpf_reader_rewind(struct dpf_reader *r);
/*
 * dpf_reader_want_heap() - yield HEAP chunks as DPF_EV_HEAP events (@on 1) or pass over them like
 * any optional chunk (@on 0, the default: readers that do not ask never see one).
 */
void dpf_reader_want_heap(struct dpf_reader *r, int on);
/* dpf_heap_release() - free what a decoded HEAP chunk holds. */
void dpf_heap_release(struct dpf_heap *h);

/* dpf_reader_chunks_read() - chunks whose payload was read and inflated since open. */
uint64_t dpf_reader_chunks_read(const struct dpf_reader *r);

/* dpf_strerror() - words for the format's own errors (-EBADMSG, -EPROTONOSUPPORT, ...). */
const char *dpf_strerror(int err);

#endif /* DPF_H */
