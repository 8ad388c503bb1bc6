// SPDX-License-Identifier: GPL-2.0
/*
 * System-call injection with ptrace (see inject.h), x86-64.
 *
 * A running target: PTRACE_SEIZE one thread, PTRACE_INTERRUPT it, save its registers and signal
 * mask, block every signal, point rip at an existing "syscall" instruction (found in the vdso, so
 * no byte of the target is written), run each call between its syscall-enter and -exit stops,
 * then put the saved registers back and come to rest once more in a PTRACE_EVENT_STOP before
 * detaching. That last stop matters: the interrupt that stopped the thread may have broken off
 * a blocking system call (rax = -ERESTARTSYS and friends), and the kernel decides whether to
 * restart it, or to return EINTR to a signal handler, only after get_signal(); detaching from a
 * stop inside get_signal() with the original registers lets the kernel make that decision exactly
 * as it would have without us. Signals that arrive meanwhile stay pending behind the blocked mask
 * (or, for the unblockable ones, are handed back at detach), so none is lost.
 *
 * A launched command is our own tracee, stopped at its exec: no attach, no interrupt; its
 * registers are restored at the last syscall-exit stop and record.c detaches it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record/inject.h"
#include "record/procmaps.h"
#include "record/why.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

static pid_t tracer_of(pid_t pid, pid_t tid)
{
	char path[96], *text, *s;
	pid_t t = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)tid);
	if (pm_slurp(path, &text, NULL))
		return 0;
	s = strstr(text, "\nTracerPid:");
	if (s)
		t = (pid_t)strtol(s + 11, NULL, 10);
	free(text);
	return t;
}

static char task_state(pid_t pid, pid_t tid)
{
	char path[96], *text, *s, st = 'X';

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	if (pm_slurp(path, &text, NULL))
		return 'X';
	s = strrchr(text, ')');
	if (s && s[1] && s[2])
		st = s[2];
	free(text);
	return st;
}

pid_t inj_find_tracer(pid_t pid)
{
	char path[64];
	struct dirent *d;
	pid_t t = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!t && (d = readdir(dir)))
		if (d->d_name[0] != '.')
			t = tracer_of(pid, (pid_t)atoi(d->d_name));
	closedir(dir);
	return t;
}

/* The thread to use: the main one unless it is a zombie (it exited, others run on). */
static pid_t pick_thread(pid_t pid)
{
	char path[64];
	struct dirent *d;
	pid_t tid = 0;
	DIR *dir;
	char st = task_state(pid, pid);

	if (st != 'Z' && st != 'X')
		return pid;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!tid && (d = readdir(dir))) {
		pid_t t = (pid_t)atoi(d->d_name);

		if (t > 0) {
			st = task_state(pid, t);
			if (st != 'Z' && st != 'X')
				tid = t;
		}
	}
	closedir(dir);
	return tid;
}

#if defined(__x86_64__)

#define REGS(j) ((struct user_regs_struct *)(void *)(j)->regs)

/* Find the bytes 0f 05 ("syscall") in the vdso, else in any executable mapping. */
static int find_syscall_insn(struct inj *j)
{
	unsigned char buf[8192];
	struct pm_map m;
	char path[64];
	int fd, ret, pass;

	ret = pm_read(j->pid, &m);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)j->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		pm_release(&m);
		return ret;
	}
	ret = -ENOENT;
	for (pass = 0; pass < 2 && ret; pass++) {
		for (size_t i = 0; i < m.nr && ret; i++) {
			const struct pm_entry *e = &m.e[i];
			uint64_t end = e->end;

			if (!(e->perms & DPF_MAP_EXEC) || !strcmp(e->path, "[vsyscall]"))
				continue;
			if ((pass == 0) != !strcmp(e->path, "[vdso]"))
				continue;
			if (end - e->start > (1 << 20))
				end = e->start + (1 << 20);
			for (uint64_t a = e->start; a < end && ret; a += sizeof(buf) - 1) {
				ssize_t n = pread(fd, buf, sizeof(buf), (off_t)a);

				if (n < 2)
					break;
				for (ssize_t k = 0; k + 1 < n; k++) {
					if (buf[k] == 0x0f && buf[k + 1] == 0x05) {
						j->syscall_insn = a + k;
						ret = 0;
						break;
					}
				}
			}
		}
	}
	close(fd);
	pm_release(&m);
	return ret;
}

