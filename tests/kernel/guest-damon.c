// SPDX-License-Identifier: GPL-2.0
/*
 * guest-damon: the test and benchmark driver that runs inside the qemu guest of
 * tests/kernel/run.sh, linked statically with the recording format and record/ code only (no
 * libdw or libpng in the guest). It is a record loop in small around damon_backend_ops, plus the
 * checks run on what it recorded. It refuses to touch DAMON unless /daprof-guest exists, a
 * marker file that only the test initramfs holds, so that a mistaken run on a host does nothing.
 *
 *   guest-damon probe [--paddr]
 *   guest-damon record OUT [--source S] [--sample US] [--aggr US] [--update US] [--min N]
 *                      [--max N] [--snapshots N] [--seconds S] (--pid PID | --paddr | -- CMD...)
 *   guest-damon heat FILE HOT_LO HOT_HI COLD_LO COLD_HI   byte-weighted mean nr_accesses
 *   guest-damon ram FILE                                  regions lie in System RAM
 *   guest-damon dump FILE N                               regions of snapshot N (<0: from the end)
 *   guest-damon meta FILE KEY
 *   guest-damon kdamonds                                  nr_kdamonds and kdamond threads
 *   guest-damon softdirty PID HOT_LO COLD_LO              the sampler's soft-dirty primitive
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "format/dpf.h"
#include "record/backend.h"
#include "record/damon-sysfs.h"
#if __has_include("record/prim.h")
#include "record/prim.h"
#define HAVE_PRIM 1
#endif

#define MARKER "/daprof-guest"

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static void guard(void)
{
	if (access(MARKER, F_OK)) {
		fprintf(stderr, "guest-damon: %s missing: not the test guest, refusing to touch "
			"DAMON\n", MARKER);
		exit(2);
	}
}

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
	       ru.ru_stime.tv_usec / 1e3;
}

static int cmd_probe(int argc, char **argv)
{
	struct rec_params p = { .pid = getpid(), .sample_us = 5000, .aggr_us = 100000,
				.min_nr_regions = 10, .max_nr_regions = 1000 };
	char why[256];
	int ret;

	guard();
	if (argc > 2 && !strcmp(argv[2], "--paddr")) {
		p.paddr = 1;
		p.pid = 0;
	}
	ret = damon_backend_ops.probe(&p, why, sizeof(why));
	if (ret) {
		printf("unusable: %s\n", why);
		return 1;
	}
	printf("usable\n");
	return 0;
}

static int cmd_record(int argc, char **argv)
{
	struct rec_params p = { .sample_us = 5000, .aggr_us = 100000, .update_us = 1000000,
				.min_nr_regions = 10, .max_nr_regions = 1000 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct dpf_writer_opts wo = { .sync_flushes = 0 };
	struct dpf_writer *w;
	struct rec_backend *b;
	struct dpf_snapshot s;
	struct dpf_meta m;
	const char *out;
	const char *end = "count";
	char **cmd = NULL;
	char why[256];
	uint64_t max_snaps = 0;
	uint64_t snaps = 0;
	uint64_t t0;
	uint64_t t_started;
	uint64_t t_first = 0;
	uint64_t last_regions = 0;
	uint64_t backend_ns = 0;
	double seconds = 0;
	double cpu0;
	double cpu_first = 0;
	int release[2] = { -1, -1 };
	pid_t child = 0;
	int ret;
	int i;

	guard();
	if (argc < 3)
		return 2;
	out = argv[2];
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--source"))
			setenv(DAMON_ENV_SOURCE, argv[++i], 1);
		else if (!strcmp(argv[i], "--sample"))
			p.sample_us = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--aggr"))
			p.aggr_us = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--update"))
			p.update_us = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--min"))
			p.min_nr_regions = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--max"))
			p.max_nr_regions = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--snapshots"))
			max_snaps = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--pid"))
			p.pid = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--paddr"))
			p.paddr = 1;
		else if (!strcmp(argv[i], "--")) {
			cmd = argv + i + 1;
			break;
		} else {
			fprintf(stderr, "guest-damon: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (cmd && *cmd) {
		/* launched: the child waits until monitoring runs, then execs */
		if (pipe(release))
			return 1;
		child = fork();
		if (child < 0)
			return 1;
		if (!child) {
			char c;

			close(release[1]);
			if (read(release[0], &c, 1) != 1)
				_exit(126);
			execv(cmd[0], cmd);
			_exit(127);
		}
		close(release[0]);
		p.pid = child;
		p.launched = 1;
	}
	t0 = damon_now_ns();
	cpu0 = cpu_ms();
	ret = damon_backend_ops.start(&b, &p, why, sizeof(why));
	if (ret) {
		printf("start failed: %s (%s)\n", why, strerror(-ret));
		if (child > 0) {
			kill(child, SIGKILL);
			waitpid(child, NULL, 0);
		}
		return 1;
	}
	t_started = damon_now_ns();
	if (child > 0 && write(release[1], "x", 1) != 1)
		return 1;
	dpf_meta_init(&m);
	dpf_meta_set(&m, "source", "guest-damon");
	if (p.paddr)
		dpf_meta_set(&m, "nr_targets", "1");
	else
		dpf_meta_setf(&m, "target.0.pid", "%d", (int)p.pid);
	damon_backend_ops.describe(b, &m);
	ret = dpf_writer_open(&w, out, &wo, &m);
	dpf_meta_release(&m);
	if (ret) {
		printf("cannot create '%s': %s\n", out, strerror(-ret));
		damon_backend_ops.stop(b);
		return 1;
	}
	for (;;) {
		if (stop_sig) {
			end = "signal";
			break;
		}
		if (max_snaps && snaps >= max_snaps)
			break;
		if (seconds > 0 && (damon_now_ns() - t_started) / 1e9 >= seconds) {
			end = "duration";
			break;
		}
		{
			struct timespec a;
			struct timespec z;

			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
			ret = damon_backend_ops.next_snapshot(b, &s, 200);
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &z);
			if (snaps)	/* the backend's own CPU, after the first snapshot */
				backend_ns += (uint64_t)(z.tv_sec - a.tv_sec) * 1000000000u +
					      (uint64_t)(z.tv_nsec - a.tv_nsec);
		}
		if (ret == -ESRCH) {
			end = "target";
			break;
		}
		if (ret < 0) {
			printf("snapshot failed: %s\n", strerror(-ret));
			end = "error";
			break;
		}
		if (ret == 0)
			continue;
		if (!snaps++) {
			t_first = damon_now_ns();
			cpu_first = cpu_ms();
		}
		last_regions = s.nr_regions;
		if (dpf_writer_snapshot(w, &s)) {
			end = "error";
			break;
		}
	}
	{
		double cpu = cpu_ms();

		dpf_meta_init(&m);
		damon_backend_ops.describe(b, &m);
		dpf_writer_meta(w, &m);
		const char *missed = dpf_meta_get(&m, "damon.missed_aggregations");
		const char *empty = dpf_meta_get(&m, "damon.empty_tried_regions");

		printf("source=%s snapshots=%llu regions_last=%llu start_ms=%.1f first_snapshot_ms=%.1f "
		       "cpu_ms=%.1f loop_cpu_us_per_snapshot=%.0f backend_cpu_us_per_snapshot=%.0f "
		       "missed=%s empty=%s end=%s\n",
		       dpf_meta_get(&m, "damon.snapshot_source"), (unsigned long long)snaps,
		       (unsigned long long)last_regions, (t_started - t0) / 1e6,
		       t_first ? (t_first - t0) / 1e6 : -1.0, cpu - cpu0,
		       snaps > 1 ? (cpu - cpu_first) * 1e3 / (double)(snaps - 1) : -1.0,
		       snaps > 1 ? backend_ns / 1e3 / (double)(snaps - 1) : -1.0,
		       missed ? missed : "-", empty ? empty : "-", end);
		dpf_meta_release(&m);
	}
	ret = damon_backend_stop(b);
	if (ret)
		printf("stop failed: %s\n", strerror(-ret));
	if (dpf_writer_close(w))
		ret = -EIO;
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	return ret ? 1 : 0;
}

