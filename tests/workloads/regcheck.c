// SPDX-License-Identifier: GPL-2.0
/*
 * A target that notices any damage done to it by a tracer, for the injection torture test
 * (tests/tools/inject-torture.c). The main thread, the one the injector stops, loops over:
 *   - system calls made from assembly with known values in every register the kernel preserves
 *     (rbx, rbp, rsp, r8-r10, r12-r15, the argument registers and xmm0-xmm15), checked after the
 *     call: a blocking read() of a pipe that a helper thread feeds (restarted with ERESTARTSYS
 *     when a stop interrupts it) and a nanosleep() (restarted through restart_syscall);
 *   - a spin in assembly that keeps the same values in the registers for a while and checks them,
 *     so that a stop that lands in user code is checked too;
 *   - the signal mask, which must stay exactly SIGUSR2 and SIGRTMIN+3;
 *   - a checksummed 8 MiB buffer that it keeps writing.
 * It prints "ready PID" at the start, "pong N" after the N-th SIGUSR1, and on any mismatch a line
 * "DAMAGED: what" and exits 99. x86-64 only (elsewhere it says so and exits 77).
 *
 *   regcheck [SECONDS]     (default: until killed)
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)

struct call {
	long nr, a0, a1, a2;	/* in */
	long ret, bad;		/* out: the call's result, a bit per register that changed */
	unsigned char pat[256];	/* xmm0-xmm15 before */
	unsigned char out[256];	/* xmm0-xmm15 after */
};

/* Offsets into struct call for the assembly. */
#define C_NR  "0"
#define C_A0  "8"
#define C_A1  "16"
#define C_A2  "24"
#define C_RET "32"
#define C_BAD "40"
#define C_PAT 48
#define C_OUT 304

#define XMM_LOAD(n)  "movdqu " #n "*16+48(%%rdi), %%xmm" #n "\n\t"
#define XMM_STORE(n) "movdqu %%xmm" #n ", " #n "*16+304(%%rcx)\n\t"
#define CHECK(reg, val) "mov $" val ", %%rax\n\txor %%" reg ", %%rax\n\tor %%rax, %%r11\n\t"
#define PUSH_SAVED "push %%rbx\n\tpush %%rbp\n\tpush %%r12\n\tpush %%r13\n\tpush %%r14\n\tpush %%r15\n\t"
#define POP_SAVED "pop %%r15\n\tpop %%r14\n\tpop %%r13\n\tpop %%r12\n\tpop %%rbp\n\tpop %%rbx\n\t"
#define XMM_LOAD_ALL XMM_LOAD(0) XMM_LOAD(1) XMM_LOAD(2) XMM_LOAD(3) XMM_LOAD(4) XMM_LOAD(5) \
	XMM_LOAD(6) XMM_LOAD(7) XMM_LOAD(8) XMM_LOAD(9) XMM_LOAD(10) XMM_LOAD(11) \
	XMM_LOAD(12) XMM_LOAD(13) XMM_LOAD(14) XMM_LOAD(15)
#define XMM_STORE_ALL XMM_STORE(0) XMM_STORE(1) XMM_STORE(2) XMM_STORE(3) XMM_STORE(4) \
	XMM_STORE(5) XMM_STORE(6) XMM_STORE(7) XMM_STORE(8) XMM_STORE(9) XMM_STORE(10) \
	XMM_STORE(11) XMM_STORE(12) XMM_STORE(13) XMM_STORE(14) XMM_STORE(15)
#define SET_KNOWN "mov $0x1b1b1b1b1b1b1b1b, %%rbx\n\tmov $0x2b2b2b2b2b2b2b2b, %%rbp\n\t" \
	"mov $0x3c3c3c3c3c3c3c3c, %%r12\n\tmov $0x4d4d4d4d4d4d4d4d, %%r13\n\t" \
	"mov $0x5f5f5f5f5f5f5f5f, %%r15\n\tmov $0x6a6a6a6a6a6a6a6a, %%r10\n\t" \
	"mov $0x7a7a7a7a7a7a7a7a, %%r8\n\tmov $0x8a8a8a8a8a8a8a8a, %%r9\n\t"
