// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kernel DAMON backend (record/damon-*.c) against tests/tools/fake-damon, a
 * FUSE file system that answers like the kernel's DAMON sysfs tree: the happy paths (vaddr,
 * paddr: snapshots read back equal the fake's scripted regions) and every error the kernel can
 * give (the store() handlers of mm/damon/sysfs.c). The fake logs each write it served, so the
 * tests also check what the backend wrote, and that it never touched a kdamond it did not
 * create.
 *
 * They need root and /dev/fuse (to mount the fake) and run in a private mount namespace; where
 * that is not possible each test says so and is skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "record/backend.h"
#include "record/damon-sysfs.h"

static char fake_bin[PATH_MAX];
static const char *no_fake_reason;

struct fake {
	pid_t pid;
	char mnt[64];
	char root[96];
};

struct target {
	pid_t pid;
};

/*
 * Copies of what a test started, so that the teardown of a test whose assertion failed (its
 * stack is gone by then) can still end it.
 */
static struct fake live_fakes[4];
static struct target live_targets[4];

static void remember_fake(const struct fake *f, int on)
{
	for (int i = 0; i < 4; i++) {
		if (on && !live_fakes[i].pid) {
			live_fakes[i] = *f;
			return;
		}
		if (!on && live_fakes[i].pid == f->pid) {
			live_fakes[i].pid = 0;
			return;
		}
	}
}

static void remember_target(pid_t pid, int on)
{
	for (int i = 0; i < 4; i++) {
		if (on && !live_targets[i].pid) {
			live_targets[i].pid = pid;
			return;
		}
		if (!on && live_targets[i].pid == pid) {
			live_targets[i].pid = 0;
			return;
		}
	}
}

static int group_setup(void **state)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	(void)state;
	setenv(DAMON_ENV_SOURCE, "tried_regions", 1);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(fake_bin, sizeof(fake_bin), "%s/../tools/fake-damon", exe);
		}
	}
	if (geteuid() != 0)
		no_fake_reason = "not root: cannot mount the fake DAMON tree";
	else if (access("/dev/fuse", R_OK | W_OK))
		no_fake_reason = "no /dev/fuse: cannot mount the fake DAMON tree";
	else if (access(fake_bin, X_OK))
		no_fake_reason = "tests/tools/fake-damon is not built";
	else if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		no_fake_reason = "cannot make a private mount namespace";
	if (no_fake_reason)
		fprintf(stderr, "record-damon: SKIPPING fake-kernel tests: %s\n", no_fake_reason);
	return 0;
}

/* Start fake-damon with @args (NULL-terminated) and wait until it serves. */
static void fake_start(struct fake *f, ...)
{
	const char *argv[32];
	int fds[2];
	char buf[16] = "";
	struct pollfd pfd;
	va_list ap;
	int argc = 0;

	if (no_fake_reason)
		skip();
	snprintf(f->mnt, sizeof(f->mnt), "/tmp/daprof-fake-XXXXXX");
	assert_non_null(mkdtemp(f->mnt));
	snprintf(f->root, sizeof(f->root), "%s/admin", f->mnt);
	argv[argc++] = fake_bin;
	va_start(ap, f);
	for (const char *a; (a = va_arg(ap, const char *)) && argc < 30;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc++] = f->mnt;
	argv[argc] = NULL;
	assert_int_equal(pipe(fds), 0);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (!f->pid) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(fds[1], 1);
		close(fds[0]);
		execv(fake_bin, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	remember_fake(f, 1);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 10000), 1);
	assert_true(read(fds[0], buf, sizeof(buf) - 1) > 0);
	close(fds[0]);
	assert_string_equal(buf, "ready\n");
}

static void fake_stop(struct fake *f)
{
	int status;

	umount2(f->mnt, MNT_DETACH);
	kill(f->pid, SIGTERM);
	waitpid(f->pid, &status, 0);
	rmdir(f->mnt);
	remember_fake(f, 0);
}

static char *fake_read(struct fake *f, const char *rel)
{
	static char buf[1 << 16];
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", f->mnt, rel);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void fake_ctl(struct fake *f, const char *cmd)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/fake/ctl", f->mnt);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	close(fd);
}

/* The log line of a write: "admin/<rel> <value> = <result>" */
static int logged(struct fake *f, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "%s\n", line);
	return strstr(fake_read(f, "fake/log"), want) != NULL;
}

