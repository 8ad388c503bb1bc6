// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots of the kernel DAMON backend from the damon:damon_aggregated tracepoint.
 *
 * The kdamond emits one event per region at the end of every aggregation interval, before it
 * resets the counters; a snapshot is complete after nr_regions consecutive events of one target.
 * We attach a perf event to our own kdamond thread only (pid = its pid, any CPU), so the stream
 * holds nothing of other DAMON users, is in order, needs no tracefs write (nothing global is
 * enabled) and no external perf/trace-cmd binary. Compared with tried_regions it costs one ring
 * buffer read per snapshot instead of ~12 syscalls per region, its time stamps are the
 * kernel's own (CLOCK_MONOTONIC), and it sees every aggregation. Its nr_accesses is the raw
 * count of the interval, not the moving average tried_regions shows on 6.7+.
 *
 * The ring is read without wake-ups per event: next() sleeps until the next aggregation is
 * due and then polls with a short tick; the watermark wakes it only when the ring fills up.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "record/damon-sysfs.h"

#define RING_MIN_PAGES	16
#define RING_MAX_PAGES	8192
#define SAMPLE_BYTES	80	/* one sample record, rounded up */

struct damon_trace {
	int fd;
	void *map;
	size_t map_len;
	struct perf_event_mmap_page *meta;
	uint8_t *data;
	uint64_t data_len;		/* power of two */
	struct damon_tp_format fmt;
	pid_t kpid;
	uint64_t aggr_ns;
	uint8_t *tmp;			/* a record that wraps around the ring's end */
	size_t tmp_len;
	struct dpf_region *group;	/* snapshot being assembled */
	size_t group_alloc;
	uint32_t n;
	uint32_t want;
	uint64_t target;
	uint64_t first_time;
	uint64_t last_time;
	uint64_t last_end;
	struct dpf_region *out;		/* the snapshot handed out */
	size_t out_alloc;
	uint64_t prev_end_ns;
	struct damon_trace_stats st;
};

static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return (int)n;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return 0;
}

