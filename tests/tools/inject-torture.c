// SPDX-License-Identifier: GPL-2.0
/*
 * The injection torture test: "daprof record" is killed (SIGKILL or SIGQUIT, at random
 * microsecond offsets across attach, injection, recording and detach) again and again, and each
 * time the target must come out whole: alive, no longer traced, its signal mask exactly as it
 * was, answering a signal, and the target itself (tests/workloads/regcheck) checks its registers,
 * its system calls' results and its memory and prints "DAMAGED: ..." if anything changed.
 *
 *   inject-torture -d DAPROF -t REGCHECK -m p|cmd -n TRIALS [-s SEED] [-w DIR] [-a ARG]...
 *
 * -m p records a running target with -p; -m cmd starts it with "record -- REGCHECK", where this
 * program is the subreaper that inherits the target when the recorder dies. -a passes an extra
 * argument to "daprof record" (say "--primitive" "uffd-wp"). Prints a line per damaged target and
 * a closing "trials N damaged N ..." line; exit 0 only with no damaged target.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct opts {
	const char *daprof, *target, *mode, *dir;
	const char *extra[16];
	int nr_extra, trials;
	unsigned seed;
};

struct tally {
	int damaged, not_started, killed_in_window, leaked_fds, recorder_done;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_us(uint64_t us)
{
	uint64_t end = now_us() + us;

	/* spin the last stretch: nanosleep alone is too coarse for microsecond offsets */
	if (us > 200) {
		struct timespec ts = { 0, (long)(us - 100) * 1000 };

		nanosleep(&ts, NULL);
	}
	while (now_us() < end)
		;
}

/* A field of /proc/PID/status as a number (hex for Sig*), or -1. */
static long long status_field(pid_t pid, const char *key, int hex)
{
	char path[64], line[256];
	long long v = -1;
	size_t kl = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtoll(line + kl + 1, NULL, hex ? 16 : 10);
			break;
		}
	fclose(f);
	return v;
}

