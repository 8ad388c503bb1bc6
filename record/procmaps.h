/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A target's memory map as /proc/PID/maps states it, for the three users in the recorder: the
 * region engine (VMA ranges), the primitives (which mappings to register or read), and the
 * recording (maps with build-ids, written when they change). Also the process facts the recorder
 * checks before touching a target (kernel thread, tracer, state).
 */
#ifndef RECORD_PROCMAPS_H
#define RECORD_PROCMAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "format/dpf.h"
#include "record/regions.h"

struct pm_entry {
	uint64_t start;
	uint64_t end;
	uint64_t offset;
	uint64_t inode;
	uint32_t dev_major;
	uint32_t dev_minor;
	uint32_t perms;		/* enum dpf_map_perm */
	char *path;		/* "" for anonymous; points into the map's text */
};

struct pm_map {
	size_t nr;
	size_t alloc;
	struct pm_entry *e;
	char *text;		/* the file's text, owned */
};

/*
 * pm_read() - parse /proc/@pid/maps.
 * Return: 0 (a process with no user memory gives nr == 0), -ESRCH when it is gone, -EACCES or
 * -EPERM without the right to read it, -ENOMEM.
 */
int pm_read(pid_t pid, struct pm_map *m);
/* pm_parse() - parse maps text of @len bytes (takes ownership of @text, a malloc'd string). */
int pm_parse(char *text, size_t len, struct pm_map *m);
void pm_release(struct pm_map *m);
/* pm_same() - 1 when both maps list the same mappings (range, offset, perms, path). */
int pm_same(const struct pm_map *a, const struct pm_map *b);
/*
 * pm_ranges() - the VMA ranges for the region engine: every mapping but [vsyscall], which is the
 * gate area and not in the VMA tree, and the heap-site library's ring (HEAP_SHM_PATH), which is
 * the recorder's, written at every recorded allocation: watched, it would cost the target a
 * write fault per sampled page and show in its reports. @out is malloc'd. Return: 0 or -ENOMEM.
 */
int pm_ranges(const struct pm_map *m, struct dr_range **out, size_t *n);

/* Build-ids of mapped files, read once per file and kept. */
struct pm_buildids;
int pm_buildids_new(struct pm_buildids **b);
void pm_buildids_free(struct pm_buildids *b);
/*
 * pm_to_dpf() - fill @out (nr, maps; paths point into @m) for the recording, with the build-id
 * of every file-backed mapping that is an ELF file with a GNU build-id note. The heap-site
 * ring (HEAP_SHM_PATH) is left out: it is the recorder's, not the program's, and the reports
 * should not rank it. @out->maps is malloc'd; free it with free(). Return: 0 or -ENOMEM.
 */
int pm_to_dpf(pid_t pid, const struct pm_map *m, struct pm_buildids *b, struct dpf_maps *out);

/*
 * pm_elf_build_id() - the NT_GNU_BUILD_ID note of the ELF file open as @fd, read with pread from
 * its program headers (or section headers when it has none). Return: the id's length (1..@max),
 * 0 when the file has none, -ENOEXEC when it is not ELF, -errno on read errors.
 */
int pm_elf_build_id(int fd, uint8_t *id, size_t max);

/* Facts from /proc/@pid/stat and status. */
struct pm_proc {
	char comm[64];
	char state;		/* 'R', 'S', 'T', 't', 'Z', ... */
	int kthread;		/* PF_KTHREAD */
	pid_t tracer;		/* TracerPid; 0 when untraced */
	pid_t tgid;		/* the process of a thread id (Tgid); @pid itself for a process */
	uint64_t utime_ns;	/* all threads */
	uint64_t stime_ns;
	uint64_t rss;		/* bytes */
	int nr_threads;
};

/*
 * pm_mm_pid() - the id whose /proc files show the address space of process @pid: @pid itself,
 * or a live thread of it when its main thread has exited (pthread_exit) while others run. The
 * exited leader is a zombie whose maps, smaps and pagemap read empty and whose clear_refs does
 * nothing, although the process and its memory live on. A thread may exit in turn: ask again
 * rather than keep the answer.
 */
pid_t pm_mm_pid(pid_t pid);
/* pm_path() - "/proc/ID/@file" into @buf, with ID from pm_mm_pid(@pid). */
void pm_path(char *buf, size_t len, pid_t pid, const char *file);
/*
 * pm_proc_read() - Return: 0, -ESRCH when @pid does not exist, -errno. For a process whose main
 * thread has exited while others run, @p->state is that of a live thread, not 'Z'.
 */
int pm_proc_read(pid_t pid, struct pm_proc *p);
/*
 * pm_stat_read() - only what /proc/PID/stat says of task @pid, as it is (no live thread sought
 * for an exited leader; tracer and tgid are 0): one read, for a caller that asks often.
 * Return: 0, -ESRCH when it is gone, or -errno.
 */
int pm_stat_read(pid_t pid, struct pm_proc *p);
/* pm_cmdline() - the command line with spaces between arguments, into @buf. Return: 0/-errno. */
int pm_cmdline(pid_t pid, char *buf, size_t len);

/* pm_slurp() - the whole of @path into a malloc'd NUL-terminated string. Return: 0/-errno. */
int pm_slurp(const char *path, char **text, size_t *len);

#endif /* RECORD_PROCMAPS_H */