int damon_trace_open(struct damon_trace **out, const char *event_dir, pid_t kpid,
		     uint32_t max_regions, uint64_t aggr_us, char *why, size_t why_len)
{
	struct perf_event_attr attr;
	struct damon_trace *t;
	char path[4096];
	char text[8192];
	long page = sysconf(_SC_PAGESIZE);
	uint64_t want;
	size_t pages = RING_MIN_PAGES;
	int err;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->fd = -1;
	t->kpid = kpid;
	t->aggr_ns = aggr_us * 1000;
	snprintf(path, sizeof(path), "%s/format", event_dir);
	err = read_text(path, text, sizeof(text));
	if (err) {
		snprintf(why, why_len, "cannot read '%s': %s", path, strerror(-err));
		goto out_free;
	}
	err = damon_tp_parse_format(text, &t->fmt);
	if (err) {
		snprintf(why, why_len, "unexpected layout in '%s'", path);
		goto out_free;
	}
	/* room for four snapshots of the largest size: the reader may be late by a few */
	want = (uint64_t)(max_regions ? max_regions : 1000) * SAMPLE_BYTES * 4;
	while (pages < RING_MAX_PAGES && (uint64_t)pages * page < want)
		pages *= 2;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (uint64_t)t->fmt.id;
	attr.sample_period = 1;
	attr.sample_type = PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
	attr.use_clockid = 1;
	attr.clockid = CLOCK_MONOTONIC;
	attr.watermark = 1;
	attr.wakeup_watermark = (uint32_t)(pages * page / 2);
	t->fd = (int)syscall(SYS_perf_event_open, &attr, kpid, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (t->fd < 0) {
		err = -errno;
		snprintf(why, why_len, "perf_event_open on damon:damon_aggregated of pid %d: %s",
			 (int)kpid, strerror(-err));
		goto out_free;
	}
	t->map_len = (pages + 1) * (size_t)page;
	t->map = mmap(NULL, t->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
	if (t->map == MAP_FAILED) {
		err = -errno;
		t->map = NULL;
		snprintf(why, why_len, "cannot map the perf ring (%zu KiB): %s",
			 t->map_len / 1024, strerror(-err));
		goto out_free;
	}
	t->meta = t->map;
	t->data = (uint8_t *)t->map + page;
	t->data_len = (uint64_t)pages * page;
	t->st.ring_bytes = t->data_len;
	*out = t;
	return 0;

out_free:
	damon_trace_close(t);
	return err;
}

void damon_trace_close(struct damon_trace *t)
{
	if (!t)
		return;
	if (t->map)
		munmap(t->map, t->map_len);
	if (t->fd >= 0)
		close(t->fd);
	free(t->tmp);
	free(t->group);
	free(t->out);
	free(t);
}

void damon_trace_set_aggr(struct damon_trace *t, uint64_t aggr_us)
{
	t->aggr_ns = aggr_us * 1000;
}

void damon_trace_stats(const struct damon_trace *t, struct damon_trace_stats *st)
{
	*st = t->st;
}

static uint64_t field(const uint8_t *raw, uint32_t raw_len, int off, int size)
{
	uint32_t v32;
	uint64_t v64;

	if (off < 0 || (uint32_t)off + (uint32_t)size > raw_len)
		return 0;
	if (size == 4) {
		memcpy(&v32, raw + off, 4);
		return v32;
	}
	memcpy(&v64, raw + off, 8);
	return v64;
}

static int group_push(struct damon_trace *t, uint64_t start, uint64_t end, uint32_t nr,
		      uint32_t age)
{
	if (t->n == t->group_alloc) {
		size_t want = t->group_alloc ? t->group_alloc * 2 : 256;
		struct dpf_region *g = realloc(t->group, want * sizeof(*g));

		if (!g)
			return -ENOMEM;
		t->group = g;
		t->group_alloc = want;
	}
	t->group[t->n].start = start;
	t->group[t->n].end = end;
	t->group[t->n].nr_accesses = nr;
	t->group[t->n].age = age;
	t->n++;
	return 0;
}

static void group_drop(struct damon_trace *t)
{
	if (t->n)
		t->st.dropped++;
	t->n = 0;
}

/* Hand the completed group out as a snapshot. */
static int group_emit(struct damon_trace *t, struct dpf_snapshot *s)
{
	if (t->n > t->out_alloc) {
		struct dpf_region *o = realloc(t->out, t->n * sizeof(*o));

		if (!o)
			return -ENOMEM;
		t->out = o;
		t->out_alloc = t->n;
	}
	memcpy(t->out, t->group, t->n * sizeof(*t->out));
	s->target = 0;		/* one target per kdamond */
	s->nr_regions = t->n;
	s->regions = t->out;
	/* the events are written when the interval ends */
	s->end_ns = t->first_time;
	if (t->prev_end_ns && t->first_time - t->prev_end_ns < t->aggr_ns + t->aggr_ns / 2)
		s->start_ns = t->prev_end_ns;
	else
		s->start_ns = t->first_time > t->aggr_ns ? t->first_time - t->aggr_ns : 0;
	t->prev_end_ns = s->end_ns;
	t->n = 0;
	return 1;
}

/* One damon_aggregated event. Return: 1 a snapshot completed, 0 not yet, -errno. */
static int on_event(struct damon_trace *t, uint64_t time, const uint8_t *raw, uint32_t raw_len,
		    struct dpf_snapshot *s)
{
	const struct damon_tp_format *f = &t->fmt;
	uint64_t target;
	uint64_t start;
	uint64_t end;
	uint32_t want;
	uint32_t nr;
	uint32_t age = 0;
	int err;

	if (f->off_common_pid >= 0 &&
	    (pid_t)field(raw, raw_len, f->off_common_pid, 4) != t->kpid)
		return 0;
	t->st.events++;
	target = field(raw, raw_len, f->off_target_id, f->sz_target_id);
	want = (uint32_t)field(raw, raw_len, f->off_nr_regions, f->sz_nr_regions);
	start = field(raw, raw_len, f->off_start, f->sz_start);
	end = field(raw, raw_len, f->off_end, f->sz_end);
	nr = (uint32_t)field(raw, raw_len, f->off_nr_accesses, f->sz_nr_accesses);
	if (f->off_age >= 0)
		age = (uint32_t)field(raw, raw_len, f->off_age, f->sz_age);
	if (!want || end <= start)
		return 0;
	/*
	 * A new pass starts when the address goes back, the target or the count changes, or
	 * time jumps; what was collected before it is a pass we joined in the middle.
	 */
	if (t->n && (target != t->target || want != t->want || start < t->last_end ||
		     time - t->last_time > t->aggr_ns / 2))
		group_drop(t);
	if (!t->n) {
		t->target = target;
		t->want = want;
		t->first_time = time;
	}
	err = group_push(t, start, end, nr, age);
	if (err)
		return err;
	t->last_end = end;
	t->last_time = time;
	if (t->n == t->want)
		return group_emit(t, s);
	return 0;
}

/* Consume ring records until a snapshot completes or the ring is empty. */
static int drain(struct damon_trace *t, struct dpf_snapshot *s)
{
	uint64_t head = __atomic_load_n(&t->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = t->meta->data_tail;
	int ret = 0;

	while (tail < head && !ret) {
		struct perf_event_header hdr;
		uint64_t off = tail & (t->data_len - 1);
		const uint8_t *rec;

		if (off + sizeof(hdr) <= t->data_len) {
			memcpy(&hdr, t->data + off, sizeof(hdr));
		} else {
			size_t first = t->data_len - off;

			memcpy(&hdr, t->data + off, first);
			memcpy((uint8_t *)&hdr + first, t->data, sizeof(hdr) - first);
		}
		if (hdr.size < sizeof(hdr) || tail + hdr.size > head)
			break;
		if (off + hdr.size <= t->data_len) {
			rec = t->data + off;
		} else {
			size_t first = t->data_len - off;

			if (t->tmp_len < hdr.size) {
				uint8_t *n = realloc(t->tmp, hdr.size);

				if (!n)
					return -ENOMEM;
				t->tmp = n;
				t->tmp_len = hdr.size;
			}
			memcpy(t->tmp, t->data + off, first);
			memcpy(t->tmp + first, t->data, hdr.size - first);
			rec = t->tmp;
		}
		if (hdr.type == PERF_RECORD_SAMPLE && hdr.size >= sizeof(hdr) + 12) {
			uint64_t time;
			uint32_t raw_len;

			memcpy(&time, rec + sizeof(hdr), 8);
			memcpy(&raw_len, rec + sizeof(hdr) + 8, 4);
			if (sizeof(hdr) + 12 + (size_t)raw_len <= hdr.size)
				ret = on_event(t, time, rec + sizeof(hdr) + 12, raw_len, s);
		} else if (hdr.type == PERF_RECORD_LOST && hdr.size >= sizeof(hdr) + 16) {
			uint64_t lost;

			memcpy(&lost, rec + sizeof(hdr) + 8, 8);
			t->st.lost += lost;
			group_drop(t);
		}
		tail += hdr.size;
	}
	__atomic_store_n(&t->meta->data_tail, tail, __ATOMIC_RELEASE);
	return ret;
}

/*
 * Sleep until the next aggregation is due (the previous one's end plus the interval), then
 * look every 1/20 of the interval: two or three wake-ups per snapshot, none per event.
 */
int damon_trace_next(struct damon_trace *t, struct dpf_snapshot *s, int timeout_ms)
{
	uint64_t deadline = damon_now_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000;
	uint64_t tick_ns = t->aggr_ns / 20;

	if (tick_ns < 1000000)
		tick_ns = 1000000;
	if (tick_ns > 50000000)
		tick_ns = 50000000;
	for (;;) {
		struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
		uint64_t due = t->prev_end_ns + t->aggr_ns;
		uint64_t now;
		uint64_t wait_ns;
		int ret = drain(t, s);

		if (ret)
			return ret;
		now = damon_now_ns();
		if (now >= deadline)
			return 0;
		wait_ns = t->prev_end_ns && due > now + tick_ns ? due - now : tick_ns;
		if (wait_ns > deadline - now)
			wait_ns = deadline - now;
		if (poll(&pfd, 1, (int)((wait_ns + 999999) / 1000000)) < 0 && errno != EINTR)
			return -errno;
	}
}