static void target_start(struct target *t)
{
	t->pid = fork();
	assert_true(t->pid >= 0);
	remember_target(t->pid, 1);
	if (!t->pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
}

static void target_kill(struct target *t)
{
	int status;

	if (t->pid > 0) {
		remember_target(t->pid, 0);
		kill(t->pid, SIGKILL);
		waitpid(t->pid, &status, 0);
		t->pid = 0;
	}
}

/* Teardown of every test: ends what a failed assertion left running. */
static int cleanup(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++) {
		struct fake f = live_fakes[i];
		struct target t = live_targets[i];

		if (t.pid)
			target_kill(&t);
		if (f.pid)
			fake_stop(&f);
	}
	unsetenv(DAMON_SYSFS_ENV_ROOT);
	setenv(DAMON_ENV_SOURCE, "tried_regions", 1);
	return 0;
}

static struct rec_params params(const struct fake *f, pid_t pid)
{
	struct rec_params p = {
		.pid = pid,
		.sample_us = 5000,
		.aggr_us = 50000,
		.update_us = 1000000,
		.min_nr_regions = 10,
		.max_nr_regions = 1000,
		.sysfs_root = f ? f->root : NULL,
	};

	return p;
}

/* ---- no fake needed ---- */

static void test_probe_says_when_there_is_no_sysfs_interface(void **state)
{
	struct rec_params p = params(NULL, getpid());
	char why[256];

	(void)state;
	p.sysfs_root = "/nonexistent/damon/admin";
	assert_int_equal(damon_backend_ops.probe(&p, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "no DAMON sysfs interface"));
}

static void test_sysfs_root_comes_from_params_then_environment(void **state)
{
	struct rec_params p = params(NULL, 1);

	(void)state;
	unsetenv(DAMON_SYSFS_ENV_ROOT);
	assert_string_equal(damon_sysfs_root(&p), DAMON_SYSFS_DEFAULT_ROOT);
	setenv(DAMON_SYSFS_ENV_ROOT, "/x/admin", 1);
	assert_string_equal(damon_sysfs_root(&p), "/x/admin");
	p.sysfs_root = "/y/admin";
	assert_string_equal(damon_sysfs_root(&p), "/y/admin");
	unsetenv(DAMON_SYSFS_ENV_ROOT);
}

static void test_bad_parameters_are_refused_before_any_write(void **state)
{
	struct rec_params p = params(NULL, getpid());
	struct rec_backend *b;
	char why[256];

	(void)state;
	p.sysfs_root = "/nonexistent/admin";
	p.min_nr_regions = 2;
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "min regions"));
	p.min_nr_regions = 10;
	p.sample_us = 200000;
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "sampling interval"));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_system_ram_ranges_come_from_top_level_iomem_lines(void **state)
{
	char path[] = "/tmp/daprof-iomem-XXXXXX";
	struct rec_range *r;
	size_t n;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_file(path,
		   "00000000-00000fff : Reserved\n"
		   "00001000-0009fbff : System RAM\n"
		   "000f0000-000fffff : System ROM\n"
		   "00100000-3ffdffff : System RAM\n"
		   "  01000000-01ffffff : Kernel code\n"
		   "  02000000-020fffff : System RAM\n"
		   "100000000-13fffffff : System RAM\n"
		   "fed00000-fed003ff : System RAM (fake)\n");
	assert_int_equal(damon_system_ram(path, &r, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].start, 0x1000);
	assert_int_equal(r[0].end, 0x9fc00);
	assert_int_equal(r[1].start, 0x100000);
	assert_int_equal(r[1].end, 0x3ffe0000);
	assert_int_equal(r[2].start, 0x100000000ull);
	assert_int_equal(r[2].end, 0x140000000ull);
	free(r);
	/* what a non-root reader sees */
	write_file(path, "00000000-00000000 : System RAM\n00000000-00000000 : System RAM\n");
	assert_int_equal(damon_system_ram(path, &r, &n), -EPERM);
	write_file(path, "00000000-00000fff : Reserved\n");
	assert_int_equal(damon_system_ram(path, &r, &n), -ENOENT);
	unlink(path);
}