/*
 * Wait for the next stop of interest. @want: 1 a syscall stop, 0 a PTRACE_EVENT_STOP. Signal
 * stops are remembered and suppressed; group-stops on the way to a syscall stop are resumed
 * with @resume. Return: 0, -ESRCH (gone), -errno.
 */
static int wait_for(struct inj *j, int want, int resume)
{
	for (;;) {
		int status, sig, event;
		pid_t r = waitpid(j->tid, &status, __WALL);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno == ECHILD ? -ESRCH : -errno;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			j->attached = 0;
			return -ESRCH;
		}
		if (!WIFSTOPPED(status))
			continue;
		sig = WSTOPSIG(status);
		event = status >> 16;
		if (sig == (SIGTRAP | 0x80)) {
			if (want == 1)
				return 0;
			/* a syscall stop while waiting for the event stop: go on */
			if (ptrace(PTRACE_CONT, j->tid, NULL, NULL))
				return -errno;
			continue;
		}
		if (event == PTRACE_EVENT_STOP) {
			if (want == 0)
				return 0;
			if (ptrace(resume, j->tid, NULL, NULL))
				return -errno;
			continue;
		}
		if (event)	/* another ptrace event (none asked for): go on */
			sig = 0;
		if (sig && j->nr_sigs < INJ_MAX_SIGS)
			j->sigs[j->nr_sigs++] = sig;
		if (ptrace(want == 1 ? resume : PTRACE_CONT, j->tid, NULL, NULL))
			return -errno;
	}
}

int inj_attach(struct inj *j, pid_t pid, int own_tracee, char *why, size_t len)
{
	uint64_t all = ~0ULL;
	pid_t tracer;
	int ret;

	memset(j, 0, sizeof(*j));
	j->pid = pid;
	j->tid = own_tracee ? pid : pick_thread(pid);
	if (!j->tid)
		return rec_why(why, len, -ESRCH, "cannot attach to pid %d: no such process",
			       (int)pid);
	tracer = inj_find_tracer(pid);
	if (tracer && !(own_tracee && tracer == getpid())) {
		char comm[64] = "?";
		struct pm_proc p;

		if (!pm_proc_read(tracer, &p))
			snprintf(comm, sizeof(comm), "%s", p.comm);
		return rec_why(why, len, -EBUSY, "cannot attach to pid %d: it is already traced by "
			       "pid %d (%s)", (int)pid, (int)tracer, comm);
	}
	if (own_tracee) {
		if (ptrace(PTRACE_SETOPTIONS, j->tid, NULL, (void *)PTRACE_O_TRACESYSGOOD))
			return rec_why(why, len, -errno, "cannot set up pid %d: %s", (int)pid,
				       strerror(errno));
		j->attached = 1;
	} else {
		if (ptrace(PTRACE_SEIZE, j->tid, NULL, (void *)PTRACE_O_TRACESYSGOOD)) {
			ret = -errno;
			if (ret == -EPERM || ret == -EACCES)
				return rec_why(why, len, -EPERM, "cannot attach to pid %d: operation "
					       "not permitted (try as root, or lower "
					       "/proc/sys/kernel/yama/ptrace_scope)", (int)pid);
			return rec_why(why, len, ret, "cannot attach to pid %d: %s", (int)pid,
				       ret == -ESRCH ? "no such process" : strerror(-ret));
		}
		j->seized = 1;
		j->attached = 1;
		if (ptrace(PTRACE_INTERRUPT, j->tid, NULL, NULL)) {
			ret = -errno;
			goto fail;
		}
		ret = wait_for(j, 0, PTRACE_CONT);
		if (ret)
			goto fail;
	}
	if (ptrace(PTRACE_GETREGS, j->tid, NULL, REGS(j))) {
		ret = -errno;
		goto fail;
	}
	j->have_regs = 1;
	if (REGS(j)->cs == 0x23) {
		inj_detach(j);
		return rec_why(why, len, -ENOTSUP, "pid %d is a 32-bit process", (int)pid);
	}
	if (ptrace(PTRACE_GETSIGMASK, j->tid, (void *)sizeof(j->sigmask), &j->sigmask)) {
		ret = -errno;
		goto fail;
	}
	j->have_mask = 1;
	if (ptrace(PTRACE_SETSIGMASK, j->tid, (void *)sizeof(all), &all)) {
		ret = -errno;
		goto fail;
	}
	ret = find_syscall_insn(j);
	if (ret) {
		inj_detach(j);
		return rec_why(why, len, ret, "cannot find a syscall instruction in pid %d",
			       (int)pid);
	}
	return 0;
fail:
	inj_detach(j);
	return rec_why(why, len, ret, "cannot stop pid %d for injection: %s", (int)pid,
		       ret == -ESRCH ? "it exited" : strerror(-ret));
}

