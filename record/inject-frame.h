/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The restore frame that makes a system-call injection safe against the recorder's death
 * (record/inject.c; the argument is design note 12 of daprof-design-notes(7)).
 *
 * Before the injector changes a single register of the stopped thread, it writes below the
 * thread's red zone a signal frame (struct rt_sigframe, as the kernel builds for a handler)
 * that holds the thread's saved registers, signal mask and FPU/vector state, and a return chain
 * to it. Each injected call then runs with rip at a "syscall; ret" found in the target's own
 * code and rsp at that chain, so that whatever instant the recorder dies at, the thread, once the
 * kernel lets it go, finishes the call in hand and returns into rt_sigreturn(), which puts back
 * every register, the FPU state and the mask exactly as they were. x86-64 only.
 */
#ifndef RECORD_INJECT_FRAME_H
#define RECORD_INJECT_FRAME_H

#include <stddef.h>
#include <stdint.h>

struct pm_map;

/* Code in the target that the chain runs (addresses in the target). */
struct inj_frame_gadgets {
	uint64_t syscall_ret;	/* 0f 05 c3: syscall; ret */
	uint64_t sigreturn;	/* mov $15, %rax (or %eax); syscall: libc's __restore_rt */
	uint64_t pop_rax_ret;	/* 58 c3: pop %rax; ret, when there is no __restore_rt */
};

/*
 * inj_frame_find_gadgets() - search the executable mappings of @m in /proc/PID/mem (@mem_fd).
 * Return: 0, or -ENOENT when "syscall; ret" or a way to rt_sigreturn is missing.
 */
int inj_frame_find_gadgets(int mem_fd, const struct pm_map *m, struct inj_frame_gadgets *g);

/* What the frame is built from: the thread as it was stopped. */
struct inj_frame_saved {
	const void *regs;	/* struct user_regs_struct */
	uint64_t sigmask;
	const void *fpu;	/* NT_X86_XSTATE area, or the 512-byte NT_PRFPREG (fxsave) area */
	size_t fpu_len;
	int fpu_is_xstate;
};

struct inj_frame {
	unsigned char *bytes;	/* malloc'd, to be written at @at */
	size_t len;
	uint64_t at;		/* lowest address of the frame in the target */
	uint64_t chain_sp;	/* the rsp the injected calls run with */
};

/*
 * inj_frame_build() - lay the frame out for a thread whose stack pointer is below @m's mapping
 * that holds it. The registers in the frame are those the thread would resume with had no one
 * stopped it: an interrupted system call that the kernel would restart is set to be issued
 * again. Return: 0, -ENOSPC when the thread's stack mapping has no room for it, -ENOMEM.
 */
int inj_frame_build(const struct inj_frame_saved *s, const struct inj_frame_gadgets *g,
		    const struct pm_map *m, struct inj_frame *f);
void inj_frame_release(struct inj_frame *f);

#endif /* RECORD_INJECT_FRAME_H */