static void test_tracepoint_format_gives_field_offsets(void **state)
{
	/* as 6.12 shows events/damon/damon_aggregated/format */
	static const char text[] =
		"name: damon_aggregated\n"
		"ID: 1311\n"
		"format:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
		"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
		"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
		"\n"
		"\tfield:unsigned long target_id;\toffset:8;\tsize:8;\tsigned:0;\n"
		"\tfield:unsigned int nr_regions;\toffset:16;\tsize:4;\tsigned:0;\n"
		"\tfield:unsigned long start;\toffset:24;\tsize:8;\tsigned:0;\n"
		"\tfield:unsigned long end;\toffset:32;\tsize:8;\tsigned:0;\n"
		"\tfield:unsigned int nr_accesses;\toffset:40;\tsize:4;\tsigned:0;\n"
		"\tfield:unsigned int age;\toffset:44;\tsize:4;\tsigned:0;\n"
		"\n"
		"print fmt: \"target_id=%lu nr_regions=%u %lu-%lu: %u %u\", ...\n";
	struct damon_tp_format f;

	(void)state;
	assert_int_equal(damon_tp_parse_format(text, &f), 0);
	assert_int_equal(f.id, 1311);
	assert_int_equal(f.off_common_pid, 4);
	assert_int_equal(f.off_target_id, 8);
	assert_int_equal(f.sz_target_id, 8);
	assert_int_equal(f.off_nr_regions, 16);
	assert_int_equal(f.off_start, 24);
	assert_int_equal(f.off_end, 32);
	assert_int_equal(f.off_nr_accesses, 40);
	assert_int_equal(f.off_age, 44);
	assert_int_equal(f.sz_age, 4);
	assert_int_equal(damon_tp_parse_format("name: x\nID: 3\n", &f), -EPROTO);
}

static void test_a_process_is_not_a_kdamond(void **state)
{
	(void)state;
	assert_int_equal(damon_is_kdamond(getpid()), 0);
	assert_int_equal(damon_is_kdamond(0), 0);
}

/* ---- against the fake kernel ---- */

static void test_probe_says_usable_on_an_idle_kernel(void **state)
{
	struct fake f;
	struct rec_params p;
	char why[256];

	(void)state;
	fake_start(&f, NULL);
	p = params(&f, getpid());
	assert_int_equal(damon_backend_ops.probe(&p, why, sizeof(why)), 0);
	p.paddr = 1;
	p.pid = 0;
	assert_int_equal(damon_backend_ops.probe(&p, why, sizeof(why)), 0);
	assert_string_equal(fake_read(&f, "fake/log"), "");	/* probe wrote nothing */
	fake_stop(&f);
}

static void test_probe_names_a_paddr_only_kernel_and_another_user(void **state)
{
	struct fake f;
	struct rec_params p;
	char why[256];

	(void)state;
	fake_start(&f, "--ops", "paddr", "--other", "1:on", NULL);
	p = params(&f, getpid());
	assert_int_equal(damon_backend_ops.probe(&p, why, sizeof(why)), -EOPNOTSUPP);
	assert_string_equal(why, "this kernel's DAMON offers only paddr");
	p.paddr = 1;
	p.pid = 0;
	assert_int_equal(damon_backend_ops.probe(&p, why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "DAMON is in use by another kdamond"));
	assert_string_equal(fake_read(&f, "fake/log"), "");
	fake_stop(&f);
}

static void test_start_without_vaddr_cleans_up_and_says_why(void **state)
{
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	char why[256];

	(void)state;
	fake_start(&f, "--ops", "paddr", NULL);
	p = params(&f, getpid());
	/* no context exists yet, so probe cannot tell; start must find out */
	assert_int_equal(damon_backend_ops.probe(&p, why, sizeof(why)), 0);
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), -EOPNOTSUPP);
	assert_string_equal(why, "this kernel's DAMON offers only paddr");
	assert_null(b);
	assert_true(logged(&f, "admin/kdamonds/nr_kdamonds 1 = 0"));
	assert_true(logged(&f, "admin/kdamonds/nr_kdamonds 0 = 0"));
	assert_null(strstr(fake_read(&f, "fake/log"), "state on"));
	assert_string_equal(fake_read(&f, "admin/kdamonds/nr_kdamonds"), "0\n");
	fake_stop(&f);
}

