// SPDX-License-Identifier: GPL-2.0
/*
 * Output files that appear whole, and devices that are written in place (format/outfile.h says
 * why). Kept in format/, the lowest layer, because the recording writer needs it and every
 * layer above may use it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/outfile.h"

int outfile_special(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return 0;
	return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int outfile_open(struct outfile *f, const char *path, int atomic)
{
	struct stat st;
	mode_t mask;
	int ret;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if (is_dir(path))
		return -EISDIR;
	f->path = strdup(path);
	if (!f->path)
		return -ENOMEM;
	if (!atomic || outfile_special(path)) {
		f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (f->fd < 0)
			goto fail;
		f->regular = !fstat(f->fd, &st) && S_ISREG(st.st_mode);
		return 0;
	}
	if (asprintf(&f->tmp, "%s.tmp.XXXXXX", path) < 0) {
		f->tmp = NULL;
		errno = ENOMEM;
		goto fail;
	}
	f->fd = mkostemp(f->tmp, O_CLOEXEC);
	if (f->fd < 0)
		goto fail;
	f->regular = 1;
	/* mkstemp makes 0600; give the file the mode open(2) would have */
	mask = umask(0);
	umask(mask);
	if (fchmod(f->fd, 0666 & ~mask))
		goto fail;
	return 0;
fail:
	ret = -errno;
	outfile_abort(f);
	return ret;
}

int outfile_check(const char *path)
{
	char *tmp;
	int fd, ret = 0;

	if (is_dir(path))
		return -EISDIR;
	if (outfile_special(path))
		return access(path, W_OK) ? -errno : 0;
	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
	} else {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	return ret;
}

int outfile_publish(struct outfile *f, const char *keep_suffix)
{
	char *old = NULL, *aside = NULL;
	struct stat st;
	int ret = 0;

	if (!f->tmp)
		return 0;
	if (f->regular && fdatasync(f->fd))
		return -errno;
	if (keep_suffix && !stat(f->path, &st) && S_ISREG(st.st_mode)) {
		if (asprintf(&old, "%s%s", f->path, keep_suffix) < 0) {
			old = NULL;
			return -ENOMEM;
		}
		if (asprintf(&aside, "%s%s", f->tmp, keep_suffix) < 0) {
			aside = NULL;
			ret = -ENOMEM;
			goto out;
		}
		/*
		 * A second name for the old file first, so that @path never goes missing: a
		 * recorder killed here leaves the old file under both names, not under none.
		 * Where hard links do not work, a plain rename.
		 */
		if (!link(f->path, aside)) {
			if (rename(aside, old)) {
				ret = -errno;
				unlink(aside);
				goto out;
			}
		} else if (rename(f->path, old)) {
			ret = -errno;
			goto out;
		}
	}
	if (rename(f->tmp, f->path)) {
		ret = -errno;
		goto out;
	}
	free(f->tmp);
	f->tmp = NULL;
out:
	free(old);
	free(aside);
	return ret;
}

static void outfile_free(struct outfile *f)
{
	free(f->path);
	free(f->tmp);
	f->path = NULL;
	f->tmp = NULL;
	f->fd = -1;
}

int outfile_commit(struct outfile *f, int durable)
{
	int ret = 0;

	if (durable && f->regular && fsync(f->fd))
		ret = -errno;
	if (close(f->fd) && !ret)
		ret = -errno;
	f->fd = -1;
	if (!ret && f->tmp && rename(f->tmp, f->path))
		ret = -errno;
	if (ret && f->tmp)
		unlink(f->tmp);
	outfile_free(f);
	return ret;
}

void outfile_abort(struct outfile *f)
{
	if (f->fd >= 0) {
		close(f->fd);
		if (f->tmp)	/* only a template mkostemp() made a file of */
			unlink(f->tmp);
	}
	outfile_free(f);
}