static int open_reader(const char *path, struct dpf_reader **r)
{
	int ret = dpf_reader_open(r, path);

	if (ret)
		printf("cannot read '%s': %s\n", path, dpf_strerror(ret));
	return ret;
}

static uint64_t overlap(uint64_t a, uint64_t b, uint64_t lo, uint64_t hi)
{
	uint64_t s = a > lo ? a : lo;
	uint64_t e = b < hi ? b : hi;

	return e > s ? e - s : 0;
}

/* Byte-weighted mean nr_accesses over two ranges, after the first fifth of the snapshots. */
static int cmd_heat(int argc, char **argv)
{
	struct dpf_reader *r;
	struct dpf_event ev;
	uint64_t lo[2];
	uint64_t hi[2];
	double sum[2] = { 0, 0 };
	double bytes[2] = { 0, 0 };
	uint64_t n = 0;
	uint64_t total = 0;
	uint64_t skip;

	if (argc < 7)
		return 2;
	lo[0] = strtoull(argv[3], NULL, 0);
	hi[0] = strtoull(argv[4], NULL, 0);
	lo[1] = strtoull(argv[5], NULL, 0);
	hi[1] = strtoull(argv[6], NULL, 0);
	if (open_reader(argv[2], &r))
		return 1;
	while (dpf_reader_next(r, &ev) == 1)
		if (ev.type == DPF_EV_SNAPSHOT)
			total++;
	dpf_reader_close(r);
	skip = total / 5;
	if (open_reader(argv[2], &r))
		return 1;
	while (dpf_reader_next(r, &ev) == 1) {
		if (ev.type != DPF_EV_SNAPSHOT || n++ < skip)
			continue;
		for (uint32_t i = 0; i < ev.snapshot.nr_regions; i++) {
			const struct dpf_region *g = &ev.snapshot.regions[i];

			for (int k = 0; k < 2; k++) {
				uint64_t o = overlap(g->start, g->end, lo[k], hi[k]);

				sum[k] += (double)o * g->nr_accesses;
				bytes[k] += (double)o;
			}
		}
	}
	dpf_reader_close(r);
	printf("hot=%.2f cold=%.2f snapshots=%llu used=%llu\n", bytes[0] ? sum[0] / bytes[0] : -1,
	       bytes[1] ? sum[1] / bytes[1] : -1, (unsigned long long)total,
	       (unsigned long long)(total - skip));
	return 0;
}