static void test_unregistered_ops_fail_at_on_with_einval(void **state)
{
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	char why[256];

	(void)state;
	/* a 5.18 tree has no avail_operations: "on" is where the kernel says no */
	fake_start(&f, "--tree", "5.18", "--ops", "paddr", NULL);
	p = params(&f, getpid());
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "may not offer vaddr"));
	assert_true(logged(&f, "admin/kdamonds/0/state on = -22"));
	assert_true(logged(&f, "admin/kdamonds/nr_kdamonds 0 = 0"));
	fake_stop(&f);
	fake_start(&f, "--tree", "6.12", NULL);
	fake_ctl(&f, "fail on EINVAL 1");
	p = params(&f, getpid());
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "refused the monitoring parameters"));
	assert_true(logged(&f, "admin/kdamonds/0/state on = -22"));
	assert_true(logged(&f, "admin/kdamonds/nr_kdamonds 0 = 0"));
	fake_stop(&f);
}

static void test_other_kdamonds_are_never_touched(void **state)
{
	static const char *const setups[] = { "1:on", "2" };
	struct rec_params p;
	struct rec_backend *b;
	char why[256];

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct fake f;

		fake_start(&f, "--other", setups[i], NULL);
		p = params(&f, getpid());
		assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), -EBUSY);
		assert_non_null(strstr(why, "DAMON is in use by another kdamond"));
		assert_string_equal(fake_read(&f, "fake/log"), "");
		fake_stop(&f);
	}
}

static void test_lock_contention_is_retried(void **state)
{
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	struct dpf_snapshot s;
	struct target t;
	char why[256];

	(void)state;
	fake_start(&f, "--region", "0x10000000,0x10001000,3", NULL);
	target_start(&t);
	p = params(&f, t.pid);
	fake_ctl(&f, "busy 3");
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), 0);
	assert_true(logged(&f, "admin/kdamonds/nr_kdamonds 1 = -16"));
	assert_true(logged(&f, "admin/kdamonds/nr_kdamonds 1 = 0"));
	fake_ctl(&f, "busy 2");
	assert_int_equal(damon_backend_ops.next_snapshot(b, &s, 1000), 1);
	assert_true(logged(&f, "admin/kdamonds/0/state update_schemes_tried_regions = -16"));
	assert_int_equal(s.nr_regions, 1);
	fake_ctl(&f, "busy 2");
	assert_int_equal(damon_backend_stop(b), 0);
	assert_string_equal(fake_read(&f, "admin/kdamonds/nr_kdamonds"), "0\n");
	target_kill(&t);
	fake_stop(&f);
}