#define CHECK_KNOWN CHECK("rbx", "0x1b1b1b1b1b1b1b1b") CHECK("rbp", "0x2b2b2b2b2b2b2b2b") \
	CHECK("r12", "0x3c3c3c3c3c3c3c3c") CHECK("r13", "0x4d4d4d4d4d4d4d4d") \
	CHECK("r15", "0x5f5f5f5f5f5f5f5f") CHECK("r10", "0x6a6a6a6a6a6a6a6a") \
	CHECK("r8", "0x7a7a7a7a7a7a7a7a") CHECK("r9", "0x8a8a8a8a8a8a8a8a")
#define CLOBBERS "rax", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory", "cc", \
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", \
	"xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

/* Run c->nr with registers full of known values; c->bad is non-zero when one changed. */
static void checked_syscall(struct call *c)
{
	__asm__ volatile(
		PUSH_SAVED
		"push %%rdi\n\t"
		"mov %%rsp, %%r14\n\t"
		XMM_LOAD_ALL
		SET_KNOWN
		"mov " C_NR "(%%rdi), %%rax\n\t"
		"mov " C_A1 "(%%rdi), %%rsi\n\t"
		"mov " C_A2 "(%%rdi), %%rdx\n\t"
		"mov " C_A0 "(%%rdi), %%rdi\n\t"
		"syscall\n\t"
		"mov (%%rsp), %%rcx\n\t"		/* &c, from the stack */
		"mov %%rax, " C_RET "(%%rcx)\n\t"
		"xor %%r11, %%r11\n\t"
		"mov %%rsp, %%rax\n\txor %%r14, %%rax\n\tor %%rax, %%r11\n\t"
		CHECK_KNOWN
		"mov " C_A0 "(%%rcx), %%rax\n\txor %%rdi, %%rax\n\tor %%rax, %%r11\n\t"
		"mov " C_A1 "(%%rcx), %%rax\n\txor %%rsi, %%rax\n\tor %%rax, %%r11\n\t"
		"mov " C_A2 "(%%rcx), %%rax\n\txor %%rdx, %%rax\n\tor %%rax, %%r11\n\t"
		XMM_STORE_ALL
		"mov %%r11, " C_BAD "(%%rcx)\n\t"
		"pop %%rdi\n\t"
		POP_SAVED
		: : "D"(c) : CLOBBERS);
}

/* Hold known values in registers for @loops turns of a spin; return non-zero if one changed. */
static long checked_spin(struct call *c, long loops)
{
	c->a0 = loops;
	__asm__ volatile(
		PUSH_SAVED
		"push %%rdi\n\t"
		XMM_LOAD_ALL
		"mov " C_A0 "(%%rdi), %%rcx\n\t"
		SET_KNOWN
		"mov $0x5e5e5e5e5e5e5e5e, %%r14\n\t"
		"mov $0x9a9a9a9a9a9a9a9a, %%rsi\n\t"
		"mov $0xaaaaaaaaaaaaaaaa, %%rdx\n\t"
		"1: dec %%rcx\n\tjnz 1b\n\t"
		"mov (%%rsp), %%rcx\n\t"
		"xor %%r11, %%r11\n\t"
		CHECK_KNOWN
		CHECK("r14", "0x5e5e5e5e5e5e5e5e") CHECK("rsi", "0x9a9a9a9a9a9a9a9a")
		CHECK("rdx", "0xaaaaaaaaaaaaaaaa")
		XMM_STORE_ALL
		"mov %%r11, " C_BAD "(%%rcx)\n\t"
		"pop %%rdi\n\t"
		POP_SAVED
		: : "D"(c) : CLOBBERS);
	return c->bad || memcmp(c->pat, c->out, sizeof(c->pat));
}

#define BUF_WORDS ((8u << 20) / sizeof(uint64_t))

static uint64_t *buf;
static int feed[2];
static volatile sig_atomic_t pings;

static void on_usr1(int sig)
{
	(void)sig;
	pings++;
}

