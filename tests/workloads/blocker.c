// SPDX-License-Identifier: GPL-2.0
/*
 * Workload that waits inside a system call, to check that attaching to it (ptrace injection)
 * leaves the call as it was: "sleep MS" makes one nanosleep() of MS and reports how long it
 * really slept and what it returned; "read" makes one read() of standard input and reports what
 * it got. A SIGUSR1 handler (without SA_RESTART) counts signals, so that a test can also check
 * that none is lost. The report goes to OUT_FILE (through a rename) when the call returns; the
 * pid goes to OUT_FILE.pid when the call is about to start.
 *
 *   blocker sleep MS OUT_FILE | blocker read OUT_FILE
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "publish.h"

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	char msg[512], pid[32];
	double t0;
	int ret, err;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (argc == 4 && !strcmp(argv[1], "sleep")) {
		long ms = atol(argv[2]);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

		publish_text(argv[3], ".pid", pid);
		t0 = now_ms();
		ret = nanosleep(&ts, NULL);
		err = ret ? errno : 0;
		snprintf(msg, sizeof(msg), "slept %.0f ret %d errno %d usr1 %d\n", now_ms() - t0, ret,
			 err, (int)usr1);
		publish_text(argv[3], "", msg);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "read")) {
		char buf[256];
		ssize_t n;

		publish_text(argv[2], ".pid", pid);
		n = read(0, buf, sizeof(buf) - 1);
		err = n < 0 ? errno : 0;
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(msg, sizeof(msg), "read %zd '%s' errno %d usr1 %d\n", n, buf, err, (int)usr1);
		publish_text(argv[2], "", msg);
		return 0;
	}
	fprintf(stderr, "usage: blocker sleep MS OUT_FILE | blocker read OUT_FILE\n");
	return 2;
}
