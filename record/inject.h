/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running a system call inside another process with ptrace, and leaving it exactly as it was:
 * registers, signal mask, pending signals and an interrupted system call's restart. The uffd-wp
 * primitive needs this because a userfaultfd belongs to the address space that created it.
 */
#ifndef RECORD_INJECT_H
#define RECORD_INJECT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define INJ_MAX_SIGS 8

struct inj {
	pid_t pid;		/* the process */
	pid_t tid;		/* the thread that runs the calls */
	int seized;		/* we attached (-p), vs. our own tracee stopped at exec */
	int attached;
	int have_regs;		/* regs and sigmask hold the saved state */
	int have_mask;
	uint64_t syscall_insn;	/* address of "syscall; ret" in the target */
	uint64_t chain_sp;	/* the restore frame's return chain on the thread's stack */
	int mask_blocked;	/* the thread's mask is all-blocked (only while in the chain) */
	int own_blocked;	/* our own signals are blocked for the window; own_mask saved */
	sigset_t own_mask;
	unsigned char regs[512];	/* struct user_regs_struct, saved */
	uint64_t sigmask;	/* saved blocked mask */
	int nr_sigs;		/* signals that arrived meanwhile, handed back at detach */
	int sigs[INJ_MAX_SIGS];
};

/*
 * inj_attach() - stop one thread of @pid for injection. With @own_tracee the process is already
 * our tracee, stopped at its exec (a launched command). Checks that no one else traces it.
 * Return: 0, or -errno with the one-line reason in @why (-EBUSY: traced by someone else, -EPERM:
 * no ptrace rights, -ESRCH: gone, -ENOTSUP: not on this architecture).
 */
int inj_attach(struct inj *j, pid_t pid, int own_tracee, char *why, size_t len);
/*
 * inj_syscall() - run system call @nr with @args in the stopped thread.
 * Return: 0 with the call's return value in @ret, or -errno when the injection itself failed.
 */
int inj_syscall(struct inj *j, long nr, const long args[6], long *ret);
/*
 * inj_detach() - restore the thread and let it go (a seized one), or restore its registers and
 * leave it stopped for its owner (an own tracee). Safe to call after a failed attach.
 * Return: 0 or -errno.
 */
int inj_detach(struct inj *j);

/* inj_find_tracer() - the tracer of @pid (any of its threads), or 0. */
pid_t inj_find_tracer(pid_t pid);

#endif /* RECORD_INJECT_H */
