// SPDX-License-Identifier: GPL-2.0
/*
 * fake-damon: a stand-in for the kernel's DAMON sysfs tree, for testing the kernel DAMON backend
 * (record/damon-sysfs.c) on machines whose own DAMON must not be touched.
 *
 *   fake-damon [options] MOUNTPOINT
 *
 * Why a FUSE file system, spoken over /dev/fuse directly: the backend's behaviour that matters
 * is how it reacts to what write(2) returns (EBUSY from the sysfs lock, EINVAL from "on",
 * ECANCELED, EPERM from "off", ...) and to writes that block (update_schemes_tried_regions).
 * A plain directory cannot fail or block a write, so a polling/inotify fake would need a second
 * protocol in the backend ("read the error marker") that the real kernel does not have. With
 * FUSE the backend's code is exactly the code that runs against /sys: the same open/write/read
 * calls, the same errno values, the same blocking. libfuse is not needed (the protocol is a
 * handful of fixed structs from <linux/fuse.h>), so the build gains no dependency. It needs
 * root (mount) and /dev/fuse; tests skip loudly without them. Run it inside a private mount
 * namespace (unshare -m) so the mount vanishes with the test.
 *
 * The tree under MOUNTPOINT/admin is laid out as the kernel's (mm/damon/sysfs*.c) for the
 * --tree level chosen; writes are checked and staged as the kernel does, and the state commands
 * act on a pretend kdamond whose regions come from a script. MOUNTPOINT/fake/ctl takes control
 * commands and MOUNTPOINT/fake/log lists every write made under admin/ with its result.
 *
 * Options:
 *   --tree 5.18|6.1|6.12|6.15|6.18  which files exist (default 6.18): 5.18 has no
 *                          avail_operations, 6.1 no tried_regions, 6.12 no intervals_goal,
 *                          6.15 no refresh_ms; before 6.14 a tried_regions update of a
 *                          kdamond that stops returns 0
 *   --ops LIST             avail_operations, comma-separated (default vaddr,fvaddr,paddr)
 *   --other N[:on]         N kdamonds of another user exist at start (kdamond 0 running if :on)
 *   --region S,E,N[,F[,T]] a scripted region [S,E) seen with N accesses per aggregation in
 *                          aggregations F..T (default always); repeatable
 *   --synth N              N scripted regions of 64 KiB from 0x100000000; every 10th is hot
 *   --kdamond-pid PID      what kdamonds/K/pid shows when on (default: this process)
 *   --tried-gaps           tried_regions/<N> names that neither start at 0 nor follow each other
 *                          (a count kept across updates, in steps of two), as Linux 6.17.13 gives
 * Control commands (one per write to fake/ctl):
 *   busy N                 the next N writes to nr_* or state fail with EBUSY (lock contention)
 *   fail CMD ERRNO [COUNT] the state command CMD fails with ERRNO (name or number) COUNT times
 *                          (default 1; -1 = always)
 *   stop K                 kdamond K stops by itself, as when all its targets died
 *   tune K SAMPLE_US       kdamond K's intervals auto-tuning (intervals_goal, --tree 6.15 and
 *                          later) picks SAMPLE_US, within the goal's bounds, keeping the
 *                          samples per aggregation; the sysfs files show it after
 *                          update_tuned_intervals, or at once when refresh_ms is set
 *
 * This file is the front end: the options, the mount, and the FUSE requests, each turned into a
 * lookup, read or write of a node of the tree that model.c keeps and acts on.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "fake-damon.h"

static struct {
	int fd;
	const char *mnt;
	struct node *root;
} g;

volatile sig_atomic_t fake_stop;

/* ---- FUSE ---- */

static struct node *node_of(uint64_t id)
{
	/* INIT and a few others carry nodeid 0 */
	return id == FUSE_ROOT_ID || !id ? g.root : (struct node *)(uintptr_t)id;
}

static uint64_t id_of(struct node *n)
{
	return n == g.root ? FUSE_ROOT_ID : (uint64_t)(uintptr_t)n;
}

static void fill_attr(struct node *n, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = id_of(n);
	a->mode = n->is_dir ? S_IFDIR | 0755 : S_IFREG | n->mode;
	a->nlink = n->is_dir ? 2 : 1;
	a->size = n->is_dir ? 0 : 4096;
	a->blksize = 4096;
	a->atime = a->mtime = a->ctime = (uint64_t)time(NULL);
}