static int count_fds(pid_t pid)
{
	char path[64];
	int n = 0;

	for (int fd = 0; fd < 256; fd++) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

/* Read one line from @fd within @ms; return its length, 0 at EOF, -1 on timeout. */
static int read_line(int fd, char *buf, size_t len, int ms)
{
	size_t n = 0;
	uint64_t end = now_us() + (uint64_t)ms * 1000;

	while (n + 1 < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = (int64_t)(end - now_us()) / 1000;
		ssize_t r;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		r = read(fd, buf + n, 1);
		if (r <= 0)
			return n ? (int)n : 0;
		if (buf[n] == '\n') {
			buf[n] = '\0';
			return (int)n + 1;
		}
		n++;
	}
	buf[n] = '\0';
	return (int)n;
}

static pid_t spawn(char *const argv[], int out_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		if (out_fd >= 0)
			dup2(out_fd, 1);
		else
			dup2(devnull, 1);
		dup2(devnull, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Wait for @pid's first child to show up as traced at its exec; return it, or 0. */
static pid_t exec_stopped_child(pid_t rec, int ms)
{
	char path[96];
	uint64_t end = now_us() + (uint64_t)ms * 1000;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)rec, (int)rec);
	while (now_us() < end) {
		FILE *f = fopen(path, "r");
		int child = 0;

		if (!f)
			return 0;
		if (fscanf(f, "%d", &child) != 1)
			child = 0;
		fclose(f);
		if (child > 0 && status_field(child, "TracerPid", 0) > 0)
			return child;
	}
	return 0;
}

/*
 * Wait until @pid is traced (TracerPid set); return 1, or 0 after @ms (the window is a
 * millisecond or so, and this poller may not run during it on a busy machine).
 */
static int wait_traced(pid_t pid, int ms)
{
	uint64_t end = now_us() + (uint64_t)ms * 1000;

	while (now_us() < end)
		if (status_field(pid, "TracerPid", 0) > 0)
			return 1;
	return 0;
}

static int damage(int trial, pid_t pid, const char *what, const char *detail)
{
	printf("trial %d: target %d damaged: %s%s%s\n", trial, (int)pid, what,
	       detail ? ": " : "", detail ? detail : "");
	fflush(stdout);
	return 1;
}

/*
 * Check a target after its recorder died: not traced, mask as set, alive and answering SIGUSR1
 * (its own checks print DAMAGED), then ended by SIGTERM, which must not be blocked. Return 1
 * when damaged.
 */
static int check_target(int trial, pid_t pid, int out, int fds_before, struct tally *t)
{
	const long long want_mask = (1LL << (SIGUSR2 - 1)) | (1LL << (SIGRTMIN + 3 - 1));
	char line[256];
	long long v;
	int status, r;
	uint64_t end = now_us() + 2000000;

	while ((v = status_field(pid, "TracerPid", 0)) > 0 && now_us() < end)
		usleep(1000);
	if (v < 0)
		return damage(trial, pid, "it is gone", NULL);
	if (v > 0)
		return damage(trial, pid, "still traced", NULL);
	/* let go, the thread may still be finishing the injected call and the chain */
	end = now_us() + 1000000;
	while ((v = status_field(pid, "SigBlk", 1)) != want_mask && now_us() < end)
		usleep(1000);
	if (v != want_mask) {
		char path[64], st[4096] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)pid);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(st, sizeof(st), f))
				st[0] = '\0';
			fclose(f);
		}
		snprintf(line, sizeof(line), "%llx, expected %llx; thread: %.150s", v, want_mask, st);
		return damage(trial, pid, "signal mask changed", line);
	}
	if (fds_before >= 0 && count_fds(pid) > fds_before)
		t->leaked_fds++;
	kill(pid, SIGUSR1);
	for (;;) {
		r = read_line(out, line, sizeof(line), 3000);
		if (r <= 0)
			return damage(trial, pid, r ? "no answer to SIGUSR1" : "its output ended", NULL);
		if (!strncmp(line, "DAMAGED", 7))
			return damage(trial, pid, "it found", line);
		if (!strncmp(line, "pong", 4))
			break;
	}
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM) {
		while (read_line(out, line, sizeof(line), 100) > 0)
			if (!strncmp(line, "DAMAGED", 7))
				return damage(trial, pid, "it found", line);
		snprintf(line, sizeof(line), "wait status %#x", status);
		return damage(trial, pid, "SIGTERM did not end it", line);
	}
	return 0;
}

/* What became of the processes we inherited, for a trial that went wrong. */
static void show_children(void)
{
	char path[96], buf[512];
	FILE *f = fopen("/proc/self/task/self/children", "r");
	int pid;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
	if (!f)
		f = fopen(path, "r");
	while (f && fscanf(f, "%d", &pid) == 1) {
		FILE *st;

		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		st = fopen(path, "r");
		if (st && fgets(buf, sizeof(buf), st))
			printf("  child %d: %.80s tracer %lld\n", pid, buf,
			       status_field(pid, "TracerPid", 0));
		if (st)
			fclose(st);
	}
	if (f)
		fclose(f);
}