static void test_vaddr_snapshots_match_the_script(void **state)
{
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	struct dpf_snapshot s;
	struct dpf_meta m;
	struct target t;
	char why[256];
	char line[128];
	uint32_t age0 = 0;
	uint64_t prev_end = 0;

	(void)state;
	/* hot 8 MiB, cold 56 MiB, and a region that shows up only from aggregation 1000 on */
	fake_start(&f, "--region", "0x10000000,0x10800000,10", "--region",
		   "0x10800000,0x14000000,0", "--region", "0x20000000,0x20001000,5,1000", NULL);
	target_start(&t);
	p = params(&f, t.pid);
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), 0);

	/* what it wrote, computed by hand from the parameters */
	assert_true(logged(&f, "admin/kdamonds/nr_kdamonds 1 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/nr_contexts 1 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/operations vaddr = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/sample_us 5000 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/aggr_us 50000 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/update_us 1000000 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/monitoring_attrs/nr_regions/min 10 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/monitoring_attrs/nr_regions/max 1000 = 0"));
	snprintf(line, sizeof(line), "admin/kdamonds/0/contexts/0/targets/0/pid_target %d = 0",
		 (int)t.pid);
	assert_true(logged(&f, line));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/schemes/0/action stat = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/schemes/0/access_pattern/sz/max "
			    "18446744073709551615 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/schemes/0/access_pattern/nr_accesses/max "
			    "4294967295 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/schemes/0/access_pattern/age/max "
			    "4294967295 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/schemes/0/apply_interval_us 0 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/state on = 0"));
	assert_string_equal(fake_read(&f, "admin/kdamonds/0/state"), "on\n");

	for (int i = 0; i < 4; i++) {
		assert_int_equal(damon_backend_ops.next_snapshot(b, &s, 1000), 1);
		assert_int_equal(s.target, 0);
		assert_int_equal(s.nr_regions, 2);
		assert_int_equal(s.regions[0].start, 0x10000000);
		assert_int_equal(s.regions[0].end, 0x10800000);
		assert_int_equal(s.regions[0].nr_accesses, 10);
		assert_int_equal(s.regions[1].start, 0x10800000);
		assert_int_equal(s.regions[1].end, 0x14000000);
		assert_int_equal(s.regions[1].nr_accesses, 0);
		/* one aggregation per snapshot: the age grows by one each time */
		if (i)
			assert_int_equal(s.regions[0].age, age0 + (uint32_t)i);
		else
			age0 = s.regions[0].age;
		assert_true(s.end_ns > s.start_ns);
		assert_true(s.end_ns - s.start_ns <= 50000000ull);
		assert_true(s.start_ns >= prev_end);
		prev_end = s.end_ns;
	}

	dpf_meta_init(&m);
	assert_int_equal(damon_backend_ops.describe(b, &m), 0);
	assert_string_equal(dpf_meta_get(&m, "backend"), "damon");
	assert_string_equal(dpf_meta_get(&m, "ops"), "vaddr");
	assert_string_equal(dpf_meta_get(&m, "primitive"), "kernel");
	assert_string_equal(dpf_meta_get(&m, "primitive_sees"),
			    "reads+writes, sampled page (kernel DAMON)");
	assert_string_equal(dpf_meta_get(&m, "damon.snapshot_source"), "tried_regions");
	assert_string_equal(dpf_meta_get(&m, "damon.avail_operations"), "vaddr,fvaddr,paddr");
	assert_non_null(strstr(dpf_meta_get(&m, "damon.features"), "tried_regions"));
	assert_non_null(strstr(dpf_meta_get(&m, "damon.features"), "apply_interval_us"));
	assert_int_equal(dpf_meta_get_u64(&m, "damon.snapshots", 0), 4);
	assert_int_equal(dpf_meta_get_u64(&m, "aggr_us", 0), 50000);
	dpf_meta_release(&m);

	assert_int_equal(damon_backend_stop(b), 0);
	assert_true(logged(&f, "admin/kdamonds/0/state off = 0"));
	assert_true(logged(&f, "admin/kdamonds/nr_kdamonds 0 = 0"));
	assert_string_equal(fake_read(&f, "admin/kdamonds/nr_kdamonds"), "0\n");
	target_kill(&t);
	fake_stop(&f);
}

static void test_paddr_monitors_the_given_ranges(void **state)
{
	static const struct rec_range ram[] = {
		{ 0x100000, 0x3ffe0000 },
		{ 0x100000000ull, 0x140000000ull },
	};
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	struct dpf_snapshot s;
	char why[256];

	(void)state;
	/* the fake reports the target's regions; the second one is hot (capped at 50000/5000) */
	fake_start(&f, "--region", "0x100000000,0x100001000,99", NULL);
	p = params(&f, 0);
	p.paddr = 1;
	p.ranges = ram;
	p.nr_ranges = 2;
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), 0);
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/operations paddr = 0"));
	/*
	 * Split like vaddr's init into min_nr_regions (10) pieces in proportion to the sizes:
	 * 1022.9 MiB and 1024 MiB make 5 pieces each.
	 */
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/targets/0/regions/nr_regions 10 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/targets/0/regions/0/start 1048576 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/targets/0/regions/9/end 5368709120 = 0"));
	assert_null(strstr(fake_read(&f, "fake/log"), "pid_target"));
	assert_int_equal(damon_backend_ops.next_snapshot(b, &s, 1000), 1);
	assert_int_equal(s.nr_regions, 10);
	assert_int_equal(s.regions[0].start, 0x100000);
	assert_int_equal(s.regions[4].end, 0x3ffe0000);
	assert_int_equal(s.regions[5].start, 0x100000000ull);
	assert_int_equal(s.regions[9].end, 0x140000000ull);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(s.regions[i].start % 4096, 0);
		if (i != 4 && i != 9)
			assert_int_equal(s.regions[i].end, s.regions[i + 1].start);
		/* the scripted hot page is the first of the second range; the cap is 50000/5000 */
		assert_int_equal(s.regions[i].nr_accesses, i == 5 ? 10 : 0);
	}
	/* about a fifth of each range per piece: (0x3ffe0000 - 0x100000) / 5 rounded to pages */
	assert_int_equal(s.regions[0].end - s.regions[0].start,
			 ((0x3ffe0000ull - 0x100000) / 5) & ~0xfffull);
	assert_int_equal(s.regions[5].end - s.regions[5].start, 0x40000000ull / 5 & ~0xfffull);
	damon_backend_ops.stop(b);
	assert_string_equal(fake_read(&f, "admin/kdamonds/nr_kdamonds"), "0\n");
	fake_stop(&f);
}