/* Every region of every snapshot lies inside System RAM, and the first covers all of it. */
static int cmd_ram(int argc, char **argv)
{
	struct rec_range *ram;
	struct dpf_reader *r;
	struct dpf_event ev;
	size_t nr;
	uint64_t ram_bytes = 0;
	uint64_t first_bytes = 0;
	uint64_t n = 0;
	uint64_t outside = 0;

	if (argc < 3 || damon_system_ram(NULL, &ram, &nr)) {
		printf("cannot read System RAM\n");
		return 1;
	}
	for (size_t i = 0; i < nr; i++)
		ram_bytes += ram[i].end - ram[i].start;
	if (open_reader(argv[2], &r))
		return 1;
	while (dpf_reader_next(r, &ev) == 1) {
		if (ev.type != DPF_EV_SNAPSHOT)
			continue;
		for (uint32_t i = 0; i < ev.snapshot.nr_regions; i++) {
			const struct dpf_region *g = &ev.snapshot.regions[i];
			int in = 0;

			for (size_t k = 0; k < nr; k++)
				if (g->start >= (ram[k].start & ~0xfffull) &&
				    g->end <= ((ram[k].end + 0xfff) & ~0xfffull))
					in = 1;
			outside += !in;
			if (!n)
				first_bytes += g->end - g->start;
		}
		n++;
	}
	dpf_reader_close(r);
	printf("ram_ranges=%zu ram_bytes=%llu first_snapshot_bytes=%llu snapshots=%llu "
	       "regions_outside=%llu\n", nr, (unsigned long long)ram_bytes,
	       (unsigned long long)first_bytes, (unsigned long long)n,
	       (unsigned long long)outside);
	free(ram);
	/* page rounding of the ranges may add or take up to a page per range */
	return n && !outside && first_bytes + nr * 8192 >= ram_bytes &&
	       first_bytes <= ram_bytes + nr * 8192 ? 0 : 1;
}

/* Print the regions of snapshot N (negative: from the end), for diagnosis. */
static int cmd_dump(int argc, char **argv)
{
	struct dpf_reader *r;
	struct dpf_event ev;
	long want;
	long n = 0;
	long total = 0;

	if (argc < 4 || open_reader(argv[2], &r))
		return 2;
	want = atol(argv[3]);
	if (want < 0) {
		while (dpf_reader_next(r, &ev) == 1)
			total += ev.type == DPF_EV_SNAPSHOT;
		dpf_reader_close(r);
		want += total;
		if (open_reader(argv[2], &r))
			return 2;
	}
	while (dpf_reader_next(r, &ev) == 1) {
		if (ev.type != DPF_EV_SNAPSHOT || n++ != want)
			continue;
		for (uint32_t i = 0; i < ev.snapshot.nr_regions; i++)
			printf("%lx-%lx %u %u\n", (unsigned long)ev.snapshot.regions[i].start,
			       (unsigned long)ev.snapshot.regions[i].end,
			       ev.snapshot.regions[i].nr_accesses, ev.snapshot.regions[i].age);
	}
	dpf_reader_close(r);
	return 0;
}

