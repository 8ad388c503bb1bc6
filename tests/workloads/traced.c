// SPDX-License-Identifier: GPL-2.0
/*
 * Workload that is already traced: it forks a child that asks to be traced by it
 * (PTRACE_TRACEME) and then writes memory and a heartbeat ("alive N") to OUT_FILE every 50 ms;
 * the parent, its tracer, passes on any signal the child gets. A test can attach to the child
 * (pid in OUT_FILE.pid), expect a refusal, and see that the heartbeat goes on.
 *
 *   traced SECONDS OUT_FILE
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "publish.h"

static char buf[1 << 20];

int main(int argc, char **argv)
{
	double secs = argc == 3 ? atof(argv[1]) : 0;
	int status;
	pid_t child;

	if (secs <= 0) {
		fprintf(stderr, "usage: traced SECONDS OUT_FILE\n");
		return 2;
	}
	child = fork();
	if (child == 0) {
		char msg[64];
		long n = (long)(secs * 20);

		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			return 1;
		snprintf(msg, sizeof(msg), "%d\n", (int)getpid());
		publish_text(argv[2], ".pid", msg);
		for (long i = 1; i <= n; i++) {
			struct timespec ts = { 0, 50000000 };

			memset(buf, (int)i, sizeof(buf));
			snprintf(msg, sizeof(msg), "alive %ld\n", i);
			publish_text(argv[2], "", msg);
			nanosleep(&ts, NULL);
		}
		return 0;
	}
	while (waitpid(child, &status, 0) == child) {
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		if (WIFSTOPPED(status))
			ptrace(PTRACE_CONT, child, NULL, (void *)(long)WSTOPSIG(status));
	}
	return 1;
}
