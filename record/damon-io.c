// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel DAMON backend's file I/O on the sysfs tree: one write(2) per value, retried while
 * sysfs answers EBUSY (its trylock on damon_sysfs_lock: someone else is mid-operation), and the
 * small path-formatting wrappers every step of the backend uses. Kept apart from damon-sysfs.c,
 * which drives the kdamond's life, so that the code that changes a running kdamond's settings
 * uses the same retrying writes without growing that file past the house limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "record/damon-sysfs.h"

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* One write(2) of the whole value, as sysfs wants it. */
static int sysfs_write_once(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd;
	int err = 0;

	do {
		fd = open(path, O_WRONLY | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	do {
		n = write(fd, val, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

int damon_sysfs_write(const char *path, const char *val)
{
	unsigned waited = 0;
	unsigned step = 1;
	int err;

	for (;;) {
		err = sysfs_write_once(path, val);
		if (err != -EBUSY || waited >= DAMON_BUSY_RETRY_MS)
			return err;
		sleep_ms(step);
		waited += step;
		step = step < 64 ? step * 2 : 64;
	}
}

int damon_sysfs_read_retry(const char *path, char *buf, size_t len)
{
	unsigned waited = 0;
	int err;

	for (;;) {
		err = damon_read_small(path, buf, len);
		if (err != -EBUSY || waited >= DAMON_BUSY_RETRY_MS)
			return err;
		sleep_ms(10);
		waited += 10;
	}
}

int damon_wr(const char *val, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return damon_sysfs_write(path, val);
}

int damon_wr_u64(uint64_t v, const char *fmt, ...)
{
	char path[PATH_MAX];
	char val[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)v);
	return damon_sysfs_write(path, val);
}

int damon_exists(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return access(path, F_OK) == 0;
}

int damon_read_long(const char *path, long *v)
{
	char buf[64];
	char *end;
	int err = damon_sysfs_read_retry(path, buf, sizeof(buf));

	if (err)
		return err;
	errno = 0;
	*v = strtol(buf, &end, 0);
	if (errno || end == buf)
		return -EPROTO;
	return 0;
}