static int cmd_meta(int argc, char **argv)
{
	struct dpf_reader *r;
	struct dpf_event ev;
	const char *v;

	if (argc < 4 || open_reader(argv[2], &r))
		return 2;
	while (dpf_reader_next(r, &ev) == 1)
		;
	v = dpf_meta_get(dpf_reader_meta(r), argv[3]);
	printf("%s\n", v ? v : "");
	dpf_reader_close(r);
	return v ? 0 : 1;
}

static int cmd_kdamonds(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[300];
	char buf[64];
	int threads = 0;
	FILE *f;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (f && fgets(buf, sizeof(buf), f) && !strncmp(buf, "kdamond", 7))
			threads++;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	f = fopen(DAMON_SYSFS_DEFAULT_ROOT "/kdamonds/nr_kdamonds", "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		snprintf(buf, sizeof(buf), "?\n");
	if (f)
		fclose(f);
	printf("nr_kdamonds=%.*s kdamond_threads=%d\n", (int)strcspn(buf, "\n"), buf, threads);
	return 0;
}

#ifdef HAVE_PRIM
/* The soft-dirty primitive on a live workload: written pages dirty, untouched ones clean. */
static int cmd_softdirty(int argc, char **argv)
{
	const struct prim_ops *ops = prim_find("soft-dirty");
	struct prim_target t = { 0 };
	struct prim *pr;
	uint64_t addrs[2];
	uint8_t acc[2] = { 0, 0 };
	uint8_t seen[2] = { 0, 0 };
	char why[256];
	int ret;

	if (argc < 5 || !ops) {
		printf("no soft-dirty primitive in this build\n");
		return 1;
	}
	t.pid = atoi(argv[2]);
	t.sample_us = 5000;
	addrs[0] = strtoull(argv[3], NULL, 0);
	addrs[1] = strtoull(argv[4], NULL, 0);
	ret = ops->probe(t.pid, why, sizeof(why));
	if (ret) {
		printf("probe: %s\n", why);
		return 1;
	}
	ret = ops->open(&pr, &t, why, sizeof(why));
	if (ret) {
		printf("open: %s\n", why);
		return 1;
	}
	for (int round = 0; round < 40 && !ret; round++) {
		ret = ops->prepare(pr, addrs, 2);
		usleep(50000);
		if (!ret)
			ret = ops->check(pr, addrs, 2, acc);
		seen[0] |= acc[0];
		seen[1] |= acc[1];
	}
	ops->close(pr);
	printf("hot_written=%d cold_written=%d ret=%d\n", seen[0], seen[1], ret);
	return !ret && seen[0] && !seen[1] ? 0 : 1;
}
#endif

int main(int argc, char **argv)
{
	if (argc < 2) {
#ifdef HAVE_PRIM
		fprintf(stderr, "usage: guest-damon probe|record|heat|ram|meta|kdamonds|softdirty ...\n");
#else
		fprintf(stderr, "usage: guest-damon probe|record|heat|ram|meta|kdamonds ...\n");
#endif
		return 2;
	}
	if (!strcmp(argv[1], "probe"))
		return cmd_probe(argc, argv);
	if (!strcmp(argv[1], "record"))
		return cmd_record(argc, argv);
	if (!strcmp(argv[1], "heat"))
		return cmd_heat(argc, argv);
	if (!strcmp(argv[1], "ram"))
		return cmd_ram(argc, argv);
	if (!strcmp(argv[1], "dump"))
		return cmd_dump(argc, argv);
	if (!strcmp(argv[1], "meta"))
		return cmd_meta(argc, argv);
	if (!strcmp(argv[1], "kdamonds"))
		return cmd_kdamonds();
#ifdef HAVE_PRIM
	if (!strcmp(argv[1], "softdirty"))
		return cmd_softdirty(argc, argv);
#endif
	fprintf(stderr, "guest-damon: unknown command '%s'\n", argv[1]);
	return 2;
}
