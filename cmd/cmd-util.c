// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers every subcommand uses for its command line: the table lookup (exact, with suggestions
 * by edit distance as perf's help_unknown_cmd does) and numbers with units.
 */
#include <ctype.h>
#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/diag.h"
#include "cmd/parse-options.h"
#include "format/dpf.h"
#include "report/session.h"
#include "report/text.h"
#include "format/outfile.h"
#include "viz/png.h"

static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[64];

	if (lb >= 64 || la >= 64)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

int cmd_select(const struct cmd *table, const char *prefix, int argc, char **argv)
{
	const struct cmd *best = NULL;
	unsigned best_d = 3;

	for (const struct cmd *c = table; c->name; c++)
		if (!strcmp(c->name, argv[0]))
			return c->run(argc, argv);
	for (const struct cmd *c = table; c->name; c++) {
		unsigned d = edit_distance(argv[0], c->name);

		/* a typo, or a prefix of the real name */
		if (!strncmp(c->name, argv[0], strlen(argv[0])) && strlen(argv[0]) >= 2)
			d = 1;
		if (d < best_d) {
			best_d = d;
			best = c;
		}
	}
	if (best)
		dp_error(0, "'%s' is not a %s command; did you mean '%s'?", argv[0], prefix,
			 best->name);
	else
		dp_error(0, "'%s' is not a %s command (see '%s --help')", argv[0], prefix, prefix);
	return 2;
}

void cmd_list(const struct cmd *table)
{
	for (const struct cmd *c = table; c->name; c++)
		printf("   %-10s %s\n", c->name, c->summary);
}

int cmd_not_built(const char *name)
{
	dp_error(0, "'%s' is not implemented in daprof %s yet", name, DAPROF_VERSION);
	return 1;
}

int dp_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Split "12.5ms" into 12.5 and "ms"; the number part may be fractional. */
static int split_number(const char *s, long double *num, const char **unit)
{
	char *end;

	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*num = strtold(s, &end);
	if (errno || end == s || *num < 0)
		return -EINVAL;
	while (*end == ' ')
		end++;
	*unit = end;
	return 0;
}

int dp_parse_time_ns(const char *s, uint64_t default_unit_ns, uint64_t *out)
{
	static const struct { const char *name; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000ULL },
		{ "m", 60000000000ULL }, { "min", 60000000000ULL }, { "h", 3600000000000ULL },
		{ NULL, 0 }
	};
	long double num, v;
	const char *unit;
	uint64_t mult = default_unit_ns;

	if (split_number(s, &num, &unit))
		return -EINVAL;
	if (*unit) {
		mult = 0;
		for (int i = 0; units[i].name; i++)
			if (!strcmp(unit, units[i].name))
				mult = units[i].ns;
		if (!mult)
			return -EINVAL;
	}
	v = num * mult;
	if (v >= 18446744073709551615.0L)
		return -ERANGE;
	*out = (uint64_t)(v + 0.5L);
	return 0;
}

int dp_parse_size(const char *s, uint64_t *out)
{
	static const char prefixes[] = "KMGTPE";
	long double num, v;
	const char *unit, *p;
	uint64_t mult = 1;

	if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return dp_parse_u64(s, out);
	if (split_number(s, &num, &unit))
		return -EINVAL;
	if (*unit && strcmp(unit, "B")) {
		p = strchr(prefixes, toupper((unsigned char)unit[0]));
		if (!p)
			return -EINVAL;
		if (unit[1] && strcmp(unit + 1, "B") && strcmp(unit + 1, "iB") && strcmp(unit + 1, "i"))
			return -EINVAL;
		mult = 1ULL << (10 * (p - prefixes + 1));
	}
	v = num * mult;
	if (v >= 18446744073709551615.0L)
		return -ERANGE;
	*out = (uint64_t)(v + 0.5L);
	return 0;
}

const char *cmd_input_path(const char *arg)
{
	return strcmp(arg, "-") ? arg : "/dev/stdin";
}

int cmd_open_recording(const char *path, struct dpf_reader **r)
{
	unsigned major, minor;
	int ret = dpf_reader_open(r, path);

	if (!ret)
		return 0;
	if (ret == -EPROTONOSUPPORT && !dpf_file_version(path, &major, &minor)) {
		dp_error(0, "'%s' has format version %u.%u, newer than this daprof reads (%d.x); "
			 "upgrade daprof", path, major, minor, DPF_MAJOR);
		return ret;
	}
	if (ret == -EBADMSG || ret == -ENOTSUP || ret == -ESPIPE)
		dp_error_str(dpf_strerror(ret), "cannot read '%s'", path);
	else
		dp_error(ret, "cannot open '%s'", path);
	return ret;
}

int cmd_open_session(const char *path, const struct session_filter *f, struct session **s)
{
	struct dpf_reader *r;
	int ret = session_open(s, path, f);

	if (!ret) {
		session_on_damage(*s, cmd_warn_damage_cb, (void *)path);
		return 0;
	}
	if (ret == -ENOMEM || ret == -EINVAL) {
		dp_error(ret, "cannot read '%s'", path);
		return ret;
	}
	/* the reader's own words, naming both versions for a newer one */
	if (!cmd_open_recording(path, &r)) {
		dpf_reader_close(r);
		dp_error(ret, "cannot read '%s'", path);
	}
	return ret;
}

int cmd_open_filtered(const char *path, const struct opt_filters *o, struct session **s)
{
	struct session_filter f = SESSION_FILTER_INIT;

	f.target = o->target;
	f.skip_snapshots = o->skip;
	if (o->time.set) {
		f.time_range = 1;
		f.time_lo_ns = o->time.lo;
		f.time_hi_ns = o->time.hi;
	}
	if (o->addr.set) {
		f.addr_range = 1;
		f.addr_lo = o->addr.lo;
		f.addr_hi = o->addr.hi;
	}
	return cmd_open_session(path, &f, s);
}

void cmd_warn_damage(const char *path, const struct dpf_damage *d)
{
	dp_warn("'%s': %s at offset %llu, %llu bytes skipped", path, d->reason,
		(unsigned long long)d->offset, (unsigned long long)d->length);
}

void cmd_warn_damage_cb(void *arg, const struct dpf_damage *d)
{
	cmd_warn_damage(arg, d);
}

char *dp_text_escape(char *dst, size_t size, const char *src)
{
	return report_text_escape(dst, size, src);
}

void dp_text_puts(const char *s)
{
	report_text_fputs(stdout, s);
}

int cmd_write_png(const struct viz_canvas *c, const char *path, const struct viz_png_text *text,
		  int nr_text)
{
	struct outfile out;
	sigset_t block, old;
	int ret;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &old);
	ret = outfile_open(&out, path, 1);
	if (!ret) {
		int fd = dup(out.fd);
		FILE *f = fd < 0 ? NULL : fdopen(fd, "wb");

		if (!f) {
			ret = -errno;
			if (fd >= 0)
				close(fd);
		} else {
			ret = viz_png_write_stream(c, f, text, nr_text);
			if (fclose(f) && !ret)
				ret = -errno;
		}
		/* no fsync: an image can be drawn again after a power cut (fsync was a tenth) */
		if (ret)
			outfile_abort(&out);
		else
			ret = outfile_commit(&out, 0);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
