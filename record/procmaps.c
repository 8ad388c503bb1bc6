// SPDX-License-Identifier: GPL-2.0
/*
 * /proc readers of the recorder: maps, stat/status, cmdline, and the build-ids of mapped ELF
 * files (a small note reader over pread, so that the recorder, and the static guest program of
 * the real-kernel tests with it, needs no libelf).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/heap/proto.h"
#include "record/procmaps.h"

int pm_slurp(const char *path, char **text, size_t *len)
{
	size_t alloc = 8192, n = 0;
	char *buf = malloc(alloc), *nb;
	int fd, err;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	for (;;) {
		ssize_t r;

		if (alloc - n < 4096) {
			nb = realloc(buf, alloc * 2);
			if (!nb) {
				err = -ENOMEM;
				goto fail;
			}
			buf = nb;
			alloc *= 2;
		}
		r = read(fd, buf + n, alloc - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto fail;
		}
		if (!r)
			break;
		n += r;
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	if (len)
		*len = n;
	return 0;
fail:
	close(fd);
	free(buf);
	return err;
}

static int proc_err(int err, pid_t pid)
{
	char path[64];

	if (err != -ENOENT)
		return err;
	/* /proc/PID gone, or only the file missing? */
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return access(path, F_OK) ? -ESRCH : err;
}

int pm_parse(char *text, size_t len, struct pm_map *m)
{
	char *line = text, *end = text + len;

	memset(m, 0, sizeof(*m));
	m->text = text;
	while (line < end && *line) {
		char *nl = memchr(line, '\n', end - line);
		struct pm_entry e;
		char perms[8];
		unsigned long long s, en, off, ino;
		unsigned int maj, min;
		int pos = 0;

		if (nl)
			*nl = '\0';
		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &s, &en, perms, &off, &maj, &min,
			   &ino, &pos) < 7 || !pos) {
			line = nl ? nl + 1 : end;
			continue;
		}
		e.start = s;
		e.end = en;
		e.offset = off;
		e.dev_major = maj;
		e.dev_minor = min;
		e.inode = ino;
		e.perms = (perms[0] == 'r' ? DPF_MAP_READ : 0) |
			  (perms[1] == 'w' ? DPF_MAP_WRITE : 0) |
			  (perms[2] == 'x' ? DPF_MAP_EXEC : 0) |
			  (perms[3] == 's' ? DPF_MAP_SHARED : 0);
		e.path = line + pos;
		while (*e.path == ' ')
			e.path++;
		if (m->nr == m->alloc) {
			size_t alloc = m->alloc ? m->alloc * 2 : 64;
			struct pm_entry *ne = realloc(m->e, alloc * sizeof(*ne));

			if (!ne) {
				pm_release(m);
				return -ENOMEM;
			}
			m->e = ne;
			m->alloc = alloc;
		}
		m->e[m->nr++] = e;
		line = nl ? nl + 1 : end;
	}
	return 0;
}

/* The state letter of /proc/@pid/stat, or '?' when it cannot be read. */
static char stat_state(const char *dir)
{
	char path[96], buf[512], *e;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/stat", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	e = strrchr(buf, ')');
	return e && e[1] == ' ' && e[2] ? e[2] : '?';
}

pid_t pm_mm_pid(pid_t pid)
{
	char dir[64], state;
	pid_t live = 0;
	struct dirent *d;
	DIR *tasks;

	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	state = stat_state(dir);
	if (state != 'Z' && state != 'X')
		return pid;
	/* the leader is gone (pthread_exit) but the process may live on in its other threads */
	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	tasks = opendir(dir);
	if (!tasks)
		return pid;
	while (!live && (d = readdir(tasks))) {
		char tdir[128];
		long tid = strtol(d->d_name, NULL, 10);

		if (tid <= 0 || tid == pid)
			continue;
		snprintf(tdir, sizeof(tdir), "/proc/%d/task/%ld", (int)pid, tid);
		state = stat_state(tdir);
		if (state != 'Z' && state != 'X' && state != '?')
			live = (pid_t)tid;
	}
	closedir(tasks);
	return live ? live : pid;
}

