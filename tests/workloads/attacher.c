// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper, not a workload of its own: another tracer. It seizes PID with ptrace (the target
 * runs on; PTRACE_SEIZE stops it for nothing) and, for SECONDS, passes on every signal the target
 * gets, so that a test can make a recorded process "already traced" at a moment of its choosing
 * (for instance before it calls exec). Exiting detaches it. Writes "seized" to stdout once done.
 *
 *   attacher PID SECONDS
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	pid_t pid = argc > 2 ? (pid_t)atoi(argv[1]) : 0;
	double end = argc > 2 ? now_s() + atof(argv[2]) : 0;

	if (pid <= 0) {
		fprintf(stderr, "usage: attacher PID SECONDS\n");
		return 2;
	}
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL)) {
		perror("attacher: PTRACE_SEIZE");
		return 1;
	}
	printf("seized\n");
	fflush(stdout);
	while (now_s() < end) {
		int st;
		pid_t w = waitpid(pid, &st, __WALL | WNOHANG);

		if (w < 0)
			return errno == ECHILD ? 0 : 1;
		if (w == 0) {
			usleep(5000);
			continue;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st))
			return 0;
		if (WIFSTOPPED(st)) {
			/* a group-stop (PTRACE_EVENT_STOP) or an event: go on; a signal: deliver it */
			int sig = (st >> 16) ? 0 : WSTOPSIG(st);

			ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
		}
	}
	return 0;
}
