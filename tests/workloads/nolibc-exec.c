// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload of tests/cli/t0200-record-uffd.sh: a program without the C library, as a new
 * program is in its first moments after an exec (only its loader mapped). It waits 0.3 s, then
 * execs its arguments. uffd-wp cannot inject into it (no "syscall; ret" nor rt_sigreturn of the
 * C library), so a recorder following the exec must wait for the program after it rather than
 * give up. Built with -nostdlib (Makefile); x86-64 only, like the injection.
 *
 *   nolibc-exec PROGRAM [ARG...]
 */
#if defined(__x86_64__)
#include <asm/unistd.h>

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

__attribute__((used)) void nolibc_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	struct { long sec, nsec; } pause = { 0, 300000000 };

	sys3(__NR_nanosleep, (long)&pause, 0, 0);
	if (argc > 1)
		sys3(__NR_execve, (long)argv[1], (long)(argv + 1), (long)envp);
	sys3(__NR_exit_group, 127, 0, 0);
	for (;;)
		;
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall nolibc_main\n");
#else
void _start(void)
{
	__builtin_trap();
}
#endif
