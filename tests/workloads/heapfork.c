// SPDX-License-Identifier: GPL-2.0
/*
 * A target that is hard on a preload library (tests/cli/t0561-heap-sites-process.sh): it
 * allocates from a signal handler that interrupts the library's hooks (of mmap and munmap), forks a child that
 * allocates (the child must not be recorded), runs a command in a grandchild (fork and exec: not
 * recorded either), and finally execs itself, so that the new program is recorded from its start.
 *   heapfork            the first program: parent_block, on_signal, child_block, then exec
 *   heapfork after      the program after exec: after_exec_block, held a while, then it
 *                       prints "after done" (a test that kills the recorder waits for it)
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1u << 20)

static volatile sig_atomic_t signals;
static volatile uint64_t sink;
static char *kept[16];	/* the handler's first blocks, kept: live in the snapshots */

/* malloc in a handler is not async-signal-safe by POSIX, but programs do it: survive it */
__attribute__((noinline)) static void on_signal(int sig)
{
	char *p = malloc(64 * 1024);

	(void)sig;
	if (p) {
		memset(p, 1, 64 * 1024);
		sink += (uintptr_t)p;
		if (signals < 16)
			kept[signals] = p;
		else
			free(p);
	}
	signals++;
}

__attribute__((noinline)) static char *parent_block(void)
{
	char *p = malloc(2 * MIB);

	memset(p, 1, 2 * MIB);
	return p;
}

__attribute__((noinline)) static char *child_block(void)
{
	char *p = malloc(2 * MIB);

	memset(p, 2, 2 * MIB);
	return p;
}

__attribute__((noinline)) static char *after_exec_block(void)
{
	char *p = malloc(5 * MIB);

	memset(p, 3, 5 * MIB);
	return p;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts))
		;
}

int main(int argc, char **argv)
{
	struct itimerval it = { { 0, 200 }, { 0, 200 } };
	struct sigaction sa;
	char *keep, self[4096];
	pid_t pid;
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "after")) {
		keep = after_exec_block();
		for (int i = 0; i < 75; i++) {	/* 1.5 s: a few snapshots see it */
			memset(keep, i, 5 * MIB);
			sleep_ms(20);
		}
		printf("after done\n");
		return 0;
	}
	keep = parent_block();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);	/* every 200 us, through our own mallocs */
	/*
	 * mmap, not malloc: a handler that mallocs while glibc's malloc runs corrupts its heap,
	 * whatever we do; the library's mmap hook is interrupted instead (it records each map)
	 */
	for (int i = 0; i < 20000 || signals < 200; i++) {
		size_t n = 8192 + (size_t)(i % 7) * 4096;
		char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		p[0] = (char)i;
		munmap(p, n);
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	pid = fork();
	if (pid == 0) {
		char *c;

		/* were the child recorded, its free and its new block (likely where the parent's
		 * block is in the parent) would take the parent's block from parent_block */
		free(keep);
		c = child_block();

		sink += (uintptr_t)c;
		if (fork() == 0) {	/* a grandchild that runs a command */
			execlp("true", "true", (char *)NULL);
			_exit(127);
		}
		wait(NULL);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 75; i++) {
		memset(keep, i, 2 * MIB);
		for (int k = 0; k < 16; k++)
			if (kept[k])
				kept[k][0] = (char)i;
		sleep_ms(20);
	}
	printf("signals %d\n", (int)signals);
	fflush(stdout);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	execl(self, self, "after", (char *)NULL);
	return 1;
}
