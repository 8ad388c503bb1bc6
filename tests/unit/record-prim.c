// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the access-check primitives and of syscall injection, on a child process that
 * writes the pages the test names and otherwise waits in read(): so every access is known.
 * uffd-wp must report exactly the written pages and leave the child as it was (file table,
 * registrations); page-idle runs against a fake bitmap file and must set the bits of the right
 * frames (read independently from pagemap); refs reports per mapping; soft-dirty's verdict agrees
 * with the kernel's configuration. Tests that need what this system lacks skip.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "record/inject.h"
#include "record/prim.h"

#define NPAGES 8
#define PAGE 4096UL

struct child {
	pid_t pid;
	int cmd;		/* write end: commands */
	int ack;		/* read end: one reply per command */
	char *a;		/* NPAGES pages, present */
	char *b;		/* NPAGES pages, own mapping, untouched until asked */
};

/* The child: one command at a time from the pipe, one reply byte each. */
static void child_loop(int in, int out, char *a, char *b)
{
	for (;;) {
		unsigned char c[2];
		unsigned char r = 0;

		if (read(in, c, 2) != 2)
			_exit(0);
		switch (c[0]) {
		case 'a':
			a[c[1] * PAGE]++;
			break;
		case 'b':
			b[c[1] * PAGE]++;
			break;
		case 'B':	/* every page of b */
			for (int i = 0; i < NPAGES; i++)
				b[i * PAGE]++;
			break;
		case 'u': {	/* use write-protect userfaultfd ourselves */
			struct uffdio_api api = { .api = UFFD_API };
			struct uffdio_register reg = {
				.range = { (uint64_t)(uintptr_t)b, NPAGES * PAGE },
				.mode = UFFDIO_REGISTER_MODE_WP,
			};
			int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | 1);

			r = fd < 0 || ioctl(fd, UFFDIO_API, &api) ||
			    ioctl(fd, UFFDIO_REGISTER, &reg);
			break;
		}
		case 'q':
			_exit(0);
		}
		if (write(out, &r, 1) != 1)
			_exit(1);
	}
}