static void damaged(const char *what, long a, long b)
{
	printf("DAMAGED: %s (%lx, %ld)\n", what, a, b);
	fflush(stdout);
	_exit(99);
}

/* The helper thread: a byte into the pipe every millisecond: the main thread waits in read(). */
static void *feeder(void *arg)
{
	unsigned char n = 0;

	(void)arg;
	for (;;) {
		struct timespec ts = { 0, 1000000 };

		n++;
		if (write(feed[1], &n, 1) != 1)
			return NULL;
		nanosleep(&ts, NULL);
	}
}

static void expected_mask(sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGUSR2);
	sigaddset(s, SIGRTMIN + 3);
}

static void check_mask(void)
{
	sigset_t want, now;

	expected_mask(&want);
	sigprocmask(SIG_BLOCK, NULL, &now);
	for (int s = 1; s < 64; s++)
		if (sigismember(&want, s) != sigismember(&now, s))
			damaged(sigismember(&now, s) ? "a signal is blocked that was not" :
				"a signal is unblocked that was blocked", s, 0);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 0;
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	struct timespec t0, now;
	unsigned char expect = 0;
	sig_atomic_t seen = 0;
	uint64_t sum = 0;	/* what the buffer must add up to */
	struct call c;
	pthread_t th;
	sigset_t mask;

	expected_mask(&mask);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	buf = calloc(BUF_WORDS, sizeof(*buf));
	if (!buf || pipe(feed) || pthread_create(&th, NULL, feeder, NULL)) {
		perror("regcheck");
		return 1;
	}
	for (size_t i = 0; i < sizeof(c.pat); i++)
		c.pat[i] = (unsigned char)(i * 7 + 3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (uint64_t turn = 1;; turn++) {
		struct timespec ts = { 0, 100000 };
		unsigned char got = 0;
		uint64_t check = 0;
		sig_atomic_t p = pings;

		/* a blocking read: restarted with ERESTARTSYS after a stop */
		c.nr = SYS_read;
		c.a0 = feed[0];
		c.a1 = (long)&got;
		c.a2 = 1;
		checked_syscall(&c);
		if (c.bad || memcmp(c.pat, c.out, sizeof(c.pat)))
			damaged("registers changed across read() (changed bits, result)", c.bad, c.ret);
		if (c.ret != 1)
			damaged("read() returned something else than 1 (result, turn)", c.ret, (long)turn);
		if (got != (unsigned char)(expect + 1))
			damaged("read() gave the wrong byte (got, expected)", got, (unsigned char)(expect + 1));
		expect = got;
		/* a sleep: restarted through restart_syscall after a stop */
		c.nr = SYS_nanosleep;
		c.a0 = (long)&ts;
		c.a1 = 0;
		c.a2 = 0;
		checked_syscall(&c);
		if (c.bad || memcmp(c.pat, c.out, sizeof(c.pat)))
			damaged("registers changed across nanosleep() (changed bits, result)", c.bad, c.ret);
		if (c.ret != 0 && !(c.ret == -EINTR && pings != p))
			damaged("nanosleep() failed with no signal (result, turn)", c.ret, (long)turn);
		if (checked_spin(&c, 20000))
			damaged("registers changed in user code (changed bits, turn)", c.bad, (long)turn);
		check_mask();
		/* the buffer: one stripe written, the whole sum checked now and then */
		for (size_t i = turn % 64; i < BUF_WORDS; i += 64) {
			buf[i] += i ^ turn;
			sum += i ^ turn;
		}
		if (turn % 64 == 0) {
			for (size_t i = 0; i < BUF_WORDS; i++)
				check += buf[i];
			if (sum != check)
				damaged("the buffer changed (sum, expected)", (long)check, (long)sum);
		}
		if (pings != seen) {
			seen = pings;
			printf("pong %d\n", (int)seen);
			fflush(stdout);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (secs > 0 && (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9 >= secs)
			return 0;
	}
}

#else

int main(void)
{
	fprintf(stderr, "regcheck: x86-64 only\n");
	return 77;
}

#endif
