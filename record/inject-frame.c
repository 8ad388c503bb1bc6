// SPDX-License-Identifier: GPL-2.0
/*
 * The restore frame of an injection (see inject-frame.h), x86-64.
 *
 * The frame is the kernel's own struct rt_sigframe: sys_rt_sigreturn() reads it at rsp - 8,
 * takes the signal mask from uc_sigmask, every general register, rip and the flags from
 * uc_mcontext, and the FPU/vector state from the XSAVE area uc_mcontext.fpstate points at
 * (arch/x86/kernel/signal_64.c, fpu/signal.c). It also calls do_sigaltstack() with uc_stack; a
 * stack of size 0 is refused there without a change (-ENOMEM, ignored by restore_altstack()), so
 * the thread's alternate signal stack is left as it is. The layouts below are the kernel's
 * uapi ones, written out here because <asm/sigcontext.h> and glibc's <signal.h> do not mix.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/inject-frame.h"
#include "record/procmaps.h"

#if defined(__x86_64__)

#include <sys/user.h>

struct k_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t di, si, bp, bx, dx, ax, cx, sp, ip, flags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct k_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct k_stack uc_stack;
	struct k_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct k_rt_sigframe {
	uint64_t pretcode;
	struct k_ucontext uc;
	unsigned char info[128];	/* siginfo: not read by rt_sigreturn */
};

_Static_assert(sizeof(struct k_sigcontext) == 256, "sigcontext layout");
_Static_assert(offsetof(struct k_ucontext, uc_mcontext) == 40, "ucontext layout");
_Static_assert(offsetof(struct k_ucontext, uc_sigmask) == 296, "ucontext layout");
_Static_assert(sizeof(struct k_rt_sigframe) == 440, "rt_sigframe layout");

#define UC_FP_XSTATE		0x1
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4
#define FP_XSTATE_MAGIC1	0x46505853U
#define FP_XSTATE_MAGIC2	0x46505845U
#define FXSAVE_SIZE		512
#define SW_BYTES_OFFSET		464	/* struct _fpx_sw_bytes inside the fxsave area */
#define RED_ZONE		128

/* The kernel's restart codes (include/linux/errno.h): what a stop left in rax. */
#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514
#define ERESTART_RESTARTBLOCK	516

static const unsigned char syscall_ret[] = { 0x0f, 0x05, 0xc3 };
static const unsigned char restore_rt_q[] = { 0x48, 0xc7, 0xc0, 0x0f, 0, 0, 0, 0x0f, 0x05 };
static const unsigned char restore_rt_l[] = { 0xb8, 0x0f, 0, 0, 0, 0x0f, 0x05 };
static const unsigned char pop_rax_ret[] = { 0x58, 0xc3 };

#define SCAN_LIMIT (16u << 20)	/* bytes of one mapping searched */

static void match(const unsigned char *p, size_t left, uint64_t addr, struct inj_frame_gadgets *g)
{
	if (!g->syscall_ret && left >= sizeof(syscall_ret) &&
	    !memcmp(p, syscall_ret, sizeof(syscall_ret)))
		g->syscall_ret = addr;
	if (!g->sigreturn && ((left >= sizeof(restore_rt_q) &&
			       !memcmp(p, restore_rt_q, sizeof(restore_rt_q))) ||
			      (left >= sizeof(restore_rt_l) &&
			       !memcmp(p, restore_rt_l, sizeof(restore_rt_l)))))
		g->sigreturn = addr;
	if (!g->pop_rax_ret && left >= sizeof(pop_rax_ret) &&
	    !memcmp(p, pop_rax_ret, sizeof(pop_rax_ret)))
		g->pop_rax_ret = addr;
}