void pm_path(char *buf, size_t len, pid_t pid, const char *file)
{
	snprintf(buf, len, "/proc/%d/%s", (int)pm_mm_pid(pid), file);
}

int pm_read(pid_t pid, struct pm_map *m)
{
	char path[64], *text;
	size_t len;
	int ret;

	pm_path(path, sizeof(path), pid, "maps");
	ret = pm_slurp(path, &text, &len);
	if (ret) {
		memset(m, 0, sizeof(*m));
		return proc_err(ret, pid);
	}
	return pm_parse(text, len, m);
}

void pm_release(struct pm_map *m)
{
	free(m->e);
	free(m->text);
	memset(m, 0, sizeof(*m));
}

int pm_same(const struct pm_map *a, const struct pm_map *b)
{
	if (a->nr != b->nr)
		return 0;
	for (size_t i = 0; i < a->nr; i++) {
		const struct pm_entry *x = &a->e[i], *y = &b->e[i];

		if (x->start != y->start || x->end != y->end || x->offset != y->offset ||
		    x->perms != y->perms || strcmp(x->path, y->path))
			return 0;
	}
	return 1;
}

int pm_ranges(const struct pm_map *m, struct dr_range **out, size_t *n)
{
	struct dr_range *r = malloc((m->nr ? m->nr : 1) * sizeof(*r));
	size_t k = 0;

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < m->nr; i++) {
		if (!strcmp(m->e[i].path, "[vsyscall]") ||
		    !strncmp(m->e[i].path, HEAP_SHM_PATH, strlen(HEAP_SHM_PATH)))
			continue;
		r[k].start = m->e[i].start;
		r[k].end = m->e[i].end;
		k++;
	}
	*out = r;
	*n = k;
	return 0;
}

/* ---- ELF build-id notes ---- */

static uint32_t rd32(const uint8_t *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] :
		    (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const uint8_t *p, int be)
{
	return be ? (uint64_t)rd32(p, 1) << 32 | rd32(p + 4, 1) :
		    (uint64_t)rd32(p + 4, 0) << 32 | rd32(p, 0);
}