int inj_syscall(struct inj *j, long nr, const long args[6], long *ret)
{
	struct user_regs_struct r = *REGS(j);
	int err;

	if (!j->attached)
		return -ESRCH;
	r.rip = j->syscall_insn;
	r.rax = (unsigned long long)nr;
	r.orig_rax = (unsigned long long)-1;	/* no restart processing of our registers */
	r.rdi = args[0];
	r.rsi = args[1];
	r.rdx = args[2];
	r.r10 = args[3];
	r.r8 = args[4];
	r.r9 = args[5];
	if (ptrace(PTRACE_SETREGS, j->tid, NULL, &r) || ptrace(PTRACE_SYSCALL, j->tid, NULL, NULL))
		return -errno;
	err = wait_for(j, 1, PTRACE_SYSCALL);		/* enter */
	if (!err && ptrace(PTRACE_SYSCALL, j->tid, NULL, NULL))
		err = -errno;
	if (!err)
		err = wait_for(j, 1, PTRACE_SYSCALL);	/* exit */
	if (!err && ptrace(PTRACE_GETREGS, j->tid, NULL, &r))
		err = -errno;
	if (err)
		return err;
	*ret = (long)r.rax;
	return 0;
}

int inj_detach(struct inj *j)
{
	int ret = 0;

	if (!j->attached)
		return 0;
	/* the original registers first: whatever happens next, they are the thread's */
	if (j->have_regs && ptrace(PTRACE_SETREGS, j->tid, NULL, REGS(j)))
		ret = -errno;
	if (j->seized) {
		/* come to rest inside get_signal() so the kernel finishes an interrupted call */
		if (ptrace(PTRACE_INTERRUPT, j->tid, NULL, NULL) == 0 &&
		    ptrace(PTRACE_CONT, j->tid, NULL, NULL) == 0) {
			int err = wait_for(j, 0, PTRACE_CONT);

			if (err == -ESRCH)
				return err;
			if (!err && j->have_regs && ptrace(PTRACE_SETREGS, j->tid, NULL, REGS(j)))
				ret = -errno;
		}
	}
	if (j->have_mask)
		ptrace(PTRACE_SETSIGMASK, j->tid, (void *)sizeof(j->sigmask), &j->sigmask);
	if (j->seized) {
		if (ptrace(PTRACE_DETACH, j->tid, NULL,
			   (void *)(long)(j->nr_sigs ? j->sigs[0] : 0)) && !ret)
			ret = -errno;
		for (int i = 1; i < j->nr_sigs; i++)
			syscall(SYS_tgkill, j->pid, j->tid, j->sigs[i]);
	} else {
		/* our own tracee: its owner detaches; signals seen meanwhile go back to it */
		for (int i = 0; i < j->nr_sigs; i++)
			syscall(SYS_tgkill, j->pid, j->tid, j->sigs[i]);
	}
	j->attached = 0;
	return ret;
}

#else	/* !__x86_64__ */

int inj_attach(struct inj *j, pid_t pid, int own_tracee, char *why, size_t len)
{
	(void)own_tracee;
	memset(j, 0, sizeof(*j));
	(void)pick_thread;
	return rec_why(why, len, -ENOTSUP, "syscall injection into pid %d is implemented for "
		       "x86-64 only", (int)pid);
}

int inj_syscall(struct inj *j, long nr, const long args[6], long *ret)
{
	(void)j;
	(void)nr;
	(void)args;
	(void)ret;
	return -ENOTSUP;
}

int inj_detach(struct inj *j)
{
	(void)j;
	return 0;
}

#endif