static void scan_mapping(int mem_fd, const struct pm_entry *e, struct inj_frame_gadgets *g)
{
	static unsigned char buf[65536];
	const size_t overlap = 16;	/* longer than any pattern: none is cut in two */
	uint64_t end = e->end - e->start > SCAN_LIMIT ? e->start + SCAN_LIMIT : e->end;

	for (uint64_t a = e->start; a < end; a += sizeof(buf) - overlap) {
		ssize_t n = pread(mem_fd, buf, sizeof(buf), (off_t)a);

		if (n <= 0)
			return;
		for (ssize_t k = 0; k < n; k++) {
			if (buf[k] != 0x0f && buf[k] != 0x48 && buf[k] != 0xb8 && buf[k] != 0x58)
				continue;
			match(buf + k, (size_t)(n - k), a + (uint64_t)k, g);
		}
		if (g->syscall_ret && g->sigreturn)
			return;
		if ((size_t)n < sizeof(buf))
			return;
	}
}

int inj_frame_find_gadgets(int mem_fd, const struct pm_map *m, struct inj_frame_gadgets *g)
{
	memset(g, 0, sizeof(*g));
	/* libc first: it has both (__restore_rt and the small syscall wrappers) */
	for (int pass = 0; pass < 2 && !(g->syscall_ret && g->sigreturn); pass++) {
		for (size_t i = 0; i < m->nr && !(g->syscall_ret && g->sigreturn); i++) {
			const struct pm_entry *e = &m->e[i];
			int is_libc = strstr(e->path, "/libc.so") || strstr(e->path, "/libc-") ||
				      strstr(e->path, "ld-musl");

			if (!(e->perms & DPF_MAP_EXEC) || !strcmp(e->path, "[vsyscall]"))
				continue;
			if ((pass == 0) != !!is_libc)
				continue;
			scan_mapping(mem_fd, e, g);
		}
	}
	if (!g->syscall_ret || (!g->sigreturn && !g->pop_rax_ret))
		return -ENOENT;
	return 0;
}

static const struct pm_entry *mapping_of(const struct pm_map *m, uint64_t addr)
{
	for (size_t i = 0; i < m->nr; i++)
		if (m->e[i].start <= addr && addr < m->e[i].end)
			return &m->e[i];
	return NULL;
}

/* The registers the thread resumes with: a call the kernel would restart is issued again. */
static void resume_regs(const struct user_regs_struct *r, struct k_sigcontext *sc)
{
	long ax = (long)r->rax;

	sc->r8 = r->r8;
	sc->r9 = r->r9;
	sc->r10 = r->r10;
	sc->r11 = r->r11;
	sc->r12 = r->r12;
	sc->r13 = r->r13;
	sc->r14 = r->r14;
	sc->r15 = r->r15;
	sc->di = r->rdi;
	sc->si = r->rsi;
	sc->bp = r->rbp;
	sc->bx = r->rbx;
	sc->dx = r->rdx;
	sc->ax = r->rax;
	sc->cx = r->rcx;
	sc->sp = r->rsp;
	sc->ip = r->rip;
	sc->flags = r->eflags;
	sc->cs = (uint16_t)r->cs;
	sc->ss = (uint16_t)r->ss;
	/*
	 * Stopped inside a system call that the kernel would restart after the stop: rt_sigreturn
	 * sets orig_ax to -1, so the restart has to be in the frame. ERESTART_RESTARTBLOCK would
	 * go through restart_syscall(), whose block rt_sigreturn resets: the call itself is issued
	 * again instead, with its arguments, which a system call leaves in their registers (a
	 * sleep then starts over with its whole timeout).
	 */
	if ((long)r->orig_rax >= 0 && (ax == -ERESTARTSYS || ax == -ERESTARTNOINTR ||
				       ax == -ERESTARTNOHAND || ax == -ERESTART_RESTARTBLOCK)) {
		sc->ax = r->orig_rax;
		sc->ip = r->rip - 2;	/* "syscall" and "int $0x80" are both two bytes */
	}
}

