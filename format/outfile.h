/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where daprof's output files go. A new file appears whole: it is written under a temporary name
 * beside the final one and renamed over it on commit, so that a failed or interrupted run leaves
 * no partial file and an older file stays as it was. A name that is an existing device, FIFO or
 * socket (/dev/null, /dev/stdout, a named pipe) is written in place instead: renaming over it
 * would replace the device node itself, and as root that is /dev/null gone. Every command that
 * writes a file (record, convert, the reports' images) opens it here.
 */
#ifndef FORMAT_OUTFILE_H
#define FORMAT_OUTFILE_H

struct outfile {
	char *path;
	char *tmp;	/* the temporary name; NULL when written in place */
	int fd;
	int regular;	/* a regular file: fsync means something */
};

/*
 * outfile_special() - 1 when @path names an existing file that is not a regular file or a
 * directory (a device, FIFO or socket; symbolic links followed), 0 otherwise.
 */
int outfile_special(const char *path);

/*
 * outfile_open() - open @path for writing: a temporary file beside it when @atomic (unless
 * @path is special: then in place), else @path itself, created or truncated. The mode is what
 * open(2) with 0666 and the umask gives. Return: 0 with @f->fd ready, or -errno (-EISDIR for a
 * directory).
 */
int outfile_open(struct outfile *f, const char *path, int atomic);

/*
 * outfile_check() - can @path be written, as outfile_open() with @atomic set would? Tried before
 * anything else is done (the recorder asks before it touches its target): a directory is
 * refused, a device or FIFO must be writable (it is not opened: a FIFO would block), and for
 * anything else a temporary file is created beside @path and removed again, which proves the
 * folder exists and takes new files. Return: 0 or -errno (-EISDIR for a directory).
 */
int outfile_check(const char *path);

/*
 * outfile_publish() - move a file that is being written under its temporary name into place
 * now, and go on writing it there (the recorder, once its recording has really started). Its
 * data so far is synced first; an existing regular file @path is kept as @path@keep_suffix
 * (when @keep_suffix is not NULL), replacing an older one; @path names the old file or the new
 * one at every instant. Nothing to do when written in place. Return: 0, or -errno with @path as
 * it was (though @path@keep_suffix may already be a copy of it) and the temporary file still
 * there for outfile_abort() to remove.
 */
int outfile_publish(struct outfile *f, const char *keep_suffix);

/*
 * outfile_commit() - finish: fsync when @durable and the file is regular, close, and rename the
 * temporary file over @path (unless outfile_publish() did). Return: 0, or -errno after which the temporary file is gone.
 * Always frees @f's resources.
 */
int outfile_commit(struct outfile *f, int durable);

/* outfile_abort() - close and remove the temporary file; @path is left as it was. */
void outfile_abort(struct outfile *f);

#endif /* FORMAT_OUTFILE_H */