static void test_target_death_ends_the_recording(void **state)
{
	static const char *const trees[] = { "6.18", "6.12" };
	struct rec_params p;
	struct rec_backend *b;
	struct dpf_snapshot s;
	char why[256];

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct fake f;
		struct target t;
		int ret = 1;

		fake_start(&f, "--tree", trees[i], "--region", "0x1000,0x2000,1", NULL);
		target_start(&t);
		p = params(&f, t.pid);
		assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), 0);
		assert_int_equal(damon_backend_ops.next_snapshot(b, &s, 1000), 1);
		target_kill(&t);
		for (int n = 0; n < 3 && ret == 1; n++)
			ret = damon_backend_ops.next_snapshot(b, &s, 1000);
		assert_int_equal(ret, -ESRCH);
		/* the kdamond stopped by itself: "off" gets EPERM, which stop() accepts */
		assert_int_equal(damon_backend_stop(b), 0);
		assert_true(logged(&f, "admin/kdamonds/0/state off = -1"));
		assert_string_equal(fake_read(&f, "admin/kdamonds/nr_kdamonds"), "0\n");
		fake_stop(&f);
	}
}

static void test_a_kdamond_that_stops_by_itself_gives_esrch(void **state)
{
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	struct dpf_snapshot s;
	char why[256];

	(void)state;
	fake_start(&f, "--tree", "6.12", "--region", "0x1000,0x2000,1", NULL);
	p = params(&f, getpid());
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), 0);
	fake_ctl(&f, "stop 0");
	assert_int_equal(damon_backend_ops.next_snapshot(b, &s, 1000), -ESRCH);
	damon_backend_ops.stop(b);
	assert_string_equal(fake_read(&f, "admin/kdamonds/nr_kdamonds"), "0\n");
	fake_stop(&f);
}

static void test_ecanceled_is_passed_on_and_recording_can_go_on(void **state)
{
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	struct dpf_snapshot s;
	char why[256];

	(void)state;
	fake_start(&f, "--region", "0x1000,0x2000,1", NULL);
	p = params(&f, getpid());
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), 0);
	fake_ctl(&f, "fail update_schemes_tried_regions ECANCELED 1");
	assert_int_equal(damon_backend_ops.next_snapshot(b, &s, 1000), -ECANCELED);
	assert_non_null(strstr(damon_backend_last_error(b), "update_schemes_tried_regions"));
	assert_int_equal(damon_backend_ops.next_snapshot(b, &s, 1000), 1);
	assert_int_equal(s.nr_regions, 1);
	damon_backend_ops.stop(b);
	fake_stop(&f);
}

static void test_eperm_on_off_is_accepted_by_stop(void **state)
{
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	char why[256];

	(void)state;
	fake_start(&f, NULL);
	p = params(&f, getpid());
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), 0);
	fake_ctl(&f, "fail off EPERM 1");
	fake_ctl(&f, "stop 0");
	assert_int_equal(damon_backend_stop(b), 0);
	assert_true(logged(&f, "admin/kdamonds/0/state off = -1"));
	assert_true(logged(&f, "admin/kdamonds/nr_kdamonds 0 = 0"));
	fake_stop(&f);
}

static void test_a_dead_pid_is_refused_without_writing(void **state)
{
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	struct target t;
	char why[256];

	(void)state;
	fake_start(&f, NULL);
	target_start(&t);
	p = params(&f, t.pid);
	target_kill(&t);
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), -ESRCH);
	assert_non_null(strstr(why, "no process"));
	assert_string_equal(fake_read(&f, "fake/log"), "");
	fake_stop(&f);
}

static void test_a_kernel_without_tried_regions_is_refused_cleanly(void **state)
{
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	char why[256];

	(void)state;
	fake_start(&f, "--tree", "6.1", NULL);
	p = params(&f, getpid());
	setenv(DAMON_ENV_SOURCE, "auto", 1);
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), -EOPNOTSUPP);
	setenv(DAMON_ENV_SOURCE, "tried_regions", 1);
	assert_non_null(strstr(why, "no tried_regions"));
	assert_true(logged(&f, "admin/kdamonds/0/state off = 0"));
	assert_true(logged(&f, "admin/kdamonds/nr_kdamonds 0 = 0"));
	fake_stop(&f);
}