/* Size of the FPU area in the frame, with its trailing magic; fix the area up for restore. */
static size_t fpu_area(const struct inj_frame_saved *s, unsigned char *area)
{
	uint32_t magic1, xsize;

	if (s->fpu_is_xstate && s->fpu_len > SW_BYTES_OFFSET + 16) {
		memcpy(&magic1, (const unsigned char *)s->fpu + SW_BYTES_OFFSET, 4);
		memcpy(&xsize, (const unsigned char *)s->fpu + SW_BYTES_OFFSET + 16, 4);
		if (magic1 == FP_XSTATE_MAGIC1 && xsize >= FXSAVE_SIZE + 64 && xsize <= s->fpu_len) {
			uint32_t magic2 = FP_XSTATE_MAGIC2;

			if (area) {
				memcpy(area, s->fpu, xsize);
				memcpy(area + xsize, &magic2, 4);
			}
			return xsize + 4;
		}
	}
	/* the legacy area alone: no magic, so the kernel restores x87 and SSE only */
	if (area) {
		memcpy(area, s->fpu, s->fpu_len < FXSAVE_SIZE ? s->fpu_len : FXSAVE_SIZE);
		memset(area + SW_BYTES_OFFSET, 0, FXSAVE_SIZE - SW_BYTES_OFFSET);
	}
	return FXSAVE_SIZE;
}

int inj_frame_build(const struct inj_frame_saved *s, const struct inj_frame_gadgets *g,
		    const struct pm_map *m, struct inj_frame *f)
{
	const struct user_regs_struct *r = s->regs;
	uint64_t top = r->rsp - RED_ZONE, fp, frame, chain;
	size_t fp_len = fpu_area(s, NULL);
	const struct pm_entry *stack;
	struct k_rt_sigframe sf;

	memset(f, 0, sizeof(*f));
	fp = (top - fp_len) & ~63ULL;			/* XRSTOR wants 64-byte alignment */
	frame = (fp - sizeof(sf)) & ~15ULL;
	chain = g->sigreturn ? frame : frame - 16;	/* pop %rax; ret needs two words more */
	stack = mapping_of(m, r->rsp - 1);
	if (!stack || chain < stack->start || !(stack->perms & DPF_MAP_WRITE) || chain > top)
		return -ENOSPC;

	memset(&sf, 0, sizeof(sf));
	sf.pretcode = g->sigreturn ? g->sigreturn : g->syscall_ret;
	sf.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS |
			 (fp_len > FXSAVE_SIZE ? UC_FP_XSTATE : 0);
	resume_regs(r, &sf.uc.uc_mcontext);
	sf.uc.uc_mcontext.fpstate = fp;
	sf.uc.uc_sigmask = s->sigmask;

	f->len = (size_t)(top - chain);
	f->bytes = calloc(1, f->len);
	if (!f->bytes)
		return -ENOMEM;
	f->at = chain;
	f->chain_sp = chain;
	if (!g->sigreturn) {
		uint64_t words[2] = { g->pop_rax_ret, 15 /* __NR_rt_sigreturn */ };

		memcpy(f->bytes, words, sizeof(words));
	}
	memcpy(f->bytes + (frame - chain), &sf, sizeof(sf));
	fpu_area(s, f->bytes + (fp - chain));
	return 0;
}

void inj_frame_release(struct inj_frame *f)
{
	free(f->bytes);
	memset(f, 0, sizeof(*f));
}

#else	/* !__x86_64__ */

int inj_frame_find_gadgets(int mem_fd, const struct pm_map *m, struct inj_frame_gadgets *g)
{
	(void)mem_fd;
	(void)m;
	memset(g, 0, sizeof(*g));
	return -ENOTSUP;
}

int inj_frame_build(const struct inj_frame_saved *s, const struct inj_frame_gadgets *g,
		    const struct pm_map *m, struct inj_frame *f)
{
	(void)s;
	(void)g;
	(void)m;
	memset(f, 0, sizeof(*f));
	return -ENOTSUP;
}

void inj_frame_release(struct inj_frame *f)
{
	(void)f;
}

#endif
