// SPDX-License-Identifier: GPL-2.0
/*
 * System-call injection with ptrace (see inject.h), x86-64.
 *
 * A running target: PTRACE_SEIZE one thread, PTRACE_INTERRUPT it, save its registers, signal
 * mask and FPU state, and write below its red zone a restore frame (inject-frame.h): a signal
 * frame holding all of it, and a return chain into rt_sigreturn(). Each call then runs between
 * its syscall-enter and -exit stops with rip at a "syscall; ret" of the target's own code (no
 * byte of its code is written) and rsp at the chain, with every signal blocked. At the end the
 * mask is put back, then the registers, and the thread comes to rest once more in a
 * PTRACE_EVENT_STOP before it is detached. That last stop matters: the interrupt that stopped
 * the thread may have broken off a blocking system call (rax = -ERESTARTSYS and friends), and
 * the kernel decides whether to restart it, or to return EINTR to a signal handler, only after
 * get_signal(); detaching from a stop inside get_signal() with the original registers lets the
 * kernel make that decision exactly as it would have without us. Signals that arrive meanwhile
 * stay pending behind the blocked mask (or, for the unblockable ones, are handed back at
 * detach), so none is lost.
 *
 * The steps are ordered so that at every instant the thread is either exactly as it was or
 * inside the chain: if the recorder dies (SIGKILL) anywhere, the kernel lets the thread go, it
 * finishes the call in hand and rt_sigreturn() restores it. Our own catchable signals are
 * blocked for the window, so that SIGINT or SIGQUIT end us only after the target is let go.
 * Design note 12 (daprof-design-notes(7)) gives the whole argument.
 *
 * A launched command is our own tracee, stopped at its exec: no attach, no interrupt; its
 * registers are restored at the last syscall-exit stop and record.c detaches it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#include "record/inject-frame.h"
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

#include <elf.h>

#define REGS(j) ((struct user_regs_struct *)(void *)(j)->regs)
#define XSTATE_MAX (64u << 10)

/*
 * A test hook (DAPROF_TEST_INJECT_DIE_AT=N): the recorder kills itself at the N-th step of an
 * injection, so that a test can abandon the target at every step in turn
 * (tests/cli/t0210-record-inject-death.sh). Steps are counted across the whole process.
 */