static void start_child(struct child *c)
{
	int p1[2], p2[2];

	/* a, a guard page, b: two mappings that cannot merge */
	c->a = mmap(NULL, (2 * NPAGES + 1) * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(c->a != MAP_FAILED);
	mprotect(c->a + NPAGES * PAGE, PAGE, PROT_NONE);
	c->b = c->a + (NPAGES + 1) * PAGE;
	madvise(c->a, NPAGES * PAGE, MADV_NOHUGEPAGE);
	madvise(c->b, NPAGES * PAGE, MADV_NOHUGEPAGE);
	assert_int_equal(pipe(p1), 0);
	assert_int_equal(pipe(p2), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (!c->pid) {
		close(p1[1]);
		close(p2[0]);
		memset(c->a, 1, NPAGES * PAGE);		/* present in the child */
		child_loop(p1[0], p2[1], c->a, c->b);
	}
	close(p1[0]);
	close(p2[1]);
	c->cmd = p1[1];
	c->ack = p2[0];
}

static int say(struct child *c, char what, int page)
{
	unsigned char m[2] = { (unsigned char)what, (unsigned char)page }, r = 0xff;

	assert_int_equal(write(c->cmd, m, 2), 2);
	assert_int_equal(read(c->ack, &r, 1), 1);
	return r;
}

static void stop_child(struct child *c)
{
	int status;

	close(c->cmd);
	close(c->ack);
	waitpid(c->pid, &status, 0);
	munmap(c->a, (2 * NPAGES + 1) * PAGE);
}

static int count_fds(pid_t pid)
{
	char path[64];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	assert_non_null(dir);
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

static int uses_uffd_wp(pid_t pid)
{
	char path[64], line[512];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmFlags:", 8) && strstr(line, " uw"))
			found = 1;
	fclose(f);
	return found;
}

static int open_prim(const struct prim_ops *ops, struct child *c, struct prim **p, char *why)
{
	struct prim_target t = { .pid = c->pid, .sample_us = 5000 };
	struct pm_map m;
	int ret;

	assert_int_equal(pm_read(c->pid, &m), 0);
	t.maps = &m;
	ret = ops->open(p, &t, why, 512);
	pm_release(&m);
	return ret;
}

static void expect(const uint8_t *got, const char *want)
{
	char s[16];

	for (size_t i = 0; i < strlen(want); i++)
		s[i] = got[i] ? '1' : '0';
	s[strlen(want)] = '\0';
	assert_string_equal(s, want);
}

static void test_uffd_wp_sees_exactly_the_written_pages(void **state)
{
	struct child c;
	struct prim *p;
	uint64_t addrs[3];
	uint8_t acc[3];
	char why[512];
	int fds;

	(void)state;
	if (prim_uffd_wp.probe(0, why, sizeof(why))) {
		print_message("uffd-wp unavailable: %s\n", why);
		skip();
	}
	start_child(&c);
	say(&c, 'a', 0);	/* the child is ready and waits in read() */
	for (int i = 0; i < 3; i++)
		addrs[i] = (uint64_t)(uintptr_t)(c.a + i * PAGE + 100);
	fds = count_fds(c.pid);
	assert_int_equal(open_prim(&prim_uffd_wp, &c, &p, why), 0);
	assert_int_equal(count_fds(c.pid), fds);	/* its file table is as it was */
	assert_true(uses_uffd_wp(c.pid));

	assert_int_equal(p->ops->prepare(p, addrs, 3), 0);
	say(&c, 'a', 1);
	memset(acc, 0, sizeof(acc));
	assert_int_equal(p->ops->check(p, addrs, 3, acc), 0);
	expect(acc, "010");

	assert_int_equal(p->ops->prepare(p, addrs, 3), 0);
	say(&c, 'a', 0);
	say(&c, 'a', 2);
	memset(acc, 0, sizeof(acc));
	assert_int_equal(p->ops->check(p, addrs, 3, acc), 0);
	expect(acc, "101");

	assert_int_equal(p->ops->prepare(p, addrs, 3), 0);
	memset(acc, 0, sizeof(acc));
	assert_int_equal(p->ops->check(p, addrs, 3, acc), 0);
	expect(acc, "000");

	p->ops->close(p);
	assert_false(uses_uffd_wp(c.pid));		/* closing lifted everything */
	assert_int_equal(say(&c, 'a', 3), 0);		/* and it still answers */
	stop_child(&c);
}

static void test_uffd_wp_unpopulated_pages_count_when_written(void **state)
{
	struct child c;
	struct prim *p;
	uint64_t addrs[2];
	uint8_t acc[2] = { 0, 0 };
	char why[512];

	(void)state;
	if (prim_uffd_wp.probe(0, why, sizeof(why)))
		skip();
	start_child(&c);
	say(&c, 'a', 0);
	addrs[0] = (uint64_t)(uintptr_t)c.b;		/* never touched: not present */
	addrs[1] = (uint64_t)(uintptr_t)(c.b + PAGE);
	assert_int_equal(open_prim(&prim_uffd_wp, &c, &p, why), 0);
	assert_int_equal(p->ops->prepare(p, addrs, 2), 0);
	say(&c, 'b', 1);
	assert_int_equal(p->ops->check(p, addrs, 2, acc), 0);
	expect(acc, "01");
	p->ops->close(p);
	stop_child(&c);
}

static void test_uffd_wp_refuses_a_target_that_uses_it(void **state)
{
	struct child c;
	char why[512];

	(void)state;
	if (prim_uffd_wp.probe(0, why, sizeof(why)))
		skip();
	start_child(&c);
	assert_int_equal(say(&c, 'u', 0), 0);
	assert_int_equal(prim_uffd_wp.probe(c.pid, why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "uses userfaultfd write-protection itself"));
	stop_child(&c);
}

static void test_injected_syscalls_run_in_the_target(void **state)
{
	long args[6] = { 0 }, ret = 0;
	struct child c;
	struct inj j;
	char why[512];

	(void)state;
#if !defined(__x86_64__)
	skip();
#endif
	start_child(&c);
	say(&c, 'a', 0);
	assert_int_equal(inj_attach(&j, c.pid, 0, why, sizeof(why)), 0);
	assert_int_equal(inj_syscall(&j, SYS_getpid, args, &ret), 0);
	assert_int_equal(ret, c.pid);
	assert_int_equal(inj_syscall(&j, SYS_getppid, args, &ret), 0);
	assert_int_equal(ret, getpid());
	assert_int_equal(inj_detach(&j), 0);
	/* it was waiting in read(): it still is, and reads the next command */
	assert_int_equal(say(&c, 'a', 1), 0);
	assert_int_equal(inj_find_tracer(c.pid), 0);
	stop_child(&c);
}

static void test_page_idle_sets_the_bits_of_the_right_frames(void **state)
{
	char path[] = "/tmp/daprof-bitmap-XXXXXX", pm[64], why[512];
	uint64_t addrs[4], pfn[4], word;
	uint8_t acc[4] = { 0 };
	struct child c;
	struct prim *p;
	int fd, pfd;

	(void)state;
	if (geteuid())
		skip();		/* page frame numbers are hidden without root */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	setenv("DAPROF_PAGE_IDLE_BITMAP", path, 1);
	assert_int_equal(prim_page_idle.probe(0, why, sizeof(why)), 0);
	start_child(&c);
	say(&c, 'a', 0);
	for (int i = 0; i < 3; i++)
		addrs[i] = (uint64_t)(uintptr_t)(c.a + i * PAGE);
	addrs[3] = (uint64_t)(uintptr_t)c.b;		/* not present */
	assert_int_equal(open_prim(&prim_page_idle, &c, &p, why), 0);
	assert_int_equal(p->ops->prepare(p, addrs, 4), 0);

	/* the frames, read independently from the child's pagemap */
	snprintf(pm, sizeof(pm), "/proc/%d/pagemap", (int)c.pid);
	pfd = open(pm, O_RDONLY);
	assert_true(pfd >= 0);
	for (int i = 0; i < 4; i++) {
		uint64_t e = 0;

		assert_int_equal(pread(pfd, &e, 8, addrs[i] / PAGE * 8), 8);
		pfn[i] = (e >> 63) ? (e & ((1ULL << 55) - 1)) : 0;
	}
	close(pfd);
	for (int i = 0; i < 3; i++) {
		assert_true(pfn[i] != 0);
		assert_int_equal(pread(fd, &word, 8, pfn[i] / 64 * 8), 8);
		assert_true(word & (1ULL << (pfn[i] % 64)));
	}
	assert_int_equal(pfn[3], 0);
	/* "the kernel saw an access" to page 1: its bit is cleared */
	assert_int_equal(pread(fd, &word, 8, pfn[1] / 64 * 8), 8);
	word &= ~(1ULL << (pfn[1] % 64));
	assert_int_equal(pwrite(fd, &word, 8, pfn[1] / 64 * 8), 8);
	assert_int_equal(p->ops->check(p, addrs, 4, acc), 0);
	expect(acc, "0100");
	p->ops->close(p);
	stop_child(&c);
	unsetenv("DAPROF_PAGE_IDLE_BITMAP");
	close(fd);
	unlink(path);
}

static void test_page_idle_probe_without_the_bitmap(void **state)
{
	char why[512];

	(void)state;
	setenv("DAPROF_PAGE_IDLE_BITMAP", "/nonexistent/bitmap", 1);
	assert_int_equal(prim_page_idle.probe(0, why, sizeof(why)), -ENOTSUP);
	assert_non_null(strstr(why, "CONFIG_IDLE_PAGE_TRACKING"));
	unsetenv("DAPROF_PAGE_IDLE_BITMAP");
}

static void sleep_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void test_refs_sees_a_mapping_touched_after_the_clear(void **state)
{
	uint64_t addrs[2];
	uint8_t acc[2] = { 0, 0 };
	struct child c;
	struct prim *p;
	char why[512];
	int seen_b = 0, seen_a = 0;

	(void)state;
	if (prim_refs.probe(0, why, sizeof(why)))
		skip();
	start_child(&c);
	say(&c, 'a', 0);
	addrs[0] = (uint64_t)(uintptr_t)(c.a + PAGE);	/* touched before, never after */
	addrs[1] = (uint64_t)(uintptr_t)(c.b + PAGE);	/* first touched after the clear */
	assert_int_equal(open_prim(&prim_refs, &c, &p, why), 0);
	assert_int_equal(p->ops->prepare(p, addrs, 2), 0);	/* the clear */
	assert_int_equal(p->ops->check(p, addrs, 2, acc), 0);
	expect(acc, "00");				/* no round finished yet */
	say(&c, 'B', 0);				/* all of b: faults, young PTEs */
	for (int i = 0; i < 20; i++) {
		sleep_ms(6);
		memset(acc, 0, sizeof(acc));
		assert_int_equal(p->ops->prepare(p, addrs, 2), 0);
		assert_int_equal(p->ops->check(p, addrs, 2, acc), 0);
		seen_a += acc[0];
		seen_b += acc[1];
		if (seen_b)
			break;
	}
	assert_true(seen_b > 0);
	assert_int_equal(seen_a, 0);
	p->ops->close(p);
	stop_child(&c);
}

static void test_soft_dirty_verdict_follows_the_kernel_config(void **state)
{
	char why[512], line[256] = "";
	FILE *f = popen("zcat /proc/config.gz 2>/dev/null | grep 'CONFIG_MEM_SOFT_DIRTY[ =]'", "r");
	int ret;

	(void)state;
	if (!f)
		skip();
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	pclose(f);
	if (!line[0])
		skip();		/* no kernel config to compare with */
	ret = prim_soft_dirty.probe(0, why, sizeof(why));
	if (strstr(line, "=y")) {
		assert_int_equal(ret, 0);
	} else {
		assert_int_equal(ret, -ENOTSUP);
		assert_non_null(strstr(why, "never sets"));
	}
}

static void test_primitive_table_order_and_names(void **state)
{
	(void)state;
	assert_ptr_equal(prim_all[0], &prim_page_idle);
	assert_ptr_equal(prim_all[1], &prim_uffd_wp);
	assert_ptr_equal(prim_all[2], &prim_soft_dirty);
	assert_ptr_equal(prim_all[3], &prim_refs);
	assert_null(prim_all[4]);
	assert_ptr_equal(prim_find("refs"), &prim_refs);
	assert_null(prim_find("auto"));
	assert_string_equal(prim_uffd_wp.sees, "writes, page");
	assert_string_equal(prim_refs.sees, "reads+writes, mapping");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_primitive_table_order_and_names),
		cmocka_unit_test(test_uffd_wp_sees_exactly_the_written_pages),
		cmocka_unit_test(test_uffd_wp_unpopulated_pages_count_when_written),
		cmocka_unit_test(test_uffd_wp_refuses_a_target_that_uses_it),
		cmocka_unit_test(test_injected_syscalls_run_in_the_target),
		cmocka_unit_test(test_page_idle_sets_the_bits_of_the_right_frames),
		cmocka_unit_test(test_page_idle_probe_without_the_bitmap),
		cmocka_unit_test(test_refs_sees_a_mapping_touched_after_the_clear),
		cmocka_unit_test(test_soft_dirty_verdict_follows_the_kernel_config),
	};

	return cmocka_run_group_tests_name("record/prim", tests, NULL, NULL);
}