static uint16_t rd16(const uint8_t *p, int be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static int full_pread(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(fd, (char *)buf + done, len - done, off + done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return -ENOEXEC;	/* truncated file */
		done += r;
	}
	return 0;
}

#define NOTE_MAX (64 * 1024)

/* Look for the GNU build-id note in [off, off + size) of the file. */
static int scan_notes(int fd, uint64_t off, uint64_t size, int be, uint8_t *id, size_t max)
{
	uint8_t *buf;
	size_t pos = 0;
	int ret;

	if (size > NOTE_MAX)
		size = NOTE_MAX;
	if (size < 12)
		return 0;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	ret = full_pread(fd, buf, size, off);
	if (ret) {
		free(buf);
		return ret == -ENOEXEC ? 0 : ret;
	}
	while (pos + 12 <= size) {
		uint32_t namesz = rd32(buf + pos, be), descsz = rd32(buf + pos + 4, be);
		uint32_t type = rd32(buf + pos + 8, be);
		uint64_t name_off = pos + 12;
		uint64_t desc_off = name_off + (((uint64_t)namesz + 3) & ~3ULL);
		uint64_t next = desc_off + (((uint64_t)descsz + 3) & ~3ULL);

		if (next > size)
			break;
		if (type == NT_GNU_BUILD_ID && namesz == 4 && !memcmp(buf + name_off, "GNU", 4) &&
		    descsz > 0) {
			size_t n = descsz < max ? descsz : max;

			memcpy(id, buf + desc_off, n);
			free(buf);
			return (int)n;
		}
		pos = next;
	}
	free(buf);
	return 0;
}

int pm_elf_build_id(int fd, uint8_t *id, size_t max)
{
	uint8_t eh[64], ph[64];
	int is64, be, ret;
	uint64_t phoff, shoff;
	uint16_t phentsize, phnum, shentsize, shnum;

	ret = full_pread(fd, eh, sizeof(eh), 0);
	if (ret == -ENOEXEC || (!ret && memcmp(eh, ELFMAG, SELFMAG)))
		return -ENOEXEC;
	if (ret)
		return ret;
	is64 = eh[EI_CLASS] == ELFCLASS64;
	be = eh[EI_DATA] == ELFDATA2MSB;
	if (is64) {
		phoff = rd64(eh + 32, be);
		shoff = rd64(eh + 40, be);
		phentsize = rd16(eh + 54, be);
		phnum = rd16(eh + 56, be);
		shentsize = rd16(eh + 58, be);
		shnum = rd16(eh + 60, be);
	} else {
		phoff = rd32(eh + 28, be);
		shoff = rd32(eh + 32, be);
		phentsize = rd16(eh + 42, be);
		phnum = rd16(eh + 44, be);
		shentsize = rd16(eh + 46, be);
		shnum = rd16(eh + 48, be);
	}
	if (phentsize >= (is64 ? 56 : 32) && phentsize <= sizeof(ph)) {
		for (unsigned int i = 0; i < phnum && i < 256; i++) {
			uint64_t off, size;

			if (full_pread(fd, ph, phentsize, phoff + (uint64_t)i * phentsize))
				break;
			if (rd32(ph, be) != PT_NOTE)
				continue;
			off = is64 ? rd64(ph + 8, be) : rd32(ph + 4, be);
			size = is64 ? rd64(ph + 32, be) : rd32(ph + 16, be);
			ret = scan_notes(fd, off, size, be, id, max);
			if (ret)
				return ret;
		}
	}
	if (shentsize >= (is64 ? 64 : 40) && shentsize <= sizeof(ph)) {
		for (unsigned int i = 0; i < shnum && i < 1024; i++) {
			uint64_t off, size;

			if (full_pread(fd, ph, shentsize, shoff + (uint64_t)i * shentsize))
				break;
			if (rd32(ph + 4, be) != SHT_NOTE)
				continue;
			off = is64 ? rd64(ph + 24, be) : rd32(ph + 16, be);
			size = is64 ? rd64(ph + 32, be) : rd32(ph + 20, be);
			ret = scan_notes(fd, off, size, be, id, max);
			if (ret)
				return ret;
		}
	}
	return 0;
}

struct pm_buildid {
	uint64_t dev;
	uint64_t inode;
	uint8_t len;
	uint8_t id[32];
};

struct pm_buildids {
	size_t nr;
	size_t alloc;
	struct pm_buildid *b;
};

int pm_buildids_new(struct pm_buildids **b)
{
	*b = calloc(1, sizeof(**b));
	return *b ? 0 : -ENOMEM;
}

void pm_buildids_free(struct pm_buildids *b)
{
	if (!b)
		return;
	free(b->b);
	free(b);
}

/* Open the file behind a mapping: map_files survives deletion and mount namespaces. */
static int open_mapped(pid_t pid, const struct pm_entry *e)
{
	char path[4200];
	int fd;

	pid = pm_mm_pid(pid);
	snprintf(path, sizeof(path), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, (int)pid,
		 e->start, e->end);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	snprintf(path, sizeof(path), "/proc/%d/root%s", (int)pid, e->path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	return open(e->path, O_RDONLY | O_CLOEXEC);
}

static const struct pm_buildid *lookup_build_id(pid_t pid, const struct pm_entry *e,
						struct pm_buildids *b)
{
	uint64_t dev = (uint64_t)e->dev_major << 32 | e->dev_minor;
	struct pm_buildid n = { .dev = dev, .inode = e->inode };
	int fd, ret;

	for (size_t i = 0; i < b->nr; i++)
		if (b->b[i].dev == dev && b->b[i].inode == e->inode)
			return &b->b[i];
	if (b->nr == b->alloc) {
		size_t alloc = b->alloc ? b->alloc * 2 : 32;
		struct pm_buildid *nb = realloc(b->b, alloc * sizeof(*nb));

		if (!nb)
			return NULL;
		b->b = nb;
		b->alloc = alloc;
	}
	fd = open_mapped(pid, e);
	if (fd >= 0) {
		ret = pm_elf_build_id(fd, n.id, sizeof(n.id));
		if (ret > 0)
			n.len = (uint8_t)ret;
		close(fd);
	}
	b->b[b->nr] = n;	/* remembered even without an id, so that it is read once */
	return &b->b[b->nr++];
}

int pm_to_dpf(pid_t pid, const struct pm_map *m, struct pm_buildids *b, struct dpf_maps *out)
{
	out->nr = 0;
	out->maps = calloc(m->nr ? m->nr : 1, sizeof(*out->maps));
	if (!out->maps)
		return -ENOMEM;
	for (size_t i = 0; i < m->nr; i++) {
		const struct pm_entry *e = &m->e[i];
		struct dpf_mapping *d;

		if (!strncmp(e->path, HEAP_SHM_PATH, strlen(HEAP_SHM_PATH)))
			continue;	/* the recorder's own ring (pm_ranges) */
		d = &out->maps[out->nr++];

		d->start = e->start;
		d->end = e->end;
		d->offset = e->offset;
		d->perms = e->perms;
		d->path = e->path;
		if (b && e->inode && e->path[0] == '/') {
			const struct pm_buildid *id = lookup_build_id(pid, e, b);

			if (id && id->len) {
				d->build_id_len = id->len;
				memcpy(d->build_id, id->id, id->len);
			}
		}
	}
	return 0;
}

/* ---- process facts ---- */

#define PF_KTHREAD_FLAG 0x00200000u

int pm_stat_read(pid_t pid, struct pm_proc *p)
{
	char path[64], *text, *s;
	unsigned long long flags = 0, ut = 0, st = 0;
	long ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	long long rss = 0;
	int ret, threads = 0;
	char state = '?';

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	ret = pm_slurp(path, &text, NULL);
	if (ret)
		return ret == -ENOENT ? -ESRCH : ret;
	/* comm is in parentheses and may hold anything: the fields follow the last ')' */
	s = strchr(text, '(');
	if (s) {
		char *e = strrchr(text, ')');

		if (e && e > s) {
			size_t n = (size_t)(e - s - 1);

			if (n >= sizeof(p->comm))
				n = sizeof(p->comm) - 1;
			memcpy(p->comm, s + 1, n);
			p->comm[n] = '\0';
			/*
			 * state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
			 * utime stime cutime cstime priority nice num_threads itrealvalue
			 * starttime vsize rss
			 */
			sscanf(e + 2, "%c %*d %*d %*d %*d %*d %llu %*u %*u %*u %*u %llu %llu %*d %*d %*d "
			       "%*d %d %*d %*u %*u %lld", &state, &flags, &ut, &st, &threads, &rss);
		}
	}
	free(text);
	p->state = state;
	p->kthread = !!(flags & PF_KTHREAD_FLAG);
	p->utime_ns = ticks > 0 ? ut * (1000000000ULL / ticks) : 0;
	p->stime_ns = ticks > 0 ? st * (1000000000ULL / ticks) : 0;
	p->rss = rss > 0 ? (uint64_t)rss * page : 0;
	p->nr_threads = threads;
	return 0;
}

int pm_proc_read(pid_t pid, struct pm_proc *p)
{
	char path[64], *text, *s;
	int ret;

	pid = pm_mm_pid(pid);	/* an exited leader's stat says 'Z' and no rss */
	ret = pm_stat_read(pid, p);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!pm_slurp(path, &text, NULL)) {
		s = strstr(text, "\nTracerPid:");
		if (s)
			p->tracer = (pid_t)strtol(s + 11, NULL, 10);
		s = strstr(text, "\nTgid:");
		if (s)
			p->tgid = (pid_t)strtol(s + 6, NULL, 10);
		free(text);
	}
	if (p->tgid <= 0)
		p->tgid = pid;
	return 0;
}

int pm_cmdline(pid_t pid, char *buf, size_t len)
{
	char path[64], *text;
	size_t n;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	ret = pm_slurp(path, &text, &n);
	if (ret)
		return ret;
	while (n && text[n - 1] == '\0')
		n--;
	for (size_t i = 0; i < n; i++)
		if (text[i] == '\0')
			text[i] = ' ';
	snprintf(buf, len, "%.*s", (int)n, text);
	free(text);
	return 0;
}