static void test_point(void)
{
	static long at = -1, n;

	if (at < 0) {
		const char *e = getenv("DAPROF_TEST_INJECT_DIE_AT");

		at = e ? strtol(e, NULL, 10) : 0;
	}
	if (at > 0 && ++n == at)
		kill(getpid(), SIGKILL);
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

/* The thread's FPU and vector state, as XSAVE (or, without XSAVE, the fxsave area). */
static int save_fpu(struct inj *j, void **fpu, size_t *len, int *is_xstate)
{
	struct iovec iov;

	*fpu = malloc(XSTATE_MAX);
	if (!*fpu)
		return -ENOMEM;
	iov.iov_base = *fpu;
	iov.iov_len = XSTATE_MAX;
	if (!ptrace(PTRACE_GETREGSET, j->tid, (void *)NT_X86_XSTATE, &iov)) {
		*len = iov.iov_len;
		*is_xstate = 1;
		return 0;
	}
	iov.iov_len = XSTATE_MAX;
	if (!ptrace(PTRACE_GETREGSET, j->tid, (void *)NT_PRFPREG, &iov) && iov.iov_len >= 512) {
		*len = iov.iov_len;
		*is_xstate = 0;
		return 0;
	}
	free(*fpu);
	*fpu = NULL;
	return -errno;
}

/* The gadgets must still be there, now that the thread is stopped. */
static int gadgets_still_there(int mem_fd, const struct inj_frame_gadgets *g)
{
	unsigned char b[9];

	if (pread(mem_fd, b, 3, (off_t)g->syscall_ret) != 3 || memcmp(b, "\x0f\x05\xc3", 3))
		return 0;
	if (g->sigreturn)
		return pread(mem_fd, b, 9, (off_t)g->sigreturn) >= 7 &&
		       (!memcmp(b, "\x48\xc7\xc0\x0f\0\0\0\x0f\x05", 9) ||
			!memcmp(b, "\xb8\x0f\0\0\0\x0f\x05", 7));
	return pread(mem_fd, b, 2, (off_t)g->pop_rax_ret) == 2 && !memcmp(b, "\x58\xc3", 2);
}

/*
 * Write the restore frame below the stopped thread's red zone (inject-frame.h). Nothing of the
 * thread's state has changed yet: were we to die now, it would run on as it was, and the frame
 * is in stack space that is free.
 */
static int place_frame(struct inj *j, int mem_fd, const struct inj_frame_gadgets *g)
{
	struct inj_frame_saved s = { .regs = REGS(j), .sigmask = j->sigmask };
	struct inj_frame f;
	struct pm_map m;
	void *fpu = NULL;
	int ret;

	ret = save_fpu(j, &fpu, &s.fpu_len, &s.fpu_is_xstate);
	if (ret)
		return ret;
	s.fpu = fpu;
	/* read again now that the thread is stopped: its stack may have grown since the search */
	ret = pm_read(j->pid, &m);
	if (ret) {
		free(fpu);
		return ret;
	}
	ret = inj_frame_build(&s, g, &m, &f);
	pm_release(&m);
	free(fpu);
	if (ret)
		return ret;
	if (pwrite(mem_fd, f.bytes, f.len, (off_t)f.at) != (ssize_t)f.len)
		ret = errno ? -errno : -EIO;
	j->chain_sp = f.chain_sp;
	inj_frame_release(&f);
	return ret;
}

static void block_own_signals(struct inj *j)
{
	sigset_t all;

	sigfillset(&all);
	if (!pthread_sigmask(SIG_BLOCK, &all, &j->own_mask))
		j->own_blocked = 1;
}

static void unblock_own_signals(struct inj *j)
{
	if (j->own_blocked)
		pthread_sigmask(SIG_SETMASK, &j->own_mask, NULL);
	j->own_blocked = 0;
}

/* The reason an attach (opening /proc/PID/mem, or PTRACE_SEIZE) failed with @err. */
static int attach_refused(pid_t pid, int err, char *why, size_t len)
{
	if (err == -EPERM || err == -EACCES)
		return rec_why(why, len, -EPERM, "cannot attach to pid %d: operation not permitted "
			       "(try as root, or lower /proc/sys/kernel/yama/ptrace_scope)", (int)pid);
	return rec_why(why, len, err, "cannot attach to pid %d: %s", (int)pid,
		       err == -ESRCH || err == -ENOENT ? "no such process" : strerror(-err));
}

int inj_attach(struct inj *j, pid_t pid, int own_tracee, char *why, size_t len)
{
	struct inj_frame_gadgets g;
	struct pm_map m;
	char path[64];
	pid_t tracer;
	int ret, mem_fd;

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
	/* the code the injected calls run, found while the target still runs */
	pm_path(path, sizeof(path), pid, "mem");	/* a live thread's: the leader may be a zombie */
	mem_fd = open(path, O_RDWR | O_CLOEXEC);
	if (mem_fd < 0)
		return attach_refused(pid, -errno, why, len);
	ret = pm_read(pid, &m);
	if (!ret) {
		ret = inj_frame_find_gadgets(mem_fd, &m, &g);
		pm_release(&m);
	}
	if (ret) {
		close(mem_fd);
		if (ret == -ENOENT)
			return rec_why(why, len, -ENOTSUP, "cannot inject into pid %d safely: its "
				       "code has no \"syscall; ret\" and rt_sigreturn sequence (a "
				       "program without the C library?)", (int)pid);
		return rec_why(why, len, ret, "cannot read the code of pid %d: %s", (int)pid,
			       strerror(-ret));
	}
	/* SIGINT, SIGQUIT, SIGTERM...: handled once the target is let go */
	block_own_signals(j);
	if (own_tracee) {
		if (ptrace(PTRACE_SETOPTIONS, j->tid, NULL, (void *)PTRACE_O_TRACESYSGOOD)) {
			ret = -errno;
			close(mem_fd);
			unblock_own_signals(j);
			return rec_why(why, len, ret, "cannot set up pid %d: %s", (int)pid,
				       strerror(-ret));
		}
		j->attached = 1;
	} else {
		if (ptrace(PTRACE_SEIZE, j->tid, NULL, (void *)PTRACE_O_TRACESYSGOOD)) {
			ret = -errno;
			close(mem_fd);
			unblock_own_signals(j);
			return attach_refused(pid, ret, why, len);
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
	test_point();
	if (ptrace(PTRACE_GETREGS, j->tid, NULL, REGS(j))) {
		ret = -errno;
		goto fail;
	}
	j->have_regs = 1;
	if (REGS(j)->cs == 0x23) {
		close(mem_fd);
		inj_detach(j);
		return rec_why(why, len, -ENOTSUP, "pid %d is a 32-bit process", (int)pid);
	}
	if (ptrace(PTRACE_GETSIGMASK, j->tid, (void *)sizeof(j->sigmask), &j->sigmask)) {
		ret = -errno;
		goto fail;
	}
	j->have_mask = 1;
	if (!gadgets_still_there(mem_fd, &g)) {
		close(mem_fd);
		inj_detach(j);
		return rec_why(why, len, -EAGAIN, "cannot inject into pid %d: its code changed "
			       "while it was being stopped", (int)pid);
	}
	ret = place_frame(j, mem_fd, &g);
	close(mem_fd);
	mem_fd = -1;
	if (ret) {
		inj_detach(j);
		if (ret == -ENOSPC)
			return rec_why(why, len, ret, "cannot inject into pid %d safely: the stack "
				       "of thread %d has no room below its stack pointer for a "
				       "restore frame", (int)pid, (int)j->tid);
		return rec_why(why, len, ret, "cannot prepare the injection into pid %d: %s",
			       (int)pid, strerror(-ret));
	}
	j->syscall_insn = g.syscall_ret;
	test_point();
	return 0;
fail:
	if (mem_fd >= 0)
		close(mem_fd);
	inj_detach(j);
	return rec_why(why, len, ret, "cannot stop pid %d for injection: %s", (int)pid,
		       ret == -ESRCH ? "it exited" : strerror(-ret));
}

/*
 * The order of each step keeps one rule: whenever the thread's registers or mask differ from
 * the saved ones, its registers point into the return chain, so that a recorder that dies at
 * any instant leaves a thread that restores itself (inject-frame.h).
 */
int inj_syscall(struct inj *j, long nr, const long args[6], long *ret)
{
	struct user_regs_struct r = *REGS(j);
	uint64_t all = ~0ULL;
	int err;

	if (!j->attached || !j->chain_sp)
		return -ESRCH;
	r.rip = j->syscall_insn;
	r.rsp = j->chain_sp;
	r.rax = (unsigned long long)nr;
	r.orig_rax = (unsigned long long)-1;	/* no restart processing of our registers */
	r.rdi = args[0];
	r.rsi = args[1];
	r.rdx = args[2];
	r.r10 = args[3];
	r.r8 = args[4];
	r.r9 = args[5];
	if (ptrace(PTRACE_SETREGS, j->tid, NULL, &r))
		return -errno;
	test_point();
	/* with the registers in the chain, block every signal: none may run a handler now */
	if (!j->mask_blocked) {
		if (ptrace(PTRACE_SETSIGMASK, j->tid, (void *)sizeof(all), &all))
			return -errno;
		j->mask_blocked = 1;
		test_point();
	}
	if (ptrace(PTRACE_SYSCALL, j->tid, NULL, NULL))
		return -errno;
	test_point();
	err = wait_for(j, 1, PTRACE_SYSCALL);		/* enter */
	if (!err)
		test_point();
	if (!err && ptrace(PTRACE_SYSCALL, j->tid, NULL, NULL))
		err = -errno;
	if (!err)
		err = wait_for(j, 1, PTRACE_SYSCALL);	/* exit */
	if (!err)
		test_point();
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

	if (!j->attached) {
		unblock_own_signals(j);
		return 0;
	}
	/* the mask first, while the registers still point into the chain; then the registers */
	if (j->mask_blocked &&
	    !ptrace(PTRACE_SETSIGMASK, j->tid, (void *)sizeof(j->sigmask), &j->sigmask)) {
		j->mask_blocked = 0;
		test_point();
	}
	if (j->have_regs && ptrace(PTRACE_SETREGS, j->tid, NULL, REGS(j)))
		ret = -errno;
	test_point();
	if (j->seized) {
		/* come to rest inside get_signal() so the kernel finishes an interrupted call */
		if (ptrace(PTRACE_INTERRUPT, j->tid, NULL, NULL) == 0 &&
		    ptrace(PTRACE_CONT, j->tid, NULL, NULL) == 0) {
			int err;

			test_point();
			err = wait_for(j, 0, PTRACE_CONT);
			if (err == -ESRCH) {
				unblock_own_signals(j);
				return err;
			}
			test_point();
			if (!err && j->have_regs && ptrace(PTRACE_SETREGS, j->tid, NULL, REGS(j)))
				ret = -errno;
		}
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
	unblock_own_signals(j);
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