static void test_auto_source_uses_tried_regions_when_pid_is_no_kdamond(void **state)
{
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	struct dpf_meta m;
	char why[256];

	(void)state;
	fake_start(&f, NULL);
	p = params(&f, getpid());
	setenv(DAMON_ENV_SOURCE, "auto", 1);
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), 0);
	dpf_meta_init(&m);
	assert_int_equal(damon_backend_ops.describe(b, &m), 0);
	assert_string_equal(dpf_meta_get(&m, "damon.snapshot_source"), "tried_regions");
	dpf_meta_release(&m);
	damon_backend_ops.stop(b);
	/* asking for the tracepoint where it cannot work is an error, and cleans up */
	setenv(DAMON_ENV_SOURCE, "tracepoint", 1);
	assert_true(damon_backend_ops.start(&b, &p, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "tracepoint"));
	setenv(DAMON_ENV_SOURCE, "tried_regions", 1);
	assert_string_equal(fake_read(&f, "admin/kdamonds/nr_kdamonds"), "0\n");
	fake_stop(&f);
}

static void test_not_root_is_named(void **state)
{
	struct fake f;
	pid_t pid;
	int status;

	(void)state;
	fake_start(&f, NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct rec_params p = params(&f, getpid());
		char why[256];
		int ret;

		if (setgid(65534) || setuid(65534))
			_exit(3);
		ret = damon_backend_ops.probe(&p, why, sizeof(why));
		_exit(ret == -EACCES && !strcmp(why, "not root (DAMON's sysfs files are root-only)")
		      ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	fake_stop(&f);
}

static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

static void test_sigint_path_turns_the_kdamond_off(void **state)
{
	struct fake f;
	struct target t;
	int fds[2];
	char c;
	pid_t pid;
	int status;

	(void)state;
	fake_start(&f, "--region", "0x1000,0x2000,1", NULL);
	target_start(&t);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		/* a record loop in small: snapshots until SIGINT, then stop() */
		struct sigaction sa = { .sa_handler = on_sigint };
		struct rec_params p = params(&f, t.pid);
		struct rec_backend *b;
		struct dpf_snapshot s;
		char why[256];
		int n = 0;

		sigaction(SIGINT, &sa, NULL);
		if (damon_backend_ops.start(&b, &p, why, sizeof(why)))
			_exit(2);
		while (!got_sigint) {
			if (damon_backend_ops.next_snapshot(b, &s, 100) < 0)
				_exit(3);
			if (++n == 1 && write(fds[1], "x", 1) != 1)
				_exit(4);
		}
		_exit(damon_backend_stop(b) ? 5 : 0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	assert_string_equal(fake_read(&f, "admin/kdamonds/0/state"), "on\n");
	kill(pid, SIGINT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(logged(&f, "admin/kdamonds/0/state off = 0"));
	assert_string_equal(fake_read(&f, "admin/kdamonds/nr_kdamonds"), "0\n");
	target_kill(&t);
	fake_stop(&f);
}

static void test_many_regions_are_all_read(void **state)
{
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	struct dpf_snapshot s;
	char why[256];
	uint32_t hot = 0;

	(void)state;
	fake_start(&f, "--synth", "1000", NULL);
	p = params(&f, getpid());
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), 0);
	assert_int_equal(damon_backend_ops.next_snapshot(b, &s, 1000), 1);
	assert_int_equal(s.nr_regions, 1000);
	for (uint32_t i = 0; i < s.nr_regions; i++) {
		assert_int_equal(s.regions[i].start, 0x100000000ull + (uint64_t)i * 65536);
		if (s.regions[i].nr_accesses)
			hot++;
	}
	assert_int_equal(hot, 100);	/* every 10th */
	damon_backend_ops.stop(b);
	fake_stop(&f);
}

/* The overhead controller's lever: new intervals online, and a refusal that changes nothing. */
static void test_online_change_commits_and_a_refusal_keeps_the_old(void **state)
{
	struct rec_intervals iv = { 10000, 200000, 2000000, 20, 500, 0 };
	struct rec_intervals bad = { 20000000, 40000000, 0, 20, 500, 0 };
	struct rec_intervals now;
	struct fake f;
	struct rec_params p;
	struct rec_backend *b;
	struct target t;
	char why[256];

	(void)state;
	fake_start(&f, "--tree", "6.15", "--region", "0x10000000,0x10800000,10", NULL);
	target_start(&t);
	p = params(&f, t.pid);
	p.goal = (struct rec_intervals_goal){ 400, 3, 5000, 1000000 };
	assert_int_equal(damon_backend_ops.start(&b, &p, why, sizeof(why)), 0);
	assert_int_equal(damon_backend_apply(b, &iv, why, sizeof(why)), 0);
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/sample_us 10000 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/contexts/0/monitoring_attrs/nr_regions/max 500 = 0"));
	assert_true(logged(&f, "admin/kdamonds/0/state commit = 0"));
	damon_backend_ops.intervals(b, &now);
	assert_int_equal(now.sample_us, 10000);
	assert_int_equal(now.aggr_us, 200000);
	assert_int_equal(now.min_nr_regions, 20);
	/* outside the goal's bounds: refused before the kernel sees it */
	assert_int_equal(damon_backend_apply(b, &bad, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "outside the intervals goal"));
	damon_backend_ops.intervals(b, &now);
	assert_int_equal(now.sample_us, 10000);
	assert_false(logged(&f, "admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/sample_us 20000000 = 0"));
	/* refused by the kernel: the old values are staged again, so no later commit takes it */
	fake_ctl(&f, "fail commit EINVAL 1");
	iv.sample_us = 6000;
	assert_int_equal(damon_backend_apply(b, &iv, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "the kernel refused the new intervals"));
	assert_string_equal(fake_read(&f, "admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/sample_us"),
			    "10000\n");
	damon_backend_ops.intervals(b, &now);
	assert_int_equal(now.sample_us, 10000);
	assert_int_equal(damon_backend_stop(b), 0);
	target_kill(&t);
	fake_stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_probe_says_when_there_is_no_sysfs_interface, cleanup),
		cmocka_unit_test_teardown(test_sysfs_root_comes_from_params_then_environment, cleanup),
		cmocka_unit_test_teardown(test_bad_parameters_are_refused_before_any_write, cleanup),
		cmocka_unit_test_teardown(test_system_ram_ranges_come_from_top_level_iomem_lines, cleanup),
		cmocka_unit_test_teardown(test_tracepoint_format_gives_field_offsets, cleanup),
		cmocka_unit_test_teardown(test_a_process_is_not_a_kdamond, cleanup),
		cmocka_unit_test_teardown(test_probe_says_usable_on_an_idle_kernel, cleanup),
		cmocka_unit_test_teardown(test_probe_names_a_paddr_only_kernel_and_another_user, cleanup),
		cmocka_unit_test_teardown(test_start_without_vaddr_cleans_up_and_says_why, cleanup),
		cmocka_unit_test_teardown(test_unregistered_ops_fail_at_on_with_einval, cleanup),
		cmocka_unit_test_teardown(test_other_kdamonds_are_never_touched, cleanup),
		cmocka_unit_test_teardown(test_lock_contention_is_retried, cleanup),
		cmocka_unit_test_teardown(test_vaddr_snapshots_match_the_script, cleanup),
		cmocka_unit_test_teardown(test_paddr_monitors_the_given_ranges, cleanup),
		cmocka_unit_test_teardown(test_target_death_ends_the_recording, cleanup),
		cmocka_unit_test_teardown(test_a_kdamond_that_stops_by_itself_gives_esrch, cleanup),
		cmocka_unit_test_teardown(test_ecanceled_is_passed_on_and_recording_can_go_on, cleanup),
		cmocka_unit_test_teardown(test_eperm_on_off_is_accepted_by_stop, cleanup),
		cmocka_unit_test_teardown(test_a_dead_pid_is_refused_without_writing, cleanup),
		cmocka_unit_test_teardown(test_a_kernel_without_tried_regions_is_refused_cleanly, cleanup),
		cmocka_unit_test_teardown(test_auto_source_uses_tried_regions_when_pid_is_no_kdamond, cleanup),
		cmocka_unit_test_teardown(test_not_root_is_named, cleanup),
		cmocka_unit_test_teardown(test_sigint_path_turns_the_kdamond_off, cleanup),
		cmocka_unit_test_teardown(test_many_regions_are_all_read, cleanup),
		cmocka_unit_test_teardown(test_online_change_commits_and_a_refusal_keeps_the_old,
					  cleanup),
	};

	return cmocka_run_group_tests_name("record/damon", tests, group_setup, NULL);
}