static void reply(uint64_t unique, int err, const void *data, size_t len)
{
	struct fuse_out_header h = { .len = (uint32_t)sizeof(h), .error = err, .unique = unique };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)data, len } };

	if (!err && data)
		h.len += (uint32_t)len;
	if (writev(g.fd, iov, !err && data ? 2 : 1) < 0 && errno != ENOENT)
		fprintf(stderr, "fake-damon: reply: %s\n", strerror(errno));
}

static void forget(struct node *n, uint64_t count)
{
	if (n == g.root)
		return;
	n->nlookup = n->nlookup > count ? n->nlookup - count : 0;
	if (!n->nlookup && n->dead)
		node_free(n);
}

static void handle(const struct fuse_in_header *in, const void *arg)
{
	struct node *n = node_of(in->nodeid);

	if (n->dead && in->opcode != FUSE_FORGET && in->opcode != FUSE_BATCH_FORGET &&
	    in->opcode != FUSE_RELEASE && in->opcode != FUSE_RELEASEDIR &&
	    in->opcode != FUSE_FLUSH && in->opcode != FUSE_INTERRUPT) {
		reply(in->unique, -ENOENT, NULL, 0);
		return;
	}
	switch (in->opcode) {
	case FUSE_INIT: {
		const struct fuse_init_in *ii = arg;
		struct fuse_init_out o = { 0 };

		o.major = FUSE_KERNEL_VERSION;
		o.minor = ii->minor < FUSE_KERNEL_MINOR_VERSION ? ii->minor : FUSE_KERNEL_MINOR_VERSION;
		o.max_readahead = ii->max_readahead;
		o.max_background = 16;
		o.congestion_threshold = 12;
		o.max_write = 4096;
		o.time_gran = 1;
		reply(in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_LOOKUP: {
		struct node *c = node_lookup(n, arg);
		struct fuse_entry_out o = { 0 };

		if (!c) {
			reply(in->unique, -ENOENT, NULL, 0);
			break;
		}
		c->nlookup++;
		o.nodeid = id_of(c);
		fill_attr(c, &o.attr);
		reply(in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_FORGET:
		forget(n, ((const struct fuse_forget_in *)arg)->nlookup);
		break;
	case FUSE_BATCH_FORGET: {
		const struct fuse_batch_forget_in *b = arg;
		const struct fuse_forget_one *one = (const void *)(b + 1);

		for (uint32_t i = 0; i < b->count; i++)
			forget(node_of(one[i].nodeid), one[i].nlookup);
		break;
	}
	case FUSE_GETATTR:
	case FUSE_SETATTR: {
		struct fuse_attr_out o = { 0 };

		fill_attr(n, &o.attr);
		reply(in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_OPEN: {
		const struct fuse_open_in *oi = arg;
		struct fuse_open_out o = { .open_flags = FOPEN_DIRECT_IO };
		int acc = oi->flags & O_ACCMODE;

		if (n->is_dir)
			reply(in->unique, -EISDIR, NULL, 0);
		else if (acc != O_RDONLY && !(n->mode & 0200))
			reply(in->unique, -EACCES, NULL, 0);	/* kernfs_fop_open() */
		else
			reply(in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_READ: {
		const struct fuse_read_in *ri = arg;
		static char buf[1 << 20];
		int len = node_show(n, buf, sizeof(buf));

		if (len < 0)
			len = 0;
		if ((size_t)len > sizeof(buf) - 1)
			len = sizeof(buf) - 1;
		if (ri->offset >= (uint64_t)len)
			reply(in->unique, 0, buf, 0);
		else
			reply(in->unique, 0, buf + ri->offset,
			      (size_t)len - ri->offset < ri->size ? (size_t)len - ri->offset : ri->size);
		break;
	}
	case FUSE_WRITE: {
		const struct fuse_write_in *wi = arg;
		struct fuse_write_out o = { .size = wi->size };
		int err = node_store(n, (const char *)(wi + 1), wi->size);

		if (err)
			reply(in->unique, err, NULL, 0);
		else
			reply(in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_OPENDIR: {
		struct fuse_open_out o = { 0 };

		if (!n->is_dir)
			reply(in->unique, -ENOTDIR, NULL, 0);
		else
			reply(in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_READDIR: {
		const struct fuse_read_in *ri = arg;
		static char buf[1 << 17];
		size_t used = 0;
		uint64_t i = 0;
		size_t max = ri->size < sizeof(buf) ? ri->size : sizeof(buf);
		struct node *c = n->child;

		for (i = 0; ; i++) {
			const char *name;
			struct fuse_dirent *de;
			size_t sz;

			if (i == 0)
				name = ".";
			else if (i == 1)
				name = "..";
			else if (c) {
				name = c->name;
				c = c->next;
			} else
				break;
			if (i < ri->offset)
				continue;
			sz = FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + strlen(name));
			if (used + sz > max)
				break;
			de = (struct fuse_dirent *)(buf + used);
			memset(de, 0, sz);
			de->ino = i + 1000;
			de->off = i + 1;
			de->namelen = (uint32_t)strlen(name);
			memcpy(de->name, name, de->namelen);
			used += sz;
		}
		reply(in->unique, 0, buf, used);
		break;
	}
	case FUSE_STATFS: {
		struct fuse_statfs_out o = { 0 };

		o.st.bsize = 4096;
		o.st.namelen = 255;
		o.st.frsize = 4096;
		reply(in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
	case FUSE_FLUSH:
	case FUSE_FSYNC:
	case FUSE_FSYNCDIR:
		reply(in->unique, 0, NULL, 0);
		break;
	case FUSE_INTERRUPT:
		break;	/* every request is answered quickly anyway */
	case FUSE_DESTROY:
		reply(in->unique, 0, NULL, 0);
		fake_stop = 1;
		break;
	case FUSE_MKDIR:
	case FUSE_MKNOD:
	case FUSE_CREATE:
	case FUSE_UNLINK:
	case FUSE_RMDIR:
	case FUSE_RENAME:
	case FUSE_SYMLINK:
	case FUSE_LINK:
		reply(in->unique, -EPERM, NULL, 0);
		break;
	default:
		reply(in->unique, -ENOSYS, NULL, 0);
		break;
	}
}

static void on_signal(int sig)
{
	(void)sig;
	fake_stop = 1;
}

static void usage(void)
{
	die("usage: fake-damon [--tree 6.1|6.12|6.15|6.18] [--ops LIST] [--other N[:on]] "
	    "[--region S,E,N[,F[,T]]]... [--synth N] [--kdamond-pid PID] [--tried-gaps] MOUNTPOINT");
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	struct sigaction sa = { .sa_handler = on_signal };
	struct model_opts mo = { .tree = 618, .ops = "vaddr,fvaddr,paddr" };
	char opts[256];
	int i;

	mo.kdamond_pid = getpid();
	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--tree")) {
			int ma = 0;
			int mi = 0;

			if (sscanf(argv[++i], "%d.%d", &ma, &mi) != 2)
				usage();
			mo.tree = ma * 100 + mi;
		} else if (!strcmp(argv[i], "--ops")) {
			mo.ops = argv[++i];
		} else if (!strcmp(argv[i], "--other")) {
			mo.other = atoi(argv[++i]);
			mo.other_on = strstr(argv[i], ":on") != NULL;
		} else if (!strcmp(argv[i], "--region")) {
			unsigned long long s, e;
			unsigned nr;
			long from = 0;
			long to = __LONG_MAX__;

			if (sscanf(argv[++i], "%lli,%lli,%u,%ld,%ld", (long long *)&s, (long long *)&e,
				   &nr, &from, &to) < 3 || e <= s)
				usage();
			model_add_region(s, e, nr, from, to);
		} else if (!strcmp(argv[i], "--synth")) {
			long n = atol(argv[++i]);

			for (long r = 0; r < n; r++)
				model_add_region(0x100000000ull + (uint64_t)r * 65536,
						 0x100000000ull + (uint64_t)(r + 1) * 65536,
						 r % 10 == 0 ? 1000000 : 0, 0, __LONG_MAX__);
		} else if (!strcmp(argv[i], "--kdamond-pid")) {
			mo.kdamond_pid = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--tried-gaps")) {
			mo.tried_gaps = 1;
		} else {
			usage();
		}
	}
	if (i != argc - 1)
		usage();
	g.mnt = argv[argc - 1];

	g.root = model_build(&mo);

	g.fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (g.fd < 0)
		die("cannot open /dev/fuse: %s", strerror(errno));
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=%d,group_id=%d,"
		 "default_permissions,allow_other", g.fd, (int)getuid(), (int)getgid());
	if (mount("fake-damon", g.mnt, "fuse.fake-damon", MS_NOSUID | MS_NODEV, opts))
		die("cannot mount on '%s': %s", g.mnt, strerror(errno));
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("ready\n");
	fflush(stdout);

	while (!fake_stop) {
		ssize_t n = read(g.fd, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR || errno == ENOENT || errno == EAGAIN)
				continue;
			if (errno == ENODEV)	/* unmounted */
				break;
			die("read /dev/fuse: %s", strerror(errno));
		}
		if ((size_t)n < sizeof(struct fuse_in_header))
			continue;
		handle((const struct fuse_in_header *)buf, buf + sizeof(struct fuse_in_header));
	}
	umount2(g.mnt, MNT_DETACH);
	return 0;
}
