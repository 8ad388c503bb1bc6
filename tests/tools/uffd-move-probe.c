// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper: the evidence behind design note 36 (why daprof has no UFFDIO_MOVE read sampler).
 * Sampling reads with UFFDIO_MOVE would move the sampled page of the target out to a parking
 * page and back on its missing fault. This program plays both roles in one process and prints
 * what becomes of a parked page when nobody serves the userfaultfd any more:
 *
 *   move: unsupported                  the kernel has no UFFDIO_MOVE (before Linux 6.8)
 *   lost: R reads 0, parked page 'A'   the recorder held the only uffd and died: the target
 *                                      reads zeros where its data was (the data sits in parking)
 *   hang: blocked                      the target holds the uffd too: a reader of the page
 *                                      waits (here 0.5 s) and would wait forever
 *   restore: ok / again: EEXIST        someone holding the uffd moves it back, and doing so twice
 *                                      is harmless (a guardian could replay an intent log)
 *   shared: EBUSY                      a page a forked child shares cannot be parked at all
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef UFFD_FEATURE_MOVE	/* Linux 6.8 uapi, newer than some distributions' headers */
#define UFFD_FEATURE_MOVE (1 << 16)
#define _UFFDIO_MOVE 0x05
struct uffdio_move {
	__u64 dst, src, len, mode;
	__s64 move;
};
#define UFFDIO_MOVE _IOWR(UFFDIO, _UFFDIO_MOVE, struct uffdio_move)
#endif

static long page;
static char *target_page, *parking;
static volatile int reader_done;
static char reader_saw;

static int uffd_open(void)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_MOVE };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || ioctl(fd, UFFDIO_API, &api) || !(api.features & UFFD_FEATURE_MOVE)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int uffd_register(int fd, char *a)
{
	struct uffdio_register r = { .range = { (unsigned long)a, (unsigned long)page },
				     .mode = UFFDIO_REGISTER_MODE_MISSING };

	return ioctl(fd, UFFDIO_REGISTER, &r) ? -errno : 0;
}

static int uffd_move(int fd, char *dst, char *src)
{
	struct uffdio_move m = { .dst = (unsigned long)dst, .src = (unsigned long)src,
				 .len = (unsigned long)page };

	return ioctl(fd, UFFDIO_MOVE, &m) ? -errno : 0;
}

/* A page of @fill and an empty parking page, both registered with a new uffd. */
static int setup(char fill)
{
	int fd;

	target_page = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	parking = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (target_page == MAP_FAILED || parking == MAP_FAILED)
		return -1;
	memset(target_page, fill, page);
	fd = uffd_open();
	if (fd < 0)
		return -1;
	if (uffd_register(fd, target_page) || uffd_register(fd, parking)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void *reader(void *arg)
{
	(void)arg;
	reader_saw = *(volatile char *)target_page;
	reader_done = 1;
	return NULL;
}

static const char *result(int ret)
{
	return !ret ? "ok" : ret == -EEXIST ? "EEXIST" : ret == -EBUSY ? "EBUSY" : strerror(-ret);
}

int main(void)
{
	struct timespec half = { 0, 500000000 };
	pthread_t t;
	pid_t child;
	int fd, ret;

	page = sysconf(_SC_PAGESIZE);
	fd = setup('A');
	if (fd < 0) {
		printf("move: unsupported\n");
		return 0;
	}
	/* the recorder held the only reference and is gone */
	ret = uffd_move(fd, parking, target_page);
	if (ret) {
		printf("move: %s\n", result(ret));
		return 1;
	}
	close(fd);
	printf("lost: R reads %d, parked page '%c'\n", *(volatile char *)target_page,
	       *(volatile char *)parking);

	/* the target holds it too, and nobody reads it */
	fd = setup('B');
	if (fd < 0 || uffd_move(fd, parking, target_page))
		return 1;
	if (pthread_create(&t, NULL, reader, NULL))
		return 1;
	nanosleep(&half, NULL);
	printf("hang: %s\n", reader_done ? "returned" : "blocked");
	ret = uffd_move(fd, target_page, parking);
	pthread_join(t, NULL);
	printf("restore: %s, the reader saw '%c'\n", result(ret), reader_saw);
	printf("again: %s\n", result(uffd_move(fd, target_page, parking)));

	/* a page shared with a forked child */
	child = fork();
	if (child < 0)
		return 1;
	if (!child) {
		pause();
		_exit(0);
	}
	printf("shared: %s\n", result(uffd_move(fd, parking, target_page)));
	kill(child, SIGKILL);
	return 0;
}