/* One trial: start, kill the recorder at a random point, check the target. */
static int trial(const struct opts *o, int n, struct tally *t)
{
	char *argv[40], out[4200], line[256];
	int pipefd[2], argc = 0, phase = rand() % 4, status, fds_before = -1;
	int sig = (n & 1) ? SIGQUIT : SIGKILL;
	pid_t target = 0, rec;

	snprintf(out, sizeof(out), "%s/rec-%d.data", o->dir, n);
	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	argv[argc++] = (char *)o->daprof;
	argv[argc++] = "record";
	argv[argc++] = "-q";
	argv[argc++] = "-o";
	argv[argc++] = out;
	argv[argc++] = "-d";
	argv[argc++] = "3";
	for (int i = 0; i < o->nr_extra; i++)
		argv[argc++] = (char *)o->extra[i];
	if (!strcmp(o->mode, "p")) {
		char *targv[] = { (char *)o->target, NULL };
		char pidarg[16];

		target = spawn(targv, pipefd[1]);
		if (read_line(pipefd[0], line, sizeof(line), 3000) <= 0 || strncmp(line, "ready", 5))
			return -1;
		fds_before = count_fds(target);
		snprintf(pidarg, sizeof(pidarg), "%d", (int)target);
		argv[argc++] = "-p";
		argv[argc++] = pidarg;
		argv[argc] = NULL;
		rec = spawn(argv, -1);
		if (phase <= 1) {		/* across the injection */
			if (wait_traced(target, 500)) {
				t->killed_in_window++;
				sleep_us((uint64_t)rand() % 1500);
			}
		} else if (phase == 2) {	/* anywhere in the start and the recording */
			sleep_us((uint64_t)rand() % 60000);
		} else {			/* across the stop */
			sleep_us(100000 + (uint64_t)rand() % 50000);
			kill(rec, SIGINT);
			sleep_us((uint64_t)rand() % 3000);
		}
	} else {
		argv[argc++] = "--";
		argv[argc++] = (char *)o->target;
		argv[argc] = NULL;
		rec = spawn(argv, pipefd[1]);
		if (phase <= 1) {		/* across the injection at the exec stop */
			if (exec_stopped_child(rec, 500)) {
				t->killed_in_window++;
				sleep_us((uint64_t)rand() % 1500);
			}
		} else {
			sleep_us((uint64_t)rand() % 60000);
		}
	}
	close(pipefd[1]);
	kill(rec, sig);
	while (waitpid(rec, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFSIGNALED(status))
		t->recorder_done++;	/* it ended before the signal came */
	if (!target) {
		/* the command prints "ready PID" once it runs; no line: the recorder died first */
		int r = read_line(pipefd[0], line, sizeof(line), 3000);

		if (r == 0) {
			t->not_started++;
			close(pipefd[0]);
			unlink(out);
			return 0;
		}
		if (r < 0 || sscanf(line, "ready %d", &target) != 1) {
			close(pipefd[0]);
			printf("trial %d: the started command gave no ready line: '%s'\n", n,
			       r < 0 ? "(timeout)" : line);
			show_children();
			t->damaged++;
			return 0;
		}
	}
	if (check_target(n, target, pipefd[0], fds_before, t)) {
		t->damaged++;
		kill(target, SIGKILL);
		waitpid(target, NULL, 0);
	}
	close(pipefd[0]);
	unlink(out);
	snprintf(out + strlen(out), sizeof(out) - strlen(out), ".old");
	unlink(out);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: inject-torture -d DAPROF -t REGCHECK -m p|cmd -n TRIALS [-s SEED] "
		"[-w DIR] [-a ARG]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = { .dir = ".", .trials = 200, .seed = (unsigned)time(NULL) };
	struct tally t = { 0 };
	int c;

	while ((c = getopt(argc, argv, "d:t:m:n:s:w:a:")) != -1) {
		switch (c) {
		case 'd': o.daprof = optarg; break;
		case 't': o.target = optarg; break;
		case 'm': o.mode = optarg; break;
		case 'n': o.trials = atoi(optarg); break;
		case 's': o.seed = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'w': o.dir = optarg; break;
		case 'a':
			if (o.nr_extra == 16)
				usage();
			o.extra[o.nr_extra++] = optarg;
			break;
		default: usage();
		}
	}
	if (!o.daprof || !o.target || !o.mode || (strcmp(o.mode, "p") && strcmp(o.mode, "cmd")))
		usage();
	srand(o.seed);
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });	/* SIGQUIT dumps no core */
	signal(SIGPIPE, SIG_IGN);
	/* a started command outlives its killed recorder: it comes to us, and we wait for it */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	printf("seed %u\n", o.seed);
	for (int i = 0; i < o.trials; i++)
		if (trial(&o, i, &t)) {
			fprintf(stderr, "inject-torture: trial %d could not be set up\n", i);
			return 2;
		}
	/* orphans of a started command that never printed: none may be left behind */
	for (int st, pid; (pid = waitpid(-1, &st, WNOHANG)) > 0;)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 127)
			printf("an inherited process %d ended with status %#x\n", pid, st);
	printf("trials %d damaged %d killed-in-injection-window %d not-started %d "
	       "recorder-done-first %d target-fd-leaks %d\n", o.trials, t.damaged,
	       t.killed_in_window, t.not_started, t.recorder_done, t.leaked_fds);
	return t.damaged ? 1 : 0;
}
